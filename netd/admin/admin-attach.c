// SPDX-License-Identifier: Apache-2.0
/*
 * netd attach: a namespace joins a network the way an engine's container
 * would. attach allocates the addresses and an interface name, builds the
 * netavark request in memory with the model constructors (admin-attreq.c,
 * from what it chose and the network) and runs netd_setup(); detach
 * (admin-detach.c) tears down with the request the container record keeps.
 *
 * Locking: under the state lock, attach reads every container record of
 * admin's (the addresses in use are their requests'), and writes the new
 * container's record with its request and a pending lease
 * (admin-attstore.c); the lock is released for netd_setup() (which takes it
 * itself and completes that record), then the lease is marked ready, or the
 * record removed, under the lock again. Concurrent attaches therefore never
 * hand out one address twice, and an interrupted attach leaves a pending
 * record that check reports and detach removes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin-ctx.h"
#include "admin-netstore.h"
#include "admin-attstore.h"
#include "admin-cmd.h"
#include "admin-attreq.h"
#include "dns-conf.h"
#include "pipeline.h"
#include "ipalloc.h"
#include "jsonutil.h"
#include "link-veth.h"
#include "netns.h"
#include "network.h"
#include "request.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#define MAX_LIST 32

static const char attach_help[] =
	"Usage: netd attach NETNS --network NAME [OPTIONS]\n"
	"\n"
	"Attach a network namespace (a name in /run/netns, or a path) to a network,\n"
	"as a container engine would: veth pair, addresses, routes, firewall, DNS.\n"
	"One free address per subnet is allocated unless --ip gives it.\n"
	"\n"
	"  --network NAME       the network (required)\n"
	"  --ip ADDR            this address instead of the next free one (repeatable)\n"
	"  --mac MAC            MAC address of the interface\n"
	"  --alias NAME         another DNS name (repeatable)\n"
	"  --publish [HOSTIP:]HOSTPORT:PORT[/tcp|udp|sctp]\n"
	"                       forward a host port (repeatable; ranges as 8000-8009:80-89,\n"
	"                       IPv6 host addresses in brackets: [::1]:8080:80)\n"
	"  --interface NAME     interface name in the namespace (default eth0, or the next\n"
	"                       free ethN)\n"
	"  --name NAME          the DNS name (default: the namespace's name)\n"
	"  --json               print netavark's JSON result instead of a summary\n"
	"\n"
	"Example:\n"
	"  ip netns add web && netd attach web --network blue --publish 8080:80\n";

enum { OPT_NETWORK = 0x100, OPT_IP, OPT_MAC, OPT_ALIAS, OPT_PUBLISH, OPT_IFACE, OPT_NAME, OPT_JSON };

struct attach_args {
	const char *network, *mac, *iface, *name;
	const char *ips[MAX_LIST], *aliases[MAX_LIST];
	size_t n_ips, n_aliases;
	struct nd_port *ports;		/* the --publish mappings */
	size_t n_ports;
	bool json;
};

static int parse_port_range(const char *s, unsigned *lo, unsigned *n)
{
	char *end;
	unsigned long a, b;

	if (!*s || *s < '0' || *s > '9')
		return -EINVAL;
	a = strtoul(s, &end, 10);
	b = a;
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			return -EINVAL;
		b = strtoul(end + 1, &end, 10);
	}
	if (*end || a == 0 || a > 65535 || b < a || b > 65535)
		return -EINVAL;
	*lo = (unsigned)a;
	*n = (unsigned)(b - a + 1);
	return 0;
}

