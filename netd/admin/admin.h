/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netd for administrators: networks kept as files in a network directory,
 * namespaces attached to them without an engine. Every attach and detach is
 * an ordinary netavark request run through netd_setup()/netd_teardown(), so
 * links, firewall, DNS and state are exactly what an engine would get.
 *
 *   admin.c            dispatch, shared helpers (namespaces, tables, usage)
 *   admin-netstore.c   the network directory: one Network JSON file each
 *   admin-attstore.c   <config>/netd/attachments.json: attachments and their addresses
 *   admin-network.c    netd network create|ls|inspect|rm
 *   admin-attach.c     netd attach: allocation, the request, netd_setup()
 *   admin-detach.c     netd detach; detach / set up again one stored attachment
 *   admin-status.c     netd status (table, JSON); admin-dot.c: --dot
 *   admin-check.c      netd check [--repair]
 *   ipalloc.c          the first free address of a subnet
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
#include "shared/error.h"

#define ADMIN_DEFAULT_CONFIG "/run/netd"
#define ADMIN_DEFAULT_NETWORK_DIR "/etc/netd/networks"

/**
 * struct admin_ctx - what every admin command works with
 * @opts:		main's options, with config_dir defaulted to /run/netd
 * @network_dir:	--network-dir, else $NETD_NETWORK_DIR, else /etc/netd/networks
 */
struct admin_ctx {
	struct netd_opts opts;
	const char *network_dir;
};

/* ---- admin.c: helpers ---- */

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
 * admin_netns_ident() - the identity (device and inode) of the namespace at @path
 * Return: 0, -ENOENT, -EINVAL when @path is not a network namespace,
 * -NETNS_EHOST when it is the host's own (netns_open_container()), or -errno.
 */
int admin_netns_ident(const char *path, uint64_t *dev, uint64_t *ino);

/**
 * admin_netns_nlx() - a netlink handle bound to the namespace at @path
 * @dev, @ino:	when @ino is non-zero, the namespace must still be that one
 * @ret:	the handle (nlx_free())
 *
 * Enters the namespace, opens the socket and comes back.
 * Return: 0, -ESTALE if the namespace was created again, or -errno.
 */
int admin_netns_nlx(const char *path, uint64_t dev, uint64_t ino, struct nlx **ret);

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

/* ---- admin-netstore.c: the network directory ---- */

struct admin_net {
	char *path;		/* <dir>/<name>.json */
	json_object *json;	/* the Network object as stored */
	struct nd_network net;	/* the same, validated */
};

struct admin_nets {
	struct admin_net *v;
	size_t n;
};

/**
 * netstore_load() - read every <name>.json of the network directory
 * @dir:	the directory; a missing one holds no networks
 * @ret:	the networks, sorted by name (netstore_done())
 *
 * Each file is validated with network_parse(); an invalid one is skipped
 * with a warning, so that one broken file does not hide the others.
 * Return: 0, or a negative code with @err set.
 */
int netstore_load(const char *dir, struct admin_nets *ret, struct nd_error *err);
void netstore_done(struct admin_nets *s);
const struct admin_net *netstore_find(const struct admin_nets *s, const char *name);
/**
 * netstore_save() - store a completed Network object as <dir>/<name>.json
 * Refuses to replace an existing file (-EEXIST). Hold state_lock(dir).
 * Return: 0, or a negative code with @err set.
 */
int netstore_save(const char *dir, json_object *net, struct nd_error *err);
int netstore_remove(const char *dir, const char *name, struct nd_error *err);
/* Changes to the directory are serialised with state_lock(dir): <dir>/netd.lock. */

/* ---- admin-attstore.c: attachments ---- */

enum admin_att_state {
	ADMIN_ATT_ATTACHING,	/* addresses reserved, setup running (or interrupted) */
	ADMIN_ATT_ATTACHED,	/* setup succeeded */
};

/**
 * struct admin_att - one namespace attached to one network
 * @netns:	absolute path of the namespace
 * @network:	network name
 * @container_id: the id in the request (one per attachment)
 * @state:	see enum admin_att_state
 * @pid:	the netd process of an attach in progress
 * @ns_dev, @ns_ino: identity of the namespace when it was attached
 * @mac:	MAC of the container interface from the setup result ("" if unknown)
 * @request:	the netavark request used for setup, and for teardown
 * @req:	@request parsed and validated
 */
struct admin_att {
	char *netns;
	char *network;
	char *container_id;
	enum admin_att_state state;
	long pid;
	uint64_t ns_dev, ns_ino;
	char mac[18];
	json_object *request;
	struct nd_request *req;
};

struct admin_atts {
	struct admin_att *v;
	size_t n;
};

/**
 * attstore_load() - read <config>/netd/attachments.json (missing: no attachments)
 * @ret:	the attachments, each with its request parsed (attstore_done())
 *
 * Hold state_lock(config) from here to attstore_save() to change it.
 * Return: 0, or a negative code with @err set (a corrupt file is an error).
 */
