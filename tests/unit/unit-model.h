/* SPDX-License-Identifier: Apache-2.0 */
/*
 * For the unit tests: whether two request models are equal, field by field
 * (borrowed pointers compared by their index in their own request). Each
 * difference is a TAP diagnostic naming the field.
 */
#pragma once

#include <string.h>

#include "model.h"
#include "tap.h"

static inline bool um_str(const char *what, const char *a, const char *b)
{
	if ((!a && !b) || (a && b && strcmp(a, b) == 0))
		return true;
	tap_diag("%s: \"%s\" != \"%s\"", what, a ? a : "(null)", b ? b : "(null)");
	return false;
}

static inline bool um_mem(const char *what, const void *a, const void *b, size_t len)
{
	if (len == 0 || memcmp(a, b, len) == 0)
		return true;
	tap_diag("%s differs", what);
	return false;
}

static inline bool um_n(const char *what, size_t a, size_t b)
{
	if (a == b)
		return true;
	tap_diag("%s: %zu != %zu", what, a, b);
	return false;
}

static inline bool um_kv(const char *what, const struct nd_kv *a, size_t na,
			 const struct nd_kv *b, size_t nb)
{
	bool ok = um_n(what, na, nb);

	for (size_t i = 0; ok && i < na; i++)
		ok = um_str(what, a[i].key, b[i].key) && um_str(what, a[i].value, b[i].value);
	return ok;
}

static inline bool um_ips(const char *what, const struct nd_ip *a, size_t na,
			  const struct nd_ip *b, size_t nb)
{
	bool ok = um_n(what, na, nb);

	for (size_t i = 0; ok && i < na; i++)
		ok = nd_ip_equal(&a[i], &b[i]);
	if (!ok)
		tap_diag("%s differ", what);
	return ok;
}

static inline bool um_ip_opt(bool has_a, const struct nd_ip *a, bool has_b, const struct nd_ip *b)
{
	return has_a == has_b && (!has_a || nd_ip_equal(a, b));
}

static inline bool um_subnets(const struct nd_network *a, const struct nd_network *b)
{
	bool ok = um_n("subnets", a->n_subnets, b->n_subnets);

	for (size_t i = 0; ok && i < a->n_subnets; i++) {
		const struct nd_subnet *x = &a->subnets[i], *y = &b->subnets[i];
		ok = nd_prefix_equal(&x->subnet, &y->subnet) && x->subnet.len == y->subnet.len &&
		     um_ip_opt(x->has_gateway, &x->gateway, y->has_gateway, &y->gateway) &&
		     x->has_lease_range == y->has_lease_range &&
		     um_ip_opt(x->lease_start.family, &x->lease_start, y->lease_start.family,
			       &y->lease_start) &&
		     um_ip_opt(x->lease_end.family, &x->lease_end, y->lease_end.family, &y->lease_end);
		if (!ok)
			tap_diag("subnet %zu differs", i);
	}
	return ok;
}

static inline bool um_routes(const struct nd_network *a, const struct nd_network *b)
{
	bool ok = um_n("routes", a->n_routes, b->n_routes);

	for (size_t i = 0; ok && i < a->n_routes; i++) {
		const struct nd_route *x = &a->routes[i], *y = &b->routes[i];
		ok = nd_prefix_equal(&x->dst, &y->dst) && x->dst.len == y->dst.len &&
		     um_ip_opt(x->has_gateway, &x->gateway, y->has_gateway, &y->gateway) &&
		     x->has_metric == y->has_metric && (!x->has_metric || x->metric == y->metric) &&
		     x->type == y->type;
		if (!ok)
			tap_diag("route %zu differs", i);
	}
	return ok;
}

