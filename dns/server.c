// SPDX-License-Identifier: Apache-2.0
/*
 * One single-threaded epoll loop for everything: a UDP socket and a TCP
 * listener per (network, gateway address), TCP connections, signals (via
 * signalfd) and the forwarder's c-ares sockets.
 */
#include "server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "answer.h"
#include "evloop.h"
#include "fwd.h"
#include "packet.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#define TCP_IDLE_MS 3000
#define TCP_MAX_PENDING_PER_CONN 16
#define MAX_MSG 65535

struct listener {
	struct ev udp_ev;		/* kind EV_UDP */
	struct ev tcp_ev;		/* kind EV_TCP_LISTEN */
	int udp, tcp;
	char *net;			/* network name */
	int net_idx;			/* its index in the current store, -1 if gone */
	struct nd_ip ip;
	bool keep;			/* reload bookkeeping */
	unsigned refs;			/* pending forwards replying through it */
	bool closed;
	struct listener *next;
};

struct conn {
	struct ev ev;			/* kind EV_TCP_CONN */
	int fd;				/* -1 once closed (freed after the epoll batch) */
	struct server *srv;
	struct listener *l;
	struct nd_ip peer;
	uint8_t *in;
	size_t in_len;
	uint8_t *out;
	size_t out_len, out_off;
	uint64_t deadline;		/* ms, monotonic */
	unsigned pending;
	bool dead;
	struct conn *prev, *next;
};

/* A forward waiting for its answer. */
struct pending {
	struct server *srv;
	struct listener *l;		/* UDP: reply from this socket */
	struct sockaddr_storage peer;
	socklen_t peer_len;
	struct conn *conn;		/* TCP: reply on this connection (NULL if gone) */
	size_t max;
};

struct server {
	struct server_opts o;
	char search[DNS_MAX_TEXT + 1];
	int epfd;
	struct ev sig_ev;
	int sigfd;
	struct store *store;
	struct listener *listeners;
	struct conn *conns;
	unsigned n_conns;
	struct fwd *fwd;
	struct resolv rv;
	struct conn *closed_conns;	/* freed after the epoll batch */
	bool reload_pending;
	bool stop;
	int exit_code;
	uint8_t buf[MAX_MSG + 2];
	uint8_t out[MAX_MSG + 2];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static socklen_t to_sockaddr(const struct nd_ip *ip, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ip->family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;
		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		memcpy(&s->sin_addr, ip->b, 4);
		return sizeof(*s);
	}
	{
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		memcpy(&s->sin6_addr, ip->b, 16);
		return sizeof(*s);
	}
}

