// SPDX-License-Identifier: Apache-2.0
/*
 * The helpers issue 13 folded copies into: the round-robin policy of
 * ipalloc_pool_next() (the CNI IPAM's), ipalloc_problem()'s verdicts,
 * ju_networks_each() over both forms of "networks", and
 * exec_signals_hold/release() restoring the caller's signal mask.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "exec.h"
#include "ipalloc.h"
#include "jsonutil.h"
#include "tap.h"

static struct nd_ip ip(const char *s)
{
	struct nd_ip a = {0};

	nd_ip_parse(s, &a);
	return a;
}

static void pool_next(const struct ipalloc_pool *p, const char *after, const char *want)
{
	struct nd_ip a = after ? ip(after) : (struct nd_ip){0}, got;
	char b[ND_ADDRSTRLEN], name[160];
	int r = ipalloc_pool_next(p, after ? &a : NULL, &got);
	const char *have = r == 0 ? nd_ip_str(&got, b) : r == -ENOSPC ? "ENOSPC" : strerror(-r);

	snprintf(name, sizeof(name), "pool_next after %s: %s", after ? after : "(none)", want);
	if (!tap_result(strcmp(have, want) == 0, NULL, name))
		tap_diag("got %s", have);
}

static int count_net(const char *name, json_object *opts, size_t i, void *arg)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 128 - n, "%zu:%s ", i, name ? name : "(none)");
	return 0;
}

static void networks(const char *json, const char *want)
{
	json_object *o = json_tokener_parse(json);
	char out[128] = "";

	(void)ju_networks_each(o, count_net, out);
	if (!tap_result(strcmp(out, want) == 0, NULL, json))
		tap_diag("got \"%s\", want \"%s\"", out, want);
	json_object_put(o);
}

int main(void)
{
	struct nd_ip used[] = { ip("10.0.0.3"), ip("fd00::5"), ip("10.0.0.5") };
	struct ipalloc_pool p = {
		.first = ip("10.0.0.2"), .last = ip("10.0.0.6"),
		.has_gateway = true, .gateway = ip("10.0.0.4"),
		.used = used, .n_used = 3,
	};
	struct nd_prefix sn;
	struct nd_ip gw = ip("10.0.0.1");
	const char *why;

	ipalloc_sort(used, 3);
	pool_next(&p, NULL, "10.0.0.2");
	pool_next(&p, "10.0.0.2", "10.0.0.6");	/* skips used .3, gateway .4, used .5 */
	pool_next(&p, "10.0.0.6", "10.0.0.2");	/* wraps to the start */
	pool_next(&p, "192.168.0.1", "10.0.0.2");	/* outside the range: from the start */
	{
		/* .2 .3 .5 .6 taken and the gateway .4: full */
		struct nd_ip full[] = { ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.5"), ip("10.0.0.6") };
		p.used = full;
		p.n_used = 4;
		pool_next(&p, "10.0.0.3", "ENOSPC");
	}

	nd_prefix_parse("10.0.0.0/24", &sn, &why);
	tap_result(ipalloc_problem(&sn, &gw, &gw) == IPALLOC_GATEWAY, NULL, "problem: gateway");
	{
		struct nd_ip a = ip("10.0.0.255"), b = ip("10.0.1.1"), c = ip("10.0.0.9");
		tap_result(ipalloc_problem(&sn, &gw, &a) == IPALLOC_NET_OR_BCAST, NULL,
			   "problem: IPv4 broadcast");
		tap_result(ipalloc_problem(&sn, &gw, &b) == IPALLOC_OUTSIDE, NULL, "problem: outside");
		tap_result(ipalloc_problem(&sn, NULL, &c) == IPALLOC_FINE, NULL, "problem: none");
	}
	nd_prefix_parse("fd00::/64", &sn, &why);
	{
		struct nd_ip a = ip("fd00::");
		tap_result(ipalloc_problem(&sn, NULL, &a) == IPALLOC_NETWORK, NULL,
			   "problem: IPv6 network address");
	}

	networks("{\"a\": {}, \"b\": {}}", "0:a 1:b ");
	networks("[{\"name\": \"a\"}, {\"name\": 3}, {}]", "0:a 1:(none) 2:(none) ");
	networks("\"x\"", "");

	{
		struct exec_signals s = {0};
		sigset_t before, during, after;

		sigemptyset(&before);
		sigaddset(&before, SIGUSR1);
		sigprocmask(SIG_SETMASK, &before, NULL);
		exec_signals_hold(&s);
		sigprocmask(SIG_SETMASK, NULL, &during);
		exec_signals_release(&s);
		sigprocmask(SIG_SETMASK, NULL, &after);
		tap_result(sigismember(&during, SIGTERM) && sigismember(&during, SIGINT) &&
			   sigismember(&during, SIGHUP) && sigismember(&during, SIGUSR1),
			   NULL, "exec_signals_hold blocks SIGINT, SIGTERM, SIGHUP, keeps the rest");
		tap_result(!sigismember(&after, SIGTERM) && !sigismember(&after, SIGINT) &&
			   !sigismember(&after, SIGHUP) && sigismember(&after, SIGUSR1),
			   NULL, "exec_signals_release restores the caller's mask");
		exec_signals_release(&s);	/* a second release does nothing */
		sigprocmask(SIG_SETMASK, NULL, &after);
		tap_result(sigismember(&after, SIGUSR1), NULL, "a second release changes nothing");
	}
	return tap_finish();
}
