// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness for the DHCPv4 codec (netd/sys/dhcp-packet.c): the raw bytes
 * are an IPv4 frame as netd's packet socket would receive it.
 *
 * They go to dhcp_parse_frame() and, past a 28-byte IPv4/UDP header, to
 * dhcp_parse(). Besides the sanitizers the harness checks the contracts:
 * failures leave the result alone; a parsed reply has a known type, at most
 * DHCP_MAX_DNS servers, a contiguous mask, printable domain and search names
 * without empty labels. Finally the first bytes pick the fields of a client
 * message that is built and must read back (as a reply) with the same xid,
 * MAC and type.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp-packet.h"
#include "fuzz.h"

static void check_name(const char *s, bool dots_ok)
{
	size_t len = strnlen(s, DHCP_DOMAIN_MAX);

	REQUIRE(len < DHCP_DOMAIN_MAX);
	for (size_t i = 0; i < len; i++) {
		REQUIRE(s[i] > 0x20 && s[i] < 0x7f);
		if (s[i] == '.' && !dots_ok)
			abort();
	}
}

static void check_reply(const struct dhcp_reply *r)
{
	REQUIRE(r->type >= DHCP_DISCOVER && r->type <= DHCP_RELEASE);
	REQUIRE(r->n_dns <= DHCP_MAX_DNS);
	REQUIRE(r->n_search <= DHCP_SEARCH_MAX);
	REQUIRE(r->mask == 0 || dhcp_mask_len(r->mask) >= 0);
	check_name(r->domain, true);
	for (size_t i = 0; i < r->n_search; i++) {
		const char *s = r->search[i];
		size_t len = strlen(s);

		check_name(s, true);
		REQUIRE(len == 0 || (s[0] != '.' && s[len - 1] != '.' && !strstr(s, "..")));
	}
}

static void parse(int (*fn)(const uint8_t *, size_t, struct dhcp_reply *), const uint8_t *data,
		  size_t size)
{
	struct dhcp_reply r;
	uint8_t guard[sizeof(r)];
	int ret;

	memset(&r, 0xa5, sizeof(r));
	memcpy(guard, &r, sizeof(r));
	ret = fn(data, size, &r);
	REQUIRE(ret == 0 || ret == -EBADMSG || ret == -ENOMSG);
	if (ret == 0)
		check_reply(&r);
	else
		REQUIRE(memcmp(guard, &r, sizeof(r)) == 0);
}

/* Build a client message from the input, turn it into a reply, parse it back. */
static void roundtrip(const uint8_t *data, size_t size)
{
	static const enum dhcp_type types[] = { DHCP_DISCOVER, DHCP_REQUEST, DHCP_DECLINE,
						DHCP_RELEASE };
	uint8_t buf[DHCP_FRAME_MAX];
	char host[70] = "";
	struct dhcp_out m = {0};
	struct dhcp_reply r;
	int n;

	if (size < 20)
		return;
	m.type = types[data[0] % 4];
	memcpy(&m.xid, data + 1, 4);
	memcpy(m.mac, data + 5, 6);
	memcpy(&m.ciaddr, data + 11, 4);
	memcpy(&m.requested, data + 15, 4);
	m.server_id = data[19] ? m.requested ^ m.ciaddr : 0;
	if (size > 20) {
		size_t hl = size - 20 < sizeof(host) - 1 ? size - 20 : sizeof(host) - 1;
		memcpy(host, data + 20, hl);
		host[hl] = '\0';
		m.hostname = host;
		m.client_id = data + 20;
		m.client_id_len = size - 20 > 255 ? 255 : size - 20;
	}
	n = dhcp_build(buf, sizeof(buf), &m, 0, 0xffffffff);
	REQUIRE(n > 28 && n <= (int)sizeof(buf));
	buf[28] = 2;			/* BOOTREPLY */
	buf[20] = 0, buf[21] = 67;	/* from the server port */
	buf[22] = 0, buf[23] = 68;	/* to the client port */
	REQUIRE(dhcp_parse_frame(buf, (size_t)n, &r) == 0);
	REQUIRE(r.type == m.type && r.xid == m.xid && memcmp(r.chaddr, m.mac, 6) == 0);
	REQUIRE(r.server_id == m.server_id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	parse(dhcp_parse_frame, data, size);
	if (size >= 28)
		parse(dhcp_parse, data + 28, size - 28);
	roundtrip(data, size);
	return 0;
}
