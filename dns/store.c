// SPDX-License-Identifier: Apache-2.0
#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shared/cleanup.h"

/* Open addressing over indices into a record array; keys are (net, bytes). */
struct table {
	uint32_t *slots;	/* record index + 1; 0 = empty */
	size_t mask;
};

struct name_rec {
	uint32_t net;
	char *name;		/* borrowed from the config */
	struct nd_ip *ips;
	size_t n, cap;
};

struct ptr_rec {
	uint32_t net;
	struct nd_ip ip;
	uint32_t ctr;		/* the container that has @ip on @net (the first listed) */
	char **names;		/* borrowed */
	size_t n, cap;
};

struct client {
	struct nd_ip ip;
	uint32_t ctr;
};

struct ctr {
	const char *id;
	uint32_t *nets;
	size_t n_nets, cap_nets;
	const struct nd_ip *servers;
	size_t n_servers;
};

struct store {
	struct dnsconf_network *conf;	/* owned */
	size_t n_conf;
	struct store_net *nets;
	struct name_rec *names;
	size_t n_names;
	struct ptr_rec *ptrs;
	size_t n_ptrs;
	struct client *clients;
	size_t n_clients;
	struct ctr *ctrs;
	size_t n_ctrs;
	struct table t_names, t_ptrs, t_clients, t_ctrs;
	char **owned;		/* strings the store made itself (short ids) */
	size_t n_owned, cap_owned;
};

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t hash_ip(const struct nd_ip *ip)
{
	return hash_bytes(0xcbf29ce484222325ULL ^ (uint64_t)ip->family, ip->b, nd_ip_bytes(ip->family));
}

static int table_init(struct table *t, size_t n)
{
	size_t cap = 16;

	while (cap < n * 2)
		cap <<= 1;
	t->slots = calloc(cap, sizeof(*t->slots));
	t->mask = cap - 1;
	return t->slots ? 0 : -ENOMEM;
}

/* Find the slot for a key: @eq(idx) tells whether record idx has the key. */
#define TABLE_FIND(t, h, eq_expr, out_slot)                                     \
	do {                                                                    \
		size_t _i = (size_t)(h) & (t)->mask;                            \
		for (;;) {                                                      \
			uint32_t _v = (t)->slots[_i];                           \
			if (!_v) {                                              \
				(out_slot) = _i;                                \
				break;                                          \
			}                                                       \
			{                                                       \
				size_t idx = _v - 1;                            \
				if (eq_expr) {                                  \
					(out_slot) = _i;                        \
					break;                                  \
				}                                               \
			}                                                       \
			_i = (_i + 1) & (t)->mask;                              \
		}                                                               \
	} while (0)

static int push_ip(struct nd_ip **v, size_t *n, size_t *cap, const struct nd_ip *ip)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 2;
		struct nd_ip *nv = realloc(*v, c * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = *ip;
	return 0;
}

static int push_name(char ***v, size_t *n, size_t *cap, char *name)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 2;
		char **nv = realloc(*v, c * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = name;
	return 0;
}

static uint64_t name_hash(uint32_t net, const char *name)
{
	return hash_bytes(0xcbf29ce484222325ULL ^ net, name, strlen(name));
}

static struct ctr *ctr_get(struct store *s, const char *id)
{
	uint64_t h = hash_bytes(0xcbf29ce484222325ULL, id, strlen(id));
	size_t slot;

	TABLE_FIND(&s->t_ctrs, h, strcmp(s->ctrs[idx].id, id) == 0, slot);
	if (!s->t_ctrs.slots[slot]) {
		s->ctrs[s->n_ctrs].id = id;
		s->t_ctrs.slots[slot] = (uint32_t)++s->n_ctrs;
	}
	return &s->ctrs[s->t_ctrs.slots[slot] - 1];
}

