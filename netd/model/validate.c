// SPDX-License-Identifier: Apache-2.0
/*
 * request_validate(): the rules every request must obey however it was
 * built (request_parse() or the constructors of build.h), checked on the
 * model by the core itself before anything is touched.
 */
#include "request.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipam.h"
#include "jsonutil.h"
#include "shared/cleanup.h"
#include "shared/names.h"

static int ifname_check(const char *path, const char *field, const char *name,
			struct nd_error *err)
{
	const char *why;

	if (!name || !ju_ifname_valid(name, &why))
		return nd_error_set(err, -EINVAL, "%s.%s: \"%s\" %s", path, field,
				    name ? name : "(none)", name ? why : "is required");
	return 0;
}

static int network_validate(const struct nd_request *req, size_t i, struct nd_error *err)
{
	const struct nd_network *net = &req->networks[i];
	_cleanup_free_ char *p = ju_path_key("network_info", req->network_keys[i]);
	_cleanup_free_ char *np = ju_path_key(p, "name");
	int r;

	if (!p || !np)
		return -ENOMEM;
	/* Names become file names (DNS, network store, state): checked before any path is made. */
	if ((r = nd_network_name_check("network_info", req->network_keys[i], err)) < 0 ||
	    (r = nd_network_name_check(np, net->name, err)) < 0)
		return r;
	if (!net->id || !net->driver_name || !net->driver_name[0])
		return nd_error_set(err, -EINVAL, "%s: network without an id or driver", p);
	for (size_t j = 0; j < i; j++)
		if (strcmp(req->networks[j].name, net->name) == 0)
			return nd_error_set(err, -EINVAL,
					    "%s.name: \"%s\" is also the name of network_info entry \"%s\"",
					    p, net->name, req->network_keys[j]);
	if (net->network_interface && net->network_interface[0] &&
	    (r = ifname_check(p, "network_interface", net->network_interface, err)) < 0)
		return r;
	if (net->driver == ND_DRIVER_BRIDGE &&
	    (!net->network_interface || !net->network_interface[0]))
		return nd_error_set(err, -EINVAL,
				    "%s.network_interface: no bridge interface name given", p);
	if (net->vrf && (r = ifname_check(p, "options.vrf", net->vrf, err)) < 0)
		return r;
	return 0;
}

static int attach_validate(const struct nd_request *req, size_t i, struct nd_error *err)
{
	const struct nd_attach *a = &req->attach[i];
	_cleanup_free_ char *p = NULL;
	int r;

	if (!a->net || a->net < req->networks || a->net >= req->networks + req->n_networks)
		return nd_error_set(err, -EINVAL, "networks[%zu]: not a network of the request", i);
	p = ju_path_key("networks", a->net->name);
	if (!p)
		return -ENOMEM;
	if ((r = ifname_check(p, "interface_name", a->interface_name, err)) < 0 ||
	    (a->host_interface_name &&
	     (r = ifname_check(p, "options.host_interface_name", a->host_interface_name, err)) < 0))
		return r;
	if (a->has_mac && ((a->mac[0] & 1) ||
			   !(a->mac[0] | a->mac[1] | a->mac[2] | a->mac[3] | a->mac[4] | a->mac[5])))
		return nd_error_set(err, -EINVAL,
				    "%s.static_mac: a multicast or all-zero address", p);
	for (size_t j = 0; j < i; j++) {
		const struct nd_attach *b = &req->attach[j];
		if (a->net == b->net)
			return nd_error_set(err, -EINVAL, "%s: network \"%s\" is given twice",
					    p, a->net->name);
		if (strcmp(a->interface_name, b->interface_name) == 0 ||
		    (a->host_interface_name && b->host_interface_name &&
		     strcmp(a->host_interface_name, b->host_interface_name) == 0))
			return nd_error_set(err, -EINVAL,
					    "%s: interface name already used for network \"%s\"",
					    p, b->net->name);
	}
	return ipam_check(a, p, err);
}

int request_validate(const struct nd_request *req, struct nd_error *err)
{
	int r;

	if (!req->container_id || !req->container_name)
		return nd_error_set(err, -EINVAL, "request: no container id or name");
	r = nd_container_id_check("container_id", req->container_id, err);
	for (size_t i = 0; r == 0 && i < req->n_networks; i++)
		r = network_validate(req, i, err);
	if (r == 0 && req->n_attach == 0)
		r = nd_error_set(err, -EINVAL, "networks: no network given");
	for (size_t i = 0; r == 0 && i < req->n_attach; i++)
		r = attach_validate(req, i, err);
	return r;
}
