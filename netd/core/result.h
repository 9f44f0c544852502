/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The typed result of a setup (struct nd_result, model/result-model.h) made
 * from what the steps found (result_setup()), and everything netd prints on
 * stdout: result_to_json() (model/result-model.h) is the one writer of
 * netavark's setup result; errors go out through result_print_error().
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec.h"
#include "result-model.h"

/**
 * result_setup() - the typed result of a completed setup
 * @rt:		what setup found out per attachment (MACs, MTUs, DNS listen
 *		addresses, DHCP leases, plugins' StatusBlocks)
 * @ret:	the result, the caller's (nd_result_free), written on success
 * Return: 0 or -ENOMEM.
 */
int result_setup(const struct nd_request *req, const struct attach_rt *rt, struct nd_result **ret);

/* Print @o compactly as one line on stdout. Return: 0 or -EIO. */
int result_print(json_object *o);

/* {"error": "..."} on stdout, one line (@err->msg, or "unknown error");
 * a failure to print is ignored. */
void result_print_error(const struct nd_error *err);
