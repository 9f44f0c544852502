// SPDX-License-Identifier: Apache-2.0
/*
 * The container record's one (de)serializer: file ↔ struct ctr_record. The
 * file keeps the keys and shape earlier netd versions wrote ("version": 2),
 * and reads back what they wrote. The request inside it is netavark's, read
 * with request_parse_object() and written with request_json(). A lease
 * ("lease": owner, state pending/ready, pid, ns_dev/ns_ino/ns_cookie, mac) is
 * read, written and carried, never interpreted here.
 */
#include "ctrstate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "driver.h"
#include "fw-nft.h"
#include "jsonutil.h"
#include "request.h"
#include "request-json.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#define MAX_STATE (16u << 20)
#define RECORD_VERSION 2

static void json_object_putp(json_object **o)
{
	json_object_put(*o);
}

static void link_done(struct ctr_link *l)
{
	free(l->network);
	free(l->interface);
	free(l->host_interface);
	free(l->bridge);
}

void ctr_lease_free(struct ctr_lease *l)
{
	if (!l)
		return;
	free(l->owner);
	free(l);
}

void ctr_record_free(struct ctr_record *rec)
{
	if (!rec)
		return;
	ctr_lease_free(rec->lease);
	free(rec->container_id);
	free(rec->container_name);
	free(rec->netns);
	free(rec->ports_network);
	for (size_t i = 0; i < rec->n_links; i++)
		link_done(&rec->links[i]);
	free(rec->links);
	nd_request_free(rec->req);
	nd_error_clear(&rec->req_err);
	free(rec);
}

/* strdup() of @s, NULL staying NULL. Return: 0 or -ENOMEM. */
static int dup_opt(const char *s, char **ret)
{
	*ret = NULL;
	if (s && !(*ret = strdup(s)))
		return -ENOMEM;
	return 0;
}

