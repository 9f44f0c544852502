/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plan: the ordered steps of a setup or a teardown, derived from the
 * validated model and the drivers' vtables (drivers/driver.h). Each step
 * names the op it runs (exec/step.h). Setup steps are idempotent against what
 * already exists (an existing bridge is reused) and journal the inverse of
 * what they changed; teardown steps tolerate what is already gone.
 */
#pragma once

#include <stddef.h>

#include "model.h"
#include "opts.h"
#include "step.h"
#include "shared/error.h"

/* A plan: @n steps, owned by the plan (plan_done()); the steps point into
 * the request model they were planned from, which must outlive them. */
struct plan {
	struct step *steps;
	size_t n;
};

/*
 * Build the setup plan: loopback, per attachment its driver's steps (and the
 * DHCP lease for ipam dhcp unless the driver does its own), then the firewall
 * and DNS of the request when a driver wants them, then the state record.
 * Refuses what this build cannot honour (driver checks: an unknown driver
 * without a plugin) before anything changes. Return: 0 with @ret filled (the
 * caller's, plan_done()), or negative with @err set.
 */
int plan_setup(const struct nd_request *req, const struct netd_opts *opts, struct plan *ret,
	       struct nd_error *err);

/*
 * Build the teardown plan: DNS entries first (the name goes before the
 * address does), per attachment its DHCP lease and its driver's links, the
 * firewall of the whole request when a driver has one, then per attachment
 * the shared host objects the driver releases (empty bridges, unused vlan
 * sub-interfaces), then the state record. Return: 0 with @ret filled (the
 * caller's, plan_done()), or -ENOMEM.
 */
int plan_teardown(const struct nd_request *req, struct plan *ret);

/* Free @p's steps and zero it; safe on a zeroed or already done plan. */
void plan_done(struct plan *p);

/*
 * The core's own steps, defined in plan.c: the firewall (through c->fw), the
 * DNS server, and the container record, whose setup and teardown halves live
 * in setup.c and teardown.c.
 */
extern const struct step_op step_firewall;
extern const struct step_op step_dns;
extern const struct step_op step_state;

/* setup.c: write the container's record (journals putting the old one back).
 * Return: 0, or a negative code with c->err set. */
int state_step_write(struct exec_ctx *c, size_t i);
/* teardown.c: the record without the networks torn down (the file goes when
 * none is left); a failure is appended to @err. Return: 0, or @err's code
 * when @err holds any failure of the teardown so far. */
int state_step_update(struct exec_ctx *c, size_t i, struct nd_error *err);
