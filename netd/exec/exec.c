// SPDX-License-Identifier: Apache-2.0
#include "exec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns.h"
#include "shared/log.h"

int exec_push_undo(struct exec_ctx *c, const struct undo *u)
{
	if (c->n_undo == c->cap_undo) {
		size_t cap = c->cap_undo ? c->cap_undo * 2 : 16;
		struct undo *v = realloc(c->undo, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->undo = v;
		c->cap_undo = cap;
	}
	c->undo[c->n_undo++] = *u;
	return 0;
}

void exec_unwind(struct exec_ctx *c)
{
	while (c->n_undo > 0) {
		const struct undo *u = &c->undo[--c->n_undo];
		int r = 0;

		switch (u->kind) {
		case UNDO_LINK_DEL: {
			struct nlx *h = u->in_container ? c->ctr : c->host;
			struct nlx_link l = { .ifindex = u->ifindex };
			if (h && !l.ifindex && nlx_link_by_name(h, u->name, &l) < 0)
				l.ifindex = 0;
			if (h && l.ifindex) {
				r = nlx_link_del(h, l.ifindex);
				if (r == -ENODEV)
					r = 0;
			}
			if (r < 0)
				log_warn("rollback: failed to delete link %d in the %s namespace: %s",
					 u->ifindex, u->in_container ? "container" : "host",
					 strerror(-r));
			else
				log_debug("rollback: deleted link %d", u->ifindex);
			break;
		}
		case UNDO_LINK_DOWN: {
			struct nlx *h = u->in_container ? c->ctr : c->host;
			if (h && (r = nlx_link_set_down(h, u->ifindex)) < 0 && r != -ENODEV)
				log_warn("rollback: failed to set link %d down: %s", u->ifindex,
					 strerror(-r));
			break;
		}
		case UNDO_ADDR_DEL: {
			struct nlx *h = u->in_container ? c->ctr : c->host;
			if (h && (r = nlx_addr_del(h, u->ifindex, &u->addr)) < 0 &&
			    r != -EADDRNOTAVAIL && r != -ENODEV)
				log_warn("rollback: failed to delete an address: %s", strerror(-r));
			break;
		}
		case UNDO_ROUTE_DEL: {
			struct nlx *h = u->in_container ? c->ctr : c->host;
			if (h && (r = nlx_route_del(h, &u->route)) < 0 && r != -ESRCH &&
			    r != -ENOENT)
				log_warn("rollback: failed to delete a route: %s", strerror(-r));
			break;
		}
		case UNDO_CALL:
			u->call(c);
			break;
		case UNDO_SYSCTL:
			r = sysctl_set(u->key, u->value, NULL);
			if (r < 0)
				log_warn("rollback: failed to restore sysctl %s=%s: %s",
					 u->key, u->value, strerror(-r));
			break;
		}
	}
}

struct in_container {
	struct exec_ctx *c;
	int (*fn)(struct exec_ctx *c, void *arg);
	void *arg;
};

static int in_container(void *arg)
{
	struct in_container *ic = arg;

	return ic->fn(ic->c, ic->arg);
}

void exec_signals_hold(struct exec_signals *s)
{
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	s->held = sigprocmask(SIG_BLOCK, &block, &s->old) == 0;
}

void exec_signals_release(struct exec_signals *s)
{
	if (s->held)
		(void)sigprocmask(SIG_SETMASK, &s->old, NULL);
	s->held = false;
}

int exec_in_container(struct exec_ctx *c, int (*fn)(struct exec_ctx *c, void *arg), void *arg)
{
	struct in_container ic = { c, fn, arg };
	int r, res;

	if (c->ctr_ns < 0)
		return -ENOENT;
	r = netns_call(c->ctr_ns, c->host_ns, in_container, &ic, &res);
	if (r < 0)
		return nd_error_set(c->err, r, "failed to enter container namespace %s: %s",
				    c->netns_path, strerror(-r));
	return res;
}

int exec_host_sysctl(struct exec_ctx *c, const char *key, const char *value)
{
	struct undo u = { .kind = UNDO_SYSCTL };
	int r = sysctl_set(key, value, u.value);

	if (r < 0)
		return nd_error_set(c->err, r, "failed to set sysctl %s=%s: %s", key, value,
				    strerror(-r));
	if (r == 0)
		return 0;
	log_debug("sysctl %s: %s -> %s", key, u.value, value);
	snprintf(u.key, sizeof(u.key), "%s", key);
	return exec_push_undo(c, &u);
}

int exec_nl_error(struct exec_ctx *c, struct nlx *h, int r, const char *fmt, ...)
{
	char what[512];
	const char *km = nlx_last_msg(h);
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (km && *km)
		return nd_error_set(c->err, r, "%s: %s (kernel: %s)", what, strerror(-r), km);
	return nd_error_set(c->err, r, "%s: %s", what, strerror(-r));
}
