/* SPDX-License-Identifier: Apache-2.0 */
/* What the command line and environment say, read once in main.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETD_MAX_PLUGIN_DIRS 16

struct netd_opts {
	const char *config_dir;		/* --config; NULL if not given */
	const char *network_dir;	/* --network-dir before an admin command; NULL if not given */
	bool rootless;			/* --rootless true */
	const char *aardvark_binary;	/* --aardvark-binary */
	const char *fw_driver;		/* --firewall-driver / NETAVARK_FW */
	const char *plugin_dirs[NETD_MAX_PLUGIN_DIRS];
	size_t n_plugin_dirs;
	const char *input_file;		/* -f; NULL = stdin */
	uint16_t dns_port;		/* NETAVARK_DNS_PORT, default 53 */
};
