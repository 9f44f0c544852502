/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The firewall seam. A driver gets the network and port rules of one
 * attachment at setup (after the links exist) and at teardown. "none" does
 * nothing; the nftables driver plugs in here.
 */
#pragma once

#include <stdbool.h>

#include "exec.h"

struct fw_driver {
	const char *name;
	/* Add rules for attachment @i; must journal their removal in @c. */
	int (*setup)(struct exec_ctx *c, size_t i);
	/* Remove attachment @i's rules; @last: the network has no container left. */
	int (*teardown)(struct exec_ctx *c, size_t i, bool last, struct nd_error *err);
};

/* Look a driver up by name (case-insensitive). NULL if unknown. */
const struct fw_driver *fw_lookup(const char *name);
const char *fw_default_name(void);
