// SPDX-License-Identifier: Apache-2.0
/*
 * Admin commands: the dispatch main.c calls (network, attach, detach, status,
 * check). See admin.h for the layout.
 */
#include "admin.h"
#include "admin-cmd.h"
#include "admin-ctx.h"
#include "admin-attmig.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "dns-server.h"
#include "fw.h"
#include "shared/cleanup.h"

static const char usage_text[] =
	"Usage: netd COMMAND [OPTIONS] ...   (admin commands)\n"
	"\n"
	"Networks and attachments for administrators, without a container engine.\n"
	"\n"
	"  network create|ls|inspect|rm   define, list, show and remove networks\n"
	"  attach NETNS --network NAME    attach a network namespace to a network\n"
	"  detach NETNS [--network NAME]  detach it again\n"
	"  status [--json|--dot]          what is live: networks, attachments, topology\n"
	"  check [--repair]               compare the kernel with netd's state, and repair\n"
	"\n"
	"Options of every admin command:\n"
	"  --network-dir DIR   network definitions (default $NETD_NETWORK_DIR,\n"
	"                      else " ADMIN_DEFAULT_NETWORK_DIR ")\n"
	"Global options before the command, as for setup: --config DIR (default\n"
	ADMIN_DEFAULT_CONFIG " for admin commands), --firewall-driver, --aardvark-binary.\n"
	"\n"
	"Example:\n"
	"  netd network create blue && netd attach web --network blue && netd status\n";

/*
 * Filter the arguments before "--": @take(argv, argc, i, data) returns how many
 * arguments from i on it took out (0: keep argv[i]), or a usage error (> 0).
 */
static int take_args(int *argc, char **argv, int (*take)(char **, int, int, void *), void *data)
{
	int out = 0;

	for (int i = 0; i < *argc;) {
		int n;
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		n = take(argv, *argc, i, data);
		if (n < 0)
			return -n;
		if (n == 0)
			argv[out++] = argv[i++];
		i += n;
	}
	*argc = out;
	return 0;
}

struct netdir_arg {
	const char *cmd;
	const char **ret;
};

/* --network-dir DIR / --network-dir=DIR, wherever it is. */
static int take_network_dir(char **argv, int argc, int i, void *data)
{
	struct netdir_arg *a = data;

	if (strcmp(argv[i], "--network-dir") == 0) {
		if (i + 1 >= argc || !argv[i + 1][0])
			return -admin_usage_error(a->cmd, "option '--network-dir' needs a value");
		*a->ret = argv[i + 1];
		return 2;
	}
	if (strncmp(argv[i], "--network-dir=", 14) == 0) {
		if (!argv[i][14])
			return -admin_usage_error(a->cmd, "option '--network-dir' needs a value");
		*a->ret = argv[i] + 14;
		return 1;
	}
	return 0;
}

struct json_arg {
	bool own, json;
};

/* --json: noted; taken out for commands that have no --json of their own. */
static int take_json(char **argv, int argc, int i, void *data)
{
	struct json_arg *a = data;

	if (strcmp(argv[i], "--json") != 0)
		return 0;
	a->json = true;
	return a->own ? 0 : 1;
}

static int cmd_admin_run(const struct netd_opts *opts, const char *cmd, int argc, char **argv,
			 struct nd_error *err)
{
	struct admin_ctx ctx = { .opts = *opts };
	const char *env = getenv("NETD_NETWORK_DIR");
	int r;

	ctx.network_dir = opts->network_dir ? opts->network_dir :
			  env && *env ? env : ADMIN_DEFAULT_NETWORK_DIR;
	r = take_args(&argc, argv, take_network_dir, &(struct netdir_arg){ cmd, &ctx.network_dir });
	if (r)
		return r;
	if (!ctx.opts.config_dir)
		ctx.opts.config_dir = ADMIN_DEFAULT_CONFIG;
	if (!fw_lookup(ctx.opts.fw_driver))
		return nd_error_set(err, -EINVAL,
				    "Must provide a valid firewall backend, got %s (this netd knows: nftables, none)",
				    ctx.opts.fw_driver);
	if ((r = dns_port_from_env(&ctx.opts.dns_port, err)) < 0)
		return r;
	/* An attachments.json of an earlier netd: into the container records, once. */
	if ((r = attmig_run(ctx.opts.config_dir, ctx.network_dir, ctx.opts.dns_port, err)) < 0)
		return r;
	if (strcmp(cmd, "network") == 0)
		r = admin_cmd_network(&ctx, argc, argv, err);
	else if (strcmp(cmd, "attach") == 0)
		r = admin_cmd_attach(&ctx, argc, argv, err);
	else if (strcmp(cmd, "detach") == 0)
		r = admin_cmd_detach(&ctx, argc, argv, err);
	else if (strcmp(cmd, "status") == 0)
		r = admin_cmd_status(&ctx, argc, argv, err);
	else if (strcmp(cmd, "check") == 0)
		r = admin_cmd_check(&ctx, argc, argv, err);
	else
		return admin_usage_error(cmd, "not an admin command\n%s", usage_text);
	if (r < 0 && !err->msg)
		nd_error_set(err, r, "netd %s failed: %s", cmd, strerror(-r));
	return r;
}

/*
 * The message as an administrator reads it: no field paths of the JSON model
 * ("network.name: ", "network.subnets[0].gateway: "), which nobody typed.
 */
static void plain_message(const char *msg, char *out, size_t size)
{
	size_t o = 0;

	for (const char *p = msg; *p && o + 1 < size;) {
		const char *q = p;
		bool path = false;

		/* a path: identifier, then at least one ".ident" or "[N]", then ": " */
		if ((p == msg || p[-1] == ' ') && islower((unsigned char)*q)) {
			while (islower((unsigned char)*q) || *q == '_' || isdigit((unsigned char)*q) ||
			       *q == '.' || *q == '[' || *q == ']')
				q++;
			path = q > p && q[0] == ':' && q[1] == ' ' && memchr(p, '.', (size_t)(q - p));
		}
		if (path) {
			p = q + 2;
			continue;
		}
		out[o++] = *p == '\n' ? ' ' : *p;
		p++;
	}
	out[o < size ? o : size - 1] = 0;
}

int cmd_admin(const struct netd_opts *opts, const char *cmd, int argc, char **argv,
	      struct nd_error *err)
{
	struct json_arg j = {
		.own = strcmp(cmd, "attach") == 0 || strcmp(cmd, "status") == 0 ||
		       (strcmp(cmd, "network") == 0 && argc > 0 &&
			(strcmp(argv[0], "ls") == 0 || strcmp(argv[0], "list") == 0)),
	};
	char msg[2048];
	int r;

	(void)take_args(&argc, argv, take_json, &j);
	r = cmd_admin_run(opts, cmd, argc, argv, err);
	if (r >= 0)
		return r;
	/* Reported here, once: one line on stderr for people, JSON with --json. */
	if (j.json) {
		result_print_error(err);
	} else {
		plain_message(err->msg ? err->msg : strerror(-r), msg, sizeof(msg));
		if (strcmp(cmd, "network") == 0 && argc > 0 && argv[0][0] != '-')
			fprintf(stderr, "netd network %s: %s\n", argv[0], msg);
		else
			fprintf(stderr, "netd %s: %s\n", cmd, msg);
	}
	nd_error_clear(err);
	return 1;
}
