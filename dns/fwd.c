// SPDX-License-Identifier: Apache-2.0
#include "fwd.h"

#include <ares.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>

#include "evloop.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#define BAD_SERVER_SECONDS 30
#define MAX_BAD_SERVERS 64
#define CACHE_MAX_TTL 3600

struct chan;

struct ares_ev {
	struct ev ev;
	int fd;			/* -1 once c-ares closed the socket */
	struct chan *ch;
	struct ares_ev *next;
};

struct chan {
	struct fwd *f;
	ares_channel ch;
	struct nd_ip server;
	char zone[IF_NAMESIZE];		/* interface of a link-local server, or "" */
	bool tcp;
	unsigned timeout_ms;
	struct ares_ev *socks;
	struct chan *next;
};

struct req {
	struct fwd *f;
	uint8_t *query;
	size_t qlen;
	uint16_t client_id;
	bool tcp;
	struct nd_ip servers[8];
	size_t n, next;
	unsigned per_ms;
	fwd_done_fn done;
	void *arg;
	char key[DNS_MAX_TEXT + 96];
	struct req *prev, *nxt;
};

struct centry {
	char *key;
	uint8_t *resp;
	size_t len;
	time_t expires;
	struct centry *next;	/* bucket chain */
};

struct bad {
	struct nd_ip ip;
	time_t until;
};

struct fwd {
	int epfd;
	unsigned budget_ms, max_pending;
	struct chan *chans;
	struct req *reqs;	/* in flight */
	size_t pending;
	/* cache: chained buckets, entries evicted round-robin */
	struct centry **buckets;
	size_t n_buckets;
	struct centry **ring;
	size_t ring_cap, ring_pos, n_cached;
	struct bad bad[MAX_BAD_SERVERS];
	struct {
		struct nd_ip server;
		char name[IF_NAMESIZE];
	} zones[RESOLV_MAX];
	size_t n_zones;
	struct ares_ev *graveyard;	/* closed sockets' events, freed by fwd_reap() */
};

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return h;
}

int fwd_new(int epfd, unsigned budget_ms, unsigned cache_size, unsigned max_pending,
	    struct fwd **ret)
{
	struct fwd *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
		free(f);
		return -ENOMEM;
	}
	f->epfd = epfd;
	f->budget_ms = budget_ms ? budget_ms : 5000;
	f->max_pending = max_pending ? max_pending : 1024;
	f->ring_cap = cache_size;
	if (cache_size) {
		f->n_buckets = cache_size * 2;
		f->buckets = calloc(f->n_buckets, sizeof(*f->buckets));
		f->ring = calloc(cache_size, sizeof(*f->ring));
		if (!f->buckets || !f->ring) {
			fwd_free(f);
			return -ENOMEM;
		}
	}
	*ret = f;
	return 0;
}

static void centry_free(struct centry *e)
{
	free(e->key);
	free(e->resp);
	free(e);
}

static void req_unlink(struct req *r)
{
	struct fwd *f = r->f;

	if (r->prev)
		r->prev->nxt = r->nxt;
	else if (f->reqs == r)
		f->reqs = r->nxt;
	if (r->nxt)
		r->nxt->prev = r->prev;
	r->prev = r->nxt = NULL;
	f->pending--;
}

void fwd_free(struct fwd *f)
{
	if (!f)
		return;
	/* Destroying channels runs callbacks with ARES_EDESTRUCTION: cancel first. */
	for (struct req *r = f->reqs; r; r = r->nxt)
		r->done = NULL;
	while (f->chans) {
		struct chan *c = f->chans;
		f->chans = c->next;
		ares_destroy(c->ch);
		while (c->socks) {
			struct ares_ev *e = c->socks;
			c->socks = e->next;
			free(e);
		}
		free(c);
	}
	fwd_reap(f);
	for (size_t i = 0; i < f->ring_cap; i++)
		if (f->ring && f->ring[i])
			centry_free(f->ring[i]);
	free(f->ring);
	free(f->buckets);
	free(f);
	ares_library_cleanup();
}

