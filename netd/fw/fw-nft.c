// SPDX-License-Identifier: Apache-2.0
/*
 * The ruleset. Everything per network and per container is an element of a
 * set or map, so neither a setup nor a packet costs more with more
 * containers, ports or networks:
 *   br_all, br_fwd, br_internal, br_iso, br_dns   bridges by role (ifname sets)
 *   masq4/6, snat4/6                             outbound NAT per bridge
 *   nets                                         bridge → jump nw_<bridge>
 *   pf4, pf6 (proto . port), pf4ip, pf6ip (ip . proto . port)
 *                                                → container ip . port (DNAT)
 *   dnsgw4/6                                     gateway → gateway . dns port (checked
 *                                                before the port maps: DNS on a gateway
 *                                                always reaches netd-dns)
 */
#include "fw-nft.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw.h"
#include "network.h"
#include "shared/cleanup.h"
#include "shared/log.h"

enum {
	T_IPADDR = 7, T_IP6ADDR = 8, T_INET_PROTO = 12, T_INET_SERVICE = 13, T_IFNAME = 41,
	BO_HOST = 1, BO_BIG = 2,
};
#define CONCAT2(a, b) (((a) << 6) | (b))
#define CONCAT3(a, b, c) (((a) << 12) | ((b) << 6) | (c))

#define MARK_MASQ 0x2000u
/* Connections netd's chains accepted carry this conntrack mark, so an admin's
 * own drop-policy chain can let them through with one rule (docs/firewall.md). */
#define CTMARK_ACCEPTED 0x4000u
/* Connections netd's own port maps (or DNS redirect) translated. */
#define CTMARK_DNAT 0x1000u
#define R1 NFT_REG_1
#define R32(n) (NFT_REG32_00 + (n))

static const struct nftb_setdef setdefs[] = {
	{ "br_all", T_IFNAME, IFNAMSIZ, 0, 0, 0, BO_HOST, 0 },
	{ "br_fwd", T_IFNAME, IFNAMSIZ, 0, 0, 0, BO_HOST, 0 },
	{ "br_internal", T_IFNAME, IFNAMSIZ, 0, 0, 0, BO_HOST, 0 },
	{ "br_iso", T_IFNAME, IFNAMSIZ, 0, 0, 0, BO_HOST, 0 },
	{ "br_dns", T_IFNAME, IFNAMSIZ, 0, 0, 0, BO_HOST, 0 },
	{ "masq4", T_IFNAME, IFNAMSIZ, 0, 0, 0, BO_HOST, 0 },
	{ "masq6", T_IFNAME, IFNAMSIZ, 0, 0, 0, BO_HOST, 0 },
	{ "snat4", T_IFNAME, IFNAMSIZ, T_IPADDR, 4, NFT_SET_MAP, BO_HOST, BO_BIG },
	{ "snat6", T_IFNAME, IFNAMSIZ, T_IP6ADDR, 16, NFT_SET_MAP, BO_HOST, BO_BIG },
	{ "nets", T_IFNAME, IFNAMSIZ, NFT_DATA_VERDICT, 16, NFT_SET_MAP, BO_HOST, 0 },
	{ "dnsgw4", T_IPADDR, 4, CONCAT2(T_IPADDR, T_INET_SERVICE), 8, NFT_SET_MAP, BO_BIG, 0 },
	{ "dnsgw6", T_IP6ADDR, 16, CONCAT2(T_IP6ADDR, T_INET_SERVICE), 20, NFT_SET_MAP, BO_BIG, 0 },
	{ "pf4", CONCAT2(T_INET_PROTO, T_INET_SERVICE), 8, CONCAT2(T_IPADDR, T_INET_SERVICE), 8,
	  NFT_SET_MAP, 0, 0 },
	{ "pf6", CONCAT2(T_INET_PROTO, T_INET_SERVICE), 8, CONCAT2(T_IP6ADDR, T_INET_SERVICE), 20,
	  NFT_SET_MAP, 0, 0 },
	{ "pf4ip", CONCAT3(T_IPADDR, T_INET_PROTO, T_INET_SERVICE), 12,
	  CONCAT2(T_IPADDR, T_INET_SERVICE), 8, NFT_SET_MAP, 0, 0 },
	{ "pf6ip", CONCAT3(T_IP6ADDR, T_INET_PROTO, T_INET_SERVICE), 24,
	  CONCAT2(T_IP6ADDR, T_INET_SERVICE), 20, NFT_SET_MAP, 0, 0 },
};

