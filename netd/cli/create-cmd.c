// SPDX-License-Identifier: Apache-2.0
/*
 * netd create: netavark 2.x's create command. Reads {"network": {...},
 * "used": {...}, "options": {...}} from stdin (or -f), completes the network
 * with create_complete() (model/create.h) against what is used, or hands it
 * to the plugin of a driver that is not built in, and prints the network.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "create.h"
#include "jsonutil.h"
#include "plugin.h"
#include "result-model.h"
#include "shared/cleanup.h"

#define MAX_USED 4096
#define MAX_POOLS 256

/* The "used" and "options" members of netd create's input, borrowed from @root. */
struct create_input {
	struct create_ctx ctx;
	struct create_pool pools[MAX_POOLS];
	struct nd_prefix subnets[MAX_USED];
	const char **interfaces;
	const char **names;
};

static void create_input_done(struct create_input *in)
{
	free(in->interfaces);
	free(in->names);
	free(in);
}

static int load_pools(json_object *pools, struct create_input *in, struct nd_error *err)
{
	size_t n = pools && json_object_is_type(pools, json_type_array) ?
		json_object_array_length(pools) : 0;

	if (n > MAX_POOLS)
		return nd_error_set(err, -EINVAL, "options.subnet_pools: more than %d pools",
				    MAX_POOLS);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = ju_path_idx("options.subnet_pools", i);
		json_object *pool = json_object_array_get_idx(pools, i), *bv;
		int64_t size;
		bool present, v6;

		bv = ju_get(pool, "base");
		if (!bv || nd_prefix_parse(json_object_get_string(bv), &in->pools[i].base, NULL) < 0)
			return nd_error_set(err, -EINVAL, "options.subnet_pools[%zu].base: not a CIDR", i);
		/* IPv4 pools hand out /24s by default, IPv6 pools /64s. */
		v6 = in->pools[i].base.addr.family == AF_INET6;
		if (ju_int(pool, "size", false, 1, v6 ? 128 : 30, p, &size, &present, err) < 0)
			return -EINVAL;
		if (!present)
			size = v6 ? 64 : 24;
		if (size < in->pools[i].base.len)
			return nd_error_set(err, -EINVAL,
					    "%s.size: /%d is larger than the pool %s itself",
					    p, (int)size, json_object_get_string(bv));
		in->pools[i].size = (uint8_t)size;
	}
	in->ctx.pools = in->pools;
	in->ctx.n_pools = n;
	return 0;
}

static int load_used(json_object *root, struct create_input *in, struct nd_error *err)
{
	json_object *used = ju_get(root, "used"), *subnets, *ifs, *names;
	size_t n;

	if (!used)
		return 0;
	ifs = ju_get(used, "interfaces");
	n = ifs && json_object_is_type(ifs, json_type_array) ? json_object_array_length(ifs) : 0;
	in->interfaces = calloc(n ? n : 1, sizeof(*in->interfaces));
	if (!in->interfaces)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(ifs, i);
		if (json_object_is_type(v, json_type_string))
			in->interfaces[in->ctx.n_used_interfaces++] = json_object_get_string(v);
	}
	in->ctx.used_interfaces = in->interfaces;
	names = ju_get(used, "names");
	n = names && json_object_is_type(names, json_type_object) ?
		(size_t)json_object_object_length(names) : 0;
	in->names = calloc(n ? n : 1, sizeof(*in->names));
	if (!in->names)
		return -ENOMEM;
	if (n) {
		json_object_object_foreach(names, key, val) {
			if (val)	/* a JSON null counts as absent */
				in->names[in->ctx.n_used_names++] = key;
		}
	}
	in->ctx.used_names = in->names;
	subnets = ju_get(used, "subnets");
	for (size_t i = 0; subnets && i < json_object_array_length(subnets) &&
			   in->ctx.n_used_subnets < MAX_USED; i++) {
		json_object *v = json_object_array_get_idx(subnets, i);
		if (nd_prefix_parse(json_object_get_string(v), &in->subnets[in->ctx.n_used_subnets], NULL) == 0)
			in->ctx.n_used_subnets++;
		else
			return nd_error_set(err, -EINVAL, "used.subnets[%zu]: not a CIDR", i);
	}
	in->ctx.used_subnets = in->subnets;
	return 0;
}

int cmd_create(const struct netd_opts *opts, struct nd_error *err)
{
	_cleanup_free_ char *raw = NULL;
	json_object *root = NULL, *o;
	struct create_input *in = calloc(1, sizeof(*in));
	size_t len;
	int r;

	if (!in)
		return -ENOMEM;
	if ((r = cmd_read_input(opts, &raw, &len, err)) < 0 || (r = ju_parse(raw, len, &root, err)) < 0)
		goto out;
	if ((o = ju_get(root, "options"))) {
		if (ju_get(o, "default_interface_name"))
			in->ctx.default_interface_name =
				json_object_get_string(ju_get(o, "default_interface_name"));
		if (ju_get(o, "check_used_subnets"))
			in->ctx.check_used_subnets =
				json_object_get_boolean(ju_get(o, "check_used_subnets"));
		if ((r = load_pools(ju_get(o, "subnet_pools"), in, err)) < 0)
			goto out;
	}
	if ((r = load_used(root, in, err)) < 0)
		goto out;
	/* A driver that is not built in is a plugin's: it completes the network itself. */
	{
		json_object *net = ju_get(root, "network"), *drv = ju_get(net, "driver"), *out = NULL;
		const char *d = drv ? json_object_get_string(drv) : "bridge";
		if (strcmp(d, "bridge") != 0 && strcmp(d, "macvlan") != 0 && strcmp(d, "ipvlan") != 0) {
			if (!ju_get(net, "name")) {
				r = nd_error_set(err, -EINVAL, "Network name must be supplied");
				goto out;
			}
			r = plugin_create(opts, d, net, &out, err);
			if (r == 0) {
				r = result_print(out);
				json_object_put(out);
			}
			goto out;
		}
	}
	if ((r = create_complete(ju_get(root, "network"), &in->ctx, err)) < 0)
		goto out;
	r = result_print(ju_get(root, "network"));
out:
	json_object_put(root);
	create_input_done(in);
	return r;
}