/* [HOSTIP:]HOSTPORT[-END]:PORT[-END][/PROTO] → a port mapping of @a. */
static int parse_publish(const char *spec, struct attach_args *a)
{
	_cleanup_free_ char *s = strdup(spec);
	const char *proto = "tcp", *host_ip = "";
	char *slash, *colon, *host;
	unsigned hp, hn, cp, cn;
	struct nd_port pm = { .host_ip_kind = ND_HOSTIP_ALL, .proto = ND_PROTO_TCP };
	struct nd_port *grown;

	if (!s)
		return admin_usage_error("attach", "out of memory");
	if ((slash = strrchr(s, '/'))) {
		*slash = '\0';
		proto = slash + 1;
		if (strcmp(proto, "udp") == 0)
			pm.proto = ND_PROTO_UDP;
		else if (strcmp(proto, "sctp") == 0)
			pm.proto = ND_PROTO_SCTP;
		else if (strcmp(proto, "tcp") != 0)
			return admin_usage_error("attach", "--publish %s: unknown protocol \"%s\" (tcp, udp or sctp)",
						 spec, proto);
	}
	colon = strrchr(s, ':');
	if (!colon)
		return admin_usage_error("attach", "--publish %s: expected [HOSTIP:]HOSTPORT:PORT[/PROTO]",
					 spec);
	*colon = '\0';
	if (parse_port_range(colon + 1, &cp, &cn) < 0)
		return admin_usage_error("attach", "--publish %s: \"%s\" is not a port or port range",
					 spec, colon + 1);
	host = s;
	if ((colon = strrchr(s, ':'))) {
		*colon = '\0';
		host = colon + 1;
		host_ip = s;
		if (host_ip[0] == '[') {
			size_t l = strlen(host_ip);
			if (l < 3 || host_ip[l - 1] != ']')
				return admin_usage_error("attach", "--publish %s: unbalanced brackets", spec);
			s[l - 1] = '\0';
			host_ip++;
		}
		if (nd_ip_parse(host_ip, &pm.host_ip) < 0)
			return admin_usage_error("attach",
						 "--publish %s: \"%s\" is not an IP address (IPv6 goes in brackets)",
						 spec, host_ip);
		/* As netavark reads host_ip: the two wildcards by their text, else one address. */
		if (strcmp(host_ip, "0.0.0.0") == 0 || strcmp(host_ip, "::") == 0) {
			pm.host_ip_kind = host_ip[0] == '0' ? ND_HOSTIP_ALL_V4 : ND_HOSTIP_ALL_V6;
			pm.host_ip = (struct nd_ip){0};
		} else {
			pm.host_ip_kind = ND_HOSTIP_ONE;
		}
	}
	if (parse_port_range(host, &hp, &hn) < 0)
		return admin_usage_error("attach", "--publish %s: \"%s\" is not a port or port range",
					 spec, host);
	if (hn != cn)
		return admin_usage_error("attach", "--publish %s: the host and container ranges differ in length",
					 spec);
	pm.container_port = (uint16_t)cp;
	pm.host_port = (uint16_t)hp;
	pm.range = (uint16_t)hn;
	grown = realloc(a->ports, (a->n_ports + 1) * sizeof(*grown));
	if (!grown)
		return admin_usage_error("attach", "out of memory");
	a->ports = grown;
	a->ports[a->n_ports++] = pm;
	return 0;
}

static int attach_opt(int opt, const char *arg, void *data)
{
	struct attach_args *a = data;

	switch (opt) {
	case OPT_NETWORK:
		a->network = arg;
		return 0;
	case OPT_IP:
		if (a->n_ips == MAX_LIST)
			return admin_usage_error("attach", "too many --ip options");
		a->ips[a->n_ips++] = arg;
		return 0;
	case OPT_ALIAS:
		if (a->n_aliases == MAX_LIST)
			return admin_usage_error("attach", "too many --alias options");
		a->aliases[a->n_aliases++] = arg;
		return 0;
	case OPT_MAC:
		a->mac = arg;
		return 0;
	case OPT_PUBLISH:
	case 'p':
		return parse_publish(arg, a);
	case OPT_IFACE:
		a->iface = arg;
		return 0;
	case OPT_NAME:
		a->name = arg;
		return 0;
	case OPT_JSON:
		a->json = true;
		return 0;
	}
	return admin_usage_error("attach", "unexpected option");
}

