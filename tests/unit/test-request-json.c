// SPDX-License-Identifier: Apache-2.0
/*
 * request-json.c, the model → request JSON serializer: parse → serialize →
 * parse gives an equal model, for the requests below and for every request
 * of the fuzz corpus (tests/fuzz/corpus/request, the directory argument)
 * that parses. Also the exact text of a plugin's view of a network.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request-json.h"
#include "shared/cleanup.h"
#include "tap.h"
#include "unit-model.h"
#include "unit-request.h"

#define NET(name, extra) \
	"\"" name "\":{\"name\":\"" name "\",\"id\":\"" name "-id\",\"driver\":\"bridge\"," \
	"\"network_interface\":\"br-" name "\",\"subnets\":[{\"subnet\":\"10.1.0.0/24\"," \
	"\"gateway\":\"10.1.0.1\"},{\"subnet\":\"fd00:1::/64\",\"gateway\":\"fd00:1::1\"}]," \
	"\"ipv6_enabled\":true,\"internal\":false,\"dns_enabled\":true" extra "}"

static const char *const requests[] = {
	/* the base: map form, one network */
	"{\"container_id\":\"c0ffee\",\"container_name\":\"web\",\"networks\":{\"a\":"
	"{\"interface_name\":\"eth0\",\"static_ips\":[\"10.1.0.2\",\"fd00:1::2\"]}},"
	"\"network_info\":{" NET("a", "") "}}",
	/* everything the model keeps */
	"{\"container_id\":\"c0ffee\",\"container_name\":\"web\",\"container_hostname\":\"h\","
	"\"networks\":[{\"name\":\"a\",\"interface_name\":\"eth0\",\"static_ips\":[\"10.1.0.2\"],"
	"\"static_mac\":\"02:AA:bb:cc:dd:ee\",\"aliases\":[\"x\",\"y\"],"
	"\"options\":{\"host_interface_name\":\"vethx\",\"other\":\"1\",\"num\":2}},"
	"{\"name\":\"b\",\"interface_name\":\"eth1\"}],"
	"\"network_info\":{" NET("a", ",\"created\":\"2026-01-01T00:00:00Z\","
				     "\"routes\":[{\"destination\":\"10.9.0.0/16\",\"gateway\":\"10.1.0.9\",\"metric\":7},"
				     "{\"destination\":\"10.8.0.0/16\",\"route_type\":\"blackhole\"}],"
				     "\"network_dns_servers\":[\"10.1.0.53\"],\"labels\":{\"l\":\"v\",\"n\":3},"
				     "\"ipam_options\":{\"driver\":\"host-local\"},"
				     "\"options\":{\"mtu\":\"1500\",\"isolate\":\"\",\"metric\":\"50\",\"vrf\":\"red\","
				     "\"color\":\"blue\",\"gone\":null}")
	"," NET("b", ",\"subnets\":[],\"ipam_options\":{\"driver\":\"none\"}") "},"
	"\"port_mappings\":[{\"host_ip\":\"\",\"container_port\":80,\"host_port\":8080,\"range\":0,\"protocol\":\"tcp\"},"
	"{\"host_ip\":\"10.0.0.1\",\"container_port\":53,\"host_port\":5353,\"range\":2,\"protocol\":\"udp\"},"
	"{\"host_ip\":\"::\",\"container_port\":1,\"host_port\":2,\"range\":1,\"protocol\":\"sctp\"}],"
	"\"dns_servers\":[\"1.1.1.1\",\"2606:4700::1111\"]}",
	/* a network_info key that differs from the name; macvlan with dhcp */
	"{\"container_id\":\"c0ffee\",\"container_name\":\"\",\"networks\":{\"k\":{\"interface_name\":\"eth0\"}},"
	"\"network_info\":{\"k\":{\"name\":\"m\",\"id\":\"i\",\"driver\":\"macvlan\",\"network_interface\":\"eno1\","
	"\"subnets\":[{\"subnet\":\"192.168.1.0/24\",\"lease_range\":{\"start_ip\":\"192.168.1.100\"}}],"
	"\"ipv6_enabled\":false,\"internal\":false,\"dns_enabled\":false,"
	"\"ipam_options\":{\"driver\":\"dhcp\"},\"options\":{\"mode\":\"vepa\",\"bclim\":\"-1\"}}}}",
	/* a plugin network keeps its static IPs as given */
	"{\"container_id\":\"c0ffee\",\"container_name\":\"p\",\"networks\":{\"p\":{\"interface_name\":\"eth3\","
	"\"static_ips\":[\"10.96.0.9\"]}},\"network_info\":{\"p\":{\"name\":\"p\",\"id\":\"i\",\"driver\":\"record\","
	"\"subnets\":[{\"subnet\":\"10.96.0.0/24\"}],\"ipv6_enabled\":false,\"internal\":false,"
	"\"dns_enabled\":false,\"ipam_options\":{\"driver\":\"dhcp\"},\"options\":{\"device\":\"eth9\"}}}}",
};

