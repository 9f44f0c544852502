/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The typed result of a setup (struct nd_result): what netd's drivers, an
 * external plugin's StatusBlock and the front ends share (result-model.c),
 * and its one JSON writer, netavark's setup result (result_to_json()).
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/error.h"
#include "shared/ipaddr.h"

/* One address of an interface: netavark's NetAddress. */
struct nd_result_addr {
	struct nd_prefix ipnet;		/* the address with its subnet's length */
	bool has_gateway;
	struct nd_ip gateway;		/* the subnet's gateway */
};

/* One interface in the container: netavark's NetInterface. */
struct nd_result_iface {
	char *name;			/* the interface name in the container */
	char *mac;			/* "02:42:..."; a plugin's text as it printed it */
	bool has_addrs;			/* false: a plugin said null */
	struct nd_result_addr *addrs;
	size_t n_addrs;
};

/*
 * One network's part (netavark's StatusBlock, plus the MTU netd gave the
 * link, which netavark's JSON does not carry). The has_* flags are false
 * only where a plugin printed null; netd's own blocks always have all three.
 */
struct nd_result_net {
	char *network;			/* network name */
	uint32_t mtu;			/* 0 when unknown (plugins) */
	bool has_domains;
	char **domains;			/* DNS search domains */
	size_t n_domains;
	bool has_servers;
	struct nd_ip *servers;		/* DNS server IPs */
	size_t n_servers;
	bool has_ifaces;
	struct nd_result_iface *ifaces;
	size_t n_ifaces;
};

/* A setup's result: one entry per attachment, in request order. */
struct nd_result {
	struct nd_result_net *nets;
	size_t n_nets;
};

/* Free @r and all it holds (NULL is fine). */
void nd_result_free(struct nd_result *r);
static inline void nd_result_freep(struct nd_result **r)
{
	nd_result_free(*r);
}

/* Free what @n holds (not @n itself) and zero it. */
void nd_result_net_done(struct nd_result_net *n);

/*
 * Append to a block's lists (copies of @d, @ip, @p, @gw; @gw may be NULL).
 * Return: 0 or -ENOMEM (the block stays consistent, to be freed).
 */
int nd_result_add_domain(struct nd_result_net *n, const char *d);
int nd_result_add_server(struct nd_result_net *n, const struct nd_ip *ip);
int nd_result_add_addr(struct nd_result_iface *f, const struct nd_prefix *p, const struct nd_ip *gw);

/*
 * A deep copy of @from into @to (zeroed by the caller), network name
 * included when @from has one. Return: 0 or -ENOMEM (@to then holds a part,
 * for nd_result_net_done()).
 */
int nd_result_net_copy(const struct nd_result_net *from, struct nd_result_net *to);

/*
 * One block as netavark's StatusBlock JSON (keys dns_search_domains,
 * dns_server_ips, interfaces; null where a has_* flag is false). Return: a
 * new object (the caller's, json_object_put()), NULL when out of memory.
 */
json_object *result_net_to_json(const struct nd_result_net *n);

/**
 * result_to_json() - netavark's setup result: network name → StatusBlock
 * Return: a new object (the caller's), or NULL when out of memory.
 */
json_object *result_to_json(const struct nd_result *r);

/* Print @o compactly as one line on stdout. Return: 0 or -EIO. */
int result_print(json_object *o);

/* {"error": "..."} on stdout, one line (@err->msg, or "unknown error");
 * a failure to print is ignored. */
void result_print_error(const struct nd_error *err);
