// SPDX-License-Identifier: Apache-2.0
#include "dns-conf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driver.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/log.h"
#include "shared/names.h"

#define MAX_DNS_FILE (16u << 20)

bool dnsconf_wants(const struct nd_attach *a)
{
	/* DNS is served on bridge networks: the server listens on the bridge. */
	return driver_of(a->net)->owns_bridge && a->net->dns_enabled;
}

static char *dns_dir(const char *config)
{
	char *p = NULL;

	return asprintf(&p, "%s/aardvark-dns", config) < 0 ? NULL : p;
}

/* The network's file name in the DNS directory (the name was validated: no '/'). */
char *dns_file_name(const char *network, bool internal)
{
	char *p = NULL;

	return asprintf(&p, "%s%s", network, internal ? "%int" : "") < 0 ? NULL : p;
}

static char *net_file(const struct nd_network *net)
{
	return dns_file_name(net->name, net->internal);
}

/* ../aardvark.lock beside the DNS directory, as netavark keeps it; never through a symlink. */
static int take_lock(const char *config, struct nd_error *err)
{
	_cleanup_close_ int dir = state_open_dir(config, NULL, 0755);
	int fd, r;

	if (dir < 0)
		return nd_error_set(err, dir, "failed to open %s: %s", config, strerror(-dir));
	fd = state_open_lock_at(dir, "aardvark.lock");
	if (fd < 0)
		return nd_error_set(err, fd, "failed to open %s/aardvark.lock: %s", config,
				    strerror(-fd));
	r = state_flock(fd, -1);
	if (r < 0) {
		(void)close(fd);
		return nd_error_set(err, r, "failed to lock %s/aardvark.lock: %s", config,
				    strerror(-r));
	}
	return fd;
}

/* A DNS name netd-dns accepts, else one warning (netavark's wording) and it is dropped. */
static bool name_ok(const char *n)
{
	const char *why = nd_dns_name_invalid(n);
	_cleanup_free_ char *q = NULL;

	if (!why)
		return true;
	q = nd_quote(n, 64);
	log_warn("invalid network alias %s: %s, ignoring this name", q ? q : "?", why);
	return false;
}

static void append_ips(char **buf, size_t *len, FILE *f, const struct nd_attach *a, int family)
{
	bool first = true;
	char b[ND_ADDRSTRLEN];

	(void)buf;
	(void)len;
	for (size_t k = 0; k < a->n_addrs; k++) {
		if (a->addrs[k].addr.addr.family != family)
			continue;
		fprintf(f, "%s%s", first ? "" : ",", nd_ip_str(&a->addrs[k].addr.addr, b));
		first = false;
	}
}

