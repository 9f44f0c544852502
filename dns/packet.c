// SPDX-License-Identifier: Apache-2.0
/*
 * The DNS wire codec of netd-dns (RFC 1035, 2308, 3596, 6891).
 *
 * Reading goes through a cursor {buf, size, offset} (shared/cursor.h, the
 * one netd's DHCP codec uses too): every byte taken from a message passes
 * through nd_cur_read(), the one bounds-checked primitive, and a cursor only
 * moves when a whole item (a name, a record) was read, so a failed read
 * leaves it where it was. Writing goes the same way through nd_cur_write().
 *
 * Names are the only recursive structure in DNS and the usual source of
 * trouble, so read_name() keeps three bounds: a compression pointer must
 * point strictly before the place the current run of labels started (the
 * "jump barrier", as systemd-resolved does), which alone makes loops
 * impossible; the number of pointer hops is capped anyway; and the expanded
 * name may not exceed 255 wire bytes. Pointers into the 12-byte header are
 * never valid.
 */
#include "packet.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "shared/cursor.h"

#define DNS_MAX_LABEL 63
#define DNS_MAX_HOPS 16
/* Each label costs at least 2 wire bytes, so a name has at most 127 labels. */
#define DNS_MAX_LABELS (DNS_MAX_NAME / 2)
/* Name, type, class, ttl, rdlength: the fixed part of an RR after its name. */
#define DNS_RR_FIXED 10
#define DNS_EDNS_MAX 4096
#define DNS_OPCODE_MASK 0x7800
#define DNS_PTR_OWNER 0xc00c		/* compression pointer to offset 12 */

/* The fixed part of a resource record, after its owner name. */
struct dns_rr_head {
	uint16_t type, class;
	uint32_t ttl;
	uint16_t rdlength;
	size_t rdata;			/* offset of the rdata in the message */
};

static int read_header(struct nd_cursor *c, struct dns_header *h)
{
	struct nd_cursor t = *c;
	struct dns_header v;
	int r;

	if ((r = nd_cur_u16(&t, &v.id)) < 0 || (r = nd_cur_u16(&t, &v.flags)) < 0 ||
	    (r = nd_cur_u16(&t, &v.qdcount)) < 0 || (r = nd_cur_u16(&t, &v.ancount)) < 0 ||
	    (r = nd_cur_u16(&t, &v.nscount)) < 0 || (r = nd_cur_u16(&t, &v.arcount)) < 0)
		return r;
	*h = v;
	*c = t;
	return 0;
}

/* A label byte we can hand out as text: printable ASCII, no space, no dot. */
static bool label_char_ok(uint8_t ch)
{
	return ch >= 0x21 && ch <= 0x7e && ch != '.';
}

/*
 * read_name() - read a possibly compressed name at the cursor
 * @c:		the cursor; on success it moves past the name (past the first
 *		pointer if there is one), on failure it does not move
 * @text:	NULL to only skip the name, else where to put the dotted text
 *		(no final dot, "" for the root); labels must then be printable
 * @size:	size of @text
 * Return: 0; -EBADMSG for a truncated name, a reserved label type, a
 * pointer into the header, forwards or into the name itself, a name pointed
 * to that runs on past the pointer, too many hops, or (with @text) a label
 * we cannot represent; -EMSGSIZE for a name over DNS_MAX_NAME wire bytes.
 */
