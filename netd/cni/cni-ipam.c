// SPDX-License-Identifier: Apache-2.0
#include "cni-ipam.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni-json.h"
#include "jsonutil.h"
#include "shared/cleanup.h"

#define STORE_VERSION 1

/* ------------------------------------------------------------------------ */
/* model */

void cni_alloc_done(struct cni_alloc *a)
{
	free(a->container_id);
	free(a->ifname);
	free(a->netns);
	free(a->ips);
	free(a->request);
	*a = (struct cni_alloc){0};
}

struct cni_store *cni_store_new(const char *name)
{
	struct cni_store *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->network = strdup(name);
	if (!s->network) {
		free(s);
		return NULL;
	}
	return s;
}

void cni_store_free(struct cni_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		cni_alloc_done(&s->v[i]);
	free(s->v);
	free(s->last);
	free(s->network);
	free(s);
}

bool cni_alloc_same_ns(const struct cni_alloc *a, const char *path, const struct netns_id *id)
{
	const struct netns_id rec = { a->ns_dev, a->ns_ino, a->ns_cookie };

	if (!a->ns_ino)
		return a->netns && strcmp(a->netns, path) == 0;
	return netns_id_eq(&rec, id);
}

struct cni_alloc *cni_store_find(struct cni_store *s, const char *cid, const char *ifname)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].container_id, cid) == 0 && strcmp(s->v[i].ifname, ifname) == 0)
			return &s->v[i];
	return NULL;
}

size_t cni_store_count_container(const struct cni_store *s, const char *cid)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += strcmp(s->v[i].container_id, cid) == 0;
	return n;
}

void cni_store_remove(struct cni_store *s, struct cni_alloc *a)
{
	size_t i = (size_t)(a - s->v);

	if (i >= s->n)
		return;
	cni_alloc_done(a);
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
	s->n--;
}

struct cni_alloc *cni_store_add(struct cni_store *s, struct cni_alloc *a)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct cni_alloc *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n] = *a;
	*a = (struct cni_alloc){0};
	return &s->v[s->n++];
}

/* ------------------------------------------------------------------------ */
/* the file */

static int parse_alloc(json_object *o, const char *path, struct cni_alloc *a,
		       struct nd_error *err)
{
	json_object *v;
	const char *why;
	size_t n;
	int r;

	if ((r = ju_expect_type(o, json_type_object, path, err)) < 0)
		return r;
	{
		_cleanup_free_ char *p = ju_path_key(path, "containerID");
		v = ju_get(o, "containerID");
		if (!v || ju_value_strdup(v, p, &a->container_id, err) < 0 ||
		    !cni_container_id_valid(a->container_id))
			return cni_fail(err, CNI_ERR_CONFIG, "%s: missing or invalid", p);
	}
	{
		_cleanup_free_ char *p = ju_path_key(path, "ifname");
		v = ju_get(o, "ifname");
		if (!v || ju_value_strdup(v, p, &a->ifname, err) < 0 || !ju_ifname_valid(a->ifname, &why))
			return cni_fail(err, CNI_ERR_CONFIG, "%s: missing or invalid", p);
	}
	if ((v = ju_get(o, "netns"))) {
		_cleanup_free_ char *p = ju_path_key(path, "netns");
		if ((r = ju_value_strdup(v, p, &a->netns, err)) < 0)
			return r;
	}
	if (!a->netns && !(a->netns = strdup("")))
		return cni_oom(err);
	{
		static const char *const keys[] = { "netnsDev", "netnsIno", "netnsCookie" };
		uint64_t *vals[] = { &a->ns_dev, &a->ns_ino, &a->ns_cookie };
		for (size_t i = 0; i < 3; i++) {
			_cleanup_free_ char *p = ju_path_key(path, keys[i]);
			int64_t x;
			if ((v = ju_get(o, keys[i])) && (r = ju_value_int(v, p, 0, INT64_MAX, &x, err)) < 0)
				return r;
			*vals[i] = v ? (uint64_t)x : 0;
		}
	}
	if ((v = ju_get(o, "ips"))) {
		_cleanup_free_ char *p = ju_path_key(path, "ips");
		if ((r = ju_value_array(v, p, CNI_MAX_SUBNETS, &n, err)) < 0)
			return r;
		a->ips = calloc(n ? n : 1, sizeof(*a->ips));
		if (!a->ips)
			return cni_oom(err);
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *ip = ju_path_idx(p, i);
			if ((r = ju_value_ip(json_object_array_get_idx(v, i), ip, &a->ips[i], err)) < 0)
				return r;
			a->n_ips = i + 1;
		}
	}
	v = ju_get(o, "state");
	a->ready = v && json_object_is_type(v, json_type_string) &&
		   strcmp(json_object_get_string(v), "ready") == 0;
	if ((v = ju_get(o, "request"))) {
		_cleanup_free_ char *p = ju_path_key(path, "request");
		if ((r = ju_expect_type(v, json_type_object, p, err)) < 0)
			return r;
		a->request = strdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
								     JSON_C_TO_STRING_NOSLASHESCAPE));
		if (!a->request)
			return cni_oom(err);
	}
	return 0;
}

