/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Plan steps. A step names the operation it runs: a driver's (drivers/
 * driver.h: creating a bridge, a veth, removing a container's links), the
 * firewall's or the core's (DNS, the state record). The plan (core/plan.h)
 * orders the steps of a setup and of a teardown; the executors call them.
 */
#pragma once

#include <stddef.h>

#include "shared/error.h"

struct exec_ctx;

/**
 * struct step_op - what one kind of step does
 * @name:	its name in logs and in NETD_TEST_FAIL_AFTER ("bridge", "veth", ...)
 * @setup:	build it for attachment @i (or the whole request); errors go to
 *		c->err and the inverse is journalled (exec_push_undo())
 * @teardown:	remove it for attachment @i; missing pieces are fine; errors go
 *		to @err, and teardown carries on with the next step
 *
 * A step in a setup plan runs @setup, one in a teardown plan @teardown;
 * either is NULL when the op has no part in that plan.
 */
struct step_op {
	const char *name;
	int (*setup)(struct exec_ctx *c, size_t i);
	int (*teardown)(struct exec_ctx *c, size_t i, struct nd_error *err);
};

struct step {
	const struct step_op *op;
	size_t attach;		/* index into req->attach (0 for steps of the whole request) */
};
