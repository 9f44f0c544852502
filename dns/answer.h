/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What to do with one query: refuse it (REFUSED: the sender is not a
 * registered client of the network that received it), answer it from the
 * store, refuse it locally (NXDOMAIN), or forward it and to which upstream
 * servers. Pure: no I/O.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "packet.h"
#include "resolv.h"
#include "store.h"

#define ANSWER_MAX_UPSTREAMS 8

enum answer_kind {
	ANSWER_REPLY,		/* @out holds the response */
	ANSWER_FORWARD,		/* send upstream to @upstreams */
};

struct answer {
	enum answer_kind kind;
	size_t len;			/* ANSWER_REPLY: response length */
	struct nd_ip upstreams[ANSWER_MAX_UPSTREAMS];
	size_t n_upstreams;
};

/**
 * answer_query() - decide and, for local answers, build the response
 * @client:	source address of the query
 * @recv_net:	index of the network whose listener got it (-1 if gone: dropped)
 * @max:	largest response the client accepts
 */
int answer_query(const struct store *st, const struct resolv *rv, const char *search_domain,
		 bool no_proxy, const uint8_t *query, size_t qlen, const struct dns_query *q,
		 const struct nd_ip *client, int recv_net, size_t max, uint8_t *out, size_t cap,
		 struct answer *ret);
