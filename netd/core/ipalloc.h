/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Automatic address allocation for `netd attach`: the first free address of
 * a subnet. Pure functions over the model; the caller supplies what is in
 * use (the attachments recorded in the config directory) and holds the lock.
 */
#pragma once

#include <stddef.h>

#include "model.h"

/**
 * ipalloc_check() - whether @ip may be given to a container in @sn
 * @why:	on failure, what is wrong, in words ("is the gateway", ...)
 *
 * Inside the subnet (and its lease range, if any), neither the network nor
 * the IPv4 broadcast address, not the gateway.
 * Return: 0 or -EINVAL.
 */
int ipalloc_check(const struct nd_subnet *sn, const struct nd_ip *ip, const char **why);

/**
 * ipalloc_next() - the lowest free address of @sn
 * @used, @n_used:	addresses already taken (any subnet, any family)
 * @ret:		the address, written only on success
 *
 * Candidates run from the first host address (or the lease range's start)
 * to the last one (or the range's end), skipping the gateway and @used.
 * Return: 0, or -ENOSPC when none is left.
 */
int ipalloc_next(const struct nd_subnet *sn, const struct nd_ip *used, size_t n_used,
		 struct nd_ip *ret);

/* Compare two addresses of the same family as big-endian numbers (<0, 0, >0). */
int ipalloc_cmp(const struct nd_ip *a, const struct nd_ip *b);
