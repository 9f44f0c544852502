/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sysctls under /proc/sys, written as files (never through sysctl(8)).
 * Keys use slashes: "net/ipv4/conf/br0/rp_filter". /proc/sys/net shows the
 * network namespace of the process, so callers enter the right one first.
 */
#pragma once

#include <stddef.h>

#define SYSCTL_VALUE_MAX 32

int sysctl_read(const char *key, char *buf, size_t size);

/*
 * Write @value unless the sysctl already holds it, as netavark does: a
 * read-only /proc/sys (a container's) is fine when nothing must change.
 */
int sysctl_write(const char *key, const char *value);

/**
 * sysctl_set() - write @value unless it is already the value
 * @old:	if not NULL, receives the previous value ("" when unchanged)
 * Return: 1 if written, 0 if it already had that value, or -errno.
 */
int sysctl_set(const char *key, const char *value, char old[SYSCTL_VALUE_MAX]);