static void ifname_key(const char *name, uint8_t out[IFNAMSIZ])
{
	memset(out, 0, IFNAMSIZ);
	memcpy(out, name, strnlen(name, IFNAMSIZ - 1));
}

/* "meta nfproto <family>" */
static void match_nfproto(struct nftnl_rule *r, uint8_t proto)
{
	nftr_meta(r, NFT_META_NFPROTO, R1);
	nftr_cmp_u8(r, R1, NFT_CMP_EQ, proto);
}

static void match_ifset(struct nftnl_rule *r, uint32_t meta_key, const char *set)
{
	nftr_meta(r, meta_key, R1);
	nftr_lookup(r, R1, set, -1, false);
}

static void match_ct_bits(struct nftnl_rule *r, uint32_t key, uint32_t bits)
{
	uint32_t zero = 0;

	nftr_ct(r, key, R1);
	nftr_bitwise(r, R1, 4, &bits, &zero);
	nftr_cmp_u32(r, R1, NFT_CMP_NEQ, 0);
}

static void set_mark_bit(struct nftnl_rule *r)
{
	uint32_t mask = ~MARK_MASQ, xor = MARK_MASQ;

	nftr_meta(r, NFT_META_MARK, R1);
	nftr_bitwise(r, R1, 4, &mask, &xor);
	nftr_meta_set(r, NFT_META_MARK, R1);
}

static void set_ctmark(struct nftnl_rule *r, uint32_t bit)
{
	uint32_t mask = ~bit, xor = bit;

	/* A register the lookups' data never reaches (they use 8..12). */
	nftr_ct(r, NFT_CT_MARK, R32(12));
	nftr_bitwise(r, R32(12), 4, &mask, &xor);
	nftr_ct_set(r, NFT_CT_MARK, R32(12));
}

static void set_ctmark_accepted(struct nftnl_rule *r)
{
	uint32_t mask = ~CTMARK_ACCEPTED, xor = CTMARK_ACCEPTED;

	nftr_ct(r, NFT_CT_MARK, R1);
	nftr_bitwise(r, R1, 4, &mask, &xor);
	nftr_ct_set(r, NFT_CT_MARK, R1);
}

static void match_l4_dport(struct nftnl_rule *r, uint8_t proto, uint16_t port)
{
	uint16_t p = htons(port);

	nftr_meta(r, NFT_META_L4PROTO, R1);
	nftr_cmp_u8(r, R1, NFT_CMP_EQ, proto);
	nftr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, R1);
	nftr_cmp(r, R1, NFT_CMP_EQ, &p, 2);
}

static int add(struct nftb *b, struct nftnl_rule *r)
{
	return nftb_add_rule(b, r);
}

