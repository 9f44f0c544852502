/* SPDX-License-Identifier: Apache-2.0 */
/* Lists of string options as the request gave them (struct nd_kv, model.h). */
#pragma once

#include <stddef.h>

#include "model.h"

/**
 * nd_kv_set() - set @key to @value in the list @kv of @n entries
 *
 * Both strings are copied. A key already present keeps its place and gets
 * the new value; a new key is appended.
 * Return: 0, or -ENOMEM with the list unchanged.
 */
int nd_kv_set(struct nd_kv **kv, size_t *n, const char *key, const char *value);

/* The value of @key in @kv (borrowed), or NULL when it is absent. */
const char *nd_kv_get(const struct nd_kv *kv, size_t n, const char *key);

/* Free @n entries of @kv and the array itself (NULL is fine). */
void nd_kv_free(struct nd_kv *kv, size_t n);
