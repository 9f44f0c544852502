// SPDX-License-Identifier: Apache-2.0
#include "nl.h"

#include <errno.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/cleanup.h"

struct nlx {
	struct nl_sock *sk;
	int kernel_errno;	/* errno of the last NLMSG_ERROR, 0 if none */
	char ext_msg[256];	/* extended ack text of that error */
};

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/* Copy the NLMSGERR_ATTR_MSG text out of an error message, bounds-checked. */
static void read_ext_ack(struct nlx *h, const struct nlmsgerr *e)
{
	const struct nlmsghdr *hdr = (const void *)((const char *)e - NLMSG_HDRLEN);
	size_t total, off;

	h->ext_msg[0] = '\0';
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS) || hdr->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return;
	total = hdr->nlmsg_len - NLMSG_HDRLEN;
	off = sizeof(*e);
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return;
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - sizeof(struct nlmsghdr);
	}
	while (off + sizeof(struct nlattr) <= total) {
		const struct nlattr *a = (const void *)((const char *)e + off);
		size_t alen = a->nla_len;

		if (alen < sizeof(*a) || off + alen > total)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG && alen > sizeof(*a)) {
			size_t n = alen - sizeof(*a);
			if (n >= sizeof(h->ext_msg))
				n = sizeof(h->ext_msg) - 1;
			memcpy(h->ext_msg, (const char *)a + sizeof(*a), n);
			h->ext_msg[n] = '\0';
			return;
		}
		off += NLA_ALIGN(alen);
	}
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlx *h = arg;

	h->kernel_errno = -e->error;
	read_ext_ack(h, e);
	return NL_STOP;
}

/* libnl's own codes for failures that never reached the kernel. */
static int nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_NOMEM: return ENOMEM;
	case NLE_EXIST: return EEXIST;
	case NLE_NODEV: return ENODEV;
	case NLE_OBJ_NOTFOUND: return ENODEV;
	case NLE_PERM: return EPERM;
	case NLE_INVAL: return EINVAL;
	case NLE_RANGE: return ERANGE;
	case NLE_BUSY: return EBUSY;
	case NLE_AGAIN: return EAGAIN;
	case NLE_OPNOTSUPP: return EOPNOTSUPP;
	case NLE_AF_NOSUPPORT: return EAFNOSUPPORT;
	case NLE_NOADDR: return EADDRNOTAVAIL;
	case NLE_MSGSIZE: return EMSGSIZE;
	case NLE_NOACCESS: return EACCES;
	default: return EIO;
	}
}

/* Run before every request; turn a libnl result into 0 / -errno. */
static void begin(struct nlx *h)
{
	h->kernel_errno = 0;
	h->ext_msg[0] = '\0';
}

static int finish(struct nlx *h, int r)
{
	if (r >= 0)
		return 0;
	if (h->kernel_errno)
		return -h->kernel_errno;
	return -nle_to_errno(r);
}