static int base_forward(struct nftb *b)
{
	struct nftnl_rule *r;
	int k = 0;

	r = nftr_new(FW_TABLE, "forward");	/* ct state invalid drop */
	match_ct_bits(r, NFT_CT_STATE, NF_CT_STATE_INVALID_BIT);
	nftr_verdict(r, NF_DROP, NULL);
	k |= add(b, r);
	r = nftr_new(FW_TABLE, "forward");	/* internal networks use no published port */
	match_ifset(r, NFT_META_IIFNAME, "br_internal");
	match_ct_bits(r, NFT_CT_MARK, CTMARK_DNAT);
	nftr_verdict(r, NF_DROP, NULL);
	k |= add(b, r);
	r = nftr_new(FW_TABLE, "forward");	/* published ports: netd's DNAT mark */
	match_ct_bits(r, NFT_CT_MARK, CTMARK_DNAT);
	set_ctmark_accepted(r);
	nftr_verdict(r, NF_ACCEPT, NULL);
	k |= add(b, r);
	r = nftr_new(FW_TABLE, "forward");	/* iifname vmap @nets: per-network policy */
	nftr_meta(r, NFT_META_IIFNAME, R1);
	nftr_lookup(r, R1, "nets", NFT_REG_VERDICT, false);
	k |= add(b, r);
	r = nftr_new(FW_TABLE, "forward");	/* oifname @br_internal drop */
	match_ifset(r, NFT_META_OIFNAME, "br_internal");
	nftr_verdict(r, NF_DROP, NULL);
	k |= add(b, r);
	r = nftr_new(FW_TABLE, "forward");	/* oifname @br_fwd ct state established,related accept */
	match_ifset(r, NFT_META_OIFNAME, "br_fwd");
	match_ct_bits(r, NFT_CT_STATE, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) |
						  NF_CT_STATE_BIT(IP_CT_RELATED));
	nftr_verdict(r, NF_ACCEPT, NULL);
	k |= add(b, r);
	r = nftr_new(FW_TABLE, "forward");	/* iifname @br_fwd accept */
	match_ifset(r, NFT_META_IIFNAME, "br_fwd");
	set_ctmark_accepted(r);
	nftr_verdict(r, NF_ACCEPT, NULL);
	k |= add(b, r);
	return k ? -ENOMEM : 0;
}

static int base_input(struct nftb *b)
{
	static const uint8_t protos[] = { IPPROTO_UDP, IPPROTO_TCP };
	struct nftnl_rule *r;
	int k = 0;

	r = nftr_new(FW_TABLE, "input");	/* DNS redirected to NETAVARK_DNS_PORT */
	match_ifset(r, NFT_META_IIFNAME, "br_dns");
	match_ct_bits(r, NFT_CT_MARK, CTMARK_DNAT);
	set_ctmark_accepted(r);
	nftr_verdict(r, NF_ACCEPT, NULL);
	k |= add(b, r);
	for (size_t i = 0; i < ELEMENTSOF(protos); i++) {
		r = nftr_new(FW_TABLE, "input");
		match_ifset(r, NFT_META_IIFNAME, "br_dns");
		match_l4_dport(r, protos[i], 53);
		set_ctmark_accepted(r);
		nftr_verdict(r, NF_ACCEPT, NULL);
		k |= add(b, r);
	}
	return k ? -ENOMEM : 0;
}

