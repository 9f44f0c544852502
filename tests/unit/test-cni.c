// SPDX-License-Identifier: Apache-2.0
/*
 * The CNI plugin's parsers: spec versions, the environment (CNI_* and
 * CNI_ARGS), the network configuration with every error code the spec
 * lists, results in the shape of each version, prevResult, the IPAM store
 * (also an older netd's, with a request per attachment) and allocator, the
 * netavark request built from a configuration (which request_parse() must
 * accept), and the request of a lease: the container record's, or rebuilt.
 *
 * JSON is written with single quotes; json_text() turns them into double
 * quotes before parsing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni-config.h"
#include "cni-ipam.h"
#include "cni-store.h"
#include "cni-request.h"
#include "cni-result.h"
#include "request.h"
#include "result.h"
#include "shared/cleanup.h"
#include "tap.h"

static char *json_text(const char *s)
{
	char *t = strdup(s);

	if (!t)
		abort();
	for (char *c = t; *c; c++)
		if (*c == '\'')
			*c = '"';
	return t;
}

/* Whether @ip (or @p) prints as @want. */
static bool ip_is(const struct nd_ip *ip, const char *want)
{
	char b[ND_ADDRSTRLEN];

	return strcmp(nd_ip_str(ip, b), want) == 0;
}

static bool prefix_is(const struct nd_prefix *p, const char *want)
{
	char b[ND_ADDRSTRLEN];

	return strcmp(nd_prefix_str(p, b), want) == 0;
}

#define BASE "'cniVersion':'1.0.0','name':'net1','type':'netd'"
#define SUB "'subnets':[{'subnet':'10.88.0.0/24'}]"
#define CONF(extra) "{" BASE "," SUB extra "}"

static int parse(const char *single_quoted, enum cni_cmd cmd, struct cni_config **ret,
		 struct nd_error *err)
{
	_cleanup_free_ char *t = json_text(single_quoted);

	return cni_config_parse(t, strlen(t), cmd, ret, err);
}

/* ---- versions ---------------------------------------------------------- */

static void test_versions(void)
{
	static const struct { const char *s; int r; unsigned code; } cases[] = {
		{ "0.3.0", 0, 0 }, { "0.3.1", 0, 0 }, { "0.4.0", 0, 0 }, { "1.0.0", 0, 0 },
		{ "1.1.0", 0, 0 },
		{ "0.2.0", -ENOTSUP, CNI_ERR_VERSION }, { "2.0.0", -ENOTSUP, CNI_ERR_VERSION },
		{ "1.0.1", -ENOTSUP, CNI_ERR_VERSION },
		{ "1.0", -EINVAL, CNI_ERR_DECODE }, { "1.0.0.0", -EINVAL, CNI_ERR_DECODE },
		{ "01.0.0", -EINVAL, CNI_ERR_DECODE }, { "a.b.c", -EINVAL, CNI_ERR_DECODE },
		{ "", -EINVAL, CNI_ERR_DECODE }, { "1.0.0 ", -EINVAL, CNI_ERR_DECODE },
		{ "-1.0.0", -EINVAL, CNI_ERR_DECODE },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct nd_error err = {0};
		enum cni_version v;
		char name[80];
		int r = cni_version_parse(cases[i].s, &v, &err);

		snprintf(name, sizeof(name), "version \"%s\"", cases[i].s);
		tap_result(r == cases[i].r && err.proto_code == cases[i].code &&
			   (r != 0 || strcmp(cni_version_str(v), cases[i].s) == 0), NULL, name);
		nd_error_clear(&err);
	}
}

/* ---- environment -------------------------------------------------------- */

struct env_case {
	const char *name;
	struct cni_env env;
	unsigned code;		/* 0 = must succeed */
	const char *msg;	/* substring of the message */
};

#define ENV_ADD(cid, ns, ifn, a) \
	{ .command = "ADD", .container_id = cid, .netns = ns, .ifname = ifn, .args = a }
#define ADD_ENV .command = "ADD", .container_id = "c1", .netns = "/run/netns/x", .ifname = "eth0"

static const struct env_case env_cases[] = {
	{ "no CNI_COMMAND", { .container_id = "c1" }, CNI_ERR_ENV, "missing environment variable CNI_COMMAND" },
	{ "unknown CNI_COMMAND", { .command = "PUT" }, CNI_ERR_ENV, "unknown command \"PUT\"" },
	{ "lower-case command", { .command = "add" }, CNI_ERR_ENV, "unknown command" },
	{ "ADD without anything", { .command = "ADD" }, CNI_ERR_ENV,
	  "CNI_CONTAINERID (missing), CNI_IFNAME (missing), CNI_NETNS (missing)" },
	{ "ADD without CNI_NETNS", { .command = "ADD", .container_id = "c1", .ifname = "eth0" },
	  CNI_ERR_ENV, "CNI_NETNS (missing)" },
	{ "ADD with relative CNI_NETNS", ENV_ADD("c1", "netns/x", "eth0", NULL), CNI_ERR_ENV,
	  "CNI_NETNS (\"netns/x\" is not an absolute path)" },
	{ "bad container id", ENV_ADD("-abc", "/run/netns/x", "eth0", NULL), CNI_ERR_ENV, "CNI_CONTAINERID (\"-abc\"" },
	{ "container id with slash", ENV_ADD("a/b", "/run/netns/x", "eth0", NULL), CNI_ERR_ENV, "CNI_CONTAINERID" },
	{ "ifname too long", ENV_ADD("c1", "/run/netns/x", "abcdefghijklmnop", NULL), CNI_ERR_ENV,
	  "CNI_IFNAME (\"abcdefghijklmnop\" is longer than 15 characters)" },
	{ "ifname with slash", ENV_ADD("c1", "/run/netns/x", "a/b", NULL), CNI_ERR_ENV, "CNI_IFNAME" },
	{ "ADD ok", { ADD_ENV }, 0, NULL },
	{ "DEL without CNI_NETNS", { .command = "DEL", .container_id = "c1", .ifname = "eth0" }, 0, NULL },
	{ "DEL without CNI_IFNAME", { .command = "DEL", .container_id = "c1" }, CNI_ERR_ENV,
	  "CNI_IFNAME (missing)" },
	{ "CHECK without CNI_NETNS", { .command = "CHECK", .container_id = "c1", .ifname = "eth0" },
	  CNI_ERR_ENV, "CNI_NETNS (missing)" },
	{ "VERSION needs nothing else", { .command = "VERSION" }, 0, NULL },
	{ "STATUS needs nothing else", { .command = "STATUS" }, 0, NULL },
	{ "GC without CNI_PATH", { .command = "GC" }, CNI_ERR_ENV, "CNI_PATH (missing)" },
	{ "GC with CNI_PATH", { .command = "GC", .path = "/opt/cni/bin" }, 0, NULL },
	{ "CNI_ARGS known keys", ENV_ADD("c1", "/run/netns/x", "eth0", "K8S_POD_NAME=web;K8S_POD_NAMESPACE=ns;IP=10.88.0.9"),
	  0, NULL },
	{ "CNI_ARGS unknown key", ENV_ADD("c1", "/run/netns/x", "eth0", "FOO=bar"), CNI_ERR_ENV,
	  "unknown key \"FOO\"; add IgnoreUnknown=1" },
	{ "CNI_ARGS unknown key, IgnoreUnknown after it", ENV_ADD("c1", "/run/netns/x", "eth0", "FOO=bar;IgnoreUnknown=1"),
	  0, NULL },
	{ "CNI_ARGS IgnoreUnknown=true", ENV_ADD("c1", "/run/netns/x", "eth0", "IgnoreUnknown=true;X=1"), 0, NULL },
	{ "CNI_ARGS not key=value", ENV_ADD("c1", "/run/netns/x", "eth0", "justtext"), CNI_ERR_ENV,
	  "\"justtext\" is not KEY=VALUE" },
	{ "CNI_ARGS bad IP", ENV_ADD("c1", "/run/netns/x", "eth0", "IP=10.0.0.300"), CNI_ERR_ENV,
	  "IP: \"10.0.0.300\" is not an IP address" },
	{ "CNI_ARGS bad MAC", ENV_ADD("c1", "/run/netns/x", "eth0", "MAC=zz:00:00:00:00:00"), CNI_ERR_ENV, "MAC:" },
	{ "CNI_ARGS multicast MAC", ENV_ADD("c1", "/run/netns/x", "eth0", "MAC=01:00:00:00:00:01"), CNI_ERR_ENV, "MAC:" },
	{ "CNI_ARGS empty pairs", ENV_ADD("c1", "/run/netns/x", "eth0", ";;K8S_POD_NAME=a;"), 0, NULL },
};