/* The addresses every record of admin's holds on @network (the allocation). */
static int used_addrs(const struct admin_atts *atts, const char *network, struct nd_ip **ret,
		      size_t *n)
{
	size_t total = 0;

	for (size_t i = 0; i < atts->n; i++)
		if (strcmp(atts->v[i].network, network) == 0)
			total += atts->v[i].req->attach[0].n_addrs;
	*ret = calloc(total + 1, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	*n = 0;
	for (size_t i = 0; i < atts->n; i++)
		if (strcmp(atts->v[i].network, network) == 0)
			for (size_t k = 0; k < atts->v[i].req->attach[0].n_addrs; k++)
				(*ret)[(*n)++] = atts->v[i].req->attach[0].addrs[k].addr.addr;
	return 0;
}

/* One address per subnet: the --ip inside it, else the next free one; @ips has n_subnets. */
static int allocate(const struct nd_network *net, const struct attach_args *args,
		    const struct admin_atts *atts, struct nd_ip *ips, struct nd_error *err)
{
	_cleanup_free_ struct nd_ip *used = NULL;
	struct nd_ip given[MAX_LIST];
	bool consumed[MAX_LIST] = {0};
	char b[ND_ADDRSTRLEN], b2[ND_ADDRSTRLEN];
	size_t n_used;
	int r;

	for (size_t i = 0; i < args->n_ips; i++)
		if (nd_ip_parse(args->ips[i], &given[i]) < 0)
			return nd_error_set(err, -EINVAL, "--ip %s: not an IP address", args->ips[i]);
	if ((r = used_addrs(atts, net->name, &used, &n_used)) < 0)
		return r;
	for (size_t s = 0; s < net->n_subnets; s++) {
		const struct nd_subnet *sn = &net->subnets[s];
		const struct nd_ip *pick = NULL;
		struct nd_ip ip;
		const char *why;

		for (size_t i = 0; i < args->n_ips; i++) {
			if (!nd_prefix_contains(&sn->subnet, &given[i]))
				continue;
			if (pick)
				return nd_error_set(err, -EINVAL, "--ip %s: subnet %s has an --ip already",
						    args->ips[i], nd_prefix_str(&sn->subnet, b));
			if (ipalloc_check(sn, &given[i], &why) < 0)
				return nd_error_set(err, -EINVAL, "--ip %s %s %s of network \"%s\"",
						    args->ips[i], why, nd_prefix_str(&sn->subnet, b),
						    net->name);
			pick = &given[i];
			consumed[i] = true;
		}
		if (pick) {
			const struct admin_att *o = attstore_holder(atts, net->name, pick, NULL);
			if (o)
				return nd_error_set(err, -EADDRINUSE,
						    "network \"%s\": address %s is already used by %s",
						    net->name, nd_ip_str(pick, b), admin_att_nsname(o));
			ip = *pick;
		} else if ((r = ipalloc_next(sn, used, n_used, &ip)) < 0) {
			if (r == -ENOMEM)
				return r;
			return nd_error_set(err, -ENOSPC, "network \"%s\": no free IPv%d address left in %s",
					    net->name, sn->subnet.addr.family == AF_INET ? 4 : 6,
					    nd_prefix_str(&sn->subnet, b2));
		}
		ips[s] = ip;
	}
	for (size_t i = 0; i < args->n_ips; i++)
		if (!consumed[i])
			return nd_error_set(err, -EINVAL, "--ip %s: not inside any subnet of network \"%s\"",
					    args->ips[i], net->name);
	return 0;
}

/* eth0, or the first ethN neither netd nor anyone else uses in the namespace. */
static int pick_interface(const struct admin_atts *atts, const char *path,
			  const struct netns_id *nsid, struct nlx *ns, const char *given, char out[IFNAMSIZ],
			  struct nd_error *err)
{
	for (unsigned k = 0; k < 1000; k++) {
		struct nlx_link l;
		bool taken = false;

		if (given)
			snprintf(out, IFNAMSIZ, "%s", given);
		else
			snprintf(out, IFNAMSIZ, "eth%u", k);
		for (size_t i = 0; i < atts->n && !taken; i++)
			if (admin_att_same_ns(&atts->v[i], path, nsid) &&
			    strcmp(atts->v[i].req->attach[0].interface_name, out) == 0) {
				if (given)
					return nd_error_set(err, -EEXIST,
							    "--interface %s: namespace %s uses it for network \"%s\" already",
							    given, admin_att_nsname(&atts->v[i]),
							    atts->v[i].network);
				taken = true;
			}
		if (given)
			return 0;	/* an interface of someone else: setup names the clash */
		if (!taken && !(ns && nlx_link_by_name(ns, out, &l) == 0))
			return 0;
	}
	return nd_error_set(err, -ENOSPC, "no free interface name ethN in the namespace");
}

static void print_summary(const char *nsname, const char *mac, const struct nd_request *req,
			  bool dns_runs, FILE *f)
{
	const struct nd_attach *at = &req->attach[0];
	const struct nd_network *net = at->net;
	char host[IFNAMSIZ], b[ND_ADDRSTRLEN], g[ND_ADDRSTRLEN];

	veth_host_name(req->container_id, net->name, host);
	fprintf(f, "%s attached to network %s\n", nsname, net->name);
	fprintf(f, "  interface  %s (%s), host veth %s on bridge %s\n", at->interface_name,
		mac[0] ? mac : "?", host, net->network_interface);
	for (size_t k = 0; k < at->n_addrs; k++) {
		const struct nd_subnet *sn = at->addrs[k].subnet;
		fprintf(f, "  address    %s%s%s\n", nd_prefix_str(&at->addrs[k].addr, b),
			sn->has_gateway && !net->internal ? ", gateway " : "",
			sn->has_gateway && !net->internal ? nd_ip_str(&sn->gateway, g) : "");
	}
	if (net->dns_enabled) {
		fprintf(f, "  dns        %s", req->container_name);
		for (size_t k = 0; k < at->n_aliases; k++)
			fprintf(f, ", %s", at->aliases[k]);
		fprintf(f, dns_runs ? " (search domain dns.podman)\n" : " (not served: no DNS server runs)\n");
	}
	for (size_t k = 0; k < req->n_ports; k++) {
		const struct nd_port *p = &req->ports[k];
		char hip[ND_ADDRSTRLEN + 2];

		if (p->host_ip_kind == ND_HOSTIP_ONE)
			snprintf(hip, sizeof(hip), p->host_ip.family == AF_INET6 ? "[%s]" : "%s",
				 nd_ip_str(&p->host_ip, b));
		else
			snprintf(hip, sizeof(hip), "%s", p->host_ip_kind == ND_HOSTIP_ALL_V4 ? "0.0.0.0" :
				 p->host_ip_kind == ND_HOSTIP_ALL_V6 ? "[::]" : "*");
		if (p->range > 1)
			fprintf(f, "  publish    %s:%u-%u -> %u-%u/%s\n", hip, p->host_port,
				p->host_port + p->range - 1, p->container_port,
				p->container_port + p->range - 1, nd_proto_name(p->proto));
		else
			fprintf(f, "  publish    %s:%u -> %u/%s\n", hip, p->host_port, p->container_port,
				nd_proto_name(p->proto));
	}
}

/* Under the lock: checks, allocation, the request, the reservation (its record). */
static int reserve(struct admin_ctx *ctx, const char *path, const char *nsname,
		   const struct attach_args *args, char id[65], struct nd_request **ret_req,
		   struct nd_error *err)
{
	_cleanup_close_ int lock = -1;
	_cleanup_(nlx_freep) struct nlx *ns = NULL;
	struct admin_nets nets = {0};
	struct admin_atts atts = {0};
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	_cleanup_free_ struct nd_ip *ips = NULL;
	const struct admin_net *net;
	char ifname[IFNAMSIZ];
	struct netns_id nsid;
	int r;

	r = admin_netns_ident(path, &nsid);
	if (r < 0) {
		if (r == -NETNS_EHOST)
			return netns_error(err, r, path);
		return nd_error_set(err, r, "invalid namespace %s: %s", path, netns_strerror(r));
	}
	(void)admin_netns_nlx(path, &nsid, &ns);
	lock = state_lock(ctx->opts.config_dir, err);
	if (lock < 0) {
		r = lock;
		goto out;
	}
	if ((r = attstore_load(ctx->opts.config_dir, &atts, err)) < 0 ||
	    (r = netstore_load(ctx->network_dir, &nets, err)) < 0)
		goto out;
	net = netstore_find(&nets, args->network);
	if (!net) {
		r = nd_error_set(err, -ENOENT, "network \"%s\" not found in %s", args->network,
				 ctx->network_dir);
		goto out;
	}
	for (size_t i = 0; i < atts.n; i++) {
		const struct admin_att *o = &atts.v[i];
		if (!admin_att_same_ns(o, path, &nsid) || strcmp(o->network, args->network) != 0)
			continue;
		if (!netns_id_eq(&o->lease->ns, &nsid))
			r = nd_error_set(err, -EEXIST,
					 "namespace %s was deleted and created again since it was attached to network \"%s\"; run 'netd detach %s --network %s' first",
					 nsname, args->network, nsname, args->network);
		else
			r = nd_error_set(err, -EEXIST, "namespace %s is already attached to network \"%s\"%s",
					 nsname, args->network,
					 o->lease->state == CTR_LEASE_PENDING ? " (attach in progress or interrupted)" : "");
		goto out;
	}
	if (!(ips = calloc(net->net.n_subnets + 1, sizeof(*ips)))) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = pick_interface(&atts, path, &nsid, ns, args->iface, ifname, err)) < 0 ||
	    (r = allocate(&net->net, args, &atts, ips, err)) < 0)
		goto out;
	if ((r = admin_random_id(id)) < 0) {
		nd_error_set(err, r, "cannot read random bytes for the container id");
		goto out;
	}
	/* The request is built and validated here, before anything is reserved or changed. */
	if ((r = admin_att_request(&(const struct admin_choices){
			.container_id = id, .name = args->name ? args->name : nsname,
			.interface = ifname, .addrs = ips, .n_addrs = net->net.n_subnets,
			.static_mac = args->mac, .aliases = args->aliases, .n_aliases = args->n_aliases,
			.ports = args->ports, .n_ports = args->n_ports }, &net->net, &req, err)) < 0 ||
	    (r = request_validate(req, err)) < 0)
		goto out;
	r = attstore_reserve(ctx->opts.config_dir, req, path, &nsid, ctx->opts.dns_port, err);
	if (r == 0)	/* the record holds the addresses now */
		*ret_req = TAKE_PTR(req);
