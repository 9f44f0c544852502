/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The core's entry points, called by every front end (cli/main.c, the CNI
 * plugin, the admin commands). Each returns 0 or a negative code with @err set
 * (-ENOMEM may come without a message; the front end then reports strerror).
 * netd_setup() and netd_teardown() take the typed request every front end
 * builds; no JSON passes this interface.
 */
#pragma once

#include "model.h"
#include "opts.h"
#include "result.h"
#include "shared/error.h"

/**
 * netd_setup() - set a container up on the networks of @req
 * @netns_path:	the container's network namespace (the host's own is refused)
 * @req:	the request model, from request_parse() or the constructors of
 *		build.h; borrowed. request_validate() runs on it first.
 * @ret:	the typed result (the caller's, nd_result_free), written on
 *		success
 *
 * Everything it changed is undone when a step fails.
 * Return: 0, or a negative code with @err set.
 */
int netd_setup(const struct netd_opts *opts, const char *netns_path, const struct nd_request *req,
	       struct nd_result **ret, struct nd_error *err);

/**
 * netd_teardown() - remove what setup made for @req's networks
 *
 * @req is validated as by netd_setup(). Goes on past failures and succeeds
 * when parts are already gone; only what the container's record names (and
 * netd marked) is removed on the host.
 * Return: 0, or a negative code with @err listing every failure.
 */
int netd_teardown(const struct netd_opts *opts, const char *netns_path,
		  const struct nd_request *req, struct nd_error *err);
