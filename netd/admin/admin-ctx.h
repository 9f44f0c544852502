/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every admin command works with: the context, option parsing, usage
 * errors, namespace lookups, text tables and JSON output. Implemented in
 * admin-ctx.c, which knows no command.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "nl.h"
#include "result.h"
#include "opts.h"
#include "netns.h"
#include "shared/error.h"
#include "admin.h"

/**
 * struct admin_ctx - what every admin command works with
 * @opts:		main's options, with config_dir defaulted to /run/netd
 * @network_dir:	--network-dir, else $NETD_NETWORK_DIR, else /etc/netd/networks
 */
struct admin_ctx {
	struct netd_opts opts;
	const char *network_dir;
};

/* The options every admin command accepts, printed after each --help. */
extern const char admin_common_help[];

/**
 * admin_usage_error() - report a command-line mistake
 * @cmd:	the command, e.g. "network create"
 * @fmt:	printf format of the message
 *
 * Prints "netd CMD: <message>" and a hint to --help on stderr.
 * Return: 2, the exit code of a usage error.
 */
int admin_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * admin_getopt() - parse the options of one subcommand (getopt_long, permuting)
 * @cmd:	the command, for messages
 * @help:	printed on stdout for -h/--help
 * @argc, @argv: the arguments after the subcommand (@argv[0] is the first of them)
 * @longopts, @shortopts: as for getopt_long (shortopts without a leading ':')
 * @fn:		called for every option with its value; non-zero stops parsing
 *		and is returned (use admin_usage_error(), which returns 2)
 * @data:	passed to @fn
 * @pos, @max_pos, @n_pos: the positional arguments, at most @max_pos
 *
 * Return: 0, 1 when --help was given (help printed), or 2 on a usage error.
 */
struct option;
int admin_getopt(const char *cmd, const char *help, int argc, char **argv,
		 const struct option *longopts, const char *shortopts,
		 int (*fn)(int opt, const char *arg, void *data), void *data,
		 char **pos, size_t max_pos, size_t *n_pos);

/**
 * admin_netns_resolve() - the path and name of a namespace argument
 * @arg:	a bare name (/run/netns/NAME) or a path (anything with a '/')
 * @ret_path:	the absolute path (relative paths are taken from the cwd)
 * @ret_name:	what people call it: the bare name, "pid<N>" for
 *		/proc/<N>/ns/net, else the file name of the path
 *
 * Return: 0, or a negative code with @err set. Nothing is opened.
 */
int admin_netns_resolve(const char *arg, char **ret_path, char **ret_name, struct nd_error *err);

/**
 * admin_netns_ident() - the identity (device, inode, cookie) of the namespace at @path
 * Return: 0, -ENOENT, -EINVAL when @path is not a network namespace,
 * -NETNS_EHOST when it is the host's own (netns_open_container()), or -errno.
 */
int admin_netns_ident(const char *path, struct netns_id *id);

/**
 * admin_netns_nlx() - a netlink handle bound to the namespace at @path
 * @id:		when @id->ino is non-zero, the namespace must still be that one
 *		(netns_id_eq(): its cookie too, when both are known)
 * @ret:	the handle (nlx_free())
 *
 * Enters the namespace, opens the socket and comes back.
 * Return: 0, -ESTALE if the namespace was created again, or -errno.
 */
int admin_netns_nlx(const char *path, const struct netns_id *id, struct nlx **ret);

/**
 * admin_random_id() - 64 random lower-case hex digits (a container id)
 * Return: 0 or -EIO.
 */
int admin_random_id(char out[65]);

/**
 * admin_may_talk() - whether containers of @a and @b can connect to each other
 *
 * From netd's nftables rules (fw-nft.c): neither network is internal nor
 * isolate=strict, and at least one of them has isolate=false.
 * Return: true if they may.
 */
bool admin_may_talk(const struct nd_network *a, const struct nd_network *b);

/* A plain text table: rows of cells, printed with aligned columns. */
struct admin_table {
	size_t cols;
	char **cells;		/* rows * cols, owned */
	size_t rows, cap;
};
int admin_table_init(struct admin_table *t, size_t cols, ...);	/* header cells */
/* Add a row of @t->cols cells (printf-free strings, copied; NULL = "-"). */
int admin_table_row(struct admin_table *t, const char *const *cells);
void admin_table_print(const struct admin_table *t, FILE *f);
void admin_table_done(struct admin_table *t);

/* The MAC of the one interface of @network in a setup result ("" if none). */
void admin_result_mac(const struct nd_result *res, const char *network, char out[18]);

/* Pretty (two-space) or compact JSON on stdout. Return: 0 or -EIO. */
int admin_print_json(json_object *o, bool pretty);
