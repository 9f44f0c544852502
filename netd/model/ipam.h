/* SPDX-License-Identifier: Apache-2.0 */
/* Address assignment for one attachment (host-local / none / dhcp). */
#pragma once

#include "model.h"
#include "shared/error.h"

/**
 * ipam_assign() - turn the engine's static IPs into the attachment's addresses
 * @a:		attachment with @a->net set
 * @ips, @n:	static_ips from the request (may be empty)
 * @path:	JSON path of the attachment, for messages
 *
 * host-local: every IP must sit inside one of the network's subnets (it gets
 * that subnet's prefix length), must not be a gateway, a network or broadcast
 * address, or repeat; with subnets present at least one IP is required.
 * none: no addresses. dhcp: no addresses here (the lease comes at setup,
 * dhcp-setup.h); bridges only in unmanaged mode, no static IPs.
 */
int ipam_assign(struct nd_attach *a, const struct nd_ip *ips, size_t n, const char *path,
		struct nd_error *err);

/**
 * ipam_check() - whether @a's addresses obey its network's IPAM rules
 *
 * The same rules as ipam_assign() on the addresses already assigned (a
 * model built without request_parse()): each in one of the network's
 * subnets with that subnet's length, none a gateway, network or broadcast
 * address or given twice; none for ipam none and dhcp.
 * Return: 0, or -EINVAL with @err naming the address.
 */
int ipam_check(const struct nd_attach *a, const char *path, struct nd_error *err);
