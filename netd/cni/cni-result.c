// SPDX-License-Identifier: Apache-2.0
#include "cni-result.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni-json.h"
#include "jsonutil.h"
#include "shared/cleanup.h"

/* ------------------------------------------------------------------------ */
/* model */

static void iface_done(struct cni_iface *f)
{
	free(f->name);
	free(f->mac);
	free(f->sandbox);
	free(f->socket_path);
	free(f->pci_id);
}

void cni_result_free(struct cni_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_ifaces; i++)
		iface_done(&r->ifaces[i]);
	free(r->ifaces);
	free(r->ips);
	free(r->routes);
	cni_dns_done(&r->dns);
	free(r);
}

long cni_result_find_iface(const struct cni_result *r, const char *ifname, const char *netns)
{
	for (size_t i = 0; i < r->n_ifaces; i++)
		if (strcmp(r->ifaces[i].name, ifname) == 0 && r->ifaces[i].sandbox &&
		    strcmp(r->ifaces[i].sandbox, netns) == 0)
			return (long)i;
	/* The runtime may spell the namespace path differently in CHECK/DEL. */
	for (size_t i = 0; i < r->n_ifaces; i++)
		if (strcmp(r->ifaces[i].name, ifname) == 0 && r->ifaces[i].sandbox &&
		    r->ifaces[i].sandbox[0])
			return (long)i;
	return -1;
}

/* ------------------------------------------------------------------------ */
/* parsing */

/* An optional string member; "" counts as absent. */
static int opt_string(json_object *o, const char *key, const char *path, char **ret,
		      struct nd_error *err)
{
	json_object *v = ju_get(o, key);
	_cleanup_free_ char *p = NULL;
	int rc;

	if (!v)
		return 0;
	p = ju_path_key(path, key);
	if ((rc = ju_value_strdup(v, p, ret, err)) < 0)
		return rc;
	if (!(*ret)[0]) {
		free(*ret);
		*ret = NULL;
	}
	return 0;
}

static int opt_u32(json_object *o, const char *key, const char *path, bool *has, uint32_t *ret,
		   struct nd_error *err)
{
	json_object *v = ju_get(o, key);
	_cleanup_free_ char *p = NULL;
	int64_t x;
	int rc;

	if (!v)
		return 0;
	p = ju_path_key(path, key);
	if ((rc = ju_value_int(v, p, 0, UINT32_MAX, &x, err)) < 0)
		return rc;
	*has = true;
	*ret = (uint32_t)x;
	return 0;
}

static int parse_ifaces(json_object *arr, const char *path, struct cni_result *r,
			struct nd_error *err)
{
	size_t n;
	int rc;

	if ((rc = ju_value_array(arr, path, CNI_MAX_RESULT_ITEMS, &n, err)) < 0)
		return rc;
	r->ifaces = calloc(n ? n : 1, sizeof(*r->ifaces));
	if (!r->ifaces)
		return cni_oom(err);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = ju_path_idx(path, i);
		json_object *o = json_object_array_get_idx(arr, i), *name;
		struct cni_iface *f = &r->ifaces[i];

		r->n_ifaces = i + 1;
		if ((rc = ju_expect_type(o, json_type_object, p, err)) < 0)
			return rc;
		name = ju_get(o, "name");
		if (!name)
			return cni_fail(err, CNI_ERR_CONFIG, "%s.name: required field is missing", p);
		{
			_cleanup_free_ char *np = ju_path_key(p, "name");
			if ((rc = ju_value_strdup(name, np, &f->name, err)) < 0)
				return rc;
		}
		if ((rc = opt_string(o, "mac", p, &f->mac, err)) < 0 ||
		    (rc = opt_string(o, "sandbox", p, &f->sandbox, err)) < 0 ||
		    (rc = opt_string(o, "socketPath", p, &f->socket_path, err)) < 0 ||
		    (rc = opt_string(o, "pciID", p, &f->pci_id, err)) < 0 ||
		    (rc = opt_u32(o, "mtu", p, &f->has_mtu, &f->mtu, err)) < 0)
			return rc;
	}
	return 0;
}

static int parse_ips(json_object *arr, const char *path, enum cni_version v, struct cni_result *r,
		     struct nd_error *err)
{
	char b[ND_ADDRSTRLEN];
	size_t n;
	int rc;

