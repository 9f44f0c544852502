// SPDX-License-Identifier: Apache-2.0
#include "dhcp-proxy.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dhcp-store.h"
#include "netns.h"
#include "nl.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#define RENEW_TIMEOUT_MS 3000

static inline void closedirp(DIR **d)
{
	if (*d)
		(void)closedir(*d);
}
#define MAX_TRACKED 1024
#define TICK_MS 1000

/* Retry times of records whose last renewal failed (in memory only). */
struct retry {
	char file[NAME_MAX + 1];
	int64_t at;
};

struct keeper {
	const char *config_dir;
	char *dir, *sock_path;
	int listen_fd;
	bool activated; /* listen_fd is systemd's (socket activation): keep it */
	struct retry retry[MAX_TRACKED];
	size_t n_retry;
};

static int sock_addr(const char *config_dir, struct sockaddr_un *sa, char **ret_path)
{
	_cleanup_free_ char *p = NULL;

	if (asprintf(&p, "%s/netd/dhcp-proxy.sock", config_dir) < 0)
		return -ENOMEM;
	if (strlen(p) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	strcpy(sa->sun_path, p);
	if (ret_path)
		*ret_path = TAKE_PTR(p);
	return 0;
}

static void spawn(const char *config_dir)
{
	_cleanup_free_ char *log = NULL;
	sigset_t none;
	pid_t pid = fork();

	if (pid != 0) {
		if (pid > 0)
			(void)waitpid(pid, NULL, 0);
		return;
	}
	/* The intermediate child: detach and let the keeper be reparented. */
	if (setsid() < 0 || fork() != 0)
		_exit(0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int lfd = asprintf(&log, "%s/netd/dhcp-proxy.log", config_dir) < 0 ? -1 :
		  open(log, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 ||
	    dup2(lfd >= 0 ? lfd : null, STDERR_FILENO) < 0)
		_exit(1);
	execl("/proc/self/exe", "netd", "--config", config_dir, "dhcp-proxy", (char *)NULL);
	_exit(127);
}

int dhcp_proxy_ensure(const char *config_dir)
{
	static const char msg[] = "{\"op\":\"rescan\"}";
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa;
	int r = sock_addr(config_dir, &sa, NULL);

	if (r < 0)
		return r;
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL) == (ssize_t)(sizeof(msg) - 1))
		return 0;
	spawn(config_dir);
	return 0;
}

/* --- the keeper --- */

static int listen_on(struct keeper *k)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, r = sock_addr(k->config_dir, &sa, NULL);

	if (r < 0)
		return r;
	/* We hold the instance lock: whatever socket is there is a dead keeper's. */
	if (lstat(sa.sun_path, &st) == 0 && S_ISSOCK(st.st_mode))
		(void)unlink(sa.sun_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* bind() never follows a symlink; it fails on any existing name. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0600) < 0 ||
	    listen(fd, 16) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/*
 * systemd socket activation without libsystemd (sd_listen_fds(3)): the socket
 * is fd 3 when LISTEN_PID is our pid; we take exactly one, a listening
 * AF_UNIX SOCK_SEQPACKET socket. Return: 3, -ENOENT when not activated, or
 * -errno.
 */
