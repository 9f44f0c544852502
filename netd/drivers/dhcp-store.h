/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lease records, one file per leased container interface:
 *   <config>/netd/dhcp/<container id>.<interface>.json
 * Setup writes one after the ACK, the keeper (netd dhcp-proxy) rewrites it
 * after each renewal, teardown releases the lease and removes it. Written
 * through state_write_atomic() (temporary + rename).
 */
#pragma once

#include <limits.h>
#include <net/if.h>

#include "dhcp-client.h"
#include "shared/error.h"

struct dhcp_record {
	char container_id[128];
	char network[256];
	char netns[PATH_MAX];
	char ifname[IFNAMSIZ];
	char hostname[64];
	uint8_t mac[6];
	struct dhcp_lease lease;
};

/* "<config>/netd/dhcp" and the record's path in it. */
char *dhcp_store_dir(const char *config_dir);
char *dhcp_store_path(const char *config_dir, const char *container_id, const char *ifname);

/*
 * Write @rec (borrowed) as its record file, creating the directory; the file
 * is replaced atomically. Return: 0, -ENOMEM, or the -errno of the write.
 */
int dhcp_store_write(const char *config_dir, const struct dhcp_record *rec);
/* Return: 0, -ENOENT, -EBADMSG (not a record of ours). */
int dhcp_store_read(const char *path, struct dhcp_record *ret);
int dhcp_store_remove(const char *config_dir, const char *container_id, const char *ifname);
