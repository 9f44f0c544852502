// SPDX-License-Identifier: Apache-2.0
/*
 * netd network create|ls|inspect|rm: networks as files in the network
 * directory. create builds a partial Network object from the options and
 * completes it with create_complete(), exactly as `netd create` would, with
 * the networks already defined as "used".
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin-ctx.h"
#include "admin-netstore.h"
#include "admin-attstore.h"
#include "admin-att.h"
#include "admin-cmd.h"
#include "create.h"
#include "jsonutil.h"
#include "state.h"
#include "shared/names.h"
#include "shared/cleanup.h"

#define MAX_LIST 32

static const char create_help[] =
	"Usage: netd network create NAME [OPTIONS]\n"
	"\n"
	"Define a bridge network and store it as NAME.json in the network directory.\n"
	"Without --subnet, a free /24 from 10.89.0.0/16 is picked.\n"
	"\n"
	"  --subnet CIDR        a subnet (repeatable: one IPv4 and one IPv6, say)\n"
	"  --gateway IP         the gateway of the subnet containing it (default: first address)\n"
	"  --ip-range RANGE     addresses to hand out: CIDR or START-END inside a subnet\n"
	"  --ipv6               also an IPv6 subnet (a random ULA /64 unless --subnet gives one)\n"
	"  --internal           no traffic beyond the network (no default route, no NAT)\n"
	"  --isolate MODE       strict (default): no other network; true: no isolated network;\n"
	"                       false: not restricted\n"
	"  --disable-dns        no DNS server for the network\n"
	"  --mtu N              MTU of the bridge and the veths\n"
	"  --bridge NAME        bridge interface name (default netdN)\n"
	"  --label KEY=VALUE    a label (repeatable)\n"
	"  --network-dir DIR    network directory\n"
	"\n"
	"Example:\n"
	"  netd network create blue --subnet 10.10.0.0/24 --ipv6 --isolate false\n";

static const char ls_help[] =
	"Usage: netd network ls [--json]\n"
	"\n"
	"List the networks of the network directory, with how many namespaces are attached.\n"
	"\n"
	"  --json    the Network objects as a JSON array\n"
	"\n"
	"Example:\n"
	"  netd network ls\n";

static const char inspect_help[] =
	"Usage: netd network inspect NAME\n"
	"\n"
	"Print the stored Network object (netavark's JSON) of a network.\n"
	"\n"
	"Example:\n"
	"  netd network inspect blue | jq -r '.subnets[].subnet'\n";

static const char rm_help[] =
	"Usage: netd network rm NAME [--force]\n"
	"\n"
	"Remove a network definition. Refused while namespaces are attached to it,\n"
	"unless --force, which detaches them first.\n"
	"\n"
	"Example:\n"
	"  netd network rm blue --force\n";

static const char network_help[] =
	"Usage: netd network create|ls|inspect|rm ...\n"
	"\n"
	"  create NAME [OPTIONS]   define a network\n"
	"  ls [--json]             list networks\n"
	"  inspect NAME            print a network's JSON\n"
	"  rm NAME [--force]       remove a network\n"
	"\n"
	"Networks are files in the network directory: --network-dir DIR, else\n"
	"$NETD_NETWORK_DIR, else " ADMIN_DEFAULT_NETWORK_DIR ".\n"
	"\n"
	"Example:\n"
	"  netd network create blue && netd network ls\n";

enum {
	OPT_SUBNET = 0x100, OPT_GATEWAY, OPT_IPRANGE, OPT_IPV6, OPT_INTERNAL, OPT_ISOLATE,
	OPT_NODNS, OPT_MTU, OPT_BRIDGE, OPT_LABEL, OPT_JSON, OPT_FORCE,
};

struct create_args {
	const char *subnets[MAX_LIST], *gateways[MAX_LIST], *ranges[MAX_LIST], *labels[MAX_LIST];
	size_t n_subnets, n_gateways, n_ranges, n_labels;
	bool ipv6, internal, no_dns;
	const char *isolate, *mtu, *bridge;
};

static int add_list(const char **v, size_t *n, const char *arg, const char *opt)
{
	if (*n == MAX_LIST)
		return admin_usage_error("network create", "too many %s options (at most %d)", opt,
					 MAX_LIST);
	v[(*n)++] = arg;
	return 0;
}

static int create_opt(int opt, const char *arg, void *data)
{
	struct create_args *a = data;

	switch (opt) {
	case OPT_SUBNET:
		return add_list(a->subnets, &a->n_subnets, arg, "--subnet");
	case OPT_GATEWAY:
		return add_list(a->gateways, &a->n_gateways, arg, "--gateway");
	case OPT_IPRANGE:
		return add_list(a->ranges, &a->n_ranges, arg, "--ip-range");
	case OPT_LABEL:
		if (!strchr(arg, '=') || arg[0] == '=')
			return admin_usage_error("network create", "--label \"%s\": expected KEY=VALUE", arg);
		return add_list(a->labels, &a->n_labels, arg, "--label");
	case OPT_IPV6:
		a->ipv6 = true;
		return 0;
	case OPT_INTERNAL:
		a->internal = true;
		return 0;
	case OPT_NODNS:
		a->no_dns = true;
		return 0;
	case OPT_ISOLATE:
		if (strcmp(arg, "strict") != 0 && strcmp(arg, "true") != 0 && strcmp(arg, "false") != 0)
			return admin_usage_error("network create",
						 "--isolate \"%s\": expected strict, true or false", arg);
		a->isolate = arg;
		return 0;
	case OPT_MTU:
		a->mtu = arg;
		return 0;
	case OPT_BRIDGE:
		a->bridge = arg;
		return 0;
	}
	return admin_usage_error("network create", "unexpected option");
}

static json_object *subnet_for(json_object *subnets, const struct nd_ip *ip, const char *opt,
			       const char *arg, struct nd_error *err)
{
	for (size_t i = 0; i < json_object_array_length(subnets); i++) {
		json_object *sn = json_object_array_get_idx(subnets, i);
		struct nd_prefix p;
		if (nd_prefix_parse(json_object_get_string(ju_get(sn, "subnet")), &p, NULL) == 0 &&
		    nd_prefix_contains(&p, ip))
			return sn;
	}
	nd_error_set(err, -EINVAL, "%s %s: not inside any --subnet", opt, arg);
	return NULL;
}

/* --ip-range CIDR or START-END → the lease_range of the subnet containing it. */
static int add_range(json_object *subnets, const char *arg, struct nd_error *err)
{
	_cleanup_free_ char *start = NULL;
	const char *dash = strchr(arg, '-');
	struct nd_ip a, b;
	char sa[ND_ADDRSTRLEN], sb[ND_ADDRSTRLEN];
	json_object *sn, *lr;

	if (dash) {
		start = strndup(arg, (size_t)(dash - arg));
		if (!start)
			return -ENOMEM;
		if (nd_ip_parse(start, &a) < 0 || nd_ip_parse(dash + 1, &b) < 0 ||
		    a.family != b.family)
			return nd_error_set(err, -EINVAL,
					    "--ip-range %s: expected CIDR or START-END (two addresses of one family)",
					    arg);
	} else {
		struct nd_prefix p;
		if (nd_prefix_parse(arg, &p, NULL) < 0)
			return nd_error_set(err, -EINVAL, "--ip-range %s: expected CIDR or START-END", arg);
		nd_prefix_network(&p);
		a = p.addr;
		b = p.addr;
		for (unsigned i = p.len; i < nd_ip_bits(p.addr.family); i++)
			b.b[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	}
	if (memcmp(a.b, b.b, nd_ip_bytes(a.family)) > 0)
		return nd_error_set(err, -EINVAL, "--ip-range %s: the start is after the end", arg);
	if (!(sn = subnet_for(subnets, &a, "--ip-range", arg, err)))
		return -EINVAL;
	if (sn != subnet_for(subnets, &b, "--ip-range", arg, err))
		return nd_error_set(err, -EINVAL, "--ip-range %s: not inside one --subnet", arg);
	if (ju_get(sn, "lease_range"))
		return nd_error_set(err, -EINVAL, "--ip-range %s: that subnet has an --ip-range already",
				    arg);
	lr = json_object_new_object();
	json_object_object_add(lr, "start_ip", json_object_new_string(nd_ip_str(&a, sa)));
	json_object_object_add(lr, "end_ip", json_object_new_string(nd_ip_str(&b, sb)));
	json_object_object_add(sn, "lease_range", lr);
	return 0;
}

/* The partial Network object the options describe. */
static int build_network(const char *name, const struct create_args *a, json_object **ret,
			 struct nd_error *err)
{
	json_object *net = json_object_new_object(), *opts = json_object_new_object();
	json_object *subnets = json_object_new_array();
	int r = 0;

	json_object_object_add(net, "name", json_object_new_string(name));
	json_object_object_add(net, "driver", json_object_new_string("bridge"));
	json_object_object_add(net, "dns_enabled", json_object_new_boolean(!a->no_dns));
	json_object_object_add(net, "internal", json_object_new_boolean(a->internal));
	json_object_object_add(net, "ipv6_enabled", json_object_new_boolean(a->ipv6));
	if (a->bridge)
		json_object_object_add(net, "network_interface", json_object_new_string(a->bridge));
	if (a->isolate)
		json_object_object_add(opts, "isolate", json_object_new_string(a->isolate));
	if (a->mtu)
		json_object_object_add(opts, "mtu", json_object_new_string(a->mtu));
	json_object_object_add(net, "options", opts);
	json_object_object_add(net, "subnets", subnets);
	for (size_t i = 0; i < a->n_subnets && r == 0; i++) {
		struct nd_prefix p, q;
		char b[ND_ADDRSTRLEN];
		const char *why = NULL;
		json_object *sn;

		if (nd_prefix_parse(a->subnets[i], &p, &why) < 0) {
			r = nd_error_set(err, -EINVAL, "--subnet %s: %s", a->subnets[i],
					 why ? why : "not a CIDR");
			break;
		}
		q = p;
		nd_prefix_network(&q);
		if (!nd_prefix_equal(&p, &q)) {
			r = nd_error_set(err, -EINVAL, "--subnet %s: host bits are set (the network is %s)",
					 a->subnets[i], nd_prefix_str(&q, b));
			break;
		}
		sn = json_object_new_object();
		json_object_object_add(sn, "subnet", json_object_new_string(nd_prefix_str(&p, b)));
		json_object_array_add(subnets, sn);
	}
	for (size_t i = 0; i < a->n_gateways && r == 0; i++) {
		struct nd_ip gw;
		json_object *sn;

		if (nd_ip_parse(a->gateways[i], &gw) < 0) {
			r = nd_error_set(err, -EINVAL, "--gateway %s: not an IP address", a->gateways[i]);
			break;
		}
		if (!(sn = subnet_for(subnets, &gw, "--gateway", a->gateways[i], err))) {
			r = -EINVAL;
			break;
		}
		if (ju_get(sn, "gateway")) {
			r = nd_error_set(err, -EINVAL, "--gateway %s: subnet %s has a gateway already",
					 a->gateways[i], json_object_get_string(ju_get(sn, "subnet")));
			break;
		}
		json_object_object_add(sn, "gateway", json_object_new_string(a->gateways[i]));
	}
	for (size_t i = 0; i < a->n_ranges && r == 0; i++)
		r = add_range(subnets, a->ranges[i], err);
	if (r == 0 && a->n_labels) {
		json_object *labels = json_object_new_object();
		json_object_object_add(net, "labels", labels);
		for (size_t i = 0; i < a->n_labels; i++) {
			const char *eq = strchr(a->labels[i], '=');
			_cleanup_free_ char *key = strndup(a->labels[i], (size_t)(eq - a->labels[i]));
			if (!key) {
				r = -ENOMEM;
				break;
			}
			json_object_object_add(labels, key, json_object_new_string(eq + 1));
		}
	}
	if (r < 0) {
		json_object_put(net);
		return r;
	}
	*ret = net;
	return 0;
}

/* Duplicates with the networks already defined, named precisely. */
static int check_unique(json_object *net, const struct admin_nets *nets, struct nd_error *err)
{
	const char *br = json_object_get_string(ju_get(net, "network_interface"));
	json_object *subnets = ju_get(net, "subnets");

	for (size_t k = 0; k < nets->n; k++) {
		const struct nd_network *o = &nets->v[k].net;

		if (br && o->network_interface && strcmp(br, o->network_interface) == 0)
			return nd_error_set(err, -EEXIST, "bridge \"%s\" is already used by network \"%s\"",
					    br, o->name);
		for (size_t i = 0; subnets && i < json_object_array_length(subnets); i++) {
			const char *s = json_object_get_string(ju_get(json_object_array_get_idx(subnets, i),
								       "subnet"));
			struct nd_prefix p;
			char b[ND_ADDRSTRLEN];

			if (!s || nd_prefix_parse(s, &p, NULL) < 0)
				continue;
			for (size_t j = 0; j < o->n_subnets; j++)
				if (nd_prefix_overlaps(&p, &o->subnets[j].subnet))
					return nd_error_set(err, -EEXIST,
							    "subnet %s overlaps subnet %s of network \"%s\"",
							    s, nd_prefix_str(&o->subnets[j].subnet, b),
							    o->name);
		}
	}
	return 0;
}

static int network_create(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err)
{
	static const struct option longopts[] = {
		{ "subnet", required_argument, NULL, OPT_SUBNET },
		{ "gateway", required_argument, NULL, OPT_GATEWAY },
		{ "ip-range", required_argument, NULL, OPT_IPRANGE },
		{ "ipv6", no_argument, NULL, OPT_IPV6 },
		{ "internal", no_argument, NULL, OPT_INTERNAL },
		{ "isolate", required_argument, NULL, OPT_ISOLATE },
		{ "disable-dns", no_argument, NULL, OPT_NODNS },
		{ "mtu", required_argument, NULL, OPT_MTU },
		{ "bridge", required_argument, NULL, OPT_BRIDGE },
		{ "label", required_argument, NULL, OPT_LABEL },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	_cleanup_free_ const char **names = NULL, **ifs = NULL;
	_cleanup_free_ struct nd_prefix *used = NULL;
	_cleanup_close_ int lock = -1;
	struct admin_nets nets = {0};
	struct create_args a = {0};
	struct create_ctx cc = { .default_interface_name = "netd", .check_used_subnets = true };
	json_object *net = NULL;
	char *pos[1];
	size_t n_pos, n_used = 0;
	int r;

	r = admin_getopt("network create", create_help, argc, argv, longopts, NULL, create_opt, &a,
			 pos, 1, &n_pos);
	if (r)
		return r == 1 ? 0 : r;
	if (n_pos != 1)
		return admin_usage_error("network create", "the network NAME is missing");
	if (a.n_ranges && !a.n_subnets)
		return admin_usage_error("network create", "--ip-range needs --subnet");
	if (a.n_gateways && !a.n_subnets)
		return admin_usage_error("network create", "--gateway needs --subnet");
	if (a.bridge) {
		const char *why;
		if (!ju_ifname_valid(a.bridge, &why))
			return nd_error_set(err, -EINVAL, "--bridge %s: an interface name that %s", a.bridge,
					    why);
	}
	if ((r = nd_network_name_check(NULL, pos[0], err)) < 0 ||
	    (r = build_network(pos[0], &a, &net, err)) < 0)
		return r;

	lock = state_lock(ctx->network_dir, err);
	if (lock < 0) {
		r = lock;
		goto out;
	}
	if ((r = netstore_load(ctx->network_dir, &nets, err)) < 0)
		goto out;
	if (netstore_find(&nets, pos[0])) {
		r = nd_error_set(err, -EEXIST, "network \"%s\" already exists (%s)", pos[0],
				 netstore_find(&nets, pos[0])->path);
		goto out;
	}
	if ((r = check_unique(net, &nets, err)) < 0)
		goto out;
	names = calloc(nets.n + 1, sizeof(*names));
	ifs = calloc(nets.n + 1, sizeof(*ifs));
	for (size_t k = 0; k < nets.n; k++)
		n_used += nets.v[k].net.n_subnets;
	used = calloc(n_used + 1, sizeof(*used));
	if (!names || !ifs || !used) {
		r = -ENOMEM;
		goto out;
	}
	n_used = 0;
	for (size_t k = 0; k < nets.n; k++) {
		names[k] = nets.v[k].net.name;
		ifs[k] = nets.v[k].net.network_interface;
		for (size_t j = 0; j < nets.v[k].net.n_subnets; j++)
			used[n_used++] = nets.v[k].net.subnets[j].subnet;
	}
	cc.used_names = names;
	cc.n_used_names = nets.n;
	cc.used_interfaces = ifs;
	cc.n_used_interfaces = nets.n;
	cc.used_subnets = used;
	cc.n_used_subnets = n_used;
	if ((r = create_complete(net, &cc, err)) < 0) {
		char quoted[300];
		snprintf(quoted, sizeof(quoted), "\"%s\"", pos[0]);
		if (!err->msg || !strstr(err->msg, quoted))	/* name it once, not twice */
			nd_error_prefix(err, "network %s", quoted);
		goto out;
	}
	/* The bridge and subnets create picked, against the same list (belt and braces). */
	if ((r = check_unique(net, &nets, err)) < 0 ||
	    (r = netstore_save(ctx->network_dir, net, err)) < 0)
		goto out;
	printf("%s\n", pos[0]);
	r = fflush(stdout) == 0 ? 0 : -EIO;
out:
	json_object_put(net);
	netstore_done(&nets);
	return r;
}

static int count_attached(const struct admin_atts *atts, const char *network)
{
	int n = 0;

	for (size_t i = 0; i < atts->n; i++)
		n += strcmp(atts->v[i].network, network) == 0;
	return n;
}

static int flag_opt(int opt, const char *arg, void *data)
{
	*(bool *)data = true;
	return 0;
}

static int network_ls(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct admin_nets nets = {0};
	struct admin_atts atts = {0};
	struct admin_table t;
	bool json = false;
	size_t n_pos;
	int r;

	r = admin_getopt("network ls", ls_help, argc, argv, longopts, NULL, flag_opt, &json, NULL, 0,
			 &n_pos);
	if (r)
		return r == 1 ? 0 : r;
	if ((r = netstore_load(ctx->network_dir, &nets, err)) < 0)
		return r;
	if (json) {
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < nets.n; i++)
			json_object_array_add(arr, json_object_get(nets.v[i].json));
		r = admin_print_json(arr, false);
		json_object_put(arr);
		netstore_done(&nets);
		return r;
	}
	if ((r = attstore_load(ctx->opts.config_dir, &atts, err)) < 0 ||
	    (r = admin_table_init(&t, 7, "NAME", "BRIDGE", "SUBNETS", "DNS", "INTERNAL", "ISOLATE",
				  "ATTACHED")) < 0)
		goto out;
	for (size_t i = 0; i < nets.n && r == 0; i++) {
		const struct nd_network *n = &nets.v[i].net;
		char subnets[512] = "", count[16], b[ND_ADDRSTRLEN];
		size_t off = 0;

		for (size_t s = 0; s < n->n_subnets; s++)
			off += (size_t)snprintf(subnets + off, off < sizeof(subnets) ? sizeof(subnets) - off : 0,
						"%s%s", s ? "," : "", nd_prefix_str(&n->subnets[s].subnet, b));
		snprintf(count, sizeof(count), "%d", count_attached(&atts, n->name));
		r = admin_table_row(&t, (const char *[]){ n->name, n->network_interface, subnets,
							  n->dns_enabled ? "yes" : "no",
							  n->internal ? "yes" : "no",
							  nd_isolate_name(n->isolate), count });
	}
	if (r == 0)
		admin_table_print(&t, stdout);
	admin_table_done(&t);
out:
	attstore_done(&atts);
	netstore_done(&nets);
	return r;
}

static int no_opt(int opt, const char *arg, void *data)
{
	return 2;
}

static int network_inspect(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err)
{
	static const struct option longopts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	struct admin_nets nets = {0};
	const struct admin_net *n;
	char *pos[1];
	size_t n_pos;
	int r;

	r = admin_getopt("network inspect", inspect_help, argc, argv, longopts, NULL, no_opt, NULL,
			 pos, 1, &n_pos);
	if (r)
		return r == 1 ? 0 : r;
	if (n_pos != 1)
		return admin_usage_error("network inspect", "the network NAME is missing");
	if ((r = nd_network_name_check(NULL, pos[0], err)) < 0 ||
	    (r = netstore_load(ctx->network_dir, &nets, err)) < 0)
		return r;
	n = netstore_find(&nets, pos[0]);
	if (!n)
		r = nd_error_set(err, -ENOENT, "network \"%s\" not found in %s", pos[0], ctx->network_dir);
	else
		r = admin_print_json(n->json, true);
	netstore_done(&nets);
	return r;
}

/* The container ids attached to @network, and "ns1, ns2" for messages. */
static int attached_to(struct admin_ctx *ctx, const char *network, char ***ids, size_t *n,
		       char **list, struct nd_error *err)
{
	struct admin_atts atts = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	*n = 0;
	*ids = NULL;
	*list = NULL;
	if ((r = attstore_load(ctx->opts.config_dir, &atts, err)) < 0)
		return r;
	*ids = calloc(atts.n + 1, sizeof(**ids));
	f = open_memstream(&buf, &len);
	if (!*ids || !f) {
		if (f)
			fclose(f);
		free(buf);
		attstore_done(&atts);
		return -ENOMEM;
	}
	for (size_t i = 0; i < atts.n; i++) {
		if (strcmp(atts.v[i].network, network) != 0)
			continue;
		fprintf(f, "%s%s", *n ? ", " : "", admin_att_nsname(&atts.v[i]));
		if (!((*ids)[*n] = strdup(atts.v[i].container_id))) {
			r = -ENOMEM;
			break;
		}
		(*n)++;
	}
	fclose(f);
	*list = buf;
	attstore_done(&atts);
	return r;
}

static void free_ids(char **ids, size_t n)
{
	for (size_t i = 0; ids && i < n; i++)
		free(ids[i]);
	free(ids);
}

static int network_rm(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	_cleanup_close_ int dir_lock = -1, lock = -1;
	_cleanup_free_ char *list = NULL;
	struct admin_nets nets = {0};
	char **ids = NULL, *pos[1];
	bool force = false;
	size_t n_pos, n = 0;
	int r;

	r = admin_getopt("network rm", rm_help, argc, argv, longopts, "f", flag_opt, &force, pos, 1,
			 &n_pos);
	if (r)
		return r == 1 ? 0 : r;
	if (n_pos != 1)
		return admin_usage_error("network rm", "the network NAME is missing");
	if ((r = nd_network_name_check(NULL, pos[0], err)) < 0)
		return r;
	dir_lock = state_lock(ctx->network_dir, err);
	if (dir_lock < 0)
		return dir_lock;
	if ((r = netstore_load(ctx->network_dir, &nets, err)) < 0)
		return r;
	if (!netstore_find(&nets, pos[0])) {
		r = nd_error_set(err, -ENOENT, "network \"%s\" not found in %s", pos[0], ctx->network_dir);
		goto out;
	}
	lock = state_lock(ctx->opts.config_dir, err);
	if (lock < 0 || (r = attached_to(ctx, pos[0], &ids, &n, &list, err)) < 0) {
		r = lock < 0 ? lock : r;
		goto out;
	}
	if (n && !force) {
		r = nd_error_set(err, -EBUSY,
				 "network \"%s\" is in use: %zu namespace%s attached (%s); detach %s first, or use --force",
				 pos[0], n, n == 1 ? " is" : "s are", list, n == 1 ? "it" : "them");
		goto out;
	}
	if (n) {
		/* netd_teardown takes the state lock itself. */
		lock = (close(lock), -1);
		for (size_t i = 0; i < n; i++)
			if ((r = admin_detach_one(ctx, ids[i], err)) < 0) {
				nd_error_prefix(err, "network \"%s\" not removed", pos[0]);
				goto out;
			}
		free_ids(ids, n);
		ids = NULL;
		free(list);
		list = NULL;
		lock = state_lock(ctx->opts.config_dir, err);
		if (lock < 0 || (r = attached_to(ctx, pos[0], &ids, &n, &list, err)) < 0) {
			r = lock < 0 ? lock : r;
			goto out;
		}
		if (n) {
			r = nd_error_set(err, -EBUSY, "network \"%s\" not removed: %s attached meanwhile",
					 pos[0], list);
			goto out;
		}
	}
	if ((r = netstore_remove(ctx->network_dir, pos[0], err)) < 0)
		goto out;
	printf("%s\n", pos[0]);
	r = fflush(stdout) == 0 ? 0 : -EIO;
out:
	free_ids(ids, n);
	netstore_done(&nets);
	return r;
}

int admin_cmd_network(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err)
{
	const char *sub = argc > 0 ? argv[0] : NULL;

	if (!sub) {
		fputs(network_help, stderr);
		return 2;
	}
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
		fputs(network_help, stdout);
		fputs(admin_common_help, stdout);
		return 0;
	}
	if (strcmp(sub, "create") == 0)
		return network_create(ctx, argc - 1, argv + 1, err);
	if (strcmp(sub, "ls") == 0 || strcmp(sub, "list") == 0)
		return network_ls(ctx, argc - 1, argv + 1, err);
	if (strcmp(sub, "inspect") == 0)
		return network_inspect(ctx, argc - 1, argv + 1, err);
	if (strcmp(sub, "rm") == 0 || strcmp(sub, "remove") == 0)
		return network_rm(ctx, argc - 1, argv + 1, err);
	return admin_usage_error("network", "unknown subcommand '%s' (create, ls, inspect, rm)", sub);
}
