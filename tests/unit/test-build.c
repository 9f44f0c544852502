// SPDX-License-Identifier: Apache-2.0
/*
 * build.h, the request constructors: a request built with them is the model
 * request_parse() makes of the equivalent JSON, and each constructor refuses
 * what the parser refuses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "request.h"
#include "request-json.h"
#include "tap.h"
#include "unit-model.h"
#include "unit-request.h"

static const char *const json =
	"{\"container_id\":\"c0ffee\",\"container_name\":\"web\",\"container_hostname\":\"h\","
	"\"networks\":{\"a\":{\"interface_name\":\"eth0\",\"static_ips\":[\"10.1.0.2\",\"fd00:1::2\"],"
	"\"static_mac\":\"02:aa:bb:cc:dd:ee\",\"aliases\":[\"x\",\"y\"],"
	"\"options\":{\"host_interface_name\":\"vethx\"}},"
	"\"m\":{\"interface_name\":\"eth1\"}},"
	"\"network_info\":{\"a\":{\"name\":\"a\",\"id\":\"a-id\",\"driver\":\"bridge\","
	"\"network_interface\":\"br-a\",\"subnets\":[{\"subnet\":\"10.1.0.0/24\",\"gateway\":\"10.1.0.1\"},"
	"{\"subnet\":\"fd00:1::/64\",\"gateway\":\"fd00:1::1\"}],"
	"\"routes\":[{\"destination\":\"10.9.0.0/16\",\"gateway\":\"10.1.0.9\",\"metric\":7}],"
	"\"ipv6_enabled\":true,\"internal\":false,\"dns_enabled\":true,"
	"\"network_dns_servers\":[\"10.1.0.53\"],"
	"\"ipam_options\":{\"driver\":\"host-local\",\"x\":\"y\"},"
	"\"created\":\"2026-01-02T03:04:05Z\",\"labels\":{\"team\":\"net\",\"env\":\"prod\"},"
	"\"options\":{\"mtu\":\"1500\",\"isolate\":\"true\",\"color\":\"blue\"}},"
	"\"m\":{\"name\":\"m\",\"id\":\"m-id\",\"driver\":\"macvlan\",\"network_interface\":\"eno1\","
	"\"subnets\":[{\"subnet\":\"192.168.1.0/24\",\"lease_range\":{\"start_ip\":\"192.168.1.100\"}}],"
	"\"ipv6_enabled\":false,\"internal\":false,\"dns_enabled\":false,"
	"\"ipam_options\":{\"driver\":\"dhcp\"},\"options\":{\"mode\":\"vepa\"}}},"
	"\"port_mappings\":[{\"host_ip\":\"\",\"container_port\":80,\"host_port\":8080,\"range\":0,\"protocol\":\"tcp\"},"
	"{\"host_ip\":\"10.0.0.1\",\"container_port\":53,\"host_port\":5353,\"range\":2,\"protocol\":\"udp\"}],"
	"\"dns_servers\":[\"1.1.1.1\"]}";

static struct nd_ip ip(const char *s)
{
	struct nd_ip v = {0};

	if (nd_ip_parse(s, &v) < 0)
		abort();
	return v;
}

static struct nd_prefix pfx(const char *s)
{
	struct nd_prefix v = {0};

	if (nd_prefix_parse(s, &v, NULL) < 0)
		abort();
	return v;
}

/* The request above, built. */
static int build(struct nd_request **ret, struct nd_error *err)
{
	struct nd_subnet a_subnets[2] = {
		{ .subnet = pfx("10.1.0.0/24"), .has_gateway = true, .gateway = ip("10.1.0.1") },
		{ .subnet = pfx("fd00:1::/64"), .has_gateway = true, .gateway = ip("fd00:1::1") },
	};
	struct nd_route a_routes[1] = {
		{ .dst = pfx("10.9.0.0/16"), .has_gateway = true, .gateway = ip("10.1.0.9"),
		  .has_metric = true, .metric = 7 },
	};
	struct nd_ip a_dns[1] = { ip("10.1.0.53") };
	struct nd_kv a_opts[3] = {
		{ "mtu", "1500" }, { "isolate", "true" }, { "color", "blue" },
	};
	struct nd_subnet m_subnets[1] = {
		{ .subnet = pfx("192.168.1.0/24"), .has_lease_range = true,
		  .lease_start = ip("192.168.1.100") },
	};
	struct nd_kv m_opts[1] = { { "mode", "vepa" } };
	struct nd_kv a_labels[2] = { { "team", "net" }, { "env", "prod" } };
	struct nd_kv a_ipam[2] = { { "driver", "host-local" }, { "x", "y" } };
	struct nd_ip ips[2] = { ip("10.1.0.2"), ip("fd00:1::2") };
	const uint8_t mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	const char *const aliases[2] = { "x", "y" };
	struct nd_ip dns = ip("1.1.1.1");
	struct nd_request *req = NULL;
	int r;

	if ((r = request_new("c0ffee", "web", "h", &req, err)) < 0)
		return r;
	*ret = req;
	if ((r = request_add_network(req, &(struct nd_network_def){
		     .name = "a", .id = "a-id", .driver = "bridge", .network_interface = "br-a",
		     .dns_enabled = true, .ipv6_enabled = true,
		     .subnets = a_subnets, .n_subnets = 2, .routes = a_routes, .n_routes = 1,
		     .dns_servers = a_dns, .n_dns_servers = 1, .options = a_opts, .n_options = 3,
		     .created = "2026-01-02T03:04:05Z", .labels = a_labels, .n_labels = 2,
		     .ipam_options = a_ipam, .n_ipam_options = 2 }, err)) < 0 ||
	    (r = request_add_network(req, &(struct nd_network_def){
		     .name = "m", .id = "m-id", .driver = "macvlan", .network_interface = "eno1",
		     .subnets = m_subnets, .n_subnets = 1, .options = m_opts, .n_options = 1,
		     .ipam_driver = "dhcp" }, err)) < 0 ||
	    (r = request_attach(req, &(struct nd_attach_def){
		     .network = "a", .interface_name = "eth0", .static_ips = ips, .n_static_ips = 2,
		     .mac = mac, .aliases = aliases, .n_aliases = 2,
		     .host_interface_name = "vethx" }, err)) < 0 ||
	    (r = request_attach(req, &(struct nd_attach_def){
		     .network = "m", .interface_name = "eth1" }, err)) < 0 ||
	    (r = request_add_port(req, &(struct nd_port){
		     .container_port = 80, .host_port = 8080, .proto = ND_PROTO_TCP }, err)) < 0 ||
	    (r = request_add_port(req, &(struct nd_port){
		     .host_ip_kind = ND_HOSTIP_ONE, .host_ip = ip("10.0.0.1"), .container_port = 53,
		     .host_port = 5353, .range = 2, .proto = ND_PROTO_UDP }, err)) < 0 ||
	    (r = request_add_dns_server(req, &dns, err)) < 0)
		return r;
	return 0;
}

