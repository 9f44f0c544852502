// SPDX-License-Identifier: Apache-2.0
#include "plugin-output.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "shared/cleanup.h"

/* One JSON value filling the buffer (white space around it allowed). */
static int parse_value(const char *buf, size_t len, json_object **ret, struct nd_error *err)
{
	json_object *o = NULL;
	size_t k;
	int r;

	for (k = 0; k < len && isspace((unsigned char)buf[k]); k++)
		;
	if (k == len)
		return nd_error_set(err, -EINVAL, "empty output");
	if (len > PLUGIN_OUTPUT_MAX)
		return nd_error_set(err, -EFBIG, "output larger than %u bytes", PLUGIN_OUTPUT_MAX);
	r = ju_parse_value(buf, len, "output", &o, err);
	if (r < 0)
		return r;
	if (!json_object_is_type(o, json_type_object)) {
		const char *t = o ? ju_type_name(o) : "null";
		json_object_put(o);
		return nd_error_set(err, -EINVAL, "expected a JSON object, got %s", t);
	}
	*ret = o;
	return 0;
}

/* null, or an array whose items are strings (IP addresses when @ips): a copy. */
static int take_list(json_object *blk, const char *key, bool ips, json_object **ret,
		     struct nd_error *err)
{
	json_object *arr = ju_get(blk, key);
	size_t n;
	int r;

	*ret = NULL;
	if (!arr)
		return 0;
	r = ju_expect_type(arr, json_type_array, key, err);
	if (r < 0)
		return r;
	n = json_object_array_length(arr);
	for (size_t k = 0; k < n; k++) {
		_cleanup_free_ char *p = ju_path_idx(key, k);
		json_object *v = json_object_array_get_idx(arr, k);
		const char *s;
		struct nd_ip ip;

		r = ips ? ju_value_ip(v, p, &ip, err) : ju_value_string(v, p, &s, err);
		if (r < 0)
			return r;
	}
	*ret = json_object_get(arr);
	return 0;
}

/* A NetAddress: {"gateway": IP or null, "ipnet": CIDR}, in that order. */
static int take_subnet(json_object *sn, const char *sp, json_object **ret, struct nd_error *err)
{
	_cleanup_free_ char *np = ju_path_key(sp, "ipnet");
	_cleanup_free_ char *gp = ju_path_key(sp, "gateway");
	json_object *ipnet, *gw, *o;
	struct nd_prefix pfx;
	struct nd_ip ip;
	int r;

	r = ju_expect_type(sn, json_type_object, sp, err);
	if (r < 0)
		return r;
	ipnet = ju_get(sn, "ipnet");
	if (!ipnet)
		return nd_error_set(err, -EINVAL, "%s: required field is missing", np);
	if ((r = ju_value_prefix(ipnet, np, &pfx, err)) < 0)
		return r;
	gw = ju_get(sn, "gateway");
	if (gw && (r = ju_value_ip(gw, gp, &ip, err)) < 0)
		return r;
	o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "gateway", json_object_get(gw));
	json_object_object_add(o, "ipnet", json_object_get(ipnet));
	*ret = o;
	return 0;
}

/* A NetInterface: {"mac_address": string, "subnets": [NetAddress] or null}. */
static int take_interface(json_object *iface, const char *p, json_object **ret,
			  struct nd_error *err)
{
	_cleanup_free_ char *mp = ju_path_key(p, "mac_address");
	_cleanup_free_ char *sp = ju_path_key(p, "subnets");
	json_object *mac, *arr, *o, *subnets = NULL;
	const char *s;
	int r;

	if (!iface)
		return nd_error_set(err, -EINVAL, "%s: expected an object, got null", p);
	if ((r = ju_expect_type(iface, json_type_object, p, err)) < 0)
		return r;
	mac = ju_get(iface, "mac_address");
	if (!mac)
		return nd_error_set(err, -EINVAL, "%s: required field is missing", mp);
	if ((r = ju_value_string(mac, mp, &s, err)) < 0)
		return r;
	arr = ju_get(iface, "subnets");
	if (arr) {
		if ((r = ju_expect_type(arr, json_type_array, sp, err)) < 0)
			return r;
		subnets = json_object_new_array();
		if (!subnets)
			return -ENOMEM;
		for (size_t k = 0; k < json_object_array_length(arr); k++) {
			_cleanup_free_ char *ip = ju_path_idx(sp, k);
			json_object *sn = NULL;
			r = take_subnet(json_object_array_get_idx(arr, k), ip, &sn, err);
			if (r < 0) {
				json_object_put(subnets);
				return r;
			}
			json_object_array_add(subnets, sn);
		}
	}
	o = json_object_new_object();
	if (!o) {
		json_object_put(subnets);
		return -ENOMEM;
	}
	json_object_object_add(o, "mac_address", json_object_get(mac));
	json_object_object_add(o, "subnets", subnets);
	*ret = o;
	return 0;
}

static int take_interfaces(json_object *blk, json_object **ret, struct nd_error *err)
{
	json_object *ifaces = ju_get(blk, "interfaces"), *out;
	int r;

	*ret = NULL;
	if (!ifaces)
		return 0;
	r = ju_expect_type(ifaces, json_type_object, "interfaces", err);
	if (r < 0)
		return r;
	out = json_object_new_object();
	if (!out)
		return -ENOMEM;
	json_object_object_foreach(ifaces, name, iface) {
		_cleanup_free_ char *p = ju_path_key("interfaces", name);
		json_object *o = NULL;
		r = take_interface(iface, p, &o, err);
		if (r < 0) {
			json_object_put(out);
			return r;
		}
		json_object_object_add(out, name, o);
	}
	*ret = out;
	return 0;
}