static void from_sockaddr(const struct sockaddr_storage *ss, struct nd_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (ss->ss_family == AF_INET) {
		ip->family = AF_INET;
		memcpy(ip->b, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		ip->family = AF_INET6;
		memcpy(ip->b, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	}
}

int server_load_config(const char *dir, struct store **ret, struct nd_error *err)
{
	_cleanup_free_ struct dnsconf_network *nets = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(dir);
	int r;

	if (!d)
		return nd_error_set(err, -errno, "config directory %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		_cleanup_free_ char *path = NULL, *buf = NULL;
		struct nd_error e = {0};
		size_t len;
		int fd;

		if (!dnsconf_is_network_file(de->d_name))
			continue;
		if (asprintf(&path, "%s/%s", dir, de->d_name) < 0)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		buf = malloc(DNSCONF_MAX_FILE + 1);
		len = 0;
		if (buf) {
			ssize_t k;
			while (len < DNSCONF_MAX_FILE &&
			       (k = read(fd, buf + len, DNSCONF_MAX_FILE - len)) > 0)
				len += (size_t)k;
		}
		(void)close(fd);
		if (!buf)
			continue;
		if (n == cap) {
			size_t c = cap ? cap * 2 : 8;
			struct dnsconf_network *v = realloc(nets, c * sizeof(*v));
			if (!v)
				break;
			nets = v;
			cap = c;
		}
		r = dnsconf_parse(de->d_name, buf, len, &nets[n], &e);
		if (r < 0) {
			/* A broken file must not take the other networks down. */
			log_error("skipping network file %s: %s", de->d_name, e.msg ? e.msg : strerror(-r));
			nd_error_clear(&e);
			continue;
		}
		n++;
	}
	closedir(d);
	r = store_build(nets, n, ret);
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			dnsconf_network_done(&nets[i]);
		return nd_error_set(err, r, "building the lookup tables: %s", strerror(-r));
	}
	nets = NULL;	/* the store owns them now */
	return 0;
}

static int bind_one(int type, const struct nd_ip *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = to_sockaddr(ip, port, &ss);
	int fd = socket(ip->family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -errno;
	if (ip->family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (type == SOCK_STREAM)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	else {
		/* Room for a burst of queries (the default holds about 190). */
		int rcv = 4 << 20;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
			(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 128) < 0)) {
		int r = -errno;
		(void)close(fd);
		return r;
	}
	return fd;
}

static void listener_close(struct server *s, struct listener *l)
{
	if (l->udp >= 0) {
		(void)epoll_ctl(s->epfd, EPOLL_CTL_DEL, l->udp, NULL);
		(void)close(l->udp);
		l->udp = -1;
	}
	if (l->tcp >= 0) {
		(void)epoll_ctl(s->epfd, EPOLL_CTL_DEL, l->tcp, NULL);
		(void)close(l->tcp);
		l->tcp = -1;
	}
	l->closed = true;
}

static void listener_unref(struct listener *l)
{
	if (--l->refs == 0 && l->closed) {
		free(l->net);
		free(l);
	}
}

static int listener_open(struct server *s, const char *net, int net_idx, const struct nd_ip *ip,
			 struct nd_error *err)
{
	struct listener *l = calloc(1, sizeof(*l));
	struct epoll_event ee = { .events = EPOLLIN };
	char b[ND_ADDRSTRLEN];

	if (!l || !(l->net = strdup(net))) {
		free(l);
		return -ENOMEM;
	}
	l->ip = *ip;
	l->net_idx = net_idx;
	l->udp_ev.kind = EV_UDP;
	l->tcp_ev.kind = EV_TCP_LISTEN;
	l->refs = 1;
	l->udp = bind_one(SOCK_DGRAM, ip, s->o.port);
	if (l->udp < 0) {
		int r = l->udp;
		free(l->net);
		free(l);
		return nd_error_set(err, r, "failed to bind udp listener on %s:%u: %s",
				    nd_ip_str(ip, b), s->o.port, strerror(-r));
	}
	l->tcp = bind_one(SOCK_STREAM, ip, s->o.port);
	if (l->tcp < 0) {
		int r = l->tcp;
		(void)close(l->udp);
		free(l->net);
		free(l);
		return nd_error_set(err, r, "failed to bind tcp listener on %s:%u: %s",
				    nd_ip_str(ip, b), s->o.port, strerror(-r));
	}
	ee.data.ptr = &l->udp_ev;
	(void)epoll_ctl(s->epfd, EPOLL_CTL_ADD, l->udp, &ee);
	ee.data.ptr = &l->tcp_ev;
	(void)epoll_ctl(s->epfd, EPOLL_CTL_ADD, l->tcp, &ee);
	l->next = s->listeners;
	s->listeners = l;
	log_info("listening on %s port %u for network %s", nd_ip_str(ip, b), s->o.port, net);
	return 0;
}

/* Bring the listeners in line with the store: close the gone, open the new. */
static int sync_listeners(struct server *s, bool fatal, struct nd_error *err)
{
	struct listener **pp;
	int ret = 0;

	for (struct listener *l = s->listeners; l; l = l->next)
		l->keep = false;
	for (size_t i = 0; i < store_n_networks(s->store); i++) {
		const struct store_net *sn = store_network(s->store, i);
		for (size_t k = 0; k < sn->n_binds; k++)
			for (struct listener *l = s->listeners; l; l = l->next)
				if (strcmp(l->net, sn->name) == 0 && nd_ip_equal(&l->ip, &sn->binds[k])) {
					l->keep = true;
					l->net_idx = (int)i;
					break;
				}
	}
	/* Close first, so an address can move to another network. */
	for (pp = &s->listeners; *pp;) {
		struct listener *l = *pp;
		if (l->keep) {
			pp = &l->next;
			continue;
		}
		*pp = l->next;
		listener_close(s, l);
		log_info("stopped listening for network %s", l->net);
		listener_unref(l);
	}
	for (size_t i = 0; i < store_n_networks(s->store); i++) {
		const struct store_net *sn = store_network(s->store, i);
		for (size_t k = 0; k < sn->n_binds; k++) {
			bool found = false;
			struct nd_error e = {0};
			for (struct listener *l = s->listeners; l && !found; l = l->next)
				found = strcmp(l->net, sn->name) == 0 && nd_ip_equal(&l->ip, &sn->binds[k]);
			if (found)
				continue;
			if (listener_open(s, sn->name, (int)i, &sn->binds[k], &e) < 0) {
				if (fatal) {
					nd_error_move(err, &e);
					return -EADDRNOTAVAIL;
				}
				log_error("%s", e.msg);
				nd_error_clear(&e);
				ret = -EADDRNOTAVAIL;
			}
		}
	}
	return ret;
}

/* Answer one message; a forward replies later through @p. */
static int handle_query(struct server *s, const uint8_t *msg, size_t len, const struct nd_ip *client,
			struct listener *l, bool tcp, const struct pending *tmpl, size_t *out_len);

static void udp_reply_done(void *arg, const uint8_t *resp, size_t len)
{
	struct pending *p = arg;

	if (resp && len > p->max && len <= sizeof(p->srv->out)) {
		/* Too big for the client: whole records only, TC set (it retries over TCP). */
		memcpy(p->srv->out, resp, len);
		len = dnspkt_truncate(p->srv->out, len, p->max);
		resp = p->srv->out;
	}
	if (resp && len && len <= p->max && !p->l->closed)
		(void)sendto(p->l->udp, resp, len, MSG_DONTWAIT,
			     (struct sockaddr *)&p->peer, p->peer_len);
	listener_unref(p->l);
	free(p);
}

static void conn_queue(struct conn *c, const uint8_t *msg, size_t len);

static void tcp_reply_done(void *arg, const uint8_t *resp, size_t len)
{
	struct pending *p = arg;
	struct conn *c = p->conn;

	if (c) {
		c->pending--;
		if (resp)
			conn_queue(c, resp, len);
	}
	free(p);
}

/*
 * Answer one message. Local answers land in s->out (return 0, *out_len set);
 * a forward gets its own copy of @tmpl, to reply through later (return 2),
 * or is answered from the cache at once (return 1). Nothing is allocated for
 * a local answer.
 */
static int handle_query(struct server *s, const uint8_t *msg, size_t len, const struct nd_ip *client,
			struct listener *l, bool tcp, const struct pending *tmpl, size_t *out_len)
{
	struct dns_query q;
	struct answer a;
	struct pending *p;
	size_t max;
	int r;

	*out_len = 0;
	/* A query is small; the biggest we take is the largest EDNS size we honour. */
	if (len > 4096) {
		log_debug("dropping a %zu byte message: too large for a query", len);
		return -EMSGSIZE;
	}
	r = dnspkt_parse_query(msg, len, &q);
	if (r < 0) {
		log_debug("dropping a malformed message (%zu bytes): %s", len, strerror(-r));
		return r;
	}
	max = tcp ? MAX_MSG : (q.has_edns ? q.edns_udp_size : DNS_UDP_MAX);
	/* Picks up an edited resolv.conf; looks at most once a second. */
	resolv_refresh(&s->rv, time(NULL), 0);
	fwd_set_zones(s->fwd, &s->rv);
	r = answer_query(s->store, &s->rv, s->search, s->o.no_proxy, msg, len, &q, client,
			 l->net_idx, max, s->out, sizeof(s->out), &a);
	if (r < 0)
		return r;
	if (a.kind == ANSWER_REPLY) {
		*out_len = a.len;
		return 0;
	}
	if (!a.n_upstreams) {
		for (size_t k = 0; k < s->rv.n && a.n_upstreams < ANSWER_MAX_UPSTREAMS; k++)
			a.upstreams[a.n_upstreams++] = s->rv.servers[k];
	}
	p = malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	*p = *tmpl;
	p->max = max;
	if (tcp)
		p->conn->pending++;
	else
		p->l->refs++;
	r = fwd_query(s->fwd, msg, len, &q, tcp, a.upstreams, a.n_upstreams,
		      tcp ? tcp_reply_done : udp_reply_done, p);
	if (r == 1)
		return 1;	/* answered from the cache; @p already released */
	if (r < 0) {
		log_debug("not forwarding %s: %s", q.name, strerror(-r));
		if (tcp)
			p->conn->pending--;
		else
			p->l->refs--;
		free(p);
		return r;
	}
	return 2;
}

static void on_udp(struct server *s, struct listener *l)
{
	for (int burst = 0; burst < 64; burst++) {
		struct pending tmpl = { .srv = s, .l = l };
		ssize_t n;
		struct nd_ip client;
		size_t out_len;
		int r;

		tmpl.peer_len = sizeof(tmpl.peer);
		n = recvfrom(l->udp, s->buf, sizeof(s->buf), MSG_DONTWAIT,
			     (struct sockaddr *)&tmpl.peer, &tmpl.peer_len);
		if (n < 0)
			return;
		from_sockaddr(&tmpl.peer, &client);
		r = handle_query(s, s->buf, (size_t)n, &client, l, false, &tmpl, &out_len);
		if (r == 0 && out_len)
			(void)sendto(l->udp, s->out, out_len, MSG_DONTWAIT,
				     (struct sockaddr *)&tmpl.peer, tmpl.peer_len);
	}
}

static void forget_conn(void *arg, void *data)
{
	struct pending *p = arg;

	if (p->conn == data)
		p->conn = NULL;
}

/* Close @c now; its memory goes after the epoll batch, which may still name it. */
static void conn_free(struct server *s, struct conn *c)
{
	if (c->fd < 0)
		return;
	(void)epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	(void)close(c->fd);
	c->fd = -1;
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->n_conns--;
	/* Forwards still in flight must not write to freed memory. */
	if (c->pending)
		fwd_foreach_arg(s->fwd, forget_conn, c);
	c->next = s->closed_conns;
	s->closed_conns = c;
}

static void reap_conns(struct server *s)
{
	while (s->closed_conns) {
		struct conn *c = s->closed_conns;
		s->closed_conns = c->next;
		free(c->in);
		free(c->out);
		free(c);
	}
}

static void conn_update_events(struct server *s, struct conn *c)
{
	struct epoll_event ee = { .events = EPOLLIN | (c->out_len > c->out_off ? EPOLLOUT : 0),
				  .data.ptr = &c->ev };

	(void)epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ee);
}

static void conn_flush(struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n <= 0) {
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				break;
			c->dead = true;
			return;
		}
		c->out_off += (size_t)n;
	}
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	conn_update_events(c->srv, c);
}

