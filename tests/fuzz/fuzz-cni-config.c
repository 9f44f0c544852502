// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness for netd's CNI parsers. The first byte picks the target,
 * the rest is its input:
 *   0x00-0x3f  cni_config_parse() for command (byte % 6), and for a valid ADD
 *              config: allocate from an empty store, build the netavark
 *              request and require request_parse() to accept it; print the
 *              prevResult in every version and parse that again
 *   0x40-0x7f  cni_store_parse() (version 1 with leases, or 2), then format
 *              (version 2, no leases) → parse must round-trip
 *   0x80-0xbf  cni_params_parse() with the input as CNI_ARGS (and the rest of
 *              an ADD environment)
 *   0xc0-0xff  cni_result_parse() of version (byte % 5), and the same bytes
 *              decoded as netd_setup()'s typed result through
 *              cni_result_from_setup()
 * Besides the sanitizers it checks the contracts: failure leaves *ret alone
 * and sets a message with a code; success yields values in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cni-config.h"
#include "cni-ipam.h"
#include "cni-store.h"
#include "cni-request.h"
#include "cni-result.h"
#include "request.h"
#include "result.h"
#include "fuzz.h"

static void check_error(int r, const struct nd_error *err)
{
	REQUIRE(r < 0);
	REQUIRE(err->msg && err->msg[0]);
	REQUIRE(err->proto_code != 0);
}

/* A result printed in any version parses again in that version, with the same counts. */
static void roundtrip_result(const struct cni_result *r)
{
	for (int v = CNI_V030; v <= CNI_V110; v++) {
		json_object *o = cni_result_to_json(r, (enum cni_version)v);
		struct cni_result *again = NULL;
		struct nd_error err = {0};

		REQUIRE(o);
		REQUIRE(cni_result_parse(o, (enum cni_version)v, "r", &again, &err) == 0);
		REQUIRE(again->n_ifaces == r->n_ifaces && again->n_ips == r->n_ips &&
			again->n_routes == r->n_routes);
		cni_result_free(again);
		json_object_put(o);
	}
}

static void walk_config(const struct cni_config *c, enum cni_cmd cmd)
{
	char b[ND_ADDRSTRLEN];

	if (cmd == CNI_CMD_VERSION)
		return;
	REQUIRE(c->name && cni_network_name_valid(c->name));
	REQUIRE(c->type && c->type[0] && !strchr(c->type, '/'));
	REQUIRE(c->bridge[0] && strlen(c->bridge) < IFNAMSIZ);
	REQUIRE(c->data_dir && c->data_dir[0] == '/');
	REQUIRE(c->runtime_dir && c->runtime_dir[0] == '/');
	REQUIRE(c->n_subnets >= 1 && c->n_subnets <= CNI_MAX_SUBNETS);
	for (size_t i = 0; i < c->n_subnets; i++) {
		const struct cni_subnet *s = &c->subnets[i];
		REQUIRE(!nd_prefix_has_host_bits(&s->subnet));
		REQUIRE(s->has_gateway && nd_prefix_contains(&s->subnet, &s->gateway));
		REQUIRE(nd_prefix_contains(&s->subnet, &s->range_start));
		REQUIRE(nd_prefix_contains(&s->subnet, &s->range_end));
		REQUIRE(ipalloc_cmp(&s->range_start, &s->range_end) <= 0);
		(void)nd_prefix_str(&s->subnet, b);
	}
	for (size_t i = 0; i < c->n_routes; i++)
		REQUIRE(c->routes[i].has_gw && c->routes[i].gw.family == c->routes[i].dst.addr.family);
	for (size_t i = 0; i < c->n_ports; i++)
		REQUIRE(c->ports[i].host_port && c->ports[i].container_port);
	REQUIRE(!c->has_mtu || (c->mtu >= 68 && c->mtu <= 65535));
	REQUIRE(c->dns_port >= 1);
	REQUIRE(cmd != CNI_CMD_GC || c->has_valid);
	REQUIRE(cmd != CNI_CMD_CHECK || c->version >= CNI_V040);
	if (c->prev)
		roundtrip_result(c->prev);
}

/* A valid ADD config always gives netd a request it accepts. */
static void build_request(const struct cni_config *c)
{
	static const struct cni_env env = {
		.command = "ADD", .container_id = "fuzz", .netns = "/run/netns/fuzz",
		.ifname = "eth0", .args = "K8S_POD_NAME=pod",
	};
	struct cni_store *s = cni_store_new(c->name);
	struct cni_params p = {0};
	struct nd_error err = {0};
	struct nd_request *req = NULL;
	struct nd_error ne = {0};
	struct nd_ip *ips = NULL;
	char *text;
	int r;

	REQUIRE(s && cni_params_parse(&env, &p, &err) == 0);
	r = cni_ipam_allocate(s, c, c->req_ips, c->n_req_ips, &ips, &err);
	if (r < 0) {
		check_error(r, &err);
		REQUIRE(err.proto_code == CNI_ERR_IPAM);
	} else {
		text = cni_request_build(c, &p, ips, c->n_subnets);
		REQUIRE(text);
		if (request_parse(text, strlen(text), &req, &ne) != 0)
			abort();
		REQUIRE(req->n_attach == 1 && req->attach[0].n_addrs == c->n_subnets);
		nd_request_free(req);
		free(text);
		free(ips);
	}
	nd_error_clear(&err);
	cni_params_done(&p);
	cni_store_free(s);
}

