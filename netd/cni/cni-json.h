/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON pieces only the CNI parsers need, over netd's typed accessors
 * (jsonutil.h): the refusal of a field netd does not support (code 2), an
 * absolute path, the well-known "dns" object, and arrays of objects into C
 * arrays. Errors from the accessors
 * carry no CNI code; the parsers' entry points give them code 7 with
 * cni_error_default().
 */
#pragma once

#include <json-c/json.h>

#include "cni-config.h"

/* "unsupported field in network config: <path>.<key> = <value>[: <hint>]" (code 2). */
int cni_unsupported(struct nd_error *err, const char *path, const char *key, json_object *v,
		    const char *hint);
/* An absolute path without control characters; replaces *ret. */
int cni_abs_path(json_object *v, const char *path, char **ret, struct nd_error *err);
/* The well-known "dns" object {nameservers, domain, search, options}. */
int cni_dns_parse(json_object *v, const char *path, struct cni_dns *d, struct nd_error *err);

/*
 * cni_array_parse() - an array of at most @max objects into a new C array
 * *@ret gets room for its entries (@size bytes each, zeroed, the caller's
 * even on failure), then @fn parses each entry (the object, its path and
 * index) into its element. Return: 0, or the first error.
 */
int cni_array_parse(json_object *arr, const char *path, size_t max, size_t size, void **ret,
		    int (*fn)(json_object *o, const char *path, size_t i, void *ctx,
			      struct nd_error *err),
		    void *ctx, struct nd_error *err);
