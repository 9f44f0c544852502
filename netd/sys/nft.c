// SPDX-License-Identifier: Apache-2.0
#include "nft.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "shared/cleanup.h"

#define NFTB_BATCH_LIMIT (8u << 20)

struct nftb {
	char *table;
	struct mnl_nlmsg_batch *batch;
	char *buf;
	size_t buf_size;
	uint32_t seq0, seq;
	const char **labels;		/* per message, indexed by seq - seq0 - 1 */
	size_t n_msgs, cap_labels;
	uint32_t set_id;
	bool tolerant;
};

static int open_socket(struct mnl_socket **ret)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	int one = 1;

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = -errno;
		mnl_socket_close(nl);
		return r;
	}
	(void)mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	*ret = nl;
	return 0;
}

int nftb_new(const char *table, struct nftb **ret)
{
	struct nftb *b = calloc(1, sizeof(*b));

	if (!b)
		return -ENOMEM;
	b->table = strdup(table);
	/* mnl wants room for one message past the limit; the pages are only touched as used. */
	b->buf_size = NFTB_BATCH_LIMIT + MNL_SOCKET_BUFFER_SIZE * 16;
	b->buf = malloc(b->buf_size);
	if (!b->table || !b->buf) {
		nftb_free(b);
		return -ENOMEM;
	}
	b->batch = mnl_nlmsg_batch_start(b->buf, NFTB_BATCH_LIMIT);
	b->seq0 = b->seq = (uint32_t)time(NULL) << 8;
	nftnl_batch_begin(mnl_nlmsg_batch_current(b->batch), b->seq++);
	mnl_nlmsg_batch_next(b->batch);
	*ret = b;
	return 0;
}

void nftb_free(struct nftb *b)
{
	if (!b)
		return;
	if (b->batch)
		mnl_nlmsg_batch_stop(b->batch);
	free(b->buf);
	free(b->table);
	free(b->labels);
	free(b);
}

size_t nftb_count(const struct nftb *b)
{
	return b->n_msgs;
}

const void *nftb_data(const struct nftb *b, size_t *len)
{
	*len = mnl_nlmsg_batch_size(b->batch);
	return mnl_nlmsg_batch_head(b->batch);
}

void nftb_set_tolerant(struct nftb *b, bool on)
{
	b->tolerant = on;
}

/* A label slot for one more message. */
static int reserve(struct nftb *b, const char *label)
{
	if (b->n_msgs == b->cap_labels) {
		size_t cap = b->cap_labels ? b->cap_labels * 2 : 32;
		const char **l = realloc(b->labels, cap * sizeof(*l));
		if (!l)
			return -ENOMEM;
		b->labels = l;
		b->cap_labels = cap;
	}
	b->labels[b->n_msgs] = label;
	return 0;
}

static struct nlmsghdr *msg_hdr(struct nftb *b, uint16_t type, uint16_t flags, const char *label)
{
	int r = reserve(b, label);

	if (r < 0)
		return NULL;
	b->n_msgs++;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b->batch), type, NFPROTO_INET,
				     flags | NLM_F_ACK, b->seq++);
}

static int msg_done(struct nftb *b)
{
	return mnl_nlmsg_batch_next(b->batch) ? 0 : -EMSGSIZE;
}

static int table_msg(struct nftb *b, uint16_t type, uint16_t flags)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t)
		return -ENOMEM;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, b->table);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nlh = msg_hdr(b, type, flags, "table");
	if (!nlh) {
		nftnl_table_free(t);
		return -ENOMEM;
	}
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	return msg_done(b);
}

int nftb_add_table(struct nftb *b)
{
	return table_msg(b, NFT_MSG_NEWTABLE, NLM_F_CREATE);
}

int nftb_del_table(struct nftb *b)
{
	return table_msg(b, NFT_MSG_DELTABLE, 0);
}

