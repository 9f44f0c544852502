/* SPDX-License-Identifier: Apache-2.0 */
/* The host's upstream resolvers: the first three nameservers of resolv.conf. */
#pragma once

#include <stddef.h>
#include <time.h>

#include "shared/ipaddr.h"

#define RESOLV_MAX 3

struct resolv {
	const char *path;
	struct nd_ip servers[RESOLV_MAX];
	size_t n;
	struct timespec mtime;		/* of the file we read */
	time_t checked;			/* last time we looked at mtime */
};

/* Parse resolv.conf text: "nameserver IP[%zone]" lines, '#'/';' comments. */
size_t resolv_parse(const char *text, size_t len, struct nd_ip out[RESOLV_MAX]);

/* Re-read @r->path if it changed (checked at most once a second unless @force). */
void resolv_refresh(struct resolv *r, time_t now, int force);
