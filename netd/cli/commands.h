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

/*
 * netd setup (request-cmd.c): the request from stdin (or -f), parsed once
 * (request_parse()); a namespace path the core would refuse is reported
 * first. Then the core's setup on that namespace, which prints netavark's
 * result on stdout before it keeps the setup.
 */
int cmd_setup(const struct netd_opts *opts, const char *netns_path, struct nd_error *err);

/*
 * netd teardown: like cmd_setup() (a namespace that no longer exists is no
 * error), then the core's teardown; nothing is printed on success.
 */
int cmd_teardown(const struct netd_opts *opts, const char *netns_path, struct nd_error *err);

/*
 * Read the request from opts->input_file or stdin, at most 16 MiB.
 * Return: 0 with *@ret a new NUL-terminated buffer (the caller's, free())
 * of *@len bytes, or a negative code (-EFBIG when too large) with @err set.
 */
int cmd_read_input(const struct netd_opts *opts, char **ret, size_t *len, struct nd_error *err);

/*
 * netd create (create-cmd.c): complete the network of the JSON input
 * (create_complete(), or the plugin's create for a driver that is not built
 * in) and print it on stdout.
 */
int cmd_create(const struct netd_opts *opts, struct nd_error *err);