static int read_name(struct nd_cursor *c, char *text, size_t size)
{
	struct nd_cursor r = *c;
	size_t barrier = c->offset, end = 0, wire = 0, tlen = 0;
	unsigned hops = 0;

	/* Each step is a label (at most DNS_MAX_LABELS + the root) or a hop. */
	for (unsigned step = 0; step <= DNS_MAX_LABELS + DNS_MAX_HOPS + 1; step++) {
		uint8_t len, lo, label[DNS_MAX_LABEL];
		int ret;

		ret = nd_cur_u8(&r, &len);
		if (ret < 0)
			return ret;
		if ((len & 0xc0) == 0xc0) {
			size_t ptr;

			ret = nd_cur_u8(&r, &lo);
			if (ret < 0)
				return ret;
			ptr = (size_t)(len & 0x3f) << 8 | lo;
			if (ptr < DNS_HEADER_SIZE || ptr >= barrier || ++hops > DNS_MAX_HOPS)
				return -EBADMSG;
			if (hops == 1)
				end = r.offset;
			/*
			 * The name pointed to is an earlier one: it ends (or jumps
			 * again) before this pointer. So every name of a record
			 * lies in the bytes before the record's end, and a message
			 * cut after any record stays readable (dnspkt_truncate()).
			 */
			r.size = r.offset - 2;
			barrier = ptr;
			r.offset = ptr;		/* ptr < barrier <= size */
			continue;
		}
		if (len & 0xc0)
			return -EBADMSG;	/* 0x40 extended / 0x80 reserved */

		wire += 1u + len;
		if (wire > DNS_MAX_NAME)
			return -EMSGSIZE;
		if (len == 0) {
			if (text) {
				if (tlen >= size)
					return -EMSGSIZE;
				text[tlen] = '\0';
			}
			c->offset = hops ? end : r.offset;
			return 0;
		}

		ret = nd_cur_read(&r, text ? label : NULL, len);
		if (ret < 0)
			return ret;
		if (!text)
			continue;
		for (unsigned i = 0; i < len; i++)
			if (!label_char_ok(label[i]))
				return -EBADMSG;
		/* Room for an optional dot, the label and the final NUL. */
		if (size < 2 || tlen + (tlen ? 1u : 0u) + len > size - 1)
			return -EMSGSIZE;
		if (tlen)
			text[tlen++] = '.';
		memcpy(text + tlen, label, len);
		tlen += len;
	}
	return -EBADMSG;	/* not reached: the bounds above end the walk first */
}

/* Skip one question: name, type, class. */
static int skip_question(struct nd_cursor *c)
{
	struct nd_cursor t = *c;
	int r;

	r = read_name(&t, NULL, 0);
	if (r < 0)
		return r;
	r = nd_cur_read(&t, NULL, 4);
	if (r < 0)
		return r;
	*c = t;
	return 0;
}

/* Read one resource record's owner and fixed part, and skip its rdata. */
static int read_rr(struct nd_cursor *c, struct dns_rr_head *h)
{
	struct nd_cursor t = *c;
	struct dns_rr_head v;
	int r;

	if ((r = read_name(&t, NULL, 0)) < 0 || (r = nd_cur_u16(&t, &v.type)) < 0 ||
	    (r = nd_cur_u16(&t, &v.class)) < 0 || (r = nd_cur_u32(&t, &v.ttl)) < 0 ||
	    (r = nd_cur_u16(&t, &v.rdlength)) < 0)
		return r;
	v.rdata = t.offset;
	r = nd_cur_read(&t, NULL, v.rdlength);
	if (r < 0)
		return r;
	*h = v;
	*c = t;
	return 0;
}

/**
 * dnspkt_parse_query() - decode a query's header, first question and EDNS
 * @buf:	the message
 * @len:	its length
 * @q:		the result, written only on success
 *
 * Only the first question is decoded. The other questions and the answer
 * and authority records are skipped (bounds-checked) on the way to the
 * additional section, where the first OPT record gives the EDNS payload size
 * (at least DNS_UDP_MAX, at most 4096). Bytes after the last counted record
 * are ignored. A message whose opcode is not QUERY is parsed the same way;
 * the caller answers NOTIMP.
 *
 * Return: 0; -EBADMSG for anything malformed (truncated, bad labels, pointer
 * loops, forward pointers, a response instead of a query, a second OPT
 * record); -EMSGSIZE for a name over 255 bytes; -EINVAL for a NULL @buf.
 */
int dnspkt_parse_query(const uint8_t *buf, size_t len, struct dns_query *q)
{
	struct nd_cursor c = { .buf = buf, .size = len, .offset = 0 };
	struct dns_query v = { .edns_udp_size = DNS_UDP_MAX };
	int r;

	if (!buf && len)
		return -EINVAL;
	r = read_header(&c, &v.hdr);
	if (r < 0)
		return r;
	if (v.hdr.flags & DNS_FLAG_QR)
		return -EBADMSG;

	if (v.hdr.qdcount > 0) {
		r = read_name(&c, v.name, sizeof(v.name));
		if (r < 0)
			return r;
		if ((r = nd_cur_u16(&c, &v.qtype)) < 0 || (r = nd_cur_u16(&c, &v.qclass)) < 0)
			return r;
		v.has_question = true;
	}
	v.question_end = c.offset;

	for (unsigned i = 1; i < v.hdr.qdcount; i++) {
		r = skip_question(&c);
		if (r < 0)
			return r;
	}

	/* Answer, authority, then additional records; at most 3 * 65535. */
	for (unsigned i = 0; i < (unsigned)v.hdr.ancount + v.hdr.nscount + v.hdr.arcount; i++) {
		struct dns_rr_head rr;

		r = read_rr(&c, &rr);
		if (r < 0)
			return r;
		if (i < (unsigned)v.hdr.ancount + v.hdr.nscount || rr.type != DNS_TYPE_OPT)
			continue;
		if (v.has_edns)
			return -EBADMSG;	/* RFC 6891 6.1.1: at most one OPT */
		v.has_edns = true;
		v.edns_udp_size = rr.class < DNS_UDP_MAX ? DNS_UDP_MAX :
				  rr.class > DNS_EDNS_MAX ? DNS_EDNS_MAX : rr.class;
	}

	*q = v;
	return 0;
}

