// SPDX-License-Identifier: Apache-2.0
/*
 * dns/packet.c: query parsing, answer building, reverse names and the TTL of
 * upstream responses. The fixed byte arrays follow the RFC 1035 4.1 layout
 * by hand; the built answers were also decoded by dig(1) while writing this.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "tap.h"

/* A small message builder for the cases that are tedious to spell out. */
struct msg {
	uint8_t b[2048];
	size_t n;
};

static void m_u8(struct msg *m, unsigned v)
{
	if (m->n >= sizeof(m->b))
		abort();
	m->b[m->n++] = (uint8_t)v;
}

static void m_u16(struct msg *m, unsigned v)
{
	m_u8(m, v >> 8);
	m_u8(m, v & 0xff);
}

static void m_u32(struct msg *m, uint32_t v)
{
	m_u16(m, v >> 16);
	m_u16(m, v & 0xffff);
}

static void m_header(struct msg *m, unsigned id, unsigned flags, unsigned qd, unsigned an,
		     unsigned ns, unsigned ar)
{
	m->n = 0;
	m_u16(m, id);
	m_u16(m, flags);
	m_u16(m, qd);
	m_u16(m, an);
	m_u16(m, ns);
	m_u16(m, ar);
}

/* A dotted name as uncompressed labels ("" = the root). */
static void m_name(struct msg *m, const char *name)
{
	const char *p = name;

	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);

		m_u8(m, (unsigned)l);
		for (size_t i = 0; i < l; i++)
			m_u8(m, (uint8_t)p[i]);
		p += l;
		if (*p == '.')
			p++;
	}
	m_u8(m, 0);
}

static void m_ptr(struct msg *m, unsigned off)
{
	m_u16(m, 0xc000 | off);
}

static void m_question(struct msg *m, const char *name, unsigned type)
{
	m_name(m, name);
	m_u16(m, type);
	m_u16(m, DNS_CLASS_IN);
}

/* An OPT pseudo-record advertising @size. */
static void m_opt(struct msg *m, unsigned size)
{
	m_u8(m, 0);
	m_u16(m, DNS_TYPE_OPT);
	m_u16(m, size);
	m_u32(m, 0);
	m_u16(m, 0);
}

/* A record whose owner is a pointer to the question name at 12. */
static void m_rr_a(struct msg *m, uint32_t ttl, uint8_t last)
{
	m_ptr(m, 12);
	m_u16(m, DNS_TYPE_A);
	m_u16(m, DNS_CLASS_IN);
	m_u32(m, ttl);
	m_u16(m, 4);
	m_u8(m, 10);
	m_u8(m, 0);
	m_u8(m, 0);
	m_u8(m, last);
}

static void m_rr_soa(struct msg *m, uint32_t ttl, uint32_t minimum)
{
	m_name(m, "podman");
	m_u16(m, DNS_TYPE_SOA);
	m_u16(m, DNS_CLASS_IN);
	m_u32(m, ttl);
	m_u16(m, 2 + 9 + 20);		/* ptr + "\x07hostmas\0"-ish names + 5 u32 */
	m_ptr(m, 12);			/* MNAME */
	m_name(m, "hostmas");		/* RNAME: 1 + 7 + 1 = 9 bytes */
	m_u32(m, 2024010101);		/* serial */
	m_u32(m, 3600);			/* refresh */
	m_u32(m, 600);			/* retry */
	m_u32(m, 86400);		/* expire */
	m_u32(m, minimum);
}

static struct msg simple_query(const char *name, unsigned type)
{
	struct msg m;

	m_header(&m, 0x1234, DNS_FLAG_RD, 1, 0, 0, 0);
	m_question(&m, name, type);
	return m;
}

static int parse(const struct msg *m, struct dns_query *q)
{
	return dnspkt_parse_query(m->b, m->n, q);
}

static bool expect_rc(int got, int want, const char *what)
{
	if (got == want)
		return true;
	tap_diag("%s: got %d (%s), expected %d (%s)", what, got, strerror(-got), want,
		 strerror(-want));
	return false;
}

static unsigned rd16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* -------------------------------------------------------------------- */
/* dnspkt_parse_query */

static void test_parse_a(void)
{
	/* RFC 1035 4.1: id 0xbeef, RD, one question web.dns.podman A IN. */
	static const uint8_t pkt[] = {
		0xbe, 0xef, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		3, 'w', 'e', 'b', 3, 'd', 'n', 's', 6, 'p', 'o', 'd', 'm', 'a', 'n', 0,
		0x00, 0x01, 0x00, 0x01,
	};
	struct dns_query q;

	tap_check_begin();
	CHECK(dnspkt_parse_query(pkt, sizeof(pkt), &q) == 0);
	CHECK(q.hdr.id == 0xbeef && q.hdr.flags == DNS_FLAG_RD && q.hdr.qdcount == 1);
	CHECK(q.has_question && strcmp(q.name, "web.dns.podman") == 0);
	CHECK(q.qtype == DNS_TYPE_A && q.qclass == DNS_CLASS_IN);
	CHECK(q.question_end == sizeof(pkt));
	CHECK(!q.has_edns && q.edns_udp_size == 512);
	CHECK(DNS_OPCODE(q.hdr.flags) == 0);
	tap_result(tap_check_ok(), NULL, "parse: A query (hand-written bytes)");
}

static void test_parse_aaaa_ptr(void)
{
	struct dns_query q;
	struct msg m;

	tap_check_begin();
	m = simple_query("db.example.com", DNS_TYPE_AAAA);
	CHECK(parse(&m, &q) == 0);
	CHECK(strcmp(q.name, "db.example.com") == 0 && q.qtype == DNS_TYPE_AAAA);
	tap_result(tap_check_ok(), NULL, "parse: AAAA query");

	tap_check_begin();
	m = simple_query("5.0.88.10.in-addr.arpa", DNS_TYPE_PTR);
	CHECK(parse(&m, &q) == 0);
	CHECK(strcmp(q.name, "5.0.88.10.in-addr.arpa") == 0 && q.qtype == DNS_TYPE_PTR);
	CHECK(q.question_end == m.n);
	tap_result(tap_check_ok(), NULL, "parse: PTR query");
}

static void test_parse_case(void)
{
	struct dns_query q;
	struct msg m = simple_query("WeB.DNS.PodMan", DNS_TYPE_A);
	char low[DNS_MAX_TEXT + 1];

	tap_check_begin();
	CHECK(parse(&m, &q) == 0);
	CHECK(strcmp(q.name, "WeB.DNS.PodMan") == 0);
	CHECK(strcmp(dnspkt_lower(q.name, low, sizeof(low)), "web.dns.podman") == 0);
	tap_result(tap_check_ok(), NULL, "parse: upper-case name kept as sent");
}

static void test_parse_root(void)
{
	static const uint8_t pkt[] = {
		0x00, 0x07, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x02, 0x00, 0x01,
	};
	struct dns_query q;

	tap_check_begin();
	CHECK(dnspkt_parse_query(pkt, sizeof(pkt), &q) == 0);
	CHECK(q.has_question && q.name[0] == '\0' && q.qtype == DNS_TYPE_NS);
	CHECK(q.question_end == 17);
	tap_result(tap_check_ok(), NULL, "parse: root query \". NS\"");
}

