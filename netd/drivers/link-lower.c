// SPDX-License-Identifier: Apache-2.0
#include "link-lower.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ctrnet.h"
#include "link-vlan.h"
#include "sysctl.h"
#include "shared/log.h"

#define TMP_TRIES 3

int lower_parent(struct exec_ctx *c, size_t i, struct nlx_link *ret)
{
	const struct nd_network *net = c->req->attach[i].net;
	const char *name = net->network_interface;
	int r;

	if (name && name[0]) {
		r = nlx_link_by_name(c->host, name, ret);
		if (r == -ENODEV)
			return nd_error_set(c->err, r,
					    "network \"%s\": parent interface \"%s\" (network_interface) does not exist on the host",
					    net->name, name);
		if (r < 0)
			return exec_nl_error(c, c->host, r, "network \"%s\": look up parent interface \"%s\"",
					     net->name, name);
	} else {
		r = nlx_default_route_link(c->host, ret);
		if (r == -ENOENT)
			return nd_error_set(c->err, r,
					    "network \"%s\": no parent interface: network_interface is not set and the host has no default route",
					    net->name);
		if (r < 0)
			return exec_nl_error(c, c->host, r,
					     "network \"%s\": find the interface of the default route",
					     net->name);
	}
	if (net->has_vlan)
		return vlan_ensure(c, i, ret);
	return 0;
}