static void test_env(void)
{
	for (size_t i = 0; i < ELEMENTSOF(env_cases); i++) {
		const struct env_case *c = &env_cases[i];
		struct cni_params p = {0};
		struct nd_error err = {0};
		int r = cni_params_parse(&c->env, &p, &err);
		bool ok;

		if (c->code)
			ok = r < 0 && err.proto_code == c->code && err.msg && strstr(err.msg, c->msg);
		else
			ok = r == 0 && !err.msg;
		if (!ok)
			tap_diag("got %d, code %u: %s", r, err.proto_code, err.msg ? err.msg : "(none)");
		tap_result(ok, NULL, c->name);
		cni_params_done(&p);
		nd_error_clear(&err);
	}
}

static void test_env_values(void)
{
	struct cni_env env = ENV_ADD("c1", "/run/netns/x", "eth0", "K8S_POD_NAME=web;IP=10.88.0.9,fd00::9;MAC=02:00:00:00:00:09");
	struct cni_params p = {0};
	struct nd_error err = {0};

	tap_check_begin();
	CHECK(cni_params_parse(&env, &p, &err) == 0);
	CHECK(p.cmd == CNI_CMD_ADD);
	CHECK(p.pod_name && strcmp(p.pod_name, "web") == 0);
	CHECK(p.n_arg_ips == 2);
	CHECK(p.n_arg_ips == 2 && ip_is(&p.arg_ips[1], "fd00::9"));
	CHECK(p.has_arg_mac && p.arg_mac[5] == 9);
	CHECK(strcmp(p.netns, "/run/netns/x") == 0);
	tap_result(tap_check_ok(), NULL, "CNI_ARGS values");
	cni_params_done(&p);
	nd_error_clear(&err);
}

/* ---- configuration ------------------------------------------------------- */

struct conf_case {
	const char *name;
	enum cni_cmd cmd;
	const char *json;
	unsigned code;		/* 0 = valid */
	const char *msg;
};

#define PREV10 "'prevResult':{'cniVersion':'1.0.0','interfaces':[{'name':'eth0','sandbox':'/x'}],'ips':[{'address':'10.1.0.2/24','interface':0}]}"