static void sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct chan *c = data;
	struct ares_ev **pp = &c->socks, *e;
	struct epoll_event ee = {0};

	while (*pp && (*pp)->fd != fd)
		pp = &(*pp)->next;
	e = *pp;
	if (!readable && !writable) {
		if (e) {
			(void)epoll_ctl(c->f->epfd, EPOLL_CTL_DEL, fd, NULL);
			*pp = e->next;
			/* The current epoll batch may still point at it: free it after the batch. */
			e->fd = -1;
			e->next = c->f->graveyard;
			c->f->graveyard = e;
		}
		return;
	}
	ee.events = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e)
			return;
		e->ev.kind = EV_ARES;
		e->fd = fd;
		e->ch = c;
		e->next = c->socks;
		c->socks = e;
		ee.data.ptr = e;
		(void)epoll_ctl(c->f->epfd, EPOLL_CTL_ADD, fd, &ee);
	} else {
		ee.data.ptr = e;
		(void)epoll_ctl(c->f->epfd, EPOLL_CTL_MOD, fd, &ee);
	}
}

void fwd_set_zones(struct fwd *f, const struct resolv *rv)
{
	f->n_zones = 0;
	for (size_t i = 0; i < rv->n && f->n_zones < ELEMENTSOF(f->zones); i++) {
		if (!rv->zones[i][0])
			continue;
		f->zones[f->n_zones].server = rv->servers[i];
		memcpy(f->zones[f->n_zones].name, rv->zones[i], IF_NAMESIZE);
		f->n_zones++;
	}
}

static const char *zone_of(const struct fwd *f, const struct nd_ip *server)
{
	for (size_t i = 0; i < f->n_zones; i++)
		if (nd_ip_equal(&f->zones[i].server, server))
			return f->zones[i].name;
	return "";
}

/* c-ares calls it before connect(): a link-local server is reached through its interface. */
static int bind_zone(ares_socket_t fd, int type, void *data)
{
	const struct chan *c = data;
	char b[ND_ADDRSTRLEN];

	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->zone, (socklen_t)strlen(c->zone)) < 0) {
		log_warn("upstream %s%%%s: cannot bind to interface %s: %s",
			 nd_ip_str(&c->server, b), c->zone, c->zone, strerror(errno));
		return -1;
	}
	return 0;
}

static struct chan *chan_get(struct fwd *f, const struct nd_ip *server, bool tcp, unsigned ms)
{
	struct ares_options opts = {0};
	struct ares_addr_port_node node = {0};
	const char *zone = zone_of(f, server);
	struct chan *c;
	int mask;

	for (c = f->chans; c; c = c->next)
		if (c->tcp == tcp && c->timeout_ms == ms && nd_ip_equal(&c->server, server) &&
		    strcmp(c->zone, zone) == 0)
			return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->f = f;
	c->server = *server;
	snprintf(c->zone, sizeof(c->zone), "%s", zone);
	c->tcp = tcp;
	c->timeout_ms = ms;
	/* Relay answers as they are (NOCHECKRESP); one try; our own server order. */
	opts.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH | (tcp ? ARES_FLAG_USEVC : 0);
	opts.timeout = (int)ms;
	opts.tries = 1;
	opts.sock_state_cb = sock_state;
	opts.sock_state_cb_data = c;
	opts.lookups = (char *)"b";
	mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB |
	       ARES_OPT_LOOKUPS;
	if (ares_init_options(&c->ch, &opts, mask) != ARES_SUCCESS) {
		free(c);
		return NULL;
	}
	node.family = server->family;
	if (server->family == AF_INET)
		memcpy(&node.addr.addr4, server->b, 4);
	else
		memcpy(&node.addr.addr6, server->b, 16);
	node.udp_port = 53;
	node.tcp_port = 53;
	if (ares_set_servers_ports(c->ch, &node) != ARES_SUCCESS) {
		ares_destroy(c->ch);
		free(c);
		return NULL;
	}
	if (c->zone[0])
		ares_set_socket_configure_callback(c->ch, bind_zone, c);
	c->next = f->chans;
	f->chans = c;
	return c;
}

static bool is_bad(struct fwd *f, const struct nd_ip *ip, time_t now)
{
	for (size_t i = 0; i < MAX_BAD_SERVERS; i++)
		if (f->bad[i].until > now && nd_ip_equal(&f->bad[i].ip, ip))
			return true;
	return false;
}

