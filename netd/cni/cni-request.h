/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CNI config + parameters → the netavark request that netd_setup() and
 * netd_teardown() run: one bridge network named after the CNI network, one
 * attachment (CNI_IFNAME, the allocated addresses), the port mappings of
 * runtimeConfig. See docs/cni.md for the mapping key by key. DEL, GC, CHECK
 * and the cleanup of an interrupted ADD take the request of an attachment
 * from the container record instead (cni_lease_request()).
 */
#pragma once

#include "cni-config.h"
#include "cni-ipam.h"
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
 * The same request as JSON text (malloc'ed; request-json.h), for the tests
 * and the fuzzer: request_parse() must accept it. NULL when the model
 * cannot be built or out of memory.
 */
char *cni_request_build(const struct cni_config *cfg, const struct cni_params *p,
			const struct nd_ip *ips, size_t n_ips);

/**
 * cni_lease_request() - the request of an attachment that holds lease @a
 * @cfg:	the network configuration given to this command
 * @p:		the command's parameters; NULL for GC, which has none: the
 *		lease's container id and interface name stand in
 * @a:		the lease in the network's address pool
 * @ret:	the request, the caller's (nd_request_free()), written only on
 *		success
 *
 * What DEL, GC, CHECK and the cleanup of an interrupted ADD hand the core:
 * the container record's request (<runtimeDir>/netd/containers/<id>.json)
 * restricted to network cfg->name (request_network_only()), with the
 * published ports when the record says this network carries them. When the
 * record has no entry for the network with the lease's interface (it changed
 * since the store was loaded, or cannot be read any more), the
 * request is rebuilt from @cfg, @p and the lease's addresses with
 * cni_request_model(); the core then takes no host veth and no ports but
 * what it finds in the namespace it is given (none: the host side only).
 * Return: 0, or a negative code with @err saying what the model refused.
 */
int cni_lease_request(const struct cni_config *cfg, const struct cni_params *p,
		      const struct cni_alloc *a, struct nd_request **ret, struct nd_error *err);
