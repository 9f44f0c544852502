// SPDX-License-Identifier: Apache-2.0
/*
 * Completing a partial network definition as netavark 2.x's create does
 * (bridge name, free subnet from the pools, IPv6 ULA subnet, gateways, IPAM
 * driver, id, creation time), then validating it with the parser setup uses,
 * so whatever create prints, setup accepts.
 *
 * It works on the netavark Network object itself, not on the model: create
 * must hand back every member it was given, including those netd does not
 * interpret (labels, options of plugins). Its callers are the two front ends
 * that read such an object: `netd create` (cli/create-cmd.c) and
 * `netd network create` (admin/admin-network.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "create.h"
#include "jsonutil.h"
#include "network.h"
#include "shared/cleanup.h"
#include "shared/names.h"

static const char *const bridge_options[] = {
	"mtu", "isolate", "metric", "no_default_route", "vrf", "vlan", "mode",
	"outbound_addr4", "outbound_addr6", NULL,
};

static bool in_list(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] && strcmp(v[i], s) == 0)
			return true;
	return false;
}

static bool subnet_taken(const struct create_ctx *u, const struct nd_prefix *p, json_object *own)
{
	for (size_t i = 0; i < u->n_used_subnets; i++)
		if (nd_prefix_overlaps(&u->used_subnets[i], p))
			return true;
	for (size_t i = 0; own && i < json_object_array_length(own); i++) {
		struct nd_prefix q;
		json_object *s = ju_get(json_object_array_get_idx(own, i), "subnet");
		if (s && nd_prefix_parse(json_object_get_string(s), &q, NULL) == 0 && nd_prefix_overlaps(&q, p))
			return true;
	}
	return false;
}

static void set_str(json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, json_object_new_string(val));
}

static int random_bytes(void *buf, size_t n)
{
	return getrandom(buf, n, 0) == (ssize_t)n ? 0 : -EIO;
}

static int fill_id(json_object *net, struct nd_error *err)
{
	json_object *id = ju_get(net, "id");
	uint8_t b[32];
	char hex[65];

	if (id) {
		const char *s = json_object_get_string(id);
		bool ok = json_object_is_type(id, json_type_string) && strlen(s) == 64;
		for (size_t i = 0; ok && i < 64; i++)
			ok = isxdigit((unsigned char)s[i]) && !isupper((unsigned char)s[i]);
		if (!ok)
			return nd_error_set(err, -EINVAL, "network.id: must be 64 lower-case hex characters");
		return 0;
	}
	if (random_bytes(b, sizeof(b)) < 0)
		return nd_error_set(err, -EIO, "cannot read random bytes for the network id");
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + i * 2, 3, "%02x", b[i]);
	set_str(net, "id", hex);
	return 0;
}

static int fill_options(json_object *net, struct nd_error *err)
{
	json_object *opts = ju_get(net, "options");
	json_object *mtu, *br;

	if (!opts)
		return 0;
	if (!json_object_is_type(opts, json_type_object))
		return nd_error_set(err, -EINVAL, "network.options: expected an object");
	/* Docker's names, as netavark maps them. */
	if ((mtu = ju_get(opts, "com.docker.network.driver.mtu"))) {
		json_object_object_add(opts, "mtu", json_object_get(mtu));
		json_object_object_del(opts, "com.docker.network.driver.mtu");
	}
	if ((br = ju_get(opts, "com.docker.network.bridge.name"))) {
		json_object_object_add(net, "network_interface", json_object_get(br));
		json_object_object_del(opts, "com.docker.network.bridge.name");
	}
	json_object_object_foreach(opts, key, val) {
		bool known = false;
		(void)val;
		for (size_t i = 0; bridge_options[i]; i++)
			known |= strcmp(key, bridge_options[i]) == 0;
		if (!known)
			return nd_error_set(err, -EINVAL, "network.options: unsupported bridge network option: %s", key);
	}
	return 0;
}

