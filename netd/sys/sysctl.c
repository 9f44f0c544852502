// SPDX-License-Identifier: Apache-2.0
#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shared/cleanup.h"

_Static_assert(SYSCTL_PROC == AT_FDCWD, "SYSCTL_PROC resolves absolute /proc/sys paths");

static int sysctl_path(int root, const char *key, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%ssys/%s", root == SYSCTL_PROC ? "/proc/" : "", key);

	return n < 0 || (size_t)n >= size || strstr(key, "..") || key[0] == '/' ? -EINVAL : 0;
}

int sysctl_root_open(void)
{
	_cleanup_close_ int fs = -1;
	int root;

	/* glibc 2.36 has wrappers, but <sys/mount.h> and <linux/mount.h> clash */
	fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
	if (fs < 0)
		return SYSCTL_PROC;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return SYSCTL_PROC;
	root = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	return root < 0 ? SYSCTL_PROC : root;
}

void sysctl_root_close(int *root)
{
	if (*root >= 0)
		close(*root);
	*root = SYSCTL_PROC;
}

int sysctl_read(const char *key, char *buf, size_t size)
{
	return sysctl_read_at(SYSCTL_PROC, key, buf, size);
}

int sysctl_read_at(int root, const char *key, char *buf, size_t size)
{
	char path[256];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	int r = sysctl_path(root, key, path, sizeof(path));

	if (r < 0 || size == 0)
		return -EINVAL;
	fd = openat(root, path, O_RDONLY | O_CLOEXEC);
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
	return sysctl_write_at(SYSCTL_PROC, key, value);
}

int sysctl_write_at(int root, const char *key, const char *value)
{
	int r = sysctl_set_at(root, key, value, NULL);

	return r < 0 ? r : 0;
}

int sysctl_set(const char *key, const char *value, char old[SYSCTL_VALUE_MAX])
{
	return sysctl_set_at(SYSCTL_PROC, key, value, old);
}

int sysctl_set_at(int root, const char *key, const char *value, char old[SYSCTL_VALUE_MAX])
{
	char path[256], cur[SYSCTL_VALUE_MAX];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(value);
	int r;

	if (old)
		old[0] = '\0';
	r = sysctl_read_at(root, key, cur, sizeof(cur));
	if (r < 0)
		return r;
	if (strcmp(cur, value) == 0)
		return 0;
	r = sysctl_path(root, key, path, sizeof(path));
	if (r < 0)
		return r;
	fd = openat(root, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, len) != (ssize_t)len)
		return errno ? -errno : -EIO;
	if (old)
		snprintf(old, SYSCTL_VALUE_MAX, "%s", cur);
	return 1;
}