static const struct conf_case conf_cases[] = {
	/* decoding (6) and versions (1) */
	{ "empty stdin", CNI_CMD_ADD, "", CNI_ERR_DECODE, "stdin is empty" },
	{ "bad JSON", CNI_CMD_ADD, "{'cniVersion':", CNI_ERR_DECODE, "failed to decode" },
	{ "not an object", CNI_CMD_ADD, "[1,2]", CNI_ERR_DECODE, "expected a JSON object, got array" },
	{ "trailing garbage", CNI_CMD_ADD, CONF("") "x", CNI_ERR_DECODE, "trailing data" },
	{ "no cniVersion", CNI_CMD_ADD, "{'name':'n','type':'netd'," SUB "}", CNI_ERR_VERSION,
	  "missing (that means 0.1.0)" },
	{ "cniVersion a number", CNI_CMD_ADD, "{'cniVersion':1,'name':'n','type':'netd'}", CNI_ERR_DECODE,
	  "expected a string" },
	{ "cniVersion garbage", CNI_CMD_ADD, "{'cniVersion':'one','name':'n','type':'netd'}",
	  CNI_ERR_DECODE, "not a version string" },
	{ "cniVersion 0.2.0", CNI_CMD_ADD, "{'cniVersion':'0.2.0','name':'n','type':'netd'," SUB "}",
	  CNI_ERR_VERSION, "incompatible CNI version 0.2.0" },
	{ "cniVersion 2.0.0", CNI_CMD_DEL, "{'cniVersion':'2.0.0','name':'n','type':'netd'," SUB "}",
	  CNI_ERR_VERSION, "incompatible" },
	{ "CHECK with 0.3.1", CNI_CMD_CHECK, "{'cniVersion':'0.3.1','name':'n','type':'netd'," SUB "}",
	  CNI_ERR_VERSION, "does not allow CHECK" },
	{ "GC with 1.0.0", CNI_CMD_GC, CONF(",'cni.dev/valid-attachments':[]"), CNI_ERR_VERSION,
	  "does not allow GC" },
	{ "STATUS with 0.4.0", CNI_CMD_STATUS, "{'cniVersion':'0.4.0','name':'n','type':'netd'," SUB "}",
	  CNI_ERR_VERSION, "does not allow STATUS" },
	/* unsupported fields (2) */
	{ "unknown key", CNI_CMD_ADD, CONF(",'hairpinMode':true"), CNI_ERR_FIELD,
	  "unsupported field in network config: hairpinMode = true" },
	{ "ipam delegation", CNI_CMD_ADD, CONF(",'ipam':{'type':'host-local'}"), CNI_ERR_FIELD,
	  "ipam = {\"type\":\"host-local\"}: netd allocates addresses itself" },
	{ "ipMasq false", CNI_CMD_ADD, CONF(",'ipMasq':false"), CNI_ERR_FIELD, "ipMasq = false" },
	{ "unknown subnet key", CNI_CMD_ADD, "{" BASE ",'subnets':[{'subnet':'10.0.0.0/24','gw':'10.0.0.1'}]}",
	  CNI_ERR_FIELD, "subnets[0].gw = \"10.0.0.1\"" },
	/* invalid config (7) */
	{ "no name", CNI_CMD_ADD, "{'cniVersion':'1.0.0','type':'netd'," SUB "}", CNI_ERR_CONFIG,
	  "name: required field is missing" },
	{ "bad name", CNI_CMD_ADD, "{'cniVersion':'1.0.0','name':'../x','type':'netd'," SUB "}",
	  CNI_ERR_CONFIG, "not a valid network name" },
	{ "no type", CNI_CMD_ADD, "{'cniVersion':'1.0.0','name':'n'," SUB "}", CNI_ERR_CONFIG,
	  "type: required field is missing" },
	{ "no subnets", CNI_CMD_ADD, "{" BASE "}", CNI_ERR_CONFIG, "subnets: required field is missing" },
	{ "empty subnets", CNI_CMD_ADD, "{" BASE ",'subnets':[]}", CNI_ERR_CONFIG, "at least one subnet" },
	{ "subnet with host bits", CNI_CMD_ADD, "{" BASE ",'subnets':[{'subnet':'10.0.0.5/24'}]}",
	  CNI_ERR_CONFIG, "subnets[0].subnet: 10.0.0.5/24 has host bits set (the network is 10.0.0.0/24)" },
	{ "subnet not CIDR", CNI_CMD_ADD, "{" BASE ",'subnets':[{'subnet':'10.0.0.0'}]}", CNI_ERR_CONFIG,
	  "missing '/prefix-length'" },
	{ "subnet too small", CNI_CMD_ADD, "{" BASE ",'subnets':[{'subnet':'10.0.0.0/31'}]}",
	  CNI_ERR_CONFIG, "too small" },
	{ "overlapping subnets", CNI_CMD_ADD,
	  "{" BASE ",'subnets':[{'subnet':'10.0.0.0/16'},{'subnet':'10.0.1.0/24'}]}", CNI_ERR_CONFIG,
	  "overlaps subnets[0]" },
	{ "gateway outside", CNI_CMD_ADD,
	  "{" BASE ",'subnets':[{'subnet':'10.0.0.0/24','gateway':'10.0.1.1'}]}", CNI_ERR_CONFIG,
	  "subnets[0].gateway: 10.0.1.1 is not a host address of subnet 10.0.0.0/24" },
	{ "gateway is broadcast", CNI_CMD_ADD,
	  "{" BASE ",'subnets':[{'subnet':'10.0.0.0/24','gateway':'10.0.0.255'}]}", CNI_ERR_CONFIG,
	  "not a host address" },
	{ "range reversed", CNI_CMD_ADD,
	  "{" BASE ",'subnets':[{'subnet':'10.0.0.0/24','rangeStart':'10.0.0.50','rangeEnd':'10.0.0.40'}]}",
	  CNI_ERR_CONFIG, "rangeStart 10.0.0.50 is after rangeEnd 10.0.0.40" },
	{ "range outside", CNI_CMD_ADD,
	  "{" BASE ",'subnets':[{'subnet':'10.0.0.0/24','rangeEnd':'10.0.9.1'}]}", CNI_ERR_CONFIG,
	  "subnets[0].rangeEnd: 10.0.9.1 is not a host address" },
	{ "too many subnets", CNI_CMD_ADD,
	  "{" BASE ",'subnets':[{'subnet':'10.0.0.0/24'},{'subnet':'10.0.1.0/24'},{'subnet':'10.0.2.0/24'},"
	  "{'subnet':'10.0.3.0/24'},{'subnet':'10.0.4.0/24'},{'subnet':'10.0.5.0/24'},"
	  "{'subnet':'10.0.6.0/24'},{'subnet':'10.0.7.0/24'},{'subnet':'10.0.8.0/24'}]}",
	  CNI_ERR_CONFIG, "more than 8 entries" },
	{ "bridge name too long", CNI_CMD_ADD, CONF(",'bridge':'abcdefghijklmnop'"), CNI_ERR_CONFIG,
	  "bridge: \"abcdefghijklmnop\" is longer than 15 characters" },
	{ "bridge not a string", CNI_CMD_ADD, CONF(",'bridge':5"), CNI_ERR_CONFIG,
	  "bridge: expected a string, got number" },
	{ "mtu too small", CNI_CMD_ADD, CONF(",'mtu':60"), CNI_ERR_CONFIG, "mtu: 60 is not a valid MTU" },
	{ "mtu too big", CNI_CMD_ADD, CONF(",'mtu':70000"), CNI_ERR_CONFIG, "out of range" },
	{ "isolate bad", CNI_CMD_ADD, CONF(",'isolate':'maybe'"), CNI_ERR_CONFIG, "isolate" },
	{ "dataDir relative", CNI_CMD_ADD, CONF(",'dataDir':'var/lib'"), CNI_ERR_CONFIG,
	  "dataDir: \"var/lib\" is not an absolute path" },
	{ "firewallDriver unknown", CNI_CMD_ADD, CONF(",'firewallDriver':'iptables'"), CNI_ERR_CONFIG,
	  "not nftables or none" },
	{ "dnsPort 0", CNI_CMD_ADD, CONF(",'dnsPort':0"), CNI_ERR_CONFIG, "dnsPort: 0 is out of range" },
	{ "route without dst", CNI_CMD_ADD, CONF(",'routes':[{'gw':'10.88.0.1'}]"), CNI_ERR_CONFIG,
	  "routes[0].dst: required field is missing" },
	{ "route family mismatch", CNI_CMD_ADD, CONF(",'routes':[{'dst':'fd00::/8','gw':'10.88.0.1'}]"),
	  CNI_ERR_CONFIG, "not of the same IP family" },
	{ "route v6 without v6 subnet", CNI_CMD_ADD, CONF(",'routes':[{'dst':'fd00::/8'}]"), CNI_ERR_CONFIG,
	  "no IPv6 subnet" },
	{ "portMappings not array", CNI_CMD_ADD, CONF(",'runtimeConfig':{'portMappings':{}}"),
	  CNI_ERR_CONFIG, "runtimeConfig.portMappings: expected an array" },
	{ "port 0", CNI_CMD_ADD,
	  CONF(",'runtimeConfig':{'portMappings':[{'hostPort':0,'containerPort':80}]}"), CNI_ERR_CONFIG,
	  "hostPort: 0 is out of range 1..65535" },
	{ "port protocol", CNI_CMD_ADD,
	  CONF(",'runtimeConfig':{'portMappings':[{'hostPort':8080,'containerPort':80,'protocol':'icmp'}]}"),
	  CNI_ERR_CONFIG, "unknown protocol \"icmp\"" },
	{ "port hostIP", CNI_CMD_ADD,
	  CONF(",'runtimeConfig':{'portMappings':[{'hostPort':8080,'containerPort':80,'hostIP':'x'}]}"),
	  CNI_ERR_CONFIG, "hostIP: \"x\" is not an IP address" },
	{ "port missing containerPort", CNI_CMD_ADD,
	  CONF(",'runtimeConfig':{'portMappings':[{'hostPort':8080}]}"), CNI_ERR_CONFIG,
	  "needs hostPort and containerPort" },
	{ "runtimeConfig ips bad", CNI_CMD_ADD, CONF(",'runtimeConfig':{'ips':['nope']}"), CNI_ERR_CONFIG,
	  "runtimeConfig.ips[0]: \"nope\" is not an IP address" },
	{ "runtimeConfig mac bad", CNI_CMD_ADD, CONF(",'runtimeConfig':{'mac':'xx'}"), CNI_ERR_CONFIG,
	  "runtimeConfig.mac" },
	{ "alias with space", CNI_CMD_ADD, CONF(",'runtimeConfig':{'aliases':{'net1':['a b']}}"),
	  CNI_ERR_CONFIG, "is not a DNS name" },
	{ "prevResult 0.4.0 wrong ips version", CNI_CMD_ADD,
	  "{'cniVersion':'0.4.0','name':'n','type':'netd'," SUB ",'prevResult':{'ips':[{'version':'6','address':'10.1.0.2/24'}]}}",
	  CNI_ERR_CONFIG, "expected \"4\"" },
	{ "prevResult bad interface index", CNI_CMD_ADD,
	  CONF(",'prevResult':{'interfaces':[],'ips':[{'address':'10.1.0.2/24','interface':0}]}"),
	  CNI_ERR_CONFIG, "prevResult.ips[0].interface: 0 is not an index into interfaces (0 entries)" },
	{ "prevResult not an object", CNI_CMD_CHECK, CONF(",'prevResult':[]"), CNI_ERR_CONFIG,
	  "prevResult: expected an object" },
	{ "prevResult interface without name", CNI_CMD_ADD, CONF(",'prevResult':{'interfaces':[{'mac':'x'}]}"),
	  CNI_ERR_CONFIG, "prevResult.interfaces[0].name: required field is missing" },
	{ "prevResult interface not an object", CNI_CMD_ADD, CONF(",'prevResult':{'interfaces':['eth0']}"),
	  CNI_ERR_CONFIG, "prevResult.interfaces[0]: expected an object" },
	{ "prevResult ip without address", CNI_CMD_ADD, CONF(",'prevResult':{'ips':[{'gateway':'10.1.0.1'}]}"),
	  CNI_ERR_CONFIG, "prevResult.ips[0].address: required field is missing" },
	{ "prevResult gateway of the other family", CNI_CMD_ADD,
	  CONF(",'prevResult':{'ips':[{'address':'10.1.0.2/24','gateway':'fd00::1'}]}"), CNI_ERR_CONFIG,
	  "prevResult.ips[0].gateway: gateway fd00::1 is not of the address's IP family" },
	{ "prevResult route without dst", CNI_CMD_ADD, CONF(",'prevResult':{'routes':[{'gw':'10.1.0.1'}]}"),
	  CNI_ERR_CONFIG, "prevResult.routes[0].dst: required field is missing" },
	{ "prevResult route gw of the other family", CNI_CMD_ADD,
	  CONF(",'prevResult':{'routes':[{'dst':'0.0.0.0/0','gw':'fd00::1'}]}"), CNI_ERR_CONFIG,
	  "prevResult.routes[0].gw: fd00::1 is not of the IP family of dst" },
	{ "prevResult route mtu out of range", CNI_CMD_ADD,
	  CONF(",'prevResult':{'routes':[{'dst':'0.0.0.0/0','mtu':-1}]}"), CNI_ERR_CONFIG,
	  "prevResult.routes[0].mtu" },
	{ "prevResult ips not an array", CNI_CMD_ADD, CONF(",'prevResult':{'ips':'x'}"), CNI_ERR_CONFIG,
	  "prevResult.ips: expected an array" },
	{ "port not an object", CNI_CMD_ADD, CONF(",'runtimeConfig':{'portMappings':[8080]}"),
	  CNI_ERR_CONFIG, "runtimeConfig.portMappings[0]: expected an object" },
	{ "valid-attachments entry not an object", CNI_CMD_GC,
	  "{'cniVersion':'1.1.0','name':'n','type':'netd'," SUB ",'cni.dev/valid-attachments':['a']}",
	  CNI_ERR_CONFIG, "cni.dev/valid-attachments[0]: expected an object" },
	{ "GC without valid-attachments", CNI_CMD_GC, "{'cniVersion':'1.1.0','name':'n','type':'netd'," SUB "}",
	  CNI_ERR_CONFIG, "cni.dev/valid-attachments: required for GC" },
	{ "GC attachment without ifname", CNI_CMD_GC,
	  "{'cniVersion':'1.1.0','name':'n','type':'netd'," SUB ",'cni.dev/valid-attachments':[{'containerID':'a'}]}",
	  CNI_ERR_CONFIG, "needs containerID and ifname" },
	/* valid */
	{ "minimal", CNI_CMD_ADD, CONF(""), 0, NULL },
	{ "prevResult 0.4.0 without ips version (as the reference plugins print it)", CNI_CMD_ADD,
	  "{'cniVersion':'0.4.0','name':'n','type':'netd'," SUB ",'prevResult':{'ips':[{'address':'10.1.0.2/24'}]}}",
	  0, NULL },
	{ "every version", CNI_CMD_ADD, "{'cniVersion':'0.3.0','name':'n','type':'netd'," SUB "}", 0, NULL },
	{ "ipMasq false on internal network", CNI_CMD_ADD, CONF(",'ipMasq':false,'internal':true"), 0, NULL },
	{ "capabilities, args and cni.dev keys pass", CNI_CMD_ADD,
	  CONF(",'capabilities':{'portMappings':true},'args':{'other':{'x':1}},'cni.dev/future':1"), 0, NULL },
	{ "DEL tolerates a bad prevResult", CNI_CMD_DEL, CONF(",'prevResult':{'ips':'x'}"), 0, NULL },
	{ "CHECK with prevResult", CNI_CMD_CHECK, CONF("," PREV10), 0, NULL },
	{ "VERSION with empty stdin", CNI_CMD_VERSION, "", 0, NULL },
	{ "VERSION with unknown version", CNI_CMD_VERSION, "{'cniVersion':'9.9.9'}", 0, NULL },
	{ "VERSION with garbage version", CNI_CMD_VERSION, "{'cniVersion':'x'}", CNI_ERR_DECODE,
	  "not a version string" },
	{ "null values count as absent", CNI_CMD_ADD, CONF(",'bridge':null,'mtu':null,'ipam':null"), 0, NULL },
};