static void mark_bad(struct fwd *f, const struct nd_ip *ip, time_t now)
{
	size_t slot = 0;
	char b[ND_ADDRSTRLEN];

	for (size_t i = 0; i < MAX_BAD_SERVERS; i++) {
		if (nd_ip_equal(&f->bad[i].ip, ip)) {
			slot = i;
			break;
		}
		if (f->bad[i].until < f->bad[slot].until)
			slot = i;
	}
	f->bad[slot].ip = *ip;
	f->bad[slot].until = now + BAD_SERVER_SECONDS;
	log_info("upstream %s timed out; trying it last for %d s", nd_ip_str(ip, b),
		 BAD_SERVER_SECONDS);
}

static struct centry *cache_find(struct fwd *f, const char *key, time_t now)
{
	struct centry *e;

	if (!f->n_buckets)
		return NULL;
	for (e = f->buckets[hash_str(key) % f->n_buckets]; e; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e->expires > now ? e : NULL;
	return NULL;
}

static void cache_drop(struct fwd *f, struct centry *victim)
{
	struct centry **pp = &f->buckets[hash_str(victim->key) % f->n_buckets];

	while (*pp && *pp != victim)
		pp = &(*pp)->next;
	if (*pp)
		*pp = victim->next;
	centry_free(victim);
	f->n_cached--;
}

static void cache_put(struct fwd *f, const char *key, const uint8_t *resp, size_t len)
{
	struct centry *e, *old;
	uint32_t ttl;
	int rcode;
	size_t b;

	if (!f->ring_cap || dnspkt_response_ttl(resp, len, &ttl, &rcode) < 0 || ttl == 0 ||
	    (rcode != DNS_RCODE_NOERROR && rcode != DNS_RCODE_NXDOMAIN))
		return;
	if (ttl > CACHE_MAX_TTL)
		ttl = CACHE_MAX_TTL;
	for (e = f->buckets[hash_str(key) % f->n_buckets]; e; e = e->next)
		if (strcmp(e->key, key) == 0)
			return;
	e = calloc(1, sizeof(*e));
	if (!e || !(e->key = strdup(key)) || !(e->resp = malloc(len))) {
		if (e)
			centry_free(e);
		return;
	}
	memcpy(e->resp, resp, len);
	e->len = len;
	e->expires = now_s() + (time_t)ttl;
	old = f->ring[f->ring_pos];
	if (old)
		cache_drop(f, old);
	f->ring[f->ring_pos] = e;
	f->ring_pos = (f->ring_pos + 1) % f->ring_cap;
	b = hash_str(key) % f->n_buckets;
	e->next = f->buckets[b];
	f->buckets[b] = e;
	f->n_cached++;
}

static void finish(struct req *r, const uint8_t *resp, size_t len)
{
	req_unlink(r);
	if (r->done)
		r->done(r->arg, resp, len);
	free(r->query);
	free(r);
}

static void try_next(struct req *r);

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct req *r = arg;
	time_t now = now_s();

	if (status == ARES_EDESTRUCTION)
		return;
	if (status == ARES_SUCCESS && abuf && alen >= DNS_HEADER_SIZE) {
		uint8_t *resp = malloc((size_t)alen);
		if (!resp) {
			finish(r, NULL, 0);
			return;
		}
		memcpy(resp, abuf, (size_t)alen);
		/* Relay with the client's id, and RA whenever the client asked for recursion. */
		resp[0] = (uint8_t)(r->client_id >> 8);
		resp[1] = (uint8_t)r->client_id;
		if (resp[2] & 0x01)
			resp[3] |= 0x80;
		cache_put(r->f, r->key, resp, (size_t)alen);
		finish(r, resp, (size_t)alen);
		free(resp);
		return;
	}
	if (status == ARES_ETIMEOUT && r->next > 0)
		mark_bad(r->f, &r->servers[r->next - 1], now);
	if (r->next < r->n)
		try_next(r);
	else
		finish(r, NULL, 0);
}

static void try_next(struct req *r)
{
	struct chan *c = chan_get(r->f, &r->servers[r->next], r->tcp, r->per_ms);

	r->next++;
	if (!c) {
		if (r->next < r->n)
			try_next(r);
		else
			finish(r, NULL, 0);
		return;
	}
	ares_send(c->ch, r->query, (int)r->qlen, on_answer, r);
}

