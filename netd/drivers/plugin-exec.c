// SPDX-License-Identifier: Apache-2.0
#include "plugin-exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plugin-output.h"
#include "shared/cleanup.h"

#define KILL_GRACE_MS 2000

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		(void)close(*fd);
	*fd = -1;
}

/* In the child between fork and exec: only async-signal-safe calls. */
static void __attribute__((noreturn)) child(const char *const argv[], int in, int out, int ep)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGCHLD };
	sigset_t none;
	int e;

	/* netd blocks or ignores these while it works; a plugin starts clean. */
	for (size_t k = 0; k < ELEMENTSOF(sigs); k++)
		(void)signal(sigs[k], SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	(void)setpgid(0, 0);
	if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0)
		goto fail;
	/* Namespace fds and netlink sockets stay with netd; the error pipe is CLOEXEC. */
#ifdef SYS_close_range
	if ((ep <= 3 || syscall(SYS_close_range, 3u, (unsigned)ep - 1, 0u) == 0) &&
	    syscall(SYS_close_range, (unsigned)ep + 1, ~0u, 0u) == 0)
		goto exec;
#endif
	for (int fd = 3; fd < 1024; fd++)
		if (fd != ep)
			(void)close(fd);
#ifdef SYS_close_range
exec:
#endif
	execv(argv[0], (char *const *)argv);
fail:
	e = errno;
	(void)!write(ep, &e, sizeof(e));
	_exit(127);
}

static int spawn(const char *const argv[], int *ret_in, int *ret_out, pid_t *ret_pid)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, ep[2] = { -1, -1 };
	ssize_t n;
	int e = 0;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0) {
		e = errno;
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		e = errno;
		goto fail;
	}
	if (pid == 0)
		child(argv, in[0], out[1], ep[1]);
	close_fd(&in[0]);
	close_fd(&out[1]);
	close_fd(&ep[1]);
	/* EOF: execve succeeded (CLOEXEC). An int: execve's errno. */
	do
		n = read(ep[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close_fd(&ep[0]);
	if (n == (ssize_t)sizeof(e)) {
		(void)waitpid(pid, NULL, 0);
		goto fail;
	}
	e = 0;
	(void)fcntl(in[1], F_SETFL, O_NONBLOCK);
	(void)fcntl(out[0], F_SETFL, O_NONBLOCK);
	*ret_in = in[1];
	*ret_out = out[0];
	*ret_pid = pid;
	return 0;
fail:
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&ep[0]);
	close_fd(&ep[1]);
	return -(e ? e : EIO);
}

/* Read what is there; 1 at EOF, 0 for more later, negative on error/too much. */
static int read_some(int fd, struct plugin_proc *p, size_t *cap)
{
	for (;;) {
		ssize_t n;

		if (p->len + 1 >= *cap) {
			size_t ncap = *cap ? *cap * 2 : 4096;
			char *b;
			if (*cap >= PLUGIN_OUTPUT_MAX)
				return -EFBIG;
			b = realloc(p->out, ncap + 1);
			if (!b)
				return -ENOMEM;
			p->out = b;
			*cap = ncap;
		}
		n = read(fd, p->out + p->len, *cap - p->len);
		if (n > 0) {
			p->len += (size_t)n;
			p->out[p->len] = '\0';
			continue;
		}
		if (n == 0)
			return 1;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN ? 0 : -errno;
	}
}

/* Wait up to @ms for @pid; 1 when it was reaped into *@status. */
static int reap(pid_t pid, int pidfd, int ms, int *status)
{
	int64_t end = now_ms() + ms;

	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);
		int64_t left = end - now_ms();

		if (w == pid)
			return 1;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (left <= 0)
			return 0;
		if (pidfd >= 0)
			(void)poll(&(struct pollfd){ .fd = pidfd, .events = POLLIN }, 1, (int)left);
		else
			(void)poll(NULL, 0, left < 50 ? (int)left : 50);
	}
}

