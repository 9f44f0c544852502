// SPDX-License-Identifier: Apache-2.0
/*
 * CHECK and STATUS. CHECK compares the system with what ADD built (the
 * prevResult, the lease in the address pool and the container record's
 * request of the network: cni_lease_request()) and names the first thing that is
 * missing or different; it never changes anything. STATUS answers "could an
 * ADD be served now" (free addresses, DNS server, firewall reachable).
 *
 * The kernel is read through nl.h; only the route dump, which nl.h does not
 * offer, uses libnl-route directly here.
 */
#include "cni.h"
#include "cni-request.h"

#include <errno.h>
#include <fcntl.h>
#include <netlink/netlink.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "dns-conf.h"
#include "driver.h"
#include "exec.h"
#include "fw.h"
#include "netns.h"
#include "nl.h"
#include "state.h"
#include "shared/cleanup.h"

#define MAX_ADDRS 64

struct route_want {
	struct nd_prefix dst;
	struct nd_ip gw;
	int oif;
	bool found;
};

static void route_cb(struct nl_object *obj, void *arg)
{
	struct rtnl_route *r = (struct rtnl_route *)obj;
	struct route_want *w = arg;
	struct nl_addr *dst = rtnl_route_get_dst(r);
	struct rtnl_nexthop *nh;
	struct nl_addr *gw;
	unsigned bytes = nd_ip_bytes(w->dst.addr.family);

	if (w->found || rtnl_route_get_table(r) != RT_TABLE_MAIN ||
	    rtnl_route_get_family(r) != (uint8_t)w->dst.addr.family || !dst ||
	    nl_addr_get_prefixlen(dst) != w->dst.len || rtnl_route_get_nnexthops(r) < 1)
		return;
	if (w->dst.len && (nl_addr_get_len(dst) != bytes ||
			   memcmp(nl_addr_get_binary_addr(dst), w->dst.addr.b, bytes) != 0))
		return;
	nh = rtnl_route_nexthop_n(r, 0);
	gw = nh ? rtnl_route_nh_get_gateway(nh) : NULL;
	if (!gw || nl_addr_get_len(gw) != bytes ||
	    memcmp(nl_addr_get_binary_addr(gw), w->gw.b, bytes) != 0)
		return;
	if (w->oif && rtnl_route_nh_get_ifindex(nh) != w->oif)
		return;
	w->found = true;
}

/* Whether the current namespace's main table has @w (dst via gw dev oif). */
static int route_exists(struct route_want *w)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *cache = NULL;
	int r;

	if (!sk)
		return -ENOMEM;
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r == 0)
		r = rtnl_route_alloc_cache(sk, w->dst.addr.family, 0, &cache);
	if (r < 0) {
		nl_socket_free(sk);
		return -EIO;
	}
	nl_cache_foreach(cache, route_cb, w);
	nl_cache_free(cache);
	nl_socket_free(sk);
	return 0;
}

static bool has_addr(const struct nd_prefix *list, size_t n, const struct nd_ip *ip, int len)
{
	for (size_t i = 0; i < n; i++)
		if (nd_ip_equal(&list[i].addr, ip) && (len < 0 || list[i].len == len))
			return true;
	return false;
}

static const struct cni_subnet *subnet_of(const struct cni_config *cfg, const struct nd_ip *ip)
{
	for (size_t i = 0; i < cfg->n_subnets; i++)
		if (nd_prefix_contains(&cfg->subnets[i].subnet, ip))
			return &cfg->subnets[i];
	return NULL;
}

