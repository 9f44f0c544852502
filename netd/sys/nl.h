/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A thin rtnetlink layer over libnl-route-3. The rest of netd never sees libnl
 * types. Every call returns 0 or a negative errno taken from the kernel's
 * reply; when the kernel sent an extended-ack message, nlx_last_msg() has it.
 * A handle is bound to the network namespace it was opened in.
 */
#pragma once

#include <string.h>

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct nlx;

/*
 * The link kinds netd builds or looks for. nl.c keeps one table of them: the
 * IFLA_INFO_KIND name, whether netd creates links of the kind, and the
 * builder of their IFLA_INFO_DATA (veth: the peer; macvlan, ipvlan, vlan:
 * the mode or id). nlx_bridge_create(), nlx_veth_create() and
 * nlx_lower_create() all build one RTM_NEWLINK through it. A link of any
 * other kind reads as NLX_KIND_OTHER (its name is still in nlx_link.kind).
 */
enum nlx_kind {
	NLX_KIND_NONE,		/* no IFLA_INFO_KIND (a physical device, lo) */
	NLX_KIND_OTHER,
	NLX_KIND_BRIDGE,
	NLX_KIND_VETH,
	NLX_KIND_MACVLAN,
	NLX_KIND_IPVLAN,
	NLX_KIND_VLAN,
	NLX_KIND_VRF,
};

/* The IFLA_INFO_KIND name of @k ("bridge", ...; "" for none and other). */
const char *nlx_kind_name(enum nlx_kind k);
/* The kind named @name (an IFLA_INFO_KIND); NULL or "" is NLX_KIND_NONE. */
enum nlx_kind nlx_kind_parse(const char *name);

struct nlx_link {
	int ifindex;
	char name[IFNAMSIZ];
	char kind[32];		/* "bridge", "veth", ...; "" for none (for messages) */
	enum nlx_kind type;	/* @kind, parsed */
	unsigned mtu;
	int master;		/* 0 if none */
	int link;		/* peer/parent ifindex (IFLA_LINK), 0 if none */
	uint8_t mac[6];
	bool up;
	uint32_t group;		/* IFLA_GROUP */
};

struct nlx_route {
	struct nd_prefix dst;
	bool has_gateway;
	struct nd_ip gateway;
	int oif;		/* 0 = let the kernel pick */
	uint32_t metric;
	enum nd_route_type type;
	uint32_t table;		/* 0 = main */
};

/*
 * Open a NETLINK_ROUTE handle in the caller's current network namespace
 * (enter the container's first to get one for it). Return: 0 with *@ret the
 * caller's (nlx_free()), or -ENOMEM / the -errno of connecting.
 */
int nlx_open(struct nlx **ret);
/* Close @h (NULL is fine). Return: NULL, for h = nlx_free(h). */
struct nlx *nlx_free(struct nlx *h);
static inline void nlx_freep(struct nlx **h)
{
	nlx_free(*h);
}
/* The kernel's extended-ack text for the last failed call, or "" (also for
 * a NULL @h). Borrowed from @h, valid until its next call. */
const char *nlx_last_msg(const struct nlx *h);

/*
 * Look a link up by name (or, nlx_link_by_index(), by ifindex) in @h's
 * namespace. Return: 0 with *@ret filled (a plain value), -ENODEV when there
 * is no such link, or another -errno.
 */
int nlx_link_by_name(struct nlx *h, const char *name, struct nlx_link *ret);

/* Whether @l is a Linux bridge: the one "is this a bridge?" of the kernel side. */
static inline bool nlx_link_is_bridge(const struct nlx_link *l)
{
	return l->type == NLX_KIND_BRIDGE;
}
/* nlx_link_by_name() by ifindex. */
int nlx_link_by_index(struct nlx *h, int ifindex, struct nlx_link *ret);
/* Delete link @ifindex (a veth takes its peer along). Return: 0, -ENODEV if
 * it is gone, or another -errno. */
int nlx_link_del(struct nlx *h, int ifindex);
/* Set link @ifindex up, down, or its MAC address. Return: 0 or -errno. */
int nlx_link_set_up(struct nlx *h, int ifindex);
int nlx_link_set_down(struct nlx *h, int ifindex);
int nlx_link_set_mac(struct nlx *h, int ifindex, const uint8_t mac[6]);
/*
 * Per-interface IPv4 settings (IPV4_DEVCONF_* ids of <linux/ip.h>) in one
 * RTM_NEWLINK (IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF): the same as writing
 * net/ipv4/conf/IF/..., without a walk through /proc/sys/net.
 */
struct nlx_inet_conf {
	int id;
	uint32_t value;
};
/* Apply the @n settings of @conf to @ifindex in one request. Return: 0 or -errno. */
int nlx_link_set_inet_conf(struct nlx *h, int ifindex, const struct nlx_inet_conf *conf, size_t n);

/*
 * The link group (IFLA_GROUP) of the bridges netd creates. Unlike the alias,
 * the kernel takes it in the creating message itself, so a bridge is never
 * netd's without it, even if netd is killed right after creating it.
 */
#define NLX_NETD_GROUP 0x6e657464u	/* "netd" */

