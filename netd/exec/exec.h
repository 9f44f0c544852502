/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The execution context of one setup or teardown, and the undo journal.
 * Every step that changes the system pushes the inverse action; on the first
 * failure exec_unwind() runs them in reverse order.
 */
#pragma once

#include <net/if.h>
#include <signal.h>
#include <stdbool.h>

#include "dhcp-client.h"
#include "model.h"
#include "nl.h"
#include "opts.h"
#include "sysctl.h"
#include "shared/error.h"

struct plugin_attach;

/* What setup learnt about one attachment while building it. */
struct attach_rt {
	int br_ifindex;
	bool br_created;
	int host_ifindex;
	char host_name[IFNAMSIZ];
	int ctr_ifindex;
	uint8_t mac[6];
	unsigned mtu;
	/* DNS listen addresses: the gateways, or in unmanaged mode the bridge's own. */
	struct nd_ip dns_binds[8];
	size_t n_dns_binds;
	struct plugin_attach *plugin;	/* plugin drivers: what plugin.c keeps (owned) */
	bool has_dhcp;			/* ipam dhcp: the lease acquired (dhcp-setup.c) */
	struct dhcp_lease dhcp;
	/* Teardown: the network has no container left once this one is gone (bridges). */
	bool net_empty;
};

struct exec_ctx;

enum undo_kind {
	UNDO_LINK_DEL,		/* delete link @ifindex (host or container) */
	UNDO_SYSCTL,		/* restore host sysctl @key to @value */
	UNDO_LINK_DOWN,		/* set link @ifindex down again */
	UNDO_CALL,		/* call @call(c) */
	UNDO_ADDR_DEL,		/* delete address @addr from @ifindex */
	UNDO_ROUTE_DEL,		/* delete @route */
};

struct undo {
	enum undo_kind kind;
	bool in_container;
	int ifindex;
	char name[IFNAMSIZ];	/* UNDO_LINK_DEL by name when @ifindex is 0 */
	struct nd_prefix addr;
	struct nlx_route route;
	char key[128];
	char value[SYSCTL_VALUE_MAX];
	void (*call)(struct exec_ctx *c);
};

/*
 * Signals held off while setup or teardown changes the system: SIGINT,
 * SIGTERM and SIGHUP are blocked, so one arrives after the change, never in
 * the middle of it, and the caller's mask is restored on return. Setup and
 * teardown use it identically, whichever front end (netavark CLI, admin,
 * CNI) calls them in-process.
 */
struct exec_signals {
	sigset_t old;
	bool held;
};

/* Block the three signals, saving the mask in @s. */
void exec_signals_hold(struct exec_signals *s);
/* Restore the mask exec_signals_hold() saved; nothing if it did not run (a cleanup function). */
void exec_signals_release(struct exec_signals *s);

struct fw_driver;
struct ctr_record;

/* Does attachment @a get firewall rules? Its network driver answers (driver_fw_needs()). */
typedef bool exec_fw_needs_fn(const struct nd_attach *a);

struct exec_ctx {
	const struct netd_opts *opts;
	const struct nd_request *req;
	const char *netns_path;
	int host_ns;			/* fd of the namespace netd started in */
	int ctr_ns;			/* fd of the container's, -1 if gone */
	struct nlx *host;
	struct nlx *ctr;		/* NULL if the container namespace is gone */
	struct attach_rt *rt;		/* one per req->attach */
	struct undo *undo;
	size_t n_undo, cap_undo;
	struct nd_error *err;
	bool fw_table_created;		/* this setup created the firewall table */
	bool skip_ports;		/* another network of the container carries its ports */
	struct ctr_record *prev_state;	/* the container's record before this run (owned; record.h) */
	/* Teardown: the recorded request whose published ports go, and their attachment. */
	const struct nd_request *ports_req;
	const struct nd_attach *ports_attach;
	const struct fw_driver *fw;	/* the firewall driver of this run (set by the core) */
	exec_fw_needs_fn *fw_needs;	/* set by the core with @fw */
	int lock;			/* the config dir's lock, -1 before exec_open() */
	struct exec_signals sigs;	/* held from exec_open() to exec_close() */
	unsigned flags;			/* EXEC_* of exec_open_netns() */
};