int fwd_query(struct fwd *f, const uint8_t *query, size_t len, const struct dns_query *q, bool tcp,
	      const struct nd_ip *servers, size_t n, fwd_done_fn done, void *arg)
{
	time_t now = now_s();
	char lower[DNS_MAX_TEXT + 1], sig[64] = "";
	struct centry *hit;
	struct req *r;
	size_t k = 0;

	if (n == 0)
		return -ENOENT;
	if (f->pending >= f->max_pending)
		return -EBUSY;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	/*
	 * The cache key: name, type, class, RD, EDNS, and who would be asked. A
	 * response to a query with an OPT record carries one, which a client
	 * that sent none must not get (RFC 6891, 6.1.1), so the two never share.
	 */
	dnspkt_lower(q->name, lower, sizeof(lower));
	{
		uint64_t h = 0xcbf29ce484222325ULL;
		for (size_t i = 0; i < n; i++) {
			h = (h ^ (uint64_t)servers[i].family) * 0x100000001b3ULL;
			for (unsigned b = 0; b < nd_ip_bytes(servers[i].family); b++)
				h = (h ^ servers[i].b[b]) * 0x100000001b3ULL;
		}
		snprintf(sig, sizeof(sig), "%016llx", (unsigned long long)h);
	}
	snprintf(r->key, sizeof(r->key), "%s/%u/%u/%d/%d/%zu:%s", lower, q->qtype, q->qclass,
		 (q->hdr.flags & DNS_FLAG_RD) != 0, q->has_edns, n, sig);
	hit = cache_find(f, r->key, now);
	if (hit) {
		uint8_t *resp = malloc(hit->len);
		if (resp) {
			memcpy(resp, hit->resp, hit->len);
			resp[0] = (uint8_t)(q->hdr.id >> 8);
			resp[1] = (uint8_t)q->hdr.id;
			done(arg, resp, hit->len);
			free(resp);
		}
		free(r);
		return 1;
	}
	r->query = malloc(len);
	if (!r->query) {
		free(r);
		return -ENOMEM;
	}
	memcpy(r->query, query, len);
	r->qlen = len;
	r->f = f;
	r->client_id = q->hdr.id;
	r->tcp = tcp;
	r->done = done;
	r->arg = arg;
	if (n > ELEMENTSOF(r->servers))
		n = ELEMENTSOF(r->servers);
	/* Good servers first, in order; recently timed-out ones after them. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++)
			if (is_bad(f, &servers[i], now) == (pass == 1))
				r->servers[k++] = servers[i];
	r->n = k;
	r->per_ms = f->budget_ms / (unsigned)k;
	r->nxt = f->reqs;
	if (f->reqs)
		f->reqs->prev = r;
	f->reqs = r;
	f->pending++;
	try_next(r);
	return 0;
}

void fwd_foreach_arg(struct fwd *f, void (*fn)(void *arg, void *data), void *data)
{
	for (struct req *r = f->reqs; r; r = r->nxt)
		if (r->done)
			fn(r->arg, data);
}

void fwd_reap(struct fwd *f)
{
	while (f->graveyard) {
		struct ares_ev *e = f->graveyard;
		f->graveyard = e->next;
		free(e);
	}
}

void fwd_on_event(struct fwd *f, void *evp, uint32_t events)
{
	struct ares_ev *e = evp;
	ares_channel ch;
	int fd = e->fd;

	if (fd < 0)
		return;		/* closed earlier in this batch */
	ch = e->ch->ch;
	ares_process_fd(ch, (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) ? fd : ARES_SOCKET_BAD,
			(events & EPOLLOUT) ? fd : ARES_SOCKET_BAD);
}

int fwd_next_timeout_ms(struct fwd *f)
{
	long best = -1;

	if (!f->pending)
		return -1;
	for (struct chan *c = f->chans; c; c = c->next) {
		struct timeval max = { 60, 0 }, tv, *t = ares_timeout(c->ch, &max, &tv);
		long ms = t->tv_sec * 1000 + t->tv_usec / 1000 + 1;
		if (t == &max)
			continue;
		if (best < 0 || ms < best)
			best = ms;
	}
	return best < 0 ? 1000 : (int)best;
}

void fwd_process_timeouts(struct fwd *f)
{
	for (struct chan *c = f->chans; c; c = c->next)
		ares_process_fd(c->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}
