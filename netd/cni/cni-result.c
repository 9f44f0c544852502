// SPDX-License-Identifier: Apache-2.0
/*
 * The CNI result's one writer and reader: netd's typed setup result into a
 * CNI result, a chained plugin's prevResult parsed and appended to, and
 * either printed on stdout in the shape of the requested spec version (with
 * the error object and VERSION's answer).
 */
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

/*
 * Member @key of @o, with its path in *@kp (the caller's): *@v NULL when it
 * is absent, which is an error when @required.
 */
static int member(json_object *o, const char *key, bool required, const char *path,
		  json_object **v, char **kp, struct nd_error *err)
{
	*v = ju_get(o, key);
	*kp = ju_path_key(path, key);
	if (!*v && required)
		return cni_fail(err, CNI_ERR_CONFIG, "%s: required field is missing", *kp);
	return 0;
}

/* A string member; an optional "" counts as absent. */
static int get_string(json_object *o, const char *key, bool required, const char *path,
		      char **ret, struct nd_error *err)
{
	_cleanup_free_ char *p = NULL;
	json_object *v;
	int rc;

	if ((rc = member(o, key, required, path, &v, &p, err)) < 0 || !v)
		return rc;
	if ((rc = ju_value_strdup(v, p, ret, err)) < 0)
		return rc;
	if (!required && !(*ret)[0]) {
		free(*ret);
		*ret = NULL;
	}
	return 0;
}

static int opt_u32(json_object *o, const char *key, const char *path, bool *has, uint32_t *ret,
		   struct nd_error *err)
{
	_cleanup_free_ char *p = NULL;
	json_object *v;
	int64_t x;
	int rc;

	if ((rc = member(o, key, false, path, &v, &p, err)) < 0 || !v)
		return rc;
	if ((rc = ju_value_int(v, p, 0, UINT32_MAX, &x, err)) < 0)
		return rc;
	*has = true;
	*ret = (uint32_t)x;
	return 0;
}

/*
 * The prefix @pkey of @o (required) and the address @gkey (optional), which
 * must be of the prefix's family. *@gpath is the address's path, for the
 * caller's message when it is not (*@has set, the family differs).
 */
static int prefix_and_gateway(json_object *o, const char *pkey, const char *gkey, const char *path,
			      struct nd_prefix *pfx, bool *has, struct nd_ip *gw, char **gpath,
			      struct nd_error *err)
{
	_cleanup_free_ char *p = NULL;
	json_object *v;
	int rc;

	if ((rc = member(o, pkey, true, path, &v, &p, err)) < 0 ||
	    (rc = ju_value_prefix(v, p, pfx, err)) < 0 ||
	    (rc = member(o, gkey, false, path, &v, gpath, err)) < 0 || !v)
		return rc;
	if ((rc = ju_value_ip(v, *gpath, gw, err)) < 0)
		return rc;
	*has = true;
	return 0;
}

/* What each entry of an array parser needs. */
struct parse_ctx {
	struct cni_result *r;
	enum cni_version v;
};

static int parse_iface(json_object *o, const char *p, size_t i, void *ctx, struct nd_error *err)
{
	struct cni_result *r = ((struct parse_ctx *)ctx)->r;
	struct cni_iface *f = &r->ifaces[i];
	int rc;

	r->n_ifaces = i + 1;
	if ((rc = get_string(o, "name", true, p, &f->name, err)) < 0 ||
	    (rc = get_string(o, "mac", false, p, &f->mac, err)) < 0 ||
	    (rc = get_string(o, "sandbox", false, p, &f->sandbox, err)) < 0 ||
	    (rc = get_string(o, "socketPath", false, p, &f->socket_path, err)) < 0 ||
	    (rc = get_string(o, "pciID", false, p, &f->pci_id, err)) < 0 ||
	    (rc = opt_u32(o, "mtu", p, &f->has_mtu, &f->mtu, err)) < 0)
		return rc;
	return 0;
}

