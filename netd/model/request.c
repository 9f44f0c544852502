// SPDX-License-Identifier: Apache-2.0
#include "request.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipam.h"
#include "jsonutil.h"
#include "kv.h"
#include "network.h"
#include "shared/cleanup.h"
#include "shared/names.h"

const char *nd_proto_name(enum nd_proto p)
{
	switch (p) {
	case ND_PROTO_TCP: return "tcp";
	case ND_PROTO_UDP: return "udp";
	case ND_PROTO_SCTP: return "sctp";
	}
	return "?";
}

const char *nd_route_type_name(enum nd_route_type t)
{
	switch (t) {
	case ND_ROUTE_UNICAST: return "unicast";
	case ND_ROUTE_BLACKHOLE: return "blackhole";
	case ND_ROUTE_UNREACHABLE: return "unreachable";
	case ND_ROUTE_PROHIBIT: return "prohibit";
	}
	return "?";
}

const char *nd_isolate_name(enum nd_isolate i)
{
	switch (i) {
	case ND_ISOLATE_STRICT: return "strict";
	case ND_ISOLATE_TRUE: return "true";
	case ND_ISOLATE_FALSE: return "false";
	}
	return "?";
}

static void attach_done(struct nd_attach *a)
{
	free(a->interface_name);
	free(a->host_interface_name);
	free(a->addrs);
	strv_free(a->aliases, a->n_aliases);
	free(a->static_ips);
	nd_kv_free(a->options, a->n_options);
}

void nd_request_free(struct nd_request *r)
{
	if (!r)
		return;
	free(r->container_id);
	free(r->container_name);
	free(r->container_hostname);
	for (size_t i = 0; i < r->n_networks; i++) {
		network_done(&r->networks[i]);
		free(r->network_keys[i]);
	}
	free(r->networks);
	free(r->network_keys);
	for (size_t i = 0; i < r->n_attach; i++)
		attach_done(&r->attach[i]);
	free(r->attach);
	free(r->ports);
	free(r->dns_servers);
	free(r);
}

const struct nd_network *request_network(const struct nd_request *r, const char *name)
{
	for (size_t i = 0; i < r->n_networks; i++)
		if (strcmp(r->networks[i].name, name) == 0)
			return &r->networks[i];
	return NULL;
}

const struct nd_attach *request_attach_of(const struct nd_request *r, const char *name)
{
	for (size_t i = 0; r && i < r->n_attach; i++)
		if (strcmp(r->attach[i].net->name, name) == 0)
			return &r->attach[i];
	return NULL;
}

static int parse_network_info(json_object *root, struct nd_request *req, struct nd_error *err)
{
	json_object *info;
	size_t n, i = 0;
	int r;

	r = ju_object(root, "network_info", true, "", &info, err);
	if (r < 0)
		return r;
	n = (size_t)json_object_object_length(info);
	if (n == 0)
		return 0;
	req->networks = calloc(n, sizeof(*req->networks));
	req->network_keys = calloc(n, sizeof(*req->network_keys));
	if (!req->networks || !req->network_keys)
		return -ENOMEM;
	/*
	 * As in netavark, the key only pairs an entry with its "networks"
	 * options; it may differ from "name", which names everything netd
	 * makes (DNS files, state). Two entries with one name would share those.
	 */
	json_object_object_foreach(info, key, val) {
		_cleanup_free_ char *p = NULL;
		struct nd_network *net = &req->networks[i];

		req->network_keys[i] = strdup(key);
		req->n_networks = ++i;
		if (!req->network_keys[i - 1])
			return -ENOMEM;
		if ((r = nd_network_name_check("network_info", key, err)) < 0)
			return r;
		p = ju_path_key("network_info", key);
		r = network_parse(val, p, net, err);
		if (r < 0)
			return r;
		for (size_t j = 0; j + 1 < i; j++)
			if (strcmp(req->networks[j].name, net->name) == 0)
				return nd_error_set(err, -EINVAL,
						    "%s.name: \"%s\" is also the name of network_info entry \"%s\"",
						    p, net->name, req->network_keys[j]);
	}
	return 0;
}

static const struct nd_network *network_by_key(const struct nd_request *r, const char *key)
{
	for (size_t i = 0; i < r->n_networks; i++)
		if (strcmp(r->network_keys[i], key) == 0)
			return &r->networks[i];
	return NULL;
}

static int parse_attach(json_object *o, const char *netname, const char *path,
			struct nd_request *req, struct nd_attach *a, struct nd_error *err)
{
	_cleanup_free_ char *mac = NULL;
	json_object *opts;
	const char *why;
	int r;