	if ((rc = ju_value_array(arr, path, CNI_MAX_RESULT_ITEMS, &n, err)) < 0)
		return rc;
	r->ips = calloc(n ? n : 1, sizeof(*r->ips));
	if (!r->ips)
		return cni_oom(err);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = ju_path_idx(path, i);
		json_object *o = json_object_array_get_idx(arr, i), *a, *g, *ver;
		struct cni_ipconf *ip = &r->ips[i];

		if ((rc = ju_expect_type(o, json_type_object, p, err)) < 0)
			return rc;
		a = ju_get(o, "address");
		if (!a)
			return cni_fail(err, CNI_ERR_CONFIG, "%s.address: required field is missing",
					p);
		{
			_cleanup_free_ char *ap = ju_path_key(p, "address");
			if ((rc = ju_value_prefix(a, ap, &ip->address, err)) < 0)
				return rc;
		}
		if ((g = ju_get(o, "gateway"))) {
			_cleanup_free_ char *gp = ju_path_key(p, "gateway");
			if ((rc = ju_value_ip(g, gp, &ip->gateway, err)) < 0)
				return rc;
			if (ip->gateway.family != ip->address.addr.family)
				return cni_fail(err, CNI_ERR_CONFIG,
						"%s: gateway %s is not of the address's IP family",
						gp, nd_ip_str(&ip->gateway, b));
			ip->has_gateway = true;
		}
		if ((rc = opt_u32(o, "interface", p, &ip->has_iface, &ip->iface, err)) < 0)
			return rc;
		if (ip->has_iface && ip->iface >= r->n_ifaces)
			return cni_fail(err, CNI_ERR_CONFIG,
					"%s.interface: %u is not an index into interfaces (%zu entries)",
					p, ip->iface, r->n_ifaces);
		/*
		 * 0.3.x/0.4.0 require "version"; the reference plugins (1.1.x) leave
		 * it out of their 0.4.0 results, so a missing one is taken from the
		 * address, a wrong one refused. 1.x has none (an old one is ignored).
		 */
		ver = ju_get(o, "version");
		if (v < CNI_V100 && ver) {
			_cleanup_free_ char *vp = ju_path_key(p, "version");
			const char *want = ip->address.addr.family == AF_INET ? "4" : "6";
			if (!json_object_is_type(ver, json_type_string) ||
			    strcmp(json_object_get_string(ver), want) != 0)
				return cni_fail(err, CNI_ERR_CONFIG,
						"%s: expected \"%s\" for address %s", vp, want,
						json_object_get_string(a));
		}
		r->n_ips = i + 1;
	}
	return 0;
}

static int parse_routes(json_object *arr, const char *path, struct cni_result *r,
			struct nd_error *err)
{
	char b[ND_ADDRSTRLEN];
	size_t n;
	int rc;

	if ((rc = ju_value_array(arr, path, CNI_MAX_RESULT_ITEMS, &n, err)) < 0)
		return rc;
	r->routes = calloc(n ? n : 1, sizeof(*r->routes));
	if (!r->routes)
		return cni_oom(err);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = ju_path_idx(path, i);
		json_object *o = json_object_array_get_idx(arr, i), *d, *g;
		struct cni_rroute *rt = &r->routes[i];

		if ((rc = ju_expect_type(o, json_type_object, p, err)) < 0)
			return rc;
		d = ju_get(o, "dst");
		if (!d)
			return cni_fail(err, CNI_ERR_CONFIG, "%s.dst: required field is missing", p);
		{
			_cleanup_free_ char *dp = ju_path_key(p, "dst");
			if ((rc = ju_value_prefix(d, dp, &rt->dst, err)) < 0)
				return rc;
		}
		if ((g = ju_get(o, "gw"))) {
			_cleanup_free_ char *gp = ju_path_key(p, "gw");
			if ((rc = ju_value_ip(g, gp, &rt->gw, err)) < 0)
				return rc;
			if (rt->gw.family != rt->dst.addr.family)
				return cni_fail(err, CNI_ERR_CONFIG,
						"%s: %s is not of the IP family of dst", gp,
						nd_ip_str(&rt->gw, b));
			rt->has_gw = true;
		}
		if ((rc = opt_u32(o, "mtu", p, &rt->has_mtu, &rt->mtu, err)) < 0 ||
		    (rc = opt_u32(o, "advmss", p, &rt->has_advmss, &rt->advmss, err)) < 0 ||
		    (rc = opt_u32(o, "priority", p, &rt->has_priority, &rt->priority, err)) < 0 ||
		    (rc = opt_u32(o, "table", p, &rt->has_table, &rt->table, err)) < 0 ||
		    (rc = opt_u32(o, "scope", p, &rt->has_scope, &rt->scope, err)) < 0)
			return rc;
		r->n_routes = i + 1;
	}
	return 0;
}

