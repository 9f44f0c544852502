/* SPDX-License-Identifier: Apache-2.0 */
/* <config>/netd/attachments.json: attachments and their addresses (admin-attstore.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "netns.h"
#include "shared/error.h"

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
 * @ns:		identity of the namespace when it was attached (netns.h; its
 *		cookie 0 in records from before netd kept it)
 * @mac:	MAC of the container interface from the setup result ("" if unknown)
 *
 * What attach chose, from which the request is built again (admin-attreq.h)
 * with the network's definition:
 * @name:	the container name (its DNS name)
 * @interface:	the interface in the namespace
 * @addrs:	the addresses reserved, one per subnet of the network
 * @static_mac:	the MAC asked for (--mac, or kept by a repair); "" for none
 * @aliases:	further DNS names
 * @ports:	the published ports
 *
 * @req:	the request built from those (admin_atts_build()); never stored
 */
struct admin_att {
	char *netns;
	char *network;
	char *container_id;
	enum admin_att_state state;
	long pid;
	struct netns_id ns;
	char mac[18];
	char *name;
	char *interface;
	struct nd_ip *addrs;
	size_t n_addrs;
	char static_mac[18];
	char **aliases;
	size_t n_aliases;
	struct nd_port *ports;
	size_t n_ports;
	struct nd_request *req;
};

struct admin_atts {
	struct admin_att *v;
	size_t n;
};

/**
 * attstore_load() - read <config>/netd/attachments.json (missing: no attachments)
 * @ret:	the attachments (attstore_done()), without requests (admin-attreq.h)
 *
 * A record from before netd kept attach's choices apart carries the whole
 * request instead; they are read from it (that request is parsed once).
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
/* The namespace as people name it: NAME for /run/netns/NAME, else the path. */
const char *admin_att_nsname(const struct admin_att *a);
/* Whether the process of an unfinished attach is still running. */
bool admin_att_in_progress(const struct admin_att *a);
/*
 * Whether record @a is the namespace at @path: the same path, or (when the
 * namespace exists, @ino non-zero) the same namespace under another path.
 */
bool admin_att_same_ns(const struct admin_att *a, const char *path, const struct netns_id *id);

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
 * @static_mac (unless NULL) as the MAC to ask for from now on.
 */
int attstore_commit(const char *config, const char *id, const char *static_mac, const char *mac,
		    struct nd_error *err);
