// SPDX-License-Identifier: Apache-2.0
/*
 * The two operations on one stored attachment that detach, network rm --force
 * and check --repair share: tear it down with the request it was set up with
 * (admin_detach_one), or tear down its remains and set it up again
 * (admin_reattach_one). The state lock is held only around reading and
 * writing the record: netd_teardown() and netd_setup() take it themselves.
 */
#include "admin-att.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pipeline.h"
#include "netns.h"
#include "network.h"
#include "state.h"
#include "shared/cleanup.h"
#include "admin-attstore.h"
#include "admin-ctx.h"

/* The path to hand teardown: a re-created namespace is not the one attached. */
static char *teardown_path(const struct admin_att *a)
{
	struct netns_id now;
	char *p = NULL;
	int r = admin_netns_ident(a->netns, &now);

	if (r == -ENOENT || (r == 0 && netns_id_eq(&now, &a->lease->ns)))
		return strdup(a->netns);
	/* A path that does not exist: teardown then cleans up the host side only. */
	return asprintf(&p, "%s (deleted)", a->netns) < 0 ? NULL : p;
}

int admin_detach_one(struct admin_ctx *ctx, const char *container_id, struct nd_error *err)
{
	_cleanup_free_ char *tpath = NULL;
	struct admin_att a = {0};
	int r;

	if ((r = attstore_fetch(ctx->opts.config_dir, container_id, &a, err)) < 0)
		return r;
	tpath = teardown_path(&a);
	/* The request as setup got it: the record's; teardown removes the record with it. */
	r = tpath ? netd_teardown(&ctx->opts, tpath, a.req, err) : -ENOMEM;
	if (r < 0) {
		nd_error_prefix(err, "detach %s from network \"%s\"", admin_att_nsname(&a), a.network);
		admin_att_done(&a);
		return r;
	}
	admin_att_done(&a);
	return attstore_forget(ctx->opts.config_dir, container_id, err);
}

/* The attachment of @atts, other than @a, that holds one of @a's addresses (*@ip); NULL if none. */
static const struct admin_att *holder_of(const struct admin_atts *atts, const struct admin_att *a,
					 const struct nd_ip **ip)
{
	const struct nd_attach *at = &a->req->attach[0];
	const struct admin_att *o = NULL;

	for (size_t k = 0; k < at->n_addrs && !o; k++) {
		*ip = &at->addrs[k].addr.addr;
		o = attstore_holder(atts, a->network, *ip, a->container_id);
	}
	return o;
}

/*
 * Under the lock: the record written again with @a's request and a pending
 * lease, unless an attach took one of its addresses since teardown removed it.
 */
static int reserve_again(struct admin_ctx *ctx, const struct admin_att *a, struct nd_error *err)
{
	_cleanup_close_ int lock = state_lock(ctx->opts.config_dir, err);
	struct admin_atts atts = {0};
	const struct admin_att *o;
	const struct nd_ip *ip = NULL;
	char b[ND_ADDRSTRLEN];
	int r;

	if (lock < 0)
		return lock;
	if ((r = attstore_load(ctx->opts.config_dir, &atts, err)) < 0)
		return r;
	if ((o = holder_of(&atts, a, &ip)))
		r = nd_error_set(err, -EADDRINUSE,
				 "address %s of %s on network \"%s\" was taken by %s meanwhile; detach and attach it again",
				 nd_ip_str(ip, b), admin_att_nsname(a), a->network, admin_att_nsname(o));
	else
		r = attstore_reserve(ctx->opts.config_dir, a->req, a->netns, &a->lease->ns,
				     ctx->opts.dns_port, err);
	attstore_done(&atts);
	return r;
}

int admin_reattach_one(struct admin_ctx *ctx, const char *container_id, struct nd_error *err)
{
	_cleanup_free_ char *tpath = NULL;
	_cleanup_(nd_result_freep) struct nd_result *result = NULL;
	struct admin_att a = {0};
	char mac[18];
	int r;

	if ((r = attstore_fetch(ctx->opts.config_dir, container_id, &a, err)) < 0)
		return r;
	tpath = teardown_path(&a);
	if (!tpath || strcmp(tpath, a.netns) != 0 || access(a.netns, F_OK) < 0) {
		r = nd_error_set(err, -ENOENT,
				 "namespace %s no longer exists (or was created again); detach it", a.netns);
		goto out;
	}
	if ((r = netd_teardown(&ctx->opts, tpath, a.req, err)) < 0)
		goto out;
	/* Keep the MAC the namespace had, so neighbours' caches stay right: the request asks for it. */
	if (a.lease->mac[0] && !a.req->attach[0].has_mac) {
		struct nd_attach *at = &a.req->attach[0];
		if (mac_parse(a.lease->mac, at->mac) < 0) {
			r = nd_error_set(err, -EINVAL,
					 "networks.%s.static_mac: \"%s\" is not a MAC address (expected six hex pairs like 02:42:ac:11:00:02)",
					 a.network, a.lease->mac);
			goto out;
		}
		at->has_mac = true;
	}
	/* Teardown removed the record: it reserves the addresses again before setup. */
	if ((r = reserve_again(ctx, &a, err)) < 0)
		goto out;
	if ((r = netd_setup(&ctx->opts, tpath, a.req, &result, err)) < 0)
		goto out;
	admin_result_mac(result, a.network, mac);
	r = attstore_commit(ctx->opts.config_dir, container_id, mac, err);
out:
	admin_att_done(&a);
	return r;
}
