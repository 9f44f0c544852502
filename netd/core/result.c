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

static json_object *ip_string(const struct nd_ip *ip)
{
	char b[ND_ADDRSTRLEN];

	return json_object_new_string(nd_ip_str(ip, b));
}

static void iface_done(struct nd_result_iface *f)
{
	free(f->name);
	free(f->mac);
	free(f->addrs);
}

static void net_done(struct nd_result_net *n)
{
	free(n->network);
	for (size_t i = 0; i < n->n_domains; i++)
		free(n->domains[i]);
	free(n->domains);
	free(n->servers);
	for (size_t i = 0; i < n->n_ifaces; i++)
		iface_done(&n->ifaces[i]);
	free(n->ifaces);
}

void nd_result_free(struct nd_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_nets; i++)
		net_done(&r->nets[i]);
	free(r->nets);
	free(r);
}

/* Append to the arrays of the result (sizes are small: a realloc each). */
static int add_domain(struct nd_result_net *n, const char *d)
{
	char **g = realloc(n->domains, (n->n_domains + 1) * sizeof(*g));

	if (!g)
		return -ENOMEM;
	n->domains = g;
	if (!(g[n->n_domains] = strdup(d)))
		return -ENOMEM;
	n->n_domains++;
	return 0;
}

static int add_server(struct nd_result_net *n, const struct nd_ip *ip)
{
	struct nd_ip *g = realloc(n->servers, (n->n_servers + 1) * sizeof(*g));

	if (!g)
		return -ENOMEM;
	n->servers = g;
	g[n->n_servers++] = *ip;
	return 0;
}

static int add_addr(struct nd_result_iface *f, const struct nd_prefix *p, const struct nd_ip *gw)
{
	struct nd_result_addr *g = realloc(f->addrs, (f->n_addrs + 1) * sizeof(*g));

	if (!g)
		return -ENOMEM;
	f->addrs = g;
	g[f->n_addrs++] = (struct nd_result_addr){
		.ipnet = *p, .has_gateway = gw != NULL, .gateway = gw ? *gw : (struct nd_ip){0},
	};
	return 0;
}

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
	r = add_addr(f, &p, l->router ? &gw : NULL);
	for (size_t i = 0; r == 0 && i < l->n_dns; i++) {
		struct nd_ip d = { .family = AF_INET };
		memcpy(d.b, &l->dns[i], 4);
		r = add_server(n, &d);
	}
	if (r == 0 && l->domain[0])
		r = add_domain(n, l->domain);
	for (size_t i = 0; r == 0 && i < l->n_search; i++)
		r = add_domain(n, l->search[i]);
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
		r = add_domain(n, "dns.podman");
		for (size_t s = 0; r == 0 && s < rt->n_dns_binds; s++)
			r = add_server(n, &rt->dns_binds[s]);
	} else if (owns_bridge) {
		/* The container's own servers; macvlan/ipvlan report [] (netavark vlan.rs). */
		for (size_t s = 0; r == 0 && s < req->n_dns_servers; s++)
			r = add_server(n, &req->dns_servers[s]);
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
		r = add_addr(f, &a->addrs[k].addr, s->has_gateway ? &s->gateway : NULL);
	}
	return r;
}

/*
 * A plugin's StatusBlock, already checked by plugin_output_status(): the
 * lists hold strings and IP addresses, each interface a string MAC and
 * subnets with a CIDR "ipnet" and an IP or null "gateway".
 */
