// SPDX-License-Identifier: Apache-2.0
/*
 * The nftables ruleset builder (netd/fw/fw-nft.c), built into memory and never
 * sent: the batch's messages are parsed back with libnftnl and rendered as
 * one line each ("chain X", "rule CHAIN: expr; expr", "elem SET key => data"),
 * then compared with the exact lines a network and a container's published
 * ports must produce.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "fw-nft.h"
#include "nft.h"
#include "unit-request.h"
#include "shared/cleanup.h"
#include "tap.h"

/* Bytes as a string when they are a NUL-padded name, else as hex. */
static size_t bytes_text(const uint8_t *p, uint32_t len, char *out, size_t size)
{
	uint32_t n = 0;
	bool name;

	while (n < len && p[n])
		n++;
	name = n > 0 && n < len;
	for (uint32_t k = 0; k < n && name; k++)
		name = isalnum(p[k]) || p[k] == '-' || p[k] == '_';
	for (uint32_t k = n; k < len && name; k++)
		name = p[k] == 0;
	if (name)
		return (size_t)snprintf(out, size, "\"%.*s\"", (int)n, (const char *)p);
	for (uint32_t k = 0; k < len && 2 * k + 2 < size; k++)
		sprintf(out + 2 * k, "%02x", p[k]);
	return 2 * len;
}

static size_t render_rule(const struct nlmsghdr *nlh, char *out, size_t size)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	char buf[4096], *line, *save = NULL;
	size_t o;

	if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		return (size_t)snprintf(out, size, "bad rule");
	}
	o = (size_t)snprintf(out, size, "rule %s:", nftnl_rule_get_str(r, NFTNL_RULE_CHAIN));
	nftnl_rule_snprintf(buf, sizeof(buf), r, NFTNL_OUTPUT_DEFAULT, 0);
	/* Line 1 names family/table/chain; then one "  [ expr ]" per line. */
	strtok_r(buf, "\n", &save);
	while ((line = strtok_r(NULL, "\n", &save)) && o < size) {
		char *s = strstr(line, "[ "), *e = strrchr(line, ']');
		if (!s || !e || e < s)
			continue;
		while (e > s + 2 && e[-1] == ' ')
			e--;
		o += (size_t)snprintf(out + o, size - o, " %.*s;", (int)(e - s - 2), s + 2);
	}
	nftnl_rule_free(r);
	return o;
}

/* The bytes of an NFTA_DATA_VALUE inside @nest, or the verdict's chain in @chain. */
static const uint8_t *data_of(const struct nlattr *nest, uint32_t *len, const char **chain)
{
	const struct nlattr *a, *v;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == NFTA_DATA_VALUE) {
			*len = mnl_attr_get_payload_len(a);
			return mnl_attr_get_payload(a);
		}
		if (mnl_attr_get_type(a) == NFTA_DATA_VERDICT)
			mnl_attr_for_each_nested(v, a)
				if (mnl_attr_get_type(v) == NFTA_VERDICT_CHAIN)
					*chain = mnl_attr_get_str(v);
	}
	return NULL;
}

/*
 * Set elements, decoded with libmnl: libnftnl 1.2.4's
 * nftnl_set_elems_nlmsg_parse() fails on a message with more than one.
 */
static size_t render_elems(const struct nlmsghdr *nlh, bool add, char *out, size_t size)
{
	const struct nlattr *a, *list = NULL, *el, *f;
	const char *set = "?";
	size_t o = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) == NFTA_SET_ELEM_LIST_SET)
			set = mnl_attr_get_str(a);
		else if (mnl_attr_get_type(a) == NFTA_SET_ELEM_LIST_ELEMENTS)
			list = a;
	}
	if (!list)
		return (size_t)snprintf(out, size, "no elements");
	mnl_attr_for_each_nested(el, list) {
		const uint8_t *k = NULL, *d = NULL;
		uint32_t kl = 0, dl = 0;
		const char *chain = NULL;

		mnl_attr_for_each_nested(f, el) {
			if (mnl_attr_get_type(f) == NFTA_SET_ELEM_KEY)
				k = data_of(f, &kl, &chain);
			else if (mnl_attr_get_type(f) == NFTA_SET_ELEM_DATA)
				d = data_of(f, &dl, &chain);
		}
		if (o >= size)
			break;
		o += (size_t)snprintf(out + o, size - o, "%s%s %s ", o ? "\n" : "",
				      add ? "elem" : "delelem", set);
		if (k && o < size)
			o += bytes_text(k, kl, out + o, size - o);
		if (chain && o < size)
			o += (size_t)snprintf(out + o, size - o, " => jump %s", chain);
		else if (d && o < size) {
			o += (size_t)snprintf(out + o, size - o, " => ");
			o += bytes_text(d, dl, out + o, size - o);
		}
	}
	return o;
}

