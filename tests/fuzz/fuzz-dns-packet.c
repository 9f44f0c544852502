// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness for the DNS wire codec (dns/packet.c): the raw bytes are
 * a message as netd-dns would receive it.
 *
 * They go to dnspkt_parse_query(); a query that parses is answered with one
 * A record into a 512-byte buffer, and its name goes to dnspkt_reverse_name().
 * The same bytes also go to dnspkt_response_ttl(), as if an upstream server
 * had sent them. Besides the sanitizers, the harness checks the contracts:
 * failures leave results alone, parsed names are printable and short, the
 * built answer fits and reads back as a response, and reverse names survive
 * a round trip through dnspkt_ptr_name(). A response that reads back is
 * also cut with dnspkt_truncate() and must stay a well-formed response.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "fuzz.h"

static void check_name(const char *name)
{
	size_t len = strnlen(name, DNS_MAX_TEXT + 1);

	REQUIRE(len <= DNS_MAX_TEXT - 1);	/* 255 wire bytes = 253 characters */
	REQUIRE(len == 0 || (name[0] != '.' && name[len - 1] != '.'));
	for (size_t i = 0; i < len; i++) {
		REQUIRE(name[i] >= 0x21 && name[i] <= 0x7e);
		REQUIRE(name[i] != '.' || name[i + 1] != '.');
	}
}

static void answer(const uint8_t *data, size_t size, const struct dns_query *q)
{
	struct dns_rr rr = { .type = DNS_TYPE_A, .ttl = 60, .ip = { .family = AF_INET } };
	uint8_t out[512];
	uint32_t ttl = 0;
	int len, rcode = -1;

	memcpy(rr.ip.b, (const uint8_t[]){ 10, 88, 0, 2 }, 4);
	len = dnspkt_build_answer(out, sizeof(out), data, size, q, DNS_RCODE_NOERROR, true,
				  &rr, 1, q->edns_udp_size);
	/* The header and the question (at most 12 + 255 + 4) always fit. */
	REQUIRE(len >= DNS_HEADER_SIZE && (size_t)len <= sizeof(out));
	REQUIRE((size_t)len >= q->question_end);
	REQUIRE(out[0] == data[0] && out[1] == data[1]);
	REQUIRE(memcmp(out + DNS_HEADER_SIZE, data + DNS_HEADER_SIZE,
		       q->question_end - DNS_HEADER_SIZE) == 0);

	/* Our own answer must read back as a well-formed response. */
	if (out[2] & (DNS_FLAG_TC >> 8)) {
		REQUIRE((size_t)len == q->question_end);
		REQUIRE(dnspkt_response_ttl(out, (size_t)len, &ttl, &rcode) == -ENODATA);
	} else {
		REQUIRE(dnspkt_response_ttl(out, (size_t)len, &ttl, &rcode) == 0);
		REQUIRE(ttl == 60 && rcode == DNS_RCODE_NOERROR);
	}
	struct dns_query again;

	REQUIRE(dnspkt_parse_query(out, (size_t)len, &again) == -EBADMSG);

	/* The question name is always a valid PTR target. */
	rr = (struct dns_rr){ .type = DNS_TYPE_PTR, .ttl = 5, .ptr = q->name };
	len = dnspkt_build_answer(out, sizeof(out), data, size, q, DNS_RCODE_NOERROR, false,
				  &rr, 1, sizeof(out));
	REQUIRE(len >= DNS_HEADER_SIZE && (size_t)len <= sizeof(out));
	if (!(out[2] & (DNS_FLAG_TC >> 8)))
		REQUIRE(dnspkt_response_ttl(out, (size_t)len, &ttl, &rcode) == 0 && ttl == 5);
}

/*
 * Any string as a PTR target: encoded within bounds, or -EINVAL. Half the
 * inputs are taken as text; the other half as a list of label lengths
 * (0..65 each), which reaches the 253/254-character edge far more often.
 */