static int fill_interface(json_object *net, const struct create_ctx *u, const char *prefix,
			  struct nd_error *err)
{
	json_object *br = ju_get(net, "network_interface");
	char name[IFNAMSIZ];

	if (br && json_object_get_string_len(br) > 0) {
		const char *s = json_object_get_string(br), *why;
		if (!ju_ifname_valid(s, &why))
			return nd_error_set(err, -EINVAL, "network.network_interface: \"%s\" %s", s, why);
		if (in_list(u->used_interfaces, u->n_used_interfaces, s))
			return nd_error_set(err, -EEXIST,
					    "network.network_interface: bridge name %s already in use", s);
		return 0;
	}
	for (unsigned k = 0; k < 100000; k++) {
		if (snprintf(name, sizeof(name), "%s%u", prefix, k) >= (int)sizeof(name))
			break;
		if (!in_list(u->used_interfaces, u->n_used_interfaces, name)) {
			set_str(net, "network_interface", name);
			return 0;
		}
	}
	return nd_error_set(err, -ENOSPC, "no free bridge name with prefix %s", prefix);
}

/* The next prefix of the same length after @p; false when it wraps around. */
static bool prefix_next(struct nd_prefix *p)
{
	int bit = p->len - 1;

	if (p->len == 0)
		return false;
	for (int byte = bit / 8, inc = 0x80 >> (bit % 8); byte >= 0; byte--, inc = 1) {
		unsigned v = p->addr.b[byte] + (unsigned)inc;
		p->addr.b[byte] = (uint8_t)v;
		if (v < 0x100)
			return true;
	}
	return false;
}

static bool has_pool(const struct create_ctx *u, int family)
{
	for (size_t i = 0; i < u->n_pools; i++)
		if (u->pools[i].base.addr.family == family)
			return true;
	return false;
}

/*
 * The first free subnet of the pools of @family, in pool order. IPv4 without
 * an IPv4 pool uses netavark's default 10.89.0.0/16 in /24s.
 */
static int alloc_from_pools(json_object *subnets, const struct create_ctx *u, int family,
			    struct nd_error *err)
{
	static const struct create_pool default_pool = {
		.base = { .addr = { .family = AF_INET, .b = { 10, 89 } }, .len = 16 }, .size = 24,
	};
	bool own = has_pool(u, family);
	const struct create_pool *pools = own ? u->pools : &default_pool;
	size_t n_pools = own ? u->n_pools : 1;

	for (size_t i = 0; i < n_pools; i++) {
		struct nd_prefix cand = pools[i].base;
		unsigned size = pools[i].size;
		char b[ND_ADDRSTRLEN];
		uint64_t count;

		if (cand.addr.family != family || size < cand.len)
			continue;
		nd_prefix_network(&cand);
		cand.len = (uint8_t)size;
		/* Every subnet of the pool, but at most 2^20 candidates. */
		count = size - pools[i].base.len >= 20 ? 1u << 20 : 1u << (size - pools[i].base.len);
		for (uint64_t k = 0; k < count; k++) {
			if (!subnet_taken(u, &cand, subnets)) {
				json_object *sn = json_object_new_object();
				set_str(sn, "subnet", nd_prefix_str(&cand, b));
				json_object_array_add(subnets, sn);
				return 0;
			}
			if (!prefix_next(&cand))
				break;
		}
	}
	return nd_error_set(err, -ENOSPC, "could not find a free %s subnet in the subnet pools",
			    family == AF_INET ? "IPv4" : "IPv6");
}

static int alloc_v6(json_object *subnets, const struct create_ctx *u, struct nd_error *err)
{
	if (has_pool(u, AF_INET6))
		return alloc_from_pools(subnets, u, AF_INET6, err);
	for (int tries = 0; tries < 100; tries++) {
		struct nd_prefix p = { .addr.family = AF_INET6, .len = 64 };
		char b[ND_ADDRSTRLEN];
		json_object *sn;

		p.addr.b[0] = 0xfd;
		if (random_bytes(p.addr.b + 1, 5) < 0)
			return nd_error_set(err, -EIO, "cannot read random bytes for an IPv6 subnet");
		if (subnet_taken(u, &p, subnets))
			continue;
		sn = json_object_new_object();
		set_str(sn, "subnet", nd_prefix_str(&p, b));
		json_object_array_add(subnets, sn);
		return 0;
	}
	return nd_error_set(err, -ENOSPC, "could not find a free IPv6 ULA subnet");
}