/* Inside the container namespace: interface, MAC, addresses, routes. */
static int check_container(const struct cni_config *cfg, const struct cni_params *p,
			   const struct cni_alloc *rec, const struct cni_iface *want,
			   int *peer_ifindex, struct nd_error *err)
{
	_cleanup_(nlx_freep) struct nlx *h = NULL;
	struct nd_prefix addrs[MAX_ADDRS];
	char b[ND_ADDRSTRLEN], b2[ND_ADDRSTRLEN], mac[18];
	struct nlx_link l;
	size_t n = 0;
	int r;

	r = nlx_open(&h);
	if (r < 0)
		return cni_fail(err, CNI_ERR_CHECK, "cannot open netlink in %s: %s", p->netns,
				strerror(-r));
	r = nlx_link_by_name(h, p->ifname, &l);
	if (r == -ENODEV)
		return cni_fail(err, CNI_ERR_CHECK,
				"interface %s is missing in container namespace %s", p->ifname,
				p->netns);
	if (r < 0)
		return cni_fail(err, CNI_ERR_CHECK, "cannot read interface %s in %s: %s",
				p->ifname, p->netns, strerror(-r));
	if (l.type != NLX_KIND_VETH)
		return cni_fail(err, CNI_ERR_CHECK,
				"interface %s in %s is a \"%s\" link, not the veth netd created",
				p->ifname, p->netns, l.kind[0] ? l.kind : "plain");
	if (!l.up)
		return cni_fail(err, CNI_ERR_CHECK, "interface %s in %s is down", p->ifname,
				p->netns);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", l.mac[0], l.mac[1], l.mac[2],
		 l.mac[3], l.mac[4], l.mac[5]);
	if (want->mac && strcasecmp(want->mac, mac) != 0)
		return cni_fail(err, CNI_ERR_CHECK,
				"interface %s in %s has MAC %s, the result says %s", p->ifname,
				p->netns, mac, want->mac);
	*peer_ifindex = l.link;
	r = nlx_addr_list(h, l.ifindex, addrs, MAX_ADDRS, &n);
	if (r < 0)
		return cni_fail(err, CNI_ERR_CHECK, "cannot list the addresses of %s: %s",
				p->ifname, strerror(-r));
	for (size_t i = 0; i < rec->n_ips; i++) {
		const struct cni_subnet *sn = subnet_of(cfg, &rec->ips[i]);
		if (!has_addr(addrs, n, &rec->ips[i], sn ? sn->subnet.len : -1))
			return cni_fail(err, CNI_ERR_CHECK,
					"address %s/%d is missing on interface %s in %s",
					nd_ip_str(&rec->ips[i], b), sn ? sn->subnet.len : 0,
					p->ifname, p->netns);
	}
	/* The default route of each family, unless the network is internal. */
	for (size_t i = 0; !cfg->internal && i < cfg->n_subnets; i++) {
		const struct cni_subnet *sn = &cfg->subnets[i];
		struct route_want w = { .gw = sn->gateway, .oif = l.ifindex };
		bool first = true;

		for (size_t j = 0; j < i; j++)
			first &= cfg->subnets[j].subnet.addr.family != sn->subnet.addr.family;
		if (!first || !sn->has_gateway)
			continue;
		w.dst.addr.family = sn->subnet.addr.family;
		if (route_exists(&w) < 0)
			return cni_fail(err, CNI_ERR_CHECK, "cannot read the routes in %s", p->netns);
		if (!w.found)
			return cni_fail(err, CNI_ERR_CHECK,
					"the IPv%d default route via %s on %s is missing in %s",
					sn->subnet.addr.family == AF_INET ? 4 : 6,
					nd_ip_str(&sn->gateway, b), p->ifname, p->netns);
	}
	for (size_t i = 0; i < cfg->n_routes; i++) {
		struct route_want w = { .dst = cfg->routes[i].dst, .gw = cfg->routes[i].gw };
		if (route_exists(&w) < 0)
			return cni_fail(err, CNI_ERR_CHECK, "cannot read the routes in %s", p->netns);
		if (!w.found)
			return cni_fail(err, CNI_ERR_CHECK, "the route to %s via %s is missing in %s",
					nd_prefix_str(&cfg->routes[i].dst, b),
					nd_ip_str(&cfg->routes[i].gw, b2), p->netns);
	}
	return 0;
}

struct check_args {
	const struct cni_config *cfg;
	const struct cni_params *p;
	const struct cni_alloc *rec;
	const struct cni_iface *want;
	int *peer;
	struct nd_error *err;
};

static int check_container_cb(void *arg)
{
	const struct check_args *a = arg;

	return check_container(a->cfg, a->p, a->rec, a->want, a->peer, a->err);
}

/* Enter @netns, run check_container(), come back. */
static int check_in_container(const struct cni_config *cfg, const struct cni_params *p,
			      const struct cni_alloc *rec, const struct cni_iface *want,
			      int *peer, struct nd_error *err)
{
	_cleanup_close_ int ctr = -1, host = -1;
	_cleanup_(exec_signals_release) struct exec_signals sigs = {0};
	struct netns_id id;
	int r, res;

	ctr = netns_open_container(p->netns, &id);
	if (ctr < 0)
		return cni_fail(err, CNI_ERR_CHECK, "container namespace %s: %s", p->netns,
				netns_strerror(ctr));
	/* CHECK looks at the namespace ADD worked in, never at another one. */
	if (!cni_alloc_same_ns(rec, p->netns, &id))
		return cni_fail(err, CNI_ERR_CHECK,
				"CNI_NETNS %s is not the namespace container %s was added in (%s)",
				p->netns, p->container_id, rec->netns);
	host = netns_open_current();
	if (host < 0)
		return cni_fail(err, CNI_ERR_CHECK, "cannot open the host namespace: %s",
				strerror(-host));
	/* As every caller of the core does while it is in another namespace. */
	exec_signals_hold(&sigs);
	r = netns_call(ctr, host, check_container_cb,
		       &(struct check_args){ cfg, p, rec, want, peer, err }, &res);
	exec_signals_release(&sigs);
	if (r < 0)
		return cni_fail(err, CNI_ERR_CHECK, "cannot enter %s: %s", p->netns,
				strerror(-r));
	return res;
}

/*
 * The bridge and the host end of the veth pair: the driver's check_live op
 * (the first drift from what setup made), then whether that host end is the
 * peer of the container's interface (@peer, its ifindex as the container
 * sees it; 0 when unknown).
 */
