/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The IPAM store (cni-ipam.h) on disk: <dataDir>/<name>/ holds "lock"
 * (flock, held for the whole command) and "allocations.json", the network's
 * round-robin position:
 *
 *   {"version": 2, "network": "<name>",
 *    "last": {"<subnet>": "<last address given out>", ...}}
 *
 * The store's attachments are the leases in the container records of
 * <runtimeDir>/netd/containers/ (cni-lease.h), loaded by cni_dir_open().
 * An older netd's file (version 1) also has "attachments": [{"containerID",
 * "ifname", "netns", "netnsDev", "netnsIno", "netnsCookie", "ips", "state",
 * and in even older ones "request"}]; cni_store_parse() reads them into the
 * store's attachments, and cni_dir_open() moves them into the records once.
 * dataDir defaults to /var/lib/netd/cni.
 */
#pragma once

#include "cni-ipam.h"

/* Parse the file's text, version 1 or 2 (bounds- and type-checked). Code 103 on failure. */
int cni_store_parse(const char *buf, size_t len, struct cni_store **ret, struct nd_error *err);
/* The file's text (version 2: the round-robin position only); NULL on allocation failure. */
char *cni_store_format(const struct cni_store *s);

/* One network's directory, locked, with its store loaded. */
struct cni_dir {
	char *dir;
	int lock_fd;
	struct cni_store *store;
};

/**
 * cni_dir_open() - create the directory, take its lock, load the store
 * Waits for the lock up to a minute, then fails with code 11 (try again).
 * A missing store file is an empty position. The attachments are the leases
 * of the container records (cni_leases_load()); a version 1 file's are
 * moved into the records first (cni_leases_migrate()) and the file written
 * back.
 */
int cni_dir_open(const struct cni_config *cfg, struct cni_dir *d, struct nd_error *err);
/* Write the round-robin position back (atomically). Code 103 on failure. */
int cni_dir_save(struct cni_dir *d, struct nd_error *err);
/* Free the store and release the lock. */
void cni_dir_close(struct cni_dir *d);
