/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netd's side of DNS: the per-network files in <config>/aardvark-dns/ that
 * netd-dns (or aardvark-dns) reads, and starting or signalling the server.
 */
#pragma once

#include "exec.h"

/* Whether attachment @a gets a DNS entry (bridge network with dns_enabled). */
bool dnsconf_wants(const struct nd_attach *a);

/**
 * dns_setup() - add the container's entries and start or reload the server
 * Journals the removal of the entries. Does nothing when no attachment wants
 * DNS or when the server binary (--aardvark-binary) does not exist.
 */
int dns_setup(struct exec_ctx *c);

/* Remove the container's entries and signal the server; errors are collected. */
int dns_teardown(struct exec_ctx *c, struct nd_error *err);

/* netd update NETWORK --network-dns-servers ...: rewrite line 1 and reload. */
int dns_update(const struct netd_opts *opts, const char *network, char *const *servers, size_t n,
	       struct nd_error *err);
