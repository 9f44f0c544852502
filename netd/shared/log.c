// SPDX-License-Identifier: Apache-2.0
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * Logging state is the one process-wide setting we keep: it is written once
 * at start-up, before any work, and only read afterwards.
 */
static struct {
	enum log_level level;
	const char *prog;
} log_cfg = { LOG_LVL_WARN, "netd" };

static const char *const level_names[] = {
	[LOG_LVL_ERROR] = "error",
	[LOG_LVL_WARN] = "warn",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
	[LOG_LVL_TRACE] = "trace",
};

int log_parse_level(const char *s, enum log_level *ret)
{
	const char *eq;

	if (!s || !*s)
		return -1;
	/* "netavark=debug" or "a=info,b=debug": take the last level named. */
	eq = strrchr(s, '=');
	if (eq)
		s = eq + 1;
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcasecmp(s, level_names[i]) == 0) {
			*ret = (enum log_level)i;
			return 0;
		}
	if (strcasecmp(s, "warning") == 0) {
		*ret = LOG_LVL_WARN;
		return 0;
	}
	return -1;
}

void log_setup(const char *env_name, const char *prog)
{
	enum log_level lvl;

	log_cfg.prog = prog;
	if (log_parse_level(getenv(env_name), &lvl) == 0 ||
	    log_parse_level(getenv("RUST_LOG"), &lvl) == 0)
		log_cfg.level = lvl;
}

void log_set_level(enum log_level lvl)
{
	log_cfg.level = lvl;
}

enum log_level log_get_level(void)
{
	return log_cfg.level;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;
	char line[2048];

	if (lvl > log_cfg.level)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per line so concurrent processes do not interleave. */
	fprintf(stderr, "[%-5s %s] %s\n", level_names[lvl], log_cfg.prog, line);
}
