// SPDX-License-Identifier: Apache-2.0
/*
 * plan_setup(): the exact step sequence for bridge, macvlan, ipvlan, plugin
 * and multi-network requests, and the refusal of a driver this build cannot
 * honour (before any step exists). plan_teardown(): the order teardown runs
 * the same drivers' ops in.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan.h"
#include "request.h"
#include "shared/cleanup.h"
#include "tap.h"

#define ID1 "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9"
#define ID2 "7bd0b4f2ff3a0e5e0d7f1e86d9d8b7ad8d0e3b6f3ff34df5e2d8ee1a54b1e9c0"
#define FLAGS "'ipv6_enabled':false,'internal':false,'dns_enabled':false"
#define NET(name, id, driver, iface, subnet, gw) \
	"'" name "':{'name':'" name "','id':'" id "','driver':'" driver "'," \
	"'network_interface':'" iface "'," FLAGS ",'subnets':[{'subnet':'" subnet "'" gw "}]}"
#define BRIDGE NET("podman", ID1, "bridge", "podman0", "10.88.0.0/16", ",'gateway':'10.88.0.1'")
#define BRIDGE2 NET("net2", ID2, "bridge", "podman1", "10.89.0.0/24", ",'gateway':'10.89.0.1'")
#define MACVLAN NET("mv", ID2, "macvlan", "eth0", "10.90.0.0/24", "")
#define IPVLAN NET("iv", ID2, "ipvlan", "eth0", "10.91.0.0/24", "")
#define PLUGIN(drv) NET("pl", ID2, drv, "", "10.92.0.0/24", "")
#define MACVLAN_DHCP "'mvd':{'name':'mvd','id':'" ID2 "','driver':'macvlan'," \
	"'network_interface':'eth0'," FLAGS ",'subnets':[],'ipam_options':{'driver':'dhcp'}}"
#define ATT(name, ip) "'" name "':{'interface_name':'eth%s','static_ips':['" ip "']}"
#define REQ(nets, info) "{'container_id':'c0ffee','container_name':'web','networks':{" nets \
	"},'network_info':{" info "}}"

/* ' → ", and eth%s → eth0, eth1, ... in order. */
static char *json_text(const char *s)
{
	char *out = malloc(strlen(s) * 2 + 1), *o = out;
	unsigned eth = 0;

	for (; out && *s; s++) {
		if (strncmp(s, "eth%s", 5) == 0) {
			o += sprintf(o, "eth%u", eth++);
			s += 4;
		} else {
			*o++ = *s == '\'' ? '"' : *s;
		}
	}
	if (out)
		*o = '\0';
	return out;
}

/* The plan as "step@attach step@attach ...", or "error: <message>". */
static void plan_text(const char *json, const struct netd_opts *opts, bool teardown, char *out,
		      size_t size)
{
	_cleanup_free_ char *text = json_text(json);
	struct nd_request *req = NULL;
	struct nd_error err = {0};
	struct plan p = {0};
	size_t off = 0;

	if (request_parse(text, strlen(text), &req, &err) < 0 ||
	    (teardown ? plan_teardown(req, &p) : plan_setup(req, opts, &p, &err)) < 0) {
		snprintf(out, size, "error: %s", err.msg ? err.msg : "?");
		nd_error_clear(&err);
		nd_request_free(req);
		return;
	}
	out[0] = '\0';
	for (size_t i = 0; i < p.n && off < size; i++)
		off += (size_t)snprintf(out + off, size - off, "%s%s@%zu", i ? " " : "",
					p.steps[i].op->name, p.steps[i].attach);
	plan_done(&p);
	nd_request_free(req);
}

static __attribute__((format(printf, 5, 6))) void
expect_plan(const char *name, const char *json, const struct netd_opts *opts, bool teardown,
	    const char *fmt, ...)
{
	char got[1024], want[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);

	plan_text(json, opts, teardown, got, sizeof(got));
	if (!tap_result(strcmp(got, want) == 0, NULL, name)) {
		tap_diag("want: %s", want);
		tap_diag("got:  %s", got);
	}
}

#define expect(name, json, opts, ...) expect_plan(name, json, opts, false, __VA_ARGS__)
#define expect_teardown(name, json, ...) expect_plan(name, json, NULL, true, __VA_ARGS__)

