// SPDX-License-Identifier: Apache-2.0
#include "request-json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * json-c's constructors fail only when out of memory. Each builder below
 * adds what it can and the top checks one flag: a member whose value could
 * not be made marks the object as failed.
 */
struct builder {
	bool failed;
};

static void put(struct builder *b, json_object *o, const char *key, json_object *v)
{
	if (!v || !o || json_object_object_add(o, key, v) < 0) {
		json_object_put(v);
		b->failed = true;
	}
}

static void push(struct builder *b, json_object *arr, json_object *v)
{
	if (!v || !arr || json_object_array_add(arr, v) < 0) {
		json_object_put(v);
		b->failed = true;
	}
}

static json_object *str(const char *s)
{
	return json_object_new_string(s);
}

static json_object *ip(const struct nd_ip *a)
{
	char buf[ND_ADDRSTRLEN];

	return str(nd_ip_str(a, buf));
}

static json_object *prefix(const struct nd_prefix *p)
{
	char buf[ND_ADDRSTRLEN];

	return str(nd_prefix_str(p, buf));
}

static json_object *ip_list(struct builder *b, const struct nd_ip *ips, size_t n)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		push(b, arr, ip(&ips[i]));
	return arr;
}

static json_object *kv_map(struct builder *b, const struct nd_kv *kv, size_t n)
{
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < n; i++)
		put(b, o, kv[i].key, str(kv[i].value));
	return o;
}

static json_object *subnet(struct builder *b, const struct nd_subnet *s)
{
	json_object *o = json_object_new_object();

	put(b, o, "subnet", prefix(&s->subnet));
	if (s->has_gateway)
		put(b, o, "gateway", ip(&s->gateway));
	if (s->has_lease_range) {
		json_object *lr = json_object_new_object();
		if (s->lease_start.family)
			put(b, lr, "start_ip", ip(&s->lease_start));
		if (s->lease_end.family)
			put(b, lr, "end_ip", ip(&s->lease_end));
		put(b, o, "lease_range", lr);
	}
	return o;
}

static json_object *route(struct builder *b, const struct nd_route *rt)
{
	json_object *o = json_object_new_object();

	put(b, o, "destination", prefix(&rt->dst));
	if (rt->has_gateway)
		put(b, o, "gateway", ip(&rt->gateway));
	if (rt->has_metric)
		put(b, o, "metric", json_object_new_int64(rt->metric));
	if (rt->type != ND_ROUTE_UNICAST)
		put(b, o, "route_type", str(nd_route_type_name(rt->type)));
	return o;
}

/* In the order of netavark's Network type, "options" last as Podman's files have it. */
static json_object *network(struct builder *b, const struct nd_network *net)
{
	json_object *o = json_object_new_object();

	put(b, o, "name", str(net->name));
	put(b, o, "id", str(net->id));
	put(b, o, "driver", str(net->driver_name));
	if (net->network_interface)
		put(b, o, "network_interface", str(net->network_interface));
	if (net->created)
		put(b, o, "created", str(net->created));
	{
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < net->n_subnets; i++)
			push(b, arr, subnet(b, &net->subnets[i]));
		put(b, o, "subnets", arr);
	}
	if (net->n_routes) {
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < net->n_routes; i++)
			push(b, arr, route(b, &net->routes[i]));
		put(b, o, "routes", arr);
	}
	put(b, o, "ipv6_enabled", json_object_new_boolean(net->ipv6_enabled));
	put(b, o, "internal", json_object_new_boolean(net->internal));
	put(b, o, "dns_enabled", json_object_new_boolean(net->dns_enabled));
	if (net->n_dns_servers)
		put(b, o, "network_dns_servers", ip_list(b, net->dns_servers, net->n_dns_servers));
	if (net->n_labels)
		put(b, o, "labels", kv_map(b, net->labels, net->n_labels));
	if (net->n_ipam_options)
		put(b, o, "ipam_options", kv_map(b, net->ipam_options, net->n_ipam_options));
	if (net->n_options)
		put(b, o, "options", kv_map(b, net->options, net->n_options));
	return o;
}

