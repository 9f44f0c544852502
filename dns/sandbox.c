// SPDX-License-Identifier: Apache-2.0
/*
 * Least privilege for netd-dns, applied once every listener is bound (see
 * sandbox.h and docs/security.md):
 *
 *  1. capabilities: everything goes from the bounding, inheritable and
 *     ambient sets; effective and permitted keep CAP_NET_BIND_SERVICE only,
 *     because a SIGHUP reload binds port 53 on the gateways of new networks.
 *     With CAP_SETPCAP the securebits are locked as well, so no later
 *     execve (refused anyway) could hand uid 0 its capabilities back.
 *  2. no_new_privs.
 *  3. a seccomp filter: the system calls in allow_list[] below, a few of
 *     them only with the arguments noted there; every other call fails with
 *     EPERM, and calls of a foreign ABI (i386 or x32 on x86_64) kill the
 *     process.
 *
 * The allow-list lives here, next to the code, in the spirit of passt's
 * "#syscalls" comments: each line says who needs the call after start-up.
 * Calls made only before the sandbox (fork, pipe2, signalfd4, epoll_create1,
 * rename of the pid file, dup2 onto stdio) are deliberately absent.
 * When netd-dns learns a new system call, add it here and run
 * tests/integration/dns.bats and security-dns.bats.
 */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shared/cleanup.h"
#include "shared/log.h"

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define SANDBOX_ASAN 1
#else
#define SANDBOX_ASAN 0
#endif

/* How a few calls are narrowed down by their arguments. */
enum arg_rule {
	ANY = 0,
	SOCKET_INET,		/* socket(): AF_INET and AF_INET6 only */
	OPEN_READ_ONLY,		/* open()/openat(): no O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND */
	IOCTL_NONBLOCK,		/* ioctl(): FIONBIO and FIONREAD only */
};

struct allowed {
	const char *name;
	enum arg_rule rule;
};

/* The allow-list. "loop": server.c's epoll loop; "fwd": c-ares (fwd.c). */
static const struct allowed allow_list[] = {
	/* memory: malloc, c-ares, json-c */
	{ "brk", ANY },
	{ "mmap", ANY },
	{ "munmap", ANY },
	{ "mremap", ANY },
	{ "mprotect", ANY },
	{ "madvise", ANY },
	/* the event loop and its timers */
	{ "epoll_wait", ANY },
	{ "epoll_pwait", ANY },
	{ "epoll_pwait2", ANY },
	{ "epoll_ctl", ANY },		/* listeners, TCP connections, c-ares sockets */
	{ "poll", ANY },		/* newer c-ares versions wait internally */
	{ "ppoll", ANY },
	{ "select", ANY },
	{ "pselect6", ANY },
	{ "clock_gettime", ANY },	/* vDSO fallback */
	{ "clock_getres", ANY },
	{ "gettimeofday", ANY },
	{ "time", ANY },
	{ "nanosleep", ANY },
	{ "clock_nanosleep", ANY },
	/* signals: SIGHUP/SIGTERM arrive through the signalfd made before */
	{ "read", ANY },		/* signalfd, config files, resolv.conf */
	{ "rt_sigprocmask", ANY },
	{ "rt_sigaction", ANY },
	{ "rt_sigreturn", ANY },
	{ "sigaltstack", ANY },
	{ "restart_syscall", ANY },
	/* files: re-reading the config directory and resolv.conf on SIGHUP,
	 * c-ares reading resolv.conf and /dev/urandom; nothing is written */
	{ "openat", OPEN_READ_ONLY },
	{ "open", OPEN_READ_ONLY },
	{ "close", ANY },
	{ "fstat", ANY },
	{ "newfstatat", ANY },
	{ "stat", ANY },
	{ "lstat", ANY },
	{ "statx", ANY },
	{ "lseek", ANY },
	{ "pread64", ANY },
	{ "getdents64", ANY },		/* readdir() of the config directory */
	{ "fcntl", ANY },		/* O_NONBLOCK / FD_CLOEXEC on c-ares sockets */
	{ "ioctl", IOCTL_NONBLOCK },	/* c-ares on systems without fcntl() O_NONBLOCK */
	{ "unlink", ANY },		/* the pid file, when the last network is gone */
	{ "unlinkat", ANY },
	{ "inotify_init1", ANY },	/* c-ares >= 1.22 watches resolv.conf */
	{ "inotify_add_watch", ANY },
	{ "inotify_rm_watch", ANY },
	/* output: log lines, replies on sockets */
	{ "write", ANY },
	{ "writev", ANY },		/* c-ares TCP */
	/* sockets: listeners opened by a reload, TCP clients, c-ares upstream queries */
	{ "socket", SOCKET_INET },
	{ "bind", ANY },
	{ "listen", ANY },
	{ "accept", ANY },
	{ "accept4", ANY },
	{ "connect", ANY },		/* c-ares */
	{ "setsockopt", ANY },
	{ "getsockopt", ANY },		/* c-ares: SO_ERROR of a TCP connect */
	{ "getsockname", ANY },
	{ "getpeername", ANY },
	{ "sendto", ANY },
	{ "recvfrom", ANY },
	{ "sendmsg", ANY },
	{ "recvmsg", ANY },
	{ "sendmmsg", ANY },
	{ "recvmmsg", ANY },
	{ "shutdown", ANY },
	/* odds and ends of libc and c-ares */
	{ "getrandom", ANY },		/* c-ares query ids, glibc malloc */
	{ "uname", ANY },		/* c-ares: gethostname() for the default domain */
	{ "sysinfo", ANY },		/* glibc qsort() sizes its buffer by the RAM */
	{ "getpid", ANY },		/* the pid file check at exit, logging */
	{ "gettid", ANY },
	{ "getuid", ANY },
	{ "geteuid", ANY },
	{ "getgid", ANY },
	{ "getegid", ANY },
	{ "futex", ANY },		/* glibc locks (stdio, malloc) */
	{ "sched_yield", ANY },
	{ "tgkill", ANY },		/* abort() on a failed assertion */
	{ "exit", ANY },
	{ "exit_group", ANY },
};

