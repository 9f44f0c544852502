/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netd dhcp-proxy: the lease keeper. One per config directory, found through
 * <config>/netd/dhcp-proxy.sock (SOCK_SEQPACKET). It holds no lease in
 * memory that is not on disk: every lease is a record in <config>/netd/dhcp
 * (dhcp-store.h), so a restarted keeper carries on where the last one
 * stopped. It renews at T1 (unicast to the server), rebinds at T2
 * (broadcast), moves the container's address and default route when a
 * renewal hands out a different one, drops the address when the lease
 * expires, and exits when no record is left.
 *
 * Started by systemd (netd-dhcp-proxy.socket), it takes the listening socket
 * as fd 3 (LISTEN_PID/LISTEN_FDS, no libsystemd) and never unlinks it.
 *
 * <config>/netd/dhcp-proxy.lock is held (flock) by the running keeper and
 * holds its pid.
 *
 * Protocol on the socket: one datagram per request, a JSON object
 * {"op":"rescan"} or {"op":"ping"}; the answer is {"ok":true,"leases":N}.
 */
#pragma once

#include "opts.h"
#include "shared/error.h"

/* Wake the keeper of @config_dir (rescan), or start it. Return: 0 or -errno. */
int dhcp_proxy_ensure(const char *config_dir);

/* The subcommand: run the keeper in the foreground until no lease is left. */
int cmd_dhcp_proxy(const struct netd_opts *opts, struct nd_error *err);
