/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Network drivers behind one small vtable: what the plan runs for an
 * attachment, what teardown removes, and which host-wide services (firewall,
 * DNS) a driver wants. bridge, macvlan and ipvlan are built in; any other
 * driver name is an external plugin (docs/plugins.md).
 */
#pragma once

#include <stdbool.h>

#include "exec.h"
#include "step.h"

#define DRIVER_MAX_STEPS 4

/**
 * struct driver_ops - one network driver
 * @name:	driver name for messages ("bridge", "macvlan", "ipvlan", "plugin")
 * @steps:	the per-attachment setup steps, in order
 * @n_steps:	how many of @steps are used
 * @host_services: the request's firewall and DNS steps are planned (and torn
 *		down) only when some attachment's driver wants them
 * @check:	before anything changes: can attachment @i be set up with this
 *		build and these options? NULL = nothing to check
 * @teardown:	remove what setup built inside and for attachment @i; missing
 *		pieces are fine
 * @release:	after every link of the request is gone: release shared host
 *		objects (an empty bridge, a vlan sub-interface); NULL = none
 */
struct driver_ops {
	const char *name;
	enum step_kind steps[DRIVER_MAX_STEPS];
	size_t n_steps;
	bool host_services;
	int (*check)(const struct nd_request *req, size_t i, const struct netd_opts *opts,
		     struct nd_error *err);
	int (*teardown)(struct exec_ctx *c, size_t i, struct nd_error *err);
	int (*release)(struct exec_ctx *c, size_t i, struct nd_error *err);
};

/* The driver of @net (never NULL). */
const struct driver_ops *driver_of(const struct nd_network *net);
