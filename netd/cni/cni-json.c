// SPDX-License-Identifier: Apache-2.0
/*
 * Shared pieces of the CNI parsers: errors with their CNI code, spec
 * versions and commands, names, and the JSON pieces of cni-json.h (the
 * unsupported-field refusal, paths, the "dns" object, arrays of objects).
 */
#include "shared/names.h"
#include "cni-json.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "shared/cleanup.h"

/* ------------------------------------------------------------------------ */
/* errors */

/* The errno a CNI code stands for inside netd. */
static int code_errno(unsigned cni_code)
{
	switch (cni_code) {
	case CNI_ERR_VERSION:
	case CNI_ERR_FIELD:
		return -ENOTSUP;
	case CNI_ERR_IO:
	case CNI_ERR_STATE:
		return -EIO;
	case CNI_ERR_TRY_AGAIN:
		return -EAGAIN;
	case CNI_ERR_INTERNAL:
		return -ENOMEM;
	default:
		return -EINVAL;
	}
}

int cni_fail(struct nd_error *e, unsigned cni_code, const char *fmt, ...)
{
	int code = code_errno(cni_code);
	va_list ap;

	if (!e || e->msg)
		return code;
	va_start(ap, fmt);
	nd_error_setv(e, code, fmt, ap);
	va_end(ap);
	e->proto_code = cni_code ? cni_code : CNI_ERR_INTERNAL;
	return code;
}

int cni_oom(struct nd_error *e)
{
	return cni_fail(e, CNI_ERR_INTERNAL, "out of memory");
}

void cni_details(struct nd_error *e, const char *fmt, ...)
{
	char *m = NULL;
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	free(e->details);
	e->details = m;
}

int cni_error_default(struct nd_error *e, int r, unsigned cni_code)
{
	if (r >= 0 || !e)
		return r;
	if (!e->msg)
		nd_error_set(e, r, "%s", r == -ENOMEM ? "out of memory" : strerror(-r));
	if (!e->proto_code)
		e->proto_code = e->code == -ENOMEM ? CNI_ERR_INTERNAL : cni_code;
	return r;
}

/* ------------------------------------------------------------------------ */
/* versions and commands */

static const char *const versions[] = CNI_SUPPORTED_VERSIONS;

const char *cni_version_str(enum cni_version v)
{
	return (size_t)v < ELEMENTSOF(versions) ? versions[v] : "1.1.0";
}

int cni_version_parse(const char *s, enum cni_version *ret, struct nd_error *err)
{
	unsigned long part[3];
	const char *p = s;

	for (int i = 0; i < 3; i++) {
		char *end;
		if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
			goto bad;
		errno = 0;
		part[i] = strtoul(p, &end, 10);
		if (errno || part[i] > 9999)
			goto bad;
		p = end;
		if (i < 2) {
			if (*p != '.')
				goto bad;
			p++;
		}
	}
	if (*p)
		goto bad;
	for (size_t i = 0; i < ELEMENTSOF(versions); i++) {
		char b[32];
		snprintf(b, sizeof(b), "%lu.%lu.%lu", part[0], part[1], part[2]);
		if (strcmp(b, versions[i]) == 0) {
			*ret = (enum cni_version)i;
			return 0;
		}
	}
	cni_fail(err, CNI_ERR_VERSION,
		 "incompatible CNI version %s: netd supports 0.3.0, 0.3.1, 0.4.0, 1.0.0 and 1.1.0",
		 s);
	return -ENOTSUP;
bad:
	cni_fail(err, CNI_ERR_DECODE,
		 "cniVersion: \"%.64s\" is not a version string (expected major.minor.patch, e.g. 1.0.0)",
		 s);
	return -EINVAL;
}

const char *cni_cmd_name(enum cni_cmd c)
{
	switch (c) {
	case CNI_CMD_ADD: return "ADD";
	case CNI_CMD_DEL: return "DEL";
	case CNI_CMD_CHECK: return "CHECK";
	case CNI_CMD_VERSION: return "VERSION";
	case CNI_CMD_GC: return "GC";
	case CNI_CMD_STATUS: return "STATUS";
	}
	return "?";
}


/* ------------------------------------------------------------------------ */
/* names */

bool cni_container_id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CNI_CONTAINER_ID_MAX || !isalnum((unsigned char)s[0]))
		return false;
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.' && *c != '-')
			return false;
	return true;
}

