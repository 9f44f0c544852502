/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The 802.1Q sub-interface <parent>.<id> a macvlan/ipvlan network with the
 * "vlan" option sits on. netd creates it in the host namespace when missing
 * and marks it with the interface alias VLAN_ALIAS, so teardown removes only
 * sub-interfaces netd created, and only when no container uses them.
 */
#pragma once

#include "exec.h"

#define VLAN_ALIAS "netd: vlan sub-interface"

/**
 * vlan_ensure() - make @parent the vlan sub-interface of attachment @i
 * @parent:	in: the parent device; out: its sub-interface <name>.<vlan>
 *
 * An existing sub-interface must be a vlan link on @parent; it is used as it
 * is (set up if down). A missing one is created, marked, set up and
 * journalled. Return: 0, or negative with c->err set.
 */
int vlan_ensure(struct exec_ctx *c, size_t i, struct nlx_link *parent);

/**
 * vlan_release() - delete attachment @i's sub-interface if netd created it
 * and no other attachment recorded in the config directory still uses it.
 * The parent is resolved again (default route) when network_interface is unset.
 */
int vlan_release(struct exec_ctx *c, size_t i, struct nd_error *err);