/* Every message of the batch (after BATCH_BEGIN), one line each. */
static void render(const struct nftb *b, char *out, size_t size)
{
	size_t len, o = 0;
	const struct nlmsghdr *nlh = nftb_data(b, &len);
	int left = (int)len;

	out[0] = '\0';
	for (; mnl_nlmsg_ok(nlh, left) && o < size; nlh = mnl_nlmsg_next(nlh, &left)) {
		uint16_t type = nlh->nlmsg_type;

		if (type == NFNL_MSG_BATCH_BEGIN)
			continue;
		switch (type & 0xff) {
		case NFT_MSG_NEWCHAIN: {
			struct nftnl_chain *c = nftnl_chain_alloc();
			if (c && nftnl_chain_nlmsg_parse(nlh, c) == 0)
				o += (size_t)snprintf(out + o, size - o, "chain %s",
						      nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
			nftnl_chain_free(c);
			break;
		}
		case NFT_MSG_NEWRULE:
			o += render_rule(nlh, out + o, size - o);
			break;
		case NFT_MSG_NEWSETELEM:
		case NFT_MSG_DELSETELEM:
			o += render_elems(nlh, (type & 0xff) == NFT_MSG_NEWSETELEM, out + o, size - o);
			break;
		default:
			o += (size_t)snprintf(out + o, size - o, "message %u", type & 0xff);
		}
		if (o < size)
			o += (size_t)snprintf(out + o, size - o, "\n");
	}
}

static bool same(const char *name, const char *got, const char *want)
{
	if (tap_result(strcmp(got, want) == 0, NULL, name))
		return true;
	tap_diag("want:\n%s", want);
	tap_diag("got:\n%s", got);
	return false;
}

#define ID1 "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9"
#define NETWORK_I(internal, opts) \
	"{\"container_id\":\"c0ffee\",\"container_name\":\"web\"," \
	"\"networks\":{\"podman\":{\"interface_name\":\"eth0\"," \
	"\"static_ips\":[\"10.88.0.2\",\"fd00:88::2\"]}}," \
	"\"network_info\":{\"podman\":{\"name\":\"podman\",\"id\":\"" ID1 "\"," \
	"\"driver\":\"bridge\",\"network_interface\":\"podman0\",\"ipv6_enabled\":true," \
	"\"internal\":" internal ",\"dns_enabled\":true," opts \
	"\"subnets\":[{\"subnet\":\"10.88.0.0/16\",\"gateway\":\"10.88.0.1\"}," \
	"{\"subnet\":\"fd00:88::/64\",\"gateway\":\"fd00:88::1\"}]}}"
#define PORTS ",\"port_mappings\":[" \
	"{\"host_ip\":\"\",\"container_port\":80,\"host_port\":8080,\"range\":1,\"protocol\":\"tcp\"}," \
	"{\"host_ip\":\"127.0.0.1\",\"container_port\":53,\"host_port\":5353,\"range\":2,\"protocol\":\"udp\"}]"
#define REQUEST(opts, ports) NETWORK_I("false", opts) ports "}"
/* An internal network (ports given, never published). */
#define INTERNAL NETWORK_I("true", "") PORTS "}"

/* The two rules every network chain starts with: to its own bridge, accepted (marked, then untracked). */
#define ACCEPT_RULES \
	"rule nw_podman0: meta load oifname => reg 1; cmp eq reg 1 0x6d646f70 0x00306e61 0x00000000 0x00000000; " \
	"ct load mark => reg 1; bitwise reg 1 = ( reg 1 & 0xffffbfff ) ^ 0x00004000; ct set mark with reg 1; " \
	"immediate reg 0 accept;\n" \
	"rule nw_podman0: meta load oifname => reg 1; cmp eq reg 1 0x6d646f70 0x00306e61 0x00000000 0x00000000; " \
	"immediate reg 0 accept;\n"
/* The bridge in the sets of every network; @fwd is br_fwd, or br_internal. */
#define SETS(fwd) \
	"elem br_all \"podman0\"\n" \
	"elem " fwd " \"podman0\"\n" \
	"elem br_dns \"podman0\"\n" \
	"elem nets \"podman0\" => jump nw_podman0\n"
#define MASQ "elem masq4 \"podman0\"\n" "elem masq6 \"podman0\"\n"
/* Gateway 10.88.0.1 / fd00:88::1 -> itself, port 53. */
#define DNSGW_53 \
	"elem dnsgw4 0a580001 => 0a58000100350000\n" \
	"elem dnsgw6 fd000088000000000000000000000001 => fd00008800000000000000000000000100350000\n"

static void build(const char *text, int what, char *out, size_t size)
{
	_cleanup_(nd_request_freep) struct nd_request *req = unit_request(text);
	_cleanup_(nftb_freep) struct nftb *b = NULL;
	int r;

	out[0] = '\0';
	if (!req || nftb_new(FW_TABLE, &b) < 0)
		return;
	if (what == 0)
		r = fwnft_network(b, true, req->attach[0].net, 53, false);
	else if (what == 1)
		r = fwnft_network(b, true, req->attach[0].net, 1053, true);
	else
		r = fwnft_ports(b, true, true, req, fwnft_port_attach(req, driver_fw_needs));
	if (r < 0) {
		snprintf(out, size, "error %s", strerror(-r));
		return;
	}
	render(b, out, size);
}

int main(void)
{
	char got[16384];

	build(REQUEST("\"options\":{\"isolate\":\"false\"},", ""), 0, got, sizeof(got));
	same("network, not isolated: its chain, two accept rules, its interface in the sets, "
	     "masquerade for both families, DNS redirect per gateway", got,
	     "chain nw_podman0\n"
	     "rule nw_podman0: meta load oifname => reg 1; cmp eq reg 1 0x6d646f70 0x00306e61 0x00000000 0x00000000; "
	     "ct load mark => reg 1; bitwise reg 1 = ( reg 1 & 0xffffbfff ) ^ 0x00004000; ct set mark with reg 1; immediate reg 0 accept;\n"
	     "rule nw_podman0: meta load oifname => reg 1; cmp eq reg 1 0x6d646f70 0x00306e61 0x00000000 0x00000000; immediate reg 0 accept;\n"
	     SETS("br_fwd") MASQ
	     "elem dnsgw4 0a580001 => 0a58000100350000\n"
	     "elem dnsgw6 fd000088000000000000000000000001 => fd00008800000000000000000000000100350000\n");
	build(REQUEST("", ""), 0, got, sizeof(got));
	same("network, isolate strict (the default): leaving for any bridge dropped, in br_iso", got,
	     "chain nw_podman0\n" ACCEPT_RULES
	     "rule nw_podman0: meta load oifname => reg 1; lookup reg 1 set br_all; immediate reg 0 drop;\n"
	     SETS("br_fwd") "elem br_iso \"podman0\"\n" MASQ DNSGW_53);

	build(REQUEST("\"options\":{\"isolate\":\"true\"},", ""), 0, got, sizeof(got));
	same("network, isolate true: leaving for another isolated bridge dropped", got,
	     "chain nw_podman0\n" ACCEPT_RULES
	     "rule nw_podman0: meta load oifname => reg 1; lookup reg 1 set br_iso; immediate reg 0 drop;\n"
	     SETS("br_fwd") "elem br_iso \"podman0\"\n" MASQ DNSGW_53);

	build(INTERNAL, 0, got, sizeof(got));
	same("internal network: everything else dropped, br_internal, no masquerade", got,
	     "chain nw_podman0\n" ACCEPT_RULES
	     "rule nw_podman0: immediate reg 0 drop;\n"
	     SETS("br_internal")
	     "elem br_iso \"podman0\"\n" DNSGW_53);

	build(REQUEST("", ""), 1, got, sizeof(got));
	same("network whose chain exists, DNS port 1053: elements only, the port in the redirect", got,
	     SETS("br_fwd") "elem br_iso \"podman0\"\n" MASQ
	     "elem dnsgw4 0a580001 => 0a580001041d0000\n"
	     "elem dnsgw6 fd000088000000000000000000000001 => fd000088000000000000000000000001041d0000\n");

	build(REQUEST("", PORTS), 2, got, sizeof(got));
	same("ports: all-address tcp 8080->80 in pf4 and pf6, 127.0.0.1 udp 5353-5354->53-54 in pf4ip",
	     got,
	     "elem pf4 060000001f900000 => 0a58000200500000\n"
	     "elem pf4ip 7f0000011100000014e90000 => 0a58000200350000\n"
	     "elem pf4ip 7f0000011100000014ea0000 => 0a58000200360000\n"
	     "elem pf6 060000001f900000 => fd00008800000000000000000000000200500000\n");
	{
		/* Every element has NLM_F_EXCL when asked: a taken port is refused. */
		_cleanup_(nd_request_freep) struct nd_request *req = unit_request(REQUEST("", PORTS));
		_cleanup_(nftb_freep) struct nftb *b = NULL;
		size_t len, n = 0, excl = 0;
		const struct nlmsghdr *nlh;
		int left;

		if (req && nftb_new(FW_TABLE, &b) == 0 &&
		    fwnft_ports(b, true, true, req, fwnft_port_attach(req, driver_fw_needs)) == 0) {
			nlh = nftb_data(b, &len);
			left = (int)len;
			for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
				if ((nlh->nlmsg_type & 0xff) != NFT_MSG_NEWSETELEM)
					continue;
				n++;
				excl += (nlh->nlmsg_flags & NLM_F_EXCL) != 0;
			}
		}
		tap_result(n == 3 && excl == 3, NULL, "ports: exclusive adds, one message per map");
	}
	{
		_cleanup_(nd_request_freep) struct nd_request *req = unit_request(INTERNAL);
		tap_result(req && !fwnft_port_attach(req, driver_fw_needs), NULL,
			   "ports: an internal network never carries published ports");
	}
	return tap_finish();
}
