// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness for request_parse(): the raw bytes are the request.
 * Besides the sanitizers, it checks the parser's contract: failure leaves
 * *ret alone and sets a message; success yields a model whose borrowed
 * pointers stay inside the request and whose addresses sit in their subnets.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "fuzz.h"

static void walk_network(const struct nd_network *net)
{
	char b[ND_ADDRSTRLEN];

	REQUIRE(net->name && net->id && net->driver_name);
	for (size_t i = 0; i < net->n_subnets; i++) {
		const struct nd_subnet *s = &net->subnets[i];

		REQUIRE(!nd_prefix_has_host_bits(&s->subnet));
		REQUIRE(!s->has_gateway || nd_prefix_contains(&s->subnet, &s->gateway));
		(void)nd_prefix_str(&s->subnet, b);
	}
	for (size_t i = 0; i < net->n_routes; i++) {
		const struct nd_route *rt = &net->routes[i];

		REQUIRE(!rt->has_gateway || rt->gateway.family == rt->dst.addr.family);
		REQUIRE((rt->type == ND_ROUTE_UNICAST) == rt->has_gateway);
		(void)nd_prefix_str(&rt->dst, b);
	}
	for (size_t i = 0; i < net->n_dns_servers; i++)
		(void)nd_ip_str(&net->dns_servers[i], b);
	REQUIRE(!net->has_mtu || (net->mtu >= 68 && net->mtu <= 65535));
	REQUIRE(!net->has_vlan || net->vlan <= 4094);
	if (net->vrf)
		REQUIRE(strlen(net->vrf) < IFNAMSIZ);
}

static void walk(const struct nd_request *req)
{
	char b[ND_ADDRSTRLEN];

	REQUIRE(req->container_id && req->container_name);
	REQUIRE(req->container_id[0] && strlen(req->container_id) <= 255);
	REQUIRE(req->n_attach > 0);
	for (size_t i = 0; i < req->n_networks; i++)
		walk_network(&req->networks[i]);
	for (size_t i = 0; i < req->n_attach; i++) {
		const struct nd_attach *a = &req->attach[i];
		const struct nd_network *net = a->net;

		REQUIRE(net >= req->networks && net < req->networks + req->n_networks);
		REQUIRE(request_network(req, net->name) == net);
		REQUIRE(a->interface_name && a->interface_name[0]);
		REQUIRE(strlen(a->interface_name) < IFNAMSIZ);
		REQUIRE(!a->host_interface_name || strlen(a->host_interface_name) < IFNAMSIZ);
		for (size_t j = 0; j < a->n_addrs; j++) {
			const struct nd_address *ad = &a->addrs[j];

			REQUIRE(ad->subnet >= net->subnets && ad->subnet < net->subnets + net->n_subnets);
			REQUIRE(ad->addr.len == ad->subnet->subnet.len);
			REQUIRE(nd_prefix_contains(&ad->subnet->subnet, &ad->addr.addr));
			(void)nd_prefix_str(&ad->addr, b);
		}
		for (size_t j = 0; j < a->n_aliases; j++)
			REQUIRE(a->aliases[j]);
		for (size_t j = 0; j < i; j++)
			REQUIRE(req->attach[j].net != net &&
				strcmp(req->attach[j].interface_name, a->interface_name) != 0);
	}
	for (size_t i = 0; i < req->n_ports; i++) {
		const struct nd_port *p = &req->ports[i];

		REQUIRE(p->container_port && p->host_port && p->range);
		REQUIRE((uint32_t)p->host_port + p->range - 1 <= 65535);
		REQUIRE((uint32_t)p->container_port + p->range - 1 <= 65535);
		(void)nd_proto_name(p->proto);
	}
	for (size_t i = 0; i < req->n_dns_servers; i++)
		(void)nd_ip_str(&req->dns_servers[i], b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nd_request untouched;
	struct nd_request *req = &untouched;
	struct nd_error err = {0};
	int r;

	if (size > 65536)
		return 0;
	r = request_parse((const char *)data, size, &req, &err);
	if (r < 0) {
		REQUIRE(req == &untouched);
		/* Only an allocation failure may come without a message. */
		REQUIRE(err.msg || r == -ENOMEM);
		REQUIRE(!err.msg || (err.code == r && strlen(err.msg) > 0));
	} else {
		REQUIRE(r == 0 && req && req != &untouched);
		REQUIRE(!err.msg && err.code == 0);
		walk(req);
		nd_request_free(req);
	}
	nd_error_clear(&err);
	return 0;
}