static int parse_result(json_object *o, enum cni_version v, const char *path,
			struct cni_result **ret, struct nd_error *err)
{
	_cleanup_(cni_result_freep) struct cni_result *r = NULL;
	json_object *x;
	int rc;

	if ((rc = ju_expect_type(o, json_type_object, path, err)) < 0)
		return rc;
	r = calloc(1, sizeof(*r));
	if (!r)
		return cni_oom(err);
	/* Interfaces first: ips[].interface indexes them. */
	if ((x = ju_get(o, "interfaces"))) {
		_cleanup_free_ char *p = ju_path_key(path, "interfaces");
		if ((rc = parse_ifaces(x, p, r, err)) < 0)
			return rc;
	}
	if ((x = ju_get(o, "ips"))) {
		_cleanup_free_ char *p = ju_path_key(path, "ips");
		if ((rc = parse_ips(x, p, v, r, err)) < 0)
			return rc;
	}
	if ((x = ju_get(o, "routes"))) {
		_cleanup_free_ char *p = ju_path_key(path, "routes");
		if ((rc = parse_routes(x, p, r, err)) < 0)
			return rc;
	}
	if ((x = ju_get(o, "dns"))) {
		_cleanup_free_ char *p = ju_path_key(path, "dns");
		if ((rc = cni_dns_parse(x, p, &r->dns, err)) < 0)
			return rc;
		r->has_dns = true;
	}
	*ret = TAKE_PTR(r);
	return 0;
}

int cni_result_parse(json_object *o, enum cni_version v, const char *path, struct cni_result **ret,
		     struct nd_error *err)
{
	return cni_error_default(err, parse_result(o, v, path, ret, err), CNI_ERR_CONFIG);
}

/* ------------------------------------------------------------------------ */
/* printing */

static json_object *strv_json(char *const *v, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static json_object *dns_json(const struct cni_dns *d)
{
	json_object *o = json_object_new_object();

	if (d->n_nameservers)
		json_object_object_add(o, "nameservers", strv_json(d->nameservers, d->n_nameservers));
	if (d->domain)
		json_object_object_add(o, "domain", json_object_new_string(d->domain));
	if (d->n_search)
		json_object_object_add(o, "search", strv_json(d->search, d->n_search));
	if (d->n_options)
		json_object_object_add(o, "options", strv_json(d->options, d->n_options));
	return o;
}

json_object *cni_result_to_json(const struct cni_result *r, enum cni_version v)
{
	json_object *o = json_object_new_object();
	char b[ND_ADDRSTRLEN];

	json_object_object_add(o, "cniVersion", json_object_new_string(cni_version_str(v)));
	if (r->n_ifaces) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < r->n_ifaces; i++) {
			const struct cni_iface *f = &r->ifaces[i];
			json_object *e = json_object_new_object();
			json_object_object_add(e, "name", json_object_new_string(f->name));
			if (f->mac)
				json_object_object_add(e, "mac", json_object_new_string(f->mac));
			if (f->sandbox)
				json_object_object_add(e, "sandbox", json_object_new_string(f->sandbox));
			if (v >= CNI_V110) {
				if (f->has_mtu)
					json_object_object_add(e, "mtu", json_object_new_int64(f->mtu));
				if (f->socket_path)
					json_object_object_add(e, "socketPath",
							       json_object_new_string(f->socket_path));
				if (f->pci_id)
					json_object_object_add(e, "pciID", json_object_new_string(f->pci_id));
			}
			json_object_array_add(a, e);
		}
		json_object_object_add(o, "interfaces", a);
	}
	if (r->n_ips) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < r->n_ips; i++) {
			const struct cni_ipconf *ip = &r->ips[i];
			json_object *e = json_object_new_object();
			if (v < CNI_V100)
				json_object_object_add(e, "version", json_object_new_string(
					ip->address.addr.family == AF_INET ? "4" : "6"));
			if (ip->has_iface)
				json_object_object_add(e, "interface", json_object_new_int64(ip->iface));
			json_object_object_add(e, "address",
					       json_object_new_string(nd_prefix_str(&ip->address, b)));
			if (ip->has_gateway)
				json_object_object_add(e, "gateway",
						       json_object_new_string(nd_ip_str(&ip->gateway, b)));
			json_object_array_add(a, e);
		}
		json_object_object_add(o, "ips", a);
	}
	if (r->n_routes) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < r->n_routes; i++) {
			const struct cni_rroute *rt = &r->routes[i];
			json_object *e = json_object_new_object();
			json_object_object_add(e, "dst",
					       json_object_new_string(nd_prefix_str(&rt->dst, b)));
			if (rt->has_gw)
				json_object_object_add(e, "gw", json_object_new_string(nd_ip_str(&rt->gw, b)));
			if (v >= CNI_V110) {
				static const char *const keys[] = { "mtu", "advmss", "priority", "table", "scope" };
				const bool has[] = { rt->has_mtu, rt->has_advmss, rt->has_priority,
						     rt->has_table, rt->has_scope };
				const uint32_t val[] = { rt->mtu, rt->advmss, rt->priority, rt->table,
							 rt->scope };
				for (size_t k = 0; k < ELEMENTSOF(keys); k++)
					if (has[k])
						json_object_object_add(e, keys[k], json_object_new_int64(val[k]));
			}
			json_object_array_add(a, e);
		}
		json_object_object_add(o, "routes", a);
	}
	json_object_object_add(o, "dns", r->has_dns ? dns_json(&r->dns) : json_object_new_object());
	return o;
}

