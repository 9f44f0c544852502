// SPDX-License-Identifier: Apache-2.0
/*
 * request_parse(): malformed and edge-case requests, each with the exact
 * error message, then valid requests of every shape with their model values.
 *
 * The JSON in the tables is written with single quotes to keep it readable;
 * json_text() turns every ' into " before parsing (cases flagged RAW are
 * passed through untouched).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "request-json.h"
#include "shared/cleanup.h"
#include "shared/names.h"
#include "tap.h"
#include "unit-model.h"

/* ---- building blocks of the requests ---------------------------------- */

#define NET_ID "'id':'2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9'"
#define NET2_ID "'id':'7bd0b4f2ff3a0e5e0d7f1e86d9d8b7ad8d0e3b6f3ff34df5e2d8ee1a54b1e9c0'"
#define NET_HEAD "'name':'podman'," NET_ID ",'driver':'bridge','network_interface':'podman0'"
#define NET_FLAGS "'ipv6_enabled':false,'internal':false,'dns_enabled':true"
#define SUBNET4 "{'subnet':'10.88.0.0/16','gateway':'10.88.0.1'}"
#define SUBNET6 "{'subnet':'fd00:88::/64','gateway':'fd00:88::1'}"
/* The network "podman": a bridge with one IPv4 subnet. */
#define NET_BODY NET_HEAD "," NET_FLAGS ",'subnets':[" SUBNET4 "]"
/* A second bridge network, "net2". */
#define NET2_BODY "'name':'net2'," NET2_ID ",'driver':'bridge','network_interface':'podman1'," \
	NET_FLAGS ",'subnets':[{'subnet':'10.89.0.0/24','gateway':'10.89.0.1'}]"
/* The container's attachment to "podman". */
#define ATT_BODY "'interface_name':'eth0','static_ips':['10.88.0.2']"
#define TOP "'container_id':'c0ffee','container_name':'web'"

/* The base request with the network body, the attachment body and extra top-level members. */
#define REQ_WITH(net_body, att_body, extra) \
	"{" TOP ",'networks':{'podman':{" att_body "}},'network_info':{'podman':{" net_body "}}" extra "}"
#define REQ(extra)		REQ_WITH(NET_BODY, ATT_BODY, extra)
#define REQ_NET(body)		REQ_WITH(body, ATT_BODY, "")
#define REQ_ATT(body)		REQ_WITH(NET_BODY, body, "")
#define REQ_NET_PLUS(members)	REQ_NET(NET_BODY "," members)
#define REQ_SUBNETS(list)	REQ_NET(NET_HEAD "," NET_FLAGS ",'subnets':[" list "]")
#define REQ_OPTS(opts)		REQ_NET_PLUS("'options':{" opts "}")
#define REQ_ROUTES(routes)	REQ_NET_PLUS("'routes':[" routes "]")
#define REQ_PORT(port)		REQ(",'port_mappings':[{" port "}]")
/* Both networks attached, with the two attachment bodies. */
#define REQ2(att1, att2) \
	"{" TOP ",'networks':{'podman':{" att1 "},'net2':{" att2 "}}," \
	"'network_info':{'podman':{" NET_BODY "},'net2':{" NET2_BODY "}}}"
/* Top-level members other than networks/network_info. */
#define NETS_AND_INFO ",'networks':{'podman':{" ATT_BODY "}},'network_info':{'podman':{" NET_BODY "}}"

#define NETPATH "network_info.podman"
/* Why a name that is not a file name is refused. */
#define RULE "it must match [a-zA-Z0-9][a-zA-Z0-9_.-]*"

enum {
	RAW = 1 << 0,		/* no quote translation */
	PREFIX = 1 << 1,	/* msg is a prefix of the expected message */
};

struct bad_case {
	const char *name;
	const char *json;
	const char *msg;
	unsigned flags;
	const char *todo;	/* known parser problem, see the report */
};

