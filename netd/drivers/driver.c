// SPDX-License-Identifier: Apache-2.0
/* The network drivers' vtables and the step ops they are made of (driver.h). */
#include "driver.h"

#include <errno.h>

#include "ctrnet.h"
#include "dhcp-setup.h"
#include "link-bridge.h"
#include "link-ipvlan.h"
#include "link-lower.h"
#include "link-macvlan.h"
#include "link-veth.h"
#include "nl.h"
#include "plugin.h"

static int loopback_setup(struct exec_ctx *c, size_t i)
{
	return ctrnet_loopback_up(c);
}

static int addresses_setup(struct exec_ctx *c, size_t i)
{
	return ctrnet_addresses(c, i);
}

static int routes_setup(struct exec_ctx *c, size_t i)
{
	return ctrnet_routes(c, i);
}

static int dhcp_step_setup(struct exec_ctx *c, size_t i)
{
	return dhcp_setup_step(c, i);
}

static int dhcp_step_teardown(struct exec_ctx *c, size_t i,
			      struct nd_error *err)
{
	return dhcp_teardown(c, i, err);
}

static int bridge_setup(struct exec_ctx *c, size_t i)
{
	return bridge_ensure(c, i);
}

static int bridge_teardown(struct exec_ctx *c, size_t i, struct nd_error *err)
{
	int r = bridge_release(c, i, err);

	return r < 0 ? r : 0;
}

static int veth_setup(struct exec_ctx *c, size_t i)
{
	return veth_create(c, i);
}

/* The container's veth goes; then: was it the network's last port? (the firewall asks) */
static int veth_teardown(struct exec_ctx *c, size_t i, struct nd_error *err)
{
	const char *bridge = c->req->attach[i].net->network_interface;
	int r = veth_remove(c, i, err);
	struct nlx_link br;
	size_t ports = 1;

	if (nlx_link_by_name(c->host, bridge, &br) == -ENODEV)
		c->rt[i].net_empty = true;
	else if (nlx_count_ports(c->host, br.ifindex, &ports) == 0)
		c->rt[i].net_empty = ports == 0;
	return r;
}

static int macvlan_setup(struct exec_ctx *c, size_t i)
{
	return macvlan_create(c, i);
}

static int ipvlan_setup(struct exec_ctx *c, size_t i)
{
	return ipvlan_create(c, i);
}

static int macvlan_teardown(struct exec_ctx *c, size_t i, struct nd_error *err)
{
	return lower_remove(c, i, NLX_KIND_MACVLAN, err);
}

static int ipvlan_teardown(struct exec_ctx *c, size_t i, struct nd_error *err)
{
	return lower_remove(c, i, NLX_KIND_IPVLAN, err);
}

static int lower_release_step(struct exec_ctx *c, size_t i,
			      struct nd_error *err)
{
	return lower_release(c, i, err);
}

const struct step_op step_loopback = { .name = "loopback", .setup = loopback_setup };
const struct step_op step_dhcp = {
	.name = "dhcp", .setup = dhcp_step_setup, .teardown = dhcp_step_teardown,
};
static const struct step_op step_addresses = { .name = "addresses", .setup = addresses_setup };
static const struct step_op step_routes = { .name = "routes", .setup = routes_setup };
static const struct step_op step_bridge = {
	.name = "bridge", .setup = bridge_setup, .teardown = bridge_teardown,
};
static const struct step_op step_veth = {
	.name = "veth", .setup = veth_setup, .teardown = veth_teardown,
};
static const struct step_op step_macvlan = {
	.name = "macvlan", .setup = macvlan_setup, .teardown = macvlan_teardown,
};
static const struct step_op step_ipvlan = {
	.name = "ipvlan", .setup = ipvlan_setup, .teardown = ipvlan_teardown,
};
/* The vlan sub-interface a macvlan or ipvlan parent may be: released once unused. */
static const struct step_op step_vlan = { .name = "vlan", .teardown = lower_release_step };
static const struct step_op step_plugin = {
	.name = "plugin", .setup = plugin_setup, .teardown = plugin_teardown,
};

static int macvlan_check_live(const struct driver_probe *p, struct nd_error *err)
{
	return lower_check(p, NLX_KIND_MACVLAN, err);
}

static int ipvlan_check_live(const struct driver_probe *p, struct nd_error *err)
{
	return lower_check(p, NLX_KIND_IPVLAN, err);
}

/* A plugin's objects are its own: netd has no way to read or compare them. */
static int plugin_status_op(const struct driver_probe *p, struct driver_status *ret)
{
	return -EOPNOTSUPP;
}

static int plugin_check_live(const struct driver_probe *p, struct nd_error *err)
{
	return nd_error_set(err, -EOPNOTSUPP,
			    "network \"%s\": driver \"%s\" is a plugin; netd cannot check what it made",
			    p->a->net->name, p->a->net->driver_name ? p->a->net->driver_name : "plugin");
}

/* Rules for the bridge netd manages; an unmanaged bridge is the admin's own. */
static bool bridge_fw_needs(const struct nd_attach *a)
{
	return a->net->mode == ND_MODE_MANAGED;
}

static const struct driver_ops bridge_ops = {
	.name = "bridge",
	.steps = { &step_bridge, &step_veth, &step_addresses, &step_routes },
	.n_steps = 4,
	.remove = &step_veth,
	.release = &step_bridge,
	.host_services = true,
	.owns_bridge = true,
	.fw_needs = bridge_fw_needs,
	.status = bridge_status,
	.check_live = bridge_check,
};

static const struct driver_ops macvlan_ops = {
	.name = "macvlan",
	.steps = { &step_macvlan, &step_addresses, &step_routes },
	.n_steps = 3,
	.remove = &step_macvlan,
	.release = &step_vlan,
	.on_parent = true,
	.status = lower_status,
	.check_live = macvlan_check_live,
};

static const struct driver_ops ipvlan_ops = {
	.name = "ipvlan",
	.steps = { &step_ipvlan, &step_addresses, &step_routes },
	.n_steps = 3,
	.remove = &step_ipvlan,
	.release = &step_vlan,
	.on_parent = true,
	.status = lower_status,
	.check_live = ipvlan_check_live,
};

static const struct driver_ops plugin_ops = {
	.name = "plugin",
	.steps = { &step_plugin },
	.n_steps = 1,
	.remove = &step_plugin,
	.own_ipam = true,
	.check = plugin_check,
	.status = plugin_status_op,
	.check_live = plugin_check_live,
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

int driver_net_status(struct nlx *host, const struct nd_network *net, bool links_only,
		      struct driver_status *ret)
{
	const struct nd_attach none = { .net = net };
	const struct driver_probe p = { .host = host, .a = &none, .links_only = links_only };

	return driver_of(net)->status(&p, ret);
}

bool driver_fw_needs(const struct nd_attach *a)
{
	const struct driver_ops *d = driver_of(a->net);

	return d->fw_needs && d->fw_needs(a);
}
