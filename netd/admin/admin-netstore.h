/* SPDX-License-Identifier: Apache-2.0 */
/* The network directory: one Network JSON file each (admin-netstore.c). */
#pragma once

#include <json-c/json.h>

#include "model.h"
#include "shared/error.h"

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