	r = ju_expect_type(o, json_type_object, path, err);
	if (r < 0)
		return r;
	a->net = network_by_key(req, netname);
	if (!a->net)
		return nd_error_set(err, -EINVAL,
				    "%s: network info for network \"%s\" not found in network_info",
				    path, netname);
	r = ju_string(o, "interface_name", true, path, &a->interface_name, err);
	if (r < 0)
		return r;
	if (!ju_ifname_valid(a->interface_name, &why))
		return nd_error_set(err, -EINVAL, "%s.interface_name: \"%s\" %s", path,
				    a->interface_name, why);
	if ((r = ju_ip_list(o, "static_ips", path, &a->static_ips, &a->n_static_ips, err)) < 0 ||
	    (r = ju_string(o, "static_mac", false, path, &mac, err)) < 0 ||
	    (r = ju_string_list(o, "aliases", path, &a->aliases, &a->n_aliases, err)) < 0 ||
	    (r = ju_object(o, "options", false, path, &opts, err)) < 0)
		return r;
	if (mac) {
		if (mac_parse(mac, a->mac) < 0)
			return nd_error_set(err, -EINVAL,
					    "%s.static_mac: \"%s\" is not a MAC address (expected six hex pairs like 02:42:ac:11:00:02)",
					    path, mac);
		if (a->mac[0] & 1)
			return nd_error_set(err, -EINVAL,
					    "%s.static_mac: \"%s\" is a multicast address", path, mac);
		if (!(a->mac[0] | a->mac[1] | a->mac[2] | a->mac[3] | a->mac[4] | a->mac[5]))
			return nd_error_set(err, -EINVAL,
					    "%s.static_mac: \"%s\" is the all-zero address", path, mac);
		a->has_mac = true;
	}
	if (opts) {
		_cleanup_free_ char *op = ju_path_key(path, "options");
		r = ju_string(opts, "host_interface_name", false, op, &a->host_interface_name, err);
		if (r < 0)
			return r;
		if (a->host_interface_name && !a->host_interface_name[0]) {
			free(a->host_interface_name);
			a->host_interface_name = NULL;
		}
		if (a->host_interface_name && !ju_ifname_valid(a->host_interface_name, &why))
			return nd_error_set(err, -EINVAL, "%s.host_interface_name: \"%s\" %s", op,
					    a->host_interface_name, why);
		r = ju_string_map(o, "options", false, path, &a->options, &a->n_options, err);
		if (r < 0)
			return r;
	}
	return ipam_assign(a, a->static_ips, a->n_static_ips, path, err);
}

int request_attach_unique(const struct nd_request *req, size_t i, const char *path,
			  struct nd_error *err)
{
	const struct nd_attach *a = &req->attach[i];

	for (size_t j = 0; j < i; j++) {
		const struct nd_attach *b = &req->attach[j];
		if (a->net == b->net)
			return nd_error_set(err, -EINVAL, "%s: network \"%s\" is given twice",
					    path, a->net->name);
		if (strcmp(a->interface_name, b->interface_name) == 0)
			return nd_error_set(err, -EINVAL,
					    "%s.interface_name: \"%s\" is already used for network \"%s\"",
					    path, a->interface_name, b->net->name);
		if (a->host_interface_name && b->host_interface_name &&
		    strcmp(a->host_interface_name, b->host_interface_name) == 0)
			return nd_error_set(err, -EINVAL,
					    "%s.options.host_interface_name: \"%s\" is already used for network \"%s\"",
					    path, a->host_interface_name, b->net->name);
	}
	return 0;
}

struct parse_nets {
	struct nd_request *req;
	bool array;
	struct nd_error *err;
};

/* One entry of "networks" (ju_networks_each()): a map entry or an array element. */
static int parse_network(const char *key, json_object *val, size_t i, void *arg)
{
	struct parse_nets *pn = arg;
	struct nd_request *req = pn->req;
	struct nd_error *err = pn->err;
	_cleanup_free_ char *p = NULL, *owned = NULL;
	const char *name = key;
	int r;

	req->n_attach = i + 1;
	if (!pn->array) {
		if ((r = nd_network_name_check("networks", key, err)) < 0)
			return r;
		p = ju_path_key("networks", key);
	} else {
		p = ju_path_idx("networks", i);
		r = ju_expect_type(val, json_type_object, p, err);
		if (r == 0)
			r = ju_string(val, "name", true, p, &owned, err);
		if (r == 0) {
			_cleanup_free_ char *np = ju_path_key(p, "name");
			r = nd_network_name_check(np, owned, err);
		}
		if (r < 0)
			return r;
		name = owned;
	}
	r = parse_attach(val, name, p, req, &req->attach[i], err);
	if (r == 0)
		r = request_attach_unique(req, i, p, err);
	return r;
}

static int parse_networks(json_object *root, struct nd_request *req, struct nd_error *err)
{
	json_object *nets = ju_get(root, "networks");
	struct parse_nets pn = { req, json_object_is_type(nets, json_type_array), err };
	size_t n;

	if (!nets)
		return nd_error_set(err, -EINVAL, "networks: required field is missing");
	if (json_object_is_type(nets, json_type_object))
		n = (size_t)json_object_object_length(nets);
	else if (json_object_is_type(nets, json_type_array))
		n = json_object_array_length(nets);
	else
		return nd_error_set(err, -EINVAL,
				    "networks: expected an object (name → options) or an array, got %s",
				    ju_type_name(nets));
	if (n == 0)
		return nd_error_set(err, -EINVAL, "networks: no network given");
	req->attach = calloc(n, sizeof(*req->attach));
	if (!req->attach)
		return -ENOMEM;
	return ju_networks_each(nets, parse_network, &pn);
}

