// SPDX-License-Identifier: Apache-2.0
/*
 * netd detach: one network or all of a namespace, each with admin_detach_one()
 * (admin-att.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin-ctx.h"
#include "admin-attstore.h"
#include "admin-att.h"
#include "admin-cmd.h"
#include "netns.h"
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
	char *pos[1];
	const char **ids = NULL, **nets = NULL;
	struct netns_id nsid = {0};
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
	r = admin_netns_ident(path, &nsid);
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
		nsid = (struct netns_id){0};
	for (size_t i = 0; i < atts.n; i++)
		if (admin_att_same_ns(&atts.v[i], path, &nsid) &&
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