static void conn_queue(struct conn *c, const uint8_t *msg, size_t len)
{
	uint8_t *nb;

	if (c->dead || len > MAX_MSG)
		return;
	nb = realloc(c->out, c->out_len + len + 2);
	if (!nb) {
		c->dead = true;
		return;
	}
	c->out = nb;
	c->out[c->out_len] = (uint8_t)(len >> 8);
	c->out[c->out_len + 1] = (uint8_t)len;
	memcpy(c->out + c->out_len + 2, msg, len);
	c->out_len += len + 2;
	c->deadline = now_ms() + TCP_IDLE_MS;
	conn_flush(c);
}

static void on_accept(struct server *s, struct listener *l)
{
	for (int burst = 0; burst < 16; burst++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int fd = accept4(l->tcp, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event ee = { .events = EPOLLIN };
		struct conn *c;

		if (fd < 0)
			return;
		if (s->n_conns >= s->o.max_tcp) {
			/* Full: drop the connection idle the longest to make room. */
			struct conn *oldest = NULL;
			for (struct conn *x = s->conns; x; x = x->next)
				if (!x->pending && (!oldest || x->deadline < oldest->deadline))
					oldest = x;
			if (!oldest) {
				(void)close(fd);
				continue;
			}
			conn_free(s, oldest);
		}
		c = calloc(1, sizeof(*c));
		if (!c || !(c->in = malloc(MAX_MSG + 2))) {
			free(c);
			(void)close(fd);
			return;
		}
		c->ev.kind = EV_TCP_CONN;
		c->fd = fd;
		c->srv = s;
		c->l = l;
		from_sockaddr(&ss, &c->peer);
		c->deadline = now_ms() + TCP_IDLE_MS;
		c->next = s->conns;
		if (s->conns)
			s->conns->prev = c;
		s->conns = c;
		s->n_conns++;
		ee.data.ptr = &c->ev;
		(void)epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ee);
	}
}

