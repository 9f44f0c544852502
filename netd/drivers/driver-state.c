// SPDX-License-Identifier: Apache-2.0
/* The status and check ops of the built-in drivers (driver-state.h). */
#include "driver-state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "link-veth.h"
#include "shared/ipaddr.h"

/* Look @name up: 1 found, 0 absent, or -errno. */
static int find(struct nlx *h, const char *name, struct nlx_link *ret)
{
	int r;

	if (!h || !name || !*name)
		return 0;
	r = nlx_link_by_name(h, name, ret);
	if (r == -ENODEV)
		return 0;
	return r < 0 ? r : 1;
}

/* The addresses of a link found: listed, or the -errno listing failed with. */
static void addrs(struct nlx *h, const struct nlx_link *l, struct nd_prefix *v, size_t *n, int *err)
{
	*n = 0;
	*err = nlx_addr_list(h, l->ifindex, v, DRIVER_STATUS_ADDRS, n);
	if (*err < 0)
		*n = 0;
}

static int ctr_status(const struct driver_probe *p, struct driver_status *s)
{
	int r = find(p->ctr, p->a->interface_name, &s->ctr);

	if (r < 0)
		return r;
	s->ctr_exists = r == 1;
	if (s->ctr_exists && !p->links_only)
		addrs(p->ctr, &s->ctr, s->ctr_addrs, &s->n_ctr_addrs, &s->ctr_addrs_err);
	return 0;
}

int bridge_status(const struct driver_probe *p, struct driver_status *ret)
{
	struct driver_status s = {0};
	const struct nd_attach *a = p->a;
	int r;

	if (a->host_interface_name)
		snprintf(s.host_name, sizeof(s.host_name), "%s", a->host_interface_name);
	else if (p->container_id)
		veth_host_name(p->container_id, a->net->name, s.host_name);
	if (a->net->network_interface)
		snprintf(s.bridge_name, sizeof(s.bridge_name), "%s", a->net->network_interface);
	if ((r = find(p->host, s.bridge_name, &s.bridge)) < 0)
		return r;
	s.bridge_exists = r == 1;
	if (s.bridge_exists && !p->links_only)
		addrs(p->host, &s.bridge, s.bridge_addrs, &s.n_bridge_addrs, &s.bridge_addrs_err);
	if ((r = find(p->host, s.host_name, &s.host)) < 0)
		return r;
	s.host_exists = r == 1;
	if ((r = ctr_status(p, &s)) < 0)
		return r;
	*ret = s;
	return 0;
}

static bool has_addr(const struct nd_prefix *have, size_t n, const struct nd_ip *ip, int len)
{
	for (size_t i = 0; i < n; i++)
		if (nd_ip_equal(&have[i].addr, ip) && have[i].len == len)
			return true;
	return false;
}

/* A managed bridge carries every gateway of its network. */
static int bridge_gateways(const struct driver_probe *p, const struct driver_status *s,
			   struct nd_error *err)
{
	const struct nd_network *n = p->a->net;
	const int r = s->bridge_addrs_err;
	char b[ND_ADDRSTRLEN];

	if (n->mode != ND_MODE_MANAGED)
		return 0;
	if (r < 0)
		return nd_error_set(err, r, "cannot list the addresses of bridge %s: %s",
				    s->bridge_name, strerror(-r));
	for (size_t i = 0; i < n->n_subnets; i++)
		if (n->subnets[i].has_gateway &&
		    !has_addr(s->bridge_addrs, s->n_bridge_addrs, &n->subnets[i].gateway,
			      n->subnets[i].subnet.len))
			return nd_error_set(err, -EADDRNOTAVAIL, "bridge %s lacks gateway address %s/%d",
					    s->bridge_name, nd_ip_str(&n->subnets[i].gateway, b),
					    n->subnets[i].subnet.len);
	return 0;
}

static int ctr_check(const struct driver_probe *p, const struct driver_status *s,
		     enum nlx_kind kind, struct nd_error *err)
{
	const char *name = p->a->interface_name;

	if (!p->ctr)
		return 0;
	if (!s->ctr_exists)
		return nd_error_set(err, -ENODEV, "interface %s is missing in the container", name);
	if (s->ctr.type != kind)
		return nd_error_set(err, -EMEDIUMTYPE, "interface %s is a %s link, not %s", name,
				    s->ctr.kind[0] ? s->ctr.kind : "plain", nlx_kind_name(kind));
	if (!s->ctr.up)
		return nd_error_set(err, -ENETDOWN, "interface %s is down in the container", name);
	return 0;
}

int bridge_check(const struct driver_probe *p, struct nd_error *err)
{
	struct driver_status s;
	int r = bridge_status(p, &s);

	if (r < 0)
		return nd_error_set(err, r, "cannot read the links of network \"%s\": %s",
				    p->a->net->name, strerror(-r));
	if (!s.bridge_exists)
		return nd_error_set(err, -ENODEV, "bridge %s of network \"%s\" is missing",
				    s.bridge_name, p->a->net->name);
	if (!nlx_link_is_bridge(&s.bridge))
		return nd_error_set(err, -EMEDIUMTYPE, "%s is a %s link, not a bridge", s.bridge_name,
				    s.bridge.kind[0] ? s.bridge.kind : "plain");
	if (!s.bridge.up)
		return nd_error_set(err, -ENETDOWN, "bridge %s is down", s.bridge_name);
	if ((r = bridge_gateways(p, &s, err)) < 0)
		return r;
	if (!s.host_exists)
		return nd_error_set(err, -ENODEV, "host veth %s is missing", s.host_name);
	if (s.host.master != s.bridge.ifindex)
		return nd_error_set(err, -EXDEV, "host veth %s is not a port of bridge %s",
				    s.host_name, s.bridge_name);
	if (!s.host.up)
		return nd_error_set(err, -ENETDOWN, "host veth %s is down", s.host_name);
	return ctr_check(p, &s, NLX_KIND_VETH, err);
}

int lower_status(const struct driver_probe *p, struct driver_status *ret)
{
	struct driver_status s = {0};
	const struct nd_network *n = p->a->net;
	int r;

	if ((r = ctr_status(p, &s)) < 0)
		return r;
	/* The parent: the one the container's link is on, else the one the network names. */
	if (s.ctr_exists && s.ctr.link > 0) {
		r = nlx_link_by_index(p->host, s.ctr.link, &s.host);
		if (r < 0 && r != -ENODEV)
			return r;
		s.host_exists = r == 0;
	} else if (n->network_interface) {
		if ((r = find(p->host, n->network_interface, &s.host)) < 0)
			return r;
		s.host_exists = r == 1;
	}
	if (s.host_exists)
		memcpy(s.host_name, s.host.name, sizeof(s.host_name));
	else if (n->network_interface)
		snprintf(s.host_name, sizeof(s.host_name), "%s", n->network_interface);
	*ret = s;
	return 0;
}

int lower_check(const struct driver_probe *p, enum nlx_kind kind, struct nd_error *err)
{
	struct driver_status s;
	int r = lower_status(p, &s);

	if (r < 0)
		return nd_error_set(err, r, "cannot read the links of network \"%s\": %s",
				    p->a->net->name, strerror(-r));
	if ((r = ctr_check(p, &s, kind, err)) < 0)
		return r;
	if (!s.host_exists && (s.ctr_exists || p->a->net->network_interface))
		return nd_error_set(err, -ENODEV, "parent interface %s of network \"%s\" is missing",
				    s.host_name[0] ? s.host_name : "(default route's)",
				    p->a->net->name);
	return 0;
}
