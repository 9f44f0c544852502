// SPDX-License-Identifier: Apache-2.0
/*
 * netd detach, and the two operations on one stored attachment that detach,
 * network rm --force and check --repair share: tear it down with the request
 * it was set up with (admin_detach_one), or tear down its remains and set it
 * up again (admin_reattach_one). The state lock is held only around the
 * store: netd_teardown() and netd_setup() take it themselves.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "pipeline.h"
#include "jsonutil.h"
#include "netns.h"
#include "network.h"
#include "state.h"
#include "shared/cleanup.h"

enum { OPT_NETWORK = 0x100 };

static const char detach_help[] =
	"Usage: netd detach NETNS [--network NAME]\n"
	"\n"
	"Detach a namespace from one network, or from all its netd networks. Works\n"
	"also when the namespace has been deleted (the host side is cleaned up).\n"
	"\n"
	"Example:\n"
	"  netd detach web --network blue\n";

/* The path to hand teardown: a re-created namespace is not the one attached. */
static char *teardown_path(const struct admin_att *a)
{
	uint64_t dev, ino;
	char *p = NULL;
	int r = admin_netns_ident(a->netns, &dev, &ino);

	if (r == -ENOENT || (r == 0 && dev == a->ns_dev && ino == a->ns_ino))
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
	/* The request as setup got it, parsed when the store was read. */
	r = tpath ? netd_teardown(&ctx->opts, tpath, a.req, err) : -ENOMEM;
	if (r < 0) {
		nd_error_prefix(err, "detach %s from network \"%s\"", admin_att_nsname(&a), a.network);
		admin_att_done(&a);
		return r;
	}
	admin_att_done(&a);
	return attstore_forget(ctx->opts.config_dir, container_id, err);
}

int admin_reattach_one(struct admin_ctx *ctx, const char *container_id, struct nd_error *err)
{
	_cleanup_free_ char *tpath = NULL;
	_cleanup_(nd_result_freep) struct nd_result *result = NULL;
	struct admin_att a = {0};
	json_object *att;
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
	/* Keep the MAC the namespace had, so neighbours' caches stay right: in the model and the record. */
	att = ju_get(ju_get(a.request, "networks"), a.network);
	if (a.mac[0] && att && !ju_get(att, "static_mac")) {
		struct nd_attach *at = &a.req->attach[0];
		if (mac_parse(a.mac, at->mac) < 0) {
			r = nd_error_set(err, -EINVAL,
					 "networks.%s.static_mac: \"%s\" is not a MAC address (expected six hex pairs like 02:42:ac:11:00:02)",
					 a.network, a.mac);
			goto out;
		}
		at->has_mac = true;
		json_object_object_add(att, "static_mac", json_object_new_string(a.mac));
	}
	if ((r = netd_setup(&ctx->opts, tpath, a.req, &result, err)) < 0)
		goto out;
	{
		char mac[18];
		admin_result_mac(result, a.network, mac);
		r = attstore_commit(ctx->opts.config_dir, container_id, a.request, mac, err);
	}
out:
	admin_att_done(&a);
	return r;
}

static int detach_opt(int opt, const char *arg, void *data)
{
	*(const char **)data = arg;
	return 0;
}

int admin_cmd_detach(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err)
{
	static const struct option longopts[] = {
		{ "network", required_argument, NULL, OPT_NETWORK },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	_cleanup_free_ char *path = NULL, *nsname = NULL;
	struct admin_atts atts = {0};
	struct nd_error list = {0};
	const char *network = NULL;
	char *pos[1], **ids = NULL, **nets = NULL;
	uint64_t dev, ino;
	size_t n_pos, n = 0;
	int r;

	r = admin_getopt("detach", detach_help, argc, argv, longopts, NULL, detach_opt, &network,
			 pos, 1, &n_pos);
	if (r == 0 && n_pos != 1)
		r = admin_usage_error("detach", "the namespace (a name in /run/netns, or a path) is missing");
	if (r)
		return r == 1 ? 0 : r;
	if ((r = admin_netns_resolve(pos[0], &path, &nsname, err)) < 0)
		return r;
	/* The host is never a container: nothing of it is detached. */
	r = admin_netns_ident(path, &dev, &ino);
	if (r == -NETNS_EHOST)
		return netns_error(err, r, path);
	{
		_cleanup_close_ int lock = state_lock(ctx->opts.config_dir, err);
		if (lock < 0)
			return lock;
		if ((r = attstore_load(ctx->opts.config_dir, &atts, err)) < 0)
			return r;
	}
	ids = calloc(atts.n + 1, sizeof(*ids));
	nets = calloc(atts.n + 1, sizeof(*nets));
	if (!ids || !nets) {
		r = -ENOMEM;
		goto out;
	}
	/* The namespace by path, or (while it exists) by identity under any path. */
	if (r < 0)
		dev = ino = 0;
	for (size_t i = 0; i < atts.n; i++)
		if (admin_att_same_ns(&atts.v[i], path, dev, ino) &&
		    (!network || strcmp(atts.v[i].network, network) == 0)) {
			ids[n] = atts.v[i].container_id;
			nets[n++] = atts.v[i].network;
		}
	if (n == 0) {
		r = network ? nd_error_set(err, -ENOENT, "namespace %s is not attached to network \"%s\"",
					   nsname, network)
			    : nd_error_set(err, -ENOENT, "namespace %s is not attached to any netd network",
					   nsname);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct nd_error e = {0};
		if (admin_detach_one(ctx, ids[i], &e) < 0) {
			nd_error_append(&list, &e);
			nd_error_clear(&e);
			continue;
		}
		printf("%s detached from network %s\n", nsname, nets[i]);
	}
	if (fflush(stdout) != 0)
		r = nd_error_set(err, -EIO, "cannot write to stdout");
	if (list.msg) {
		nd_error_move(err, &list);
		r = err->code;
	}
out:
	free(ids);
	free(nets);
	attstore_done(&atts);
	return r;
}
