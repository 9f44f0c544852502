// SPDX-License-Identifier: Apache-2.0
/* Unit tests of netd-dns's config parser (dns/conf.c) and lookup store (dns/store.c). TAP output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "store.h"

static int n_pass, n_fail, n_test;

static void check(int ok, const char *name, const char *detail)
{
	n_test++;
	if (ok) {
		n_pass++;
		printf("ok %d - %s\n", n_test, name);
	} else {
		n_fail++;
		printf("not ok %d - %s%s%s\n", n_test, name, detail ? ": " : "", detail ? detail : "");
	}
}

/* Parse @text as file @fname; expect failure whose message contains @want (NULL = success). */
static void parse_case(const char *name, const char *fname, const char *text, const char *want)
{
	struct dnsconf_network n = {0};
	struct nd_error err = {0};
	int r = dnsconf_parse(fname, text, strlen(text), &n, &err);

	if (!want)
		check(r == 0, name, err.msg);
	else
		check(r < 0 && err.msg && strstr(err.msg, want), name, err.msg ? err.msg : "parsed");
	if (r == 0)
		dnsconf_network_done(&n);
	nd_error_clear(&err);
}

#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static void test_parse(void)
{
	struct dnsconf_network n = {0};
	struct nd_error err = {0};
	const char *good = "10.89.0.1,fd89::1 1.1.1.1,2606:4700::1111\n"
			   ID_A " 10.89.0.2 fd89::2 Web,www 8.8.8.8\n"
			   "\n"
			   ID_B " 10.89.0.3  db\n";
	int r = dnsconf_parse("podman1", good, strlen(good), &n, &err);

	check(r == 0, "valid file parses", err.msg);
	if (r == 0) {
		check(strcmp(n.name, "podman1") == 0 && !n.internal, "network name from file name", NULL);
		check(n.n_binds == 2 && n.n_servers == 2, "bind addresses and network servers", NULL);
		check(n.n_entries == 2, "two entries (empty line ignored)", NULL);
		check(n.entries[0].n_ips == 2 && n.entries[0].n_v4 == 1, "entry addresses", NULL);
		check(n.entries[0].n_names == 2 && strcmp(n.entries[0].names[0], "web") == 0,
		      "names lower-cased", NULL);
		check(n.entries[0].n_servers == 1, "per-container server (5th field)", NULL);
		check(n.entries[1].n_ips == 1 && n.entries[1].n_v4 == 1, "empty IPv6 field", NULL);
		dnsconf_network_done(&n);
	}
	nd_error_clear(&err);

	r = dnsconf_parse("secret%int", "10.1.0.1\n", 9, &n, &err);
	check(r == 0 && n.internal && strcmp(n.name, "secret") == 0, "%int marks an internal network", err.msg);
	if (r == 0)
		dnsconf_network_done(&n);
	nd_error_clear(&err);

	parse_case("six fields: per-container servers ignored", "n",
		   "10.1.0.1\n" ID_A " 10.1.0.2  a 8.8.8.8 extra\n", NULL);
	parse_case("empty file", "n", "", "no bind addresses");
	parse_case("only newlines", "n", "\n\n", "no bind addresses");
	parse_case("bad bind address", "n", "10.1.0.300\n", "bind addresses");
	parse_case("empty bind list", "n", " 8.8.8.8\n", "no bind addresses");
	parse_case("bad network server", "n", "10.1.0.1 8.8.8\n", "network dns servers");
	parse_case("too few fields", "n", "10.1.0.1\n" ID_A " 10.1.0.2 fd::2\n", "too few fields");
	parse_case("IPv6 in the IPv4 field", "n", "10.1.0.1\n" ID_A " fd::2  a\n", "not an IPv4");
	parse_case("IPv4 in the IPv6 field", "n", "10.1.0.1\n" ID_A "  10.1.0.2 a\n", "not an IPv6");
	parse_case("trailing comma in address list", "n", "10.1.0.1\n" ID_A " 10.1.0.2, fd::2 a\n",
		   "empty or overlong");
	parse_case("CRLF line endings rejected", "n", "10.1.0.1\r\n", "bind addresses");
	parse_case("NUL byte rejected", "n", "10.1.0.1\n\0x", NULL);
	parse_case("overlong name", "n",
		   "10.1.0.1\n" ID_A " 10.1.0.2  "
		   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "longer than 253");
	parse_case("bad per-container server", "n", "10.1.0.1\n" ID_A " 10.1.0.2  a x.y\n",
		   "dns server field");
	{
		/* A NUL in the middle: strlen() would stop early, so pass the length. */
		static const char nul[] = "10.1.0.1\n\0junk";
		struct dnsconf_network m = {0};
		int k = dnsconf_parse("n", nul, sizeof(nul) - 1, &m, &err);
		check(k < 0 && err.msg && strstr(err.msg, "NUL"), "embedded NUL byte rejected", err.msg);
		if (k == 0)
			dnsconf_network_done(&m);
		nd_error_clear(&err);
	}
	check(!dnsconf_is_network_file("aardvark.pid") && !dnsconf_is_network_file(".n.tmp.1") &&
	      !dnsconf_is_network_file(".netd.tmp.0123456789abcdef") &&
	      !dnsconf_is_network_file("n~") && dnsconf_is_network_file("podman"),
	      "pid, hidden, temporary and backup files are not networks", NULL);
	check(dnsconf_is_network_file("db.tmp.1"),
	      "a valid network name that contains .tmp. is a network", NULL);
}

