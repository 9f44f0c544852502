// SPDX-License-Identifier: Apache-2.0
#include "ipalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shared/cleanup.h"

int ipalloc_cmp(const struct nd_ip *a, const struct nd_ip *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->b, b->b, nd_ip_bytes(a->family));
}

static int cmp_void(const void *a, const void *b)
{
	return ipalloc_cmp(a, b);
}

void ipalloc_host_range(const struct nd_prefix *net, struct nd_ip *first, struct nd_ip *last)
{
	unsigned bits = nd_ip_bits(net->addr.family);

	*first = net->addr;
	nd_ip_add(first, 1);
	*last = net->addr;
	/* Set the host bits: the highest address of the subnet. */
	for (unsigned i = net->len; i < bits; i++)
		last->b[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	if (net->addr.family == AF_INET)
		last->b[3]--;	/* not the broadcast address (host bits all ones, so no borrow) */
}

/* The first and last address a container may get, before the used ones. */
static void bounds(const struct nd_subnet *sn, struct nd_ip *first, struct nd_ip *last)
{
	struct nd_prefix net = sn->subnet;

	nd_prefix_network(&net);
	ipalloc_host_range(&net, first, last);
	if (sn->has_lease_range) {
		if (sn->lease_start.family == first->family && ipalloc_cmp(&sn->lease_start, first) > 0)
			*first = sn->lease_start;
		if (sn->lease_end.family == last->family && ipalloc_cmp(&sn->lease_end, last) < 0)
			*last = sn->lease_end;
	}
}

enum ipalloc_problem ipalloc_problem(const struct nd_prefix *subnet, const struct nd_ip *gateway,
				     const struct nd_ip *ip)
{
	if (!nd_prefix_contains(subnet, ip))
		return IPALLOC_OUTSIDE;
	if (gateway && nd_ip_equal(gateway, ip))
		return IPALLOC_GATEWAY;
	if (nd_prefix_is_network_or_broadcast(subnet, ip))
		return IPALLOC_NET_OR_BCAST;
	if (nd_ip_equal(&subnet->addr, ip))
		return IPALLOC_NETWORK;
	return IPALLOC_FINE;
}

int ipalloc_check(const struct nd_subnet *sn, const struct nd_ip *ip, const char **why)
{
	struct nd_ip first, last;

	switch (ipalloc_problem(&sn->subnet, sn->has_gateway ? &sn->gateway : NULL, ip)) {
	case IPALLOC_OUTSIDE:
		*why = "is not inside the subnet";
		return -EINVAL;
	case IPALLOC_GATEWAY:
		*why = "is the gateway";
		return -EINVAL;
	default:
		break;
	}
	/* The network and broadcast addresses are outside these bounds too. */
	bounds(sn, &first, &last);
	if (ipalloc_cmp(ip, &first) < 0 || ipalloc_cmp(ip, &last) > 0) {
		if (sn->has_lease_range) {
			*why = "is outside the subnet's IP range";
			return -EINVAL;
		}
		*why = sn->subnet.addr.family == AF_INET ? "is the network or broadcast address"
							  : "is the subnet's network address";
		return -EINVAL;
	}
	return 0;
}

void ipalloc_sort(struct nd_ip *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_void);
}

bool ipalloc_is_used(const struct nd_ip *used, size_t n, const struct nd_ip *ip)
{
	return bsearch(ip, used, n, sizeof(*used), cmp_void) != NULL;
}

int ipalloc_pool_next(const struct ipalloc_pool *p, const struct nd_ip *after, struct nd_ip *ret)
{
	struct nd_ip cur = p->last;

	if (p->first.family != p->last.family || ipalloc_cmp(&p->first, &p->last) > 0)
		return -ENOSPC;
	if (after && ipalloc_cmp(after, &p->first) >= 0 && ipalloc_cmp(after, &p->last) <= 0)
		cur = *after;
	/*
	 * Among n_used + 3 distinct candidates at most n_used are taken and
	 * one is the gateway, so a free one is among them unless the range
	 * has no more addresses than that, in which case the loop has seen
	 * all of it.
	 */
	for (size_t step = 0; step < p->n_used + 3; step++) {
		if (nd_ip_equal(&cur, &p->last))
			cur = p->first;
		else
			nd_ip_add(&cur, 1);
		if ((p->has_gateway && nd_ip_equal(&cur, &p->gateway)) ||
		    ipalloc_is_used(p->used, p->n_used, &cur))
			continue;
		*ret = cur;
		return 0;
	}
	return -ENOSPC;
}

