// SPDX-License-Identifier: Apache-2.0
/*
 * ipalloc: the order addresses are handed out in, what is never handed out
 * (network, broadcast, gateway, outside a lease range), exhaustion, an
 * address given back being reused, IPv6, and ipalloc_check()'s words;
 * ipalloc_host_range(), and ipalloc_assign() (the CNI IPAM's policy): wishes
 * honoured or refused for each reason, round robin per range, a full range.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipalloc.h"
#include "tap.h"

static struct nd_subnet subnet(const char *cidr, const char *gw, const char *start, const char *end)
{
	struct nd_subnet sn = {0};
	const char *why;

	if (nd_prefix_parse(cidr, &sn.subnet, &why) < 0)
		tap_diag("bad prefix %s: %s", cidr, why);
	if (gw) {
		sn.has_gateway = true;
		nd_ip_parse(gw, &sn.gateway);
	}
	if (start) {
		sn.has_lease_range = true;
		nd_ip_parse(start, &sn.lease_start);
		nd_ip_parse(end, &sn.lease_end);
	}
	return sn;
}

/*
 * Allocate until ipalloc_next() fails, each address added to the used list;
 * the addresses in order, then "ENOSPC" (or the other error).
 */
static void run(const struct nd_subnet *sn, const char *const *pre_used, char *out, size_t size)
{
	struct nd_ip used[64];
	size_t n = 0, off = 0;
	int r;

	for (; pre_used && *pre_used; pre_used++)
		nd_ip_parse(*pre_used, &used[n++]);
	out[0] = '\0';
	for (;;) {
		char b[ND_ADDRSTRLEN];
		struct nd_ip ip;

		if (n == 64) {
			snprintf(out + off, size - off, "(too many)");
			return;
		}
		r = ipalloc_next(sn, used, n, &ip);
		if (r < 0) {
			snprintf(out + off, size - off, "%s", r == -ENOSPC ? "ENOSPC" : strerror(-r));
			return;
		}
		off += (size_t)snprintf(out + off, size - off, "%s ", nd_ip_str(&ip, b));
		used[n++] = ip;
	}
}

static void expect_run(const char *name, const struct nd_subnet *sn, const char *const *pre,
		       const char *want)
{
	char got[2048];

	run(sn, pre, got, sizeof(got));
	if (!tap_result(strcmp(got, want) == 0, NULL, name)) {
		tap_diag("want: %s", want);
		tap_diag("got:  %s", got);
	}
}

static void expect_check(const struct nd_subnet *sn, const char *ip, const char *want_why)
{
	const char *why = NULL;
	char name[256];
	struct nd_ip a;
	int r;

	nd_ip_parse(ip, &a);
	r = ipalloc_check(sn, &a, &why);
	snprintf(name, sizeof(name), "check %s: %s", ip, want_why ? want_why : "allowed");
	if (want_why)
		tap_result(r == -EINVAL && why && strcmp(why, want_why) == 0, NULL, name);
	else
		tap_result(r == 0, NULL, name);
	if (want_why && why && strcmp(why, want_why) != 0)
		tap_diag("got: %s", why);
}

static struct ipalloc_range arange(const char *cidr, const char *gw, const char *first,
				   const char *last, const char *after)
{
	struct ipalloc_range r = {0};

	nd_prefix_parse(cidr, &r.subnet, NULL);
	r.has_gateway = true;
	nd_ip_parse(gw, &r.gateway);
	nd_ip_parse(first, &r.first);
	nd_ip_parse(last, &r.last);
	if (after) {
		r.has_after = true;
		nd_ip_parse(after, &r.after);
	}
	return r;
}

/*
 * ipalloc_assign() over @r with @used and @want (NULL-terminated lists): the
 * addresses with '*' for a chosen one, or the refusal "<why> want=<i> range=<k>".
 */
