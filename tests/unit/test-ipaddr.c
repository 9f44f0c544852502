// SPDX-License-Identifier: Apache-2.0
/* netd/shared/ipaddr.c: parsing, printing, containment, overlap, arithmetic. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/cleanup.h"
#include "shared/ipaddr.h"
#include "tap.h"

/* Parse helpers that abort on the test's own typos. */
static struct nd_ip ip(const char *s)
{
	struct nd_ip r;

	if (nd_ip_parse(s, &r) < 0) {
		fprintf(stderr, "test bug: bad address %s\n", s);
		abort();
	}
	return r;
}

static struct nd_prefix pfx(const char *s)
{
	struct nd_prefix r;

	if (nd_prefix_parse(s, &r, NULL) < 0) {
		fprintf(stderr, "test bug: bad prefix %s\n", s);
		abort();
	}
	return r;
}

static bool ip_str_is(const struct nd_ip *a, const char *want)
{
	char b[ND_ADDRSTRLEN];

	nd_ip_str(a, b);
	if (strcmp(b, want) == 0)
		return true;
	tap_diag("got %s, expected %s", b, want);
	return false;
}

static bool prefix_str_is(const struct nd_prefix *p, const char *want)
{
	char b[ND_ADDRSTRLEN];

	nd_prefix_str(p, b);
	if (strcmp(b, want) == 0)
		return true;
	tap_diag("got %s, expected %s", b, want);
	return false;
}

static void test_ip_parse(void)
{
	static const char *const bad[] = {
		"", "10.0.0", "10.0.0.256", "10.0.0.1 ", " 10.0.0.1", "10.0.0.1/8", "1.2.3.4.5",
		"fd00:::1", "fd00::1::2", "12345::", "fe80::1%eth0", "::g", "localhost", "0x0a000001",
		"[::1]",
	};
	static const uint8_t v4[16] = { 10, 1, 2, 3 };
	static const uint8_t v6[16] = { 0xfd, 0x00, [15] = 0x01 };
	struct nd_ip r;

	tap_check_begin();
	CHECK(nd_ip_parse("10.1.2.3", &r) == 0);
	CHECK(r.family == AF_INET && memcmp(r.b, v4, 16) == 0);
	CHECK(nd_ip_parse("fd00::1", &r) == 0);
	CHECK(r.family == AF_INET6 && memcmp(r.b, v6, 16) == 0);
	CHECK(nd_ip_parse("0.0.0.0", &r) == 0 && r.family == AF_INET && nd_ip_is_zero(&r));
	CHECK(nd_ip_parse("::", &r) == 0 && r.family == AF_INET6 && nd_ip_is_zero(&r));
	CHECK(nd_ip_parse("::ffff:10.0.0.1", &r) == 0 && r.family == AF_INET6);
	CHECK(nd_ip_parse("FD00::ABCD", &r) == 0 && ip_str_is(&r, "fd00::abcd"));
	CHECK(nd_ip_parse("255.255.255.255", &r) == 0);
	tap_result(tap_check_ok(), NULL, "nd_ip_parse accepts IPv4 and IPv6");

	tap_check_begin();
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct nd_ip keep = { .family = 77, .b = { 9 } };
		if (nd_ip_parse(bad[i], &keep) != -EINVAL) {
			tap_diag("accepted \"%s\"", bad[i]);
			tap_check_failures++;
		}
		CHECK(keep.family == 77 && keep.b[0] == 9);	/* untouched on failure */
	}
	CHECK(nd_ip_parse(NULL, &r) == -EINVAL);
	tap_result(tap_check_ok(), NULL, "nd_ip_parse rejects malformed addresses, leaves *ret alone");
}