static json_object *attach(struct builder *b, const struct nd_attach *a)
{
	json_object *o = json_object_new_object();

	put(b, o, "interface_name", str(a->interface_name));
	if (a->n_static_ips)
		put(b, o, "static_ips", ip_list(b, a->static_ips, a->n_static_ips));
	if (a->has_mac) {
		char mac[18];
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", a->mac[0], a->mac[1],
			 a->mac[2], a->mac[3], a->mac[4], a->mac[5]);
		put(b, o, "static_mac", str(mac));
	}
	if (a->n_aliases) {
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < a->n_aliases; i++)
			push(b, arr, str(a->aliases[i]));
		put(b, o, "aliases", arr);
	}
	if (a->n_options)
		put(b, o, "options", kv_map(b, a->options, a->n_options));
	return o;
}

static const char *host_ip_text(const struct nd_port *pm, char buf[ND_ADDRSTRLEN])
{
	switch (pm->host_ip_kind) {
	case ND_HOSTIP_ALL: return "";
	case ND_HOSTIP_ALL_V4: return "0.0.0.0";
	case ND_HOSTIP_ALL_V6: return "::";
	case ND_HOSTIP_ONE: return nd_ip_str(&pm->host_ip, buf);
	}
	return "";
}

static json_object *ports(struct builder *b, const struct nd_request *req)
{
	json_object *arr;

	if (!req->n_ports)
		return NULL;
	arr = json_object_new_array();
	for (size_t i = 0; i < req->n_ports; i++) {
		const struct nd_port *pm = &req->ports[i];
		json_object *o = json_object_new_object();
		char buf[ND_ADDRSTRLEN];

		put(b, o, "host_ip", str(host_ip_text(pm, buf)));
		put(b, o, "container_port", json_object_new_int(pm->container_port));
		put(b, o, "host_port", json_object_new_int(pm->host_port));
		put(b, o, "range", json_object_new_int(pm->range));
		put(b, o, "protocol", str(nd_proto_name(pm->proto)));
		push(b, arr, o);
	}
	return arr;
}

/* The key network_info has for @net: the one "networks" pairs it with. */
static const char *network_key(const struct nd_request *req, const struct nd_network *net)
{
	for (size_t i = 0; i < req->n_networks; i++)
		if (&req->networks[i] == net)
			return req->network_keys[i];
	return net->name;
}

static json_object *done(struct builder *b, json_object *o)
{
	if (b->failed || !o) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

json_object *request_json(const struct nd_request *req)
{
	struct builder b = {0};
	json_object *o = json_object_new_object(), *nets, *info;

	put(&b, o, "container_id", str(req->container_id));
	put(&b, o, "container_name", str(req->container_name));
	if (req->container_hostname)
		put(&b, o, "container_hostname", str(req->container_hostname));
	nets = json_object_new_object();
	for (size_t i = 0; i < req->n_attach; i++)
		put(&b, nets, network_key(req, req->attach[i].net), attach(&b, &req->attach[i]));
	put(&b, o, "networks", nets);
	info = json_object_new_object();
	for (size_t i = 0; i < req->n_networks; i++)
		put(&b, info, req->network_keys[i], network(&b, &req->networks[i]));
	put(&b, o, "network_info", info);
	if (req->n_ports)
		put(&b, o, "port_mappings", ports(&b, req));
	if (req->n_dns_servers)
		put(&b, o, "dns_servers", ip_list(&b, req->dns_servers, req->n_dns_servers));
	return done(&b, o);
}

json_object *request_json_network(const struct nd_network *net)
{
	struct builder b = {0};

	return done(&b, network(&b, net));
}

json_object *request_json_attach(const struct nd_attach *a)
{
	struct builder b = {0};

	return done(&b, attach(&b, a));
}

json_object *request_json_ports(const struct nd_request *req)
{
	struct builder b = {0};
	json_object *arr = ports(&b, req);

	return arr ? done(&b, arr) : NULL;
}

int request_json_text(const struct nd_request *req, char **ret)
{
	json_object *o = request_json(req);
	char *s;

	if (!o)
		return -ENOMEM;
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}