int nlx_open(struct nlx **ret)
{
	struct nlx *h = calloc(1, sizeof(*h));
	int one = 1, r;

	if (!h)
		return -ENOMEM;
	h->sk = nl_socket_alloc();
	if (!h->sk) {
		free(h);
		return -ENOMEM;
	}
	r = nl_connect(h->sk, NETLINK_ROUTE);
	if (r < 0) {
		nlx_free(h);
		return -nle_to_errno(r);
	}
	(void)setsockopt(nl_socket_get_fd(h->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(nl_socket_get_fd(h->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_socket_modify_err_cb(h->sk, NL_CB_CUSTOM, on_error, h);
	*ret = h;
	return 0;
}

struct nlx *nlx_free(struct nlx *h)
{
	if (!h)
		return NULL;
	nl_socket_free(h->sk);
	free(h);
	return NULL;
}

const char *nlx_last_msg(const struct nlx *h)
{
	return h ? h->ext_msg : "";
}

static void fill_link(struct rtnl_link *l, struct nlx_link *ret)
{
	struct nl_addr *a = rtnl_link_get_addr(l);
	const char *kind = rtnl_link_get_type(l);

	memset(ret, 0, sizeof(*ret));
	ret->ifindex = rtnl_link_get_ifindex(l);
	snprintf(ret->name, sizeof(ret->name), "%s", rtnl_link_get_name(l) ?: "");
	snprintf(ret->kind, sizeof(ret->kind), "%s", kind ?: "");
	ret->type = nlx_kind_parse(kind);
	ret->mtu = rtnl_link_get_mtu(l);
	ret->master = rtnl_link_get_master(l);
	ret->link = rtnl_link_get_link(l);
	ret->up = rtnl_link_get_flags(l) & IFF_UP;
	ret->group = rtnl_link_get_group(l);
	if (a && nl_addr_get_len(a) == 6)
		memcpy(ret->mac, nl_addr_get_binary_addr(a), 6);
}

static int link_get(struct nlx *h, int ifindex, const char *name, struct nlx_link *ret)
{
	struct rtnl_link *l = NULL;
	int r;

	begin(h);
	r = rtnl_link_get_kernel(h->sk, ifindex, name, &l);
	r = finish(h, r);
	if (r < 0)
		return r;
	fill_link(l, ret);
	rtnl_link_put(l);
	return 0;
}

int nlx_link_by_name(struct nlx *h, const char *name, struct nlx_link *ret)
{
	return link_get(h, 0, name, ret);
}

int nlx_link_by_index(struct nlx *h, int ifindex, struct nlx_link *ret)
{
	return link_get(h, ifindex, NULL, ret);
}

int nlx_link_del(struct nlx *h, int ifindex)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int r;

	if (!l)
		return -ENOMEM;
	rtnl_link_set_ifindex(l, ifindex);
	begin(h);
	r = finish(h, rtnl_link_delete(h->sk, l));
	rtnl_link_put(l);
	return r;
}

enum { LINK_KEEP, LINK_UP, LINK_DOWN };

static int link_change(struct nlx *h, int ifindex, const uint8_t *mac, int updown)
{
	struct rtnl_link *l = rtnl_link_alloc();
	struct nl_addr *a = NULL;
	int r;

	if (!l)
		return -ENOMEM;
	rtnl_link_set_ifindex(l, ifindex);
	if (updown == LINK_UP)
		rtnl_link_set_flags(l, IFF_UP);
	else if (updown == LINK_DOWN)
		rtnl_link_unset_flags(l, IFF_UP);
	if (mac) {
		a = nl_addr_build(AF_LLC, mac, 6);
		if (!a) {
			rtnl_link_put(l);
			return -ENOMEM;
		}
		rtnl_link_set_addr(l, a);
	}
	begin(h);
	r = finish(h, rtnl_link_change(h->sk, l, l, 0));
	nl_addr_put(a);
	rtnl_link_put(l);
	return r;
}

int nlx_link_set_up(struct nlx *h, int ifindex)
{
	return link_change(h, ifindex, NULL, LINK_UP);
}

int nlx_link_set_down(struct nlx *h, int ifindex)
{
	return link_change(h, ifindex, NULL, LINK_DOWN);
}

int nlx_link_set_mac(struct nlx *h, int ifindex, const uint8_t mac[6])
{
	return link_change(h, ifindex, mac, LINK_KEEP);
}

int nlx_link_set_inet_conf(struct nlx *h, int ifindex, const struct nlx_inet_conf *conf, size_t n)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int r = 0;

	if (!l)
		return -ENOMEM;
	rtnl_link_set_ifindex(l, ifindex);
	for (size_t i = 0; i < n && r == 0; i++)
		r = rtnl_link_inet_set_conf(l, conf[i].id, conf[i].value) < 0 ? -EINVAL : 0;
	if (r == 0) {
		begin(h);
		r = finish(h, rtnl_link_change(h->sk, l, l, 0));
	}
	rtnl_link_put(l);
	return r;
}

static int send_msg(struct nlx *h, struct nl_msg *msg)
{
	begin(h);
	/* nl_send_sync frees the message and waits for the ACK. */
	return finish(h, nl_send_sync(h->sk, msg));
}

int nlx_bridge_set_vlan_filtering(struct nlx *h, int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
	struct nlattr *info, *data;

	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    !(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
	    nla_put_string(msg, IFLA_INFO_KIND, nlx_kind_name(NLX_KIND_BRIDGE)) < 0 ||
	    !(data = nla_nest_start(msg, IFLA_INFO_DATA)) ||
	    nla_put_u8(msg, IFLA_BR_VLAN_FILTERING, 1) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	return send_msg(h, msg);
}

int nlx_bridge_port_set_pvid(struct nlx *h, int ifindex, uint16_t vid)
{
	struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE, .ifi_index = ifindex };
	struct bridge_vlan_info vi = {
		.flags = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED,
		.vid = vid,
	};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK);
	struct nlattr *spec;

	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    !(spec = nla_nest_start(msg, IFLA_AF_SPEC)) ||
	    nla_put(msg, IFLA_BRIDGE_VLAN_INFO, sizeof(vi), &vi) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, spec);
	return send_msg(h, msg);
}

