// SPDX-License-Identifier: Apache-2.0
/*
 * host-device: a netd/netavark driver plugin (docs/plugins.md) that lends an
 * existing host interface to a container.
 *
 *   host-device setup NETNS      move the device into NETNS as interface_name,
 *                                add the static IPs, set it up, print the
 *                                StatusBlock
 *   host-device teardown NETNS   move it back to the host under its old name
 *   host-device create           check a Network and print it back
 *   host-device info             {"version": ..., "api_version": ...}
 *
 * The device is network.options.device, else network.network_interface.
 * Input is JSON on stdin; errors are {"error": "..."} on stdout with exit
 * code 1; diagnostics go to stderr.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VERSION "0.1.0"
#define API_VERSION "1.0.0"
#define MAX_INPUT (1u << 20)
#define MAX_ADDRS 16

struct addr {
	int family;
	unsigned char bytes[16];
	unsigned prefixlen;
	const char *ip;		/* as given (borrowed from the input) */
	const char *gateway;	/* of its subnet, NULL if none */
};

/* What setup and teardown need from the input. */
struct conf {
	json_object *root;
	const char *device;	/* host name of the device */
	const char *ifname;	/* its name in the container */
	struct addr addrs[MAX_ADDRS];
	size_t n_addrs;
};

/* Print {"error": msg} on stdout and exit 1, as the plugin API wants. */
static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
	json_object *o = json_object_new_object();
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "error", json_object_new_string(msg));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	/* Flushed, then _exit: a failing one-shot command leaves its memory to the
	 * kernel, and no exit handler (a leak checker's, say) may turn the error
	 * into a crash. */
	(void)fflush(stdout);
	(void)fflush(stderr);
	_exit(1);
}

static json_object *read_stdin(void)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap + 1);
	json_object *o;

	if (!buf)
		fail("out of memory");
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail("cannot read stdin: %s", strerror(errno));
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == cap) {
			char *b;
			if (cap >= MAX_INPUT)
				fail("input larger than %u bytes", MAX_INPUT);
			cap *= 2;
			b = realloc(buf, cap + 1);
			if (!b)
				fail("out of memory");
			buf = b;
		}
	}
	buf[len] = '\0';
	o = json_tokener_parse(buf);
	free(buf);
	if (!o || !json_object_is_type(o, json_type_object))
		fail("stdin is not a JSON object");
	return o;
}

/* A string member or NULL (absent, null or not a string). */
static const char *str(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static json_object *member(json_object *o, const char *key, json_type t)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, t))
		return NULL;
	return v;
}

static const char *device_of(json_object *network)
{
	const char *d = str(member(network, "options", json_type_object), "device");

	if (!d || !*d)
		d = str(network, "network_interface");
	return d && *d ? d : NULL;
}

static bool in_subnet(const struct addr *a, int family, const unsigned char *net, unsigned len)
{
	if (a->family != family)
		return false;
	for (unsigned bit = 0; bit < len; bit++) {
		unsigned byte = bit / 8, mask = 0x80u >> (bit % 8);
		if ((a->bytes[byte] & mask) != (net[byte] & mask))
			return false;
	}
	return true;
}

/* The static IP @ip with the prefix length of the subnet that holds it. */
static void match_subnet(json_object *network, struct addr *a)
{
	json_object *subnets = member(network, "subnets", json_type_array);
	size_t n = subnets ? json_object_array_length(subnets) : 0;

	for (size_t k = 0; k < n; k++) {
		json_object *s = json_object_array_get_idx(subnets, k);
		const char *cidr = str(s, "subnet");
		char base[64];
		unsigned char net[16];
		const char *slash;
		char *end;
		unsigned long len;
		int fam;

		if (!cidr || !(slash = strchr(cidr, '/')) || (size_t)(slash - cidr) >= sizeof(base))
			continue;
		memcpy(base, cidr, (size_t)(slash - cidr));
		base[slash - cidr] = '\0';
		fam = strchr(base, ':') ? AF_INET6 : AF_INET;
		len = strtoul(slash + 1, &end, 10);
		if (*end || inet_pton(fam, base, net) != 1 || len > (fam == AF_INET ? 32u : 128u))
			continue;
		if (in_subnet(a, fam, net, (unsigned)len)) {
			a->prefixlen = (unsigned)len;
			a->gateway = str(s, "gateway");
			return;
		}
	}
	fail("static IP %s is not in any subnet of network \"%s\"", a->ip,
	     str(network, "name") ? str(network, "name") : "?");
}

