// SPDX-License-Identifier: Apache-2.0
/*
 * Earlier netd kept admin's attachments in <config>/netd/attachments.json
 * beside the container records. This is that file's reader, kept only to
 * move it into the records (attmig_run()):
 *
 *   {"version": 1, "attachments": [{"netns": "/run/netns/web",
 *     "network": "blue", "container_id": "<64 hex>", "state": "attached",
 *     "pid": 0, "ns_dev": 4, "ns_ino": 4026532577, "ns_cookie": 9,
 *     "mac": "aa:bb:..", "name": "web", "interface": "eth0",
 *     "addresses": ["10.88.0.2"], "static_mac": "..", "aliases": ["www"],
 *     "ports": [{"host_ip": "", "host_port": 8080, "container_port": 80,
 *     "range": 1, "protocol": "tcp"}]}, ...]}
 *
 * Entries from before that carry "request" (the whole netavark request)
 * instead of name..ports. An entry becomes the lease of its container's
 * record (state attaching → pending, attached → ready); a record setup never
 * wrote is created with the entry's request.
 */
#include "admin-attmig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin-attreq.h"
#include "admin-attstore.h"
#include "admin-netstore.h"
#include "ctrstate.h"
#include "jsonutil.h"
#include "request.h"
#include "state.h"
#include "shared/names.h"
#include "shared/cleanup.h"

#define MAX_ATT_FILE (64u << 20)

/* One entry of the old file: its lease, and attach's choices or the whole request. */
struct old_att {
	char *netns, *network, *container_id;
	struct ctr_lease lease;
	char *name, *interface;
	struct nd_ip *addrs;
	size_t n_addrs;
	char *static_mac;
	char **aliases;
	size_t n_aliases;
	struct nd_port *ports;
	size_t n_ports;
	struct nd_request *req;	/* the old entry's "request", or the one built from the choices */
};

static void old_att_done(struct old_att *a)
{
	free(a->netns);
	free(a->network);
	free(a->container_id);
	free(a->name);
	free(a->interface);
	free(a->addrs);
	free(a->static_mac);
	strv_free(a->aliases, a->n_aliases);
	free(a->ports);
	nd_request_free(a->req);
	*a = (struct old_att){0};
}

static int parse_port(json_object *o, const char *path, struct nd_port *pm, struct nd_error *err)
{
	_cleanup_free_ char *host_ip = NULL, *proto = NULL;
	int64_t hp, cp, range;
	int r;

	if ((r = ju_expect_type(o, json_type_object, path, err)) < 0 ||
	    (r = ju_string(o, "host_ip", true, path, &host_ip, err)) < 0 ||
	    (r = ju_int(o, "host_port", true, 1, 65535, path, &hp, NULL, err)) < 0 ||
	    (r = ju_int(o, "container_port", true, 1, 65535, path, &cp, NULL, err)) < 0 ||
	    (r = ju_int(o, "range", true, 1, 65535, path, &range, NULL, err)) < 0 ||
	    (r = ju_string(o, "protocol", true, path, &proto, err)) < 0)
		return r;
	*pm = (struct nd_port){ .host_port = (uint16_t)hp, .container_port = (uint16_t)cp,
				.range = (uint16_t)range, .proto = ND_PROTO_TCP };
	while (strcmp(nd_proto_name(pm->proto), proto) != 0)
		if (pm->proto++ == ND_PROTO_SCTP)
			return nd_error_set(err, -EINVAL, "%s.protocol: unknown protocol \"%s\"", path,
					    proto);
	/* "": every address; a family's zero address: all of that family. */
	pm->host_ip_kind = ND_HOSTIP_ALL;
	if (!host_ip[0])
		return 0;
	if (nd_ip_parse(host_ip, &pm->host_ip) < 0)
		return nd_error_set(err, -EINVAL, "%s.host_ip: \"%s\" is not an IP address", path,
				    host_ip);
	pm->host_ip_kind = !nd_ip_is_zero(&pm->host_ip) ? ND_HOSTIP_ONE :
			   pm->host_ip.family == AF_INET ? ND_HOSTIP_ALL_V4 : ND_HOSTIP_ALL_V6;
	if (pm->host_ip_kind != ND_HOSTIP_ONE)
		pm->host_ip = (struct nd_ip){0};
	return 0;
}

