/* SPDX-License-Identifier: Apache-2.0 */
/* The one error object that crosses the boundary between netd's layers. */
#pragma once

#include <stdarg.h>

/**
 * struct nd_error - an error with a human message
 * @code:	negative errno-style code (0 = no error)
 * @msg:	heap-allocated message saying what failed and where
 * @proto_code:	the number a front end's protocol reports for this failure
 *		(the CNI spec's error code), 0 when none was chosen; only the
 *		front end that sets it reads it
 * @details:	optional heap-allocated longer text, for a protocol whose
 *		error carries one (CNI's "details"); NULL if none
 */
struct nd_error {
	int code;
	char *msg;
	unsigned proto_code;
	char *details;
};

/**
 * nd_error_set() - record an error unless one is already recorded
 * Return: @code, always negative (so callers can `return nd_error_set(...)`)
 */
int nd_error_set(struct nd_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int nd_error_setv(struct nd_error *e, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Prefix the recorded message with "<prefix>: " (for context on the way up). */
void nd_error_prefix(struct nd_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append "\n\t- <msg>" to a list error (teardown collects every failure). */
void nd_error_append(struct nd_error *list, const struct nd_error *one);

/* Free the message and details; @e is then empty (no error). */
void nd_error_clear(struct nd_error *e);
void nd_error_move(struct nd_error *dst, struct nd_error *src);
