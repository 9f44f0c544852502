// SPDX-License-Identifier: Apache-2.0
#include "jsonutil.h"

#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "shared/cleanup.h"
#include "shared/names.h"

int ju_parse_value(const char *buf, size_t len, const char *noun, json_object **ret,
		   struct nd_error *err)
{
	struct json_tokener *tok;
	json_object *o;
	enum json_tokener_error jerr;
	size_t off;

	if (len == 0)
		return nd_error_set(err, -EINVAL, "invalid JSON: empty %s", noun);
	if (len > INT32_MAX)
		return nd_error_set(err, -EFBIG, "invalid JSON: %s too large", noun);
	tok = json_tokener_new_ex(64);
	if (!tok)
		return nd_error_set(err, -ENOMEM, "out of memory");
	/* RFC 8259 only: no comments, trailing commas or single quotes. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8 |
				    JSON_TOKENER_ALLOW_TRAILING_CHARS);
	o = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	off = json_tokener_get_parse_end(tok);
	if (!o && jerr == json_tokener_continue) {
		/* A bare literal or number at the very end: one more byte completes it. */
		o = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		if (!o && jerr != json_tokener_success)
			jerr = json_tokener_continue;	/* really truncated */
	}
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		json_object_put(o);
		if (jerr == json_tokener_continue)
			return nd_error_set(err, -EINVAL, "invalid JSON: unexpected end of %s", noun);
		return nd_error_set(err, -EINVAL, "invalid JSON at byte %zu: %s", off,
				    json_tokener_error_desc(jerr));
	}
	for (; off < len; off++)
		if (!isspace((unsigned char)buf[off])) {
			json_object_put(o);
			return nd_error_set(err, -EINVAL,
					    "invalid JSON: trailing data at byte %zu", off);
		}
	*ret = o;	/* NULL for a JSON null */
	return 0;
}

int ju_parse(const char *buf, size_t len, json_object **ret, struct nd_error *err)
{
	json_object *o = NULL;
	int r = ju_parse_value(buf, len, "input", &o, err);

	if (r < 0)
		return r;
	if (!o)
		return nd_error_set(err, -EINVAL, "request: expected an object, got null");
	*ret = o;
	return 0;
}

const char *ju_type_name(json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null: return "null";
	case json_type_boolean: return "boolean";
	case json_type_double: return "a fractional number";
	case json_type_int: return "number";
	case json_type_object: return "object";
	case json_type_array: return "array";
	case json_type_string: return "string";
	}
	return "unknown";
}

static const char *type_article(json_type t)
{
	switch (t) {
	case json_type_boolean: return "a boolean";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	default: return "a value";
	}
}

char *ju_path_key(const char *parent, const char *key)
{
	char *p = NULL;

	if (asprintf(&p, "%s%s%s", parent && *parent ? parent : "",
		     parent && *parent ? "." : "", key) < 0)
		abort();
	return p;
}

char *ju_path_idx(const char *parent, size_t idx)
{
	char *p = NULL;

	if (asprintf(&p, "%s[%zu]", parent ? parent : "", idx) < 0)
		abort();
	return p;
}

