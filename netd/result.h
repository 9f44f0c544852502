/* SPDX-License-Identifier: Apache-2.0 */
/* Everything netd prints on stdout: setup results, state records, errors. */
#pragma once

#include <json-c/json.h>

#include "exec.h"

/* netavark's setup result: network name → StatusBlock. */
json_object *result_setup(const struct nd_request *req, const struct attach_rt *rt);

/* The state record of a container (config dir), including the raw request. */
json_object *result_state(const struct nd_request *req, const struct attach_rt *rt,
			  const char *netns_path, const char *raw_request, uint16_t dns_port);

/* Print @o compactly as one line on stdout. Return: 0 or -EIO. */
int result_print(json_object *o);

/* {"error": "..."} on stdout, one line. */
void result_print_error(const struct nd_error *err);