static int fill_subnets(json_object *net, const struct create_ctx *u, struct nd_error *err)
{
	json_object *subnets = ju_get(net, "subnets");
	bool v4 = false, v6 = false, v6_wanted = false, internal = false, dns = false;
	json_object *o;
	int r;

	if ((o = ju_get(net, "ipv6_enabled")))
		v6_wanted = json_object_get_boolean(o);
	if ((o = ju_get(net, "internal")))
		internal = json_object_get_boolean(o);
	if ((o = ju_get(net, "dns_enabled")))
		dns = json_object_get_boolean(o);
	if (!subnets) {
		subnets = json_object_new_array();
		json_object_object_add(net, "subnets", subnets);
	}
	if (!json_object_is_type(subnets, json_type_array))
		return nd_error_set(err, -EINVAL, "network.subnets: expected an array");
	for (size_t i = 0; i < json_object_array_length(subnets); i++) {
		json_object *sn = json_object_array_get_idx(subnets, i), *sv = ju_get(sn, "subnet");
		struct nd_prefix p;
		if (!sv || nd_prefix_parse(json_object_get_string(sv), &p, NULL) < 0)
			continue;	/* the final validation names the problem */
		if (p.addr.family == AF_INET)
			v4 = true;
		else
			v6 = true;
		if (u->check_used_subnets && subnet_taken(u, &p, NULL))
			return nd_error_set(err, -EEXIST, "network.subnets[%zu]: subnet %s is already used on the host or by another network",
					    i, json_object_get_string(sv));
	}
	if (!v4 && !v6 && (r = alloc_from_pools(subnets, u, AF_INET, err)) < 0)
		return r;
	if (v6_wanted && !v6 && (r = alloc_v6(subnets, u, err)) < 0)
		return r;
	if (v6 || v6_wanted)
		json_object_object_add(net, "ipv6_enabled", json_object_new_boolean(1));
	/* Gateways: the first address, unless internal without DNS. */
	for (size_t i = 0; i < json_object_array_length(subnets); i++) {
		json_object *sn = json_object_array_get_idx(subnets, i), *sv = ju_get(sn, "subnet");
		struct nd_prefix p;
		char b[ND_ADDRSTRLEN];
		if (ju_get(sn, "gateway") || (internal && !dns) || !sv ||
		    nd_prefix_parse(json_object_get_string(sv), &p, NULL) < 0)
			continue;
		nd_prefix_network(&p);
		nd_ip_add(&p.addr, 1);
		set_str(sn, "gateway", nd_ip_str(&p.addr, b));
	}
	return 0;
}