static void test_config_errors(void)
{
	for (size_t i = 0; i < ELEMENTSOF(conf_cases); i++) {
		const struct conf_case *c = &conf_cases[i];
		struct cni_config *cfg = NULL;
		struct nd_error err = {0};
		int r = parse(c->json, c->cmd, &cfg, &err);
		bool ok;

		if (c->code)
			ok = r < 0 && !cfg && err.proto_code == c->code && err.msg && strstr(err.msg, c->msg);
		else
			ok = r == 0 && cfg && !err.msg;
		if (!ok)
			tap_diag("got %d, code %u: %s", r, err.proto_code, err.msg ? err.msg : "(none)");
		tap_result(ok, NULL, c->name);
		cni_config_free(cfg);
		nd_error_clear(&err);
	}
}

/* The configuration @sq for @cmd, or NULL (with the reason as a diagnostic). */
static struct cni_config *config_of(const char *sq, enum cni_cmd cmd)
{
	struct cni_config *cfg = NULL;
	struct nd_error err = {0};

	if (parse(sq, cmd, &cfg, &err) < 0)
		tap_diag("%s", err.msg);
	nd_error_clear(&err);
	return cfg;
}

static void test_config_defaults(void)
{
	struct cni_config *cfg;

	tap_check_begin();
	cfg = config_of(CONF(""), CNI_CMD_ADD);
	CHECK(cfg);
	if (cfg) {
		CHECK(cfg->version == CNI_V100);
		CHECK(strcmp(cfg->bridge, "netd-net1") == 0);
		CHECK(strcmp(cfg->data_dir, "/var/lib/netd/cni") == 0);
		CHECK(strcmp(cfg->runtime_dir, "/run/netd/cni") == 0);
		CHECK(strcmp(cfg->fw_driver, "nftables") == 0);
		CHECK(cfg->n_subnets == 1);
		CHECK(ip_is(&cfg->subnets[0].gateway, "10.88.0.1"));
		CHECK(ip_is(&cfg->subnets[0].range_start, "10.88.0.1"));
		CHECK(ip_is(&cfg->subnets[0].range_end, "10.88.0.254"));
		CHECK(!cfg->dns_enabled && cfg->dns_port == 53);
		CHECK(!cfg->internal && !cfg->has_mtu && !cfg->has_isolate && !cfg->prev);
	}
	tap_result(tap_check_ok(), NULL, "defaults");
	cni_config_free(cfg);
}

static void test_config_values(void)
{
	static const char *conf =
		"{'cniVersion':'1.1.0','name':'a-rather-long-network-name','type':'netd',"
		"'subnets':[{'subnet':'10.1.0.0/24','gateway':'10.1.0.254','rangeStart':'10.1.0.10','rangeEnd':'10.1.0.20'},"
		"{'subnet':'fd01::/64'}],"
		"'routes':[{'dst':'0.0.0.0/0'},{'dst':'192.168.0.0/16'},{'dst':'fd99::/16','gw':'fd01::99'}],"
		"'mtu':1400,'isolate':false,'metric':50,'dnsEnabled':true,'dnsPort':5353,"
		"'dns':{'nameservers':['1.1.1.1'],'search':['example.com'],'domain':'ex'},"
		"'runtimeConfig':{'portMappings':[{'hostPort':8080,'containerPort':80,'protocol':'UDP','hostIP':'127.0.0.1'}],"
		"'ips':['10.1.0.15/24'],'mac':'02:00:00:00:00:01','aliases':{'a-rather-long-network-name':['web','www']},"
		"'dns':{'servers':['9.9.9.9']},'bandwidth':{'ingressRate':1}},"
		"'args':{'cni':{'ips':['10.1.0.16']}}}";
	struct cni_config *cfg;

	tap_check_begin();
	cfg = config_of(conf, CNI_CMD_ADD);
	CHECK(cfg);
	if (cfg) {
		CHECK(cfg->version == CNI_V110);
		CHECK(strncmp(cfg->bridge, "netd-", 5) == 0 && strlen(cfg->bridge) == 15);
		CHECK(ip_is(&cfg->subnets[0].gateway, "10.1.0.254"));
		CHECK(ip_is(&cfg->subnets[0].range_start, "10.1.0.10"));
		CHECK(ip_is(&cfg->subnets[1].gateway, "fd01::1"));
		CHECK(ip_is(&cfg->subnets[1].range_end, "fd01::ffff:ffff:ffff:ffff"));
		/* the default route via the gateway is netd's anyway: dropped */
		CHECK(cfg->n_routes == 2);
		CHECK(cfg->n_routes == 2 && ip_is(&cfg->routes[0].gw, "10.1.0.254"));
		CHECK(cfg->has_mtu && cfg->mtu == 1400);
		CHECK(cfg->has_isolate && cfg->isolate == ND_ISOLATE_FALSE);
		CHECK(cfg->has_metric && cfg->metric == 50);
		CHECK(cfg->dns_enabled && cfg->dns_port == 5353);
		CHECK(cfg->has_dns && cfg->dns.n_nameservers == 1 && strcmp(cfg->dns.domain, "ex") == 0);
		CHECK(cfg->n_ports == 1 && cfg->ports[0].proto == ND_PROTO_UDP &&
		      cfg->ports[0].host_ip_kind == ND_HOSTIP_ONE && cfg->ports[0].host_port == 8080);
		/* runtimeConfig.ips wins over args.cni.ips */
		CHECK(cfg->n_req_ips == 1 && ip_is(&cfg->req_ips[0], "10.1.0.15"));
		CHECK(cfg->has_mac && cfg->mac[5] == 1);
		CHECK(cfg->n_aliases == 2 && strcmp(cfg->aliases[1], "www") == 0);
		CHECK(cfg->n_ctr_dns == 1);
	}
	tap_result(tap_check_ok(), NULL, "every key with its value");
	cni_config_free(cfg);

	tap_check_begin();
	cfg = config_of(CONF(",'args':{'cni':{'ips':['10.88.0.7']}}"), CNI_CMD_ADD);
	CHECK(cfg && cfg->n_req_ips == 1 && ip_is(&cfg->req_ips[0], "10.88.0.7"));
	tap_result(tap_check_ok(), NULL, "args.cni.ips without runtimeConfig.ips");
	cni_config_free(cfg);

	tap_check_begin();
	cfg = config_of("{'cniVersion':'1.1.0','name':'n','type':'netd'," SUB ",'cni.dev/valid-attachments':"
			"[{'containerID':'a','ifname':'eth0'},{'containerID':'b','ifname':'net1'}]}",
			CNI_CMD_GC);
	CHECK(cfg && cfg->has_valid && cfg->n_valid == 2 && strcmp(cfg->valid[1].ifname, "net1") == 0);
	tap_result(tap_check_ok(), NULL, "cni.dev/valid-attachments");
	cni_config_free(cfg);

	tap_check_begin();
	cfg = config_of(CONF(",'runtimeConfig':{'portMappings':[{'hostPort':1,'containerPort':2,'protocol':''},"
			     "{'hostPort':3,'containerPort':4,'protocol':'SCTP'},{'hostPort':5,'containerPort':6,'protocol':'tcp'}]}"),
			CNI_CMD_ADD);
	CHECK(cfg && cfg->n_ports == 3 && cfg->ports[0].proto == ND_PROTO_TCP &&
	      cfg->ports[1].proto == ND_PROTO_SCTP && cfg->ports[2].proto == ND_PROTO_TCP &&
	      cfg->ports[2].host_port == 5 && cfg->ports[2].container_port == 6);
	tap_result(tap_check_ok(), NULL, "port protocols: none is tcp, any case");
	cni_config_free(cfg);
}

