// SPDX-License-Identifier: Apache-2.0
/*
 * netd-dns: per-network name resolution for containers, compatible with
 * aardvark-dns's command line and config directory:
 *   netd-dns --config DIR -p PORT run
 * The parent returns only once every listener is bound (exit 0), or prints
 * why not and exits 1, so the engine sees start-up failures.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "config.h"
#include "sandbox.h"
#include "server.h"
#include "shared/cleanup.h"
#include "shared/log.h"

static const char usage_text[] =
	"Usage: netd-dns [OPTIONS] run|version\n"
	"\n"
	"DNS for container networks; reads aardvark-dns's config directory.\n"
	"\n"
	"Options (before the command):\n"
	"  -c, --config DIR                 config directory (one file per network)\n"
	"  -p, --port PORT                  port to listen on (default 5533; netd passes 53)\n"
	"  -f, --filter-search-domain NAME  search domain stripped from queries (default .dns.podman)\n"
	"      --resolv-conf PATH           upstream resolvers file (default /etc/resolv.conf)\n"
	"      --foreground                 do not detach (for debugging and service managers)\n"
	"  -h, --help, -V, --version\n"
	"\n"
	"Environment: NETD_LOG=error|warn|info|debug (RUST_LOG understood), NETD_DNS_LOG_FILE,\n"
	"AARDVARK_NO_PROXY (never forward).\n"
	"\n"
	"Example:\n"
	"  netd-dns --config /run/containers/networks/aardvark-dns -p 53 run\n";

/*
 * aardvark.pid, written as a fresh hidden temporary (O_EXCL, O_NOFOLLOW, in
 * the directory itself) renamed into place: a symlink planted under any name
 * in the directory is never followed.
 */
