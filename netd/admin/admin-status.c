// SPDX-License-Identifier: Apache-2.0
/*
 * netd status: the networks of the network directory and the attachments of
 * the config directory, each next to what the kernel has (bridge, host veth,
 * the interface inside the namespace). A table for people, JSON for
 * programs, Graphviz DOT for pictures (admin-dot.c). Reads only: no lock,
 * the records are replaced atomically.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "admin-ctx.h"
#include "admin-netstore.h"
#include "admin-attstore.h"
#include "admin-live.h"
#include "admin-dot.h"
#include "admin-cmd.h"
#include "dns-conf.h"
#include "link-veth.h"
#include "shared/cleanup.h"

static const char status_help[] =
	"Usage: netd status [--json | --dot]\n"
	"\n"
	"Show what is live: every network (bridge, subnets, whether the bridge exists)\n"
	"and every attachment (namespace, interface, addresses, published ports, DNS\n"
	"names), with what the kernel has. Networks that may talk to each other are\n"
	"listed from their isolate options.\n"
	"\n"
	"  --json   the same as JSON\n"
	"  --dot    the topology as a Graphviz graph (render: netd status --dot | dot -Tsvg)\n"
	"\n"
	"Example:\n"
	"  netd status --dot | dot -Tsvg > topology.svg\n";

static size_t attached(const struct admin_atts *atts, const char *network)
{
	size_t n = 0;

	for (size_t i = 0; i < atts->n; i++)
		n += strcmp(atts->v[i].network, network) == 0;
	return n;
}

/* "10.89.0.2/24,fd00::2/64" and friends, into @buf. */
static const char *addr_list(const struct nd_attach *at, char *buf, size_t size)
{
	char b[ND_ADDRSTRLEN];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < at->n_addrs && off < size; k++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", k ? "," : "",
					nd_prefix_str(&at->addrs[k].addr, b));
	return buf;
}

static void port_str(const struct nd_port *p, char *buf, size_t size)
{
	char b[ND_ADDRSTRLEN + 2] = "";

	if (p->host_ip_kind == ND_HOSTIP_ONE) {
		char ip[ND_ADDRSTRLEN];
		nd_ip_str(&p->host_ip, ip);
		snprintf(b, sizeof(b), p->host_ip.family == AF_INET6 ? "[%s]:" : "%s:", ip);
	} else if (p->host_ip_kind == ND_HOSTIP_ALL_V4) {
		snprintf(b, sizeof(b), "0.0.0.0:");
	} else if (p->host_ip_kind == ND_HOSTIP_ALL_V6) {
		snprintf(b, sizeof(b), "[::]:");
	}
	if (p->range > 1)
		snprintf(buf, size, "%s%u-%u->%u-%u/%s", b, p->host_port, p->host_port + p->range - 1,
			 p->container_port, p->container_port + p->range - 1, nd_proto_name(p->proto));
	else
		snprintf(buf, size, "%s%u->%u/%s", b, p->host_port, p->container_port,
			 nd_proto_name(p->proto));
}

static const char *bridge_state(const struct admin_live *live, size_t i, size_t n_att)
{
	if (live->bridge_present[i])
		return live->bridge_up[i] ? "up" : "DOWN";
	return n_att ? "MISSING" : "absent";
}