/* "mv-" and 10 random letters and digits, as netavark names its temporary links. */
static void tmp_name(char out[IFNAMSIZ])
{
	static const char alnum[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	uint8_t rnd[10];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		for (size_t k = 0; k < sizeof(rnd); k++)
			rnd[k] = (uint8_t)rand();
	memcpy(out, "mv-", 3);
	for (size_t k = 0; k < sizeof(rnd); k++)
		out[3 + k] = alnum[rnd[k] % (sizeof(alnum) - 1)];
	out[13] = '\0';
}

/*
 * Test hook: NETD_TEST_LINK_EEXIST=N makes the first N creation attempts fail
 * with EEXIST as an older kernel does when the name is taken in the host
 * namespace (this one creates the link in the container right away).
 */
static int create_link(struct exec_ctx *c, const struct nlx_lower *spec, unsigned *attempt)
{
	const char *hook = getenv("NETD_TEST_LINK_EEXIST");

	if (hook && *attempt < strtoul(hook, NULL, 10)) {
		(*attempt)++;
		return -EEXIST;
	}
	(*attempt)++;
	return nlx_lower_create(c->host, spec);
}

/* The link exists in the container as @tmp: give it its real name there. */
static int rename_tmp(struct exec_ctx *c, const struct nd_attach *a, const char *kind,
		      const char *tmp)
{
	struct nlx_link l;
	int r = nlx_link_by_name(c->ctr, tmp, &l);

	if (r < 0)
		return exec_nl_error(c, c->ctr, r, "network \"%s\": get temporary %s interface \"%s\"",
				     a->net->name, kind, tmp);
	r = nlx_link_rename(c->ctr, l.ifindex, a->interface_name);
	if (r < 0) {
		char keep[256];
		snprintf(keep, sizeof(keep), "%s", nlx_last_msg(c->ctr));
		/* Most likely the name is taken in the container after all: do not leave the link. */
		if (nlx_link_del(c->ctr, l.ifindex) < 0)
			log_warn("failed to delete temporary %s link %s", kind, tmp);
		if (keep[0])
			return nd_error_set(c->err, r,
					    "network \"%s\": rename temporary %s interface \"%s\" to \"%s\": %s (kernel: %s)",
					    a->net->name, kind, tmp, a->interface_name,
					    strerror(-r), keep);
		return nd_error_set(c->err, r,
				    "network \"%s\": rename temporary %s interface \"%s\" to \"%s\": %s",
				    a->net->name, kind, tmp, a->interface_name, strerror(-r));
	}
	log_info("network %s: created %s as %s, renamed to %s in the container", a->net->name,
		 kind, tmp, a->interface_name);
	return 0;
}

/* Runs inside the container namespace: no router adverts, netd gives the addresses. */
static int ctr_autoconf_off(struct exec_ctx *c, void *arg)
{
	const char *ifname = arg;
	char key[128];
	int r;

	snprintf(key, sizeof(key), "net/ipv6/conf/%s/autoconf", ifname);
	r = sysctl_set(key, "0", NULL);
	if (r < 0 && r != -ENOENT && r != -EROFS)
		return nd_error_set(c->err, r, "failed to set sysctl %s=0 in the container: %s",
				    key, strerror(-r));
	return 0;
}

static int create_error(struct exec_ctx *c, const struct nd_network *net,
			const struct nlx_lower *spec, const char *parent, const char *unsupported,
			int r)
{
	if (r == -EOPNOTSUPP)
		return nd_error_set(c->err, r, "network \"%s\": %s: cannot create %s link \"%s\" on \"%s\"",
				    net->name, unsupported, nlx_kind_name(spec->kind), spec->name, parent);
	return exec_nl_error(c, c->host, r, "network \"%s\": create %s interface \"%s\" on \"%s\"",
			     net->name, nlx_kind_name(spec->kind), spec->name, parent);
}

int lower_create(struct exec_ctx *c, size_t i, struct nlx_lower *spec, const char *unsupported)
{
	const struct nd_attach *a = &c->req->attach[i];
	const struct nd_network *net = a->net;
	struct attach_rt *rt = &c->rt[i];
	char tmp[IFNAMSIZ];
	struct nlx_link parent, l;
	unsigned attempt = 0;
	int r;

	r = lower_parent(c, i, &parent);
	if (r < 0)
		return r;
	spec->name = a->interface_name;
	spec->parent = parent.ifindex;
	spec->ns_fd = c->ctr_ns;
	spec->mtu = net->has_mtu ? net->mtu : 0;

	r = create_link(c, spec, &attempt);
	if (r == -EEXIST) {
		if (nlx_link_by_name(c->ctr, a->interface_name, &l) == 0)
			return nd_error_set(c->err, r,
					    "network \"%s\": create %s interface: interface \"%s\" already exists in container namespace %s",
					    net->name, nlx_kind_name(spec->kind), a->interface_name, c->netns_path);
		for (unsigned t = 0; t < TMP_TRIES && r == -EEXIST; t++) {
			tmp_name(tmp);
			spec->name = tmp;
			r = create_link(c, spec, &attempt);
		}
		if (r == -EEXIST)
			return nd_error_set(c->err, r,
					    "network \"%s\": create %s interface \"%s\": the name is taken, and so were %d temporary names",
					    net->name, nlx_kind_name(spec->kind), a->interface_name, TMP_TRIES);
		if (r == 0)
			r = rename_tmp(c, a, nlx_kind_name(spec->kind), tmp);
		else
			return create_error(c, net, spec, parent.name, unsupported, r);
		if (r < 0)
			return r;
	} else if (r < 0) {
		return create_error(c, net, spec, parent.name, unsupported, r);
	}

	r = nlx_link_by_name(c->ctr, a->interface_name, &l);
	if (r < 0) {
		struct undo u = { .kind = UNDO_LINK_DEL, .in_container = true };
		snprintf(u.name, sizeof(u.name), "%s", a->interface_name);
		(void)exec_push_undo(c, &u);
		return exec_nl_error(c, c->ctr, r, "network \"%s\": read container interface \"%s\"",
				     net->name, a->interface_name);
	}
	r = exec_push_undo(c, &(struct undo){ .kind = UNDO_LINK_DEL, .in_container = true,
					      .ifindex = l.ifindex });
	if (r < 0)
		return r;
	rt->ctr_ifindex = l.ifindex;
	memcpy(rt->mac, l.mac, sizeof(rt->mac));
	rt->mtu = l.mtu;
	log_info("network %s: %s %s on %s in the container, mtu %u", net->name,
		 nlx_kind_name(spec->kind),
		 a->interface_name, parent.name, l.mtu);
	return exec_in_container(c, ctr_autoconf_off, a->interface_name);
}

int lower_remove(struct exec_ctx *c, size_t i, enum nlx_kind type, struct nd_error *err)
{
	const struct nd_attach *a = &c->req->attach[i];
	const struct nd_network *net = a->net;
	const char *kind = nlx_kind_name(type);
	struct nlx_link l;
	int r;

	/* A namespace that is gone took its links along (the kernel deletes them). */
	if (!c->ctr)
		return 0;
	for (size_t k = 0; k < net->n_routes; k++) {
		struct nlx_route rt = ctrnet_static_route(net, k);
		r = nlx_route_del(c->ctr, &rt);
		if (r < 0 && r != -ESRCH && r != -ENOENT && r != -ENODEV)
			log_warn("network %s: failed to delete a static route: %s", net->name,
				 strerror(-r));
	}
	r = nlx_link_by_name(c->ctr, a->interface_name, &l);
	if (r == -ENODEV)
		return 0;
	if (r < 0)
		return nd_error_set(err, r, "network \"%s\": look up \"%s\": %s", net->name,
				    a->interface_name, strerror(-r));
	if (l.type != type) {
		log_warn("network %s: container interface %s is a %s link, not %s; left alone",
			 net->name, a->interface_name, l.kind[0] ? l.kind : "plain", kind);
		return 0;
	}
	r = nlx_link_del(c->ctr, l.ifindex);
	if (r < 0 && r != -ENODEV)
		return nd_error_set(err, r, "network \"%s\": failed to delete %s interface \"%s\": %s",
				    net->name, kind, a->interface_name, strerror(-r));
	log_info("network %s: deleted container interface %s", net->name, a->interface_name);
	return 0;
}

int lower_release(struct exec_ctx *c, size_t i, struct nd_error *err)
{
	if (!c->req->attach[i].net->has_vlan)
		return 0;
	return vlan_release(c, i, err);
}