static int base_hostports(struct nftb *b)
{
	static const uint8_t protos[] = { IPPROTO_UDP, IPPROTO_TCP };
	struct nftnl_rule *r;
	uint8_t lo = 127;
	int k = 0;

	/* Containers and localhost reaching a published port get masqueraded, so replies come back through the host. */
	r = nftr_new(FW_TABLE, "hostports");
	match_ifset(r, NFT_META_IIFNAME, "br_all");
	set_mark_bit(r);
	k |= add(b, r);
	r = nftr_new(FW_TABLE, "hostports");
	match_nfproto(r, NFPROTO_IPV4);
	nftr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 1, R1);
	nftr_cmp(r, R1, NFT_CMP_EQ, &lo, 1);
	set_mark_bit(r);
	k |= add(b, r);

	/* DNS on port 53 of a gateway → the resolver's port (NETAVARK_DNS_PORT, or 53 itself), before any published port. */
	for (size_t i = 0; i < ELEMENTSOF(protos); i++) {
		r = nftr_new(FW_TABLE, "hostports");
		match_nfproto(r, NFPROTO_IPV4);
		match_l4_dport(r, protos[i], 53);
		nftr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, R1);
		nftr_lookup(r, R1, "dnsgw4", R1, false);
		set_ctmark(r, CTMARK_DNAT);
		nftr_nat(r, NFT_NAT_DNAT, NFPROTO_IPV4, R1, R32(1));
		k |= add(b, r);
		r = nftr_new(FW_TABLE, "hostports");
		match_nfproto(r, NFPROTO_IPV6);
		match_l4_dport(r, protos[i], 53);
		nftr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 24, 16, R1);
		nftr_lookup(r, R1, "dnsgw6", R1, false);
		set_ctmark(r, CTMARK_DNAT);
		nftr_nat(r, NFT_NAT_DNAT, NFPROTO_IPV6, R1, NFT_REG_2);
		k |= add(b, r);
	}

	/* dnat ip to ip daddr . meta l4proto . th dport map @pf4ip */
	r = nftr_new(FW_TABLE, "hostports");
	match_nfproto(r, NFPROTO_IPV4);
	nftr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, R32(0));
	nftr_meta(r, NFT_META_L4PROTO, R32(1));
	nftr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, R32(2));
	nftr_lookup(r, R32(0), "pf4ip", R1, false);
	set_ctmark(r, CTMARK_DNAT);
	nftr_nat(r, NFT_NAT_DNAT, NFPROTO_IPV4, R1, R32(1));
	k |= add(b, r);
	/* dnat ip to meta l4proto . th dport map @pf4 */
	r = nftr_new(FW_TABLE, "hostports");
	match_nfproto(r, NFPROTO_IPV4);
	nftr_meta(r, NFT_META_L4PROTO, R32(0));
	nftr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, R32(1));
	nftr_lookup(r, R32(0), "pf4", R1, false);
	set_ctmark(r, CTMARK_DNAT);
	nftr_nat(r, NFT_NAT_DNAT, NFPROTO_IPV4, R1, R32(1));
	k |= add(b, r);
	/* dnat ip6 to ip6 daddr . meta l4proto . th dport map @pf6ip */
	r = nftr_new(FW_TABLE, "hostports");
	match_nfproto(r, NFPROTO_IPV6);
	nftr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 24, 16, R1);
	nftr_meta(r, NFT_META_L4PROTO, R32(4));
	nftr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, R32(5));
	nftr_lookup(r, R1, "pf6ip", R1, false);
	set_ctmark(r, CTMARK_DNAT);
	nftr_nat(r, NFT_NAT_DNAT, NFPROTO_IPV6, R1, NFT_REG_2);
	k |= add(b, r);
	/* dnat ip6 to meta l4proto . th dport map @pf6 */
	r = nftr_new(FW_TABLE, "hostports");
	match_nfproto(r, NFPROTO_IPV6);
	nftr_meta(r, NFT_META_L4PROTO, R32(0));
	nftr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, R32(1));
	nftr_lookup(r, R32(0), "pf6", R1, false);
	set_ctmark(r, CTMARK_DNAT);
	nftr_nat(r, NFT_NAT_DNAT, NFPROTO_IPV6, R1, NFT_REG_2);
	k |= add(b, r);
	return k ? -ENOMEM : 0;
}