/*
 * Encode a dotted name (no final dot, "" for the root) into @out.
 * Return: the wire length, or -EINVAL for an empty or 64+ byte label or a
 * name over DNS_MAX_NAME wire bytes.
 */
static int encode_name(const char *name, uint8_t out[static DNS_MAX_NAME])
{
	size_t n = strnlen(name, DNS_MAX_NAME), o = 0, start = 0;

	/*
	 * Labels and dots take n bytes, the first length byte and the final
	 * zero 2 more: n + 2 <= DNS_MAX_NAME keeps every write inside @out.
	 */
	if (n + 2 > DNS_MAX_NAME)
		return -EINVAL;
	if (n == 0) {
		out[0] = 0;
		return 1;
	}
	for (size_t i = 0; i <= n; i++) {
		size_t l;

		if (i < n && name[i] != '.')
			continue;
		l = i - start;
		if (l == 0 || l > DNS_MAX_LABEL)
			return -EINVAL;
		out[o++] = (uint8_t)l;
		memcpy(out + o, name + start, l);
		o += l;
		start = i + 1;
	}
	out[o++] = 0;
	return (int)o;
}

/* The rdata of @rr in @rdata. Return: its length, or -EINVAL. */
static int rr_rdata(const struct dns_rr *rr, uint8_t rdata[static DNS_MAX_NAME])
{
	switch (rr->type) {
	case DNS_TYPE_A:
		if (rr->ip.family != AF_INET)
			return -EINVAL;
		memcpy(rdata, rr->ip.b, 4);
		return 4;
	case DNS_TYPE_AAAA:
		if (rr->ip.family != AF_INET6)
			return -EINVAL;
		memcpy(rdata, rr->ip.b, 16);
		return 16;
	case DNS_TYPE_PTR:
		if (!rr->ptr)
			return -EINVAL;
		return encode_name(rr->ptr, rdata);
	default:
		return -EINVAL;
	}
}

/* Write one answer record. */
static int put_rr(struct nd_wcursor *w, bool owner_ptr, const struct dns_rr *rr)
{
	struct nd_wcursor t = *w;
	uint8_t rdata[DNS_MAX_NAME], root = 0;
	int len, r;

	len = rr_rdata(rr, rdata);
	if (len < 0)
		return len;
	r = owner_ptr ? nd_cur_put_u16(&t, DNS_PTR_OWNER) : nd_cur_write(&t, &root, 1);
	if (r < 0 || (r = nd_cur_put_u16(&t, rr->type)) < 0 ||
	    (r = nd_cur_put_u16(&t, DNS_CLASS_IN)) < 0 || (r = nd_cur_put_u32(&t, rr->ttl)) < 0 ||
	    (r = nd_cur_put_u16(&t, (uint16_t)len)) < 0 ||
	    (r = nd_cur_write(&t, rdata, (size_t)len)) < 0)
		return r;
	*w = t;
	return 0;
}

static int put_header(struct nd_wcursor *w, const struct dns_header *h)
{
	struct nd_wcursor t = *w;
	int r;

	if ((r = nd_cur_put_u16(&t, h->id)) < 0 || (r = nd_cur_put_u16(&t, h->flags)) < 0 ||
	    (r = nd_cur_put_u16(&t, h->qdcount)) < 0 || (r = nd_cur_put_u16(&t, h->ancount)) < 0 ||
	    (r = nd_cur_put_u16(&t, h->nscount)) < 0 || (r = nd_cur_put_u16(&t, h->arcount)) < 0)
		return r;
	*w = t;
	return 0;
}

