/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CNI result (ADD's output, and the prevResult a chained plugin gets) as
 * a typed model, parsed and printed in the shape of each spec version:
 * 0.3.x/0.4.0 carry "version" in every ips[] entry, 1.0.0 does not, 1.1.0
 * adds interface mtu/socketPath/pciID and route mtu/advmss/priority/table/scope.
 */
#pragma once

#include <json-c/json.h>

#include "cni-config.h"
#include "result.h"

struct cni_iface {
	char *name;
	char *mac;			/* NULL if not given */
	char *sandbox;			/* NULL on the host */
	bool has_mtu;			/* 1.1.0 */
	uint32_t mtu;
	char *socket_path;		/* 1.1.0 */
	char *pci_id;			/* 1.1.0 */
};

struct cni_ipconf {
	struct nd_prefix address;	/* the address with its prefix length */
	bool has_gateway;
	struct nd_ip gateway;
	bool has_iface;
	uint32_t iface;			/* index into interfaces */
};

struct cni_rroute {
	struct nd_prefix dst;
	bool has_gw;
	struct nd_ip gw;
	/* 1.1.0 */
	bool has_mtu, has_advmss, has_priority, has_table, has_scope;
	uint32_t mtu, advmss, priority, table, scope;
};

struct cni_result {
	struct cni_iface *ifaces;
	size_t n_ifaces;
	struct cni_ipconf *ips;
	size_t n_ips;
	struct cni_rroute *routes;
	size_t n_routes;
	bool has_dns;
	struct cni_dns dns;
};

/**
 * cni_result_parse() - a result object in the shape of version @v
 * @path:	JSON path for messages ("prevResult")
 * Return: 0, or -1 with @err set (code 7, or 6 when @v is unknown).
 */
int cni_result_parse(json_object *o, enum cni_version v, const char *path, struct cni_result **ret,
		     struct nd_error *err);
void cni_result_free(struct cni_result *r);
static inline void cni_result_freep(struct cni_result **r)
{
	cni_result_free(*r);
}

/* @r as a JSON object of version @v (with "cniVersion"). */
json_object *cni_result_to_json(const struct cni_result *r, enum cni_version v);

/**
 * cni_result_append() - add @src to @dst as a chained plugin does
 * Interfaces, ips and routes are appended (ips[].interface shifted past
 * @dst's interfaces); DNS entries not yet in @dst are added.
 */
int cni_result_append(struct cni_result *dst, const struct cni_result *src);

/* What netd learnt about the host side after setup, for the result. */
struct cni_host_info {
	char bridge[IFNAMSIZ];
	char bridge_mac[18];		/* "" if unknown */
	char veth[IFNAMSIZ];
	char veth_mac[18];
	uint32_t mtu;			/* 0 if unknown */
};

/**
 * cni_result_from_setup() - netd's typed setup result → a CNI result
 * @res:	as netd_setup() returns it
 *
 * interfaces: bridge, host veth, container interface (with sandbox);
 * ips: the container's addresses with their gateways; routes: the default
 * routes netd added (unless internal) and the configured ones; dns: the
 * gateways and "dns.podman" when netd-dns serves the network, plus the
 * configured "dns".
 */
int cni_result_from_setup(const struct nd_result *res, const struct cni_config *cfg,
			  const struct cni_params *p, const struct cni_host_info *hi,
			  struct cni_result **ret, struct nd_error *err);

/*
 * What netd prints on stdout, as one line each. Return: 0 or -EIO.
 * cni_result_print(): @r in the shape of version @v (cni_result_to_json());
 * cni_error_print(): {"cniVersion", "code", "msg"[, "details"]};
 * cni_version_print(): VERSION's {"cniVersion", "supportedVersions"}.
 */
int cni_result_print(const struct cni_result *r, enum cni_version v);
int cni_error_print(const struct nd_error *e, const char *version);
int cni_version_print(enum cni_version v);

/* The index of the interface @ifname in sandbox @netns, or -1. */
long cni_result_find_iface(const struct cni_result *r, const char *ifname, const char *netns);