static int base_nat(struct nftb *b)
{
	static const char *const dnat_chains[] = { "prerouting", "output" };
	struct nftnl_rule *r;
	uint32_t mark = MARK_MASQ, zero = 0;
	uint8_t mc4[4] = { 0xe0 }, mask4[4] = { 0xf0 }, zero4[4] = { 0 }, mc6 = 0xff;
	int k = 0;

	for (size_t i = 0; i < ELEMENTSOF(dnat_chains); i++) {
		r = nftr_new(FW_TABLE, dnat_chains[i]);	/* fib daddr type local jump hostports */
		nftr_fib_daddr_type(r, R1);
		nftr_cmp_u32(r, R1, NFT_CMP_EQ, RTN_LOCAL);
		nftr_verdict(r, NFT_JUMP, "hostports");
		k |= add(b, r);
	}
	/* Hairpin and localhost connections to a published port: masquerade, so replies come back. */
	r = nftr_new(FW_TABLE, "postrouting");
	nftr_meta(r, NFT_META_MARK, R1);
	nftr_bitwise(r, R1, 4, &mark, &zero);
	nftr_cmp_u32(r, R1, NFT_CMP_EQ, MARK_MASQ);
	match_ct_bits(r, NFT_CT_MARK, CTMARK_DNAT);
	nftr_masq(r);
	k |= add(b, r);
	r = nftr_new(FW_TABLE, "postrouting");	/* between netd networks: no NAT */
	match_ifset(r, NFT_META_OIFNAME, "br_all");
	nftr_verdict(r, NFT_RETURN, NULL);
	k |= add(b, r);
	r = nftr_new(FW_TABLE, "postrouting");	/* multicast stays as it is */
	match_nfproto(r, NFPROTO_IPV4);
	nftr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, R1);
	nftr_bitwise(r, R1, 4, mask4, zero4);
	nftr_cmp(r, R1, NFT_CMP_EQ, mc4, 4);
	nftr_verdict(r, NFT_RETURN, NULL);
	k |= add(b, r);
	r = nftr_new(FW_TABLE, "postrouting");
	match_nfproto(r, NFPROTO_IPV6);
	nftr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 24, 1, R1);
	nftr_cmp(r, R1, NFT_CMP_EQ, &mc6, 1);
	nftr_verdict(r, NFT_RETURN, NULL);
	k |= add(b, r);
	r = nftr_new(FW_TABLE, "postrouting");	/* snat ip to iifname map @snat4 */
	match_nfproto(r, NFPROTO_IPV4);
	nftr_meta(r, NFT_META_IIFNAME, R1);
	nftr_lookup(r, R1, "snat4", R1, false);
	nftr_nat(r, NFT_NAT_SNAT, NFPROTO_IPV4, R1, 0);
	k |= add(b, r);
	r = nftr_new(FW_TABLE, "postrouting");
	match_nfproto(r, NFPROTO_IPV6);
	nftr_meta(r, NFT_META_IIFNAME, R1);
	nftr_lookup(r, R1, "snat6", R1, false);
	nftr_nat(r, NFT_NAT_SNAT, NFPROTO_IPV6, R1, 0);
	k |= add(b, r);
	r = nftr_new(FW_TABLE, "postrouting");	/* iifname @masq4 masquerade */
	match_nfproto(r, NFPROTO_IPV4);
	match_ifset(r, NFT_META_IIFNAME, "masq4");
	nftr_masq(r);
	k |= add(b, r);
	r = nftr_new(FW_TABLE, "postrouting");
	match_nfproto(r, NFPROTO_IPV6);
	match_ifset(r, NFT_META_IIFNAME, "masq6");
	nftr_masq(r);
	k |= add(b, r);
	return k ? -ENOMEM : 0;
}

int fwnft_base(struct nftb *b)
{
	int r;

	if ((r = nftb_add_table(b)) < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(setdefs); i++)
		if ((r = nftb_add_set(b, &setdefs[i])) < 0)
			return r;
	if ((r = nftb_add_chain(b, "hostports", NULL, 0, 0)) < 0 ||
	    (r = nftb_add_chain(b, "forward", "filter", NF_INET_FORWARD, -1)) < 0 ||
	    (r = nftb_add_chain(b, "input", "filter", NF_INET_LOCAL_IN, -1)) < 0 ||
	    (r = nftb_add_chain(b, "prerouting", "nat", NF_INET_PRE_ROUTING, -100)) < 0 ||
	    (r = nftb_add_chain(b, "output", "nat", NF_INET_LOCAL_OUT, -100)) < 0 ||
	    (r = nftb_add_chain(b, "postrouting", "nat", NF_INET_POST_ROUTING, 100)) < 0)
		return r;
	if ((r = base_forward(b)) < 0 || (r = base_input(b)) < 0 ||
	    (r = base_hostports(b)) < 0 || (r = base_nat(b)) < 0)
		return r;
	return 0;
}

void fwnft_iso_chain(const struct nd_network *net, char out[32])
{
	snprintf(out, 32, "nw_%s", net->network_interface);
}

static int one_ifname(struct nftb *b, bool add, const char *set, const char *br, const char *jump)
{
	struct nftb_elem e = { .key_len = IFNAMSIZ, .jump = jump };

	ifname_key(br, e.key);
	return nftb_elems(b, add, false, set, &e, 1, set);
}

