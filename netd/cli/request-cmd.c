// SPDX-License-Identifier: Apache-2.0
/*
 * netd setup and netd teardown, the netavark protocol's edge: the request
 * JSON from stdin (or -f) parsed once into the model, the core's typed entry
 * on the namespace already opened, and the setup's result as netavark's
 * JSON on stdout (printed while the core can still undo the setup).
 */
#include <errno.h>
#include <json-c/json.h>

#include "commands.h"
#include "netns-entry.h"
#include "netns.h"
#include "request.h"
#include "result.h"
#include "shared/cleanup.h"

/*
 * The request, parsed once. A namespace netd_setup() or netd_teardown()
 * would refuse is reported before a bad request, as those report it
 * (@gone_ok: a namespace that no longer exists is no error). @ret_ns: the
 * namespace as netns_open_container() opened it, an fd (the caller's) or
 * -ENOENT when @gone_ok; written only on success.
 */
static int cmd_request(const struct netd_opts *opts, const char *netns_path, bool gone_ok,
		       int *ret_ns, struct nd_request **ret, struct nd_error *err)
{
	_cleanup_free_ char *raw = NULL;
	_cleanup_close_ int ns = -1;
	size_t len;
	int r;

	r = cmd_read_input(opts, &raw, &len, err);
	if (r < 0)
		return r;
	ns = netns_open_container(netns_path, NULL);
	if (ns < 0 && !(gone_ok && ns == -ENOENT))
		return netns_error(err, ns, netns_path);
	r = request_parse(raw, len, ret, err);
	if (r < 0)
		return r;
	*ret_ns = TAKE_FD(ns);
	return 0;
}

/* netavark's result on stdout, one line. Return: 0, -ENOMEM or -EIO. */
static int print_result(const struct nd_result *res)
{
	json_object *o = result_to_json(res);
	int r;

	if (!o)
		return -ENOMEM;
	r = result_print(o);
	json_object_put(o);
	return r;
}

int cmd_setup(const struct netd_opts *opts, const char *netns_path, struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	int r, ns;

	r = cmd_request(opts, netns_path, false, &ns, &req, err);
	if (r < 0)
		return r;
	return netd_setup_ns(opts, netns_path, ns, req, print_result, NULL, err);
}

int cmd_teardown(const struct netd_opts *opts, const char *netns_path, struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	int r, ns;

	r = cmd_request(opts, netns_path, true, &ns, &req, err);
	if (r < 0)
		return r;
	return netd_teardown_ns(opts, netns_path, ns, req, err);
}