static void fuzz_config(const uint8_t *data, size_t size, enum cni_cmd cmd)
{
	static struct cni_config untouched;
	struct cni_config *c = &untouched;
	struct nd_error err = {0};
	int r = cni_config_parse((const char *)data, size, cmd, &c, &err);

	if (r < 0) {
		check_error(r, &err);
		REQUIRE(c == &untouched);
	} else {
		REQUIRE(c && c != &untouched && !err.msg);
		walk_config(c, cmd);
		if (cmd == CNI_CMD_ADD)
			build_request(c);
		cni_config_free(c);
	}
	nd_error_clear(&err);
}

static void fuzz_store(const uint8_t *data, size_t size)
{
	struct cni_store *s = NULL;
	struct nd_error err = {0};
	int r = cni_store_parse((const char *)data, size, &s, &err);

	if (r < 0) {
		check_error(r, &err);
		REQUIRE(!s);
	} else {
		char *t1 = cni_store_format(s), *t2;
		struct cni_store *s2 = NULL;

		REQUIRE(t1);
		REQUIRE(cni_store_parse(t1, strlen(t1), &s2, &err) == 0);
		/* The file keeps the round-robin position; the leases are the records'. */
		REQUIRE(s2->n == 0 && !strstr(t1, "attachments"));
		t2 = cni_store_format(s2);
		REQUIRE(t2 && strcmp(t1, t2) == 0);
		free(t1);
		free(t2);
		cni_store_free(s2);
		cni_store_free(s);
	}
	nd_error_clear(&err);
}

static void fuzz_args(const uint8_t *data, size_t size)
{
	char *args = malloc(size + 1);
	struct cni_env env = {
		.command = "ADD", .container_id = "fuzz", .netns = "/run/netns/fuzz",
		.ifname = "eth0",
	};
	struct cni_params p = {0};
	struct nd_error err = {0};
	int r;

	REQUIRE(args);
	memcpy(args, data, size);
	args[size] = '\0';
	env.args = args;
	r = cni_params_parse(&env, &p, &err);
	if (r < 0) {
		check_error(r, &err);
		REQUIRE(err.proto_code == CNI_ERR_ENV || err.proto_code == CNI_ERR_INTERNAL);
	} else {
		REQUIRE(p.n_arg_ips <= CNI_MAX_LIST);
		REQUIRE(!p.has_arg_mac || !(p.arg_mac[0] & 1));
	}
	cni_params_done(&p);
	nd_error_clear(&err);
	free(args);
}

/* The fuzzer's bytes, read one at a time; 0 once they are used up. */
struct bytes {
	const uint8_t *p;
	size_t n;
};

static uint8_t next(struct bytes *b)
{
	if (!b->n)
		return 0;
	b->n--;
	return *b->p++;
}

static void next_ip(struct bytes *b, int family, struct nd_ip *ip)
{
	*ip = (struct nd_ip){ .family = family };
	for (unsigned i = 0; i < nd_ip_bytes(family); i++)
		ip->b[i] = next(b);
}

/* A string of up to @max printable characters; NULL when out of memory. */
static char *next_str(struct bytes *b, size_t max)
{
	size_t n = next(b) % (max + 1);
	char *s = malloc(n + 1);

	for (size_t i = 0; s && i < n; i++)
		s[i] = (char)(0x20 + next(b) % 0x5f);
	if (s)
		s[n] = '\0';
	return s;
}

/*
 * netd_setup()'s typed result, decoded from the bytes: the network ("fuzz"
 * or another), one interface ("eth0" or another) with up to 9 addresses,
 * each with or without a gateway of either family, a MAC, DNS servers and
 * search domains.
 */
static struct nd_result *setup_result_of(struct bytes *b)
{
	uint8_t flags = next(b);
	size_t n_addrs = (flags >> 2) % 10, n_srv = next(b) % 5, n_dom = next(b) % 4;
	struct nd_result *res = calloc(1, sizeof(*res));
	struct nd_result_net *n;
	struct nd_result_iface *f;

