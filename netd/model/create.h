/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Completing a partial network definition, as netavark 2.x's create does:
 * netd create (JSON on stdin) and netd network create (admin) share it.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/error.h"
#include "shared/ipaddr.h"

/* One subnet pool: carve /@size subnets out of @base. */
struct create_pool {
	struct nd_prefix base;
	uint8_t size;
};

/**
 * struct create_ctx - what the completion must know besides the network
 * @default_interface_name:	bridge name prefix; NULL means "podman"
 * @pools, @n_pools:		IPv4 subnet pools; none means 10.89.0.0/16 in /24s
 * @check_used_subnets:		refuse given subnets that overlap @used_subnets
 * @used_interfaces:		bridge names already taken
 * @used_names:			network names already taken
 * @used_subnets:		subnets already taken (skipped by the allocation)
 *
 * Everything is borrowed for the duration of the call.
 */
struct create_ctx {
	const char *default_interface_name;
	const struct create_pool *pools;
	size_t n_pools;
	bool check_used_subnets;
	const char *const *used_interfaces;
	size_t n_used_interfaces;
	const char *const *used_names;
	size_t n_used_names;
	const struct nd_prefix *used_subnets;
	size_t n_used_subnets;
};

/**
 * create_complete() - complete and validate a partial Network object in place
 * @net:	the network JSON object; fields are added to it
 * @ctx:	pools and what is already used
 * @err:	set on failure
 *
 * Checks the name, fills the driver (bridge), the booleans, the id, the
 * bridge name, the subnets (a free IPv4 one from the pools when none is
 * given; a ULA /64 with ipv6_enabled), the gateways, the IPAM driver and
 * the creation time, then validates the result with the parser setup uses.
 * Return: 0, or a negative code with @err set (@net is then half-filled).
 */
int create_complete(json_object *net, const struct create_ctx *ctx, struct nd_error *err);
