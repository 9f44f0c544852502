// SPDX-License-Identifier: Apache-2.0
#include "resolv.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/log.h"

size_t resolv_parse(const char *text, size_t len, struct nd_ip out[RESOLV_MAX],
		    char zones[RESOLV_MAX][IF_NAMESIZE])
{
	const char *p = text, *end = text + len;
	size_t n = 0;

	while (p < end && n < RESOLV_MAX) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[256], *tok, *save = NULL;

		if (l >= sizeof(line))
			l = sizeof(line) - 1;
		memcpy(line, p, l);
		line[l] = '\0';
		for (char *c = line; *c; c++)
			if (*c == '#' || *c == ';') {
				*c = '\0';
				break;
			}
		tok = strtok_r(line, " \t\r", &save);
		if (tok && strcmp(tok, "nameserver") == 0 && (tok = strtok_r(NULL, " \t\r", &save))) {
			/* A link-local address names its interface: fe80::1%eth0. */
			char *pct = strchr(tok, '%');
			const char *zone = "";
			if (pct) {
				*pct = '\0';
				zone = pct + 1;
			}
			if (nd_ip_parse(tok, &out[n]) == 0 &&
			    (!*zone || (out[n].family == AF_INET6 && strlen(zone) < IF_NAMESIZE))) {
				if (zones)
					snprintf(zones[n], IF_NAMESIZE, "%s", zone);
				n++;
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return n;
}

void resolv_refresh(struct resolv *r, time_t now, int force)
{
	struct stat st;
	char buf[8192];
	ssize_t len;
	int fd;

	if (!force && r->checked == now)
		return;
	r->checked = now;
	if (stat(r->path, &st) < 0) {
		r->n = 0;
		return;
	}
	if (!force && st.st_mtim.tv_sec == r->mtime.tv_sec && st.st_mtim.tv_nsec == r->mtime.tv_nsec)
		return;
	fd = open(r->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	len = read(fd, buf, sizeof(buf));
	(void)close(fd);
	if (len < 0)
		return;
	r->n = resolv_parse(buf, (size_t)len, r->servers, r->zones);
	r->mtime = st.st_mtim;
	log_info("read %zu upstream resolver(s) from %s", r->n, r->path);
}
