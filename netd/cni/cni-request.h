/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CNI config + parameters → the netavark request that netd_setup() and
 * netd_teardown() run: one bridge network named after the CNI network, one
 * attachment (CNI_IFNAME, the allocated addresses), the port mappings of
 * runtimeConfig. See docs/cni.md for the mapping key by key.
 */
#pragma once

#include "cni-config.h"
#include "model.h"
#include "shared/error.h"

/**
 * cni_request_model() - the request, built with the constructors of build.h
 * @ips, @n_ips:	the attachment's addresses (none: ipam "none")
 * @ret:		the model, the caller's (nd_request_free)
 * Return: 0, or a negative code with @err saying what the model refused.
 */
int cni_request_model(const struct cni_config *cfg, const struct cni_params *p,
		      const struct nd_ip *ips, size_t n_ips, struct nd_request **ret,
		      struct nd_error *err);

/*
 * The same request as JSON text (malloc'ed; request-json.h), as the IPAM
 * store keeps it. NULL when the model cannot be built or out of memory.
 */
char *cni_request_build(const struct cni_config *cfg, const struct cni_params *p,
			const struct nd_ip *ips, size_t n_ips);
