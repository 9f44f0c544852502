/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Typed, path-aware accessors over json-c used by the request parsers.
 * Every failure names the JSON path and the reason, e.g.
 *   "networks.podman.static_ips[1]: expected a string, got number".
 * A JSON null counts as absent for optional members.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "shared/error.h"
#include "model.h"
#include "shared/ipaddr.h"

/* Parse a whole buffer as one JSON value; trailing non-space is an error. */
int ju_parse(const char *buf, size_t len, json_object **ret, struct nd_error *err);
/* The same for any value (*ret NULL for JSON null); @noun names the text in messages. */
int ju_parse_value(const char *buf, size_t len, const char *noun, json_object **ret,
		   struct nd_error *err);

/* JSON type of @o in words ("null" for NULL or JSON null), a static string for messages. */
const char *ju_type_name(json_object *o);

/* Child paths: "a.b", "a[3]". Returns heap string (never NULL on success). */
char *ju_path_key(const char *parent, const char *key);
char *ju_path_idx(const char *parent, size_t idx);

/* Member lookup: NULL when missing or JSON null. */
json_object *ju_get(json_object *obj, const char *key);

/* 0 when @o has type @t, else -EINVAL with @err naming @path and both types. */
int ju_expect_type(json_object *o, json_type t, const char *path, struct nd_error *err);

/*
 * Member @key of @obj as a string (ju_string: a new copy in *@ret, the
 * caller's; NULL when absent) or a boolean (false when absent). Absent or
 * null: -EINVAL naming "@path.@key" when @required, else 0. A value of
 * another type, a string with a NUL or longer than ND_STRING_MAX is -EINVAL
 * naming the member; out of memory, -ENOMEM.
 */
int ju_string(json_object *obj, const char *key, bool required, const char *path,
	      char **ret, struct nd_error *err);
int ju_bool(json_object *obj, const char *key, bool required, const char *path,
	    bool *ret, struct nd_error *err);
/* Integer member in [min, max]; *present tells whether it was given. */
int ju_int(json_object *obj, const char *key, bool required, int64_t min, int64_t max,
	   const char *path, int64_t *ret, bool *present, struct nd_error *err);
/* Optional array member: *ret NULL if absent. */
int ju_array(json_object *obj, const char *key, bool required, const char *path,
	     json_object **ret, struct nd_error *err);
int ju_object(json_object *obj, const char *key, bool required, const char *path,
	      json_object **ret, struct nd_error *err);

/* Value converters (the value itself, not a member). */
int ju_value_string(json_object *v, const char *path, const char **ret, struct nd_error *err);
int ju_value_ip(json_object *v, const char *path, struct nd_ip *ret, struct nd_error *err);
int ju_value_prefix(json_object *v, const char *path, struct nd_prefix *ret, struct nd_error *err);

/* Array of IP strings into a new array. */
int ju_ip_list(json_object *obj, const char *key, const char *path,
	       struct nd_ip **ret, size_t *n, struct nd_error *err);
/* Array of strings into a new NULL-free array of strdup'ed strings. */
int ju_string_list(json_object *obj, const char *key, const char *path,
		   char ***ret, size_t *n, struct nd_error *err);

/* Validate a Linux interface name; *why says what is wrong. */
bool ju_ifname_valid(const char *name, const char **why);

/**
 * ju_networks_each() - each entry of netavark's "networks", in either form
 * @nets:	a name → options object, or an array of options objects that
 *		carry their "name"
 * @fn:		called with the entry's name (NULL for an array entry without a
 *		string "name"), its options (not checked) and its index
 *
 * The one reader of both forms. Stops at the first non-zero return of @fn.
 * Return: that value, 0 when all were visited (or @nets is neither form).
 */
int ju_networks_each(json_object *nets,
		     int (*fn)(const char *name, json_object *opts, size_t i, void *arg), void *arg);

/* The options of network @name in @nets (either form; borrowed), or NULL. */
json_object *ju_networks_find(json_object *nets, const char *name);

/**
 * ju_string_map() - an optional object member of string values, as a list
 * @strict:	a value that is neither a string nor null is an error; when
 *		false such values are left out silently (keys netd ignores)
 * @ret, @n:	the entries in the object's order (JSON nulls left out),
 *		written also when absent (NULL, 0)
 * Return: 0, or a negative code with @err naming the member.
 */
int ju_string_map(json_object *obj, const char *key, bool strict, const char *path,
		  struct nd_kv **ret, size_t *n, struct nd_error *err);

/*
 * Value accessors for parsers that walk an object's keys themselves (the CNI
 * configuration and results): each checks the value @v found at @path.
 */

/* A boolean. */
int ju_value_bool(json_object *v, const char *path, bool *ret, struct nd_error *err);
/* An integer in [min, max]: -EINVAL for another type, -ERANGE outside. */
int ju_value_int(json_object *v, const char *path, int64_t min, int64_t max, int64_t *ret,
		 struct nd_error *err);
/* An array of at most @max entries; *n its length. */
int ju_value_array(json_object *v, const char *path, size_t max, size_t *n, struct nd_error *err);
/* A bounded string, copied into *ret (not freed first). -ENOMEM with a message. */
int ju_value_strdup(json_object *v, const char *path, char **ret, struct nd_error *err);
/*
 * An array of at most @max bounded strings into a new NULL-terminated array
 * of copies; on success the old *ret (*n entries) is freed and replaced.
 */
int ju_value_strv(json_object *v, const char *path, size_t max, char ***ret, size_t *n,
		  struct nd_error *err);