bool cni_network_name_valid(const char *s)
{
	return cni_container_id_valid(s) && strlen(s) <= CNI_NAME_MAX && !nd_name_reserved(s);
}

static uint64_t fnv1a(const char *s, uint64_t seed)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return h;
}

void cni_default_bridge(const char *name, char out[IFNAMSIZ])
{
	if (strlen(name) <= IFNAMSIZ - 1 - 5)
		snprintf(out, IFNAMSIZ, "netd-%s", name);
	else
		snprintf(out, IFNAMSIZ, "netd-%010llx",
			 (unsigned long long)(fnv1a(name, 0) & 0xffffffffffULL));
}

void cni_network_id(const char *name, char out[65])
{
	for (int i = 0; i < 4; i++)
		snprintf(out + i * 16, 17, "%016llx", (unsigned long long)fnv1a(name, (uint64_t)i));
}

void cni_dns_done(struct cni_dns *d)
{
	strv_free(d->nameservers, d->n_nameservers);
	free(d->domain);
	strv_free(d->search, d->n_search);
	strv_free(d->options, d->n_options);
	*d = (struct cni_dns){0};
}

/* ------------------------------------------------------------------------ */
/* JSON */

/* A short rendering of a JSON value for messages. */
static void value_text(json_object *v, char out[80])
{
	const char *s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
	size_t n = strlen(s);

	if (n < 80) {
		memcpy(out, s, n + 1);
	} else {
		memcpy(out, s, 72);
		memcpy(out + 72, "...", 4);
	}
}

int cni_unsupported(struct nd_error *err, const char *path, const char *key, json_object *v,
		    const char *hint)
{
	char t[80];

	value_text(v, t);
	return cni_fail(err, CNI_ERR_FIELD, "unsupported field in network config: %s%s%s = %s%s%s",
			path, *path ? "." : "", key, t, hint ? ": " : "", hint ? hint : "");
}

int cni_abs_path(json_object *v, const char *path, char **ret, struct nd_error *err)
{
	_cleanup_free_ char *s = NULL;
	int r = ju_value_strdup(v, path, &s, err);

	if (r < 0)
		return r;
	if (s[0] != '/' || strlen(s) > CNI_MAX_PATH)
		return cni_fail(err, CNI_ERR_CONFIG, "%s: \"%.64s\" is not an absolute path", path, s);
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20)
			return cni_fail(err, CNI_ERR_CONFIG, "%s: contains control characters", path);
	free(*ret);
	*ret = TAKE_PTR(s);
	return 0;
}

int cni_dns_parse(json_object *v, const char *path, struct cni_dns *d, struct nd_error *err)
{
	int r = ju_expect_type(v, json_type_object, path, err);

	if (r < 0)
		return r;
	json_object_object_foreach(v, key, val) {
		_cleanup_free_ char *p = ju_path_key(path, key);

		if (json_object_is_type(val, json_type_null))
			continue;
		if (strcmp(key, "nameservers") == 0)
			r = ju_value_strv(val, p, CNI_MAX_LIST, &d->nameservers, &d->n_nameservers, err);
		else if (strcmp(key, "search") == 0)
			r = ju_value_strv(val, p, CNI_MAX_LIST, &d->search, &d->n_search, err);
		else if (strcmp(key, "options") == 0)
			r = ju_value_strv(val, p, CNI_MAX_LIST, &d->options, &d->n_options, err);
		else if (strcmp(key, "domain") == 0) {
			free(d->domain);
			d->domain = NULL;
			r = ju_value_strdup(val, p, &d->domain, err);
		}
		/* Other keys of the well-known dns object are not ours to judge. */
		if (r < 0)
			return r;
	}
	return 0;
}

int cni_array_parse(json_object *arr, const char *path, size_t max, size_t size, void **ret,
		    int (*fn)(json_object *o, const char *path, size_t i, void *ctx,
			      struct nd_error *err),
		    void *ctx, struct nd_error *err)
{
	size_t n;
	int r = ju_value_array(arr, path, max, &n, err);

	if (r < 0)
		return r;
	if (!(*ret = calloc(n ? n : 1, size)))
		return cni_oom(err);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = ju_path_idx(path, i);
		json_object *o = json_object_array_get_idx(arr, i);

		if ((r = ju_expect_type(o, json_type_object, p, err)) < 0 ||
		    (r = fn(o, p, i, ctx, err)) < 0)
			return r;
	}
	return 0;
}
