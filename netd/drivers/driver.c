// SPDX-License-Identifier: Apache-2.0
/* The table of network drivers (driver.h). */
#include "driver.h"

#include "link-bridge.h"
#include "link-lower.h"
#include "link-veth.h"
#include "plugin.h"

static int bridge_teardown(struct exec_ctx *c, size_t i, struct nd_error *err)
{
	return veth_remove(c, i, err);
}

static int bridge_release_one(struct exec_ctx *c, size_t i, struct nd_error *err)
{
	int r = bridge_release(c, i, err);

	return r < 0 ? r : 0;
}

static int lower_teardown(struct exec_ctx *c, size_t i, struct nd_error *err)
{
	return lower_remove(c, i, err);
}

static const struct driver_ops bridge_ops = {
	.name = "bridge",
	.steps = { STEP_BRIDGE, STEP_VETH, STEP_ADDRESSES, STEP_ROUTES },
	.n_steps = 4,
	.host_services = true,
	.teardown = bridge_teardown,
	.release = bridge_release_one,
};

static const struct driver_ops macvlan_ops = {
	.name = "macvlan",
	.steps = { STEP_MACVLAN, STEP_ADDRESSES, STEP_ROUTES },
	.n_steps = 3,
	.teardown = lower_teardown,
	.release = lower_release,
};

static const struct driver_ops ipvlan_ops = {
	.name = "ipvlan",
	.steps = { STEP_IPVLAN, STEP_ADDRESSES, STEP_ROUTES },
	.n_steps = 3,
	.teardown = lower_teardown,
	.release = lower_release,
};

static const struct driver_ops plugin_ops = {
	.name = "plugin",
	.steps = { STEP_PLUGIN },
	.n_steps = 1,
	.check = plugin_check,
	.teardown = plugin_teardown,
};

const struct driver_ops *driver_of(const struct nd_network *net)
{
	switch (net->driver) {
	case ND_DRIVER_BRIDGE:
		return &bridge_ops;
	case ND_DRIVER_MACVLAN:
		return &macvlan_ops;
	case ND_DRIVER_IPVLAN:
		return &ipvlan_ops;
	case ND_DRIVER_PLUGIN:
		break;
	}
	return &plugin_ops;
}
