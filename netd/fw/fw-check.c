// SPDX-License-Identifier: Apache-2.0
/*
 * The expected ruleset of table inet netd and how the kernel's differs.
 *
 * Expected: fw-nft.c's builder run over every state record of the given
 * config dirs, in name order (so two machines build the same table). For a
 * comparison that is not fooled by how the kernel normalises what it is
 * given, the expected batch is committed into a scratch network namespace
 * (unshare, then back with setns) and both tables are dumped the same way:
 * one text line per table, chain, rule, set and element. Rules and elements
 * are compared as multisets per chain / set.
 *
 * Rebuild: one transaction that deletes the table and adds the expected one,
 * so nothing stale survives and packets never see a half-built ruleset.
 */
#include "fw-check.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <net/if.h>

#include "fw-nft.h"
#include "record.h"
#include "fw.h"
#include "netns.h"
#include "request.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#define DUMP_BUF 32768

/* ---- the expected table ---- */

struct expect {
	struct nftb *b;
	char (*done)[IFNAMSIZ];		/* bridges already handled */
	size_t n_done, cap_done;
	size_t containers;
	bool quiet;			/* broken records were reported already */
	exec_fw_needs_fn *needs;	/* which attachments get rules (fw_dirs) */
};

static bool seen_bridge(struct expect *x, const char *br)
{
	for (size_t i = 0; i < x->n_done; i++)
		if (strncmp(x->done[i], br, IFNAMSIZ) == 0)
			return true;
	if (x->n_done == x->cap_done) {
		size_t cap = x->cap_done ? x->cap_done * 2 : 16;
		char (*v)[IFNAMSIZ] = realloc(x->done, cap * sizeof(*v));
		if (!v)
			return true;
		x->done = v;
		x->cap_done = cap;
	}
	snprintf(x->done[x->n_done++], IFNAMSIZ, "%s", br);
	return false;
}

/* Record @rec at @path (the scan's; -errno @r when it could not be read) into @x. */
static int expect_one(struct expect *x, const char *path, struct ctr_record *rec, int r,
		      struct nd_error *err)
{
	const struct nd_request *req;
	const char *ports_net;
	uint16_t dns_port;

	if (r < 0 && r != -EBADMSG)
		return nd_error_set(err, r, "cannot read state file %s: %s", path, strerror(-r));
	if (r < 0 || (!rec->req && !rec->req_err.msg))
		return nd_error_set(err, -EINVAL, "state file %s is corrupt: no request in it", path);
	if (!rec->req) {
		nd_error_set(err, rec->req_err.code, "%s", rec->req_err.msg);
		nd_error_prefix(err, "state file %s", path);
		return rec->req_err.code;
	}
	req = rec->req;
	dns_port = ctrstate_dns_port(rec, 53);
	ports_net = ctrstate_ports_network(rec);
	for (size_t i = 0; i < req->n_attach; i++) {
		const struct nd_attach *a = &req->attach[i];

		if (!x->needs(a) || seen_bridge(x, a->net->network_interface))
			continue;
		if ((r = fwnft_network(x->b, true, a->net, dns_port, false)) < 0)
			return r;
	}
	if (req->n_ports) {
		/* The network recorded as carrying the ports, else the first that can. */
		const struct nd_attach *rec_pa = ports_net ? request_attach_of(req, ports_net) : NULL;
		const struct nd_attach *pa = rec_pa ? rec_pa : fwnft_port_attach(req, x->needs);

		if (pa && (r = fwnft_ports(x->b, true, false, req, pa)) < 0)
			return r;
	}
	x->containers++;
	return 0;
}

/* ctrstate_scan()'s callback: one record; a broken one is skipped (and logged). */
static int expect_entry(const char *id, const char *path, struct ctr_record *rec, int r, void *arg)
{
	_cleanup_(ctr_record_freep) struct ctr_record *owned = rec;
	struct expect *x = arg;
	struct nd_error one = {0};

	(void)id;
	/* One broken record must not keep every other container offline. */
	if (expect_one(x, path, owned, r, &one) < 0 && !x->quiet)
		log_error("firewall: skipping %s: %s", path, one.msg ? one.msg : "error");
	nd_error_clear(&one);
	return 0;
}

