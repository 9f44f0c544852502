/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Address allocation, for `netd attach` (the lowest free address of a
 * subnet) and for the CNI IPAM (round robin: the next free address after
 * the last one given out). Pure functions; the caller supplies what is in
 * use and holds the lock.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* What is wrong with giving an address to a container, if anything. */
enum ipalloc_problem {
	IPALLOC_FINE,
	IPALLOC_OUTSIDE,		/* not inside the subnet */
	IPALLOC_GATEWAY,		/* the subnet's gateway */
	IPALLOC_NET_OR_BCAST,		/* IPv4 (shorter than /31): network or broadcast address */
	IPALLOC_NETWORK,		/* any other subnet's network address (IPv6, IPv4 /31 /32) */
};

/**
 * ipalloc_problem() - the one check of a container address against its subnet
 * @subnet:	the subnet, host bits clear
 * @gateway:	the subnet's gateway, or NULL if it has none
 *
 * Each caller decides which problems it refuses and in which words.
 * Return: the first problem found, in the order of the enum, or IPALLOC_FINE.
 */
enum ipalloc_problem ipalloc_problem(const struct nd_prefix *subnet, const struct nd_ip *gateway,
				     const struct nd_ip *ip);

/**
 * ipalloc_check() - whether @ip may be given to a container in @sn
 * @why:	on failure, what is wrong, in words ("is the gateway", ...)
 *
 * Inside the subnet (and its lease range, if any), neither the network nor
 * the IPv4 broadcast address, not the gateway.
 * Return: 0 or -EINVAL.
 */
int ipalloc_check(const struct nd_subnet *sn, const struct nd_ip *ip, const char **why);

/**
 * ipalloc_next() - the lowest free address of @sn
 * @used, @n_used:	addresses already taken (any subnet, any family)
 * @ret:		the address, written only on success
 *
 * Candidates run from the first host address (or the lease range's start)
 * to the last one (or the range's end), skipping the gateway and @used.
 * Return: 0, -ENOSPC when none is left, or -ENOMEM.
 */
int ipalloc_next(const struct nd_subnet *sn, const struct nd_ip *used, size_t n_used,
		 struct nd_ip *ret);

/* Compare two addresses of the same family as big-endian numbers (<0, 0, >0). */
int ipalloc_cmp(const struct nd_ip *a, const struct nd_ip *b);

/* Sort @v in ipalloc_cmp() order, as ipalloc_is_used() and struct ipalloc_pool need. */
void ipalloc_sort(struct nd_ip *v, size_t n);

/* Whether @ip is in @used (sorted with ipalloc_sort()). */
bool ipalloc_is_used(const struct nd_ip *used, size_t n, const struct nd_ip *ip);

/* A range to allocate from, and what is taken in it. */
struct ipalloc_pool {
	struct nd_ip first, last;	/* inclusive, one family */
	bool has_gateway;
	struct nd_ip gateway;		/* never given out */
	const struct nd_ip *used;	/* sorted with ipalloc_sort(), any family */
	size_t n_used;
};

/**
 * ipalloc_pool_next() - the next free address of @p after @after
 * @after:	the last address given out (round robin), or NULL (or outside
 *		the range) to get the lowest free one
 * @ret:	the address, written only on success
 *
 * Candidates run from the one after @after up to @p->last, then from
 * @p->first, skipping the gateway and @p->used.
 * Return: 0, or -ENOSPC when none is left.
 */
int ipalloc_pool_next(const struct ipalloc_pool *p, const struct nd_ip *after, struct nd_ip *ret);
