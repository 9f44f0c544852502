// SPDX-License-Identifier: Apache-2.0
/*
 * <config>/netd/attachments.json: every namespace attached by `netd attach`,
 * with what attach chose (its addresses are the allocation); the request
 * itself lives in the container's record (the core's), and admin builds it
 * again from these and the network (admin-attreq.c). Read and written under
 * the state lock (state_lock()); the file is replaced atomically. The only
 * code that reads or writes its JSON.
 *
 *   {"version": 1, "attachments": [{"netns": "/run/netns/web",
 *     "network": "blue", "container_id": "<64 hex>", "state": "attached",
 *     "pid": 0, "ns_dev": 4, "ns_ino": 4026532577, "mac": "aa:bb:..",
 *     "name": "web", "interface": "eth0", "addresses": ["10.88.0.2"],
 *     "static_mac": "..", "aliases": ["www"], "ports": [{"host_ip": "",
 *     "host_port": 8080, "container_port": 80, "range": 1,
 *     "protocol": "tcp"}]}, ...]}
 *
 * Records from before carry "request" (the whole netavark request) instead
 * of name..ports; those are read from it and the rest is ignored.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "admin-attstore.h"
#include "jsonutil.h"
#include "request.h"
#include "state.h"
#include "shared/cleanup.h"

#define MAX_ATT_FILE (64u << 20)

static char *store_path(const char *config)
{
	char *p = NULL;

	return asprintf(&p, "%s/netd/attachments.json", config) < 0 ? NULL : p;
}

void admin_att_done(struct admin_att *a)
{
	free(a->netns);
	free(a->network);
	free(a->container_id);
	free(a->name);
	free(a->interface);
	free(a->addrs);
	for (size_t i = 0; i < a->n_aliases; i++)
		free(a->aliases[i]);
	free(a->aliases);
	free(a->ports);
	nd_request_free(a->req);
	*a = (struct admin_att){0};
}

void attstore_done(struct admin_atts *s)
{
	for (size_t i = 0; i < s->n; i++)
		admin_att_done(&s->v[i]);
	free(s->v);
	*s = (struct admin_atts){0};
}

static void mac_text(const uint8_t m[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* attach's choices from an old record's "request" (parsed once, here). */
static int facts_from_request(json_object *request, const char *path, struct admin_att *a,
			      struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	const char *text = json_object_to_json_string_ext(request, JSON_C_TO_STRING_PLAIN);
	const struct nd_attach *at;
	int r;

	if ((r = request_parse(text, strlen(text), &req, err)) < 0) {
		nd_error_prefix(err, "%s.request", path);
		return r;
	}
	if (req->n_attach != 1 || strcmp(req->attach[0].net->name, a->network) != 0 ||
	    strcmp(req->container_id, a->container_id) != 0)
		return nd_error_set(err, -EINVAL,
				    "%s.request: not the one network \"%s\" of container %s", path,
				    a->network, a->container_id);
	at = &req->attach[0];
	if (!(a->name = strdup(req->container_name)) ||
	    !(a->interface = strdup(at->interface_name)) ||
	    !(a->addrs = calloc(at->n_addrs + 1, sizeof(*a->addrs))) ||
	    !(a->aliases = calloc(at->n_aliases + 1, sizeof(*a->aliases))) ||
	    !(a->ports = calloc(req->n_ports + 1, sizeof(*a->ports))))
		return -ENOMEM;
	for (; a->n_addrs < at->n_addrs; a->n_addrs++)
		a->addrs[a->n_addrs] = at->addrs[a->n_addrs].addr.addr;
	for (; a->n_aliases < at->n_aliases; a->n_aliases++)
		if (!(a->aliases[a->n_aliases] = strdup(at->aliases[a->n_aliases])))
			return -ENOMEM;
	if (req->n_ports)
		memcpy(a->ports, req->ports, req->n_ports * sizeof(*a->ports));
	a->n_ports = req->n_ports;
	if (at->has_mac)
		mac_text(at->mac, a->static_mac);
	return 0;
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
	/* "": every address; a family's zero address: all of that family (port_json()). */
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

/* attach's choices as this file keeps them. */
static int parse_facts(json_object *o, const char *path, struct admin_att *a, struct nd_error *err)
{
	_cleanup_free_ char *smac = NULL, *pp = ju_path_key(path, "ports");
	json_object *ports;
	size_t n;
	int r;

	if (!pp)
		return -ENOMEM;
	if ((r = ju_string(o, "name", true, path, &a->name, err)) < 0 ||
	    (r = ju_string(o, "interface", true, path, &a->interface, err)) < 0 ||
	    (r = ju_ip_list(o, "addresses", path, &a->addrs, &a->n_addrs, err)) < 0 ||
	    (r = ju_string(o, "static_mac", false, path, &smac, err)) < 0 ||
	    (r = ju_string_list(o, "aliases", path, &a->aliases, &a->n_aliases, err)) < 0 ||
	    (r = ju_array(o, "ports", false, path, &ports, err)) < 0)
		return r;
	snprintf(a->static_mac, sizeof(a->static_mac), "%s", smac ? smac : "");
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

static int parse_one(json_object *o, const char *path, struct admin_att *a, struct nd_error *err)
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
		a->state = ADMIN_ATT_ATTACHED;
	else if (strcmp(state, "attaching") == 0)
		a->state = ADMIN_ATT_ATTACHING;
	else
		return nd_error_set(err, -EINVAL, "%s.state: unknown state \"%s\"", path, state);
	if ((r = ju_int(o, "pid", false, 0, INT32_MAX, path, &v, NULL, err)) < 0)
		return r;
	a->pid = (long)v;
	if ((r = ju_int(o, "ns_dev", true, 0, INT64_MAX, path, &v, NULL, err)) < 0)
		return r;
	a->ns.dev = (uint64_t)v;
	if ((r = ju_int(o, "ns_ino", true, 0, INT64_MAX, path, &v, NULL, err)) < 0)
		return r;
	a->ns.ino = (uint64_t)v;
	if ((r = ju_int(o, "ns_cookie", false, 0, INT64_MAX, path, &v, NULL, err)) < 0)
		return r;
	a->ns.cookie = (uint64_t)v;	/* 0 when absent: a record from before cookies */
	snprintf(a->mac, sizeof(a->mac), "%s", mac ? mac : "");
	if (!ju_get(o, "interface") && ju_get(o, "request"))
		return facts_from_request(ju_get(o, "request"), path, a, err);
	return parse_facts(o, path, a, err);
}

static json_object *port_json(const struct nd_port *p)
{
	json_object *o = json_object_new_object();
	char b[ND_ADDRSTRLEN];

	json_object_object_add(o, "host_ip", json_object_new_string(
		p->host_ip_kind == ND_HOSTIP_ONE ? nd_ip_str(&p->host_ip, b) :
		p->host_ip_kind == ND_HOSTIP_ALL_V4 ? "0.0.0.0" :
		p->host_ip_kind == ND_HOSTIP_ALL_V6 ? "::" : ""));
	json_object_object_add(o, "host_port", json_object_new_int(p->host_port));
	json_object_object_add(o, "container_port", json_object_new_int(p->container_port));
	json_object_object_add(o, "range", json_object_new_int(p->range));
	json_object_object_add(o, "protocol", json_object_new_string(nd_proto_name(p->proto)));
	return o;
}

static void add_facts(json_object *o, const struct admin_att *a)
{
	json_object *addrs = json_object_new_array(), *aliases = json_object_new_array();
	json_object *ports = json_object_new_array();
	char b[ND_ADDRSTRLEN];

	json_object_object_add(o, "name", json_object_new_string(a->name));
	json_object_object_add(o, "interface", json_object_new_string(a->interface));
	for (size_t k = 0; k < a->n_addrs; k++)
		json_object_array_add(addrs, json_object_new_string(nd_ip_str(&a->addrs[k], b)));
	json_object_object_add(o, "addresses", addrs);
	if (a->static_mac[0])
		json_object_object_add(o, "static_mac", json_object_new_string(a->static_mac));
	for (size_t k = 0; k < a->n_aliases; k++)
		json_object_array_add(aliases, json_object_new_string(a->aliases[k]));
	json_object_object_add(o, "aliases", aliases);
	for (size_t k = 0; k < a->n_ports; k++)
		json_object_array_add(ports, port_json(&a->ports[k]));
	json_object_object_add(o, "ports", ports);
}

int attstore_load(const char *config, struct admin_atts *ret, struct nd_error *err)
{
	_cleanup_free_ char *path = store_path(config), *buf = NULL;
	struct admin_atts s = {0};
	json_object *root = NULL, *arr;
	size_t len, n;
	int r;

	if (!path)
		return -ENOMEM;
	r = state_read_file(path, MAX_ATT_FILE, &buf, &len);
	if (r == -ENOENT) {
		*ret = s;
		return 0;
	}
	if (r < 0)
		return nd_error_set(err, r, "cannot read %s: %s", path, strerror(-r));
	if ((r = ju_parse(buf, len, &root, err)) < 0 ||
	    (r = ju_array(root, "attachments", true, "", &arr, err)) < 0)
		goto fail;
	n = json_object_array_length(arr);
	s.v = calloc(n ? n : 1, sizeof(*s.v));
	if (!s.v) {
		r = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = ju_path_idx("attachments", i);
		s.n = i + 1;
		r = parse_one(json_object_array_get_idx(arr, i), p, &s.v[i], err);
		if (r < 0)
			goto fail;
	}
	json_object_put(root);
	*ret = s;
	return 0;
fail:
	nd_error_prefix(err, "%s is corrupt", path);
	json_object_put(root);
	attstore_done(&s);
	return r;
}

int attstore_save(const char *config, const struct admin_atts *s, struct nd_error *err)
{
	_cleanup_free_ char *path = store_path(config), *dir = NULL;
	json_object *root = json_object_new_object(), *arr = json_object_new_array();
	const char *text;
	int r;

	json_object_object_add(root, "version", json_object_new_int(1));
	json_object_object_add(root, "attachments", arr);
	for (size_t i = 0; i < s->n; i++) {
		const struct admin_att *a = &s->v[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "netns", json_object_new_string(a->netns));
		json_object_object_add(o, "network", json_object_new_string(a->network));
		json_object_object_add(o, "container_id", json_object_new_string(a->container_id));
		json_object_object_add(o, "state", json_object_new_string(
					       a->state == ADMIN_ATT_ATTACHED ? "attached" : "attaching"));
		if (a->state == ADMIN_ATT_ATTACHING)
			json_object_object_add(o, "pid", json_object_new_int64(a->pid));
		json_object_object_add(o, "ns_dev", json_object_new_int64((int64_t)a->ns.dev));
		json_object_object_add(o, "ns_ino", json_object_new_int64((int64_t)a->ns.ino));
		if (a->ns.cookie)
			json_object_object_add(o, "ns_cookie",
					       json_object_new_int64((int64_t)a->ns.cookie));
		if (a->mac[0])
			json_object_object_add(o, "mac", json_object_new_string(a->mac));
		add_facts(o, a);
		json_object_array_add(arr, o);
	}
	if (!path || asprintf(&dir, "%s/netd", config) < 0) {
		json_object_put(root);
		return -ENOMEM;
	}
	r = state_mkdir_under(config, "netd", 0700);
	if (r < 0) {
		json_object_put(root);
		return nd_error_set(err, r, "cannot create %s: %s", dir, strerror(-r));
	}
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE);
	r = state_write_atomic(path, text, strlen(text));
	json_object_put(root);
	if (r < 0)
		return nd_error_set(err, r, "cannot write %s: %s", path, strerror(-r));
	return 0;
}

