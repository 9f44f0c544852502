/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The typed result of a setup (struct nd_result) and everything netd prints
 * on stdout: result_to_json() is the one writer of netavark's setup result;
 * errors go out through result_print_error().
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec.h"

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

/**
 * result_setup() - the typed result of a completed setup
 * @rt:		what setup found out per attachment (MACs, MTUs, DNS listen
 *		addresses, DHCP leases, plugins' StatusBlocks)
 * @ret:	the result, the caller's (nd_result_free), written on success
 * Return: 0 or -ENOMEM.
 */
int result_setup(const struct nd_request *req, const struct attach_rt *rt, struct nd_result **ret);

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