/* The entry line of the container for attachment @a. */
static char *entry_line(const struct nd_request *req, const struct nd_attach *a)
{
	char *buf = NULL, b[ND_ADDRSTRLEN];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool first = true;

	if (!f)
		return NULL;
	fprintf(f, "%s ", req->container_id);
	append_ips(&buf, &len, f, a, AF_INET);
	fputc(' ', f);
	append_ips(&buf, &len, f, a, AF_INET6);
	fputc(' ', f);
	if (name_ok(req->container_name)) {
		fputs(req->container_name, f);
		first = false;
	}
	for (size_t k = 0; k < a->n_aliases; k++)
		if (name_ok(a->aliases[k])) {
			fprintf(f, "%s%s", first ? "" : ",", a->aliases[k]);
			first = false;
		}
	for (size_t k = 0; k < req->n_dns_servers; k++)
		fprintf(f, "%s%s", k ? "," : " ", nd_ip_str(&req->dns_servers[k], b));
	fputc('\n', f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *header_line(const struct nd_network *net, const struct attach_rt *rt)
{
	char *buf = NULL, b[ND_ADDRSTRLEN];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (size_t s = 0; s < rt->n_dns_binds; s++)
		fprintf(f, "%s%s", s ? "," : "", nd_ip_str(&rt->dns_binds[s], b));
	for (size_t k = 0; k < net->n_dns_servers; k++)
		fprintf(f, "%s%s", k ? "," : " ", nd_ip_str(&net->dns_servers[k], b));
	fputc('\n', f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* A DNS server that is a gateway of the network would make the resolver ask itself. */
static int check_loop(const struct nd_request *req, const struct nd_network *net,
		      struct nd_error *err)
{
	char b[ND_ADDRSTRLEN];

	for (size_t s = 0; s < net->n_subnets; s++) {
		const struct nd_subnet *sn = &net->subnets[s];
		if (!sn->has_gateway)
			continue;
		for (size_t k = 0; k < req->n_dns_servers; k++)
			if (nd_ip_equal(&req->dns_servers[k], &sn->gateway))
				return nd_error_set(err, -EINVAL,
						    "DNS server %s is the gateway of network \"%s\"; netd-dns would forward to itself (dns_servers)",
						    nd_ip_str(&sn->gateway, b), net->name);
		for (size_t k = 0; k < net->n_dns_servers; k++)
			if (nd_ip_equal(&net->dns_servers[k], &sn->gateway))
				return nd_error_set(err, -EINVAL,
						    "DNS server %s is the gateway of network \"%s\"; netd-dns would forward to itself (network_dns_servers)",
						    nd_ip_str(&sn->gateway, b), net->name);
	}
	return 0;
}

/* Rewrite @name in @dir without the lines of @id (and with @add appended). Deletes a header-only file. */
static int rewrite(int dir, const char *name, const char *id, const char *header, const char *add)
{
	_cleanup_free_ char *old = NULL;
	char *buf = NULL;
	size_t len = 0, olen = 0, idlen = strlen(id);
	FILE *f;
	int r;

	r = state_read_at(dir, name, MAX_DNS_FILE, &old, &olen);
	if (r < 0 && r != -ENOENT)
		return r;
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	if (old) {
		bool first = true;
		for (char *line = old, *nl; *line; line = nl ? nl + 1 : line + strlen(line)) {
			nl = strchr(line, '\n');
			size_t l = nl ? (size_t)(nl - line) : strlen(line);
			if (l == 0) {
				if (!nl)
					break;
				continue;
			}
			if (!first && l > idlen && strncmp(line, id, idlen) == 0 && line[idlen] == ' ') {
				if (!nl)
					break;
				continue;
			}
			fwrite(line, 1, l, f);
			fputc('\n', f);
			first = false;
			if (!nl)
				break;
		}
		if (first && header)
			fputs(header, f);
	} else if (header) {
		fputs(header, f);
	}
	if (add)
		fputs(add, f);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	/* Only the header left: the network has no container, the file goes. */
	{
		char *nl = memchr(buf, '\n', len);
		if (!add && (!nl || (size_t)(nl - buf) + 1 >= len)) {
			free(buf);
			return unlinkat(dir, name, 0) < 0 && errno != ENOENT ? -errno : 0;
		}
	}
	r = state_write_at(dir, name, buf, len, 0600);
	free(buf);
	return r;
}

bool dns_server_runs(const char *config_dir)
{
	_cleanup_free_ char *dir = dns_dir(config_dir);

	return dir && dns_server_pid(dir) > 0;
}

/*
 * Whether @pid runs "... --config @dir ... run": a server of this directory,
 * as netd and netavark start it. A pid file can outlive its server and the
 * pid be reused by anything; only a process that serves @dir is signalled.
 */
static bool serves_dir(long pid, const char *dir)
{
	_cleanup_free_ char *path = NULL, *cmd = NULL;
	const char *last = NULL;
	bool config = false;
	size_t len;

	if (asprintf(&path, "/proc/%ld/cmdline", pid) < 0 ||
	    state_read_file(path, 1u << 16, &cmd, &len) < 0 || len == 0)
		return false;
	for (size_t off = 0; off < len; off += strlen(cmd + off) + 1) {
		const char *arg = cmd + off;
		if (last && (strcmp(last, "--config") == 0 || strcmp(last, "-c") == 0) &&
		    strcmp(arg, dir) == 0)
			config = true;
		if (strncmp(arg, "--config=", 9) == 0 && strcmp(arg + 9, dir) == 0)
			config = true;
		last = arg;
	}
	return config && last && strcmp(last, "run") == 0;
}

pid_t dns_server_pid(const char *dir)
{
	_cleanup_free_ char *buf = NULL, *stat = NULL, *sbuf = NULL;
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t len;
	long pid;
	char *p;

	if (dfd < 0 || state_read_at(dfd, "aardvark.pid", 64, &buf, &len) < 0)
		return 0;
	pid = strtol(buf, &p, 10);
	if (pid <= 1 || pid > 4194304)
		return 0;
	if (asprintf(&stat, "/proc/%ld/stat", pid) < 0 || state_read_file(stat, 4096, &sbuf, &len) < 0)
		return 0;
	/* "pid (comm) S ...": the state follows the last ')'. */
	p = strrchr(sbuf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	if (!serves_dir(pid, dir)) {
		log_info("pid file %s/aardvark.pid names process %ld, which does not serve %s: stale",
			 dir, pid, dir);
		return 0;
	}
	return (pid_t)pid;
}

static int start_server(const struct netd_opts *opts, const char *dir, struct nd_error *err)
{
	char port[8], msg[1024] = "";
	int pipefd[2], status, r;
	size_t got = 0;
	pid_t pid;

	snprintf(port, sizeof(port), "%u", opts->dns_port);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return nd_error_set(err, -errno, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		r = -errno;
		(void)close(pipefd[0]);
		(void)close(pipefd[1]);
		return nd_error_set(err, r, "fork: %s", strerror(-r));
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		sigset_t none;
		if (null >= 0) {
			(void)dup2(null, STDIN_FILENO);
			(void)dup2(null, STDOUT_FILENO);
		}
		(void)dup2(pipefd[1], STDERR_FILENO);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execl(opts->aardvark_binary, opts->aardvark_binary, "--config", dir, "-p", port, "run",
		      (char *)NULL);
		dprintf(STDERR_FILENO, "cannot execute %s: %s", opts->aardvark_binary, strerror(errno));
		_exit(127);
	}
	(void)close(pipefd[1]);
	/*
	 * Wait for the starter to exit (it does once the daemon is ready or has
	 * failed), then take what it printed. Reading to EOF first could hang:
	 * a daemon that keeps stderr open never closes the pipe.
	 */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			r = -errno;
			(void)close(pipefd[0]);
			return nd_error_set(err, r, "waitpid: %s", strerror(-r));
		}
	(void)fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t n = read(pipefd[0], msg + got, sizeof(msg) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == sizeof(msg) - 1)
			break;
	}
	msg[got] = '\0';
	(void)close(pipefd[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		for (size_t k = strlen(msg); k && (msg[k - 1] == '\n' || msg[k - 1] == ' '); k--)
			msg[k - 1] = '\0';
		return nd_error_set(err, -EIO, "aardvark-dns failed to start: %s",
				    msg[0] ? msg : "exited without a message");
	}
	log_info("started %s for %s", opts->aardvark_binary, dir);
	return 0;
}

static int reload_server(const struct netd_opts *opts, const char *dir, bool may_start,
			 struct nd_error *err)
{
	pid_t pid = dns_server_pid(dir);

	if (pid && kill(pid, SIGHUP) == 0) {
		log_debug("sent SIGHUP to DNS server %d", (int)pid);
		return 0;
	}
	if (!may_start)
		return 0;
	return start_server(opts, dir, err);
}

static void remove_entries(struct exec_ctx *c)
{
	struct nd_error e = {0};

	if (dns_teardown(c, &e) < 0)
		log_warn("rollback: %s", e.msg);
	nd_error_clear(&e);
}

int dns_setup(struct exec_ctx *c)
{
	const struct nd_request *req = c->req;
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int lock = -1, dfd = -1;
	bool any = false;
	int r;

	for (size_t i = 0; i < req->n_attach; i++)
		any |= dnsconf_wants(&req->attach[i]);
	if (!any)
		return 0;
	for (size_t i = 0; i < req->n_attach; i++)
		if (dnsconf_wants(&req->attach[i]) &&
		    (r = check_loop(req, req->attach[i].net, c->err)) < 0)
			return r;
	if (access(c->opts->aardvark_binary, X_OK) < 0) {
		int e = errno;
		for (size_t i = 0; i < req->n_attach; i++)
			if (dnsconf_wants(&req->attach[i]))
				log_warn("network %s has dns_enabled, but the DNS server %s cannot be run (%s): container names on it are not resolved; install netd-dns beside netd or pass --aardvark-binary",
					 req->attach[i].net->name, c->opts->aardvark_binary, strerror(e));
		return 0;
	}
	dir = dns_dir(c->opts->config_dir);
	if (!dir)
		return -ENOMEM;
	dfd = state_open_dir(c->opts->config_dir, "aardvark-dns", 0755);
	if (dfd < 0)
		return nd_error_set(c->err, dfd, "failed to create %s: %s", dir, strerror(-dfd));
	lock = take_lock(c->opts->config_dir, c->err);
	if (lock < 0)
		return lock;
	r = exec_push_undo(c, &(struct undo){ .kind = UNDO_CALL, .call = remove_entries });
	if (r < 0)
		return r;
	for (size_t i = 0; i < req->n_attach; i++) {
		const struct nd_attach *a = &req->attach[i];
		_cleanup_free_ char *name = NULL, *line = NULL, *hdr = NULL;

		if (!dnsconf_wants(a))
			continue;
		name = net_file(a->net);
		line = entry_line(req, a);
		if (c->rt[i].n_dns_binds == 0) {
			log_warn("network %s has no gateway address for DNS to listen on", a->net->name);
			continue;
		}
		hdr = header_line(a->net, &c->rt[i]);
		if (!name || !line || !hdr)
			return -ENOMEM;
		/* An internal network's file carries %int; an older plain one is renamed. */
		if (a->net->internal && faccessat(dfd, name, F_OK, AT_SYMLINK_NOFOLLOW) < 0 &&
		    faccessat(dfd, a->net->name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			(void)renameat(dfd, a->net->name, dfd, name);
		r = rewrite(dfd, name, req->container_id, hdr, line);
		if (r < 0)
			return nd_error_set(c->err, r, "failed to write DNS entries to %s/%s: %s", dir,
					    name, strerror(-r));
	}
	return reload_server(c->opts, dir, true, c->err);
}

int dns_teardown(struct exec_ctx *c, struct nd_error *err)
{
	const struct nd_request *req = c->req;
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int lock = -1, dfd = -1;
	bool any = false;
	int r, ret = 0;

	for (size_t i = 0; i < req->n_attach; i++)
		any |= dnsconf_wants(&req->attach[i]);
	dir = dns_dir(c->opts->config_dir);
	if (!any || !dir || access(dir, F_OK) < 0)
		return 0;
	dfd = state_open_dir(c->opts->config_dir, "aardvark-dns", 0755);
	if (dfd < 0)
		return nd_error_set(err, dfd, "failed to open %s: %s", dir, strerror(-dfd));
	lock = take_lock(c->opts->config_dir, err);
	if (lock < 0)
		return lock;
	for (size_t i = 0; i < req->n_attach; i++) {
		_cleanup_free_ char *name = NULL;
		if (!dnsconf_wants(&req->attach[i]))
			continue;
		name = net_file(req->attach[i].net);
		if (!name)
			return -ENOMEM;
		if (faccessat(dfd, name, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		r = rewrite(dfd, name, req->container_id, NULL, NULL);
		if (r < 0)
			ret = nd_error_set(err, r, "failed to remove DNS entries from %s/%s: %s", dir,
					   name, strerror(-r));
	}
	(void)reload_server(c->opts, dir, false, err);
	return ret;
}

int dns_update(const struct netd_opts *opts, const char *network, char *const *servers, size_t n,
	       struct nd_error *err)
{
	_cleanup_free_ char *dir = NULL, *name = NULL, *old = NULL, *out = NULL;
	_cleanup_close_ int lock = -1, dfd = -1;
	size_t len = 0, olen;
	FILE *f;
	char *nl, *sp;
	int r;

	/* The name becomes a file name: validate it before anything is opened. */
	if ((r = nd_network_name_check(NULL, network, err)) < 0)
		return r;
	for (size_t k = 0; k < n; k++) {
		struct nd_ip ip;
		if (servers[k][0] && nd_ip_parse(servers[k], &ip) < 0)
			return nd_error_set(err, -EINVAL, "--network-dns-servers: \"%s\" is not an IP address",
					    servers[k]);
	}
	dir = dns_dir(opts->config_dir);
	if (!dir)
		return -ENOMEM;
	if (access(dir, F_OK) < 0)
		return 0;	/* no DNS directory: no container on any network */
	dfd = state_open_dir(opts->config_dir, "aardvark-dns", 0755);
	if (dfd < 0)
		return nd_error_set(err, dfd, "failed to open %s: %s", dir, strerror(-dfd));
	lock = take_lock(opts->config_dir, err);
	if (lock < 0)
		return lock;
	if (!(name = strdup(network)))
		return -ENOMEM;
	r = state_read_at(dfd, name, MAX_DNS_FILE, &old, &olen);
	if (r == -ENOENT) {
		free(name);
		if (!(name = dns_file_name(network, true)))
			return -ENOMEM;
		r = state_read_at(dfd, name, MAX_DNS_FILE, &old, &olen);
	}
	if (r == -ENOENT)
		return 0;	/* no container on that network: nothing to update */
	if (r < 0)
		return nd_error_set(err, r, "failed to read %s/%s: %s", dir, name, strerror(-r));
	f = open_memstream(&out, &len);
	if (!f)
		return -ENOMEM;
	nl = strchr(old, '\n');
	if (nl)
		*nl = '\0';
	sp = strchr(old, ' ');
	if (sp)
		*sp = '\0';
	fputs(old, f);
	for (size_t k = 0, first = 1; k < n; k++)
		if (servers[k][0]) {
			fprintf(f, "%s%s", first ? " " : ",", servers[k]);
			first = 0;
		}
	fputc('\n', f);
	if (nl)
		fputs(nl + 1, f);
	if (fclose(f) != 0)
		return -ENOMEM;
	r = state_write_at(dfd, name, out, len, 0600);
	if (r < 0)
		return nd_error_set(err, r, "failed to write %s/%s: %s", dir, name, strerror(-r));
	return reload_server(opts, dir, false, err);
}