static int chain_msg(struct nftb *b, uint16_t type, uint16_t flags, const char *name,
		     const char *ctype, int hooknum, int prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		return -ENOMEM;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, b->table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	if (ctype) {
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, ctype);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)hooknum);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nlh = msg_hdr(b, type, flags, name);
	if (!nlh) {
		nftnl_chain_free(c);
		return -ENOMEM;
	}
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return msg_done(b);
}

int nftb_add_chain(struct nftb *b, const char *name, const char *type, int hooknum, int prio)
{
	return chain_msg(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, name, type, hooknum, prio);
}

int nftb_del_chain(struct nftb *b, const char *name)
{
	if (b->tolerant && nft_chain_exists(b->table, name) != 1)
		return 0;
	return chain_msg(b, NFT_MSG_DELCHAIN, 0, name, NULL, 0, 0);
}

int nftb_add_set(struct nftb *b, const struct nftb_setdef *d)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;
	/* nft's user data: key (and data) byte order, so `nft list` prints values. */
	uint8_t udata[12] = { 0, 4, d->key_byteorder, 0, 0, 0, 1, 4, d->data_byteorder, 0, 0, 0 };

	if (!s)
		return -ENOMEM;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, b->table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, d->name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, d->key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, d->key_len);
	nftnl_set_set_u32(s, NFTNL_SET_ID, ++b->set_id);
	if (d->data_len || (d->flags & NFT_SET_MAP)) {
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, d->data_type);
		nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, d->data_len);
	}
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, d->flags);
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, udata, d->data_len ? 12 : 6);
	nlh = msg_hdr(b, NFT_MSG_NEWSET, NLM_F_CREATE, d->name);
	if (!nlh) {
		nftnl_set_free(s);
		return -ENOMEM;
	}
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	return msg_done(b);
}

int nftb_add_rule(struct nftb *b, struct nftnl_rule *r)
{
	struct nlmsghdr *nlh = msg_hdr(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, "rule");

	if (!nlh) {
		nftnl_rule_free(r);
		return -ENOMEM;
	}
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return msg_done(b);
}

static struct nftnl_set *elem_set(const char *table, const char *set, const struct nftb_elem *e,
				  size_t n)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s)
		return NULL;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, set);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	for (size_t i = 0; i < n; i++) {
		struct nftnl_set_elem *el = nftnl_set_elem_alloc();
		if (!el) {
			nftnl_set_free(s);
			return NULL;
		}
		nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, e[i].key, e[i].key_len);
		if (e[i].jump) {
			nftnl_set_elem_set_u32(el, NFTNL_SET_ELEM_VERDICT, (uint32_t)NFT_JUMP);
			nftnl_set_elem_set_str(el, NFTNL_SET_ELEM_CHAIN, e[i].jump);
		} else if (e[i].data_len) {
			nftnl_set_elem_set(el, NFTNL_SET_ELEM_DATA, e[i].data, e[i].data_len);
		}
		nftnl_set_elem_add(s, el);
	}
	return s;
}

int nftb_elems(struct nftb *b, bool add, bool excl, const char *set, const struct nftb_elem *e,
	       size_t n, const char *label)
{
	struct nftnl_set *s;
	struct nlmsghdr *nlh;

	if (!add && b->tolerant) {
		/* Keep only the elements that exist; one message each. */
		for (size_t i = 0; i < n; i++) {
			int r;
			if (nft_elem_exists(b->table, set, &e[i]) != 1)
				continue;
			b->tolerant = false;
			r = nftb_elems(b, false, false, set, &e[i], 1, label);
			b->tolerant = true;
			if (r < 0)
				return r;
		}
		return 0;
	}
	if (n == 0)
		return 0;
	s = elem_set(b->table, set, e, n);
	if (!s)
		return -ENOMEM;
	nlh = msg_hdr(b, add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM,
		      add ? (uint16_t)(NLM_F_CREATE | (excl ? NLM_F_EXCL : 0)) : 0, label);
	if (!nlh) {
		nftnl_set_free(s);
		return -ENOMEM;
	}
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	return msg_done(b);
}