/* Everything but the strings and arrays, which are compared one by one. */
static inline bool um_network(const struct nd_network *a, const struct nd_network *b)
{
	struct nd_network x = *a, y = *b;
	bool ok = true;

	ok &= um_str("network name", a->name, b->name);
	ok &= um_str("network id", a->id, b->id);
	ok &= um_str("driver", a->driver_name, b->driver_name);
	ok &= um_str("network_interface", a->network_interface, b->network_interface);
	ok &= um_str("created", a->created, b->created);
	ok &= um_str("vrf", a->vrf, b->vrf);
	ok &= um_subnets(a, b);
	ok &= um_routes(a, b);
	ok &= um_ips("network_dns_servers", a->dns_servers, a->n_dns_servers, b->dns_servers,
		     b->n_dns_servers);
	ok &= um_kv("options", a->options, a->n_options, b->options, b->n_options);
	ok &= um_kv("labels", a->labels, a->n_labels, b->labels, b->n_labels);
	ok &= um_kv("ipam_options", a->ipam_options, a->n_ipam_options, b->ipam_options,
		    b->n_ipam_options);
	x.name = x.id = x.driver_name = x.network_interface = x.created = x.vrf = NULL;
	y.name = y.id = y.driver_name = y.network_interface = y.created = y.vrf = NULL;
	x.subnets = y.subnets = NULL;
	x.routes = y.routes = NULL;
	x.dns_servers = y.dns_servers = NULL;
	x.options = y.options = x.labels = y.labels = x.ipam_options = y.ipam_options = NULL;
	ok &= um_mem("network's typed fields", &x, &y, sizeof(x));
	return ok;
}

static inline bool um_attach(const struct nd_request *ra, const struct nd_attach *a,
			     const struct nd_request *rb, const struct nd_attach *b)
{
	bool ok = true;

	ok &= um_n("attachment's network", (size_t)(a->net - ra->networks),
		   (size_t)(b->net - rb->networks));
	ok &= um_str("interface_name", a->interface_name, b->interface_name);
	ok &= um_str("host_interface_name", a->host_interface_name, b->host_interface_name);
	ok &= um_n("has_mac", a->has_mac, b->has_mac) &&
	      um_mem("static_mac", a->mac, b->mac, a->has_mac ? sizeof(a->mac) : 0);
	ok &= um_n("aliases", a->n_aliases, b->n_aliases);
	for (size_t i = 0; ok && i < a->n_aliases; i++)
		ok &= um_str("alias", a->aliases[i], b->aliases[i]);
	ok &= um_ips("static_ips", a->static_ips, a->n_static_ips, b->static_ips,
		     b->n_static_ips);
	ok &= um_kv("attachment options", a->options, a->n_options, b->options, b->n_options);
	ok &= um_n("addresses", a->n_addrs, b->n_addrs);
	for (size_t i = 0; ok && i < a->n_addrs; i++) {
		ok &= nd_prefix_equal(&a->addrs[i].addr, &b->addrs[i].addr) &&
		      a->addrs[i].addr.len == b->addrs[i].addr.len;
		ok &= um_n("address's subnet", (size_t)(a->addrs[i].subnet - a->net->subnets),
			   (size_t)(b->addrs[i].subnet - b->net->subnets));
		if (!ok)
			tap_diag("address %zu differs", i);
	}
	return ok;
}

/* Whether @a and @b are the same request model (diagnostics say where not). */
static inline bool unit_model_equal(const struct nd_request *a, const struct nd_request *b)
{
	bool ok = true;

	ok &= um_str("container_id", a->container_id, b->container_id);
	ok &= um_str("container_name", a->container_name, b->container_name);
	ok &= um_str("container_hostname", a->container_hostname, b->container_hostname);
	ok &= um_n("networks", a->n_networks, b->n_networks);
	for (size_t i = 0; ok && i < a->n_networks; i++)
		ok &= um_str("network_info key", a->network_keys[i], b->network_keys[i]) &&
		      um_network(&a->networks[i], &b->networks[i]);
	ok &= um_n("attachments", a->n_attach, b->n_attach);
	for (size_t i = 0; ok && i < a->n_attach; i++)
		ok &= um_attach(a, &a->attach[i], b, &b->attach[i]);
	ok &= um_n("ports", a->n_ports, b->n_ports);
	for (size_t i = 0; ok && i < a->n_ports; i++) {
		const struct nd_port *x = &a->ports[i], *y = &b->ports[i];
		ok &= x->host_ip_kind == y->host_ip_kind && x->container_port == y->container_port &&
		      x->host_port == y->host_port && x->range == y->range && x->proto == y->proto &&
		      (x->host_ip_kind != ND_HOSTIP_ONE || nd_ip_equal(&x->host_ip, &y->host_ip));
		if (!ok)
			tap_diag("port %zu differs", i);
	}
	ok &= um_ips("dns_servers", a->dns_servers, a->n_dns_servers, b->dns_servers,
		     b->n_dns_servers);
	return ok;
}
