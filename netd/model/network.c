// SPDX-License-Identifier: Apache-2.0
#include "network.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "kv.h"
#include "shared/cleanup.h"
#include "shared/names.h"

int mac_parse(const char *s, uint8_t mac[6])
{
	char sep;
	size_t len = strlen(s);

	if (len != 17)
		return -EINVAL;
	sep = s[2];
	if (sep != ':' && sep != '-')
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		unsigned v = 0;
		for (int j = 0; j < 2; j++) {
			char c = s[i * 3 + j];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
			else
				return -EINVAL;
		}
		if (i < 5 && s[i * 3 + 2] != sep)
			return -EINVAL;
		mac[i] = (uint8_t)v;
	}
	return 0;
}

static int parse_u32_option(const char *val, uint32_t max, uint32_t *ret)
{
	char *end;
	unsigned long long v;

	for (const char *c = val; *c; c++)
		if (*c < '0' || *c > '9')
			return -EINVAL;
	if (!*val || strlen(val) > 10)
		return -EINVAL;
	errno = 0;
	v = strtoull(val, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

/* A Rust i32 as netavark parses it: optional sign, decimal digits, leading zeros allowed. */
static int parse_i32_option(const char *val, int32_t *ret)
{
	const char *d = val;
	long long v = 0;
	bool neg = false;

	if (*d == '+' || *d == '-')
		neg = *d++ == '-';
	if (!*d)
		return -EINVAL;
	for (; *d; d++) {
		if (*d < '0' || *d > '9')
			return -EINVAL;
		v = v * 10 + (*d - '0');
		if (v > (long long)INT32_MAX + 1)
			return -EINVAL;
	}
	if (neg)
		v = -v;
	if (v > INT32_MAX || v < INT32_MIN)
		return -EINVAL;
	*ret = (int32_t)v;
	return 0;
}

/* Option "mode" of a macvlan or ipvlan network; netavark's words and messages. */
static int parse_lower_mode(struct nd_network *net, const char *kp, const char *val,
			    struct nd_error *err)
{
	static const struct { const char *name; enum nd_macvlan_mode mode; } mv[] = {
		{ "", ND_MACVLAN_BRIDGE }, { "bridge", ND_MACVLAN_BRIDGE },
		{ "private", ND_MACVLAN_PRIVATE }, { "vepa", ND_MACVLAN_VEPA },
		{ "passthru", ND_MACVLAN_PASSTHRU }, { "source", ND_MACVLAN_SOURCE },
	};
	static const struct { const char *name; enum nd_ipvlan_mode mode; } iv[] = {
		{ "", ND_IPVLAN_L2 }, { "l2", ND_IPVLAN_L2 },
		{ "l3", ND_IPVLAN_L3 }, { "l3s", ND_IPVLAN_L3S },
	};

	if (net->driver == ND_DRIVER_MACVLAN) {
		for (size_t k = 0; k < ELEMENTSOF(mv); k++)
			if (strcmp(val, mv[k].name) == 0) {
				net->macvlan_mode = mv[k].mode;
				return 0;
			}
		return nd_error_set(err, -EINVAL,
				    "%s: invalid macvlan mode \"%s\" (expected bridge, private, vepa, passthru or source)",
				    kp, val);
	}
	for (size_t k = 0; k < ELEMENTSOF(iv); k++)
		if (strcmp(val, iv[k].name) == 0) {
			net->ipvlan_mode = iv[k].mode;
			return 0;
		}
	return nd_error_set(err, -EINVAL,
			    "%s: invalid ipvlan mode \"%s\" (expected l2, l3 or l3s)", kp, val);
}

static int parse_bool_option(const char *val, bool *ret)
{
	if (strcmp(val, "true") == 0)
		*ret = true;
	else if (strcmp(val, "false") == 0)
		*ret = false;
	else
		return -EINVAL;
	return 0;
}

/* Subnet @s as given (@text): no host bits, room for a gateway and a container. */
static int check_subnet_prefix(const struct nd_subnet *s, const char *fp, const char *text,
			       struct nd_error *err)
{
	char buf[ND_ADDRSTRLEN];

	if (nd_prefix_has_host_bits(&s->subnet)) {
		struct nd_prefix fixed = s->subnet;
		nd_prefix_network(&fixed);
		return nd_error_set(err, -EINVAL, "%s: \"%s\" has host bits set (the network is %s)",
				    fp, text, nd_prefix_str(&fixed, buf));
	}
	if ((s->subnet.addr.family == AF_INET && s->subnet.len > 30) ||
	    (s->subnet.addr.family == AF_INET6 && s->subnet.len > 126))
		return nd_error_set(err, -EINVAL,
				    "%s: \"%s\" is too small to hold a gateway and a container",
				    fp, text);
	return 0;
}

/* Address @ip (a gateway when @gateway, else a lease range end) inside subnet @s. */
static int check_in_subnet(const struct nd_subnet *s, const struct nd_ip *ip, bool gateway,
			   const char *ip_path, struct nd_error *err)
{
	char buf[ND_ADDRSTRLEN], gbuf[ND_ADDRSTRLEN];

	if (!nd_prefix_contains(&s->subnet, ip))
		return nd_error_set(err, -EINVAL, "%s: %s is not inside subnet %s", ip_path,
				    nd_ip_str(ip, gbuf), nd_prefix_str(&s->subnet, buf));
	if (gateway && nd_prefix_is_network_or_broadcast(&s->subnet, ip))
		return nd_error_set(err, -EINVAL, "%s: %s is the network or broadcast address of %s",
				    ip_path, nd_ip_str(ip, gbuf), nd_prefix_str(&s->subnet, buf));
	return 0;
}

/* Subnet @i of @net against the ones before it: duplicate and overlapping subnets are ambiguous for IPAM. */
static int check_subnet_unique(const struct nd_network *net, size_t i, const char *fp,
			       struct nd_error *err)
{
	const struct nd_subnet *s = &net->subnets[i];
	char buf[ND_ADDRSTRLEN], b2[ND_ADDRSTRLEN];

	for (size_t j = 0; j < i; j++) {
		if (nd_prefix_equal(&net->subnets[j].subnet, &s->subnet))
			return nd_error_set(err, -EINVAL, "%s: duplicate subnet %s", fp,
					    nd_prefix_str(&s->subnet, buf));
		if (nd_prefix_overlaps(&net->subnets[j].subnet, &s->subnet))
			return nd_error_set(err, -EINVAL, "%s: subnet %s overlaps subnet %s", fp,
					    nd_prefix_str(&s->subnet, buf),
					    nd_prefix_str(&net->subnets[j].subnet, b2));
	}
	return 0;
}

static int parse_subnets(json_object *obj, const char *path, struct nd_network *net,
			 struct nd_error *err)
{
	_cleanup_free_ char *p = ju_path_key(path, "subnets");
	json_object *arr;
	size_t n;
	int r;

	r = ju_array(obj, "subnets", false, path, &arr, err);
	if (r < 0 || !arr)
		return r;
	n = json_object_array_length(arr);
	if (n == 0)
		return 0;
	net->subnets = calloc(n, sizeof(*net->subnets));
	if (!net->subnets)
		return -ENOMEM;
	net->n_subnets = n;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *sp = ju_path_idx(p, i);
		_cleanup_free_ char *fp = ju_path_key(sp, "subnet");
		struct nd_subnet *s = &net->subnets[i];
		json_object *so = json_object_array_get_idx(arr, i), *v, *lr;

		r = ju_expect_type(so, json_type_object, sp, err);
		if (r < 0)
			return r;
		v = ju_get(so, "subnet");
		if (!v)
			return nd_error_set(err, -EINVAL, "%s: required field is missing", fp);
		r = ju_value_prefix(v, fp, &s->subnet, err);
		if (r == 0)
			r = check_subnet_prefix(s, fp, json_object_get_string(v), err);
		if (r < 0)
			return r;
		v = ju_get(so, "gateway");
		if (v) {
			_cleanup_free_ char *gp = ju_path_key(sp, "gateway");
			r = ju_value_ip(v, gp, &s->gateway, err);
			if (r == 0)
				r = check_in_subnet(s, &s->gateway, true, gp, err);
			if (r < 0)
				return r;
			s->has_gateway = true;
		}
		r = ju_object(so, "lease_range", false, sp, &lr, err);
		if (r < 0)
			return r;
		if (lr) {
			_cleanup_free_ char *lp = ju_path_key(sp, "lease_range");
			struct { const char *key; struct nd_ip *ip; } ends[] = {
				{ "start_ip", &s->lease_start }, { "end_ip", &s->lease_end },
			};
			for (size_t k = 0; k < ELEMENTSOF(ends); k++) {
				_cleanup_free_ char *ep = ju_path_key(lp, ends[k].key);
				v = ju_get(lr, ends[k].key);
				if (!v)
					continue;
				r = ju_value_ip(v, ep, ends[k].ip, err);
				if (r == 0)
					r = check_in_subnet(s, ends[k].ip, false, ep, err);
				if (r < 0)
					return r;
			}
			s->has_lease_range = true;
		}
		r = check_subnet_unique(net, i, fp, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A route's gateway is of its destination's family (@dst_text: the destination as given). */
static int check_route_gateway(const struct nd_route *rt, const char *gp, const char *dst_text,
			       struct nd_error *err)
{
	char buf[ND_ADDRSTRLEN];

	if (rt->gateway.family != rt->dst.addr.family)
		return nd_error_set(err, -EINVAL,
				    "%s: gateway %s is not of the same IP family as destination %s",
				    gp, nd_ip_str(&rt->gateway, buf), dst_text);
	return 0;
}

/* Unicast routes have a gateway, the others none (@type_text: the type as given). */
static int check_route_type(const struct nd_route *rt, const char *rp, const char *type_text,
			    struct nd_error *err)
{
	char buf[ND_ADDRSTRLEN];

	if (rt->type == ND_ROUTE_UNICAST && !rt->has_gateway)
		return nd_error_set(err, -EINVAL,
				    "%s: route to %s requires a gateway for type unicast",
				    rp, nd_prefix_str(&rt->dst, buf));
	if (rt->type != ND_ROUTE_UNICAST && rt->has_gateway)
		return nd_error_set(err, -EINVAL,
				    "%s: route to %s of type %s must not have a gateway",
				    rp, nd_prefix_str(&rt->dst, buf), type_text);
	return 0;
}

static int parse_routes(json_object *obj, const char *path, struct nd_network *net,
			struct nd_error *err)
{
	static const struct { const char *name; enum nd_route_type type; } types[] = {
		{ "unicast", ND_ROUTE_UNICAST },
		{ "blackhole", ND_ROUTE_BLACKHOLE },
		{ "unreachable", ND_ROUTE_UNREACHABLE },
		{ "prohibit", ND_ROUTE_PROHIBIT },
	};
	_cleanup_free_ char *p = ju_path_key(path, "routes");
	json_object *arr;
	size_t n;
	int r;

	r = ju_array(obj, "routes", false, path, &arr, err);
	if (r < 0 || !arr)
		return r;
	n = json_object_array_length(arr);
	if (n == 0)
		return 0;
	net->routes = calloc(n, sizeof(*net->routes));
	if (!net->routes)
		return -ENOMEM;
	net->n_routes = n;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *rp = ju_path_idx(p, i);
		_cleanup_free_ char *type = NULL;
		struct nd_route *rt = &net->routes[i];
		json_object *ro = json_object_array_get_idx(arr, i), *v;
		int64_t metric;
		bool found = false;

		r = ju_expect_type(ro, json_type_object, rp, err);
		if (r < 0)
			return r;
		v = ju_get(ro, "destination");
		if (!v) {
			_cleanup_free_ char *dp = ju_path_key(rp, "destination");
			return nd_error_set(err, -EINVAL, "%s: required field is missing", dp);
		}
		{
			_cleanup_free_ char *dp = ju_path_key(rp, "destination");
			r = ju_value_prefix(v, dp, &rt->dst, err);
			if (r < 0)
				return r;
			nd_prefix_network(&rt->dst);
		}
		v = ju_get(ro, "gateway");
		if (v) {
			_cleanup_free_ char *gp = ju_path_key(rp, "gateway");
			r = ju_value_ip(v, gp, &rt->gateway, err);
			if (r == 0)
				r = check_route_gateway(rt, gp, json_object_get_string(ju_get(ro, "destination")),
							err);
			if (r < 0)
				return r;
			rt->has_gateway = true;
		}
		r = ju_int(ro, "metric", false, 0, UINT32_MAX, rp, &metric, &rt->has_metric, err);
		if (r < 0)
			return r;
		rt->metric = (uint32_t)metric;
		r = ju_string(ro, "route_type", false, rp, &type, err);
		if (r < 0)
			return r;
		rt->type = ND_ROUTE_UNICAST;
		if (type) {
			for (size_t k = 0; k < ELEMENTSOF(types); k++)
				if (strcmp(type, types[k].name) == 0) {
					rt->type = types[k].type;
					found = true;
				}
			if (!found) {
				_cleanup_free_ char *tp = ju_path_key(rp, "route_type");
				return nd_error_set(err, -EINVAL,
						    "%s: unknown route type \"%s\" (expected unicast, blackhole, unreachable or prohibit)",
						    tp, type);
			}
		}
		r = check_route_type(rt, rp, type, err);
		if (r < 0)
			return r;
	}
	return 0;
}

void network_options_default(struct nd_network *net)
{
	net->isolate = ND_ISOLATE_STRICT;
	net->mode = ND_MODE_MANAGED;
	net->metric = net->driver == ND_DRIVER_BRIDGE ? 100 : 99;
}

/* What netd makes of option @key; @kp names it in messages. */
static int apply_option(struct nd_network *net, const char *kp, const char *key, const char *val,
			struct nd_error *err)
{
	uint32_t u;
	int r;

	if (strcmp(key, "mtu") == 0) {
		if (parse_u32_option(val, 65535, &u) < 0 || (u != 0 && u < 68))
			return nd_error_set(err, -EINVAL,
					    "%s: \"%s\" is not a valid MTU (0, or 68 to 65535)",
					    kp, val);
		net->has_mtu = u != 0;
		net->mtu = u;
	} else if (strcmp(key, "metric") == 0) {
		if (parse_u32_option(val, UINT32_MAX, &u) < 0)
			return nd_error_set(err, -EINVAL,
					    "%s: \"%s\" is not a valid route metric", kp, val);
		net->metric = u;
	} else if (strcmp(key, "isolate") == 0) {
		if (strcmp(val, "strict") == 0)
			net->isolate = ND_ISOLATE_STRICT;
		else if (strcmp(val, "true") == 0)
			net->isolate = ND_ISOLATE_TRUE;
		else if (strcmp(val, "false") == 0 || strcmp(val, "") == 0)
			net->isolate = ND_ISOLATE_FALSE;
		else
			return nd_error_set(err, -EINVAL,
					    "%s: \"%s\" is not one of strict, true, false",
					    kp, val);
	} else if (strcmp(key, "no_default_route") == 0) {
		if (parse_bool_option(val, &net->no_default_route) < 0)
			return nd_error_set(err, -EINVAL,
					    "%s: \"%s\" is not true or false", kp, val);
	} else if (strcmp(key, "vrf") == 0) {
		const char *why;
		char *vrf;
		if (!ju_ifname_valid(val, &why))
			return nd_error_set(err, -EINVAL, "%s: vrf name \"%s\" %s",
					    kp, val, why);
		vrf = strdup(val);
		if (!vrf)
			return -ENOMEM;
		free(net->vrf);
		net->vrf = vrf;
	} else if (strcmp(key, "vlan") == 0) {
		if (parse_u32_option(val, 4094, &u) < 0)
			return nd_error_set(err, -EINVAL,
					    "%s: \"%s\" is not a VLAN id (0 to 4094)", kp, val);
		net->has_vlan = true;
		net->vlan = (uint16_t)u;
	} else if (strcmp(key, "mode") == 0 && net->driver == ND_DRIVER_BRIDGE) {
		if (strcmp(val, "") == 0 || strcmp(val, "managed") == 0)
			net->mode = ND_MODE_MANAGED;
		else if (strcmp(val, "unmanaged") == 0)
			net->mode = ND_MODE_UNMANAGED;
		else
			return nd_error_set(err, -EINVAL,
					    "%s: invalid bridge mode \"%s\" (expected managed or unmanaged)",
					    kp, val);
	} else if (strcmp(key, "mode") == 0 &&
		   (net->driver == ND_DRIVER_MACVLAN || net->driver == ND_DRIVER_IPVLAN)) {
		r = parse_lower_mode(net, kp, val, err);
		if (r < 0)
			return r;
	} else if (strcmp(key, "bclim") == 0 &&
		   (net->driver == ND_DRIVER_MACVLAN || net->driver == ND_DRIVER_IPVLAN)) {
		/* netavark parses it for both kinds and uses it for macvlan only. */
		if (parse_i32_option(val, &net->bclim) < 0)
			return nd_error_set(err, -EINVAL,
					    "%s: \"%s\" is not a valid broadcast cutoff (a 32-bit signed integer)",
					    kp, val);
		net->has_bclim = true;
	} else if (strcmp(key, "outbound_addr4") == 0 || strcmp(key, "outbound_addr6") == 0) {
		bool v6 = key[13] == '6';
		struct nd_ip ip;
		if (nd_ip_parse(val, &ip) < 0 || ip.family != (v6 ? AF_INET6 : AF_INET))
			return nd_error_set(err, -EINVAL, "%s: \"%s\" is not an %s address",
					    kp, val, v6 ? "IPv6" : "IPv4");
		if (v6) {
			net->outbound_addr6 = ip;
			net->has_outbound_addr6 = true;
		} else {
			net->outbound_addr4 = ip;
			net->has_outbound_addr4 = true;
		}
	}
	/* Other keys are ignored at setup, as netavark does (a plugin gets them). */
	return 0;
}

static int option_key_check(const char *path, const char *key, struct nd_error *err)
{
	if (strlen(key) > ND_STRING_MAX)
		return nd_error_set(err, -EINVAL, "%s: a key of %zu bytes, longer than the limit of %d",
				    path, strlen(key), ND_STRING_MAX);
	return 0;
}

int network_option_set(struct nd_network *net, const char *path, const char *key,
		       const char *value, struct nd_error *err)
{
	_cleanup_free_ char *kp = NULL;
	int r;

	if ((r = option_key_check(path, key, err)) < 0)
		return r;
	kp = ju_path_key(path, key);
	if (!kp)
		return -ENOMEM;
	r = apply_option(net, kp, key, value, err);
	if (r < 0)
		return r;
	return nd_kv_set(&net->options, &net->n_options, key, value);
}

static int parse_options(json_object *obj, const char *path, struct nd_network *net,
			 struct nd_error *err)
{
	_cleanup_free_ char *p = ju_path_key(path, "options");
	json_object *opts;
	int r;

	network_options_default(net);
	r = ju_object(obj, "options", false, path, &opts, err);
	if (r < 0 || !opts)
		return r;
	json_object_object_foreach(opts, key, v) {
		_cleanup_free_ char *kp = NULL;
		const char *val;

		if ((r = option_key_check(p, key, err)) < 0)
			return r;
		kp = ju_path_key(p, key);
		if (json_object_is_type(v, json_type_null))
			continue;
		r = ju_value_string(v, kp, &val, err);
		if (r == 0)
			r = network_option_set(net, p, key, val, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int set_ipam(struct nd_network *net, const char *p, const char *driver, struct nd_error *err);

static int parse_ipam(json_object *obj, const char *path, struct nd_network *net,
		      struct nd_error *err)
{
	_cleanup_free_ char *p = ju_path_key(path, "ipam_options");
	_cleanup_free_ char *driver = NULL;
	json_object *ipam;
	int r;

	net->ipam = ND_IPAM_HOST_LOCAL;
	r = ju_object(obj, "ipam_options", false, path, &ipam, err);
	if (r < 0 || !ipam)
		return r;
	r = ju_string_map(obj, "ipam_options", false, path, &net->ipam_options,
			  &net->n_ipam_options, err);
	if (r < 0)
		return r;
	r = ju_string(ipam, "driver", false, p, &driver, err);
	if (r < 0 || !driver)
		return r;
	return set_ipam(net, p, driver, err);
}

/* ipam_options.driver (@p: the path of ipam_options). */
static int set_ipam(struct nd_network *net, const char *p, const char *driver, struct nd_error *err)
{
	if (strcmp(driver, "host-local") == 0)
		net->ipam = ND_IPAM_HOST_LOCAL;
	else if (strcmp(driver, "none") == 0)
		net->ipam = ND_IPAM_NONE;
	else if (strcmp(driver, "dhcp") == 0)
		net->ipam = ND_IPAM_DHCP;
	else
		return nd_error_set(err, -EINVAL,
				    "%s.driver: unsupported ipam driver \"%s\" (expected host-local, dhcp or none)",
				    p, driver);
	return 0;
}

/* The name becomes file names (DNS, network store): Podman's rule, bounded. The driver's kind. */
static int set_name_and_driver(struct nd_network *net, const char *path, struct nd_error *err)
{
	_cleanup_free_ char *np = ju_path_key(path, "name");
	int r;

	if (!np)
		return -ENOMEM;
	if ((r = nd_network_name_check(np, net->name, err)) < 0)
		return r;
	if (strcmp(net->driver_name, "bridge") == 0)
		net->driver = ND_DRIVER_BRIDGE;
	else if (strcmp(net->driver_name, "macvlan") == 0)
		net->driver = ND_DRIVER_MACVLAN;
	else if (strcmp(net->driver_name, "ipvlan") == 0)
		net->driver = ND_DRIVER_IPVLAN;
	else if (net->driver_name[0] == '\0')
		return nd_error_set(err, -EINVAL, "%s.driver: is empty", path);
	else
		net->driver = ND_DRIVER_PLUGIN;
	return 0;
}

static int check_network(const struct nd_network *net, const char *path, struct nd_error *err);

int network_parse(json_object *obj, const char *path, struct nd_network *net,
		  struct nd_error *err)
{
	int r;

	r = ju_expect_type(obj, json_type_object, path, err);
	if (r < 0)
		return r;
	if ((r = ju_string(obj, "name", true, path, &net->name, err)) < 0 ||
	    (r = ju_string(obj, "id", true, path, &net->id, err)) < 0 ||
	    (r = ju_string(obj, "driver", true, path, &net->driver_name, err)) < 0 ||
	    (r = ju_string(obj, "network_interface", false, path, &net->network_interface, err)) < 0 ||
	    (r = ju_bool(obj, "dns_enabled", true, path, &net->dns_enabled, err)) < 0 ||
	    (r = ju_bool(obj, "internal", true, path, &net->internal, err)) < 0 ||
	    (r = ju_bool(obj, "ipv6_enabled", true, path, &net->ipv6_enabled, err)) < 0)
		return r;
	{
		/* Not netd's business, kept for plugins: ignored unless of the type they have. */
		struct nd_error ignored = {0};
		if (json_object_is_type(ju_get(obj, "created"), json_type_string) &&
		    ju_string(obj, "created", false, path, &net->created, &ignored) < 0)
			nd_error_clear(&ignored);
	}
	if ((r = ju_string_map(obj, "labels", false, path, &net->labels, &net->n_labels, err)) < 0)
		return r;
	if ((r = set_name_and_driver(net, path, err)) < 0)
		return r;

	if ((r = parse_subnets(obj, path, net, err)) < 0 ||
	    (r = parse_routes(obj, path, net, err)) < 0 ||
	    (r = ju_ip_list(obj, "network_dns_servers", path, &net->dns_servers,
			    &net->n_dns_servers, err)) < 0 ||
	    (r = parse_options(obj, path, net, err)) < 0 ||
	    (r = parse_ipam(obj, path, net, err)) < 0)
		return r;
	return check_network(net, path, err);
}

/* The checks of a whole network, after all its fields are set. */
static int check_network(const struct nd_network *net, const char *path, struct nd_error *err)
{
	const char *why;

	if (net->network_interface && net->network_interface[0] &&
	    !ju_ifname_valid(net->network_interface, &why))
		return nd_error_set(err, -EINVAL, "%s.network_interface: \"%s\" %s", path,
				    net->network_interface, why);
	if (net->driver == ND_DRIVER_BRIDGE &&
	    (!net->network_interface || !net->network_interface[0]))
		return nd_error_set(err, -EINVAL,
				    "%s.network_interface: no bridge interface name given", path);
	if (net->has_mtu && net->mtu < 1280 && network_has_family(net, AF_INET6))
		return nd_error_set(err, -EINVAL,
				    "%s.options.mtu: %u is below 1280, the minimum for an IPv6 subnet",
				    path, net->mtu);
	return 0;
}

bool network_has_family(const struct nd_network *net, int family)
{
	for (size_t i = 0; i < net->n_subnets; i++)
		if (net->subnets[i].subnet.addr.family == family)
			return true;
	return false;
}

void network_done(struct nd_network *net)
{
	free(net->name);
	free(net->id);
	free(net->driver_name);
	free(net->network_interface);
	free(net->subnets);
	free(net->routes);
	free(net->dns_servers);
	free(net->vrf);
	free(net->created);
	nd_kv_free(net->options, net->n_options);
	nd_kv_free(net->labels, net->n_labels);
	nd_kv_free(net->ipam_options, net->n_ipam_options);
}

/* A copy of @n items of @size bytes (NULL for none); -ENOMEM. */
static int copy_array(void **ret, const void *src, size_t n, size_t size)
{
	*ret = NULL;
	if (!n)
		return 0;
	*ret = malloc(n * size);
	if (!*ret)
		return -ENOMEM;
	memcpy(*ret, src, n * size);
	return 0;
}

int network_from_def(const struct nd_network_def *def, const char *path, struct nd_network *net,
		     struct nd_error *err)
{
	_cleanup_free_ char *sp = ju_path_key(path, "subnets");
	_cleanup_free_ char *rp = ju_path_key(path, "routes");
	_cleanup_free_ char *op = ju_path_key(path, "options");
	_cleanup_free_ char *ip = ju_path_key(path, "ipam_options");
	char buf[ND_ADDRSTRLEN];
	int r;

	if (!sp || !rp || !op || !ip)
		return -ENOMEM;
	if (!def->name || !def->id || !def->driver)
		return nd_error_set(err, -EINVAL, "%s: a network needs a name, an id and a driver", path);
	if (!(net->name = strdup(def->name)) || !(net->id = strdup(def->id)) ||
	    !(net->driver_name = strdup(def->driver)) ||
	    (def->network_interface && !(net->network_interface = strdup(def->network_interface))))
		return -ENOMEM;
	net->dns_enabled = def->dns_enabled;
	net->internal = def->internal;
	net->ipv6_enabled = def->ipv6_enabled;
	if ((r = set_name_and_driver(net, path, err)) < 0)
		return r;
	if ((r = copy_array((void **)&net->subnets, def->subnets, def->n_subnets,
			    sizeof(*net->subnets))) < 0 ||
	    (r = copy_array((void **)&net->routes, def->routes, def->n_routes,
			    sizeof(*net->routes))) < 0 ||
	    (r = copy_array((void **)&net->dns_servers, def->dns_servers, def->n_dns_servers,
			    sizeof(*net->dns_servers))) < 0)
		return r;
	net->n_subnets = def->n_subnets;
	net->n_routes = def->n_routes;
	net->n_dns_servers = def->n_dns_servers;
	for (size_t i = 0; i < net->n_subnets; i++) {
		_cleanup_free_ char *p = ju_path_idx(sp, i), *fp = ju_path_key(p, "subnet");
		struct nd_subnet *s = &net->subnets[i];
		if (!fp)
			return -ENOMEM;
		if ((r = check_subnet_prefix(s, fp, nd_prefix_str(&s->subnet, buf), err)) < 0 ||
		    (s->has_gateway && (r = check_in_subnet(s, &s->gateway, true, p, err)) < 0) ||
		    (s->has_lease_range && s->lease_start.family &&
		     (r = check_in_subnet(s, &s->lease_start, false, p, err)) < 0) ||
		    (s->has_lease_range && s->lease_end.family &&
		     (r = check_in_subnet(s, &s->lease_end, false, p, err)) < 0) ||
		    (r = check_subnet_unique(net, i, fp, err)) < 0)
			return r;
	}
	for (size_t i = 0; i < net->n_routes; i++) {
		_cleanup_free_ char *p = ju_path_idx(rp, i);
		struct nd_route *rt = &net->routes[i];
		if (!p)
			return -ENOMEM;
		nd_prefix_network(&rt->dst);
		if ((rt->has_gateway &&
		     (r = check_route_gateway(rt, p, nd_prefix_str(&rt->dst, buf), err)) < 0) ||
		    (r = check_route_type(rt, p, nd_route_type_name(rt->type), err)) < 0)
			return r;
	}
	network_options_default(net);
	for (size_t i = 0; i < def->n_options; i++)
		if ((r = network_option_set(net, op, def->options[i].key, def->options[i].value, err)) < 0)
			return r;
	net->ipam = ND_IPAM_HOST_LOCAL;
	if (def->ipam_driver &&
	    ((r = set_ipam(net, ip, def->ipam_driver, err)) < 0 ||
	     (r = nd_kv_set(&net->ipam_options, &net->n_ipam_options, "driver", def->ipam_driver)) < 0))
		return r;
	return check_network(net, path, err);
}
