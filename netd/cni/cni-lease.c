// SPDX-License-Identifier: Apache-2.0
/*
 * CNI's leases in the container records (cni-lease.h): read as the store's
 * attachments (cni-ipam.h), written around netd_setup() the way `netd
 * attach` writes its own: reserve (pending) → setup → commit (ready), or
 * forget after a failed setup. Teardown (DEL, GC) needs nothing here: the
 * core takes the network out of the record, and the record goes with its
 * last network.
 */
#include "cni-lease.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni-request.h"
#include "ctrstate.h"
#include "request.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/log.h"

static bool is_cnis(const struct ctr_record *rec)
{
	return rec && rec->lease && strcmp(rec->lease->owner, CNI_LEASE_OWNER) == 0;
}

/* ------------------------------------------------------------------------ */
/* reading: the records as the store's attachments */

struct load {
	const struct cni_config *cfg;
	struct cni_store *s;
};

/* @rec's attachment on the network as a store entry (@a, the caller's). */
static int view_of(const struct ctr_record *rec, const char *id, const struct nd_attach *at,
		   struct cni_alloc *a)
{
	*a = (struct cni_alloc){
		.ns_dev = rec->lease->ns.dev, .ns_ino = rec->lease->ns.ino,
		.ns_cookie = rec->lease->ns.cookie,
		.ready = ctrstate_link_of(rec, at->net->name) != NULL,
		.n_ips = at->n_static_ips,
	};
	a->container_id = strdup(id);
	a->ifname = strdup(at->interface_name);
	a->netns = strdup(rec->netns ? rec->netns : "");
	a->ips = calloc(at->n_static_ips ? at->n_static_ips : 1, sizeof(*a->ips));
	if (!a->container_id || !a->ifname || !a->netns || !a->ips)
		return -ENOMEM;
	if (at->n_static_ips)
		memcpy(a->ips, at->static_ips, at->n_static_ips * sizeof(*a->ips));
	return 0;
}

static int load_one(const char *id, const char *path, struct ctr_record *rec, int rr, void *arg)
{
	_cleanup_(ctr_record_freep) struct ctr_record *r = rec;
	struct load *l = arg;
	const struct nd_attach *at = request_attach_of(r ? r->req : NULL, l->cfg->name);
	struct cni_alloc a;

	if (rr < 0 || !is_cnis(r))
		return 0;
	if (!r->req) {
		log_warn("%s: a CNI lease whose request cannot be read (%s); its addresses are not known",
			 path, r->req_err.msg ? r->req_err.msg : "no request");
		return 0;
	}
	if (!at)
		return 0;
	if (!cni_container_id_valid(id) || !r->container_id || strcmp(r->container_id, id) != 0 ||
	    strcmp(r->req->container_id, id) != 0) {
		log_warn("%s: a CNI lease whose container id is not its file's; ignored", path);
		return 0;
	}
	if (view_of(r, id, at, &a) < 0 || !cni_store_add(l->s, &a)) {
		cni_alloc_done(&a);
		return -ENOMEM;
	}
	return 0;
}

int cni_leases_load(const struct cni_config *cfg, struct cni_store *s, struct nd_error *err)
{
	struct load l = { cfg, s };
	int r;

	while (s->n)
		cni_store_remove(s, &s->v[s->n - 1]);
	r = ctrstate_scan(cfg->runtime_dir, load_one, &l);
	if (r == -ENOMEM)
		return cni_oom(err);
	if (r < 0)
		return cni_fail(err, CNI_ERR_STATE, "cannot read the container records in %s/netd/containers: %s",
				cfg->runtime_dir, strerror(-r));
	return 0;
}

/* ------------------------------------------------------------------------ */
/* writing: under netd's state lock of runtimeDir */

/* netd's state lock of runtimeDir (the caller closes it), or a code-103 failure. */
static int lock_records(const struct cni_config *cfg, struct nd_error *err)
{
	struct nd_error e = {0};
	int fd = state_lock(cfg->runtime_dir, &e);

	if (fd >= 0)
		return fd;
	fd = cni_fail(err, fd == -ENOMEM && !e.msg ? CNI_ERR_INTERNAL : CNI_ERR_STATE, "%s",
		      e.msg ? e.msg : strerror(-fd));
	nd_error_clear(&e);
	return fd;
}

