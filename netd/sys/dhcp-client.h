/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DHCPv4 client exchanges, run in the caller's network namespace on one
 * interface: a packet socket (AF_PACKET, SOCK_DGRAM, ETH_P_IP) bound to the
 * interface sends and receives whole IPv4/UDP frames, so it works before the
 * interface has an address and needs no route. The caller enters the
 * container's namespace first (setup through exec_in_container, the keeper
 * with setns).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "dhcp-packet.h"

#define DHCP_TIMEOUT_MS 5000		/* DISCOVER..ACK as a whole, like netavark */

struct dhcp_lease {
	uint32_t addr, mask, router, server_id;	/* network byte order */
	uint32_t dns[DHCP_MAX_DNS];
	size_t n_dns;
	char domain[DHCP_DOMAIN_MAX];
	char search[DHCP_SEARCH_MAX][DHCP_DOMAIN_MAX];
	size_t n_search;
	uint32_t lease, t1, t2;			/* seconds, T1/T2 defaulted */
	int64_t acquired;			/* CLOCK_REALTIME seconds of the ACK */
};

struct dhcp_iface {
	int ifindex;
	uint8_t mac[6];
	const char *hostname;			/* option 12, may be NULL */
	uint8_t client_id[7];			/* type 1 + MAC */
	int timeout_ms;
};

/* Fill @ifc (overwritten) for @ifindex: MAC, client identifier from the MAC,
 * DHCP_TIMEOUT_MS; @hostname is borrowed and must outlive @ifc. */
void dhcp_iface_init(struct dhcp_iface *ifc, int ifindex, const uint8_t mac[6],
		     const char *hostname);

/**
 * dhcp_acquire() - DISCOVER, OFFER, REQUEST, ACK with retransmissions
 * @why:	on failure, a sentence for the user (what was heard, if anything)
 * Return: 0, -ETIMEDOUT (no usable answer in time), -ECONNREFUSED (NAK), -errno
 */
int dhcp_acquire(const struct dhcp_iface *ifc, struct dhcp_lease *ret, char *why, size_t whysz);

/**
 * dhcp_renew() - extend @l: REQUEST with ciaddr, to its server (RENEWING) or
 * to everyone (@rebind, REBINDING). On ACK @l is updated (its address may
 * change); -ECONNREFUSED on NAK, -ETIMEDOUT without an answer.
 */
int dhcp_renew(const struct dhcp_iface *ifc, struct dhcp_lease *l, bool rebind);

/* RELEASE / DECLINE @l; fire and forget (no answer exists).
 * Return: 0, or the -errno of opening the socket or sending. */
int dhcp_release(const struct dhcp_iface *ifc, const struct dhcp_lease *l);
int dhcp_decline(const struct dhcp_iface *ifc, const struct dhcp_lease *l);

/*
 * Whether some other host answers ARP for @l->addr on the interface (an RFC
 * 5227 probe, ~@wait_ms): 1 = in use, 0 = free, -errno.
 */
int dhcp_addr_in_use(const struct dhcp_iface *ifc, uint32_t addr, int wait_ms);

/* CLOCK_REALTIME now, in seconds (the clock of dhcp_lease.acquired). */
int64_t dhcp_now(void);