static int plugin_block(json_object *blk, struct nd_result_net *n)
{
	json_object *domains = json_object_object_get(blk, "dns_search_domains");
	json_object *servers = json_object_object_get(blk, "dns_server_ips");
	json_object *ifaces = json_object_object_get(blk, "interfaces");
	int r = 0;

	n->has_domains = domains != NULL;
	for (size_t i = 0; r == 0 && domains && i < json_object_array_length(domains); i++)
		r = add_domain(n, json_object_get_string(json_object_array_get_idx(domains, i)));
	n->has_servers = servers != NULL;
	for (size_t i = 0; r == 0 && servers && i < json_object_array_length(servers); i++) {
		struct nd_ip ip;
		if (nd_ip_parse(json_object_get_string(json_object_array_get_idx(servers, i)), &ip) == 0)
			r = add_server(n, &ip);
	}
	n->has_ifaces = ifaces != NULL;
	if (r < 0 || !ifaces)
		return r;
	n->ifaces = calloc((size_t)json_object_object_length(ifaces) + 1, sizeof(*n->ifaces));
	if (!n->ifaces)
		return -ENOMEM;
	json_object_object_foreach(ifaces, name, iface) {
		struct nd_result_iface *f = &n->ifaces[n->n_ifaces++];
		json_object *subnets = json_object_object_get(iface, "subnets");

		if (!(f->name = strdup(name)) ||
		    !(f->mac = strdup(json_object_get_string(json_object_object_get(iface, "mac_address")))))
			return -ENOMEM;
		f->has_addrs = subnets != NULL;
		for (size_t k = 0; r == 0 && subnets && k < json_object_array_length(subnets); k++) {
			json_object *sn = json_object_array_get_idx(subnets, k);
			json_object *gw = json_object_object_get(sn, "gateway");
			struct nd_prefix p;
			struct nd_ip g;
			if (nd_prefix_parse(json_object_get_string(json_object_object_get(sn, "ipnet")), &p, NULL) < 0)
				continue;
			r = add_addr(f, &p, gw && nd_ip_parse(json_object_get_string(gw), &g) == 0 ? &g : NULL);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

int result_setup(const struct nd_request *req, const struct attach_rt *rt, struct nd_result **ret)
{
	_cleanup_(nd_result_freep) struct nd_result *res = calloc(1, sizeof(*res));
	int r;

	if (!res || !(res->nets = calloc(req->n_attach ? req->n_attach : 1, sizeof(*res->nets))))
		return -ENOMEM;
	for (size_t i = 0; i < req->n_attach; i++) {
		struct nd_result_net *n = &res->nets[i];
		/* A plugin's StatusBlock goes through as it printed it (plugin-output.h). */
		json_object *plugin = plugin_status(&rt[i]);

		res->n_nets = i + 1;
		if (!(n->network = strdup(req->attach[i].net->name)))
			return -ENOMEM;
		r = plugin ? plugin_block(plugin, n) : status_block(req, &req->attach[i], &rt[i], n);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(res);
	return 0;
}

static json_object *net_json(const struct nd_result_net *n)
{
	json_object *blk = json_object_new_object(), *domains = NULL, *servers = NULL, *ifaces = NULL;
	char b[ND_ADDRSTRLEN];

	if (n->has_domains) {
		domains = json_object_new_array();
		for (size_t i = 0; i < n->n_domains; i++)
			json_object_array_add(domains, json_object_new_string(n->domains[i]));
	}
	if (n->has_servers) {
		servers = json_object_new_array();
		for (size_t i = 0; i < n->n_servers; i++)
			json_object_array_add(servers, ip_string(&n->servers[i]));
	}
	if (n->has_ifaces)
		ifaces = json_object_new_object();
	for (size_t i = 0; i < n->n_ifaces; i++) {
		const struct nd_result_iface *f = &n->ifaces[i];
		json_object *iface = json_object_new_object(), *subnets = NULL;

		if (f->has_addrs)
			subnets = json_object_new_array();
		for (size_t k = 0; k < f->n_addrs; k++) {
			json_object *sn = json_object_new_object();
			json_object_object_add(sn, "gateway",
					       f->addrs[k].has_gateway ? ip_string(&f->addrs[k].gateway)
								       : NULL);
			json_object_object_add(sn, "ipnet", json_object_new_string(
						       nd_prefix_str(&f->addrs[k].ipnet, b)));
			json_object_array_add(subnets, sn);
		}
		json_object_object_add(iface, "mac_address", json_object_new_string(f->mac));
		json_object_object_add(iface, "subnets", subnets);
		json_object_object_add(ifaces, f->name, iface);
	}
	json_object_object_add(blk, "dns_search_domains", domains);
	json_object_object_add(blk, "dns_server_ips", servers);
	json_object_object_add(blk, "interfaces", ifaces);
	return blk;
}

json_object *result_to_json(const struct nd_result *r)
{
	json_object *o = json_object_new_object();

	for (size_t i = 0; o && i < r->n_nets; i++)
		json_object_object_add(o, r->nets[i].network, net_json(&r->nets[i]));
	return o;
}

int result_print(json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE);

	if (printf("%s\n", s) < 0 || fflush(stdout) != 0)
		return -EIO;
	return 0;
}

void result_print_error(const struct nd_error *err)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(
				       err && err->msg ? err->msg : "unknown error"));
	(void)result_print(o);
	json_object_put(o);
}
