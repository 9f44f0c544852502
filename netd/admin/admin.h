/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netd for administrators: networks kept as files in a network directory,
 * namespaces attached to them without an engine. Every attach and detach is
 * an ordinary netavark request run through netd_setup()/netd_teardown(), so
 * links, firewall, DNS and state are exactly what an engine would get.
 *
 * This is the front end's public header (main.c); inside netd/admin/ the
 * dependencies go one way:
 *
 *   admin.c             dispatch: the only includer of admin-cmd.h
 *   admin-cmd.h         the command entry points, one file each:
 *     admin-network.c   netd network create|ls|inspect|rm
 *     admin-attach.c    netd attach: allocation, the request, netd_setup()
 *     admin-detach.c    netd detach
 *     admin-status.c    netd status (table, JSON, --dot)
 *     admin-check.c     netd check [--repair]
 *   admin-att.h/.c      detach / set up again one stored attachment
 *   admin-live.h/.c     what the kernel has, next to what netd recorded
 *   admin-dot.h/.c      the topology as Graphviz DOT
 *   admin-netstore.h/.c the network directory: one Network JSON file each
 *   admin-attstore.h/.c the attachments: container records with an admin lease
 *   admin-attmig.h/.c   an old attachments.json moved into those records
 *   admin-attreq.h/.c   an attachment's request, built with the constructors
 *   admin-ctx.h/.c      the admin context, options, namespaces, tables, output
 */
#pragma once

#include "opts.h"
#include "shared/error.h"

#define ADMIN_DEFAULT_CONFIG "/run/netd"
#define ADMIN_DEFAULT_NETWORK_DIR "/etc/netd/networks"


/* Admin commands (network, attach, detach, status, check): see admin.c. */
int cmd_admin(const struct netd_opts *opts, const char *cmd, int argc, char **argv,
	      struct nd_error *err);
