// SPDX-License-Identifier: Apache-2.0
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "shared/cleanup.h"

int state_mkdir_p(const char *path, unsigned mode)
{
	_cleanup_free_ char *p = strdup(path);

	if (!p)
		return -ENOMEM;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int state_lock(const char *config_dir, struct nd_error *err)
{
	_cleanup_free_ char *path = NULL;
	int fd, r;

	r = state_mkdir_p(config_dir, 0755);
	if (r < 0)
		return nd_error_set(err, r, "failed to create config directory %s: %s",
				    config_dir, strerror(-r));
	if (asprintf(&path, "%s/netd.lock", config_dir) < 0)
		return -ENOMEM;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return nd_error_set(err, -errno, "failed to open lock file %s: %s", path,
				    strerror(errno));
	while (flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		r = -errno;
		(void)close(fd);
		return nd_error_set(err, r, "failed to lock %s: %s", path, strerror(-r));
	}
	return fd;
}

int state_write_atomic(const char *path, const char *data, size_t len)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	size_t off = 0;

	if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0) {
			int r = errno == EINTR ? 0 : -errno;
			if (r == 0)
				continue;
			(void)unlink(tmp);
			return r;
		}
		off += (size_t)n;
	}
	/* On tmpfs (/run, where engines keep this) fsync buys nothing and costs. */
	{
		struct statfs sf;
		if ((fstatfs(fd, &sf) < 0 || sf.f_type != TMPFS_MAGIC) && fsync(fd) < 0) {
			int r = -errno;
			(void)unlink(tmp);
			return r;
		}
	}
	if (rename(tmp, path) < 0) {
		int r = -errno;
		(void)unlink(tmp);
		return r;
	}
	return 0;
}

int state_read_file(const char *path, size_t max, char **ret, size_t *len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return state_read_fd(fd, max, ret, len);
}

int state_read_fd(int fd, size_t max, char **ret, size_t *len)
{
	_cleanup_free_ char *buf = NULL;
	size_t cap = 4096, n = 0;

	if (fd < 0)
		return -EBADF;
	buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t k;
		if (n == cap) {
			char *nb;
			if (cap >= max)
				return -EFBIG;
			cap = cap * 2 > max ? max : cap * 2;
			nb = realloc(buf, cap + 1);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		k = read(fd, buf + n, cap - n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	buf[n] = '\0';
	*len = n;
	*ret = TAKE_PTR(buf);
	return 0;
}

char *state_container_path(const char *config_dir, const char *container_id)
{
	char *p = NULL;

	if (asprintf(&p, "%s/netd/containers/%s.json", config_dir, container_id) < 0)
		return NULL;
	return p;
}
