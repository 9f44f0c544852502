// SPDX-License-Identifier: Apache-2.0
/*
 * The vtables: what each network driver says of itself (driver.h), the
 * firewall driver lookup (fw_of() falls back to "none", which finds nothing
 * wrong), the netlink layer's table of link kinds (names round-trip), and
 * the links made through it and the drivers' status and check ops, in a
 * private network namespace (skipped where none can be made).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "fw.h"
#include "nl.h"
#include "shared/cleanup.h"
#include "shared/ipaddr.h"
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

/* A plugin's objects are its own: status and check say so. */
static void plugin_ops(void)
{
	struct nd_network net = { .name = "p", .driver = ND_DRIVER_PLUGIN, .driver_name = "tool" };
	struct nd_attach a = { .net = &net };
	struct driver_probe p = { .a = &a };
	const struct driver_ops *d = driver_of(&net);
	struct driver_status s;
	struct nd_error e = {0};

	tap_result(d->status(&p, &s) == -EOPNOTSUPP && d->check_live(&p, &e) == -EOPNOTSUPP &&
		   e.msg && strstr(e.msg, "\"tool\" is a plugin"), NULL,
		   "plugin: status and check are not supported, and the message names the plugin");
	tap_result(driver_net_status(NULL, &net, false, &s) == -EOPNOTSUPP, NULL,
		   "plugin: the network's status is not supported either");
	nd_error_clear(&e);
}

/* Run the check op of @a's driver; its code, and the message kept in @msg. */
static int check(const struct driver_probe *p, char *msg, size_t size)
{
	struct nd_error e = {0};
	int r = driver_of(p->a->net)->check_live(p, &e);

	snprintf(msg, size, "%s", e.msg ? e.msg : "");
	nd_error_clear(&e);
	return r;
}

static bool expect(const struct driver_probe *p, int code, const char *part, const char *name)
{
	char msg[256];
	int r = check(p, msg, sizeof(msg));
	bool ok = r == code && (!part || strstr(msg, part));

	if (!tap_result(ok, NULL, name))
		tap_diag("got %d (%s), message \"%s\"", r, strerror(-r), msg);
	return ok;
}

static int up(struct nlx *h, const char *name)
{
	struct nlx_link l;
	int r = nlx_link_by_name(h, name, &l);

	return r < 0 ? r : nlx_link_set_up(h, l.ifindex);
}

static bool has(const struct nd_prefix *v, size_t n, const struct nd_prefix *x)
{
	for (size_t i = 0; i < n; i++)
		if (nd_prefix_equal(&v[i], x) && nd_ip_equal(&v[i].addr, &x->addr))
			return true;
	return false;
}

/* The bridge's addresses and the container end's, as status lists them. */
static void status_addrs(struct nlx *h, const struct driver_probe *p, const struct nd_prefix *gw)
{
	struct nd_prefix ctr;
	struct driver_status s;
	struct nlx_link l;

	nd_prefix_parse("10.9.0.2/24", &ctr, NULL);
	tap_result(driver_of(p->a->net)->status(p, &s) == 0 && s.bridge_addrs_err == 0 &&
		   has(s.bridge_addrs, s.n_bridge_addrs, gw) && s.ctr_addrs_err == 0 &&
		   s.n_ctr_addrs == 0, NULL,
		   "bridge status: the bridge's gateway address; none yet in the container");
	nlx_link_by_name(h, p->a->interface_name, &l);
	nlx_addr_add(h, l.ifindex, &ctr);
	tap_result(driver_of(p->a->net)->status(p, &s) == 0 &&
		   has(s.ctr_addrs, s.n_ctr_addrs, &ctr) && !has(s.bridge_addrs, s.n_bridge_addrs, &ctr),
		   NULL, "bridge status: the container end's address, on it alone");
	nlx_addr_del(h, l.ifindex, &ctr);
}

