// SPDX-License-Identifier: Apache-2.0
/*
 * Shared pieces of the CNI parsers: the error object, spec versions and
 * commands, names, and the typed JSON accessors (cni-json.h).
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

static void set_msg(char **dst, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void set_msg(char **dst, const char *fmt, va_list ap)
{
	char *m = NULL;

	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	free(*dst);
	*dst = m ? m : strdup("out of memory while formatting an error");
}

int cni_error_set(struct cni_error *e, unsigned code, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->msg)
		return -1;
	va_start(ap, fmt);
	set_msg(&e->msg, fmt, ap);
	va_end(ap);
	e->code = code ? code : CNI_ERR_INTERNAL;
	return -1;
}

void cni_error_details(struct cni_error *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	set_msg(&e->details, fmt, ap);
	va_end(ap);
}

void cni_error_clear(struct cni_error *e)
{
	if (!e)
		return;
	free(e->msg);
	free(e->details);
	*e = (struct cni_error){0};
}

/* An nd_error from the JSON helpers becomes a CNI error with @code. */
static int from_nd(struct cni_error *err, unsigned code, struct nd_error *ne, int r)
{
	if (r == -ENOMEM && !ne->msg)
		cni_error_set(err, CNI_ERR_INTERNAL, "out of memory");
	else
		cni_error_set(err, code, "%s", ne->msg ? ne->msg : "invalid network config");
	nd_error_clear(ne);
	return -1;
}

int cnij_oom(struct cni_error *err)
{
	return cni_error_set(err, CNI_ERR_INTERNAL, "out of memory");
}

/* ------------------------------------------------------------------------ */
/* versions and commands */

static const char *const versions[] = CNI_SUPPORTED_VERSIONS;

const char *cni_version_str(enum cni_version v)
{
	return (size_t)v < ELEMENTSOF(versions) ? versions[v] : "1.1.0";
}

int cni_version_parse(const char *s, enum cni_version *ret, struct cni_error *err)
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
	cni_error_set(err, CNI_ERR_VERSION,
		      "incompatible CNI version %s: netd supports 0.3.0, 0.3.1, 0.4.0, 1.0.0 and 1.1.0",
		      s);
	return -ENOTSUP;
bad:
	cni_error_set(err, CNI_ERR_DECODE,
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

void cni_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void cni_dns_done(struct cni_dns *d)
{
	cni_strv_free(d->nameservers, d->n_nameservers);
	free(d->domain);
	cni_strv_free(d->search, d->n_search);
	cni_strv_free(d->options, d->n_options);
	*d = (struct cni_dns){0};
}

/* ------------------------------------------------------------------------ */
/* typed accessors */

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

int cnij_unsupported(struct cni_error *err, const char *path, const char *key, json_object *v,
		       const char *hint)
{
	char t[80];

	value_text(v, t);
	return cni_error_set(err, CNI_ERR_FIELD,
			     "unsupported field in network config: %s%s%s = %s%s%s", path,
			     *path ? "." : "", key, t, hint ? ": " : "", hint ? hint : "");
}

int cnij_string(json_object *v, const char *path, char **ret, struct cni_error *err)
{
	struct nd_error ne = {0};
	const char *s;
	int r = ju_value_string(v, path, &s, &ne);

	if (r < 0)
		return from_nd(err, CNI_ERR_CONFIG, &ne, r);
	if (strlen(s) > CNI_MAX_STRING)
		return cni_error_set(err, CNI_ERR_CONFIG, "%s: longer than %d bytes", path,
				     CNI_MAX_STRING);
	*ret = strdup(s);
	return *ret ? 0 : cnij_oom(err);
}

int cnij_abs_path(json_object *v, const char *path, char **ret, struct cni_error *err)
{
	_cleanup_free_ char *s = NULL;

	if (cnij_string(v, path, &s, err) < 0)
		return -1;
	if (s[0] != '/' || strlen(s) > CNI_MAX_PATH)
		return cni_error_set(err, CNI_ERR_CONFIG, "%s: \"%.64s\" is not an absolute path",
				     path, s);
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20)
			return cni_error_set(err, CNI_ERR_CONFIG, "%s: contains control characters",
					     path);
	free(*ret);
	*ret = TAKE_PTR(s);
	return 0;
}

