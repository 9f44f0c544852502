/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Network drivers as vtables: the steps a driver's attachment is set up and
 * torn down with, and what it needs of the host (firewall, DNS, a bridge).
 * bridge, macvlan and ipvlan are built in; any other driver name is an
 * external plugin (docs/plugins.md). The plan (core/plan.c) asks the driver
 * of each attachment; nothing else switches on the driver kind.
 */
#pragma once

#include <stdbool.h>

#include "driver-state.h"
#include "exec.h"
#include "step.h"

#define DRIVER_MAX_STEPS 4

/**
 * struct driver_ops - one network driver
 * @name:	driver name for messages ("bridge", "macvlan", "ipvlan", "plugin")
 * @steps:	the per-attachment setup steps, in order
 * @n_steps:	how many of @steps are used
 * @remove:	teardown of an attachment: what setup built inside and for it
 *		(its links, a plugin's teardown); its op's @teardown runs
 * @release:	after every link of the request is gone: shared host objects
 *		(an empty bridge, a vlan sub-interface); NULL = none
 * @host_services: the request's firewall and DNS steps are planned (and torn
 *		down) only when some attachment's driver wants them
 * @owns_bridge: its attachments are ports of a host bridge netd manages
 *		(the bridge's DNS server, gateways, firewall sets)
 * @on_parent:	its links stack on a host parent device, which may be a
 *		vlan sub-interface netd created and shares (link-vlan.c)
 * @own_ipam:	the driver does its own address management (an ipam "dhcp"
 *		network gets no netd DHCP step)
 * @check:	before anything changes: can attachment @i be set up with this
 *		build and these options? NULL = nothing to check
 * @fw_needs:	does attachment @a get firewall rules (its network's bridge
 *		in the isolation, NAT and DNS sets, its published ports)?
 *		NULL = never. The core hands the answer to fw/ (driver_fw_needs).
 * @status:	what the kernel has of an attachment's runtime objects
 *		(driver-state.h); 0, or -errno (-EOPNOTSUPP: the driver cannot say)
 * @check_live:	after setup: do the attachment's objects still match what
 *		setup made? 0, or a precise -errno with @err saying what drifted
 *		(-ENODEV missing, -ENETDOWN down, -EMEDIUMTYPE wrong kind, -EXDEV
 *		not on its bridge, -EADDRNOTAVAIL a gateway gone, -EOPNOTSUPP a
 *		driver netd cannot look into)
 */
struct driver_ops {
	const char *name;
	const struct step_op *steps[DRIVER_MAX_STEPS];
	size_t n_steps;
	const struct step_op *remove;
	const struct step_op *release;
	bool host_services;
	bool owns_bridge;
	bool on_parent;
	bool own_ipam;
	int (*check)(const struct nd_request *req, size_t i, const struct netd_opts *opts,
		     struct nd_error *err);
	bool (*fw_needs)(const struct nd_attach *a);
	int (*status)(const struct driver_probe *p, struct driver_status *ret);
	int (*check_live)(const struct driver_probe *p, struct nd_error *err);
};

/* The driver of @net (never NULL). */
const struct driver_ops *driver_of(const struct nd_network *net);

/*
 * The status op of @net's driver asked about the network alone (no
 * attachment): the objects it shares, the bridge of a bridge network, from
 * @host; @links_only: without their addresses. 0, or -errno (-EOPNOTSUPP:
 * the driver cannot say).
 */
int driver_net_status(struct nlx *host, const struct nd_network *net, bool links_only,
		      struct driver_status *ret);

/*
 * Whether attachment @a gets firewall rules: its driver's @fw_needs. The
 * core passes this to the firewall (exec_ctx.fw_needs, fw_dirs.needs), which
 * cannot ask the drivers itself.
 */
bool driver_fw_needs(const struct nd_attach *a);

/* Steps outside any one driver: the container's loopback, and an ipam dhcp lease. */
extern const struct step_op step_loopback;
extern const struct step_op step_dhcp;
