/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netd's side of DNS: the per-network files in <config>/aardvark-dns/ that
 * netd-dns (or aardvark-dns) reads, and starting or signalling the server.
 */
#pragma once

#include <stdbool.h>

#include <sys/types.h>

#include "exec.h"

/*
 * The name of network @network's file in the DNS directory: the network's
 * name, with "%int" appended for an internal network (netavark's rule; the
 * server reads it back from the name). Return: a new string, or NULL (ENOMEM).
 */
char *dns_file_name(const char *network, bool internal);

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

/* The pid of the DNS server serving @dir (<config>/aardvark-dns), or 0: a
 * missing or stale pid file, or a zombie, does not count as running. */
pid_t dns_server_pid(const char *dir);

/* Whether the DNS server of the config dir @config_dir runs (status, check, attach). */
bool dns_server_runs(const char *config_dir);

/* netd update NETWORK --network-dns-servers ...: rewrite line 1 and reload. */
int dns_update(const struct netd_opts *opts, const char *network, char *const *servers, size_t n,
	       struct nd_error *err);
