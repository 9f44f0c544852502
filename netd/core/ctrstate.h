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
#include "record.h"

/**
 * ctrstate_merge() - the record after a setup of @c's request
 * @old:	the record before (may be NULL; not modified)
 *
 * The request part is written from @c's model (request-json.h).
 * Return: a new record (the caller's); NULL when out of memory.
 */
json_object *ctrstate_merge(json_object *old, const struct exec_ctx *c);

/*
 * The record after a teardown of @req's networks: a deep copy of @old (not
 * modified) without those networks' request entries and links, and without
 * "ports_network" when that network left. Return: a new record (the
 * caller's, json_object_put()), or NULL when no network is left, when @old
 * is NULL, or when out of memory.
 */
json_object *ctrstate_remove(json_object *old, const struct nd_request *req);

/*
 * Write @st (borrowed) as the record of container @id, creating
 * <config>/netd/containers/ if needed; the file is replaced atomically
 * (state_write_atomic()). Return: 0, -ENOMEM, or the -errno of creating or
 * writing the file; nothing is logged and no nd_error is set.
 */
int ctrstate_write(const char *config_dir, const char *id, json_object *st);
