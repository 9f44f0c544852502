// SPDX-License-Identifier: Apache-2.0
/*
 * Opening and closing the context of one setup or teardown (exec.h): the
 * same namespaces, lock, netlink handles, record and signal handling for
 * every caller.
 */
#include "exec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"
#include "record.h"
#include "state.h"
#include "shared/log.h"

int exec_open_netns_fd(struct exec_ctx *c, const struct netd_opts *opts, const char *netns_path,
		       int ns, unsigned flags, struct nd_error *err)
{
	*c = (struct exec_ctx){
		.opts = opts, .netns_path = netns_path, .err = err, .flags = flags,
		.host_ns = -1, .ctr_ns = ns >= 0 ? ns : -1, .lock = -1,
	};
	if (ns == -ENOENT && (flags & EXEC_CTR_OPTIONAL)) {
		log_warn("container namespace %s is gone; cleaning up the host side only",
			 netns_path);
		return 0;
	}
	if (ns < 0)
		return netns_error(err, ns, netns_path);
	return 0;
}

int exec_open_netns(struct exec_ctx *c, const struct netd_opts *opts, const char *netns_path,
		    unsigned flags, struct nd_error *err)
{
	/* The host's own namespace is refused here: its links are not the container's. */
	return exec_open_netns_fd(c, opts, netns_path, netns_open_container(netns_path, NULL),
				  flags, err);
}

static int open_ctr_netlink(struct exec_ctx *c, void *arg)
{
	int r = nlx_open(&c->ctr);

	if (r < 0 && !(c->flags & EXEC_CTR_OPTIONAL))
		return nd_error_set(c->err, r, "failed to open netlink in container namespace %s: %s",
				    c->netns_path, strerror(-r));
	return r;
}

int exec_open(struct exec_ctx *c, const struct nd_request *req)
{
	int r;

	c->req = req;
	c->host_ns = netns_open_current();
	if (c->host_ns < 0)
		return nd_error_set(c->err, c->host_ns, "failed to open the host namespace: %s",
				    strerror(-c->host_ns));
	c->rt = calloc(req->n_attach ? req->n_attach : 1, sizeof(*c->rt));
	if (!c->rt)
		return nd_error_set(c->err, -ENOMEM, "failed to prepare: %s", strerror(ENOMEM));

	/* From here on the system changes: a signal waits until the run is over. */
	exec_signals_hold(&c->sigs);

	c->lock = state_lock(c->opts->config_dir, c->err);
	if (c->lock < 0)
		return c->lock;
	r = nlx_open(&c->host);
	if (r < 0)
		return nd_error_set(c->err, r, "failed to open netlink: %s", strerror(-r));
	if (c->ctr_ns >= 0) {
		r = exec_in_container(c, open_ctr_netlink, NULL);
		if (r < 0 && !(c->flags & EXEC_CTR_OPTIONAL))
			return r;
		if (r < 0)
			log_warn("cannot reach container namespace %s; cleaning up the host side only",
				 c->netns_path);
	}
	c->prev_state = ctrstate_load(c->opts->config_dir, req->container_id);
	return 0;
}

void exec_close(struct exec_ctx *c)
{
	c->host = nlx_free(c->host);
	c->ctr = nlx_free(c->ctr);
	free(c->undo);
	c->undo = NULL;
	c->n_undo = c->cap_undo = 0;
	ctr_record_free(c->prev_state);
	c->prev_state = NULL;
	free(c->rt);
	c->rt = NULL;
	if (c->lock >= 0)
		close(c->lock);
	if (c->host_ns >= 0)
		close(c->host_ns);
	if (c->ctr_ns >= 0)
		close(c->ctr_ns);
	c->lock = c->host_ns = c->ctr_ns = -1;
	exec_signals_release(&c->sigs);
}