json_object *ju_get(json_object *obj, const char *key)
{
	json_object *v = NULL;

	if (!obj || !json_object_is_type(obj, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(obj, key, &v))
		return NULL;
	if (json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

int ju_expect_type(json_object *o, json_type t, const char *path, struct nd_error *err)
{
	if (json_object_is_type(o, t))
		return 0;
	return nd_error_set(err, -EINVAL, "%s: expected %s, got %s", path,
			    type_article(t), ju_type_name(o));
}

static int member(json_object *obj, const char *key, bool required, json_type t,
		  const char *path, json_object **ret, struct nd_error *err)
{
	json_object *v = ju_get(obj, key);
	_cleanup_free_ char *p = NULL;

	*ret = NULL;
	if (!v) {
		if (!required)
			return 0;
		p = ju_path_key(path, key);
		return nd_error_set(err, -EINVAL, "%s: required field is missing", p);
	}
	if (!json_object_is_type(v, t)) {
		p = ju_path_key(path, key);
		return ju_expect_type(v, t, p, err);
	}
	*ret = v;
	return 0;
}

/* Every string of a request is bounded: nothing is copied or written at any size. */
static int too_long(const char *path, json_object *v, struct nd_error *err)
{
	return nd_error_set(err, -EINVAL, "%s: %d bytes, longer than the limit of %d",
			    path, json_object_get_string_len(v), ND_STRING_MAX);
}

int ju_string(json_object *obj, const char *key, bool required, const char *path,
	      char **ret, struct nd_error *err)
{
	json_object *v;
	int r = member(obj, key, required, json_type_string, path, &v, err);

	if (r < 0)
		return r;
	if (!v) {
		*ret = NULL;
		return 0;
	}
	if (strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v)) {
		_cleanup_free_ char *p = ju_path_key(path, key);
		return nd_error_set(err, -EINVAL, "%s: contains a NUL character", p);
	}
	if (json_object_get_string_len(v) > ND_STRING_MAX) {
		_cleanup_free_ char *p = ju_path_key(path, key);
		return too_long(p, v, err);
	}
	*ret = strdup(json_object_get_string(v));
	return *ret ? 0 : -ENOMEM;
}

int ju_bool(json_object *obj, const char *key, bool required, const char *path,
	    bool *ret, struct nd_error *err)
{
	json_object *v;
	int r = member(obj, key, required, json_type_boolean, path, &v, err);

	if (r < 0)
		return r;
	*ret = v ? json_object_get_boolean(v) : false;
	return 0;
}

int ju_int(json_object *obj, const char *key, bool required, int64_t min, int64_t max,
	   const char *path, int64_t *ret, bool *present, struct nd_error *err)
{
	json_object *v;
	int64_t val;
	int r = member(obj, key, required, json_type_int, path, &v, err);

	if (r < 0)
		return r;
	if (present)
		*present = v != NULL;
	if (!v) {
		*ret = 0;
		return 0;
	}
	errno = 0;
	val = json_object_get_int64(v);
	if (errno == ERANGE || val < min || val > max) {
		_cleanup_free_ char *p = ju_path_key(path, key);
		return nd_error_set(err, -ERANGE, "%s: %s is out of range %lld..%lld", p,
				    json_object_get_string(v), (long long)min, (long long)max);
	}
	*ret = val;
	return 0;
}

int ju_array(json_object *obj, const char *key, bool required, const char *path,
	     json_object **ret, struct nd_error *err)
{
	return member(obj, key, required, json_type_array, path, ret, err);
}

int ju_object(json_object *obj, const char *key, bool required, const char *path,
	      json_object **ret, struct nd_error *err)
{
	return member(obj, key, required, json_type_object, path, ret, err);
}

int ju_value_string(json_object *v, const char *path, const char **ret, struct nd_error *err)
{
	int r = ju_expect_type(v, json_type_string, path, err);

	if (r < 0)
		return r;
	if (strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
		return nd_error_set(err, -EINVAL, "%s: contains a NUL character", path);
	if (json_object_get_string_len(v) > ND_STRING_MAX)
		return too_long(path, v, err);
	*ret = json_object_get_string(v);
	return 0;
}

int ju_value_ip(json_object *v, const char *path, struct nd_ip *ret, struct nd_error *err)
{
	const char *s;
	int r = ju_value_string(v, path, &s, err);

	if (r < 0)
		return r;
	if (nd_ip_parse(s, ret) < 0)
		return nd_error_set(err, -EINVAL, "%s: \"%s\" is not an IP address", path, s);
	return 0;
}

int ju_value_prefix(json_object *v, const char *path, struct nd_prefix *ret, struct nd_error *err)
{
	const char *s, *why = "invalid";
	int r = ju_value_string(v, path, &s, err);

	if (r < 0)
		return r;
	if (nd_prefix_parse(s, ret, &why) < 0)
		return nd_error_set(err, -EINVAL, "%s: \"%s\" is not a valid CIDR: %s",
				    path, s, why);
	return 0;
}

int ju_ip_list(json_object *obj, const char *key, const char *path,
	       struct nd_ip **ret, size_t *n, struct nd_error *err)
{
	_cleanup_free_ char *p = ju_path_key(path, key);
	_cleanup_free_ struct nd_ip *ips = NULL;
	json_object *arr;
	size_t len;
	int r;

	*ret = NULL;
	*n = 0;
	r = ju_array(obj, key, false, path, &arr, err);
	if (r < 0 || !arr)
		return r;
	len = json_object_array_length(arr);
	if (len == 0)
		return 0;
	ips = calloc(len, sizeof(*ips));
	if (!ips)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		_cleanup_free_ char *ip = ju_path_idx(p, i);
		r = ju_value_ip(json_object_array_get_idx(arr, i), ip, &ips[i], err);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(ips);
	*n = len;
	return 0;
}

int ju_string_list(json_object *obj, const char *key, const char *path,
		   char ***ret, size_t *n, struct nd_error *err)
{
	_cleanup_free_ char *p = ju_path_key(path, key);
	json_object *arr;
	char **list;
	size_t len;
	int r;

	*ret = NULL;
	*n = 0;
	r = ju_array(obj, key, false, path, &arr, err);
	if (r < 0 || !arr)
		return r;
	len = json_object_array_length(arr);
	if (len == 0)
		return 0;
	list = calloc(len, sizeof(*list));
	if (!list)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		_cleanup_free_ char *ip = ju_path_idx(p, i);
		const char *s;
		r = ju_value_string(json_object_array_get_idx(arr, i), ip, &s, err);
		if (r == 0 && !(list[i] = strdup(s)))
			r = -ENOMEM;
		if (r < 0) {
			for (size_t j = 0; j < i; j++)
				free(list[j]);
			free(list);
			return r;
		}
	}
	*ret = list;
	*n = len;
	return 0;
}

bool ju_ifname_valid(const char *name, const char **why)
{
	size_t len = strlen(name);

	if (len == 0) {
		*why = "is empty";
		return false;
	}
	if (len >= IFNAMSIZ) {
		*why = "is longer than 15 characters";
		return false;
	}
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		*why = "may not be \".\" or \"..\"";
		return false;
	}
	for (const char *c = name; *c; c++) {
		if (*c == '/' || *c == ':' || isspace((unsigned char)*c)) {
			*why = "may not contain '/', ':' or white space";
			return false;
		}
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			*why = "may not contain control characters";
			return false;
		}
	}
	return true;
}