out:
	attstore_done(&atts);
	netstore_done(&nets);
	return r;
}

/* Mark the attachment as set up (under the lock), then print it. */
static int complete(struct admin_ctx *ctx, const char *nsname, const char *id,
		    const struct nd_request *req, const struct nd_result *result, bool print_json,
		    struct nd_error *err)
{
	char mac[18];
	int r;

	admin_result_mac(result, req->attach[0].net->name, mac);
	r = attstore_commit(ctx->opts.config_dir, id, mac, err);
	if (r == 0 && print_json) {
		json_object *o = result_to_json(result);
		r = o ? admin_print_json(o, false) : -ENOMEM;
		json_object_put(o);
	} else if (r == 0) {
		print_summary(nsname, mac, req, dns_server_runs(ctx->opts.config_dir), stdout);
		r = fflush(stdout) == 0 ? 0 : -EIO;
	}
	return r;
}

int admin_cmd_attach(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err)
{
	static const struct option longopts[] = {
		{ "network", required_argument, NULL, OPT_NETWORK },
		{ "ip", required_argument, NULL, OPT_IP },
		{ "mac", required_argument, NULL, OPT_MAC },
		{ "alias", required_argument, NULL, OPT_ALIAS },
		{ "publish", required_argument, NULL, OPT_PUBLISH },
		{ "interface", required_argument, NULL, OPT_IFACE },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	_cleanup_free_ char *path = NULL, *nsname = NULL;
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	_cleanup_(nd_result_freep) struct nd_result *result = NULL;
	struct attach_args a = {0};
	char id[65], *pos[1];
	size_t n_pos;
	int r;

	r = admin_getopt("attach", attach_help, argc, argv, longopts, "p:", attach_opt, &a, pos, 1,
			 &n_pos);
	if (r == 0 && n_pos != 1)
		r = admin_usage_error("attach", "the namespace (a name in /run/netns, or a path) is missing");
	if (r == 0 && !a.network)
		r = admin_usage_error("attach", "--network NAME is required");
	if (r) {
		free(a.ports);
		return r == 1 ? 0 : r;
	}
	if (a.mac) {
		uint8_t mac[6];
		if (mac_parse(a.mac, mac) < 0)
			r = nd_error_set(err, -EINVAL,
					 "--mac %s: not a MAC address (expected six hex pairs like 02:42:ac:11:00:02)",
					 a.mac);
	}
	if (r < 0 || (r = admin_netns_resolve(pos[0], &path, &nsname, err)) < 0 ||
	    (r = reserve(ctx, path, nsname, &a, id, &req, err)) < 0) {
		free(a.ports);
		return r;
	}
	free(a.ports);
	r = netd_setup(&ctx->opts, path, req, &result, err);
	if (r < 0) {
		struct nd_error e = {0};
		/* setup rolled itself back to the reserved record; that goes too. */
		if (attstore_forget(ctx->opts.config_dir, id, &e) < 0)
			log_warn("attachment %s stays reserved: %s", id, e.msg ? e.msg : "error");
		nd_error_clear(&e);
		return r;
	}
	/* The summary names the namespace as status lists it. */
	return complete(ctx, admin_att_nsname(&(struct admin_att){ .netns = path }), id, req, result,
			a.json, err);
}

