/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What macvlan and ipvlan links share (netavark's vlan.rs): a link stacked on
 * a host parent, created straight inside the container namespace, renamed
 * there when its name is taken; removed from the container on teardown.
 */
#pragma once

#include "exec.h"

/**
 * lower_parent() - the host parent of attachment @i's network
 *
 * network_interface, else the interface of the host's default route; with
 * the vlan option its <parent>.<id> sub-interface, created when missing
 * (journalled). Return: 0 with @ret filled, or negative with c->err set.
 */
int lower_parent(struct exec_ctx *c, size_t i, struct nlx_link *ret);

/**
 * lower_create() - create attachment @i's container link on its parent
 * @spec:	kind, mode, bclim and MAC set by the caller; name, parent,
 *		namespace and MTU are filled in here
 * @unsupported: the message when the kernel does not know @spec->kind
 *
 * Created as interface_name directly in the container namespace. When the
 * kernel answers EEXIST and the name is free in the container (older kernels
 * create the link in the host namespace first), it retries up to 3 times
 * with a temporary name "mv-" + 10 random letters and digits and renames
 * the link inside the container. IPv6 autoconf is turned off in the
 * container. Fills c->rt[i].ctr_ifindex and .mac; journals the deletion.
 */
int lower_create(struct exec_ctx *c, size_t i, struct nlx_lower *spec, const char *unsupported);

/**
 * lower_remove() - delete attachment @i's static routes and its link in
 * the container. Only a link of kind @type (the driver's: macvlan or ipvlan)
 * is deleted; a container namespace that is gone took the link with it.
 */
int lower_remove(struct exec_ctx *c, size_t i, enum nlx_kind type, struct nd_error *err);

/* After all links are gone: the vlan sub-interface netd created, if unused (link-vlan.h). */
int lower_release(struct exec_ctx *c, size_t i, struct nd_error *err);