static void ptr_target(const uint8_t *data, size_t size)
{
	static const uint8_t query[] = { 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	char target[300];
	struct dns_rr rr = { .type = DNS_TYPE_PTR, .ttl = 1, .ptr = target };
	struct dns_query q;
	uint8_t out[DNS_HEADER_SIZE + 1 + 10 + DNS_MAX_NAME];
	size_t n = 0;
	uint32_t ttl;
	int len, rcode;

	if (size > 0 && (data[0] & 1)) {
		for (size_t i = 1; i < size; i++) {
			size_t l = data[i] % 66;

			if (n + (n ? 1 : 0) + l >= sizeof(target))
				break;
			if (n)
				target[n++] = '.';
			memset(target + n, 'a' + data[i] % 26, l);
			n += l;
		}
	} else {
		n = size < sizeof(target) - 1 ? size : sizeof(target) - 1;
		memcpy(target, data, n);
	}
	target[n] = '\0';
	REQUIRE(dnspkt_parse_query(query, sizeof(query), &q) == 0);
	len = dnspkt_build_answer(out, sizeof(out), query, sizeof(query), &q, 0, false, &rr, 1,
				  sizeof(out));
	REQUIRE(len == -EINVAL || (len > DNS_HEADER_SIZE && (size_t)len <= sizeof(out)));
	if (len > 0 && !(out[2] & (DNS_FLAG_TC >> 8)))
		REQUIRE(dnspkt_response_ttl(out, (size_t)len, &ttl, &rcode) == 0 && ttl == 1);
}

static void reverse(const char *name)
{
	struct nd_ip ip = { .family = 77 }, back;
	char ptr[74], low[DNS_MAX_TEXT + 1];

	if (dnspkt_reverse_name(name, &ip) < 0) {
		REQUIRE(ip.family == 77);
		return;
	}
	REQUIRE(ip.family == AF_INET || ip.family == AF_INET6);
	dnspkt_ptr_name(&ip, ptr, sizeof(ptr));
	REQUIRE(strcmp(ptr, dnspkt_lower(name, low, sizeof(low))) == 0);
	REQUIRE(dnspkt_reverse_name(ptr, &back) == 0 && nd_ip_equal(&ip, &back));
}

/*
 * A well-formed response cut to a limit taken from its last byte: the result
 * fits, keeps the id, sets TC, stays well-formed, and carries at most one
 * OPT record, last, exactly as it was.
 */
static void truncated(const uint8_t *data, size_t size)
{
	uint8_t buf[65535];
	size_t max, len;
	uint32_t ttl;
	int rcode, r;

	if (size <= DNS_HEADER_SIZE)
		return;
	max = DNS_HEADER_SIZE + (size_t)data[size - 1] * 4;
	memcpy(buf, data, size);
	len = dnspkt_truncate(buf, size, max);
	if (size <= max) {
		REQUIRE(len == size && memcmp(buf, data, size) == 0);
		return;
	}
	REQUIRE(len >= DNS_HEADER_SIZE && len <= max);
	REQUIRE(buf[0] == data[0] && buf[1] == data[1] && (buf[2] & (DNS_FLAG_TC >> 8)));
	r = dnspkt_response_ttl(buf, len, &ttl, &rcode);
	REQUIRE(r == 0 || r == -ENODATA);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_query q;
	uint32_t ttl = 0xdeadbeef;
	int r, rcode = -77;

	if (size > 65535)
		return 0;

	memset(&q, 0xa5, sizeof(q));
	r = dnspkt_parse_query(data, size, &q);
	REQUIRE(r == 0 || r == -EBADMSG || r == -EMSGSIZE);
	if (r == 0) {
		REQUIRE(q.question_end >= DNS_HEADER_SIZE && q.question_end <= size);
		REQUIRE(q.has_question == (q.question_end > DNS_HEADER_SIZE));
		REQUIRE(q.edns_udp_size >= DNS_UDP_MAX && q.edns_udp_size <= 4096);
		REQUIRE(q.has_edns || q.edns_udp_size == DNS_UDP_MAX);
		REQUIRE(!(q.hdr.flags & DNS_FLAG_QR));
		check_name(q.name);
		answer(data, size, &q);
		reverse(q.name);
	} else {
		const uint8_t *raw = (const uint8_t *)&q;

		for (size_t i = 0; i < sizeof(q); i++)
			REQUIRE(raw[i] == 0xa5);
	}

	r = dnspkt_response_ttl(data, size, &ttl, &rcode);
	REQUIRE(r == 0 || r == -EBADMSG || r == -ENODATA);
	if (r == 0)
		REQUIRE(ttl <= INT32_MAX && rcode >= 0 && rcode <= 15);
	else
		REQUIRE(ttl == 0xdeadbeef && rcode == -77);

	if (r != -EBADMSG)
		truncated(data, size);
	ptr_target(data, size);
	return 0;
}
