/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The IPAM store (cni-ipam.h) on disk: <dataDir>/<name>/ holds "lock"
 * (flock, held for the whole command) and "allocations.json", the one file
 * format of the CNI front end's state. It is the network's address pool, as
 * host-local's directory is: the leases and the round-robin position, and
 * nothing of what netd built (that is the container record's, in
 * <runtimeDir>/netd/containers/):
 *
 *   {"version": 1, "network": "<name>",
 *    "last": {"<subnet>": "<last address given out>", ...},
 *    "attachments": [{"containerID": "...", "ifname": "eth0",
 *                     "netns": "/run/netns/x", "netnsDev": 4, "netnsIno": 4026532288,
 *                     "netnsCookie": 4097,
 *                     "ips": ["10.88.0.2", ...],
 *                     "state": "adding" | "ready"}]}
 *
 * Files of an older netd also have a "request" per attachment (a copy of
 * the request netd_setup() got); it is read over and not written back.
 * dataDir defaults to /var/lib/netd/cni.
 */
#pragma once

#include "cni-ipam.h"

/* Parse the file's text (bounds- and type-checked). Code 103 on failure. */
int cni_store_parse(const char *buf, size_t len, struct cni_store **ret, struct nd_error *err);
/* The file's text; NULL on allocation failure. */
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
 * A missing store file is an empty store.
 */
int cni_dir_open(const struct cni_config *cfg, struct cni_dir *d, struct nd_error *err);
/* Write the store back (atomically). Code 103 on failure. */
int cni_dir_save(struct cni_dir *d, struct nd_error *err);
/* Free the store and release the lock. */
void cni_dir_close(struct cni_dir *d);
