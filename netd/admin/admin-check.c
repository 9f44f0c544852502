// SPDX-License-Identifier: Apache-2.0
/*
 * netd check [--repair]: compare what netd recorded for its attachments with
 * the kernel and the files the DNS server reads, and say every difference in
 * plain words. Per network with something attached: the bridge (present, a
 * bridge, up, with the gateways). Per
 * attachment: the namespace, the host veth on the bridge, the interface and
 * addresses inside the namespace, the DNS line and the DNS server. (The
 * attachments are the container records themselves, admin-attstore.c.) The nftables table as a whole: fw-check.c.
 *
 * --repair then fixes what can be fixed, with the pipeline's own steps:
 * links or addresses missing, an attach interrupted → teardown of the
 * remains and setup again with the request of its container record
 * (admin_reattach_one); firewall elements
 * missing → netd firewall-reload; DNS line or server missing → the DNS step
 * of setup (dns_setup) for that attachment. Then it checks again.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "admin-ctx.h"
#include "admin-netstore.h"
#include "admin-attstore.h"
#include "admin-att.h"
#include "admin-cmd.h"
#include "pipeline.h"
#include "dns-conf.h"
#include "driver.h"
#include "exec.h"
#include "fw.h"
#include "fw-nft.h"
#include "link-veth.h"
#include "state.h"
#include "shared/cleanup.h"

static const char check_help[] =
	"Usage: netd check [--repair]\n"
	"\n"
	"Compare the kernel with netd's state: bridges with their gateways, each\n"
	"attachment's veth and addresses, the DNS entries, and the whole nftables\n"
	"table inet netd (chains, rules, set and map elements) against what the\n"
	"state records of --config ask for (with the default /run/netd, those of\n"
	"/run/containers/networks too). Prints every difference; exit status 1 if\n"
	"there is any.\n"
	"\n"
	"  --repair   restore what is missing (tear down what is left of a damaged\n"
	"             or interrupted attachment and set it up again with the request\n"
	"             its container record keeps, the firewall table in one\n"
	"             transaction, DNS entries), then check again\n"
	"\n"
	"Example:\n"
	"  netd check || netd check --repair\n";

enum fix {
	FIX_NONE,	/* cannot be repaired here */
	FIX_REATTACH,	/* teardown + setup of the attachment */
	FIX_REATTACH_NET, /* the same for every attachment of its network (bridge damage) */
	FIX_FIREWALL,	/* firewall-reload */
	FIX_DNS,	/* the DNS step for the attachment */
};

struct problem {
	enum fix fix;
	long att;	/* attachment index (REATTACH, DNS) */
};

struct report {
	struct problem *v;
	size_t n;
	bool quiet;	/* count only */
};

