/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netd's CNI IPAM as a typed model: the address pool of one network (its
 * attachments: which container and interface holds which addresses, and the
 * last address given out per subnet) and the allocator policy over it (one
 * address per subnet, round robin, requested addresses honoured when free).
 * No JSON and no files here: the attachments are read from the container
 * records (cni-lease.h), the position from allocations.json (cni-store.h).
 *
 * An attachment's lease is recorded ("adding": its network has no link in
 * the record yet) before netd_setup() runs, so an interrupted ADD leaves a
 * lease DEL and GC can clean up. ns_dev/ns_ino/ns_cookie are the identity of
 * the namespace ADD worked in: DEL and CHECK act on that namespace only,
 * whatever CNI_NETNS a later call names.
 */
#pragma once

#include "cni-config.h"
#include "ipalloc.h"
#include "netns.h"

struct cni_alloc {
	char *container_id;
	char *ifname;
	char *netns;
	uint64_t ns_dev, ns_ino;	/* identity of @netns at ADD; 0 in older leases */
	uint64_t ns_cookie;		/* its cookie (netns.h); 0 in older leases */
	struct nd_ip *ips;
	size_t n_ips;
	bool ready;
};

struct cni_last {
	struct nd_prefix subnet;
	struct nd_ip ip;
};

struct cni_store {
	char *network;
	struct cni_alloc *v;
	size_t n, cap;
	struct cni_last *last;
	size_t n_last;
};

/* An empty store of network @name. */
struct cni_store *cni_store_new(const char *name);
void cni_store_free(struct cni_store *s);
static inline void cni_store_freep(struct cni_store **s)
{
	cni_store_free(*s);
}

/* The record of (@cid, @ifname), or NULL. */
struct cni_alloc *cni_store_find(struct cni_store *s, const char *cid, const char *ifname);
/* Records of container @cid (any interface): how many. */
size_t cni_store_count_container(const struct cni_store *s, const char *cid);
/* Remove record @a (a pointer into @s->v). */
void cni_store_remove(struct cni_store *s, struct cni_alloc *a);
/* Append a record, taking ownership of @a's contents. Return: the record or NULL. */
struct cni_alloc *cni_store_add(struct cni_store *s, struct cni_alloc *a);
void cni_alloc_done(struct cni_alloc *a);
/*
 * Is the namespace @id (opened at @path) the one @a was added in? By identity;
 * a record without one (older netd) by path.
 */
bool cni_alloc_same_ns(const struct cni_alloc *a, const char *path, const struct netns_id *id);

/**
 * cni_ipam_allocate() - one address per subnet for a new attachment
 * @want, @n_want:	requested addresses (runtimeConfig.ips, args, CNI_ARGS IP=);
 *			each must fall into a subnet's range and be free
 * @ret:		n_subnets addresses, in subnet order
 *
 * Subnets without a requested address get the next free one after the last
 * one given out (round robin, as host-local does), skipping the gateway.
 * Updates @s->last. Code 102 when a range is full or a wish is taken.
 */
int cni_ipam_allocate(struct cni_store *s, const struct cni_config *cfg, const struct nd_ip *want,
		      size_t n_want, struct nd_ip **ret, struct nd_error *err);

/* Whether subnet @sn still has a free address (STATUS). */
bool cni_ipam_has_free(const struct cni_store *s, const struct cni_subnet *sn);
