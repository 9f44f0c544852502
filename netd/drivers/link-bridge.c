// SPDX-License-Identifier: Apache-2.0
#include "link-bridge.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "network.h"
#include "shared/cleanup.h"
#include "shared/log.h"

static int bridge_sysctls(struct exec_ctx *c, const struct nd_network *net, const char *br)
{
	bool v6 = network_has_family(net, AF_INET6);
	char key[128];
	int r;

	if (!net->internal) {
		r = exec_host_sysctl(c, "net/ipv4/ip_forward", "1");
		if (r == 0 && v6)
			r = exec_host_sysctl(c, "net/ipv6/conf/all/forwarding", "1");
		if (r < 0)
			return r;
		snprintf(key, sizeof(key), "net/ipv4/conf/%s/route_localnet", br);
		if ((r = exec_host_sysctl(c, key, "1")) < 0)
			return r;
	} else {
		snprintf(key, sizeof(key), "net/ipv4/conf/%s/forwarding", br);
		if ((r = exec_host_sysctl(c, key, "0")) < 0)
			return r;
		if (v6) {
			snprintf(key, sizeof(key), "net/ipv6/conf/%s/forwarding", br);
			if ((r = exec_host_sysctl(c, key, "0")) < 0)
				return r;
		}
	}
	if (v6) {
		snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_dad", br);
		if ((r = exec_host_sysctl(c, key, "0")) < 0)
			return r;
		snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_ra", br);
		if ((r = exec_host_sysctl(c, key, "0")) < 0)
			return r;
	}
	snprintf(key, sizeof(key), "net/ipv4/conf/%s/rp_filter", br);
	return exec_host_sysctl(c, key, "2");
}

static int find_vrf(struct exec_ctx *c, const struct nd_network *net, int *ifindex)
{
	struct nlx_link l;
	int r;

	*ifindex = 0;
	if (!net->vrf)
		return 0;
	r = nlx_link_by_name(c->host, net->vrf, &l);
	if (r == -ENODEV)
		return nd_error_set(c->err, r,
				    "network \"%s\": vrf device \"%s\" does not exist (create it first; this kernel may lack vrf support)",
				    net->name, net->vrf);
	if (r < 0)
		return exec_nl_error(c, c->host, r, "network \"%s\": look up vrf \"%s\"",
				     net->name, net->vrf);
	if (l.type != NLX_KIND_VRF)
		return nd_error_set(c->err, -EINVAL,
				    "network \"%s\": option vrf names \"%s\", which is a %s interface, not a vrf",
				    net->name, net->vrf, l.kind[0] ? l.kind : "plain");
	*ifindex = l.ifindex;
	return 0;
}

static int vlan_error(struct exec_ctx *c, const struct nd_network *net, const char *br, int r)
{
	if (r == -EOPNOTSUPP || r == -EINVAL)
		return nd_error_set(c->err, r,
				    "network \"%s\": option vlan=%u needs VLAN filtering on bridge \"%s\", which this kernel does not support (%s)",
				    net->name, net->vlan, br, strerror(-r));
	return exec_nl_error(c, c->host, r, "network \"%s\": enable VLAN filtering on bridge \"%s\"",
			     net->name, br);
}

static int add_gateways(struct exec_ctx *c, const struct nd_network *net, int ifindex)
{
	char b[ND_ADDRSTRLEN];

	for (size_t s = 0; s < net->n_subnets; s++) {
		const struct nd_subnet *sn = &net->subnets[s];
		struct nd_prefix gw;
		int r;

		if (!sn->has_gateway)
			continue;
		gw.addr = sn->gateway;
		gw.len = sn->subnet.len;
		r = nlx_addr_add(c->host, ifindex, &gw);
		if (r == -EEXIST)
			continue;
		if (r < 0)
			return exec_nl_error(c, c->host, r,
					     "network \"%s\": add gateway %s to bridge \"%s\"",
					     net->name, nd_prefix_str(&gw, b), net->network_interface);
		r = exec_push_undo(c, &(struct undo){ .kind = UNDO_ADDR_DEL, .ifindex = ifindex,
						      .addr = gw });
		if (r < 0)
			return r;
	}
	return 0;
}

