// SPDX-License-Identifier: Apache-2.0
/*
 * What the kernel has for each stored network and attachment: the bridge,
 * the host veth on it, the interface inside the namespace (admin-live.h).
 */
#include "admin-live.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "link-veth.h"
#include "shared/cleanup.h"
#include "admin-ctx.h"

const char *admin_health_name(enum admin_att_health h)
{
	switch (h) {
	case ADMIN_OK: return "ok";
	case ADMIN_ATTACHING: return "attaching";
	case ADMIN_INTERRUPTED: return "interrupted";
	case ADMIN_NS_GONE: return "namespace gone";
	case ADMIN_BRIDGE_MISSING: return "bridge missing";
	case ADMIN_VETH_MISSING: return "veth missing";
	case ADMIN_IFACE_MISSING: return "interface missing";
	}
	return "?";
}

void admin_live_done(struct admin_live *l)
{
	free(l->bridge_present);
	free(l->bridge_up);
	free(l->bridge_ifindex);
	free(l->health);
	*l = (struct admin_live){0};
}

static enum admin_att_health att_health(struct nlx *host, const struct admin_att *a,
					const char *bridge)
{
	const struct nd_attach *at = &a->req->attach[0];
	_cleanup_(nlx_freep) struct nlx *ns = NULL;
	struct nlx_link br, veth, l;
	char name[IFNAMSIZ];
	int r;

	if (a->state == ADMIN_ATT_ATTACHING)
		return admin_att_in_progress(a) ? ADMIN_ATTACHING : ADMIN_INTERRUPTED;
	r = admin_netns_nlx(a->netns, &a->ns, &ns);
	if (r == -ENOENT || r == -ESTALE || r == -EINVAL)
		return ADMIN_NS_GONE;
	if (!host || nlx_link_by_name(host, bridge, &br) < 0 || !nlx_link_is_bridge(&br))
		return ADMIN_BRIDGE_MISSING;
	veth_host_name(a->container_id, a->network, name);
	if (nlx_link_by_name(host, name, &veth) < 0 || veth.master != br.ifindex)
		return ADMIN_VETH_MISSING;
	if (r == 0 && nlx_link_by_name(ns, at->interface_name, &l) < 0)
		return ADMIN_IFACE_MISSING;
	return ADMIN_OK;
}

int admin_live_read(const struct admin_nets *nets, const struct admin_atts *atts,
		    struct admin_live *ret)
{
	_cleanup_(nlx_freep) struct nlx *host = NULL;
	struct admin_live l = {
		.bridge_present = calloc(nets->n + 1, sizeof(bool)),
		.bridge_up = calloc(nets->n + 1, sizeof(bool)),
		.bridge_ifindex = calloc(nets->n + 1, sizeof(int)),
		.health = calloc(atts->n + 1, sizeof(enum admin_att_health)),
	};

	if (!l.bridge_present || !l.bridge_up || !l.bridge_ifindex || !l.health) {
		admin_live_done(&l);
		return -ENOMEM;
	}
	(void)nlx_open(&host);
	for (size_t i = 0; i < nets->n; i++) {
		struct nlx_link br;
		if (host && nlx_link_by_name(host, nets->v[i].net.network_interface, &br) == 0 &&
		    nlx_link_is_bridge(&br)) {
			l.bridge_present[i] = true;
			l.bridge_up[i] = br.up;
			l.bridge_ifindex[i] = br.ifindex;
		}
	}
	for (size_t i = 0; i < atts->n; i++)
		l.health[i] = att_health(host, &atts->v[i],
					 atts->v[i].req->attach[0].net->network_interface);
	*ret = l;
	return 0;
}
