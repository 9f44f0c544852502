/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the container: loopback, addresses, link up, default and static routes. */
#pragma once

#include "exec.h"

/* Bring lo up in the container namespace. Return: 0, or -errno with c->err set. */
int ctrnet_loopback_up(struct exec_ctx *c);
/* Addresses of attachment @i, then its interface up. */
int ctrnet_addresses(struct exec_ctx *c, size_t i);
/* Default route per family (unless internal or no_default_route), then static routes. */
int ctrnet_routes(struct exec_ctx *c, size_t i);
/* The kernel route for static route @k of @net. */
struct nlx_route ctrnet_static_route(const struct nd_network *net, size_t k);
