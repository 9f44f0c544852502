/* SPDX-License-Identifier: Apache-2.0 */
/* The veth pair joining a container to its bridge. */
#pragma once

#include <net/if.h>

#include "exec.h"

/* The interface alias (IFLA_IFALIAS) netd gives the host end of each veth it
 * creates. Teardown deletes a host end only when the container record names
 * its ifindex and name and the link still carries this mark. */
#define VETH_ALIAS "netd: veth"

/* Host-side name when the engine gives none: "veth" + 11 hex digits of a
 * hash of container id and network name, so teardown can always find it. */
void veth_host_name(const char *container_id, const char *network, char out[IFNAMSIZ]);

/**
 * veth_create() - create the pair for attachment @i in one request, peer
 * straight inside the container namespace, host end on the bridge; set the
 * sysctls netavark sets on both ends, bring the host end up.
 */
int veth_create(struct exec_ctx *c, size_t i);

/**
 * veth_remove() - delete attachment @i's pair: from the container side when
 * the namespace is there, else the host end the container record names, when
 * its ifindex, name and VETH_ALIAS still match. Without a record the host side
 * is left alone. Missing interfaces are not an error.
 */
int veth_remove(struct exec_ctx *c, size_t i, struct nd_error *err);
