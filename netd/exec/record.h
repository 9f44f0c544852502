/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's state record, typed (core/ctrstate.h has the whole
 * interface): what the drivers and the firewall need of it, declared below
 * them. Implemented by core/ctrstate.c, the record's only (de)serializer; see
 * docs/architecture.md, "Where each part lives", for this one link-time
 * exception to the direction of the layers.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "netns.h"
#include "shared/error.h"

/* What setup built for one network of the container ("links" in the file). */
struct ctr_link {
	char *network;		/* the network's name */
	char *interface;	/* in the container; NULL when not recorded */
	char *host_interface;	/* the host end (veth); NULL when not recorded */
	int host_ifindex;	/* its ifindex; 0 when not recorded */
	char *bridge;		/* the network's interface; NULL when none */
};

enum ctr_lease_state {
	CTR_LEASE_PENDING,	/* the holder's setup is running, or was interrupted */
	CTR_LEASE_READY,	/* the holder's setup succeeded */
};

/*
 * Who holds the container's network, for a front end that keeps no state of
 * its own ("lease" in the file): `netd attach` (owner "admin") and the CNI
 * plugin (owner "cni") write one before their setup, so the record reserves
 * the addresses of its request. The core only reads, writes and carries it
 * (ctrstate_reserve(), ctrstate_merge(), ctrstate_remove()); what it means is
 * the holder's business.
 */
struct ctr_lease {
	char *owner;		/* "admin" or "cni" */
	enum ctr_lease_state state;
	long pid;		/* the holder's process while pending; 0 when none */
	struct netns_id ns;	/* the namespace (record's netns) when it was leased */
	char mac[18];		/* the container interface's MAC setup reported; "" if unknown */
};

/*
 * The record of one container, one across all its networks. Members a record
 * on disk lacks (an older netd's, a damaged one's) are NULL / 0 / false.
 */
struct ctr_record {
	int version;		/* 2 for what this netd writes */
	char *container_id;
	char *container_name;
	char *netns;		/* the namespace path setup was given */
	bool has_dns_port;
	uint16_t dns_port;	/* the DNS port of the setup */
	char *ports_network;	/* the network that carries the published ports; NULL: none */
	struct ctr_link *links;
	size_t n_links;
	/*
	 * Every network the container is on, in netavark's request model. NULL
	 * when the record has no "request" (req_err empty) or it does not parse
	 * (req_err says why, as request_parse_object() put it).
	 */
	struct nd_request *req;
	struct nd_error req_err;
	struct ctr_lease *lease;	/* NULL: nobody holds a lease (a Podman or CNI container) */
};

/* Free @l (NULL is fine). */
void ctr_lease_free(struct ctr_lease *l);
/*
 * A copy of @from (the caller's, ctr_lease_free()) into @ret; NULL stays NULL.
 * Return: 0 or -ENOMEM.
 */
int ctr_lease_copy(const struct ctr_lease *from, struct ctr_lease **ret);

/* Free @rec with everything it owns, its lease too (NULL is fine). */
void ctr_record_free(struct ctr_record *rec);
static inline void ctr_record_freep(struct ctr_record **rec)
{
	ctr_record_free(*rec);
}

/*
 * What ctrstate_scan() calls for each record: its container id (the file
 * name without ".json"), its path, and either the record (@rec, the
 * callee's: it frees it or keeps it; @r 0) or why it could not be read
 * (@rec NULL, @r the -errno of ctrstate_read(): -ELOOP for a symlink,
 * -EBADMSG when it is not JSON). A negative return stops the scan.
 */
typedef int ctrstate_scan_fn(const char *id, const char *path, struct ctr_record *rec, int r,
			     void *arg);

/**
 * ctrstate_scan() - every record of <@config_dir>/netd/containers, in name order
 * @fn:		called for each "<id>.json" (temporary files, which start
 *		with '.', are not records), with @arg
 *
 * The front ends that keep their leases in the records (admin, CNI) and the
 * firewall's rebuild and check read them all through it. Hold
 * state_lock(@config_dir) to act on what it finds.
 * Return: 0, the first negative return of @fn, -ENOMEM, or the -errno of
 * reading the directory (a missing one has no records: 0).
 */
int ctrstate_scan(const char *config_dir, ctrstate_scan_fn *fn, void *arg);

/* The record of @id (the caller's, ctr_record_free()), or NULL when there is
 * none or it cannot be read (a malformed one is logged). */
struct ctr_record *ctrstate_load(const char *config_dir, const char *id);

/**
 * ctrstate_read() - read and parse the record at @path, the one reader of records
 * @ret:	the record (the caller's), written only on success
 *
 * A symbolic link at @path is not followed (-ELOOP).
 * Return: 0, -errno when it cannot be read, -EBADMSG when it is not a JSON
 * object, or -ENOMEM. A request that does not parse is no failure here
 * (struct ctr_record, req_err).
 */
int ctrstate_read(const char *path, struct ctr_record **ret);

/* The link recorded for network @network, or NULL (also when @rec is NULL). */
const struct ctr_link *ctrstate_link_of(const struct ctr_record *rec, const char *network);

/*
 * The host veth setup created for network @network: its name and ifindex
 * (into @name, IFNAMSIZ bytes, and @ifindex). -ENOENT when the record has none.
 */
int ctrstate_link(const struct ctr_record *rec, const char *network, char *name, int *ifindex);

/* The DNS port recorded in @rec (the setup's), or @dflt when none is. */
uint16_t ctrstate_dns_port(const struct ctr_record *rec, uint16_t dflt);

/* The network that carries the container's published ports, or NULL. */
const char *ctrstate_ports_network(const struct ctr_record *rec);
