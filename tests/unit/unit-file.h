/* SPDX-License-Identifier: Apache-2.0 */
/* For the unit tests: a file written whole (state files and fixtures). */
#pragma once

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

/* Write @text to @path (created 0600 or truncated; never through a symlink). */
static inline void unit_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		tap_diag("cannot write %s", path);
	if (fd >= 0)
		close(fd);
}