/* Bridge: each piece setup makes, from nothing to all there, as the check op sees it. */
static void bridge_live(struct nlx *h)
{
	struct nd_subnet sn = { .has_gateway = true };
	struct nd_network net = { .name = "t0", .driver = ND_DRIVER_BRIDGE, .mode = ND_MODE_MANAGED,
				  .network_interface = "br-t0", .subnets = &sn, .n_subnets = 1 };
	struct nd_attach a = { .net = &net, .interface_name = "eth-t0", .host_interface_name = "vh-t0" };
	struct driver_probe p = { .host = h, .ctr = h, .container_id = "c0ffee", .a = &a };
	_cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct nd_prefix gw;
	struct driver_status s;
	int br = 0;

	nd_prefix_parse("10.9.0.0/24", &sn.subnet, NULL);
	nd_ip_parse("10.9.0.1", &sn.gateway);
	gw = (struct nd_prefix){ .addr = sn.gateway, .len = 24 };
	expect(&p, -ENODEV, "bridge br-t0 of network \"t0\" is missing", "bridge check: no bridge");
	tap_result(nlx_bridge_create(h, "br-t0", 0, 0, false, &br) == 0, NULL, "bridge made");
	expect(&p, -ENETDOWN, "bridge br-t0 is down", "bridge check: bridge down");
	nlx_link_set_up(h, br);
	expect(&p, -EADDRNOTAVAIL, "lacks gateway address 10.9.0.1/24", "bridge check: no gateway");
	nlx_addr_add(h, br, &gw);
	expect(&p, -ENODEV, "host veth vh-t0 is missing", "bridge check: no veth");
	tap_result(nlx_veth_create(h, "vh-t0", "eth-t0", self, 0, 0, NULL) == 0, NULL, "veth made");
	expect(&p, -EXDEV, "not a port of bridge br-t0", "bridge check: veth not on the bridge");
	nlx_link_by_name(h, "vh-t0", &s.host);
	nlx_link_del(h, s.host.ifindex);
	nlx_veth_create(h, "vh-t0", "eth-t0", self, 0, br, NULL);
	expect(&p, -ENETDOWN, "host veth vh-t0 is down", "bridge check: veth down");
	up(h, "vh-t0");
	expect(&p, -ENETDOWN, "interface eth-t0 is down", "bridge check: container end down");
	up(h, "eth-t0");
	expect(&p, 0, NULL, "bridge check: all there");
	tap_result(driver_of(&net)->status(&p, &s) == 0 && s.bridge_exists && s.host_exists &&
		   s.ctr_exists && s.host.master == br && s.bridge.ifindex == br &&
		   strcmp(s.host_name, "vh-t0") == 0 && s.host.up, NULL,
		   "bridge status: bridge, host veth on it and up, container end");
	status_addrs(h, &p, &gw);
	tap_result(driver_net_status(h, &net, false, &s) == 0 && s.bridge_exists && s.bridge.ifindex == br &&
		   !s.host_exists && !s.host_name[0] && !s.ctr_exists, NULL,
		   "network status: the bridge alone, no attachment's links looked for");
	tap_result(driver_net_status(h, &net, true, &s) == 0 && s.bridge_exists &&
		   s.n_bridge_addrs == 0 && !s.bridge_addrs_err, NULL,
		   "network status, links only: the bridge without its addresses");
	net.mode = ND_MODE_UNMANAGED;
	nlx_addr_del(h, br, &gw);
	expect(&p, 0, NULL, "bridge check: an unmanaged bridge's addresses are the admin's");
}