static int check_host(const struct cni_params *p, const struct nd_request *req, int peer,
		      struct nd_error *err)
{
	_cleanup_(nlx_freep) struct nlx *h = NULL;
	const struct driver_ops *d = driver_of(req->attach[0].net);
	struct driver_probe probe = { .container_id = p->container_id, .a = &req->attach[0] };
	struct driver_status s;
	struct nd_error ne = {0};
	int r;

	r = nlx_open(&h);
	if (r < 0)
		return cni_fail(err, CNI_ERR_CHECK, "cannot open netlink: %s", strerror(-r));
	probe.host = h;
	if (d->check_live(&probe, &ne) < 0) {
		r = cni_fail(err, CNI_ERR_CHECK, "%s", ne.msg ? ne.msg : "the host side drifted");
		nd_error_clear(&ne);
		return r;
	}
	if (!peer)
		return 0;
	probe.links_only = true;
	r = d->status(&probe, &s);
	if (r < 0)
		return cni_fail(err, CNI_ERR_CHECK, "cannot read the host veth: %s", strerror(-r));
	if (s.host.ifindex != peer)
		return cni_fail(err, CNI_ERR_CHECK,
				"%s in %s is not paired with the host veth %s", p->ifname,
				p->netns, s.host_name);
	return 0;
}

/* The network's rules and the container's ports, as the firewall driver finds them. */
static int check_firewall(const struct cni_config *cfg, const struct netd_opts *o,
			  const struct cni_alloc *rec, const struct nd_request *req,
			  struct nd_error *err)
{
	bool ports = cfg->n_ports && !cfg->internal && req->n_ports;
	struct nd_error ne = {0};
	int r;

	r = fw_of(o->fw_driver)->check_network(cfg->bridge, rec->container_id, ports, req,
						    driver_fw_needs, &ne);
	if (r < 0) {
		r = cni_fail(err, CNI_ERR_CHECK, "%s", ne.msg ? ne.msg : "firewall check failed");
		nd_error_clear(&ne);
		return r;
	}
	return 0;
}

int cni_check(const struct cni_config *cfg, const struct cni_params *p,
	      const struct netd_opts *o, const struct cni_alloc *rec, struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	const struct cni_result *prev = cfg->prev;
	long idx = cni_result_find_iface(prev, p->ifname, p->netns);
	struct nd_error ne = {0};
	char b[ND_ADDRSTRLEN];
	int peer = 0;
	int r;

	if (idx < 0)
		return cni_fail(err, CNI_ERR_CHECK,
				"prevResult has no interface %s in sandbox %s", p->ifname,
				p->netns);
	/* The reserved addresses are the ones the result announced. */
	for (size_t i = 0; i < rec->n_ips; i++) {
		bool listed = false;
		for (size_t j = 0; j < prev->n_ips; j++)
			listed |= prev->ips[j].has_iface && prev->ips[j].iface == (uint32_t)idx &&
				  nd_ip_equal(&prev->ips[j].address.addr, &rec->ips[i]);
		if (!listed)
			return cni_fail(err, CNI_ERR_CHECK,
					"address %s reserved for %s is not in prevResult",
					nd_ip_str(&rec->ips[i], b), p->ifname);
	}
	if ((r = check_in_container(cfg, p, rec, &prev->ifaces[idx], &peer, err)) < 0)
		return r;
	/* What ADD set up, as the container record keeps it. */
	if (cni_lease_request(cfg, p, rec, &req, &ne) < 0) {
		r = cni_fail(err, CNI_ERR_CHECK, "%s", ne.msg ? ne.msg : "cannot model the attachment");
		nd_error_clear(&ne);
		return r;
	}
	if ((r = check_host(p, req, peer, err)) < 0 ||
	    (r = check_firewall(cfg, o, rec, req, err)) < 0)
		return r;
	if (cfg->dns_enabled && !dns_server_runs(o->config_dir))
		return cni_fail(err, CNI_ERR_CHECK, "netd-dns is not running for %s/aardvark-dns",
				o->config_dir);
	return 0;
}

int cni_status(const struct cni_config *cfg, const struct netd_opts *o, struct cni_dir *d,
	       struct nd_error *err)
{
	const struct fw_driver *fw;
	char b[ND_ADDRSTRLEN];
	int r;

	for (size_t i = 0; i < cfg->n_subnets; i++)
		if (!cni_ipam_has_free(d->store, &cfg->subnets[i]))
			return cni_fail(err, CNI_ERR_UNAVAILABLE,
					"no free address left in subnet %s of network \"%s\"",
					nd_prefix_str(&cfg->subnets[i].subnet, b), cfg->name);
	if (cfg->dns_enabled && access(o->aardvark_binary, X_OK) < 0)
		return cni_fail(err, CNI_ERR_UNAVAILABLE, "DNS server %s cannot be run: %s",
				o->aardvark_binary, strerror(errno));
	fw = fw_of(o->fw_driver);
	r = fw->probe();
	if (r < 0)
		return cni_fail(err, CNI_ERR_UNAVAILABLE, "%s cannot be used: %s", fw->name,
				strerror(-r));
	return 0;
}
