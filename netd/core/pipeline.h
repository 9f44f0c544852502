/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The core's entry points, called by every front end (cli/main.c, the CNI
 * plugin, the admin commands). Each returns 0 or a negative code with @err set.
 */
#pragma once

#include <json-c/json.h>

#include "opts.h"
#include "shared/error.h"

/* Read the request from opts->input_file or stdin (bounded). */
int cmd_read_input(const struct netd_opts *opts, char **ret, size_t *len, struct nd_error *err);

int cmd_setup(const struct netd_opts *opts, const char *netns_path, struct nd_error *err);

/*
 * The pipeline on a request already in memory (admin commands build one).
 * netd_setup() prints the result unless @ret_result is given, then it hands
 * the result object over instead.
 */
int netd_setup(const struct netd_opts *opts, const char *netns_path, const char *raw, size_t len,
	       json_object **ret_result, struct nd_error *err);
int netd_teardown(const struct netd_opts *opts, const char *netns_path, const char *raw, size_t len,
		  struct nd_error *err);

int cmd_teardown(const struct netd_opts *opts, const char *netns_path, struct nd_error *err);
int cmd_validate(const struct netd_opts *opts, struct nd_error *err);
int cmd_create(const struct netd_opts *opts, struct nd_error *err);
