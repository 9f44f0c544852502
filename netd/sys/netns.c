// SPDX-License-Identifier: Apache-2.0
/*
 * Network namespaces. Every front end (setup, teardown, attach/detach, CNI)
 * opens a container's namespace through netns_open_container(), the one
 * place that refuses the host's own namespace under any name: the path is
 * not trusted, the identity (nsfs device and inode) of what it opens is.
 */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/cleanup.h"
#include "shared/log.h"

int netns_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int type;

	if (fd < 0)
		return -errno;
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0 || type != CLONE_NEWNET) {
		(void)close(fd);
		return -EINVAL;
	}
	return fd;
}

int netns_open_current(void)
{
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int netns_id_of(int fd, struct netns_id *ret)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	*ret = (struct netns_id){ .dev = (uint64_t)st.st_dev, .ino = (uint64_t)st.st_ino };
	return 0;
}

static int cookie_here(void *arg)
{
	_cleanup_close_ int sk = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	socklen_t len = sizeof(uint64_t);

	if (sk < 0)
		return -errno;
	if (getsockopt(sk, SOL_SOCKET, SO_NETNS_COOKIE, arg, &len) < 0)
		return -errno;
	return 0;
}

int netns_cookie(int fd, uint64_t *ret)
{
	uint64_t cookie = 0;
	int r, res;

	r = netns_call(fd, -1, cookie_here, &cookie, &res);
	if (r < 0)
		return r;
	if (res < 0)
		return res;
	*ret = cookie;
	return 0;
}

bool netns_id_eq(const struct netns_id *a, const struct netns_id *b)
{
	if (a->cookie && b->cookie && a->cookie != b->cookie)
		return false;
	return a->dev == b->dev && a->ino == b->ino;
}

/* Is @id the namespace at @path? false when @path cannot be opened. */
static bool is_ns_at(const struct netns_id *id, const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct netns_id other;

	return fd >= 0 && netns_id_of(fd, &other) == 0 && netns_id_eq(id, &other);
}

int netns_open_container(const char *path, struct netns_id *ret_id)
{
	_cleanup_close_ int fd = netns_open(path);
	struct netns_id id;
	int r;

	if (fd < 0)
		return fd;
	r = netns_id_of(fd, &id);
	if (r < 0)
		return r;
	/* netd's own namespace, and PID 1's when it can be read (not in every sandbox). */
	if (is_ns_at(&id, "/proc/self/ns/net") || is_ns_at(&id, "/proc/1/ns/net"))
		return -NETNS_EHOST;
	if (ret_id) {
		/* No cookie (an old kernel): the inode alone identifies it. */
		r = netns_cookie(fd, &id.cookie);
		if (r < 0 && r != -ENOPROTOOPT)
			return r;
		*ret_id = id;
	}
	return TAKE_FD(fd);
}

const char *netns_strerror(int r)
{
	if (r == -EINVAL)
		return "not a network namespace";
	if (r == -NETNS_EHOST)
		return "it is the host's own network namespace, not a container's";
	return strerror(-r);
}

int netns_error(struct nd_error *err, int r, const char *path)
{
	if (r == -NETNS_EHOST)
		return nd_error_set(err, r,
				    "namespace path %s is the host's own network namespace, not a container's",
				    path);
	return nd_error_set(err, r, "invalid namespace path %s: %s", path, netns_strerror(r));
}

int netns_enter(int fd)
{
	return setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
}

int netns_call(int ns, int host, int (*fn)(void *arg), void *arg, int *ret)
{
	_cleanup_close_ int own = -1;
	int r;

	if (host < 0) {
		own = netns_open_current();
		if (own < 0)
			return own;
		host = own;
	}
	r = netns_enter(ns);
	if (r < 0)
		return r;
	*ret = fn(arg);
	r = netns_enter(host);
	if (r < 0) {
		/* Staying in the wrong namespace would corrupt everything after. */
		log_error("cannot return to the host network namespace: %s", strerror(-r));
		abort();
	}
	return 0;
}
