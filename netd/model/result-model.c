// SPDX-License-Identifier: Apache-2.0
/* The typed setup result: freeing, appending, copying, and its JSON writer. */
#include "result-model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/cleanup.h"

static void iface_done(struct nd_result_iface *f)
{
	free(f->name);
	free(f->mac);
	free(f->addrs);
}

void nd_result_net_done(struct nd_result_net *n)
{
	free(n->network);
	strv_free(n->domains, n->n_domains);
	free(n->servers);
	for (size_t i = 0; i < n->n_ifaces; i++)
		iface_done(&n->ifaces[i]);
	free(n->ifaces);
	*n = (struct nd_result_net){0};
}

void nd_result_free(struct nd_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_nets; i++)
		nd_result_net_done(&r->nets[i]);
	free(r->nets);
	free(r);
}

/* Append to the arrays of the result (sizes are small: a realloc each). */
int nd_result_add_domain(struct nd_result_net *n, const char *d)
{
	char **g = realloc(n->domains, (n->n_domains + 1) * sizeof(*g));

	if (!g)
		return -ENOMEM;
	n->domains = g;
	if (!(g[n->n_domains] = strdup(d)))
		return -ENOMEM;
	n->n_domains++;
	return 0;
}

int nd_result_add_server(struct nd_result_net *n, const struct nd_ip *ip)
{
	struct nd_ip *g = realloc(n->servers, (n->n_servers + 1) * sizeof(*g));

	if (!g)
		return -ENOMEM;
	n->servers = g;
	g[n->n_servers++] = *ip;
	return 0;
}

int nd_result_add_addr(struct nd_result_iface *f, const struct nd_prefix *p, const struct nd_ip *gw)
{
	struct nd_result_addr *g = realloc(f->addrs, (f->n_addrs + 1) * sizeof(*g));

	if (!g)
		return -ENOMEM;
	f->addrs = g;
	g[f->n_addrs++] = (struct nd_result_addr){
		.ipnet = *p, .has_gateway = gw != NULL, .gateway = gw ? *gw : (struct nd_ip){0},
	};
	return 0;
}

int nd_result_net_copy(const struct nd_result_net *from, struct nd_result_net *to)
{
	int r = 0;

	to->mtu = from->mtu;
	to->has_domains = from->has_domains;
	to->has_servers = from->has_servers;
	to->has_ifaces = from->has_ifaces;
	if (from->network && !(to->network = strdup(from->network)))
		return -ENOMEM;
	for (size_t i = 0; r == 0 && i < from->n_domains; i++)
		r = nd_result_add_domain(to, from->domains[i]);
	for (size_t i = 0; r == 0 && i < from->n_servers; i++)
		r = nd_result_add_server(to, &from->servers[i]);
	if (r < 0 || !from->n_ifaces)
		return r;
	if (!(to->ifaces = calloc(from->n_ifaces, sizeof(*to->ifaces))))
		return -ENOMEM;
	for (size_t i = 0; i < from->n_ifaces; i++) {
		const struct nd_result_iface *f = &from->ifaces[i];
		struct nd_result_iface *t = &to->ifaces[to->n_ifaces++];

		t->has_addrs = f->has_addrs;
		if (!(t->name = strdup(f->name)) || !(t->mac = strdup(f->mac)))
			return -ENOMEM;
		for (size_t k = 0; r == 0 && k < f->n_addrs; k++)
			r = nd_result_add_addr(t, &f->addrs[k].ipnet,
					       f->addrs[k].has_gateway ? &f->addrs[k].gateway : NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

static json_object *ip_string(const struct nd_ip *ip)
{
	char b[ND_ADDRSTRLEN];

	return json_object_new_string(nd_ip_str(ip, b));
}

json_object *result_net_to_json(const struct nd_result_net *n)
{
	json_object *blk = json_object_new_object(), *domains = NULL, *servers = NULL, *ifaces = NULL;
	char b[ND_ADDRSTRLEN];

	if (!blk)
		return NULL;
	if (n->has_domains) {
		domains = json_object_new_array();
		for (size_t i = 0; i < n->n_domains; i++)
			json_object_array_add(domains, json_object_new_string(n->domains[i]));
	}
	if (n->has_servers) {
		servers = json_object_new_array();
		for (size_t i = 0; i < n->n_servers; i++)
			json_object_array_add(servers, ip_string(&n->servers[i]));
	}
	if (n->has_ifaces)
		ifaces = json_object_new_object();
	for (size_t i = 0; i < n->n_ifaces; i++) {
		const struct nd_result_iface *f = &n->ifaces[i];
		json_object *iface = json_object_new_object(), *subnets = NULL;

		if (f->has_addrs)
			subnets = json_object_new_array();
		for (size_t k = 0; k < f->n_addrs; k++) {
			json_object *sn = json_object_new_object();
			json_object_object_add(sn, "gateway",
					       f->addrs[k].has_gateway ? ip_string(&f->addrs[k].gateway)
								       : NULL);
			json_object_object_add(sn, "ipnet", json_object_new_string(
						       nd_prefix_str(&f->addrs[k].ipnet, b)));
			json_object_array_add(subnets, sn);
		}
		json_object_object_add(iface, "mac_address", json_object_new_string(f->mac));
		json_object_object_add(iface, "subnets", subnets);
		json_object_object_add(ifaces, f->name, iface);
	}
	json_object_object_add(blk, "dns_search_domains", domains);
	json_object_object_add(blk, "dns_server_ips", servers);
	json_object_object_add(blk, "interfaces", ifaces);
	return blk;
}

json_object *result_to_json(const struct nd_result *r)
{
	json_object *o = json_object_new_object();

	for (size_t i = 0; o && i < r->n_nets; i++)
		json_object_object_add(o, r->nets[i].network, result_net_to_json(&r->nets[i]));
	return o;
}

int result_print(json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE);

	if (printf("%s\n", s) < 0 || fflush(stdout) != 0)
		return -EIO;
	return 0;
}

void result_print_error(const struct nd_error *err)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(
				       err && err->msg ? err->msg : "unknown error"));
	(void)result_print(o);
	json_object_put(o);
}
