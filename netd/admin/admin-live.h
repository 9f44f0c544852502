/* SPDX-License-Identifier: Apache-2.0 */
/* What the kernel has, next to what netd recorded (admin-live.c). */
#pragma once

#include <stdbool.h>

#include "admin-attstore.h"
#include "admin-netstore.h"

enum admin_att_health {
	ADMIN_OK,
	ADMIN_ATTACHING,	/* attach still running */
	ADMIN_INTERRUPTED,	/* attach died half-way */
	ADMIN_NS_GONE,		/* namespace deleted (or created again) */
	ADMIN_BRIDGE_MISSING,
	ADMIN_VETH_MISSING,	/* host end gone, or not on the bridge */
	ADMIN_IFACE_MISSING,	/* interface in the namespace gone */
};

/**
 * struct admin_live - kernel facts, one entry per network / attachment
 * @bridge_present, @bridge_up:	per network of the store, in its order
 * @health:			per attachment, in the store's order
 */
struct admin_live {
	bool *bridge_present, *bridge_up;
	enum admin_att_health *health;
};

/**
 * admin_live_read() - look up, in the kernel, what @nets and @atts describe
 * @ret:	the facts (admin_live_done())
 * Return: 0 or -ENOMEM. Netlink failures count as "missing".
 */
int admin_live_read(const struct admin_nets *nets, const struct admin_atts *atts,
		    struct admin_live *ret);
void admin_live_done(struct admin_live *l);
const char *admin_health_name(enum admin_att_health h);
