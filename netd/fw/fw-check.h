/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The whole expected ruleset of netd's table, built from the state records of
 * one or more config dirs; compared with the kernel's table (check) and put
 * back in one transaction (firewall-reload, check --repair).
 */
#pragma once

#include <stddef.h>

#include "exec.h"
#include "shared/error.h"

#define FW_ENGINE_CONFIG "/run/containers/networks"
#define FW_ADMIN_CONFIG "/run/netd"

/* @needs: which attachments of a record get rules; the caller asks the drivers (driver_fw_needs()). */
struct fw_dirs {
	const char *v[4];
	size_t n;
	exec_fw_needs_fn *needs;
};

/*
 * fw_expect_rebuild() - replace table inet netd by the expected one, in one
 * transaction (delete table + the full table again: packets see the old or the
 * new ruleset, never a mix). Nothing to do when no container is recorded and
 * the table does not exist. @containers: how many records it covered.
 */
int fw_expect_rebuild(const struct fw_dirs *dirs, size_t *containers, struct nd_error *err);

/*
 * fw_expect_compare() - call @diff with one readable line for every difference
 * between the expected table and the kernel's (tables, chains, rules, sets,
 * set and map elements). Returns the number of differences or -errno.
 */
int fw_expect_compare(const struct fw_dirs *dirs, void (*diff)(const char *line, void *arg),
		      void *arg, struct nd_error *err);

/* The dirs a command covers: @config if given, else the engine's and the admin's. */
void fw_dirs_default(const char *config, exec_fw_needs_fn *needs, struct fw_dirs *d);