static void test_same_model(void)
{
	struct nd_request *parsed = unit_request(json), *built = NULL;
	struct nd_error err = {0};
	bool ok = parsed != NULL;

	if (build(&built, &err) < 0) {
		tap_diag("build: %s", err.msg ? err.msg : "?");
		ok = false;
	}
	ok = ok && unit_model_equal(parsed, built) && request_validate(built, &err) == 0;
	tap_result(ok, NULL, "built request = parsed request, and it validates");
	nd_error_clear(&err);
	nd_request_free(parsed);
	nd_request_free(built);
}

/* A network of a model, added again through request_network_def(): the same network. */
static void test_network_def(void)
{
	struct nd_request *parsed = unit_request(json), *again = NULL;
	struct nd_error err = {0};
	bool ok = parsed && request_new("c0ffee", "web", "h", &again, &err) == 0;

	for (size_t i = 0; ok && i < parsed->n_networks; i++) {
		struct nd_network_def def;

		request_network_def(&parsed->networks[i], &def);
		ok = request_add_network(again, &def, &err) == 0 &&
		     um_network(&parsed->networks[i], &again->networks[i]);
	}
	if (err.msg)
		tap_diag("%s", err.msg);
	tap_result(ok, NULL, "request_network_def() of a network adds an equal network");
	nd_error_clear(&err);
	nd_request_free(parsed);
	nd_request_free(again);
}

/* The JSON of @text without network @drop (and without the ports when @no_ports), parsed. */
static struct nd_request *parsed_without(const char *text, const char *drop, bool no_ports)
{
	struct nd_request *all = unit_request(text), *req = NULL;
	json_object *o = all ? request_json(all) : NULL;
	char *t = NULL;

	if (o) {
		json_object_object_del(json_object_object_get(o, "networks"), drop);
		json_object_object_del(json_object_object_get(o, "network_info"), drop);
		if (no_ports)
			json_object_object_del(o, "port_mappings");
		t = strdup(json_object_to_json_string(o));
		json_object_put(o);
	}
	req = t ? unit_request(t) : NULL;
	free(t);
	nd_request_free(all);
	return req;
}