static void test_prefix_parse(void)
{
	static const struct {
		const char *s;
		const char *why;
	} bad[] = {
		{ "10.0.0.0", "missing '/prefix-length'" },
		{ "", "missing '/prefix-length'" },
		{ "fd00::", "missing '/prefix-length'" },
		{ "/8", "invalid address part" },
		{ "10.0.0/8", "invalid address part" },
		{ "banana/8", "invalid address part" },
		{ "10.0.0.0 /8", "invalid address part" },
		{ "10.0.0.0/8/8", "prefix length is not a number" },
		{ "1111:2222:3333:4444:5555:6666:7777:8888:9999:0000/64", "invalid address part" },
		{ "10.0.0.0/", "prefix length is not a number" },
		{ "10.0.0.0/-1", "prefix length is not a number" },
		{ "10.0.0.0/+8", "prefix length is not a number" },
		{ "10.0.0.0/ 8", "prefix length is not a number" },
		{ "10.0.0.0/8x", "prefix length is not a number" },
		{ "10.0.0.0/8 ", "prefix length is not a number" },
		{ "10.0.0.0/0x8", "prefix length is not a number" },
		{ "10.0.0.0/0008", "prefix length is not a number" },
		{ "10.0.0.0/99999999999999999999", "prefix length is not a number" },
		{ "10.0.0.0/33", "prefix length exceeds 32" },
		{ "10.0.0.0/128", "prefix length exceeds 32" },
		{ "10.0.0.0/999", "prefix length exceeds 32" },
		{ "fd00::/129", "prefix length exceeds 128" },
		{ "::/999", "prefix length exceeds 128" },
	};
	struct nd_prefix p;
	const char *why;

	tap_check_begin();
	why = "untouched";
	CHECK(nd_prefix_parse("10.0.0.0/8", &p, &why) == 0);
	CHECK(p.addr.family == AF_INET && p.len == 8 && prefix_str_is(&p, "10.0.0.0/8"));
	CHECK(strcmp(why, "untouched") == 0);	/* *why only set on failure */
	CHECK(nd_prefix_parse("10.1.2.3/16", &p, NULL) == 0);
	CHECK(prefix_str_is(&p, "10.1.2.3/16"));	/* host bits are kept */
	CHECK(nd_prefix_parse("0.0.0.0/0", &p, NULL) == 0 && p.len == 0);
	CHECK(nd_prefix_parse("10.0.0.1/32", &p, NULL) == 0 && p.len == 32);
	CHECK(nd_prefix_parse("::/0", &p, NULL) == 0 && p.addr.family == AF_INET6 && p.len == 0);
	CHECK(nd_prefix_parse("fd00::1/128", &p, NULL) == 0 && p.len == 128);
	CHECK(nd_prefix_parse("10.0.0.0/008", &p, NULL) == 0 && p.len == 8);
	CHECK(nd_prefix_parse("::ffff:10.0.0.0/104", &p, NULL) == 0 && p.addr.family == AF_INET6);
	tap_result(tap_check_ok(), NULL, "nd_prefix_parse accepts CIDRs, keeps host bits");

	tap_check_begin();
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct nd_prefix keep = { .addr = { .family = 77 }, .len = 99 };
		int r;

		why = NULL;
		r = nd_prefix_parse(bad[i].s, &keep, &why);
		if (r != -EINVAL || !why || strcmp(why, bad[i].why) != 0) {
			tap_diag("\"%s\": r=%d why=\"%s\", expected \"%s\"", bad[i].s, r,
				 why ? why : "(null)", bad[i].why);
			tap_check_failures++;
		}
		CHECK(keep.addr.family == 77 && keep.len == 99);
		/* why is optional */
		CHECK(nd_prefix_parse(bad[i].s, &keep, NULL) == -EINVAL);
	}
	why = "untouched";
	CHECK(nd_prefix_parse(NULL, &p, &why) == -EINVAL);
	tap_result(tap_check_ok(), NULL, "nd_prefix_parse rejects with the right why string");
}

static void test_str(void)
{
	struct nd_ip none = {0};
	struct nd_prefix p;
	char b[ND_ADDRSTRLEN];

	tap_check_begin();
	CHECK(strcmp(nd_ip_str(&none, b), "<none>") == 0);
	p = pfx("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	CHECK(prefix_str_is(&p, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"));
	p = pfx("255.255.255.255/32");
	CHECK(prefix_str_is(&p, "255.255.255.255/32"));
	p = pfx("fd00:0:0:0:0:0:0:0/64");
	CHECK(prefix_str_is(&p, "fd00::/64"));
	CHECK(nd_prefix_str(&p, b) == b);
	tap_result(tap_check_ok(), NULL, "nd_ip_str and nd_prefix_str");
}

