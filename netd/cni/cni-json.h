/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Typed JSON accessors for the CNI parsers: the value at @path must have the
 * type and range asked for, else @err is set (code 7, "invalid network
 * config") naming the path. Strings are at most CNI_MAX_STRING bytes.
 * Return: 0, or -1 with @err set.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "cni-config.h"

int cnij_oom(struct cni_error *err);
/* "unsupported field in network config: <path>.<key> = <value>[: <hint>]" (code 2). */
int cnij_unsupported(struct cni_error *err, const char *path, const char *key, json_object *v,
		     const char *hint);
int cnij_string(json_object *v, const char *path, char **ret, struct cni_error *err);
/* An absolute path without control characters; replaces *ret. */
int cnij_abs_path(json_object *v, const char *path, char **ret, struct cni_error *err);
int cnij_bool(json_object *v, const char *path, bool *ret, struct cni_error *err);
int cnij_uint(json_object *v, const char *path, int64_t min, int64_t max, int64_t *ret,
	      struct cni_error *err);
int cnij_ip(json_object *v, const char *path, struct nd_ip *ret, struct cni_error *err);
int cnij_prefix(json_object *v, const char *path, struct nd_prefix *ret, struct cni_error *err);
/* An array of at most @max entries; *n its length. */
int cnij_array(json_object *v, const char *path, size_t max, size_t *n, struct cni_error *err);
int cnij_object(json_object *v, const char *path, struct cni_error *err);
/* An array of at most CNI_MAX_LIST strings; replaces *ret. */
int cnij_strv(json_object *v, const char *path, char ***ret, size_t *n, struct cni_error *err);
/* The well-known "dns" object {nameservers, domain, search, options}. */
int cni_dns_parse(json_object *v, const char *path, struct cni_dns *d, struct cni_error *err);