struct ack_ctx {
	struct nftb *b;
	int first_err;
	uint32_t first_seq;
	char *ext;
	size_t ext_size;
	size_t replies;
};

static void copy_ext_ack(const struct nlmsghdr *nlh, char *out, size_t size)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t total = nlh->nlmsg_len, off;

	if (!out || !size || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = MNL_NLMSG_HDRLEN + sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += MNL_ALIGN(e->msg.nlmsg_len) - sizeof(struct nlmsghdr);
	while (off + sizeof(struct nlattr) <= total) {
		const struct nlattr *a = (const void *)((const char *)nlh + off);
		if (a->nla_len < sizeof(*a) || off + a->nla_len > total)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			snprintf(out, size, "%.*s", (int)(a->nla_len - sizeof(*a)),
				 (const char *)a + sizeof(*a));
			return;
		}
		off += MNL_ALIGN(a->nla_len);
	}
}

static int on_reply(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_OK;
}

static int read_replies(struct mnl_socket *nl, struct ack_ctx *c, size_t expected)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t portid = mnl_socket_get_portid(nl);

	while (c->replies < expected) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		const struct nlmsghdr *nlh = (const void *)buf;
		size_t len;

		if (n < 0)
			return -errno;
		len = (size_t)n;
		for (; mnl_nlmsg_ok(nlh, (int)len); nlh = mnl_nlmsg_next(nlh, (int *)&len)) {
			if (nlh->nlmsg_pid != portid)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*e))
					return -EBADMSG;
				c->replies++;
				if (e->error && (!c->first_err || nlh->nlmsg_seq < c->first_seq)) {
					c->first_err = e->error;
					c->first_seq = nlh->nlmsg_seq;
					copy_ext_ack(nlh, c->ext, c->ext_size);
				}
			} else {
				(void)on_reply(nlh, NULL);
			}
		}
	}
	return 0;
}

int nftb_commit(struct nftb *b, int *failed, const char **label, char *ext_msg, size_t ext_size)
{
	struct mnl_socket *nl = NULL;
	struct ack_ctx c = { .b = b, .ext = ext_msg, .ext_size = ext_size };
	int r;

	*failed = -1;
	if (label)
		*label = NULL;
	if (ext_msg && ext_size)
		ext_msg[0] = '\0';
	if (b->n_msgs == 0)
		return 0;
	nftnl_batch_end(mnl_nlmsg_batch_current(b->batch), b->seq++);
	mnl_nlmsg_batch_next(b->batch);
	r = open_socket(&nl);
	if (r < 0)
		return r;
	{
		/* Room for the whole batch, and for one reply per message. */
		int snd = (int)mnl_nlmsg_batch_size(b->batch) + 65536;
		int rcv = (int)(b->n_msgs * 1024) + 262144;
		(void)setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd));
		(void)setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv));
	}
	if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b->batch),
			      mnl_nlmsg_batch_size(b->batch)) < 0) {
		r = -errno;
		mnl_socket_close(nl);
		return r;
	}
	r = read_replies(nl, &c, b->n_msgs);
	mnl_socket_close(nl);
	if (r < 0)
		return r;
	if (c.first_err) {
		size_t idx = c.first_seq - b->seq0 - 1;
		if (idx < b->n_msgs) {
			*failed = (int)idx;
			if (label)
				*label = b->labels[idx];
		}
		return c.first_err;
	}
	return 0;
}

/* One GET request; returns 1 if the object exists, 0 on ENOENT. @parse sees each reply. */
static int get_one(uint16_t type, void (*build)(struct nlmsghdr *, const void *), const void *arg,
		   void (*parse)(const struct nlmsghdr *, void *), void *parse_arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = NULL;
	uint32_t seq = (uint32_t)time(NULL);
	struct nlmsghdr *nlh;
	int r, found = 0;

	r = open_socket(&nl);
	if (r < 0)
		return r;
	nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_INET, NLM_F_ACK, seq);
	build(nlh, arg);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		const struct nlmsghdr *h = (const void *)buf;
		int len;
		if (n < 0) {
			r = -errno;
			goto out;
		}
		len = (int)n;
		for (; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
				if (e->error == -ENOENT)
					r = 0;
				else if (e->error)
					r = e->error;
				else
					r = found;
				goto out;
			}
			found = 1;
			if (parse)
				parse(h, parse_arg);
		}
	}
