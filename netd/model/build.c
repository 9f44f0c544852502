// SPDX-License-Identifier: Apache-2.0
#include "build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipam.h"
#include "jsonutil.h"
#include "kv.h"
#include "network.h"
#include "request.h"
#include "shared/cleanup.h"
#include "shared/names.h"

int request_new(const char *container_id, const char *container_name, const char *hostname,
		struct nd_request **ret, struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = calloc(1, sizeof(*req));
	int r;

	if (!container_id || !container_name)
		return nd_error_set(err, -EINVAL, "request: no container id or name");
	if ((r = nd_container_id_check("container_id", container_id, err)) < 0)
		return r;
	if (!req || !(req->container_id = strdup(container_id)) ||
	    !(req->container_name = strdup(container_name)) ||
	    (hostname && !(req->container_hostname = strdup(hostname))))
		return nd_error_set(err, -ENOMEM, "out of memory");
	*ret = TAKE_PTR(req);
	return 0;
}

/* Check the string map @kv of @def (as the parser reads "labels" and "ipam_options"). */
static int kv_check(const char *path, const char *key, const struct nd_kv *kv, size_t n,
		    struct nd_error *err)
{
	if (n && !kv)
		return nd_error_set(err, -EINVAL, "%s.%s: no entries given", path, key);
	for (size_t i = 0; i < n; i++)
		if (!kv[i].key || !kv[i].value)
			return nd_error_set(err, -EINVAL, "%s.%s: entry %zu has no %s", path, key, i,
					    kv[i].key ? "value" : "key");
	return 0;
}

static int kv_copy(const struct nd_kv *kv, size_t n, struct nd_kv **dst, size_t *n_dst)
{
	int r;

	for (size_t i = 0; i < n; i++)
		if ((r = nd_kv_set(dst, n_dst, kv[i].key, kv[i].value)) < 0)
			return r;
	return 0;
}

/* The ipam driver of @def: ipam_driver, or the "driver" of ipam_options; they must agree. */
static int ipam_driver_of(const struct nd_network_def *def, const char *path, const char **ret,
			  struct nd_error *err)
{
	const char *opt = def->n_ipam_options ?
		nd_kv_get(def->ipam_options, def->n_ipam_options, "driver") : NULL;

	if (def->ipam_driver && opt && strcmp(def->ipam_driver, opt) != 0)
		return nd_error_set(err, -EINVAL,
				    "%s.ipam_options.driver: \"%s\", but the ipam driver is \"%s\"",
				    path, opt, def->ipam_driver);
	*ret = def->ipam_driver ? def->ipam_driver : opt;
	return 0;
}

/* What network_from_def() leaves out: created, labels, ipam_options as given. */
static int network_extras(const struct nd_network_def *def, struct nd_network *net)
{
	int r;

	if (def->created && !(net->created = strdup(def->created)))
		return -ENOMEM;
	if ((r = kv_copy(def->labels, def->n_labels, &net->labels, &net->n_labels)) < 0)
		return r;
	if (!def->n_ipam_options)
		return 0;
	/* The options in their given order; a driver given apart goes last. */
	nd_kv_free(net->ipam_options, net->n_ipam_options);
	net->ipam_options = NULL;
	net->n_ipam_options = 0;
	if ((r = kv_copy(def->ipam_options, def->n_ipam_options, &net->ipam_options,
			 &net->n_ipam_options)) < 0)
		return r;
	if (def->ipam_driver)
		return nd_kv_set(&net->ipam_options, &net->n_ipam_options, "driver", def->ipam_driver);
	return 0;
}

void request_network_def(const struct nd_network *net, struct nd_network_def *ret)
{
	*ret = (struct nd_network_def){
		.name = net->name, .id = net->id, .driver = net->driver_name,
		.network_interface = net->network_interface, .dns_enabled = net->dns_enabled,
		.internal = net->internal, .ipv6_enabled = net->ipv6_enabled,
		.subnets = net->subnets, .n_subnets = net->n_subnets,
		.routes = net->routes, .n_routes = net->n_routes,
		.dns_servers = net->dns_servers, .n_dns_servers = net->n_dns_servers,
		.options = net->options, .n_options = net->n_options,
		.created = net->created, .labels = net->labels, .n_labels = net->n_labels,
		.ipam_options = net->ipam_options, .n_ipam_options = net->n_ipam_options,
	};
}

