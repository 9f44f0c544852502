// SPDX-License-Identifier: Apache-2.0
/* Admin commands: the seam main.c calls; the commands themselves are added here. */
#include <errno.h>

#include "commands.h"

int cmd_admin(const struct netd_opts *opts, const char *cmd, int argc, char **argv,
	      struct nd_error *err)
{
	return nd_error_set(err, -EOPNOTSUPP, "netd %s is not available in this build", cmd);
}
