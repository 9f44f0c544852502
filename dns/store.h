/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lookup tables netd-dns answers from, built once from the parsed config
 * and then read-only; a reload builds a new store and swaps the pointer.
 * Lookups are hash-table hits, so their cost does not grow with containers.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "shared/ipaddr.h"

struct store;

struct store_net {
	char *name;
	bool internal;
	struct nd_ip *binds;
	size_t n_binds;
	struct nd_ip *servers;
	size_t n_servers;
};

/* Takes ownership of the parsed networks' contents. */
int store_build(struct dnsconf_network *nets, size_t n, struct store **ret);
struct store *store_free(struct store *s);

size_t store_n_networks(const struct store *s);
const struct store_net *store_network(const struct store *s, size_t i);
/* Index of the network called @name, or -1. */
int store_find_network(const struct store *s, const char *name);

/* A registered client of a network: the container that has the address there. */
struct store_client {
	const uint32_t *nets;		/* every network of that container */
	size_t n_nets;
	const struct nd_ip *servers;	/* its own DNS servers */
	size_t n_servers;
};

/*
 * Whether @ip is an address that network @net's file lists for one of its
 * containers; if so, fill @ret with that container. One hash lookup, no
 * allocation: this is the per-query access check.
 */
bool store_client_of(const struct store *s, uint32_t net, const struct nd_ip *ip,
		     struct store_client *ret);

/* The networks of the container that owns @ip: NULL (and *n = 0) if none. */
const uint32_t *store_client_networks(const struct store *s, const struct nd_ip *ip, size_t *n);

/* Addresses of @name (lower-case) in network @net; NULL if the name is unknown there. */
const struct nd_ip *store_lookup_name(const struct store *s, uint32_t net, const char *name,
				      size_t *n);
/* Names of @ip in network @net; NULL if unknown there. */
char *const *store_lookup_ptr(const struct store *s, uint32_t net, const struct nd_ip *ip,
			      size_t *n);
