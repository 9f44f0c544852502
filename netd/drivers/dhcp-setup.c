// SPDX-License-Identifier: Apache-2.0
#include "dhcp-setup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcp-proxy.h"
#include "dhcp-store.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#define ARP_PROBE_MS 300

static void v4(struct nd_ip *ip, uint32_t a)
{
	*ip = (struct nd_ip){ .family = AF_INET };
	memcpy(ip->b, &a, 4);
}

int dhcp_lease_prefix(const struct dhcp_lease *l, struct nd_prefix *ret)
{
	int len = dhcp_mask_len(l->mask);

	if (len < 0)
		return len;
	v4(&ret->addr, l->addr);
	ret->len = (uint8_t)len;
	return 0;
}

static const char *hostname_of(const struct nd_request *req)
{
	return req->container_hostname ? req->container_hostname : req->container_name;
}

/* Undo of a lease: tell the server, forget the record (newest first: before the address goes). */
static int release_in_ctr(struct exec_ctx *c, void *arg)
{
	const size_t *i = arg;
	struct dhcp_iface ifc;

	dhcp_iface_init(&ifc, c->rt[*i].ctr_ifindex, c->rt[*i].mac, hostname_of(c->req));
	return dhcp_release(&ifc, &c->rt[*i].dhcp);
}

static void undo_leases(struct exec_ctx *c)
{
	for (size_t i = 0; i < c->req->n_attach; i++) {
		if (!c->rt[i].has_dhcp)
			continue;
		if (exec_in_container(c, release_in_ctr, &i) < 0)
			log_warn("rollback: DHCPRELEASE on \"%s\" failed",
				 c->req->attach[i].interface_name);
		(void)dhcp_store_remove(c->opts->config_dir, c->req->container_id,
					c->req->attach[i].interface_name);
		c->rt[i].has_dhcp = false;
	}
}

struct acquire {
	size_t i;
	char why[160];
	bool conflict;
};

static int acquire_in_ctr(struct exec_ctx *c, void *arg)
{
	struct acquire *q = arg;
	struct attach_rt *rt = &c->rt[q->i];
	struct dhcp_iface ifc;
	int r;

	dhcp_iface_init(&ifc, rt->ctr_ifindex, rt->mac, hostname_of(c->req));
	r = dhcp_acquire(&ifc, &rt->dhcp, q->why, sizeof(q->why));
	if (r < 0)
		return r;
	/* RFC 2131 3.1.5: probe the address; DECLINE it if someone has it. */
	if (dhcp_addr_in_use(&ifc, rt->dhcp.addr, ARP_PROBE_MS) == 1) {
		(void)dhcp_decline(&ifc, &rt->dhcp);
		q->conflict = true;
		return -EADDRINUSE;
	}
	return 0;
}

static int record_lease(struct exec_ctx *c, size_t i)
{
	const struct nd_attach *a = &c->req->attach[i];
	const char *hn = hostname_of(c->req);
	struct dhcp_record rec = { .lease = c->rt[i].dhcp };

	snprintf(rec.container_id, sizeof(rec.container_id), "%s", c->req->container_id);
	snprintf(rec.network, sizeof(rec.network), "%s", a->net->name);
	snprintf(rec.netns, sizeof(rec.netns), "%s", c->netns_path);
	snprintf(rec.ifname, sizeof(rec.ifname), "%s", a->interface_name);
	snprintf(rec.hostname, sizeof(rec.hostname), "%s", hn ? hn : "");
	memcpy(rec.mac, c->rt[i].mac, 6);
	return dhcp_store_write(c->opts->config_dir, &rec);
}