static int activated_fd(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int type = 0, domain = 0, acc = 0;
	socklen_t len = sizeof(int);
	char *end;
	long v;

	if (!pid || !fds)
		return -ENOENT;
	errno = 0;
	v = strtol(pid, &end, 10);
	if (errno || *end || end == pid || v != (long)getpid())
		return -ENOENT;
	v = strtol(fds, &end, 10);
	/* Not for our children (the renewals run in-process, but still). */
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	if (*end || end == fds || v != 1)
		return -EINVAL;
	if (getsockopt(3, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
	    getsockopt(3, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    getsockopt(3, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) < 0)
		return errno == EBADF ? -EBADF : -ENOTSOCK;
	if (domain != AF_UNIX || type != SOCK_SEQPACKET || !acc)
		return -EPROTOTYPE;
	if (fcntl(3, F_SETFD, FD_CLOEXEC) < 0 || fcntl(3, F_SETFL, O_NONBLOCK) < 0)
		return -errno;
	return 3;
}

/* Warn when systemd's socket is not the one setup looks for. */
static void check_activated_path(const struct keeper *k)
{
	struct sockaddr_un want, got = {0};
	socklen_t len = sizeof(got);

	if (sock_addr(k->config_dir, &want, NULL) < 0 ||
	    getsockname(k->listen_fd, (struct sockaddr *)&got, &len) < 0)
		return;
	if (len <= offsetof(struct sockaddr_un, sun_path) || strcmp(got.sun_path, want.sun_path) != 0)
		log_warn("dhcp-proxy: the socket from systemd is not %s: setup will not find this keeper",
			 want.sun_path);
}

static struct retry *retry_of(struct keeper *k, const char *file, bool add)
{
	for (size_t i = 0; i < k->n_retry; i++)
		if (strcmp(k->retry[i].file, file) == 0)
			return &k->retry[i];
	if (!add || k->n_retry == MAX_TRACKED)
		return NULL;
	snprintf(k->retry[k->n_retry].file, sizeof(k->retry[0].file), "%s", file);
	k->retry[k->n_retry].at = 0;
	return &k->retry[k->n_retry++];
}

static void retry_forget(struct keeper *k, const char *file)
{
	struct retry *r = retry_of(k, file, false);

	if (r)
		*r = k->retry[--k->n_retry];
}

static void v4(struct nd_ip *ip, uint32_t a)
{
	*ip = (struct nd_ip){ .family = AF_INET };
	memcpy(ip->b, &a, 4);
}

/* Move the container from lease @old to lease @new (either may be NULL). */
static void apply(struct nlx *h, int ifindex, const struct dhcp_lease *old,
		  const struct dhcp_lease *new)
{
	struct nd_prefix p;
	char b[ND_ADDRSTRLEN];

	if (old && new && old->addr == new->addr && old->mask == new->mask &&
	    old->router == new->router)
		return;
	if (old) {
		struct nlx_route rt = { .dst.addr.family = AF_INET, .has_gateway = true,
					.oif = ifindex };
		v4(&p.addr, old->addr);
		p.len = (uint8_t)dhcp_mask_len(old->mask);
		if (old->router) {
			v4(&rt.gateway, old->router);
			(void)nlx_route_del(h, &rt);
		}
		if (nlx_addr_del(h, ifindex, &p) == 0)
			log_info("dhcp-proxy: removed %s", nd_prefix_str(&p, b));
	}
	if (new) {
		struct nlx_route rt = { .dst.addr.family = AF_INET, .has_gateway = true,
					.oif = ifindex };
		v4(&p.addr, new->addr);
		p.len = (uint8_t)dhcp_mask_len(new->mask);
		if (nlx_addr_add(h, ifindex, &p) < 0)
			log_warn("dhcp-proxy: failed to add %s", nd_prefix_str(&p, b));
		else
			log_info("dhcp-proxy: added %s", nd_prefix_str(&p, b));
		if (new->router) {
			v4(&rt.gateway, new->router);
			(void)nlx_route_add(h, &rt);
		}
	}
}

enum { RENEWED, FAILED, GONE };

/* In the container namespace: renew (or rebind, or start over) @rec. */
static int renew_in_ns(struct dhcp_record *rec, int64_t now)
{
	struct dhcp_lease old = rec->lease, *l = &rec->lease;
	struct nlx *h = NULL;
	struct nlx_link link;
	struct dhcp_iface ifc;
	bool rebind = now >= l->acquired + l->t2;
	int r, ret = FAILED;

	if (nlx_open(&h) < 0)
		return FAILED;
	if (nlx_link_by_name(h, rec->ifname, &link) < 0 || memcmp(link.mac, rec->mac, 6) != 0) {
		log_warn("dhcp-proxy: %s of container %s is gone; dropping its lease", rec->ifname,
			 rec->container_id);
		nlx_free(h);
		return GONE;
	}
	dhcp_iface_init(&ifc, link.ifindex, link.mac, rec->hostname[0] ? rec->hostname : NULL);
	ifc.timeout_ms = RENEW_TIMEOUT_MS;
	r = dhcp_renew(&ifc, l, rebind);
	if (r == -ECONNREFUSED) {
		/* NAK: the address is no longer ours; start over. */
		log_warn("dhcp-proxy: lease of %s refused (NAK), asking for a new one", rec->ifname);
		ifc.timeout_ms = RENEW_TIMEOUT_MS;
		r = dhcp_acquire(&ifc, l, NULL, 0);
		if (r < 0) {
			apply(h, link.ifindex, &old, NULL);
			nlx_free(h);
			return GONE;
		}
	}
	if (r == 0) {
		apply(h, link.ifindex, &old, l);
		ret = RENEWED;
	} else if (now >= old.acquired + old.lease) {
		log_warn("dhcp-proxy: lease of %s (container %s) expired", rec->ifname,
			 rec->container_id);
		apply(h, link.ifindex, &old, NULL);
		ret = GONE;
	}
	nlx_free(h);
	return ret;
}

struct renew_args {
	struct dhcp_record *rec;
	int64_t now;
};

static int renew_cb(void *arg)
{
	struct renew_args *a = arg;

	return renew_in_ns(a->rec, a->now);
}

static int handle(struct keeper *k, const char *file, const char *path, int64_t now)
{
	_cleanup_close_ int ns = -1, home = -1, lock = -1;
	struct nd_error err = {0};
	struct dhcp_record rec;
	int r, res;

	lock = state_lock(k->config_dir, &err);
	nd_error_clear(&err);
	if (lock < 0)
		return lock;
	/* Teardown may have released it while we waited for the lock. */
	if (dhcp_store_read(path, &rec) < 0)
		return 0;
	if (now < rec.lease.acquired + rec.lease.t1)
		return 0;
	ns = netns_open(rec.netns);
	home = netns_open_current();
	if (ns < 0 || home < 0) {
		log_warn("dhcp-proxy: namespace %s of container %s is gone; dropping its lease",
			 rec.netns, rec.container_id);
		res = GONE;
	} else {
		struct renew_args ra = { &rec, now };

		if ((r = netns_call(ns, home, renew_cb, &ra, &res)) < 0)
			return r;
	}
	if (res == GONE) {
		(void)unlink(path);
		retry_forget(k, file);
	} else if (res == RENEWED) {
		char b[INET_ADDRSTRLEN];
		r = dhcp_store_write(k->config_dir, &rec);
		if (r < 0)
			log_warn("dhcp-proxy: failed to save the lease of %s: %s", rec.ifname,
				 strerror(-r));
		retry_forget(k, file);
		log_info("dhcp-proxy: renewed %s for %s of container %s, %u s",
			 inet_ntop(AF_INET, &rec.lease.addr, b, sizeof(b)), rec.ifname,
			 rec.container_id, rec.lease.lease);
	} else {
		/* RFC 2131 4.4.5 waits half the time left to T2 (or to the end of
		 * the lease); a quarter here, between 2 s and a minute. */
		struct retry *t = retry_of(k, file, true);
		const struct dhcp_lease *l = &rec.lease;
		int64_t end = l->acquired + (now >= l->acquired + l->t2 ? l->lease : l->t2);
		int64_t wait = (end - dhcp_now()) / 4;
		wait = wait < 2 ? 2 : wait > 60 ? 60 : wait;
		log_warn("dhcp-proxy: no answer renewing %s of container %s; next try in %lld s",
			 rec.ifname, rec.container_id, (long long)wait);
		if (t)
			t->at = dhcp_now() + wait;
	}
	return 0;
}

/* One pass over the records. Return: how many leases are held, or -errno. */
static int scan(struct keeper *k, int64_t *next)
{
	_cleanup_(closedirp) DIR *d = opendir(k->dir);
	int64_t now = dhcp_now();
	struct dirent *e;
	int n = 0;

	*next = now + 3600;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		size_t len = strlen(e->d_name);
		struct dhcp_record rec;
		struct retry *t;
		int64_t due;

		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0 || e->d_name[0] == '.')
			continue;
		if (asprintf(&path, "%s/%s", k->dir, e->d_name) < 0)
			return -ENOMEM;
		if (dhcp_store_read(path, &rec) < 0)
			continue;
		due = rec.lease.acquired + rec.lease.t1;
		t = retry_of(k, e->d_name, false);
		if (t && t->at > due)
			due = t->at;
		if (due <= now) {
			(void)handle(k, e->d_name, path, now);
			if (access(path, F_OK) < 0)
				continue;
			if (dhcp_store_read(path, &rec) == 0) {
				due = rec.lease.acquired + rec.lease.t1;
				t = retry_of(k, e->d_name, false);
				if (t && t->at > due)
					due = t->at;
			}
		}
		n++;
		if (due < *next)
			*next = due;
	}
	return n;
}

