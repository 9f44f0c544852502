/* SPDX-License-Identifier: Apache-2.0 */
/*
 * model → netavark request JSON: the only code that writes a request's JSON
 * (the container record, an external plugin's stdin). What request_parse()
 * reads back from it is an equal model: every field the model keeps is
 * written, the options, labels and ipam_options as they were given.
 * Written: "networks" as a map (key: the network_info key), addresses in
 * their normal text form, only the members the model has (no nulls).
 *
 * Each function returns a new json-c object (the caller's, json_object_put)
 * or NULL when out of memory.
 */
#pragma once

#include <json-c/json.h>

#include "model.h"

/* The whole request (NetworkOptions). */
json_object *request_json(const struct nd_request *req);

/* One Network, as a network_info value. */
json_object *request_json_network(const struct nd_network *net);

/* One attachment's PerNetworkOptions, without a "name". */
json_object *request_json_attach(const struct nd_attach *a);

/* "port_mappings"; a JSON null (NULL) when the request has none. */
json_object *request_json_ports(const struct nd_request *req);

/**
 * request_json_text() - the whole request as compact JSON text
 * Return: 0 with @ret a heap string, or -ENOMEM.
 */
int request_json_text(const struct nd_request *req, char **ret);
