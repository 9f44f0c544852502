// SPDX-License-Identifier: Apache-2.0
/*
 * The CNI IPAM's policy over its typed store: the records of a network's
 * attachments (add, find, remove) and the allocator that gives each new
 * attachment one address per subnet on top of ipalloc.c. No JSON and no
 * files: cni-store.c loads and saves the store.
 */
#include "cni-ipam.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/cleanup.h"

/* ------------------------------------------------------------------------ */
/* model */

void cni_alloc_done(struct cni_alloc *a)
{
	free(a->container_id);
	free(a->ifname);
	free(a->netns);
	free(a->ips);
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
