// SPDX-License-Identifier: Apache-2.0
/*
 * netd firewall-reload: put netd's nftables table back as the state records
 * say it must be, e.g. after `nft flush ruleset` or `nft flush table inet
 * netd`: one transaction deletes the table and adds the whole expected one
 * (fw-check.c), so whatever was lost, changed or added comes out right.
 *
 * Which records: --config DIR: those of DIR; without it, both the engine's
 * default dir (/run/containers/networks, Podman) and the admin commands'
 * (/run/netd): they share the one table, so a rebuild must know them all.
 */
#include <errno.h>
#include <stdio.h>
#include <strings.h>

#include "fw-reload.h"
#include "fw.h"
#include "shared/log.h"

void fw_dirs_default(const char *config, exec_fw_needs_fn *needs, struct fw_dirs *d)
{
	*d = (struct fw_dirs){ .needs = needs };
	if (config) {
		d->v[d->n++] = config;
	} else {
		d->v[d->n++] = FW_ENGINE_CONFIG;
		d->v[d->n++] = FW_ADMIN_CONFIG;
	}
}

int cmd_firewall_reload(const struct netd_opts *opts, exec_fw_needs_fn *needs,
			struct nd_error *err)
{
	const struct fw_driver *fw = fw_of(opts->fw_driver);
	struct fw_dirs dirs;
	size_t containers;
	int r;

	if (strcasecmp(fw->name, "none") == 0)
		return 0;
	fw_dirs_default(opts->config_dir, needs, &dirs);
	r = fw->reload(&dirs, &containers, err);
	if (r < 0)
		return r;
	log_info("firewall-reload: table inet netd rebuilt in one transaction from %zu container record%s in %s%s%s",
		 containers, containers == 1 ? "" : "s", dirs.v[0], dirs.n > 1 ? " and " : "",
		 dirs.n > 1 ? dirs.v[1] : "");
	return 0;
}
