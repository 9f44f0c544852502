// SPDX-License-Identifier: Apache-2.0
/*
 * netd/sys/dhcp-packet.c: client messages as built (checked field by field
 * against the RFC 2131 layout and RFC 791/768 checksums), server replies
 * parsed from hand-made frames, and every malformed case the parser must
 * refuse without touching its output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcp-packet.h"
#include "tap.h"

#define A(a, b, c, d) htonl((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

/* A reply frame under construction: IPv4 + UDP + BOOTP + options. */
struct frame {
	uint8_t b[1600];
	size_t n;
};

static void f_opt(struct frame *f, uint8_t code, const void *d, size_t len)
{
	f->b[f->n++] = code;
	f->b[f->n++] = (uint8_t)len;
	memcpy(f->b + f->n, d, len);
	f->n += len;
}

static void f_u32opt(struct frame *f, uint8_t code, uint32_t v)
{
	f_opt(f, code, &v, 4);
}

static void f_begin(struct frame *f, uint8_t type, uint32_t xid, uint32_t yiaddr)
{
	uint32_t x = htonl(xid), magic = htonl(0x63825363);

	memset(f, 0, sizeof(*f));
	f->n = 28;
	f->b[28] = 2;	/* BOOTREPLY */
	f->b[29] = 1;
	f->b[30] = 6;
	memcpy(f->b + 28 + 4, &x, 4);
	memcpy(f->b + 28 + 16, &yiaddr, 4);
	memcpy(f->b + 28 + 28, mac, 6);
	memcpy(f->b + 28 + 236, &magic, 4);
	f->n = 28 + 240;
	f_opt(f, 53, &type, 1);
}

