/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plan: the ordered steps of a setup, derived from the validated model.
 * Each step is idempotent against what already exists (an existing bridge is
 * reused) and journals the inverse of what it changed.
 */
#pragma once

#include <stddef.h>

#include "model.h"
#include "opts.h"
#include "shared/error.h"

enum step_kind {
	STEP_LOOPBACK,		/* container lo up */
	STEP_BRIDGE,		/* find or create the bridge, sysctls, gateways */
	STEP_VETH,		/* veth pair, peer in the container */
	STEP_ADDRESSES,		/* container addresses, interface up */
	STEP_ROUTES,		/* default and static routes */
	STEP_MACVLAN,		/* macvlan link on the parent, straight into the container */
	STEP_IPVLAN,		/* ipvlan link on the parent, straight into the container */
	STEP_PLUGIN,		/* external driver plugin: "setup NETNS" */
	STEP_FIREWALL,		/* firewall rules of all attachments, one transaction */
	STEP_DNS,		/* DNS entries, start or reload the DNS server */
	STEP_STATE,		/* state record in the config dir */
	STEP_DHCP,		/* ipam dhcp: lease, address, default route (dhcp-setup.c) */
};

struct step {
	enum step_kind kind;
	size_t attach;		/* index into req->attach (unused for global steps) */
};

struct plan {
	struct step *steps;
	size_t n;
};

/*
 * Build the plan: per attachment its driver's steps (driver.h), then the
 * firewall and DNS of the request when a driver wants them, then the state
 * record. Refuses what this build cannot honour (driver checks: an unknown
 * driver without a plugin) before anything changes.
 */
int plan_setup(const struct nd_request *req, const struct netd_opts *opts, struct plan *ret,
	       struct nd_error *err);
void plan_done(struct plan *p);
const char *plan_step_name(enum step_kind k);