int nlx_bridge_port_set_hairpin(struct nlx *h, int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK);
	struct nlattr *prot;

	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    !(prot = nla_nest_start(msg, IFLA_PROTINFO | NLA_F_NESTED)) ||
	    nla_put_u8(msg, IFLA_BRPORT_MODE, 1) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, prot);
	return send_msg(h, msg);
}

struct count_ctx {
	int master;
	size_t n;
};

static int count_one(struct nl_msg *msg, void *arg)
{
	struct count_ctx *c = arg;
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_MAX + 1];

	if (hdr->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(hdr, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
		return NL_OK;
	/* Counted here too, in case the kernel did not filter. */
	if (tb[IFLA_MASTER] && nla_len(tb[IFLA_MASTER]) >= 4 &&
	    (int)nla_get_u32(tb[IFLA_MASTER]) == c->master)
		c->n++;
	return NL_OK;
}

int nlx_count_ports(struct nlx *h, int master, size_t *ret)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
	struct count_ctx c = { .master = master };
	int r;

	if (!msg)
		return -ENOMEM;
	/* A dump filtered by master: only the bridge's ports come back, not every link. */
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, IFLA_MASTER, (uint32_t)master) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	begin(h);
	r = nl_send_auto(h->sk, msg);
	nlmsg_free(msg);
	if (r < 0)
		return finish(h, r);
	nl_socket_modify_cb(h->sk, NL_CB_VALID, NL_CB_CUSTOM, count_one, &c);
	r = nl_recvmsgs_default(h->sk);
	nl_socket_modify_cb(h->sk, NL_CB_VALID, NL_CB_DEFAULT, NULL, NULL);
	r = finish(h, r);
	if (r < 0)
		return r;
	*ret = c.n;
	return 0;
}

static struct nl_addr *build_addr(const struct nd_ip *ip, unsigned prefixlen)
{
	struct nl_addr *a = nl_addr_build(ip->family, ip->b, nd_ip_bytes(ip->family));

	if (a)
		nl_addr_set_prefixlen(a, (int)prefixlen);
	return a;
}

static int addr_op(struct nlx *h, int ifindex, const struct nd_prefix *p, bool add)
{
	struct rtnl_addr *ad = rtnl_addr_alloc();
	struct nl_addr *local;
	int r;

	if (!ad)
		return -ENOMEM;
	local = build_addr(&p->addr, p->len);
	if (!local) {
		rtnl_addr_put(ad);
		return -ENOMEM;
	}
	rtnl_addr_set_ifindex(ad, ifindex);
	rtnl_addr_set_family(ad, p->addr.family);
	rtnl_addr_set_local(ad, local);
	rtnl_addr_set_prefixlen(ad, p->len);
	/* Containers come and go: duplicate address detection only delays them. */
	if (p->addr.family == AF_INET6)
		rtnl_addr_set_flags(ad, IFA_F_NODAD);
	begin(h);
	r = finish(h, add ? rtnl_addr_add(h->sk, ad, NLM_F_CREATE | NLM_F_EXCL)
			  : rtnl_addr_delete(h->sk, ad, 0));
	nl_addr_put(local);
	rtnl_addr_put(ad);
	return r;
}