/* exec_open_netns() flags. */
enum {
	/*
	 * Teardown: a container namespace that is gone or cannot be entered is
	 * not an error (only the host side is cleaned, with a warning).
	 */
	EXEC_CTR_OPTIONAL = 1u << 0,
};

/**
 * exec_open_netns() - start the context of one setup or teardown
 * @c:		context to fill (all of it is overwritten); exec_close() it
 *		whatever this returns
 * @flags:	EXEC_* above
 *
 * Opens the container's namespace at @netns_path (netns_open_container()),
 * refusing the host's own (its links are not a container's). netd_setup()
 * and netd_teardown() call it first, before request_validate(), so a wrong
 * path is the error reported. With EXEC_CTR_OPTIONAL a namespace that no
 * longer exists is only warned about (c->ctr_ns stays -1). Nothing changes
 * yet.
 *
 * Return: 0, or negative with @err set.
 */
int exec_open_netns(struct exec_ctx *c, const struct netd_opts *opts, const char *netns_path,
		    unsigned flags, struct nd_error *err);

/**
 * exec_open_netns_fd() - exec_open_netns() on a namespace the caller opened
 * @ns:	what netns_open_container(@netns_path, NULL) returned: an fd, which
 *	@c takes (exec_close() closes it), or that -errno
 *
 * For a front end that opened and checked the namespace already (the
 * netavark CLI reports a bad namespace before a bad request): the same
 * checks, warnings and errors as exec_open_netns(), without opening it again.
 */
int exec_open_netns_fd(struct exec_ctx *c, const struct netd_opts *opts, const char *netns_path,
		       int ns, unsigned flags, struct nd_error *err);

/**
 * exec_open() - everything else a run needs, for the validated @req
 *
 * Opens the host namespace, allocates one attach_rt per attachment, holds
 * signals (exec_signals_hold(): from here on the system changes, and a
 * signal waits for the end of the run), takes the config dir's lock, opens
 * netlink in the host and the container namespace, and loads the container's
 * previous record into c->prev_state. Identical for setup and teardown and
 * for every front end; only EXEC_CTR_OPTIONAL differs.
 *
 * Return: 0, or negative with c->err set. exec_close() in both cases.
 */
int exec_open(struct exec_ctx *c, const struct nd_request *req);

/*
 * exec_close() - free what exec_open_netns() and exec_open() opened: netlink
 * handles, the undo journal, the previous record, attach_rt (whose owners
 * have released their parts), the lock and namespace fds; then release the
 * signals. Safe on any context exec_open_netns() started, however far
 * opening got, and twice.
 */
void exec_close(struct exec_ctx *c);

/* Journal the inverse action @u (copied). Return: 0 or -ENOMEM (c->err not
 * set: the step's caller reports it). */
int exec_push_undo(struct exec_ctx *c, const struct undo *u);
/* Undo everything recorded, newest first; failures are logged, not returned. */
void exec_unwind(struct exec_ctx *c);

/* Run @fn(c, @arg) inside the container namespace (netns_call()) and come
 * back. Return: @fn's return; -ENOENT when the container namespace is gone
 * (c->err not set); or a negative code with c->err set when it cannot be
 * entered. */
int exec_in_container(struct exec_ctx *c, int (*fn)(struct exec_ctx *c, void *arg), void *arg);

/* Set a host sysctl and, when it changed, journal its old value.
 * Return: 0, or a negative code (c->err set, except -ENOMEM of the journal). */
int exec_host_sysctl(struct exec_ctx *c, const char *key, const char *value);

/* Record the netlink failure @r in c->err: "<what>: <strerror>[ (kernel:
 * <message>)]", the message from nlx_last_msg(@h). Return: @r. */
int exec_nl_error(struct exec_ctx *c, struct nlx *h, int r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
