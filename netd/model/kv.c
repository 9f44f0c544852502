// SPDX-License-Identifier: Apache-2.0
/* String options kept as given (struct nd_kv, model.h). */
#include "kv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int nd_kv_set(struct nd_kv **kv, size_t *n, const char *key, const char *value)
{
	struct nd_kv *grown;
	char *v = strdup(value), *k;

	if (!v)
		return -ENOMEM;
	/* A key given twice keeps its place and takes the later value, as a JSON object does. */
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*kv)[i].key, key) == 0) {
			free((*kv)[i].value);
			(*kv)[i].value = v;
			return 0;
		}
	k = strdup(key);
	grown = k ? realloc(*kv, (*n + 1) * sizeof(**kv)) : NULL;
	if (!grown) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	grown[*n] = (struct nd_kv){ .key = k, .value = v };
	*kv = grown;
	(*n)++;
	return 0;
}

const char *nd_kv_get(const struct nd_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	return NULL;
}

void nd_kv_free(struct nd_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}
