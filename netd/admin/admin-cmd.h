/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The admin commands, one file each, and only admin.c (the dispatcher) calls
 * them. Each takes the arguments after its name and returns the exit code,
 * with @err set on failure.
 */
#pragma once

#include "admin-ctx.h"

int admin_cmd_network(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err);
int admin_cmd_attach(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err);
int admin_cmd_detach(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err);
int admin_cmd_status(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err);
int admin_cmd_check(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err);