int nlx_addr_add(struct nlx *h, int ifindex, const struct nd_prefix *p)
{
	return addr_op(h, ifindex, p, true);
}

int nlx_addr_del(struct nlx *h, int ifindex, const struct nd_prefix *p)
{
	return addr_op(h, ifindex, p, false);
}

struct addr_list_ctx {
	int ifindex;
	struct nd_prefix *out;
	size_t max, n;
};

static void addr_one(struct nl_object *o, void *arg)
{
	struct rtnl_addr *ad = (struct rtnl_addr *)o;
	struct addr_list_ctx *c = arg;
	struct nl_addr *l = rtnl_addr_get_local(ad);
	struct nd_prefix p = {0};

	if (rtnl_addr_get_ifindex(ad) != c->ifindex || !l || rtnl_addr_get_scope(ad) != RT_SCOPE_UNIVERSE)
		return;
	p.addr.family = nl_addr_get_family(l);
	if ((p.addr.family != AF_INET && p.addr.family != AF_INET6) ||
	    nl_addr_get_len(l) != nd_ip_bytes(p.addr.family) || c->n >= c->max)
		return;
	memcpy(p.addr.b, nl_addr_get_binary_addr(l), nd_ip_bytes(p.addr.family));
	p.len = (uint8_t)rtnl_addr_get_prefixlen(ad);
	c->out[c->n++] = p;
}

int nlx_addr_list(struct nlx *h, int ifindex, struct nd_prefix *ret, size_t max, size_t *n)
{
	struct nl_cache *cache = NULL;
	struct addr_list_ctx c = { .ifindex = ifindex, .out = ret, .max = max };
	int r;

	begin(h);
	r = finish(h, rtnl_addr_alloc_cache(h->sk, &cache));
	if (r < 0)
		return r;
	nl_cache_foreach(cache, addr_one, &c);
	nl_cache_free(cache);
	*n = c.n;
	return 0;
}

static int route_op(struct nlx *h, const struct nlx_route *rt, bool add)
{
	static const uint8_t types[] = {
		[ND_ROUTE_UNICAST] = RTN_UNICAST,
		[ND_ROUTE_BLACKHOLE] = RTN_BLACKHOLE,
		[ND_ROUTE_UNREACHABLE] = RTN_UNREACHABLE,
		[ND_ROUTE_PROHIBIT] = RTN_PROHIBIT,
	};
	struct rtnl_route *route = rtnl_route_alloc();
	struct nl_addr *dst = NULL, *gw = NULL;
	struct rtnl_nexthop *nh = NULL;
	int r = -ENOMEM;

	if (!route)
		return -ENOMEM;
	dst = build_addr(&rt->dst.addr, rt->dst.len);
	if (!dst)
		goto out;
	rtnl_route_set_family(route, (uint8_t)rt->dst.addr.family);
	rtnl_route_set_table(route, rt->table ? rt->table : RT_TABLE_MAIN);
	rtnl_route_set_protocol(route, RTPROT_STATIC);
	rtnl_route_set_type(route, types[rt->type]);
	rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
	rtnl_route_set_priority(route, rt->metric);
	if (rtnl_route_set_dst(route, dst) < 0)
		goto out;
	if (rt->has_gateway || rt->oif) {
		nh = rtnl_route_nh_alloc();
		if (!nh)
			goto out;
		if (rt->has_gateway) {
			gw = build_addr(&rt->gateway, nd_ip_bits(rt->gateway.family));
			if (!gw) {
				rtnl_route_nh_free(nh);
				goto out;
			}
			rtnl_route_nh_set_gateway(nh, gw);
		}
		if (rt->oif)
			rtnl_route_nh_set_ifindex(nh, rt->oif);
		rtnl_route_add_nexthop(route, nh);	/* route owns nh now */
	}
	begin(h);
	/*
	 * No NLM_F_EXCL: a container on several networks gets one default route
	 * per network with the same metric, which IPv4 only accepts this way.
	 */
	r = finish(h, add ? rtnl_route_add(h->sk, route, NLM_F_CREATE)
			  : rtnl_route_delete(h->sk, route, 0));
out:
	nl_addr_put(dst);
	nl_addr_put(gw);
	rtnl_route_put(route);
	return r;
}

