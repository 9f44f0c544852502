/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netd as a CNI plugin: when CNI_COMMAND is set, main() hands over to
 * cni_main(), which speaks the CNI protocol on the same pipeline (request →
 * plan → execute) the netavark commands use. See docs/cni.md.
 */
#pragma once

#include "cni-config.h"
#include "cni-ipam.h"
#include "cni-result.h"
#include "opts.h"

/* The whole plugin: read env and stdin, run the command, print, exit status. */
int cni_main(int argc, char **argv);

/*
 * The IPAM store of a network on disk (cni-store.c): <dataDir>/<name>/
 * holds "lock" (flock, held for the whole command) and "allocations.json".
 */
struct cni_dir {
	char *dir;
	int lock_fd;
	struct cni_store *store;
};

/**
 * cni_dir_open() - create the directory, take its lock, load the store
 * Waits for the lock up to a minute, then fails with code 11 (try again).
 * A missing store file is an empty store.
 */
int cni_dir_open(const struct cni_config *cfg, struct cni_dir *d, struct nd_error *err);
/* Write the store back (atomically). Code 103 on failure. */
int cni_dir_save(struct cni_dir *d, struct nd_error *err);
/* Free the store and release the lock. */
void cni_dir_close(struct cni_dir *d);

/* netd's options for a CNI network (config dir, firewall, DNS server). */
void cni_make_opts(const struct cni_config *cfg, struct netd_opts *o, char *buf, size_t size);

/**
 * cni_check() - CHECK: does the attachment still look as ADD built it?
 * @rec:	the IPAM record of the attachment
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
