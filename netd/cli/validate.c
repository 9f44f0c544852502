// SPDX-License-Identifier: Apache-2.0
/* netd validate: the netavark front end's dry run, and its JSON answer on stdout. */
#include <json-c/json.h>

#include "commands.h"
#include "plan.h"
#include "request.h"
#include "result.h"
#include "shared/cleanup.h"

int cmd_validate(const struct netd_opts *opts, struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	_cleanup_free_ char *raw = NULL;
	struct plan plan = {0};
	json_object *o, *nets;
	size_t len;
	int r;

	if ((r = cmd_read_input(opts, &raw, &len, err)) < 0 ||
	    (r = request_parse(raw, len, &req, err)) < 0 ||
	    (r = plan_setup(req, opts, &plan, err)) < 0)
		return r;
	plan_done(&plan);
	o = json_object_new_object();
	nets = json_object_new_array();
	for (size_t i = 0; i < req->n_attach; i++)
		json_object_array_add(nets, json_object_new_string(req->attach[i].net->name));
	json_object_object_add(o, "valid", json_object_new_boolean(1));
	json_object_object_add(o, "networks", nets);
	r = result_print(o);
	json_object_put(o);
	return r;
}