/* Member @key of @o when it is a string, else NULL (an older or damaged record). */
static const char *str_member(json_object *o, const char *key)
{
	json_object *v = ju_get(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* The link @l gets a slot in @rec (zeroed); NULL when out of memory. */
static struct ctr_link *link_add(struct ctr_record *rec)
{
	struct ctr_link *v = realloc(rec->links, (rec->n_links + 1) * sizeof(*v));

	if (!v)
		return NULL;
	rec->links = v;
	v[rec->n_links] = (struct ctr_link){0};
	return &v[rec->n_links++];
}

static int links_from_json(json_object *links, struct ctr_record *rec)
{
	if (!links || !json_object_is_type(links, json_type_object))
		return 0;
	json_object_object_foreach(links, net, o) {
		json_object *x = ju_get(o, "host_ifindex");
		struct ctr_link *l;

		if (!json_object_is_type(o, json_type_object))
			continue;
		if (!(l = link_add(rec)))
			return -ENOMEM;
		if (dup_opt(net, &l->network) < 0 ||
		    dup_opt(str_member(o, "interface"), &l->interface) < 0 ||
		    dup_opt(str_member(o, "host_interface"), &l->host_interface) < 0 ||
		    dup_opt(str_member(o, "bridge"), &l->bridge) < 0)
			return -ENOMEM;
		if (x && json_object_is_type(x, json_type_int) && json_object_get_int64(x) > 0 &&
		    json_object_get_int64(x) <= INT32_MAX)
			l->host_ifindex = (int)json_object_get_int64(x);
	}
	return 0;
}

/* A non-negative integer member of @o, else 0. */
static uint64_t uint_member(json_object *o, const char *key)
{
	json_object *v = ju_get(o, key);
	int64_t n = v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;

	return n > 0 ? (uint64_t)n : 0;
}

/* "lease": an object with an owner, else none (a damaged one is dropped). */
static int lease_from_json(json_object *o, struct ctr_record *rec)
{
	const char *owner = str_member(o, "owner"), *state = str_member(o, "state");
	const char *mac = str_member(o, "mac");
	struct ctr_lease *l;

	if (!o || !json_object_is_type(o, json_type_object) || !owner || !state)
		return 0;
	if (!(l = rec->lease = calloc(1, sizeof(*l))) || !(l->owner = strdup(owner)))
		return -ENOMEM;
	l->state = strcmp(state, "ready") == 0 ? CTR_LEASE_READY : CTR_LEASE_PENDING;
	l->pid = (long)uint_member(o, "pid");
	if (l->pid > INT32_MAX)
		l->pid = 0;
	l->ns = (struct netns_id){ .dev = uint_member(o, "ns_dev"), .ino = uint_member(o, "ns_ino"),
				   .cookie = uint_member(o, "ns_cookie") };
	snprintf(l->mac, sizeof(l->mac), "%s", mac && strlen(mac) < sizeof(l->mac) ? mac : "");
	return 0;
}

int ctrstate_from_json(json_object *o, struct ctr_record **ret)
{
	_cleanup_(ctr_record_freep) struct ctr_record *rec = NULL;
	json_object *v;
	int r;

	if (!o || !json_object_is_type(o, json_type_object))
		return -EBADMSG;
	rec = calloc(1, sizeof(*rec));
	if (!rec)
		return -ENOMEM;
	if ((v = ju_get(o, "version")) && json_object_is_type(v, json_type_int))
		rec->version = json_object_get_int(v);
	if (dup_opt(str_member(o, "container_id"), &rec->container_id) < 0 ||
	    dup_opt(str_member(o, "container_name"), &rec->container_name) < 0 ||
	    dup_opt(str_member(o, "netns"), &rec->netns) < 0 ||
	    dup_opt(str_member(o, "ports_network"), &rec->ports_network) < 0)
		return -ENOMEM;
	if ((v = ju_get(o, "dns_port"))) {
		/* As json-c reads a number (earlier netd read it so, too). */
		rec->has_dns_port = true;
		rec->dns_port = (uint16_t)json_object_get_int(v);
	}
	if ((r = links_from_json(ju_get(o, "links"), rec)) < 0 ||
	    (r = lease_from_json(ju_get(o, "lease"), rec)) < 0)
		return r;
	if ((v = ju_get(o, "request"))) {
		r = request_parse_object(v, &rec->req, &rec->req_err);
		if (r == -ENOMEM && !rec->req_err.msg)
			return r;
		if (r < 0 && !rec->req_err.msg)
			nd_error_set(&rec->req_err, r, "%s", strerror(-r));
	}
	*ret = TAKE_PTR(rec);
	return 0;
}

static int add_str(json_object *o, const char *key, const char *s)
{
	json_object *v;

	if (!s)
		return 0;
	if (!(v = json_object_new_string(s)))
		return -ENOMEM;
	return json_object_object_add(o, key, v) < 0 ? -ENOMEM : 0;
}

static int add_int(json_object *o, const char *key, int64_t n)
{
	json_object *v = json_object_new_int64(n);

	if (!v)
		return -ENOMEM;
	return json_object_object_add(o, key, v) < 0 ? -ENOMEM : 0;
}

static int add_obj(json_object *o, const char *key, json_object *v)
{
	if (!v)
		return -ENOMEM;
	return json_object_object_add(o, key, v) < 0 ? -ENOMEM : 0;
}

static json_object *link_to_json(const struct ctr_link *l)
{
	json_object *o = json_object_new_object();

	if (!o || add_str(o, "interface", l->interface) < 0 ||
	    add_str(o, "host_interface", l->host_interface) < 0 ||
	    (l->host_ifindex && add_int(o, "host_ifindex", l->host_ifindex) < 0) ||
	    add_str(o, "bridge", l->bridge) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *lease_to_json(const struct ctr_lease *l)
{
	json_object *o = json_object_new_object();

	if (!o || add_str(o, "owner", l->owner) < 0 ||
	    add_str(o, "state", l->state == CTR_LEASE_READY ? "ready" : "pending") < 0 ||
	    (l->pid && add_int(o, "pid", l->pid) < 0) ||
	    add_int(o, "ns_dev", (int64_t)l->ns.dev) < 0 ||
	    add_int(o, "ns_ino", (int64_t)l->ns.ino) < 0 ||
	    (l->ns.cookie && add_int(o, "ns_cookie", (int64_t)l->ns.cookie) < 0) ||
	    (l->mac[0] && add_str(o, "mac", l->mac) < 0)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

json_object *ctrstate_to_json(const struct ctr_record *rec)
{
	json_object *o = json_object_new_object(), *links = NULL;
	int r;

	if (!o)
		return NULL;
	r = add_int(o, "version", rec->version);
	if (r == 0)
		r = add_str(o, "container_id", rec->container_id);
	if (r == 0)
		r = add_str(o, "container_name", rec->container_name);
	if (r == 0)
		r = add_str(o, "netns", rec->netns);
	if (r == 0 && rec->has_dns_port)
		r = add_int(o, "dns_port", rec->dns_port);
	if (r == 0)
		r = add_str(o, "ports_network", rec->ports_network);
	if (r == 0)
		r = add_obj(o, "links", links = json_object_new_object());
	for (size_t i = 0; r == 0 && i < rec->n_links; i++)
		r = add_obj(links, rec->links[i].network, link_to_json(&rec->links[i]));
	if (r == 0 && rec->req)
		r = add_obj(o, "request", request_json(rec->req));
	if (r == 0 && rec->lease)
		r = add_obj(o, "lease", lease_to_json(rec->lease));
	if (r < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int ctrstate_read(const char *path, struct ctr_record **ret)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	json_object *o;
	size_t len;
	int r;

	/* A record is a file netd wrote: a symlink in its place is never followed. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = state_read_fd(fd, MAX_STATE, &buf, &len);
	if (r < 0)
		return r;
	o = json_tokener_parse(buf);
	r = ctrstate_from_json(o, ret);
	json_object_put(o);
	return r;
}

struct ctr_record *ctrstate_load(const char *config_dir, const char *id)
{
	_cleanup_free_ char *path = state_container_path(config_dir, id);
	struct ctr_record *rec = NULL;

	int r = path ? ctrstate_read(path, &rec) : -ENOMEM;

	/* Teardown still cleans up from the request; say why the record was ignored. */
	if (r == -EBADMSG)
		log_warn("state file %s is corrupt (not a JSON object); ignoring it", path);
	else if (r == -ELOOP)
		log_warn("state file %s is a symbolic link, which netd never writes; ignoring it",
			 path);
	return r < 0 ? NULL : rec;
}

/* A record's file: "<id>.json"; temporaries start with '.', as no id does. */
static int record_file(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return n > 5 && de->d_name[0] != '.' && strcmp(de->d_name + n - 5, ".json") == 0;
}

int ctrstate_scan(const char *config_dir, ctrstate_scan_fn *fn, void *arg)
{
	_cleanup_free_ char *dir = NULL;
	struct dirent **list = NULL;
	int n, r = 0;

	if (asprintf(&dir, "%s/netd/containers", config_dir) < 0)
		return -ENOMEM;
	n = scandir(dir, &list, record_file, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *path = NULL, *id = NULL;
		struct ctr_record *rec = NULL;
		int rr;

		if (r == 0 && (asprintf(&path, "%s/%s", dir, list[i]->d_name) < 0 ||
			       !(id = strndup(list[i]->d_name, strlen(list[i]->d_name) - 5)))) {
			path = NULL;
			r = -ENOMEM;
		}
		if (r == 0) {
			rr = ctrstate_read(path, &rec);
			r = rr == -ENOMEM ? rr : fn(id, path, rr < 0 ? NULL : rec, rr, arg);
		}
		free(list[i]);
	}
	free(list);
	return r;
}

uint16_t ctrstate_dns_port(const struct ctr_record *rec, uint16_t dflt)
{
	return rec && rec->has_dns_port ? rec->dns_port : dflt;
}

const char *ctrstate_ports_network(const struct ctr_record *rec)
{
	return rec ? rec->ports_network : NULL;
}

const struct ctr_link *ctrstate_link_of(const struct ctr_record *rec, const char *network)
{
	for (size_t i = 0; rec && i < rec->n_links; i++)
		if (strcmp(rec->links[i].network, network) == 0)
			return &rec->links[i];
	return NULL;
}

int ctrstate_link(const struct ctr_record *rec, const char *network, char *name, int *ifindex)
{
	const struct ctr_link *l = ctrstate_link_of(rec, network);

	if (!l || !l->host_interface || l->host_ifindex <= 0 ||
	    strlen(l->host_interface) >= IFNAMSIZ)
		return -ENOENT;
	snprintf(name, IFNAMSIZ, "%s", l->host_interface);
	*ifindex = l->host_ifindex;
	return 0;
}

static int link_copy(const struct ctr_link *from, struct ctr_link *to)
{
	to->host_ifindex = from->host_ifindex;
	if (dup_opt(from->network, &to->network) < 0 || dup_opt(from->interface, &to->interface) < 0 ||
	    dup_opt(from->host_interface, &to->host_interface) < 0 ||
	    dup_opt(from->bridge, &to->bridge) < 0)
		return -ENOMEM;
	return 0;
}

int ctr_lease_copy(const struct ctr_lease *from, struct ctr_lease **ret)
{
	struct ctr_lease *l;

	*ret = NULL;
	if (!from)
		return 0;
	if (!(l = malloc(sizeof(*l))))
		return -ENOMEM;
	*l = *from;
	if (!(l->owner = strdup(from->owner))) {
		free(l);
		return -ENOMEM;
	}
	*ret = l;
	return 0;
}

/*
 * A new record with @old's members but no request (empty when @old is NULL);
 * @skip: links of its networks left out.
 */
static int record_copy(const struct ctr_record *old, const struct nd_request *skip,
		       struct ctr_record **ret)
{
	_cleanup_(ctr_record_freep) struct ctr_record *rec = calloc(1, sizeof(*rec));

	if (!rec)
		return -ENOMEM;
	if (!old) {
		*ret = TAKE_PTR(rec);
		return 0;
	}
	rec->version = old->version;
	rec->has_dns_port = old->has_dns_port;
	rec->dns_port = old->dns_port;
	if (dup_opt(old->container_id, &rec->container_id) < 0 ||
	    dup_opt(old->container_name, &rec->container_name) < 0 ||
	    dup_opt(old->netns, &rec->netns) < 0 ||
	    dup_opt(old->ports_network, &rec->ports_network) < 0 ||
	    ctr_lease_copy(old->lease, &rec->lease) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < old->n_links; i++) {
		struct ctr_link *l;

		if (request_attach_of(skip, old->links[i].network))
			continue;
		if (!(l = link_add(rec)) || link_copy(&old->links[i], l) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(rec);
	return 0;
}

/* Replace string *@p with a copy of @s. */
static int set_str(char **p, const char *s)
{
	char *n = NULL;

	if (dup_opt(s, &n) < 0)
		return -ENOMEM;
	free(*p);
	*p = n;
	return 0;
}

/* The link of attachment @i of @c's request, replacing the recorded one of its network. */
static int merge_link(struct ctr_record *rec, const struct exec_ctx *c, size_t i)
{
	const struct nd_attach *a = &c->req->attach[i];
	struct ctr_link *l = (struct ctr_link *)ctrstate_link_of(rec, a->net->name);

	if (l) {
		link_done(l);
		*l = (struct ctr_link){0};
	} else if (!(l = link_add(rec))) {
		return -ENOMEM;
	}
	l->host_ifindex = c->rt[i].host_ifindex;
	if (dup_opt(a->net->name, &l->network) < 0 || dup_opt(a->interface_name, &l->interface) < 0 ||
	    dup_opt(c->rt[i].host_name, &l->host_interface) < 0 ||
	    dup_opt(a->net->network_interface, &l->bridge) < 0)
		return -ENOMEM;
	return 0;
}

/* What a setup of @req writes into every record: version, ids, namespace path, DNS port. */
static int record_head(struct ctr_record *rec, const struct nd_request *req, const char *netns,
		       uint16_t dns_port)
{
	rec->version = RECORD_VERSION;
	rec->has_dns_port = true;
	rec->dns_port = dns_port;
	if (set_str(&rec->container_id, req->container_id) < 0 ||
	    set_str(&rec->container_name, req->container_name) < 0 ||
	    set_str(&rec->netns, netns) < 0)
		return -ENOMEM;
	return 0;
}

int ctrstate_new(const struct nd_request *req, const char *netns, uint16_t dns_port,
		 struct ctr_record **ret, struct nd_error *err)
{
	return ctrstate_reserve(NULL, req, netns, dns_port, ret, err);
}

int ctrstate_reserve(const struct ctr_record *old, const struct nd_request *req,
		     const char *netns, uint16_t dns_port, struct ctr_record **ret,
		     struct nd_error *err)
{
	_cleanup_(ctr_record_freep) struct ctr_record *rec = NULL;
	const struct nd_request *base = old ? old->req : NULL;
	const struct nd_attach *pa = fwnft_port_attach(req, driver_fw_needs);
	const char *pn = old ? old->ports_network : NULL;
	int r;

	if ((r = record_copy(old, req, &rec)) < 0)
		return r;
	/* The ports stay with the network that has them, as a setup would keep them. */
	if (record_head(rec, req, netns, dns_port) < 0 ||
	    (!pn && set_str(&rec->ports_network, pa && req->n_ports ? pa->net->name : NULL) < 0))
		return -ENOMEM;
	if ((r = request_merge(base, req, NULL, pn ? base : req, &rec->req, err)) < 0)
		return r;
	*ret = TAKE_PTR(rec);
	return 0;
}

int ctrstate_merge(const struct ctr_record *old, const struct exec_ctx *c,
		   struct ctr_record **ret, struct nd_error *err)
{
	_cleanup_(ctr_record_freep) struct ctr_record *rec = NULL;
	const struct nd_request *req = c->req;
	const struct nd_request *base = old ? old->req : NULL;
	const struct nd_attach *pa = fwnft_port_attach(req, driver_fw_needs);
	int r;

	if ((r = record_copy(old, NULL, &rec)) < 0)
		return r;
	if (record_head(rec, req, c->netns_path, c->opts->dns_port) < 0)
		return -ENOMEM;
	/* The ports stay with the network that already has them; else this request's. */
	if (!c->skip_ports && set_str(&rec->ports_network,
				      pa && req->n_ports ? pa->net->name : NULL) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < req->n_attach; i++)
		if ((r = merge_link(rec, c, i)) < 0)
			return r;
	/* The ports stay as they were when this setup does not publish them. */
	r = request_merge(base, req, NULL, c->skip_ports ? base : req, &rec->req, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(rec);
	return 0;
}

int ctrstate_remove(const struct ctr_record *old, const struct nd_request *req,
		    struct ctr_record **ret, struct nd_error *err)
{
	_cleanup_(ctr_record_freep) struct ctr_record *rec = NULL;
	size_t left = 0;
	int r;

	*ret = NULL;
	if (!old || !old->req)
		return 0;
	for (size_t i = 0; i < old->req->n_attach; i++)
		left += !request_network(req, old->req->attach[i].net->name);
	if (left == 0)
		return 0;
	if ((r = record_copy(old, req, &rec)) < 0)
		return r;
	if (rec->ports_network && (!request_attach_of(old->req, rec->ports_network) ||
				   request_network(req, rec->ports_network)))
		(void)set_str(&rec->ports_network, NULL);
	r = request_merge(old->req, NULL, req, old->req, &rec->req, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(rec);
	return 0;
}

int ctrstate_write(const char *config_dir, const char *id, const struct ctr_record *rec)
{
	_cleanup_free_ char *path = state_container_path(config_dir, id);
	_cleanup_(json_object_putp) json_object *o = NULL;
	const char *s;
	int r;

	if (!path || !(o = ctrstate_to_json(rec)))
		return -ENOMEM;
	r = state_mkdir_under(config_dir, "netd/containers", 0700);
	if (r < 0)
		return r;
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	return s ? state_write_atomic(path, s, strlen(s)) : -ENOMEM;
}
