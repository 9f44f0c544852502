// SPDX-License-Identifier: Apache-2.0
#include "link-ipvlan.h"

#include <linux/if_link.h>

#include "link-lower.h"
#include "shared/log.h"

static uint32_t kernel_mode(enum nd_ipvlan_mode m)
{
	switch (m) {
	case ND_IPVLAN_L2:
		break;
	case ND_IPVLAN_L3:
		return IPVLAN_MODE_L3;
	case ND_IPVLAN_L3S:
		return IPVLAN_MODE_L3S;
	}
	return IPVLAN_MODE_L2;
}

int ipvlan_create(struct exec_ctx *c, size_t i)
{
	const struct nd_attach *a = &c->req->attach[i];
	struct nlx_lower spec = {
		.kind = NLX_KIND_IPVLAN,
		.mode = kernel_mode(a->net->ipvlan_mode),
	};

	if (a->has_mac)
		log_debug("network %s: static_mac ignored, an ipvlan link has its parent's MAC",
			  a->net->name);
	return lower_create(c, i, &spec,
			    "this kernel does not support ipvlan (CONFIG_IPVLAN, module ipvlan)");
}