out:
	mnl_socket_close(nl);
	return r;
}

static int get_exists(uint16_t type, void (*build)(struct nlmsghdr *, const void *), const void *arg)
{
	return get_one(type, build, arg, NULL, NULL);
}

static void build_table(struct nlmsghdr *nlh, const void *arg)
{
	struct nftnl_table *t = nftnl_table_alloc();

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, arg);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
}

int nft_table_exists(const char *table)
{
	return get_exists(NFT_MSG_GETTABLE, build_table, table);
}

struct chain_arg {
	const char *table, *chain;
};

static void build_chain(struct nlmsghdr *nlh, const void *arg)
{
	const struct chain_arg *a = arg;
	struct nftnl_chain *c = nftnl_chain_alloc();

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, a->table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, a->chain);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
}

int nft_chain_exists(const char *table, const char *chain)
{
	struct chain_arg a = { table, chain };

	return get_exists(NFT_MSG_GETCHAIN, build_chain, &a);
}

struct elem_arg {
	const char *table, *set;
	const struct nftb_elem *e;
};

static void build_elem(struct nlmsghdr *nlh, const void *arg)
{
	const struct elem_arg *a = arg;
	struct nftb_elem key = *a->e;
	struct nftnl_set *s;

	key.data_len = 0;
	key.jump = NULL;
	s = elem_set(a->table, a->set, &key, 1);
	if (s) {
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
		nftnl_set_free(s);
	}
}

int nft_elem_exists(const char *table, const char *set, const struct nftb_elem *e)
{
	struct elem_arg a = { table, set, e };

	return get_exists(NFT_MSG_GETSETELEM, build_elem, &a);
}

struct elem_data {
	uint8_t *data;
	uint32_t size, len;
};

static void parse_elem_data(const struct nlmsghdr *nlh, void *arg)
{
	struct elem_data *d = arg;
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *el;

	if (!s)
		return;
	if (nftnl_set_elems_nlmsg_parse(nlh, s) == 0 && (it = nftnl_set_elems_iter_create(s))) {
		if ((el = nftnl_set_elems_iter_next(it))) {
			uint32_t len = 0;
			const void *v = nftnl_set_elem_get(el, NFTNL_SET_ELEM_DATA, &len);
			if (v && len <= d->size) {
				memcpy(d->data, v, len);
				d->len = len;
			}
		}
		nftnl_set_elems_iter_destroy(it);
	}
	nftnl_set_free(s);
}

int nft_elem_data(const char *table, const char *set, const struct nftb_elem *e, uint8_t *data,
		  uint32_t size, uint32_t *len)
{
	struct elem_arg a = { table, set, e };
	struct elem_data d = { data, size, 0 };
	int r = get_one(NFT_MSG_GETSETELEM, build_elem, &a, parse_elem_data, &d);

	*len = d.len;
	return r;
}

/* ---- rule expressions ---- */

struct nftnl_rule *nftr_new(const char *table, const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		abort();
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	return r;
}

static struct nftnl_expr *expr(struct nftnl_rule *r, const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (!e)
		abort();
	nftnl_rule_add_expr(r, e);
	return e;
}

void nftr_meta(struct nftnl_rule *r, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = expr(r, "meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
}

void nftr_meta_set(struct nftnl_rule *r, uint32_t key, uint32_t sreg)
{
	struct nftnl_expr *e = expr(r, "meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, sreg);
}

void nftr_ct(struct nftnl_rule *r, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = expr(r, "ct");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, dreg);
}

void nftr_ct_set(struct nftnl_rule *r, uint32_t key, uint32_t sreg)
{
	struct nftnl_expr *e = expr(r, "ct");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_SREG, sreg);
}