/* attach's choices as the file kept them. */
static int parse_choices(json_object *o, const char *path, struct old_att *a, struct nd_error *err)
{
	_cleanup_free_ char *pp = ju_path_key(path, "ports");
	json_object *ports;
	size_t n;
	int r;

	if (!pp)
		return -ENOMEM;
	if ((r = ju_string(o, "name", true, path, &a->name, err)) < 0 ||
	    (r = ju_string(o, "interface", true, path, &a->interface, err)) < 0 ||
	    (r = ju_ip_list(o, "addresses", path, &a->addrs, &a->n_addrs, err)) < 0 ||
	    (r = ju_string(o, "static_mac", false, path, &a->static_mac, err)) < 0 ||
	    (r = ju_string_list(o, "aliases", path, &a->aliases, &a->n_aliases, err)) < 0 ||
	    (r = ju_array(o, "ports", false, path, &ports, err)) < 0)
		return r;
	n = ports ? json_object_array_length(ports) : 0;
	if (!(a->ports = calloc(n + 1, sizeof(*a->ports))))
		return -ENOMEM;
	for (; a->n_ports < n; a->n_ports++) {
		_cleanup_free_ char *p = ju_path_idx(pp, a->n_ports);
		if (!p)
			return -ENOMEM;
		if ((r = parse_port(json_object_array_get_idx(ports, a->n_ports), p,
				    &a->ports[a->n_ports], err)) < 0)
			return r;
	}
	return 0;
}

/* An old entry's "request": parsed, and it must be the entry's one network. */
static int parse_request(json_object *request, const char *path, struct old_att *a,
			 struct nd_error *err)
{
	_cleanup_free_ char *rp = ju_path_key(path, "request");
	int r;

	if (!rp)
		return -ENOMEM;
	if ((r = request_parse_object(request, &a->req, err)) < 0) {
		nd_error_prefix(err, "%s", rp);
		return r;
	}
	if (a->req->n_attach != 1 || strcmp(a->req->attach[0].net->name, a->network) != 0 ||
	    strcmp(a->req->container_id, a->container_id) != 0)
		return nd_error_set(err, -EINVAL, "%s: not the one network \"%s\" of container %s", rp,
				    a->network, a->container_id);
	return 0;
}

static int parse_one(json_object *o, const char *path, struct old_att *a, struct nd_error *err)
{
	_cleanup_free_ char *state = NULL, *mac = NULL;
	int64_t v;
	int r;

	if ((r = ju_expect_type(o, json_type_object, path, err)) < 0 ||
	    (r = ju_string(o, "netns", true, path, &a->netns, err)) < 0 ||
	    (r = ju_string(o, "network", true, path, &a->network, err)) < 0 ||
	    (r = ju_string(o, "container_id", true, path, &a->container_id, err)) < 0 ||
	    (r = ju_string(o, "state", true, path, &state, err)) < 0 ||
	    (r = ju_string(o, "mac", false, path, &mac, err)) < 0)
		return r;
	if (strcmp(state, "attached") == 0)
		a->lease.state = CTR_LEASE_READY;
	else if (strcmp(state, "attaching") == 0)
		a->lease.state = CTR_LEASE_PENDING;
	else
		return nd_error_set(err, -EINVAL, "%s.state: unknown state \"%s\"", path, state);
	if ((r = ju_int(o, "pid", false, 0, INT32_MAX, path, &v, NULL, err)) < 0)
		return r;
	a->lease.pid = (long)v;
	if ((r = ju_int(o, "ns_dev", true, 0, INT64_MAX, path, &v, NULL, err)) < 0)
		return r;
	a->lease.ns.dev = (uint64_t)v;
	if ((r = ju_int(o, "ns_ino", true, 0, INT64_MAX, path, &v, NULL, err)) < 0)
		return r;
	a->lease.ns.ino = (uint64_t)v;
	if ((r = ju_int(o, "ns_cookie", false, 0, INT64_MAX, path, &v, NULL, err)) < 0)
		return r;
	a->lease.ns.cookie = (uint64_t)v;	/* 0 when absent: an entry from before cookies */
	snprintf(a->lease.mac, sizeof(a->lease.mac), "%s", mac && strlen(mac) < 18 ? mac : "");
	if (!ju_get(o, "interface") && ju_get(o, "request"))
		return parse_request(ju_get(o, "request"), path, a, err);
	return parse_choices(o, path, a, err);
}

/*
 * The network definition for an entry that kept choices: the network
 * directory's, else the one its container record keeps (@rec, may be NULL).
 */
static const struct nd_network *network_of(const struct old_att *a, const struct admin_nets *nets,
					   const struct ctr_record *rec)
{
	const struct admin_net *n = netstore_find(nets, a->network);

	if (n)
		return &n->net;
	return rec && rec->req ? request_network(rec->req, a->network) : NULL;
}

