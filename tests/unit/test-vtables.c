// SPDX-License-Identifier: Apache-2.0
/*
 * The vtables: what each network driver says of itself (driver.h), the
 * firewall driver lookup (fw_of() falls back to "none", which finds nothing
 * wrong), and the netlink layer's table of link kinds (names round-trip).
 */
#include <stdbool.h>
#include <string.h>

#include "driver.h"
#include "fw.h"
#include "nl.h"
#include "tap.h"

static int count_diff;

static void on_diff(const char *line, void *arg)
{
	count_diff++;
}

static void drivers(void)
{
	struct nd_network net = { .driver = ND_DRIVER_BRIDGE };
	const struct driver_ops *d = driver_of(&net);

	tap_result(strcmp(d->name, "bridge") == 0 && d->owns_bridge && d->host_services &&
		   !d->on_parent && !d->own_ipam && d->n_steps == 4 &&
		   strcmp(d->steps[0]->name, "bridge") == 0 && d->steps[0]->setup &&
		   strcmp(d->remove->name, "veth") == 0 && d->remove->teardown &&
		   strcmp(d->release->name, "bridge") == 0 && d->release->teardown,
		   NULL, "bridge: owns its bridge, wants firewall and DNS, veth out, bridge released");
	net.driver = ND_DRIVER_MACVLAN;
	d = driver_of(&net);
	tap_result(strcmp(d->name, "macvlan") == 0 && !d->owns_bridge && !d->host_services &&
		   d->on_parent && strcmp(d->remove->name, "macvlan") == 0 &&
		   strcmp(d->release->name, "vlan") == 0 && !d->release->setup,
		   NULL, "macvlan: on a parent, no host services, its vlan parent released");
	net.driver = ND_DRIVER_IPVLAN;
	d = driver_of(&net);
	tap_result(strcmp(d->name, "ipvlan") == 0 && d->on_parent && !d->owns_bridge &&
		   strcmp(d->steps[0]->name, "ipvlan") == 0,
		   NULL, "ipvlan: on a parent, its own link step");
	net.driver = ND_DRIVER_PLUGIN;
	d = driver_of(&net);
	tap_result(strcmp(d->name, "plugin") == 0 && d->own_ipam && d->check && !d->release &&
		   d->n_steps == 1 && d->remove == d->steps[0],
		   NULL, "plugin: checked first, its own IPAM, one op both ways");
	tap_result(step_loopback.setup && !step_loopback.teardown && step_dhcp.setup &&
		   step_dhcp.teardown, NULL, "loopback is setup only; dhcp both ways");
}

/* Which attachments get firewall rules: the driver answers, by mode. */
static void fw_needs(void)
{
	struct nd_network net = { .driver = ND_DRIVER_BRIDGE, .mode = ND_MODE_MANAGED };
	struct nd_attach a = { .net = &net };
	bool managed = driver_fw_needs(&a), others = false;

	net.mode = ND_MODE_UNMANAGED;
	others |= driver_fw_needs(&a);
	net.mode = ND_MODE_MANAGED;
	net.driver = ND_DRIVER_MACVLAN;
	others |= driver_fw_needs(&a);
	net.driver = ND_DRIVER_IPVLAN;
	others |= driver_fw_needs(&a);
	net.driver = ND_DRIVER_PLUGIN;
	others |= driver_fw_needs(&a);
	tap_result(managed && !others, NULL,
		   "fw_needs: a managed bridge gets rules; unmanaged, macvlan, ipvlan, plugin none");
}

static void firewalls(void)
{
	const struct fw_driver *none = fw_of("none");
	struct nd_error e = {0};
	size_t n = 7;

	tap_result(strcmp(fw_of("NFTables")->name, "nftables") == 0, NULL,
		   "fw_of: names are case-insensitive");
	tap_result(fw_of("iptables-legacy") == none && fw_of(NULL) == none, NULL,
		   "fw_of: unknown or no name is none");
	tap_result(none->check(NULL, on_diff, NULL, &e) == 0 && count_diff == 0 &&
		   none->reload(NULL, &n, &e) == 0 && n == 0 &&
		   none->check_network("podman0", "c0ffee", true, NULL, driver_fw_needs, &e) == 0 &&
		   none->probe() == 0 && !e.msg,
		   NULL, "none: nothing to compare, reload, find missing or probe");
	tap_result(fw_of("nftables")->check && fw_of("nftables")->reload &&
		   fw_of("nftables")->check_network && fw_of("nftables")->probe,
		   NULL, "nftables: every op is there");
}

static void kinds(void)
{
	static const enum nlx_kind all[] = {
		NLX_KIND_BRIDGE, NLX_KIND_VETH, NLX_KIND_MACVLAN, NLX_KIND_IPVLAN, NLX_KIND_VLAN,
		NLX_KIND_VRF,
	};
	bool ok = true;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		ok &= nlx_kind_parse(nlx_kind_name(all[i])) == all[i];
	tap_result(ok, NULL, "link kinds: every name parses back to its kind");
	tap_result(nlx_kind_parse(NULL) == NLX_KIND_NONE && nlx_kind_parse("") == NLX_KIND_NONE,
		   NULL, "link kinds: no kind is none");
	tap_result(nlx_kind_parse("dummy") == NLX_KIND_OTHER && !*nlx_kind_name(NLX_KIND_OTHER),
		   NULL, "link kinds: an unknown kind is other, with no name of its own");
	tap_result(nlx_link_is_bridge(&(struct nlx_link){ .type = NLX_KIND_BRIDGE }) &&
		   !nlx_link_is_bridge(&(struct nlx_link){ .type = NLX_KIND_VETH }),
		   NULL, "nlx_link_is_bridge asks the parsed kind");
}

int main(void)
{
	drivers();
	fw_needs();
	firewalls();
	kinds();
	return tap_finish();
}
