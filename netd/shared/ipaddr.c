// SPDX-License-Identifier: Apache-2.0
#include "ipaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nd_ip_parse(const char *s, struct nd_ip *ret)
{
	struct nd_ip ip = {0};

	if (!s)
		return -EINVAL;
	if (inet_pton(AF_INET, s, ip.b) == 1)
		ip.family = AF_INET;
	else if (inet_pton(AF_INET6, s, ip.b) == 1)
		ip.family = AF_INET6;
	else
		return -EINVAL;
	*ret = ip;
	return 0;
}

int nd_prefix_parse(const char *s, struct nd_prefix *ret, const char **why)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash, *w = NULL;
	struct nd_prefix p = {0};
	unsigned long len;
	char *end;
	size_t n;

	if (!s)
		return -EINVAL;
	slash = strchr(s, '/');
	if (!slash) {
		w = "missing '/prefix-length'";
		goto bad;
	}
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(addr)) {
		w = "invalid address part";
		goto bad;
	}
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (nd_ip_parse(addr, &p.addr) < 0) {
		w = "invalid address part";
		goto bad;
	}
	if (slash[1] < '0' || slash[1] > '9') {
		w = "prefix length is not a number";
		goto bad;
	}
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || *end || end - (slash + 1) > 3) {
		w = "prefix length is not a number";
		goto bad;
	}
	if (len > nd_ip_bits(p.addr.family)) {
		w = p.addr.family == AF_INET ? "prefix length exceeds 32" : "prefix length exceeds 128";
		goto bad;
	}
	p.len = (uint8_t)len;
	*ret = p;
	return 0;
bad:
	if (why)
		*why = w;
	return -EINVAL;
}

const char *nd_ip_str(const struct nd_ip *ip, char buf[static ND_ADDRSTRLEN])
{
	if (!ip->family || !inet_ntop(ip->family, ip->b, buf, ND_ADDRSTRLEN))
		snprintf(buf, ND_ADDRSTRLEN, "<none>");
	return buf;
}

const char *nd_prefix_str(const struct nd_prefix *p, char buf[static ND_ADDRSTRLEN])
{
	char a[ND_ADDRSTRLEN];

	snprintf(buf, ND_ADDRSTRLEN, "%s/%u", nd_ip_str(&p->addr, a), p->len);
	return buf;
}

bool nd_ip_equal(const struct nd_ip *a, const struct nd_ip *b)
{
	return a->family == b->family &&
	       memcmp(a->b, b->b, nd_ip_bytes(a->family)) == 0;
}

bool nd_ip_is_zero(const struct nd_ip *ip)
{
	for (unsigned i = 0; i < nd_ip_bytes(ip->family); i++)
		if (ip->b[i])
			return false;
	return true;
}

bool nd_ip_is_multicast(const struct nd_ip *ip)
{
	if (ip->family == AF_INET)
		return (ip->b[0] & 0xf0) == 0xe0;
	return ip->b[0] == 0xff;
}

bool nd_ip_is_linklocal(const struct nd_ip *ip)
{
	if (ip->family == AF_INET)
		return ip->b[0] == 169 && ip->b[1] == 254;
	return ip->b[0] == 0xfe && (ip->b[1] & 0xc0) == 0x80;
}

static bool bits_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rem = bits % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rem) {
		uint8_t mask = (uint8_t)(0xff << (8 - rem));
		if ((a[full] & mask) != (b[full] & mask))
			return false;
	}
	return true;
}

void nd_prefix_network(struct nd_prefix *p)
{
	unsigned bytes = nd_ip_bytes(p->addr.family);

	for (unsigned i = 0; i < bytes; i++) {
		unsigned start = i * 8;
		if (start >= p->len)
			p->addr.b[i] = 0;
		else if (start + 8 > p->len)
			p->addr.b[i] &= (uint8_t)(0xff << (8 - (p->len - start)));
	}
}

bool nd_prefix_has_host_bits(const struct nd_prefix *p)
{
	struct nd_prefix n = *p;

	nd_prefix_network(&n);
	return !nd_ip_equal(&n.addr, &p->addr);
}

bool nd_prefix_contains(const struct nd_prefix *p, const struct nd_ip *ip)
{
	return p->addr.family == ip->family && bits_equal(p->addr.b, ip->b, p->len);
}

bool nd_prefix_overlaps(const struct nd_prefix *a, const struct nd_prefix *b)
{
	if (a->addr.family != b->addr.family)
		return false;
	return bits_equal(a->addr.b, b->addr.b, a->len < b->len ? a->len : b->len);
}

bool nd_prefix_equal(const struct nd_prefix *a, const struct nd_prefix *b)
{
	return a->len == b->len && nd_ip_equal(&a->addr, &b->addr);
}

bool nd_prefix_is_network_or_broadcast(const struct nd_prefix *p, const struct nd_ip *ip)
{
	struct nd_prefix net = *p;
	bool all0 = true, all1 = true;

	if (ip->family != AF_INET || p->len >= 31 || !nd_prefix_contains(p, ip))
		return false;
	nd_prefix_network(&net);
	for (unsigned bit = p->len; bit < 32; bit++) {
		bool set = ip->b[bit / 8] & (0x80 >> (bit % 8));
		if (set)
			all0 = false;
		else
			all1 = false;
	}
	return all0 || all1;
}

void nd_ip_add(struct nd_ip *ip, uint64_t n)
{
	int i = (int)nd_ip_bytes(ip->family) - 1;
	unsigned carry = 0;

	for (; i >= 0 && (n || carry); i--) {
		unsigned v = ip->b[i] + (unsigned)(n & 0xff) + carry;
		ip->b[i] = (uint8_t)v;
		carry = v >> 8;
		n >>= 8;
	}
}