int cnij_bool(json_object *v, const char *path, bool *ret, struct cni_error *err)
{
	struct nd_error ne = {0};
	int r = ju_expect_type(v, json_type_boolean, path, &ne);

	if (r < 0)
		return from_nd(err, CNI_ERR_CONFIG, &ne, r);
	*ret = json_object_get_boolean(v);
	return 0;
}

int cnij_uint(json_object *v, const char *path, int64_t min, int64_t max, int64_t *ret,
		    struct cni_error *err)
{
	struct nd_error ne = {0};
	int r = ju_expect_type(v, json_type_int, path, &ne);
	int64_t x;

	if (r < 0)
		return from_nd(err, CNI_ERR_CONFIG, &ne, r);
	errno = 0;
	x = json_object_get_int64(v);
	if (errno == ERANGE || x < min || x > max)
		return cni_error_set(err, CNI_ERR_CONFIG, "%s: %s is out of range %lld..%lld", path,
				     json_object_get_string(v), (long long)min, (long long)max);
	*ret = x;
	return 0;
}

int cnij_ip(json_object *v, const char *path, struct nd_ip *ret, struct cni_error *err)
{
	struct nd_error ne = {0};
	int r = ju_value_ip(v, path, ret, &ne);

	return r < 0 ? from_nd(err, CNI_ERR_CONFIG, &ne, r) : 0;
}

int cnij_prefix(json_object *v, const char *path, struct nd_prefix *ret,
		      struct cni_error *err)
{
	struct nd_error ne = {0};
	int r = ju_value_prefix(v, path, ret, &ne);

	return r < 0 ? from_nd(err, CNI_ERR_CONFIG, &ne, r) : 0;
}

/* An array of at most @max entries. */
int cnij_array(json_object *v, const char *path, size_t max, size_t *n,
		     struct cni_error *err)
{
	struct nd_error ne = {0};
	int r = ju_expect_type(v, json_type_array, path, &ne);

	if (r < 0)
		return from_nd(err, CNI_ERR_CONFIG, &ne, r);
	*n = json_object_array_length(v);
	if (*n > max)
		return cni_error_set(err, CNI_ERR_CONFIG, "%s: more than %zu entries", path, max);
	return 0;
}

int cnij_object(json_object *v, const char *path, struct cni_error *err)
{
	struct nd_error ne = {0};
	int r = ju_expect_type(v, json_type_object, path, &ne);

	return r < 0 ? from_nd(err, CNI_ERR_CONFIG, &ne, r) : 0;
}

/* An array of bounded strings. */
int cnij_strv(json_object *v, const char *path, char ***ret, size_t *n,
		    struct cni_error *err)
{
	char **list;
	size_t len;

	if (cnij_array(v, path, CNI_MAX_LIST, &len, err) < 0)
		return -1;
	list = calloc(len + 1, sizeof(*list));
	if (!list)
		return cnij_oom(err);
	for (size_t i = 0; i < len; i++) {
		_cleanup_free_ char *p = ju_path_idx(path, i);
		if (cnij_string(json_object_array_get_idx(v, i), p, &list[i], err) < 0) {
			cni_strv_free(list, i);
			return -1;
		}
	}
	cni_strv_free(*ret, *n);
	*ret = list;
	*n = len;
	return 0;
}

int cni_dns_parse(json_object *v, const char *path, struct cni_dns *d, struct cni_error *err)
{
	if (cnij_object(v, path, err) < 0)
		return -1;
	json_object_object_foreach(v, key, val) {
		_cleanup_free_ char *p = ju_path_key(path, key);
		int r = 0;

		if (json_object_is_type(val, json_type_null))
			continue;
		if (strcmp(key, "nameservers") == 0)
			r = cnij_strv(val, p, &d->nameservers, &d->n_nameservers, err);
		else if (strcmp(key, "search") == 0)
			r = cnij_strv(val, p, &d->search, &d->n_search, err);
		else if (strcmp(key, "options") == 0)
			r = cnij_strv(val, p, &d->options, &d->n_options, err);
		else if (strcmp(key, "domain") == 0) {
			free(d->domain);
			d->domain = NULL;
			r = cnij_string(val, p, &d->domain, err);
		}
		/* Other keys of the well-known dns object are not ours to judge. */
		if (r < 0)
			return -1;
	}
	return 0;
}

