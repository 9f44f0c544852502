// SPDX-License-Identifier: Apache-2.0
#include "ipam.h"
#include "ipalloc.h"

#include <errno.h>
#include <stdlib.h>

static const struct nd_subnet *find_subnet(const struct nd_network *net, const struct nd_ip *ip)
{
	for (size_t i = 0; i < net->n_subnets; i++)
		if (nd_prefix_contains(&net->subnets[i].subnet, ip))
			return &net->subnets[i];
	return NULL;
}

/*
 * Address @i of @a (its subnet already found): not a gateway, not a network
 * or broadcast address, not given twice. @path names the attachment.
 */
static int check_addr(const struct nd_attach *a, size_t i, const char *path, struct nd_error *err)
{
	const struct nd_ip *ip = &a->addrs[i].addr.addr;
	const struct nd_subnet *s = a->addrs[i].subnet;
	char b[ND_ADDRSTRLEN], b2[ND_ADDRSTRLEN];
	enum ipalloc_problem problem;

	/* Podman allocated it: its network address of IPv6 (and IPv4 /31) is fine. */
	problem = ipalloc_problem(&s->subnet, s->has_gateway ? &s->gateway : NULL, ip);
	if (problem == IPALLOC_GATEWAY)
		return nd_error_set(err, -EINVAL,
				    "%s.static_ips[%zu]: %s is the gateway of subnet %s",
				    path, i, nd_ip_str(ip, b), nd_prefix_str(&s->subnet, b2));
	if (problem == IPALLOC_NET_OR_BCAST)
		return nd_error_set(err, -EINVAL,
				    "%s.static_ips[%zu]: %s is the network or broadcast address of %s",
				    path, i, nd_ip_str(ip, b), nd_prefix_str(&s->subnet, b2));
	for (size_t j = 0; j < i; j++)
		if (nd_ip_equal(&a->addrs[j].addr.addr, ip))
			return nd_error_set(err, -EINVAL, "%s.static_ips[%zu]: %s is given twice",
					    path, i, nd_ip_str(ip, b));
	return 0;
}

/* The rules of @a's IPAM driver on @n static IPs; 1 when host-local assigns them. */
static int check_driver(const struct nd_attach *a, size_t n, const struct nd_ip *first,
			const char *path, struct nd_error *err)
{
	const struct nd_network *net = a->net;
	char b[ND_ADDRSTRLEN];

	switch (net->ipam) {
	case ND_IPAM_NONE:
		return 0;
	case ND_IPAM_DHCP:
		/* The address comes from the DHCP server at setup time (dhcp-setup.c). */
		if (net->driver == ND_DRIVER_BRIDGE && net->mode != ND_MODE_UNMANAGED)
			return nd_error_set(err, -EINVAL,
					    "%s: network \"%s\": cannot use dhcp ipam driver without using the option mode=unmanaged",
					    path, net->name);
		/* A plugin gets the network as it is and does its own IPAM. */
		if (net->driver == ND_DRIVER_PLUGIN)
			return 0;
		if (n > 0)
			return nd_error_set(err, -EINVAL,
					    "%s.static_ips: network \"%s\" uses dhcp; static IPs cannot be used",
					    path, net->name);
		return 0;
	case ND_IPAM_HOST_LOCAL:
		break;
	}
	if (n == 0) {
		if (net->n_subnets == 0)
			return 0;
		return nd_error_set(err, -EINVAL,
				    "%s.static_ips: no static IPs given, but host-local IPAM on network \"%s\" needs one per subnet in use",
				    path, net->name);
	}
	if (net->n_subnets == 0)
		return nd_error_set(err, -EINVAL,
				    "%s.static_ips[0]: %s cannot be used: network \"%s\" has no subnets",
				    path, nd_ip_str(first, b), net->name);
	return 1;
}

int ipam_assign(struct nd_attach *a, const struct nd_ip *ips, size_t n, const char *path,
		struct nd_error *err)
{
	const struct nd_network *net = a->net;
	char b[ND_ADDRSTRLEN];
	int r;

	r = check_driver(a, n, n ? &ips[0] : NULL, path, err);
	if (r <= 0)
		return r;
	a->addrs = calloc(n, sizeof(*a->addrs));
	if (!a->addrs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct nd_subnet *s = find_subnet(net, &ips[i]);

		if (!s)
			return nd_error_set(err, -EINVAL,
					    "%s.static_ips[%zu]: %s is not in any subnet of network \"%s\"",
					    path, i, nd_ip_str(&ips[i], b), net->name);
		a->addrs[i].addr.addr = ips[i];
		a->addrs[i].addr.len = s->subnet.len;
		a->addrs[i].subnet = s;
		a->n_addrs = i + 1;
		r = check_addr(a, i, path, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int ipam_check(const struct nd_attach *a, const char *path, struct nd_error *err)
{
	const struct nd_network *net = a->net;
	char b[ND_ADDRSTRLEN];
	int r;

	r = check_driver(a, a->n_addrs, a->n_addrs ? &a->addrs[0].addr.addr : NULL, path, err);
	if (r < 0)
		return r;
	if (r == 0 && a->n_addrs)
		return nd_error_set(err, -EINVAL,
				    "%s: network \"%s\" assigns no addresses here, but the attachment has %zu",
				    path, net->name, a->n_addrs);
	for (size_t i = 0; i < a->n_addrs; i++) {
		const struct nd_subnet *s = a->addrs[i].subnet;
		const struct nd_prefix *p = &a->addrs[i].addr;

		if (!s || s < net->subnets || s >= net->subnets + net->n_subnets ||
		    p->len != s->subnet.len || !nd_prefix_contains(&s->subnet, &p->addr))
			return nd_error_set(err, -EINVAL,
					    "%s.static_ips[%zu]: %s is not in any subnet of network \"%s\"",
					    path, i, nd_ip_str(&p->addr, b), net->name);
		r = check_addr(a, i, path, err);
		if (r < 0)
			return r;
	}
	return 0;
}
