/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Forwarding to upstream resolvers with c-ares, driven from netd-dns's epoll
 * loop (no threads). Servers are tried one after another, each with an equal
 * share of the time budget, servers that timed out recently last; the first
 * answer wins. Answers are cached by TTL, negative answers by their SOA.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"
#include "resolv.h"
#include "shared/ipaddr.h"

struct fwd;

/* @resp NULL: every server failed or timed out. */
typedef void (*fwd_done_fn)(void *arg, const uint8_t *resp, size_t len);

int fwd_new(int epfd, unsigned budget_ms, unsigned cache_size, unsigned max_pending,
	    struct fwd **ret);
void fwd_free(struct fwd *f);

/**
 * fwd_query() - answer @query from the cache or send it upstream
 * Return: 1 if @done was already called (cache hit), 0 if in flight,
 * -EBUSY when too many forwards are pending, -ENOENT without servers.
 */
int fwd_query(struct fwd *f, const uint8_t *query, size_t len, const struct dns_query *q, bool tcp,
	      const struct nd_ip *servers, size_t n, fwd_done_fn done, void *arg);

/* Call @fn(arg, data) for the @arg of every forward in flight. */
void fwd_foreach_arg(struct fwd *f, void (*fn)(void *arg, void *data), void *data);

/* Free what sockets c-ares closed during the last epoll batch. */
void fwd_reap(struct fwd *f);
/* An epoll event on one of the forwarder's sockets (data = the struct ev). */
void fwd_on_event(struct fwd *f, void *ev, uint32_t events);
/* Milliseconds until the next upstream timeout (-1 = none). */
int fwd_next_timeout_ms(struct fwd *f);
void fwd_process_timeouts(struct fwd *f);
/*
 * fwd_set_zones() - remember the interfaces of link-local upstreams
 * (resolv.conf's "nameserver fe80::1%eth0"): queries to such a server leave
 * through that interface (SO_BINDTODEVICE on c-ares's sockets).
 */
void fwd_set_zones(struct fwd *f, const struct resolv *rv);