/* parse → serialize → parse: one TAP line. */
static void round_trip(const char *name, const struct nd_request *req)
{
	_cleanup_free_ char *text = NULL;
	struct nd_request *again = NULL;
	bool ok;

	if (request_json_text(req, &text) < 0) {
		tap_result(false, NULL, name);
		return;
	}
	again = unit_request(text);
	ok = again && unit_model_equal(req, again);
	if (!ok)
		tap_diag("serialized: %s", text);
	tap_result(ok, NULL, name);
	nd_request_free(again);
}

static void test_requests(void)
{
	for (size_t i = 0; i < ELEMENTSOF(requests); i++) {
		struct nd_request *req = unit_request(requests[i]);
		char name[64];

		snprintf(name, sizeof(name), "round trip of request %zu", i);
		if (!req) {
			tap_result(false, NULL, name);
			continue;
		}
		round_trip(name, req);
		nd_request_free(req);
	}
}

/* The whole file at @path (at most 1 MiB). */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = f ? malloc(1u << 20) : NULL;

	if (buf)
		*len = fread(buf, 1, 1u << 20, f);
	if (f)
		fclose(f);
	return buf;
}

static void test_corpus(const char *dir)
{
	DIR *d = opendir(dir);
	size_t parsed = 0;
	struct dirent *e;

	if (!d) {
		tap_result(false, NULL, "fuzz corpus of requests readable");
		return;
	}
	while ((e = readdir(d))) {
		_cleanup_free_ char *path = NULL, *buf = NULL;
		struct nd_request *req = NULL;
		struct nd_error err = {0};
		size_t len = 0;

		if (e->d_name[0] == '.' || asprintf(&path, "%s/%s", dir, e->d_name) < 0 ||
		    !(buf = read_all(path, &len)))
			continue;
		if (request_parse(buf, len, &req, &err) < 0) {
			nd_error_clear(&err);
			continue;
		}
		parsed++;
		round_trip(e->d_name, req);
		nd_request_free(req);
	}
	closedir(d);
	tap_result(parsed > 0, NULL, "the corpus has requests that parse");
}

/* An external plugin is handed the network and its options as a request gives them. */
static void test_plugin_view(void)
{
	struct nd_request *req = unit_request(requests[3]);
	json_object *net, *att;

	if (!req) {
		tap_result(false, NULL, "plugin view: request parses");
		return;
	}
	net = request_json_network(req->attach[0].net);
	att = request_json_attach(&req->attach[0]);
	tap_check_begin();
	CHECK(net && strcmp(json_object_to_json_string_ext(net, JSON_C_TO_STRING_PLAIN),
			    "{\"name\":\"p\",\"id\":\"i\",\"driver\":\"record\","
			    "\"subnets\":[{\"subnet\":\"10.96.0.0\\/24\"}],\"ipv6_enabled\":false,"
			    "\"internal\":false,\"dns_enabled\":false,"
			    "\"ipam_options\":{\"driver\":\"dhcp\"},\"options\":{\"device\":\"eth9\"}}") == 0);
	CHECK(att && strcmp(json_object_to_json_string_ext(att, JSON_C_TO_STRING_PLAIN),
			    "{\"interface_name\":\"eth3\",\"static_ips\":[\"10.96.0.9\"]}") == 0);
	CHECK(request_json_ports(req) == NULL);
	tap_result(tap_check_ok(), NULL, "plugin view: the network and its options, in netavark's order");
	json_object_put(net);
	json_object_put(att);
	nd_request_free(req);
}

/* The comparison itself sees a difference. */
static void test_unequal(void)
{
	struct nd_request *a = unit_request(requests[0]), *b = unit_request(requests[0]);
	bool ok = a && b && unit_model_equal(a, b);

	if (ok) {
		b->attach[0].addrs[0].addr.addr.b[3]++;
		tap_diag("(the difference below is expected)");
		ok = !unit_model_equal(a, b);
	}
	tap_result(ok, NULL, "a changed address makes the models differ");
	nd_request_free(a);
	nd_request_free(b);
}

int main(int argc, char **argv)
{
	test_unequal();
	test_requests();
	test_plugin_view();
	if (argc > 1)
		test_corpus(argv[1]);
	return tap_finish();
}