static int print_table(bool dns_runs, const struct admin_nets *nets, const struct admin_atts *atts,
		       const struct admin_live *live)
{
	struct admin_table t;
	bool any = false;
	int r;

	if ((r = admin_table_init(&t, 7, "NETWORK", "BRIDGE", "STATE", "SUBNETS", "DNS", "ISOLATE",
				  "ATTACHED")) < 0)
		return r;
	for (size_t i = 0; i < nets->n && r == 0; i++) {
		const struct nd_network *n = &nets->v[i].net;
		char subnets[512] = "", count[16], b[ND_ADDRSTRLEN];
		size_t off = 0, k = attached(atts, n->name);

		for (size_t s = 0; s < n->n_subnets && off < sizeof(subnets); s++)
			off += (size_t)snprintf(subnets + off, sizeof(subnets) - off, "%s%s", s ? "," : "",
						nd_prefix_str(&n->subnets[s].subnet, b));
		snprintf(count, sizeof(count), "%zu", k);
		r = admin_table_row(&t, (const char *[]){
			n->name, n->network_interface, bridge_state(live, i, k), subnets,
			!n->dns_enabled ? "no" : dns_runs ? "yes" : "yes (not running)",
			n->internal ? "internal" : nd_isolate_name(n->isolate), count });
	}
	if (r == 0 && nets->n)
		admin_table_print(&t, stdout);
	else if (r == 0)
		printf("no networks in the network directory\n");
	admin_table_done(&t);
	if (r < 0 || (r = admin_table_init(&t, 8, "NAMESPACE", "NETWORK", "INTERFACE", "ADDRESSES",
					   "HOST VETH", "PUBLISHED", "DNS NAMES", "STATE")) < 0)
		return r;
	for (size_t i = 0; i < atts->n && r == 0; i++) {
		const struct admin_att *a = &atts->v[i];
		const struct nd_request *req = a->req;
		const struct nd_attach *at = &req->attach[0];
		char addrs[512], ports[512] = "", names[512] = "", veth[IFNAMSIZ];
		size_t off = 0;

		veth_host_name(a->container_id, a->network, veth);
		for (size_t k = 0; k < req->n_ports && off < sizeof(ports); k++) {
			char p[96];
			port_str(&req->ports[k], p, sizeof(p));
			off += (size_t)snprintf(ports + off, sizeof(ports) - off, "%s%s", k ? "," : "", p);
		}
		if (at->net->dns_enabled) {
			off = (size_t)snprintf(names, sizeof(names), "%s", req->container_name);
			for (size_t k = 0; k < at->n_aliases && off < sizeof(names); k++)
				off += (size_t)snprintf(names + off, sizeof(names) - off, ",%s", at->aliases[k]);
		}
		r = admin_table_row(&t, (const char *[]){
			admin_att_nsname(a), a->network, at->interface_name,
			addr_list(at, addrs, sizeof(addrs)), veth, ports, names,
			admin_health_name(live->health[i]) });
	}
	if (r == 0) {
		fputc('\n', stdout);
		if (atts->n)
			admin_table_print(&t, stdout);
		else
			fputs("no namespace is attached\n", stdout);
		fputs("\nmay talk to each other:", stdout);
		for (size_t i = 0; i < nets->n; i++)
			for (size_t j = i + 1; j < nets->n; j++)
				if (admin_may_talk(&nets->v[i].net, &nets->v[j].net)) {
					printf("%s %s <-> %s", any ? "," : "", nets->v[i].net.name,
					       nets->v[j].net.name);
					any = true;
				}
		fputs(any ? "\n" : " none (every network is isolated)\n", stdout);
	}
	admin_table_done(&t);
	if (r == 0 && fflush(stdout) != 0)
		r = -EIO;
	return r;
}

