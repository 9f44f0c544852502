// SPDX-License-Identifier: Apache-2.0
#include "result.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhcp-setup.h"
#include "plugin.h"

static json_object *ip_string(const struct nd_ip *ip)
{
	char b[ND_ADDRSTRLEN];

	return json_object_new_string(nd_ip_str(ip, b));
}

/* ipam dhcp: the lease's address, router, DNS servers and domains (as netavark reports them). */
static void dhcp_status(const struct dhcp_lease *l, json_object *domains, json_object *servers,
			json_object *subnets)
{
	json_object *sn = json_object_new_object();
	struct nd_prefix p;
	struct nd_ip gw = { .family = AF_INET };
	char b[ND_ADDRSTRLEN];

	if (dhcp_lease_prefix(l, &p) < 0)
		return;
	memcpy(gw.b, &l->router, 4);
	json_object_object_add(sn, "gateway", l->router ? ip_string(&gw) : NULL);
	json_object_object_add(sn, "ipnet", json_object_new_string(nd_prefix_str(&p, b)));
	json_object_array_add(subnets, sn);
	for (size_t i = 0; i < l->n_dns; i++) {
		struct nd_ip d = { .family = AF_INET };
		memcpy(d.b, &l->dns[i], 4);
		json_object_array_add(servers, ip_string(&d));
	}
	if (l->domain[0])
		json_object_array_add(domains, json_object_new_string(l->domain));
	for (size_t i = 0; i < l->n_search; i++)
		json_object_array_add(domains, json_object_new_string(l->search[i]));
}

static json_object *status_block(const struct nd_request *req, const struct nd_attach *a,
				 const struct attach_rt *rt)
{
	json_object *blk = json_object_new_object();
	json_object *domains = json_object_new_array();
	json_object *servers = json_object_new_array();
	json_object *ifaces = json_object_new_object();
	json_object *iface = json_object_new_object();
	json_object *subnets = json_object_new_array();
	char mac[18], b[ND_ADDRSTRLEN];

	if (a->net->dns_enabled && a->net->driver == ND_DRIVER_BRIDGE) {
		json_object_array_add(domains, json_object_new_string("dns.podman"));
		for (size_t s = 0; s < rt->n_dns_binds; s++)
			json_object_array_add(servers, ip_string(&rt->dns_binds[s]));
	} else if (a->net->driver == ND_DRIVER_BRIDGE) {
		/* The container's own servers; macvlan/ipvlan report [] (netavark vlan.rs). */
		for (size_t s = 0; s < req->n_dns_servers; s++)
			json_object_array_add(servers, ip_string(&req->dns_servers[s]));
	}
	if (rt->has_dhcp)
		dhcp_status(&rt->dhcp, domains, servers, subnets);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", rt->mac[0], rt->mac[1],
		 rt->mac[2], rt->mac[3], rt->mac[4], rt->mac[5]);
	for (size_t k = 0; k < a->n_addrs; k++) {
		const struct nd_subnet *s = a->addrs[k].subnet;
		json_object *sn = json_object_new_object();
		json_object_object_add(sn, "gateway",
				       s->has_gateway ? ip_string(&s->gateway) : NULL);
		json_object_object_add(sn, "ipnet",
				       json_object_new_string(nd_prefix_str(&a->addrs[k].addr, b)));
		json_object_array_add(subnets, sn);
	}
	json_object_object_add(iface, "mac_address", json_object_new_string(mac));
	json_object_object_add(iface, "subnets", subnets);
	json_object_object_add(ifaces, a->interface_name, iface);
	json_object_object_add(blk, "dns_search_domains", domains);
	json_object_object_add(blk, "dns_server_ips", servers);
	json_object_object_add(blk, "interfaces", ifaces);
	return blk;
}

json_object *result_setup(const struct nd_request *req, const struct attach_rt *rt)
{
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < req->n_attach; i++) {
		/* A plugin's StatusBlock goes through as it printed it (plugin-output.h). */
		json_object *plugin = plugin_status(&rt[i]);
		json_object_object_add(o, req->attach[i].net->name,
				       plugin ? json_object_get(plugin)
					      : status_block(req, &req->attach[i], &rt[i]));
	}
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
