// SPDX-License-Identifier: Apache-2.0
/*
 * exec_open_netns_fd() (netd/exec/exec-open.c): a namespace the caller
 * already opened is taken as it is (exec_close() closes it), and what
 * opening it returned gives the same answers as exec_open_netns() would:
 * a gone namespace is only warned about for a teardown, the host's own and
 * a missing one are refused with netns_error()'s words.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "netns.h"
#include "tap.h"

static void test_fd_taken(void)
{
	struct netd_opts opts = {0};
	struct nd_error err = {0};
	struct exec_ctx c;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int r = exec_open_netns_fd(&c, &opts, "/run/netns/x", fd, 0, &err);
	bool ok = r == 0 && c.ctr_ns == fd && !err.msg && c.host_ns == -1 && c.lock == -1;

	exec_close(&c);
	ok = ok && fcntl(fd, F_GETFD) < 0 && errno == EBADF;
	tap_result(ok, NULL, "an open namespace is taken; exec_close() closes it");
	nd_error_clear(&err);
}

static void test_errors(void)
{
	struct netd_opts opts = {0};
	struct nd_error err = {0};
	struct exec_ctx c;
	int r;

	r = exec_open_netns_fd(&c, &opts, "/run/netns/gone", -ENOENT, EXEC_CTR_OPTIONAL, &err);
	tap_result(r == 0 && c.ctr_ns == -1 && !err.msg, NULL,
		   "teardown: a namespace that is gone is no error");
	exec_close(&c);

	r = exec_open_netns_fd(&c, &opts, "/run/netns/gone", -ENOENT, 0, &err);
	if (!tap_result(r == -ENOENT && c.ctr_ns == -1 && err.msg &&
			strcmp(err.msg, "invalid namespace path /run/netns/gone: No such file or directory") == 0,
			NULL, "setup: a namespace that is gone is refused, as exec_open_netns() words it"))
		tap_diag("got %d: %s", r, err.msg ? err.msg : "(no message)");
	exec_close(&c);
	nd_error_clear(&err);

	r = exec_open_netns_fd(&c, &opts, "/proc/1/ns/net", -NETNS_EHOST, EXEC_CTR_OPTIONAL, &err);
	if (!tap_result(r == -NETNS_EHOST && err.msg &&
			strstr(err.msg, "is the host's own network namespace, not a container's"),
			NULL, "the host's own namespace is refused, also for a teardown"))
		tap_diag("got %d: %s", r, err.msg ? err.msg : "(no message)");
	exec_close(&c);
	nd_error_clear(&err);
}

int main(void)
{
	test_fd_taken();
	test_errors();
	return tap_finish();
}