static json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static json_object *status_json(bool dns_runs, const struct admin_nets *nets, const struct admin_atts *atts,
				const struct admin_live *live)
{
	json_object *o = json_object_new_object(), *jn = json_object_new_array();
	json_object *ja = json_object_new_array(), *talk = json_object_new_array();
	char b[ND_ADDRSTRLEN];

	for (size_t i = 0; i < nets->n; i++) {
		const struct nd_network *n = &nets->v[i].net;
		json_object *x = json_object_new_object(), *sn = json_object_new_array();

		for (size_t s = 0; s < n->n_subnets; s++) {
			json_object *y = json_object_new_object();
			json_object_object_add(y, "subnet", jstr(nd_prefix_str(&n->subnets[s].subnet, b)));
			json_object_object_add(y, "gateway", n->subnets[s].has_gateway ?
					       jstr(nd_ip_str(&n->subnets[s].gateway, b)) : NULL);
			json_object_array_add(sn, y);
		}
		json_object_object_add(x, "name", jstr(n->name));
		json_object_object_add(x, "bridge", jstr(n->network_interface));
		json_object_object_add(x, "subnets", sn);
		json_object_object_add(x, "dns_enabled", json_object_new_boolean(n->dns_enabled));
		json_object_object_add(x, "dns_running", json_object_new_boolean(n->dns_enabled && dns_runs));
		json_object_object_add(x, "internal", json_object_new_boolean(n->internal));
		json_object_object_add(x, "isolate", jstr(nd_isolate_name(n->isolate)));
		json_object_object_add(x, "attachments", json_object_new_int((int)attached(atts, n->name)));
		json_object_object_add(x, "bridge_present", json_object_new_boolean(live->bridge_present[i]));
		json_object_object_add(x, "bridge_up", json_object_new_boolean(live->bridge_up[i]));
		json_object_array_add(jn, x);
		for (size_t j = i + 1; j < nets->n; j++)
			if (admin_may_talk(n, &nets->v[j].net)) {
				json_object *pair = json_object_new_array();
				json_object_array_add(pair, jstr(n->name));
				json_object_array_add(pair, jstr(nets->v[j].net.name));
				json_object_array_add(talk, pair);
			}
	}
	for (size_t i = 0; i < atts->n; i++) {
		const struct admin_att *a = &atts->v[i];
		const struct nd_request *req = a->req;
		const struct nd_attach *at = &req->attach[0];
		json_object *x = json_object_new_object(), *ad = json_object_new_array();
		json_object *ports = json_object_new_array(), *names = json_object_new_array();
		char veth[IFNAMSIZ];

		veth_host_name(a->container_id, a->network, veth);
		for (size_t k = 0; k < at->n_addrs; k++)
			json_object_array_add(ad, jstr(nd_prefix_str(&at->addrs[k].addr, b)));
		for (size_t k = 0; k < req->n_ports; k++) {
			const struct nd_port *p = &req->ports[k];
			json_object *y = json_object_new_object();
			json_object_object_add(y, "host_ip", jstr(
				p->host_ip_kind == ND_HOSTIP_ONE ? nd_ip_str(&p->host_ip, b) :
				p->host_ip_kind == ND_HOSTIP_ALL_V4 ? "0.0.0.0" :
				p->host_ip_kind == ND_HOSTIP_ALL_V6 ? "::" : ""));
			json_object_object_add(y, "host_port", json_object_new_int(p->host_port));
			json_object_object_add(y, "container_port", json_object_new_int(p->container_port));
			json_object_object_add(y, "range", json_object_new_int(p->range));
			json_object_object_add(y, "protocol", jstr(nd_proto_name(p->proto)));
			json_object_array_add(ports, y);
		}
		if (at->net->dns_enabled) {
			json_object_array_add(names, jstr(req->container_name));
			for (size_t k = 0; k < at->n_aliases; k++)
				json_object_array_add(names, jstr(at->aliases[k]));
		}
		json_object_object_add(x, "netns", jstr(a->netns));
		json_object_object_add(x, "name", jstr(admin_att_nsname(a)));
		json_object_object_add(x, "container_id", jstr(a->container_id));
		json_object_object_add(x, "container_name", jstr(req->container_name));
		json_object_object_add(x, "network", jstr(a->network));
		json_object_object_add(x, "interface", jstr(at->interface_name));
		json_object_object_add(x, "host_interface", jstr(veth));
		json_object_object_add(x, "mac_address", a->lease->mac[0] ? jstr(a->lease->mac) : NULL);
		json_object_object_add(x, "addresses", ad);
		json_object_object_add(x, "ports", ports);
		json_object_object_add(x, "dns_names", names);
		json_object_object_add(x, "state", jstr(admin_health_name(live->health[i])));
		json_object_array_add(ja, x);
	}
	json_object_object_add(o, "networks", jn);
	json_object_object_add(o, "attachments", ja);
	json_object_object_add(o, "may_talk", talk);
	return o;
}

static int mode_opt(int opt, const char *arg, void *data)
{
	int *m = data;

	if (*m && *m != opt)
		return admin_usage_error("status", "--json and --dot exclude each other");
	*m = opt;
	return 0;
}

int admin_cmd_status(struct admin_ctx *ctx, int argc, char **argv, struct nd_error *err)
{
	enum { OPT_JSON = 0x100, OPT_DOT };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "dot", no_argument, NULL, OPT_DOT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct admin_nets nets = {0};
	struct admin_atts atts = {0};
	struct admin_live live = {0};
	int mode = 0;
	size_t n_pos;
	int r;

	r = admin_getopt("status", status_help, argc, argv, longopts, NULL, mode_opt, &mode, NULL, 0,
			 &n_pos);
	if (r)
		return r == 1 ? 0 : r;
	if ((r = netstore_load(ctx->network_dir, &nets, err)) < 0 ||
	    (r = attstore_load(ctx->opts.config_dir, &atts, err)) < 0)
		goto out;
	if ((r = admin_live_read(&nets, &atts, &live)) < 0)
		goto out;
	if (mode == OPT_JSON) {
		json_object *o = status_json(dns_server_runs(ctx->opts.config_dir), &nets, &atts, &live);
		r = admin_print_json(o, true);
		json_object_put(o);
	} else if (mode == OPT_DOT) {
		r = admin_print_dot(&nets, &atts, &live, stdout);
	} else {
		r = print_table(dns_server_runs(ctx->opts.config_dir), &nets, &atts, &live);
	}
out:
	admin_live_done(&live);
	attstore_done(&atts);
	netstore_done(&nets);
	return r;
}