static void on_conn(struct server *s, struct conn *c, uint32_t events)
{
	if (c->fd < 0)
		return;		/* closed earlier in this batch */
	if (events & EPOLLOUT)
		conn_flush(c);
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		ssize_t n = recv(c->fd, c->in + c->in_len, MAX_MSG + 2 - c->in_len, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			c->dead = true;
		else if (n > 0)
			c->in_len += (size_t)n;
	}
	/* Every complete length-prefixed message in the buffer. */
	while (!c->dead && c->in_len >= 2) {
		size_t mlen = (size_t)c->in[0] << 8 | c->in[1], out_len;
		struct pending tmpl;
		int r;

		if (mlen < DNS_HEADER_SIZE) {
			c->dead = true;	/* framing error: close, never spin */
			break;
		}
		if (c->in_len < mlen + 2)
			break;
		if (c->pending >= TCP_MAX_PENDING_PER_CONN)
			break;
		tmpl = (struct pending){ .srv = s, .conn = c };
		r = handle_query(s, c->in + 2, mlen, &c->peer, c->l, true, &tmpl, &out_len);
		if (r == 0 && out_len)
			conn_queue(c, s->out, out_len);
		memmove(c->in, c->in + 2 + mlen, c->in_len - 2 - mlen);
		c->in_len -= 2 + mlen;
		c->deadline = now_ms() + TCP_IDLE_MS;
	}
	if (c->dead)
		conn_free(s, c);
}

