/* SPDX-License-Identifier: Apache-2.0 */
/* netd firewall-reload: rebuild every container's rules from the state records. */
#pragma once

#include "exec.h"
#include "opts.h"
#include "shared/error.h"

/* @needs: which attachments get rules (driver_fw_needs()). */
int cmd_firewall_reload(const struct netd_opts *opts, exec_fw_needs_fn *needs,
			struct nd_error *err);