static int write_record(const struct cni_config *cfg, const char *id,
			const struct ctr_record *rec, struct nd_error *err)
{
	int r = ctrstate_write(cfg->runtime_dir, id, rec);

	if (r < 0)
		return cni_fail(err, CNI_ERR_STATE, "cannot write %s/netd/containers/%s.json: %s",
				cfg->runtime_dir, id, strerror(-r));
	return 0;
}

/* A new pending lease of CNI's, in namespace @ns, into *@ret (NULL before). */
static int new_lease(const struct netns_id *ns, struct ctr_lease **ret)
{
	struct ctr_lease *l = calloc(1, sizeof(*l));

	if (!l || !(l->owner = strdup(CNI_LEASE_OWNER))) {
		free(l);
		return -ENOMEM;
	}
	l->state = CTR_LEASE_PENDING;
	l->ns = *ns;
	*ret = l;
	return 0;
}

int cni_lease_reserve(const struct cni_config *cfg, const struct nd_request *req,
		      const char *netns, const struct netns_id *ns, uint16_t dns_port,
		      struct nd_error *err)
{
	_cleanup_(ctr_record_freep) struct ctr_record *old = NULL, *rec = NULL;
	_cleanup_close_ int lock = lock_records(cfg, err);
	const char *id = req->container_id;
	struct nd_error e = {0};
	int r;

	if (lock < 0)
		return lock;
	old = ctrstate_load(cfg->runtime_dir, id);
	if (old && !is_cnis(old))
		return cni_fail(err, CNI_ERR_NETD,
				"container %s has a record in %s/netd/containers that is not CNI's (%s); netd leaves it alone",
				id, cfg->runtime_dir,
				old->lease ? old->lease->owner : "an engine's");
	if (old && old->lease->ns.ino && !netns_id_eq(&old->lease->ns, ns))
		return cni_fail(err, CNI_ERR_NETD,
				"container %s is attached in namespace %s; CNI_NETNS %s is another one",
				id, old->netns ? old->netns : "?", netns);
	r = ctrstate_reserve(old, req, netns, dns_port, &rec, &e);
	if (r < 0) {
		r = cni_fail(err, r == -ENOMEM && !e.msg ? CNI_ERR_INTERNAL : CNI_ERR_NETD, "%s",
			     e.msg ? e.msg : strerror(-r));
		nd_error_clear(&e);
		return r;
	}
	if (!rec->lease && new_lease(ns, &rec->lease) < 0)
		return cni_oom(err);
	rec->lease->state = CTR_LEASE_PENDING;
	rec->lease->ns = *ns;
	return write_record(cfg, id, rec, err);
}

int cni_lease_commit(const struct cni_config *cfg, const char *cid, struct nd_error *err)
{
	_cleanup_(ctr_record_freep) struct ctr_record *rec = NULL;
	_cleanup_close_ int lock = lock_records(cfg, err);

	if (lock < 0)
		return lock;
	rec = ctrstate_load(cfg->runtime_dir, cid);
	if (!is_cnis(rec))
		return cni_fail(err, CNI_ERR_STATE,
				"the record of container %s in %s/netd/containers lost its CNI lease",
				cid, cfg->runtime_dir);
	rec->lease->state = CTR_LEASE_READY;
	return write_record(cfg, cid, rec, err);
}