static void test_predicates(void)
{
	struct nd_ip a = ip("10.0.0.1"), b = ip("10.0.0.1"), c;

	tap_check_begin();
	CHECK(nd_ip_equal(&a, &b));
	b = ip("10.0.0.2");
	CHECK(!nd_ip_equal(&a, &b));
	/* Same leading bytes, other family. */
	c = (struct nd_ip){ .family = AF_INET6, .b = { 10, 0, 0, 1 } };
	CHECK(!nd_ip_equal(&a, &c));
	/* For IPv4 only the first four bytes count. */
	b = a;
	b.b[10] = 1;
	CHECK(nd_ip_equal(&a, &b));

	c = ip("0.0.0.0");
	CHECK(nd_ip_is_zero(&c));
	CHECK(!nd_ip_is_zero(&a));
	c = ip("::1");
	CHECK(!nd_ip_is_zero(&c));

	c = ip("224.0.0.1");
	CHECK(nd_ip_is_multicast(&c));
	c = ip("239.255.255.255");
	CHECK(nd_ip_is_multicast(&c));
	c = ip("240.0.0.1");
	CHECK(!nd_ip_is_multicast(&c));
	c = ip("223.255.255.255");
	CHECK(!nd_ip_is_multicast(&c));
	c = ip("ff02::1");
	CHECK(nd_ip_is_multicast(&c));
	c = ip("fe80::1");
	CHECK(!nd_ip_is_multicast(&c));

	c = ip("169.254.10.1");
	CHECK(nd_ip_is_linklocal(&c));
	c = ip("169.255.0.1");
	CHECK(!nd_ip_is_linklocal(&c));
	c = ip("fe80::1");
	CHECK(nd_ip_is_linklocal(&c));
	c = ip("febf::1");
	CHECK(nd_ip_is_linklocal(&c));
	c = ip("fec0::1");
	CHECK(!nd_ip_is_linklocal(&c));
	tap_result(tap_check_ok(), NULL, "equal, zero, multicast, link-local");
}

static void test_network(void)
{
	static const struct {
		const char *in, *out;
		bool host_bits;
	} cases[] = {
		{ "10.1.2.3/8", "10.0.0.0/8", true },
		{ "10.1.2.3/20", "10.1.0.0/20", true },
		{ "10.1.255.3/20", "10.1.240.0/20", true },
		{ "10.1.2.3/0", "0.0.0.0/0", true },
		{ "10.1.2.3/32", "10.1.2.3/32", false },
		{ "10.1.2.3/31", "10.1.2.2/31", true },
		{ "10.0.0.0/8", "10.0.0.0/8", false },
		{ "fd00:1:2:3:4:5:6:7/64", "fd00:1:2:3::/64", true },
		{ "fd00:1:2:3:4:5:6:7/127", "fd00:1:2:3:4:5:6:6/127", true },
		{ "fd00:1:2:3:4:5:6:7/128", "fd00:1:2:3:4:5:6:7/128", false },
		{ "fd00:1:2:3:4:5:6:7/0", "::/0", true },
		{ "fd00:1:ffff::/33", "fd00:1:8000::/33", true },
		{ "fd00::/8", "fd00::/8", false },
	};

	tap_check_begin();
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct nd_prefix p = pfx(cases[i].in);

		if (nd_prefix_has_host_bits(&p) != cases[i].host_bits) {
			tap_diag("%s: has_host_bits wrong", cases[i].in);
			tap_check_failures++;
		}
		nd_prefix_network(&p);
		CHECK(prefix_str_is(&p, cases[i].out));
		CHECK(!nd_prefix_has_host_bits(&p));
	}
	tap_result(tap_check_ok(), NULL, "nd_prefix_network and nd_prefix_has_host_bits");
}