/**
 * dnspkt_build_answer() - a response to @q built from @query
 * @out:	where to write the response
 * @cap:	size of @out
 * @query:	the original query bytes (its first question is copied verbatim)
 * @qlen:	length of @query, at least @q->question_end
 * @q:		@query as parsed by dnspkt_parse_query()
 * @rcode:	DNS_RCODE_* (0..15)
 * @aa:		authoritative answer bit
 * @rrs:	answer records (A, AAAA or PTR); the owner is a compression
 *		pointer to the question name, or the root when the query had
 *		no question
 * @n:		number of @rrs
 * @max:	largest response allowed (512, the EDNS size, or 65535 on TCP);
 *		when the answers do not fit in min(@max, @cap, 65535), they
 *		are all dropped and TC is set
 *
 * Copies id, opcode and RD from the query; sets QR and RA; echoes no OPT
 * record. The question count is 1, or 0 for a query without a question.
 *
 * Return: the response length; -ENOSPC when even the header and question do
 * not fit in min(@max, @cap); -EINVAL for an inconsistent @q, a bad @rcode or
 * a record that cannot be encoded (wrong address family, bad PTR name).
 */
int dnspkt_build_answer(uint8_t *out, size_t cap, const uint8_t *query, size_t qlen,
			const struct dns_query *q, int rcode, bool aa, const struct dns_rr *rrs,
			size_t n, size_t max)
{
	/* No DNS message is longer than 65535 bytes, not even over TCP. */
	size_t limit = cap < max ? cap : max;
	struct nd_wcursor w = { .buf = out, .size = limit < UINT16_MAX ? limit : UINT16_MAX };
	struct nd_wcursor hw = { .buf = out, .size = DNS_HEADER_SIZE, .offset = 0 };
	struct dns_header h = {
		.id = q->hdr.id,
		.flags = (uint16_t)(DNS_FLAG_QR | (q->hdr.flags & (DNS_OPCODE_MASK | DNS_FLAG_RD)) |
				    DNS_FLAG_RA | (aa ? DNS_FLAG_AA : 0) | (rcode & 0xf)),
		.qdcount = q->has_question ? 1 : 0,
	};
	size_t owner = q->has_question ? 2 : 1, need = 0;
	int r;

	if (rcode < 0 || rcode > 0xf || (n && !rrs) || (!out && cap) || !query)
		return -EINVAL;
	if (q->question_end < DNS_HEADER_SIZE || q->question_end > qlen ||
	    q->has_question != (q->question_end > DNS_HEADER_SIZE))
		return -EINVAL;

	/* Validate every record and add up the answer section's size. */
	for (size_t i = 0; i < n; i++) {
		uint8_t rdata[DNS_MAX_NAME];
		int l = rr_rdata(&rrs[i], rdata);

		if (l < 0)
			return l;
		need += owner + DNS_RR_FIXED + (size_t)l;
	}

	/* The header goes out with ancount 0 and is rewritten if answers fit. */
	r = put_header(&w, &h);
	if (r < 0)
		return r;
	r = nd_cur_write(&w, query + DNS_HEADER_SIZE, q->question_end - DNS_HEADER_SIZE);
	if (r < 0)
		return r;
	if (n > UINT16_MAX || need > w.size - w.offset) {
		h.flags |= DNS_FLAG_TC;
	} else {
		for (size_t i = 0; i < n; i++) {
			r = put_rr(&w, q->has_question, &rrs[i]);
			if (r < 0)
				return r;	/* not reached: the size was checked */
		}
		h.ancount = (uint16_t)n;
	}

	r = put_header(&hw, &h);
	if (r < 0)
		return r;
	return (int)w.offset;
}

/**
 * dnspkt_build_error() - a header-only error response
 * @out:	where to write it
 * @cap:	size of @out
 * @id:		the query's id
 * @qflags:	the query's flags: RD and the opcode are copied
 * @rcode:	DNS_RCODE_* (0..15)
 *
 * For a message whose id could be read but which cannot be answered
 * properly (FORMERR, NOTIMP, SERVFAIL...). All counts are zero.
 *
 * Return: DNS_HEADER_SIZE; -ENOSPC when @cap is smaller; -EINVAL for a bad
 * @rcode.
 */
