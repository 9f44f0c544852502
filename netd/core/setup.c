// SPDX-License-Identifier: Apache-2.0
/* netd setup: request → model → plan → execute with undo → result. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline.h"
#include "ctrstate.h"
#include "entry.h"
#include "driver.h"
#include "exec.h"
#include "netns-entry.h"
#include "fw.h"
#include "plan.h"
#include "netns.h"
#include "plugin.h"
#include "request.h"
#include "result.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/log.h"

/* Test hook: NETD_TEST_FAIL_AFTER=<step>[:<attachment index>] fails setup there. */
static int injected_failure(const struct step *s, struct nd_error *err)
{
	const char *spec = getenv("NETD_TEST_FAIL_AFTER");
	const char *name = s->op->name;
	size_t n = strlen(name);

	if (!spec || strncmp(spec, name, n) != 0)
		return 0;
	if (spec[n] == ':' && (size_t)strtoul(spec + n + 1, NULL, 10) != s->attach)
		return 0;
	if (spec[n] != '\0' && spec[n] != ':')
		return 0;
	return nd_error_set(err, -EIO, "injected failure after step %s (attachment %zu)", name,
			    s->attach);
}

/* Undo of the state step: put the record back as it was (or remove it). */
static void restore_state(struct exec_ctx *c)
{
	_cleanup_free_ char *path = state_container_path(c->opts->config_dir, c->req->container_id);

	if (c->prev_state) {
		if (ctrstate_write(c->opts->config_dir, c->req->container_id, c->prev_state) < 0)
			log_warn("rollback: failed to restore %s", path ? path : "the state file");
	} else if (path && unlink(path) < 0 && errno != ENOENT) {
		log_warn("rollback: failed to remove %s: %m", path);
	}
}

int state_step_write(struct exec_ctx *c, size_t i)
{
	_cleanup_(ctr_record_freep) struct ctr_record *rec = NULL;
	struct nd_error e = {0};
	int r;

	r = ctrstate_merge(c->prev_state, c, &rec, &e);
	if (r < 0) {
		nd_error_set(c->err, r, "failed to build the state record%s%s", e.msg ? ": " : "",
			     e.msg ? e.msg : "");
		nd_error_clear(&e);
		return r;
	}
	r = ctrstate_write(c->opts->config_dir, c->req->container_id, rec);
	if (r < 0)
		return nd_error_set(c->err, r, "failed to write the state of container %s: %s",
				    c->req->container_id, strerror(-r));
	return exec_push_undo(c, &(struct undo){ .kind = UNDO_CALL, .call = restore_state });
}

int netd_setup(const struct netd_opts *opts, const char *netns_path, const struct nd_request *req,
	       struct nd_result **ret, struct nd_error *err)
{
	return netd_setup_ns(opts, netns_path, netns_open_container(netns_path, NULL), req, NULL,
			     ret, err);
}

int netd_setup_ns(const struct netd_opts *opts, const char *netns_path, int ns,
		  const struct nd_request *req, netd_emit_fn emit, struct nd_result **ret,
		  struct nd_error *err)
{
	_cleanup_(nd_result_freep) struct nd_result *res = NULL;
	struct plan plan = {0};
	struct exec_ctx c;
	int r;

	r = core_enter(&c, opts, netns_path, ns, 0, req, "setup", &plan, err);
	if (r < 0)
		goto out;
	/* podman network connect: ports already published through another network stay there. */
	if (c.prev_state) {
		const char *pn = ctrstate_ports_network(c.prev_state);
		c.skip_ports = pn && !request_network(req, pn);
	}

	for (size_t k = 0; k < plan.n; k++) {
		const struct step *s = &plan.steps[k];
		log_debug("step %s (attachment %zu)", s->op->name, s->attach);
		r = s->op->setup(&c, s->attach);
		if (r == 0)
			r = injected_failure(s, err);
		if (r < 0) {
			if (!err->msg)
				nd_error_set(err, r, "setup step %s failed: %s", s->op->name,
					     strerror(-r));
			log_info("setup of container %s failed, rolling back: %s",
				  req->container_id, err->msg);
			exec_unwind(&c);
			goto out;
		}
	}
	r = result_setup(req, c.rt, &res);
	if (r < 0) {
		nd_error_set(err, r, "failed to build the result: %s", strerror(-r));
		exec_unwind(&c);
		goto out;
	}
	if (emit && (r = emit(res)) < 0) {
		nd_error_set(err, r, "failed to write the result to stdout");
		exec_unwind(&c);
		goto out;
	}
	if (ret)
		*ret = TAKE_PTR(res);
	log_info("container %s set up on %zu network(s)", req->container_id, req->n_attach);
out:
	if (c.rt)
		plugin_rt_done(c.rt, req->n_attach);
	exec_close(&c);
	plan_done(&plan);
	return r;
}
