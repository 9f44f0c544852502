/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The core's entry points with the container namespace already opened, for
 * the netavark command line (cli/request-cmd.c): it opens and checks the namespace
 * before it parses the request, so a bad namespace is the error reported,
 * and hands that one open namespace down instead of opening it again.
 */
#pragma once

#include "model.h"
#include "opts.h"
#include "result.h"
#include "shared/error.h"

/*
 * Hands the result of a setup to its front end before the setup is kept:
 * the netavark command line prints it on stdout. Return: 0, or a negative
 * code, and then the whole setup is undone ("failed to write the result").
 */
typedef int (*netd_emit_fn)(const struct nd_result *res);

/*
 * netd_setup() and netd_teardown() (pipeline.h) on @ns: what
 * netns_open_container(@netns_path, NULL) returned, an fd (taken: closed
 * before they return) or that -errno. netd_setup_ns() calls @emit (unless
 * NULL) with the result while it can still undo everything, and writes the
 * result to @ret (unless NULL) on success.
 */
int netd_setup_ns(const struct netd_opts *opts, const char *netns_path, int ns,
		  const struct nd_request *req, netd_emit_fn emit, struct nd_result **ret,
		  struct nd_error *err);
int netd_teardown_ns(const struct netd_opts *opts, const char *netns_path, int ns,
		     const struct nd_request *req, struct nd_error *err);
