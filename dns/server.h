/* SPDX-License-Identifier: Apache-2.0 */
/* netd-dns's event loop: listeners, TCP connections, signals, forwarding. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "resolv.h"
#include "store.h"

struct server_opts {
	const char *config_dir;
	uint16_t port;
	const char *search_domain;	/* e.g. "dns.podman" (no dots around) */
	const char *resolv_conf;
	unsigned max_tcp;		/* concurrent TCP connections */
	unsigned max_pending;		/* forwards in flight */
	unsigned cache_size;		/* cached upstream answers */
	unsigned upstream_timeout_ms;	/* budget split across the upstream servers */
	bool no_proxy;			/* AARDVARK_NO_PROXY: never forward */
};

struct server;

/* Load the config and bind every listener. Return: 0 or -errno with @err set. */
int server_new(const struct server_opts *o, struct server **ret, struct nd_error *err);
/* Run until SIGTERM/SIGINT or until no network is left. Return: exit status. */
int server_run(struct server *s);
void server_free(struct server *s);

/* Parse every network file of @dir; broken files are skipped with a log line. */
int server_load_config(const char *dir, struct store **ret, struct nd_error *err);
