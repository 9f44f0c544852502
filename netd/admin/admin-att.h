/* SPDX-License-Identifier: Apache-2.0 */
/* One stored attachment detached, or set up again (admin-att.c). */
#pragma once

#include "admin-ctx.h"

/**
 * admin_detach_one() - tear down one attachment with its record's request
 * @container_id: the attachment
 *
 * Takes and releases the state lock itself around netd_teardown(), which
 * takes it too. A namespace that is gone, or was created again, gets the
 * host side cleaned up only. Teardown removes the record; on failure it stays.
 * Return: 0, or a negative code with @err set.
 */
int admin_detach_one(struct admin_ctx *ctx, const char *container_id, struct nd_error *err);
/**
 * admin_reattach_one() - tear down what is left of an attachment, set it up again
 * @container_id: the attachment
 *
 * For repairs: netd_teardown() with the record's request, the record
 * written again (pending), then netd_setup() with that request, the
 * interface keeping its MAC, and the lease ready. Locking as
 * admin_detach_one().
 * Return: 0, or a negative code with @err set (-ENOENT: namespace gone).
 */
int admin_reattach_one(struct admin_ctx *ctx, const char *container_id, struct nd_error *err);