static void test_peek(void)
{
	enum cni_version v = CNI_V030;

	tap_check_begin();
	CHECK(cni_peek_version("{\"cniVersion\":\"0.4.0\"}", 22, &v) == 0 && v == CNI_V040);
	CHECK(cni_peek_version("{\"cniVersion\":\"7.0.0\"}", 22, &v) < 0);
	CHECK(cni_peek_version("", 0, &v) < 0);
	CHECK(cni_peek_version("{", 1, &v) < 0);
	tap_result(tap_check_ok(), NULL, "peek at the version for error replies");
}

/* ---- results ------------------------------------------------------------- */

static struct cni_result *result_of(const char *sq, enum cni_version v)
{
	_cleanup_free_ char *t = json_text(sq);
	struct nd_error err = {0};
	struct cni_result *r = NULL;
	json_object *o = json_tokener_parse(t);

	if (o && cni_result_parse(o, v, "r", &r, &err) < 0)
		tap_diag("%s", err.msg);
	json_object_put(o);
	nd_error_clear(&err);
	return r;
}

static bool json_is(json_object *o, const char *sq)
{
	_cleanup_free_ char *want = json_text(sq);
	const char *got = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
	bool ok = strcmp(got, want) == 0;

	if (!ok)
		tap_diag("got  %s\n# want %s", got, want);
	json_object_put(o);
	return ok;
}

static void test_result_versions(void)
{
	static const char *r10 =
		"{'interfaces':[{'name':'br0','mac':'aa:bb:cc:dd:ee:01'},{'name':'eth0','mac':'aa:bb:cc:dd:ee:02','sandbox':'/run/netns/x','mtu':1400}],"
		"'ips':[{'address':'10.1.0.2/24','gateway':'10.1.0.1','interface':1},{'address':'fd01::2/64','interface':1}],"
		"'routes':[{'dst':'0.0.0.0/0','gw':'10.1.0.1','priority':100}],"
		"'dns':{'nameservers':['10.1.0.1'],'search':['dns.podman']}}";
	struct cni_result *r = result_of(r10, CNI_V110);

	tap_check_begin();
	CHECK(r != NULL);
	if (r) {
		CHECK(json_is(cni_result_to_json(r, CNI_V040),
			      "{'cniVersion':'0.4.0','interfaces':[{'name':'br0','mac':'aa:bb:cc:dd:ee:01'},"
			      "{'name':'eth0','mac':'aa:bb:cc:dd:ee:02','sandbox':'/run/netns/x'}],"
			      "'ips':[{'version':'4','interface':1,'address':'10.1.0.2/24','gateway':'10.1.0.1'},"
			      "{'version':'6','interface':1,'address':'fd01::2/64'}],"
			      "'routes':[{'dst':'0.0.0.0/0','gw':'10.1.0.1'}],"
			      "'dns':{'nameservers':['10.1.0.1'],'search':['dns.podman']}}"));
		CHECK(json_is(cni_result_to_json(r, CNI_V100),
			      "{'cniVersion':'1.0.0','interfaces':[{'name':'br0','mac':'aa:bb:cc:dd:ee:01'},"
			      "{'name':'eth0','mac':'aa:bb:cc:dd:ee:02','sandbox':'/run/netns/x'}],"
			      "'ips':[{'interface':1,'address':'10.1.0.2/24','gateway':'10.1.0.1'},"
			      "{'interface':1,'address':'fd01::2/64'}],"
			      "'routes':[{'dst':'0.0.0.0/0','gw':'10.1.0.1'}],"
			      "'dns':{'nameservers':['10.1.0.1'],'search':['dns.podman']}}"));
		CHECK(json_is(cni_result_to_json(r, CNI_V110),
			      "{'cniVersion':'1.1.0','interfaces':[{'name':'br0','mac':'aa:bb:cc:dd:ee:01'},"
			      "{'name':'eth0','mac':'aa:bb:cc:dd:ee:02','sandbox':'/run/netns/x','mtu':1400}],"
			      "'ips':[{'interface':1,'address':'10.1.0.2/24','gateway':'10.1.0.1'},"
			      "{'interface':1,'address':'fd01::2/64'}],"
			      "'routes':[{'dst':'0.0.0.0/0','gw':'10.1.0.1','priority':100}],"
			      "'dns':{'nameservers':['10.1.0.1'],'search':['dns.podman']}}"));
		CHECK(cni_result_find_iface(r, "eth0", "/run/netns/x") == 1);
		CHECK(cni_result_find_iface(r, "eth0", "/proc/1/ns/net") == 1);
		CHECK(cni_result_find_iface(r, "br0", "/run/netns/x") == -1);
	}
	tap_result(tap_check_ok(), NULL, "result in the shape of 0.4.0, 1.0.0, 1.1.0");
	cni_result_free(r);

	r = result_of("{}", CNI_V100);
	tap_check_begin();
	CHECK(r && json_is(cni_result_to_json(r, CNI_V100), "{'cniVersion':'1.0.0','dns':{}}"));
	tap_result(tap_check_ok(), NULL, "empty result");
	cni_result_free(r);
}

static void test_result_append(void)
{
	struct cni_result *a = result_of("{'interfaces':[{'name':'x0'}],'ips':[{'address':'10.9.0.2/24','interface':0}],"
					 "'dns':{'nameservers':['8.8.8.8'],'search':['a']}}", CNI_V100);
	struct cni_result *b = result_of("{'interfaces':[{'name':'br'},{'name':'eth0','sandbox':'/n'}],"
					 "'ips':[{'address':'10.1.0.2/24','interface':1}],"
					 "'routes':[{'dst':'0.0.0.0/0'}],'dns':{'nameservers':['10.1.0.1'],'search':['a','b']}}",
					 CNI_V100);

	tap_check_begin();
	CHECK(a && b && cni_result_append(a, b) == 0);
	if (a && b) {
		CHECK(a->n_ifaces == 3 && a->n_ips == 2 && a->ips[1].iface == 2 && a->ips[0].iface == 0);
		CHECK(a->n_routes == 1);
		CHECK(a->dns.n_nameservers == 2 && a->dns.n_search == 2);
	}
	tap_result(tap_check_ok(), NULL, "chained result: appended, interface index shifted");
	cni_result_free(a);
	cni_result_free(b);
}

/*
 * A typed setup result as netd_setup() returns it for network "net1":
 * eth0 with @n_addrs of 10.88.0.5/24 (gateway .1) and fd88::5/64 (no
 * gateway), served by 10.88.0.1 with search domain dns.podman.
 */
static struct nd_result *setup_result(const char *network, const char *ifname, size_t n_addrs)
{
	static const char *const addrs[] = { "10.88.0.5/24", "fd88::5/64" };
	struct nd_result *res = calloc(1, sizeof(*res));
	struct nd_result_net *n;
	struct nd_result_iface *f;

	if (!res || !(res->nets = n = calloc(1, sizeof(*n))) ||
	    !(n->ifaces = f = calloc(1, sizeof(*f))) ||
	    !(f->addrs = calloc(ELEMENTSOF(addrs), sizeof(*f->addrs))) ||
	    !(n->servers = calloc(1, sizeof(*n->servers))) ||
	    !(n->domains = calloc(1, sizeof(*n->domains))))
		abort();
	res->n_nets = 1;
	n->n_ifaces = 1;
	n->has_ifaces = n->has_servers = n->has_domains = true;
	if (!(n->network = strdup(network)) || !(f->name = strdup(ifname)) ||
	    !(f->mac = strdup("02:00:00:00:00:05")) || !(n->domains[0] = strdup("dns.podman")))
		abort();
	n->n_domains = 1;
	nd_ip_parse("10.88.0.1", &n->servers[0]);
	n->n_servers = 1;
	f->has_addrs = true;
	for (size_t i = 0; i < n_addrs && i < ELEMENTSOF(addrs); i++) {
		nd_prefix_parse(addrs[i], &f->addrs[i].ipnet, NULL);
		f->n_addrs++;
	}
	f->addrs[0].has_gateway = true;
	nd_ip_parse("10.88.0.1", &f->addrs[0].gateway);
	return res;
}

