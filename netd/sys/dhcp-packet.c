// SPDX-License-Identifier: Apache-2.0
/*
 * DHCPv4 codec. Every read goes through a cursor bounded by the buffer
 * (shared/cursor.h, the one netd-dns's DNS codec uses too); the options area
 * is walked once, each option taken whole from what is left. Writes go
 * through the writing cursor, which refuses to pass the end and remembers
 * that it had to.
 */
#include "dhcp-packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "shared/cursor.h"

#define BOOTREQUEST 1
#define BOOTREPLY 2
#define MAGIC 0x63825363u

enum {
	OPT_PAD = 0, OPT_MASK = 1, OPT_ROUTER = 3, OPT_DNS = 6, OPT_HOSTNAME = 12,
	OPT_DOMAIN = 15, OPT_REQUESTED = 50, OPT_LEASE = 51, OPT_OVERLOAD = 52,
	OPT_TYPE = 53, OPT_SERVER_ID = 54, OPT_PRL = 55, OPT_MAX_SIZE = 57, OPT_T1 = 58,
	OPT_T2 = 59, OPT_CLIENT_ID = 61, OPT_SEARCH = 119, OPT_END = 255,
};

const char *dhcp_type_name(enum dhcp_type t)
{
	static const char *const names[] = {
		[DHCP_DISCOVER] = "DISCOVER", [DHCP_OFFER] = "OFFER", [DHCP_REQUEST] = "REQUEST",
		[DHCP_DECLINE] = "DECLINE", [DHCP_ACK] = "ACK", [DHCP_NAK] = "NAK",
		[DHCP_RELEASE] = "RELEASE",
	};

	if ((unsigned)t < sizeof(names) / sizeof(names[0]) && names[t])
		return names[t];
	return "unknown";
}

bool dhcp_addr_usable(uint32_t a)
{
	uint32_t h = ntohl(a);

	return h != 0 && (h >> 24) != 0 && (h >> 24) != 127 && (h >> 16) != 0xa9fe &&
	       (h >> 28) < 0xe;	/* 224/4 multicast, 240/4 class E and broadcast */
}

int dhcp_mask_len(uint32_t mask)
{
	uint32_t h = ntohl(mask);
	int n = 0;

	while (n < 32 && (h & (0x80000000u >> n)))
		n++;
	if (n < 32 && (h << n) != 0)
		return -EINVAL;
	return n;
}

/* --- building --- */

/*
 * Options are appended without checking each write: a write that does not
 * fit sets w->overflow, which dhcp_build() checks once at the end.
 */
static void put_opt(struct nd_wcursor *w, uint8_t code, const void *p, size_t len)
{
	(void)nd_cur_put_u8(w, code);
	(void)nd_cur_put_u8(w, (uint8_t)len);
	(void)nd_cur_write(w, p, len);
}

static void put_addr_opt(struct nd_wcursor *w, uint8_t code, uint32_t a)
{
	if (a)
		put_opt(w, code, &a, 4);
}