/* Create a bridge in group NLX_NETD_GROUP; @mtu 0 = kernel default,
 * @vrf_ifindex 0 = none. Return: 0 with *@ifindex set, or -errno (-EEXIST
 * when the name is taken). */
int nlx_bridge_create(struct nlx *h, const char *name, unsigned mtu, int vrf_ifindex,
		      bool vlan_filtering, int *ifindex);
/* Turn on VLAN filtering of an existing bridge. */
int nlx_bridge_set_vlan_filtering(struct nlx *h, int ifindex);
/* Make @vid the untagged PVID of bridge port @ifindex. */
int nlx_bridge_port_set_pvid(struct nlx *h, int ifindex, uint16_t vid);
/* Let frames leave the bridge port they came in by (a container reaching itself through a published port). */
int nlx_bridge_port_set_hairpin(struct nlx *h, int ifindex);
/* How many links have @master as their master, into *@ret. Return: 0 or -errno. */
int nlx_count_ports(struct nlx *h, int master, size_t *ret);

/**
 * nlx_veth_create() - one request creating a veth pair
 * @host_name:	name of the host end
 * @peer_name:	name of the peer, created directly in @peer_ns_fd
 * @mtu:	0 = default
 * @master:	bridge ifindex for the host end, 0 = none
 * @peer_mac:	NULL = random
 *
 * Return: 0, or -errno (-EEXIST when a name is taken); nothing is left
 * behind on failure, the kernel creates both ends or neither.
 */
int nlx_veth_create(struct nlx *h, const char *host_name, const char *peer_name,
		    int peer_ns_fd, unsigned mtu, int master, const uint8_t *peer_mac);

/* Add @addr to @ifindex. Return: 0 or -errno (-EEXIST when it is there). */
int nlx_addr_add(struct nlx *h, int ifindex, const struct nd_prefix *addr);
/* Global-scope addresses of @ifindex (both families), up to @max into the
 * caller's @ret (more are left out), their number in *@n. Return: 0 or -errno. */
int nlx_addr_list(struct nlx *h, int ifindex, struct nd_prefix *ret, size_t max, size_t *n);
/* Add route @rt (without NLM_F_EXCL: equal default routes of several
 * networks coexist). Return: 0 or -errno. */
int nlx_route_add(struct nlx *h, const struct nlx_route *rt);
/* Delete a route added with nlx_route_add() (same fields). Return: 0 or -errno. */
int nlx_route_del(struct nlx *h, const struct nlx_route *rt);
/* Remove @addr from @ifindex. Return: 0 or -errno. */
int nlx_addr_del(struct nlx *h, int ifindex, const struct nd_prefix *addr);
/* MTU of the interface of the first IPv4 (else IPv6) default route; -ENOENT if none. */
int nlx_default_route_mtu(struct nlx *h, unsigned *ret);

/* The link of the first IPv4 (else IPv6) default route; -ENOENT if none. */
int nlx_default_route_link(struct nlx *h, struct nlx_link *ret);

/**
 * struct nlx_lower - a link stacked on a parent device (nlx_lower_create())
 * @kind:	NLX_KIND_MACVLAN, NLX_KIND_IPVLAN or NLX_KIND_VLAN
 * @name:	name of the new link
 * @parent:	ifindex of the lower device in the handle's namespace
 * @ns_fd:	create the link directly inside this namespace; -1 = the handle's
 * @mtu:	0 = the parent's
 * @mac:	NULL = kernel-chosen
 * @mode:	kernel value: MACVLAN_MODE_* (macvlan) or IPVLAN_MODE_* (ipvlan)
 * @has_bclim:	send @bclim as IFLA_MACVLAN_BC_CUTOFF (macvlan)
 * @vlan_id:	802.1Q id (vlan)
 * @alias:	IFLA_IFALIAS to set, NULL = none
 */
struct nlx_lower {
	enum nlx_kind kind;
	const char *name;
	int parent;
	int ns_fd;
	unsigned mtu;
	const uint8_t *mac;
	uint32_t mode;
	bool has_bclim;
	int32_t bclim;
	uint16_t vlan_id;
	const char *alias;
};

/* Create a macvlan, ipvlan or vlan link in one request (NLM_F_EXCL).
 * Return: 0, -EINVAL for another kind, or the kernel's -errno. */
int nlx_lower_create(struct nlx *h, const struct nlx_lower *spec);
/* Rename link @ifindex (it must be down, as new links are). Return: 0 or -errno. */
int nlx_link_rename(struct nlx *h, int ifindex, const char *name);
/* The IFLA_IFALIAS of @ifindex ("" if none) into the caller's @buf.
 * Return: 0 or -errno. */
int nlx_link_alias(struct nlx *h, int ifindex, char *buf, size_t size);
/* Set the IFLA_IFALIAS of @ifindex: netd marks the links it creates with it.
 * Return: 0 or -errno. */
int nlx_link_set_alias(struct nlx *h, int ifindex, const char *alias);
/* 1 if @ifindex carries the alias @alias, 0 if not, negative on error. */
int nlx_link_marked(struct nlx *h, int ifindex, const char *alias);
