/* SPDX-License-Identifier: Apache-2.0 */
/* Parsing and validating one netavark Network object (network_info values). */
#pragma once

#include <json-c/json.h>

#include "build.h"
#include "model.h"
#include "shared/error.h"

/**
 * network_parse() - fill @net from a Network JSON object
 * @obj:	the JSON object
 * @path:	its path for messages, e.g. "network_info.podman"
 *
 * Checks types, value syntax and the cross-field rules (overlapping subnets,
 * gateways inside their subnet, route gateway families, option values).
 * Return: 0, or a negative code with @err naming the field and the reason.
 */
int network_parse(json_object *obj, const char *path, struct nd_network *net,
		  struct nd_error *err);

/* Free what network_parse() put in @net (not @net itself); safe on a zeroed one. */
void network_done(struct nd_network *net);

/* The option defaults of @net's driver (set net->driver first). */
void network_options_default(struct nd_network *net);

/**
 * network_option_set() - option @key = @value of @net, as "options" gives it
 * @path:	the path of the options for messages, e.g. "network_info.x.options"
 *
 * Checks and interprets the options netd knows (mtu, metric, isolate, vrf,
 * vlan, mode, ...) and keeps every option as given in net->options.
 * Return: 0, or a negative code with @err naming the option and the reason.
 */
int network_option_set(struct nd_network *net, const char *path, const char *key,
		       const char *value, struct nd_error *err);

/* Whether @net has a subnet of @family (AF_INET, AF_INET6). */
bool network_has_family(const struct nd_network *net, int family);

/* Parse an "aa:bb:cc:dd:ee:ff" or "aa-bb-..." MAC. Return: 0 or -EINVAL. */
int mac_parse(const char *s, uint8_t mac[6]);

/**
 * network_from_def() - fill @net (zeroed) from @def, with network_parse()'s checks
 * @path:	its path for messages, e.g. "network_info.podman"
 * Return: 0, or a negative code with @err; @net is then for network_done().
 */
int network_from_def(const struct nd_network_def *def, const char *path, struct nd_network *net,
		     struct nd_error *err);