static void parse_conf(struct conf *c)
{
	json_object *network, *opts, *ips;
	size_t n;

	c->root = read_stdin();
	network = member(c->root, "network", json_type_object);
	opts = member(c->root, "network_options", json_type_object);
	if (!network || !opts)
		fail("input lacks \"network\" or \"network_options\"");
	c->device = device_of(network);
	if (!c->device)
		fail("no device: set the network option \"device\" or network_interface");
	c->ifname = str(opts, "interface_name");
	if (!c->ifname || !*c->ifname || strlen(c->ifname) >= IFNAMSIZ)
		fail("network_options.interface_name is missing or too long");
	if (strlen(c->device) >= IFNAMSIZ)
		fail("device name \"%s\" is too long", c->device);
	ips = member(opts, "static_ips", json_type_array);
	n = ips ? json_object_array_length(ips) : 0;
	if (n > MAX_ADDRS)
		fail("more than %d static IPs", MAX_ADDRS);
	for (size_t k = 0; k < n; k++) {
		struct addr *a = &c->addrs[c->n_addrs++];
		a->ip = json_object_get_string(json_object_array_get_idx(ips, k));
		a->family = a->ip && strchr(a->ip, ':') ? AF_INET6 : AF_INET;
		if (!a->ip || inet_pton(a->family, a->ip, a->bytes) != 1)
			fail("static_ips[%zu] is not an IP address", k);
		match_subnet(network, a);
	}
}

static struct nl_sock *nl_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (!sk)
		fail("out of memory");
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0)
		fail("cannot open netlink: %s", nl_geterror(r));
	return sk;
}

/* Move link @ifindex into the namespace @ns_fd under the name @name, in one request. */
static int move_link(struct nl_sock *sk, int ifindex, int ns_fd, const char *name)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);

	if (!msg)
		return -NLE_NOMEM;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, IFLA_NET_NS_FD, (uint32_t)ns_fd) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, name) < 0) {
		nlmsg_free(msg);
		return -NLE_MSGSIZE;
	}
	return nl_send_sync(sk, msg);
}

static int set_updown(struct nl_sock *sk, int ifindex, bool up)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int r;

	if (!l)
		return -NLE_NOMEM;
	rtnl_link_set_ifindex(l, ifindex);
	if (up)
		rtnl_link_set_flags(l, IFF_UP);
	else
		rtnl_link_unset_flags(l, IFF_UP);
	r = rtnl_link_change(sk, l, l, 0);
	rtnl_link_put(l);
	return r;
}

static int add_addr(struct nl_sock *sk, int ifindex, const struct addr *a)
{
	struct rtnl_addr *ad = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(a->family, a->bytes, a->family == AF_INET ? 4 : 16);
	int r = -NLE_NOMEM;

	if (ad && local) {
		nl_addr_set_prefixlen(local, (int)a->prefixlen);
		rtnl_addr_set_ifindex(ad, ifindex);
		rtnl_addr_set_family(ad, a->family);
		rtnl_addr_set_local(ad, local);
		rtnl_addr_set_prefixlen(ad, a->prefixlen);
		if (a->family == AF_INET6)
			rtnl_addr_set_flags(ad, IFA_F_NODAD);
		r = rtnl_addr_add(sk, ad, NLM_F_CREATE | NLM_F_EXCL);
	}
	nl_addr_put(local);
	rtnl_addr_put(ad);
	return r;
}

static int open_ns(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno != ENOENT)
		fail("cannot open namespace %s: %s", path, strerror(errno));
	return fd;
}

/* Inside the container: send the device home as @device (best effort on rollback). */
static int send_home(struct nl_sock *ctr, const char *ifname, int host_ns, const char *device)
{
	struct rtnl_link *l = NULL;
	int r = rtnl_link_get_kernel(ctr, 0, ifname, &l);

	if (r < 0)
		return r;
	(void)set_updown(ctr, rtnl_link_get_ifindex(l), false);
	r = move_link(ctr, rtnl_link_get_ifindex(l), host_ns, device);
	rtnl_link_put(l);
	return r;
}