static void test_parse_no_question(void)
{
	static const uint8_t pkt[] = {
		0x00, 0x08, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct dns_query q;

	tap_check_begin();
	CHECK(dnspkt_parse_query(pkt, sizeof(pkt), &q) == 0);
	CHECK(!q.has_question && q.question_end == DNS_HEADER_SIZE && q.name[0] == '\0');
	CHECK(q.hdr.id == 8);
	tap_result(tap_check_ok(), NULL, "parse: qdcount 0 gives no question");
}

static void test_parse_edns(void)
{
	static const struct {
		unsigned adv, want;
	} cases[] = {
		{ 1232, 1232 }, { 100, 512 }, { 9000, 4096 }, { 512, 512 }, { 4096, 4096 },
		{ 0, 512 }, { 65535, 4096 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dns_query q;
		struct msg m;
		char name[64];

		m_header(&m, 1, DNS_FLAG_RD, 1, 0, 0, 1);
		m_question(&m, "web.dns.podman", DNS_TYPE_A);
		m_opt(&m, cases[i].adv);
		tap_check_begin();
		CHECK(parse(&m, &q) == 0);
		CHECK(q.has_edns && q.edns_udp_size == cases[i].want);
		CHECK(q.question_end == 12 + 16 + 4);
		snprintf(name, sizeof(name), "parse: EDNS size %u gives %u", cases[i].adv,
			 cases[i].want);
		tap_result(tap_check_ok(), NULL, name);
	}
}

static void test_parse_edns_after_records(void)
{
	struct dns_query q;
	struct msg m;

	/* Two questions, one answer, one authority record, then a cookie-free OPT. */
	m_header(&m, 1, 0, 2, 1, 1, 2);
	m_question(&m, "a.example", DNS_TYPE_A);
	m_ptr(&m, 12);					/* 2nd question: same name */
	m_u16(&m, DNS_TYPE_AAAA);
	m_u16(&m, DNS_CLASS_IN);
	m_rr_a(&m, 5, 1);
	m_name(&m, "ns.example");
	m_u16(&m, DNS_TYPE_NS);
	m_u16(&m, DNS_CLASS_IN);
	m_u32(&m, 5);
	m_u16(&m, 2);
	m_ptr(&m, 12);
	m_rr_a(&m, 5, 2);				/* additional, not OPT */
	m_opt(&m, 1400);
	tap_check_begin();
	CHECK(parse(&m, &q) == 0);
	CHECK(strcmp(q.name, "a.example") == 0 && q.qtype == DNS_TYPE_A);
	CHECK(q.question_end == 12 + 11 + 4);
	CHECK(q.has_edns && q.edns_udp_size == 1400);
	tap_result(tap_check_ok(), NULL, "parse: skips questions, answers, authority to the OPT");

	/* An OPT record in the answer section is not EDNS. */
	m_header(&m, 1, 0, 1, 1, 0, 0);
	m_question(&m, "a.example", DNS_TYPE_A);
	m_opt(&m, 1400);
	tap_check_begin();
	CHECK(parse(&m, &q) == 0);
	CHECK(!q.has_edns && q.edns_udp_size == 512);
	tap_result(tap_check_ok(), NULL, "parse: OPT outside the additional section ignored");

	/* Two OPT records: FORMERR material (RFC 6891 6.1.1). */
	m_header(&m, 1, 0, 1, 0, 0, 2);
	m_question(&m, "a.example", DNS_TYPE_A);
	m_opt(&m, 1400);
	m_opt(&m, 1400);
	tap_result(expect_rc(parse(&m, &q), -EBADMSG, "two OPT"), NULL,
		   "parse: two OPT records rejected");
}

static void test_parse_multi_question(void)
{
	struct dns_query q;
	struct msg m;

	m_header(&m, 1, 0, 3, 0, 0, 0);
	m_question(&m, "first.example", DNS_TYPE_AAAA);
	m_question(&m, "second.example", DNS_TYPE_A);
	m_u8(&m, 3);					/* third: "www" + pointer to 2nd */
	m_u8(&m, 'w');
	m_u8(&m, 'w');
	m_u8(&m, 'w');
	m_ptr(&m, 12 + 15 + 4);
	m_u16(&m, DNS_TYPE_A);
	m_u16(&m, DNS_CLASS_IN);
	tap_check_begin();
	CHECK(parse(&m, &q) == 0);
	CHECK(strcmp(q.name, "first.example") == 0 && q.qtype == DNS_TYPE_AAAA);
	CHECK(q.question_end == 12 + 15 + 4);
	tap_result(tap_check_ok(), NULL, "parse: only the first of several questions is decoded");
}

static void test_parse_truncated(void)
{
	struct msg m = simple_query("web.dns.podman", DNS_TYPE_A);
	struct dns_query q, untouched;
	bool ok = true;

	for (size_t len = 0; len < DNS_HEADER_SIZE; len++)
		ok &= expect_rc(dnspkt_parse_query(m.b, len, &q), -EBADMSG, "short header");
	tap_result(ok, NULL, "parse: truncated header (0..11 bytes)");

	ok = true;
	memset(&q, 0x5a, sizeof(q));
	untouched = q;
	for (size_t len = DNS_HEADER_SIZE; len < m.n; len++)
		ok &= expect_rc(dnspkt_parse_query(m.b, len, &q), -EBADMSG, "short question");
	ok &= memcmp(&q, &untouched, sizeof(q)) == 0;
	tap_result(ok, NULL, "parse: truncated question, result left alone");

	/* arcount says 1, nothing follows. */
	m_header(&m, 1, 0, 1, 0, 0, 1);
	m_question(&m, "web", DNS_TYPE_A);
	tap_result(expect_rc(parse(&m, &q), -EBADMSG, "missing OPT"), NULL,
		   "parse: counted record missing");

	/* rdlength runs past the end. */
	m_header(&m, 1, 0, 1, 0, 0, 1);
	m_question(&m, "web", DNS_TYPE_A);
	m_opt(&m, 1232);
	m.b[m.n - 1] = 4;
	tap_result(expect_rc(parse(&m, &q), -EBADMSG, "rdlength"), NULL,
		   "parse: rdlength past the end");
}

static void test_parse_trailing(void)
{
	struct msg m = simple_query("web", DNS_TYPE_A);
	struct dns_query q;

	m_u32(&m, 0xdeadbeef);
	m_u8(&m, 0xc0);
	tap_check_begin();
	CHECK(parse(&m, &q) == 0);
	CHECK(strcmp(q.name, "web") == 0 && q.question_end == m.n - 5);
	tap_result(tap_check_ok(), NULL, "parse: trailing garbage ignored");
}

static void test_parse_label_limits(void)
{
	char l63[64], l64[65], name[300];
	struct dns_query q;
	struct msg m;

	memset(l63, 'a', 63);
	l63[63] = '\0';
	memset(l64, 'b', 64);
	l64[64] = '\0';

	m = simple_query(l63, DNS_TYPE_A);
	tap_check_begin();
	CHECK(parse(&m, &q) == 0 && strcmp(q.name, l63) == 0);
	tap_result(tap_check_ok(), NULL, "parse: 63-byte label accepted");

	m = simple_query(l64, DNS_TYPE_A);
	tap_result(expect_rc(parse(&m, &q), -EBADMSG, "label 64"), NULL,
		   "parse: 64-byte label rejected");

	/* 3 * (1 + 63) + (1 + 61) + 1 = 255 wire bytes: the longest name. */
	snprintf(name, sizeof(name), "%s.%s.%s.%.61s", l63, l63, l63, l63);
	m = simple_query(name, DNS_TYPE_A);
	tap_check_begin();
	CHECK(parse(&m, &q) == 0);
	CHECK(strcmp(q.name, name) == 0 && strlen(q.name) == 253);
	CHECK(q.question_end == 12 + 255 + 4);
	tap_result(tap_check_ok(), NULL, "parse: 255-byte name accepted");

	snprintf(name, sizeof(name), "%s.%s.%s.%.62s", l63, l63, l63, l63);
	m = simple_query(name, DNS_TYPE_A);
	tap_result(expect_rc(parse(&m, &q), -EMSGSIZE, "name 256"), NULL,
		   "parse: 256-byte name rejected with -EMSGSIZE");

	/* Many one-byte labels: 128 * 2 + 1 = 257 wire bytes. */
	m_header(&m, 1, 0, 1, 0, 0, 0);
	for (unsigned i = 0; i < 128; i++) {
		m_u8(&m, 1);
		m_u8(&m, 'x');
	}
	m_u8(&m, 0);
	m_u32(&m, 0x00010001);
	tap_result(expect_rc(parse(&m, &q), -EMSGSIZE, "128 labels"), NULL,
		   "parse: 128 one-byte labels rejected with -EMSGSIZE");

	/* 0x80 is a reserved label type. */
	m_header(&m, 1, 0, 1, 0, 0, 0);
	m_u8(&m, 0x81);
	m_u8(&m, 'x');
	m_u8(&m, 0);
	m_u32(&m, 0x00010001);
	tap_result(expect_rc(parse(&m, &q), -EBADMSG, "0x80 label"), NULL,
		   "parse: reserved label type rejected");
}

static void test_parse_label_chars(void)
{
	static const char *const bad[] = { "we.b", "we b", "we\x7f", "we\x01", "\xc3\xa9t\xc3\xa9" };
	struct dns_query q;
	bool ok = true;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct msg m;
		size_t l = strlen(bad[i]);

		m_header(&m, 1, 0, 1, 0, 0, 0);
		m_u8(&m, (unsigned)l);
		for (size_t j = 0; j < l; j++)
			m_u8(&m, (uint8_t)bad[i][j]);
		m_u8(&m, 0);
		m_u32(&m, 0x00010001);
		ok &= expect_rc(parse(&m, &q), -EBADMSG, "bad label byte");
	}
	tap_result(ok, NULL, "parse: labels with '.', space, control or non-ASCII bytes rejected");

	struct msg m = simple_query("_http._tcp.a-b_c~d!", DNS_TYPE_A);

	tap_check_begin();
	CHECK(parse(&m, &q) == 0 && strcmp(q.name, "_http._tcp.a-b_c~d!") == 0);
	tap_result(tap_check_ok(), NULL, "parse: other printable label bytes accepted");
}

static void test_parse_pointers(void)
{
	struct dns_query q;
	struct msg m;

	/* First question compressed: can only point into the header. */
	m_header(&m, 1, 0, 1, 0, 0, 0);
	m_u8(&m, 1);
	m_u8(&m, 'a');
	m_ptr(&m, 4);
	m_u32(&m, 0x00010001);
	tap_result(expect_rc(parse(&m, &q), -EBADMSG, "ptr to header"), NULL,
		   "parse: pointer into the header rejected");

	m_header(&m, 1, 0, 1, 0, 0, 0);
	m_ptr(&m, 12);
	m_u32(&m, 0x00010001);
	tap_result(expect_rc(parse(&m, &q), -EBADMSG, "ptr to itself"), NULL,
		   "parse: pointer to itself rejected");

	/* "a" then a pointer back to the start of the same name. */
	m_header(&m, 1, 0, 1, 0, 0, 0);
	m_u8(&m, 1);
	m_u8(&m, 'a');
	m_ptr(&m, 12);
	m_u32(&m, 0x00010001);
	tap_result(expect_rc(parse(&m, &q), -EBADMSG, "ptr into own name"), NULL,
		   "parse: pointer into its own name (loop) rejected");

	/* Second question: two pointers that point at each other. */
	m_header(&m, 1, 0, 3, 0, 0, 0);
	m_question(&m, "a", DNS_TYPE_A);		/* 12..18 */
	m_ptr(&m, 25);					/* 19: -> 25 */
	m_u32(&m, 0x00010001);
	m_ptr(&m, 19);					/* 25: -> 19 */
	m_u32(&m, 0x00010001);
	tap_result(expect_rc(parse(&m, &q), -EBADMSG, "loop"), NULL,
		   "parse: pointer loop rejected");

	/* Second question points forward to a valid name. */
	m_header(&m, 1, 0, 3, 0, 0, 0);
	m_question(&m, "a", DNS_TYPE_A);		/* 12..18 */
	m_ptr(&m, 25);					/* 19: forward */
	m_u32(&m, 0x00010001);
	m_question(&m, "b", DNS_TYPE_A);		/* 25 */
	tap_result(expect_rc(parse(&m, &q), -EBADMSG, "forward"), NULL,
		   "parse: forward pointer rejected");

	/* Pointer past the end of the message. */
	m_header(&m, 1, 0, 2, 0, 0, 0);
	m_question(&m, "a", DNS_TYPE_A);
	m_ptr(&m, 0x3fff);
	m_u32(&m, 0x00010001);
	tap_result(expect_rc(parse(&m, &q), -EBADMSG, "past end"), NULL,
		   "parse: pointer past the end rejected");

	/*
	 * Second question: a pointer back to the class of the first (18: a
	 * label of 1), whose labels then run on over the pointer itself and
	 * beyond (18 bytes, ending at 39). A prefix of such a message cut
	 * after any record could not be read, so it is refused as a whole.
	 */
	m_header(&m, 1, 0, 2, 0, 0, 0);
	m_question(&m, "a", DNS_TYPE_A);		/* 12..18 */
	m_ptr(&m, 18);					/* 19 */
	m_u32(&m, 0x00010001);				/* 21..24 */
	for (int i = 0; i < 14; i++)
		m_u8(&m, 'x');				/* 25..38 */
	m_u8(&m, 0);					/* 39 */
	tap_result(expect_rc(parse(&m, &q), -EBADMSG, "runs past the pointer"), NULL,
		   "parse: a name pointed to that runs on past the pointer rejected");
}

/* Question k (k >= 2) is a pointer to question k - 1: k - 1 hops. */
static void chain(struct msg *m, unsigned questions)
{
	size_t prev = 12;

	m_header(m, 1, 0, questions, 0, 0, 0);
	m_question(m, "a", DNS_TYPE_A);
	for (unsigned i = 1; i < questions; i++) {
		size_t here = m->n;

		m_ptr(m, (unsigned)prev);
		m_u32(m, 0x00010001);
		prev = here;
	}
}

static void test_parse_hops(void)
{
	struct dns_query q;
	struct msg m;

	chain(&m, 17);
	tap_result(expect_rc(parse(&m, &q), 0, "16 hops"), NULL,
		   "parse: chain of 16 backward pointers accepted");
	chain(&m, 18);
	tap_result(expect_rc(parse(&m, &q), -EBADMSG, "17 hops"), NULL,
		   "parse: chain of 17 backward pointers rejected (hop cap)");
}

static void test_parse_response_opcode(void)
{
	struct msg m = simple_query("web", DNS_TYPE_A);
	struct dns_query q;

	m.b[2] |= 0x80;					/* QR */
	tap_result(expect_rc(parse(&m, &q), -EBADMSG, "QR=1"), NULL,
		   "parse: response (QR=1) rejected");

	m = simple_query("web", DNS_TYPE_A);
	m.b[2] |= 2 << 3;				/* opcode STATUS */
	tap_check_begin();
	CHECK(parse(&m, &q) == 0);
	CHECK(DNS_OPCODE(q.hdr.flags) == 2 && strcmp(q.name, "web") == 0);
	tap_result(tap_check_ok(), NULL, "parse: opcode 2 still parsed");
}

/* -------------------------------------------------------------------- */
/* dnspkt_build_answer / dnspkt_build_error */

static int build(uint8_t *out, size_t cap, const struct msg *m, int rcode, bool aa,
		 const struct dns_rr *rrs, size_t n, size_t max)
{
	struct dns_query q;

	if (parse(m, &q) < 0)
		abort();
	return dnspkt_build_answer(out, cap, m->b, m->n, &q, rcode, aa, rrs, n, max);
}

static struct dns_rr rr_ip(unsigned type, uint32_t ttl, const char *addr)
{
	struct dns_rr rr = { .type = (uint16_t)type, .ttl = ttl };

	if (nd_ip_parse(addr, &rr.ip) < 0)
		abort();
	return rr;
}

static void test_build_zero(void)
{
	struct msg m = simple_query("web.dns.podman", DNS_TYPE_A);
	uint8_t out[512];
	int len;

	len = build(out, sizeof(out), &m, DNS_RCODE_NXDOMAIN, true, NULL, 0, 512);
	tap_check_begin();
	CHECK(len == (int)m.n);
	CHECK(len > 0 && rd16(out) == 0x1234);
	CHECK(len > 0 && rd16(out + 2) == (DNS_FLAG_QR | DNS_FLAG_AA | DNS_FLAG_RD | DNS_FLAG_RA |
					   DNS_RCODE_NXDOMAIN));
	CHECK(len > 0 && rd16(out + 4) == 1 && rd16(out + 6) == 0 && rd16(out + 8) == 0 &&
	      rd16(out + 10) == 0);
	CHECK(len > 0 && memcmp(out + 12, m.b + 12, m.n - 12) == 0);
	tap_result(tap_check_ok(), NULL, "build: NXDOMAIN with 0 records");
}

static void test_build_one(void)
{
	/* The query of test_parse_a, answered with 10.88.0.2, TTL 60. */
	static const uint8_t query[] = {
		0xbe, 0xef, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
		3, 'w', 'e', 'b', 3, 'd', 'n', 's', 6, 'p', 'o', 'd', 'm', 'a', 'n', 0,
		0x00, 0x01, 0x00, 0x01,
		0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	static const uint8_t want[] = {
		0xbe, 0xef, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		3, 'w', 'e', 'b', 3, 'd', 'n', 's', 6, 'p', 'o', 'd', 'm', 'a', 'n', 0,
		0x00, 0x01, 0x00, 0x01,
		0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04,
		10, 88, 0, 2,
	};
	struct dns_rr rr = rr_ip(DNS_TYPE_A, 60, "10.88.0.2");
	struct dns_query q;
	uint8_t out[512];
	int len = -1;

	tap_check_begin();
	CHECK(dnspkt_parse_query(query, sizeof(query), &q) == 0);
	CHECK(q.has_edns && q.edns_udp_size == 1232);
	if (tap_check_ok())
		len = dnspkt_build_answer(out, sizeof(out), query, sizeof(query), &q,
					  DNS_RCODE_NOERROR, true, &rr, 1, q.edns_udp_size);
	CHECK(len == (int)sizeof(want));
	CHECK(len == (int)sizeof(want) && memcmp(out, want, sizeof(want)) == 0);
	tap_result(tap_check_ok(), NULL, "build: one A record, exact bytes, no OPT echoed");
}

static void test_build_three(void)
{
	struct msg m = simple_query("web.dns.podman", DNS_TYPE_AAAA);
	struct dns_rr rrs[3] = {
		rr_ip(DNS_TYPE_AAAA, 30, "fd00::1"),
		rr_ip(DNS_TYPE_AAAA, 31, "fd00::2"),
		rr_ip(DNS_TYPE_A, 32, "10.0.0.3"),
	};
	uint8_t out[512];
	size_t o = m.n;
	int len;

	len = build(out, sizeof(out), &m, 0, false, rrs, 3, 512);
	tap_check_begin();
	CHECK(len == (int)(m.n + 2 * 28 + 16));
	CHECK(len > 0 && rd16(out + 6) == 3 && !(rd16(out + 2) & DNS_FLAG_TC));
	CHECK(len > 0 && !(rd16(out + 2) & DNS_FLAG_AA));
	for (unsigned i = 0; len > 0 && i < 3; i++) {
		unsigned rdlen = rrs[i].type == DNS_TYPE_A ? 4 : 16;

		CHECK(rd16(out + o) == 0xc00c && rd16(out + o + 2) == rrs[i].type);
		CHECK(rd16(out + o + 4) == DNS_CLASS_IN);
		CHECK(rd16(out + o + 6) == 0 && rd16(out + o + 8) == 30 + i);
		CHECK(rd16(out + o + 10) == rdlen);
		CHECK(memcmp(out + o + 12, rrs[i].ip.b, rdlen) == 0);
		o += 12 + rdlen;
	}
	CHECK(o == (size_t)len);
	tap_result(tap_check_ok(), NULL, "build: three records, layout checked field by field");
}

static void test_build_tc(void)
{
	struct msg m = simple_query("web.dns.podman", DNS_TYPE_AAAA);
	struct dns_rr rrs[40];
	uint8_t out[4096];
	int len;

	for (unsigned i = 0; i < 40; i++) {
		rrs[i] = rr_ip(DNS_TYPE_AAAA, 30, "fd00::1");
		rrs[i].ip.b[15] = (uint8_t)i;
	}
	/* 32 + 40 * 28 = 1152 bytes > 512. */
	len = build(out, sizeof(out), &m, 0, true, rrs, 40, 512);
	tap_check_begin();
	CHECK(len == (int)m.n);
	CHECK(len > 0 && (rd16(out + 2) & DNS_FLAG_TC) && rd16(out + 6) == 0);
	CHECK(len > 0 && rd16(out + 4) == 1);
	tap_result(tap_check_ok(), NULL, "build: over 512 bytes drops the answers and sets TC");

	len = build(out, sizeof(out), &m, 0, true, rrs, 40, 1232);
	tap_check_begin();
	CHECK(len == (int)(m.n + 40 * 28));
	CHECK(len > 0 && !(rd16(out + 2) & DNS_FLAG_TC) && rd16(out + 6) == 40);
	tap_result(tap_check_ok(), NULL, "build: the same answers fit an EDNS size of 1232");

	/* Exactly at the limit fits; one byte less truncates. */
	len = build(out, sizeof(out), &m, 0, true, rrs, 40, m.n + 40 * 28);
	tap_check_begin();
	CHECK(len == (int)(m.n + 40 * 28) && rd16(out + 6) == 40);
	len = build(out, m.n + 40 * 28 - 1, &m, 0, true, rrs, 40, 65535);
	CHECK(len == (int)m.n && (rd16(out + 2) & DNS_FLAG_TC));
	tap_result(tap_check_ok(), NULL, "build: the limit is min(max, cap), inclusive");

	/* 32 + 2339 * 28 = 65524 bytes fit; 2340 records would not, whatever cap and max say. */
	static struct dns_rr many[2400];
	static uint8_t huge[100000];

	for (unsigned i = 0; i < 2400; i++)
		many[i] = rrs[i % 40];
	tap_check_begin();
	len = build(huge, sizeof(huge), &m, 0, true, many, 2339, sizeof(huge));
	CHECK(len == (int)(m.n + 2339 * 28) && rd16(huge + 6) == 2339);
	len = build(huge, sizeof(huge), &m, 0, true, many, 2340, sizeof(huge));
	CHECK(len == (int)m.n && (rd16(huge + 2) & DNS_FLAG_TC));
	tap_result(tap_check_ok(), NULL, "build: never more than 65535 bytes");
}

static void test_build_ptr(void)
{
	struct msg m = simple_query("2.0.88.10.in-addr.arpa", DNS_TYPE_PTR);
	struct dns_rr rr = { .type = DNS_TYPE_PTR, .ttl = 10, .ptr = "web.dns.podman" };
	static const uint8_t rdata[] = {
		3, 'w', 'e', 'b', 3, 'd', 'n', 's', 6, 'p', 'o', 'd', 'm', 'a', 'n', 0,
	};
	uint8_t out[512];
	const uint8_t *a = out + m.n;
	int len;

	len = build(out, sizeof(out), &m, 0, true, &rr, 1, 512);
	tap_check_begin();
	CHECK(len == (int)(m.n + 12 + sizeof(rdata)));
	CHECK(len > 0 && rd16(a) == 0xc00c && rd16(a + 2) == DNS_TYPE_PTR);
	CHECK(len > 0 && rd16(a + 10) == sizeof(rdata));
	CHECK(len > 0 && memcmp(a + 12, rdata, sizeof(rdata)) == 0);
	tap_result(tap_check_ok(), NULL, "build: PTR answer with an encoded target");

	/* The longest target: 253 characters, 255 wire bytes; one more fails. */
	char l63[64], target[300];
	uint8_t big[1024];

	memset(l63, 'a', 63);
	l63[63] = '\0';
	snprintf(target, sizeof(target), "%s.%s.%s.%.61s", l63, l63, l63, l63);
	rr.ptr = target;
	len = build(big, sizeof(big), &m, 0, true, &rr, 1, sizeof(big));
	tap_check_begin();
	CHECK(strlen(target) == 253);
	CHECK(len == (int)(m.n + 12 + 255));
	CHECK(len > 0 && rd16(big + m.n + 10) == 255 && big[m.n + 12 + 254] == 0);
	snprintf(target, sizeof(target), "%s.%s.%s.%.62s", l63, l63, l63, l63);
	CHECK(build(big, sizeof(big), &m, 0, true, &rr, 1, sizeof(big)) == -EINVAL);
	snprintf(target, sizeof(target), "%s.%s.%s.%s", l63, l63, l63, l63);
	CHECK(build(big, sizeof(big), &m, 0, true, &rr, 1, sizeof(big)) == -EINVAL);
	snprintf(target, sizeof(target), "%s.%sa", l63, l63);
	CHECK(build(big, sizeof(big), &m, 0, true, &rr, 1, sizeof(big)) == -EINVAL);
	rr.ptr = "";
	CHECK(build(big, sizeof(big), &m, 0, true, &rr, 1, sizeof(big)) == (int)(m.n + 12 + 1));
	rr.ptr = "a.";
	CHECK(build(big, sizeof(big), &m, 0, true, &rr, 1, sizeof(big)) == -EINVAL);
	tap_result(tap_check_ok(), NULL, "build: PTR target limits (253 chars ok, 254, label 64, final dot)");
}

static void test_build_echo(void)
{
	struct msg m = simple_query("web", DNS_TYPE_A);
	uint8_t out[512];
	int len;

	m.b[0] = 0xab;
	m.b[1] = 0xcd;
	m.b[2] = 0x00;					/* RD clear */
	len = build(out, sizeof(out), &m, DNS_RCODE_REFUSED, false, NULL, 0, 512);
	tap_check_begin();
	CHECK(len > 0 && rd16(out) == 0xabcd);
	CHECK(len > 0 && rd16(out + 2) == (DNS_FLAG_QR | DNS_FLAG_RA | DNS_RCODE_REFUSED));
	tap_result(tap_check_ok(), NULL, "build: id echoed, RD clear stays clear");

	m.b[2] = 0x01 | (2 << 3) | 0x04 | 0x02;		/* RD, opcode 2, AA and TC asked */
	m.b[3] = 0x30;					/* AD, CD */
	len = build(out, sizeof(out), &m, DNS_RCODE_NOTIMP, false, NULL, 0, 512);
	tap_check_begin();
	CHECK(len > 0 && rd16(out + 2) == (DNS_FLAG_QR | (2 << 11) | DNS_FLAG_RD | DNS_FLAG_RA |
					   DNS_RCODE_NOTIMP));
	tap_result(tap_check_ok(), NULL, "build: RD and opcode echoed, other query bits not");
}

static void test_build_no_question(void)
{
	struct msg m;
	struct dns_rr rr = rr_ip(DNS_TYPE_A, 5, "10.0.0.1");
	uint8_t out[512];
	int len;

	m_header(&m, 9, DNS_FLAG_RD, 0, 0, 0, 0);
	len = build(out, sizeof(out), &m, 0, false, &rr, 1, 512);
	tap_check_begin();
	CHECK(len == 12 + 1 + 10 + 4);
	CHECK(len > 0 && rd16(out + 4) == 0 && rd16(out + 6) == 1);
	CHECK(len > 0 && out[12] == 0 && rd16(out + 13) == DNS_TYPE_A);
	tap_result(tap_check_ok(), NULL, "build: no question gives qdcount 0 and a root owner");
}

static void test_build_errors(void)
{
	struct msg m = simple_query("web.dns.podman", DNS_TYPE_A);
	struct dns_rr bad_a = rr_ip(DNS_TYPE_A, 5, "fd00::1");
	struct dns_rr bad_ptr = { .type = DNS_TYPE_PTR, .ptr = "a..b" };
	struct dns_rr no_ptr = { .type = DNS_TYPE_PTR };
	struct dns_rr cname = { .type = DNS_TYPE_CNAME, .ptr = "x" };
	struct dns_rr good = rr_ip(DNS_TYPE_A, 5, "10.0.0.1");
	uint8_t out[512];
	bool ok = true;

	ok &= expect_rc(build(out, m.n - 1, &m, 0, false, NULL, 0, 512), -ENOSPC, "cap");
	ok &= expect_rc(build(out, 11, &m, 0, false, NULL, 0, 512), -ENOSPC, "cap 11");
	ok &= expect_rc(build(out, sizeof(out), &m, 0, false, NULL, 0, m.n - 1), -ENOSPC, "max");
	ok &= expect_rc(build(out, m.n, &m, 0, false, NULL, 0, 512), (int)m.n, "exact");
	tap_result(ok, NULL, "build: -ENOSPC when header and question do not fit");

	ok = true;
	ok &= expect_rc(build(out, sizeof(out), &m, 0, false, &bad_a, 1, 512), -EINVAL, "A v6");
	ok &= expect_rc(build(out, sizeof(out), &m, 0, false, &bad_ptr, 1, 512), -EINVAL, "a..b");
	ok &= expect_rc(build(out, sizeof(out), &m, 0, false, &no_ptr, 1, 512), -EINVAL, "NULL");
	ok &= expect_rc(build(out, sizeof(out), &m, 0, false, &cname, 1, 512), -EINVAL, "CNAME");
	ok &= expect_rc(build(out, sizeof(out), &m, 16, false, &good, 1, 512), -EINVAL, "rcode");
	ok &= expect_rc(build(out, sizeof(out), &m, 0, false, NULL, 1, 512), -EINVAL, "NULL rrs");
	struct dns_rr bad_aaaa = rr_ip(DNS_TYPE_AAAA, 5, "10.0.0.1");
	struct dns_query q;

	ok &= expect_rc(build(out, sizeof(out), &m, 0, false, &bad_aaaa, 1, 512), -EINVAL, "AAAA v4");
	ok &= parse(&m, &q) == 0;
	ok &= expect_rc(dnspkt_build_answer(out, sizeof(out), m.b, q.question_end - 1, &q, 0, false,
					    NULL, 0, 512), -EINVAL, "qlen short");
	q.has_question = false;
	ok &= expect_rc(dnspkt_build_answer(out, sizeof(out), m.b, m.n, &q, 0, false, NULL, 0, 512),
			-EINVAL, "has_question mismatch");
	tap_result(ok, NULL, "build: -EINVAL for bad records or an inconsistent query");
}

static void test_build_error(void)
{
	static const uint8_t want[] = {
		0x43, 0x21, 0x81, 0x01, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	static const uint8_t want_notimp[] = {
		0x43, 0x21, 0xa8, 0x04, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	uint8_t out[12];
	bool ok = true;

	ok &= dnspkt_build_error(out, sizeof(out), 0x4321, DNS_FLAG_RD | DNS_FLAG_AA | 0x30,
				 DNS_RCODE_FORMERR) == 12 && memcmp(out, want, 12) == 0;
	ok &= dnspkt_build_error(out, sizeof(out), 0x4321, 5 << 11, DNS_RCODE_NOTIMP) == 12 &&
	      memcmp(out, want_notimp, 12) == 0;
	ok &= expect_rc(dnspkt_build_error(out, 11, 1, 0, 1), -ENOSPC, "cap 11");
	tap_result(ok, NULL, "build_error: header only, QR, RD and opcode copied");
}

/* -------------------------------------------------------------------- */
/* dnspkt_reverse_name / dnspkt_ptr_name / dnspkt_lower */

static bool reverse_is(const char *name, const char *want)
{
	char b[ND_ADDRSTRLEN];
	struct nd_ip ip;
	int r = dnspkt_reverse_name(name, &ip);

	if (r < 0) {
		tap_diag("%s: %s", name, strerror(-r));
		return false;
	}
	nd_ip_str(&ip, b);
	if (strcmp(b, want) == 0)
		return true;
	tap_diag("%s: got %s, expected %s", name, b, want);
	return false;
}

static bool reverse_bad(const char *name)
{
	struct nd_ip ip = { .family = 77 };
	int r = dnspkt_reverse_name(name, &ip);

	if (r == -EINVAL && ip.family == 77)
		return true;
	tap_diag("'%s': got %d, expected -EINVAL and an untouched result", name, r);
	return false;
}

#define V6_NIBBLES "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f"

static void test_reverse(void)
{
	bool ok = true;

	ok &= reverse_is("5.0.88.10.in-addr.arpa", "10.88.0.5");
	ok &= reverse_is("255.255.255.255.in-addr.arpa", "255.255.255.255");
	ok &= reverse_is("0.0.0.0.in-addr.arpa", "0.0.0.0");
	tap_result(ok, NULL, "reverse: IPv4 names");

	ok = reverse_bad("0.88.10.in-addr.arpa") && reverse_bad("1.5.0.88.10.in-addr.arpa") &&
	     reverse_bad("in-addr.arpa") && reverse_bad("88.10.in-addr.arpa") &&
	     reverse_bad(".0.88.10.in-addr.arpa") && reverse_bad("5..88.10.in-addr.arpa");
	tap_result(ok, NULL, "reverse: IPv4 with the wrong label count rejected");

	ok = reverse_bad("256.0.88.10.in-addr.arpa") && reverse_bad("5.0.88.1000.in-addr.arpa") &&
	     reverse_bad("05.0.88.10.in-addr.arpa") && reverse_bad("5.0.8a.10.in-addr.arpa") &&
	     reverse_bad("-5.0.88.10.in-addr.arpa") && reverse_bad("5.0.88.10.in-addr.arpa.");
	tap_result(ok, NULL, "reverse: IPv4 label 256, leading zero, non-digit rejected");

	ok = reverse_is("5.0.88.10.IN-ADDR.ARPA", "10.88.0.5") &&
	     reverse_is("5.0.88.10.In-Addr.Arpa", "10.88.0.5");
	tap_result(ok, NULL, "reverse: upper-case IN-ADDR.ARPA accepted");

	ok = reverse_is(V6_NIBBLES ".ip6.arpa", "fd00::1") &&
	     reverse_is("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa",
			"4321:0:1:2:3:4:567:89ab") &&
	     reverse_is("B.A.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.IP6.ARPA",
			"4321:0:1:2:3:4:567:89ab");
	tap_result(ok, NULL, "reverse: IPv6 with 32 nibbles, any case");

	ok = reverse_bad("0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa") &&
	     reverse_bad("0." V6_NIBBLES ".ip6.arpa") && reverse_bad("ip6.arpa") &&
	     reverse_bad(".ip6.arpa");
	tap_result(ok, NULL, "reverse: IPv6 with 31 or 33 nibbles rejected");

	ok = reverse_bad("g.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa") &&
	     reverse_bad("10.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d..ip6.arpa") &&
	     reverse_bad("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d..ip6.arpa");
	tap_result(ok, NULL, "reverse: IPv6 non-hex or two-character nibble rejected");

	ok = reverse_bad("") && reverse_bad("web.dns.podman") && reverse_bad("arpa") &&
	     reverse_bad("5.0.88.10.in-addr.arpa.example") && reverse_bad("5.0.88.10xin-addr.arpa") &&
	     reverse_bad(NULL);
	tap_result(ok, NULL, "reverse: other names rejected");
}

static void test_ptr_name(void)
{
	static const char *const addrs[] = {
		"10.88.0.5", "0.0.0.0", "255.1.2.3", "fd00::1", "::", "2001:db8:abcd::ff:1",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	};
	char name[74], tiny[8];
	struct nd_ip ip, back;
	bool ok = true;

	ip = rr_ip(DNS_TYPE_A, 0, "10.88.0.5").ip;
	dnspkt_ptr_name(&ip, name, sizeof(name));
	ok &= strcmp(name, "5.0.88.10.in-addr.arpa") == 0;
	ip = rr_ip(DNS_TYPE_AAAA, 0, "fd00::1").ip;
	dnspkt_ptr_name(&ip, name, sizeof(name));
	ok &= strcmp(name, V6_NIBBLES ".ip6.arpa") == 0;
	ip = rr_ip(DNS_TYPE_AAAA, 0, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").ip;
	dnspkt_ptr_name(&ip, name, sizeof(name));
	ok &= strlen(name) == 72;
	if (!ok)
		tap_diag("got %s", name);
	tap_result(ok, NULL, "ptr_name: IPv4 and IPv6 forms, 73 bytes at most");

	ok = true;
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		ip = rr_ip(DNS_TYPE_A, 0, addrs[i]).ip;
		dnspkt_ptr_name(&ip, name, sizeof(name));
		ok &= dnspkt_reverse_name(name, &back) == 0 && nd_ip_equal(&ip, &back);
	}
	ip = rr_ip(DNS_TYPE_A, 0, "10.88.0.5").ip;
	dnspkt_ptr_name(&ip, tiny, sizeof(tiny));
	ok &= strcmp(tiny, "5.0.88.") == 0;
	tap_result(ok, NULL, "ptr_name: round trip through reverse_name; short buffer truncates");
}

static void test_lower(void)
{
	char out[16], small[4], same[] = "MiXeD.CaSe";
	bool ok = true;

	ok &= strcmp(dnspkt_lower("Web.DNS.Podman", out, sizeof(out)), "web.dns.podman") == 0;
	ok &= strcmp(dnspkt_lower("ABC-xyz_09\xc3\x89", out, sizeof(out)), "abc-xyz_09\xc3\x89") == 0;
	ok &= strcmp(dnspkt_lower("ABCDEF", small, sizeof(small)), "abc") == 0;
	ok &= dnspkt_lower(same, same, sizeof(same)) == same && strcmp(same, "mixed.case") == 0;
	ok &= strcmp(dnspkt_lower("", out, sizeof(out)), "") == 0;
	tap_result(ok, NULL, "lower: ASCII only, truncates, works in place");
}

/* -------------------------------------------------------------------- */
/* dnspkt_response_ttl */

static int ttl_of(const struct msg *m, uint32_t *ttl, int *rcode)
{
	return dnspkt_response_ttl(m->b, m->n, ttl, rcode);
}

static void test_ttl_answers(void)
{
	struct msg m;
	uint32_t ttl = 0;
	int rcode = -1;

	m_header(&m, 1, DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA, 1, 2, 0, 0);
	m_question(&m, "example.com", DNS_TYPE_A);
	m_rr_a(&m, 60, 1);
	m_rr_a(&m, 30, 2);
	tap_check_begin();
	CHECK(ttl_of(&m, &ttl, &rcode) == 0);
	CHECK(ttl == 30 && rcode == 0);
	tap_result(tap_check_ok(), NULL, "ttl: A answers of 60 and 30 give 30");

	/* CNAME chain with compressed rdata, an NS in authority, OPT in additional. */
	m_header(&m, 1, DNS_FLAG_QR | DNS_FLAG_RA, 1, 2, 1, 1);
	m_question(&m, "www.example.com", DNS_TYPE_A);		/* name at 12 */
	m_ptr(&m, 12);
	m_u16(&m, DNS_TYPE_CNAME);
	m_u16(&m, DNS_CLASS_IN);
	m_u32(&m, 300);
	m_u16(&m, 6);
	m_u8(&m, 3);
	m_u8(&m, 'c');
	m_u8(&m, 'd');
	m_u8(&m, 'n');
	m_ptr(&m, 16);						/* cdn.example.com */
	m_ptr(&m, m.n - 6);
	m_u16(&m, DNS_TYPE_A);
	m_u16(&m, DNS_CLASS_IN);
	m_u32(&m, 120);
	m_u16(&m, 4);
	m_u32(&m, 0x0a000001);
	m_ptr(&m, 16);
	m_u16(&m, DNS_TYPE_NS);
	m_u16(&m, DNS_CLASS_IN);
	m_u32(&m, 90);
	m_u16(&m, 2);
	m_ptr(&m, 12);
	m_opt(&m, 1232);
	tap_check_begin();
	CHECK(ttl_of(&m, &ttl, &rcode) == 0);
	CHECK(ttl == 90 && rcode == 0);
	tap_result(tap_check_ok(), NULL, "ttl: compressed CNAME chain, minimum includes authority");

	m_header(&m, 1, DNS_FLAG_QR, 1, 1, 0, 0);
	m_question(&m, "example.com", DNS_TYPE_A);
	m_rr_a(&m, 0x80000000u, 1);
	tap_check_begin();
	CHECK(ttl_of(&m, &ttl, &rcode) == 0 && ttl == 0);
	tap_result(tap_check_ok(), NULL, "ttl: a TTL with the top bit set counts as 0 (RFC 2181)");
}

static void test_ttl_negative(void)
{
	struct msg m;
	uint32_t ttl = 0;
	int rcode = -1;

	m_header(&m, 1, DNS_FLAG_QR | DNS_FLAG_RA | DNS_RCODE_NXDOMAIN, 1, 0, 1, 0);
	m_question(&m, "nope.podman", DNS_TYPE_A);
	m_rr_soa(&m, 300, 60);
	tap_check_begin();
	CHECK(ttl_of(&m, &ttl, &rcode) == 0);
	CHECK(ttl == 60 && rcode == DNS_RCODE_NXDOMAIN);
	tap_result(tap_check_ok(), NULL, "ttl: NXDOMAIN with SOA ttl 300 minimum 60 gives 60");

	m_header(&m, 1, DNS_FLAG_QR | DNS_FLAG_RA, 1, 0, 1, 0);
	m_question(&m, "web.podman", DNS_TYPE_AAAA);
	m_rr_soa(&m, 30, 3600);
	tap_check_begin();
	CHECK(ttl_of(&m, &ttl, &rcode) == 0);
	CHECK(ttl == 30 && rcode == 0);
	tap_result(tap_check_ok(), NULL, "ttl: NODATA with SOA ttl 30 minimum 3600 gives 30");

	bool ok = true;

	m_header(&m, 1, DNS_FLAG_QR | DNS_RCODE_SERVFAIL, 1, 0, 0, 0);
	m_question(&m, "web.podman", DNS_TYPE_A);
	ttl = 77;
	rcode = 77;
	ok &= expect_rc(ttl_of(&m, &ttl, &rcode), -ENODATA, "SERVFAIL") && ttl == 77 &&
	      rcode == 77;
	/* NXDOMAIN with only an NS record in authority: nothing to go by. */
	m_header(&m, 1, DNS_FLAG_QR | DNS_RCODE_NXDOMAIN, 1, 0, 1, 0);
	m_question(&m, "web.podman", DNS_TYPE_A);
	m_ptr(&m, 12);
	m_u16(&m, DNS_TYPE_NS);
	m_u16(&m, DNS_CLASS_IN);
	m_u32(&m, 90);
	m_u16(&m, 2);
	m_ptr(&m, 12);
	ok &= expect_rc(ttl_of(&m, &ttl, &rcode), -ENODATA, "NS only");
	tap_result(ok, NULL, "ttl: -ENODATA without answers or SOA");
}

static void test_ttl_malformed(void)
{
	struct msg m, good;
	uint32_t ttl = 0;
	bool ok = true;

	m_header(&good, 1, DNS_FLAG_QR | DNS_RCODE_NXDOMAIN, 1, 1, 1, 0);
	m_question(&good, "nope.podman", DNS_TYPE_A);
	m_rr_a(&good, 60, 1);
	m_rr_soa(&good, 300, 60);
	ok &= expect_rc(ttl_of(&good, &ttl, NULL), 0, "good");
	for (size_t len = 0; len < good.n; len++)
		ok &= dnspkt_response_ttl(good.b, len, &ttl, NULL) == -EBADMSG;
	tap_result(ok, NULL, "ttl: every truncation of a response gives -EBADMSG");

	ok = true;
	m = good;
	m.b[2] &= 0x7f;						/* a query */
	ok &= expect_rc(ttl_of(&m, &ttl, NULL), -EBADMSG, "QR=0");

	m_header(&m, 1, DNS_FLAG_QR | DNS_RCODE_NXDOMAIN, 1, 0, 1, 0);
	m_question(&m, "nope.podman", DNS_TYPE_A);
	m_rr_soa(&m, 300, 60);
	m.b[m.n - 33] = 0;					/* SOA rdlength 31 -> 30 */
	m.b[m.n - 32] = 30;
	ok &= expect_rc(ttl_of(&m, &ttl, NULL), -EBADMSG, "SOA rdlength short");
	m.b[m.n - 32] = 32;					/* one byte of junk inside */
	m_u8(&m, 0);
	ok &= expect_rc(ttl_of(&m, &ttl, NULL), -EBADMSG, "SOA rdlength long");

	m_header(&m, 1, DNS_FLAG_QR, 1, 1, 0, 0);
	m_question(&m, "example.com", DNS_TYPE_A);
	m_ptr(&m, m.n);						/* owner points at itself */
	m_u16(&m, DNS_TYPE_A);
	m_u16(&m, DNS_CLASS_IN);
	m_u32(&m, 60);
	m_u16(&m, 4);
	m_u32(&m, 0x0a000001);
	ok &= expect_rc(ttl_of(&m, &ttl, NULL), -EBADMSG, "self pointer");

	m_header(&m, 1, DNS_FLAG_QR, 1, 1, 0, 0);
	m_question(&m, "example.com", DNS_TYPE_A);
	m_rr_a(&m, 60, 1);
	m.b[m.n - 5] = 5;					/* rdlength past the end */
	ok &= expect_rc(ttl_of(&m, &ttl, NULL), -EBADMSG, "rdlength");
	tap_result(ok, NULL, "ttl: query, bad SOA, pointer loop, rdlength give -EBADMSG");
}

static void test_round_trip(void)
{
	struct msg m = simple_query("web.dns.podman", DNS_TYPE_A);
	struct dns_rr rrs[2] = { rr_ip(DNS_TYPE_A, 45, "10.0.0.1"), rr_ip(DNS_TYPE_A, 15, "10.0.0.2") };
	uint8_t out[512];
	uint32_t ttl = 0;
	int len, rcode = -1;
	struct dns_query q;

	len = build(out, sizeof(out), &m, 0, true, rrs, 2, 512);
	tap_check_begin();
	CHECK(len > 0);
	CHECK(len > 0 && dnspkt_response_ttl(out, (size_t)len, &ttl, &rcode) == 0);
	CHECK(ttl == 15 && rcode == 0);
	CHECK(len > 0 && dnspkt_parse_query(out, (size_t)len, &q) == -EBADMSG);
	tap_result(tap_check_ok(), NULL, "round trip: a built answer reads back with response_ttl");
}

/* An upstream-style response: 40 A records, an SOA in authority, an OPT in additional. */
static struct msg big_response(size_t *question_end)
{
	struct msg m;

	m_header(&m, 0xbeef, DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA | DNS_RCODE_NOERROR, 1, 40, 1, 1);
	m_question(&m, "big.example.test", DNS_TYPE_A);
	*question_end = m.n;
	for (unsigned i = 0; i < 40; i++)
		m_rr_a(&m, 300, (uint8_t)i);
	m_rr_soa(&m, 60, 30);
	m_opt(&m, 1232);
	return m;
}

static void test_truncate(void)
{
	size_t qend, len;
	struct msg full, m;
	uint32_t ttl;
	int rcode;

	full = big_response(&qend);

	/* Fits: not a byte changes. */
	m = full;
	len = dnspkt_truncate(m.b, m.n, m.n);
	tap_check_begin();
	CHECK(len == full.n && memcmp(m.b, full.b, full.n) == 0);
	len = dnspkt_truncate(m.b, m.n, 4096);
	CHECK(len == full.n && memcmp(m.b, full.b, full.n) == 0);
	tap_result(tap_check_ok(), NULL, "truncate: a response within the limit is left alone");

	/* 512: whole A records only, then the OPT record; TC, counts rewritten, id and rcode kept. */
	m = full;
	len = dnspkt_truncate(m.b, m.n, 512);
	tap_check_begin();
	CHECK(len == qend + (512 - qend - 11) / 16 * 16 + 11);
	CHECK(rd16(m.b) == 0xbeef);
	CHECK(rd16(m.b + 2) == (DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA | DNS_FLAG_TC));
	CHECK(rd16(m.b + 4) == 1 && rd16(m.b + 6) == (512 - qend - 11) / 16);
	CHECK(rd16(m.b + 8) == 0 && rd16(m.b + 10) == 1);
	CHECK(memcmp(m.b + DNS_HEADER_SIZE, full.b + DNS_HEADER_SIZE, len - 11 - DNS_HEADER_SIZE) == 0);
	CHECK(memcmp(m.b + len - 11, full.b + full.n - 11, 11) == 0);
	CHECK(dnspkt_response_ttl(m.b, len, &ttl, &rcode) == 0 && ttl == 300 && rcode == 0);
	tap_result(tap_check_ok(), NULL,
		   "truncate: to 512 at an A record boundary, OPT kept at the end, TC set, a valid message");

	/* A limit inside a record drops that record whole; the OPT still ends the message. */
	m = full;
	len = dnspkt_truncate(m.b, m.n, qend + 5 * 16 + 11 + 15);
	tap_check_begin();
	CHECK(len == qend + 5 * 16 + 11 && rd16(m.b + 6) == 5 && rd16(m.b + 10) == 1 &&
	      (rd16(m.b + 2) & DNS_FLAG_TC));
	tap_result(tap_check_ok(), NULL, "truncate: a record cut by the limit is dropped whole");

	/* One byte short: the SOA makes room and goes, the OPT record stays (RFC 6891, 7). */
	m = full;
	len = dnspkt_truncate(m.b, m.n, full.n - 1);
	tap_check_begin();
	CHECK(len == qend + 40 * 16 + 11);
	CHECK(rd16(m.b + 6) == 40 && rd16(m.b + 8) == 0 && rd16(m.b + 10) == 1);
	CHECK(rd16(m.b + 2) & DNS_FLAG_TC);
	CHECK(memcmp(m.b + len - 11, full.b + full.n - 11, 11) == 0);
	CHECK(dnspkt_response_ttl(m.b, len, &ttl, &rcode) == 0 && ttl == 300);
	tap_result(tap_check_ok(), NULL, "truncate: authority and additional records make room for OPT");

	/* Room for the question but not the OPT record: the question alone, no OPT. */
	m = full;
	len = dnspkt_truncate(m.b, m.n, qend + 10);
	tap_check_begin();
	CHECK(len == qend && rd16(m.b + 4) == 1 && rd16(m.b + 6) == 0 && rd16(m.b + 10) == 0);
	m = full;
	len = dnspkt_truncate(m.b, m.n, qend + 11);
	CHECK(len == qend + 11 && rd16(m.b + 6) == 0 && rd16(m.b + 10) == 1);
	tap_result(tap_check_ok(), NULL, "truncate: the OPT record is kept only when it fits");

	/* The question does not fit: the header alone, counts 0. */
	m = full;
	len = dnspkt_truncate(m.b, m.n, qend - 1);
	tap_check_begin();
	CHECK(len == DNS_HEADER_SIZE && rd16(m.b) == 0xbeef && (rd16(m.b + 2) & DNS_FLAG_TC));
	CHECK(rd16(m.b + 4) == 0 && rd16(m.b + 6) == 0 && rd16(m.b + 8) == 0 && rd16(m.b + 10) == 0);
	m = full;
	CHECK(dnspkt_truncate(m.b, m.n, DNS_HEADER_SIZE - 1) == 0);
	CHECK(dnspkt_truncate(m.b, DNS_HEADER_SIZE - 1, 0) == 0);
	tap_result(tap_check_ok(), NULL, "truncate: no room for the question leaves the header alone");

	/* Malformed after some records (rdlength past the end): the good prefix is kept. */
	m = full;
	m.b[qend + 3 * 16 + 10] = 0xff;	/* 4th record's rdlength high byte */
	len = dnspkt_truncate(m.b, m.n, 512);
	tap_check_begin();
	CHECK(len == qend + 3 * 16 && rd16(m.b + 6) == 3 && (rd16(m.b + 2) & DNS_FLAG_TC));
	CHECK(dnspkt_response_ttl(m.b, len, &ttl, &rcode) == 0);
	tap_result(tap_check_ok(), NULL, "truncate: a malformed record ends the kept prefix");

	/* Every limit from the header to the full size gives a valid message within it. */
	tap_check_begin();
	for (size_t max = DNS_HEADER_SIZE; max <= full.n; max++) {
		m = full;
		len = dnspkt_truncate(m.b, m.n, max);
		CHECK(len <= max && len >= DNS_HEADER_SIZE);
		if (len > qend) {
			/* Valid throughout; only the OPT record alone leaves no TTL to read. */
			int r = dnspkt_response_ttl(m.b, len, &ttl, &rcode);
			CHECK(r == 0 || (r == -ENODATA && rd16(m.b + 6) == 0 && rd16(m.b + 8) == 0));
		}
		CHECK((max == full.n) == !(rd16(m.b + 2) & DNS_FLAG_TC));
		if (max >= qend + 11)
			CHECK(rd16(m.b + 10) == 1 && memcmp(m.b + len - 11, full.b + full.n - 11, 11) == 0);
	}
	tap_result(tap_check_ok(), NULL, "truncate: every limit gives a valid message that fits");
}

int main(void)
{
	test_parse_a();
	test_parse_aaaa_ptr();
	test_parse_case();
	test_parse_root();
	test_parse_no_question();
	test_parse_edns();
	test_parse_edns_after_records();
	test_parse_multi_question();
	test_parse_truncated();
	test_parse_trailing();
	test_parse_label_limits();
	test_parse_label_chars();
	test_parse_pointers();
	test_parse_hops();
	test_parse_response_opcode();

	test_build_zero();
	test_build_one();
	test_build_three();
	test_build_tc();
	test_build_ptr();
	test_build_echo();
	test_build_no_question();
	test_build_errors();
	test_build_error();

	test_reverse();
	test_ptr_name();
	test_lower();

	test_ttl_answers();
	test_ttl_negative();
	test_ttl_malformed();
	test_round_trip();
	test_truncate();

	return tap_finish();
}
