// SPDX-License-Identifier: Apache-2.0
/*
 * core/result.c: the typed setup result of a request and its JSON
 * (result_to_json(), netavark's StatusBlock per network), and
 * request_validate() on models that break the rules after parsing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "result.h"
#include "tap.h"
#include "unit-request.h"

#define NETS \
	"\"network_info\":{\"a\":{\"name\":\"a\",\"id\":\"i\",\"driver\":\"bridge\"," \
	"\"network_interface\":\"br0\",\"subnets\":[{\"subnet\":\"10.1.0.0/24\",\"gateway\":\"10.1.0.1\"}," \
	"{\"subnet\":\"fd00::/64\"}],\"ipv6_enabled\":true,\"internal\":false,\"dns_enabled\":true}," \
	"\"b\":{\"name\":\"b\",\"id\":\"j\",\"driver\":\"macvlan\",\"network_interface\":\"eno1\"," \
	"\"subnets\":[{\"subnet\":\"10.2.0.0/24\"}],\"ipv6_enabled\":false,\"internal\":false,\"dns_enabled\":false}}"
#define REQ "{\"container_id\":\"c0ffee\",\"container_name\":\"web\",\"dns_servers\":[\"9.9.9.9\"]," \
	"\"networks\":{\"a\":{\"interface_name\":\"eth0\",\"static_ips\":[\"10.1.0.2\",\"fd00::2\"]}," \
	"\"b\":{\"interface_name\":\"eth1\",\"static_ips\":[\"10.2.0.5\"]}}," NETS "}"

static void test_result(void)
{
	struct nd_request *req = unit_request(REQ);
	struct attach_rt rt[2] = {0};
	struct nd_result *res = NULL;
	json_object *o = NULL;
	const char *want =
		"{\"a\":{\"dns_search_domains\":[\"dns.podman\"],\"dns_server_ips\":[\"10.1.0.1\"],"
		"\"interfaces\":{\"eth0\":{\"mac_address\":\"02:00:00:00:00:0a\",\"subnets\":["
		"{\"gateway\":\"10.1.0.1\",\"ipnet\":\"10.1.0.2/24\"},{\"gateway\":null,\"ipnet\":\"fd00::2/64\"}]}}},"
		"\"b\":{\"dns_search_domains\":[],\"dns_server_ips\":[],"
		"\"interfaces\":{\"eth1\":{\"mac_address\":\"02:00:00:00:00:0b\",\"subnets\":["
		"{\"gateway\":null,\"ipnet\":\"10.2.0.5/24\"}]}}}}";

	tap_check_begin();
	CHECK(req != NULL);
	if (!req)
		goto out;
	rt[0].mac[0] = rt[1].mac[0] = 2;
	rt[0].mac[5] = 10;
	rt[1].mac[5] = 11;
	rt[0].mtu = 1500;
	rt[0].dns_binds[0] = req->networks[0].subnets[0].gateway;
	rt[0].n_dns_binds = 1;
	CHECK(result_setup(req, rt, &res) == 0);
	if (!res)
		goto out;
	CHECK(res->n_nets == 2);
	CHECK(strcmp(res->nets[0].network, "a") == 0 && res->nets[0].mtu == 1500);
	CHECK(res->nets[0].n_ifaces == 1 && strcmp(res->nets[0].ifaces[0].name, "eth0") == 0);
	CHECK(res->nets[0].ifaces[0].n_addrs == 2 && res->nets[0].ifaces[0].addrs[0].has_gateway);
	CHECK(res->nets[1].n_servers == 0);
	o = result_to_json(res);
	CHECK(o != NULL);
	if (o && strcmp(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						      JSON_C_TO_STRING_NOSLASHESCAPE), want) != 0) {
		tap_diag("got  %s", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								      JSON_C_TO_STRING_NOSLASHESCAPE));
		tap_diag("want %s", want);
		CHECK(!"the JSON is netavark's StatusBlock per network");
	}
out:
	tap_result(tap_check_ok(), NULL, "result: typed, then netavark's JSON");
	json_object_put(o);
	nd_result_free(res);
	nd_request_free(req);
}

/* A deep copy writes the same JSON and shares nothing; a plugin's nulls stay null. */
static void test_copy(void)
{
	struct nd_request *req = unit_request(REQ);
	struct attach_rt rt[2] = {0};
	struct nd_result *res = NULL;
	struct nd_result_net copy = {0}, nulls = { .has_ifaces = true }, ncopy = {0};
	json_object *a = NULL, *b = NULL, *c = NULL;

	tap_check_begin();
	CHECK(req != NULL);
	if (!req || result_setup(req, rt, &res) < 0)
		goto out;
	CHECK(nd_result_net_copy(&res->nets[0], &copy) == 0);
	CHECK(copy.network != res->nets[0].network && strcmp(copy.network, "a") == 0);
	CHECK(copy.n_ifaces == 1 && copy.ifaces != res->nets[0].ifaces &&
	      copy.ifaces[0].addrs != res->nets[0].ifaces[0].addrs);
	a = result_net_to_json(&res->nets[0]);
	b = result_net_to_json(&copy);
	CHECK(a && b && json_object_equal(a, b));
	CHECK(nd_result_net_copy(&nulls, &ncopy) == 0 && !ncopy.network && ncopy.has_ifaces &&
	      !ncopy.has_domains && !ncopy.has_servers);
	c = result_net_to_json(&ncopy);
	CHECK(c && strcmp(json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN),
			  "{\"dns_search_domains\":null,\"dns_server_ips\":null,\"interfaces\":{}}") == 0);
	nd_result_net_done(&copy);
	CHECK(copy.network == NULL && copy.n_ifaces == 0);