static void print_status(const struct conf *c, const char *mac)
{
	json_object *blk = json_object_new_object(), *ifaces = json_object_new_object();
	json_object *iface = json_object_new_object(), *subnets = json_object_new_array();

	for (size_t k = 0; k < c->n_addrs; k++) {
		json_object *sn = json_object_new_object();
		char ipnet[80];
		snprintf(ipnet, sizeof(ipnet), "%s/%u", c->addrs[k].ip, c->addrs[k].prefixlen);
		json_object_object_add(sn, "gateway", c->addrs[k].gateway
				       ? json_object_new_string(c->addrs[k].gateway) : NULL);
		json_object_object_add(sn, "ipnet", json_object_new_string(ipnet));
		json_object_array_add(subnets, sn);
	}
	json_object_object_add(iface, "mac_address", json_object_new_string(mac));
	json_object_object_add(iface, "subnets", subnets);
	json_object_object_add(ifaces, c->ifname, iface);
	json_object_object_add(blk, "dns_search_domains", json_object_new_array());
	json_object_object_add(blk, "dns_server_ips", json_object_new_array());
	json_object_object_add(blk, "interfaces", ifaces);
	printf("%s\n", json_object_to_json_string_ext(blk, JSON_C_TO_STRING_PLAIN |
							   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(blk);
}

static int cmd_setup(const char *netns)
{
	struct conf c = {0};
	struct nl_sock *host, *ctr;
	struct rtnl_link *l = NULL;
	int host_ns, ctr_ns, ifindex, r;
	char mac[32] = "";
	const char *step;

	parse_conf(&c);
	host_ns = open_ns("/proc/self/ns/net");
	ctr_ns = open_ns(netns);
	if (host_ns < 0 || ctr_ns < 0)
		fail("namespace %s does not exist", netns);
	host = nl_open();
	r = rtnl_link_get_kernel(host, 0, c.device, &l);
	if (r < 0)
		fail("device \"%s\" not found on the host: %s", c.device, nl_geterror(r));
	ifindex = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);
	(void)set_updown(host, ifindex, false);
	r = move_link(host, ifindex, ctr_ns, c.ifname);
	if (r < 0)
		fail("cannot move \"%s\" into %s as \"%s\": %s", c.device, netns, c.ifname,
		     nl_geterror(r));
	nl_socket_free(host);

	if (setns(ctr_ns, CLONE_NEWNET) < 0)
		fail("cannot enter %s: %s", netns, strerror(errno));
	ctr = nl_open();
	step = "find it";
	r = rtnl_link_get_kernel(ctr, 0, c.ifname, &l);
	if (r == 0) {
		struct nl_addr *a = rtnl_link_get_addr(l);
		ifindex = rtnl_link_get_ifindex(l);
		if (a)
			nl_addr2str(a, mac, sizeof(mac));
		rtnl_link_put(l);
		step = "add an address";
		for (size_t k = 0; k < c.n_addrs && r == 0; k++)
			r = add_addr(ctr, ifindex, &c.addrs[k]);
		if (r == 0) {
			step = "set it up";
			r = set_updown(ctr, ifindex, true);
		}
	}
	if (r < 0) {
		int back = send_home(ctr, c.ifname, host_ns, c.device);
		if (back < 0)
			fprintf(stderr, "host-device: could not move %s back: %s\n", c.ifname,
				nl_geterror(back));
		fail("moved \"%s\" into %s as \"%s\" but could not %s: %s", c.device, netns, c.ifname,
		     step, nl_geterror(r));
	}
	print_status(&c, mac);
	fprintf(stderr, "host-device: %s is %s in %s\n", c.device, c.ifname, netns);
	nl_socket_free(ctr);
	json_object_put(c.root);
	return 0;
}

static int cmd_teardown(const char *netns)
{
	struct conf c = {0};
	struct nl_sock *ctr;
	int host_ns, ctr_ns, r;

	parse_conf(&c);
	host_ns = open_ns("/proc/self/ns/net");
	ctr_ns = open_ns(netns);
	if (ctr_ns < 0) {
		/* The kernel already sent physical devices home and deleted virtual ones. */
		fprintf(stderr, "host-device: namespace %s is gone; nothing to move back\n", netns);
		json_object_put(c.root);
		return 0;
	}
	if (setns(ctr_ns, CLONE_NEWNET) < 0)
		fail("cannot enter %s: %s", netns, strerror(errno));
	ctr = nl_open();
	r = send_home(ctr, c.ifname, host_ns, c.device);
	if (r == -NLE_NODEV || r == -NLE_OBJ_NOTFOUND) {
		fprintf(stderr, "host-device: no %s in %s; nothing to move back\n", c.ifname, netns);
		r = 0;
	} else if (r < 0) {
		fail("cannot move \"%s\" back to the host as \"%s\": %s", c.ifname, c.device,
		     nl_geterror(r));
	} else {
		fprintf(stderr, "host-device: %s is %s on the host again\n", c.ifname, c.device);
	}
	nl_socket_free(ctr);
	json_object_put(c.root);
	return 0;
}

static int cmd_create(void)
{
	json_object *network = read_stdin();

	if (!str(network, "name") || !str(network, "driver"))
		fail("the network needs a name and a driver");
	if (!device_of(network))
		fail("no device: set the network option \"device\" or network_interface");
	printf("%s\n", json_object_to_json_string_ext(network, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(network);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "info";

	if (strcmp(cmd, "info") == 0) {
		printf("{\"version\":\"%s\",\"api_version\":\"%s\"}\n", VERSION, API_VERSION);
		return 0;
	}
	if (strcmp(cmd, "create") == 0)
		return cmd_create();
	if ((strcmp(cmd, "setup") == 0 || strcmp(cmd, "teardown") == 0) && argc == 3)
		return cmd[0] == 's' ? cmd_setup(argv[2]) : cmd_teardown(argv[2]);
	fail("usage: %s info | create | setup NETNS | teardown NETNS",
	     argc > 0 ? argv[0] : "host-device");
}
