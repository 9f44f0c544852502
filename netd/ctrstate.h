/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's state record, <config>/netd/containers/<id>.json. One record
 * per container across all its networks: `podman network connect` runs a
 * setup with only the new network, `disconnect` a teardown with only the
 * leaving one, and the record follows both. It keeps, in netavark's request
 * format, every network the container is on, so firewall-reload can rebuild
 * everything, and which network carries the published ports.
 */
#pragma once

#include <json-c/json.h>
#include <stdint.h>

#include "exec.h"

/**
 * ctrstate_read() - read and parse the record at @path, the one reader of records
 * @ret:	the record (a JSON object, the caller's), written only on success
 *
 * Return: 0, -errno when it cannot be read, or -EBADMSG when it is not a
 * JSON object.
 */
int ctrstate_read(const char *path, json_object **ret);

/* The record of @id, or NULL when there is none (or it cannot be read). */
json_object *ctrstate_load(const char *config_dir, const char *id);

/* The DNS port recorded in @st (the setup's), or @dflt when none is. */
uint16_t ctrstate_dns_port(json_object *st, uint16_t dflt);

/* The network that carries the container's published ports, or NULL. */
const char *ctrstate_ports_network(json_object *st);

/**
 * ctrstate_merge() - the record after a setup of @c's request
 * @old:	the record before (may be NULL; not modified)
 * @raw:	the request's JSON text
 * Return: a new record; NULL on a malformed request (cannot happen after parsing).
 */
json_object *ctrstate_merge(json_object *old, const struct exec_ctx *c, const char *raw);

/* The record after a teardown of @req's networks; NULL when none is left. */
json_object *ctrstate_remove(json_object *old, const struct nd_request *req);

/*
 * The host veth setup created for network @network: its name and ifindex
 * (into @name, IFNAMSIZ bytes, and @ifindex). -ENOENT when the record has none.
 */
int ctrstate_link(json_object *st, const char *network, char *name, int *ifindex);

/* The request text of a record (for request_parse). Borrowed from @st. */
const char *ctrstate_request_text(json_object *st);

int ctrstate_write(const char *config_dir, const char *id, json_object *st);
