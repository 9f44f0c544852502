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
#include "step.h"
#include "shared/error.h"

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
