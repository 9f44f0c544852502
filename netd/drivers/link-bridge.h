/* SPDX-License-Identifier: Apache-2.0 */
/* The host bridge of a bridge network: find or create it, and remove it. */
#pragma once

#include "exec.h"

/* The interface alias (IFLA_IFALIAS) of every bridge netd creates, for people
 * and tools; netd itself tells its bridges by their link group
 * (NLX_NETD_GROUP, set in the creating message): only a bridge in it is
 * ever deleted by netd. */
#define BRIDGE_ALIAS "netd: bridge"

/**
 * bridge_ensure() - the bridge of attachment @i exists, is up and has the
 * gateways; created (and journalled) when missing in managed mode.
 * Fills c->rt[i].br_ifindex, .br_created and .mtu.
 */
int bridge_ensure(struct exec_ctx *c, size_t i);

/**
 * bridge_release() - delete the bridge of attachment @i if it is managed,
 * is in group NLX_NETD_GROUP (netd created it) and has no ports left. A bridge
 * netd did not create is never deleted. Missing bridges are fine.
 * Return: 1 if deleted, 0 if kept or absent, negative on error (@err set).
 */
int bridge_release(struct exec_ctx *c, size_t i, struct nd_error *err);
