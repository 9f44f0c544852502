// SPDX-License-Identifier: Apache-2.0
/*
 * admin's attachments are container records (<config>/netd/containers/<id>.json,
 * read and written by core/ctrstate.c only) that carry a lease whose owner
 * is "admin". attach writes the record with its request and a pending lease
 * before netd_setup() (attstore_reserve()), setup completes the same record,
 * attach then marks the lease ready (attstore_commit()), and teardown
 * removes the record with its last network. No other file is kept: the
 * addresses in use are the static IPs of the records' requests.
 *
 * A record without an admin lease is never listed, changed or removed here.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin-attstore.h"
#include "ctrstate.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/log.h"

void admin_att_done(struct admin_att *a)
{
	ctr_record_free(a->rec);
	*a = (struct admin_att){0};
}

void attstore_done(struct admin_atts *s)
{
	for (size_t i = 0; i < s->n; i++)
		admin_att_done(&s->v[i]);
	free(s->v);
	*s = (struct admin_atts){0};
}

/* What attstore_load() gathers while it scans. */
struct collect {
	struct admin_atts s;
};

static bool is_admins(const struct ctr_record *rec)
{
	return rec && rec->lease && strcmp(rec->lease->owner, ADMIN_LEASE_OWNER) == 0;
}

/*
 * @rec (taken) as attachment @out when it is admin's and well-formed.
 * Return: 1 (taken), 0 (not admin's: @rec freed), or -EBADMSG with @err set
 * (admin's, but not one network with a namespace; @rec freed).
 */
static int att_of(struct ctr_record *rec, const char *id, struct admin_att *out,
		  struct nd_error *err)
{
	_cleanup_(ctr_record_freep) struct ctr_record *r = rec;

	if (!is_admins(r))
		return 0;
	if (!r->req)
		return nd_error_set(err, -EBADMSG, "the record of attachment %s has no request%s%s", id,
				    r->req_err.msg ? ": " : "", r->req_err.msg ? r->req_err.msg : "");
	if (r->req->n_attach != 1 || !r->netns || !r->container_id ||
	    strcmp(r->container_id, id) != 0 || strcmp(r->req->container_id, id) != 0)
		return nd_error_set(err, -EBADMSG,
				    "the record of attachment %s is not one namespace on one network", id);
	*out = (struct admin_att){ .rec = r, .lease = r->lease, .req = r->req, .netns = r->netns,
				   .network = r->req->attach[0].net->name,
				   .container_id = r->container_id };
	r = NULL;
	return 1;
}

static int by_ns_network(const void *x, const void *y)
{
	const struct admin_att *a = x, *b = y;
	int c = strcmp(admin_att_nsname(a), admin_att_nsname(b));

	return c ? c : strcmp(a->network, b->network);
}

/* ctrstate_scan()'s callback: each record of admin's, as an attachment, appended. */
static int collect(const char *id, const char *path, struct ctr_record *rec, int rr, void *arg)
{
	struct collect *c = arg;
	struct nd_error e = {0};
	struct admin_att a, *v;
	int r;

	if (rr < 0)
		return 0;	/* whoever's it is, it is no attachment of admin's */
	r = att_of(rec, id, &a, &e);

	if (r == -EBADMSG)
		log_warn("%s: %s; not listed", path, e.msg);
	nd_error_clear(&e);
	if (r <= 0)
		return 0;
	if (!(v = realloc(c->s.v, (c->s.n + 1) * sizeof(*v)))) {
		admin_att_done(&a);
		return -ENOMEM;
	}
	c->s.v = v;
	c->s.v[c->s.n++] = a;
	return 0;
}

int attstore_load(const char *config, struct admin_atts *ret, struct nd_error *err)
{
	struct collect c = {0};
	int r = ctrstate_scan(config, collect, &c);

	*ret = (struct admin_atts){0};
	if (r < 0) {
		attstore_done(&c.s);
		return r == -ENOMEM ? r :
		       nd_error_set(err, r, "cannot read %s/netd/containers: %s", config,
				    strerror(-r));
	}
	if (c.s.n)
		qsort(c.s.v, c.s.n, sizeof(*c.s.v), by_ns_network);
	*ret = c.s;
	return 0;
}

const char *admin_att_nsname(const struct admin_att *a)
{
	const char *name = a->netns + 11;

	/* ip netns names stay short; other paths are shown whole. */
	if (strncmp(a->netns, "/run/netns/", 11) == 0 && name[0] && !strchr(name, '/'))
		return name;
	return a->netns;
}

bool admin_att_in_progress(const struct admin_att *a)
{
	return a->lease->state == CTR_LEASE_PENDING && a->lease->pid > 0 &&
	       (kill((pid_t)a->lease->pid, 0) == 0 || errno == EPERM);
}