static void reload(struct server *s)
{
	struct store *ns = NULL;
	struct nd_error e = {0};

	if (server_load_config(s->o.config_dir, &ns, &e) < 0) {
		log_error("reload failed, keeping the old configuration: %s", e.msg);
		nd_error_clear(&e);
		return;
	}
	store_free(s->store);
	s->store = ns;
	resolv_refresh(&s->rv, time(NULL), 1);
	(void)sync_listeners(s, false, &e);
	nd_error_clear(&e);
	log_info("reloaded: %zu network(s)", store_n_networks(s->store));
	if (!s->listeners) {
		log_info("no network left; exiting");
		s->stop = true;
		s->exit_code = 0;
	}
}

static void on_signal(struct server *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			s->reload_pending = true;	/* after the batch: listeners may go */
		else {
			log_info("signal %u: exiting", si.ssi_signo);
			s->stop = true;
		}
	}
}

int server_new(const struct server_opts *o, struct server **ret, struct nd_error *err)
{
	struct server *s = calloc(1, sizeof(*s));
	struct epoll_event ee = { .events = EPOLLIN };
	sigset_t mask;
	int r;

	if (!s)
		return -ENOMEM;
	s->o = *o;
	s->sigfd = -1;
	/* The search domain without dots around it. */
	{
		const char *d = o->search_domain ? o->search_domain : "dns.podman";
		while (*d == '.')
			d++;
		dnspkt_lower(d, s->search, sizeof(s->search));
		for (size_t n = strlen(s->search); n && s->search[n - 1] == '.'; n--)
			s->search[n - 1] = '\0';
	}
	s->rv.path = o->resolv_conf ? o->resolv_conf : "/etc/resolv.conf";
	resolv_refresh(&s->rv, time(NULL), 1);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0) {
		free(s);
		return nd_error_set(err, -errno, "epoll: %s", strerror(errno));
	}
	r = fwd_new(s->epfd, o->upstream_timeout_ms, o->cache_size, o->max_pending, &s->fwd);
	if (r < 0) {
		server_free(s);
		return nd_error_set(err, r, "c-ares: %s", strerror(-r));
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	s->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	s->sig_ev.kind = EV_SIGNAL;
	ee.data.ptr = &s->sig_ev;
	(void)epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->sigfd, &ee);

	r = server_load_config(o->config_dir, &s->store, err);
	if (r < 0) {
		server_free(s);
		return r;
	}
	if (store_n_networks(s->store) == 0) {
		server_free(s);
		return nd_error_set(err, -ENOENT, "no network configuration found in %s",
				    o->config_dir);
	}
	r = sync_listeners(s, true, err);
	if (r < 0) {
		server_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

static void expire_conns(struct server *s, uint64_t now)
{
	for (struct conn *c = s->conns, *next; c; c = next) {
		next = c->next;
		if (!c->pending && c->out_len == c->out_off && c->deadline <= now)
			conn_free(s, c);
	}
}

int server_run(struct server *s)
{
	struct epoll_event evs[64];

	while (!s->stop) {
		int timeout = fwd_next_timeout_ms(s->fwd), n;
		uint64_t now = now_ms();

		for (struct conn *c = s->conns; c; c = c->next) {
			int left = c->deadline > now ? (int)(c->deadline - now) : 0;
			if (timeout < 0 || left < timeout)
				timeout = left;
		}
		n = epoll_wait(s->epfd, evs, (int)ELEMENTSOF(evs), timeout);
		if (n < 0 && errno != EINTR) {
			log_error("epoll_wait: %m");
			return 1;
		}
		for (int i = 0; i < n; i++) {
			struct ev *ev = evs[i].data.ptr;
			switch (ev->kind) {
			case EV_UDP:
				on_udp(s, (struct listener *)((char *)ev - offsetof(struct listener, udp_ev)));
				break;
			case EV_TCP_LISTEN:
				on_accept(s, (struct listener *)((char *)ev - offsetof(struct listener, tcp_ev)));
				break;
			case EV_TCP_CONN:
				on_conn(s, (struct conn *)ev, evs[i].events);
				break;
			case EV_SIGNAL:
				on_signal(s);
				break;
			case EV_ARES:
				fwd_on_event(s->fwd, ev, evs[i].events);
				break;
			}
			if (s->stop)
				break;
		}
		fwd_process_timeouts(s->fwd);
		expire_conns(s, now_ms());
		fwd_reap(s->fwd);
		reap_conns(s);
		if (s->reload_pending) {
			s->reload_pending = false;
			reload(s);
		}
	}
	return s->exit_code;
}

void server_free(struct server *s)
{
	if (!s)
		return;
	while (s->conns)
		conn_free(s, s->conns);
	reap_conns(s);
	fwd_free(s->fwd);
	while (s->listeners) {
		struct listener *l = s->listeners;
		s->listeners = l->next;
		listener_close(s, l);
		listener_unref(l);
	}
	store_free(s->store);
	if (s->sigfd >= 0)
		(void)close(s->sigfd);
	if (s->epfd >= 0)
		(void)close(s->epfd);
	free(s);
}
