/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DNS wire codec of netd-dns (RFC 1035, 3596). Every read goes through a
 * bounds-checked cursor; compression pointers must point backwards and their
 * hops are capped; labels are at most 63 bytes and names at most 255.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/ipaddr.h"

#define DNS_HEADER_SIZE 12
#define DNS_MAX_NAME 255		/* wire length limit */
#define DNS_MAX_TEXT 254		/* longest dotted name without the final dot */
#define DNS_UDP_MAX 512			/* without EDNS */

enum {
	DNS_TYPE_A = 1,
	DNS_TYPE_NS = 2,
	DNS_TYPE_CNAME = 5,
	DNS_TYPE_SOA = 6,
	DNS_TYPE_PTR = 12,
	DNS_TYPE_AAAA = 28,
	DNS_TYPE_OPT = 41,
	DNS_TYPE_ANY = 255,
	DNS_CLASS_IN = 1,
};

enum {
	DNS_RCODE_NOERROR = 0,
	DNS_RCODE_FORMERR = 1,
	DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3,
	DNS_RCODE_NOTIMP = 4,
	DNS_RCODE_REFUSED = 5,
};

/* Header flag bits (host order). */
#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_AA 0x0400
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_FLAG_RA 0x0080
#define DNS_OPCODE(f) (((f) >> 11) & 0xf)
#define DNS_RCODE(f) ((f) & 0xf)

struct dns_header {
	uint16_t id, flags, qdcount, ancount, nscount, arcount;
};

struct dns_query {
	struct dns_header hdr;
	bool has_question;		/* qdcount >= 1 */
	char name[DNS_MAX_TEXT + 1];	/* dotted, as sent (case kept), no final dot; "" = root */
	uint16_t qtype, qclass;
	size_t question_end;		/* offset just past the first question */
	bool has_edns;			/* an OPT record was found in the additional section */
	uint16_t edns_udp_size;		/* its UDP payload size (>= 512), else 512 */
};

/**
 * dnspkt_parse_query() - decode a query's header, first question and EDNS
 * Return: 0; -EBADMSG for anything malformed (truncated, bad labels, pointer
 * loops, forward pointers, a response instead of a query); -EMSGSIZE for a
 * name over 255 bytes.
 */
int dnspkt_parse_query(const uint8_t *buf, size_t len, struct dns_query *q);

struct dns_rr {
	uint16_t type;			/* A, AAAA or PTR */
	uint32_t ttl;
	struct nd_ip ip;		/* A / AAAA */
	const char *ptr;		/* PTR target, dotted, no final dot */
};

/**
 * dnspkt_build_answer() - a response to @q built from @query
 * @query, @qlen:	the original query bytes (its first question is copied)
 * @rcode:		DNS_RCODE_*
 * @aa:			authoritative answer bit
 * @rrs, @n:		answer records, owner = the question name (compression pointer)
 * @max:		largest response allowed (512, the EDNS size, or 65535 on TCP);
 *			when the answers do not fit, they are dropped and TC is set
 * Copies id and RD from the query; sets QR and RA; echoes no OPT record.
 * Return: the response length, or -ENOSPC when even the header and question
 * do not fit in @cap.
 */
int dnspkt_build_answer(uint8_t *out, size_t cap, const uint8_t *query, size_t qlen,
			const struct dns_query *q, int rcode, bool aa, const struct dns_rr *rrs,
			size_t n, size_t max);

/*
 * Cut a response longer than @max down to whole records that fit, rewrite
 * the counts and set TC (see packet.c). Return: the new length.
 */
size_t dnspkt_truncate(uint8_t *buf, size_t len, size_t max);

/* A header-only error response (FORMERR etc.) for a message whose id could be read. */
int dnspkt_build_error(uint8_t *out, size_t cap, uint16_t id, uint16_t qflags, int rcode);

/**
 * dnspkt_reverse_name() - the address a PTR question asks about
 * Accepts "d.c.b.a.in-addr.arpa" (exactly 4 decimal labels 0..255) and the
 * 32-nibble "x.x....ip6.arpa" form, case-insensitively.
 * Return: 0, or -EINVAL when @name is not a full reverse name.
 */
int dnspkt_reverse_name(const char *name, struct nd_ip *ret);

/* The reverse name of @ip ("4.3.2.1.in-addr.arpa"). @out must hold 74 bytes. */
void dnspkt_ptr_name(const struct nd_ip *ip, char *out, size_t size);

/* Lower-case copy of a dotted name; returns @out. */
char *dnspkt_lower(const char *in, char *out, size_t size);

/* The minimum TTL found in an upstream response (answer + authority), for caching. */
int dnspkt_response_ttl(const uint8_t *buf, size_t len, uint32_t *ttl, int *rcode);