bool admin_att_same_ns(const struct admin_att *a, const char *path, const struct netns_id *id)
{
	return strcmp(a->netns, path) == 0 || (id->ino && netns_id_eq(&a->lease->ns, id));
}

int attstore_reserve(const char *config, const struct nd_request *req, const char *netns,
		     const struct netns_id *ns, uint16_t dns_port, struct nd_error *err)
{
	_cleanup_(ctr_record_freep) struct ctr_record *rec = NULL;
	_cleanup_free_ char *path = state_container_path(config, req->container_id);
	int r;

	if (!path)
		return -ENOMEM;
	if ((r = ctrstate_new(req, netns, dns_port, &rec, err)) < 0)
		return r;
	if (!(rec->lease = calloc(1, sizeof(*rec->lease))) ||
	    !(rec->lease->owner = strdup(ADMIN_LEASE_OWNER)))
		return -ENOMEM;
	rec->lease->state = CTR_LEASE_PENDING;
	rec->lease->pid = (long)getpid();
	rec->lease->ns = *ns;
	if ((r = ctrstate_write(config, req->container_id, rec)) < 0)
		return nd_error_set(err, r, "cannot write %s: %s", path, strerror(-r));
	return 0;
}

/*
 * Take the lock (into @lock, the caller's to close) and read attachment @id:
 * att_of() of its record, or 0 when there is none. @ret_path: the record's
 * path (the caller's), unless NULL.
 */
static int locked_one(const char *config, const char *id, int *lock, char **ret_path,
		      struct admin_att *out, struct nd_error *err)
{
	_cleanup_free_ char *path = state_container_path(config, id);
	struct ctr_record *rec = NULL;
	int r;

	if ((*lock = state_lock(config, err)) < 0)
		return *lock;
	if (!path || (ret_path && !(*ret_path = strdup(path))))
		return -ENOMEM;
	r = ctrstate_read(path, &rec);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return nd_error_set(err, r, "cannot read %s: %s", path, strerror(-r));
	return att_of(rec, id, out, err);
}

int attstore_fetch(const char *config, const char *id, struct admin_att *out, struct nd_error *err)
{
	_cleanup_close_ int lock = -1;
	int r;

	if ((r = locked_one(config, id, &lock, NULL, out, err)) < 0)
		return r;
	if (r == 0)
		return nd_error_set(err, -ENOENT, "attachment %s is not recorded (anymore)", id);
	if (admin_att_in_progress(out)) {
		r = nd_error_set(err, -EBUSY,
				 "namespace %s: the attach to network \"%s\" is still running (pid %ld)",
				 admin_att_nsname(out), out->network, out->lease->pid);
		admin_att_done(out);
	}
	return r < 0 ? r : 0;
}

int attstore_forget(const char *config, const char *id, struct nd_error *err)
{
	_cleanup_close_ int lock = -1;
	_cleanup_free_ char *path = NULL;
	struct admin_att a = {0};
	int r;

	if ((r = locked_one(config, id, &lock, &path, &a, err)) <= 0)
		return r;
	admin_att_done(&a);
	if (unlink(path) < 0 && errno != ENOENT)
		return nd_error_set(err, -errno, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}

int attstore_commit(const char *config, const char *id, const char *mac, struct nd_error *err)
{
	_cleanup_close_ int lock = -1;
	_cleanup_free_ char *path = NULL;
	struct admin_att a = {0};
	int r;

	if ((r = locked_one(config, id, &lock, &path, &a, err)) < 0)
		return r;
	if (r == 0)
		return nd_error_set(err, -ENOENT, "the record of attachment %s vanished meanwhile", id);
	a.lease->state = CTR_LEASE_READY;
	a.lease->pid = 0;
	snprintf(a.lease->mac, sizeof(a.lease->mac), "%s", mac ? mac : "");
	r = ctrstate_write(config, id, a.rec);
	admin_att_done(&a);
	if (r < 0)
		return nd_error_set(err, r, "cannot write %s: %s", path, strerror(-r));
	return 0;
}

const struct admin_att *attstore_holder(const struct admin_atts *atts, const char *network,
					const struct nd_ip *ip, const char *except)
{
	for (size_t i = 0; i < atts->n; i++) {
		const struct nd_attach *at = &atts->v[i].req->attach[0];
		if (strcmp(atts->v[i].network, network) != 0 ||
		    (except && strcmp(atts->v[i].container_id, except) == 0))
			continue;
		for (size_t k = 0; k < at->n_addrs; k++)
			if (nd_ip_equal(&at->addrs[k].addr.addr, ip))
				return &atts->v[i];
	}
	return NULL;
}
