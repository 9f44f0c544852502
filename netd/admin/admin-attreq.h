/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The request of one attachment, built from what attach chose and the
 * network's definition with the model constructors (admin-attreq.c). attach
 * builds it once and the container record keeps it; the migration of an old
 * attachments.json builds it from the choices that file kept.
 */
#pragma once

#include <stddef.h>

#include "model.h"
#include "shared/error.h"

/**
 * struct admin_choices - what attach chose for one attachment (all borrowed)
 * @container_id: the container id (one per attachment)
 * @name:	the container name (its DNS name)
 * @interface:	the interface in the namespace
 * @addrs:	the addresses, one per subnet of the network
 * @static_mac:	the MAC asked for; "" or NULL for none
 * @aliases:	further DNS names
 * @ports:	the published ports
 */
struct admin_choices {
	const char *container_id, *name, *interface;
	const struct nd_ip *addrs;
	size_t n_addrs;
	const char *static_mac;
	const char *const *aliases;
	size_t n_aliases;
	const struct nd_port *ports;
	size_t n_ports;
};

/**
 * admin_att_request() - the request of attachment @c on network @net
 * @ret:	the request (the caller's, nd_request_free()): container @c's id
 *		and name, network @net, @c's interface, addresses, MAC, aliases
 *		and ports
 *
 * Return: 0, or a negative code with @err set (what the constructors refuse).
 */
int admin_att_request(const struct admin_choices *c, const struct nd_network *net,
		      struct nd_request **ret, struct nd_error *err);