static const struct bad_case bad_cases[] = {
	/* invalid JSON */
	{ "empty input", "", "invalid JSON: empty input" },
	{ "only white space", "  \n\t", "invalid JSON: unexpected end of input" },
	{ "truncated object", "{'container_id':'c0ffee'", "invalid JSON: unexpected end of input" },
	{ "truncated string", "{'container_id':'c0ff", "invalid JSON: unexpected end of input" },
	{ "missing colon", "{'container_id' 'x'}",
	  "invalid JSON at byte 16: object property name separator ':' expected" },
	{ "bad literal", "{'container_id' : tru}", "invalid JSON at byte 21: boolean expected" },
	{ "bad escape", "{'container_id':'\\x'}", "invalid JSON at byte 18: invalid string sequence" },
	{ "bad unicode escape", "{'container_id':'\\u00'}",
	  "invalid JSON at byte 21: invalid string sequence" },
	{ "lone minus", "{'container_id':-}", "invalid JSON at byte 17: number expected" },
	{ "stray byte", "\xff", "invalid JSON at byte 0: invalid utf-8 string" },
	{ "nesting too deep",
	  "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]"
	  "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	  "invalid JSON at byte 64: nesting too deep" },
	{ "trailing data", "{} []", "invalid JSON: trailing data at byte 3" },
	{ "two objects", "{}{}", "invalid JSON: trailing data at byte 2" },

	/* wrong top-level type */
	{ "top-level array", "[]", "request: expected an object, got array" },
	{ "top-level string", "'c0ffee'", "request: expected an object, got string" },
	{ "top-level number", "42 ", "request: expected an object, got number" },
	{ "top-level number at end of input", "42", "request: expected an object, got number",
	  0, "a top-level scalar at the very end of the buffer reads as truncated" },
	{ "top-level null", "null", "request: expected an object, got null",
	  0, "a top-level scalar at the very end of the buffer reads as truncated" },
	{ "top-level null and a space", "null ", "request: expected an object, got null",
	  0, "reported as \"invalid JSON at byte 5: success\"" },
	{ "top-level boolean", "true", "request: expected an object, got boolean",
	  0, "a top-level scalar at the very end of the buffer reads as truncated" },

	/* not RFC 8259 JSON */
	{ "single-quoted string", "{'container_id':'c0ffee'}", "invalid JSON at byte 16: unexpected character", RAW },
	{ "comment", "/* hi */" REQ(""), "invalid JSON at byte 0: unexpected character" },
	{ "trailing comma in an object", "{'container_id':'c0ffee',}", "invalid JSON at byte 25: unexpected character" },
	{ "trailing comma in an array", REQ_ATT("'interface_name':'eth0','static_ips':['10.88.0.2',]"),
	  "invalid JSON at byte 120: unexpected character" },
	{ "leading zero", "{'container_id':080}", "invalid JSON at byte 19: number expected" },
	/* what json-c's strict mode still lets through */
	{ "single-quoted key", "{'container_id':42}", "invalid JSON at byte 1", RAW | PREFIX,
	  "json-c accepts single-quoted keys even in strict mode" },
	{ "NaN", "{'container_id':NaN}", "invalid JSON at byte 16", PREFIX,
	  "json-c accepts NaN even in strict mode" },
	{ "number ending in a dot", "{'container_id':1.}", "invalid JSON at byte 18", PREFIX,
	  "json-c accepts 1. even in strict mode" },
	{ "invalid UTF-8", "{'container_id':'c0ffee','container_name':'w\xff\xfe'" NETS_AND_INFO "}",
	  "invalid JSON at byte", PREFIX, "UTF-8 is not validated (JSON_TOKENER_VALIDATE_UTF8)" },

	/* wrong field types */
	{ "container_id number", "{'container_id':42,'container_name':'web'" NETS_AND_INFO "}",
	  "container_id: expected a string, got number" },
	{ "container_name boolean", "{'container_id':'c0ffee','container_name':true" NETS_AND_INFO "}",
	  "container_name: expected a string, got boolean" },
	{ "container_hostname array", REQ(",'container_hostname':['h']"),
	  "container_hostname: expected a string, got array" },
	{ "networks a string",
	  "{" TOP ",'networks':'podman','network_info':{'podman':{" NET_BODY "}}}",
	  "networks: expected an object (name → options) or an array, got string" },
	{ "networks a number",
	  "{" TOP ",'networks':1,'network_info':{'podman':{" NET_BODY "}}}",
	  "networks: expected an object (name → options) or an array, got number" },
	{ "network_info an array", "{" TOP ",'networks':{'podman':{" ATT_BODY "}},'network_info':[]}",
	  "network_info: expected an object, got array" },
	{ "network_info entry null", "{" TOP ",'networks':{'podman':{" ATT_BODY "}},'network_info':{'podman':null}}",
	  "network_info.podman: expected an object, got null" },
	{ "networks entry a string", "{" TOP ",'networks':{'podman':'eth0'},'network_info':{'podman':{" NET_BODY "}}}",
	  "networks.podman: expected an object, got string" },
	{ "networks array entry a string",
	  "{" TOP ",'networks':['podman'],'network_info':{'podman':{" NET_BODY "}}}",
	  "networks[0]: expected an object, got string" },
	{ "static_ips not an array", REQ_ATT("'interface_name':'eth0','static_ips':'10.88.0.2'"),
	  "networks.podman.static_ips: expected an array, got string" },
	{ "static_ips entry a number", REQ_ATT("'interface_name':'eth0','static_ips':[10]"),
	  "networks.podman.static_ips[0]: expected a string, got number" },
	{ "static_ips entry not an IP", REQ_ATT("'interface_name':'eth0','static_ips':['10.88.0.300']"),
	  "networks.podman.static_ips[0]: \"10.88.0.300\" is not an IP address" },
	{ "interface_name a number", REQ_ATT("'interface_name':0,'static_ips':['10.88.0.2']"),
	  "networks.podman.interface_name: expected a string, got number" },
	{ "static_mac a number", REQ_ATT(ATT_BODY ",'static_mac':42"),
	  "networks.podman.static_mac: expected a string, got number" },
	{ "aliases entry a number", REQ_ATT(ATT_BODY ",'aliases':['web',7]"),
	  "networks.podman.aliases[1]: expected a string, got number" },
	{ "attachment options an array", REQ_ATT(ATT_BODY ",'options':[]"),
	  "networks.podman.options: expected an object, got array" },
	{ "dns_enabled a string", REQ_NET(NET_HEAD ",'ipv6_enabled':false,'internal':false,'dns_enabled':'true'"),
	  NETPATH ".dns_enabled: expected a boolean, got string" },
	{ "internal a number", REQ_NET(NET_HEAD ",'ipv6_enabled':false,'internal':0,'dns_enabled':true"),
	  NETPATH ".internal: expected a boolean, got number" },
	{ "name a number", REQ_NET("'name':1," NET_ID ",'driver':'bridge'," NET_FLAGS),
	  NETPATH ".name: expected a string, got number" },
	{ "subnets an object", REQ_NET(NET_HEAD "," NET_FLAGS ",'subnets':{}"),
	  NETPATH ".subnets: expected an array, got object" },
	{ "subnets entry a string", REQ_SUBNETS("'10.88.0.0/16'"),
	  NETPATH ".subnets[0]: expected an object, got string" },
	{ "network options an array", REQ_NET_PLUS("'options':['mtu']"),
	  NETPATH ".options: expected an object, got array" },
	{ "option value a number", REQ_OPTS("'mtu':1500"),
	  NETPATH ".options.mtu: expected a string, got number" },
	{ "ipam_options a string", REQ_NET_PLUS("'ipam_options':'none'"),
	  NETPATH ".ipam_options: expected an object, got string" },
	{ "network_dns_servers entry not an IP", REQ_NET_PLUS("'network_dns_servers':['dns.example']"),
	  NETPATH ".network_dns_servers[0]: \"dns.example\" is not an IP address" },
	{ "dns_servers not an array", REQ(",'dns_servers':'1.1.1.1'"),
	  "dns_servers: expected an array, got string" },
	{ "dns_servers entry not an IP", REQ(",'dns_servers':['1.1.1.1','x']"),
	  "dns_servers[1]: \"x\" is not an IP address" },
	{ "port_mappings an object", REQ(",'port_mappings':{}"),
	  "port_mappings: expected an array, got object" },
	{ "port mapping a number", REQ(",'port_mappings':[42]"),
	  "port_mappings[0]: expected an object, got number" },
	{ "container_port fractional", REQ_PORT("'host_ip':'','container_port':80.5,'host_port':8080,'range':1,'protocol':'tcp'"),
	  "port_mappings[0].container_port: expected an integer, got a fractional number" },
	{ "protocol a number", REQ_PORT("'host_ip':'','container_port':80,'host_port':8080,'range':1,'protocol':6"),
	  "port_mappings[0].protocol: expected a string, got number" },
	{ "container_id with a NUL", "{'container_id':'c0\\u0000ffee','container_name':'web'" NETS_AND_INFO "}",
	  "container_id: contains a NUL character" },
	{ "option value with a NUL", REQ_OPTS("'mtu':'1500\\u0000'"),
	  NETPATH ".options.mtu: contains a NUL character" },

	/* missing required fields */
	{ "missing container_id", "{'container_name':'web'" NETS_AND_INFO "}",
	  "container_id: required field is missing" },
	{ "null container_id", "{'container_id':null,'container_name':'web'" NETS_AND_INFO "}",
	  "container_id: required field is missing" },
	{ "missing container_name", "{'container_id':'c0ffee'" NETS_AND_INFO "}",
	  "container_name: required field is missing" },
	{ "missing networks", "{" TOP ",'network_info':{'podman':{" NET_BODY "}}}",
	  "networks: required field is missing" },
	{ "null networks", "{" TOP ",'networks':null,'network_info':{'podman':{" NET_BODY "}}}",
	  "networks: required field is missing" },
	{ "missing network_info", "{" TOP ",'networks':{'podman':{" ATT_BODY "}}}",
	  "network_info: required field is missing" },
	{ "missing interface_name", REQ_ATT("'static_ips':['10.88.0.2']"),
	  "networks.podman.interface_name: required field is missing" },
	{ "missing network name",
	  REQ_NET(NET_ID ",'driver':'bridge','network_interface':'podman0'," NET_FLAGS),
	  NETPATH ".name: required field is missing" },
	{ "missing network id",
	  REQ_NET("'name':'podman','driver':'bridge','network_interface':'podman0'," NET_FLAGS),
	  NETPATH ".id: required field is missing" },
	{ "missing network driver",
	  REQ_NET("'name':'podman'," NET_ID ",'network_interface':'podman0'," NET_FLAGS),
	  NETPATH ".driver: required field is missing" },
	{ "missing dns_enabled", REQ_NET(NET_HEAD ",'ipv6_enabled':false,'internal':false"),
	  NETPATH ".dns_enabled: required field is missing" },
	{ "missing internal", REQ_NET(NET_HEAD ",'ipv6_enabled':false,'dns_enabled':true"),
	  NETPATH ".internal: required field is missing" },
	{ "missing ipv6_enabled", REQ_NET(NET_HEAD ",'internal':false,'dns_enabled':true"),
	  NETPATH ".ipv6_enabled: required field is missing" },
	{ "null ipv6_enabled", REQ_NET(NET_HEAD ",'ipv6_enabled':null,'internal':false,'dns_enabled':true"),
	  NETPATH ".ipv6_enabled: required field is missing" },
	{ "missing subnet.subnet", REQ_SUBNETS("{'gateway':'10.88.0.1'}"),
	  NETPATH ".subnets[0].subnet: required field is missing" },
	{ "missing route destination", REQ_ROUTES("{'gateway':'10.88.0.1'}"),
	  NETPATH ".routes[0].destination: required field is missing" },
	{ "bridge without network_interface",
	  REQ_NET("'name':'podman'," NET_ID ",'driver':'bridge'," NET_FLAGS),
	  NETPATH ".network_interface: no bridge interface name given" },
	{ "bridge with empty network_interface",
	  REQ_NET("'name':'podman'," NET_ID ",'driver':'bridge','network_interface':''," NET_FLAGS),
	  NETPATH ".network_interface: no bridge interface name given" },
	{ "missing port host_ip", REQ_PORT("'container_port':80,'host_port':8080,'range':1,'protocol':'tcp'"),
	  "port_mappings[0].host_ip: required field is missing" },
	{ "missing port container_port", REQ_PORT("'host_ip':'','host_port':8080,'range':1,'protocol':'tcp'"),
	  "port_mappings[0].container_port: required field is missing" },
	{ "missing port host_port", REQ_PORT("'host_ip':'','container_port':80,'range':1,'protocol':'tcp'"),
	  "port_mappings[0].host_port: required field is missing" },
	{ "missing port range", REQ_PORT("'host_ip':'','container_port':80,'host_port':8080,'protocol':'tcp'"),
	  "port_mappings[0].range: required field is missing" },
	{ "missing port protocol", REQ_PORT("'host_ip':'','container_port':80,'host_port':8080,'range':1"),
	  "port_mappings[0].protocol: required field is missing" },
	{ "array form without name",
	  "{" TOP ",'networks':[{" ATT_BODY "}],'network_info':{'podman':{" NET_BODY "}}}",
	  "networks[0].name: required field is missing" },

	/* bad CIDRs */
	{ "subnet prefix 33", REQ_SUBNETS("{'subnet':'10.88.0.0/33'}"),
	  NETPATH ".subnets[0].subnet: \"10.88.0.0/33\" is not a valid CIDR: prefix length exceeds 32" },
	{ "subnet prefix 129", REQ_SUBNETS("{'subnet':'fd00::/129'}"),
	  NETPATH ".subnets[0].subnet: \"fd00::/129\" is not a valid CIDR: prefix length exceeds 128" },
	{ "subnet without slash", REQ_SUBNETS("{'subnet':'10.88.0.0'}"),
	  NETPATH ".subnets[0].subnet: \"10.88.0.0\" is not a valid CIDR: missing '/prefix-length'" },
	{ "subnet with host bits", REQ_SUBNETS("{'subnet':'10.88.0.1/16','gateway':'10.88.0.1'}"),
	  NETPATH ".subnets[0].subnet: \"10.88.0.1/16\" has host bits set (the network is 10.88.0.0/16)" },
	{ "IPv6 subnet with host bits", REQ_SUBNETS("{'subnet':'fd00:88::1/64'}"),
	  NETPATH ".subnets[0].subnet: \"fd00:88::1/64\" has host bits set (the network is fd00:88::/64)" },
	{ "subnet garbage", REQ_SUBNETS("{'subnet':'banana/16'}"),
	  NETPATH ".subnets[0].subnet: \"banana/16\" is not a valid CIDR: invalid address part" },
	{ "subnet prefix not a number", REQ_SUBNETS("{'subnet':'10.88.0.0/1x'}"),
	  NETPATH ".subnets[0].subnet: \"10.88.0.0/1x\" is not a valid CIDR: prefix length is not a number" },
	{ "subnet empty prefix", REQ_SUBNETS("{'subnet':'10.88.0.0/'}"),
	  NETPATH ".subnets[0].subnet: \"10.88.0.0/\" is not a valid CIDR: prefix length is not a number" },
	{ "subnet a number", REQ_SUBNETS("{'subnet':10}"),
	  NETPATH ".subnets[0].subnet: expected a string, got number" },
	{ "subnet /31 too small", REQ_SUBNETS("{'subnet':'10.88.0.0/31'}"),
	  NETPATH ".subnets[0].subnet: \"10.88.0.0/31\" is too small to hold a gateway and a container" },
	{ "subnet /127 too small", REQ_SUBNETS("{'subnet':'fd00::/127'}"),
	  NETPATH ".subnets[0].subnet: \"fd00::/127\" is too small to hold a gateway and a container" },
	{ "route destination garbage", REQ_ROUTES("{'destination':'default','gateway':'10.88.0.1'}"),
	  NETPATH ".routes[0].destination: \"default\" is not a valid CIDR: missing '/prefix-length'" },

	/* gateways */
	{ "gateway outside the subnet", REQ_SUBNETS("{'subnet':'10.88.0.0/16','gateway':'10.89.0.1'}"),
	  NETPATH ".subnets[0].gateway: 10.89.0.1 is not inside subnet 10.88.0.0/16" },
	{ "gateway of the other family", REQ_SUBNETS("{'subnet':'10.88.0.0/16','gateway':'fd00::1'}"),
	  NETPATH ".subnets[0].gateway: fd00::1 is not inside subnet 10.88.0.0/16" },
	{ "gateway is the network address", REQ_SUBNETS("{'subnet':'10.88.0.0/16','gateway':'10.88.0.0'}"),
	  NETPATH ".subnets[0].gateway: 10.88.0.0 is the network or broadcast address of 10.88.0.0/16" },
	{ "gateway is the broadcast address", REQ_SUBNETS("{'subnet':'10.88.0.0/16','gateway':'10.88.255.255'}"),
	  NETPATH ".subnets[0].gateway: 10.88.255.255 is the network or broadcast address of 10.88.0.0/16" },
	{ "gateway not an IP", REQ_SUBNETS("{'subnet':'10.88.0.0/16','gateway':'10.88.0.1/16'}"),
	  NETPATH ".subnets[0].gateway: \"10.88.0.1/16\" is not an IP address" },
	{ "lease range start outside", REQ_SUBNETS("{'subnet':'10.88.0.0/16','lease_range':{'start_ip':'10.99.0.1'}}"),
	  NETPATH ".subnets[0].lease_range.start_ip: 10.99.0.1 is not inside subnet 10.88.0.0/16" },
	{ "lease range end outside", REQ_SUBNETS("{'subnet':'10.88.0.0/16','lease_range':{'start_ip':'10.88.0.10','end_ip':'10.87.0.1'}}"),
	  NETPATH ".subnets[0].lease_range.end_ip: 10.87.0.1 is not inside subnet 10.88.0.0/16" },

	/* IPAM */
	{ "static IP outside every subnet", REQ_ATT("'interface_name':'eth0','static_ips':['10.89.0.2']"),
	  "networks.podman.static_ips[0]: 10.89.0.2 is not in any subnet of network \"podman\"" },
	{ "IPv6 static IP on an IPv4-only network", REQ_ATT("'interface_name':'eth0','static_ips':['10.88.0.2','fd00:88::2']"),
	  "networks.podman.static_ips[1]: fd00:88::2 is not in any subnet of network \"podman\"" },
	{ "static IP is the gateway", REQ_ATT("'interface_name':'eth0','static_ips':['10.88.0.1']"),
	  "networks.podman.static_ips[0]: 10.88.0.1 is the gateway of subnet 10.88.0.0/16" },
	{ "static IP is the IPv6 gateway",
	  REQ_WITH(NET_HEAD "," NET_FLAGS ",'subnets':[" SUBNET4 "," SUBNET6 "]",
		   "'interface_name':'eth0','static_ips':['10.88.0.2','fd00:88::1']", ""),
	  "networks.podman.static_ips[1]: fd00:88::1 is the gateway of subnet fd00:88::/64" },
	{ "static IP is the network address", REQ_ATT("'interface_name':'eth0','static_ips':['10.88.0.0']"),
	  "networks.podman.static_ips[0]: 10.88.0.0 is the network or broadcast address of 10.88.0.0/16" },
	{ "static IP is the broadcast address", REQ_ATT("'interface_name':'eth0','static_ips':['10.88.255.255']"),
	  "networks.podman.static_ips[0]: 10.88.255.255 is the network or broadcast address of 10.88.0.0/16" },
	{ "duplicate static IP", REQ_ATT("'interface_name':'eth0','static_ips':['10.88.0.2','10.88.0.2']"),
	  "networks.podman.static_ips[1]: 10.88.0.2 is given twice" },
	{ "no static IPs for host-local", REQ_ATT("'interface_name':'eth0'"),
	  "networks.podman.static_ips: no static IPs given, but host-local IPAM on network \"podman\" needs one per subnet in use" },
	{ "empty static IPs for host-local", REQ_ATT("'interface_name':'eth0','static_ips':[]"),
	  "networks.podman.static_ips: no static IPs given, but host-local IPAM on network \"podman\" needs one per subnet in use" },
	{ "static IP on a network without subnets", REQ_NET(NET_HEAD "," NET_FLAGS),
	  "networks.podman.static_ips[0]: 10.88.0.2 cannot be used: network \"podman\" has no subnets" },

	/* overlapping and duplicate subnets */
	{ "duplicate subnets", REQ_SUBNETS(SUBNET4 ",{'subnet':'10.88.0.0/16'}"),
	  NETPATH ".subnets[1].subnet: duplicate subnet 10.88.0.0/16" },
	{ "overlapping subnets", REQ_SUBNETS(SUBNET4 ",{'subnet':'10.88.5.0/24'}"),
	  NETPATH ".subnets[1].subnet: subnet 10.88.5.0/24 overlaps subnet 10.88.0.0/16" },
	{ "overlapping subnets, wider second", REQ_SUBNETS("{'subnet':'10.88.5.0/24'},{'subnet':'10.0.0.0/8'}"),
	  NETPATH ".subnets[1].subnet: subnet 10.0.0.0/8 overlaps subnet 10.88.5.0/24" },
	{ "duplicate IPv6 subnets", REQ_SUBNETS(SUBNET4 "," SUBNET6 ",{'subnet':'fd00:88::/64'}"),
	  NETPATH ".subnets[2].subnet: duplicate subnet fd00:88::/64" },

	/* MAC addresses */
	{ "MAC too short", REQ_ATT(ATT_BODY ",'static_mac':'02:42:ac:11:00'"),
	  "networks.podman.static_mac: \"02:42:ac:11:00\" is not a MAC address (expected six hex pairs like 02:42:ac:11:00:02)" },
	{ "MAC too long", REQ_ATT(ATT_BODY ",'static_mac':'02:42:ac:11:00:02:03'"),
	  "networks.podman.static_mac: \"02:42:ac:11:00:02:03\" is not a MAC address (expected six hex pairs like 02:42:ac:11:00:02)" },
	{ "MAC bad hex", REQ_ATT(ATT_BODY ",'static_mac':'02:42:ac:11:0g:02'"),
	  "networks.podman.static_mac: \"02:42:ac:11:0g:02\" is not a MAC address (expected six hex pairs like 02:42:ac:11:00:02)" },
	{ "MAC mixed separators", REQ_ATT(ATT_BODY ",'static_mac':'02:42-ac:11:00:02'"),
	  "networks.podman.static_mac: \"02:42-ac:11:00:02\" is not a MAC address (expected six hex pairs like 02:42:ac:11:00:02)" },
	{ "MAC empty", REQ_ATT(ATT_BODY ",'static_mac':''"),
	  "networks.podman.static_mac: \"\" is not a MAC address (expected six hex pairs like 02:42:ac:11:00:02)" },
	{ "MAC multicast", REQ_ATT(ATT_BODY ",'static_mac':'01:00:5e:00:00:01'"),
	  "networks.podman.static_mac: \"01:00:5e:00:00:01\" is a multicast address" },
	{ "MAC broadcast", REQ_ATT(ATT_BODY ",'static_mac':'ff:ff:ff:ff:ff:ff'"),
	  "networks.podman.static_mac: \"ff:ff:ff:ff:ff:ff\" is a multicast address" },
	{ "MAC zero", REQ_ATT(ATT_BODY ",'static_mac':'00:00:00:00:00:00'"),
	  "networks.podman.static_mac: \"00:00:00:00:00:00\" is the all-zero address" },

	/* interface names */
	{ "interface name of 16 characters", REQ_ATT("'interface_name':'eth0123456789abc','static_ips':['10.88.0.2']"),
	  "networks.podman.interface_name: \"eth0123456789abc\" is longer than 15 characters" },
	{ "interface name with a slash", REQ_ATT("'interface_name':'eth/0','static_ips':['10.88.0.2']"),
	  "networks.podman.interface_name: \"eth/0\" may not contain '/', ':' or white space" },
	{ "interface name with a colon", REQ_ATT("'interface_name':'eth0:1','static_ips':['10.88.0.2']"),
	  "networks.podman.interface_name: \"eth0:1\" may not contain '/', ':' or white space" },
	{ "interface name with a space", REQ_ATT("'interface_name':'eth 0','static_ips':['10.88.0.2']"),
	  "networks.podman.interface_name: \"eth 0\" may not contain '/', ':' or white space" },
	{ "interface name with a control character", REQ_ATT("'interface_name':'eth\\u00010','static_ips':['10.88.0.2']"),
	  "networks.podman.interface_name: \"eth\x01" "0\" may not contain control characters" },
	{ "interface name ..", REQ_ATT("'interface_name':'..','static_ips':['10.88.0.2']"),
	  "networks.podman.interface_name: \"..\" may not be \".\" or \"..\"" },
	{ "interface name empty", REQ_ATT("'interface_name':'','static_ips':['10.88.0.2']"),
	  "networks.podman.interface_name: \"\" is empty" },
	{ "host_interface_name too long", REQ_ATT(ATT_BODY ",'options':{'host_interface_name':'veth0123456789ab'}"),
	  "networks.podman.options.host_interface_name: \"veth0123456789ab\" is longer than 15 characters" },
	{ "host_interface_name a number", REQ_ATT(ATT_BODY ",'options':{'host_interface_name':1}"),
	  "networks.podman.options.host_interface_name: expected a string, got number" },
	{ "bridge name with a slash",
	  REQ_NET("'name':'podman'," NET_ID ",'driver':'bridge','network_interface':'br/0'," NET_FLAGS),
	  NETPATH ".network_interface: \"br/0\" may not contain '/', ':' or white space" },
	{ "duplicate interface names across networks",
	  REQ2(ATT_BODY, "'interface_name':'eth0','static_ips':['10.89.0.2']"),
	  "networks.net2.interface_name: \"eth0\" is already used for network \"podman\"" },
	{ "duplicate host interface names across networks",
	  REQ2(ATT_BODY ",'options':{'host_interface_name':'veth-web'}",
	       "'interface_name':'eth1','static_ips':['10.89.0.2'],'options':{'host_interface_name':'veth-web'}"),
	  "networks.net2.options.host_interface_name: \"veth-web\" is already used for network \"podman\"" },

	/* networks and network_info */
	{ "network twice in array form",
	  "{" TOP ",'networks':[{'name':'podman'," ATT_BODY "},"
	  "{'name':'podman','interface_name':'eth1','static_ips':['10.88.0.3']}],"
	  "'network_info':{'podman':{" NET_BODY "}}}",
	  "networks[1]: network \"podman\" is given twice" },
	{ "network missing from network_info",
	  "{" TOP ",'networks':{'other':{" ATT_BODY "}},'network_info':{'podman':{" NET_BODY "}}}",
	  "networks.other: network info for network \"other\" not found in network_info" },
	{ "array-form network missing from network_info",
	  "{" TOP ",'networks':[{'name':'other'," ATT_BODY "}],'network_info':{'podman':{" NET_BODY "}}}",
	  "networks[0]: network info for network \"other\" not found in network_info" },
	{ "empty network_info",
	  "{" TOP ",'networks':{'podman':{" ATT_BODY "}},'network_info':{}}",
	  "networks.podman: network info for network \"podman\" not found in network_info" },
	{ "two network_info entries with one name",
	  "{" TOP ",'networks':{'podman':{" ATT_BODY "}},'network_info':{'podman':{" NET_BODY "},"
	  "'other':{" NET2_BODY ",'name':'podman'}}}",
	  "network_info.other.name: \"podman\" is also the name of network_info entry \"podman\"" },
	{ "empty driver", REQ_NET("'name':'podman'," NET_ID ",'driver':''," NET_FLAGS),
	  NETPATH ".driver: is empty" },
	{ "unknown ipam driver", REQ_NET_PLUS("'ipam_options':{'driver':'magic'}"),
	  NETPATH ".ipam_options.driver: unsupported ipam driver \"magic\" (expected host-local, dhcp or none)" },
	{ "ipam driver a number", REQ_NET_PLUS("'ipam_options':{'driver':1}"),
	  NETPATH ".ipam_options.driver: expected a string, got number" },
	{ "dhcp ipam on a managed bridge", REQ_NET_PLUS("'ipam_options':{'driver':'dhcp'}"),
	  "networks.podman: network \"podman\": cannot use dhcp ipam driver without using the option mode=unmanaged" },
	{ "dhcp ipam with static IPs", REQ_NET_PLUS("'options':{'mode':'unmanaged'},'ipam_options':{'driver':'dhcp'}"),
	  "networks.podman.static_ips: network \"podman\" uses dhcp; static IPs cannot be used" },
	{ "empty networks map", "{" TOP ",'networks':{},'network_info':{'podman':{" NET_BODY "}}}",
	  "networks: no network given" },
	{ "empty networks array", "{" TOP ",'networks':[],'network_info':{'podman':{" NET_BODY "}}}",
	  "networks: no network given" },

	/* routes */
	{ "unicast route without gateway", REQ_ROUTES("{'destination':'10.0.0.0/8'}"),
	  NETPATH ".routes[0]: route to 10.0.0.0/8 requires a gateway for type unicast" },
	{ "explicit unicast route without gateway", REQ_ROUTES("{'destination':'10.0.0.0/8','route_type':'unicast'}"),
	  NETPATH ".routes[0]: route to 10.0.0.0/8 requires a gateway for type unicast" },
	{ "blackhole route with gateway",
	  REQ_ROUTES("{'destination':'10.0.0.0/8','gateway':'10.88.0.5','route_type':'blackhole'}"),
	  NETPATH ".routes[0]: route to 10.0.0.0/8 of type blackhole must not have a gateway" },
	{ "prohibit route with gateway",
	  REQ_ROUTES("{'destination':'10.0.0.0/8','gateway':'10.88.0.5','route_type':'prohibit'}"),
	  NETPATH ".routes[0]: route to 10.0.0.0/8 of type prohibit must not have a gateway" },
	{ "route gateway family mismatch", REQ_ROUTES("{'destination':'10.0.0.0/8','gateway':'fd00::1'}"),
	  NETPATH ".routes[0].gateway: gateway fd00::1 is not of the same IP family as destination 10.0.0.0/8" },
	{ "IPv6 route with IPv4 gateway",
	  REQ_ROUTES("{'destination':'fd00:1::/48','gateway':'10.88.0.1'},{'destination':'::/0','gateway':'10.88.0.1'}"),
	  NETPATH ".routes[0].gateway: gateway 10.88.0.1 is not of the same IP family as destination fd00:1::/48" },
	{ "unknown route_type", REQ_ROUTES("{'destination':'10.0.0.0/8','route_type':'anycast'}"),
	  NETPATH ".routes[0].route_type: unknown route type \"anycast\" (expected unicast, blackhole, unreachable or prohibit)" },
	{ "route metric negative", REQ_ROUTES("{'destination':'10.0.0.0/8','gateway':'10.88.0.1','metric':-1}"),
	  NETPATH ".routes[0].metric: -1 is out of range 0..4294967295" },
	{ "route metric too large", REQ_ROUTES("{'destination':'10.0.0.0/8','gateway':'10.88.0.1','metric':4294967296}"),
	  NETPATH ".routes[0].metric: 4294967296 is out of range 0..4294967295" },
	{ "route metric a string", REQ_ROUTES("{'destination':'10.0.0.0/8','gateway':'10.88.0.1','metric':'5'}"),
	  NETPATH ".routes[0].metric: expected an integer, got string" },
	{ "second route bad",
	  REQ_ROUTES("{'destination':'10.0.0.0/8','gateway':'10.88.0.1'},{'destination':'10.0.0.0/33','gateway':'10.88.0.1'}"),
	  NETPATH ".routes[1].destination: \"10.0.0.0/33\" is not a valid CIDR: prefix length exceeds 32" },
	{ "route entry a string", REQ_ROUTES("'10.0.0.0/8'"), NETPATH ".routes[0]: expected an object, got string" },

	/* network options */
	{ "mtu abc", REQ_OPTS("'mtu':'abc'"), NETPATH ".options.mtu: \"abc\" is not a valid MTU (0, or 68 to 65535)" },
	{ "mtu 70000", REQ_OPTS("'mtu':'70000'"), NETPATH ".options.mtu: \"70000\" is not a valid MTU (0, or 68 to 65535)" },
	{ "mtu 67", REQ_OPTS("'mtu':'67'"), NETPATH ".options.mtu: \"67\" is not a valid MTU (0, or 68 to 65535)" },
	{ "mtu negative", REQ_OPTS("'mtu':'-1500'"), NETPATH ".options.mtu: \"-1500\" is not a valid MTU (0, or 68 to 65535)" },
	{ "mtu with a plus sign", REQ_OPTS("'mtu':'+1500'"), NETPATH ".options.mtu: \"+1500\" is not a valid MTU (0, or 68 to 65535)" },
	{ "mtu with a trailing space", REQ_OPTS("'mtu':'1500 '"), NETPATH ".options.mtu: \"1500 \" is not a valid MTU (0, or 68 to 65535)" },
	{ "mtu empty", REQ_OPTS("'mtu':''"), NETPATH ".options.mtu: \"\" is not a valid MTU (0, or 68 to 65535)" },
	{ "mtu 1000 with an IPv6 subnet",
	  REQ_NET(NET_HEAD "," NET_FLAGS ",'subnets':[" SUBNET4 "," SUBNET6 "],'options':{'mtu':'1000'}"),
	  NETPATH ".options.mtu: 1000 is below 1280, the minimum for an IPv6 subnet" },
	{ "isolate maybe", REQ_OPTS("'isolate':'maybe'"), NETPATH ".options.isolate: \"maybe\" is not one of strict, true, false" },
	{ "isolate True", REQ_OPTS("'isolate':'True'"), NETPATH ".options.isolate: \"True\" is not one of strict, true, false" },
	{ "vlan 5000", REQ_OPTS("'vlan':'5000'"), NETPATH ".options.vlan: \"5000\" is not a VLAN id (0 to 4094)" },
	{ "vlan 4095", REQ_OPTS("'vlan':'4095'"), NETPATH ".options.vlan: \"4095\" is not a VLAN id (0 to 4094)" },
	{ "mode weird", REQ_OPTS("'mode':'weird'"), NETPATH ".options.mode: invalid bridge mode \"weird\" (expected managed or unmanaged)" },
	{ "no_default_route yes", REQ_OPTS("'no_default_route':'yes'"), NETPATH ".options.no_default_route: \"yes\" is not true or false" },
	{ "outbound_addr4 given an IPv6", REQ_OPTS("'outbound_addr4':'fd00::1'"),
	  NETPATH ".options.outbound_addr4: \"fd00::1\" is not an IPv4 address" },
	{ "outbound_addr6 given an IPv4", REQ_OPTS("'outbound_addr6':'10.0.0.1'"),
	  NETPATH ".options.outbound_addr6: \"10.0.0.1\" is not an IPv6 address" },
	{ "outbound_addr4 garbage", REQ_OPTS("'outbound_addr4':'eth0'"),
	  NETPATH ".options.outbound_addr4: \"eth0\" is not an IPv4 address" },
	{ "metric option not a number", REQ_OPTS("'metric':'high'"), NETPATH ".options.metric: \"high\" is not a valid route metric" },
	{ "metric option too large", REQ_OPTS("'metric':'4294967296'"), NETPATH ".options.metric: \"4294967296\" is not a valid route metric" },
	{ "metric option of 11 digits", REQ_OPTS("'metric':'00000000001'"), NETPATH ".options.metric: \"00000000001\" is not a valid route metric" },
	{ "vlan in hex", REQ_OPTS("'vlan':'0x10'"), NETPATH ".options.vlan: \"0x10\" is not a VLAN id (0 to 4094)" },
	{ "vrf name with a slash", REQ_OPTS("'vrf':'a/b'"), NETPATH ".options.vrf: vrf name \"a/b\" may not contain '/', ':' or white space" },
	{ "vrf name empty", REQ_OPTS("'vrf':''"), NETPATH ".options.vrf: vrf name \"\" is empty" },

	/* port mappings */
	{ "protocol icmp", REQ_PORT("'host_ip':'','container_port':80,'host_port':8080,'range':1,'protocol':'icmp'"),
	  "port_mappings[0].protocol: unknown protocol \"icmp\" (expected tcp, udp or sctp)" },
	{ "protocol TCP upper case", REQ_PORT("'host_ip':'','container_port':80,'host_port':8080,'range':1,'protocol':'TCP'"),
	  "port_mappings[0].protocol: unknown protocol \"TCP\" (expected tcp, udp or sctp)" },
	{ "host_ip bogus", REQ_PORT("'host_ip':'bogus','container_port':80,'host_port':8080,'range':1,'protocol':'tcp'"),
	  "port_mappings[0].host_ip: invalid host ip \"bogus\" provided for port 8080" },
	{ "host_ip a CIDR", REQ_PORT("'host_ip':'127.0.0.0/8','container_port':80,'host_port':8080,'range':1,'protocol':'tcp'"),
	  "port_mappings[0].host_ip: invalid host ip \"127.0.0.0/8\" provided for port 8080" },
	{ "container_port 0", REQ_PORT("'host_ip':'','container_port':0,'host_port':8080,'range':1,'protocol':'tcp'"),
	  "port_mappings[0].container_port: must not be 0" },
	{ "host_port 0", REQ_PORT("'host_ip':'','container_port':80,'host_port':0,'range':1,'protocol':'tcp'"),
	  "port_mappings[0].host_port: must not be 0" },
	{ "host port range past 65535", REQ_PORT("'host_ip':'','container_port':80,'host_port':65500,'range':100,'protocol':'tcp'"),
	  "port_mappings[0].range: 100 ports from host port 65500 go past port 65535" },
	{ "container port range past 65535", REQ_PORT("'host_ip':'','container_port':65530,'host_port':8000,'range':7,'protocol':'udp'"),
	  "port_mappings[0].range: 7 ports from container port 65530 go past port 65535" },
	{ "host_port 70000", REQ_PORT("'host_ip':'','container_port':80,'host_port':70000,'range':1,'protocol':'tcp'"),
	  "port_mappings[0].host_port: 70000 is out of range 0..65535" },
	{ "container_port negative", REQ_PORT("'host_ip':'','container_port':-80,'host_port':8080,'range':1,'protocol':'tcp'"),
	  "port_mappings[0].container_port: -80 is out of range 0..65535" },
	{ "range 65536", REQ_PORT("'host_ip':'','container_port':1,'host_port':1,'range':65536,'protocol':'tcp'"),
	  "port_mappings[0].range: 65536 is out of range 0..65535" },
	{ "host_port beyond int64", REQ_PORT("'host_ip':'','container_port':80,'host_port':18446744073709551615,'range':1,'protocol':'tcp'"),
	  "port_mappings[0].host_port: 18446744073709551615 is out of range 0..65535" },
	{ "second port mapping bad",
	  REQ(",'port_mappings':[{" "'host_ip':'','container_port':80,'host_port':8080,'range':1,'protocol':'tcp'" "},"
	      "{'host_ip':'','container_port':80,'host_port':8080,'range':1,'protocol':'udpx'}]"),
	  "port_mappings[1].protocol: unknown protocol \"udpx\" (expected tcp, udp or sctp)" },

	/* container_id */
	{ "container_id with a comma", "{'container_id':'c0,ffee','container_name':'web'" NETS_AND_INFO "}",
	  "container_id: \"c0,ffee\" is not a valid container id: " RULE },
	{ "container_id with a slash", "{'container_id':'../etc','container_name':'web'" NETS_AND_INFO "}",
	  "container_id: \"../etc\" is not a valid container id: " RULE },
	{ "container_id with a newline", "{'container_id':'c0\\nffee','container_name':'web'" NETS_AND_INFO "}",
	  "container_id: \"c0\\nffee\" is not a valid container id: " RULE },
	{ "container_id with a space", "{'container_id':'c0 ffee','container_name':'web'" NETS_AND_INFO "}",
	  "container_id: \"c0 ffee\" is not a valid container id: " RULE },
	{ "container_id starting with a dot", "{'container_id':'.hidden','container_name':'web'" NETS_AND_INFO "}",
	  "container_id: \".hidden\" is not a valid container id: " RULE },

	/* network names: they become file names (Podman's rule, at most 240, not "aardvark.pid") */
#define NAMED(n) "{" TOP ",'networks':{'" n "':{" ATT_BODY "}},'network_info':{'" n "':{'name':'" n "'," \
	NET_ID ",'driver':'bridge','network_interface':'podman0'," NET_FLAGS ",'subnets':[" SUBNET4 "]}}}"
	{ "network name climbing out", NAMED("../../escaped"),
	  "network_info: \"../../escaped\" is not a valid network name: " RULE },
	{ "network name with a slash", NAMED("a/b"),
	  "network_info: \"a/b\" is not a valid network name: " RULE },
	{ "network name starting with a dot", NAMED(".netd.tmp.1"),
	  "network_info: \".netd.tmp.1\" is not a valid network name: " RULE },
	{ "network name with a percent sign", NAMED("a%int"),
	  "network_info: \"a%int\" is not a valid network name: " RULE },
	{ "network name aardvark.pid", NAMED("aardvark.pid"),
	  "network_info: \"aardvark.pid\" is not a valid network name: it is reserved for the DNS server's pid file" },
	{ "network name empty", NAMED(""),
	  "network_info: \"\" is not a valid network name: it is empty" },
	{ "network name in networks only",
	  "{" TOP ",'networks':{'../x':{" ATT_BODY "}},'network_info':{'podman':{" NET_BODY "}}}",
	  "networks: \"../x\" is not a valid network name: " RULE },
	{ "network name in the array form",
	  "{" TOP ",'networks':[{'name':'a b'," ATT_BODY "}],'network_info':{'podman':{" NET_BODY "}}}",
	  "networks[0].name: \"a b\" is not a valid network name: " RULE },
	{ "network name inside differs from a valid key",
	  "{" TOP ",'networks':{'podman':{" ATT_BODY "}},'network_info':{'podman':{'name':'../p'," NET_ID
	  ",'driver':'bridge'," NET_FLAGS "}}}",
	  NETPATH ".name: \"../p\" is not a valid network name: " RULE },
	{ "container_id empty", "{'container_id':'','container_name':'web'" NETS_AND_INFO "}",
	  "container_id: \"\" is not a valid container id: it is empty" },
};

/* ---- helpers ----------------------------------------------------------- */

/* The table's JSON with ' turned into ". */
static char *json_text(const char *s, unsigned flags)
{
	char *t = strdup(s);

	if (!t)
		abort();
	if (!(flags & RAW))
		for (char *c = t; *c; c++)
			if (*c == '\'')
				*c = '"';
	return t;
}

/* A pointer request_parse() must leave alone when it fails. */
static struct nd_request untouched;

/*
 * Parse @len bytes of @json, expecting failure with exactly @msg (or a
 * message starting with @msg when @prefix). Reports one TAP line.
 */
static void expect_error_len(const char *name, const char *json, size_t len, const char *msg,
			     bool prefix, const char *todo)
{
	struct nd_request *req = &untouched;
	struct nd_error err = {0};
	bool ok;
	int r;

	r = request_parse(json, len, &req, &err);
	ok = r < 0 && err.code == r && err.msg && req == &untouched &&
	     (prefix ? strncmp(err.msg, msg, strlen(msg)) == 0 : strcmp(err.msg, msg) == 0);
	tap_result(ok, todo, name);
	if (!ok) {
		tap_diag("expected: %s%s", msg, prefix ? "..." : "");
		tap_diag("     got: r=%d code=%d %s%s", r, err.code,
			 err.msg ? err.msg : "(no message)",
			 req == &untouched ? "" : " (and *ret was written)");
	}
	if (r == 0 && req != &untouched)
		nd_request_free(req);
	nd_error_clear(&err);
}

static void expect_error(const struct bad_case *c)
{
	_cleanup_free_ char *json = json_text(c->json, c->flags);

	expect_error_len(c->name, json, strlen(json), c->msg, c->flags & PREFIX, c->todo);
}

/* Parse a table-style request that must succeed. NULL (and a diagnostic) if it fails. */
static struct nd_request *parse_ok(const char *tmpl)
{
	_cleanup_free_ char *json = json_text(tmpl, 0);
	struct nd_request *req = NULL;
	struct nd_error err = {0};
	int r;

	r = request_parse(json, strlen(json), &req, &err);
	if (r < 0) {
		tap_diag("request_parse failed: r=%d %s", r, err.msg ? err.msg : "(no message)");
		tap_check_failures++;
		nd_error_clear(&err);
		return NULL;
	}
	CHECK(req != NULL);
	CHECK(err.msg == NULL && err.code == 0);
	{
		/* What the serializer writes of it parses back to the same model. */
		_cleanup_free_ char *text = NULL;
		struct nd_request *again = NULL;
		CHECK(request_json_text(req, &text) == 0);
		CHECK(text && request_parse(text, strlen(text), &again, &err) == 0);
		CHECK(again && unit_model_equal(req, again));
		nd_request_free(again);
		nd_error_clear(&err);
	}
	return req;
}

static bool ip_is(const struct nd_ip *ip, const char *want)
{
	char b[ND_ADDRSTRLEN];

	nd_ip_str(ip, b);
	if (strcmp(b, want) == 0)
		return true;
	tap_diag("address %s, expected %s", b, want);
	return false;
}

static bool prefix_is(const struct nd_prefix *p, const char *want)
{
	char b[ND_ADDRSTRLEN];

	nd_prefix_str(p, b);
	if (strcmp(b, want) == 0)
		return true;
	tap_diag("prefix %s, expected %s", b, want);
	return false;
}

static bool str_is(const char *s, const char *want)
{
	if (s && strcmp(s, want) == 0)
		return true;
	tap_diag("string \"%s\", expected \"%s\"", s ? s : "(null)", want);
	return false;
}

/* Checks of the base request's podman network and eth0 attachment. */
static void check_base(const struct nd_request *req)
{
	const struct nd_network *net;
	const struct nd_attach *a;

	CHECK(str_is(req->container_id, "c0ffee"));
	CHECK(str_is(req->container_name, "web"));
	CHECK(req->container_hostname == NULL);
	CHECK(req->n_networks == 1);
	CHECK(req->n_attach == 1);
	if (req->n_networks != 1 || req->n_attach != 1)
		return;
	net = &req->networks[0];
	CHECK(str_is(net->name, "podman"));
	CHECK(str_is(net->id, "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9"));
	CHECK(str_is(net->driver_name, "bridge"));
	CHECK(net->driver == ND_DRIVER_BRIDGE);
	CHECK(str_is(net->network_interface, "podman0"));
	CHECK(net->dns_enabled && !net->internal && !net->ipv6_enabled);
	CHECK(net->n_subnets == 1);
	if (net->n_subnets == 1) {
		CHECK(prefix_is(&net->subnets[0].subnet, "10.88.0.0/16"));
		CHECK(net->subnets[0].has_gateway);
		CHECK(ip_is(&net->subnets[0].gateway, "10.88.0.1"));
		CHECK(!net->subnets[0].has_lease_range);
	}
	CHECK(net->n_routes == 0 && net->n_dns_servers == 0);
	/* option defaults */
	CHECK(!net->has_mtu);
	CHECK(net->isolate == ND_ISOLATE_STRICT);
	CHECK(net->metric == 100);
	CHECK(!net->no_default_route);
	CHECK(net->vrf == NULL);
	CHECK(!net->has_vlan);
	CHECK(net->mode == ND_MODE_MANAGED);
	CHECK(!net->has_outbound_addr4 && !net->has_outbound_addr6);
	CHECK(net->ipam == ND_IPAM_HOST_LOCAL);

	a = &req->attach[0];
	CHECK(a->net == net);
	CHECK(str_is(a->interface_name, "eth0"));
	CHECK(a->host_interface_name == NULL);
	CHECK(!a->has_mac);
	CHECK(a->n_aliases == 0);
	CHECK(a->n_addrs == 1);
	if (a->n_addrs == 1) {
		CHECK(prefix_is(&a->addrs[0].addr, "10.88.0.2/16"));
		CHECK(a->addrs[0].subnet == &net->subnets[0]);
	}
	CHECK(req->n_ports == 0 && req->ports == NULL);
	CHECK(req->n_dns_servers == 0 && req->dns_servers == NULL);
	CHECK(request_network(req, "podman") == net);
	CHECK(request_network(req, "nope") == NULL);
}

/* ---- valid requests ----------------------------------------------------- */

static void test_map_form(void)
{
	struct nd_request *req;

	tap_check_begin();
	req = parse_ok(REQ(""));
	if (req)
		check_base(req);
	nd_request_free(req);
	tap_result(tap_check_ok(), NULL, "valid map-form request");
}

static void test_array_form(void)
{
	struct nd_request *req;

	tap_check_begin();
	req = parse_ok("{" TOP ",'networks':[{'name':'podman'," ATT_BODY "}],"
		       "'network_info':{'podman':{" NET_BODY "}}}");
	if (req)
		check_base(req);
	nd_request_free(req);
	tap_result(tap_check_ok(), NULL, "valid array-form request");
}

static void test_dual_stack(void)
{
	static const char *const want[] = {
		"10.88.0.2/16", "fd00:88::2/64", "10.88.0.3/16", "fd00:88::3/64",
	};
	const struct nd_network *net;
	const struct nd_attach *a;
	struct nd_request *req;

	tap_check_begin();
	req = parse_ok(REQ_WITH(NET_HEAD ",'ipv6_enabled':true,'internal':false,'dns_enabled':true,"
				"'subnets':[" SUBNET4 "," SUBNET6 "]",
				"'interface_name':'eth0','static_ips':"
				"['10.88.0.2','fd00:88::2','10.88.0.3','fd00:88::3']", ""));
	if (req) {
		net = &req->networks[0];
		a = &req->attach[0];
		CHECK(net->ipv6_enabled);
		CHECK(net->n_subnets == 2);
		CHECK(prefix_is(&net->subnets[1].subnet, "fd00:88::/64"));
		CHECK(ip_is(&net->subnets[1].gateway, "fd00:88::1"));
		CHECK(a->n_addrs == 4);
		for (size_t i = 0; i < a->n_addrs && i < ELEMENTSOF(want); i++) {
			CHECK(prefix_is(&a->addrs[i].addr, want[i]));
			CHECK(a->addrs[i].subnet == &net->subnets[i % 2]);
		}
	}
	nd_request_free(req);
	tap_result(tap_check_ok(), NULL, "dual-stack request with two IPs per subnet");
}

static void test_unknown_keys(void)
{
	struct nd_request *req;

	tap_check_begin();
	req = parse_ok("{" TOP ",'labels':{'a':'b'},'future':[1,2.5,{'x':null}],"
		       "'networks':{'podman':{" ATT_BODY ",'mystery':true}},"
		       "'network_info':{'podman':{" NET_BODY ",'created':'2024-05-01T10:00:00.000Z',"
		       "'labels':{'k':'v'},'x-new':42}}}");
	if (req)
		check_base(req);
	nd_request_free(req);

	/* Unknown keys inside nested objects, including option and ipam maps. */
	req = parse_ok(REQ_WITH(NET_HEAD "," NET_FLAGS ",'subnets':[{'subnet':'10.88.0.0/16',"
				"'gateway':'10.88.0.1','extra':[1]}],"
				"'routes':[{'destination':'10.0.0.0/8','gateway':'10.88.0.9','comment':'x'}],"
				"'options':{'com.docker.network.driver.mtu':'x','bclim':'-1'},"
				"'ipam_options':{'driver':'host-local','range':'whatever'}",
				ATT_BODY ",'options':{'something':'else'}",
				",'port_mappings':[{'host_ip':'','container_port':80,'host_port':8080,"
				"'range':1,'protocol':'tcp','note':{}}]"));
	if (req) {
		CHECK(req->n_ports == 1);
		CHECK(req->networks[0].n_routes == 1);
		CHECK(!req->networks[0].has_mtu);
		CHECK(req->attach[0].host_interface_name == NULL);
	}
	nd_request_free(req);
	tap_result(tap_check_ok(), NULL, "unknown keys are ignored");
}

static void test_nulls(void)
{
	const struct nd_network *net;
	const struct nd_attach *a;
	struct nd_request *req;

	tap_check_begin();
	req = parse_ok("{" TOP ",'container_hostname':null,'port_mappings':null,'dns_servers':null,"
		       "'networks':{'podman':{" ATT_BODY ",'static_mac':null,'aliases':null,"
		       "'options':{'host_interface_name':null}}},"
		       "'network_info':{'podman':{" NET_HEAD "," NET_FLAGS ","
		       "'subnets':[{'subnet':'10.88.0.0/16','gateway':null,'lease_range':null}],"
		       "'routes':null,'network_dns_servers':null,"
		       "'options':{'mtu':null,'isolate':null,'vlan':null,'mode':null},"
		       "'ipam_options':{'driver':null}}}}");
	if (req) {
		net = &req->networks[0];
		a = &req->attach[0];
		CHECK(req->container_hostname == NULL);
		CHECK(req->n_ports == 0 && req->n_dns_servers == 0);
		CHECK(!net->subnets[0].has_gateway && !net->subnets[0].has_lease_range);
		CHECK(net->n_routes == 0 && net->n_dns_servers == 0);
		CHECK(!net->has_mtu && !net->has_vlan);
		CHECK(net->isolate == ND_ISOLATE_STRICT && net->mode == ND_MODE_MANAGED);
		CHECK(net->ipam == ND_IPAM_HOST_LOCAL);
		CHECK(!a->has_mac && a->n_aliases == 0 && a->host_interface_name == NULL);
		CHECK(a->n_addrs == 1 && prefix_is(&a->addrs[0].addr, "10.88.0.2/16"));
	}
	nd_request_free(req);

	/* The optional objects themselves null. */
	req = parse_ok(REQ_WITH(NET_BODY ",'options':null,'ipam_options':null",
				ATT_BODY ",'options':null", ""));
	if (req)
		check_base(req);
	nd_request_free(req);
	tap_result(tap_check_ok(), NULL, "null optional fields are treated as absent");
}

static void test_ports(void)
{
	struct nd_request *req;
	const struct nd_port *p;

	tap_check_begin();
	req = parse_ok(REQ(",'port_mappings':["
			   "{'host_ip':'','container_port':80,'host_port':8080,'range':0,'protocol':'tcp'},"
			   "{'host_ip':'0.0.0.0','container_port':53,'host_port':5353,'range':1,'protocol':'udp'},"
			   "{'host_ip':'::','container_port':1000,'host_port':2000,'range':10,'protocol':'sctp'},"
			   "{'host_ip':'127.0.0.1','container_port':65535,'host_port':65535,'range':1,'protocol':'tcp'},"
			   "{'host_ip':'fd00::5','container_port':65526,'host_port':1,'range':10,'protocol':'udp'}]"));
	if (req) {
		CHECK(req->n_ports == 5);
		p = req->ports;
		if (req->n_ports == 5) {
			CHECK(p[0].host_ip_kind == ND_HOSTIP_ALL && p[0].proto == ND_PROTO_TCP);
			CHECK(p[0].container_port == 80 && p[0].host_port == 8080);
			CHECK(p[0].range == 1);	/* 0 means one port */
			CHECK(p[1].host_ip_kind == ND_HOSTIP_ALL_V4 && p[1].proto == ND_PROTO_UDP);
			CHECK(p[1].range == 1);
			CHECK(p[2].host_ip_kind == ND_HOSTIP_ALL_V6 && p[2].proto == ND_PROTO_SCTP);
			CHECK(p[2].range == 10 && p[2].container_port == 1000 && p[2].host_port == 2000);
			CHECK(p[3].host_ip_kind == ND_HOSTIP_ONE && ip_is(&p[3].host_ip, "127.0.0.1"));
			CHECK(p[3].container_port == 65535 && p[3].host_port == 65535);
			CHECK(p[4].host_ip_kind == ND_HOSTIP_ONE && ip_is(&p[4].host_ip, "fd00::5"));
			CHECK(p[4].container_port == 65526 && p[4].range == 10);
		}
		CHECK(str_is(nd_proto_name(ND_PROTO_SCTP), "sctp"));
	}
	nd_request_free(req);
	tap_result(tap_check_ok(), NULL, "port mappings (range 0 normalised to 1, host_ip kinds)");
}

static void test_options(void)
{
	const struct nd_network *net;
	struct nd_request *req;

	tap_check_begin();
	req = parse_ok(REQ_OPTS("'mtu':'9000','isolate':'true','metric':'250','no_default_route':'true',"
				"'vrf':'vrf-blue','vlan':'42','mode':'unmanaged',"
				"'outbound_addr4':'192.0.2.1','outbound_addr6':'2001:db8::1','unknown':'x'"));
	if (req) {
		net = &req->networks[0];
		CHECK(net->has_mtu && net->mtu == 9000);
		CHECK(net->isolate == ND_ISOLATE_TRUE);
		CHECK(net->metric == 250);
		CHECK(net->no_default_route);
		CHECK(str_is(net->vrf, "vrf-blue"));
		CHECK(net->has_vlan && net->vlan == 42);
		CHECK(net->mode == ND_MODE_UNMANAGED);
		CHECK(net->has_outbound_addr4 && ip_is(&net->outbound_addr4, "192.0.2.1"));
		CHECK(net->has_outbound_addr6 && ip_is(&net->outbound_addr6, "2001:db8::1"));
	}
	nd_request_free(req);

	req = parse_ok(REQ_OPTS("'mtu':'0','isolate':'false','vlan':'0','mode':'','metric':'0',"
				"'no_default_route':'false'"));
	if (req) {
		net = &req->networks[0];
		CHECK(!net->has_mtu);
		CHECK(net->isolate == ND_ISOLATE_FALSE);
		CHECK(net->has_vlan && net->vlan == 0);
		CHECK(net->mode == ND_MODE_MANAGED);
		CHECK(net->metric == 0);
		CHECK(!net->no_default_route);
	}
	nd_request_free(req);

	req = parse_ok(REQ_OPTS("'isolate':'','mtu':'68','vlan':'4094','mode':'managed','metric':'4294967295'"));
	if (req) {
		net = &req->networks[0];
		CHECK(net->isolate == ND_ISOLATE_FALSE);
		CHECK(net->has_mtu && net->mtu == 68);
		CHECK(net->vlan == 4094);
		CHECK(net->metric == 4294967295u);
		CHECK(str_is(nd_isolate_name(net->isolate), "false"));
	}
	nd_request_free(req);

	req = parse_ok(REQ_OPTS("'isolate':'strict','mtu':'65535'"));
	if (req) {
		CHECK(req->networks[0].isolate == ND_ISOLATE_STRICT);
		CHECK(req->networks[0].mtu == 65535);
	}
	nd_request_free(req);

	/* 1280 is enough for IPv6. */
	req = parse_ok(REQ_WITH(NET_HEAD "," NET_FLAGS ",'subnets':[" SUBNET4 "," SUBNET6 "],"
				"'options':{'mtu':'1280'}",
				"'interface_name':'eth0','static_ips':['fd00:88::2']", ""));
	if (req) {
		CHECK(req->networks[0].mtu == 1280);
		CHECK(req->attach[0].n_addrs == 1);
	}
	nd_request_free(req);
	tap_result(tap_check_ok(), NULL, "network options and their values");
}

static void test_drivers(void)
{
	const struct nd_network *net;
	struct nd_request *req;

	tap_check_begin();
	/* macvlan: no bridge name needed, metric 99, "mode" is the macvlan mode. */
	req = parse_ok(REQ_NET("'name':'podman'," NET_ID ",'driver':'macvlan'," NET_FLAGS ","
			       "'subnets':[" SUBNET4 "],'options':{'mode':'vepa'}"));
	if (req) {
		net = &req->networks[0];
		CHECK(net->driver == ND_DRIVER_MACVLAN);
		CHECK(net->network_interface == NULL);
		CHECK(net->metric == 99);
		CHECK(net->mode == ND_MODE_MANAGED);
	}
	nd_request_free(req);

	req = parse_ok(REQ_NET("'name':'podman'," NET_ID ",'driver':'ipvlan','network_interface':'eno1',"
			       NET_FLAGS ",'subnets':[" SUBNET4 "]"));
	if (req) {
		CHECK(req->networks[0].driver == ND_DRIVER_IPVLAN);
		CHECK(str_is(req->networks[0].network_interface, "eno1"));
	}
	nd_request_free(req);

	req = parse_ok(REQ_NET("'name':'podman'," NET_ID ",'driver':'my-plugin'," NET_FLAGS ","
			       "'subnets':[" SUBNET4 "]"));
	if (req) {
		CHECK(req->networks[0].driver == ND_DRIVER_PLUGIN);
		CHECK(str_is(req->networks[0].driver_name, "my-plugin"));
	}
	nd_request_free(req);
	tap_result(tap_check_ok(), NULL, "macvlan, ipvlan and plugin drivers");
}

static void test_ipam_none(void)
{
	struct nd_request *req;

	tap_check_begin();
	req = parse_ok(REQ_NET_PLUS("'ipam_options':{'driver':'none'}"));
	if (req) {
		CHECK(req->networks[0].ipam == ND_IPAM_NONE);
		CHECK(req->attach[0].n_addrs == 0);
	}
	nd_request_free(req);

	req = parse_ok(REQ_WITH(NET_HEAD "," NET_FLAGS, "'interface_name':'eth0'", ""));
	if (req) {
		CHECK(req->networks[0].n_subnets == 0);
		CHECK(req->attach[0].n_addrs == 0);
	}
	nd_request_free(req);
	tap_result(tap_check_ok(), NULL, "ipam none, and host-local without subnets");
}

static void test_attachment_fields(void)
{
	static const uint8_t mac[6] = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 };
	const struct nd_attach *a;
	struct nd_request *req;

	tap_check_begin();
	req = parse_ok(REQ_ATT("'interface_name':'eth0123456789a','static_ips':['10.88.0.2'],"
			       "'static_mac':'02-42-AC-11-00-02','aliases':['web','www.example'],"
			       "'options':{'host_interface_name':'veth-web'}"));
	if (req) {
		a = &req->attach[0];
		CHECK(str_is(a->interface_name, "eth0123456789a"));
		CHECK(a->has_mac && memcmp(a->mac, mac, 6) == 0);
		CHECK(a->n_aliases == 2);
		if (a->n_aliases == 2)
			CHECK(str_is(a->aliases[0], "web") && str_is(a->aliases[1], "www.example"));
		CHECK(str_is(a->host_interface_name, "veth-web"));
	}
	nd_request_free(req);

	/* An empty host_interface_name means "let the kernel pick". */
	req = parse_ok(REQ_ATT("'interface_name':'eth0','static_ips':['10.88.0.2'],"
			       "'static_mac':'02:42:ac:11:00:02','options':{'host_interface_name':''}"));
	if (req) {
		a = &req->attach[0];
		CHECK(a->has_mac && memcmp(a->mac, mac, 6) == 0);
		CHECK(a->host_interface_name == NULL);
	}
	nd_request_free(req);
	tap_result(tap_check_ok(), NULL, "MAC with dashes, aliases, host_interface_name");
}

