/* SPDX-License-Identifier: Apache-2.0 */
/* Network namespaces: open a path, run work inside one and come back. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "shared/error.h"

/* The error (as -NETNS_EHOST) for "this namespace is the host's own". */
#define NETNS_EHOST EXDEV

/*
 * A namespace's identity: the nsfs device and inode of an fd opened on it,
 * and its cookie. The kernel reuses an inode number once its namespace is
 * freed, so a namespace deleted and made again under the same name can have
 * the old one's inode; the cookie (SO_NETNS_COOKIE) is never reused while
 * the system runs. @cookie is 0 where unknown (records from before it was
 * kept, or a kernel before 5.14); then the inode alone decides.
 */
struct netns_id {
	uint64_t dev, ino;
	uint64_t cookie;
};

/* Open @path and check that it is a network namespace. Return: fd or -errno. */
int netns_open(const char *path);
/*
 * Open @path as a container's network namespace: a network namespace that is
 * neither netd's own nor PID 1's, whatever the path is called (a bind mount
 * of /proc/self/ns/net is the host too). Every front end opens a container
 * namespace through this. @ret_id (may be NULL) gets its identity, with the
 * cookie when the kernel has one.
 * Return: fd, -NETNS_EHOST for the host's namespace, -EINVAL for a file that
 * is not a network namespace, or another -errno from open().
 */
int netns_open_container(const char *path, struct netns_id *ret_id);
/*
 * The device and inode of the namespace open on @fd into @ret (its cookie
 * 0; netns_open_container() fills that in). Return: 0 or -errno.
 */
int netns_id_of(int fd, struct netns_id *ret);
/*
 * netns_cookie() - the cookie of the network namespace open on @fd
 * (SO_NETNS_COOKIE of a socket made inside it). Return: 0 with *@ret set,
 * -ENOPROTOOPT on a kernel without cookies, or another -errno when the
 * namespace cannot be entered.
 */
int netns_cookie(int fd, uint64_t *ret);
/* Same namespace? Device and inode, and the cookies when both are known. */
bool netns_id_eq(const struct netns_id *a, const struct netns_id *b);
/* What went wrong, for a return of netns_open_container(): a static string
 * (strerror()'s for the plain -errno values). */
const char *netns_strerror(int r);
/*
 * Record the error of netns_open_container(@path) in @err: "namespace path P
 * is the host's own network namespace, not a container's" or "invalid
 * namespace path P: <why>". Return: @r.
 */
int netns_error(struct nd_error *err, int r, const char *path);
/* The namespace this process started in. Return: fd or -errno. */
int netns_open_current(void);
/* Switch this (single-threaded) process into @fd. Return: 0 or -errno. */
int netns_enter(int fd);

/**
 * netns_call() - run @fn(@arg) inside the network namespace @ns, then come back
 * @host:	the namespace to come back to, or -1 for the current one
 * @ret:	@fn's return value, written only when @fn ran
 *
 * The one way netd enters a container's namespace and returns. If it
 * cannot return, nothing sane can follow: it logs and aborts.
 * Return: 0 when @fn ran, or -errno when @ns (or the current namespace)
 * cannot be entered (opened); then @fn did not run.
 */
int netns_call(int ns, int host, int (*fn)(void *arg), void *arg, int *ret);
