/* SPDX-License-Identifier: Apache-2.0 */
/* Scope-bound cleanup helpers (GNU C cleanup attribute). */
#pragma once

#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>
#include <errno.h>

static inline void freep(void *p)
{
	free(*(void **)p);
}

/* _cleanup_ of a descriptor: close it unless negative, keeping errno. */
static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		(void)close(*fd);
		errno = saved;
	}
}

/* _cleanup_ of a FILE *: fclose it unless NULL. */
static inline void fclosep(FILE **f)
{
	if (*f)
		(void)fclose(*f);
}

/* Free the @n strings of array @v, then @v (NULL with @n 0 is fine). */
static inline void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Hand ownership out of a cleanup-managed variable. */
#define TAKE_PTR(p) ({ __typeof__(p) _tp = (p); (p) = NULL; _tp; })
#define TAKE_FD(fd) ({ int _tf = (fd); (fd) = -1; _tf; })

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
