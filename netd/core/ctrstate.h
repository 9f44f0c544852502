/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's state record, <config>/netd/containers/<id>.json. One record
 * per container across all its networks: `podman network connect` runs a
 * setup with only the new network, `disconnect` a teardown with only the
 * leaving one, and the record follows both. It keeps, in netavark's request
 * format, every network the container is on, so firewall-reload can rebuild
 * everything, and which network carries the published ports.
 *
 * ctrstate.c is the record's only (de)serializer: the rest of netd sees the
 * typed struct ctr_record (record.h), never its JSON.
 */
#pragma once

#include <json-c/json.h>
#include <stdint.h>

#include "exec.h"
#include "record.h"

/**
 * ctrstate_new() - a record of @req alone, as a holder writes it before setup
 * @netns:	the namespace path setup will be given
 * @dns_port:	the DNS port setup will use (opts->dns_port)
 * @ret:	the record (the caller's): version, ids, @netns, @dns_port, a
 *		copy of @req, ports_network as ctrstate_merge() would choose it;
 *		no links, no lease
 *
 * The request is copied through the constructors (request_merge()), not
 * through JSON.
 * Return: 0, -ENOMEM, or the constructors' code with @err set.
 */
int ctrstate_new(const struct nd_request *req, const char *netns, uint16_t dns_port,
		 struct ctr_record **ret, struct nd_error *err);

/**
 * ctrstate_reserve() - @old with @req's networks added, as a holder writes it before setup
 * @old:	the container's record (may be NULL: ctrstate_new(); not modified)
 * @req:	the networks about to be set up (borrowed)
 * @ret:	the record (the caller's): @old's members, its lease among them,
 *		with @req's networks merged into its request (request_merge())
 *		and their links dropped, the head (ids, @netns, @dns_port) of
 *		@req; ports_network stays @old's, else as ctrstate_merge() would
 *		choose it
 *
 * What a front end that keeps no state of its own writes before it calls
 * netd_setup(), so that an interrupted setup leaves a record naming what it
 * may have built. A network of the request without a link in the record is
 * one whose setup has not finished.
 * Return: 0, -ENOMEM, or the constructors' code with @err set.
 */
int ctrstate_reserve(const struct ctr_record *old, const struct nd_request *req,
		     const char *netns, uint16_t dns_port, struct ctr_record **ret,
		     struct nd_error *err);

/**
 * ctrstate_merge() - the record after a setup of @c's request
 * @old:	the record before (may be NULL; not modified)
 * @ret:	the new record (the caller's), written only on success
 *
 * The networks of @old stay beside @c's; the ports stay with the network
 * that has them unless @c publishes them (c->skip_ports false). @old's
 * lease is kept as it is. The merged request is built with request_merge()
 * (model/build.h) from the two typed requests: a network of @c's replaces
 * @old's of the same name in its place, new ones follow.
 * Return: 0, -ENOMEM, or the constructors' code with @err set when the
 * merged request is not a valid one.
 */
int ctrstate_merge(const struct ctr_record *old, const struct exec_ctx *c,
		   struct ctr_record **ret, struct nd_error *err);

/**
 * ctrstate_remove() - the record after a teardown of @req's networks
 * @old:	the record before (may be NULL; not modified)
 * @ret:	the record without those networks' request entries and links,
 *		and without ports_network when that network left, its lease
 *		kept; NULL when no network is left (or @old is NULL or has no
 *		request): the lease goes with the record
 *
 * The rest of the request is built with request_merge(), not through JSON.
 * Return: 0 (then @ret is written), -ENOMEM, or the constructors' code with
 * @err set.
 */
int ctrstate_remove(const struct ctr_record *old, const struct nd_request *req,
		    struct ctr_record **ret, struct nd_error *err);

/*
 * Write @rec (borrowed) as the record of container @id, creating
 * <config>/netd/containers/ if needed; the file is replaced atomically
 * (state_write_atomic()). Return: 0, -ENOMEM, or the -errno of creating or
 * writing the file; nothing is logged and no nd_error is set.
 */
int ctrstate_write(const char *config_dir, const char *id, const struct ctr_record *rec);

/* The record as the file holds it (a new object, the caller's), or NULL when out of memory. */
json_object *ctrstate_to_json(const struct ctr_record *rec);

/*
 * The record from the file's JSON object @o (borrowed). Return: 0, -EBADMSG
 * when @o is not an object, or -ENOMEM.
 */
int ctrstate_from_json(json_object *o, struct ctr_record **ret);
