// SPDX-License-Identifier: Apache-2.0
/*
 * answer_query() against a store built in memory: A, AAAA, PTR, NXDOMAIN,
 * NODATA, short container ids, case, the search domain, REFUSED for
 * strangers, internal networks, and which upstreams a forward goes to.
 * Each response is decoded back and compared as text. Local answers carry
 * AA only with NOERROR; PTR targets are the bare names (as aardvark-dns).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "conf.h"
#include "packet.h"
#include "store.h"
#include "tap.h"

#define ID_A "aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111"
#define ID_B "bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222"
#define ID_C "cccccccccccc3333333333333333333333333333333333333333333333333333"
#define ID_D "dddddddddddd4444444444444444444444444444444444444444444444444444"
#define ID_E "eeeeeeeeeeee5555555555555555555555555555555555555555555555555555"

struct fixture {
	struct store *st;
	struct resolv rv;
};

static int build_store(struct fixture *f)
{
	static const struct { const char *file, *text; } nets[] = {
		{ "a", "10.1.0.1\n" ID_A " 10.1.0.2 fd01::2 web,shared\n" ID_B " 10.1.0.3  api,shared\n" },
		{ "b%int", "10.2.0.1\n" ID_C " 10.2.0.2  db\n" },
		{ "c", "10.3.0.1 9.9.9.9\n" ID_D " 10.3.0.2  app 1.1.1.1\n" ID_E " 10.3.0.3  app2\n" },
	};
	struct dnsconf_network *n = calloc(3, sizeof(*n));
	struct nd_error err = {0};

	if (!n)
		return -ENOMEM;
	for (size_t i = 0; i < 3; i++)
		if (dnsconf_parse(nets[i].file, nets[i].text, strlen(nets[i].text), &n[i], &err) < 0) {
			tap_diag("%s: %s", nets[i].file, err.msg);
			return -EINVAL;
		}
	nd_ip_parse("192.0.2.53", &f->rv.servers[0]);
	f->rv.n = 1;
	return store_build(n, 3, &f->st);
}

/* A query for @name (dotted) of @type, id 0x1234, RD set. Return: its length. */
static size_t make_query(const char *name, uint16_t type, uint8_t *out)
{
	static const uint8_t hdr[12] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
	size_t off = sizeof(hdr);

	memcpy(out, hdr, sizeof(hdr));
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);
		out[off++] = (uint8_t)l;
		memcpy(out + off, name, l);
		off += l;
		name += l + (dot ? 1 : 0);
	}
	out[off++] = 0;
	out[off++] = (uint8_t)(type >> 8);
	out[off++] = (uint8_t)type;
	out[off++] = 0;
	out[off++] = DNS_CLASS_IN;
	return off;
}

/* Read the name at @*off (following pointers) into @out; advance @*off past it. */
static int read_name(const uint8_t *m, size_t len, size_t *off, char *out, size_t size)
{
	size_t p = *off, o = 0;
	bool jumped = false;

	out[0] = '\0';
	for (int hops = 0; p < len && hops < 16;) {
		uint8_t l = m[p];
		if (l == 0) {
			if (!jumped)
				*off = p + 1;
			return 0;
		}
		if ((l & 0xc0) == 0xc0) {
			if (p + 1 >= len)
				return -1;
			if (!jumped)
				*off = p + 2;
			jumped = true;
			hops++;
			p = (size_t)((l & 0x3f) << 8 | m[p + 1]);
			continue;
		}
		if (p + 1 + l > len || o + l + 2 > size)
			return -1;
		if (o)
			out[o++] = '.';
		memcpy(out + o, m + p + 1, l);
		o += l;
		out[o] = '\0';
		p += 1 + l;
	}
	return -1;
}

static const char *rcode_name(int rc)
{
	static const char *const n[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
					 "REFUSED" };
	return rc >= 0 && rc < 6 ? n[rc] : "?";
}