/* @rec without @req's networks, written, or removed with its last one. */
static int cut_record(const struct cni_config *cfg, const char *id, const struct ctr_record *rec,
		      const struct nd_request *req, struct nd_error *err)
{
	_cleanup_(ctr_record_freep) struct ctr_record *rest = NULL;
	_cleanup_free_ char *path = NULL;
	struct nd_error e = {0};
	int r = ctrstate_remove(rec, req, &rest, &e);

	if (r < 0) {
		r = cni_fail(err, CNI_ERR_STATE, "cannot update the record of container %s: %s", id,
			     e.msg ? e.msg : strerror(-r));
		nd_error_clear(&e);
		return r;
	}
	if (rest)
		return write_record(cfg, id, rest, err);
	if (!(path = state_container_path(cfg->runtime_dir, id)))
		return cni_oom(err);
	if (unlink(path) < 0 && errno != ENOENT)
		return cni_fail(err, CNI_ERR_STATE, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}

int cni_lease_forget(const struct cni_config *cfg, const struct nd_request *req,
		     struct nd_error *err)
{
	_cleanup_(ctr_record_freep) struct ctr_record *rec = NULL;
	_cleanup_close_ int lock = lock_records(cfg, err);

	if (lock < 0)
		return lock;
	rec = ctrstate_load(cfg->runtime_dir, req->container_id);
	if (!is_cnis(rec))
		return 0;
	return cut_record(cfg, req->container_id, rec, req, err);
}

/* ------------------------------------------------------------------------ */
/* an older netd's allocations.json */

/* Lease @a of an older store into its container's record (the state lock is held). */
static int migrate_one(const struct cni_config *cfg, const struct cni_alloc *a,
		       struct nd_error *err)
{
	_cleanup_(ctr_record_freep) struct ctr_record *old = NULL, *rec = NULL;
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	const struct netns_id ns = { a->ns_dev, a->ns_ino, a->ns_cookie };
	const struct cni_params gc = {
		.cmd = CNI_CMD_GC, .container_id = a->container_id, .ifname = a->ifname,
		.netns = (char *)"",
	};
	const struct nd_attach *at;
	struct nd_error e = {0};
	int r;

	old = ctrstate_load(cfg->runtime_dir, a->container_id);
	if (old && old->lease && !is_cnis(old)) {
		log_warn("allocations.json of network %s: the record of container %s is %s's; its lease is dropped",
			 cfg->name, a->container_id, old->lease->owner);
		return 0;
	}
	at = request_attach_of(old ? old->req : NULL, cfg->name);
	if (at && strcmp(at->interface_name, a->ifname) != 0) {
		log_warn("allocations.json of network %s: container %s is recorded on it with %s, not %s; its lease is dropped",
			 cfg->name, a->container_id, at->interface_name, a->ifname);
		return 0;
	}
	if (at) {
		/* The core recorded the attachment: it only lacks the lease. */
		if (!old->lease) {
			if (new_lease(&ns, &old->lease) < 0)
				return cni_oom(err);
			old->lease->state = a->ready ? CTR_LEASE_READY : CTR_LEASE_PENDING;
		}
		return write_record(cfg, a->container_id, old, err);
	}
	/* Not recorded (an interrupted ADD, a lost record): rebuilt, without a link. */
	r = cni_request_model(cfg, &gc, a->ips, a->n_ips, &req, &e);
	if (r == 0)
		r = ctrstate_reserve(old, req, a->netns ? a->netns : "", cfg->dns_port,
				     &rec, &e);
	if (r < 0) {
		log_warn("allocations.json of network %s: the lease of container %s cannot be recorded (%s); dropped",
			 cfg->name, a->container_id, e.msg ? e.msg : strerror(-r));
		nd_error_clear(&e);
		return r == -ENOMEM ? cni_oom(err) : 0;
	}
	if (!rec->lease && new_lease(&ns, &rec->lease) < 0)
		return cni_oom(err);
	return write_record(cfg, a->container_id, rec, err);
}

int cni_leases_migrate(const struct cni_config *cfg, struct cni_store *s, struct nd_error *err)
{
	_cleanup_close_ int lock = -1;
	int r = 0;

	if (!s->n)
		return 0;
	if ((lock = lock_records(cfg, err)) < 0)
		return lock;
	log_info("network %s: moving %zu lease(s) of allocations.json into the container records",
		 cfg->name, s->n);
	for (size_t i = 0; r == 0 && i < s->n; i++)
		r = migrate_one(cfg, &s->v[i], err);
	if (r < 0)
		return r;
	while (s->n)
		cni_store_remove(s, &s->v[s->n - 1]);
	return 0;
}
