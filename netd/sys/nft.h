/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A thin nftables layer over libnftnl + libmnl: one batch (transaction) per
 * call of nftb_commit(), rule expressions, set elements, and the few
 * existence checks netd needs. Nothing here knows netd's ruleset; see fw-nft.c.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nftnl_rule;
struct nftb;

#define NFTB_KEY_MAX 40
#define NFTB_DATA_MAX 20

/* One set or map element. */
struct nftb_elem {
	uint8_t key[NFTB_KEY_MAX];
	uint32_t key_len;
	uint8_t data[NFTB_DATA_MAX];	/* map data; data_len 0 for plain sets */
	uint32_t data_len;
	const char *jump;		/* verdict map: jump to this chain */
};

struct nftb_setdef {
	const char *name;
	uint32_t key_type, key_len;
	uint32_t data_type, data_len;	/* data_len 0: a plain set */
	uint32_t flags;			/* NFT_SET_* */
	uint8_t key_byteorder, data_byteorder;	/* for nft's display: 1 host, 2 big endian */
};

/*
 * A new, empty batch of changes to table @table (family inet; the name is
 * copied). The nftb_add_*, nftb_del_* and nftb_elems() calls below append one
 * message each (nothing is sent before nftb_commit()) and return 0, -ENOMEM,
 * or -EMSGSIZE when the batch is full. Return: 0 with *@ret the caller's
 * (nftb_free()), or -ENOMEM.
 */
int nftb_new(const char *table, struct nftb **ret);
/* Free @b and what it holds (NULL is fine); an uncommitted batch is dropped. */
void nftb_free(struct nftb *b);
static inline void nftb_freep(struct nftb **b)
{
	nftb_free(*b);
}
/* The number of messages in @b so far. */
size_t nftb_count(const struct nftb *b);
/* The batch's messages so far (without the batch end), borrowed from @b: for
 * tests, nothing is sent. */
const void *nftb_data(const struct nftb *b, size_t *len);
/* Deletions skip what does not exist (one lookup each): for repairs after damage. */
void nftb_set_tolerant(struct nftb *b, bool on);

/* Create (if missing) or delete the batch's table. */
int nftb_add_table(struct nftb *b);
int nftb_del_table(struct nftb *b);
/* @hook NULL: a regular chain. @type "filter" or "nat". */
int nftb_add_chain(struct nftb *b, const char *name, const char *type, int hooknum, int prio);
int nftb_del_chain(struct nftb *b, const char *name);
int nftb_add_set(struct nftb *b, const struct nftb_setdef *def);
/* Appends the rule; takes ownership of @r (freed here, also on failure). */
int nftb_add_rule(struct nftb *b, struct nftnl_rule *r);
/* All @n elements in one message; @excl: fail with EEXIST if one exists. */
int nftb_elems(struct nftb *b, bool add, bool excl, const char *set, const struct nftb_elem *e,
	       size_t n, const char *label);

/**
 * nftb_commit() - send the batch as one transaction and read every reply
 * @failed:	index of the first message the kernel refused (or -1)
 * @label:	that message's label, if it had one
 * Return: 0, or the kernel's -errno (nothing was applied then).
 */
int nftb_commit(struct nftb *b, int *failed, const char **label, char *ext_msg, size_t ext_size);

/* Existence checks in family inet, one netlink round trip each, outside any
 * batch. Return: 1 (exists), 0 (does not), or -errno. */
int nft_table_exists(const char *table);
int nft_chain_exists(const char *table, const char *chain);
int nft_elem_exists(const char *table, const char *set, const struct nftb_elem *e);
/* Like nft_elem_exists(), and copies the element's map data (up to @size bytes) to @data. */
int nft_elem_data(const char *table, const char *set, const struct nftb_elem *e, uint8_t *data,
		  uint32_t size, uint32_t *len);
/* Keys of all elements of @set (for small sets only): up to @max keys of
 * @key_len bytes into the caller's @keys, their number in *@n.
 * Return: 0, -E2BIG when the set has more than @max, or -errno. */
int nft_set_keys(const char *table, const char *set, uint8_t *keys, uint32_t key_len, size_t max,
		 size_t *n);

/*
 * Rule building. Registers: 0 verdict, 1..4 (16 bytes), 8..23 (4 bytes).
 * nftr_new() returns a rule of the caller's (hand it to nftb_add_rule());
 * each nftr_*() appends one expression. They cannot fail: out of memory,
 * they abort().
 */
struct nftnl_rule *nftr_new(const char *table, const char *chain);
void nftr_meta(struct nftnl_rule *r, uint32_t key, uint32_t dreg);
void nftr_meta_set(struct nftnl_rule *r, uint32_t key, uint32_t sreg);
void nftr_ct(struct nftnl_rule *r, uint32_t key, uint32_t dreg);
void nftr_ct_set(struct nftnl_rule *r, uint32_t key, uint32_t sreg);
void nftr_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len, uint32_t dreg);
void nftr_cmp(struct nftnl_rule *r, uint32_t sreg, uint32_t op, const void *data, uint32_t len);
void nftr_cmp_u8(struct nftnl_rule *r, uint32_t sreg, uint32_t op, uint8_t v);
void nftr_cmp_u32(struct nftnl_rule *r, uint32_t sreg, uint32_t op, uint32_t v);
void nftr_bitwise(struct nftnl_rule *r, uint32_t reg, uint32_t len, const void *mask, const void *xor);
/* @dreg < 0: a plain set lookup; 0: verdict map; else data map into @dreg. */
void nftr_lookup(struct nftnl_rule *r, uint32_t sreg, const char *set, int dreg, bool invert);
void nftr_verdict(struct nftnl_rule *r, int verdict, const char *chain);
void nftr_fib_daddr_type(struct nftnl_rule *r, uint32_t dreg);
void nftr_nat(struct nftnl_rule *r, uint32_t type, uint32_t family, uint32_t reg_addr, uint32_t reg_proto);
void nftr_masq(struct nftnl_rule *r);
