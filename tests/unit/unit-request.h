/* SPDX-License-Identifier: Apache-2.0 */
/* For the unit tests of netd's modules: a request model from JSON text. */
#pragma once

#include <string.h>

#include "request.h"
#include "tap.h"

/* The parsed request, or NULL with the parser's message as a TAP diagnostic. */
static inline struct nd_request *unit_request(const char *text)
{
	struct nd_request *req = NULL;
	struct nd_error err = {0};

	if (request_parse(text, strlen(text), &req, &err) < 0) {
		tap_diag("request: %s", err.msg ? err.msg : "?");
		nd_error_clear(&err);
	}
	return req;
}
