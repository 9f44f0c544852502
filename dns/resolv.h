/* SPDX-License-Identifier: Apache-2.0 */
/* The host's upstream resolvers: the first three nameservers of resolv.conf. */
#pragma once

#include <net/if.h>
#include <stddef.h>
#include <time.h>

#include "shared/ipaddr.h"

#define RESOLV_MAX 3

struct resolv {
	const char *path;
	struct nd_ip servers[RESOLV_MAX];
	char zones[RESOLV_MAX][IF_NAMESIZE];	/* "eth0" of "fe80::1%eth0", else "" */
	size_t n;
	struct timespec mtime;		/* of the file we read */
	time_t checked;			/* last time we looked at mtime */
};

/* Parse resolv.conf text: "nameserver IP[%zone]" lines, '#'/';' comments. */
/* @zones (may be NULL) receives each server's zone, "" when it has none. */
size_t resolv_parse(const char *text, size_t len, struct nd_ip out[RESOLV_MAX],
		    char zones[RESOLV_MAX][IF_NAMESIZE]);

/* Re-read @r->path if it changed (checked at most once a second unless @force). */
void resolv_refresh(struct resolv *r, time_t now, int force);