int ju_networks_each(json_object *nets,
		     int (*fn)(const char *name, json_object *opts, size_t i, void *arg), void *arg)
{
	size_t i = 0;
	int r;

	if (json_object_is_type(nets, json_type_object)) {
		json_object_object_foreach(nets, key, val) {
			if ((r = fn(key, val, i++, arg)) != 0)
				return r;
		}
		return 0;
	}
	if (!json_object_is_type(nets, json_type_array))
		return 0;
	for (i = 0; i < json_object_array_length(nets); i++) {
		json_object *val = json_object_array_get_idx(nets, i), *n = ju_get(val, "name");
		const char *name = json_object_is_type(n, json_type_string) ? json_object_get_string(n)
									     : NULL;

		if ((r = fn(name, val, i, arg)) != 0)
			return r;
	}
	return 0;
}

struct find_net {
	const char *name;
	json_object *found;
};

static int find_net(const char *name, json_object *opts, size_t i, void *arg)
{
	struct find_net *f = arg;

	if (!name || strcmp(name, f->name) != 0)
		return 0;
	f->found = opts;
	return 1;
}

json_object *ju_networks_find(json_object *nets, const char *name)
{
	struct find_net f = { name, NULL };

	(void)ju_networks_each(nets, find_net, &f);
	return f.found;
}