/* request_network_only(): what request_parse() makes of the request without the other network. */
static void test_network_only(void)
{
	struct nd_request *parsed = unit_request(json), *only_a = NULL, *only_m = NULL;
	struct nd_request *want_a = parsed_without(json, "m", false);
	struct nd_request *want_m = parsed_without(json, "a", true);
	struct nd_request *none = NULL;
	struct nd_error err = {0};
	bool ok = parsed && want_a && want_m;

	ok = ok && request_network_only(parsed, "a", true, &only_a, &err) == 0 &&
	     unit_model_equal(want_a, only_a) && only_a->n_ports == 2 && only_a->n_dns_servers == 1;
	tap_result(ok, NULL, "request_network_only(a, ports): the request with network a alone");
	ok = parsed && request_network_only(parsed, "m", false, &only_m, &err) == 0 && want_m &&
	     unit_model_equal(want_m, only_m) && only_m->n_ports == 0;
	tap_result(ok, NULL, "request_network_only(m, no ports): network m alone, no ports");
	if (err.msg)
		tap_diag("%s", err.msg);
	nd_error_clear(&err);
	ok = parsed && request_network_only(parsed, "z", true, &none, &err) == -ENOENT && !none &&
	     err.msg && strstr(err.msg, "not attached to network \"z\"");
	tap_result(ok, NULL, "request_network_only() of a network not attached: -ENOENT");
	nd_error_clear(&err);
	nd_request_free(parsed);
	nd_request_free(only_a);
	nd_request_free(only_m);
	nd_request_free(want_a);
	nd_request_free(want_m);
}

/* request_merge(): the container record's merge after a setup and cut after a teardown, typed. */
static void test_merge(void)
{
	struct nd_request *parsed = unit_request(json), *a = NULL, *m = NULL;
	struct nd_request *both = NULL, *again = NULL, *cut = NULL, *none = NULL;
	struct nd_request *want_a = parsed_without(json, "m", true);
	struct nd_error err = {0};
	bool ok = parsed && want_a && request_network_only(parsed, "a", false, &a, &err) == 0 &&
		  request_network_only(parsed, "m", false, &m, &err) == 0;

	tap_result(ok && request_merge(a, m, NULL, parsed, &both, &err) == 0 &&
		   unit_model_equal(parsed, both),
		   NULL, "request_merge(a, m): the request of both networks, as parsed");
	tap_result(ok && request_merge(parsed, a, NULL, parsed, &again, &err) == 0 &&
		   unit_model_equal(parsed, again),
		   NULL, "request_merge(): a network of @over replaces @base's in its place");
	tap_result(ok && request_merge(parsed, NULL, m, NULL, &cut, &err) == 0 &&
		   unit_model_equal(want_a, cut) && cut->n_ports == 0,
		   NULL, "request_merge(@drop m, no ports): network a alone");
	tap_result(request_merge(NULL, NULL, NULL, NULL, &none, &err) == -EINVAL && !none,
		   NULL, "request_merge() of nothing: -EINVAL");
	if (err.msg)
		tap_diag("%s", err.msg);
	nd_error_clear(&err);
	nd_request_free(parsed);
	nd_request_free(a);
	nd_request_free(m);
	nd_request_free(both);
	nd_request_free(again);
	nd_request_free(cut);
	nd_request_free(want_a);
}

/* One constructor call on the built request that must fail with @msg in the message. */
static void expect_refused(const char *name, int (*call)(struct nd_request *, struct nd_error *),
			   const char *msg)
{
	struct nd_request *req = NULL;
	struct nd_error err = {0};
	bool ok = build(&req, &err) == 0;

	if (ok) {
		ok = call(req, &err) < 0 && err.msg && strstr(err.msg, msg);
		if (!ok)
			tap_diag("got: %s (want \"%s\")", err.msg ? err.msg : "success", msg);
	}
	tap_result(ok, NULL, name);
	nd_error_clear(&err);
	nd_request_free(req);
}

static int net_late(struct nd_request *r, struct nd_error *e)
{
	return request_add_network(r, &(struct nd_network_def){
		.name = "z", .id = "z", .driver = "macvlan" }, e);
}

static int bad_ifname(struct nd_request *r, struct nd_error *e)
{
	return request_attach(r, &(struct nd_attach_def){
		.network = "a", .interface_name = "a/b" }, e);
}

static int unknown_net(struct nd_request *r, struct nd_error *e)
{
	return request_attach(r, &(struct nd_attach_def){ .network = "nope", .interface_name = "x" }, e);
}

