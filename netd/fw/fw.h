/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The firewall seam. A driver gets the whole request once at setup (after
 * the links exist) and once at teardown, so it can apply each as a single
 * transaction. "none" does nothing; "nftables" is fw-nft.c.
 */
#pragma once

#include <stdbool.h>

#include "exec.h"
#include "fw-check.h"

/**
 * struct fw_driver - one firewall driver
 *
 * Setup and teardown get the whole request once (after the links exist,
 * before shared objects go), so each can be a single transaction. check and
 * reload work on the whole ruleset the state records of @dirs want;
 * check_network and probe answer the CNI CHECK and STATUS commands.
 */
struct fw_driver {
	const char *name;
	/* Add the rules of every attachment; journal their removal in @c. */
	int (*setup)(struct exec_ctx *c);
	/* Remove them; @last[i]: attachment i's network has no container left. */
	int (*teardown)(struct exec_ctx *c, const bool *last, struct nd_error *err);
	/* The network that carried the ports left: publish them on @remaining's. */
	int (*ports_moved)(struct exec_ctx *c, const struct nd_request *remaining,
			   struct nd_error *err);
	/*
	 * Compare the whole expected ruleset with the kernel's: @diff gets one
	 * readable line per difference. Return: how many, or -errno (@err set).
	 */
	int (*check)(const struct fw_dirs *dirs, void (*diff)(const char *line, void *arg),
		     void *arg, struct nd_error *err);
	/*
	 * Put the whole expected ruleset in place in one transaction.
	 * @containers: how many records it covered. Return: 0 or -errno (@err set).
	 */
	int (*reload)(const struct fw_dirs *dirs, size_t *containers, struct nd_error *err);
	/*
	 * Are the rules of network bridge @bridge in the kernel, and with
	 * @ports, the published ports of container @id as @req (NULL when it
	 * cannot be read) records them? @needs: which attachments get rules
	 * (driver_fw_needs()). Return: 0, or negative with @err
	 * saying what is missing.
	 */
	int (*check_network)(const char *bridge, const char *id, bool ports,
			     const struct nd_request *req, exec_fw_needs_fn *needs,
			     struct nd_error *err);
	/* Can the firewall be used at all? Return: 0 or -errno. */
	int (*probe)(void);
};

/* Look a driver up by name (case-insensitive). NULL if unknown. */
const struct fw_driver *fw_lookup(const char *name);
/* The driver named @name; "none" (does nothing, finds nothing wrong) if it is unknown or NULL. */
const struct fw_driver *fw_of(const char *name);
const char *fw_default_name(void);

extern const struct fw_driver fw_nftables;
