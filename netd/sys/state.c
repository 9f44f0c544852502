// SPDX-License-Identifier: Apache-2.0
#include "state.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "shared/cleanup.h"
#include "shared/names.h"

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

int state_open_dir(const char *base, const char *sub, unsigned mode)
{
	_cleanup_free_ char *p = sub ? strdup(sub) : NULL;
	_cleanup_close_ int fd = -1;
	char *save = NULL;
	int r;

	if (sub && !p)
		return -ENOMEM;
	/* @base is the caller's own path (it may be a symlink, e.g. /var/run). */
	if ((r = state_mkdir_p(base, mode)) < 0)
		return r;
	fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* Below it every component is netd's own: a symlink there is planted. */
	for (char *c = p ? strtok_r(p, "/", &save) : NULL; c; c = strtok_r(NULL, "/", &save)) {
		int next;
		if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0)
			return -EINVAL;
		if (mkdirat(fd, c, mode) < 0 && errno != EEXIST)
			return -errno;
		next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			struct stat st;
			/* A planted symlink says so (O_DIRECTORY would call it ENOTDIR). */
			if (fstatat(fd, c, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				return -ELOOP;
			return -errno;
		}
		(void)close(fd);
		fd = next;
	}
	return TAKE_FD(fd);
}

int state_mkdir_under(const char *base, const char *sub, unsigned mode)
{
	int fd = state_open_dir(base, sub, mode);

	if (fd < 0)
		return fd;
	(void)close(fd);
	return 0;
}

int state_open_lock_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);

	return fd < 0 ? -errno : fd;
}

int state_flock(int fd, int timeout_ms)
{
	struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };

	if (timeout_ms < 0) {
		while (flock(fd, LOCK_EX) < 0)
			if (errno != EINTR)
				return -errno;
		return 0;
	}
	for (int waited = 0;; waited += 20) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		(void)nanosleep(&pause, NULL);
	}
}

int state_lock(const char *config_dir, struct nd_error *err)
{
	_cleanup_free_ char *path = NULL;
	int fd, r;

	_cleanup_close_ int dir = state_open_dir(config_dir, NULL, 0755);

	if (dir < 0)
		return nd_error_set(err, dir, "failed to create config directory %s: %s",
				    config_dir, strerror(-dir));
	if (asprintf(&path, "%s/netd.lock", config_dir) < 0)
		return -ENOMEM;
	fd = state_open_lock_at(dir, "netd.lock");
	if (fd < 0)
		return nd_error_set(err, fd, "failed to open lock file %s: %s", path,
				    strerror(-fd));
	r = state_flock(fd, -1);
	if (r < 0) {
		(void)close(fd);
		return nd_error_set(err, r, "failed to lock %s: %s", path, strerror(-r));
	}
	return fd;
}

/* A fresh temporary name: hidden (no valid network name or id starts with '.'). */
static int open_tmp(int dirfd, unsigned mode, char name[static 32])
{
	for (int tries = 0; tries < 100; tries++) {
		uint64_t rnd;
		int fd;

		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			return -EIO;
		snprintf(name, 32, ".netd.tmp.%016" PRIx64, rnd);
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int state_write_at(int dirfd, const char *name, const char *data, size_t len, unsigned mode)
{
	_cleanup_close_ int fd = -1;
	char tmp[32];
	size_t off = 0;
	int r = 0;

	if (!*name || strchr(name, '/'))
		return -EINVAL;
	fd = open_tmp(dirfd, mode, tmp);
	if (fd < 0)
		return fd;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		off += (size_t)n;
	}
	/* On tmpfs (/run, where engines keep this) fsync buys nothing and costs. */
	if (r == 0) {
		struct statfs sf;
		if ((fstatfs(fd, &sf) < 0 || sf.f_type != TMPFS_MAGIC) && fsync(fd) < 0)
			r = -errno;
	}
	/* rename replaces a planted symlink itself, never what it points to. */
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0)
		(void)unlinkat(dirfd, tmp, 0);
	return r;
}

int state_write_atomic(const char *path, const char *data, size_t len)
{
	_cleanup_free_ char *dir = strdup(path);
	_cleanup_close_ int dfd = -1;
	char *slash = dir ? strrchr(dir, '/') : NULL;

	if (!dir)
		return -ENOMEM;
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	dfd = open(slash == dir ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	return state_write_at(dfd, slash + 1, data, len, 0600);
}

int state_read_at(int dirfd, const char *name, size_t max, char **ret, size_t *len)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return state_read_fd(fd, max, ret, len);
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

	/* Every caller validated the id; a path is still never built from one that is not a file name. */
	if (nd_name_invalid(container_id)) {
		errno = EINVAL;
		return NULL;
	}
	if (asprintf(&p, "%s/netd/containers/%s.json", config_dir, container_id) < 0)
		return NULL;
	return p;
}