int attstore_add(struct admin_atts *s, struct admin_att *a)
{
	struct admin_att *v = realloc(s->v, (s->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->v = v;
	s->v[s->n++] = *a;
	*a = (struct admin_att){0};
	return 0;
}

void attstore_remove(struct admin_atts *s, size_t i)
{
	admin_att_done(&s->v[i]);
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
	s->n--;
}

long attstore_find(const struct admin_atts *s, const char *container_id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].container_id, container_id) == 0)
			return (long)i;
	return -1;
}

const char *admin_att_nsname(const struct admin_att *a)
{
	const char *name = a->netns + 11;

	/* ip netns names stay short; other paths are shown whole. */
	if (strncmp(a->netns, "/run/netns/", 11) == 0 && name[0] && !strchr(name, '/'))
		return name;
	return a->netns;
}

bool admin_att_in_progress(const struct admin_att *a)
{
	return a->state == ADMIN_ATT_ATTACHING && a->pid > 0 &&
	       (kill((pid_t)a->pid, 0) == 0 || errno == EPERM);
}

bool admin_att_same_ns(const struct admin_att *a, const char *path, const struct netns_id *id)
{
	return strcmp(a->netns, path) == 0 || (id->ino && netns_id_eq(&a->ns, id));
}

/*
 * Under the lock: read the store, hand @fn the attachments and the index of
 * @id among them (-1: not recorded), and write the store back when @fn
 * returns 1. Return: what @fn returned (1 as 0), or a negative code.
 */