int attstore_load(const char *config, struct admin_atts *ret, struct nd_error *err);
/**
 * attstore_save() - write the attachments back (temporary file + rename)
 * Return: 0, or a negative code with @err set.
 */
int attstore_save(const char *config, const struct admin_atts *s, struct nd_error *err);
void attstore_done(struct admin_atts *s);
/* Append @a (moved in: its pointers belong to the store afterwards). */
int attstore_add(struct admin_atts *s, struct admin_att *a);
void attstore_remove(struct admin_atts *s, size_t i);
void admin_att_done(struct admin_att *a);
/* Index of the attachment with @container_id, or -1. */
long attstore_find(const struct admin_atts *s, const char *container_id);
/* Parse the request of @a into @a->req (done by attstore_load). */
int admin_att_parse(struct admin_att *a, struct nd_error *err);
/* The namespace as people name it: NAME for /run/netns/NAME, else the path. */
const char *admin_att_nsname(const struct admin_att *a);
/* Whether the process of an unfinished attach is still running. */
bool admin_att_in_progress(const struct admin_att *a);
/*
 * Whether record @a is the namespace at @path: the same path, or (when the
 * namespace exists, @ino non-zero) the same namespace under another path.
 */
bool admin_att_same_ns(const struct admin_att *a, const char *path, uint64_t dev, uint64_t ino);

/**
 * attstore_fetch() - take one attachment out of a fresh read of the store
 * @out:	a copy, owned by the caller (admin_att_done())
 *
 * Under the lock; refuses an attach still in progress (-EBUSY).
 * Return: 0, -ENOENT if not recorded, or a negative code with @err set.
 */
int attstore_fetch(const char *config, const char *id, struct admin_att *out, struct nd_error *err);
/* Under the lock: drop attachment @id from the store (absent is fine). */
int attstore_forget(const char *config, const char *id, struct nd_error *err);
/*
 * Under the lock: attachment @id is set up: state attached, @mac, and
 * @request (unless NULL) as its new request.
 */
int attstore_commit(const char *config, const char *id, json_object *request, const char *mac,
		    struct nd_error *err);

/* ---- admin-attach.c, admin-detach.c ---- */

int admin_cmd_attach(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err);
int admin_cmd_detach(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err);
/**
 * admin_detach_one() - tear down one attachment with its stored request, forget it
 * @container_id: the attachment
 *
 * Takes and releases the state lock itself around netd_teardown(), which
 * takes it too. A namespace that is gone, or was created again, gets the
 * host side cleaned up only. On failure the record stays.
 * Return: 0, or a negative code with @err set.
 */
int admin_detach_one(struct admin_ctx *ctx, const char *container_id, struct nd_error *err);
/**
 * admin_reattach_one() - tear down what is left of an attachment, set it up again
 * @container_id: the attachment
 *
 * For repairs: netd_teardown() then netd_setup() with the stored request,
 * the interface keeping its MAC. Locking as admin_detach_one().
 * Return: 0, or a negative code with @err set (-ENOENT: namespace gone).
 */
int admin_reattach_one(struct admin_ctx *ctx, const char *container_id, struct nd_error *err);

/* ---- admin-network.c, admin-status.c, admin-check.c ---- */

int admin_cmd_network(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err);
int admin_cmd_status(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err);
int admin_cmd_check(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err);

/* ---- admin-status.c: what the kernel has, next to what netd recorded ---- */

enum admin_att_health {
	ADMIN_OK,
	ADMIN_ATTACHING,	/* attach still running */
	ADMIN_INTERRUPTED,	/* attach died half-way */
	ADMIN_NS_GONE,		/* namespace deleted (or created again) */
	ADMIN_BRIDGE_MISSING,
	ADMIN_VETH_MISSING,	/* host end gone, or not on the bridge */
	ADMIN_IFACE_MISSING,	/* interface in the namespace gone */
};

/**
 * struct admin_live - kernel facts, one entry per network / attachment
 * @bridge_present, @bridge_up:	per network of the store, in its order
 * @bridge_ifindex:		0 when absent
 * @health:			per attachment, in the store's order
 */
struct admin_live {
	bool *bridge_present, *bridge_up;
	int *bridge_ifindex;
	enum admin_att_health *health;
};

/**
 * admin_live_read() - look up, in the kernel, what @nets and @atts describe
 * @ret:	the facts (admin_live_done())
 * Return: 0 or -ENOMEM. Netlink failures count as "missing".
 */
int admin_live_read(const struct admin_nets *nets, const struct admin_atts *atts,
		    struct admin_live *ret);
void admin_live_done(struct admin_live *l);
const char *admin_health_name(enum admin_att_health h);

/* ---- admin-dot.c ---- */

/* The topology as Graphviz DOT on @f: networks, attachments, ports, reachability. */
int admin_print_dot(const struct admin_nets *nets, const struct admin_atts *atts,
		    const struct admin_live *live, FILE *f);

/* Admin commands (network, attach, detach, status, check): see admin.c. */
int cmd_admin(const struct netd_opts *opts, const char *cmd, int argc, char **argv,
	      struct nd_error *err);