static void test_from_setup(void)
{
	struct cni_host_info hi = { .bridge = "netd-net1", .bridge_mac = "02:00:00:00:00:01",
				    .veth = "veth0123456789a", .veth_mac = "02:00:00:00:00:02", .mtu = 1500 };
	struct cni_env env = { ADD_ENV };
	struct cni_config *cfg = NULL;
	struct cni_params p = {0};
	struct nd_error err = {0};
	struct cni_result *res = NULL;
	struct nd_result *nr = setup_result("net1", "eth0", 1);

	tap_check_begin();
	CHECK(parse(CONF(",'dnsEnabled':true,'dns':{'search':['corp.example'],'options':['ndots:2']}"),
		    CNI_CMD_ADD, &cfg, &err) == 0);
	CHECK(cni_params_parse(&env, &p, &err) == 0);
	CHECK(cfg && cni_result_from_setup(nr, cfg, &p, &hi, &res, &err) == 0);
	if (res)
		CHECK(json_is(cni_result_to_json(res, CNI_V110),
			      "{'cniVersion':'1.1.0','interfaces':[{'name':'netd-net1','mac':'02:00:00:00:00:01'},"
			      "{'name':'veth0123456789a','mac':'02:00:00:00:00:02'},"
			      "{'name':'eth0','mac':'02:00:00:00:00:05','sandbox':'/run/netns/x','mtu':1500}],"
			      "'ips':[{'interface':2,'address':'10.88.0.5/24','gateway':'10.88.0.1'}],"
			      "'routes':[{'dst':'0.0.0.0/0','gw':'10.88.0.1'}],"
			      "'dns':{'nameservers':['10.88.0.1'],'search':['dns.podman','corp.example'],'options':['ndots:2']}}"));
	if (err.msg)
		tap_diag("%s", err.msg);
	tap_result(tap_check_ok(), NULL, "setup result to CNI result (dns filled in)");
	cni_result_free(res);
	res = NULL;
	nd_result_free(nr);

	/* What the result cannot say: an unknown network or interface, a gateway of the other family. */
	tap_check_begin();
	nr = setup_result("other", "eth0", 1);
	CHECK(cfg && cni_result_from_setup(nr, cfg, &p, &hi, &res, &err) < 0 && !res &&
	      err.proto_code == CNI_ERR_NETD && strstr(err.msg, "no entry for network \"net1\""));
	nd_result_free(nr);
	nd_error_clear(&err);
	nr = setup_result("net1", "eth1", 1);
	CHECK(cfg && cni_result_from_setup(nr, cfg, &p, &hi, &res, &err) < 0 && !res &&
	      err.proto_code == CNI_ERR_NETD && strstr(err.msg, "no interface \"eth0\""));
	nd_result_free(nr);
	nd_error_clear(&err);
	nr = setup_result("net1", "eth0", 2);
	nr->nets[0].ifaces[0].addrs[1].has_gateway = true;
	nd_ip_parse("10.88.0.1", &nr->nets[0].ifaces[0].addrs[1].gateway);
	CHECK(cfg && cni_result_from_setup(nr, cfg, &p, &hi, &res, &err) < 0 && !res &&
	      err.proto_code == CNI_ERR_NETD && strstr(err.msg, "gateway of the other family"));
	nd_result_free(nr);
	nd_error_clear(&err);
	tap_result(tap_check_ok(), NULL, "setup result without the network, the interface, or with a mixed gateway");

	cni_config_free(cfg);
	cni_params_done(&p);
	nd_error_clear(&err);
}

/* ---- IPAM ---------------------------------------------------------------- */

static void test_ipam(void)
{
	struct cni_config *cfg = NULL;
	struct nd_error err = {0};
	struct cni_store *s = cni_store_new("net1");
	char got[8][ND_ADDRSTRLEN] = {{0}};
	struct nd_ip want;

	tap_check_begin();
	CHECK(parse("{" BASE ",'subnets':[{'subnet':'10.0.0.0/29'}]}", CNI_CMD_ADD, &cfg, &err) == 0);
	/* 10.0.0.0/29: hosts .1-.6, .1 the gateway: five addresses */
	for (int i = 0; cfg && s && i < 6; i++) {
		struct nd_ip *ips = NULL;
		struct cni_alloc a = {0};
		int r = cni_ipam_allocate(s, cfg, NULL, 0, &ips, &err);
		if (i < 5) {
			CHECK(r == 0);
			if (r < 0)
				break;
			nd_ip_str(&ips[0], got[i]);
			a.container_id = strdup("c");
			a.container_id[0] = (char)('a' + i);
			a.ifname = strdup("eth0");
			a.ips = ips;
			a.n_ips = 1;
			CHECK(cni_store_add(s, &a) != NULL);
		} else {
			CHECK(r < 0 && err.proto_code == CNI_ERR_IPAM && strstr(err.msg, "no free address left"));
			free(ips);
		}
	}
	CHECK(strcmp(got[0], "10.0.0.2") == 0 && strcmp(got[4], "10.0.0.6") == 0);
	CHECK(cfg && !cni_ipam_has_free(s, &cfg->subnets[0]));
	tap_result(tap_check_ok(), NULL, "sequential allocation until the range is full");
	nd_error_clear(&err);

	/* Round robin: a released address is not handed out again right away. */
	tap_check_begin();
	if (cfg && s) {
		struct nd_ip *ips = NULL;
		cni_store_remove(s, cni_store_find(s, "b", "eth0"));	/* 10.0.0.3 */
		cni_store_remove(s, cni_store_find(s, "d", "eth0"));	/* 10.0.0.5 */
		CHECK(cni_ipam_has_free(s, &cfg->subnets[0]));
		CHECK(cni_ipam_allocate(s, cfg, NULL, 0, &ips, &err) == 0);
		CHECK(ips && ip_is(&ips[0], "10.0.0.3"));
		free(ips);
		ips = NULL;
		/* requested address: taken, outside, the gateway, fine */
		nd_ip_parse("10.0.0.2", &want);
		CHECK(cni_ipam_allocate(s, cfg, &want, 1, &ips, &err) < 0 &&
		      strstr(err.msg, "already allocated to container a"));
		nd_error_clear(&err);
		nd_ip_parse("10.0.1.2", &want);
		CHECK(cni_ipam_allocate(s, cfg, &want, 1, &ips, &err) < 0 &&
		      strstr(err.msg, "not in any subnet"));
		nd_error_clear(&err);
		nd_ip_parse("10.0.0.1", &want);
		CHECK(cni_ipam_allocate(s, cfg, &want, 1, &ips, &err) < 0 &&
		      strstr(err.msg, "gateway"));
		nd_error_clear(&err);
		nd_ip_parse("10.0.0.5", &want);
		CHECK(cni_ipam_allocate(s, cfg, &want, 1, &ips, &err) == 0 &&
		      ip_is(&ips[0], "10.0.0.5"));
		free(ips);
	}
	tap_result(tap_check_ok(), NULL, "round robin and requested addresses");
	nd_error_clear(&err);

	/*
	 * The store file: format → parse → format is stable, and it holds the
	 * round-robin position only (the leases are the container records').
	 */
	tap_check_begin();
	if (s) {
		_cleanup_free_ char *t1 = cni_store_format(s), *t2 = NULL;
		struct cni_store *s2 = NULL;
		CHECK(t1 && cni_store_parse(t1, strlen(t1), &s2, &err) == 0);
		CHECK(s2 && s2->n == 0 && s2->n_last == 1);
		CHECK(t1 && !strstr(t1, "attachments") && !strstr(t1, "containerID") &&
		      strstr(t1, "\"version\": 2"));
		if (s2)
			t2 = cni_store_format(s2);
		CHECK(t1 && t2 && strcmp(t1, t2) == 0);
		cni_store_free(s2);
	}
	tap_result(tap_check_ok(), NULL, "store file round trip: the round-robin position, no leases");
	cni_store_free(s);
	cni_config_free(cfg);
	nd_error_clear(&err);
}