static int with_record(const char *config, const char *id,
		       int (*fn)(struct admin_atts *atts, const char *id, long idx, void *data,
				 struct nd_error *err),
		       void *data, struct nd_error *err)
{
	_cleanup_close_ int lock = state_lock(config, err);
	struct admin_atts atts = {0};
	int r;

	if (lock < 0)
		return lock;
	if ((r = attstore_load(config, &atts, err)) < 0)
		return r;
	r = fn(&atts, id, attstore_find(&atts, id), data, err);
	if (r > 0)
		r = attstore_save(config, &atts, err);
	attstore_done(&atts);
	return r;
}

static int fetch_one(struct admin_atts *atts, const char *id, long idx, void *data,
		     struct nd_error *err)
{
	struct admin_att *out = data;

	if (idx < 0)
		return nd_error_set(err, -ENOENT, "attachment %s is not recorded (anymore)", id);
	if (admin_att_in_progress(&atts->v[idx]))
		return nd_error_set(err, -EBUSY,
				    "namespace %s: the attach to network \"%s\" is still running (pid %ld)",
				    admin_att_nsname(&atts->v[idx]), atts->v[idx].network,
				    atts->v[idx].pid);
	*out = atts->v[idx];
	atts->v[idx] = (struct admin_att){0};
	return 0;
}