	REQUIRE(res && (res->nets = n = calloc(1, sizeof(*n))) &&
		(n->ifaces = f = calloc(1, sizeof(*f))) &&
		(f->addrs = calloc(n_addrs + 1, sizeof(*f->addrs))) &&
		(n->servers = calloc(n_srv + 1, sizeof(*n->servers))) &&
		(n->domains = calloc(n_dom + 1, sizeof(*n->domains))));
	res->n_nets = n->n_ifaces = 1;
	n->has_ifaces = n->has_servers = n->has_domains = f->has_addrs = true;
	REQUIRE((n->network = strdup(flags & 1 ? "other" : "fuzz")) &&
		(f->name = strdup(flags & 2 ? "eth1" : "eth0")) && (f->mac = next_str(b, 17)));
	for (; f->n_addrs < n_addrs; f->n_addrs++) {
		struct nd_result_addr *a = &f->addrs[f->n_addrs];
		uint8_t af = next(b);
		int fam = af & 1 ? AF_INET6 : AF_INET;

		next_ip(b, fam, &a->ipnet.addr);
		a->ipnet.len = (uint8_t)(next(b) % (nd_ip_bits(fam) + 1));
		a->has_gateway = af & 2;
		if (a->has_gateway)
			next_ip(b, af & 4 ? (fam == AF_INET ? AF_INET6 : AF_INET) : fam, &a->gateway);
	}
	for (; n->n_servers < n_srv; n->n_servers++)
		next_ip(b, next(b) & 1 ? AF_INET6 : AF_INET, &n->servers[n->n_servers]);
	for (; n->n_domains < n_dom; n->n_domains++)
		REQUIRE((n->domains[n->n_domains] = next_str(b, 63)));
	return res;
}

/* The bytes as netd_setup()'s typed result for network "fuzz" (cni_result_from_setup). */
static void fuzz_setup_result(const uint8_t *data, size_t size)
{
	static const char conf[] = "{\"cniVersion\":\"1.1.0\",\"name\":\"fuzz\",\"type\":\"netd\","
				   "\"subnets\":[{\"subnet\":\"10.0.0.0/24\"}],\"dnsEnabled\":true,"
				   "\"dns\":{\"search\":[\"a\"]}}";
	static const struct cni_env env = {
		.command = "ADD", .container_id = "fuzz", .netns = "/run/netns/fuzz", .ifname = "eth0",
	};
	struct bytes b = { data, size };
	struct cni_host_info hi = { .bridge = "br", .veth = "veth0" };
	struct nd_result *res = setup_result_of(&b);
	struct cni_config *cfg = NULL;
	struct cni_params p = {0};
	struct nd_error err = {0};
	struct cni_result *r = NULL;
	int rc;

	hi.mtu = next(&b) | (uint32_t)next(&b) << 8;
	REQUIRE(cni_config_parse(conf, sizeof(conf) - 1, CNI_CMD_ADD, &cfg, &err) == 0);
	REQUIRE(cni_params_parse(&env, &p, &err) == 0);
	rc = cni_result_from_setup(res, cfg, &p, &hi, &r, &err);
	if (rc < 0) {
		check_error(rc, &err);
		REQUIRE(!r);
	} else {
		REQUIRE(r->n_ifaces == 3 && r->n_ips == res->nets[0].ifaces[0].n_addrs);
		REQUIRE(r->ifaces[2].has_mtu == (hi.mtu != 0));
		for (size_t i = 0; i < r->n_ips; i++)
			REQUIRE(r->ips[i].has_iface && r->ips[i].iface == 2);
		roundtrip_result(r);
		cni_result_free(r);
	}
	nd_error_clear(&err);
	cni_params_done(&p);
	cni_config_free(cfg);
	nd_result_free(res);
}

static void fuzz_result(const uint8_t *data, size_t size, enum cni_version v)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o;

	REQUIRE(tok);
	o = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	if (o) {
		struct cni_result *r = NULL;
		struct nd_error err = {0};
		int rc = cni_result_parse(o, v, "prevResult", &r, &err);

		if (rc < 0) {
			check_error(rc, &err);
			REQUIRE(!r);
		} else {
			for (size_t i = 0; i < r->n_ips; i++)
				REQUIRE(!r->ips[i].has_iface || r->ips[i].iface < r->n_ifaces);
			roundtrip_result(r);
			cni_result_free(r);
		}
		nd_error_clear(&err);
		json_object_put(o);
	}
	json_tokener_free(tok);
	fuzz_setup_result(data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sel;

	if (size < 1 || size > 65536)
		return 0;
	sel = data[0];
	data++;
	size--;
	if (sel < 0x40)
		fuzz_config(data, size, (enum cni_cmd)(sel % 6));
	else if (sel < 0x80)
		fuzz_store(data, size);
	else if (sel < 0xc0)
		fuzz_args(data, size);
	else
		fuzz_result(data, size, (enum cni_version)(sel % 5));
	return 0;
}
