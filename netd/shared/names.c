// SPDX-License-Identifier: Apache-2.0
#include "shared/names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Files that live beside network files and must never be replaced by one. */
static const char *const reserved[] = { "aardvark.pid" };

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

const char *nd_name_invalid(const char *s)
{
	size_t n = strnlen(s, ND_NAME_MAX + 1);

	if (n == 0)
		return "it is empty";
	if (n > ND_NAME_MAX)
		return "it is longer than " ND_STR(ND_NAME_MAX) " characters";
	if (!alnum(s[0]))
		return "it must match [a-zA-Z0-9][a-zA-Z0-9_.-]*";
	for (const char *c = s; *c; c++)
		if (!alnum(*c) && *c != '_' && *c != '.' && *c != '-')
			return "it must match [a-zA-Z0-9][a-zA-Z0-9_.-]*";
	return NULL;
}

bool nd_name_reserved(const char *s)
{
	for (size_t k = 0; k < sizeof(reserved) / sizeof(reserved[0]); k++)
		if (strcmp(s, reserved[k]) == 0)
			return true;
	return false;
}

static int name_check(const char *field, const char *noun, const char *s, bool networks,
		      struct nd_error *err)
{
	const char *why = nd_name_invalid(s);
	char *q;
	int r;

	if (!why && networks && nd_name_reserved(s))
		why = "it is reserved for the DNS server's pid file";
	if (!why)
		return 0;
	q = nd_quote(s, 64);
	r = nd_error_set(err, -EINVAL, "%s%s%s is not a valid %s: %s", field ? field : "",
			 field ? ": " : "", q ? q : "\"?\"", noun, why);
	free(q);
	return r;
}

int nd_network_name_check(const char *field, const char *s, struct nd_error *err)
{
	return name_check(field, "network name", s, true, err);
}

int nd_container_id_check(const char *field, const char *s, struct nd_error *err)
{
	return name_check(field, "container id", s, false, err);
}

const char *nd_dns_name_invalid(const char *s)
{
	size_t n = strnlen(s, ND_DNS_NAME_MAX + 1), label = 0;

	if (n == 0)
		return "name is empty";
	for (const char *c = s; *c && c - s <= ND_DNS_NAME_MAX; c++)
		if (!alnum(*c) && *c != '_' && *c != '-' && *c != '.')
			return "name contains invalid chars";
	if (n > ND_DNS_NAME_MAX)
		return "name is longer than " ND_STR(ND_DNS_NAME_MAX) " characters";
	for (const char *c = s;; c++) {
		if (*c == '.' || *c == '\0') {
			if (label == 0)
				return "name has an empty label";
			if (label > ND_DNS_LABEL_MAX)
				return "name has a label longer than " ND_STR(ND_DNS_LABEL_MAX) " characters";
			if (*c == '\0')
				return NULL;
			label = 0;
		} else {
			label++;
		}
	}
}

char *nd_quote(const char *s, size_t max)
{
	char *buf = NULL;
	size_t len = 0, n = strnlen(s, max + 1);
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputc('"', f);
	for (size_t i = 0; i < n && i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u{%x}", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
	if (n > max)
		fputs("...", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
