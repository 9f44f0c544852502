/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The firewall seam. A driver gets the whole request once at setup (after
 * the links exist) and once at teardown, so it can apply each as a single
 * transaction. "none" does nothing; "nftables" is fw-nft.c.
 */
#pragma once

#include <stdbool.h>

#include "exec.h"

struct fw_driver {
	const char *name;
	/* Add the rules of every attachment; journal their removal in @c. */
	int (*setup)(struct exec_ctx *c);
	/* Remove them; @last[i]: attachment i's network has no container left. */
	int (*teardown)(struct exec_ctx *c, const bool *last, struct nd_error *err);
	/* The network that carried the ports left: publish them on @remaining's. */
	int (*ports_moved)(struct exec_ctx *c, const struct nd_request *remaining,
			   struct nd_error *err);
};

/* Look a driver up by name (case-insensitive). NULL if unknown. */
const struct fw_driver *fw_lookup(const char *name);
const char *fw_default_name(void);

/* Whether attachment @a gets firewall rules at all (managed bridge networks). */
bool fw_wants(const struct nd_attach *a);

extern const struct fw_driver fw_nftables;