/*
 * The checked StatusBlock @blk (take_list()/take_interfaces() output: the
 * lists hold strings and IP addresses, each interface a string MAC and
 * subnets with a CIDR "ipnet" and an IP or null "gateway") into @n.
 */
static int typed_block(json_object *blk, struct nd_result_net *n)
{
	json_object *domains = json_object_object_get(blk, "dns_search_domains");
	json_object *servers = json_object_object_get(blk, "dns_server_ips");
	json_object *ifaces = json_object_object_get(blk, "interfaces");
	int r = 0;

	n->has_domains = domains != NULL;
	for (size_t i = 0; r == 0 && domains && i < json_object_array_length(domains); i++)
		r = nd_result_add_domain(n, json_object_get_string(json_object_array_get_idx(domains, i)));
	n->has_servers = servers != NULL;
	for (size_t i = 0; r == 0 && servers && i < json_object_array_length(servers); i++) {
		struct nd_ip ip;
		if (nd_ip_parse(json_object_get_string(json_object_array_get_idx(servers, i)), &ip) == 0)
			r = nd_result_add_server(n, &ip);
	}
	n->has_ifaces = ifaces != NULL;
	if (r < 0 || !ifaces)
		return r;
	n->ifaces = calloc((size_t)json_object_object_length(ifaces) + 1, sizeof(*n->ifaces));
	if (!n->ifaces)
		return -ENOMEM;
	json_object_object_foreach(ifaces, name, iface) {
		struct nd_result_iface *f = &n->ifaces[n->n_ifaces++];
		json_object *subnets = json_object_object_get(iface, "subnets");

		if (!(f->name = strdup(name)) ||
		    !(f->mac = strdup(json_object_get_string(json_object_object_get(iface, "mac_address")))))
			return -ENOMEM;
		f->has_addrs = subnets != NULL;
		for (size_t k = 0; r == 0 && subnets && k < json_object_array_length(subnets); k++) {
			json_object *sn = json_object_array_get_idx(subnets, k);
			json_object *gw = json_object_object_get(sn, "gateway");
			struct nd_prefix p;
			struct nd_ip g;
			if (nd_prefix_parse(json_object_get_string(json_object_object_get(sn, "ipnet")), &p, NULL) < 0)
				continue;
			r = nd_result_add_addr(f, &p, gw && nd_ip_parse(json_object_get_string(gw), &g) == 0 ? &g : NULL);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

int plugin_output_status(const char *buf, size_t len, struct nd_result_net *ret,
			 struct nd_error *err)
{
	json_object *blk = NULL, *domains = NULL, *servers = NULL, *ifaces = NULL, *out;
	struct nd_result_net n = {0};
	int r;

	r = parse_value(buf, len, &blk, err);
	if (r < 0)
		return r;
	if ((r = take_list(blk, "dns_search_domains", false, &domains, err)) < 0 ||
	    (r = take_list(blk, "dns_server_ips", true, &servers, err)) < 0 ||
	    (r = take_interfaces(blk, &ifaces, err)) < 0 ||
	    !(out = json_object_new_object())) {
		json_object_put(domains);
		json_object_put(servers);
		json_object_put(ifaces);
		json_object_put(blk);
		return r < 0 ? r : nd_error_set(err, -ENOMEM, "out of memory");
	}
	json_object_put(blk);
	json_object_object_add(out, "dns_search_domains", domains);
	json_object_object_add(out, "dns_server_ips", servers);
	json_object_object_add(out, "interfaces", ifaces);
	r = typed_block(out, &n);
	json_object_put(out);
	if (r < 0) {
		nd_result_net_done(&n);
		return nd_error_set(err, r, "out of memory");
	}
	*ret = n;
	return 0;
}

int plugin_output_error(const char *buf, size_t len, char **ret, struct nd_error *err)
{
	json_object *o = NULL;
	char *msg = NULL;
	int r;

	r = parse_value(buf, len, &o, err);
	if (r < 0)
		return r;
	r = ju_string(o, "error", true, "", &msg, err);
	json_object_put(o);
	if (r < 0)
		return r;
	*ret = msg;
	return 0;
}

int plugin_output_info(const char *buf, size_t len, json_object **ret, struct nd_error *err)
{
	_cleanup_free_ char *version = NULL, *api = NULL;
	json_object *o = NULL;
	int r;

	r = parse_value(buf, len, &o, err);
	if (r < 0)
		return r;
	if ((r = ju_string(o, "version", true, "", &version, err)) < 0 ||
	    (r = ju_string(o, "api_version", true, "", &api, err)) < 0) {
		json_object_put(o);
		return r;
	}
	*ret = o;
	return 0;
}

int plugin_output_network(const char *buf, size_t len, json_object **ret, struct nd_error *err)
{
	static const char *const keys[] = { "name", "id", "driver" };
	json_object *o = NULL;
	int r;

	r = parse_value(buf, len, &o, err);
	if (r < 0)
		return r;
	for (size_t k = 0; k < ELEMENTSOF(keys); k++) {
		char *s = NULL;
		r = ju_string(o, keys[k], true, "", &s, err);
		free(s);
		if (r < 0) {
			json_object_put(o);
			return r;
		}
	}
	*ret = o;
	return 0;
}