static int parse_store(json_object *root, struct cni_store *s, struct nd_error *err)
{
	json_object *v, *atts;
	int64_t ver;
	size_t n;
	int r;

	if ((r = ju_expect_type(root, json_type_object, "store", err)) < 0)
		return r;
	v = ju_get(root, "version");
	if (!v || ju_value_int(v, "version", 0, 1000, &ver, err) < 0)
		return cni_fail(err, CNI_ERR_CONFIG, "version: missing or invalid");
	if (ver != STORE_VERSION)
		return cni_fail(err, CNI_ERR_CONFIG, "version: %lld is not %d (a newer netd?)",
				(long long)ver, STORE_VERSION);
	if ((v = ju_get(root, "network")) && (r = ju_value_strdup(v, "network", &s->network, err)) < 0)
		return r;
	if (!s->network && !(s->network = strdup("")))
		return cni_oom(err);
	if ((v = ju_get(root, "last"))) {
		if ((r = ju_expect_type(v, json_type_object, "last", err)) < 0)
			return r;
		n = (size_t)json_object_object_length(v);
		if (n > CNI_MAX_SUBNETS * 4)
			return cni_fail(err, CNI_ERR_CONFIG, "last: too many entries");
		s->last = calloc(n ? n : 1, sizeof(*s->last));
		if (!s->last)
			return cni_oom(err);
		json_object_object_foreach(v, key, val) {
			_cleanup_free_ char *p = ju_path_key("last", key);
			struct cni_last *l = &s->last[s->n_last];
			if (nd_prefix_parse(key, &l->subnet, NULL) < 0)
				return cni_fail(err, CNI_ERR_CONFIG, "%s: key is not a subnet", p);
			if ((r = ju_value_ip(val, p, &l->ip, err)) < 0)
				return r;
			s->n_last++;
		}
	}
	atts = ju_get(root, "attachments");
	if (!atts)
		return 0;
	if ((r = ju_value_array(atts, "attachments", CNI_MAX_ATTACHMENTS, &n, err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = ju_path_idx("attachments", i);
		struct cni_alloc a = {0};

		if ((r = parse_alloc(json_object_array_get_idx(atts, i), p, &a, err)) < 0) {
			cni_alloc_done(&a);
			return r;
		}
		if (cni_store_find(s, a.container_id, a.ifname)) {
			r = cni_fail(err, CNI_ERR_CONFIG, "%s: %s/%s is recorded twice", p,
				     a.container_id, a.ifname);
			cni_alloc_done(&a);
			return r;
		}
		if (!cni_store_add(s, &a)) {
			cni_alloc_done(&a);
			return cni_oom(err);
		}
	}
	return 0;
}

int cni_store_parse(const char *buf, size_t len, struct cni_store **ret, struct nd_error *err)
{
	_cleanup_(cni_store_freep) struct cni_store *s = NULL;
	struct nd_error e = {0};
	struct nd_error ne = {0};
	json_object *root = NULL;
	int r;

	if (ju_parse(buf, len, &root, &ne) < 0) {
		r = cni_fail(err, CNI_ERR_STATE, "invalid IPAM state: %s",
			     ne.msg ? ne.msg : "invalid JSON");
		nd_error_clear(&ne);
		return r;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		json_object_put(root);
		return cni_oom(err);
	}
	r = cni_error_default(&e, parse_store(root, s, &e), CNI_ERR_CONFIG);
	json_object_put(root);
	if (r < 0) {
		r = cni_fail(err, e.proto_code == CNI_ERR_INTERNAL ? e.proto_code : CNI_ERR_STATE,
			     "invalid IPAM state: %s", e.msg);
		nd_error_clear(&e);
		return r;
	}
	*ret = TAKE_PTR(s);
	return 0;
}

char *cni_store_format(const struct cni_store *s)
{
	json_object *root = json_object_new_object(), *last = json_object_new_object();
	json_object *atts = json_object_new_array();
	char b[ND_ADDRSTRLEN], k[ND_ADDRSTRLEN];
	char *text;

	for (size_t i = 0; i < s->n_last; i++)
		json_object_object_add(last, nd_prefix_str(&s->last[i].subnet, k),
				       json_object_new_string(nd_ip_str(&s->last[i].ip, b)));
	for (size_t i = 0; i < s->n; i++) {
		const struct cni_alloc *a = &s->v[i];
		json_object *o = json_object_new_object(), *ips = json_object_new_array();

		for (size_t j = 0; j < a->n_ips; j++)
			json_object_array_add(ips, json_object_new_string(nd_ip_str(&a->ips[j], b)));
		json_object_object_add(o, "containerID", json_object_new_string(a->container_id));
		json_object_object_add(o, "ifname", json_object_new_string(a->ifname));
		json_object_object_add(o, "netns", json_object_new_string(a->netns ? a->netns : ""));
		if (a->ns_ino) {
			json_object_object_add(o, "netnsDev", json_object_new_int64((int64_t)a->ns_dev));
			json_object_object_add(o, "netnsIno", json_object_new_int64((int64_t)a->ns_ino));
			if (a->ns_cookie)
				json_object_object_add(o, "netnsCookie",
						       json_object_new_int64((int64_t)a->ns_cookie));
		}
		json_object_object_add(o, "ips", ips);
		json_object_object_add(o, "state", json_object_new_string(a->ready ? "ready" : "adding"));
		if (a->request) {
			json_object *rq = json_tokener_parse(a->request);
			if (rq)
				json_object_object_add(o, "request", rq);
		}
		json_object_array_add(atts, o);
	}
	json_object_object_add(root, "version", json_object_new_int(STORE_VERSION));
	json_object_object_add(root, "network", json_object_new_string(s->network ? s->network : ""));
	json_object_object_add(root, "last", last);
	json_object_object_add(root, "attachments", atts);
	text = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_SPACED |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return text;
}

/* ------------------------------------------------------------------------ */
/* allocation */

/* Every address recorded in @s, in store order. */
static int used_all(const struct cni_store *s, struct nd_ip **ret, size_t *n)
{
	size_t total = 0, k = 0;
	struct nd_ip *v;

	for (size_t i = 0; i < s->n; i++)
		total += s->v[i].n_ips;
	v = calloc(total ? total : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; j < s->v[i].n_ips; j++)
			v[k++] = s->v[i].ips[j];
	*ret = v;
	*n = k;
	return 0;
}

static struct cni_last *last_of(const struct cni_store *s, const struct nd_prefix *subnet)
{
	for (size_t i = 0; i < s->n_last; i++)
		if (nd_prefix_equal(&s->last[i].subnet, subnet))
			return &s->last[i];
	return NULL;
}

/* Subnet @sn as ipalloc's range, continuing after the last address given out. */
static void range_of(const struct cni_store *s, const struct cni_subnet *sn,
		     struct ipalloc_range *r)
{
	const struct cni_last *l = last_of(s, &sn->subnet);

	*r = (struct ipalloc_range){
		.subnet = sn->subnet,
		.has_gateway = sn->has_gateway,
		.gateway = sn->gateway,
		.first = sn->range_start,
		.last = sn->range_end,
		.has_after = l != NULL,
	};
	if (l)
		r->after = l->ip;
}

static int set_last(struct cni_store *s, const struct nd_prefix *subnet, const struct nd_ip *ip)
{
	struct cni_last *l = last_of(s, subnet), *v;

	if (l) {
		l->ip = *ip;
		return 0;
	}
	v = realloc(s->last, (s->n_last + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->last = v;
	s->last[s->n_last++] = (struct cni_last){ .subnet = *subnet, .ip = *ip };
	return 0;
}

static const char *owner_of(const struct cni_store *s, const struct nd_ip *ip)
{
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; j < s->v[i].n_ips; j++)
			if (nd_ip_equal(&s->v[i].ips[j], ip))
				return s->v[i].container_id;
	return "?";
}

/* What ipalloc_assign() refused, in the runtime's words (code 102). */
static int refusal(const struct cni_store *s, const struct cni_config *cfg,
		   const struct nd_ip *want, const struct ipalloc_failure *f, struct nd_error *err)
{
	char b[ND_ADDRSTRLEN] = "", b2[ND_ADDRSTRLEN], b3[ND_ADDRSTRLEN];
	const struct nd_ip *ip = &want[f->want];
	const struct cni_subnet *sn = &cfg->subnets[f->range < cfg->n_subnets ? f->range : 0];

	switch (f->why) {
	case IPALLOC_WANT_NO_SUBNET:
		return cni_fail(err, CNI_ERR_IPAM, "requested IP %s is not in any subnet of network \"%s\"",
				nd_ip_str(ip, b), cfg->name);
	case IPALLOC_WANT_TWICE:
		for (size_t j = 0; j < f->want; j++)
			if (nd_prefix_contains(&sn->subnet, &want[j])) {
				nd_ip_str(&want[j], b);
				break;
			}
		return cni_fail(err, CNI_ERR_IPAM,
				"requested IPs %s and %s are both in subnet %s; netd gives one address per subnet",
				b, nd_ip_str(ip, b2), nd_prefix_str(&sn->subnet, b3));
	case IPALLOC_WANT_RESERVED:
		return cni_fail(err, CNI_ERR_IPAM,
				"requested IP %s is the gateway, network or broadcast address of subnet %s",
				nd_ip_str(ip, b), nd_prefix_str(&sn->subnet, b2));
	case IPALLOC_WANT_TAKEN:
		return cni_fail(err, CNI_ERR_IPAM, "requested IP %s is already allocated to container %s",
				nd_ip_str(ip, b), owner_of(s, ip));
	case IPALLOC_FULL:
		break;
	}
	return cni_fail(err, CNI_ERR_IPAM,
			"no free address left in range %s-%s of subnet %s (network \"%s\")",
			nd_ip_str(&sn->range_start, b), nd_ip_str(&sn->range_end, b2),
			nd_prefix_str(&sn->subnet, b3), cfg->name);
}

int cni_ipam_allocate(struct cni_store *s, const struct cni_config *cfg, const struct nd_ip *want,
		      size_t n_want, struct nd_ip **ret, struct nd_error *err)
{
	_cleanup_free_ struct nd_ip *used = NULL, *out = NULL;
	_cleanup_free_ struct ipalloc_range *ranges = NULL;
	_cleanup_free_ bool *chosen = NULL;
	struct ipalloc_failure f;
	size_t n_used;
	int r;

	if (used_all(s, &used, &n_used) < 0)
		return cni_oom(err);
	out = calloc(cfg->n_subnets, sizeof(*out));
	ranges = calloc(cfg->n_subnets, sizeof(*ranges));
	chosen = calloc(cfg->n_subnets, sizeof(*chosen));
	if (!out || !ranges || !chosen)
		return cni_oom(err);
	for (size_t k = 0; k < cfg->n_subnets; k++)
		range_of(s, &cfg->subnets[k], &ranges[k]);
	r = ipalloc_assign(ranges, cfg->n_subnets, used, n_used, want, n_want, out, chosen, &f);
	if (r == -ENOMEM)
		return cni_oom(err);
	if (r < 0)
		return refusal(s, cfg, want, &f, err);
	for (size_t k = 0; k < cfg->n_subnets; k++)
		if (chosen[k] && set_last(s, &cfg->subnets[k].subnet, &out[k]) < 0)
			return cni_oom(err);
	*ret = TAKE_PTR(out);
	return 0;
}

bool cni_ipam_has_free(const struct cni_store *s, const struct cni_subnet *sn)
{
	_cleanup_free_ struct nd_ip *used = NULL;
	struct ipalloc_range r;
	struct ipalloc_failure f;
	struct nd_ip ip;
	size_t n_used;

	if (used_all(s, &used, &n_used) < 0)
		return true;	/* cannot tell; do not claim exhaustion */
	range_of(s, sn, &r);
	return ipalloc_assign(&r, 1, used, n_used, NULL, 0, &ip, NULL, &f) != -ENOSPC;
}