out:
	tap_result(tap_check_ok(), NULL, "result: a deep copy of a block writes the same JSON");
	json_object_put(a);
	json_object_put(b);
	json_object_put(c);
	nd_result_net_done(&ncopy);
	nd_result_free(res);
	nd_request_free(req);
}

/* A model changed after parsing is refused by the core's own check. */
static void expect_invalid(const char *name, void (*spoil)(struct nd_request *), const char *msg)
{
	struct nd_request *req = unit_request(REQ);
	struct nd_error err = {0};
	bool ok = req && request_validate(req, &err) == 0;

	if (ok) {
		spoil(req);
		ok = request_validate(req, &err) == -EINVAL && err.msg && strstr(err.msg, msg);
		if (!ok)
			tap_diag("got: %s (want \"%s\")", err.msg ? err.msg : "success", msg);
	}
	tap_result(ok, NULL, name);
	nd_error_clear(&err);
	nd_request_free(req);
}

static void bad_id(struct nd_request *r) { r->container_id[0] = '.'; }
static void bad_name(struct nd_request *r)
{
	free(r->networks[0].name);
	r->networks[0].name = strdup("../x");
}
static void bad_ifname(struct nd_request *r) { strcpy(r->attach[0].interface_name, "a/b"); }
static void same_ifname(struct nd_request *r) { strcpy(r->attach[1].interface_name, "eth0"); }
static void gateway_addr(struct nd_request *r) { r->attach[0].addrs[0].addr.addr.b[3] = 1; }
static void outside_addr(struct nd_request *r) { r->attach[0].addrs[0].addr.addr.b[1] = 9; }
static void no_bridge(struct nd_request *r) { r->networks[0].network_interface[0] = '\0'; }
static void mcast_mac(struct nd_request *r)
{
	r->attach[0].has_mac = true;
	r->attach[0].mac[0] = 1;
}

int main(void)
{
	test_result();
	test_copy();
	expect_invalid("validate: container id", bad_id, "container_id");
	expect_invalid("validate: network name", bad_name, "not a valid network name");
	expect_invalid("validate: interface name", bad_ifname, "interface_name");
	expect_invalid("validate: interface name twice", same_ifname, "already used");
	expect_invalid("validate: a gateway as address", gateway_addr, "is the gateway");
	expect_invalid("validate: an address outside the subnets", outside_addr, "not in any subnet");
	expect_invalid("validate: a bridge without a name", no_bridge, "no bridge interface");
	expect_invalid("validate: a multicast MAC", mcast_mac, "multicast");
	return tap_finish();
}