/* macvlan and ipvlan: the container's link, its kind and state, and its parent. */
static void lower_live(struct nlx *h)
{
	struct nd_network net = { .name = "m0", .driver = ND_DRIVER_MACVLAN,
				  .network_interface = "br-t0" };
	struct nd_attach a = { .net = &net, .interface_name = "mv-t0" };
	struct driver_probe p = { .host = h, .ctr = h, .a = &a };
	struct driver_status s;
	struct nlx_link parent;
	int r;

	expect(&p, -ENODEV, "interface mv-t0 is missing in the container", "macvlan check: no link");
	nlx_link_by_name(h, "br-t0", &parent);
	r = nlx_lower_create(h, &(struct nlx_lower){ .kind = NLX_KIND_MACVLAN, .name = "mv-t0",
			     .parent = parent.ifindex, .ns_fd = -1, .mode = 4 /* bridge */ });
	if (!tap_result(r == 0, NULL, "macvlan made"))
		tap_diag("nlx_lower_create: %s", strerror(-r));
	expect(&p, -ENETDOWN, "interface mv-t0 is down", "macvlan check: link down");
	up(h, "mv-t0");
	expect(&p, 0, NULL, "macvlan check: all there");
	tap_result(driver_of(&net)->status(&p, &s) == 0 && s.ctr_exists && s.host_exists &&
		   s.host.ifindex == parent.ifindex && strcmp(s.host_name, "br-t0") == 0, NULL,
		   "macvlan status: the link and the parent it is on");
	net.driver = ND_DRIVER_IPVLAN;
	expect(&p, -EMEDIUMTYPE, "mv-t0 is a macvlan link, not ipvlan",
	       "ipvlan check: a macvlan link is the wrong kind");
	a.interface_name = "gone0";
	net.network_interface = "nope0";
	expect(&p, -ENODEV, NULL, "ipvlan check: no link");
	p.ctr = NULL;
	expect(&p, -ENODEV, "parent interface nope0 of network \"m0\" is missing",
	       "ipvlan check: no parent (namespace not looked into)");
}

/* Links made through the table of kinds carry what the request asked for. */
static void kinds_live(struct nlx *h)
{
	_cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	static const uint8_t mac[6] = { 0x02, 0x6e, 0x65, 0x74, 0x64, 0x01 };
	struct nlx_link br, host, peer;
	int ifindex = 0;

	tap_result(nlx_bridge_create(h, "br-k0", 1400, 0, false, &ifindex) == 0 &&
		   nlx_link_by_name(h, "br-k0", &br) == 0 && br.ifindex == ifindex &&
		   br.type == NLX_KIND_BRIDGE && br.mtu == 1400 && br.group == NLX_NETD_GROUP,
		   NULL, "bridge: kind, MTU and netd's group from the creating request");
	tap_result(nlx_bridge_create(h, "br-k0", 0, 0, false, &ifindex) == -EEXIST, NULL,
		   "bridge: a taken name is -EEXIST");
	tap_result(nlx_veth_create(h, "vh-k0", "eth-k0", self, 1300, br.ifindex, mac) == 0 &&
		   nlx_link_by_name(h, "vh-k0", &host) == 0 &&
		   nlx_link_by_name(h, "eth-k0", &peer) == 0 && host.type == NLX_KIND_VETH &&
		   peer.type == NLX_KIND_VETH && host.master == br.ifindex && peer.master == 0 &&
		   host.mtu == 1300 && peer.mtu == 1300 && memcmp(peer.mac, mac, 6) == 0 &&
		   host.link == peer.ifindex && peer.link == host.ifindex && host.group == 0,
		   NULL, "veth: both ends, the MTU on both, host end on the bridge, the peer's MAC");
	tap_result(nlx_lower_create(h, &(struct nlx_lower){ .kind = NLX_KIND_BRIDGE,
		   .name = "x-k0", .parent = br.ifindex, .ns_fd = -1 }) == -EINVAL &&
		   nlx_lower_create(h, &(struct nlx_lower){ .kind = NLX_KIND_VRF,
		   .name = "x-k0", .parent = br.ifindex, .ns_fd = -1 }) == -EINVAL,
		   NULL, "lower: a bridge or vrf is not a link on a parent");
}

/* A network namespace of our own (a user namespace too when not root). */
static bool private_netns(void)
{
	if (geteuid() == 0 && unshare(CLONE_NEWNET) == 0)
		return true;
	return unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0;
}

static void live(void)
{
	_cleanup_(nlx_freep) struct nlx *h = NULL;

	if (!private_netns() || nlx_open(&h) < 0) {
		tap_result(true, NULL, "driver status and check # SKIP no private network namespace");
		return;
	}
	kinds_live(h);
	bridge_live(h);
	lower_live(h);
}

int main(void)
{
	drivers();
	fw_needs();
	firewalls();
	kinds();
	plugin_ops();
	live();	/* last: the process stays in its own network namespace */
	return tap_finish();
}
