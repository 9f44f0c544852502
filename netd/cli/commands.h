/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The subcommands main.c dispatches to: the core's (pipeline.h), the
 * firewall's (fw-reload.h), the admin front end's (admin.h) and the
 * netavark front end's own (below).
 */
#pragma once

#include "admin.h"
#include "fw-reload.h"
#include "pipeline.h"

/*
 * netd validate (validate.c): parse the request and build its setup plan
 * without running it; prints {"valid": true, "networks": [...]} on stdout.
 */
int cmd_validate(const struct netd_opts *opts, struct nd_error *err);
