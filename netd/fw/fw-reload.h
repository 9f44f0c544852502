/* SPDX-License-Identifier: Apache-2.0 */
/* netd firewall-reload: rebuild every container's rules from the state records. */
#pragma once

#include "opts.h"
#include "shared/error.h"

int cmd_firewall_reload(const struct netd_opts *opts, struct nd_error *err);
