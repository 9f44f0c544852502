// SPDX-License-Identifier: Apache-2.0
/*
 * Transitional: the typed entry points for the front ends that still build
 * a request as JSON text (CNI, admin attach/detach). They parse it once and
 * hand the model to netd_setup()/netd_teardown(); the result comes back as
 * result_to_json() writes it. To go when those front ends use build.h.
 */
#include <errno.h>
#include <string.h>

#include "pipeline.h"
#include "request.h"
#include "shared/cleanup.h"

int netd_setup_text(const struct netd_opts *opts, const char *netns_path, const char *text,
		    json_object **ret_result, struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	_cleanup_(nd_result_freep) struct nd_result *res = NULL;
	json_object *o;
	int r;

	if ((r = request_parse(text, strlen(text), &req, err)) < 0 ||
	    (r = netd_setup(opts, netns_path, req, &res, err)) < 0)
		return r;
	o = result_to_json(res);
	if (!o)
		return nd_error_set(err, -ENOMEM, "out of memory");
	*ret_result = o;
	return 0;
}

int netd_teardown_text(const struct netd_opts *opts, const char *netns_path, const char *text,
		       struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	int r;

	if ((r = request_parse(text, strlen(text), &req, err)) < 0)
		return r;
	return netd_teardown(opts, netns_path, req, err);
}