static int twice(struct nd_request *r, struct nd_error *e)
{
	struct nd_ip x = ip("10.1.0.3"), y = ip("fd00:1::3");
	struct nd_ip both[2] = { x, y };

	return request_attach(r, &(struct nd_attach_def){
		.network = "a", .interface_name = "eth5", .static_ips = both, .n_static_ips = 2 }, e);
}

static int zero_port(struct nd_request *r, struct nd_error *e)
{
	return request_add_port(r, &(struct nd_port){ .container_port = 1, .proto = ND_PROTO_TCP }, e);
}

static int bad_id(struct nd_request *r, struct nd_error *e)
{
	struct nd_request *other = NULL;
	int ret = request_new("../x", "n", NULL, &other, e);

	nd_request_free(other);
	return ret;
}

static int bad_net_name(struct nd_request *r, struct nd_error *e)
{
	struct nd_request *other = NULL;
	int ret = request_new("c1", "n", NULL, &other, e);

	if (ret == 0)
		ret = request_add_network(other, &(struct nd_network_def){
			.name = "aardvark.pid", .id = "i", .driver = "bridge",
			.network_interface = "br0" }, e);
	nd_request_free(other);
	return ret;
}

static int gateway_outside(struct nd_request *r, struct nd_error *e)
{
	struct nd_request *other = NULL;
	struct nd_subnet s = { .subnet = pfx("10.5.0.0/24"), .has_gateway = true,
			       .gateway = ip("10.6.0.1") };
	int ret = request_new("c1", "n", NULL, &other, e);

	if (ret == 0)
		ret = request_add_network(other, &(struct nd_network_def){
			.name = "n", .id = "i", .driver = "bridge", .network_interface = "br0",
			.subnets = &s, .n_subnets = 1 }, e);
	nd_request_free(other);
	return ret;
}

static int bad_mtu(struct nd_request *r, struct nd_error *e)
{
	struct nd_request *other = NULL;
	struct nd_kv o = { "mtu", "12" };
	int ret = request_new("c1", "n", NULL, &other, e);

	if (ret == 0)
		ret = request_add_network(other, &(struct nd_network_def){
			.name = "n", .id = "i", .driver = "bridge", .network_interface = "br0",
			.options = &o, .n_options = 1 }, e);
	nd_request_free(other);
	return ret;
}

/* A network "n" with labels @labels and ipam driver @driver in ipam_options. */
static int net_with(const struct nd_kv *labels, size_t n_labels, const char *driver,
		    const char *opt_driver, struct nd_error *e)
{
	struct nd_request *other = NULL;
	struct nd_kv ipam = { "driver", (char *)opt_driver };
	int ret = request_new("c1", "n", NULL, &other, e);

	if (ret == 0)
		ret = request_add_network(other, &(struct nd_network_def){
			.name = "n", .id = "i", .driver = "bridge", .network_interface = "br0",
			.labels = labels, .n_labels = n_labels, .ipam_driver = driver,
			.ipam_options = opt_driver ? &ipam : NULL, .n_ipam_options = opt_driver ? 1 : 0 }, e);
	nd_request_free(other);
	return ret;
}

static int label_no_value(struct nd_request *r, struct nd_error *e)
{
	struct nd_kv l = { "team", NULL };

	return net_with(&l, 1, NULL, NULL, e);
}

static int ipam_disagrees(struct nd_request *r, struct nd_error *e)
{
	return net_with(NULL, 0, "dhcp", "host-local", e);
}

static int ipam_unknown(struct nd_request *r, struct nd_error *e)
{
	return net_with(NULL, 0, NULL, "static", e);
}

int main(void)
{
	test_same_model();
	test_network_def();
	test_network_only();
	test_merge();
	expect_refused("a network after the attachments", net_late, "before the attachments");
	expect_refused("an invalid interface name", bad_ifname, "interface_name");
	expect_refused("a network not in the request", unknown_net, "not found in network_info");
	expect_refused("a network attached twice", twice, "given twice");
	expect_refused("host port 0", zero_port, "host_port: must not be 0");
	expect_refused("a container id that is no file name", bad_id, "container_id");
	expect_refused("a reserved network name", bad_net_name, "not a valid network name");
	expect_refused("a gateway outside its subnet", gateway_outside, "is not inside subnet");
	expect_refused("an MTU below 68", bad_mtu, "is not a valid MTU");
	expect_refused("a label without a value", label_no_value, "labels: entry 0 has no value");
	expect_refused("two ipam drivers", ipam_disagrees, "ipam_options.driver");
	expect_refused("an unknown ipam driver", ipam_unknown, "unsupported ipam driver \"static\"");
	return tap_finish();
}