int dnspkt_build_error(uint8_t *out, size_t cap, uint16_t id, uint16_t qflags, int rcode)
{
	struct nd_wcursor w = { .buf = out, .size = out ? cap : 0, .offset = 0 };
	struct dns_header h = {
		.id = id,
		.flags = (uint16_t)(DNS_FLAG_QR | (qflags & (DNS_OPCODE_MASK | DNS_FLAG_RD)) |
				    (rcode & 0xf)),
	};
	int r;

	if (rcode < 0 || rcode > 0xf)
		return -EINVAL;
	r = put_header(&w, &h);
	if (r < 0)
		return r;
	return (int)w.offset;
}

/*
 * The OPT record of @h's additional section, whose owner is the root, as
 * its offset and length in @buf (*olen 0 when there is none or the message
 * is malformed before it).
 */
static void find_opt(const uint8_t *buf, size_t len, const struct dns_header *h, size_t *off,
		     size_t *olen)
{
	struct nd_cursor c = { .buf = buf, .size = len, .offset = DNS_HEADER_SIZE };
	unsigned before = (unsigned)h->ancount + h->nscount, n = before + h->arcount;

	*olen = 0;
	for (unsigned i = 0; i < h->qdcount; i++)
		if (skip_question(&c) < 0)
			return;
	for (unsigned i = 0; i < n; i++) {
		size_t start = c.offset;
		struct dns_rr_head rr;

		if (read_rr(&c, &rr) < 0)
			return;
		if (i >= before && rr.type == DNS_TYPE_OPT && buf[start] == 0) {
			*off = start;
			*olen = c.offset - start;
			return;
		}
	}
}

/**
 * dnspkt_truncate() - fit a response into a client's UDP limit
 * @buf:	the response, rewritten in place
 * @len:	its length
 * @max:	the client's limit (512, or its EDNS size)
 *
 * A response longer than @max keeps its header, its questions and as many
 * whole records (answer, then authority, then additional) as fit in @max;
 * the section counts are rewritten and TC is set, so the client asks again
 * over TCP. Records are never cut: compression pointers only point
 * backwards, so the kept prefix stays a valid message. The response's OPT
 * record (EDNS) is kept whenever it fits beside the header and questions
 * (RFC 6891, section 7): room is made for it by dropping records, and it
 * ends the message. When the questions themselves do not fit, or the
 * message is malformed before the limit, what remains is the header alone
 * (counts 0, TC set). A response that fits is left alone.
 *
 * Return: the new length (@len when it fit; 0 only for @len under a header).
 */
size_t dnspkt_truncate(uint8_t *buf, size_t len, size_t max)
{
	struct nd_cursor c = { .buf = buf, .size = len, .offset = 0 };
	struct nd_wcursor hw = { .buf = buf, .size = DNS_HEADER_SIZE, .offset = 0 };
	struct dns_header h, out;
	uint16_t *counts[3] = { &out.ancount, &out.nscount, &out.arcount };
	size_t end, opt_off = 0, opt_len = 0, keep_opt = 0;

	if (len <= max)
		return len;
	if (!buf || max < DNS_HEADER_SIZE || read_header(&c, &h) < 0)
		return 0;
	out = (struct dns_header){ .id = h.id, .flags = h.flags | DNS_FLAG_TC };
	end = DNS_HEADER_SIZE;
	for (unsigned i = 0; i < h.qdcount; i++)
		if (skip_question(&c) < 0 || c.offset > max)
			goto done;
	out.qdcount = h.qdcount;
	end = c.offset;
	find_opt(buf, len, &h, &opt_off, &opt_len);
	if (opt_len && end + opt_len <= max)
		keep_opt = opt_len;
	for (unsigned sec = 0; sec < 3; sec++) {
		unsigned n = sec == 0 ? h.ancount : sec == 1 ? h.nscount : h.arcount;
		for (unsigned i = 0; i < n; i++) {
			struct dns_rr_head rr;
			if ((keep_opt && c.offset == opt_off) || read_rr(&c, &rr) < 0 ||
			    c.offset + keep_opt > max)
				goto done;
			(*counts[sec])++;
			end = c.offset;
		}
	}
done:
	if (keep_opt) {
		/* The OPT record lies at or after @end: move it down to end the message. */
		memmove(buf + end, buf + opt_off, keep_opt);
		end += keep_opt;
		out.arcount++;
	}
	(void)put_header(&hw, &out);
	return end;
}