void nftr_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len, uint32_t dreg)
{
	struct nftnl_expr *e = expr(r, "payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
}

void nftr_cmp(struct nftnl_rule *r, uint32_t sreg, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr(r, "cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, sreg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
}

void nftr_cmp_u8(struct nftnl_rule *r, uint32_t sreg, uint32_t op, uint8_t v)
{
	nftr_cmp(r, sreg, op, &v, 1);
}

void nftr_cmp_u32(struct nftnl_rule *r, uint32_t sreg, uint32_t op, uint32_t v)
{
	nftr_cmp(r, sreg, op, &v, 4);
}

void nftr_bitwise(struct nftnl_rule *r, uint32_t reg, uint32_t len, const void *mask, const void *xor)
{
	struct nftnl_expr *e = expr(r, "bitwise");

	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, reg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, reg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, xor, len);
}

void nftr_lookup(struct nftnl_rule *r, uint32_t sreg, const char *set, int dreg, bool invert)
{
	struct nftnl_expr *e = expr(r, "lookup");

	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	if (dreg >= 0)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, (uint32_t)dreg);
	if (invert)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
}

void nftr_verdict(struct nftnl_rule *r, int verdict, const char *chain)
{
	struct nftnl_expr *e = expr(r, "immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	if (chain)
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
}

void nftr_fib_daddr_type(struct nftnl_rule *r, uint32_t dreg)
{
	struct nftnl_expr *e = expr(r, "fib");

	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, dreg);
}

void nftr_nat(struct nftnl_rule *r, uint32_t type, uint32_t family, uint32_t reg_addr, uint32_t reg_proto)
{
	struct nftnl_expr *e = expr(r, "nat");

	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, family);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, reg_addr);
	if (reg_proto)
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, reg_proto);
}

void nftr_masq(struct nftnl_rule *r)
{
	(void)expr(r, "masq");
}

struct keys_ctx {
	uint8_t *keys;
	uint32_t key_len;
	size_t max, n;
	bool overflow;
};

static int key_one(struct nftnl_set_elem *e, void *data)
{
	struct keys_ctx *k = data;
	uint32_t len = 0;
	const void *key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);

	if (k->n >= k->max) {
		k->overflow = true;
		return 0;
	}
	memset(k->keys + k->n * k->key_len, 0, k->key_len);
	if (key)
		memcpy(k->keys + k->n * k->key_len, key, len < k->key_len ? len : k->key_len);
	k->n++;
	return 0;
}

static int keys_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s)
		return MNL_CB_ERROR;
	if (nftnl_set_elems_nlmsg_parse(nlh, s) == 0)
		nftnl_set_elem_foreach(s, key_one, data);
	nftnl_set_free(s);
	return MNL_CB_OK;
}

int nft_set_keys(const char *table, const char *set, uint8_t *keys, uint32_t key_len, size_t max,
		 size_t *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct keys_ctx k = { .keys = keys, .key_len = key_len, .max = max };
	struct mnl_socket *nl = NULL;
	struct nftnl_set *s = nftnl_set_alloc();
	uint32_t seq = (uint32_t)time(NULL);
	struct nlmsghdr *nlh;
	int r;

	if (!s)
		return -ENOMEM;
	r = open_socket(&nl);
	if (r < 0) {
		nftnl_set_free(s);
		return r;
	}
	nftnl_set_set_str(s, NFTNL_SET_TABLE, table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, set);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM, NFPROTO_INET, NLM_F_DUMP | NLM_F_ACK, seq);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	for (;;) {
		ssize_t len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (len < 0) {
			r = -errno;
			goto out;
		}
		r = mnl_cb_run(buf, (size_t)len, seq, mnl_socket_get_portid(nl), keys_cb, &k);
		if (r <= 0)
			break;
	}
	r = r < 0 ? -errno : 0;
	if (r == 0 && k.overflow)
		r = -E2BIG;
	if (r == 0)
		*n = k.n;
out:
	mnl_socket_close(nl);
	return r;
}