int fwnft_network(struct nftb *b, bool add, const struct nd_network *net, uint16_t dns_port,
		  bool chain_exists)
{
	const char *br = net->network_interface;
	bool isolated = net->isolate != ND_ISOLATE_FALSE;
	char chain[32];
	int r;

	fwnft_iso_chain(net, chain);
	if (add && !chain_exists) {
		struct nftnl_rule *rule;
		uint8_t key[IFNAMSIZ];

		if ((r = nftb_add_chain(b, chain, NULL, 0, 0)) < 0)
			return r;
		/* Within the network (br_netfilter, or routing between its subnets): allowed. */
		rule = nftr_new(FW_TABLE, chain);
		ifname_key(br, key);
		nftr_meta(rule, NFT_META_OIFNAME, R1);
		nftr_cmp(rule, R1, NFT_CMP_EQ, key, IFNAMSIZ);
		set_ctmark_accepted(rule);
		nftr_verdict(rule, NF_ACCEPT, NULL);
		if ((r = nftb_add_rule(b, rule)) < 0)
			return r;
		/* The same without conntrack: untracked packets (IPv6 neighbour discovery). */
		rule = nftr_new(FW_TABLE, chain);
		nftr_meta(rule, NFT_META_OIFNAME, R1);
		nftr_cmp(rule, R1, NFT_CMP_EQ, key, IFNAMSIZ);
		nftr_verdict(rule, NF_ACCEPT, NULL);
		if ((r = nftb_add_rule(b, rule)) < 0)
			return r;
		rule = nftr_new(FW_TABLE, chain);
		if (net->internal) {
			/* Nothing leaves an internal network. */
		} else if (isolated) {
			match_ifset(rule, NFT_META_OIFNAME,
				    net->isolate == ND_ISOLATE_STRICT ? "br_all" : "br_iso");
		} else {
			nftnl_rule_free(rule);
			rule = NULL;
		}
		if (rule) {
			nftr_verdict(rule, NF_DROP, NULL);
			if ((r = nftb_add_rule(b, rule)) < 0)
				return r;
		}
	}
	if ((r = one_ifname(b, add, "br_all", br, NULL)) < 0 ||
	    (r = one_ifname(b, add, net->internal ? "br_internal" : "br_fwd", br, NULL)) < 0 ||
	    (r = one_ifname(b, add, "br_dns", br, NULL)) < 0)
		return r;
	if ((r = one_ifname(b, add, "nets", br, add ? chain : NULL)) < 0)
		return r;
	if (isolated && (r = one_ifname(b, add, "br_iso", br, NULL)) < 0)
		return r;
	if (!net->internal) {
		static const struct { int family; const char *masq, *snat; } fam[] = {
			{ AF_INET, "masq4", "snat4" }, { AF_INET6, "masq6", "snat6" },
		};
		for (size_t f = 0; f < ELEMENTSOF(fam); f++) {
			const struct nd_ip *out = fam[f].family == AF_INET ?
				(net->has_outbound_addr4 ? &net->outbound_addr4 : NULL) :
				(net->has_outbound_addr6 ? &net->outbound_addr6 : NULL);
			if (!network_has_family(net, fam[f].family))
				continue;
			if (out) {
				struct nftb_elem e = { .key_len = IFNAMSIZ,
						       .data_len = nd_ip_bytes(out->family) };
				ifname_key(br, e.key);
				memcpy(e.data, out->b, e.data_len);
				r = nftb_elems(b, add, false, fam[f].snat, &e, 1, fam[f].snat);
			} else {
				r = one_ifname(b, add, fam[f].masq, br, NULL);
			}
			if (r < 0)
				return r;
		}
	}
	/*
	 * Every DNS gateway gets its redirect, to port 53 itself too: the rule
	 * comes before the published-port maps in hostports, so a container
	 * publishing 53 on all host addresses never answers the queries other
	 * networks' containers send to their gateway. Keyed by gateway only:
	 * removed whatever port this run was given.
	 */
	if (net->dns_enabled) {
		for (size_t s = 0; s < net->n_subnets; s++) {
			const struct nd_subnet *sn = &net->subnets[s];
			struct nftb_elem e = {0};
			uint16_t p = htons(dns_port);
			unsigned n;

			if (!sn->has_gateway)
				continue;
			n = nd_ip_bytes(sn->gateway.family);
			e.key_len = n;
			memcpy(e.key, sn->gateway.b, n);
			if (add) {
				e.data_len = n + 4;
				memcpy(e.data, sn->gateway.b, n);
				memcpy(e.data + n, &p, 2);
			}
			if (!add && nft_elem_exists(FW_TABLE, n == 4 ? "dnsgw4" : "dnsgw6", &e) != 1)
				continue;
			r = nftb_elems(b, add, false, n == 4 ? "dnsgw4" : "dnsgw6", &e, 1, "dns port");
			if (r < 0)
				return r;
		}
	}
	if (!add)
		return nftb_del_chain(b, chain);
	return 0;
}

