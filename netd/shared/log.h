/* SPDX-License-Identifier: Apache-2.0 */
/* Levelled logging to stderr. stdout is reserved for JSON results. */
#pragma once

#include <stdarg.h>

enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
	LOG_LVL_TRACE,
};

/**
 * log_setup() - pick the level from an environment variable
 * @env_name:	variable to read (e.g. "NETD_LOG"); also understands RUST_LOG
 *		values such as "netavark=debug" for engine compatibility
 * @prog:	program name printed in front of each line
 */
void log_setup(const char *env_name, const char *prog);
void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
int log_parse_level(const char *s, enum log_level *ret);

/* One line on stderr, "[LEVEL prog] message", when @lvl is within the level set. */
void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
