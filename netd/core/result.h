/* SPDX-License-Identifier: Apache-2.0 */
/* Everything netd prints on stdout: setup results, state records, errors. */
#pragma once

#include <json-c/json.h>

#include "exec.h"

/* netavark's setup result: network name → StatusBlock. */
json_object *result_setup(const struct nd_request *req, const struct attach_rt *rt);

/* Print @o compactly as one line on stdout. Return: 0 or -EIO. */
int result_print(json_object *o);

/* {"error": "..."} on stdout, one line. */
void result_print_error(const struct nd_error *err);
