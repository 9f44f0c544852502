/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CNI config + parameters → the netavark request that netd_setup() and
 * netd_teardown() run: one bridge network named after the CNI network, one
 * attachment (CNI_IFNAME, the allocated addresses), the port mappings of
 * runtimeConfig. See docs/cni.md for the mapping key by key.
 */
#pragma once

#include "cni-config.h"

/**
 * cni_request_build() - the request as JSON text (malloc'ed), NULL on ENOMEM
 * @ips, @n_ips:	the attachment's addresses (none: ipam "none")
 */
char *cni_request_build(const struct cni_config *cfg, const struct cni_params *p,
			const struct nd_ip *ips, size_t n_ips);