static void expect_assign(const char *name, const struct ipalloc_range *r, size_t n,
			  const char *const *used, const char *const *want, int want_r,
			  const char *want_out)
{
	struct nd_ip u[16], w[16], out[8];
	static const char *const whys[] = { "NO_SUBNET", "TWICE", "RESERVED", "TAKEN", "FULL" };
	struct ipalloc_failure f = {0};
	size_t n_used = 0, n_want = 0, off = 0;
	char got[512] = "", b[ND_ADDRSTRLEN];
	bool chosen[8];
	int rc;

	for (; used && *used; used++)
		nd_ip_parse(*used, &u[n_used++]);
	for (; want && *want; want++)
		nd_ip_parse(*want, &w[n_want++]);
	rc = ipalloc_assign(r, n, u, n_used, w, n_want, out, chosen, &f);
	if (rc == 0)
		for (size_t k = 0; k < n; k++)
			off += (size_t)snprintf(got + off, sizeof(got) - off, "%s%s%s", k ? " " : "",
						nd_ip_str(&out[k], b), chosen[k] ? "*" : "");
	else
		snprintf(got, sizeof(got), "%s want=%zu range=%zu", whys[f.why], f.want, f.range);
	if (!tap_result(rc == want_r && strcmp(got, want_out) == 0, NULL, name))
		tap_diag("got %d: %s", rc, got);
}

static void test_assign(void)
{
	struct ipalloc_range two[] = {
		arange("10.0.0.0/29", "10.0.0.1", "10.0.0.1", "10.0.0.6", NULL),
		arange("fd00::/125", "fd00::1", "fd00::1", "fd00::7", "fd00::3"),
	};
	struct ipalloc_range tiny[] = { arange("10.2.0.0/30", "10.2.0.1", "10.2.0.1", "10.2.0.2",
					       NULL) };
	struct ipalloc_range rr[] = { arange("10.3.0.0/29", "10.3.0.1", "10.3.0.1", "10.3.0.6",
					     "10.3.0.5") };
	static const char *const u1[] = { "10.0.0.2", "fd00::4", NULL };

	expect_assign("assign: lowest free (gateway, used skipped) / round robin after the last",
		      two, 2, u1, NULL, 0, "10.0.0.3* fd00::5*");
	expect_assign("assign: a wish in one subnet, the other picked", two, 2, u1,
		      (const char *const[]){ "10.0.0.5", NULL }, 0, "10.0.0.5 fd00::5*");
	expect_assign("assign: a wish in no subnet", two, 2, NULL,
		      (const char *const[]){ "10.9.0.5", NULL }, -EINVAL, "NO_SUBNET want=0 range=2");
	expect_assign("assign: two wishes in one subnet", two, 2, NULL,
		      (const char *const[]){ "fd00::5", "10.0.0.3", "10.0.0.4", NULL }, -EINVAL,
		      "TWICE want=2 range=0");
	expect_assign("assign: the gateway is not given", two, 2, NULL,
		      (const char *const[]){ "10.0.0.1", NULL }, -EINVAL, "RESERVED want=0 range=0");
	expect_assign("assign: the broadcast address is not given", two, 2, NULL,
		      (const char *const[]){ "10.0.0.7", NULL }, -EINVAL, "RESERVED want=0 range=0");
	expect_assign("assign: a taken wish", two, 2, u1,
		      (const char *const[]){ "fd00::4", NULL }, -EADDRINUSE, "TAKEN want=0 range=1");
	expect_assign("assign: round robin wraps to the range's start", rr, 1,
		      (const char *const[]){ "10.3.0.6", NULL }, NULL, 0, "10.3.0.2*");
	expect_assign("assign: a full range", tiny, 1, (const char *const[]){ "10.2.0.2", NULL },
		      NULL, -ENOSPC, "FULL want=0 range=0");
	{
		struct nd_prefix net;
		struct nd_ip first, last;
		char b[ND_ADDRSTRLEN], b2[ND_ADDRSTRLEN];

		nd_prefix_parse("10.4.0.0/22", &net, NULL);
		ipalloc_host_range(&net, &first, &last);
		tap_result(strcmp(nd_ip_str(&first, b), "10.4.0.1") == 0 &&
			   strcmp(nd_ip_str(&last, b2), "10.4.3.254") == 0, NULL,
			   "host range of 10.4.0.0/22: 10.4.0.1-10.4.3.254");
		nd_prefix_parse("fd00:5::/120", &net, NULL);
		ipalloc_host_range(&net, &first, &last);
		tap_result(strcmp(nd_ip_str(&first, b), "fd00:5::1") == 0 &&
			   strcmp(nd_ip_str(&last, b2), "fd00:5::ff") == 0, NULL,
			   "host range of fd00:5::/120: ::1-::ff (no broadcast in IPv6)");
	}
}

