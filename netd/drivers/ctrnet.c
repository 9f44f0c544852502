// SPDX-License-Identifier: Apache-2.0
#include "ctrnet.h"

#include <errno.h>
#include <string.h>

#include "shared/log.h"

int ctrnet_loopback_up(struct exec_ctx *c)
{
	struct nlx_link lo;
	int r = nlx_link_by_index(c->ctr, 1, &lo);

	if (r == 0 && lo.up)
		return 0;
	r = nlx_link_set_up(c->ctr, 1);
	if (r == 0)
		r = exec_push_undo(c, &(struct undo){ .kind = UNDO_LINK_DOWN, .in_container = true,
						      .ifindex = 1 });
	if (r < 0)
		return exec_nl_error(c, c->ctr, r, "set loopback up in container namespace %s",
				     c->netns_path);
	return 0;
}

int ctrnet_addresses(struct exec_ctx *c, size_t i)
{
	const struct nd_attach *a = &c->req->attach[i];
	char b[ND_ADDRSTRLEN];
	int r;

	for (size_t k = 0; k < a->n_addrs; k++) {
		r = nlx_addr_add(c->ctr, c->rt[i].ctr_ifindex, &a->addrs[k].addr);
		if (r < 0)
			return exec_nl_error(c, c->ctr, r,
					     "network \"%s\": add address %s to container interface \"%s\"",
					     a->net->name, nd_prefix_str(&a->addrs[k].addr, b),
					     a->interface_name);
	}
	r = nlx_link_set_up(c->ctr, c->rt[i].ctr_ifindex);
	if (r < 0)
		return exec_nl_error(c, c->ctr, r, "set container interface \"%s\" up",
				     a->interface_name);
	return 0;
}

/* The first gateway of @family among the subnets the container has an address in. */
static const struct nd_ip *gateway_for(const struct nd_attach *a, int family)
{
	for (size_t k = 0; k < a->n_addrs; k++) {
		const struct nd_subnet *s = a->addrs[k].subnet;
		if (s->subnet.addr.family == family && s->has_gateway)
			return &s->gateway;
	}
	return NULL;
}

struct nlx_route ctrnet_static_route(const struct nd_network *net, size_t k)
{
	const struct nd_route *sr = &net->routes[k];

	return (struct nlx_route){
		.dst = sr->dst,
		.has_gateway = sr->has_gateway,
		.gateway = sr->gateway,
		.metric = sr->has_metric ? sr->metric : net->metric,
		.type = sr->type,
	};
}

int ctrnet_routes(struct exec_ctx *c, size_t i)
{
	static const int families[] = { AF_INET, AF_INET6 };
	const struct nd_attach *a = &c->req->attach[i];
	const struct nd_network *net = a->net;
	char b[ND_ADDRSTRLEN], g[ND_ADDRSTRLEN];
	int r;

	if (!net->internal && !net->no_default_route)
		for (size_t f = 0; f < 2; f++) {
			const struct nd_ip *gw = gateway_for(a, families[f]);
			struct nlx_route rt = {
				.dst.addr.family = families[f],
				.metric = net->metric,
				.type = ND_ROUTE_UNICAST,
				.oif = c->rt[i].ctr_ifindex,
			};
			if (!gw)
				continue;
			rt.has_gateway = true;
			rt.gateway = *gw;
			r = nlx_route_add(c->ctr, &rt);
			if (r < 0 && r != -EEXIST)
				return exec_nl_error(c, c->ctr, r,
						     "network \"%s\": add default route via %s",
						     net->name, nd_ip_str(gw, g));
		}
	for (size_t k = 0; k < net->n_routes; k++) {
		const struct nd_route *sr = &net->routes[k];
		struct nlx_route rt = ctrnet_static_route(net, k);
		r = nlx_route_add(c->ctr, &rt);
		if (r < 0 && r != -EEXIST)
			return exec_nl_error(c, c->ctr, r,
					     "network \"%s\": add route to %s%s%s", net->name,
					     nd_prefix_str(&sr->dst, b),
					     sr->has_gateway ? " via " : "",
					     sr->has_gateway ? nd_ip_str(&sr->gateway, g) : "");
		if (r == 0) {
			r = exec_push_undo(c, &(struct undo){ .kind = UNDO_ROUTE_DEL,
							      .in_container = true, .route = rt });
			if (r < 0)
				return r;
		}
	}
	log_debug("network %s: routes set in the container", net->name);
	return 0;
}