static void test_routes(void)
{
	const struct nd_network *net;
	struct nd_request *req;

	tap_check_begin();
	req = parse_ok(REQ_ROUTES("{'destination':'10.1.2.3/8','gateway':'10.88.0.254','metric':50},"
				  "{'destination':'fd00:1::/48','route_type':'blackhole'},"
				  "{'destination':'0.0.0.0/0','gateway':'10.88.0.1','route_type':'unicast','metric':0},"
				  "{'destination':'192.0.2.0/24','route_type':'unreachable'},"
				  "{'destination':'198.51.100.7/32','route_type':'prohibit','metric':4294967295}"));
	if (req) {
		net = &req->networks[0];
		CHECK(net->n_routes == 5);
		if (net->n_routes == 5) {
			CHECK(prefix_is(&net->routes[0].dst, "10.0.0.0/8"));
			CHECK(net->routes[0].has_gateway && ip_is(&net->routes[0].gateway, "10.88.0.254"));
			CHECK(net->routes[0].has_metric && net->routes[0].metric == 50);
			CHECK(net->routes[0].type == ND_ROUTE_UNICAST);
			CHECK(prefix_is(&net->routes[1].dst, "fd00:1::/48"));
			CHECK(!net->routes[1].has_gateway && !net->routes[1].has_metric);
			CHECK(net->routes[1].type == ND_ROUTE_BLACKHOLE);
			CHECK(net->routes[2].has_metric && net->routes[2].metric == 0);
			CHECK(net->routes[3].type == ND_ROUTE_UNREACHABLE);
			CHECK(net->routes[4].type == ND_ROUTE_PROHIBIT);
			CHECK(net->routes[4].metric == 4294967295u);
		}
	}
	nd_request_free(req);
	tap_result(tap_check_ok(), NULL, "routes of every type, destination normalised");
}

