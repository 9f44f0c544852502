// SPDX-License-Identifier: Apache-2.0
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nd_error_setv(struct nd_error *e, int code, const char *fmt, va_list ap)
{
	char *m = NULL;

	if (code >= 0)
		code = -EINVAL;
	if (!e || e->msg)
		return code;
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	e->code = code;
	e->msg = m ? m : strdup("out of memory while formatting an error");
	return code;
}

int nd_error_set(struct nd_error *e, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = nd_error_setv(e, code, fmt, ap);
	va_end(ap);
	return r;
}

void nd_error_prefix(struct nd_error *e, const char *fmt, ...)
{
	char *p = NULL, *m = NULL;
	va_list ap;

	if (!e || !e->msg)
		return;
	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		p = NULL;
	va_end(ap);
	if (!p)
		return;
	if (asprintf(&m, "%s: %s", p, e->msg) >= 0) {
		free(e->msg);
		e->msg = m;
	}
	free(p);
}

void nd_error_append(struct nd_error *list, const struct nd_error *one)
{
	char *m = NULL;

	if (!one || !one->msg)
		return;
	if (!list->msg) {
		list->code = one->code;
		list->msg = strdup(one->msg);
		return;
	}
	if (asprintf(&m, "%s\n\t- %s", list->msg, one->msg) >= 0) {
		free(list->msg);
		list->msg = m;
	}
}

void nd_error_clear(struct nd_error *e)
{
	if (!e)
		return;
	free(e->msg);
	free(e->details);
	*e = (struct nd_error){0};
}

void nd_error_move(struct nd_error *dst, struct nd_error *src)
{
	nd_error_clear(dst);
	*dst = *src;
	*src = (struct nd_error){0};
}
