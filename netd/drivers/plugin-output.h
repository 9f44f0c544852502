/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What an external driver plugin prints on stdout (docs/plugins.md), parsed
 * and checked before it reaches netd's result: the StatusBlock of a
 * successful "setup", the {"error": ...} object of a failure, the answer to
 * "info". Pure functions over a byte buffer; fuzzed by
 * tests/fuzz/fuzz-plugin-output.c.
 */
#pragma once

#include "result-model.h"

#include <json-c/json.h>
#include <stddef.h>

#include "shared/error.h"

/* Largest output netd reads from a plugin. */
#define PLUGIN_OUTPUT_MAX (4u << 20)

/**
 * plugin_output_status() - parse the StatusBlock of a successful setup
 * @buf, @len:	the plugin's stdout (need not be NUL-terminated)
 * @ret:	on success the block, typed (the caller's, nd_result_net_done();
 *		its network name left NULL): what netavark's StatusBlock type
 *		carries (dns_search_domains, dns_server_ips, interfaces, each
 *		interface's mac_address and subnets with gateway and ipnet), the
 *		plugin's values unchanged; a key it left out or set to null has
 *		its has_* flag false, and keys the type does not know are dropped
 *
 * Types are checked as netavark's deserializer does: the lists are arrays
 * of strings / IP addresses or null; interfaces maps names to objects with a
 * string mac_address and subnets (null, or objects with an "ipnet" CIDR and
 * an optional IP "gateway").
 * Return: 0, or -EINVAL with @err saying what is wrong (no "plugin" prefix).
 */
int plugin_output_status(const char *buf, size_t len, struct nd_result_net *ret,
			 struct nd_error *err);

/**
 * plugin_output_error() - the message of a failed plugin: {"error": "msg"}
 * @ret:	the message, heap-allocated
 * Return: 0, or -EINVAL with @err saying why the output is not such an object.
 */
int plugin_output_error(const char *buf, size_t len, char **ret, struct nd_error *err);

/**
 * plugin_output_info() - the answer to "info": {"version": "...",
 * "api_version": "...", ...}; both keys strings. @ret is the whole object.
 */
int plugin_output_info(const char *buf, size_t len, json_object **ret, struct nd_error *err);

/**
 * plugin_output_network() - the answer to "create": a Network object with
 * at least the strings name, id and driver. @ret is the whole object.
 */
int plugin_output_network(const char *buf, size_t len, json_object **ret, struct nd_error *err);
