// SPDX-License-Identifier: Apache-2.0
#include "link-veth.h"

#include <errno.h>
#include <linux/ip.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ctrnet.h"
#include "record.h"
#include "network.h"
#include "shared/cleanup.h"
#include "shared/log.h"
#include "sysctl.h"

void veth_host_name(const char *container_id, const char *network, char out[IFNAMSIZ])
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (const char *p = container_id; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
	h = (h ^ 0xff) * 0x100000001b3ULL;
	for (const char *p = network; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
	snprintf(out, IFNAMSIZ, "veth%011llx", (unsigned long long)(h & 0xfffffffffffULL));
}

struct ctr_sysctl_arg {
	const char *ifname;
	bool v6;
	int root;	/* sysctl_root_open() */
};

/* Runs inside the container namespace. */
static int ctr_sysctls(struct exec_ctx *c, void *arg)
{
	const struct ctr_sysctl_arg *s = arg;
	char key[128];
	int r;

	/* Containers get their addresses from netd, never from router adverts. */
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/autoconf", s->ifname);
	r = sysctl_write_at(s->root, key, "0");
	if (r < 0 && r != -ENOENT && r != -EROFS)
		return nd_error_set(c->err, r, "failed to set sysctl %s=0 in the container: %s",
				    key, strerror(-r));
	if (s->v6) {
		snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_dad", s->ifname);
		if ((r = sysctl_write_at(s->root, key, "0")) < 0)
			goto fail;
	}
	return 0;
fail:
	return nd_error_set(c->err, r, "failed to set sysctl %s in the container: %s", key,
			    strerror(-r));
}

static const struct nlx_inet_conf ctr_inet_conf[] = {
	{ IPV4_DEVCONF_ARP_NOTIFY, 1 },
	{ IPV4_DEVCONF_RP_FILTER, 2 },
};

int veth_create(struct exec_ctx *c, size_t i)
{
	const struct nd_attach *a = &c->req->attach[i];
	const struct nd_network *net = a->net;
	struct attach_rt *rt = &c->rt[i];
	struct ctr_sysctl_arg sa = {
		.ifname = a->interface_name,
		.v6 = network_has_family(a->net, AF_INET6),
	};
	struct nlx_link peer, host;
	int r;

	if (a->host_interface_name)
		snprintf(rt->host_name, sizeof(rt->host_name), "%s", a->host_interface_name);
	else
		veth_host_name(c->req->container_id, net->name, rt->host_name);

	r = nlx_veth_create(c->host, rt->host_name, a->interface_name, c->ctr_ns, rt->mtu,
			    rt->br_ifindex, a->has_mac ? a->mac : NULL);
	if (r == -EEXIST) {
		bool in_ctr = nlx_link_by_name(c->ctr, a->interface_name, &peer) == 0;
		bool on_host = nlx_link_by_name(c->host, rt->host_name, &host) == 0;
		if (in_ctr)
			return nd_error_set(c->err, r,
					    "network \"%s\": create veth pair: interface \"%s\" already exists in container namespace %s",
					    net->name, a->interface_name, c->netns_path);
		if (on_host)
			return nd_error_set(c->err, r,
					    "network \"%s\": create veth pair: interface \"%s\" already exists in the host namespace",
					    net->name, rt->host_name);
	}
	if (r < 0)
		return exec_nl_error(c, c->host, r,
				     "network \"%s\": create veth pair %s <-> %s (container)",
				     net->name, rt->host_name, a->interface_name);

	/* Journal by name first: the pair exists even if reading it back fails. */
	{
		struct undo u = { .kind = UNDO_LINK_DEL, .in_container = true };
		snprintf(u.name, sizeof(u.name), "%s", a->interface_name);
		r = exec_push_undo(c, &u);
		if (r < 0)
			return r;
	}
	r = nlx_link_by_name(c->ctr, a->interface_name, &peer);
	if (r < 0)
		return exec_nl_error(c, c->ctr, r, "read container interface \"%s\"",
				     a->interface_name);
	rt->ctr_ifindex = peer.ifindex;
	memcpy(rt->mac, peer.mac, sizeof(rt->mac));
	r = nlx_link_by_name(c->host, rt->host_name, &host);
	if (r < 0)
		return exec_nl_error(c, c->host, r, "read host veth \"%s\"", rt->host_name);
	rt->host_ifindex = host.ifindex;
	r = nlx_link_set_alias(c->host, host.ifindex, VETH_ALIAS);
	if (r < 0)
		return exec_nl_error(c, c->host, r, "mark host veth \"%s\"", rt->host_name);
	log_info("network %s: veth %s (host) <-> %s (container), mtu %u", net->name,
		 rt->host_name, a->interface_name, host.mtu);

	if (net->has_vlan) {
		r = nlx_bridge_port_set_pvid(c->host, host.ifindex, net->vlan);
		if (r < 0)
			return exec_nl_error(c, c->host, r, "network \"%s\": set vlan %u on port %s",
					     net->name, net->vlan, rt->host_name);
	}
	if (net->mode == ND_MODE_MANAGED) {
		r = nlx_bridge_port_set_hairpin(c->host, host.ifindex);
		if (r < 0)
			return exec_nl_error(c, c->host, r, "network \"%s\": set hairpin mode on port %s",
					     net->name, rt->host_name);
		/* Its own proc instance: no /proc/sys walk past every namespace's net/ipv6 */
		_cleanup_sysctl_root_ int root = sysctl_root_open();

		sa.root = root;
		r = exec_in_container(c, ctr_sysctls, &sa);
		if (r < 0)
			return r;
		/* arp_notify=1, rp_filter=2 by netlink: no O(namespaces) /proc/sys walk */
		r = nlx_link_set_inet_conf(c->ctr, rt->ctr_ifindex, ctr_inet_conf,
					   ELEMENTSOF(ctr_inet_conf));
		if (r < 0)
			return exec_nl_error(c, c->ctr, r,
					     "network \"%s\": set arp_notify and rp_filter of \"%s\" in the container",
					     net->name, a->interface_name);
		if (sa.v6) {
			char key[128];
			snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_dad", rt->host_name);
			r = sysctl_write_at(root, key, "0");
			if (r < 0)
				return nd_error_set(c->err, r, "failed to set sysctl %s=0: %s", key,
						    strerror(-r));
		}
	}
	r = nlx_link_set_up(c->host, host.ifindex);
	if (r < 0)
		return exec_nl_error(c, c->host, r, "set host veth \"%s\" up", rt->host_name);
	return 0;
}

int veth_remove(struct exec_ctx *c, size_t i, struct nd_error *err)
{
	const struct nd_attach *a = &c->req->attach[i];
	const struct nd_network *net = a->net;
	char host_name[IFNAMSIZ];
	struct nlx_link l;
	int ifindex, r;

	if (c->ctr) {
		/* Routes without a device (blackhole, ...) would outlive the link. */
		for (size_t k = 0; k < net->n_routes; k++) {
			struct nlx_route rt = ctrnet_static_route(net, k);
			r = nlx_route_del(c->ctr, &rt);
			if (r < 0 && r != -ESRCH && r != -ENOENT && r != -ENODEV)
				log_warn("network %s: failed to delete a static route: %s",
					 net->name, strerror(-r));
		}
		r = nlx_link_by_name(c->ctr, a->interface_name, &l);
		if (r == 0) {
			r = nlx_link_del(c->ctr, l.ifindex);
			if (r < 0 && r != -ENODEV)
				return nd_error_set(err, r,
						    "network \"%s\": failed to delete container veth \"%s\": %s",
						    net->name, a->interface_name, strerror(-r));
			log_info("network %s: deleted container interface %s", net->name,
				 a->interface_name);
			return 0;
		}
		if (r != -ENODEV)
			return nd_error_set(err, r, "network \"%s\": look up \"%s\": %s",
					    net->name, a->interface_name, strerror(-r));
	}
	/* The container side is gone or unreachable: the host end setup recorded, if still ours. */
	if (!c->prev_state)
		return 0;	/* netd_teardown() says what it left */
	if (ctrstate_link(c->prev_state, net->name, host_name, &ifindex) < 0) {
		log_warn("network %s: the container record names no host veth; left the host side as it is",
			 net->name);
		return 0;
	}
	r = nlx_link_by_index(c->host, ifindex, &l);
	if (r < 0 && r != -ENODEV)
		return nd_error_set(err, r, "network \"%s\": look up host veth \"%s\": %s",
				    net->name, host_name, strerror(-r));
	if (r == 0 && strcmp(l.name, host_name) == 0 && l.type == NLX_KIND_VETH)
		r = nlx_link_marked(c->host, ifindex, VETH_ALIAS);
	else
		r = 0;
	if (r <= 0) {
		if (nlx_link_by_name(c->host, host_name, &l) == 0)
			log_warn("network %s: host interface %s (ifindex %d) is not the veth netd created (ifindex %d, alias \"%s\"); left it",
				 net->name, host_name, l.ifindex, ifindex, VETH_ALIAS);
		return 0;
	}
	r = nlx_link_del(c->host, ifindex);
	if (r < 0 && r != -ENODEV)
		return nd_error_set(err, r, "network \"%s\": failed to delete host veth \"%s\": %s",
				    net->name, host_name, strerror(-r));
	log_info("network %s: deleted host veth %s", net->name, host_name);
	return 0;
}
