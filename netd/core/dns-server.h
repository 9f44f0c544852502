/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DNS server netd starts for its networks: which binary (netd-dns
 * installed beside netd, else aardvark-dns) and which port it listens on
 * (NETAVARK_DNS_PORT). Shared by the netavark, admin and CNI front ends.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/error.h"

/* The server used when netd-dns is not found beside netd. */
#define DNS_SERVER_FALLBACK "/usr/libexec/podman/aardvark-dns"

/**
 * dns_server_find() - the DNS server binary to start by default
 * @buf, @size:	room for the path found (the caller's, it must outlive the result)
 * @build_tree:	also look for ../dns/netd-dns (netd run from its build tree)
 *
 * Return: @buf holding the executable netd-dns beside /proc/self/exe, or
 * DNS_SERVER_FALLBACK when there is none.
 */
const char *dns_server_find(char *buf, size_t size, bool build_tree);

/**
 * dns_port_from_env() - the port in NETAVARK_DNS_PORT, if set
 * @ret:	written only when the variable is set and valid
 *
 * Return: 0 (also when unset or empty), or -EINVAL with "Invalid
 * NETAVARK_DNS_PORT ..." in @err.
 */
int dns_port_from_env(uint16_t *ret, struct nd_error *err);