#if SANDBOX_ASAN
/*
 * Test builds only (-Db_sanitize=address): LeakSanitizer stops the world at
 * exit from a helper thread that ptrace()s the process and reads /proc.
 * A release build has none of this.
 */
static const struct allowed asan_list[] = {
	{ "clone", ANY }, { "clone3", ANY }, { "ptrace", ANY }, { "wait4", ANY },
	{ "waitid", ANY }, { "prctl", ANY }, { "getppid", ANY }, { "readlink", ANY },
	{ "readlinkat", ANY }, { "getrlimit", ANY }, { "prlimit64", ANY },
	{ "setrlimit", ANY }, { "sched_getaffinity", ANY }, { "kill", ANY },
	{ "tkill", ANY }, { "pipe", ANY }, { "pipe2", ANY }, { "dup", ANY },
	{ "dup2", ANY }, { "dup3", ANY }, { "set_robust_list", ANY }, { "rseq", ANY },
	{ "getdents", ANY }, { "personality", ANY },
};
#endif

static int capget_v3(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(SYS_capget, &h, d) < 0 ? -errno : 0;
}

static int drop_capabilities(struct nd_error *err)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {0};
	const uint32_t bind_bit = 1u << CAP_NET_BIND_SERVICE;
	bool keep, setpcap;
	int r;

	if ((r = capget_v3(d)) < 0)
		return nd_error_set(err, r, "capget: %s", strerror(-r));
	keep = d[0].permitted & bind_bit;
	setpcap = d[0].effective & (1u << CAP_SETPCAP);
	if (setpcap) {
		/* uid 0 gets no capabilities back through execve or setuid. */
		unsigned long bits = (1ul << 0) | (1ul << 1) |	/* SECBIT_NOROOT(_LOCKED) */
				     (1ul << 2) | (1ul << 3) |	/* SECBIT_NO_SETUID_FIXUP(_LOCKED) */
				     (1ul << 5) |		/* SECBIT_KEEP_CAPS_LOCKED */
				     (1ul << 6) | (1ul << 7);	/* SECBIT_NO_CAP_AMBIENT_RAISE(_LOCKED) */
		if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0)
			return nd_error_set(err, -errno, "securebits: %s", strerror(errno));
		for (int cap = 0; cap < 64; cap++) {
			if (cap == CAP_NET_BIND_SERVICE)
				continue;
			if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
				if (errno == EINVAL)
					break;	/* past the kernel's last capability */
				return nd_error_set(err, -errno, "dropping capability %d from the bounding set: %s",
						    cap, strerror(errno));
			}
		}
	}
	/* Old kernels have no ambient set: nothing to clear then. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return nd_error_set(err, -errno, "clearing the ambient capabilities: %s", strerror(errno));
	memset(d, 0, sizeof(d));
	if (keep)
		d[0].effective = d[0].permitted = bind_bit;
	if (syscall(SYS_capset, &h, d) < 0)
		return nd_error_set(err, -errno, "capset: %s", strerror(errno));
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, const struct allowed *a)
{
	int nr = seccomp_syscall_resolve_name(a->name);

	/* Calls this architecture does not have (open on arm64) resolve to
	 * nothing, or to a negative pseudo number: skip them. */
	if (nr == __NR_SCMP_ERROR || nr < 0)
		return 0;
	switch (a->rule) {
	case ANY:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	case SOCKET_INET: {
		int r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A0(SCMP_CMP_EQ, AF_INET));
		return r < 0 ? r : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
						    SCMP_A0(SCMP_CMP_EQ, AF_INET6));
	}
	case OPEN_READ_ONLY: {
		const scmp_datum_t w = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND;
		/* open(path, flags) or openat(dirfd, path, flags) */
		if (strcmp(a->name, "open") == 0)
			return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
						SCMP_A1(SCMP_CMP_MASKED_EQ, w, 0));
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, w, 0));
	}
	case IOCTL_NONBLOCK: {
		int r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A1(SCMP_CMP_EQ, FIONBIO));
		return r < 0 ? r : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
						    SCMP_A1(SCMP_CMP_EQ, FIONREAD));
	}
	}
	return -EINVAL;
}

