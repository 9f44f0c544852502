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

static const struct fw_driver fw_none = {
	.name = "none",
	.setup = none_setup,
	.teardown = none_teardown,
	.ports_moved = none_ports_moved,
};

static const struct fw_driver *const drivers[] = { &fw_nftables, &fw_none };

const struct fw_driver *fw_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (strcasecmp(drivers[i]->name, name) == 0)
			return drivers[i];
	return NULL;
}

const char *fw_default_name(void)
{
	return fw_nftables.name;
}

bool fw_wants(const struct nd_attach *a)
{
	return a->net->driver == ND_DRIVER_BRIDGE && a->net->mode == ND_MODE_MANAGED;
}