static void test_multi(void)
{
	const struct nd_network *podman, *net2;
	struct nd_request *req;

	tap_check_begin();
	/* Two attached networks in request order, a third (dhcp) network unused. */
	req = parse_ok("{" TOP ",'container_hostname':'host1','dns_servers':['1.1.1.1','2606:4700:4700::1111'],"
		       "'networks':{'net2':{'interface_name':'eth1','static_ips':['10.89.0.200']},"
		       "'podman':{" ATT_BODY "}},"
		       "'network_info':{'podman':{" NET_HEAD "," NET_FLAGS ",'subnets':[{'subnet':'10.88.0.0/16',"
		       "'gateway':'10.88.0.1','lease_range':{'start_ip':'10.88.1.0','end_ip':'10.88.1.255'}}],"
		       "'network_dns_servers':['9.9.9.9']},"
		       "'net2':{" NET2_BODY "},"
		       "'spare':{'name':'spare','id':'x','driver':'macvlan'," NET_FLAGS ","
		       "'ipam_options':{'driver':'dhcp'}}}}");
	if (req) {
		CHECK(str_is(req->container_hostname, "host1"));
		CHECK(req->n_dns_servers == 2);
		if (req->n_dns_servers == 2)
			CHECK(ip_is(&req->dns_servers[1], "2606:4700:4700::1111"));
		CHECK(req->n_networks == 3 && req->n_attach == 2);
		podman = request_network(req, "podman");
		net2 = request_network(req, "net2");
		CHECK(podman && net2 && request_network(req, "spare"));
		if (podman && net2 && req->n_attach == 2) {
			CHECK(req->attach[0].net == net2);
			CHECK(str_is(req->attach[0].interface_name, "eth1"));
			CHECK(prefix_is(&req->attach[0].addrs[0].addr, "10.89.0.200/24"));
			CHECK(req->attach[1].net == podman);
			CHECK(podman->n_dns_servers == 1 && ip_is(&podman->dns_servers[0], "9.9.9.9"));
			CHECK(podman->subnets[0].has_lease_range);
			CHECK(ip_is(&podman->subnets[0].lease_start, "10.88.1.0"));
			CHECK(ip_is(&podman->subnets[0].lease_end, "10.88.1.255"));
			CHECK(request_network(req, "spare")->ipam == ND_IPAM_DHCP);
		}
	}
	nd_request_free(req);
	tap_result(tap_check_ok(), NULL, "several networks, attachments in request order");
}

