/* SPDX-License-Identifier: Apache-2.0 */
/*
 * aardvark-dns's configuration directory: one file per network, named for
 * the network ("%int" suffix = internal). Line 1: "bind_ip[,bind_ip...]
 * [dns_server,...]"; then "id ipv4,... ipv6,... name,alias,... [dns,...]".
 * See docs/dns.md for the exact rules, which follow aardvark-dns.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "shared/error.h"
#include "shared/ipaddr.h"

#define DNSCONF_MAX_FILE (16u << 20)

struct dnsconf_entry {
	char *id;			/* lower-cased */
	struct nd_ip *ips;		/* IPv4 first, then IPv6, in file order */
	size_t n_v4, n_ips;
	char **names;			/* lower-cased */
	size_t n_names;
	struct nd_ip *servers;		/* per-container DNS servers (5th field) */
	size_t n_servers;
};

struct dnsconf_network {
	char *name;
	bool internal;
	struct nd_ip *binds;
	size_t n_binds;
	struct nd_ip *servers;		/* network-scoped DNS servers */
	size_t n_servers;
	struct dnsconf_entry *entries;
	size_t n_entries;
};

/**
 * dnsconf_parse() - parse one network file
 * @filename:	its name in the directory (gives the network name and %int)
 * @buf, @len:	its content (need not be NUL-terminated)
 * Return: 0, or -EINVAL with @err naming the line, the field and the reason.
 */
int dnsconf_parse(const char *filename, const char *buf, size_t len,
		  struct dnsconf_network *ret, struct nd_error *err);
void dnsconf_network_done(struct dnsconf_network *n);

/* Whether a directory entry is a network file (not the pid file, not hidden or temporary). */
bool dnsconf_is_network_file(const char *filename);