int nlx_route_add(struct nlx *h, const struct nlx_route *rt)
{
	return route_op(h, rt, true);
}

int nlx_route_del(struct nlx *h, const struct nlx_route *rt)
{
	return route_op(h, rt, false);
}

struct defroute_ctx {
	int ifindex;
};

static void defroute_one(struct nl_object *o, void *arg)
{
	struct rtnl_route *rt = (struct rtnl_route *)o;
	struct defroute_ctx *c = arg;
	struct nl_addr *dst = rtnl_route_get_dst(rt);
	struct rtnl_nexthop *nh;

	if (c->ifindex || rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
	    rtnl_route_get_type(rt) != RTN_UNICAST || (dst && nl_addr_get_prefixlen(dst) != 0))
		return;
	if (rtnl_route_get_nnexthops(rt) < 1)
		return;
	nh = rtnl_route_nexthop_n(rt, 0);
	if (nh)
		c->ifindex = rtnl_route_nh_get_ifindex(nh);
}

/* ifindex of the first IPv4 (else IPv6) default route of the main table. */
static int default_route_ifindex(struct nlx *h, int *ret)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct defroute_ctx c = {0};
	int r;

	for (size_t i = 0; i < ELEMENTSOF(families) && !c.ifindex; i++) {
		struct nl_cache *cache = NULL;
		begin(h);
		r = finish(h, rtnl_route_alloc_cache(h->sk, families[i], 0, &cache));
		if (r < 0)
			return r;
		nl_cache_foreach(cache, defroute_one, &c);
		nl_cache_free(cache);
	}
	if (!c.ifindex)
		return -ENOENT;
	*ret = c.ifindex;
	return 0;
}

int nlx_default_route_mtu(struct nlx *h, unsigned *ret)
{
	struct nlx_link l;
	int ifindex, r;

	r = default_route_ifindex(h, &ifindex);
	if (r < 0)
		return r;
	r = nlx_link_by_index(h, ifindex, &l);
	if (r < 0)
		return r;
	*ret = l.mtu;
	return 0;
}

int nlx_default_route_link(struct nlx *h, struct nlx_link *ret)
{
	int ifindex, r;

	r = default_route_ifindex(h, &ifindex);
	if (r < 0)
		return r;
	return nlx_link_by_index(h, ifindex, ret);
}

#ifndef IFLA_MACVLAN_BC_CUTOFF
#define IFLA_MACVLAN_BC_CUTOFF 9	/* Linux 6.4; older uapi headers lack it */
#endif

/*
 * One new link: what every kind's RTM_NEWLINK carries, and for the kind's own
 * IFLA_INFO_DATA, @lower (macvlan, ipvlan, vlan) or @peer (veth).
 */
struct newlink {
	enum nlx_kind kind;
	const char *name;
	int parent;		/* IFLA_LINK, 0 = none */
	int master;		/* IFLA_MASTER, 0 = none */
	int ns_fd;		/* IFLA_NET_NS_FD, -1 = the handle's namespace */
	unsigned mtu;		/* 0 = default */
	const uint8_t *mac;	/* NULL = the kernel's */
	const char *alias;
	uint32_t group;		/* IFLA_GROUP, 0 = none */
	const struct nlx_lower *lower;
	const struct newlink *peer;
};

