/* SPDX-License-Identifier: Apache-2.0 */
/*
 * External network driver plugins (netavark's plugin API, docs/plugins.md):
 * a driver name that is not built in names an executable regular file in a
 * --plugin-directory. netd runs it as "<plugin> setup|teardown NETNS" with a
 * JSON object on stdin, "<plugin> create" with a Network, or "<plugin> info",
 * bounded by a timeout (NETD_PLUGIN_TIMEOUT seconds, default 30). Its stderr
 * is netd's stderr; its stdout is parsed by plugin-output.c.
 */
#pragma once

#include "result-model.h"

#include <json-c/json.h>

#include "exec.h"

#define PLUGIN_TIMEOUT_DEFAULT 30

/**
 * plugin_find() - the executable of driver @name
 * Return: 0 with @ret a heap path, -ENOENT when no directory has it, or
 * -EINVAL for a name that cannot be a file name (empty, "." or "..", "/").
 */
int plugin_find(const struct netd_opts *opts, const char *name, char **ret);

/* Plan-time check of attachment @i: its plugin exists ("unknown network driver" if not). */
int plugin_check(const struct nd_request *req, size_t i, const struct netd_opts *opts,
		 struct nd_error *err);

/**
 * plugin_setup() - run "setup NETNS" for attachment @i
 *
 * The plugin's stdin is written from the model (request-json.h): the
 * network, the attachment's options and the request's port mappings.
 *
 * Keeps the plugin's StatusBlock for the result (plugin_status()) and
 * journals a "teardown" of the plugin. Errors name the plugin, e.g.
 * plugin "NAME" failed: exit code 1, message: MSG.
 */
int plugin_setup(struct exec_ctx *c, size_t i);

/* Run "teardown NETNS" for attachment @i; also when the namespace is gone. */
int plugin_teardown(struct exec_ctx *c, size_t i, struct nd_error *err);

/* The StatusBlock plugin_setup() kept for attachment @rt (borrowed), or NULL. */
const struct nd_result_net *plugin_status(const struct attach_rt *rt);

/* Free what plugin_setup() kept in @rt[0..n). */
void plugin_rt_done(struct attach_rt *rt, size_t n);

/**
 * plugin_create() - "<plugin> create" with @network on stdin
 * Return: 0 with @ret the completed Network the plugin printed; its name,
 * id and driver must be unchanged.
 */
int plugin_create(const struct netd_opts *opts, const char *name, json_object *network,
		  json_object **ret, struct nd_error *err);