static void teardown_plans(void)
{
	expect_teardown("teardown bridge: dns, its veth, firewall, then the bridge if empty, state",
			REQ(ATT("podman", "10.88.0.2"), BRIDGE),
			"dns@0 veth@0 firewall@0 bridge@0 state@0");
	expect_teardown("teardown macvlan: its link, no firewall, the vlan parent if unused",
			REQ(ATT("mv", "10.90.0.2"), MACVLAN),
			"dns@0 macvlan@0 vlan@0 state@0");
	expect_teardown("teardown ipvlan: its link, no firewall, the vlan parent if unused",
			REQ(ATT("iv", "10.91.0.2"), IPVLAN),
			"dns@0 ipvlan@0 vlan@0 state@0");
	expect_teardown("teardown two bridges: every veth before the firewall, bridges after",
			REQ(ATT("podman", "10.88.0.2") "," ATT("net2", "10.89.0.2"),
			    BRIDGE "," BRIDGE2),
			"dns@0 veth@0 veth@1 firewall@0 bridge@0 bridge@1 state@0");
	expect_teardown("teardown macvlan then bridge: the bridge brings the firewall",
			REQ(ATT("mv", "10.90.0.2") "," ATT("podman", "10.88.0.2"),
			    MACVLAN "," BRIDGE),
			"dns@0 macvlan@0 veth@1 firewall@0 vlan@0 bridge@1 state@0");
	expect_teardown("teardown plugin: the plugin's teardown only (no driver check)",
			REQ(ATT("pl", "10.92.0.2"), PLUGIN("absent")),
			"dns@0 plugin@0 state@0");
	expect_teardown("teardown ipam dhcp: the lease goes before the link",
			REQ("'mvd':{'interface_name':'eth%s'}", MACVLAN_DHCP),
			"dns@0 dhcp@0 macvlan@0 vlan@0 state@0");
}

int main(void)
{
	struct netd_opts none = { .dns_port = 53 };
	struct netd_opts with_dir = none;
	char dir[] = "/tmp/test-plan.XXXXXX", path[256];
	int fd;

	expect("bridge: loopback, its four steps, then firewall, dns, state",
	       REQ(ATT("podman", "10.88.0.2"), BRIDGE), &none,
	       "loopback@0 bridge@0 veth@0 addresses@0 routes@0 firewall@0 dns@0 state@0");
	expect("macvlan: no firewall or dns steps",
	       REQ(ATT("mv", "10.90.0.2"), MACVLAN), &none,
	       "loopback@0 macvlan@0 addresses@0 routes@0 state@0");
	expect("ipvlan: no firewall or dns steps",
	       REQ(ATT("iv", "10.91.0.2"), IPVLAN), &none,
	       "loopback@0 ipvlan@0 addresses@0 routes@0 state@0");
	expect("two bridges: each attachment's steps in request order, one firewall and dns",
	       REQ(ATT("podman", "10.88.0.2") "," ATT("net2", "10.89.0.2"), BRIDGE "," BRIDGE2),
	       &none,
	       "loopback@0 bridge@0 veth@0 addresses@0 routes@0 "
	       "bridge@1 veth@1 addresses@1 routes@1 firewall@0 dns@0 state@0");
	expect("macvlan then bridge: the bridge still brings firewall and dns",
	       REQ(ATT("mv", "10.90.0.2") "," ATT("podman", "10.88.0.2"), MACVLAN "," BRIDGE),
	       &none,
	       "loopback@0 macvlan@0 addresses@0 routes@0 "
	       "bridge@1 veth@1 addresses@1 routes@1 firewall@0 dns@0 state@0");

	/* A plugin driver: refused without a plugin directory, planned with one. */
	expect("unknown driver, no plugin directory: refused",
	       REQ(ATT("pl", "10.92.0.2"), PLUGIN("myplug")), &none,
	       "error: unknown network driver \"myplug\" (not built in, and no --plugin-directory given)");
	if (!mkdtemp(dir))
		return tap_result(false, NULL, "mkdtemp"), tap_finish();
	with_dir.plugin_dirs[0] = dir;
	with_dir.n_plugin_dirs = 1;
	expect("unknown driver, not in the plugin directory: refused, naming where netd looked",
	       REQ(ATT("pl", "10.92.0.2"), PLUGIN("myplug")), &with_dir,
	       "error: unknown network driver \"myplug\" (not built in, and no executable file "
	       "\"myplug\" in %s)", dir);
	snprintf(path, sizeof(path), "%s/myplug", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0755);
	if (fd >= 0)
		close(fd);
	expect("plugin found: one plugin step, no firewall or dns",
	       REQ(ATT("pl", "10.92.0.2"), PLUGIN("myplug")), &with_dir,
	       "loopback@0 plugin@0 state@0");
	expect("bridge then a missing plugin: the whole request is refused",
	       REQ(ATT("podman", "10.88.0.2") "," ATT("pl", "10.92.0.2"),
		   BRIDGE "," PLUGIN("other")), &with_dir,
	       "error: unknown network driver \"other\" (not built in, and no executable file "
	       "\"other\" in %s)", dir);
	unlink(path);
	rmdir(dir);
	expect("ipam dhcp: the lease is asked for after the link's own steps",
	       REQ("'mvd':{'interface_name':'eth%s'}", MACVLAN_DHCP), &none,
	       "loopback@0 macvlan@0 addresses@0 routes@0 dhcp@0 state@0");
	teardown_plans();
	return tap_finish();
}
