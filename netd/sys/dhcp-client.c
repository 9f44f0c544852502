// SPDX-License-Identifier: Apache-2.0
#include "dhcp-client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shared/cleanup.h"
#include "shared/log.h"

static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

int64_t dhcp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void dhcp_iface_init(struct dhcp_iface *ifc, int ifindex, const uint8_t mac[6],
		     const char *hostname)
{
	*ifc = (struct dhcp_iface){ .ifindex = ifindex, .hostname = hostname,
				    .timeout_ms = DHCP_TIMEOUT_MS };
	memcpy(ifc->mac, mac, 6);
	ifc->client_id[0] = ARPHRD_ETHER;
	memcpy(ifc->client_id + 1, mac, 6);
}

static int open_socket(int ifindex, uint16_t proto)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(proto),
				   .sll_ifindex = ifindex };
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(proto));

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/* Receive one frame that came in (our own sends are seen too: skip them). */
static ssize_t recv_in(int fd, uint8_t *buf, size_t size)
{
	struct sockaddr_ll from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(fd, buf, size, 0, (struct sockaddr *)&from, &fl);

	if (n >= 0 && from.sll_pkttype == PACKET_OUTGOING) {
		errno = EAGAIN;
		return -1;
	}
	return n;
}

static int send_frame(int fd, int ifindex, uint16_t proto, const void *buf, size_t len)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(proto),
				  .sll_ifindex = ifindex, .sll_halen = 6 };

	memcpy(to.sll_addr, bcast_mac, 6);
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

static int send_msg(int fd, const struct dhcp_iface *ifc, struct dhcp_out *m, uint32_t src,
		    uint32_t dst)
{
	uint8_t buf[DHCP_FRAME_MAX];
	int n;

	memcpy(m->mac, ifc->mac, 6);
	m->client_id = ifc->client_id;
	m->client_id_len = sizeof(ifc->client_id);
	m->hostname = ifc->hostname;
	n = dhcp_build(buf, sizeof(buf), m, src, dst);
	if (n < 0)
		return n;
	log_debug("dhcp: send %s xid %08x", dhcp_type_name(m->type), m->xid);
	return send_frame(fd, ifc->ifindex, ETH_P_IP, buf, (size_t)n);
}

/*
 * Wait until @deadline for a reply to @xid of one of the @want types; other
 * frames are skipped. @skip_addr: an OFFER whose address is unusable is
 * noted in @why and skipped. Return: 0, -ETIMEDOUT, -errno.
 */
