/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ipam "dhcp" in setup and teardown. Setup (plan step "dhcp", after the
 * interface is up) acquires a lease from inside the container namespace,
 * checks the address is free (ARP probe; DECLINE if not), configures the
 * address and default route, records the lease (dhcp-store.h) and makes sure
 * the keeper `netd dhcp-proxy` runs to renew it. Teardown releases it.
 */
#pragma once

#include "exec.h"

/* Setup's step "dhcp" for attachment @i (above). Return: 0, or -errno with c->err set. */
int dhcp_setup_step(struct exec_ctx *c, size_t i);
/* Before the container link goes: DHCPRELEASE and drop the record. */
int dhcp_teardown(struct exec_ctx *c, size_t i, struct nd_error *err);
/* The lease's prefix length (for results). */
int dhcp_lease_prefix(const struct dhcp_lease *l, struct nd_prefix *ret);