int create_complete(json_object *net, const struct create_ctx *ctx, struct nd_error *err)
{
	bool vlan, dhcp;
	struct nd_network check = {0};
	json_object *o, *ipam;
	const char *driver;
	char created[64];
	struct timespec ts;
	struct tm tm;
	size_t len;
	int r;

	if (!net || !json_object_is_type(net, json_type_object))
		return nd_error_set(err, -EINVAL, "network: required object is missing");
	o = ju_get(net, "name");
	if (!o || !json_object_get_string_len(o))
		return nd_error_set(err, -EINVAL, "Network name must be supplied");
	if (nd_network_name_check("network.name", json_object_get_string(o), err) < 0)
		return -EINVAL;
	if (in_list(ctx->used_names, ctx->n_used_names, json_object_get_string(o)))
		return nd_error_set(err, -EEXIST, "network name %s already used",
				    json_object_get_string(o));
	o = ju_get(net, "driver");
	driver = o ? json_object_get_string(o) : "bridge";
	if (!o)
		set_str(net, "driver", "bridge");
	vlan = strcmp(driver, "macvlan") == 0 || strcmp(driver, "ipvlan") == 0;
	if (strcmp(driver, "bridge") != 0 && !vlan)
		return nd_error_set(err, -EOPNOTSUPP,
				    "network.driver: unsupported driver \"%s\" (built in: bridge, macvlan, ipvlan; others are plugins)",
				    driver);
	for (size_t k = 0; k < 3; k++) {
		static const char *const keys[] = { "dns_enabled", "internal", "ipv6_enabled" };
		if (!ju_get(net, keys[k]))
			json_object_object_add(net, keys[k], json_object_new_boolean(0));
	}
	ipam = ju_get(net, "ipam_options");
	if (!ipam) {
		ipam = json_object_new_object();
		json_object_object_add(net, "ipam_options", ipam);
	}
	if (!ju_get(ipam, "driver")) {
		/* netavark/Podman: a macvlan or ipvlan network without subnets uses dhcp. */
		json_object *sn = ju_get(net, "subnets");
		set_str(ipam, "driver", vlan && (!sn || !json_object_is_type(sn, json_type_array) ||
						 json_object_array_length(sn) == 0)
					 ? "dhcp" : "host-local");
	}
	dhcp = strcmp(json_object_get_string(ju_get(ipam, "driver")), "dhcp") == 0;
	if (!vlan && dhcp && strcmp(json_object_get_string(ju_get(ju_get(net, "options"), "mode")) ?: "",
				    "unmanaged") != 0)
		return nd_error_set(err, -EINVAL,
				    "network.ipam_options.driver: cannot use dhcp ipam driver without using the option mode=unmanaged");
	if (strcmp(json_object_get_string(ju_get(ipam, "driver")), "none") == 0) {
		json_object *given = ju_get(net, "subnets");
		if (given && json_object_is_type(given, json_type_array) && json_object_array_length(given) > 0)
			return nd_error_set(err, -EINVAL,
					    "network.subnets: None ipam driver is set but subnets are given");
		json_object_object_add(net, "dns_enabled", json_object_new_boolean(0));
	}
	if (!json_object_get_boolean(ju_get(net, "dns_enabled")) && ju_get(net, "network_dns_servers") &&
	    json_object_array_length(ju_get(net, "network_dns_servers")) > 0)
		return nd_error_set(err, -EINVAL,
				    "network.network_dns_servers: cannot set DNS servers when DNS is disabled");
	if ((r = fill_id(net, err)) < 0)
		return r;
	if (vlan) {
		/* macvlan/ipvlan: the parent (network_interface) may stay empty, meaning
		 * the default route's interface; addresses come from given subnets. */
		json_object *sn = ju_get(net, "subnets");
		if (strcmp(json_object_get_string(ju_get(ipam, "driver")), "host-local") == 0 &&
		    (!sn || json_object_array_length(sn) == 0))
			return nd_error_set(err, -EINVAL,
					    "network.subnets: a %s network with host-local IPAM needs at least one subnet",
					    driver);
		if (sn && (r = fill_subnets(net, ctx, err)) < 0)
			return r;
	} else {
		if ((r = fill_options(net, err)) < 0 ||
		    (r = fill_interface(net, ctx, ctx->default_interface_name ?
					ctx->default_interface_name : "podman", err)) < 0)
			return r;
		if (strcmp(json_object_get_string(ju_get(ipam, "driver")), "none") != 0 && !dhcp &&
		    (r = fill_subnets(net, ctx, err)) < 0)
			return r;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	len = strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(created + len, sizeof(created) - len, ".%09ldZ", ts.tv_nsec);
	set_str(net, "created", created);

	/* Whatever create prints must be what setup accepts. */
	r = network_parse(net, "network", &check, err);
	network_done(&check);
	return r;
}