static int add_entry(struct store *s, uint32_t net, const struct dnsconf_entry *e)
{
	struct ctr *c = ctr_get(s, e->id);
	uint32_t ci = (uint32_t)(c - s->ctrs);
	bool member = false;
	char *short_id = NULL;
	int r;

	for (size_t k = 0; k < c->n_nets; k++)
		member |= c->nets[k] == net;
	if (!member) {
		if (c->n_nets == c->cap_nets) {
			size_t cap = c->cap_nets ? c->cap_nets * 2 : 2;
			uint32_t *v = realloc(c->nets, cap * sizeof(*v));
			if (!v)
				return -ENOMEM;
			c->nets = v;
			c->cap_nets = cap;
		}
		c->nets[c->n_nets++] = net;
	}
	if (e->n_servers && !c->n_servers && !s->nets[net].internal) {
		c->servers = e->servers;
		c->n_servers = e->n_servers;
	}
	for (size_t k = 0; k < e->n_ips; k++) {
		size_t slot;
		uint64_t h = hash_ip(&e->ips[k]);
		TABLE_FIND(&s->t_clients, h, nd_ip_equal(&s->clients[idx].ip, &e->ips[k]), slot);
		if (!s->t_clients.slots[slot]) {
			s->clients[s->n_clients] = (struct client){ .ip = e->ips[k], .ctr = ci };
			s->t_clients.slots[slot] = (uint32_t)++s->n_clients;
		}
	}
	/* Names, aliases, and the short (12 character) id, as Podman users expect. */
	if (strlen(e->id) > 12)
		short_id = e->id;
	for (size_t k = 0; k < e->n_names + (short_id ? 1 : 0); k++) {
		char *name = k < e->n_names ? e->names[k] : NULL;
		char sid[13];
		uint64_t h;
		size_t slot;

		if (!name) {
			memcpy(sid, short_id, 12);
			sid[12] = '\0';
			/* The short id lives in the id string: borrow a stable copy. */
			name = strndup(sid, 12);
			if (!name)
				return -ENOMEM;
			if (push_name(&s->owned, &s->n_owned, &s->cap_owned, name) < 0) {
				free(name);
				return -ENOMEM;
			}
		}
		if (!*name)
			continue;
		h = name_hash(net, name);
		TABLE_FIND(&s->t_names, h,
			   s->names[idx].net == net && strcmp(s->names[idx].name, name) == 0, slot);
		if (!s->t_names.slots[slot]) {
			s->names[s->n_names] = (struct name_rec){ .net = net, .name = name };
			s->t_names.slots[slot] = (uint32_t)++s->n_names;
		}
		{
			struct name_rec *nr = &s->names[s->t_names.slots[slot] - 1];
			for (size_t a = 0; a < e->n_ips; a++) {
				bool dup = false;
				/* An alias repeating the name (Podman passes the short id too) adds nothing. */
				for (size_t k2 = 0; k2 < nr->n && !dup; k2++)
					dup = nd_ip_equal(&nr->ips[k2], &e->ips[a]);
				if (!dup && (r = push_ip(&nr->ips, &nr->n, &nr->cap, &e->ips[a])) < 0)
					return r;
			}
		}
	}
	for (size_t a = 0; a < e->n_ips; a++) {
		uint64_t h = hash_ip(&e->ips[a]) ^ net;
		size_t slot;
		struct ptr_rec *pr;

		TABLE_FIND(&s->t_ptrs, h,
			   s->ptrs[idx].net == net && nd_ip_equal(&s->ptrs[idx].ip, &e->ips[a]), slot);
		if (!s->t_ptrs.slots[slot]) {
			s->ptrs[s->n_ptrs] = (struct ptr_rec){ .net = net, .ip = e->ips[a], .ctr = ci };
			s->t_ptrs.slots[slot] = (uint32_t)++s->n_ptrs;
		}
		pr = &s->ptrs[s->t_ptrs.slots[slot] - 1];
		for (size_t k = 0; k < e->n_names; k++) {
			bool dup = false;
			for (size_t k2 = 0; k2 < pr->n && !dup; k2++)
				dup = strcmp(pr->names[k2], e->names[k]) == 0;
			if (!dup && e->names[k][0] &&
			    (r = push_name(&pr->names, &pr->n, &pr->cap, e->names[k])) < 0)
				return r;
		}
	}
	return 0;
}

int store_build(struct dnsconf_network *conf, size_t n, struct store **ret)
{
	struct store *s = calloc(1, sizeof(*s));
	size_t entries = 0, ips = 0, names = 0;
	int r;

	if (!s)
		return -ENOMEM;
	s->conf = conf;
	s->n_conf = n;
	s->nets = calloc(n ? n : 1, sizeof(*s->nets));
	if (!s->nets) {
		store_free(s);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		s->nets[i] = (struct store_net){
			.name = conf[i].name, .internal = conf[i].internal,
			.binds = conf[i].binds, .n_binds = conf[i].n_binds,
			.servers = conf[i].servers, .n_servers = conf[i].n_servers,
		};
		entries += conf[i].n_entries;
		for (size_t e = 0; e < conf[i].n_entries; e++) {
			ips += conf[i].entries[e].n_ips;
			names += conf[i].entries[e].n_names + 1;
		}
	}
	s->names = calloc(names + 1, sizeof(*s->names));
	s->ptrs = calloc(ips + 1, sizeof(*s->ptrs));
	s->clients = calloc(ips + 1, sizeof(*s->clients));
	s->ctrs = calloc(entries + 1, sizeof(*s->ctrs));
	if (!s->names || !s->ptrs || !s->clients || !s->ctrs ||
	    table_init(&s->t_names, names + 1) < 0 || table_init(&s->t_ptrs, ips + 1) < 0 ||
	    table_init(&s->t_clients, ips + 1) < 0 || table_init(&s->t_ctrs, entries + 1) < 0) {
		store_free(s);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t e = 0; e < conf[i].n_entries; e++)
			if ((r = add_entry(s, (uint32_t)i, &conf[i].entries[e])) < 0) {
				store_free(s);
				return r;
			}
	*ret = s;
	return 0;
}

