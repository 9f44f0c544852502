// SPDX-License-Identifier: Apache-2.0
#include "link-macvlan.h"

#include <linux/if_link.h>

#include "link-lower.h"

static uint32_t kernel_mode(enum nd_macvlan_mode m)
{
	switch (m) {
	case ND_MACVLAN_BRIDGE:
		break;
	case ND_MACVLAN_PRIVATE:
		return MACVLAN_MODE_PRIVATE;
	case ND_MACVLAN_VEPA:
		return MACVLAN_MODE_VEPA;
	case ND_MACVLAN_PASSTHRU:
		return MACVLAN_MODE_PASSTHRU;
	case ND_MACVLAN_SOURCE:
		return MACVLAN_MODE_SOURCE;
	}
	return MACVLAN_MODE_BRIDGE;
}

int macvlan_create(struct exec_ctx *c, size_t i)
{
	const struct nd_attach *a = &c->req->attach[i];
	struct nlx_lower spec = {
		.kind = NLX_KIND_MACVLAN,
		.mode = kernel_mode(a->net->macvlan_mode),
		.has_bclim = a->net->has_bclim,
		.bclim = a->net->bclim,
		.mac = a->has_mac ? a->mac : NULL,
	};

	return lower_create(c, i, &spec,
			    "this kernel does not support macvlan (CONFIG_MACVLAN, module macvlan)");
}
