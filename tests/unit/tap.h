/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A few lines of TAP for the unit tests: "ok N - name", "not ok N - name",
 * "# diagnostics", a late plan "1..N", and a last line "N passed, N failed"
 * that is not TAP (meson runs these with the exitcode protocol).
 *
 * A test marked TODO documents a known parser problem: it is reported as
 * "not ok N - name # TODO reason" and does not count as a failure.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned tap_n, tap_passed, tap_failed, tap_todo;

static inline __attribute__((format(printf, 1, 2))) void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

/**
 * tap_result() - report one test
 * @ok:		whether it passed
 * @todo:	NULL, or why a failure is expected (TAP TODO directive)
 * @name:	the test name
 * Return: @ok
 */
static inline bool tap_result(bool ok, const char *todo, const char *name)
{
	tap_n++;
	printf("%sok %u - %s", ok ? "" : "not ", tap_n, name);
	if (todo)
		printf(" # TODO %s", todo);
	putchar('\n');
	if (todo && !ok)
		tap_todo++;
	else if (ok)
		tap_passed++;
	else
		tap_failed++;
	fflush(stdout);
	return ok;
}

/* Print the plan and the summary. Return: the process exit status. */
static inline int tap_finish(void)
{
	printf("1..%u\n", tap_n);
	if (tap_todo)
		tap_diag("%u known problem(s) marked TODO", tap_todo);
	printf("%u passed, %u failed\n", tap_passed, tap_failed);
	return tap_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * Checks inside one multi-step test: CHECK() records a failed condition with
 * its line, and the test's tap_result() uses !tap_check_failed().
 */
static unsigned tap_check_failures;

#define CHECK(cond)								\
	do {									\
		if (!(cond)) {							\
			tap_diag("%s:%d: check failed: %s", __FILE__, __LINE__, #cond); \
			tap_check_failures++;					\
		}								\
	} while (0)

static inline void tap_check_begin(void)
{
	tap_check_failures = 0;
}

static inline bool tap_check_ok(void)
{
	return tap_check_failures == 0;
}
