// SPDX-License-Identifier: Apache-2.0
/*
 * An attachment's request from what attach chose and the network's
 * definition, with the constructors of build.h (admin-attreq.h).
 */
#include "admin-attreq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "network.h"
#include "request.h"
#include "shared/cleanup.h"

int admin_att_request(const struct admin_choices *c, const struct nd_network *net,
		      struct nd_request **ret, struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	bool has_mac = c->static_mac && c->static_mac[0];
	struct nd_network_def def;
	uint8_t mac[6];
	int r;

	if (has_mac && mac_parse(c->static_mac, mac) < 0)
		return nd_error_set(err, -EINVAL, "\"%s\" is not a MAC address", c->static_mac);
	request_network_def(net, &def);
	if ((r = request_new(c->container_id, c->name, NULL, &req, err)) < 0 ||
	    (r = request_add_network(req, &def, err)) < 0 ||
	    (r = request_attach(req, &(struct nd_attach_def){
		     .network = net->name, .interface_name = c->interface,
		     .static_ips = c->addrs, .n_static_ips = c->n_addrs,
		     .mac = has_mac ? mac : NULL,
		     .aliases = c->aliases, .n_aliases = c->n_aliases }, err)) < 0)
		return r;
	for (size_t i = 0; i < c->n_ports; i++)
		if ((r = request_add_port(req, &c->ports[i], err)) < 0)
			return r;
	*ret = TAKE_PTR(req);
	return 0;
}
