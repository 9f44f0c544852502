/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a driver finds of one attachment's runtime objects (status) and how
 * they differ from what setup made (check). The bridge driver's are the
 * bridge and the host end of the veth pair; macvlan's and ipvlan's the
 * link in the container and its host parent; a plugin's are its own, so
 * netd cannot say (-EOPNOTSUPP).
 */
#pragma once

#include <net/if.h>
#include <stdbool.h>

#include "model.h"
#include "nl.h"
#include "shared/error.h"

/**
 * struct driver_status - one attachment's runtime objects as the kernel has them
 * @host:	the host side: the veth's host end (bridge); the parent (macvlan, ipvlan)
 * @host_exists: @host was found (then @host.ifindex, .up, .master are the kernel's)
 * @host_name:	the name looked for
 * @bridge:	bridge driver: the bridge; @bridge_exists when found
 * @bridge_addrs: the bridge's addresses (the first DRIVER_STATUS_ADDRS),
 *		@n_bridge_addrs of them; @bridge_addrs_err 0, or the -errno
 *		listing them failed with (then none are listed)
 * @ctr:	the container's interface, @ctr_exists when found (needs a
 *		container handle)
 * @ctr_addrs:	its addresses, as @bridge_addrs
 */
#define DRIVER_STATUS_ADDRS 32

struct driver_status {
	char host_name[IFNAMSIZ];
	struct nlx_link host;
	bool host_exists;
	char bridge_name[IFNAMSIZ];
	struct nlx_link bridge;
	bool bridge_exists;
	struct nd_prefix bridge_addrs[DRIVER_STATUS_ADDRS];
	size_t n_bridge_addrs;
	int bridge_addrs_err;
	struct nlx_link ctr;
	bool ctr_exists;
	struct nd_prefix ctr_addrs[DRIVER_STATUS_ADDRS];
	size_t n_ctr_addrs;
	int ctr_addrs_err;
};

/*
 * The handles and names status and check work with: @host the host's
 * netlink, @ctr the container's (NULL when its namespace is gone or not
 * looked into), @container_id to name a bridge attachment's host veth.
 * A probe of the network alone (driver_net_status()) has neither
 * @container_id nor @a's interface names: then only the network's own
 * objects (the bridge) are looked up. @links_only: the links alone, without
 * listing their addresses (two netlink dumps fewer, for a health table).
 */
struct driver_probe {
	struct nlx *host;
	struct nlx *ctr;
	const char *container_id;
	const struct nd_attach *a;
	bool links_only;
};

/*
 * The built-in drivers' runtime ops, reached through driver_ops.status and
 * .check_live (driver.h) rather than called by name. *_status() fills @ret
 * (the caller's, plain values) with what the kernel has of the attachment
 * @p describes; it returns 0, or -errno when netlink fails (a missing object
 * is a field of @ret, not an error). *_check() returns 0 when everything
 * setup made for the attachment is there as made, else the first drift as a
 * negative code with @err naming the object and the difference. The lower
 * (macvlan, ipvlan) ones take the link @kind expected in the container.
 */
int bridge_status(const struct driver_probe *p, struct driver_status *ret);
int bridge_check(const struct driver_probe *p, struct nd_error *err);
int lower_status(const struct driver_probe *p, struct driver_status *ret);
int lower_check(const struct driver_probe *p, enum nlx_kind kind, struct nd_error *err);