/* "RCODE aa id=1234 q=NAME: A 1.2.3.4, AAAA ..., PTR name" */
static void render(const uint8_t *m, size_t len, char *out, size_t size)
{
	uint16_t flags = (uint16_t)(m[2] << 8 | m[3]), qd = (uint16_t)(m[4] << 8 | m[5]);
	uint16_t an = (uint16_t)(m[6] << 8 | m[7]);
	size_t off = 12, o;
	char name[300];

	o = (size_t)snprintf(out, size, "%s%s id=%02x%02x", rcode_name(DNS_RCODE(flags)),
			     flags & DNS_FLAG_AA ? " aa" : "", m[0], m[1]);
	if (qd) {
		if (read_name(m, len, &off, name, sizeof(name)) < 0)
			goto bad;
		off += 4;
		o += (size_t)snprintf(out + o, size - o, " q=%s:", name);
	}
	for (uint16_t i = 0; i < an && o < size; i++) {
		uint16_t type, rdlen;
		char b[INET6_ADDRSTRLEN];

		if (read_name(m, len, &off, name, sizeof(name)) < 0 || off + 10 > len)
			goto bad;
		type = (uint16_t)(m[off] << 8 | m[off + 1]);
		rdlen = (uint16_t)(m[off + 8] << 8 | m[off + 9]);
		off += 10;
		if (off + rdlen > len)
			goto bad;
		if (type == DNS_TYPE_A && rdlen == 4)
			o += (size_t)snprintf(out + o, size - o, " A %s",
					      inet_ntop(AF_INET, m + off, b, sizeof(b)));
		else if (type == DNS_TYPE_AAAA && rdlen == 16)
			o += (size_t)snprintf(out + o, size - o, " AAAA %s",
					      inet_ntop(AF_INET6, m + off, b, sizeof(b)));
		else if (type == DNS_TYPE_PTR) {
			size_t p = off;
			if (read_name(m, len, &p, name, sizeof(name)) < 0)
				goto bad;
			o += (size_t)snprintf(out + o, size - o, " PTR %s", name);
		} else
			o += (size_t)snprintf(out + o, size - o, " type%u", type);
		off += rdlen;
	}
	return;
bad:
	snprintf(out, size, "malformed response (%zu bytes, an=%u, at %zu)", len, an, off);
}

/* Ask network @net as client @client; the reply as text, or "forward A B ...". */
static void ask(const struct fixture *f, int net, const char *client, const char *name,
		uint16_t type, char *out, size_t size)
{
	uint8_t query[512], resp[4096];
	struct dns_query q;
	struct answer a;
	struct nd_ip c;
	size_t qlen = make_query(name, type, query);
	int r;

	nd_ip_parse(client, &c);
	if (dnspkt_parse_query(query, qlen, &q) < 0) {
		snprintf(out, size, "bad query");
		return;
	}
	r = answer_query(f->st, &f->rv, "dns.podman", false, query, qlen, &q, &c, net, 4096, resp,
			 sizeof(resp), &a);
	if (r < 0) {
		snprintf(out, size, "error %s", strerror(-r));
	} else if (a.kind == ANSWER_FORWARD) {
		size_t o = (size_t)snprintf(out, size, "forward");
		for (size_t i = 0; i < a.n_upstreams; i++) {
			char b[ND_ADDRSTRLEN];
			o += (size_t)snprintf(out + o, size - o, " %s", nd_ip_str(&a.upstreams[i], b));
		}
	} else {
		render(resp, a.len, out, size);
	}
}

static void expect(const struct fixture *f, const char *test, int net, const char *client,
		   const char *name, uint16_t type, const char *want)
{
	char got[1024];

	ask(f, net, client, name, type, got, sizeof(got));
	if (!tap_result(strcmp(got, want) == 0, NULL, test)) {
		tap_diag("want: %s", want);
		tap_diag("got:  %s", got);
	}
}