static void test_store_errors(void)
{
	static const struct { const char *name, *json, *msg; } cases[] = {
		{ "store: bad JSON", "{", "invalid IPAM state: invalid JSON" },
		{ "store: wrong version", "{'version':3}", "version: 3 is not 1 or 2" },
		{ "store: leases in a version 2 file", "{'version':2,'attachments':[]}",
		  "attachments: version 2 keeps the leases in the container records" },
		{ "store: no version", "{'attachments':[]}", "version: missing or invalid" },
		{ "store: attachment without ifname", "{'version':1,'attachments':[{'containerID':'a'}]}",
		  "attachments[0].ifname: missing or invalid" },
		{ "store: bad container id", "{'version':1,'attachments':[{'containerID':'/x','ifname':'eth0'}]}",
		  "containerID: missing or invalid" },
		{ "store: bad ip", "{'version':1,'attachments':[{'containerID':'a','ifname':'eth0','ips':['x']}]}",
		  "attachments[0].ips[0]: \"x\" is not an IP address" },
		{ "store: recorded twice", "{'version':1,'attachments':[{'containerID':'a','ifname':'eth0'},"
		  "{'containerID':'a','ifname':'eth0'}]}", "a/eth0 is recorded twice" },
		{ "store: last key", "{'version':1,'last':{'x':'10.0.0.1'}}", "last.x: key is not a subnet" },
		{ "store: bad namespace inode", "{'version':1,'attachments':[{'containerID':'a','ifname':'eth0',"
		  "'netnsIno':-1}]}", "attachments[0].netnsIno: -1 is out of range" },
		{ "store: namespace device not a number", "{'version':1,'attachments':[{'containerID':'a',"
		  "'ifname':'eth0','netnsDev':'4'}]}", "attachments[0].netnsDev" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *t = json_text(cases[i].json);
		struct cni_store *s = NULL;
		struct nd_error err = {0};
		int r = cni_store_parse(t, strlen(t), &s, &err);
		bool ok = r < 0 && !s && err.proto_code == CNI_ERR_STATE && strstr(err.msg, cases[i].msg);

		if (!ok)
			tap_diag("got %d: %s", r, err.msg ? err.msg : "(none)");
		tap_result(ok, NULL, cases[i].name);
		cni_store_free(s);
		nd_error_clear(&err);
	}
}

/* DEL and CHECK act on the namespace ADD recorded: by identity, by path in older records. */
static void test_store_netns(void)
{
	static const char rec[] =
		"{'version':1,'attachments':[{'containerID':'a','ifname':'eth0','netns':'/run/netns/x',"
		"'netnsDev':4,'netnsIno':4026532288,'state':'ready'},"
		"{'containerID':'old','ifname':'eth0','netns':'/run/netns/y','state':'ready'},"
		"{'containerID':'ck','ifname':'eth0','netns':'/run/netns/z',"
		"'netnsDev':4,'netnsIno':4026532290,'netnsCookie':7,'state':'ready'}]}";
	_cleanup_free_ char *t = json_text(rec);
	struct cni_store *s = NULL;
	struct nd_error err = {0};
	const struct cni_alloc *a, *old, *ck;
	struct netns_id same = { 4, 4026532288 }, other_ino = { 4, 4026532289 },
			other_dev = { 5, 4026532288 };
	/* the inode of a deleted namespace, reused by a new one: only the cookie differs */
	struct netns_id ck_same = { 4, 4026532290, 7 }, ck_reused = { 4, 4026532290, 8 },
			ck_unknown = { 4, 4026532290, 0 };

	tap_check_begin();
	CHECK(cni_store_parse(t, strlen(t), &s, &err) == 0);
	a = s ? cni_store_find(s, "a", "eth0") : NULL;
	old = s ? cni_store_find(s, "old", "eth0") : NULL;
	CHECK(a && a->ns_dev == 4 && a->ns_ino == 4026532288u);
	/* the identity decides, not the path */
	CHECK(a && cni_alloc_same_ns(a, "/run/netns/x", &same));
	CHECK(a && cni_alloc_same_ns(a, "/run/netns/elsewhere", &same));
	CHECK(a && !cni_alloc_same_ns(a, "/run/netns/x", &other_ino));
	CHECK(a && !cni_alloc_same_ns(a, "/run/netns/x", &other_dev));
	/* a record from before identities were kept: by path */
	CHECK(old && old->ns_ino == 0 && cni_alloc_same_ns(old, "/run/netns/y", &same));
	CHECK(old && !cni_alloc_same_ns(old, "/run/netns/x", &same));
	/* with a cookie recorded, an inode reused by another namespace is not the same */
	ck = s ? cni_store_find(s, "ck", "eth0") : NULL;
	CHECK(ck && ck->ns_cookie == 7 && cni_alloc_same_ns(ck, "/run/netns/z", &ck_same));
	CHECK(ck && !cni_alloc_same_ns(ck, "/run/netns/z", &ck_reused));
	CHECK(ck && cni_alloc_same_ns(ck, "/run/netns/z", &ck_unknown));
	tap_result(tap_check_ok(), NULL, "store: the namespace identity recorded at ADD decides");
	cni_store_free(s);
	nd_error_clear(&err);
}

/* The store in @single_quoted JSON, or NULL with the parser's message as a diagnostic. */
static struct cni_store *store_of(const char *single_quoted)
{
	_cleanup_free_ char *t = json_text(single_quoted);
	struct cni_store *s = NULL;
	struct nd_error err = {0};

	if (cni_store_parse(t, strlen(t), &s, &err) < 0)
		tap_diag("store: %s", err.msg ? err.msg : "?");
	nd_error_clear(&err);
	return s;
}

/*
 * An older netd kept the leases (with a copy of the request beside each) in
 * the file: they load, to be moved into the records; the file is written
 * back without them.
 */
static void test_store_old_format(void)
{
	_cleanup_(cni_store_freep) struct cni_store *s = store_of(
		"{'version':1,'network':'net1','last':{'10.88.0.0/24':'10.88.0.2'},"
		"'attachments':[{'containerID':'c1','ifname':'eth0','netns':'/run/netns/x',"
		"'netnsDev':4,'netnsIno':4026532288,'ips':['10.88.0.2'],'state':'ready',"
		"'request':{'container_id':'c1','container_name':'c1','networks':{'net1':"
		"{'interface_name':'eth0','static_ips':['10.88.0.2']}},'network_info':{}}}]}");
	const struct cni_alloc *a = s ? cni_store_find(s, "c1", "eth0") : NULL;
	_cleanup_free_ char *again = s ? cni_store_format(s) : NULL;

	tap_check_begin();
	CHECK(a && a->ready && a->n_ips == 1 && ip_is(&a->ips[0], "10.88.0.2") && a->ns_ino);
	CHECK(again && !strstr(again, "request") && !strstr(again, "containerID") &&
	      strstr(again, "10.88.0.2"));
	tap_result(tap_check_ok(), NULL, "store: an older netd's file with leases and requests loads; written back with neither");
}

/* ---- the netavark request ----------------------------------------------- */

static void test_request(void)
{
	static const char *conf =
		"{'cniVersion':'1.0.0','name':'net1','type':'netd','bridge':'cni5',"
		"'subnets':[{'subnet':'10.5.0.0/24','rangeStart':'10.5.0.100'},{'subnet':'fd05::/64'}],"
		"'routes':[{'dst':'192.168.0.0/16'}],'mtu':1450,'isolate':'strict','internal':false,'dnsEnabled':true,"
		"'runtimeConfig':{'portMappings':[{'hostPort':8080,'containerPort':80},{'hostPort':53,'containerPort':53,'protocol':'udp','hostIP':'::'}],"
		"'aliases':{'net1':['web']},'mac':'02:00:00:00:00:07','dns':{'servers':['9.9.9.9']}}}";
	struct cni_env env = ENV_ADD("c1", "/run/netns/x", "eth0", "K8S_POD_NAME=webpod;IgnoreUnknown=1;K8S_POD_UID=x");
	struct cni_config *cfg = NULL;
	struct cni_params p = {0};
	struct nd_error err = {0};
	struct cni_store *s = cni_store_new("net1");
	struct nd_request *req = NULL;
	struct nd_error ne = {0};
	struct nd_ip *ips = NULL;
	_cleanup_free_ char *text = NULL;

	tap_check_begin();
	CHECK(parse(conf, CNI_CMD_ADD, &cfg, &err) == 0);
	CHECK(cni_params_parse(&env, &p, &err) == 0);
	CHECK(cfg && s && cni_ipam_allocate(s, cfg, NULL, 0, &ips, &err) == 0);
	if (cfg && ips) {
		text = cni_request_build(cfg, &p, ips, cfg->n_subnets);
		CHECK(text && request_parse(text, strlen(text), &req, &ne) == 0);
		if (ne.msg)
			tap_diag("%s\n# %s", ne.msg, text);
	}
	if (req) {
		const struct nd_network *net = req->attach[0].net;
		CHECK(strcmp(req->container_id, "c1") == 0 && strcmp(req->container_name, "webpod") == 0);
		CHECK(req->n_attach == 1 && strcmp(req->attach[0].interface_name, "eth0") == 0);
		CHECK(req->attach[0].n_addrs == 2);
		CHECK(prefix_is(&req->attach[0].addrs[0].addr, "10.5.0.100/24"));
		CHECK(prefix_is(&req->attach[0].addrs[1].addr, "fd05::2/64"));
		CHECK(req->attach[0].has_mac && req->attach[0].mac[5] == 7);
		CHECK(req->attach[0].n_aliases == 1);
		CHECK(strcmp(net->network_interface, "cni5") == 0 && net->driver == ND_DRIVER_BRIDGE);
		CHECK(net->has_mtu && net->mtu == 1450 && net->isolate == ND_ISOLATE_STRICT);
		CHECK(net->dns_enabled && net->ipv6_enabled && !net->internal);
		CHECK(net->n_routes == 1 && net->routes[0].has_gateway);
		CHECK(net->subnets[0].has_lease_range);
		CHECK(req->n_ports == 2 && req->ports[1].proto == ND_PROTO_UDP &&
		      req->ports[1].host_ip_kind == ND_HOSTIP_ALL_V6);
		CHECK(req->n_dns_servers == 1);
		CHECK(strlen(net->id) == 64);
	}
	tap_result(tap_check_ok(), NULL, "netavark request from a CNI config, accepted by request_parse()");
	nd_request_free(req);
	nd_error_clear(&ne);
	free(ips);
	cni_store_free(s);
	cni_config_free(cfg);
	cni_params_done(&p);
	nd_error_clear(&err);
}

/* ---- the request of a lease -------------------------------------------- */

#define REC_INFO(name, br, subnet) \
	"'" name "':{'name':'" name "','id':'" name "-id','driver':'bridge','network_interface':'" br \
	"','ipv6_enabled':false,'internal':false,'dns_enabled':false,'subnets':[{'subnet':'" subnet "'}]}"
/* A container record on net1 (interface @ifn) and "other"; the ports on network @pn. */
#define RECORD(cid, ifn, pn) \
	"{'version':2,'container_id':'" cid "','container_name':'from-record','ports_network':'" pn "'," \
	"'request':{'container_id':'" cid "','container_name':'from-record','networks':{" \
	"'net1':{'interface_name':'" ifn "','static_ips':['10.88.0.7']}," \
	"'other':{'interface_name':'eth9','static_ips':['10.99.0.2']}},'network_info':{" \
	REC_INFO("net1", "rec0", "10.88.0.0/24") "," REC_INFO("other", "rec9", "10.99.0.0/24") "}," \
	"'port_mappings':[{'host_ip':'','container_port':80,'host_port':8080,'range':1,'protocol':'tcp'}]}}"

static void write_record(const char *dir, const char *cid, const char *single_quoted)
{
	_cleanup_free_ char *path = NULL, *t = json_text(single_quoted);
	FILE *f;

	if (asprintf(&path, "%s/netd/containers/%s.json", dir, cid) < 0 || !(f = fopen(path, "w")))
		abort();
	fputs(t, f);
	fclose(f);
}

/* cni_lease_request() of (@cid, eth0) on net1: the request, or NULL. */
static struct nd_request *lease_request(const struct cni_config *cfg, const char *cid, bool gc)
{
	struct nd_ip ip = {0};
	struct cni_alloc a = { .container_id = (char *)cid, .ifname = (char *)"eth0", .ips = &ip,
			       .n_ips = 1 };
	struct cni_params p = { .cmd = CNI_CMD_DEL, .container_id = (char *)cid,
				.ifname = (char *)"eth0", .netns = (char *)"",
				.pod_name = (char *)"pod" };
	struct nd_request *req = NULL;
	struct nd_error err = {0};

	if (nd_ip_parse("10.88.0.7", &ip) < 0 || cni_lease_request(cfg, gc ? NULL : &p, &a, &req, &err) < 0)
		tap_diag("%s: %s", cid, err.msg ? err.msg : "failed");
	nd_error_clear(&err);
	return req;
}

static void test_lease_request(void)
{
	char dir[] = "/tmp/test-cni-XXXXXX", sub[64], conf[512];
	static const char *const ids[] = { "c1", "c3", "c4" };
	struct cni_config *cfg = NULL;
	struct nd_error err = {0};
	struct nd_request *r1 = NULL, *r2 = NULL, *r3 = NULL, *r4 = NULL, *gc = NULL;

	tap_check_begin();
	if (!mkdtemp(dir))
		abort();
	snprintf(sub, sizeof(sub), "%s/netd", dir);
	CHECK(mkdir(sub, 0700) == 0);
	snprintf(sub, sizeof(sub), "%s/netd/containers", dir);
	CHECK(mkdir(sub, 0700) == 0);
	write_record(dir, "c1", RECORD("c1", "eth0", "net1"));
	write_record(dir, "c3", RECORD("c3", "eth1", "net1"));	/* net1 on another interface */
	write_record(dir, "c4", RECORD("c4", "eth0", "other"));	/* the ports on the other network */
	snprintf(conf, sizeof(conf), CONF(",'bridge':'cfg0','runtimeDir':'%s','runtimeConfig':"
					  "{'portMappings':[{'hostPort':9090,'containerPort':90}]}"), dir);
	CHECK(parse(conf, CNI_CMD_DEL, &cfg, &err) == 0);
	if (cfg) {
		r1 = lease_request(cfg, "c1", false);
		r2 = lease_request(cfg, "c2", false);
		r3 = lease_request(cfg, "c3", false);
		r4 = lease_request(cfg, "c4", false);
		gc = lease_request(cfg, "c2", true);
	}
	/* from the record: its network net1 alone, with the ports it carries */
	CHECK(r1 && strcmp(r1->container_name, "from-record") == 0 && r1->n_networks == 1 &&
	      r1->n_attach == 1 && strcmp(r1->attach[0].net->network_interface, "rec0") == 0 &&
	      strcmp(r1->attach[0].interface_name, "eth0") == 0 && r1->n_ports == 1 &&
	      r1->ports[0].host_port == 8080);
	/* no record: rebuilt from the config and the lease */
	CHECK(r2 && strcmp(r2->container_name, "pod") == 0 && r2->n_attach == 1 &&
	      strcmp(r2->attach[0].net->network_interface, "cfg0") == 0 &&
	      r2->attach[0].n_addrs == 1 && prefix_is(&r2->attach[0].addrs[0].addr, "10.88.0.7/24") &&
	      r2->n_ports == 1 && r2->ports[0].host_port == 9090);
	/* the record has net1 on another interface than the lease: not this lease's */
	CHECK(r3 && strcmp(r3->container_name, "pod") == 0 &&
	      strcmp(r3->attach[0].net->network_interface, "cfg0") == 0);
	/* the record's ports belong to the other network */
	CHECK(r4 && strcmp(r4->container_name, "from-record") == 0 && r4->n_ports == 0);
	/* GC: no parameters, the lease names the container and the interface */
	CHECK(gc && strcmp(gc->container_name, "c2") == 0 &&
	      strcmp(gc->attach[0].interface_name, "eth0") == 0);
	tap_result(tap_check_ok(), NULL, "the request of a lease: the container record's network, else rebuilt from config and lease");
	for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
		snprintf(conf, sizeof(conf), "%s/%s.json", sub, ids[i]);
		(void)unlink(conf);
	}
	(void)rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/netd", dir);
	(void)rmdir(sub);
	(void)rmdir(dir);
	nd_request_free(r1);
	nd_request_free(r2);
	nd_request_free(r3);
	nd_request_free(r4);
	nd_request_free(gc);
	cni_config_free(cfg);
	nd_error_clear(&err);
}

