/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attachments of `netd attach`: the container records (core/ctrstate.h)
 * whose lease is admin's, one record per attachment (admin-attstore.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "netns.h"
#include "record.h"
#include "shared/error.h"

/* The owner admin writes into the leases of its records. */
#define ADMIN_LEASE_OWNER "admin"

/**
 * struct admin_att - one namespace attached to one network: a record of admin's
 * @rec:	the container record (owned); its lease is admin's, its request
 *		has exactly one network
 * @lease:	@rec's lease: state (pending while attach runs or after it was
 *		interrupted), pid of that attach, the namespace's identity, the MAC
 * @req:	@rec's request, the one attach set up
 * @netns, @network, @container_id: @rec's namespace path, @req's network,
 *		the container id (borrowed from @rec)
 */
struct admin_att {
	struct ctr_record *rec;
	struct ctr_lease *lease;
	struct nd_request *req;
	const char *netns, *network, *container_id;
};

struct admin_atts {
	struct admin_att *v;
	size_t n;
};

/**
 * attstore_load() - every attachment: the records of <@config>/netd/containers
 *		     that hold an admin lease
 * @ret:	the attachments (attstore_done()), ordered by namespace and network
 *
 * Records without an admin lease (a Podman or CNI container's) are not
 * listed; an admin record that cannot be read or has not one network is
 * skipped with a warning. Hold state_lock(config) to act on what it says.
 * Return: 0, or a negative code with @err set (the directory cannot be read).
 */
int attstore_load(const char *config, struct admin_atts *ret, struct nd_error *err);
/* Free every attachment of @s and its array; @s is left empty. */
void attstore_done(struct admin_atts *s);
/* Free @a's record; @a is left zeroed. */
void admin_att_done(struct admin_att *a);
/* The namespace as people name it: NAME for /run/netns/NAME, else the path. */
const char *admin_att_nsname(const struct admin_att *a);
/* Whether the process of an unfinished attach is still running. */
bool admin_att_in_progress(const struct admin_att *a);
/*
 * Whether record @a is the namespace at @path: the same path, or (when the
 * namespace exists, @ino non-zero) the same namespace under another path.
 */
bool admin_att_same_ns(const struct admin_att *a, const char *path, const struct netns_id *id);

/**
 * attstore_reserve() - write the record of a new attachment, before its setup
 * @req:	its request (one network; borrowed), which the record keeps
 * @netns, @ns:	the namespace's path and identity
 * @dns_port:	the DNS port setup will use
 *
 * Under the lock (the caller's): the record has @req and a pending admin
 * lease with this process's pid, so that its addresses count as taken.
 * Return: 0, or a negative code with @err set.
 */
int attstore_reserve(const char *config, const struct nd_request *req, const char *netns,
		     const struct netns_id *ns, uint16_t dns_port, struct nd_error *err);
/**
 * attstore_fetch() - one attachment, read again under the lock
 * @out:	the attachment (the caller's, admin_att_done())
 *
 * Takes the lock itself; refuses an attach still in progress (-EBUSY).
 * Return: 0, -ENOENT if there is no such admin record, or a negative code
 * with @err set.
 */
int attstore_fetch(const char *config, const char *id, struct admin_att *out, struct nd_error *err);
/*
 * Under the lock (taken here): remove attachment @id's record, if it is still
 * there and admin's (teardown normally removed it). Return: 0, or a negative
 * code with @err set.
 */
int attstore_forget(const char *config, const char *id, struct nd_error *err);
/*
 * Under the lock (taken here): attachment @id is set up: its lease ready, no
 * pid, @mac. Return: 0, -ENOENT if its record vanished, or a negative code
 * with @err set.
 */
int attstore_commit(const char *config, const char *id, const char *mac, struct nd_error *err);

/*
 * The attachment of @atts on @network that holds address @ip, other than
 * container @except (NULL: any); NULL when none. Borrowed from @atts.
 */
const struct admin_att *attstore_holder(const struct admin_atts *atts, const char *network,
					const struct nd_ip *ip, const char *except);
