/* SPDX-License-Identifier: Apache-2.0 */
/* The macvlan link of a container (driver "macvlan"). */
#pragma once

#include "exec.h"

/**
 * macvlan_create() - attachment @i's macvlan link on the network's parent,
 * with its mode (option "mode", default bridge), broadcast cutoff (option
 * "bclim"), MTU and static MAC; see lower_create().
 */
int macvlan_create(struct exec_ctx *c, size_t i);