/* The attributes of @n outside IFLA_LINKINFO (also a veth peer's, inside VETH_INFO_PEER). */
static bool put_link(struct nl_msg *msg, const struct newlink *n)
{
	return nla_put_string(msg, IFLA_IFNAME, n->name) == 0 &&
	       (!n->parent || nla_put_u32(msg, IFLA_LINK, (uint32_t)n->parent) == 0) &&
	       (!n->master || nla_put_u32(msg, IFLA_MASTER, (uint32_t)n->master) == 0) &&
	       (n->ns_fd < 0 || nla_put_u32(msg, IFLA_NET_NS_FD, (uint32_t)n->ns_fd) == 0) &&
	       (!n->mtu || nla_put_u32(msg, IFLA_MTU, n->mtu) == 0) &&
	       (!n->mac || nla_put(msg, IFLA_ADDRESS, 6, n->mac) == 0) &&
	       (!n->alias || nla_put_string(msg, IFLA_IFALIAS, n->alias) == 0) &&
	       (!n->group || nla_put_u32(msg, IFLA_GROUP, n->group) == 0);
}

static bool put_macvlan(struct nl_msg *msg, const struct newlink *n)
{
	const struct nlx_lower *s = n->lower;

	return nla_put_u32(msg, IFLA_MACVLAN_MODE, s->mode) == 0 &&
	       (!s->has_bclim || nla_put_s32(msg, IFLA_MACVLAN_BC_CUTOFF, s->bclim) == 0);
}

static bool put_ipvlan(struct nl_msg *msg, const struct newlink *n)
{
	return nla_put_u16(msg, IFLA_IPVLAN_MODE, (uint16_t)n->lower->mode) == 0;
}

static bool put_vlan(struct nl_msg *msg, const struct newlink *n)
{
	return nla_put_u16(msg, IFLA_VLAN_ID, n->lower->vlan_id) == 0;
}

/* The peer: its own ifinfomsg and link attributes, nested in VETH_INFO_PEER. */
static bool put_veth(struct nl_msg *msg, const struct newlink *n)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *peer = nla_nest_start(msg, VETH_INFO_PEER);

	if (!peer || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    !put_link(msg, n->peer))
		return false;
	nla_nest_end(msg, peer);
	return true;
}

/*
 * The kinds netd knows (nl.h), each with the builder of its IFLA_INFO_DATA
 * when netd creates one (NULL: none, as for a bridge). @creates: link_new()
 * makes links of this kind.
 */
static const struct link_kind {
	const char *name;
	bool creates;
	bool (*put_data)(struct nl_msg *msg, const struct newlink *n);
} link_kinds[] = {
	[NLX_KIND_NONE] = { "" },
	[NLX_KIND_OTHER] = { "" },
	[NLX_KIND_BRIDGE] = { "bridge", true },
	[NLX_KIND_VETH] = { "veth", true, put_veth },
	[NLX_KIND_MACVLAN] = { "macvlan", true, put_macvlan },
	[NLX_KIND_IPVLAN] = { "ipvlan", true, put_ipvlan },
	[NLX_KIND_VLAN] = { "vlan", true, put_vlan },
	[NLX_KIND_VRF] = { "vrf" },
};

const char *nlx_kind_name(enum nlx_kind k)
{
	return (size_t)k < ELEMENTSOF(link_kinds) ? link_kinds[k].name : "";
}

enum nlx_kind nlx_kind_parse(const char *name)
{
	if (!name || !*name)
		return NLX_KIND_NONE;
	for (size_t k = NLX_KIND_OTHER + 1; k < ELEMENTSOF(link_kinds); k++)
		if (strcmp(name, link_kinds[k].name) == 0)
			return (enum nlx_kind)k;
	return NLX_KIND_OTHER;
}

/* IFLA_LINKINFO: the kind's name and, when it has a builder, its IFLA_INFO_DATA. */
static bool put_linkinfo(struct nl_msg *msg, const struct link_kind *k, const struct newlink *n)
{
	struct nlattr *info = nla_nest_start(msg, IFLA_LINKINFO), *data;

	if (!info || nla_put_string(msg, IFLA_INFO_KIND, k->name) < 0)
		return false;
	if (k->put_data) {
		data = nla_nest_start(msg, IFLA_INFO_DATA);
		if (!data || !k->put_data(msg, n))
			return false;
		nla_nest_end(msg, data);
	}
	nla_nest_end(msg, info);
	return true;
}

