// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of netd-dns's sandbox (dns/sandbox.c). Each case forks a child
 * that applies the sandbox exactly as netd-dns does and then attempts one
 * operation (sandbox_selftest()); the child's exit status is the errno.
 * Refused operations must fail with EPERM, the ones netd-dns needs must
 * work, and a foreign system call ABI must kill the process. Runs as any
 * user; the capability checks differ for root. TAP output.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "tap.h"

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define ASAN 1	/* the sandbox then also allows what LeakSanitizer needs (ptrace, clone) */
#else
#define ASAN 0
#endif

#define CHILD_SANDBOX_FAILED 200

/* Fork, sandbox, run @fn in the child; return its wait status. */
static int in_sandbox(int (*fn)(const void *), const void *arg)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		struct nd_error err = {0};
		if (sandbox_apply(&err) < 0) {
			fprintf(stderr, "sandbox_apply: %s\n", err.msg);
			_exit(CHILD_SANDBOX_FAILED);
		}
		_exit(fn(arg));
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return st;
}

static int run_selftest(const void *what)
{
	return sandbox_selftest(what);
}

/* @what must end with @want (0 = allowed, else the errno). */
static void expect(const char *what, int want, const char *name)
{
	int st = in_sandbox(run_selftest, what);
	bool ok = WIFEXITED(st) && WEXITSTATUS(st) == want;

	if (!tap_result(ok, NULL, name)) {
		if (WIFEXITED(st))
			tap_diag("%s: exit %d (%s), want %d", what, WEXITSTATUS(st),
				 strerror(WEXITSTATUS(st)), want);
		else
			tap_diag("%s: wait status 0x%x", what, st);
	}
}

/* /proc/self/status as seen from inside the sandbox. */
static int check_status(const void *arg)
{
	char buf[8192], *p;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	unsigned long long eff = ~0ULL, prm = ~0ULL, inh = ~0ULL, amb = ~0ULL;
	int seccomp = -1, nnp = -1;

	if (fd < 0)
		return 10;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 11;
	buf[n] = '\0';
	if ((p = strstr(buf, "\nSeccomp:")))
		seccomp = atoi(p + 9);
	if ((p = strstr(buf, "\nNoNewPrivs:")))
		nnp = atoi(p + 12);
	if ((p = strstr(buf, "\nCapEff:")))
		eff = strtoull(p + 8, NULL, 16);
	if ((p = strstr(buf, "\nCapPrm:")))
		prm = strtoull(p + 8, NULL, 16);
	if ((p = strstr(buf, "\nCapInh:")))
		inh = strtoull(p + 8, NULL, 16);
	if ((p = strstr(buf, "\nCapAmb:")))
		amb = strtoull(p + 8, NULL, 16);
	if (seccomp != 2)
		return 20;
	if (nnp != 1)
		return 21;
	/* CAP_NET_BIND_SERVICE (bit 10) or nothing */
	if ((eff & ~0x400ULL) || (prm & ~0x400ULL) || inh || amb)
		return 22;
	if (geteuid() == 0 && (eff != 0x400ULL || prm != 0x400ULL))
		return 23;
	return 0;
}

/* Root only: port 53 can still be bound (a reload does that), in a new netns. */
static int bind_port_53(const void *arg)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return errno;
	close(fd);
	return 0;
}

#ifdef __x86_64__
/* The i386 ABI (int 0x80) is not in the filter: the process must die. */
static int foreign_abi(const void *arg)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");	/* i386 getpid */
	return ret > 0 ? 0 : 1;
}

static void no_abi(int sig)
{
	_exit(77);
}

/*
 * Whether this kernel runs i386 system calls at all: without IA32 emulation
 * (CONFIG_IA32_EMULATION off, or ia32_emulation=0 on the command line)
 * `int 0x80` is a general protection fault, before seccomp sees anything.
 */
static bool kernel_has_i386_abi(void)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		(void)signal(SIGSEGV, no_abi);
		_exit(foreign_abi(NULL));
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return true;
	return !(WIFEXITED(st) && WEXITSTATUS(st) == 77);
}
#endif

int main(void)
{
	char tmpl[] = "/tmp/netd-sandbox-XXXXXX", path[160], file[80];
	int fd;

	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(file, sizeof(file), "%s/existing", tmpl);
	fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);

	/* refused */
	expect("execve", EPERM, "execve is refused");
	expect("socket-packet", EPERM, "socket(AF_PACKET) is refused");
	expect("socket-netlink", EPERM, "socket(AF_NETLINK) is refused");
	expect("mount", EPERM, "mount is refused");
	expect("unshare", EPERM, "unshare is refused");
	expect("setuid", EPERM, "setuid is refused");
	snprintf(path, sizeof(path), "chmod:%s", file);
	expect(path, EPERM, "chmod is refused");
	snprintf(path, sizeof(path), "open-write:%s/new", tmpl);
	expect(path, EPERM, "opening a file for writing is refused");
	snprintf(path, sizeof(path), "open-write:%s", file);
	expect(path, EPERM, "opening an existing file for writing is refused");
	if (!ASAN)
		expect("ptrace", EPERM, "ptrace is refused");
	else
		tap_result(true, NULL, "ptrace # SKIP allowed in sanitizer builds for LeakSanitizer");

	/* allowed: what netd-dns needs */
	expect("socket-udp", 0, "socket(AF_INET, SOCK_DGRAM) works");
	snprintf(path, sizeof(path), "open-read:%s", file);
	expect(path, 0, "opening a file for reading works");
	{
		int st = in_sandbox(check_status, NULL);
		if (!tap_result(WIFEXITED(st) && WEXITSTATUS(st) == 0, NULL,
				"status: Seccomp 2, NoNewPrivs 1, at most CAP_NET_BIND_SERVICE"))
			tap_diag("check_status: wait status 0x%x", st);
	}
	if (geteuid() == 0) {
		pid_t pid = fork();
		int st = 0;
		if (pid == 0) {
			/* a private netns, so nothing on the machine's port 53 is in the way */
			if (unshare(CLONE_NEWNET) < 0)
				_exit(99);
			st = in_sandbox(bind_port_53, NULL);
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 98);
		}
		waitpid(pid, &st, 0);
		if (!tap_result(WIFEXITED(st) && WEXITSTATUS(st) == 0, NULL,
				"root: port 53 can still be bound (CAP_NET_BIND_SERVICE kept)"))
			tap_diag("bind_port_53: wait status 0x%x", st);
	} else {
		tap_result(true, NULL, "root: port 53 can still be bound # SKIP not root");
	}
#ifdef __x86_64__
	if (!kernel_has_i386_abi()) {
		tap_result(true, NULL, "a system call of the i386 ABI kills the process"
			   " # SKIP the kernel has no i386 ABI (no IA32 emulation)");
	} else {
		int st = in_sandbox(foreign_abi, NULL);
		if (!tap_result(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, NULL,
				"a system call of the i386 ABI kills the process"))
			tap_diag("foreign_abi: wait status 0x%x", st);
	}
#endif
	unlink(file);
	rmdir(tmpl);
	return tap_finish();
}