static char ascii_lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Case-insensitive (ASCII) comparison of @a with the lower-case @suffix. */
static bool ends_with_ci(const char *a, size_t alen, const char *suffix)
{
	size_t sl = strlen(suffix);

	if (alen < sl)
		return false;
	for (size_t i = 0; i < sl; i++)
		if (ascii_lower(a[alen - sl + i]) != suffix[i])
			return false;
	return true;
}

static int hex_nibble(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = ascii_lower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* "d.c.b.a." (the part before "in-addr.arpa") into an IPv4 address. */
static int reverse_v4(const char *s, size_t len, struct nd_ip *ret)
{
	struct nd_ip ip = { .family = AF_INET };
	size_t i = 0;

	for (unsigned k = 0; k < 4; k++) {
		unsigned v = 0, digits = 0;

		for (; i < len && s[i] != '.'; i++) {
			if (s[i] < '0' || s[i] > '9' || ++digits > 3)
				return -EINVAL;
			v = v * 10 + (unsigned)(s[i] - '0');
		}
		/* One to three digits, no leading zero, at most 255, then a dot. */
		if (digits == 0 || v > 255 || (digits > 1 && s[i - digits] == '0') ||
		    i >= len)
			return -EINVAL;
		ip.b[3 - k] = (uint8_t)v;
		i++;
	}
	if (i != len)
		return -EINVAL;
	*ret = ip;
	return 0;
}

/* "x.x.(32 nibbles)." (the part before "ip6.arpa") into an IPv6 address. */
static int reverse_v6(const char *s, size_t len, struct nd_ip *ret)
{
	struct nd_ip ip = { .family = AF_INET6 };

	if (len != 64)
		return -EINVAL;
	for (unsigned k = 0; k < 32; k++) {
		int v = hex_nibble(s[2 * k]);

		if (v < 0 || s[2 * k + 1] != '.')
			return -EINVAL;
		/* The first label is the low nibble of the last byte. */
		ip.b[15 - k / 2] |= (uint8_t)(k % 2 ? v << 4 : v);
	}
	*ret = ip;
	return 0;
}

/**
 * dnspkt_reverse_name() - the address a PTR question asks about
 * @name:	a dotted name without the final dot
 * @ret:	the address, written only on success
 *
 * Accepts "d.c.b.a.in-addr.arpa" (exactly 4 decimal labels 0..255 without
 * leading zeros) and the 32-nibble "x.x....ip6.arpa" form, case-insensitively.
 *
 * Return: 0, or -EINVAL when @name is not a full reverse name.
 */
int dnspkt_reverse_name(const char *name, struct nd_ip *ret)
{
	size_t len;

	if (!name)
		return -EINVAL;
	len = strnlen(name, DNS_MAX_TEXT + 1);
	if (len > DNS_MAX_TEXT)
		return -EINVAL;
	/* The suffixes include their leading dot, so "in-addr.arpa" alone fails. */
	if (ends_with_ci(name, len, ".in-addr.arpa"))
		return reverse_v4(name, len - strlen("in-addr.arpa"), ret);
	if (ends_with_ci(name, len, ".ip6.arpa"))
		return reverse_v6(name, len - strlen("ip6.arpa"), ret);
	return -EINVAL;
}

/**
 * dnspkt_ptr_name() - the reverse name of an address
 * @ip:		an IPv4 or IPv6 address
 * @out:	where to write "4.3.2.1.in-addr.arpa" or the 32-nibble ip6.arpa
 *		name (lower-case hex); 74 bytes always suffice
 * @size:	size of @out; a shorter buffer gets a truncated, terminated name
 *
 * An address of no family gives "".
 */
void dnspkt_ptr_name(const struct nd_ip *ip, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	char buf[74];
	size_t o = 0;

	if (!out || size == 0)
		return;
	if (ip->family == AF_INET) {
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u.in-addr.arpa",
			 ip->b[3], ip->b[2], ip->b[1], ip->b[0]);
	} else if (ip->family == AF_INET6) {
		for (int i = 15; i >= 0; i--) {
			buf[o++] = hex[ip->b[i] & 0xf];
			buf[o++] = '.';
			buf[o++] = hex[ip->b[i] >> 4];
			buf[o++] = '.';
		}
		memcpy(buf + o, "ip6.arpa", sizeof("ip6.arpa"));
	} else {
		buf[0] = '\0';
	}
	o = strnlen(buf, sizeof(buf) - 1);
	if (o > size - 1)
		o = size - 1;
	memcpy(out, buf, o);
	out[o] = '\0';
}

