// SPDX-License-Identifier: Apache-2.0
#include "answer.h"

#include <errno.h>
#include <string.h>

#define MAX_RRS 64

/* Strip ".<domain>" from @name in place (both lower-case). */
static void strip_domain(char *name, const char *domain)
{
	size_t n = strlen(name), d = strlen(domain);

	if (d && n > d + 1 && name[n - d - 1] == '.' && strcmp(name + n - d, domain) == 0)
		name[n - d - 1] = '\0';
}

static bool in_domain(const char *name, const char *domain)
{
	size_t n = strlen(name), d = strlen(domain);

	return d && (strcmp(name, domain) == 0 ||
		     (n > d + 1 && name[n - d - 1] == '.' && strcmp(name + n - d, domain) == 0));
}

static void add_upstream(struct answer *a, const struct nd_ip *ip)
{
	for (size_t i = 0; i < a->n_upstreams; i++)
		if (nd_ip_equal(&a->upstreams[i], ip))
			return;
	if (a->n_upstreams < ANSWER_MAX_UPSTREAMS)
		a->upstreams[a->n_upstreams++] = *ip;
}

static int reply(uint8_t *out, size_t cap, const uint8_t *query, size_t qlen,
		 const struct dns_query *q, int rcode, const struct dns_rr *rrs, size_t n,
		 size_t max, struct answer *ret)
{
	int len = dnspkt_build_answer(out, cap, query, qlen, q, rcode, rcode == DNS_RCODE_NOERROR,
				      rrs, n, max);

	if (len < 0)
		return len;
	ret->kind = ANSWER_REPLY;
	ret->len = (size_t)len;
	return 0;
}

int answer_query(const struct store *st, const struct resolv *rv, const char *search_domain,
		 bool no_proxy, const uint8_t *query, size_t qlen, const struct dns_query *q,
		 const struct nd_ip *client, int recv_net, size_t max, uint8_t *out, size_t cap,
		 struct answer *ret)
{
	char name[DNS_MAX_TEXT + 1];
	struct dns_rr rrs[MAX_RRS];
	struct store_client c;
	size_t n_rr = 0;
	const char *qn = q->has_question ? q->name : "";
	uint16_t qtype = q->has_question ? q->qtype : DNS_TYPE_A;

	memset(ret, 0, sizeof(*ret));
	if (recv_net < 0)
		return -ENOENT;
	/*
	 * Only a registered client of the network whose gateway got the query
	 * is served: not the host, not another network's containers, not an
	 * address on the bridge that no container of this network has.
	 */
	if (!store_client_of(st, (uint32_t)recv_net, client, &c))
		return reply(out, cap, query, qlen, q, DNS_RCODE_REFUSED, NULL, 0, max, ret);
	if (q->hdr.qdcount > 1 || DNS_OPCODE(q->hdr.flags) != 0) {
		int len = dnspkt_build_error(out, cap, q->hdr.id, q->hdr.flags,
					     DNS_OPCODE(q->hdr.flags) ? DNS_RCODE_NOTIMP : DNS_RCODE_FORMERR);
		if (len < 0)
			return len;
		ret->kind = ANSWER_REPLY;
		ret->len = (size_t)len;
		return 0;
	}
	dnspkt_lower(qn, name, sizeof(name));

	/* Names of every network of the client's container. */
	if (q->has_question && q->qclass == DNS_CLASS_IN &&
	    (qtype == DNS_TYPE_A || qtype == DNS_TYPE_AAAA)) {
		int family = qtype == DNS_TYPE_A ? AF_INET : AF_INET6;
		bool found = false;
		char bare[DNS_MAX_TEXT + 1];

		memcpy(bare, name, sizeof(bare));
		strip_domain(bare, search_domain);
		for (size_t i = 0; i < c.n_nets; i++) {
			size_t n;
			const struct nd_ip *ips = store_lookup_name(st, c.nets[i], bare, &n);
			if (!ips)
				continue;
			found = true;
			for (size_t k = 0; k < n && n_rr < MAX_RRS; k++)
				if (ips[k].family == family)
					rrs[n_rr++] = (struct dns_rr){ .type = qtype, .ttl = 0, .ip = ips[k] };
		}
		if (found)
			return reply(out, cap, query, qlen, q, DNS_RCODE_NOERROR, rrs, n_rr, max, ret);
	} else if (q->has_question && q->qclass == DNS_CLASS_IN && qtype == DNS_TYPE_PTR) {
		struct nd_ip ip;

		if (dnspkt_reverse_name(name, &ip) == 0)
			for (size_t i = 0; i < c.n_nets; i++) {
				size_t n;
				char *const *names = store_lookup_ptr(st, c.nets[i], &ip, &n);
				if (!names)
					continue;
				for (size_t k = 0; k < n && n_rr < MAX_RRS; k++)
					rrs[n_rr++] = (struct dns_rr){ .type = DNS_TYPE_PTR, .ttl = 0,
								       .ptr = names[k] };
				return reply(out, cap, query, qlen, q, DNS_RCODE_NOERROR, rrs, n_rr,
					     max, ret);
			}
	}

	/* A query that came in through an internal network never leaves it. */
	if (no_proxy || store_network(st, (size_t)recv_net)->internal ||
	    in_domain(name, search_domain))
		return reply(out, cap, query, qlen, q, DNS_RCODE_NXDOMAIN, NULL, 0, max, ret);

	/* Upstreams: the container's own, else its networks', else the host's. */
	for (size_t k = 0; k < c.n_servers; k++)
		add_upstream(ret, &c.servers[k]);
	if (!ret->n_upstreams)
		for (size_t i = 0; i < c.n_nets; i++) {
			const struct store_net *sn = store_network(st, c.nets[i]);
			if (sn->internal)
				continue;
			for (size_t k = 0; k < sn->n_servers; k++)
				add_upstream(ret, &sn->servers[k]);
		}
	if (!ret->n_upstreams)
		for (size_t k = 0; k < rv->n; k++)
			add_upstream(ret, &rv->servers[k]);
	ret->kind = ANSWER_FORWARD;
	return 0;
}
