// SPDX-License-Identifier: Apache-2.0
#include "ipalloc.h"

#include <errno.h>
#include <string.h>

int ipalloc_cmp(const struct nd_ip *a, const struct nd_ip *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->b, b->b, nd_ip_bytes(a->family));
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

int ipalloc_check(const struct nd_subnet *sn, const struct nd_ip *ip, const char **why)
{
	struct nd_ip first, last;

	if (!nd_prefix_contains(&sn->subnet, ip)) {
		*why = "is not inside the subnet";
		return -EINVAL;
	}
	if (sn->has_gateway && nd_ip_equal(&sn->gateway, ip)) {
		*why = "is the gateway";
		return -EINVAL;
	}
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

static bool taken(const struct nd_subnet *sn, const struct nd_ip *ip, const struct nd_ip *used,
		  size_t n_used)
{
	if (sn->has_gateway && nd_ip_equal(&sn->gateway, ip))
		return true;
	for (size_t i = 0; i < n_used; i++)
		if (nd_ip_equal(&used[i], ip))
			return true;
	return false;
}

int ipalloc_next(const struct nd_subnet *sn, const struct nd_ip *used, size_t n_used,
		 struct nd_ip *ret)
{
	struct nd_ip cand, last;

	bounds(sn, &cand, &last);
	/*
	 * Each candidate skipped is the gateway or one of @used, so after
	 * n_used + 1 skips the next candidate is free, if it is in range.
	 */
	for (size_t k = 0; k <= n_used + 1; k++) {
		if (ipalloc_cmp(&cand, &last) > 0)
			break;
		if (!taken(sn, &cand, used, n_used)) {
			*ret = cand;
			return 0;
		}
		nd_ip_add(&cand, 1);
		/* Wrapped around past the top of the address space. */
		if (nd_ip_is_zero(&cand))
			break;
	}
	return -ENOSPC;
}
