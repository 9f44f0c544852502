/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netd-dns's least privilege: once its listeners are bound, the daemon keeps
 * only CAP_NET_BIND_SERVICE (a reload may bind port 53 on a new network),
 * sets no_new_privs and installs a seccomp allow-list (kept in sandbox.c,
 * one line per system call with who needs it). Anything else fails with
 * EPERM. See docs/security.md.
 */
#pragma once

#include "shared/error.h"

/* The environment variable of the test hook, see sandbox_selftest(). */
#define SANDBOX_SELFTEST_ENV "NETD_DNS_SANDBOX_SELFTEST"

/**
 * sandbox_apply() - drop capabilities, set no_new_privs, load the filter
 * @err:	set on failure
 *
 * Irreversible, for the calling thread; call it while the process has one
 * thread. Without CAP_NET_BIND_SERVICE in the permitted set (an unprivileged
 * test run on a high port) the process keeps no capability at all.
 *
 * Return: 0, or -errno with @err set.
 */
int sandbox_apply(struct nd_error *err);

/**
 * sandbox_selftest() - attempt one operation, for tests of the filter
 * @what:	"execve", "socket-packet", "socket-netlink", "ptrace", "mount",
 *		"unshare", "setuid", "chmod:PATH", "open-write:PATH" (refused),
 *		or "socket-udp", "open-read:PATH" (allowed)
 *
 * Return: 0 if the operation succeeded, else the positive errno it failed
 * with (EPERM for a refusal by the filter); EINVAL for an unknown @what.
 */
int sandbox_selftest(const char *what);