static void serve(struct keeper *k)
{
	for (;;) {
		_cleanup_close_ int fd = accept4(k->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		char buf[256];

		if (fd < 0)
			return;
		/* Any request means "look again"; the answer is best effort. */
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0 || errno == EAGAIN)
			(void)send(fd, "{\"ok\":true}", 11, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
}

int cmd_dhcp_proxy(const struct netd_opts *opts, struct nd_error *err)
{
	_cleanup_free_ char *lockp = NULL;
	_cleanup_close_ int inst = -1;
	struct keeper *k;
	int r;

	if (!opts->config_dir)
		return nd_error_set(err, -EINVAL, "--config not specified but required for netd dhcp-proxy");
	/* A daemon's log is its record of renewals: info unless told otherwise. */
	if (!getenv("NETD_LOG") && !getenv("RUST_LOG"))
		log_set_level(LOG_LVL_INFO);
	k = calloc(1, sizeof(*k));
	if (!k || asprintf(&lockp, "%s/netd/dhcp-proxy.lock", opts->config_dir) < 0) {
		free(k);
		return nd_error_set(err, -ENOMEM, "out of memory");
	}
	k->config_dir = opts->config_dir;
	k->dir = dhcp_store_dir(opts->config_dir);
	if ((r = state_mkdir_p(k->dir, 0700)) < 0) {
		nd_error_set(err, r, "failed to create %s: %s", k->dir, strerror(-r));
		goto out;
	}
	inst = open(lockp, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (inst < 0) {
		r = nd_error_set(err, -errno, "failed to open %s: %s", lockp, strerror(errno));
		goto out;
	}
	r = activated_fd();
	if (r >= 0) {
		k->listen_fd = r;
		k->activated = true;
	} else if (r != -ENOENT) {
		r = nd_error_set(err, r, "LISTEN_FDS: expected one listening SOCK_SEQPACKET unix socket as fd 3: %s",
				 strerror(-r));
		goto out;
	}
	if (flock(inst, LOCK_EX | LOCK_NB) < 0) {
		log_info("dhcp-proxy: another keeper runs for %s", opts->config_dir);
		/* Take what systemd queued, or it starts us again at once. */
		if (k->activated)
			serve(k);
		r = 0;
		goto out;
	}
	{
		char pid[32];
		int n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
		if (ftruncate(inst, 0) < 0 || write(inst, pid, (size_t)n) != n)
			log_warn("dhcp-proxy: cannot write its pid to %s", lockp);
	}
	if (k->activated)
		check_activated_path(k);
	else
		k->listen_fd = listen_on(k);
	if (k->listen_fd < 0) {
		r = nd_error_set(err, k->listen_fd, "failed to listen on the dhcp-proxy socket: %s",
				 strerror(-k->listen_fd));
		goto out;
	}
	log_info("dhcp-proxy: keeping the leases of %s (pid %d%s)", k->dir, (int)getpid(),
		 k->activated ? ", socket from systemd" : "");
	for (;;) {
		struct pollfd pfd = { .fd = k->listen_fd, .events = POLLIN };
		int64_t next, wait;
		int n = scan(k, &next);

		if (n == 0 && k->activated) {
			/* systemd keeps the socket: take what is queued, look once more;
			 * a request that comes after we exit starts us again. */
			serve(k);
			if (scan(k, &next) == 0)
				break;
			continue;
		}
		if (n == 0) {
			/* Stop answering first, then look once more: a setup that found us
			 * just before has written its record by now (it holds the lock). */
			struct sockaddr_un sa;
			if (sock_addr(k->config_dir, &sa, NULL) == 0)
				(void)unlink(sa.sun_path);
			close(k->listen_fd);
			k->listen_fd = -1;
			serve(k);
			if (scan(k, &next) == 0)
				break;
			k->listen_fd = listen_on(k);
			if (k->listen_fd < 0)
				log_warn("dhcp-proxy: cannot listen again: %s", strerror(-k->listen_fd));
			continue;
		}
		wait = (next - dhcp_now()) * 1000;
		if (wait > TICK_MS)
			wait = TICK_MS;
		if (wait < 0)
			wait = 0;
		if (poll(&pfd, k->listen_fd >= 0 ? 1 : 0, (int)wait) > 0)
			serve(k);
	}
	log_info("dhcp-proxy: no lease left, exiting");
	r = 0;
out:
	if (k->listen_fd > 0)
		close(k->listen_fd);
	free(k->dir);
	free(k);
	return r;
}