/* Entry @a into the record of its container (under the lock). */
static int migrate_one(const char *config, const struct admin_nets *nets, uint16_t dns_port,
		       struct old_att *a, struct nd_error *err)
{
	_cleanup_(ctr_record_freep) struct ctr_record *rec = NULL;
	const struct nd_network *net;
	int r;

	/* The id becomes a file name: nothing but a valid one. */
	if ((r = nd_container_id_check("container_id", a->container_id, err)) < 0)
		return r;
	rec = ctrstate_load(config, a->container_id);
	if (rec && rec->lease && strcmp(rec->lease->owner, ADMIN_LEASE_OWNER) != 0)
		return nd_error_set(err, -EEXIST, "container %s has a record held by \"%s\"",
				    a->container_id, rec->lease->owner);
	if (!a->req) {
		if (!(net = network_of(a, nets, rec)))
			return nd_error_set(err, -ENOENT,
					    "network \"%s\" is gone from the network directory and from the container record",
					    a->network);
		r = admin_att_request(&(const struct admin_choices){
				.container_id = a->container_id, .name = a->name,
				.interface = a->interface, .addrs = a->addrs, .n_addrs = a->n_addrs,
				.static_mac = a->static_mac, .aliases = (const char *const *)a->aliases,
				.n_aliases = a->n_aliases, .ports = a->ports, .n_ports = a->n_ports },
				net, &a->req, err);
		if (r < 0)
			return r;
	}
	if ((r = request_validate(a->req, err)) < 0)
		return r;
	/* Setup's record stays as it is; one it never wrote (or lost) is made from the request. */
	if (!rec || !rec->req || !request_network(rec->req, a->network)) {
		ctr_record_free(rec);
		rec = NULL;
		if ((r = ctrstate_new(a->req, a->netns, dns_port, &rec, err)) < 0)
			return r;
	}
	ctr_lease_free(rec->lease);
	if ((r = ctr_lease_copy(&(const struct ctr_lease){ .owner = (char *)ADMIN_LEASE_OWNER,
			.state = a->lease.state, .pid = a->lease.pid, .ns = a->lease.ns },
			&rec->lease)) < 0)
		return r;
	snprintf(rec->lease->mac, sizeof(rec->lease->mac), "%s", a->lease.mac);
	if ((r = ctrstate_write(config, a->container_id, rec)) < 0)
		return nd_error_set(err, r, "cannot write its record: %s", strerror(-r));
	return 0;
}

/* Every entry of @root moved; the first failure stops. */
static int migrate_all(const char *config, const char *network_dir, uint16_t dns_port,
		       json_object *root, struct nd_error *err)
{
	struct admin_nets nets = {0};
	json_object *arr;
	int r;

	if ((r = ju_array(root, "attachments", true, "", &arr, err)) < 0 ||
	    (r = netstore_load(network_dir, &nets, err)) < 0)
		return r;
	for (size_t i = 0; r == 0 && i < json_object_array_length(arr); i++) {
		_cleanup_free_ char *p = ju_path_idx("attachments", i);
		struct old_att a = {0};

		if (!p) {
			r = -ENOMEM;
			break;
		}
		r = parse_one(json_object_array_get_idx(arr, i), p, &a, err);
		if (r == 0 && (r = migrate_one(config, &nets, dns_port, &a, err)) < 0)
			nd_error_prefix(err, "attachment of %s to network \"%s\"", a.netns, a.network);
		old_att_done(&a);
	}
	netstore_done(&nets);
	return r;
}

int attmig_run(const char *config, const char *network_dir, uint16_t dns_port,
	       struct nd_error *err)
{
	_cleanup_free_ char *path = NULL, *buf = NULL;
	_cleanup_close_ int lock = -1;
	json_object *root = NULL;
	size_t len;
	int r;

	if (asprintf(&path, "%s/netd/attachments.json", config) < 0)
		return -ENOMEM;
	if (access(path, F_OK) < 0)
		return 0;
	if ((lock = state_lock(config, err)) < 0)
		return lock;
	r = state_read_file(path, MAX_ATT_FILE, &buf, &len);
	if (r == -ENOENT)
		return 0;	/* moved meanwhile */
	if (r < 0)
		return nd_error_set(err, r, "cannot read %s: %s", path, strerror(-r));
	if ((r = ju_parse(buf, len, &root, err)) == 0)
		r = migrate_all(config, network_dir, dns_port, root, err);
	json_object_put(root);
	if (r < 0) {
		if (r == -ENOMEM && !err->msg)
			nd_error_set(err, r, "out of memory");
		nd_error_prefix(err, "cannot move %s into the container records", path);
		return r;
	}
	if (unlink(path) < 0 && errno != ENOENT)
		return nd_error_set(err, -errno, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}
