// SPDX-License-Identifier: Apache-2.0
/*
 * netd status --dot: the topology as a Graphviz graph.
 *
 *   networks       boxes: name, bridge, subnets, isolate, DNS
 *   attachments    ellipses (one per namespace), an edge to each of its
 *                  networks labelled with the interface and addresses
 *   published      host ports (cds shapes) pointing at their namespace
 *   reachability   dashed green edges between networks that may talk
 *                  (admin_may_talk()), dotted edges to "outside" for the
 *                  networks that reach beyond the host (not internal)
 * Whatever the kernel lacks is drawn red: a missing bridge, a namespace that
 * is gone, an attachment whose links are missing.
 */
#include <errno.h>
#include <string.h>

#include "admin-dot.h"
#include "admin-ctx.h"
#include "admin-netstore.h"
#include "admin-attstore.h"
#include "admin-live.h"

/* A DOT string body: quotes and backslashes escaped. */
static void dot_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
}

/* Whether an earlier attachment has the same namespace (one node per namespace). */
static bool seen_ns(const struct admin_atts *atts, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(atts->v[j].netns, atts->v[i].netns) == 0)
			return true;
	return false;
}

static size_t ns_index(const struct admin_atts *atts, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(atts->v[j].netns, atts->v[i].netns) == 0)
			return j;
	return i;
}

static bool known_net(const struct admin_nets *nets, const char *name)
{
	return netstore_find(nets, name) != NULL;
}

static void network_node(FILE *f, const struct nd_network *n, bool present, bool needed,
			 bool defined)
{
	char b[ND_ADDRSTRLEN];
	bool bad = (needed && !present) || !defined;

	fprintf(f, "  \"net:");
	dot_str(f, n->name);
	fprintf(f, "\" [shape=box, style=\"rounded,filled\", fillcolor=\"%s\", color=\"%s\", label=\"",
		n->internal ? "#f3e8c9" : "#dbe9f6", bad ? "#c0392b" : "#34495e");
	fprintf(f, "network ");
	dot_str(f, n->name);
	fprintf(f, "\\nbridge ");
	dot_str(f, n->network_interface ? n->network_interface : "?");
	if (needed && !present)
		fprintf(f, " (MISSING)");
	for (size_t s = 0; s < n->n_subnets; s++)
		fprintf(f, "\\n%s", nd_prefix_str(&n->subnets[s].subnet, b));
	fprintf(f, "\\n%s%s", n->internal ? "internal" : "isolate ",
		n->internal ? "" : nd_isolate_name(n->isolate));
	if (n->dns_enabled)
		fprintf(f, ", DNS");
	if (!defined)
		fprintf(f, "\\n(definition removed)");
	fprintf(f, "\"];\n");
}