const struct nd_attach *fwnft_port_attach(const struct nd_request *req, exec_fw_needs_fn *needs)
{
	for (size_t i = 0; i < req->n_attach; i++) {
		const struct nd_attach *a = &req->attach[i];
		if (needs(a) && !a->net->internal && a->n_addrs > 0)
			return a;
	}
	return NULL;
}

static const struct nd_ip *first_addr(const struct nd_attach *a, int family)
{
	for (size_t k = 0; k < a->n_addrs; k++)
		if (a->addrs[k].addr.addr.family == family)
			return &a->addrs[k].addr.addr;
	return NULL;
}

/* Build the elements of one family's maps for all mappings. */
static int port_family(const struct nd_request *req, const struct nd_attach *a, int family,
		       struct nftb_elem **any, size_t *n_any, struct nftb_elem **one, size_t *n_one)
{
	const struct nd_ip *ctr = first_addr(a, family);
	size_t total = 0, ia = 0, io = 0;
	unsigned alen = nd_ip_bytes(family);

	*any = *one = NULL;
	*n_any = *n_one = 0;
	if (!ctr)
		return 0;
	for (size_t i = 0; i < req->n_ports; i++)
		total += req->ports[i].range;
	*any = calloc(total ? total : 1, sizeof(**any));
	*one = calloc(total ? total : 1, sizeof(**one));
	if (!*any || !*one)
		return -ENOMEM;
	for (size_t i = 0; i < req->n_ports; i++) {
		const struct nd_port *p = &req->ports[i];
		bool want_any = p->host_ip_kind == ND_HOSTIP_ALL ||
			(p->host_ip_kind == ND_HOSTIP_ALL_V4 && family == AF_INET) ||
			(p->host_ip_kind == ND_HOSTIP_ALL_V6 && family == AF_INET6);
		bool want_one = p->host_ip_kind == ND_HOSTIP_ONE && p->host_ip.family == family;

		if (!want_any && !want_one)
			continue;
		for (uint32_t k = 0; k < p->range; k++) {
			struct nftb_elem *e = want_any ? &(*any)[ia++] : &(*one)[io++];
			uint16_t hp = htons((uint16_t)(p->host_port + k));
			uint16_t cp = htons((uint16_t)(p->container_port + k));
			uint8_t proto = p->proto == ND_PROTO_TCP ? IPPROTO_TCP :
					p->proto == ND_PROTO_UDP ? IPPROTO_UDP : IPPROTO_SCTP;
			size_t off = 0;

			if (want_one) {
				memcpy(e->key, p->host_ip.b, alen);
				off = alen;
			}
			e->key[off] = proto;
			memcpy(e->key + off + 4, &hp, 2);
			e->key_len = (uint32_t)(off + 8);
			memcpy(e->data, ctr->b, alen);
			memcpy(e->data + alen, &cp, 2);
			e->data_len = alen + 4;
		}
	}
	*n_any = ia;
	*n_one = io;
	return 0;
}

/*
 * Before a delete: keep only the elements whose DNAT target (map data) is
 * this container's, so another container's port on the same key stays.
 * Elements already gone stay in the list (the tolerant commit skips them).
 */
