/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netd as a CNI plugin: when CNI_COMMAND is set, main() hands over to
 * cni_main(), which speaks the CNI protocol on the same pipeline (request →
 * plan → execute) the netavark commands use. See docs/cni.md.
 */
#pragma once

#include "cni-config.h"
#include "cni-ipam.h"
#include "cni-store.h"
#include "cni-result.h"
#include "opts.h"

/* The whole plugin: read env and stdin, run the command, print, exit status. */
int cni_main(int argc, char **argv);

/**
 * cni_check() - CHECK: does the attachment still look as ADD built it?
 * @rec:	the attachment's lease in the network's address pool (the
 *		request ADD set up comes from the container record:
 *		cni_lease_request())
 *
 * Container interface (exists, veth, up, MAC, addresses, default and
 * configured routes), its host peer on the bridge, the bridge with its
 * gateways, the firewall table and set membership, netd-dns when enabled.
 * Return: 0, or -1 with @err (code 101) naming the first thing missing.
 */
int cni_check(const struct cni_config *cfg, const struct cni_params *p,
	      const struct netd_opts *o, const struct cni_alloc *rec, struct nd_error *err);

/* STATUS: 0, or -1 with code 50 saying why ADD cannot be served now. */
int cni_status(const struct cni_config *cfg, const struct netd_opts *o, struct cni_dir *d,
	       struct nd_error *err);