static int parse_ip(json_object *o, const char *p, size_t i, void *ctx, struct nd_error *err)
{
	const struct parse_ctx *c = ctx;
	struct cni_ipconf *ip = &c->r->ips[i];
	_cleanup_free_ char *gp = NULL;
	char b[ND_ADDRSTRLEN];
	json_object *ver;
	int rc;

	if ((rc = prefix_and_gateway(o, "address", "gateway", p, &ip->address, &ip->has_gateway,
				     &ip->gateway, &gp, err)) < 0)
		return rc;
	if (ip->has_gateway && ip->gateway.family != ip->address.addr.family)
		return cni_fail(err, CNI_ERR_CONFIG, "%s: gateway %s is not of the address's IP family",
				gp, nd_ip_str(&ip->gateway, b));
	if ((rc = opt_u32(o, "interface", p, &ip->has_iface, &ip->iface, err)) < 0)
		return rc;
	if (ip->has_iface && ip->iface >= c->r->n_ifaces)
		return cni_fail(err, CNI_ERR_CONFIG,
				"%s.interface: %u is not an index into interfaces (%zu entries)",
				p, ip->iface, c->r->n_ifaces);
	/*
	 * 0.3.x/0.4.0 require "version"; the reference plugins (1.1.x) leave
	 * it out of their 0.4.0 results, so a missing one is taken from the
	 * address, a wrong one refused. 1.x has none (an old one is ignored).
	 */
	ver = ju_get(o, "version");
	if (c->v < CNI_V100 && ver) {
		_cleanup_free_ char *vp = ju_path_key(p, "version");
		const char *want = ip->address.addr.family == AF_INET ? "4" : "6";
		if (!json_object_is_type(ver, json_type_string) ||
		    strcmp(json_object_get_string(ver), want) != 0)
			return cni_fail(err, CNI_ERR_CONFIG, "%s: expected \"%s\" for address %s", vp,
					want, json_object_get_string(ju_get(o, "address")));
	}
	c->r->n_ips = i + 1;
	return 0;
}

static int parse_route(json_object *o, const char *p, size_t i, void *ctx, struct nd_error *err)
{
	struct cni_result *r = ((struct parse_ctx *)ctx)->r;
	struct cni_rroute *rt = &r->routes[i];
	_cleanup_free_ char *gp = NULL;
	char b[ND_ADDRSTRLEN];
	int rc;

	if ((rc = prefix_and_gateway(o, "dst", "gw", p, &rt->dst, &rt->has_gw, &rt->gw, &gp,
				     err)) < 0)
		return rc;
	if (rt->has_gw && rt->gw.family != rt->dst.addr.family)
		return cni_fail(err, CNI_ERR_CONFIG, "%s: %s is not of the IP family of dst", gp,
				nd_ip_str(&rt->gw, b));
	if ((rc = opt_u32(o, "mtu", p, &rt->has_mtu, &rt->mtu, err)) < 0 ||
	    (rc = opt_u32(o, "advmss", p, &rt->has_advmss, &rt->advmss, err)) < 0 ||
	    (rc = opt_u32(o, "priority", p, &rt->has_priority, &rt->priority, err)) < 0 ||
	    (rc = opt_u32(o, "table", p, &rt->has_table, &rt->table, err)) < 0 ||
	    (rc = opt_u32(o, "scope", p, &rt->has_scope, &rt->scope, err)) < 0)
		return rc;
	r->n_routes = i + 1;
	return 0;
}

static int parse_result(json_object *o, enum cni_version v, const char *path,
			struct cni_result **ret, struct nd_error *err)
{
	_cleanup_(cni_result_freep) struct cni_result *r = NULL;
	struct parse_ctx ctx = { .v = v };
	json_object *x;
	int rc;

