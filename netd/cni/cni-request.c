// SPDX-License-Identifier: Apache-2.0
#include "cni-request.h"

#include <stdio.h>
#include <string.h>

#include "shared/cleanup.h"

static json_object *ip_json(const struct nd_ip *ip)
{
	char b[ND_ADDRSTRLEN];

	return json_object_new_string(nd_ip_str(ip, b));
}

static json_object *network_json(const struct cni_config *cfg, size_t n_ips)
{
	json_object *net = json_object_new_object(), *subnets = json_object_new_array();
	json_object *routes = json_object_new_array(), *opts = json_object_new_object();
	json_object *ipam = json_object_new_object();
	char id[65], b[ND_ADDRSTRLEN];
	bool v6 = false;

	cni_network_id(cfg->name, id);
	for (size_t i = 0; i < cfg->n_subnets; i++) {
		const struct cni_subnet *s = &cfg->subnets[i];
		json_object *o = json_object_new_object(), *lr = json_object_new_object();

		v6 |= s->subnet.addr.family == AF_INET6;
		json_object_object_add(o, "subnet",
				       json_object_new_string(nd_prefix_str(&s->subnet, b)));
		if (s->has_gateway)
			json_object_object_add(o, "gateway", ip_json(&s->gateway));
		json_object_object_add(lr, "start_ip", ip_json(&s->range_start));
		json_object_object_add(lr, "end_ip", ip_json(&s->range_end));
		json_object_object_add(o, "lease_range", lr);
		json_object_array_add(subnets, o);
	}
	for (size_t i = 0; i < cfg->n_routes; i++) {
		const struct cni_route *rt = &cfg->routes[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "destination",
				       json_object_new_string(nd_prefix_str(&rt->dst, b)));
		json_object_object_add(o, "gateway", ip_json(&rt->gw));
		json_object_array_add(routes, o);
	}
	if (cfg->has_mtu) {
		snprintf(b, sizeof(b), "%u", cfg->mtu);
		json_object_object_add(opts, "mtu", json_object_new_string(b));
	}
	if (cfg->has_metric) {
		snprintf(b, sizeof(b), "%u", cfg->metric);
		json_object_object_add(opts, "metric", json_object_new_string(b));
	}
	if (cfg->has_isolate)
		json_object_object_add(opts, "isolate",
				       json_object_new_string(nd_isolate_name(cfg->isolate)));
	json_object_object_add(ipam, "driver", json_object_new_string(n_ips ? "host-local" : "none"));

	json_object_object_add(net, "name", json_object_new_string(cfg->name));
	json_object_object_add(net, "id", json_object_new_string(id));
	json_object_object_add(net, "driver", json_object_new_string("bridge"));
	json_object_object_add(net, "network_interface", json_object_new_string(cfg->bridge));
	json_object_object_add(net, "subnets", subnets);
	json_object_object_add(net, "routes", routes);
	json_object_object_add(net, "ipv6_enabled", json_object_new_boolean(v6));
	json_object_object_add(net, "internal", json_object_new_boolean(cfg->internal));
	json_object_object_add(net, "dns_enabled", json_object_new_boolean(cfg->dns_enabled));
	json_object_object_add(net, "options", opts);
	json_object_object_add(net, "ipam_options", ipam);
	return net;
}

static json_object *ports_json(const struct cni_config *cfg)
{
	json_object *arr = json_object_new_array();
	char b[ND_ADDRSTRLEN];

	for (size_t i = 0; i < cfg->n_ports; i++) {
		const struct cni_portmap *pm = &cfg->ports[i];
		json_object *o = json_object_new_object();
		const char *hip = "";

		if (pm->host_ip_kind == ND_HOSTIP_ALL_V4)
			hip = "0.0.0.0";
		else if (pm->host_ip_kind == ND_HOSTIP_ALL_V6)
			hip = "::";
		else if (pm->host_ip_kind == ND_HOSTIP_ONE)
			hip = nd_ip_str(&pm->host_ip, b);
		json_object_object_add(o, "host_ip", json_object_new_string(hip));
		json_object_object_add(o, "container_port", json_object_new_int(pm->container_port));
		json_object_object_add(o, "host_port", json_object_new_int(pm->host_port));
		json_object_object_add(o, "range", json_object_new_int(1));
		json_object_object_add(o, "protocol", json_object_new_string(nd_proto_name(pm->proto)));
		json_object_array_add(arr, o);
	}
	return arr;
}

char *cni_request_build(const struct cni_config *cfg, const struct cni_params *p,
			const struct nd_ip *ips, size_t n_ips)
{
	json_object *req = json_object_new_object(), *nets = json_object_new_object();
	json_object *att = json_object_new_object(), *info = json_object_new_object();
	json_object *sips = json_object_new_array(), *aliases = json_object_new_array();
	const uint8_t *mac = cfg->has_mac ? cfg->mac : p->has_arg_mac ? p->arg_mac : NULL;
	char *text;

	for (size_t i = 0; i < n_ips; i++)
		json_object_array_add(sips, ip_json(&ips[i]));
	for (size_t i = 0; i < cfg->n_aliases; i++)
		json_object_array_add(aliases, json_object_new_string(cfg->aliases[i]));
	json_object_object_add(att, "interface_name", json_object_new_string(p->ifname));
	json_object_object_add(att, "static_ips", sips);
	json_object_object_add(att, "aliases", aliases);
	if (mac) {
		char m[18];
		snprintf(m, sizeof(m), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
			 mac[3], mac[4], mac[5]);
		json_object_object_add(att, "static_mac", json_object_new_string(m));
	}
	json_object_object_add(nets, cfg->name, att);
	json_object_object_add(info, cfg->name, network_json(cfg, n_ips));

	json_object_object_add(req, "container_id", json_object_new_string(p->container_id));
	json_object_object_add(req, "container_name",
			       json_object_new_string(p->pod_name ? p->pod_name : p->container_id));
	json_object_object_add(req, "networks", nets);
	json_object_object_add(req, "network_info", info);
	json_object_object_add(req, "port_mappings", ports_json(cfg));
	if (cfg->dns_enabled && cfg->n_ctr_dns) {
		json_object *d = json_object_new_array();
		for (size_t i = 0; i < cfg->n_ctr_dns; i++)
			json_object_array_add(d, ip_json(&cfg->ctr_dns[i]));
		json_object_object_add(req, "dns_servers", d);
	}
	text = strdup(json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(req);
	return text;
}