int request_add_network(struct nd_request *req, const struct nd_network_def *def,
			struct nd_error *err)
{
	struct nd_network_def d = *def;
	_cleanup_free_ char *path = NULL;
	struct nd_network *nets;
	char **keys;
	size_t n = req->n_networks;
	int r = 0;

	if (req->n_attach)
		return nd_error_set(err, -EINVAL, "network_info: networks go in before the attachments");
	if (!def->name || (r = nd_network_name_check("network_info", def->name, err)) < 0)
		return def->name ? r : nd_error_set(err, -EINVAL, "network_info: a network needs a name");
	if (request_network(req, def->name))
		return nd_error_set(err, -EINVAL, "network_info.%s: the network is given twice",
				    def->name);
	path = ju_path_key("network_info", def->name);
	if (!path)
		return nd_error_set(err, -ENOMEM, "out of memory");
	if ((r = kv_check(path, "labels", def->labels, def->n_labels, err)) < 0 ||
	    (r = kv_check(path, "ipam_options", def->ipam_options, def->n_ipam_options, err)) < 0 ||
	    (r = ipam_driver_of(def, path, &d.ipam_driver, err)) < 0)
		return r;
	nets = realloc(req->networks, (n + 1) * sizeof(*nets));
	if (nets)
		req->networks = nets;
	keys = nets ? realloc(req->network_keys, (n + 1) * sizeof(*keys)) : NULL;
	if (!keys)
		return nd_error_set(err, -ENOMEM, "out of memory");
	req->network_keys = keys;
	memset(&nets[n], 0, sizeof(nets[n]));
	keys[n] = strdup(def->name);
	if (!keys[n])
		return nd_error_set(err, -ENOMEM, "out of memory");
	r = network_from_def(&d, path, &nets[n], err);
	if (r == 0)
		r = network_extras(def, &nets[n]);
	if (r < 0) {
		network_done(&nets[n]);
		free(keys[n]);
		return r == -ENOMEM && !err->msg ? nd_error_set(err, r, "out of memory") : r;
	}
	req->n_networks = n + 1;
	return 0;
}