/* Every record of one config dir, in name order. */
static int expect_dir(struct expect *x, const char *config, struct nd_error *err)
{
	int r = ctrstate_scan(config, expect_entry, x);

	if (r < 0 && r != -ENOMEM)
		return nd_error_set(err, r, "cannot open %s/netd/containers: %s", config, strerror(-r));
	return r;
}

static int expect_build(struct nftb *b, const struct fw_dirs *dirs, bool quiet, size_t *containers,
			struct nd_error *err)
{
	struct expect x = { .b = b, .quiet = quiet, .needs = dirs->needs };
	int r = fwnft_base(b);

	for (size_t i = 0; r >= 0 && i < dirs->n; i++)
		r = expect_dir(&x, dirs->v[i], err);
	free(x.done);
	if (containers)
		*containers = x.containers;
	return r < 0 ? r : 0;
}

/* The locks of every dir that exists (a dir that does not has no records). */
static int lock_dirs(const struct fw_dirs *dirs, int fds[4], struct nd_error *err)
{
	for (size_t i = 0; i < dirs->n; i++) {
		fds[i] = -1;
		if (access(dirs->v[i], F_OK) < 0)
			continue;
		fds[i] = state_lock(dirs->v[i], err);
		if (fds[i] < 0) {
			int r = fds[i];
			while (i-- > 0)
				if (fds[i] >= 0)
					close(fds[i]);
			return r;
		}
	}
	return 0;
}

static void unlock_dirs(const struct fw_dirs *dirs, int fds[4])
{
	for (size_t i = 0; i < dirs->n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static int commit(struct nftb *b, const char *what, struct nd_error *err)
{
	const char *label = NULL;
	char ext[256] = "";
	int failed, r = nftb_commit(b, &failed, &label, ext, sizeof(ext));

	if (r < 0)
		nd_error_set(err, r, "nftables: %s failed at %s: %s%s%s%s", what,
			     label ? label : "batch", strerror(-r), ext[0] ? " (kernel: " : "", ext,
			     ext[0] ? ")" : "");
	return r;
}

static int rebuild(const struct fw_dirs *dirs, size_t *containers, struct nd_error *err)
{
	_cleanup_(nftb_freep) struct nftb *b = NULL;
	int r, exists;

	exists = nft_table_exists(FW_TABLE);
	if (exists < 0) {
		r = nd_error_set(err, exists, "nftables: cannot read table inet %s: %s", FW_TABLE,
				 strerror(-exists));
		goto out;
	}
	if ((r = nftb_new(FW_TABLE, &b)) < 0)
		goto out;
	if (exists && (r = nftb_del_table(b)) < 0)
		goto out;
	/* The comparison just before reported the broken records. */
	if ((r = expect_build(b, dirs, true, containers, err)) < 0)
		goto out;
	if (*containers == 0 && !exists)
		goto out;	/* nothing recorded, nothing there: leave the kernel alone */
	r = commit(b, "firewall-reload", err);
out:
	return r;
}

static int compare(const struct fw_dirs *dirs, void (*diff)(const char *line, void *arg),
		   void *arg, struct nd_error *err);

/* ---- dumping a table as text lines ---- */

struct lines {
	char **v;
	size_t n, cap;
};

static void lines_done(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct lines){0};
}

static int lines_add(struct lines *l, char *s)
{
	if (!s)
		return -ENOMEM;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			free(s);
			return -ENOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s;
	return 0;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/* One dump request of @type for table netd; @cb gets each message. */
static int dump(uint16_t type, void (*build)(struct nlmsghdr *, const void *), const void *arg,
		mnl_cb_t cb, void *data)
{
	_cleanup_free_ char *buf = malloc(DUMP_BUF);
	struct mnl_socket *nl;
	uint32_t seq = (uint32_t)time(NULL), port;
	struct nlmsghdr *nlh;
	ssize_t n;
	int r;

	if (!buf)
		return -ENOMEM;
	nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		goto out;
	}
	port = mnl_socket_get_portid(nl);
	nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_INET, NLM_F_DUMP, seq);
	if (build)
		build(nlh, arg);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	do {
		n = mnl_socket_recvfrom(nl, buf, DUMP_BUF);
		if (n < 0) {
			r = -errno;
			goto out;
		}
		r = mnl_cb_run(buf, (size_t)n, seq, port, cb, data);
	} while (r > 0);
	r = r < 0 ? (errno == ENOENT ? 0 : -errno) : 0;
out:
	mnl_socket_close(nl);
	return r;
}