static void report(struct report *rp, enum fix fix, long att, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void report(struct report *rp, enum fix fix, long att, const char *fmt, ...)
{
	struct problem *v = realloc(rp->v, (rp->n + 1) * sizeof(*v));
	va_list ap;

	if (v) {
		rp->v = v;
		rp->v[rp->n++] = (struct problem){ .fix = fix, .att = att };
	}
	if (rp->quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* The dirs whose records share the table: the admin's, and the engine's when --config is the default. */
static void fw_dirs_of(const struct admin_ctx *ctx, struct fw_dirs *d)
{
	*d = (struct fw_dirs){ .v = { ctx->opts.config_dir }, .n = 1, .needs = driver_fw_needs };
	if (strcmp(ctx->opts.config_dir, ADMIN_DEFAULT_CONFIG) == 0)
		d->v[d->n++] = FW_ENGINE_CONFIG;
}

static void fw_diff(const char *line, void *arg)
{
	report(arg, FIX_FIREWALL, -1, "%s", line);
}

/* The whole table inet netd against what every record wants (fw-check.c). */
static void check_fw(struct report *rp, const struct admin_ctx *ctx)
{
	struct nd_error e = {0};
	struct fw_dirs d;

	fw_dirs_of(ctx, &d);
	if (fw_of(ctx->opts.fw_driver)->check(&d, fw_diff, rp, &e) < 0)
		report(rp, FIX_NONE, -1, "cannot compare the nftables ruleset: %s",
		       e.msg ? e.msg : "error");
	nd_error_clear(&e);
}

static char *dns_file(const struct admin_ctx *ctx, const struct nd_network *n)
{
	_cleanup_free_ char *name = dns_file_name(n->name, n->internal);
	char *p = NULL;

	if (!name)
		return NULL;
	return asprintf(&p, "%s/aardvark-dns/%s", ctx->opts.config_dir, name) < 0 ? NULL : p;
}

static bool has_gateway(const struct nd_network *n)
{
	for (size_t s = 0; s < n->n_subnets; s++)
		if (n->subnets[s].has_gateway)
			return true;
	return false;
}

static void check_dns(struct report *rp, const struct admin_ctx *ctx, const struct admin_att *a,
		      long att, bool *server_checked)
{
	const struct nd_attach *at = &a->req->attach[0];
	_cleanup_free_ char *path = dns_file(ctx, at->net), *buf = NULL;
	size_t len, idlen = strlen(a->container_id);
	bool found = false;

	if (!at->net->dns_enabled || !has_gateway(at->net) || !path)
		return;
	if (access(ctx->opts.aardvark_binary, X_OK) < 0) {
		/* Nothing serves the names: a note, not damage check could repair. */
		int e = errno;
		if (!*server_checked && !rp->quiet)
			printf("note: DNS on %s is not running: the DNS server %s cannot be run (%s)\n",
			       a->network, ctx->opts.aardvark_binary, strerror(e));
		*server_checked = true;
		return;
	}
	if (state_read_file(path, 16u << 20, &buf, &len) == 0) {
		for (char *line = strchr(buf, '\n'); line && !found; line = strchr(line + 1, '\n'))
			found = strncmp(line + 1, a->container_id, idlen) == 0 && line[1 + idlen] == ' ';
	}
	if (!found)
		report(rp, FIX_DNS, att, "%s on %s: no DNS entry for %s in %s", admin_att_nsname(a),
		       a->network, a->req->container_name, path);
	if (!*server_checked) {
		*server_checked = true;
		if (!dns_server_runs(ctx->opts.config_dir))
			report(rp, FIX_DNS, att, "the DNS server (%s) for %s/aardvark-dns is not running",
			       ctx->opts.aardvark_binary, ctx->opts.config_dir);
	}
}

static void check_att(struct report *rp, const struct admin_ctx *ctx, struct nlx *host,
		      const struct admin_att *a, long att, int br_ifindex)
{
	const char *ns = admin_att_nsname(a);
	const struct nd_attach *at = &a->req->attach[0];
	_cleanup_(nlx_freep) struct nlx *h = NULL;
	struct driver_status s = {0};
	char b[ND_ADDRSTRLEN];
	int r;

	if (a->lease->state == CTR_LEASE_PENDING) {
		if (!admin_att_in_progress(a))
			report(rp, FIX_REATTACH, att,
			       "%s on %s: the attach was interrupted and never completed", ns, a->network);
		return;
	}
	r = admin_netns_nlx(a->netns, &a->lease->ns, &h);
	if (r == -ENOENT || r == -ESTALE || r == -EINVAL) {
		report(rp, FIX_NONE, att, "%s on %s: namespace %s %s; 'netd detach %s' cleans up", ns,
		       a->network, a->netns, r == -ESTALE ? "was deleted and created again" : "is gone",
		       ns);
		return;
	}
	/* What the driver cannot read counts as missing. */
	if (driver_of(at->net)->status(&(const struct driver_probe){
			.host = host, .ctr = r == 0 ? h : NULL,
			.container_id = a->container_id, .a = at }, &s) < 0) {
		s = (struct driver_status){0};
		veth_host_name(a->container_id, a->network, s.host_name);
	}
	if (!s.host_exists)
		report(rp, FIX_REATTACH, att, "%s on %s: host veth %s is missing", ns, a->network,
		       s.host_name);
	else if (br_ifindex && s.host.master != br_ifindex)
		report(rp, FIX_REATTACH, att, "%s on %s: host veth %s is not on bridge %s", ns, a->network,
		       s.host_name, at->net->network_interface);
	else if (!s.host.up)
		report(rp, FIX_REATTACH, att, "%s on %s: host veth %s is down", ns, a->network,
		       s.host_name);
	if (r < 0) {
		report(rp, FIX_NONE, att, "%s on %s: cannot look into namespace %s: %s", ns, a->network,
		       a->netns, strerror(-r));
	} else if (!s.ctr_exists) {
		report(rp, FIX_REATTACH, att, "%s on %s: interface %s is missing in the namespace", ns,
		       a->network, at->interface_name);
	} else {
		if (!s.ctr.up)
			report(rp, FIX_REATTACH, att, "%s on %s: interface %s is down", ns, a->network,
			       at->interface_name);
		for (size_t k = 0; k < at->n_addrs; k++) {
			bool found = false;
			for (size_t j = 0; j < s.n_ctr_addrs && !found; j++)
				found = nd_prefix_equal(&s.ctr_addrs[j], &at->addrs[k].addr) &&
					nd_ip_equal(&s.ctr_addrs[j].addr, &at->addrs[k].addr.addr);
			if (!found)
				report(rp, FIX_REATTACH, att, "%s on %s: interface %s lacks address %s", ns,
				       a->network, at->interface_name, nd_prefix_str(&at->addrs[k].addr, b));
		}
	}
}

/* Index of the first attachment to @network in a ready state, or -1. */
static long first_att(const struct admin_atts *atts, const char *network)
{
	for (size_t i = 0; i < atts->n; i++)
		if (strcmp(atts->v[i].network, network) == 0 &&
		    atts->v[i].lease->state == CTR_LEASE_READY)
			return (long)i;
	return -1;
}

static void check_all(struct report *rp, const struct admin_ctx *ctx, const struct admin_nets *nets,
		      const struct admin_atts *atts, struct nlx *host)
{
	bool server_checked = false;

	check_fw(rp, ctx);
	/* Networks of the attachments (the definition in their requests: what setup used). */
	for (size_t i = 0; i < atts->n; i++) {
		const struct nd_network *n = atts->v[i].req->attach[0].net;
		const char *br = n->network_interface;
		struct driver_status s = {0};
		char b[ND_ADDRSTRLEN];

		/* What the driver cannot read counts as missing. */
		if (driver_net_status(host, n, false, &s) < 0)
			s = (struct driver_status){0};
		if (first_att(atts, n->name) != (long)i) {
			/* not the first of its network: the network is checked already */
		} else if (!s.bridge_exists) {
			report(rp, FIX_REATTACH_NET, (long)i, "network %s: bridge %s is missing", n->name, br);
		} else if (!nlx_link_is_bridge(&s.bridge)) {
			report(rp, FIX_NONE, (long)i, "network %s: %s is a %s interface, not a bridge",
			       n->name, br, s.bridge.kind[0] ? s.bridge.kind : "plain");
		} else {
			if (!s.bridge.up)
				report(rp, FIX_REATTACH_NET, (long)i, "network %s: bridge %s is down", n->name,
				       br);
			for (size_t k = 0; k < n->n_subnets; k++) {
				struct nd_prefix gw = { .addr = n->subnets[k].gateway,
							.len = n->subnets[k].subnet.len };
				bool found = false;
				if (!n->subnets[k].has_gateway)
					continue;
				for (size_t j = 0; j < s.n_bridge_addrs && !found; j++)
					found = nd_ip_equal(&s.bridge_addrs[j].addr, &gw.addr) &&
						s.bridge_addrs[j].len == gw.len;
				if (!found)
					report(rp, FIX_REATTACH_NET, (long)i,
					       "network %s: bridge %s lacks gateway address %s", n->name, br,
					       nd_prefix_str(&gw, b));
			}
		}
		if (!netstore_find(nets, atts->v[i].network) && first_att(atts, n->name) == (long)i)
			report(rp, FIX_NONE, (long)i, "network %s: its definition is gone from the network directory (attachments keep working; detach them)",
			       n->name);
		check_att(rp, ctx, host, &atts->v[i], (long)i, s.bridge_exists ? s.bridge.ifindex : 0);
		if (atts->v[i].lease->state == CTR_LEASE_READY)
			check_dns(rp, ctx, &atts->v[i], (long)i, &server_checked);
	}
}

/* The DNS step of setup, for one attachment (idempotent: its line is replaced). */
static int repair_dns(struct admin_ctx *ctx, const struct admin_att *a, struct nd_error *err)
{
	_cleanup_close_ int lock = state_lock(ctx->opts.config_dir, err);
	const struct nd_network *n = a->req->attach[0].net;
	struct attach_rt rt = {0};
	struct exec_ctx c = { .opts = &ctx->opts, .req = a->req, .netns_path = a->netns,
			      .host_ns = -1, .ctr_ns = -1, .rt = &rt, .err = err };
	int r;

	if (lock < 0)
		return lock;
	/* Where setup makes DNS listen on a managed bridge: the gateways. */
	for (size_t s = 0; s < n->n_subnets && rt.n_dns_binds < ELEMENTSOF(rt.dns_binds); s++)
		if (n->subnets[s].has_gateway)
			rt.dns_binds[rt.n_dns_binds++] = n->subnets[s].gateway;
	r = dns_setup(&c);
	free(c.undo);
	return r;
}

static int load(struct admin_ctx *ctx, struct admin_nets *nets, struct admin_atts *atts,
		struct nd_error *err)
{
	_cleanup_close_ int lock = state_lock(ctx->opts.config_dir, err);
	int r;

	if (lock < 0)
		return lock;
	if ((r = netstore_load(ctx->network_dir, nets, err)) < 0)
		return r;
	return attstore_load(ctx->opts.config_dir, atts, err);
}

static int run_check(struct admin_ctx *ctx, struct report *rp, struct admin_nets *nets,
		     struct admin_atts *atts, struct nd_error *err)
{
	_cleanup_(nlx_freep) struct nlx *host = NULL;
	int r;

	if ((r = load(ctx, nets, atts, err)) < 0)
		return r;
	if ((r = nlx_open(&host)) < 0)
		return nd_error_set(err, r, "cannot open netlink: %s", strerror(-r));
	check_all(rp, ctx, nets, atts, host);
	return 0;
}

static int repair(struct admin_ctx *ctx, const struct report *rp, const struct admin_atts *atts,
		  size_t *failed)
{
	_cleanup_free_ bool *re = calloc(atts->n + 1, sizeof(bool));
	_cleanup_free_ bool *dns = calloc(atts->n + 1, sizeof(bool));
	bool fw = false;

	if (!re || !dns)
		return -ENOMEM;
	for (size_t i = 0; i < rp->n; i++) {
		const struct problem *p = &rp->v[i];
		if (p->fix == FIX_REATTACH && p->att >= 0)
			re[p->att] = true;
		else if (p->fix == FIX_DNS && p->att >= 0)
			dns[p->att] = true;
		else if (p->fix == FIX_FIREWALL)
			fw = true;
	}
	/* A broken bridge: every attachment of that network is set up again. */
	for (size_t i = 0; i < rp->n; i++)
		if (rp->v[i].fix == FIX_REATTACH_NET && rp->v[i].att >= 0)
			for (size_t j = 0; j < atts->n; j++)
				if (strcmp(atts->v[j].network, atts->v[rp->v[i].att].network) == 0 &&
				    atts->v[j].lease->state == CTR_LEASE_READY)
					re[j] = true;
	for (size_t i = 0; i < atts->n; i++) {
		struct nd_error e = {0};
		if (!re[i])
			continue;
		printf("repair: setting %s up again on %s\n", admin_att_nsname(&atts->v[i]),
		       atts->v[i].network);
		if (admin_reattach_one(ctx, atts->v[i].container_id, &e) < 0) {
			printf("repair failed: %s\n", e.msg ? e.msg : "error");
			(*failed)++;
		}
		nd_error_clear(&e);
	}
	if (fw) {
		struct nd_error e = {0};
		struct fw_dirs d;
		size_t n;

		printf("repair: firewall-reload\n");
		fw_dirs_of(ctx, &d);
		if (fw_of(ctx->opts.fw_driver)->reload(&d, &n, &e) < 0) {
			printf("repair failed: %s\n", e.msg ? e.msg : "error");
			(*failed)++;
		}
		nd_error_clear(&e);
	}
	for (size_t i = 0; i < atts->n; i++) {
		struct nd_error e = {0};
		if (!dns[i] || re[i])
			continue;
		printf("repair: DNS entries of %s on %s\n", admin_att_nsname(&atts->v[i]),
		       atts->v[i].network);
		if (repair_dns(ctx, &atts->v[i], &e) < 0) {
			printf("repair failed: %s\n", e.msg ? e.msg : "error");
			(*failed)++;
		}
		nd_error_clear(&e);
	}
	return 0;
}

static int flag_opt(int opt, const char *arg, void *data)
{
	*(bool *)data = true;
	return 0;
}

int admin_cmd_check(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err)
{
	static const struct option longopts[] = {
		{ "repair", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct admin_nets nets = {0};
	struct admin_atts atts = {0};
	struct report rp = {0};
	bool do_repair = false;
	size_t n_pos, failed = 0;
	int r;

	r = admin_getopt("check", check_help, argc, argv, longopts, NULL, flag_opt, &do_repair, NULL,
			 0, &n_pos);
	if (r)
		return r == 1 ? 0 : r;
	if ((r = run_check(ctx, &rp, &nets, &atts, err)) < 0)
		goto out;
	if (rp.n == 0) {
		printf("ok: %zu network%s, %zu attachment%s, all as recorded\n", nets.n,
		       nets.n == 1 ? "" : "s", atts.n, atts.n == 1 ? "" : "s");
		goto out;
	}
	printf("%zu problem%s found\n", rp.n, rp.n == 1 ? "" : "s");
	if (!do_repair)
		goto out;
	if ((r = repair(ctx, &rp, &atts, &failed)) < 0)
		goto out;
	free(rp.v);
	rp = (struct report){0};
	attstore_done(&atts);
	netstore_done(&nets);
	printf("after repair:\n");
	if ((r = run_check(ctx, &rp, &nets, &atts, err)) < 0)
		goto out;
	if (rp.n == 0)
		printf("ok: %zu network%s, %zu attachment%s, all as recorded\n", nets.n,
		       nets.n == 1 ? "" : "s", atts.n, atts.n == 1 ? "" : "s");
	else
		printf("%zu problem%s left\n", rp.n, rp.n == 1 ? "" : "s");
out:
	if (fflush(stdout) != 0 && r == 0)
		r = nd_error_set(err, -EIO, "cannot write to stdout");
	if (r == 0)
		r = rp.n || failed ? 1 : 0;
	free(rp.v);
	attstore_done(&atts);
	netstore_done(&nets);
	return r;
}
