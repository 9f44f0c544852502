/* SPDX-License-Identifier: Apache-2.0 */
/* What netd_setup() and netd_teardown() do first, alike (entry.c). */
#pragma once

#include "exec.h"
#include "plan.h"

/**
 * core_enter() - the shared opening of both entry points, in their order
 * @c:		the context, set up by exec_open_netns_fd() first (so that
 *		exec_close() may always be called on it, whatever this returns)
 * @ns:		the container namespace as netns_open_container() gave it (taken)
 * @flags:	EXEC_CTR_OPTIONAL for teardown
 * @verb:	"setup" or "teardown", for the --config message
 * @plan:	setup's plan, built after the checks and before anything is
 *		locked or changed (plan_done() it); NULL for teardown
 *
 * The namespace is checked, the request validated (request_validate()),
 * --config required, then exec_open() locks and loads the record, and the
 * firewall driver and the drivers' firewall needs are set on @c.
 * Return: 0, or a negative code with @err set.
 */
int core_enter(struct exec_ctx *c, const struct netd_opts *opts, const char *netns_path, int ns,
	       unsigned flags, const struct nd_request *req, const char *verb, struct plan *plan,
	       struct nd_error *err);
