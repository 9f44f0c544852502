/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading a container's state record (core/ctrstate.h has the whole
 * interface): what the drivers need of it, declared below them. Implemented
 * by core/ctrstate.c; see docs/architecture.md, "Where each part lives", for
 * this one link-time exception to the direction of the layers.
 */
#pragma once

#include <json-c/json.h>

/* The record of @id, or NULL when there is none (or it cannot be read). */
json_object *ctrstate_load(const char *config_dir, const char *id);

/*
 * The host veth setup created for network @network: its name and ifindex
 * (into @name, IFNAMSIZ bytes, and @ifindex). -ENOENT when the record has none.
 */
int ctrstate_link(json_object *st, const char *network, char *name, int *ifindex);

/* The request text of a record (for request_parse). Borrowed from @st. */
const char *ctrstate_request_text(json_object *st);
