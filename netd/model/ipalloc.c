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

/* The first and last address a container may get, before the used ones. */
static void bounds(const struct nd_subnet *sn, struct nd_ip *first, struct nd_ip *last)
{
	struct nd_prefix net = sn->subnet;
	unsigned bits = nd_ip_bits(net.addr.family);

	nd_prefix_network(&net);
	*first = net.addr;
	nd_ip_add(first, 1);
	*last = net.addr;
	/* Set the host bits: the highest address of the subnet. */
	for (unsigned i = net.len; i < bits; i++)
		last->b[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	if (net.addr.family == AF_INET)
		last->b[3]--;	/* not the broadcast address (host bits all ones, so no borrow) */
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

int ipalloc_next(const struct nd_subnet *sn, const struct nd_ip *used, size_t n_used,
		 struct nd_ip *ret)
{
	_cleanup_free_ struct nd_ip *sorted = calloc(n_used ? n_used : 1, sizeof(*sorted));
	struct ipalloc_pool p = {
		.has_gateway = sn->has_gateway,
		.gateway = sn->gateway,
		.used = sorted,
		.n_used = n_used,
	};

	if (!sorted)
		return -ENOMEM;
	if (n_used)
		memcpy(sorted, used, n_used * sizeof(*sorted));
	ipalloc_sort(sorted, n_used);
	bounds(sn, &p.first, &p.last);
	return ipalloc_pool_next(&p, NULL, ret);
}