static int load_filter(struct nd_error *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int r = 0;

	if (!ctx)
		return nd_error_set(err, -ENOMEM, "seccomp_init failed");
	/* Foreign ABIs (int 0x80, x32) are not in the filter: kill, never allow. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	for (size_t i = 0; r == 0 && i < ELEMENTSOF(allow_list); i++)
		if ((r = add_rule(ctx, &allow_list[i])) < 0)
			nd_error_set(err, r, "seccomp rule for %s: %s", allow_list[i].name, strerror(-r));
#if SANDBOX_ASAN
	for (size_t i = 0; r == 0 && i < ELEMENTSOF(asan_list); i++)
		if ((r = add_rule(ctx, &asan_list[i])) < 0)
			nd_error_set(err, r, "seccomp rule for %s: %s", asan_list[i].name, strerror(-r));
#endif
	if (r == 0 && (r = seccomp_load(ctx)) < 0)
		nd_error_set(err, r, "loading the seccomp filter: %s", strerror(-r));
	seccomp_release(ctx);
	return r;
}

int sandbox_apply(struct nd_error *err)
{
	const char *what = getenv(SANDBOX_SELFTEST_ENV);
	int r;

	if ((r = drop_capabilities(err)) < 0)
		return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nd_error_set(err, -errno, "no_new_privs: %s", strerror(errno));
	if ((r = load_filter(err)) < 0)
		return r;
	log_debug("sandbox: %zu system calls allowed, capabilities dropped",
		  ELEMENTSOF(allow_list));
	/* Test hook: try something the filter must refuse (or allow), say what happened. */
	if (what && *what) {
		int e = sandbox_selftest(what);
		log_error("sandbox selftest %s: %s (errno %d: %s)", what,
			  e == 0 ? "allowed" : e == EPERM ? "refused" : "failed", e,
			  e ? strerror(e) : "none");
	}
	return 0;
}

/* The fd or result of one attempt: 0 when it worked, else errno. */
static int outcome(long r)
{
	return r < 0 ? errno : 0;
}

int sandbox_selftest(const char *what)
{
	const char *arg = strchr(what, ':');
	size_t n = arg ? (size_t)(arg - what) : strlen(what);
	long r;

	if (arg)
		arg++;
#define IS(s) (n == strlen(s) && strncmp(what, (s), n) == 0)
	errno = 0;
	if (IS("execve")) {
		char *const argv[] = { (char *)"true", NULL };
		r = execve("/bin/true", argv, argv + 1);
	} else if (IS("socket-packet")) {
		r = socket(AF_PACKET, SOCK_RAW, 0);
	} else if (IS("socket-netlink")) {
		r = socket(AF_NETLINK, SOCK_RAW, 0);
	} else if (IS("socket-udp")) {
		r = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	} else if (IS("ptrace")) {
		r = ptrace(PTRACE_ATTACH, getppid(), NULL, NULL);
	} else if (IS("mount")) {
		r = mount("none", "/tmp", "tmpfs", 0, NULL);
	} else if (IS("unshare")) {
		r = unshare(CLONE_NEWNET);
	} else if (IS("setuid")) {
		r = setuid(65534);
	} else if (IS("chmod") && arg) {
		r = chmod(arg, 0777);
	} else if (IS("open-write") && arg) {
		r = open(arg, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	} else if (IS("open-read") && arg) {
		r = open(arg, O_RDONLY | O_CLOEXEC);
	} else {
		return EINVAL;
	}
#undef IS
	if (r >= 0 && strncmp(what, "socket", 6) == 0)
		(void)close((int)r);
	if (r >= 0 && strncmp(what, "open", 4) == 0)
		(void)close((int)r);
	return outcome(r);
}