static uint16_t sum16(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Close the options and put IPv4/UDP headers in front (server 67 -> client 68). */
static size_t f_end(struct frame *f, bool end)
{
	size_t udplen;
	uint16_t c;

	if (end)
		f->b[f->n++] = 255;
	udplen = f->n - 20;
	f->b[0] = 0x45;
	f->b[2] = (uint8_t)(f->n >> 8);
	f->b[3] = (uint8_t)f->n;
	f->b[8] = 64;
	f->b[9] = 17;
	memcpy(f->b + 12, &(uint32_t){ A(10, 93, 0, 1) }, 4);
	memcpy(f->b + 16, &(uint32_t){ A(255, 255, 255, 255) }, 4);
	c = sum16(f->b, 20);
	f->b[10] = (uint8_t)(c >> 8);
	f->b[11] = (uint8_t)c;
	f->b[21] = 67;
	f->b[23] = 68;
	f->b[24] = (uint8_t)(udplen >> 8);
	f->b[25] = (uint8_t)udplen;
	return f->n;
}

/* A full ACK with every option netd reads. */
static size_t full_ack(struct frame *f)
{
	/* search list "lan.test", "b.lan.test" (pointer back to "lan.test") */
	static const uint8_t search[] = { 3, 'l', 'a', 'n', 4, 't', 'e', 's', 't', 0,
					  1, 'b', 0xc0, 0 };
	uint32_t dns[2] = { A(10, 93, 0, 1), A(10, 93, 0, 2) };

	f_begin(f, 5, 0xabcdef01, A(10, 93, 0, 55));
	f_u32opt(f, 1, A(255, 255, 255, 0));
	f_u32opt(f, 3, A(10, 93, 0, 1));
	f_opt(f, 6, dns, sizeof(dns));
	f_u32opt(f, 54, A(10, 93, 0, 1));
	f_u32opt(f, 51, htonl(120));
	f_u32opt(f, 58, htonl(10));
	f_u32opt(f, 59, htonl(20));
	f_opt(f, 15, "lan.test", 8);
	f_opt(f, 119, search, sizeof(search));
	return f_end(f, true);
}

static void test_build(void)
{
	uint8_t buf[DHCP_FRAME_MAX];
	uint8_t cid[7] = { 1, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct dhcp_out m = { .type = DHCP_DISCOVER, .xid = 0x01020304, .hostname = "web1",
			      .client_id = cid, .client_id_len = sizeof(cid) };
	int n;
	bool has53 = false, has61 = false, has12 = false, has55 = false, end = false;

	memcpy(m.mac, mac, 6);
	tap_check_begin();
	n = dhcp_build(buf, sizeof(buf), &m, 0, A(255, 255, 255, 255));
	CHECK(n >= 28 + 300);
	CHECK(buf[0] == 0x45 && buf[9] == 17);
	CHECK(sum16(buf, 20) == 0);			/* IPv4 header checksum */
	CHECK(buf[21] == 68 && buf[23] == 67);		/* UDP 68 -> 67 */
	CHECK((buf[24] << 8 | buf[25]) == n - 20);
	{
		/* UDP checksum over the pseudo-header */
		uint8_t ph[1600];
		size_t ul = (size_t)n - 20;
		memcpy(ph, buf + 12, 8);
		ph[8] = 0;
		ph[9] = 17;
		ph[10] = (uint8_t)(ul >> 8);
		ph[11] = (uint8_t)ul;
		memcpy(ph + 12, buf + 20, ul);
		CHECK(sum16(ph, 12 + ul) == 0);
	}
	CHECK(buf[28] == 1 && buf[29] == 1 && buf[30] == 6);
	CHECK(memcmp(buf + 32, "\x01\x02\x03\x04", 4) == 0);
	CHECK(buf[38] == 0x80);				/* broadcast flag */
	CHECK(memcmp(buf + 56, mac, 6) == 0);
	CHECK(memcmp(buf + 264, "\x63\x82\x53\x63", 4) == 0);
	for (int p = 268; p < n && !end;) {
		uint8_t code = buf[p];
		if (code == 0) { p++; continue; }
		if (code == 255) { end = true; break; }
		if (code == 53) has53 = buf[p + 1] == 1 && buf[p + 2] == 1;
		if (code == 61) has61 = buf[p + 1] == 7 && memcmp(buf + p + 2, cid, 7) == 0;
		if (code == 12) has12 = buf[p + 1] == 4 && memcmp(buf + p + 2, "web1", 4) == 0;
		if (code == 55) has55 = buf[p + 1] >= 3;
		p += 2 + buf[p + 1];
	}
	CHECK(has53 && has61 && has12 && has55 && end);
	tap_result(tap_check_ok(), NULL, "DISCOVER: IPv4/UDP headers, BOOTP fields, options");

	tap_check_begin();
	m = (struct dhcp_out){ .type = DHCP_RELEASE, .xid = 7, .ciaddr = A(10, 93, 0, 55),
			       .server_id = A(10, 93, 0, 1) };
	n = dhcp_build(buf, sizeof(buf), &m, A(10, 93, 0, 55), A(10, 93, 0, 1));
	CHECK(n > 0 && buf[38] == 0);			/* no broadcast flag */
	CHECK(memcmp(buf + 40, "\x0a\x5d\x00\x37", 4) == 0);	/* ciaddr */
	CHECK(memcmp(buf + 12, "\x0a\x5d\x00\x37", 4) == 0);	/* IP source */
	tap_result(tap_check_ok(), NULL, "RELEASE carries ciaddr, unicast");

	tap_result(dhcp_build(buf, 100, &(struct dhcp_out){ .type = DHCP_DISCOVER }, 0, 0) ==
			   -EMSGSIZE, NULL, "too small a buffer: -EMSGSIZE");
	tap_result(dhcp_build(buf, sizeof(buf), &(struct dhcp_out){ .type = DHCP_ACK }, 0, 0) ==
			   -EINVAL, NULL, "a server message type is refused");
	tap_result(dhcp_build(buf, sizeof(buf), &(struct dhcp_out){ .type = DHCP_REQUEST,
				.client_id = cid, .client_id_len = 0 }, 0, 0) == -EINVAL,
		   NULL, "an empty client id is refused");
}

static void test_parse_ok(void)
{
	struct frame f;
	struct dhcp_reply r;
	size_t n = full_ack(&f);

	tap_check_begin();
	CHECK(dhcp_parse_frame(f.b, n, &r) == 0);
	CHECK(r.type == DHCP_ACK && r.xid == 0xabcdef01);
	CHECK(memcmp(r.chaddr, mac, 6) == 0);
	CHECK(r.yiaddr == A(10, 93, 0, 55) && r.mask == A(255, 255, 255, 0));
	CHECK(r.router == A(10, 93, 0, 1) && r.server_id == A(10, 93, 0, 1));
	CHECK(r.n_dns == 2 && r.dns[1] == A(10, 93, 0, 2));
	CHECK(r.lease == 120 && r.t1 == 10 && r.t2 == 20);
	CHECK(strcmp(r.domain, "lan.test") == 0);
	CHECK(r.n_search == 2 && strcmp(r.search[0], "lan.test") == 0 &&
	      strcmp(r.search[1], "b.lan.test") == 0);
	tap_result(tap_check_ok(), NULL, "ACK with mask, router, DNS, lease, T1/T2, domain, search");
}

/* Each malformed frame fails with @want and leaves the output alone. */
static void bad(const char *name, const uint8_t *b, size_t n, int want)
{
	struct dhcp_reply r;
	uint8_t guard[sizeof(r)];
	int got;

	memset(&r, 0x5a, sizeof(r));
	memcpy(guard, &r, sizeof(r));
	got = dhcp_parse_frame(b, n, &r);
	if (got != want)
		tap_diag("%s: got %d, want %d", name, got, want);
	tap_result(got == want && memcmp(guard, &r, sizeof(r)) == 0, NULL, name);
}

/* A reply with type ACK plus one option @code = @d[0..len): must fail with -EBADMSG. */
static void bad_option(const char *name, uint8_t code, const void *d, size_t len)
{
	struct frame f;

	f_begin(&f, 5, 1, A(10, 93, 0, 55));
	f_opt(&f, code, d, len);
	bad(name, f.b, f_end(&f, true), -EBADMSG);
}

static void test_parse_bad(void)
{
	struct frame f;
	size_t n;
	static const uint8_t fwd_ptr[] = { 0xc0, 2, 1, 'a', 0 };
	static const uint8_t loop[] = { 1, 'a', 0xc0, 0 };
	static const uint8_t bad_label[] = { 5, 'a', 0 };
	static const uint8_t dotted[] = { 3, 'a', '.', 'b', 0 };
	/* malformed compression */
	static const uint8_t cut_ptr[] = { 1, 'a', 0, 1, 'b', 0xc0 };
	static const uint8_t into_label[] = { 3, 'a', 'b', 'c', 0, 0xc0, 1 };
	static const uint8_t reserved[] = { 1, 'a', 0, 0x80, 0 };
	static const uint8_t ptr_high[] = { 1, 'a', 0, 0xc1, 0 };

	n = full_ack(&f);
	bad("empty frame", f.b, 0, -ENOMSG);
	bad("truncated IPv4 header", f.b, 19, -ENOMSG);
	bad("truncated to the UDP header", f.b, 28, -ENOMSG);
	for (size_t cut = 29; cut < n; cut += 37) {
		char name[64];
		snprintf(name, sizeof(name), "frame cut at %zu bytes", cut);
		bad(name, f.b, cut, -ENOMSG);	/* the IP total length is larger */
	}

	n = full_ack(&f);
	f.b[10] ^= 1;
	bad("IPv4 header checksum wrong", f.b, n, -EBADMSG);

	n = full_ack(&f);
	f.b[23] = 69;
	bad("not to port 68", f.b, n, -ENOMSG);

	n = full_ack(&f);
	f.b[9] = 6;
	bad("TCP, not UDP", f.b, n, -ENOMSG);

	n = full_ack(&f);
	f.b[24] = 0xff;
	bad("UDP length beyond the frame", f.b, n, -EBADMSG);

	n = full_ack(&f);
	f.b[28] = 1;
	bad("BOOTREQUEST, not a reply", f.b, n, -EBADMSG);

	n = full_ack(&f);
	f.b[28 + 236] = 0;
	bad("wrong magic cookie", f.b, n, -EBADMSG);

	f_begin(&f, 5, 1, A(10, 93, 0, 55));
	n = f_end(&f, false);
	bad("no END option", f.b, n, -EBADMSG);

	f_begin(&f, 5, 1, A(10, 93, 0, 55));
	f.b[f.n++] = 6;
	f.b[f.n++] = 200;	/* option longer than what is left */
	n = f_end(&f, false);
	bad("option length past the end", f.b, n, -EBADMSG);

	f_begin(&f, 9, 1, A(10, 93, 0, 55));
	n = f_end(&f, true);
	bad("unknown message type 9", f.b, n, -EBADMSG);

	f_begin(&f, 5, 1, 0);
	f.n -= 3;	/* drop option 53 */
	n = f_end(&f, true);
	bad("no message type", f.b, n, -EBADMSG);
	bad_option("non-contiguous subnet mask", 1, &(uint32_t){ A(255, 0, 255, 0) }, 4);
	bad_option("DNS option not a multiple of 4", 6, "\x0a\x00\x00", 3);
	bad_option("lease time of 2 bytes", 51, "\x00\x01", 2);
	bad_option("domain with a control character", 15, "lan\ntest", 8);
	bad_option("search list pointing forward", 119, fwd_ptr, sizeof(fwd_ptr));
	bad_option("search list pointer to itself", 119, loop, sizeof(loop));
	bad_option("search label longer than the option", 119, bad_label, sizeof(bad_label));
	bad_option("search label with a dot in it", 119, dotted, sizeof(dotted));
	bad_option("search pointer cut off by the end of the option", 119, cut_ptr, sizeof(cut_ptr));
	bad_option("search pointer into the text of a label", 119, into_label, sizeof(into_label));
	bad_option("search label of the reserved type 0x80", 119, reserved, sizeof(reserved));
	bad_option("search pointer past the option (high offset bits)", 119, ptr_high,
		   sizeof(ptr_high));
}

static void test_addrs(void)
{
	tap_check_begin();
	CHECK(dhcp_addr_usable(A(10, 93, 0, 55)));
	CHECK(dhcp_addr_usable(A(192, 168, 1, 1)));
	CHECK(!dhcp_addr_usable(A(0, 0, 0, 0)));
	CHECK(!dhcp_addr_usable(A(0, 1, 2, 3)));
	CHECK(!dhcp_addr_usable(A(127, 0, 0, 5)));
	CHECK(!dhcp_addr_usable(A(169, 254, 1, 1)));
	CHECK(!dhcp_addr_usable(A(224, 0, 0, 5)));
	CHECK(!dhcp_addr_usable(A(239, 255, 255, 250)));
	CHECK(!dhcp_addr_usable(A(240, 0, 0, 1)));
	CHECK(!dhcp_addr_usable(A(255, 255, 255, 255)));
	tap_result(tap_check_ok(), NULL, "usable addresses: not 0/8, 127/8, 169.254/16, 224/3");

	tap_check_begin();
	CHECK(dhcp_mask_len(A(255, 255, 255, 0)) == 24);
	CHECK(dhcp_mask_len(A(255, 255, 255, 255)) == 32);
	CHECK(dhcp_mask_len(0) == 0);
	CHECK(dhcp_mask_len(A(255, 255, 128, 0)) == 17);
	CHECK(dhcp_mask_len(A(255, 0, 255, 0)) == -EINVAL);
	CHECK(dhcp_mask_len(A(0, 0, 0, 255)) == -EINVAL);
	tap_result(tap_check_ok(), NULL, "mask lengths, non-contiguous masks refused");
}

int main(void)
{
	test_build();
	test_parse_ok();
	test_parse_bad();
	test_addrs();
	return tap_finish();
}
