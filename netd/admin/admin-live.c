// SPDX-License-Identifier: Apache-2.0
/*
 * What the kernel has for each stored network and attachment: the bridge,
 * the host veth on it, the interface inside the namespace (admin-live.h),
 * as the network's driver finds them (its status op).
 */
#include "admin-live.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "driver.h"
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
	free(l->health);
	*l = (struct admin_live){0};
}

static enum admin_att_health att_health(struct nlx *host, const struct admin_att *a)
{
	const struct nd_attach *at = &a->req->attach[0];
	_cleanup_(nlx_freep) struct nlx *ns = NULL;
	struct driver_status s;
	int r;

	if (a->lease->state == CTR_LEASE_PENDING)
		return admin_att_in_progress(a) ? ADMIN_ATTACHING : ADMIN_INTERRUPTED;
	r = admin_netns_nlx(a->netns, &a->lease->ns, &ns);
	if (r == -ENOENT || r == -ESTALE || r == -EINVAL)
		return ADMIN_NS_GONE;
	if (!host || driver_of(at->net)->status(&(const struct driver_probe){
			.host = host, .ctr = r == 0 ? ns : NULL,
			.container_id = a->container_id, .a = at, .links_only = true }, &s) < 0 ||
	    !s.bridge_exists || !nlx_link_is_bridge(&s.bridge))
		return ADMIN_BRIDGE_MISSING;
	if (!s.host_exists || s.host.master != s.bridge.ifindex)
		return ADMIN_VETH_MISSING;
	if (r == 0 && !s.ctr_exists)
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
		.health = calloc(atts->n + 1, sizeof(enum admin_att_health)),
	};

	if (!l.bridge_present || !l.bridge_up || !l.health) {
		admin_live_done(&l);
		return -ENOMEM;
	}
	(void)nlx_open(&host);
	for (size_t i = 0; i < nets->n; i++) {
		struct driver_status s;
		if (host && driver_net_status(host, &nets->v[i].net, true, &s) == 0 && s.bridge_exists &&
		    nlx_link_is_bridge(&s.bridge)) {
			l.bridge_present[i] = true;
			l.bridge_up[i] = s.bridge.up;
		}
	}
	for (size_t i = 0; i < atts->n; i++)
		l.health[i] = att_health(host, &atts->v[i]);
	*ret = l;
	return 0;
}
