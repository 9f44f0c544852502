/* SPDX-License-Identifier: Apache-2.0 */
/* The ipvlan link of a container (driver "ipvlan"). */
#pragma once

#include "exec.h"

/**
 * ipvlan_create() - attachment @i's ipvlan link on the network's parent,
 * in mode l2 (default), l3 or l3s, with its MTU; see lower_create().
 * An ipvlan link shares its parent's MAC, so a static MAC is not applied
 * (netavark ignores it too). A kernel without ipvlan gets a clear error.
 */
int ipvlan_create(struct exec_ctx *c, size_t i);