struct dumpctx {
	struct lines *out;
	struct lines sets;	/* names of the table's sets */
	int r;
};

static void build_rule(struct nlmsghdr *nlh, const void *arg)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		return;
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, FW_TABLE);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
}

static void build_set(struct nlmsghdr *nlh, const void *arg)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s)
		return;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, FW_TABLE);
	if (arg)
		nftnl_set_set_str(s, NFTNL_SET_NAME, arg);
	if (arg)
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
	else
		nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
}

static const char *hook_name(uint32_t h)
{
	static const char *const names[] = { "prerouting", "input", "forward", "output",
					     "postrouting" };
	return h < 5 ? names[h] : "?";
}

static int on_chain(const struct nlmsghdr *nlh, void *data)
{
	struct dumpctx *d = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	char *s = NULL;

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) == 0 &&
	    strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), FW_TABLE) == 0) {
		const char *name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM))
			s = fmt("chain %s (type %s hook %s priority %d policy %s)", name,
				nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE),
				hook_name(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM)),
				(int)nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO),
				nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_DROP ? "drop" : "accept");
		else
			s = fmt("chain %s", name);
		if (lines_add(d->out, s) < 0)
			d->r = -ENOMEM;
	}
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	struct dumpctx *d = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;
	char text[4096];
	size_t off = 0;

	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0 || !(it = nftnl_expr_iter_create(r))) {
		nftnl_rule_free(r);
		return MNL_CB_OK;
	}
	text[0] = 0;
	while ((e = nftnl_expr_iter_next(it)) && off + 2 < sizeof(text)) {
		int n = snprintf(text + off, sizeof(text) - off, "[ %s ", nftnl_expr_get_str(e, NFTNL_EXPR_NAME));
		if (n > 0 && (size_t)n < sizeof(text) - off)
			off += (size_t)n;
		n = nftnl_expr_snprintf(text + off, sizeof(text) - off, e, NFTNL_OUTPUT_DEFAULT, 0);
		if (n > 0 && (size_t)n < sizeof(text) - off)
			off += (size_t)n;
		n = snprintf(text + off, sizeof(text) - off, "] ");
		if (n > 0 && (size_t)n < sizeof(text) - off)
			off += (size_t)n;
	}
	while (off && text[off - 1] == ' ')
		text[--off] = 0;
	nftnl_expr_iter_destroy(it);
	if (lines_add(d->out, fmt("rule in chain %s: %s", nftnl_rule_get_str(r, NFTNL_RULE_CHAIN),
				  text)) < 0)
		d->r = -ENOMEM;
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int on_set(const struct nlmsghdr *nlh, void *data)
{
	struct dumpctx *d = data;
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s)
		return MNL_CB_ERROR;
	if (nftnl_set_nlmsg_parse(nlh, s) == 0) {
		const char *name = nftnl_set_get_str(s, NFTNL_SET_NAME);
		uint32_t dl = nftnl_set_is_set(s, NFTNL_SET_DATA_LEN) ?
			nftnl_set_get_u32(s, NFTNL_SET_DATA_LEN) : 0;

		if (lines_add(d->out, fmt("%s %s (key type %u length %u, data type %u length %u, flags 0x%x)",
					  dl || nftnl_set_is_set(s, NFTNL_SET_DATA_TYPE) ? "map" : "set",
					  name, nftnl_set_get_u32(s, NFTNL_SET_KEY_TYPE),
					  nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN),
					  nftnl_set_get_u32(s, NFTNL_SET_DATA_TYPE), dl,
					  nftnl_set_get_u32(s, NFTNL_SET_FLAGS))) < 0 ||
		    lines_add(&d->sets, strdup(name)) < 0)
			d->r = -ENOMEM;
	}
	nftnl_set_free(s);
	return MNL_CB_OK;
}