int bridge_ensure(struct exec_ctx *c, size_t i)
{
	const struct nd_attach *a = &c->req->attach[i];
	const struct nd_network *net = a->net;
	const char *br = net->network_interface;
	struct attach_rt *rt = &c->rt[i];
	struct nlx_link l;
	unsigned route_mtu = 0;
	int vrf, r;

	r = nlx_link_by_name(c->host, br, &l);
	if (r < 0 && r != -ENODEV)
		return exec_nl_error(c, c->host, r, "network \"%s\": look up bridge \"%s\"",
				     net->name, br);
	if (r == 0) {
		if (!nlx_link_is_bridge(&l))
			return nd_error_set(c->err, -EEXIST,
					    "network \"%s\": interface \"%s\" already exists but is a %s interface, not a bridge",
					    net->name, br, l.kind[0] ? l.kind : "plain");
		rt->br_ifindex = l.ifindex;
		if (net->has_vlan) {
			r = nlx_bridge_set_vlan_filtering(c->host, l.ifindex);
			if (r < 0)
				return vlan_error(c, net, br, r);
		}
	} else {
		if (net->mode == ND_MODE_UNMANAGED)
			return nd_error_set(c->err, -ENODEV,
					    "network \"%s\": in unmanaged mode the bridge \"%s\" must already exist on the host",
					    net->name, br);
		if ((r = find_vrf(c, net, &vrf)) < 0)
			return r;
		r = nlx_bridge_create(c->host, br, net->has_mtu ? net->mtu : 0, vrf,
				      net->has_vlan, &rt->br_ifindex);
		if (r < 0 && net->has_vlan && (r == -EOPNOTSUPP || r == -EINVAL))
			return vlan_error(c, net, br, r);
		if (r < 0)
			return exec_nl_error(c, c->host, r, "network \"%s\": create bridge \"%s\"",
					     net->name, br);
		rt->br_created = true;
		r = exec_push_undo(c, &(struct undo){ .kind = UNDO_LINK_DEL,
						      .ifindex = rt->br_ifindex });
		if (r < 0)
			return r;
		r = nlx_link_set_alias(c->host, rt->br_ifindex, BRIDGE_ALIAS);
		if (r < 0)
			return exec_nl_error(c, c->host, r, "mark bridge \"%s\"", br);
		log_info("network %s: created bridge %s", net->name, br);
		r = nlx_link_by_index(c->host, rt->br_ifindex, &l);
		if (r < 0)
			return exec_nl_error(c, c->host, r, "read bridge \"%s\"", br);
		/* Pin the MAC so it does not follow the lowest port's address. */
		r = nlx_link_set_mac(c->host, rt->br_ifindex, l.mac);
		if (r < 0)
			return exec_nl_error(c, c->host, r, "set MAC of bridge \"%s\"", br);
	}

	if (net->mode == ND_MODE_MANAGED) {
		/* Sysctls as netavark: when the bridge is made (each file costs a lookup
		 * that grows with the number of namespaces on the host). */
		if ((rt->br_created && (r = bridge_sysctls(c, net, br)) < 0) ||
		    (r = add_gateways(c, net, rt->br_ifindex)) < 0)
			return r;
		if (!l.up) {
			r = nlx_link_set_up(c->host, rt->br_ifindex);
			if (r < 0)
				return exec_nl_error(c, c->host, r, "set bridge \"%s\" up", br);
			r = exec_push_undo(c, &(struct undo){ .kind = UNDO_LINK_DOWN,
							      .ifindex = rt->br_ifindex });
			if (r < 0)
				return r;
		}
	}

	/* Where DNS listens: the gateways; in unmanaged mode, what the bridge has. */
	rt->n_dns_binds = 0;
	if (net->mode == ND_MODE_UNMANAGED) {
		struct nd_prefix addrs[8];
		size_t n = 0;
		if (nlx_addr_list(c->host, rt->br_ifindex, addrs, ELEMENTSOF(addrs), &n) == 0)
			for (size_t k = 0; k < n; k++)
				if (!nd_ip_is_linklocal(&addrs[k].addr))
					rt->dns_binds[rt->n_dns_binds++] = addrs[k].addr;
		if (net->dns_enabled && rt->n_dns_binds == 0)
			return nd_error_set(c->err, -EADDRNOTAVAIL,
					    "network \"%s\": dns_enabled, but the unmanaged bridge \"%s\" has no address for the DNS server to bind; add an IP address to \"%s\" or disable DNS for the network",
					    net->name, br, br);
	} else {
		for (size_t s = 0; s < net->n_subnets && rt->n_dns_binds < ELEMENTSOF(rt->dns_binds); s++)
			if (net->subnets[s].has_gateway)
				rt->dns_binds[rt->n_dns_binds++] = net->subnets[s].gateway;
	}

	/* MTU for the veth pair: option, else the default route's link, else the bridge. */
	if (net->has_mtu)
		rt->mtu = net->mtu;
	else if (nlx_default_route_mtu(c->host, &route_mtu) == 0 && route_mtu)
		rt->mtu = route_mtu;
	else if (!rt->br_created)
		rt->mtu = l.mtu;
	return 0;
}

int bridge_release(struct exec_ctx *c, size_t i, struct nd_error *err)
{
	const struct nd_network *net = c->req->attach[i].net;
	const char *br = net->network_interface;
	struct nlx_link l;
	size_t ports;
	int r;

	if (net->mode != ND_MODE_MANAGED)
		return 0;
	r = nlx_link_by_name(c->host, br, &l);
	if (r == -ENODEV)
		return 0;
	if (r < 0)
		return nd_error_set(err, r, "network \"%s\": look up bridge \"%s\": %s",
				    net->name, br, strerror(-r));
	if (!nlx_link_is_bridge(&l))
		return 0;
	/* The group is set atomically at creation; the alias may be missing if
	 * netd was killed right after creating the bridge. */
	if (l.group != NLX_NETD_GROUP) {
		log_debug("network %s: bridge %s was not created by netd; kept", net->name, br);
		return 0;
	}
	r = nlx_count_ports(c->host, l.ifindex, &ports);
	if (r < 0)
		return nd_error_set(err, r, "network \"%s\": list ports of bridge \"%s\": %s",
				    net->name, br, strerror(-r));
	if (ports > 0)
		return 0;
	r = nlx_link_del(c->host, l.ifindex);
	if (r < 0 && r != -ENODEV)
		return nd_error_set(err, r, "network \"%s\": delete bridge \"%s\": %s",
				    net->name, br, strerror(-r));
	log_info("network %s: deleted bridge %s (no ports left)", net->name, br);
	return 1;
}
