// SPDX-License-Identifier: Apache-2.0
#include "plan.h"

#include <errno.h>
#include <stdlib.h>

#include "driver.h"

static const char *const step_names[] = {
	[STEP_LOOPBACK] = "loopback",
	[STEP_BRIDGE] = "bridge",
	[STEP_VETH] = "veth",
	[STEP_ADDRESSES] = "addresses",
	[STEP_ROUTES] = "routes",
	[STEP_MACVLAN] = "macvlan",
	[STEP_IPVLAN] = "ipvlan",
	[STEP_PLUGIN] = "plugin",
	[STEP_FIREWALL] = "firewall",
	[STEP_DNS] = "dns",
	[STEP_STATE] = "state",
	[STEP_DHCP] = "dhcp",
};

const char *plan_step_name(enum step_kind k)
{
	return step_names[k];
}

static void add(struct plan *p, enum step_kind k, size_t attach)
{
	p->steps[p->n++] = (struct step){ .kind = k, .attach = attach };
}

int plan_setup(const struct nd_request *req, const struct netd_opts *opts, struct plan *ret,
	       struct nd_error *err)
{
	struct plan p = {0};
	bool services = false;
	int r;

	/* Every driver is checked before anything changes, as netavark validates all first. */
	for (size_t i = 0; i < req->n_attach; i++) {
		const struct driver_ops *d = driver_of(req->attach[i].net);
		if (d->check && (r = d->check(req, i, opts, err)) < 0)
			return r;
		services |= d->host_services;
	}
	p.steps = calloc(4 + req->n_attach * (DRIVER_MAX_STEPS + 1), sizeof(*p.steps));
	if (!p.steps)
		return -ENOMEM;
	add(&p, STEP_LOOPBACK, 0);
	for (size_t i = 0; i < req->n_attach; i++) {
		const struct driver_ops *d = driver_of(req->attach[i].net);
		for (size_t k = 0; k < d->n_steps; k++)
			add(&p, d->steps[k], i);
		/* ipam dhcp: the lease is asked for once the interface is up. */
		if (req->attach[i].net->ipam == ND_IPAM_DHCP && req->attach[i].net->driver != ND_DRIVER_PLUGIN)
			add(&p, STEP_DHCP, i);
	}
	if (services) {
		/* The firewall of the whole request: one transaction. */
		add(&p, STEP_FIREWALL, 0);
		add(&p, STEP_DNS, 0);
	}
	add(&p, STEP_STATE, 0);
	*ret = p;
	return 0;
}

void plan_done(struct plan *p)
{
	free(p->steps);
	p->steps = NULL;
	p->n = 0;
}
