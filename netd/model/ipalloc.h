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

/**
 * ipalloc_host_range() - the addresses of @net a container may get
 * @net:	a subnet, host bits clear
 * @first, @last:	the first host address and the last one (for IPv4
 *			below a /31, the one before the broadcast address)
 */
void ipalloc_host_range(const struct nd_prefix *net, struct nd_ip *first, struct nd_ip *last);

/* One subnet of a multi-subnet allocation (ipalloc_assign()). */
struct ipalloc_range {
	struct nd_prefix subnet;	/* host bits clear */
	bool has_gateway;
	struct nd_ip gateway;		/* never given out */
	struct nd_ip first, last;	/* inclusive, inside @subnet */
	bool has_after;
	struct nd_ip after;		/* the last address given out here (round robin) */
};

/* Why ipalloc_assign() refused. */
enum ipalloc_refusal {
	IPALLOC_WANT_NO_SUBNET,		/* want[@want] is in none of the ranges' subnets */
	IPALLOC_WANT_TWICE,		/* want[@want] and an earlier one share range @range */
	IPALLOC_WANT_RESERVED,		/* want[@want] is @range's gateway, network or broadcast */
	IPALLOC_WANT_TAKEN,		/* want[@want] is in use */
	IPALLOC_FULL,			/* range @range has no free address left */
};

struct ipalloc_failure {
	enum ipalloc_refusal why;
	size_t want;			/* index into the wishes (the IPALLOC_WANT_* cases) */
	size_t range;			/* index into the ranges (all but NO_SUBNET) */
};

/**
 * ipalloc_assign() - one address per range, honouring wishes
 * @r, @n:		the ranges (one per subnet of the network)
 * @used, @n_used:	every address recorded as taken (any order, any family)
 * @want, @n_want:	requested addresses: each must fall into a range's
 *			subnet, at most one per subnet, not be its gateway,
 *			network or broadcast address, and be free
 * @out:		@n addresses, in range order; written in full only on success
 * @chosen:		optional, @n flags: set where the address was picked
 *			(round robin after @r[i].after), clear where it was wished
 * @f:			on -EINVAL, -EADDRINUSE or -ENOSPC, what was refused
 *
 * The policy of the CNI IPAM (host-local's): wishes first, then for every
 * other range the next free address after the last one given out, wrapping
 * to the range's start, never the gateway.
 * Return: 0; -EINVAL (a wish outside, twice in a subnet or reserved),
 * -EADDRINUSE (a wish taken), -ENOSPC (a range full), or -ENOMEM.
 */
int ipalloc_assign(const struct ipalloc_range *r, size_t n, const struct nd_ip *used,
		   size_t n_used, const struct nd_ip *want, size_t n_want, struct nd_ip *out,
		   bool *chosen, struct ipalloc_failure *f);
