/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The validated model of a setup/teardown request. request.c builds it from
 * JSON; nothing after validation looks at json-c objects again. Plain value
 * structs; "unset" is expressed by has_* flags where 0 is a valid value.
 */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/ipaddr.h"

enum nd_route_type {
	ND_ROUTE_UNICAST,
	ND_ROUTE_BLACKHOLE,
	ND_ROUTE_UNREACHABLE,
	ND_ROUTE_PROHIBIT,
};

enum nd_isolate {
	ND_ISOLATE_STRICT,	/* netavark 2.x default when the option is absent */
	ND_ISOLATE_TRUE,
	ND_ISOLATE_FALSE,
};

enum nd_ipam {
	ND_IPAM_HOST_LOCAL,
	ND_IPAM_NONE,
	ND_IPAM_DHCP,
};

enum nd_driver {
	ND_DRIVER_BRIDGE,
	ND_DRIVER_MACVLAN,
	ND_DRIVER_IPVLAN,
	ND_DRIVER_PLUGIN,
};

enum nd_bridge_mode {
	ND_MODE_MANAGED,
	ND_MODE_UNMANAGED,
};

/* Option "mode" of a macvlan network (the kernel's MACVLAN_MODE_* values differ). */
enum nd_macvlan_mode {
	ND_MACVLAN_BRIDGE,	/* default, also "" */
	ND_MACVLAN_PRIVATE,
	ND_MACVLAN_VEPA,
	ND_MACVLAN_PASSTHRU,
	ND_MACVLAN_SOURCE,
};

/* Option "mode" of an ipvlan network. */
enum nd_ipvlan_mode {
	ND_IPVLAN_L2,		/* default, also "" */
	ND_IPVLAN_L3,
	ND_IPVLAN_L3S,
};

enum nd_proto {
	ND_PROTO_TCP,
	ND_PROTO_UDP,
	ND_PROTO_SCTP,
};

enum nd_host_ip_kind {
	ND_HOSTIP_ALL,		/* "" */
	ND_HOSTIP_ALL_V4,	/* "0.0.0.0" */
	ND_HOSTIP_ALL_V6,	/* "::" */
	ND_HOSTIP_ONE,		/* one address */
};

/*
 * A string option as the request gave it (a network's options, labels and
 * ipam_options, an attachment's options). The model keeps them so that the
 * serializer (request-json.h) hands an external plugin what it was given;
 * the typed fields say what netd itself makes of them.
 */
struct nd_kv {
	char *key;
	char *value;
};

struct nd_subnet {
	struct nd_prefix subnet;	/* host bits cleared */
	bool has_gateway;
	struct nd_ip gateway;
	bool has_lease_range;
	struct nd_ip lease_start, lease_end;
};

struct nd_route {
	struct nd_prefix dst;
	bool has_gateway;
	struct nd_ip gateway;
	bool has_metric;
	uint32_t metric;
	enum nd_route_type type;
};

struct nd_network {
	char *name;
	char *id;
	char *driver_name;
	enum nd_driver driver;
	bool dns_enabled;
	bool internal;
	bool ipv6_enabled;
	char *network_interface;	/* bridge name / macvlan parent; may be NULL */
	char *created;			/* as given (not interpreted); may be NULL */

	struct nd_subnet *subnets;
	size_t n_subnets;
	struct nd_route *routes;
	size_t n_routes;
	struct nd_ip *dns_servers;
	size_t n_dns_servers;

	/* options */
	bool has_mtu;
	uint32_t mtu;
	enum nd_isolate isolate;
	uint32_t metric;		/* defaulted per driver */
	bool no_default_route;
	char *vrf;
	bool has_vlan;
	uint16_t vlan;
	enum nd_bridge_mode mode;	/* bridge only */
	enum nd_macvlan_mode macvlan_mode;	/* macvlan only */
	enum nd_ipvlan_mode ipvlan_mode;	/* ipvlan only */
	bool has_bclim;			/* macvlan broadcast cutoff (IFLA_MACVLAN_BC_CUTOFF) */
	int32_t bclim;
	bool has_outbound_addr4, has_outbound_addr6;
	struct nd_ip outbound_addr4, outbound_addr6;

	enum nd_ipam ipam;

	/* As given, for the serializer: "options" (null values left out), "labels", "ipam_options". */
	struct nd_kv *options;
	size_t n_options;
	struct nd_kv *labels;
	size_t n_labels;
	struct nd_kv *ipam_options;
	size_t n_ipam_options;
};

struct nd_address {
	struct nd_prefix addr;		/* container address with the subnet's length */
	const struct nd_subnet *subnet;	/* borrowed from the network */
};

/* One attachment: a container joined to one network (PerNetworkOptions). */
struct nd_attach {
	const struct nd_network *net;	/* borrowed from nd_request.networks */
	char *interface_name;
	char *host_interface_name;	/* option host_interface_name; may be NULL */
	struct nd_address *addrs;	/* IPAM result, in static_ips order */
	size_t n_addrs;
	bool has_mac;
	uint8_t mac[6];
	char **aliases;
	size_t n_aliases;
	/* As given, for the serializer: "static_ips" (also with ipam none or dhcp) and "options". */
	struct nd_ip *static_ips;
	size_t n_static_ips;
	struct nd_kv *options;
	size_t n_options;
};

struct nd_port {
	enum nd_host_ip_kind host_ip_kind;
	struct nd_ip host_ip;		/* ND_HOSTIP_ONE only */
	uint16_t container_port;
	uint16_t host_port;
	uint16_t range;			/* >= 1 */
	enum nd_proto proto;
};

struct nd_request {
	char *container_id;
	char *container_name;
	char *container_hostname;

	struct nd_network *networks;	/* every entry of network_info */
	char **network_keys;		/* its key there, which "networks" uses */
	size_t n_networks;
	struct nd_attach *attach;	/* in request order */
	size_t n_attach;

	struct nd_port *ports;
	size_t n_ports;
	struct nd_ip *dns_servers;
	size_t n_dns_servers;
};

/* Free @r and everything it owns; NULL is fine. */
void nd_request_free(struct nd_request *r);
static inline void nd_request_freep(struct nd_request **r)
{
	nd_request_free(*r);
}

/* netavark's words for a protocol ("tcp", "udp", "sctp") and an isolate mode; static strings. */
const char *nd_proto_name(enum nd_proto p);
const char *nd_isolate_name(enum nd_isolate i);
/* netavark's word for a route type ("unicast", "blackhole", ...). */
const char *nd_route_type_name(enum nd_route_type t);