int main(void)
{
	struct nd_subnet s29 = subnet("10.0.0.0/29", "10.0.0.1", NULL, NULL);
	struct nd_subnet s29gw_last = subnet("10.0.0.0/29", "10.0.0.6", NULL, NULL);
	struct nd_subnet s30 = subnet("192.168.7.4/30", NULL, NULL, NULL);
	struct nd_subnet range = subnet("10.1.0.0/24", "10.1.0.1", "10.1.0.100", "10.1.0.103");
	struct nd_subnet v6 = subnet("fd00:1::/126", "fd00:1::1", NULL, NULL);
	struct nd_subnet v6b = subnet("fd00:2::/64", "fd00:2::1", NULL, NULL);

	expect_run("IPv4 /29: gateway .1, network .0 and broadcast .7 skipped, lowest first",
		   &s29, NULL, "10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 10.0.0.6 ENOSPC");
	expect_run("IPv4 /29 with the gateway last: .6 skipped",
		   &s29gw_last, NULL, "10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 ENOSPC");
	expect_run("IPv4 /30 without gateway: the two host addresses",
		   &s30, NULL, "192.168.7.5 192.168.7.6 ENOSPC");
	{
		static const char *const holes[] = { "10.0.0.2", "10.0.0.4", "10.9.9.9", "fd00::2", NULL };
		expect_run("used addresses skipped, holes filled in order, other subnets ignored",
			   &s29, holes, "10.0.0.3 10.0.0.5 10.0.0.6 ENOSPC");
	}
	{
		static const char *const all[] = { "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5",
						   "10.0.0.6", NULL };
		static const char *const released[] = { "10.0.0.2", "10.0.0.3", "10.0.0.5",
							"10.0.0.6", NULL };
		expect_run("full subnet: ENOSPC", &s29, all, "ENOSPC");
		expect_run("an address given back (.4) is the next one handed out", &s29, released,
			   "10.0.0.4 ENOSPC");
	}
	expect_run("lease range: only .100-.103", &range, NULL,
		   "10.1.0.100 10.1.0.101 10.1.0.102 10.1.0.103 ENOSPC");
	expect_run("IPv6 /126: network ::0 and gateway ::1 skipped, ::3 (no broadcast) given",
		   &v6, NULL, "fd00:1::2 fd00:1::3 ENOSPC");
	{
		static const char *const used6[] = { "fd00:2::2", "fd00:2::3", NULL };
		struct nd_ip ip;
		char b[ND_ADDRSTRLEN];
		struct nd_ip u[2];
		int r;

		nd_ip_parse(used6[0], &u[0]);
		nd_ip_parse(used6[1], &u[1]);
		r = ipalloc_next(&v6b, u, 2, &ip);
		tap_result(r == 0 && strcmp(nd_ip_str(&ip, b), "fd00:2::4") == 0, NULL,
			   "IPv6 /64: next after the gateway and two used is fd00:2::4");
	}

	expect_check(&s29, "10.0.0.2", NULL);
	expect_check(&s29, "10.0.0.6", NULL);
	expect_check(&s29, "10.0.0.1", "is the gateway");
	expect_check(&s29, "10.0.0.0", "is the network or broadcast address");
	expect_check(&s29, "10.0.0.7", "is the network or broadcast address");
	expect_check(&s29, "10.0.0.8", "is not inside the subnet");
	expect_check(&s29, "fd00::2", "is not inside the subnet");
	expect_check(&range, "10.1.0.99", "is outside the subnet's IP range");
	expect_check(&range, "10.1.0.104", "is outside the subnet's IP range");
	expect_check(&range, "10.1.0.103", NULL);
	expect_check(&v6, "fd00:1::", "is the subnet's network address");
	expect_check(&v6, "fd00:1::3", NULL);
	expect_check(&v6, "fd00:1::1", "is the gateway");
	{
		struct nd_ip a, b;
		nd_ip_parse("10.0.0.2", &a);
		nd_ip_parse("10.0.0.10", &b);
		tap_result(ipalloc_cmp(&a, &b) < 0 && ipalloc_cmp(&b, &a) > 0 && ipalloc_cmp(&a, &a) == 0,
			   NULL, "ipalloc_cmp compares as numbers (10.0.0.2 < 10.0.0.10)");
	}
	test_assign();
	return tap_finish();
}
