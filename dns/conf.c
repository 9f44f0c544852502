// SPDX-License-Identifier: Apache-2.0
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/cleanup.h"

bool dnsconf_is_network_file(const char *f)
{
	size_t n = strlen(f);

	/* Writers' temporaries are hidden (".netd.tmp.*", ".aardvark.pid.*"), so a
	 * valid network name such as "db.tmp.1" is a network like any other. */
	if (n == 0 || f[0] == '.' || strcmp(f, "aardvark.pid") == 0)
		return false;
	if (f[n - 1] == '~' || strchr(f, '/'))
		return false;
	return true;
}

/* A field of a line: [start, end). */
struct field {
	const char *p;
	size_t len;
};

static char *dup_lower(const char *p, size_t len)
{
	char *s = malloc(len + 1);

	if (!s)
		return NULL;
	for (size_t i = 0; i < len; i++)
		s[i] = (char)tolower((unsigned char)p[i]);
	s[len] = '\0';
	return s;
}

/* Split @f on commas into IPs of @family (0 = any). Empty field → none. */
static int parse_ips(struct field f, int family, struct nd_ip **ret, size_t *n, size_t line,
		     const char *what, struct nd_error *err)
{
	size_t count = 1, k = 0;
	struct nd_ip *v;
	const char *p = f.p, *end = f.p + f.len;

	*ret = NULL;
	*n = 0;
	if (f.len == 0)
		return 0;
	for (size_t i = 0; i < f.len; i++)
		count += f.p[i] == ',';
	v = calloc(count, sizeof(*v));
	if (!v)
		return -ENOMEM;
	while (p <= end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		size_t len = c ? (size_t)(c - p) : (size_t)(end - p);
		char buf[ND_ADDRSTRLEN];

		if (len == 0 || len >= sizeof(buf)) {
			free(v);
			return nd_error_set(err, -EINVAL, "line %zu: %s: empty or overlong address",
					    line, what);
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (nd_ip_parse(buf, &v[k]) < 0 || (family && v[k].family != family)) {
			free(v);
			return nd_error_set(err, -EINVAL, "line %zu: %s: \"%s\" is not an %s address",
					    line, what, buf,
					    family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "IP");
		}
		k++;
		if (!c)
			break;
		p = c + 1;
	}
	*ret = v;
	*n = k;
	return 0;
}

static int parse_names(struct field f, struct dnsconf_entry *e, size_t line, struct nd_error *err)
{
	size_t count = 1;
	const char *p = f.p, *end = f.p + f.len;

	for (size_t i = 0; i < f.len; i++)
		count += f.p[i] == ',';
	e->names = calloc(count, sizeof(*e->names));
	if (!e->names)
		return -ENOMEM;
	while (p <= end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		size_t len = c ? (size_t)(c - p) : (size_t)(end - p);

		if (len > 253)
			return nd_error_set(err, -EINVAL, "line %zu: name longer than 253 characters",
					    line);
		if (len > 0) {
			e->names[e->n_names] = dup_lower(p, len);
			if (!e->names[e->n_names])
				return -ENOMEM;
			e->n_names++;
		}
		if (!c)
			break;
		p = c + 1;
	}
	return 0;
}

/* Split a line on single spaces, like aardvark (two spaces = an empty field). */
static size_t split(const char *p, size_t len, struct field *out, size_t max)
{
	size_t n = 0;
	const char *s = p, *end = p + len;

	while (n < max) {
		const char *sp = memchr(s, ' ', (size_t)(end - s));
		out[n].p = s;
		out[n].len = sp ? (size_t)(sp - s) : (size_t)(end - s);
		n++;
		if (!sp)
			break;
		s = sp + 1;
	}
	return n;
}

static void entry_done(struct dnsconf_entry *e)
{
	free(e->id);
	free(e->ips);
	strv_free(e->names, e->n_names);
	free(e->servers);
}

static int parse_entry(struct field *f, size_t nf, size_t line, struct dnsconf_entry *e,
		       struct nd_error *err)
{
	_cleanup_free_ struct nd_ip *v4 = NULL, *v6 = NULL;
	size_t n4, n6;
	int r;

	if (nf < 4)
		return nd_error_set(err, -EINVAL,
				    "line %zu: too few fields (expected: id ipv4s ipv6s names [dns])", line);
	if (f[0].len == 0 || f[0].len > 255)
		return nd_error_set(err, -EINVAL, "line %zu: bad container id", line);
	e->id = dup_lower(f[0].p, f[0].len);
	if (!e->id)
		return -ENOMEM;
	if ((r = parse_ips(f[1], AF_INET, &v4, &n4, line, "ipv4 field", err)) < 0 ||
	    (r = parse_ips(f[2], AF_INET6, &v6, &n6, line, "ipv6 field", err)) < 0 ||
	    (r = parse_names(f[3], e, line, err)) < 0)
		return r;
	e->ips = calloc(n4 + n6 ? n4 + n6 : 1, sizeof(*e->ips));
	if (!e->ips)
		return -ENOMEM;
	if (n4)
		memcpy(e->ips, v4, n4 * sizeof(*v4));
	if (n6)
		memcpy(e->ips + n4, v6, n6 * sizeof(*v6));
	e->n_v4 = n4;
	e->n_ips = n4 + n6;
	/* As aardvark: per-container servers only with exactly five fields. */
	if (nf == 5 && f[4].len)
		return parse_ips(f[4], 0, &e->servers, &e->n_servers, line, "dns server field", err);
	return 0;
}

int dnsconf_parse(const char *filename, const char *buf, size_t len,
		  struct dnsconf_network *ret, struct nd_error *err)
{
	struct dnsconf_network n = {0};
	size_t fn = strlen(filename), line = 0, lines = 0, cap = 0;
	const char *p = buf, *end = buf + len;
	bool header = false;
	int r = 0;

	if (len > DNSCONF_MAX_FILE)
		return nd_error_set(err, -EFBIG, "file larger than %u bytes", DNSCONF_MAX_FILE);
	if (memchr(buf, '\0', len))
		return nd_error_set(err, -EINVAL, "file contains a NUL byte");
	if (fn > 4 && strcmp(filename + fn - 4, "%int") == 0) {
		n.internal = true;
		fn -= 4;
	}
	n.name = strndup(filename, fn);
	if (!n.name)
		return -ENOMEM;
	for (const char *q = buf; q < end; q++)
		lines += *q == '\n';
	cap = lines + 1;
	n.entries = calloc(cap, sizeof(*n.entries));
	if (!n.entries) {
		dnsconf_network_done(&n);
		return -ENOMEM;
	}
	while (p < end && r == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct field f[8];
		size_t nf;

		line++;
		if (l == 0)
			goto next;
		nf = split(p, l, f, ELEMENTSOF(f));
		if (!header) {
			r = parse_ips(f[0], 0, &n.binds, &n.n_binds, line, "bind addresses", err);
			if (r == 0 && n.n_binds == 0)
				r = nd_error_set(err, -EINVAL, "line %zu: no bind addresses", line);
			if (r == 0 && nf >= 2)
				r = parse_ips(f[1], 0, &n.servers, &n.n_servers, line,
					      "network dns servers", err);
			header = true;
		} else if (n.n_entries < cap) {
			r = parse_entry(f, nf, line, &n.entries[n.n_entries], err);
			n.n_entries++;
		}
next:
		if (!nl)
			break;
		p = nl + 1;
	}
	if (r == 0 && !header)
		r = nd_error_set(err, -EINVAL, "no bind addresses (empty file)");
	if (r < 0) {
		dnsconf_network_done(&n);
		return r;
	}
	*ret = n;
	return 0;
}

void dnsconf_network_done(struct dnsconf_network *n)
{
	free(n->name);
	free(n->binds);
	free(n->servers);
	for (size_t i = 0; i < n->n_entries; i++)
		entry_done(&n->entries[i]);
	free(n->entries);
	memset(n, 0, sizeof(*n));
}