static void kill_and_reap(pid_t pid, int pidfd, int *status)
{
	(void)kill(-pid, SIGTERM);
	(void)kill(pid, SIGTERM);
	if (reap(pid, pidfd, KILL_GRACE_MS, status) == 1) {
		(void)kill(-pid, SIGKILL);	/* what is left of its group */
		return;
	}
	(void)kill(-pid, SIGKILL);
	(void)kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

int pluginx_run(const char *const argv[], const char *input, unsigned timeout_s,
		struct plugin_proc *ret)
{
	struct plugin_proc p = {0};
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	size_t wlen = input ? strlen(input) : 0, woff = 0, cap = 0;
	int64_t deadline = now_ms() + (int64_t)timeout_s * 1000;
	int in = -1, out = -1, pidfd = -1, status = 0, r;
	bool done = false, eof = false;
	pid_t pid = -1;

	r = spawn(argv, &in, &out, &pid);
	if (r < 0)
		return r;
#ifdef SYS_pidfd_open
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
	/* A plugin that exits without reading stdin must not kill netd with SIGPIPE. */
	sigaction(SIGPIPE, &ign, &old_pipe);
	if (wlen == 0)
		close_fd(&in);

	while (!(done && eof)) {
		struct pollfd fds[3];
		int64_t left = deadline - now_ms();
		nfds_t n = 0;
		int wait_ms;

		if (left <= 0) {
			p.timed_out = true;
			break;
		}
		wait_ms = left > 60000 ? 60000 : (int)left;
		if (in >= 0)
			fds[n++] = (struct pollfd){ .fd = in, .events = POLLOUT };
		if (!eof)
			fds[n++] = (struct pollfd){ .fd = out, .events = POLLIN };
		if (!done && pidfd >= 0)
			fds[n++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		if (!done && pidfd < 0 && wait_ms > 50)
			wait_ms = 50;	/* no pidfd: look for the exit now and then */
		if (poll(fds, n, wait_ms) < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		for (nfds_t k = 0; k < n; k++) {
			if (!fds[k].revents)
				continue;
			if (fds[k].fd == in) {
				ssize_t w = write(in, input + woff, wlen - woff);
				if (w > 0)
					woff += (size_t)w;
				if (woff == wlen || (w < 0 && errno != EAGAIN && errno != EINTR))
					close_fd(&in);	/* all written, or the plugin closed stdin */
			} else if (fds[k].fd == out) {
				r = read_some(out, &p, &cap);
				if (r == -EFBIG) {
					p.too_big = true;
					break;
				}
				if (r < 0)
					goto out;
				eof = r == 1;
			}
		}
		if (p.too_big)
			break;
		if (!done) {
			pid_t w = waitpid(pid, &status, WNOHANG);
			if (w == pid) {
				done = true;
				close_fd(&in);
				/* Its writes are all in the pipe; a background child may keep it open. */
				r = read_some(out, &p, &cap);
				if (r == -EFBIG)
					p.too_big = true;
				eof = true;
			}
		}
		r = 0;
	}
	if (!done) {
		kill_and_reap(pid, pidfd, &status);
		done = true;
	}
	if (r == 0 || p.timed_out || p.too_big) {
		r = 0;
		p.exited = !p.timed_out && !p.too_big && WIFEXITED(status);
		p.signaled = !p.timed_out && !p.too_big && WIFSIGNALED(status);
		p.status = p.exited ? WEXITSTATUS(status) : p.signaled ? WTERMSIG(status) : 0;
		if (!p.out && !(p.out = calloc(1, 1)))
			r = -ENOMEM;
	}
out:
	if (r < 0 && !done)
		kill_and_reap(pid, pidfd, &status);
	sigaction(SIGPIPE, &old_pipe, NULL);
	close_fd(&in);
	close_fd(&out);
	close_fd(&pidfd);
	if (r < 0) {
		free(p.out);
		return r;
	}
	*ret = p;
	return 0;
}

void pluginx_done(struct plugin_proc *p)
{
	free(p->out);
	p->out = NULL;
	p->len = 0;
}
