/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading a container's state record (core/ctrstate.h has the whole
 * interface): what the drivers and the firewall need of it, declared below them. Implemented
 * by core/ctrstate.c; see docs/architecture.md, "Where each part lives", for
 * this one link-time exception to the direction of the layers.
 */
#pragma once

#include <json-c/json.h>
#include <stdint.h>

/* The record of @id (a new object, the caller's, json_object_put()), or NULL
 * when there is none or it cannot be read (a malformed one is logged). */
json_object *ctrstate_load(const char *config_dir, const char *id);

/*
 * The host veth setup created for network @network: its name and ifindex
 * (into @name, IFNAMSIZ bytes, and @ifindex). -ENOENT when the record has none.
 */
int ctrstate_link(json_object *st, const char *network, char *name, int *ifindex);

/* The request text of a record (for request_parse). Borrowed from @st. */
const char *ctrstate_request_text(json_object *st);

/**
 * ctrstate_read() - read and parse the record at @path, the one reader of records
 * @ret:	the record (a JSON object, the caller's), written only on success
 *
 * Return: 0, -errno when it cannot be read, or -EBADMSG when it is not a
 * JSON object.
 */
int ctrstate_read(const char *path, json_object **ret);

/* The DNS port recorded in @st (the setup's), or @dflt when none is. */
uint16_t ctrstate_dns_port(json_object *st, uint16_t dflt);

/* The network that carries the container's published ports, or NULL. */
const char *ctrstate_ports_network(json_object *st);
