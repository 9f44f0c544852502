// SPDX-License-Identifier: Apache-2.0
/*
 * netd teardown: remove what setup built for a container. It carries on past
 * failures, collecting every error, and succeeds when parts are already gone
 * (namespace deleted, interface missing).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline.h"
#include "ctrstate.h"
#include "dns-conf.h"
#include "dhcp-setup.h"
#include "driver.h"
#include "fw-nft.h"
#include "exec.h"
#include "fw.h"
#include "link-bridge.h"
#include "link-veth.h"
#include "netns.h"
#include "request.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/log.h"

static int open_ctr_netlink(struct exec_ctx *c, void *arg)
{
	return nlx_open(&c->ctr);
}

static void collect(struct nd_error *list, struct nd_error *e)
{
	nd_error_append(list, e);
	nd_error_clear(e);
}

/*
 * Per attachment its driver's teardown (links, plugins), then the firewall of
 * the whole request when a driver has one, then shared host objects (empty
 * bridges, unused vlan sub-interfaces).
 */
static void teardown_all(struct exec_ctx *c, const struct fw_driver *fw, struct nd_error *list)
{
	const struct nd_request *req = c->req;
	_cleanup_free_ bool *last = calloc(req->n_attach ? req->n_attach : 1, sizeof(bool));
	struct nd_error e = {0};
	bool services = false;

	if (!last) {
		nd_error_set(&e, -ENOMEM, "out of memory");
		collect(list, &e);
		return;
	}
	/* DNS first, as netavark: the name goes before the address does. */
	if (dns_teardown(c, &e) < 0)
		collect(list, &e);
	for (size_t i = 0; i < req->n_attach; i++) {
		const struct nd_network *net = req->attach[i].net;
		const struct driver_ops *d = driver_of(net);
		struct nlx_link br;
		size_t ports = 1;

		services |= d->host_services;
		if (net->ipam == ND_IPAM_DHCP && dhcp_teardown(c, i, &e) < 0)
			collect(list, &e);
		if (d->teardown(c, i, &e) < 0)
			collect(list, &e);
		if (net->driver != ND_DRIVER_BRIDGE)
			continue;
		if (nlx_link_by_name(c->host, net->network_interface, &br) == -ENODEV)
			last[i] = true;
		else if (nlx_count_ports(c->host, br.ifindex, &ports) == 0)
			last[i] = ports == 0;
	}
	if (services && fw->teardown(c, last, &e) < 0)
		collect(list, &e);
	for (size_t i = 0; i < req->n_attach; i++) {
		const struct driver_ops *d = driver_of(req->attach[i].net);
		if (d->release && d->release(c, i, &e) < 0)
			collect(list, &e);
	}
}

/* The record without the networks torn down; ports move if their network left. */
static void update_state(struct exec_ctx *c, const struct fw_driver *fw, struct nd_error *list)
{
	_cleanup_free_ char *path = state_container_path(c->opts->config_dir, c->req->container_id);
	json_object *rest = ctrstate_remove(c->prev_state, c->req);
	struct nd_error e = {0};
	int r;

	if (!rest) {
		if (path && unlink(path) < 0 && errno != ENOENT) {
			nd_error_set(&e, -errno, "failed to remove state file %s: %s", path,
				     strerror(errno));
			collect(list, &e);
		}
		return;
	}
	if (c->prev_state && ctrstate_ports_network(c->prev_state) &&
	    !ctrstate_ports_network(rest)) {
		const char *text = ctrstate_request_text(rest);
		struct nd_request *remaining = NULL;
		if (text && request_parse(text, strlen(text), &remaining, &e) == 0) {
			const struct nd_attach *pa = fwnft_port_attach(remaining);
			if (pa && remaining->n_ports) {
				if (fw->ports_moved(c, remaining, &e) < 0)
					collect(list, &e);
				else
					json_object_object_add(rest, "ports_network",
							       json_object_new_string(pa->net->name));
			}
		}
		nd_error_clear(&e);
		nd_request_free(remaining);
	}
	r = ctrstate_write(c->opts->config_dir, c->req->container_id, rest);
	if (r < 0) {
		nd_error_set(&e, r, "failed to update state file %s: %s", path ? path : "", strerror(-r));
		collect(list, &e);
	}
	json_object_put(rest);
}

/* The ports setup published, from the record's own request: never the caller's list. */
static void recorded_ports(struct exec_ctx *c, const char *pn, struct nd_request **ret)
{
	const char *text = ctrstate_request_text(c->prev_state);
	struct nd_error e = {0};

	if (!text || request_parse(text, strlen(text), ret, &e) < 0) {
		log_warn("container %s: its state record cannot be read (%s); left its published ports",
			 c->req->container_id, e.msg ? e.msg : "no request");
		nd_error_clear(&e);
		return;
	}
	for (size_t i = 0; i < (*ret)->n_attach; i++)
		if (strcmp((*ret)->attach[i].net->name, pn) == 0)
			c->ports_attach = &(*ret)->attach[i];
	if (c->ports_attach)
		c->ports_req = *ret;
}

