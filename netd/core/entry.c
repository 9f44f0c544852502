// SPDX-License-Identifier: Apache-2.0
/* The opening netd_setup() and netd_teardown() share: checks first, then the lock. */
#include "entry.h"

#include <errno.h>

#include "driver.h"
#include "fw.h"
#include "request.h"

int core_enter(struct exec_ctx *c, const struct netd_opts *opts, const char *netns_path, int ns,
	       unsigned flags, const struct nd_request *req, const char *verb, struct plan *plan,
	       struct nd_error *err)
{
	int r;

	if ((r = exec_open_netns_fd(c, opts, netns_path, ns, flags, err)) < 0 ||
	    (r = request_validate(req, err)) < 0)
		return r;
	if (!opts->config_dir)
		return nd_error_set(err, -EINVAL, "--config not specified but required for netd %s",
				    verb);
	if (plan && (r = plan_setup(req, opts, plan, err)) < 0)
		return r;
	if ((r = exec_open(c, req)) < 0)
		return r;
	c->fw = fw_lookup(opts->fw_driver);
	c->fw_needs = driver_fw_needs;
	return 0;
}
