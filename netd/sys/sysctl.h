/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sysctls under /proc/sys, written as files (never through sysctl(8)).
 * Keys use slashes: "net/ipv4/conf/br0/rp_filter". /proc/sys/net shows the
 * network namespace of the process, so callers enter the right one first.
 */
#pragma once

#include <stddef.h>

#include "shared/cleanup.h"

#define SYSCTL_VALUE_MAX 32

/*
 * A directory to resolve keys under, for the *_at() functions: a proc
 * instance of the caller's own (see sysctl_root_open()) or SYSCTL_PROC, the
 * system's /proc. Keys are still looked up in the network namespace the
 * caller is in at the time of the call, whichever root it is.
 */
#define SYSCTL_PROC (-100)	/* AT_FDCWD: "/proc/sys/KEY" */

/**
 * sysctl_root_open() - a proc instance of the process's own, for sysctls
 *
 * The kernel keeps one dentry per network namespace for /proc/sys/net/ipv6
 * (and ipv4, core, ...), all children of the same /proc/sys/net dentry with
 * the same name, hence in one dcache hash chain: the first lookup of
 * net/ipv6 from a namespace walks past every other namespace that has one
 * cached: about 0.5 ms per first lookup with 1000 namespaces, 1 ms with
 * 2000 (and a namespace whose dentry is old, like the host's, walks past the
 * newer ones on every lookup). A new proc superblock (fsopen(), mounted
 * nowhere, gone when the fd is closed) has a dcache of its own, so its
 * lookups cost the same at any number of namespaces, and they leave no
 * dentries in the system's /proc to slow down the next caller. Closing it
 * unmounts it: the kernel waits for an RCU grace period (sleep, not CPU).
 *
 * Return: a directory fd of the new instance's root, or SYSCTL_PROC when the
 * kernel refuses one (no fsopen(), no CAP_SYS_ADMIN for the pid namespace's
 * user namespace, an LSM); never an error. Close it with sysctl_root_close().
 */
int sysctl_root_open(void);
/* Close *@root unless it is SYSCTL_PROC, and set it to SYSCTL_PROC. */
void sysctl_root_close(int *root);
#define _cleanup_sysctl_root_ _cleanup_(sysctl_root_close)

/*
 * The *_at() forms resolve @key under @root; the others under SYSCTL_PROC.
 * sysctl_read*() read the value into the caller's @buf, trailing newline
 * and blanks stripped. Return: 0, -EINVAL for a bad key or @size 0, or the
 * -errno of open or read (-ENOENT: no such sysctl in this namespace).
 */
int sysctl_read_at(int root, const char *key, char *buf, size_t size);
/* sysctl_set() under @root. */
int sysctl_set_at(int root, const char *key, const char *value, char old[SYSCTL_VALUE_MAX]);
/* sysctl_write() under @root. */
int sysctl_write_at(int root, const char *key, const char *value);

/* sysctl_read_at(SYSCTL_PROC, ...). */
int sysctl_read(const char *key, char *buf, size_t size);

/*
 * Write @value unless the sysctl already holds it, as netavark does: a
 * read-only /proc/sys (a container's) is fine when nothing must change.
 * Return: 0 (written or already so), or -errno.
 */
int sysctl_write(const char *key, const char *value);

/**
 * sysctl_set() - write @value unless it is already the value
 * @old:	if not NULL, receives the previous value ("" when unchanged)
 * Return: 1 if written, 0 if it already had that value, or -errno.
 */
int sysctl_set(const char *key, const char *value, char old[SYSCTL_VALUE_MAX]);