/* netavark pairs networks and network_info by key; "name" may differ. */
static void test_key_differs_from_name(void)
{
	_cleanup_free_ char *json = json_text(
		"{" TOP ",'networks':{'key1':{" ATT_BODY "}},'network_info':{'key1':{" NET_BODY "}}}", 0);
	struct nd_request *req = NULL;
	struct nd_error err = {0};
	int r = request_parse(json, strlen(json), &req, &err);

	tap_result(r == 0 && req->n_attach == 1 && strcmp(req->attach[0].net->name, "podman") == 0,
		   NULL, "network_info key \"key1\" differs from its name \"podman\"");
	if (r < 0)
		tap_diag("got: %s", err.msg);
	nd_request_free(req);
	nd_error_clear(&err);
}

static void test_internal_no_gateway(void)
{
	struct nd_request *req;

	tap_check_begin();
	req = parse_ok(REQ_WITH(NET_HEAD ",'ipv6_enabled':true,'internal':true,'dns_enabled':false,"
				"'subnets':[{'subnet':'10.88.0.0/30'},{'subnet':'fd00:88::/126'}]",
				"'interface_name':'eth0','static_ips':['10.88.0.1','fd00:88::']", ""));
	if (req) {
		CHECK(req->networks[0].internal);
		CHECK(!req->networks[0].subnets[0].has_gateway);
		CHECK(req->attach[0].n_addrs == 2);
		CHECK(prefix_is(&req->attach[0].addrs[0].addr, "10.88.0.1/30"));
		CHECK(prefix_is(&req->attach[0].addrs[1].addr, "fd00:88::/126"));
	}
	nd_request_free(req);
	tap_result(tap_check_ok(), NULL, "internal network without gateways, smallest subnets");
}