int main(void)
{
	struct fixture f = {0};

	if (build_store(&f) < 0)
		return tap_result(false, NULL, "store builds"), tap_finish();

	expect(&f, "A of a bare name", 0, "10.1.0.3", "web", DNS_TYPE_A,
	       "NOERROR aa id=1234 q=web: A 10.1.0.2");
	expect(&f, "A with the search domain", 0, "10.1.0.3", "web.dns.podman", DNS_TYPE_A,
	       "NOERROR aa id=1234 q=web.dns.podman: A 10.1.0.2");
	expect(&f, "case-insensitive, question echoed as sent", 0, "10.1.0.3", "WeB.DNS.podman",
	       DNS_TYPE_A, "NOERROR aa id=1234 q=WeB.DNS.podman: A 10.1.0.2");
	expect(&f, "AAAA", 0, "10.1.0.3", "web", DNS_TYPE_AAAA,
	       "NOERROR aa id=1234 q=web: AAAA fd01::2");
	expect(&f, "an alias two containers share: both addresses", 0, "10.1.0.2", "shared",
	       DNS_TYPE_A, "NOERROR aa id=1234 q=shared: A 10.1.0.2 A 10.1.0.3");
	expect(&f, "the short (12 character) container id", 0, "10.1.0.3", "aaaaaaaaaaaa",
	       DNS_TYPE_A, "NOERROR aa id=1234 q=aaaaaaaaaaaa: A 10.1.0.2");
	expect(&f, "an id prefix longer than the short id is not a name", 0, "10.1.0.3",
	       "aaaaaaaaaaaa1.dns.podman", DNS_TYPE_A, "NXDOMAIN id=1234 q=aaaaaaaaaaaa1.dns.podman:");
	expect(&f, "NODATA: a known name without an address of that family", 0, "10.1.0.2", "api",
	       DNS_TYPE_AAAA, "NOERROR aa id=1234 q=api:");
	expect(&f, "NXDOMAIN: an unknown name in the search domain", 0, "10.1.0.2",
	       "nosuch.dns.podman", DNS_TYPE_A, "NXDOMAIN id=1234 q=nosuch.dns.podman:");
	expect(&f, "PTR of a container address", 0, "10.1.0.3", "2.0.1.10.in-addr.arpa",
	       DNS_TYPE_PTR, "NOERROR aa id=1234 q=2.0.1.10.in-addr.arpa: PTR web PTR shared");
	expect(&f, "PTR of an IPv6 container address", 0, "10.1.0.3",
	       "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.d.f.ip6.arpa",
	       DNS_TYPE_PTR,
	       "NOERROR aa id=1234 q=2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.d.f.ip6.arpa:"
	       " PTR web PTR shared");
	expect(&f, "PTR of another network's address is not answered (forwarded)", 2, "10.3.0.3",
	       "2.0.1.10.in-addr.arpa", DNS_TYPE_PTR, "forward 9.9.9.9");
	expect(&f, "names are per network: another network's container is not found", 0,
	       "10.1.0.2", "db", DNS_TYPE_A, "forward 192.0.2.53");
	expect(&f, "a stranger is refused", 0, "10.9.9.9", "web", DNS_TYPE_A,
	       "REFUSED id=1234 q=web:");
	expect(&f, "another network's container asking this network's gateway is refused", 0,
	       "10.2.0.2", "web", DNS_TYPE_A, "REFUSED id=1234 q=web:");
	expect(&f, "the query of a gone listener is dropped", -1, "10.1.0.2", "web", DNS_TYPE_A,
	       "error No such file or directory");
	expect(&f, "internal network: names answered", 1, "10.2.0.2", "db", DNS_TYPE_A,
	       "NOERROR aa id=1234 q=db: A 10.2.0.2");
	expect(&f, "internal network: other names never forwarded", 1, "10.2.0.2", "example.com",
	       DNS_TYPE_A, "NXDOMAIN id=1234 q=example.com:");
	expect(&f, "forward: without network or container servers, the host's", 0, "10.1.0.2",
	       "example.com", DNS_TYPE_A, "forward 192.0.2.53");
	expect(&f, "forward: the network's servers", 2, "10.3.0.3", "example.com", DNS_TYPE_A,
	       "forward 9.9.9.9");
	expect(&f, "forward: the container's own servers first", 2, "10.3.0.2", "example.com",
	       DNS_TYPE_A, "forward 1.1.1.1");
	store_free(f.st);
	return tap_finish();
}
