/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The typed result of a setup (struct nd_result, model/result-model.h) made
 * from what the steps found (result_setup()). What netd prints on stdout is
 * written at the edge, by model/result-model.h: result_to_json(),
 * result_print() and result_print_error().
 */
#pragma once

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
