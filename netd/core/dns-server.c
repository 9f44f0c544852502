// SPDX-License-Identifier: Apache-2.0
#include "dns-server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *dns_server_find(char *buf, size_t size, bool build_tree)
{
	static const char *const near[] = { "netd-dns", "../dns/netd-dns" };
	const size_t room = 32;		/* for the longest of @near after the last '/' */
	ssize_t n;
	char *slash;

	if (!buf || size <= room)
		return DNS_SERVER_FALLBACK;
	n = readlink("/proc/self/exe", buf, size - room);
	if (n <= 0)
		return DNS_SERVER_FALLBACK;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	for (size_t k = 0; slash && k < (build_tree ? 2u : 1u); k++) {
		strcpy(slash + 1, near[k]);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return DNS_SERVER_FALLBACK;
}

int dns_port_from_env(uint16_t *ret, struct nd_error *err)
{
	const char *env = getenv("NETAVARK_DNS_PORT");
	unsigned long p;
	char *end;

	if (!env || !*env)
		return 0;
	errno = 0;
	p = strtoul(env, &end, 10);
	if (errno || *end || p == 0 || p > 65535 || env[0] == '-')
		return nd_error_set(err, -EINVAL, "Invalid NETAVARK_DNS_PORT %s: not a port number (1 to 65535)",
				    env);
	*ret = (uint16_t)p;
	return 0;
}