/**
 * dnspkt_lower() - lower-case copy of a dotted name
 * @in:		the name
 * @out:	where to copy it (may be @in); truncated to @size - 1 bytes
 * @size:	size of @out
 *
 * Only ASCII A-Z change, independent of the locale, as DNS compares names.
 *
 * Return: @out.
 */
char *dnspkt_lower(const char *in, char *out, size_t size)
{
	size_t i = 0;

	if (!out || size == 0)
		return out;
	for (; in && in[i] && i < size - 1; i++)
		out[i] = ascii_lower(in[i]);
	out[i] = '\0';
	return out;
}

/* RFC 2181 8: a TTL with the top bit set is treated as zero. */
static uint32_t ttl_value(uint32_t ttl)
{
	return ttl > INT32_MAX ? 0 : ttl;
}

/*
 * The negative-caching TTL of one SOA record: min(its TTL, MINIMUM), after
 * checking that the rdata is exactly two names and five 32-bit fields.
 */
static int soa_ttl(const uint8_t *buf, size_t len, const struct dns_rr_head *rr, uint32_t *ret)
{
	/* Names may point backwards anywhere, but must end inside the rdata. */
	struct nd_cursor c = { .buf = buf, .size = rr->rdata + rr->rdlength, .offset = rr->rdata };
	uint32_t minimum;
	int r;

	if (c.size > len)
		return -EBADMSG;
	if ((r = read_name(&c, NULL, 0)) < 0 || (r = read_name(&c, NULL, 0)) < 0 ||
	    (r = nd_cur_read(&c, NULL, 16)) < 0 || (r = nd_cur_u32(&c, &minimum)) < 0)
		return r == -EMSGSIZE ? -EBADMSG : r;
	if (c.offset != c.size)
		return -EBADMSG;
	*ret = ttl_value(minimum) < ttl_value(rr->ttl) ? ttl_value(minimum) : ttl_value(rr->ttl);
	return 0;
}

/**
 * dnspkt_response_ttl() - how long an upstream response may be cached
 * @buf:	the response
 * @len:	its length
 * @ttl:	the TTL in seconds, written only on success
 * @rcode:	the header's rcode, written only on success (may be NULL)
 *
 * The whole message is walked with bounds checks. With answers, the TTL is
 * the minimum over the answer and authority records. Without answers
 * (NXDOMAIN or NODATA), it is min(SOA TTL, SOA MINIMUM) of the SOA record in
 * the authority section (RFC 2308 5; the smallest if there are several).
 * TTLs with the top bit set count as 0 (RFC 2181 8). Trailing bytes after
 * the counted records are ignored.
 *
 * Return: 0; -EBADMSG for a malformed message or a query (QR clear);
 * -ENODATA when there is nothing to derive a TTL from.
 */
int dnspkt_response_ttl(const uint8_t *buf, size_t len, uint32_t *ttl, int *rcode)
{
	struct nd_cursor c = { .buf = buf, .size = len, .offset = 0 };
	struct dns_header h;
	uint32_t min = UINT32_MAX;
	bool found = false;
	int r;

	if (!buf && len)
		return -EINVAL;
	r = read_header(&c, &h);
	if (r < 0)
		return r;
	if (!(h.flags & DNS_FLAG_QR))
		return -EBADMSG;
	for (unsigned i = 0; i < h.qdcount; i++) {
		r = skip_question(&c);
		if (r < 0)
			return r == -EMSGSIZE ? -EBADMSG : r;
	}
	for (unsigned i = 0; i < (unsigned)h.ancount + h.nscount + h.arcount; i++) {
		struct dns_rr_head rr;
		uint32_t t;

		r = read_rr(&c, &rr);
		if (r < 0)
			return r == -EMSGSIZE ? -EBADMSG : r;
		if (i >= (unsigned)h.ancount + h.nscount)
			continue;		/* additional: checked, not used */
		if (h.ancount > 0) {
			t = ttl_value(rr.ttl);
		} else if (rr.type == DNS_TYPE_SOA) {
			r = soa_ttl(buf, len, &rr, &t);
			if (r < 0)
				return r;
		} else {
			continue;
		}
		if (t < min)
			min = t;
		found = true;
	}
	if (!found)
		return -ENODATA;
	*ttl = min;
	if (rcode)
		*rcode = DNS_RCODE(h.flags);
	return 0;
}