	if ((rc = ju_expect_type(o, json_type_object, path, err)) < 0)
		return rc;
	r = ctx.r = calloc(1, sizeof(*r));
	if (!r)
		return cni_oom(err);
	{
		/* Interfaces first: ips[].interface indexes them. */
		const struct {
			const char *key;
			size_t size;
			void **ret;
			int (*fn)(json_object *o, const char *p, size_t i, void *ctx,
				  struct nd_error *err);
		} lists[] = {
			{ "interfaces", sizeof(*r->ifaces), (void **)&r->ifaces, parse_iface },
			{ "ips", sizeof(*r->ips), (void **)&r->ips, parse_ip },
			{ "routes", sizeof(*r->routes), (void **)&r->routes, parse_route },
		};
		for (size_t i = 0; i < ELEMENTSOF(lists); i++) {
			_cleanup_free_ char *p = ju_path_key(path, lists[i].key);
			if ((x = ju_get(o, lists[i].key)) &&
			    (rc = cni_array_parse(x, p, CNI_MAX_RESULT_ITEMS, lists[i].size,
						  lists[i].ret, lists[i].fn, &ctx, err)) < 0)
				return rc;
		}
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

/* Add @key: @s to @o unless @s is NULL. */
static void add_string(json_object *o, const char *key, const char *s)
{
	if (s)
		json_object_object_add(o, key, json_object_new_string(s));
}

static void add_u32(json_object *o, const char *key, bool has, uint32_t x)
{
	if (has)
		json_object_object_add(o, key, json_object_new_int64(x));
}

static json_object *iface_json(const struct cni_result *r, size_t i, enum cni_version v)
{
	const struct cni_iface *f = &r->ifaces[i];
	json_object *e = json_object_new_object();

	add_string(e, "name", f->name);
	add_string(e, "mac", f->mac);
	add_string(e, "sandbox", f->sandbox);
	if (v >= CNI_V110) {
		add_u32(e, "mtu", f->has_mtu, f->mtu);
		add_string(e, "socketPath", f->socket_path);
		add_string(e, "pciID", f->pci_id);
	}
	return e;
}

static json_object *ip_json(const struct cni_result *r, size_t i, enum cni_version v)
{
	const struct cni_ipconf *ip = &r->ips[i];
	json_object *e = json_object_new_object();
	char b[ND_ADDRSTRLEN];

	if (v < CNI_V100)
		add_string(e, "version", ip->address.addr.family == AF_INET ? "4" : "6");
	add_u32(e, "interface", ip->has_iface, ip->iface);
	add_string(e, "address", nd_prefix_str(&ip->address, b));
	add_string(e, "gateway", ip->has_gateway ? nd_ip_str(&ip->gateway, b) : NULL);
	return e;
}

static json_object *route_json(const struct cni_result *r, size_t i, enum cni_version v)
{
	const struct cni_rroute *rt = &r->routes[i];
	json_object *e = json_object_new_object();
	char b[ND_ADDRSTRLEN];

	add_string(e, "dst", nd_prefix_str(&rt->dst, b));
	add_string(e, "gw", rt->has_gw ? nd_ip_str(&rt->gw, b) : NULL);
	if (v >= CNI_V110) {
		add_u32(e, "mtu", rt->has_mtu, rt->mtu);
		add_u32(e, "advmss", rt->has_advmss, rt->advmss);
		add_u32(e, "priority", rt->has_priority, rt->priority);
		add_u32(e, "table", rt->has_table, rt->table);
		add_u32(e, "scope", rt->has_scope, rt->scope);
	}
	return e;
}

json_object *cni_result_to_json(const struct cni_result *r, enum cni_version v)
{
	const struct {
		const char *key;
		size_t n;
		json_object *(*fn)(const struct cni_result *r, size_t i, enum cni_version v);
	} lists[] = {
		{ "interfaces", r->n_ifaces, iface_json },
		{ "ips", r->n_ips, ip_json },
		{ "routes", r->n_routes, route_json },
	};
	json_object *o = json_object_new_object();

	json_object_object_add(o, "cniVersion", json_object_new_string(cni_version_str(v)));
	for (size_t k = 0; k < ELEMENTSOF(lists); k++) {
		json_object *a;

		if (!lists[k].n)
			continue;
		a = json_object_new_array();
		for (size_t i = 0; i < lists[k].n; i++)
			json_object_array_add(a, lists[k].fn(r, i, v));
		json_object_object_add(o, lists[k].key, a);
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

/* Make room in *@v (@n elements of @size bytes) for @add more. */
static int grow(void **v, size_t n, size_t add, size_t size)
{
	void *p;

	if (!add)
		return 0;
	p = realloc(*v, (n + add) * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	return 0;
}

int cni_result_append(struct cni_result *dst, const struct cni_result *src)
{
	size_t base = dst->n_ifaces;

	if (grow((void **)&dst->ifaces, dst->n_ifaces, src->n_ifaces, sizeof(*dst->ifaces)) < 0 ||
	    grow((void **)&dst->ips, dst->n_ips, src->n_ips, sizeof(*dst->ips)) < 0 ||
	    grow((void **)&dst->routes, dst->n_routes, src->n_routes, sizeof(*dst->routes)) < 0)
		return -ENOMEM;
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
	for (size_t i = 0; i < src->n_ips; i++) {
		dst->ips[dst->n_ips] = src->ips[i];
		if (src->ips[i].has_iface)
			dst->ips[dst->n_ips].iface += (uint32_t)base;
		dst->n_ips++;
	}
	if (src->n_routes)
		memcpy(dst->routes + dst->n_routes, src->routes, src->n_routes * sizeof(*src->routes));
	dst->n_routes += src->n_routes;
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