/* A sorted copy of @used. */
static struct nd_ip *sorted_copy(const struct nd_ip *used, size_t n)
{
	struct nd_ip *v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		return NULL;
	if (n)
		memcpy(v, used, n * sizeof(*v));
	ipalloc_sort(v, n);
	return v;
}

int ipalloc_next(const struct nd_subnet *sn, const struct nd_ip *used, size_t n_used,
		 struct nd_ip *ret)
{
	_cleanup_free_ struct nd_ip *sorted = sorted_copy(used, n_used);
	struct ipalloc_pool p = {
		.has_gateway = sn->has_gateway,
		.gateway = sn->gateway,
		.used = sorted,
		.n_used = n_used,
	};

	if (!sorted)
		return -ENOMEM;
	bounds(sn, &p.first, &p.last);
	return ipalloc_pool_next(&p, NULL, ret);
}

/* Whether wish @ip may be given in @r: -EINVAL, -EADDRINUSE with @f->why set. */
static int check_wish(const struct ipalloc_range *r, const struct nd_ip *ip,
		      const struct nd_ip *used, size_t n_used, struct ipalloc_failure *f)
{
	if (ipalloc_problem(&r->subnet, r->has_gateway ? &r->gateway : NULL, ip) != IPALLOC_FINE) {
		f->why = IPALLOC_WANT_RESERVED;
		return -EINVAL;
	}
	if (ipalloc_is_used(used, n_used, ip)) {
		f->why = IPALLOC_WANT_TAKEN;
		return -EADDRINUSE;
	}
	return 0;
}

int ipalloc_assign(const struct ipalloc_range *r, size_t n, const struct nd_ip *used,
		   size_t n_used, const struct nd_ip *want, size_t n_want, struct nd_ip *out,
		   bool *chosen, struct ipalloc_failure *f)
{
	_cleanup_free_ struct nd_ip *sorted = sorted_copy(used, n_used), *got = NULL;
	_cleanup_free_ bool *wished = NULL;
	int rc;

	got = calloc(n ? n : 1, sizeof(*got));
	wished = calloc(n ? n : 1, sizeof(*wished));
	if (!sorted || !got || !wished)
		return -ENOMEM;
	for (size_t i = 0; i < n_want; i++) {
		size_t k = 0;

		while (k < n && !nd_prefix_contains(&r[k].subnet, &want[i]))
			k++;
		*f = (struct ipalloc_failure){ .want = i, .range = k };
		if (k == n) {
			f->why = IPALLOC_WANT_NO_SUBNET;
			return -EINVAL;
		}
		if (wished[k]) {
			f->why = IPALLOC_WANT_TWICE;
			return -EINVAL;
		}
		rc = check_wish(&r[k], &want[i], sorted, n_used, f);
		if (rc < 0)
			return rc;
		got[k] = want[i];
		wished[k] = true;
	}
	for (size_t k = 0; k < n; k++) {
		struct ipalloc_pool p = {
			.first = r[k].first,
			.last = r[k].last,
			.has_gateway = r[k].has_gateway,
			.gateway = r[k].gateway,
			.used = sorted,
			.n_used = n_used,
		};

		if (wished[k])
			continue;
		if (ipalloc_pool_next(&p, r[k].has_after ? &r[k].after : NULL, &got[k]) < 0) {
			*f = (struct ipalloc_failure){ .why = IPALLOC_FULL, .range = k };
			return -ENOSPC;
		}
	}
	memcpy(out, got, n * sizeof(*out));
	for (size_t k = 0; chosen && k < n; k++)
		chosen[k] = !wished[k];
	return 0;
}