/* ---- requests built at run time ---------------------------------------- */

static void test_container_id_length(void)
{
	char id[ND_NAME_MAX + 2];
	char *json = NULL;
	struct nd_request *req;

	memset(id, 'a', sizeof(id) - 1);
	id[ND_NAME_MAX + 1] = '\0';
	if (asprintf(&json, "{'container_id':'%s','container_name':'web'" NETS_AND_INFO "}", id) < 0)
		abort();
	expect_error(&(struct bad_case){ "container_id of 241 characters", json,
		     "container_id: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"... is not a valid container id: it is longer than 240 characters" });

	tap_check_begin();
	id[ND_NAME_MAX] = '\0';
	free(json);
	if (asprintf(&json, "{'container_id':'%s','container_name':'web'" NETS_AND_INFO "}", id) < 0)
		abort();
	req = parse_ok(json);
	if (req)
		CHECK(strlen(req->container_id) == ND_NAME_MAX);
	nd_request_free(req);
	free(json);
	tap_result(tap_check_ok(), NULL, "container_id of 240 characters");
}

/* @tmpl with its one "%s" replaced by @s. */
static char *subst(const char *tmpl, const char *s)
{
	const char *at = strstr(tmpl, "%s");
	char *out = NULL;

	if (!at || asprintf(&out, "%.*s%s%s", (int)(at - tmpl), tmpl, s, at + 2) < 0)
		abort();
	return out;
}

/* Every string is bounded: a huge one is refused naming its field, never copied. */
static void test_long_strings(void)
{
	static const struct { const char *name, *fmt, *msg; } cases[] = {
		{ "10 MB container_name", "{'container_id':'c0ffee','container_name':'%s'" NETS_AND_INFO "}",
		  "container_name: 10485760 bytes, longer than the limit of 4096" },
		{ "10 MB container_hostname", "{" TOP ",'container_hostname':'%s'" NETS_AND_INFO "}",
		  "container_hostname: 10485760 bytes, longer than the limit of 4096" },
		{ "10 MB alias", REQ_ATT(ATT_BODY ",'aliases':['%s']"),
		  "networks.podman.aliases[0]: 10485760 bytes, longer than the limit of 4096" },
		{ "10 MB option value", REQ_OPTS("'mtu':'%s'"),
		  NETPATH ".options.mtu: 10485760 bytes, longer than the limit of 4096" },
		{ "10 MB option key", REQ_OPTS("'%s':'1'"),
		  NETPATH ".options: a key of 10485760 bytes, longer than the limit of 4096" },
		{ "10 MB network id", REQ_NET("'name':'podman','id':'%s','driver':'bridge'," NET_FLAGS),
		  NETPATH ".id: 10485760 bytes, longer than the limit of 4096" },
		{ "10 MB network name", "{" TOP ",'networks':{'podman':{" ATT_BODY "}},'network_info':{'%s':{}}}",
		  "network_info: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"... is not a valid network name: it is longer than 240 characters" },
	};
	size_t big = 10u << 20;
	char *s = malloc(big + 1);

	if (!s)
		abort();
	memset(s, 'x', big);
	s[big] = '\0';
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *tmpl = json_text(cases[i].fmt, 0), *json = NULL;
		json = subst(tmpl, s);
		expect_error_len(cases[i].name, json, strlen(json), cases[i].msg, false, NULL);
	}
	/* 4096 bytes is still accepted. */
	{
		_cleanup_free_ char *tmpl = json_text("{'container_id':'c0ffee','container_name':'%s'" NETS_AND_INFO "}", 0);
		_cleanup_free_ char *json = NULL;
		struct nd_request *req;
		s[ND_STRING_MAX] = '\0';
		json = subst(tmpl, s);
		tap_check_begin();
		req = parse_ok(json);
		if (req)
			CHECK(strlen(req->container_name) == ND_STRING_MAX);
		nd_request_free(req);
		tap_result(tap_check_ok(), NULL, "container_name of 4096 bytes");
	}
	free(s);
}

static void test_buffer_bounds(void)
{
	_cleanup_free_ char *json = json_text(REQ(""), 0);
	_cleanup_free_ char *buf = NULL, *msg = NULL;
	size_t len = strlen(json);
	struct nd_request *req = NULL;
	struct nd_error err = {0};
	int r;

	/* The buffer need not be NUL-terminated: parse only the first @len bytes. */
	buf = malloc(len + 8);
	if (!buf)
		abort();
	memcpy(buf, json, len);
	memcpy(buf + len, "garbage!", 8);
	r = request_parse(buf, len, &req, &err);
	tap_result(r == 0 && req && !err.msg, NULL, "length bounds the input (no NUL needed)");
	if (r < 0)
		tap_diag("got: %s", err.msg);
	nd_request_free(req);
	nd_error_clear(&err);

	/* Bytes past the object, including a NUL, are an error. */
	if (asprintf(&msg, "invalid JSON: trailing data at byte %zu", len + 1) < 0)
		abort();
	memcpy(buf + len, "\n}", 2);
	expect_error_len("trailing data after a valid request", buf, len + 2, msg, false, NULL);
	buf[len] = '\0';
	free(msg);
	if (asprintf(&msg, "invalid JSON: trailing data at byte %zu", len) < 0)
		abort();
	expect_error_len("NUL byte after a valid request", buf, len + 1, msg, false, NULL);
	expect_error_len("NUL byte inside an object", "{\0}", 3,
			 "invalid JSON at byte 1: unexpected end of data", false, NULL);
	/* White space after the object is fine. */
	memcpy(buf + len, " \n\t\r", 4);
	req = NULL;
	r = request_parse(buf, len + 4, &req, &err);
	tap_result(r == 0, NULL, "trailing white space is allowed");
	if (r < 0)
		tap_diag("got: %s", err.msg);
	nd_request_free(req);
	nd_error_clear(&err);
}

/*
 * --dump DIR: write every malformed request of the table to DIR/NNN.json
 * so that the integration suite can feed
 * them to the real binary and check that each error is printed once.
 */
static int dump_cases(const char *dir)
{
	for (size_t i = 0; i < ELEMENTSOF(bad_cases); i++) {
		_cleanup_free_ char *json = json_text(bad_cases[i].json, bad_cases[i].flags);
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%03zu.json", dir, i);
		f = fopen(path, "wx");
		if (!f || fputs(json, f) < 0 || fclose(f) != 0) {
			perror(path);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--dump") == 0)
		return dump_cases(argv[2]);
	for (size_t i = 0; i < ELEMENTSOF(bad_cases); i++)
		expect_error(&bad_cases[i]);
	test_container_id_length();
	test_long_strings();
	test_buffer_bounds();

	test_map_form();
	test_array_form();
	test_dual_stack();
	test_unknown_keys();
	test_nulls();
	test_ports();
	test_options();
	test_drivers();
	test_ipam_none();
	test_attachment_fields();
	test_routes();
	test_multi();
	test_internal_no_gateway();
	test_key_differs_from_name();

	nd_request_free(NULL);
	return tap_finish();
}