/* A key as people know it: an interface name, else bytes in hex. */
static void bytes_text(const uint8_t *p, uint32_t len, char *out, size_t size)
{
	uint32_t n = 0;
	size_t off = 0;
	bool name = len > 0 && isalnum(p[0]);

	while (n < len && p[n] && isprint(p[n]))
		n++;
	for (uint32_t i = n; i < len; i++)
		name &= p[i] == 0;
	if (name && n) {
		snprintf(out, size, "\"%.*s\"", (int)n, (const char *)p);
		return;
	}
	out[0] = 0;
	for (uint32_t i = 0; i < len && off + 3 < size; i++)
		off += (size_t)snprintf(out + off, size - off, "%02x", p[i]);
}

static int on_elems(const struct nlmsghdr *nlh, void *data)
{
	struct dumpctx *d = data;
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *e;

	if (!s)
		return MNL_CB_ERROR;
	if (nftnl_set_elems_nlmsg_parse(nlh, s) < 0 || !(it = nftnl_set_elems_iter_create(s))) {
		nftnl_set_free(s);
		return MNL_CB_OK;
	}
	while ((e = nftnl_set_elems_iter_next(it))) {
		char key[128] = "", val[160] = "";
		uint32_t len = 0;
		const void *p;

		if ((p = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len)))
			bytes_text(p, len, key, sizeof(key));
		if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_CHAIN))
			snprintf(val, sizeof(val), " : jump %s",
				 nftnl_set_elem_get_str(e, NFTNL_SET_ELEM_CHAIN));
		else if ((p = nftnl_set_elem_get(e, NFTNL_SET_ELEM_DATA, &len))) {
			val[0] = ' ', val[1] = ':', val[2] = ' ';
			bytes_text(p, len, val + 3, sizeof(val) - 3);
		}
		if (lines_add(d->out, fmt("element %s%s%s of %s", key, val,
					  nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS) &&
					  (nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS) & NFT_SET_ELEM_INTERVAL_END) ?
					  " (interval end)" : "",
					  nftnl_set_get_str(s, NFTNL_SET_NAME))) < 0)
			d->r = -ENOMEM;
	}
	nftnl_set_elems_iter_destroy(it);
	nftnl_set_free(s);
	return MNL_CB_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Table netd of the current network namespace, sorted lines; none if it does not exist. */
static int dump_table(struct lines *out)
{
	struct dumpctx d = { .out = out };
	int r = nft_table_exists(FW_TABLE);

	if (r <= 0)
		return r;
	if ((r = lines_add(out, fmt("table inet %s", FW_TABLE))) < 0)
		return r;
	if ((r = dump(NFT_MSG_GETCHAIN, NULL, NULL, on_chain, &d)) < 0 ||
	    (r = dump(NFT_MSG_GETRULE, build_rule, NULL, on_rule, &d)) < 0 ||
	    (r = dump(NFT_MSG_GETSET, build_set, NULL, on_set, &d)) < 0)
		goto out;
	for (size_t i = 0; i < d.sets.n && r >= 0; i++)
		r = dump(NFT_MSG_GETSETELEM, build_set, d.sets.v[i], on_elems, &d);
out:
	lines_done(&d.sets);
	if (r >= 0)
		r = d.r;
	if (r >= 0)
		qsort(out->v, out->n, sizeof(*out->v), cmp_str);
	return r;
}

struct scratch {
	struct nftb *b;
	struct lines *out;
	struct nd_error *err;
};