static void test_contains(void)
{
	static const struct {
		const char *p, *ip;
		bool in;
	} cases[] = {
		{ "10.0.0.0/8", "10.255.255.255", true },
		{ "10.0.0.0/8", "10.0.0.0", true },
		{ "10.0.0.0/8", "11.0.0.0", false },
		{ "10.0.0.0/8", "9.255.255.255", false },
		{ "10.88.0.0/16", "10.88.77.1", true },
		{ "10.88.0.0/16", "10.89.0.1", false },
		{ "10.88.0.0/23", "10.88.1.255", true },
		{ "10.88.0.0/23", "10.88.2.0", false },
		{ "0.0.0.0/0", "255.255.255.255", true },
		{ "0.0.0.0/0", "::", false },
		{ "::/0", "0.0.0.0", false },
		{ "::/0", "fd00::1", true },
		{ "10.0.0.1/32", "10.0.0.1", true },
		{ "10.0.0.1/32", "10.0.0.2", false },
		{ "fd00:88::/64", "fd00:88::ffff:ffff:ffff:ffff", true },
		{ "fd00:88::/64", "fd00:88:0:1::", false },
		{ "fd00::/127", "fd00::1", true },
		{ "fd00::/127", "fd00::2", false },
		{ "fd00::1/128", "fd00::1", true },
	};

	tap_check_begin();
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct nd_prefix p = pfx(cases[i].p);
		struct nd_ip a = ip(cases[i].ip);

		if (nd_prefix_contains(&p, &a) != cases[i].in) {
			tap_diag("%s contains %s: expected %s", cases[i].p, cases[i].ip,
				 cases[i].in ? "yes" : "no");
			tap_check_failures++;
		}
	}
	tap_result(tap_check_ok(), NULL, "nd_prefix_contains");
}

static void test_overlaps(void)
{
	static const struct {
		const char *a, *b;
		bool overlap, equal;
	} cases[] = {
		{ "10.0.0.0/8", "10.1.0.0/16", true, false },
		{ "10.0.0.0/16", "10.1.0.0/16", false, false },
		{ "10.0.0.0/25", "10.0.0.128/25", false, false },
		{ "10.0.0.0/24", "10.0.0.128/25", true, false },
		{ "0.0.0.0/0", "192.0.2.0/24", true, false },
		{ "10.0.0.0/8", "10.0.0.0/8", true, true },
		{ "10.0.0.0/8", "10.0.0.0/16", true, false },
		{ "10.0.0.0/8", "::/0", false, false },
		{ "::/0", "fd00::/8", true, false },
		{ "fd00:1::/64", "fd00:2::/64", false, false },
		{ "fd00:88::/64", "fd00:88::/64", true, true },
	};

	tap_check_begin();
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct nd_prefix a = pfx(cases[i].a), b = pfx(cases[i].b);

		if (nd_prefix_overlaps(&a, &b) != cases[i].overlap ||
		    nd_prefix_overlaps(&b, &a) != cases[i].overlap) {
			tap_diag("%s overlaps %s: expected %s", cases[i].a, cases[i].b,
				 cases[i].overlap ? "yes" : "no");
			tap_check_failures++;
		}
		if (nd_prefix_equal(&a, &b) != cases[i].equal) {
			tap_diag("%s equals %s: expected %s", cases[i].a, cases[i].b,
				 cases[i].equal ? "yes" : "no");
			tap_check_failures++;
		}
	}
	tap_result(tap_check_ok(), NULL, "nd_prefix_overlaps (both orders) and nd_prefix_equal");
}

