/* SPDX-License-Identifier: Apache-2.0 */
/* netd's nftables ruleset (table "inet netd"); see docs/firewall.md. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "exec.h"
#include "model.h"
#include "nft.h"

#define FW_TABLE "netd"

/* Base chains, sets and rules of an empty table. */
int fwnft_base(struct nftb *b);

/* Elements (and the isolation chain) of one network. @chain_exists: skip creating it. */
int fwnft_network(struct nftb *b, bool add, const struct nd_network *net, uint16_t dns_port,
		  bool chain_exists);

/* Port forwarding elements of a container's attachment. @excl: refuse existing ports. */
int fwnft_ports(struct nftb *b, bool add, bool excl, const struct nd_request *req,
		const struct nd_attach *a);

/* The attachment that carries the container's published ports, or NULL. @needs: which get rules. */
const struct nd_attach *fwnft_port_attach(const struct nd_request *req, exec_fw_needs_fn *needs);

/* Name of a network's isolation chain. */
void fwnft_iso_chain(const struct nd_network *net, char out[32]);

/* One published-port element: its map, its key, and what the key says. */
struct fwnft_port {
	const char *map;		/* pf4, pf6, pf4ip or pf6ip */
	const struct nftb_elem *elem;
	int family;
	struct nd_ip host_ip;		/* family 0 when the map is for all addresses */
	uint16_t host_port;
	uint8_t proto;			/* IPPROTO_* */
};

/* Call @fn for each element attachment @a's ports need; a non-zero return stops it. */
int fwnft_foreach_port(const struct nd_request *req, const struct nd_attach *a,
		       int (*fn)(const struct fwnft_port *p, void *arg), void *arg);

/* Find which element of a refused port message exists; writes a message. */
int fwnft_port_conflict(const struct nd_request *req, const struct nd_attach *a, char *msg,
			size_t size);
