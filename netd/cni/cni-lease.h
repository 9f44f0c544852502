/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The leases of the CNI front end, kept in the core's container records
 * (<runtimeDir>/netd/containers/<id>.json, exec/record.h): a record whose
 * lease is CNI's (owner "cni") holds, per network of its request, one
 * attachment: the interface, the addresses (the request's static IPs) and,
 * in the lease, the identity of the namespace ADD worked in. A network of
 * the request with a link in the record is set up; one without is an ADD
 * that has not finished (running, or interrupted). The lease's state says
 * whether the last ADD finished.
 *
 * Every function here runs under the network's IPAM lock (cni-store.h), and
 * takes netd's state lock of runtimeDir itself around a record's
 * read-modify-write (released before netd_setup() takes it). A record
 * without CNI's lease (Podman's, `netd attach`'s) is never changed here.
 */
#pragma once

#include "cni-config.h"
#include "cni-ipam.h"
#include "model.h"
#include "netns.h"
#include "shared/error.h"

/* The owner CNI writes into the leases of its records. */
#define CNI_LEASE_OWNER "cni"

/**
 * cni_leases_load() - the attachments of network cfg->name, from the records
 * @s:	the store; its attachments (s->v) are replaced by one per record
 *	with CNI's lease that has the network (ready: it has the network's link)
 *
 * A record that cannot be read is skipped (ctrstate_scan()).
 * Return: 0, or a negative code with @err set (code 103: the directory
 * cannot be read; 105: out of memory).
 */
int cni_leases_load(const struct cni_config *cfg, struct cni_store *s, struct nd_error *err);

/**
 * cni_lease_reserve() - record a new attachment before its setup
 * @req:	the attachment's request (network cfg->name only; borrowed)
 * @netns, @ns:	CNI_NETNS and its identity
 * @dns_port:	the DNS port setup will use
 *
 * Under the state lock: the container's record (a new one, or the one of its
 * other networks) gets @req's network (ctrstate_reserve()) and CNI's lease,
 * pending. Refuses (code 100) a record that is not CNI's, and a container
 * recorded in another namespace.
 * Return: 0, or a negative code with @err set.
 */
int cni_lease_reserve(const struct cni_config *cfg, const struct nd_request *req,
		      const char *netns, const struct netns_id *ns, uint16_t dns_port,
		      struct nd_error *err);

/*
 * After a setup that succeeded: mark the lease of container @cid ready.
 * Return: 0, or a negative code with @err set (code 103).
 */
int cni_lease_commit(const struct cni_config *cfg, const char *cid, struct nd_error *err);

/*
 * After a setup that failed (and was rolled back): take the networks of @req
 * out of the record of its container (the record goes with its last
 * network). Return: 0, or a negative code with @err set (code 103).
 */
int cni_lease_forget(const struct cni_config *cfg, const struct nd_request *req,
		     struct nd_error *err);

/**
 * cni_leases_migrate() - move the leases of an older allocations.json into records
 * @s:	the store as parsed; its attachments (an older netd's) are moved
 *
 * Each lease becomes CNI's lease in its container's record; when the record
 * lacks the network, the request is rebuilt from @cfg and the lease
 * (cni_request_model()), without a link: it is torn down as an interrupted
 * ADD is. A lease whose record belongs to another holder is dropped with a
 * warning. @s has no attachments afterwards.
 * Return: 0, or a negative code with @err set.
 */
int cni_leases_migrate(const struct cni_config *cfg, struct cni_store *s, struct nd_error *err);