static void test_store(void)
{
	const char *a = "10.1.0.1\n" ID_A " 10.1.0.2 fd01::2 web,shared\n" ID_B " 10.1.0.3  shared\n";
	const char *b = "10.2.0.1 9.9.9.9\n" ID_A " 10.2.0.2  other\n";
	struct dnsconf_network *nets = calloc(2, sizeof(*nets));
	struct nd_error err = {0};
	struct store *s = NULL;
	struct nd_ip ip;
	const struct nd_ip *ips;
	const uint32_t *cn;
	char *const *names;
	size_t n;

	if (!nets || dnsconf_parse("a", a, strlen(a), &nets[0], &err) < 0 ||
	    dnsconf_parse("b", b, strlen(b), &nets[1], &err) < 0 || store_build(nets, 2, &s) < 0) {
		check(0, "store builds", err.msg);
		return;
	}
	check(store_n_networks(s) == 2 && store_find_network(s, "b") == 1, "networks by name", NULL);
	nd_ip_parse("10.1.0.2", &ip);
	cn = store_client_networks(s, &ip, &n);
	check(cn && n == 2, "a container on two networks sees both", NULL);
	nd_ip_parse("10.1.0.3", &ip);
	cn = store_client_networks(s, &ip, &n);
	check(cn && n == 1 && cn[0] == 0, "a container on one network sees one", NULL);
	nd_ip_parse("10.9.9.9", &ip);
	check(!store_client_networks(s, &ip, &n) && n == 0, "unknown client", NULL);
	{
		struct store_client c;
		nd_ip_parse("10.1.0.2", &ip);
		check(store_client_of(s, 0, &ip, &c) && c.n_nets == 2 && !c.n_servers,
		      "client_of: a container's address on its network", NULL);
		check(!store_client_of(s, 1, &ip, &c),
		      "client_of: not through another network of the same container", NULL);
		nd_ip_parse("10.2.0.2", &ip);
		check(store_client_of(s, 1, &ip, &c) && c.n_nets == 2,
		      "client_of: the same container's address on the other network", NULL);
		nd_ip_parse("10.1.0.3", &ip);
		check(!store_client_of(s, 1, &ip, &c), "client_of: a container of another network", NULL);
		nd_ip_parse("10.1.0.1", &ip);
		check(!store_client_of(s, 0, &ip, &c), "client_of: the gateway is no client", NULL);
		nd_ip_parse("10.1.0.9", &ip);
		check(!store_client_of(s, 0, &ip, &c) && !store_client_of(s, 7, &ip, &c),
		      "client_of: an unlisted address of the subnet; a network index out of range", NULL);
	}
	ips = store_lookup_name(s, 0, "shared", &n);
	check(ips && n == 3, "duplicate name across containers accumulates", NULL);
	ips = store_lookup_name(s, 0, "web", &n);
	check(ips && n == 2 && ips[0].family == AF_INET && ips[1].family == AF_INET6,
	      "v4 before v6", NULL);
	check(!store_lookup_name(s, 1, "web", &n), "names are per network", NULL);
	ips = store_lookup_name(s, 0, "aaaaaaaaaaaa", &n);
	check(ips && n == 2, "short id resolves", NULL);
	nd_ip_parse("fd01::2", &ip);
	names = store_lookup_ptr(s, 0, &ip, &n);
	check(names && n == 2 && strcmp(names[0], "web") == 0, "reverse lookup", NULL);
	nd_ip_parse("10.1.0.2", &ip);
	check(!store_lookup_ptr(s, 1, &ip, &n), "reverse lookup is per network", NULL);
	store_free(s);
}

int main(void)
{
	test_parse();
	test_store();
	printf("1..%d\n", n_test);
	printf("%d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