/* As parse_attach() words it, the address in the text mac_parse() reads. */
static int mac_check(const char *path, const uint8_t *mac, struct nd_error *err)
{
	char t[18];

	snprintf(t, sizeof(t), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	if (mac[0] & 1)
		return nd_error_set(err, -EINVAL, "%s.static_mac: \"%s\" is a multicast address", path, t);
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return nd_error_set(err, -EINVAL, "%s.static_mac: \"%s\" is the all-zero address", path,
				    t);
	return 0;
}

/* Fill @a from @def, checked as parse_attach() checks the JSON. */
static int attach_from_def(struct nd_request *req, const struct nd_attach_def *def,
			   const char *path, struct nd_attach *a, struct nd_error *err)
{
	const char *why;
	int r;

	a->net = def->network ? request_network(req, def->network) : NULL;
	if (!a->net)
		return nd_error_set(err, -EINVAL,
				    "%s: network info for network \"%s\" not found in network_info",
				    path, def->network ? def->network : "");
	if (!def->interface_name || !ju_ifname_valid(def->interface_name, &why))
		return nd_error_set(err, -EINVAL, "%s.interface_name: \"%s\" %s", path,
				    def->interface_name ? def->interface_name : "",
				    def->interface_name ? why : "is required");
	if (!(a->interface_name = strdup(def->interface_name)))
		return -ENOMEM;
	if (def->mac) {
		if ((r = mac_check(path, def->mac, err)) < 0)
			return r;
		memcpy(a->mac, def->mac, sizeof(a->mac));
		a->has_mac = true;
	}
	if (def->n_aliases) {
		if (!(a->aliases = calloc(def->n_aliases, sizeof(*a->aliases))))
			return -ENOMEM;
		for (; a->n_aliases < def->n_aliases; a->n_aliases++)
			if (!(a->aliases[a->n_aliases] = strdup(def->aliases[a->n_aliases])))
				return -ENOMEM;
	}
	if (def->host_interface_name) {
		if ((r = nd_kv_set(&a->options, &a->n_options, "host_interface_name",
				   def->host_interface_name)) < 0)
			return r;
		if (def->host_interface_name[0] &&
		    !ju_ifname_valid(def->host_interface_name, &why))
			return nd_error_set(err, -EINVAL, "%s.options.host_interface_name: \"%s\" %s",
					    path, def->host_interface_name, why);
		if (def->host_interface_name[0] &&
		    !(a->host_interface_name = strdup(def->host_interface_name)))
			return -ENOMEM;
	}
	if (def->n_static_ips) {
		if (!(a->static_ips = calloc(def->n_static_ips, sizeof(*a->static_ips))))
			return -ENOMEM;
		memcpy(a->static_ips, def->static_ips, def->n_static_ips * sizeof(*a->static_ips));
		a->n_static_ips = def->n_static_ips;
	}
	return ipam_assign(a, a->static_ips, a->n_static_ips, path, err);
}

int request_attach(struct nd_request *req, const struct nd_attach_def *def, struct nd_error *err)
{
	_cleanup_free_ char *path = ju_path_key("networks", def->network ? def->network : "");
	struct nd_attach *grown;
	size_t n = req->n_attach;
	int r;

	grown = path ? realloc(req->attach, (n + 1) * sizeof(*grown)) : NULL;
	if (!grown)
		return nd_error_set(err, -ENOMEM, "out of memory");
	req->attach = grown;
	memset(&grown[n], 0, sizeof(grown[n]));
	/* Counted at once: nd_request_free() frees what a failed attach left. */
	req->n_attach = n + 1;
	r = attach_from_def(req, def, path, &grown[n], err);
	if (r == 0)
		r = request_attach_unique(req, n, path, err);
	if (r == -ENOMEM && !err->msg)
		r = nd_error_set(err, r, "out of memory");
	return r;
}

int request_add_port(struct nd_request *req, const struct nd_port *pm, struct nd_error *err)
{
	_cleanup_free_ char *p = ju_path_idx("port_mappings", req->n_ports);
	struct nd_port *grown, v = *pm;

	if (!p)
		return nd_error_set(err, -ENOMEM, "out of memory");
	if (v.proto != ND_PROTO_TCP && v.proto != ND_PROTO_UDP && v.proto != ND_PROTO_SCTP)
		return nd_error_set(err, -EINVAL, "%s.protocol: unknown protocol", p);
	if ((v.host_ip_kind == ND_HOSTIP_ONE) != (v.host_ip.family != 0))
		return nd_error_set(err, -EINVAL, "%s.host_ip: an address only for one host IP", p);
	if (v.container_port == 0)
		return nd_error_set(err, -EINVAL, "%s.container_port: must not be 0", p);
	if (v.host_port == 0)
		return nd_error_set(err, -EINVAL, "%s.host_port: must not be 0", p);
	if (v.range == 0)
		v.range = 1;
	if ((uint32_t)v.host_port + v.range - 1 > 65535 ||
	    (uint32_t)v.container_port + v.range - 1 > 65535)
		return nd_error_set(err, -EINVAL, "%s.range: %u ports from port %u go past port 65535",
				    p, v.range,
				    v.host_port > v.container_port ? v.host_port : v.container_port);
	grown = realloc(req->ports, (req->n_ports + 1) * sizeof(*grown));
	if (!grown)
		return nd_error_set(err, -ENOMEM, "out of memory");
	req->ports = grown;
	grown[req->n_ports++] = v;
	return 0;
}

int request_add_dns_server(struct nd_request *req, const struct nd_ip *ip, struct nd_error *err)
{
	struct nd_ip *grown;

	if (ip->family != AF_INET && ip->family != AF_INET6)
		return nd_error_set(err, -EINVAL, "dns_servers[%zu]: not an IP address",
				    req->n_dns_servers);
	grown = realloc(req->dns_servers, (req->n_dns_servers + 1) * sizeof(*grown));
	if (!grown)
		return nd_error_set(err, -ENOMEM, "out of memory");
	req->dns_servers = grown;
	grown[req->n_dns_servers++] = *ip;
	return 0;
}

/* Attach the container of @req as @a attaches it, options as given. */
static int attach_copy(struct nd_request *req, const struct nd_attach *a, struct nd_error *err)
{
	struct nd_attach *n;
	int r;

	r = request_attach(req, &(struct nd_attach_def){
		.network = a->net->name, .interface_name = a->interface_name,
		.static_ips = a->static_ips, .n_static_ips = a->n_static_ips,
		.mac = a->has_mac ? a->mac : NULL,
		.aliases = (const char *const *)a->aliases, .n_aliases = a->n_aliases,
		.host_interface_name = a->host_interface_name }, err);
	if (r < 0)
		return r;
	/* Every option in its given order, not only host_interface_name. */
	n = &req->attach[req->n_attach - 1];
	nd_kv_free(n->options, n->n_options);
	n->options = NULL;
	n->n_options = 0;
	if (kv_copy(a->options, a->n_options, &n->options, &n->n_options) < 0)
		return nd_error_set(err, -ENOMEM, "out of memory");
	return 0;
}

int request_network_only(const struct nd_request *src, const char *network, bool with_ports,
			 struct nd_request **ret, struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	const struct nd_attach *a = request_attach_of(src, network);
	struct nd_network_def def;
	int r;

	if (!a)
		return nd_error_set(err, -ENOENT, "networks: container %s is not attached to network \"%s\"",
				    src->container_id, network);
	request_network_def(a->net, &def);
	if ((r = request_new(src->container_id, src->container_name, src->container_hostname, &req,
			     err)) < 0 ||
	    (r = request_add_network(req, &def, err)) < 0 || (r = attach_copy(req, a, err)) < 0)
		return r;
	for (size_t i = 0; with_ports && i < src->n_ports; i++)
		if ((r = request_add_port(req, &src->ports[i], err)) < 0)
			return r;
	for (size_t i = 0; i < src->n_dns_servers; i++)
		if ((r = request_add_dns_server(req, &src->dns_servers[i], err)) < 0)
			return r;
	*ret = TAKE_PTR(req);
	return 0;
}

/* @name is a network of @req that @drop does not name (@drop may be NULL). */
static bool kept(const struct nd_request *drop, const char *name)
{
	return !drop || !request_network(drop, name);
}

/* Network @net into @req, unless @req has it already. */
static int add_network_once(struct nd_request *req, const struct nd_network *net,
			    struct nd_error *err)
{
	struct nd_network_def def;

	if (request_network(req, net->name))
		return 0;
	request_network_def(net, &def);
	return request_add_network(req, &def, err);
}

int request_merge(const struct nd_request *base, const struct nd_request *over,
		  const struct nd_request *drop, const struct nd_request *ports_of,
		  struct nd_request **ret, struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	const struct nd_request *id = over ? over : base;
	const struct nd_request *dns = over && over->n_dns_servers ? over : base;
	int r = 0;

	if (!id)
		return nd_error_set(err, -EINVAL, "no request to merge");
	if ((r = request_new(id->container_id, id->container_name,
			     base ? base->container_hostname : over->container_hostname, &req,
			     err)) < 0)
		return r;
	/* Networks: @base's in their order (@over's definition where it has one), then @over's. */
	for (size_t i = 0; base && r == 0 && i < base->n_networks; i++) {
		const struct nd_network *n = &base->networks[i];
		const struct nd_network *o = over ? request_network(over, n->name) : NULL;
		if (kept(drop, n->name))
			r = add_network_once(req, o ? o : n, err);
	}
	for (size_t i = 0; over && r == 0 && i < over->n_networks; i++)
		r = add_network_once(req, &over->networks[i], err);
	/* The attachments in the same order. */
	for (size_t i = 0; base && r == 0 && i < base->n_attach; i++) {
		const struct nd_attach *a = &base->attach[i];
		const struct nd_attach *o = over ? request_attach_of(over, a->net->name) : NULL;
		if (kept(drop, a->net->name))
			r = attach_copy(req, o ? o : a, err);
	}
	for (size_t i = 0; over && r == 0 && i < over->n_attach; i++)
		if (!base || !request_attach_of(base, over->attach[i].net->name))
			r = attach_copy(req, &over->attach[i], err);
	for (size_t i = 0; ports_of && r == 0 && i < ports_of->n_ports; i++)
		r = request_add_port(req, &ports_of->ports[i], err);
	for (size_t i = 0; dns && r == 0 && i < dns->n_dns_servers; i++)
		r = request_add_dns_server(req, &dns->dns_servers[i], err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(req);
	return 0;
}