static int wait_reply(int fd, const struct dhcp_iface *ifc, uint32_t xid, int64_t deadline,
		      enum dhcp_type want1, enum dhcp_type want2, struct dhcp_reply *ret,
		      char *why, size_t whysz)
{
	uint8_t buf[4096];

	for (;;) {
		int64_t left = deadline - mono_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct dhcp_reply rep;
		ssize_t n;
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		n = recv_in(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		r = dhcp_parse_frame(buf, (size_t)n, &rep);
		if (r == -EBADMSG) {
			log_debug("dhcp: malformed reply ignored");
			if (why && !why[0])
				snprintf(why, whysz, "a malformed DHCP reply was ignored");
			continue;
		}
		if (r < 0 || rep.xid != xid || memcmp(rep.chaddr, ifc->mac, 6) != 0)
			continue;
		if (rep.type != want1 && rep.type != want2)
			continue;
		if (rep.type != DHCP_NAK && !dhcp_addr_usable(rep.yiaddr)) {
			char a[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &rep.yiaddr, a, sizeof(a));
			log_warn("dhcp: ignoring %s of unusable address %s", dhcp_type_name(rep.type), a);
			if (why)
				snprintf(why, whysz, "the server offered the unusable address %s", a);
			continue;
		}
		if (rep.type != DHCP_NAK && rep.mask == 0)
			continue;	/* without a subnet mask we cannot configure it */
		*ret = rep;
		return 0;
	}
}

static uint32_t new_xid(void)
{
	uint32_t x;

	if (getrandom(&x, sizeof(x), 0) != sizeof(x))
		x = (uint32_t)mono_ms() ^ (uint32_t)getpid();
	return x;
}

static void fill_lease(struct dhcp_lease *l, const struct dhcp_reply *rep)
{
	*l = (struct dhcp_lease){
		.addr = rep->yiaddr, .mask = rep->mask, .router = rep->router,
		.server_id = rep->server_id, .n_dns = rep->n_dns, .n_search = rep->n_search,
		.lease = rep->lease ? rep->lease : 3600, .acquired = dhcp_now(),
	};
	if (l->router && !dhcp_addr_usable(l->router))
		l->router = 0;
	for (size_t i = 0; i < rep->n_dns; i++)
		l->dns[i] = rep->dns[i];
	memcpy(l->domain, rep->domain, sizeof(l->domain));
	memcpy(l->search, rep->search, sizeof(l->search));
	/* RFC 2131 4.4.5 defaults, and T1 <= T2 <= lease whatever the server said. */
	l->t2 = rep->t2 && rep->t2 <= l->lease ? rep->t2 : l->lease / 8 * 7;
	l->t1 = rep->t1 && rep->t1 <= l->t2 ? rep->t1 : l->lease / 2;
	if (l->t1 > l->t2)
		l->t1 = l->t2;
}

/* Send @m every 1, 2, 4... s until a reply or the overall @deadline. */
static int exchange(int fd, const struct dhcp_iface *ifc, struct dhcp_out *m, uint32_t src,
		    uint32_t dst, int64_t deadline, enum dhcp_type want1, enum dhcp_type want2,
		    struct dhcp_reply *ret, char *why, size_t whysz)
{
	int64_t step = 1000;

	for (;;) {
		int64_t until = mono_ms() + step;
		int r = send_msg(fd, ifc, m, src, dst);

		if (r < 0)
			return r;
		if (until > deadline)
			until = deadline;
		r = wait_reply(fd, ifc, m->xid, until, want1, want2, ret, why, whysz);
		if (r != -ETIMEDOUT || until >= deadline)
			return r;
		step *= 2;
	}
}

int dhcp_acquire(const struct dhcp_iface *ifc, struct dhcp_lease *ret, char *why, size_t whysz)
{
	_cleanup_close_ int fd = open_socket(ifc->ifindex, ETH_P_IP);
	int64_t deadline = mono_ms() + ifc->timeout_ms;
	struct dhcp_out m = { .type = DHCP_DISCOVER, .xid = new_xid() };
	struct dhcp_reply offer, ack;
	int r;

	if (why && whysz)
		why[0] = '\0';
	if (fd < 0)
		return fd;
	r = exchange(fd, ifc, &m, 0, INADDR_BROADCAST, deadline, DHCP_OFFER, DHCP_OFFER, &offer,
		     why, whysz);
	if (r < 0)
		return r;
	m = (struct dhcp_out){ .type = DHCP_REQUEST, .xid = m.xid, .requested = offer.yiaddr,
			       .server_id = offer.server_id };
	r = exchange(fd, ifc, &m, 0, INADDR_BROADCAST, deadline, DHCP_ACK, DHCP_NAK, &ack, why,
		     whysz);
	if (r < 0)
		return r;
	if (ack.type == DHCP_NAK) {
		if (why)
			snprintf(why, whysz, "the server refused the request (DHCPNAK)");
		return -ECONNREFUSED;
	}
	fill_lease(ret, &ack);
	if (!ret->server_id)
		ret->server_id = offer.server_id;
	return 0;
}

int dhcp_renew(const struct dhcp_iface *ifc, struct dhcp_lease *l, bool rebind)
{
	_cleanup_close_ int fd = open_socket(ifc->ifindex, ETH_P_IP);
	struct dhcp_out m = { .type = DHCP_REQUEST, .xid = new_xid(), .ciaddr = l->addr };
	struct dhcp_reply ack;
	uint32_t server = l->server_id;
	int r;

	if (fd < 0)
		return fd;
	r = exchange(fd, ifc, &m, l->addr, rebind || !server ? INADDR_BROADCAST : server,
		     mono_ms() + ifc->timeout_ms, DHCP_ACK, DHCP_NAK, &ack, NULL, 0);
	if (r < 0)
		return r;
	if (ack.type == DHCP_NAK)
		return -ECONNREFUSED;
	fill_lease(l, &ack);
	if (!l->server_id)
		l->server_id = server;
	return 0;
}

static int tell(const struct dhcp_iface *ifc, const struct dhcp_lease *l, enum dhcp_type t)
{
	_cleanup_close_ int fd = open_socket(ifc->ifindex, ETH_P_IP);
	struct dhcp_out m = { .type = t, .xid = new_xid(), .server_id = l->server_id };

	if (fd < 0)
		return fd;
	if (t == DHCP_RELEASE)
		m.ciaddr = l->addr;
	else
		m.requested = l->addr;
	/* A DECLINE has no source address yet: it is broadcast (RFC 2131 4.4.1),
	 * a unicast from 0.0.0.0 is a martian the server's kernel drops. */
	if (t == DHCP_DECLINE)
		return send_msg(fd, ifc, &m, 0, INADDR_BROADCAST);
	return send_msg(fd, ifc, &m, l->addr, l->server_id ? l->server_id : INADDR_BROADCAST);
}

int dhcp_release(const struct dhcp_iface *ifc, const struct dhcp_lease *l)
{
	return tell(ifc, l, DHCP_RELEASE);
}

int dhcp_decline(const struct dhcp_iface *ifc, const struct dhcp_lease *l)
{
	return tell(ifc, l, DHCP_DECLINE);
}

/* An ARP probe (RFC 5227 2.1.1): sender IP 0, target @addr. */
int dhcp_addr_in_use(const struct dhcp_iface *ifc, uint32_t addr, int wait_ms)
{
	_cleanup_close_ int fd = open_socket(ifc->ifindex, ETH_P_ARP);
	uint8_t req[28] = { 0, 1, 8, 0, 6, 4, 0, 1 }, buf[64];
	int64_t deadline = mono_ms() + wait_ms;
	int r;

	if (fd < 0)
		return fd;
	memcpy(req + 8, ifc->mac, 6);
	memcpy(req + 24, &addr, 4);
	r = send_frame(fd, ifc->ifindex, ETH_P_ARP, req, sizeof(req));
	if (r < 0)
		return r;
	for (;;) {
		int64_t left = deadline - mono_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (left <= 0)
			return 0;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = recv_in(fd, buf, sizeof(buf));
		/* A reply (op 2) or someone else's probe/announcement of that address. */
		if (n >= 28 && buf[7] == 2 && memcmp(buf + 14, &addr, 4) == 0 &&
		    memcmp(buf + 8, ifc->mac, 6) != 0)
			return 1;
	}
}