static void test_network_or_broadcast(void)
{
	static const struct {
		const char *p, *ip;
		bool nb;
	} cases[] = {
		{ "10.0.0.0/24", "10.0.0.0", true },
		{ "10.0.0.0/24", "10.0.0.255", true },
		{ "10.0.0.0/24", "10.0.0.1", false },
		{ "10.0.0.0/24", "10.0.0.254", false },
		{ "10.0.0.0/24", "10.0.1.0", false },		/* outside */
		{ "10.0.0.0/30", "10.0.0.0", true },
		{ "10.0.0.0/30", "10.0.0.3", true },
		{ "10.0.0.0/30", "10.0.0.1", false },
		{ "10.0.0.0/30", "10.0.0.2", false },
		{ "10.0.0.0/31", "10.0.0.0", false },		/* RFC 3021 */
		{ "10.0.0.0/31", "10.0.0.1", false },
		{ "10.0.0.1/32", "10.0.0.1", false },
		{ "10.88.0.0/16", "10.88.255.255", true },
		{ "10.88.0.0/16", "10.88.0.255", false },
		{ "0.0.0.0/0", "0.0.0.0", true },
		{ "0.0.0.0/0", "255.255.255.255", true },
		{ "0.0.0.0/0", "1.0.0.0", false },
		{ "fd00::/64", "fd00::", false },		/* IPv6 has no broadcast */
		{ "fd00::/64", "fd00::ffff:ffff:ffff:ffff", false },
		{ "10.0.0.0/24", "::", false },
	};

	tap_check_begin();
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct nd_prefix p = pfx(cases[i].p);
		struct nd_ip a = ip(cases[i].ip);

		if (nd_prefix_is_network_or_broadcast(&p, &a) != cases[i].nb) {
			tap_diag("%s in %s: expected %s", cases[i].ip, cases[i].p,
				 cases[i].nb ? "network/broadcast" : "a host address");
			tap_check_failures++;
		}
	}
	tap_result(tap_check_ok(), NULL, "nd_prefix_is_network_or_broadcast");
}

static void test_add(void)
{
	static const struct {
		const char *ip;
		uint64_t n;
		const char *want;
	} cases[] = {
		{ "10.0.0.1", 0, "10.0.0.1" },
		{ "10.0.0.1", 1, "10.0.0.2" },
		{ "10.0.0.255", 1, "10.0.1.0" },
		{ "10.0.255.255", 1, "10.1.0.0" },
		{ "10.255.255.255", 1, "11.0.0.0" },
		{ "255.255.255.255", 1, "0.0.0.0" },		/* wraps */
		{ "10.0.0.0", 0x010203, "10.1.2.3" },
		{ "10.0.0.255", 0x01ff, "10.0.2.254" },
		{ "0.0.0.0", 0xffffffff, "255.255.255.255" },
		{ "1.2.3.4", 0x100000000ull, "1.2.3.4" },	/* 2^32 wraps to itself */
		{ "1.2.3.4", 0x100000001ull, "1.2.3.5" },
		{ "0.0.0.255", 0x100000001ull, "0.0.1.0" },
		{ "fd00::ff", 0xff01, "fd00::1:0" },
		{ "fd00::ffff:ffff:ffff:ffff", 1, "fd00:0:0:1::" },
		{ "fd00::", UINT64_MAX, "fd00::ffff:ffff:ffff:ffff" },
		{ "fd00::1", UINT64_MAX, "fd00:0:0:1::" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1, "::" },
		{ "fd00:0:0:ffff:ffff:ffff:ffff:ffff", 1, "fd00:0:1::" },
	};

	tap_check_begin();
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct nd_ip a = ip(cases[i].ip);

		nd_ip_add(&a, cases[i].n);
		if (!ip_str_is(&a, cases[i].want)) {
			tap_diag("%s + %#llx", cases[i].ip, (unsigned long long)cases[i].n);
			tap_check_failures++;
		}
		/* IPv4 arithmetic must not spill into the unused bytes. */
		if (a.family == AF_INET)
			for (unsigned k = 4; k < 16; k++)
				CHECK(a.b[k] == 0);
	}
	tap_result(tap_check_ok(), NULL, "nd_ip_add with carry and wrap-around");
}

int main(void)
{
	test_ip_parse();
	test_prefix_parse();
	test_str();
	test_predicates();
	test_network();
	test_contains();
	test_overlaps();
	test_network_or_broadcast();
	test_add();
	return tap_finish();
}