int admin_print_dot(const struct admin_nets *nets, const struct admin_atts *atts,
		    const struct admin_live *live, FILE *f)
{
	bool outside = false;
	char b[ND_ADDRSTRLEN];

	fprintf(f, "graph netd {\n"
		   "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, label=\"netd topology\"];\n"
		   "  node [fontname=\"Helvetica\", fontsize=10];\n"
		   "  edge [fontname=\"Helvetica\", fontsize=9];\n");
	for (size_t i = 0; i < nets->n; i++) {
		const struct nd_network *n = &nets->v[i].net;
		bool needed = false;
		for (size_t k = 0; k < atts->n; k++)
			needed |= strcmp(atts->v[k].network, n->name) == 0;
		network_node(f, n, live->bridge_present[i], needed, true);
		outside |= !n->internal;
	}
	/* Attachments to a network whose file was removed: drawn from their request. */
	for (size_t k = 0; k < atts->n; k++) {
		bool dup = false;
		if (known_net(nets, atts->v[k].network))
			continue;
		for (size_t j = 0; j < k; j++)
			dup |= strcmp(atts->v[j].network, atts->v[k].network) == 0;
		if (!dup)
			network_node(f, atts->v[k].req->attach[0].net, false, true, false);
	}
	if (outside)
		fprintf(f, "  outside [shape=plaintext, label=\"outside\\n(masquerade)\"];\n");
	for (size_t i = 0; i < nets->n; i++) {
		if (nets->v[i].net.internal)
			continue;
		fprintf(f, "  \"net:");
		dot_str(f, nets->v[i].net.name);
		fprintf(f, "\" -- outside [style=dotted, color=\"#7f8c8d\"];\n");
	}
	for (size_t i = 0; i < nets->n; i++)
		for (size_t j = i + 1; j < nets->n; j++) {
			if (!admin_may_talk(&nets->v[i].net, &nets->v[j].net))
				continue;
			fprintf(f, "  \"net:");
			dot_str(f, nets->v[i].net.name);
			fprintf(f, "\" -- \"net:");
			dot_str(f, nets->v[j].net.name);
			fprintf(f, "\" [style=dashed, color=\"#27ae60\", fontcolor=\"#27ae60\", label=\"may talk\"];\n");
		}
	for (size_t k = 0; k < atts->n; k++) {
		const struct admin_att *a = &atts->v[k];
		const struct nd_attach *at = &a->req->attach[0];
		size_t node = ns_index(atts, k);
		bool gone = live->health[k] == ADMIN_NS_GONE;

		if (!seen_ns(atts, k)) {
			fprintf(f, "  \"ns:%zu\" [shape=ellipse, style=%s, color=\"%s\", label=\"", node,
				gone ? "dashed" : "solid", gone ? "#c0392b" : "#2c3e50");
			dot_str(f, admin_att_nsname(a));
			if (strcmp(a->req->container_name, admin_att_nsname(a)) != 0) {
				fprintf(f, "\\n(");
				dot_str(f, a->req->container_name);
				fprintf(f, ")");
			}
			if (gone)
				fprintf(f, "\\nnamespace gone");
			fprintf(f, "\"];\n");
		}
		fprintf(f, "  \"ns:%zu\" -- \"net:", node);
		dot_str(f, a->network);
		fprintf(f, "\" [color=\"%s\", label=\"", live->health[k] == ADMIN_OK ? "#2c3e50" : "#c0392b");
		dot_str(f, at->interface_name);
		for (size_t i = 0; i < at->n_addrs; i++)
			fprintf(f, "\\n%s", nd_ip_str(&at->addrs[i].addr.addr, b));
		if (live->health[k] != ADMIN_OK)
			fprintf(f, "\\n%s", admin_health_name(live->health[k]));
		fprintf(f, "\"];\n");
		for (size_t p = 0; p < a->req->n_ports; p++) {
			const struct nd_port *pm = &a->req->ports[p];
			const char *hip = pm->host_ip_kind == ND_HOSTIP_ONE ? nd_ip_str(&pm->host_ip, b) :
					  pm->host_ip_kind == ND_HOSTIP_ALL_V4 ? "0.0.0.0" :
					  pm->host_ip_kind == ND_HOSTIP_ALL_V6 ? "[::]" : "host";
			fprintf(f, "  \"port:%zu:%zu\" [shape=cds, style=filled, fillcolor=\"#fdebd0\", label=\"%s:%u",
				k, p, hip, pm->host_port);
			if (pm->range > 1)
				fprintf(f, "-%u", pm->host_port + pm->range - 1);
			fprintf(f, "/%s\"];\n", nd_proto_name(pm->proto));
			fprintf(f, "  \"port:%zu:%zu\" -- \"ns:%zu\" [dir=forward, color=\"#e67e22\", label=\"port %u",
				k, p, node, pm->container_port);
			if (pm->range > 1)
				fprintf(f, "-%u", pm->container_port + pm->range - 1);
			fprintf(f, "\"];\n");
		}
	}
	fprintf(f, "}\n");
	return fflush(f) == 0 ? 0 : -EIO;
}
