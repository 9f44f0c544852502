// SPDX-License-Identifier: Apache-2.0
#include "link-vlan.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "record.h"
#include "request.h"
#include "shared/cleanup.h"
#include "shared/log.h"

/* "<parent>.<id>"; -ENAMETOOLONG when that does not fit IFNAMSIZ. */
static int vlan_name(const char *parent, uint16_t vlan, char out[IFNAMSIZ])
{
	int n = snprintf(out, IFNAMSIZ, "%s.%u", parent, vlan);

	return n < 0 || n >= IFNAMSIZ ? -ENAMETOOLONG : 0;
}

int vlan_ensure(struct exec_ctx *c, size_t i, struct nlx_link *parent)
{
	const struct nd_network *net = c->req->attach[i].net;
	char name[IFNAMSIZ];
	struct nlx_link l;
	int r;

	if (vlan_name(parent->name, net->vlan, name) < 0)
		return nd_error_set(c->err, -ENAMETOOLONG,
				    "network \"%s\": vlan interface name \"%s.%u\" is longer than %d bytes",
				    net->name, parent->name, net->vlan, IFNAMSIZ - 1);
	r = nlx_link_by_name(c->host, name, &l);
	if (r == 0) {
		if (l.type != NLX_KIND_VLAN || l.link != parent->ifindex)
			return nd_error_set(c->err, -EEXIST,
					    "network \"%s\": interface \"%s\" already exists but is not a vlan sub-interface of \"%s\"",
					    net->name, name, parent->name);
		if (!l.up) {
			r = nlx_link_set_up(c->host, l.ifindex);
			if (r < 0)
				return exec_nl_error(c, c->host, r, "network \"%s\": set \"%s\" up",
						     net->name, name);
			r = exec_push_undo(c, &(struct undo){ .kind = UNDO_LINK_DOWN,
							      .ifindex = l.ifindex });
			if (r < 0)
				return r;
		}
		*parent = l;
		return 0;
	}
	if (r != -ENODEV)
		return exec_nl_error(c, c->host, r, "network \"%s\": look up \"%s\"", net->name, name);

	r = nlx_lower_create(c->host, &(struct nlx_lower){
		.kind = NLX_KIND_VLAN, .name = name, .parent = parent->ifindex, .ns_fd = -1,
		.vlan_id = net->vlan, .alias = VLAN_ALIAS,
	});
	if (r == -EOPNOTSUPP)
		return nd_error_set(c->err, r,
				    "network \"%s\": this kernel does not support vlan interfaces (CONFIG_VLAN_8021Q, module 8021q): cannot create \"%s\" for option vlan=%u",
				    net->name, name, net->vlan);
	if (r < 0)
		return exec_nl_error(c, c->host, r, "network \"%s\": create vlan interface \"%s\"",
				     net->name, name);
	r = nlx_link_by_name(c->host, name, &l);
	if (r < 0) {
		struct undo u = { .kind = UNDO_LINK_DEL };
		snprintf(u.name, sizeof(u.name), "%s", name);
		(void)exec_push_undo(c, &u);
		return exec_nl_error(c, c->host, r, "network \"%s\": read \"%s\"", net->name, name);
	}
	r = exec_push_undo(c, &(struct undo){ .kind = UNDO_LINK_DEL, .ifindex = l.ifindex });
	if (r < 0)
		return r;
	/* The kernel ignores IFLA_IFALIAS in the creating message: set it now. */
	r = nlx_link_set_alias(c->host, l.ifindex, VLAN_ALIAS);
	if (r < 0)
		return exec_nl_error(c, c->host, r, "network \"%s\": mark \"%s\"", net->name, name);
	r = nlx_link_set_up(c->host, l.ifindex);
	if (r < 0)
		return exec_nl_error(c, c->host, r, "network \"%s\": set \"%s\" up", net->name, name);
	log_info("network %s: created vlan interface %s (id %u)", net->name, name, net->vlan);
	*parent = l;
	return 0;
}

/* The sub-interface name a recorded network resolves to now; "" if none. */
static void recorded_name(struct exec_ctx *c, const struct nd_network *net,
			  const char *default_parent, char out[IFNAMSIZ])
{
	const char *p = net->network_interface && net->network_interface[0]
				? net->network_interface : default_parent;

	out[0] = '\0';
	if (p[0] && vlan_name(p, net->vlan, out) < 0)
		out[0] = '\0';
}

/*
 * Whether another attachment recorded in the config directory sits on
 * @name. The record of this container counts without the networks leaving
 * now. A record that cannot be read does not count.
 */
static bool vlan_in_use(struct exec_ctx *c, const char *name, const char *default_parent)
{
	_cleanup_free_ char *dir = NULL;
	struct dirent *de;
	bool used = false;
	DIR *d;

	if (asprintf(&dir, "%s/netd/containers", c->opts->config_dir) < 0)
		return true;	/* cannot tell: keep it */
	d = opendir(dir);
	if (!d)
		return errno != ENOENT;
	while (!used && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		_cleanup_free_ char *id = NULL;
		_cleanup_(ctr_record_freep) struct ctr_record *st = NULL;
		const struct nd_request *other;

		if (n <= 5 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		id = strndup(de->d_name, n - 5);
		if (!id)
			continue;
		st = ctrstate_load(c->opts->config_dir, id);
		other = st ? st->req : NULL;
		if (other) {
			bool self = strcmp(id, c->req->container_id) == 0;
			for (size_t k = 0; k < other->n_attach && !used; k++) {
				const struct nd_network *net = other->attach[k].net;
				char other_name[IFNAMSIZ];
				if (!driver_of(net)->on_parent || !net->has_vlan ||
				    (self && request_network(c->req, net->name)))
					continue;
				recorded_name(c, net, default_parent, other_name);
				used = strcmp(other_name, name) == 0;
			}
		}
	}
	closedir(d);
	return used;
}

int vlan_release(struct exec_ctx *c, size_t i, struct nd_error *err)
{
	const struct nd_network *net = c->req->attach[i].net;
	char name[IFNAMSIZ], alias[128], def[IFNAMSIZ] = "";
	struct nlx_link l;
	int r;

	if (nlx_default_route_link(c->host, &l) == 0)
		snprintf(def, sizeof(def), "%s", l.name);
	recorded_name(c, net, def, name);
	if (!name[0])
		return 0;
	r = nlx_link_by_name(c->host, name, &l);
	if (r == -ENODEV)
		return 0;
	if (r < 0)
		return nd_error_set(err, r, "network \"%s\": look up \"%s\": %s", net->name, name,
				    strerror(-r));
	if (l.type != NLX_KIND_VLAN || nlx_link_alias(c->host, l.ifindex, alias, sizeof(alias)) < 0 ||
	    strcmp(alias, VLAN_ALIAS) != 0)
		return 0;	/* not created by netd */
	if (vlan_in_use(c, name, def)) {
		log_debug("network %s: vlan interface %s still in use", net->name, name);
		return 0;
	}
	r = nlx_link_del(c->host, l.ifindex);
	if (r < 0 && r != -ENODEV)
		return nd_error_set(err, r, "network \"%s\": failed to delete vlan interface \"%s\": %s",
				    net->name, name, strerror(-r));
	log_info("network %s: deleted vlan interface %s", net->name, name);
	return 0;
}
