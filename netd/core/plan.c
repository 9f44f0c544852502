// SPDX-License-Identifier: Apache-2.0
/* The order of a setup and of a teardown, in one place (plan.h). */
#include "plan.h"

#include <errno.h>
#include <stdlib.h>

#include "dns-conf.h"
#include "driver.h"
#include "fw.h"
#include "shared/cleanup.h"

static int firewall_setup(struct exec_ctx *c, size_t i)
{
	return c->fw->setup(c);
}

/* The whole request's rules; a network's own go once it has no container left. */
static int firewall_teardown(struct exec_ctx *c, size_t i, struct nd_error *err)
{
	size_t n = c->req->n_attach;
	_cleanup_free_ bool *last = calloc(n ? n : 1, sizeof(bool));

	if (!last)
		return nd_error_set(err, -ENOMEM, "out of memory");
	for (size_t k = 0; k < n; k++)
		last[k] = c->rt[k].net_empty;
	return c->fw->teardown(c, last, err);
}

static int dns_step_setup(struct exec_ctx *c, size_t i)
{
	return dns_setup(c);
}

static int dns_step_teardown(struct exec_ctx *c, size_t i, struct nd_error *err)
{
	return dns_teardown(c, err);
}

const struct step_op step_firewall = {
	.name = "firewall", .setup = firewall_setup, .teardown = firewall_teardown,
};
const struct step_op step_dns = {
	.name = "dns", .setup = dns_step_setup, .teardown = dns_step_teardown,
};
const struct step_op step_state = {
	.name = "state", .setup = state_step_write, .teardown = state_step_update,
};

static void add(struct plan *p, const struct step_op *op, size_t attach)
{
	p->steps[p->n++] = (struct step){ .op = op, .attach = attach };
}

static bool wants_services(const struct nd_request *req)
{
	for (size_t i = 0; i < req->n_attach; i++)
		if (driver_of(req->attach[i].net)->host_services)
			return true;
	return false;
}

int plan_setup(const struct nd_request *req, const struct netd_opts *opts, struct plan *ret,
	       struct nd_error *err)
{
	struct plan p = {0};
	int r;

	/* Every driver is checked before anything changes, as netavark validates all first. */
	for (size_t i = 0; i < req->n_attach; i++) {
		const struct driver_ops *d = driver_of(req->attach[i].net);
		if (d->check && (r = d->check(req, i, opts, err)) < 0)
			return r;
	}
	p.steps = calloc(4 + req->n_attach * (DRIVER_MAX_STEPS + 1), sizeof(*p.steps));
	if (!p.steps)
		return -ENOMEM;
	add(&p, &step_loopback, 0);
	for (size_t i = 0; i < req->n_attach; i++) {
		const struct driver_ops *d = driver_of(req->attach[i].net);
		for (size_t k = 0; k < d->n_steps; k++)
			add(&p, d->steps[k], i);
		/* ipam dhcp: the lease is asked for once the interface is up. */
		if (req->attach[i].net->ipam == ND_IPAM_DHCP && !d->own_ipam)
			add(&p, &step_dhcp, i);
	}
	if (wants_services(req)) {
		/* The firewall of the whole request: one transaction. */
		add(&p, &step_firewall, 0);
		add(&p, &step_dns, 0);
	}
	add(&p, &step_state, 0);
	*ret = p;
	return 0;
}

int plan_teardown(const struct nd_request *req, struct plan *ret)
{
	struct plan p = {0};

	p.steps = calloc(3 + req->n_attach * 3, sizeof(*p.steps));
	if (!p.steps)
		return -ENOMEM;
	/* DNS first, as netavark: the name goes before the address does. */
	add(&p, &step_dns, 0);
	for (size_t i = 0; i < req->n_attach; i++) {
		if (req->attach[i].net->ipam == ND_IPAM_DHCP)
			add(&p, &step_dhcp, i);
		add(&p, driver_of(req->attach[i].net)->remove, i);
	}
	if (wants_services(req))
		add(&p, &step_firewall, 0);
	for (size_t i = 0; i < req->n_attach; i++) {
		const struct driver_ops *d = driver_of(req->attach[i].net);
		if (d->release)
			add(&p, d->release, i);
	}
	add(&p, &step_state, 0);
	*ret = p;
	return 0;
}

void plan_done(struct plan *p)
{
	free(p->steps);
	p->steps = NULL;
	p->n = 0;
}
