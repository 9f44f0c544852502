// SPDX-License-Identifier: Apache-2.0
#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shared/cleanup.h"

static int sysctl_path(const char *key, char *buf, size_t size)
{
	int n = snprintf(buf, size, "/proc/sys/%s", key);

	return n < 0 || (size_t)n >= size || strstr(key, "..") ? -EINVAL : 0;
}

int sysctl_read(const char *key, char *buf, size_t size)
{
	char path[256];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	int r = sysctl_path(key, path, sizeof(path));

	if (r < 0 || size == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int sysctl_write(const char *key, const char *value)
{
	int r = sysctl_set(key, value, NULL);

	return r < 0 ? r : 0;
}

int sysctl_set(const char *key, const char *value, char old[SYSCTL_VALUE_MAX])
{
	char path[256], cur[SYSCTL_VALUE_MAX];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(value);
	int r;

	if (old)
		old[0] = '\0';
	r = sysctl_read(key, cur, sizeof(cur));
	if (r < 0)
		return r;
	if (strcmp(cur, value) == 0)
		return 0;
	r = sysctl_path(key, path, sizeof(path));
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, len) != (ssize_t)len)
		return errno ? -errno : -EIO;
	if (old)
		snprintf(old, SYSCTL_VALUE_MAX, "%s", cur);
	return 1;
}