int ju_string_map(json_object *obj, const char *key, bool strict, const char *path,
		  struct nd_kv **ret, size_t *n, struct nd_error *err)
{
	_cleanup_free_ char *p = ju_path_key(path, key);
	struct nd_kv *kv = NULL;
	size_t nkv = 0;
	json_object *m;
	int r;

	*ret = NULL;
	*n = 0;
	m = ju_get(obj, key);
	if (!m || (!strict && !json_object_is_type(m, json_type_object)))
		return 0;
	r = ju_expect_type(m, json_type_object, p, err);
	if (r < 0)
		return r;
	json_object_object_foreach(m, k, v) {
		_cleanup_free_ char *kp = NULL;
		struct nd_error ignored = {0};
		const char *s;

		if (!v || (!strict && !json_object_is_type(v, json_type_string)))
			continue;
		kp = ju_path_key(p, k);
		r = ju_value_string(v, kp, &s, strict ? err : &ignored);
		if (r < 0 && !strict) {
			nd_error_clear(&ignored);
			continue;
		}
		if (r == 0)
			r = nd_kv_set(&kv, &nkv, k, s);
		if (r < 0) {
			nd_kv_free(kv, nkv);
			return r;
		}
	}
	*ret = kv;
	*n = nkv;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* value accessors (the CNI parsers walk their objects' keys themselves) */

int ju_value_bool(json_object *v, const char *path, bool *ret, struct nd_error *err)
{
	int r = ju_expect_type(v, json_type_boolean, path, err);

	if (r < 0)
		return r;
	*ret = json_object_get_boolean(v);
	return 0;
}

int ju_value_int(json_object *v, const char *path, int64_t min, int64_t max, int64_t *ret,
		 struct nd_error *err)
{
	int r = ju_expect_type(v, json_type_int, path, err);
	int64_t x;

	if (r < 0)
		return r;
	errno = 0;
	x = json_object_get_int64(v);
	if (errno == ERANGE || x < min || x > max)
		return nd_error_set(err, -ERANGE, "%s: %s is out of range %lld..%lld", path,
				    json_object_get_string(v), (long long)min, (long long)max);
	*ret = x;
	return 0;
}

int ju_value_array(json_object *v, const char *path, size_t max, size_t *n, struct nd_error *err)
{
	int r = ju_expect_type(v, json_type_array, path, err);

	if (r < 0)
		return r;
	*n = json_object_array_length(v);
	if (*n > max)
		return nd_error_set(err, -EINVAL, "%s: more than %zu entries", path, max);
	return 0;
}

int ju_value_strdup(json_object *v, const char *path, char **ret, struct nd_error *err)
{
	const char *s;
	int r = ju_value_string(v, path, &s, err);

	if (r < 0)
		return r;
	*ret = strdup(s);
	return *ret ? 0 : nd_error_set(err, -ENOMEM, "out of memory");
}

int ju_value_strv(json_object *v, const char *path, size_t max, char ***ret, size_t *n,
		  struct nd_error *err)
{
	char **list;
	size_t len;
	int r = ju_value_array(v, path, max, &len, err);

	if (r < 0)
		return r;
	list = calloc(len + 1, sizeof(*list));
	if (!list)
		return nd_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < len; i++) {
		_cleanup_free_ char *p = ju_path_idx(path, i);
		r = ju_value_strdup(json_object_array_get_idx(v, i), p, &list[i], err);
		if (r < 0) {
			strv_free(list, i);
			return r;
		}
	}
	strv_free(*ret, *n);
	*ret = list;
	*n = len;
	return 0;
}