/* In a fresh network namespace of its own: commit the ruleset and dump it. */
static int in_scratch(void *arg)
{
	struct scratch *s = arg;
	int r;

	if (unshare(CLONE_NEWNET) < 0)
		return nd_error_set(s->err, -errno, "cannot make a scratch network namespace to build the expected ruleset in: %s",
				    strerror(errno));
	r = commit(s->b, "building the expected ruleset", s->err);
	if (r >= 0 && (r = dump_table(s->out)) < 0)
		nd_error_set(s->err, r, "nftables: cannot read the expected ruleset: %s", strerror(-r));
	return r;
}

/*
 * Commit @b into a fresh network namespace, dump it there, come back: through
 * netns_call(), which enters this namespace (where we are) and returns to it
 * after in_scratch() moved into the scratch one.
 */
static int dump_scratch(struct nftb *b, struct lines *out, struct nd_error *err)
{
	_cleanup_close_ int self = netns_open_current();
	struct scratch s = { .b = b, .out = out, .err = err };
	int r, ret = 0;

	if (self < 0)
		return nd_error_set(err, self, "cannot open this network namespace: %s",
				    strerror(-self));
	r = netns_call(self, self, in_scratch, &s, &ret);
	if (r < 0)
		return nd_error_set(err, r, "cannot enter this network namespace: %s", strerror(-r));
	return ret;
}

static int compare(const struct fw_dirs *dirs, void (*diff)(const char *line, void *arg),
		   void *arg, struct nd_error *err)
{
	_cleanup_(nftb_freep) struct nftb *b = NULL;
	struct lines want = {0}, have = {0};
	size_t i = 0, j = 0, containers;
	int r, n = 0;

	if ((r = nftb_new(FW_TABLE, &b)) < 0 || (r = expect_build(b, dirs, false, &containers, err)) < 0)
		goto out;
	if ((r = dump_table(&have)) < 0) {
		nd_error_set(err, r, "nftables: cannot read table inet %s: %s", FW_TABLE, strerror(-r));
		goto out;
	}
	if (containers == 0 && have.n == 0)
		goto out;	/* nothing recorded, no table: as expected */
	if ((r = dump_scratch(b, &want, err)) < 0)
		goto out;
	if (have.n == 0) {
		_cleanup_free_ char *s = fmt("nftables table inet %s is missing", FW_TABLE);
		diff(s ? s : "table missing", arg);
		n = 1;
		goto out;
	}
	while (i < want.n || j < have.n) {
		int c = i == want.n ? 1 : j == have.n ? -1 : strcmp(want.v[i], have.v[j]);
		_cleanup_free_ char *s = NULL;

		if (c == 0) {
			i++, j++;
			continue;
		}
		s = c < 0 ? fmt("nftables: missing %s", want.v[i++]) :
			    fmt("nftables: not expected %s", have.v[j++]);
		diff(s ? s : "nftables: difference", arg);
		n++;
	}
out:
	lines_done(&want);
	lines_done(&have);
	return r < 0 ? r : n;
}

int fw_expect_compare(const struct fw_dirs *dirs, void (*diff)(const char *line, void *arg),
		      void *arg, struct nd_error *err)
{
	int fds[4], r;

	if ((r = lock_dirs(dirs, fds, err)) < 0)
		return r;
	r = compare(dirs, diff, arg, err);
	unlock_dirs(dirs, fds);
	return r;
}

static void log_diff(const char *line, void *arg)
{
	log_info("firewall-reload: %s", line);
}

int fw_expect_rebuild(const struct fw_dirs *dirs, size_t *containers, struct nd_error *err)
{
	int fds[4], r;

	*containers = 0;
	if ((r = lock_dirs(dirs, fds, err)) < 0)
		return r;
	/* Nothing differs: leave the kernel alone (not even a new generation). */
	r = compare(dirs, log_diff, NULL, err);
	if (r > 0)
		r = rebuild(dirs, containers, err);
	unlock_dirs(dirs, fds);
	return r < 0 ? r : 0;
}
