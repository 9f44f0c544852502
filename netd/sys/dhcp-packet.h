/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DHCPv4 wire codec (RFC 2131/2132): pure, bounds-checked, no I/O.
 * Builds client messages (DISCOVER, REQUEST, DECLINE, RELEASE) inside an
 * IPv4/UDP frame for a packet socket, and parses server replies from such a
 * frame. Addresses are kept in network byte order (as on the wire).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP_FIXED_LEN 236		/* BOOTP header up to the options */
#define DHCP_MIN_LEN (DHCP_FIXED_LEN + 4)	/* plus the magic cookie */
#define DHCP_FRAME_MAX 1500		/* what we build and accept */
#define DHCP_MAX_DNS 4
#define DHCP_DOMAIN_MAX 254		/* 253 characters + NUL */
#define DHCP_SEARCH_MAX 6

enum dhcp_type {
	DHCP_DISCOVER = 1,
	DHCP_OFFER = 2,
	DHCP_REQUEST = 3,
	DHCP_DECLINE = 4,
	DHCP_ACK = 5,
	DHCP_NAK = 6,
	DHCP_RELEASE = 7,
};

/* What a client message carries. Zero addresses are left out of the options. */
struct dhcp_out {
	enum dhcp_type type;
	uint32_t xid;
	uint8_t mac[6];
	uint32_t ciaddr;		/* RENEW/REBIND/RELEASE: our address */
	uint32_t requested;		/* option 50 */
	uint32_t server_id;		/* option 54 */
	const char *hostname;		/* option 12, may be NULL */
	const uint8_t *client_id;	/* option 61, may be NULL */
	size_t client_id_len;		/* 1..255 */
};

/* A parsed server reply: only what netd uses. */
struct dhcp_reply {
	enum dhcp_type type;
	uint32_t xid;
	uint8_t chaddr[6];
	uint32_t yiaddr;
	uint32_t server_id;		/* 0 = absent */
	uint32_t mask;			/* 0 = absent */
	uint32_t router;		/* first router, 0 = absent */
	uint32_t dns[DHCP_MAX_DNS];
	size_t n_dns;
	uint32_t lease;			/* seconds; 0 = absent */
	uint32_t t1, t2;		/* 0 = absent */
	char domain[DHCP_DOMAIN_MAX];	/* option 15, "" = absent */
	char search[DHCP_SEARCH_MAX][DHCP_DOMAIN_MAX];	/* option 119 */
	size_t n_search;
};

/**
 * dhcp_build() - a client message as IPv4 + UDP + BOOTP, for an AF_PACKET
 * SOCK_DGRAM socket (the kernel adds the link header)
 * @src, @dst:	IPv4 source (0.0.0.0 before a lease) and destination
 * Return: the frame length, or -EINVAL (bad input) / -EMSGSIZE (@size too small)
 */
int dhcp_build(uint8_t *buf, size_t size, const struct dhcp_out *m, uint32_t src, uint32_t dst);

/**
 * dhcp_parse_frame() - an IPv4 frame from the packet socket: if it is a
 * well-formed UDP datagram to port 68 carrying a BOOTREPLY, parse it
 * Return: 0, -ENOMSG (not for a DHCP client), -EBADMSG (malformed)
 * On failure *@ret is untouched.
 */
int dhcp_parse_frame(const uint8_t *buf, size_t len, struct dhcp_reply *ret);

/* The same on the BOOTP payload alone (after UDP). */
int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_reply *ret);

/* An address a server may hand to a container: not 0/8, 127/8, 169.254/16,
 * multicast, class E or broadcast. @a in network byte order. */
bool dhcp_addr_usable(uint32_t a);

/* The prefix length of a contiguous mask (network order), or -EINVAL. */
int dhcp_mask_len(uint32_t mask);

/* "DISCOVER", "ACK", ...: a static string, "unknown" for another type. */
const char *dhcp_type_name(enum dhcp_type t);