static uint16_t csum(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int dhcp_build(uint8_t *buf, size_t size, const struct dhcp_out *m, uint32_t src, uint32_t dst)
{
	static const uint8_t prl[] = { OPT_MASK, OPT_ROUTER, OPT_DNS, OPT_DOMAIN, OPT_LEASE,
				       OPT_T1, OPT_T2, OPT_SEARCH };
	uint8_t hdr[DHCP_FIXED_LEN] = { BOOTREQUEST, 1, 6, 0 };
	struct nd_wcursor w = { .buf = buf, .size = size, .offset = 28 };
	uint32_t xid = htonl(m->xid), magic = htonl(MAGIC);
	uint16_t maxsz = htons(DHCP_FRAME_MAX);
	uint8_t type = (uint8_t)m->type;
	size_t hl, udplen;
	uint16_t c;

	if (m->type < DHCP_DISCOVER || m->type > DHCP_RELEASE || m->type == DHCP_OFFER ||
	    m->type == DHCP_ACK || m->type == DHCP_NAK)
		return -EINVAL;
	if (m->client_id && (m->client_id_len == 0 || m->client_id_len > 255))
		return -EINVAL;
	if (size < 28)
		return -EMSGSIZE;
	memcpy(hdr + 4, &xid, 4);
	if (m->type == DHCP_DISCOVER || (m->type == DHCP_REQUEST && !m->ciaddr))
		hdr[10] = 0x80;	/* broadcast flag: we cannot receive unicast yet */
	memcpy(hdr + 12, &m->ciaddr, 4);
	memcpy(hdr + 28, m->mac, 6);
	(void)nd_cur_write(&w, hdr, sizeof(hdr));
	(void)nd_cur_write(&w, &magic, 4);
	put_opt(&w, OPT_TYPE, &type, 1);
	if (m->client_id)
		put_opt(&w, OPT_CLIENT_ID, m->client_id, m->client_id_len);
	put_addr_opt(&w, OPT_REQUESTED, m->requested);
	put_addr_opt(&w, OPT_SERVER_ID, m->server_id);
	if (m->type == DHCP_DISCOVER || m->type == DHCP_REQUEST) {
		size_t hn = m->hostname ? strnlen(m->hostname, 64) : 0;

		if (hn > 0 && hn < 64)
			put_opt(&w, OPT_HOSTNAME, m->hostname, hn);
		put_opt(&w, OPT_MAX_SIZE, &maxsz, 2);
		put_opt(&w, OPT_PRL, prl, sizeof(prl));
	}
	(void)nd_cur_put_u8(&w, OPT_END);
	while (!w.overflow && w.offset < 28 + 300)	/* BOOTP minimum, some servers insist */
		(void)nd_cur_put_u8(&w, OPT_PAD);
	if (w.overflow)
		return -EMSGSIZE;

	/* IPv4 header, then UDP with its pseudo-header checksum. */
	udplen = w.offset - 20;
	hl = w.offset;
	buf[0] = 0x45;
	buf[1] = 0x10;
	buf[2] = (uint8_t)(hl >> 8);
	buf[3] = (uint8_t)hl;
	memset(buf + 4, 0, 4);
	buf[8] = 64;
	buf[9] = IPPROTO_UDP;
	buf[10] = buf[11] = 0;
	memcpy(buf + 12, &src, 4);
	memcpy(buf + 16, &dst, 4);
	c = csum(buf, 20, 0);
	buf[10] = (uint8_t)(c >> 8);
	buf[11] = (uint8_t)c;
	buf[20] = 0;
	buf[21] = DHCP_CLIENT_PORT;
	buf[22] = 0;
	buf[23] = DHCP_SERVER_PORT;
	buf[24] = (uint8_t)(udplen >> 8);
	buf[25] = (uint8_t)udplen;
	buf[26] = buf[27] = 0;
	{
		uint32_t pseudo = 0;

		for (int i = 12; i < 20; i += 2)
			pseudo += (uint32_t)buf[i] << 8 | buf[i + 1];
		pseudo += IPPROTO_UDP + (uint32_t)udplen;
		c = csum(buf + 20, udplen, pseudo);
		if (c == 0)
			c = 0xffff;
		buf[26] = (uint8_t)(c >> 8);
		buf[27] = (uint8_t)c;
	}
	return (int)hl;
}

/* --- parsing --- */

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

#define NAME_HOPS_MAX 16

/*
 * One name of an RFC 1035 encoded list (option 119, RFC 3397) at @c:
 * labels, with compression pointers that must point backwards within the
 * option, at most NAME_HOPS_MAX of them. All reads go through a copy of @c,
 * which a pointer moves back; @c moves past the name's own bytes (up to
 * and including its first pointer) only on success.
 * Return: 0 and the dotted name, -EBADMSG.
 */
static int read_name(struct nd_cursor *c, char *out, size_t outsz)
{
	struct nd_cursor at = *c, end = *c;
	unsigned hops = 0;
	size_t o = 0;

	for (;;) {
		size_t here = at.offset, target;
		const uint8_t *label;
		uint8_t l, low;

		if (nd_cur_u8(&at, &l) < 0)
			return -EBADMSG;
		if ((l & 0xc0) == 0xc0) {
			if (nd_cur_u8(&at, &low) < 0 || ++hops > NAME_HOPS_MAX)
				return -EBADMSG;
			target = (size_t)(l & 0x3f) << 8 | low;
			if (target >= here)
				return -EBADMSG;
			if (hops == 1)
				end = at;
			/* Backwards only, so within the option: the cursor's invariant holds. */
			at.offset = target;
			continue;
		}
		if (l & 0xc0)
			return -EBADMSG;
		if (l == 0) {
			if (hops == 0)
				end = at;
			break;
		}
		if (nd_cur_take(&at, l, &label) < 0 || o + l + 2 > outsz)
			return -EBADMSG;
		if (o)
			out[o++] = '.';
		for (size_t i = 0; i < l; i++) {
			if (label[i] <= 0x20 || label[i] >= 0x7f || label[i] == '.')
				return -EBADMSG;
			out[o++] = (char)label[i];
		}
	}
	out[o] = '\0';
	*c = end;
	return 0;
}

/* Option 15: printable text, may end in NULs. */
static int read_text(const uint8_t *d, size_t len, char *out, size_t outsz)
{
	while (len && d[len - 1] == 0)
		len--;
	if (len == 0 || len >= outsz)
		return -EBADMSG;
	for (size_t i = 0; i < len; i++) {
		if (d[i] <= 0x20 || d[i] >= 0x7f)
			return -EBADMSG;
		out[i] = (char)d[i];
	}
	out[len] = '\0';
	return 0;
}

static int want_len(uint8_t l, uint8_t need, bool multiple)
{
	if (multiple ? (l == 0 || l % need) : l != need)
		return -EBADMSG;
	return 0;
}

/*
 * The fixed BOOTP header and the magic cookie: op, htype, hlen, hops, xid,
 * secs, flags, ciaddr, yiaddr, siaddr, giaddr, chaddr (16), sname (64),
 * file (128). Return: 0 or -EBADMSG.
 */
static int read_fixed(struct nd_cursor *c, struct dhcp_reply *r)
{
	uint8_t op, htype, hlen;
	uint32_t magic;

	if (nd_cur_u8(c, &op) < 0 || nd_cur_u8(c, &htype) < 0 || nd_cur_u8(c, &hlen) < 0 ||
	    nd_cur_read(c, NULL, 1) < 0 || nd_cur_u32(c, &r->xid) < 0 ||
	    nd_cur_read(c, NULL, 8) < 0 || nd_cur_read(c, &r->yiaddr, 4) < 0 ||
	    nd_cur_read(c, NULL, 8) < 0 || nd_cur_read(c, r->chaddr, 6) < 0 ||
	    nd_cur_read(c, NULL, DHCP_FIXED_LEN - 34) < 0 || nd_cur_u32(c, &magic) < 0)
		return -EBADMSG;
	if (op != BOOTREPLY || htype != 1 || hlen != 6 || magic != MAGIC)
		return -EBADMSG;
	return 0;
}

int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_reply *ret)
{
	struct nd_cursor c = { .buf = buf, .size = len };
	struct dhcp_reply r = {0};
	bool seen_end = false;
	size_t search_len = 0;
	uint8_t search[255 * 3];

	if (read_fixed(&c, &r) < 0)
		return -EBADMSG;
	while (c.offset < c.size) {
		uint8_t code, l;
		const uint8_t *d;

		(void)nd_cur_u8(&c, &code);	/* cannot fail: a byte is left */
		if (code == OPT_PAD)
			continue;
		if (code == OPT_END) {
			seen_end = true;
			break;
		}
		if (nd_cur_u8(&c, &l) < 0 || nd_cur_take(&c, l, &d) < 0)
			return -EBADMSG;
		switch (code) {
		case OPT_TYPE:
			if (want_len(l, 1, false) < 0 || d[0] < DHCP_DISCOVER || d[0] > DHCP_RELEASE)
				return -EBADMSG;
			r.type = d[0];
			break;
		case OPT_MASK:
			if (want_len(l, 4, false) < 0 || dhcp_mask_len(rd32(d)) < 0)
				return -EBADMSG;
			r.mask = rd32(d);
			break;
		case OPT_ROUTER:
			if (want_len(l, 4, true) < 0)
				return -EBADMSG;
			r.router = rd32(d);
			break;
		case OPT_DNS:
			if (want_len(l, 4, true) < 0)
				return -EBADMSG;
			for (size_t i = 0; i + 4 <= l && r.n_dns < DHCP_MAX_DNS; i += 4)
				r.dns[r.n_dns++] = rd32(d + i);
			break;
		case OPT_SERVER_ID:
			if (want_len(l, 4, false) < 0)
				return -EBADMSG;
			r.server_id = rd32(d);
			break;
		case OPT_LEASE:
		case OPT_T1:
		case OPT_T2:
			if (want_len(l, 4, false) < 0)
				return -EBADMSG;
			*(code == OPT_LEASE ? &r.lease : code == OPT_T1 ? &r.t1 : &r.t2) =
				ntohl(rd32(d));
			break;
		case OPT_DOMAIN:
			if (read_text(d, l, r.domain, sizeof(r.domain)) < 0)
				return -EBADMSG;
			break;
		case OPT_SEARCH:
			/* Long lists are split over several options (RFC 3396): join them. */
			if (search_len + l > sizeof(search))
				return -EBADMSG;
			memcpy(search + search_len, d, l);
			search_len += l;
			break;
		case OPT_OVERLOAD:
			/* Options in sname/file: not used by the servers we meet; ignore. */
		default:
			break;
		}
	}
	if (!seen_end || r.type == 0)
		return -EBADMSG;
	for (struct nd_cursor sc = { .buf = search, .size = search_len };
	     sc.offset < sc.size && r.n_search < DHCP_SEARCH_MAX;)
		if (read_name(&sc, r.search[r.n_search++], DHCP_DOMAIN_MAX) < 0)
			return -EBADMSG;
	*ret = r;
	return 0;
}

int dhcp_parse_frame(const uint8_t *buf, size_t len, struct dhcp_reply *ret)
{
	size_t ihl, tot, ulen;
	const uint8_t *u;

	if (len < 20 || (buf[0] >> 4) != 4)
		return -ENOMSG;
	ihl = (size_t)(buf[0] & 0xf) * 4;
	tot = (size_t)buf[2] << 8 | buf[3];
	if (ihl < 20 || tot < ihl + 8 || tot > len || buf[9] != IPPROTO_UDP)
		return -ENOMSG;
	if ((buf[6] & 0x3f) || buf[7])	/* a fragment: servers do not fragment replies */
		return -ENOMSG;
	if (csum(buf, ihl, 0) != 0)
		return -EBADMSG;
	u = buf + ihl;
	if ((u[0] << 8 | u[1]) != DHCP_SERVER_PORT || (u[2] << 8 | u[3]) != DHCP_CLIENT_PORT)
		return -ENOMSG;
	ulen = (size_t)u[4] << 8 | u[5];
	if (ulen < 8 || ulen > tot - ihl)
		return -EBADMSG;
	return dhcp_parse(u + 8, ulen - 8, ret);
}