static int parse_ports(json_object *root, struct nd_request *req, struct nd_error *err)
{
	static const char *const protos[] = { "tcp", "udp", "sctp" };
	json_object *arr;
	size_t n;
	int r;

	r = ju_array(root, "port_mappings", false, "", &arr, err);
	if (r < 0 || !arr)
		return r;
	n = json_object_array_length(arr);
	if (n == 0)
		return 0;
	req->ports = calloc(n, sizeof(*req->ports));
	if (!req->ports)
		return -ENOMEM;
	req->n_ports = n;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = ju_path_idx("port_mappings", i);
		_cleanup_free_ char *host_ip = NULL, *proto = NULL;
		struct nd_port *pm = &req->ports[i];
		json_object *o = json_object_array_get_idx(arr, i);
		int64_t cport, hport, range;
		bool found = false;

		r = ju_expect_type(o, json_type_object, p, err);
		if (r == 0)
			r = ju_string(o, "host_ip", true, p, &host_ip, err);
		if (r == 0)
			r = ju_int(o, "container_port", true, 0, 65535, p, &cport, NULL, err);
		if (r == 0)
			r = ju_int(o, "host_port", true, 0, 65535, p, &hport, NULL, err);
		if (r == 0)
			r = ju_int(o, "range", true, 0, 65535, p, &range, NULL, err);
		if (r == 0)
			r = ju_string(o, "protocol", true, p, &proto, err);
		if (r < 0)
			return r;
		for (size_t k = 0; k < ELEMENTSOF(protos); k++)
			if (strcmp(proto, protos[k]) == 0) {
				pm->proto = (enum nd_proto)k;
				found = true;
			}
		if (!found)
			return nd_error_set(err, -EINVAL,
					    "%s.protocol: unknown protocol \"%s\" (expected tcp, udp or sctp)",
					    p, proto);
		if (strcmp(host_ip, "") == 0)
			pm->host_ip_kind = ND_HOSTIP_ALL;
		else if (strcmp(host_ip, "0.0.0.0") == 0)
			pm->host_ip_kind = ND_HOSTIP_ALL_V4;
		else if (strcmp(host_ip, "::") == 0)
			pm->host_ip_kind = ND_HOSTIP_ALL_V6;
		else if (nd_ip_parse(host_ip, &pm->host_ip) == 0)
			pm->host_ip_kind = ND_HOSTIP_ONE;
		else
			return nd_error_set(err, -EINVAL,
					    "%s.host_ip: invalid host ip \"%s\" provided for port %lld",
					    p, host_ip, (long long)hport);
		if (cport == 0)
			return nd_error_set(err, -EINVAL, "%s.container_port: must not be 0", p);
		if (hport == 0)
			return nd_error_set(err, -EINVAL, "%s.host_port: must not be 0", p);
		if (range == 0)
			range = 1;
		if (hport + range - 1 > 65535 || cport + range - 1 > 65535)
			return nd_error_set(err, -EINVAL,
					    "%s.range: %lld ports from %s port %lld go past port 65535",
					    p, (long long)range, hport > cport ? "host" : "container",
					    (long long)(hport > cport ? hport : cport));
		pm->container_port = (uint16_t)cport;
		pm->host_port = (uint16_t)hport;
		pm->range = (uint16_t)range;
	}
	return 0;
}

int request_parse_object(struct json_object *root, struct nd_request **ret, struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	int r;

	req = calloc(1, sizeof(*req));
	if (!req)
		return -ENOMEM;
	r = ju_expect_type(root, json_type_object, "request", err);
	if (r == 0)
		r = ju_string(root, "container_id", true, "", &req->container_id, err);
	if (r == 0)
		r = nd_container_id_check("container_id", req->container_id, err);
	if (r == 0)
		r = ju_string(root, "container_name", true, "", &req->container_name, err);
	if (r == 0)
		r = ju_string(root, "container_hostname", false, "", &req->container_hostname, err);
	if (r == 0)
		r = parse_network_info(root, req, err);
	if (r == 0)
		r = parse_networks(root, req, err);
	if (r == 0)
		r = parse_ports(root, req, err);
	if (r == 0)
		r = ju_ip_list(root, "dns_servers", "", &req->dns_servers, &req->n_dns_servers, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(req);
	return 0;
}

int request_parse(const char *buf, size_t len, struct nd_request **ret, struct nd_error *err)
{
	json_object *root = NULL;
	int r;

	r = ju_parse(buf, len, &root, err);
	if (r < 0)
		return r;
	r = request_parse_object(root, ret, err);
	json_object_put(root);
	return r;
}
