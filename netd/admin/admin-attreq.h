/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An attachment's request, built again from its record (what attach chose)
 * and its network's definition, with the model constructors (admin-attreq.c).
 */
#pragma once

#include "admin-attstore.h"
#include "admin-netstore.h"

/**
 * admin_att_request() - the request of attachment @a on network @net
 * @ret:	the request (the caller's, nd_request_free()): container @a's id
 *		and name, network @net, @a's interface, addresses, MAC, aliases
 *		and ports. It is the request attach set up with.
 *
 * Return: 0, or a negative code with @err set (what the constructors refuse).
 */
int admin_att_request(const struct admin_att *a, const struct nd_network *net,
		      struct nd_request **ret, struct nd_error *err);

/**
 * admin_atts_build() - give every attachment of @atts its request (->req)
 * @nets:	the network directory; an attachment whose network is gone from
 *		it gets the definition its container record keeps (<@config>)
 *
 * Return: 0, or a negative code with @err set naming the attachment.
 */
int admin_atts_build(struct admin_atts *atts, const struct admin_nets *nets, const char *config,
		     struct nd_error *err);