int attstore_fetch(const char *config, const char *id, struct admin_att *out, struct nd_error *err)
{
	return with_record(config, id, fetch_one, out, err);
}

static int forget_one(struct admin_atts *atts, const char *id, long idx, void *data,
		      struct nd_error *err)
{
	if (idx < 0)
		return 0;
	attstore_remove(atts, (size_t)idx);
	return 1;
}

int attstore_forget(const char *config, const char *id, struct nd_error *err)
{
	return with_record(config, id, forget_one, NULL, err);
}

struct commit_args {
	const char *static_mac, *mac;
};

static int commit_one(struct admin_atts *atts, const char *id, long idx, void *data,
		      struct nd_error *err)
{
	const struct commit_args *c = data;
	struct admin_att *a;

	if (idx < 0)
		return nd_error_set(err, -ENOENT, "attachment %s vanished meanwhile", id);
	a = &atts->v[idx];
	if (c->static_mac)
		snprintf(a->static_mac, sizeof(a->static_mac), "%s", c->static_mac);
	a->state = ADMIN_ATT_ATTACHED;
	a->pid = 0;
	snprintf(a->mac, sizeof(a->mac), "%s", c->mac ? c->mac : "");
	return 1;
}

int attstore_commit(const char *config, const char *id, const char *static_mac, const char *mac,
		    struct nd_error *err)
{
	return with_record(config, id, commit_one,
			   &(struct commit_args){ .static_mac = static_mac, .mac = mac }, err);
}
