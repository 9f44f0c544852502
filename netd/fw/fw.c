// SPDX-License-Identifier: Apache-2.0
#include "fw.h"

#include <strings.h>

static int none_setup(struct exec_ctx *c)
{
	return 0;
}

static int none_teardown(struct exec_ctx *c, const bool *last, struct nd_error *err)
{
	return 0;
}

static int none_ports_moved(struct exec_ctx *c, const struct nd_request *remaining,
			    struct nd_error *err)
{
	return 0;
}

static int none_check(const struct fw_dirs *dirs, void (*diff)(const char *line, void *arg),
		      void *arg, struct nd_error *err)
{
	return 0;
}

static int none_reload(const struct fw_dirs *dirs, size_t *containers, struct nd_error *err)
{
	*containers = 0;
	return 0;
}

static int none_check_network(const char *bridge, const char *id, bool ports,
			      const struct nd_request *req, exec_fw_needs_fn *needs,
			      struct nd_error *err)
{
	return 0;
}

static int none_probe(void)
{
	return 0;
}

static const struct fw_driver fw_none = {
	.name = "none",
	.setup = none_setup,
	.teardown = none_teardown,
	.ports_moved = none_ports_moved,
	.check = none_check,
	.reload = none_reload,
	.check_network = none_check_network,
	.probe = none_probe,
};

static const struct fw_driver *const drivers[] = { &fw_nftables, &fw_none };

const struct fw_driver *fw_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (strcasecmp(drivers[i]->name, name) == 0)
			return drivers[i];
	return NULL;
}

const struct fw_driver *fw_of(const char *name)
{
	const struct fw_driver *d = name ? fw_lookup(name) : NULL;

	return d ? d : &fw_none;
}

const char *fw_default_name(void)
{
	return fw_nftables.name;
}