/* Create link @n in one request (NLM_F_EXCL). Return: 0, -EINVAL for a kind netd does not make, or -errno. */
static int link_new(struct nlx *h, const struct newlink *n)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	const struct link_kind *k;
	struct nl_msg *msg;

	if ((size_t)n->kind >= ELEMENTSOF(link_kinds) || !link_kinds[n->kind].creates)
		return -EINVAL;
	k = &link_kinds[n->kind];
	msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 || !put_link(msg, n) ||
	    !put_linkinfo(msg, k, n)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return send_msg(h, msg);
}

int nlx_lower_create(struct nlx *h, const struct nlx_lower *s)
{
	if (s->kind != NLX_KIND_MACVLAN && s->kind != NLX_KIND_IPVLAN && s->kind != NLX_KIND_VLAN)
		return -EINVAL;
	return link_new(h, &(struct newlink){
		.kind = s->kind, .name = s->name, .parent = s->parent, .ns_fd = s->ns_fd,
		.mtu = s->mtu, .mac = s->mac, .alias = s->alias, .lower = s,
	});
}

int nlx_bridge_create(struct nlx *h, const char *name, unsigned mtu, int vrf_ifindex,
		      bool vlan_filtering, int *ifindex)
{
	struct nlx_link info;
	int r;

	r = link_new(h, &(struct newlink){
		.kind = NLX_KIND_BRIDGE, .name = name, .master = vrf_ifindex, .ns_fd = -1,
		.mtu = mtu, .group = NLX_NETD_GROUP,
	});
	if (r < 0)
		return r;
	r = nlx_link_by_name(h, name, &info);
	if (r < 0)
		return r;
	*ifindex = info.ifindex;
	if (vlan_filtering) {
		r = nlx_bridge_set_vlan_filtering(h, info.ifindex);
		if (r < 0) {
			char keep[sizeof(h->ext_msg)];
			memcpy(keep, h->ext_msg, sizeof(keep));
			(void)nlx_link_del(h, info.ifindex);
			memcpy(h->ext_msg, keep, sizeof(keep));
			return r;
		}
	}
	return 0;
}

int nlx_veth_create(struct nlx *h, const char *host_name, const char *peer_name,
		    int peer_ns_fd, unsigned mtu, int master, const uint8_t *peer_mac)
{
	const struct newlink peer = {
		.kind = NLX_KIND_VETH, .name = peer_name, .ns_fd = peer_ns_fd, .mtu = mtu,
		.mac = peer_mac,
	};

	return link_new(h, &(struct newlink){
		.kind = NLX_KIND_VETH, .name = host_name, .master = master, .ns_fd = -1,
		.mtu = mtu, .peer = &peer,
	});
}

int nlx_link_rename(struct nlx *h, int ifindex, const char *name)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);

	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, name) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return send_msg(h, msg);
}

int nlx_link_set_alias(struct nlx *h, int ifindex, const char *alias)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);

	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFALIAS, alias) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return send_msg(h, msg);
}

int nlx_link_marked(struct nlx *h, int ifindex, const char *alias)
{
	char buf[256];
	int r = nlx_link_alias(h, ifindex, buf, sizeof(buf));

	if (r < 0)
		return r;
	return strcmp(buf, alias) == 0;
}

int nlx_link_alias(struct nlx *h, int ifindex, char *buf, size_t size)
{
	struct rtnl_link *l = NULL;
	const char *alias;
	int r;

	begin(h);
	r = finish(h, rtnl_link_get_kernel(h->sk, ifindex, NULL, &l));
	if (r < 0)
		return r;
	alias = rtnl_link_get_ifalias(l);
	snprintf(buf, size, "%s", alias ? alias : "");
	rtnl_link_put(l);
	return 0;
}
