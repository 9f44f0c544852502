// SPDX-License-Identifier: Apache-2.0
/*
 * attachments.json keeps what attach chose, not the request: the request is
 * built again here, with the constructors of build.h, from those choices and
 * the network's definition in the network directory. Network files are never
 * changed in place, so that is the definition setup got; when one was
 * removed by hand, the container's record (written by setup) still has it.
 */
#include "admin-attreq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "network.h"
#include "record.h"
#include "request.h"
#include "shared/cleanup.h"

int admin_att_request(const struct admin_att *a, const struct nd_network *net,
		      struct nd_request **ret, struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	struct nd_network_def def;
	uint8_t mac[6];
	int r;

	if (a->static_mac[0] && mac_parse(a->static_mac, mac) < 0)
		return nd_error_set(err, -EINVAL, "\"%s\" is not a MAC address", a->static_mac);
	request_network_def(net, &def);
	if ((r = request_new(a->container_id, a->name, NULL, &req, err)) < 0 ||
	    (r = request_add_network(req, &def, err)) < 0 ||
	    (r = request_attach(req, &(struct nd_attach_def){
		     .network = net->name, .interface_name = a->interface,
		     .static_ips = a->addrs, .n_static_ips = a->n_addrs,
		     .mac = a->static_mac[0] ? mac : NULL,
		     .aliases = (const char *const *)a->aliases, .n_aliases = a->n_aliases }, err)) < 0)
		return r;
	for (size_t i = 0; i < a->n_ports; i++)
		if ((r = request_add_port(req, &a->ports[i], err)) < 0)
			return r;
	*ret = TAKE_PTR(req);
	return 0;
}

/* The network as the container's record keeps it: the record's request, parsed once by its loader. */
static int request_from_record(struct admin_att *a, const char *config, struct nd_error *err)
{
	_cleanup_(ctr_record_freep) struct ctr_record *rec = ctrstate_load(config, a->container_id);
	const struct nd_network *net;

	if (rec && !rec->req && rec->req_err.msg)
		return nd_error_set(err, rec->req_err.code, "%s", rec->req_err.msg);
	if (!rec || !rec->req)
		return nd_error_set(err, -ENOENT,
				    "network \"%s\" is gone from the network directory, and the container record of %s with it",
				    a->network, a->container_id);
	net = request_network(rec->req, a->network);
	if (!net)
		return nd_error_set(err, -ENOENT,
				    "network \"%s\" is gone from the network directory and from the container record of %s",
				    a->network, a->container_id);
	return admin_att_request(a, net, &a->req, err);
}

int admin_atts_build(struct admin_atts *atts, const struct admin_nets *nets, const char *config,
		     struct nd_error *err)
{
	for (size_t i = 0; i < atts->n; i++) {
		struct admin_att *a = &atts->v[i];
		const struct admin_net *net = netstore_find(nets, a->network);
		int r;

		nd_request_free(a->req);
		a->req = NULL;
		r = net ? admin_att_request(a, &net->net, &a->req, err) :
			  request_from_record(a, config, err);
		if (r < 0) {
			if (r == -ENOMEM && !err->msg)
				return nd_error_set(err, r, "out of memory");
			nd_error_prefix(err, "attachment of %s to network \"%s\"", admin_att_nsname(a),
					a->network);
			return r;
		}
	}
	return 0;
}