static json_object *error_json(const struct nd_error *e, const char *version)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "cniVersion", json_object_new_string(version));
	json_object_object_add(o, "code",
			       json_object_new_int64(e->proto_code ? e->proto_code : CNI_ERR_INTERNAL));
	json_object_object_add(o, "msg", json_object_new_string(e->msg ? e->msg : "unknown error"));
	if (e->details)
		json_object_object_add(o, "details", json_object_new_string(e->details));
	return o;
}

/* @o (consumed) as one line on stdout. Return: 0 or -EIO. */
static int print_json(json_object *o)
{
	const char *s = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
	int r = !s || printf("%s\n", s) < 0 || fflush(stdout) != 0 ? -EIO : 0;

	json_object_put(o);
	return r;
}

int cni_result_print(const struct cni_result *r, enum cni_version v)
{
	return print_json(cni_result_to_json(r, v));
}

int cni_error_print(const struct nd_error *e, const char *version)
{
	return print_json(error_json(e, version));
}

int cni_version_print(enum cni_version v)
{
	static const char *const all[] = CNI_SUPPORTED_VERSIONS;
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	for (size_t i = 0; i < ELEMENTSOF(all); i++)
		json_object_array_add(a, json_object_new_string(all[i]));
	json_object_object_add(o, "cniVersion", json_object_new_string(cni_version_str(v)));
	json_object_object_add(o, "supportedVersions", a);
	return print_json(o);
}

/* ------------------------------------------------------------------------ */
/* merging */

