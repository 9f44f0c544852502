/* SPDX-License-Identifier: Apache-2.0 */
/* IPv4/IPv6 addresses and prefixes: parsing, printing, containment. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

/* Long enough for any IPv6 address plus "/128". */
#define ND_ADDRSTRLEN (INET6_ADDRSTRLEN + 8)

struct nd_ip {
	int family;		/* AF_INET or AF_INET6; 0 = unset */
	uint8_t b[16];		/* network byte order; v4 uses b[0..3] */
};

struct nd_prefix {
	struct nd_ip addr;
	uint8_t len;
};

/* Bytes of an address of @family (4 for AF_INET, else 16). */
static inline unsigned nd_ip_bytes(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* Bits of an address of @family (32 or 128). */
static inline unsigned nd_ip_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

/* Parse an IPv4 or IPv6 address (no prefix). Return: 0 or -EINVAL. */
int nd_ip_parse(const char *s, struct nd_ip *ret);

/*
 * Parse "addr/len". On -EINVAL, *why (if given) names the problem in words.
 * The host bits are kept; nd_prefix_network() clears them.
 */
int nd_prefix_parse(const char *s, struct nd_prefix *ret, const char **why);

/* @ip or @p as text in @buf (inet_ntop form, "/len" for a prefix); return @buf. */
const char *nd_ip_str(const struct nd_ip *ip, char buf[static ND_ADDRSTRLEN]);
const char *nd_prefix_str(const struct nd_prefix *p, char buf[static ND_ADDRSTRLEN]);

/* Same family and bytes; the all-zero address; multicast; link-local (169.254/16, fe80::/10). */
bool nd_ip_equal(const struct nd_ip *a, const struct nd_ip *b);
bool nd_ip_is_zero(const struct nd_ip *ip);
bool nd_ip_is_multicast(const struct nd_ip *ip);
bool nd_ip_is_linklocal(const struct nd_ip *ip);

/* Clear the host bits of @p. */
void nd_prefix_network(struct nd_prefix *p);
bool nd_prefix_has_host_bits(const struct nd_prefix *p);
bool nd_prefix_contains(const struct nd_prefix *p, const struct nd_ip *ip);
bool nd_prefix_overlaps(const struct nd_prefix *a, const struct nd_prefix *b);
bool nd_prefix_equal(const struct nd_prefix *a, const struct nd_prefix *b);

/* For IPv4 prefixes shorter than /31: the all-zeros and all-ones host. */
bool nd_prefix_is_network_or_broadcast(const struct nd_prefix *p, const struct nd_ip *ip);

/* @ip + @n within its family (wraps). Used by allocation. */
void nd_ip_add(struct nd_ip *ip, uint64_t n);
