/* SPDX-License-Identifier: Apache-2.0 */
/* The subcommands. Each returns 0 or a negative code with @err set. */
#pragma once

#include "opts.h"
#include "shared/error.h"

/* Read the request from opts->input_file or stdin (bounded). */
int cmd_read_input(const struct netd_opts *opts, char **ret, size_t *len, struct nd_error *err);

int cmd_setup(const struct netd_opts *opts, const char *netns_path, struct nd_error *err);
int cmd_teardown(const struct netd_opts *opts, const char *netns_path, struct nd_error *err);
int cmd_validate(const struct netd_opts *opts, struct nd_error *err);
int cmd_firewall_reload(const struct netd_opts *opts, struct nd_error *err);
int cmd_create(const struct netd_opts *opts, struct nd_error *err);
