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
 * @c:	the run's context (exec_open()); the setup step of step_dns
 *
 * Writes one entry line per attachment that wants DNS into its network's
 * file under <config>/aardvark-dns/ (under that directory's aardvark.lock),
 * journals the removal of the entries, then starts the server or signals it
 * to reload. Does nothing when no attachment wants DNS; when the server
 * binary (--aardvark-binary) cannot be run it only warns.
 * Return: 0, or a negative code with c->err set (-ENOMEM may come without it).
 */
int dns_setup(struct exec_ctx *c);

/*
 * Remove the container's entries from its networks' files and signal the
 * server to reload. Goes on past a file it cannot
 * rewrite; a missing DNS directory or file is no error. Return: 0, or the
 * last negative code with every failure appended to @err (-ENOMEM may come
 * without it).
 */
int dns_teardown(struct exec_ctx *c, struct nd_error *err);

/* The pid of the DNS server serving @dir (<config>/aardvark-dns), or 0: a
 * missing or stale pid file, or a zombie, does not count as running. */
pid_t dns_server_pid(const char *dir);

/* Whether the DNS server of the config dir @config_dir runs (status, check,
 * attach): dns_server_pid() of its aardvark-dns directory is not 0. False
 * also when out of memory. */
bool dns_server_runs(const char *config_dir);

/*
 * netd update NETWORK --network-dns-servers ...: rewrite line 1 (the
 * network's upstream servers) of its DNS file and signal the server. @network
 * and @servers (empty strings are skipped) are checked before anything is
 * opened; a network without a DNS file is no error. Return: 0, or a negative
 * code with @err set (-ENOMEM may come without it).
 */
int dns_update(const struct netd_opts *opts, const char *network, char *const *servers, size_t n,
	       struct nd_error *err);