int dhcp_setup_step(struct exec_ctx *c, size_t i)
{
	const struct nd_attach *a = &c->req->attach[i];
	const struct nd_network *net = a->net;
	struct attach_rt *rt = &c->rt[i];
	struct acquire q = { .i = i };
	char b[ND_ADDRSTRLEN];
	struct nd_prefix addr;
	int r;

	r = exec_in_container(c, acquire_in_ctr, &q);
	if (r < 0 && c->err->msg)
		return r;
	if (r == -EADDRINUSE)
		return nd_error_set(c->err, r,
				    "network \"%s\": DHCP lease %s for \"%s\" is already in use on the link (declined)",
				    net->name, inet_ntop(AF_INET, &rt->dhcp.addr, b, sizeof(b)),
				    a->interface_name);
	if (r == -ETIMEDOUT)
		return nd_error_set(c->err, r,
				    "network \"%s\": no DHCP lease for \"%s\" within %d s%s%s",
				    net->name, a->interface_name, DHCP_TIMEOUT_MS / 1000,
				    q.why[0] ? ": " : " (no DHCP server answered)", q.why);
	if (r < 0)
		return nd_error_set(c->err, r, "network \"%s\": DHCP on \"%s\" failed: %s",
				    net->name, a->interface_name,
				    q.why[0] ? q.why : strerror(-r));
	rt->has_dhcp = true;
	r = exec_push_undo(c, &(struct undo){ .kind = UNDO_CALL, .call = undo_leases });
	if (r < 0)
		return r;
	if (dhcp_lease_prefix(&rt->dhcp, &addr) < 0)
		return nd_error_set(c->err, -EBADMSG, "network \"%s\": DHCP lease with a bad mask",
				    net->name);
	r = nlx_addr_add(c->ctr, rt->ctr_ifindex, &addr);
	if (r < 0)
		return exec_nl_error(c, c->ctr, r, "network \"%s\": add DHCP address %s to \"%s\"",
				     net->name, nd_prefix_str(&addr, b), a->interface_name);
	r = exec_push_undo(c, &(struct undo){ .kind = UNDO_ADDR_DEL, .in_container = true,
					      .ifindex = rt->ctr_ifindex, .addr = addr });
	if (r < 0)
		return r;
	if (rt->dhcp.router && !net->internal && !net->no_default_route) {
		struct nlx_route route = { .dst.addr.family = AF_INET, .has_gateway = true,
					   .metric = net->metric, .oif = rt->ctr_ifindex };

		v4(&route.gateway, rt->dhcp.router);
		r = nlx_route_add(c->ctr, &route);
		if (r < 0 && r != -EEXIST)
			return exec_nl_error(c, c->ctr, r, "network \"%s\": add default route via %s",
					     net->name, nd_ip_str(&route.gateway, b));
	}
	r = record_lease(c, i);
	if (r < 0)
		return nd_error_set(c->err, r, "network \"%s\": failed to record the DHCP lease: %s",
				    net->name, strerror(-r));
	r = dhcp_proxy_ensure(c->opts->config_dir);
	if (r < 0)
		return nd_error_set(c->err, r, "network \"%s\": failed to start netd dhcp-proxy: %s",
				    net->name, strerror(-r));
	log_info("network %s: DHCP lease %s for %s, %u s", net->name, nd_prefix_str(&addr, b),
		 a->interface_name, rt->dhcp.lease);
	return 0;
}

struct release {
	const struct dhcp_record *rec;
	int r;
};

static int release_recorded(struct exec_ctx *c, void *arg)
{
	struct release *q = arg;
	struct nlx_link l;
	struct dhcp_iface ifc;

	q->r = c->ctr ? nlx_link_by_name(c->ctr, q->rec->ifname, &l) : -ENOENT;
	if (q->r < 0)
		return 0;
	if (memcmp(l.mac, q->rec->mac, 6) != 0)
		return 0;	/* not the interface that held the lease */
	dhcp_iface_init(&ifc, l.ifindex, l.mac, q->rec->hostname);
	q->r = dhcp_release(&ifc, &q->rec->lease);
	return 0;
}

int dhcp_teardown(struct exec_ctx *c, size_t i, struct nd_error *err)
{
	const struct nd_attach *a = &c->req->attach[i];
	_cleanup_free_ char *path = dhcp_store_path(c->opts->config_dir, c->req->container_id,
						    a->interface_name);
	struct dhcp_record rec;
	struct release q = { .rec = &rec };
	int r;

	if (!path)
		return nd_error_set(err, -ENOMEM, "out of memory");
	r = dhcp_store_read(path, &rec);
	if (r == -ENOENT)
		return 0;
	if (r == 0 && c->ctr_ns >= 0)
		(void)exec_in_container(c, release_recorded, &q);
	if (r == 0 && q.r < 0)
		log_warn("network %s: DHCPRELEASE for %s not sent: %s", a->net->name,
			 a->interface_name, strerror(-q.r));
	r = dhcp_store_remove(c->opts->config_dir, c->req->container_id, a->interface_name);
	if (r < 0)
		return nd_error_set(err, r, "failed to remove %s: %s", path, strerror(-r));
	return 0;
}
