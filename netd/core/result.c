// SPDX-License-Identifier: Apache-2.0
#include "result.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp-setup.h"
#include "driver.h"
#include "plugin.h"
#include "shared/cleanup.h"

/* ipam dhcp: the lease's address, router, DNS servers and domains (as netavark reports them). */
static int dhcp_status(const struct dhcp_lease *l, struct nd_result_net *n,
		       struct nd_result_iface *f)
{
	struct nd_prefix p;
	struct nd_ip gw = { .family = AF_INET };
	int r = 0;

	if (dhcp_lease_prefix(l, &p) < 0)
		return 0;
	memcpy(gw.b, &l->router, 4);
	r = nd_result_add_addr(f, &p, l->router ? &gw : NULL);
	for (size_t i = 0; r == 0 && i < l->n_dns; i++) {
		struct nd_ip d = { .family = AF_INET };
		memcpy(d.b, &l->dns[i], 4);
		r = nd_result_add_server(n, &d);
	}
	if (r == 0 && l->domain[0])
		r = nd_result_add_domain(n, l->domain);
	for (size_t i = 0; r == 0 && i < l->n_search; i++)
		r = nd_result_add_domain(n, l->search[i]);
	return r;
}

/* netd's own StatusBlock of attachment @a: one interface. */
static int status_block(const struct nd_request *req, const struct nd_attach *a,
			const struct attach_rt *rt, struct nd_result_net *n)
{
	struct nd_result_iface *f;
	bool owns_bridge = driver_of(a->net)->owns_bridge;
	char mac[18];
	int r = 0;

	n->has_domains = n->has_servers = n->has_ifaces = true;
	n->mtu = rt->mtu;
	if (a->net->dns_enabled && owns_bridge) {
		r = nd_result_add_domain(n, "dns.podman");
		for (size_t s = 0; r == 0 && s < rt->n_dns_binds; s++)
			r = nd_result_add_server(n, &rt->dns_binds[s]);
	} else if (owns_bridge) {
		/* The container's own servers; macvlan/ipvlan report [] (netavark vlan.rs). */
		for (size_t s = 0; r == 0 && s < req->n_dns_servers; s++)
			r = nd_result_add_server(n, &req->dns_servers[s]);
	}
	if (r < 0 || !(n->ifaces = calloc(1, sizeof(*n->ifaces))))
		return -ENOMEM;
	n->n_ifaces = 1;
	f = &n->ifaces[0];
	f->has_addrs = true;
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", rt->mac[0], rt->mac[1],
		 rt->mac[2], rt->mac[3], rt->mac[4], rt->mac[5]);
	if (!(f->name = strdup(a->interface_name)) || !(f->mac = strdup(mac)))
		return -ENOMEM;
	if (rt->has_dhcp && (r = dhcp_status(&rt->dhcp, n, f)) < 0)
		return r;
	for (size_t k = 0; r == 0 && k < a->n_addrs; k++) {
		const struct nd_subnet *s = a->addrs[k].subnet;
		r = nd_result_add_addr(f, &a->addrs[k].addr, s->has_gateway ? &s->gateway : NULL);
	}
	return r;
}

int result_setup(const struct nd_request *req, const struct attach_rt *rt, struct nd_result **ret)
{
	_cleanup_(nd_result_freep) struct nd_result *res = calloc(1, sizeof(*res));
	int r;

	if (!res || !(res->nets = calloc(req->n_attach ? req->n_attach : 1, sizeof(*res->nets))))
		return -ENOMEM;
	for (size_t i = 0; i < req->n_attach; i++) {
		struct nd_result_net *n = &res->nets[i];
		/* A plugin's StatusBlock, typed by plugin-output.c, goes through as it said it. */
		const struct nd_result_net *plugin = plugin_status(&rt[i]);

		res->n_nets = i + 1;
		r = plugin ? nd_result_net_copy(plugin, n) : 0;
		if (r < 0)
			return r;
		free(n->network);
		if (!(n->network = strdup(req->attach[i].net->name)))
			return -ENOMEM;
		r = plugin ? 0 : status_block(req, &req->attach[i], &rt[i], n);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(res);
	return 0;
}