static void only_owned(const char *map, struct nftb_elem *e, size_t *n)
{
	size_t keep = 0;

	for (size_t i = 0; i < *n; i++) {
		uint8_t data[NFTB_DATA_MAX];
		uint32_t len = 0;
		int r = nft_elem_data(FW_TABLE, map, &e[i], data, sizeof(data), &len);

		if (r == 1 && (len != e[i].data_len || memcmp(data, e[i].data, len) != 0)) {
			log_warn("published port in map %s forwards to another container; left it", map);
			continue;
		}
		if (r < 0) {
			log_warn("cannot read published port in map %s (%s); left it", map, strerror(-r));
			continue;
		}
		if (keep != i)
			e[keep] = e[i];
		keep++;
	}
	*n = keep;
}

int fwnft_ports(struct nftb *b, bool add, bool excl, const struct nd_request *req,
		const struct nd_attach *a)
{
	static const struct { int family; const char *any, *one; } fam[] = {
		{ AF_INET, "pf4", "pf4ip" }, { AF_INET6, "pf6", "pf6ip" },
	};
	int r = 0;

	for (size_t f = 0; f < ELEMENTSOF(fam) && r == 0; f++) {
		_cleanup_free_ struct nftb_elem *any = NULL, *one = NULL;
		size_t n_any, n_one;

		r = port_family(req, a, fam[f].family, &any, &n_any, &one, &n_one);
		if (r == 0 && !add) {
			only_owned(fam[f].any, any, &n_any);
			only_owned(fam[f].one, one, &n_one);
		}
		if (r == 0)
			r = nftb_elems(b, add, excl, fam[f].any, any, n_any, "ports");
		if (r == 0)
			r = nftb_elems(b, add, excl, fam[f].one, one, n_one, "ports");
	}
	return r;
}

int fwnft_foreach_port(const struct nd_request *req, const struct nd_attach *a,
		       int (*fn)(const struct fwnft_port *p, void *arg), void *arg)
{
	static const struct { int family; const char *any, *one; } fam[] = {
		{ AF_INET, "pf4", "pf4ip" }, { AF_INET6, "pf6", "pf6ip" },
	};

	for (size_t f = 0; f < ELEMENTSOF(fam); f++) {
		_cleanup_free_ struct nftb_elem *any = NULL, *one = NULL;
		size_t n_any, n_one;

		if (port_family(req, a, fam[f].family, &any, &n_any, &one, &n_one) < 0)
			return -ENOMEM;
		for (int which = 0; which < 2; which++) {
			const struct nftb_elem *v = which ? one : any;
			size_t n = which ? n_one : n_any, off = which ? nd_ip_bytes(fam[f].family) : 0;

			for (size_t i = 0; i < n; i++) {
				struct fwnft_port p = { .map = which ? fam[f].one : fam[f].any,
							.elem = &v[i], .family = fam[f].family };
				uint16_t port;
				int r;

				memcpy(&port, v[i].key + off + 4, 2);
				p.host_port = ntohs(port);
				p.proto = v[i].key[off];
				if (which) {
					p.host_ip.family = fam[f].family;
					memcpy(p.host_ip.b, v[i].key, off);
				}
				if ((r = fn(&p, arg)) != 0)
					return r;
			}
		}
	}
	return 0;
}

struct conflict_ctx {
	char *msg;
	size_t size;
};

static int conflict_one(const struct fwnft_port *p, void *arg)
{
	struct conflict_ctx *c = arg;
	char ip[ND_ADDRSTRLEN] = "";

	if (nft_elem_exists(FW_TABLE, p->map, p->elem) != 1)
		return 0;
	if (p->host_ip.family)
		nd_ip_str(&p->host_ip, ip);
	snprintf(c->msg, c->size, "host port %u/%s%s%s is already forwarded to another container",
		 p->host_port,
		 p->proto == IPPROTO_TCP ? "tcp" : p->proto == IPPROTO_UDP ? "udp" : "sctp",
		 p->host_ip.family ? " on host IP " :
		 (p->family == AF_INET ? " on all IPv4 addresses" : " on all IPv6 addresses"), ip);
	return 1;
}

int fwnft_port_conflict(const struct nd_request *req, const struct nd_attach *a, char *msg,
			size_t size)
{
	struct conflict_ctx c = { msg, size };

	return fwnft_foreach_port(req, a, conflict_one, &c);
}
