// SPDX-License-Identifier: Apache-2.0
/* netd/sys/sysctl.c: keys under /proc/sys and under a proc instance of netd's own. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"
#include "tap.h"

/* Either a directory fd of a new proc instance or SYSCTL_PROC, never an error. */
static void test_root_open(void)
{
	int root = sysctl_root_open();
	bool priv = root >= 0;

	tap_check_begin();
	CHECK(priv || root == SYSCTL_PROC);
	if (priv) {
		CHECK(fcntl(root, F_GETFD) & FD_CLOEXEC);
		/* a proc root of its own: its "sys" is there, /proc's mount is not involved */
		CHECK(faccessat(root, "sys/kernel/ostype", R_OK, 0) == 0);
	}
	sysctl_root_close(&root);
	CHECK(root == SYSCTL_PROC);
	sysctl_root_close(&root);	/* closing SYSCTL_PROC is a no-op */
	CHECK(root == SYSCTL_PROC);
	tap_diag("sysctl_root_open(): %s", priv ? "a proc instance of its own" : "/proc (fsopen refused)");
	tap_result(tap_check_ok(), NULL, "sysctl_root_open() gives a proc root or SYSCTL_PROC");
}

/* The same key reads the same through both roots. */
static void test_read_same(void)
{
	_cleanup_sysctl_root_ int root = sysctl_root_open();
	char a[64], b[64];

	tap_check_begin();
	CHECK(sysctl_read_at(root, "kernel/ostype", a, sizeof(a)) == 0);
	CHECK(strcmp(a, "Linux") == 0);
	CHECK(sysctl_read_at(SYSCTL_PROC, "kernel/ostype", b, sizeof(b)) == 0);
	CHECK(strcmp(a, b) == 0);
	CHECK(sysctl_read("kernel/ostype", b, sizeof(b)) == 0);
	CHECK(strcmp(a, b) == 0);
	if (sysctl_read_at(SYSCTL_PROC, "net/ipv6/conf/lo/autoconf", b, sizeof(b)) == 0) {
		CHECK(sysctl_read_at(root, "net/ipv6/conf/lo/autoconf", a, sizeof(a)) == 0);
		CHECK(strcmp(a, b) == 0);
	}
	CHECK(sysctl_read_at(root, "net/ipv6/conf/no-such-if0/autoconf", a, sizeof(a)) == -ENOENT);
	tap_result(tap_check_ok(), NULL, "a key reads the same under the own proc instance and /proc");
}

/* Keys cannot leave sys/: no "..", no absolute path (openat() would ignore the root). */
static void test_bad_keys(void)
{
	_cleanup_sysctl_root_ int root = sysctl_root_open();
	char buf[64], old[SYSCTL_VALUE_MAX];

	tap_check_begin();
	CHECK(sysctl_read_at(root, "../self/status", buf, sizeof(buf)) == -EINVAL);
	CHECK(sysctl_read_at(root, "/etc/hostname", buf, sizeof(buf)) == -EINVAL);
	CHECK(sysctl_read_at(SYSCTL_PROC, "net/../../self/status", buf, sizeof(buf)) == -EINVAL);
	CHECK(sysctl_set_at(root, "/etc/hostname", "x", old) == -EINVAL);
	CHECK(sysctl_write_at(root, "kernel/../../self/comm", "x") == -EINVAL);
	CHECK(sysctl_read_at(root, "kernel/ostype", buf, 0) == -EINVAL);
	tap_result(tap_check_ok(), NULL, "keys with .. or a leading / are refused");
}

/* Writing the value a sysctl already holds writes nothing (works read-only). */
static void test_set_unchanged(void)
{
	_cleanup_sysctl_root_ int root = sysctl_root_open();
	char cur[SYSCTL_VALUE_MAX], old[SYSCTL_VALUE_MAX] = "x";

	tap_check_begin();
	CHECK(sysctl_read_at(root, "kernel/ostype", cur, sizeof(cur)) == 0);
	CHECK(sysctl_set_at(root, "kernel/ostype", cur, old) == 0);
	CHECK(old[0] == '\0');
	CHECK(sysctl_write_at(root, "kernel/ostype", cur) == 0);
	tap_result(tap_check_ok(), NULL, "setting the current value is a no-op through either root");
}

int main(void)
{
	test_root_open();
	test_read_same();
	test_bad_keys();
	test_set_unchanged();
	return tap_finish();
}