static int write_pid_file(const char *dir)
{
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char buf[32], tmp[48];
	int fd = -1, n, r = 0;

	if (dfd < 0)
		return -errno;
	for (int tries = 0; fd < 0 && tries < 100; tries++) {
		uint64_t rnd;
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			return -EIO;
		snprintf(tmp, sizeof(tmp), ".aardvark.pid.tmp.%016" PRIx64, rnd);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	n = snprintf(buf, sizeof(buf), "%d", (int)getpid());
	if (write(fd, buf, (size_t)n) != n)
		r = -EIO;
	(void)close(fd);
	if (r == 0 && renameat(dfd, tmp, dfd, "aardvark.pid") < 0)
		r = -errno;
	if (r < 0)
		(void)unlinkat(dfd, tmp, 0);
	return r;
}

static void remove_pid_file(const char *dir)
{
	_cleanup_free_ char *path = NULL;
	char buf[32] = "";
	int fd;

	if (asprintf(&path, "%s/aardvark.pid", dir) < 0)
		return;
	/* Only our own: a newer instance may have replaced it. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		(void)close(fd);
		if (n > 0 && atoi(buf) == (int)getpid())
			(void)unlink(path);
	}
}

static int cmd_version(void)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "version", json_object_new_string(NETD_VERSION));
	json_object_object_add(o, "commit", json_object_new_string(NETD_COMMIT));
	json_object_object_add(o, "build_time", json_object_new_string(__DATE__ " " __TIME__));
	json_object_object_add(o, "target", json_object_new_string(NETD_BUILD_TARGET));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_SPACED));
	json_object_put(o);
	return 0;
}

static void detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	(void)dup2(fd, STDIN_FILENO);
	(void)dup2(fd, STDOUT_FILENO);
	{
		const char *lf = getenv("NETD_DNS_LOG_FILE");
		if (!lf || !*lf)
			(void)dup2(fd, STDERR_FILENO);
	}
	if (fd > STDERR_FILENO)
		(void)close(fd);
}

static void open_log_file(void)
{
	const char *path = getenv("NETD_DNS_LOG_FILE");
	int fd;

	if (!path || !*path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	(void)dup2(fd, STDERR_FILENO);
	(void)close(fd);
}

int main(int argc, char **argv)
{
	enum { OPT_RESOLV = 0x100, OPT_FOREGROUND };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "port", required_argument, NULL, 'p' },
		{ "filter-search-domain", required_argument, NULL, 'f' },
		{ "resolv-conf", required_argument, NULL, OPT_RESOLV },
		{ "foreground", no_argument, NULL, OPT_FOREGROUND },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	struct server_opts o = {
		.port = 5533,
		.search_domain = ".dns.podman",
		.max_tcp = 256,
		.max_pending = 2048,
		.cache_size = 4096,
		.upstream_timeout_ms = 5000,
		.no_proxy = getenv("AARDVARK_NO_PROXY") != NULL,
	};
	struct server *srv = NULL;
	struct nd_error err = {0};
	bool foreground = false;
	int opt, pipefd[2], r;
	pid_t pid;
	char ok = 1;

	/* Nothing the engine left open may leak into the daemon. */
	(void)close_range(3, ~0U, 0);
	log_setup("NETD_LOG", "netd-dns");
	if (log_get_level() < LOG_LVL_INFO && !getenv("NETD_LOG") && !getenv("RUST_LOG"))
		log_set_level(LOG_LVL_INFO);
	while ((opt = getopt_long(argc, argv, "+c:p:f:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			o.config_dir = optarg;
			break;
		case 'p': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 65535) {
				fprintf(stderr, "netd-dns: invalid port '%s'\n", optarg);
				return 2;
			}
			o.port = (uint16_t)v;
			break;
		}
		case 'f':
			o.search_domain = optarg;
			break;
		case OPT_RESOLV:
			o.resolv_conf = optarg;
			break;
		case OPT_FOREGROUND:
			foreground = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("netd-dns %s\n", NETD_VERSION);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (strcmp(argv[optind], "version") == 0)
		return cmd_version();
	if (strcmp(argv[optind], "run") != 0) {
		fprintf(stderr, "netd-dns: unknown command '%s'\n", argv[optind]);
		return 2;
	}
	if (!o.config_dir) {
		fprintf(stderr, "netd-dns: --config is required\n");
		return 2;
	}
	{
		struct stat st;
		if (stat(o.config_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "Error starting server: config directory %s must exist and be a directory\n",
				o.config_dir);
			return 1;
		}
	}

	if (!foreground) {
		if (pipe2(pipefd, O_CLOEXEC) < 0) {
			perror("netd-dns: pipe");
			return 1;
		}
		pid = fork();
		if (pid < 0) {
			perror("netd-dns: fork");
			return 1;
		}
		if (pid > 0) {
			char c;
			ssize_t n;
			(void)close(pipefd[1]);
			do
				n = read(pipefd[0], &c, 1);
			while (n < 0 && errno == EINTR);
			if (n == 1)
				return 0;
			/* The child printed why on our shared stderr. */
			(void)waitpid(pid, NULL, WNOHANG);
			return 1;
		}
		(void)close(pipefd[0]);
	}
	r = write_pid_file(o.config_dir);
	if (r < 0) {
		fprintf(stderr, "Error starting server: cannot write %s/aardvark.pid: %s\n",
			o.config_dir, strerror(-r));
		return 1;
	}
	r = server_new(&o, &srv, &err);
	if (r < 0) {
		const char *lf = getenv("NETD_DNS_LOG_FILE");
		fprintf(stderr, "Error starting server: %s\n", err.msg ? err.msg : strerror(-r));
		if (lf && *lf) {
			/* The log file gets it too: that is where an admin looks. */
			int lfd = open(lf, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
			FILE *f = lfd >= 0 ? fdopen(lfd, "a") : NULL;
			if (!f && lfd >= 0)
				(void)close(lfd);
			if (f) {
				fprintf(f, "[error netd-dns] Error starting server: %s\n",
					err.msg ? err.msg : strerror(-r));
				fclose(f);
			}
		}
		nd_error_clear(&err);
		remove_pid_file(o.config_dir);
		return 1;
	}
	/* Start-up errors went to the caller; from now on logs go to the log file. */
	open_log_file();
	if (!foreground) {
		(void)setsid();
		detach_stdio();
	}
	/* Bound and detached: drop privileges before the first query (sandbox.c). */
	r = sandbox_apply(&err);
	if (r < 0) {
		log_error("Error starting server: sandbox: %s", err.msg ? err.msg : strerror(-r));
		nd_error_clear(&err);
		server_free(srv);
		remove_pid_file(o.config_dir);
		return 1;
	}
	if (!foreground) {
		if (write(pipefd[1], &ok, 1) != 1)
			log_warn("could not tell the parent we are ready");
		(void)close(pipefd[1]);
	}
	signal(SIGPIPE, SIG_IGN);
	r = server_run(srv);
	server_free(srv);
	remove_pid_file(o.config_dir);
	return r;
}