static void test_names(void)
{
	char br[IFNAMSIZ], id[65], id2[65];

	tap_check_begin();
	cni_default_bridge("podman", br);
	CHECK(strcmp(br, "netd-podman") == 0);
	cni_default_bridge("0123456789", br);
	CHECK(strcmp(br, "netd-0123456789") == 0);
	cni_default_bridge("01234567890", br);
	CHECK(strncmp(br, "netd-", 5) == 0 && strlen(br) == 15 && strcmp(br, "netd-0123456789") != 0);
	cni_network_id("a", id);
	cni_network_id("b", id2);
	CHECK(strlen(id) == 64 && strcmp(id, id2) != 0);
	CHECK(cni_container_id_valid("abc_1.2-3") && !cni_container_id_valid("") &&
	      !cni_container_id_valid("_abc") && !cni_container_id_valid("a b"));
	tap_result(tap_check_ok(), NULL, "default bridge name, network id, container ids");
}

int main(void)
{
	test_versions();
	test_env();
	test_env_values();
	test_config_errors();
	test_config_defaults();
	test_config_values();
	test_peek();
	test_result_versions();
	test_result_append();
	test_from_setup();
	test_ipam();
	test_store_errors();
	test_store_netns();
	test_store_old_format();
	test_request();
	test_lease_request();
	test_names();
	return tap_finish();
}