/*
 * Without a record (a setup killed before writing it), the request's ports
 * are taken as this container's only when every address they forward to is
 * on the request's interface inside the container's own namespace; each map
 * element still goes only when it forwards to that address (fw-nft.c).
 */
static bool ports_in_namespace(struct exec_ctx *c)
{
	const struct nd_attach *pa = fwnft_port_attach(c->req);
	struct nd_prefix have[16];
	struct nlx_link l;
	size_t n = 0;

	if (!pa || !c->req->n_ports || !c->ctr || !pa->n_addrs ||
	    nlx_link_by_name(c->ctr, pa->interface_name, &l) < 0 ||
	    nlx_addr_list(c->ctr, l.ifindex, have, ELEMENTSOF(have), &n) < 0)
		return false;
	for (size_t k = 0; k < pa->n_addrs; k++) {
		bool found = false;
		for (size_t j = 0; j < n && !found; j++)
			found = nd_ip_equal(&have[j].addr, &pa->addrs[k].addr.addr);
		if (!found)
			return false;
	}
	return true;
}

/* Without a record only the container's own interfaces go; say once what stays. */
static void warn_no_record(const struct nd_request *req, bool ports)
{
	char hosts[256] = "";
	size_t off = 0;

	for (size_t i = 0; i < req->n_attach && off < sizeof(hosts); i++)
		if (req->attach[i].host_interface_name)
			off += (size_t)snprintf(hosts + off, sizeof(hosts) - off, " %s",
						req->attach[i].host_interface_name);
	log_warn("container %s has no state record: removing only its interfaces inside its namespace%s; left host interfaces%s, %sbridges as they are",
		 req->container_id, ports ? " and the ports forwarded to their addresses" : "",
		 off ? hosts : " (none named)", ports ? "" : "published ports and ");
}

int netd_teardown(const struct netd_opts *opts, const char *netns_path,
		  const struct nd_request *req, struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *recorded = NULL;
	_cleanup_free_ char *state = NULL;
	_cleanup_close_ int ctr_ns = -1, host_ns = -1, lock = -1;
	const struct fw_driver *fw = fw_lookup(opts->fw_driver);
	struct nd_error list = {0};
	struct exec_ctx c = {0};
	_cleanup_(exec_signals_release) struct exec_signals sigs = {0};
	int r;

	/* The host's own namespace is refused here: its links are not the container's. */
	ctr_ns = netns_open_container(netns_path, NULL);
	if (ctr_ns == -ENOENT)
		log_warn("container namespace %s is gone; cleaning up the host side only",
			 netns_path);
	else if (ctr_ns < 0)
		return netns_error(err, ctr_ns, netns_path);
	if ((r = request_validate(req, err)) < 0)
		return r;
	if (!opts->config_dir)
		return nd_error_set(err, -EINVAL,
				    "--config not specified but required for netd teardown");
	host_ns = netns_open_current();
	if (host_ns < 0)
		return nd_error_set(err, host_ns, "failed to open the host namespace: %s",
				    strerror(-host_ns));

	/* An engine's teardown must finish once started: a signal waits for its end. */
	exec_signals_hold(&sigs);

	lock = state_lock(opts->config_dir, err);
	if (lock < 0)
		return lock;
	c = (struct exec_ctx){
		.opts = opts, .req = req, .netns_path = netns_path,
		.host_ns = host_ns, .ctr_ns = ctr_ns, .err = err,
	};
	r = nlx_open(&c.host);
	if (r < 0)
		return nd_error_set(err, r, "failed to open netlink: %s", strerror(-r));
	if (ctr_ns >= 0 && exec_in_container(&c, open_ctr_netlink, NULL) < 0)
		log_warn("cannot reach container namespace %s; cleaning up the host side only",
			 netns_path);

	/* podman network disconnect: the ports stay if another network carries them. */
	c.prev_state = ctrstate_load(opts->config_dir, req->container_id);
	if (c.prev_state) {
		const char *pn = ctrstate_ports_network(c.prev_state);
		c.skip_ports = !pn || !request_network(req, pn);
		if (!c.skip_ports)
			recorded_ports(&c, pn, &recorded);
	} else {
		c.skip_ports = !ports_in_namespace(&c);
		if (!c.skip_ports) {
			c.ports_req = req;
			c.ports_attach = fwnft_port_attach(req);
		}
		warn_no_record(req, !c.skip_ports);
	}

	teardown_all(&c, fw, &list);
	update_state(&c, fw, &list);
	nlx_free(c.host);
	nlx_free(c.ctr);
	json_object_put(c.prev_state);
	if (list.msg) {
		if (strchr(list.msg, '\n')) {
			nd_error_set(err, list.code, "netd encountered multiple errors:\n\t- %s", list.msg);
			nd_error_clear(&list);
		} else {
			nd_error_move(err, &list);
		}
		return err->code;
	}
	log_info("container %s torn down from %zu network(s)", req->container_id, req->n_attach);
	return 0;
}