static int strv_merge(char ***dst, size_t *n, char *const *src, size_t m)
{
	for (size_t i = 0; i < m; i++) {
		bool have = false;
		char **nv;

		for (size_t j = 0; j < *n; j++)
			have |= strcmp((*dst)[j], src[i]) == 0;
		if (have)
			continue;
		nv = realloc(*dst, (*n + 1) * sizeof(**dst));
		if (!nv)
			return -ENOMEM;
		*dst = nv;
		if (!((*dst)[*n] = strdup(src[i])))
			return -ENOMEM;
		(*n)++;
	}
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int cni_result_append(struct cni_result *dst, const struct cni_result *src)
{
	size_t base = dst->n_ifaces;
	void *p;

	if (src->n_ifaces) {
		p = realloc(dst->ifaces, (dst->n_ifaces + src->n_ifaces) * sizeof(*dst->ifaces));
		if (!p)
			return -ENOMEM;
		dst->ifaces = p;
		for (size_t i = 0; i < src->n_ifaces; i++) {
			const struct cni_iface *s = &src->ifaces[i];
			struct cni_iface *d = &dst->ifaces[dst->n_ifaces];
			*d = (struct cni_iface){
				.name = strdup(s->name), .mac = dup_or_null(s->mac),
				.sandbox = dup_or_null(s->sandbox), .has_mtu = s->has_mtu,
				.mtu = s->mtu, .socket_path = dup_or_null(s->socket_path),
				.pci_id = dup_or_null(s->pci_id),
			};
			dst->n_ifaces++;
			if (!d->name || (s->mac && !d->mac) || (s->sandbox && !d->sandbox) ||
			    (s->socket_path && !d->socket_path) || (s->pci_id && !d->pci_id))
				return -ENOMEM;
		}
	}
	if (src->n_ips) {
		p = realloc(dst->ips, (dst->n_ips + src->n_ips) * sizeof(*dst->ips));
		if (!p)
			return -ENOMEM;
		dst->ips = p;
		for (size_t i = 0; i < src->n_ips; i++) {
			dst->ips[dst->n_ips] = src->ips[i];
			if (src->ips[i].has_iface)
				dst->ips[dst->n_ips].iface += (uint32_t)base;
			dst->n_ips++;
		}
	}
	if (src->n_routes) {
		p = realloc(dst->routes, (dst->n_routes + src->n_routes) * sizeof(*dst->routes));
		if (!p)
			return -ENOMEM;
		dst->routes = p;
		memcpy(dst->routes + dst->n_routes, src->routes, src->n_routes * sizeof(*src->routes));
		dst->n_routes += src->n_routes;
	}
	if (src->has_dns) {
		dst->has_dns = true;
		if (!dst->dns.domain && src->dns.domain && !(dst->dns.domain = strdup(src->dns.domain)))
			return -ENOMEM;
		if (strv_merge(&dst->dns.nameservers, &dst->dns.n_nameservers, src->dns.nameservers,
			       src->dns.n_nameservers) < 0 ||
		    strv_merge(&dst->dns.search, &dst->dns.n_search, src->dns.search,
			       src->dns.n_search) < 0 ||
		    strv_merge(&dst->dns.options, &dst->dns.n_options, src->dns.options,
			       src->dns.n_options) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* netavark → CNI */

static int add_iface(struct cni_result *r, const char *name, const char *mac, const char *sandbox)
{
	struct cni_iface *f = &r->ifaces[r->n_ifaces];

	*f = (struct cni_iface){ .name = strdup(name) };
	r->n_ifaces++;
	if (!f->name)
		return -ENOMEM;
	if (mac && mac[0] && !(f->mac = strdup(mac)))
		return -ENOMEM;
	if (sandbox && sandbox[0] && !(f->sandbox = strdup(sandbox)))
		return -ENOMEM;
	return 0;
}

/* Copies of the DNS servers and search domains netd reports (@served). */
static int served_dns(const struct nd_result_net *blk, struct cni_dns *served)
{
	char b[ND_ADDRSTRLEN];

	if (blk->n_servers &&
	    !(served->nameservers = calloc(blk->n_servers, sizeof(*served->nameservers))))
		return -ENOMEM;
	for (; served->n_nameservers < blk->n_servers; served->n_nameservers++)
		if (!(served->nameservers[served->n_nameservers] =
			      strdup(nd_ip_str(&blk->servers[served->n_nameservers], b))))
			return -ENOMEM;
	if (blk->n_domains && !(served->search = calloc(blk->n_domains, sizeof(*served->search))))
		return -ENOMEM;
	for (; served->n_search < blk->n_domains; served->n_search++)
		if (!(served->search[served->n_search] = strdup(blk->domains[served->n_search])))
			return -ENOMEM;
	return 0;
}

int cni_result_from_setup(const struct nd_result *res, const struct cni_config *cfg,
			  const struct cni_params *p, const struct cni_host_info *hi,
			  struct cni_result **ret, struct nd_error *err)
{
	_cleanup_(cni_result_freep) struct cni_result *r = NULL;
	const struct nd_result_net *blk = NULL;
	const struct nd_result_iface *ifc = NULL;
	struct cni_dns served = {0};
	char b[ND_ADDRSTRLEN];
	int rc;

	for (size_t i = 0; i < res->n_nets && !blk; i++)
		if (strcmp(res->nets[i].network, cfg->name) == 0)
			blk = &res->nets[i];
	if (!blk)
		return cni_fail(err, CNI_ERR_NETD,
				  "netd's setup result has no entry for network \"%s\"", cfg->name);
	for (size_t i = 0; i < blk->n_ifaces && !ifc; i++)
		if (strcmp(blk->ifaces[i].name, p->ifname) == 0)
			ifc = &blk->ifaces[i];
	if (!ifc)
		return cni_fail(err, CNI_ERR_NETD,
				  "netd's setup result has no interface \"%s\"", p->ifname);
	if (ifc->n_addrs > CNI_MAX_SUBNETS)
		return cni_fail(err, CNI_ERR_NETD,
				  "netd's setup result has more than %d addresses", CNI_MAX_SUBNETS);
	r = calloc(1, sizeof(*r));
	if (!r)
		return cni_oom(err);
	r->ifaces = calloc(3, sizeof(*r->ifaces));
	if (!r->ifaces)
		return cni_oom(err);
	if (add_iface(r, hi->bridge, hi->bridge_mac, NULL) < 0 ||
	    add_iface(r, hi->veth, hi->veth_mac, NULL) < 0 ||
	    add_iface(r, p->ifname, ifc->mac, p->netns) < 0)
		return cni_oom(err);
	if (hi->mtu) {
		r->ifaces[2].has_mtu = true;
		r->ifaces[2].mtu = hi->mtu;
	}
	r->ips = calloc(ifc->n_addrs ? ifc->n_addrs : 1, sizeof(*r->ips));
	r->routes = calloc(2 + cfg->n_routes, sizeof(*r->routes));
	if (!r->ips || !r->routes)
		return cni_oom(err);
	for (size_t i = 0; i < ifc->n_addrs; i++) {
		const struct nd_result_addr *a = &ifc->addrs[i];
		struct cni_ipconf *ip = &r->ips[r->n_ips];

		ip->address = a->ipnet;
		if (a->has_gateway) {
			if (a->gateway.family != a->ipnet.addr.family)
				return cni_fail(err, CNI_ERR_NETD,
						  "netd's setup result pairs address %s with a gateway of the other family",
						  nd_prefix_str(&a->ipnet, b));
			ip->gateway = a->gateway;
			ip->has_gateway = true;
		}
		ip->has_iface = true;
		ip->iface = 2;
		r->n_ips++;
	}
/* The default routes netd added: one per family, via the family's first gateway. */
	if (!cfg->internal) {
		static const int families[] = { AF_INET, AF_INET6 };
		for (size_t f = 0; f < ELEMENTSOF(families); f++)
			for (size_t i = 0; i < r->n_ips; i++) {
				struct cni_rroute *rt = &r->routes[r->n_routes];
				if (r->ips[i].address.addr.family != families[f] || !r->ips[i].has_gateway)
					continue;
				*rt = (struct cni_rroute){ .has_gw = true, .gw = r->ips[i].gateway };
				rt->dst.addr.family = families[f];
				r->n_routes++;
				break;
			}
	}
	for (size_t i = 0; i < cfg->n_routes; i++)
		r->routes[r->n_routes++] = (struct cni_rroute){
			.dst = cfg->routes[i].dst, .has_gw = true, .gw = cfg->routes[i].gw,
		};
	/* DNS: netd-dns on the gateways, else what the admin configured. */
	if (served_dns(blk, &served) < 0) {
		rc = cni_oom(err);
		goto out;
	}
	if (cfg->dns_enabled && served.n_nameservers) {
		struct cni_result tmp = { .has_dns = true, .dns = served };
		r->has_dns = true;
		if (cni_result_append(r, &tmp) < 0) {
			rc = cni_oom(err);
			goto out;
		}
	}
	if (cfg->has_dns) {
		struct cni_result tmp = { .has_dns = true, .dns = cfg->dns };
		if (cni_result_append(r, &tmp) < 0) {
			rc = cni_oom(err);
			goto out;
		}
	}
	*ret = TAKE_PTR(r);
	rc = 0;
out:
	cni_dns_done(&served);
	return rc;
}
