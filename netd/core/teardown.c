// SPDX-License-Identifier: Apache-2.0
/*
 * netd teardown: remove what setup built for a container. It carries on past
 * failures, collecting every error, and succeeds when parts are already gone
 * (namespace deleted, interface missing).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline.h"
#include "ctrstate.h"
#include "entry.h"
#include "driver.h"
#include "fw-nft.h"
#include "exec.h"
#include "netns-entry.h"
#include "netns.h"
#include "fw.h"
#include "plan.h"
#include "request.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/log.h"

static void collect(struct nd_error *list, struct nd_error *e)
{
	nd_error_append(list, e);
	nd_error_clear(e);
}

/*
 * Every step of the teardown plan (plan.c), in order, carrying on past
 * failures: each one's error is collected in @list.
 */
static void teardown_all(struct exec_ctx *c, struct nd_error *list)
{
	struct plan plan = {0};
	struct nd_error e = {0};

	if (plan_teardown(c->req, &plan) < 0) {
		nd_error_set(&e, -ENOMEM, "out of memory");
		collect(list, &e);
		return;
	}
	for (size_t k = 0; k < plan.n; k++) {
		const struct step *s = &plan.steps[k];
		log_debug("teardown step %s (attachment %zu)", s->op->name, s->attach);
		if (s->op->teardown(c, s->attach, &e) < 0)
			collect(list, &e);
		nd_error_clear(&e);
	}
	plan_done(&plan);
}

/* The record without the networks torn down; ports move if their network left. */
int state_step_update(struct exec_ctx *c, size_t i, struct nd_error *list)
{
	_cleanup_free_ char *path = state_container_path(c->opts->config_dir, c->req->container_id);
	_cleanup_(ctr_record_freep) struct ctr_record *rest = NULL;
	struct nd_error e = {0};
	int r;

	r = ctrstate_remove(c->prev_state, c->req, &rest, &e);
	if (r < 0) {
		if (e.msg)
			nd_error_prefix(&e, "failed to update state file %s", path ? path : "");
		else
			nd_error_set(&e, r, "failed to update state file %s: %s", path ? path : "",
				     strerror(-r));
		collect(list, &e);
		return list->code;
	}
	if (!rest) {
		if (path && unlink(path) < 0 && errno != ENOENT) {
			nd_error_set(&e, -errno, "failed to remove state file %s: %s", path,
				     strerror(errno));
			collect(list, &e);
		}
		return list->msg ? list->code : 0;
	}
	if (ctrstate_ports_network(c->prev_state) && !rest->ports_network) {
		const struct nd_attach *pa = fwnft_port_attach(rest->req, c->fw_needs);
		if (pa && rest->req->n_ports) {
			if (c->fw->ports_moved(c, rest->req, &e) < 0)
				collect(list, &e);
			else if (!(rest->ports_network = strdup(pa->net->name)))
				log_warn("container %s: out of memory recording network %s as carrying the ports",
					 c->req->container_id, pa->net->name);
		}
		nd_error_clear(&e);
	}
	r = ctrstate_write(c->opts->config_dir, c->req->container_id, rest);
	if (r < 0) {
		nd_error_set(&e, r, "failed to update state file %s: %s", path ? path : "", strerror(-r));
		collect(list, &e);
	}
	return list->msg ? list->code : 0;
}

/* The ports setup published, from the record's own request: never the caller's list. */
static void recorded_ports(struct exec_ctx *c, const char *pn)
{
	const struct nd_request *rec = c->prev_state->req;

	if (!rec) {
		log_warn("container %s: its state record cannot be read (%s); left its published ports",
			 c->req->container_id,
			 c->prev_state->req_err.msg ? c->prev_state->req_err.msg : "no request");
		return;
	}
	c->ports_attach = request_attach_of(rec, pn);
	if (c->ports_attach)
		c->ports_req = rec;
}

/*
 * Without a record (a setup killed before writing it), the request's ports
 * are taken as this container's only when every address they forward to is
 * on the request's interface inside the container's own namespace; each map
 * element still goes only when it forwards to that address (fw-nft.c).
 */
static bool ports_in_namespace(struct exec_ctx *c)
{
	const struct nd_attach *pa = fwnft_port_attach(c->req, c->fw_needs);
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
	return netd_teardown_ns(opts, netns_path, netns_open_container(netns_path, NULL), req, err);
}

int netd_teardown_ns(const struct netd_opts *opts, const char *netns_path, int ns,
		     const struct nd_request *req, struct nd_error *err)
{
	struct nd_error list = {0};
	struct exec_ctx c;
	int r;

	r = core_enter(&c, opts, netns_path, ns, EXEC_CTR_OPTIONAL, req, "teardown", NULL, err);
	if (r < 0)
		goto out;

	/* podman network disconnect: the ports stay if another network carries them. */
	if (c.prev_state) {
		const char *pn = ctrstate_ports_network(c.prev_state);
		c.skip_ports = !pn || !request_network(req, pn);
		if (!c.skip_ports)
			recorded_ports(&c, pn);
	} else {
		c.skip_ports = !ports_in_namespace(&c);
		if (!c.skip_ports) {
			c.ports_req = req;
			c.ports_attach = fwnft_port_attach(req, c.fw_needs);
		}
		warn_no_record(req, !c.skip_ports);
	}

	teardown_all(&c, &list);
	if (list.msg) {
		if (strchr(list.msg, '\n')) {
			nd_error_set(err, list.code, "netd encountered multiple errors:\n\t- %s", list.msg);
			nd_error_clear(&list);
		} else {
			nd_error_move(err, &list);
		}
		r = err->code;
		goto out;
	}
	log_info("container %s torn down from %zu network(s)", req->container_id, req->n_attach);
	r = 0;
out:
	exec_close(&c);
	return r;
}