struct store *store_free(struct store *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->n_names; i++)
		free(s->names[i].ips);
	for (size_t i = 0; i < s->n_ptrs; i++)
		free(s->ptrs[i].names);
	for (size_t i = 0; i < s->n_ctrs; i++)
		free(s->ctrs[i].nets);
	strv_free(s->owned, s->n_owned);
	for (size_t i = 0; i < s->n_conf; i++)
		dnsconf_network_done(&s->conf[i]);
	free(s->conf);
	free(s->nets);
	free(s->names);
	free(s->ptrs);
	free(s->clients);
	free(s->ctrs);
	free(s->t_names.slots);
	free(s->t_ptrs.slots);
	free(s->t_clients.slots);
	free(s->t_ctrs.slots);
	free(s);
	return NULL;
}

size_t store_n_networks(const struct store *s)
{
	return s->n_conf;
}

const struct store_net *store_network(const struct store *s, size_t i)
{
	return &s->nets[i];
}

int store_find_network(const struct store *s, const char *name)
{
	for (size_t i = 0; i < s->n_conf; i++)
		if (strcmp(s->nets[i].name, name) == 0)
			return (int)i;
	return -1;
}

static const struct ctr *client_ctr(const struct store *s, const struct nd_ip *ip)
{
	size_t slot;

	TABLE_FIND(&s->t_clients, hash_ip(ip), nd_ip_equal(&s->clients[idx].ip, ip), slot);
	if (!s->t_clients.slots[slot])
		return NULL;
	return &s->ctrs[s->clients[s->t_clients.slots[slot] - 1].ctr];
}

const uint32_t *store_client_networks(const struct store *s, const struct nd_ip *ip, size_t *n)
{
	const struct ctr *c = client_ctr(s, ip);

	*n = c ? c->n_nets : 0;
	return c ? c->nets : NULL;
}

static const struct ptr_rec *ptr_find(const struct store *s, uint32_t net, const struct nd_ip *ip)
{
	size_t slot;

	TABLE_FIND(&s->t_ptrs, hash_ip(ip) ^ net,
		   s->ptrs[idx].net == net && nd_ip_equal(&s->ptrs[idx].ip, ip), slot);
	return s->t_ptrs.slots[slot] ? &s->ptrs[s->t_ptrs.slots[slot] - 1] : NULL;
}

bool store_client_of(const struct store *s, uint32_t net, const struct nd_ip *ip,
		     struct store_client *ret)
{
	const struct ptr_rec *pr = net < s->n_conf ? ptr_find(s, net, ip) : NULL;
	const struct ctr *c;

	if (!pr)
		return false;
	c = &s->ctrs[pr->ctr];
	*ret = (struct store_client){ .nets = c->nets, .n_nets = c->n_nets,
				      .servers = c->servers, .n_servers = c->n_servers };
	return true;
}

const struct nd_ip *store_lookup_name(const struct store *s, uint32_t net, const char *name,
				      size_t *n)
{
	size_t slot;

	TABLE_FIND(&s->t_names, name_hash(net, name),
		   s->names[idx].net == net && strcmp(s->names[idx].name, name) == 0, slot);
	if (!s->t_names.slots[slot]) {
		*n = 0;
		return NULL;
	}
	*n = s->names[s->t_names.slots[slot] - 1].n;
	return s->names[s->t_names.slots[slot] - 1].ips ? s->names[s->t_names.slots[slot] - 1].ips
						       : (const struct nd_ip *)s;	/* known, no addresses */
}

char *const *store_lookup_ptr(const struct store *s, uint32_t net, const struct nd_ip *ip,
			      size_t *n)
{
	const struct ptr_rec *pr = ptr_find(s, net, ip);

	*n = pr ? pr->n : 0;
	return pr && pr->n ? pr->names : NULL;
}
