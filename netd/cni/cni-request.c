// SPDX-License-Identifier: Apache-2.0
/*
 * A CNI configuration and call as netd's typed request (struct nd_request),
 * built with the model's constructors (build.h), for netd_setup() and
 * netd_teardown(); or, for an attachment set up before, the container
 * record's request of its network. No JSON is parsed here.
 */
#include "cni-request.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "build.h"
#include "record.h"
#include "request-json.h"
#include "request.h"
#include "shared/cleanup.h"
#include "shared/log.h"

/* The network's options: what the CNI config says of mtu, metric, isolate. */
static size_t network_options(const struct cni_config *cfg, struct nd_kv opts[3],
			      char mtu[12], char metric[12])
{
	size_t n = 0;

	if (cfg->has_mtu) {
		snprintf(mtu, 12, "%u", cfg->mtu);
		opts[n++] = (struct nd_kv){ (char *)"mtu", mtu };
	}
	if (cfg->has_metric) {
		snprintf(metric, 12, "%u", cfg->metric);
		opts[n++] = (struct nd_kv){ (char *)"metric", metric };
	}
	if (cfg->has_isolate)
		opts[n++] = (struct nd_kv){ (char *)"isolate", (char *)nd_isolate_name(cfg->isolate) };
	return n;
}

static int add_network(struct nd_request *req, const struct cni_config *cfg, size_t n_ips,
		       struct nd_error *err)
{
	_cleanup_free_ struct nd_subnet *subnets = calloc(cfg->n_subnets + 1, sizeof(*subnets));
	_cleanup_free_ struct nd_route *routes = calloc(cfg->n_routes + 1, sizeof(*routes));
	struct nd_kv opts[3];
	char id[65], mtu[12], metric[12];
	bool v6 = false;

	if (!subnets || !routes)
		return nd_error_set(err, -ENOMEM, "out of memory");
	cni_network_id(cfg->name, id);
	for (size_t i = 0; i < cfg->n_subnets; i++) {
		const struct cni_subnet *s = &cfg->subnets[i];
		v6 |= s->subnet.addr.family == AF_INET6;
		subnets[i] = (struct nd_subnet){
			.subnet = s->subnet, .has_gateway = s->has_gateway, .gateway = s->gateway,
			.has_lease_range = true, .lease_start = s->range_start,
			.lease_end = s->range_end,
		};
	}
	for (size_t i = 0; i < cfg->n_routes; i++)
		routes[i] = (struct nd_route){
			.dst = cfg->routes[i].dst, .has_gateway = true, .gateway = cfg->routes[i].gw,
		};
	return request_add_network(req, &(struct nd_network_def){
		.name = cfg->name, .id = id, .driver = "bridge", .network_interface = cfg->bridge,
		.dns_enabled = cfg->dns_enabled, .internal = cfg->internal, .ipv6_enabled = v6,
		.subnets = subnets, .n_subnets = cfg->n_subnets,
		.routes = routes, .n_routes = cfg->n_routes,
		.options = opts, .n_options = network_options(cfg, opts, mtu, metric),
		.ipam_driver = n_ips ? "host-local" : "none",
	}, err);
}

int cni_request_model(const struct cni_config *cfg, const struct cni_params *p,
		      const struct nd_ip *ips, size_t n_ips, struct nd_request **ret,
		      struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	const uint8_t *mac = cfg->has_mac ? cfg->mac : p->has_arg_mac ? p->arg_mac : NULL;
	int r;

	if ((r = request_new(p->container_id, p->pod_name ? p->pod_name : p->container_id, NULL,
			     &req, err)) < 0 ||
	    (r = add_network(req, cfg, n_ips, err)) < 0 ||
	    (r = request_attach(req, &(struct nd_attach_def){
		     .network = cfg->name, .interface_name = p->ifname,
		     .static_ips = ips, .n_static_ips = n_ips, .mac = mac,
		     .aliases = (const char *const *)cfg->aliases, .n_aliases = cfg->n_aliases,
	     }, err)) < 0)
		return r;
	for (size_t i = 0; i < cfg->n_ports; i++) {
		const struct cni_portmap *pm = &cfg->ports[i];
		r = request_add_port(req, &(struct nd_port){
			.host_ip_kind = pm->host_ip_kind, .host_ip = pm->host_ip,
			.container_port = pm->container_port, .host_port = pm->host_port,
			.range = 1, .proto = pm->proto,
		}, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; cfg->dns_enabled && i < cfg->n_ctr_dns; i++)
		if ((r = request_add_dns_server(req, &cfg->ctr_dns[i], err)) < 0)
			return r;
	*ret = TAKE_PTR(req);
	return 0;
}

char *cni_request_build(const struct cni_config *cfg, const struct cni_params *p,
			const struct nd_ip *ips, size_t n_ips)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	struct nd_error err = {0};
	char *text = NULL;

	if (cni_request_model(cfg, p, ips, n_ips, &req, &err) < 0 ||
	    request_json_text(req, &text) < 0)
		text = NULL;
	nd_error_clear(&err);
	return text;
}

/*
 * The record's request of network @net for lease @a into *@ret (NULL before);
 * left NULL, and 0 returned, when the record has none, or has the network on
 * another interface than the lease's.
 */
static int recorded_request(const struct ctr_record *rec, const char *net,
			    const struct cni_alloc *a, struct nd_request **ret, struct nd_error *err)
{
	const char *pn = ctrstate_ports_network(rec);
	const struct nd_attach *at = request_attach_of(rec ? rec->req : NULL, net);

	if (!at || strcmp(at->interface_name, a->ifname) != 0)
		return 0;
	return request_network_only(rec->req, net, pn && strcmp(pn, net) == 0, ret, err);
}

int cni_lease_request(const struct cni_config *cfg, const struct cni_params *p,
		      const struct cni_alloc *a, struct nd_request **ret, struct nd_error *err)
{
	_cleanup_(ctr_record_freep) struct ctr_record *rec = ctrstate_load(cfg->runtime_dir,
									 a->container_id);
	/* GC: no CNI_ARGS, no runtimeConfig of the container; the lease names it. */
	const struct cni_params gc = {
		.cmd = CNI_CMD_GC, .container_id = a->container_id, .ifname = a->ifname,
		.netns = (char *)"",
	};
	struct nd_request *req = NULL;
	int r;

	if ((r = recorded_request(rec, cfg->name, a, &req, err)) < 0)
		return r;
	if (req) {
		*ret = req;
		return 0;
	}
	log_debug("container %s has no record of network %s on %s%s%s; rebuilding its request from the network config and the lease",
		  a->container_id, cfg->name, a->ifname, rec && rec->req_err.msg ? ": " : "",
		  rec && rec->req_err.msg ? rec->req_err.msg : "");
	return cni_request_model(cfg, p ? p : &gc, a->ips, a->n_ips, ret, err);
}
