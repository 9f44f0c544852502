// SPDX-License-Identifier: Apache-2.0
#include "plugin.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin-exec.h"
#include "plugin-output.h"
#include "request-json.h"
#include "shared/cleanup.h"
#include "shared/log.h"

/* What setup keeps per plugin attachment (attach_rt.plugin). */
struct plugin_attach {
	char *path;
	char *input;		/* stdin of setup, reused by the journalled teardown */
	struct nd_result_net status;	/* the StatusBlock for the result, typed */
	bool has_status;
	bool set_up;		/* setup succeeded and is not undone yet */
};

static bool name_usable(const char *name)
{
	return name[0] && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 && !strchr(name, '/');
}

int plugin_find(const struct netd_opts *opts, const char *name, char **ret)
{
	if (!name_usable(name))
		return -EINVAL;
	for (size_t k = 0; k < opts->n_plugin_dirs; k++) {
		char *p = NULL;
		struct stat st;

		if (asprintf(&p, "%s/%s", opts->plugin_dirs[k], name) < 0)
			return -ENOMEM;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0) {
			*ret = p;
			return 0;
		}
		free(p);
	}
	return -ENOENT;
}

/* netavark's message, and where netd looked. */
static int unknown_driver(const struct netd_opts *opts, const char *name, struct nd_error *err)
{
	char dirs[512] = "";
	size_t off = 0;

	if (opts->n_plugin_dirs == 0)
		return nd_error_set(err, -ENOENT,
				    "unknown network driver \"%s\" (not built in, and no --plugin-directory given)",
				    name);
	for (size_t k = 0; k < opts->n_plugin_dirs && off < sizeof(dirs); k++) {
		int n = snprintf(dirs + off, sizeof(dirs) - off, "%s%s", k ? ", " : "",
				 opts->plugin_dirs[k]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return nd_error_set(err, -ENOENT,
			    "unknown network driver \"%s\" (not built in, and no executable file \"%s\" in %s)",
			    name, name, dirs);
}

int plugin_check(const struct nd_request *req, size_t i, const struct netd_opts *opts,
		 struct nd_error *err)
{
	const char *name = req->attach[i].net->driver_name;
	_cleanup_free_ char *path = NULL;
	int r = plugin_find(opts, name, &path);

	if (r == -ENOMEM)
		return nd_error_set(err, r, "out of memory");
	if (r < 0)
		return unknown_driver(opts, name, err);
	return 0;
}

static unsigned timeout_s(void)
{
	const char *s = getenv("NETD_PLUGIN_TIMEOUT");
	char *end;
	unsigned long v;

	if (!s || !*s)
		return PLUGIN_TIMEOUT_DEFAULT;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > 86400) {
		log_warn("NETD_PLUGIN_TIMEOUT=%s is not a number of seconds (1-86400); using %d",
			 s, PLUGIN_TIMEOUT_DEFAULT);
		return PLUGIN_TIMEOUT_DEFAULT;
	}
	return (unsigned)v;
}

/*
 * Run @path with @arg1 [@arg2]. On exit code 0: 0 with its stdout in @ret.
 * Otherwise a negative code and @err in netavark's words:
 * plugin "NAME" failed: exit code N, message: MSG (or parse error: WHY).
 */
static int call(const char *path, const char *name, const char *arg1, const char *arg2,
		const char *input, struct plugin_proc *ret, struct nd_error *err)
{
	const char *argv[] = { path, arg1, arg2, NULL };
	unsigned t = timeout_s();
	struct plugin_proc p;
	struct nd_error why = {0};
	char *msg = NULL;
	int r;

	log_debug("plugin %s: %s %s", name, arg1, arg2 ? arg2 : "");
	r = pluginx_run(argv, input, t, &p);
	if (r < 0)
		return nd_error_set(err, r, "plugin \"%s\" failed: cannot execute %s: %s", name, path,
				    strerror(-r));
	if (p.timed_out) {
		pluginx_done(&p);
		return nd_error_set(err, -ETIMEDOUT,
				    "plugin \"%s\" failed: no answer to \"%s\" within %u s (NETD_PLUGIN_TIMEOUT), killed",
				    name, arg1, t);
	}
	if (p.too_big) {
		pluginx_done(&p);
		return nd_error_set(err, -EFBIG,
				    "plugin \"%s\" failed: more than %u bytes of output, killed", name,
				    PLUGIN_OUTPUT_MAX);
	}
	if (p.signaled) {
		int sig = p.status;
		pluginx_done(&p);
		return nd_error_set(err, -EINTR, "plugin \"%s\" failed: killed by signal %d (%s)",
				    name, sig, strsignal(sig));
	}
	if (p.status == 0) {
		*ret = p;
		return 0;
	}
	r = plugin_output_error(p.out, p.len, &msg, &why);
	if (r < 0)
		nd_error_set(err, -EIO, "plugin \"%s\" failed: exit code %d, parse error: %s", name,
			     p.status, why.msg ? why.msg : "invalid output");
	else
		nd_error_set(err, -EIO, "plugin \"%s\" failed: exit code %d, message: %s", name,
			     p.status, msg);
	free(msg);
	nd_error_clear(&why);
	pluginx_done(&p);
	return err->code;
}

/*
 * The stdin of setup/teardown: {"container_id", "container_name",
 * "port_mappings", "network", "network_options"}, the last two written from
 * the model as the request gave them (network_info.<name> and
 * networks.<name>, without "name"), by the request serializer.
 */
static int build_input(const struct nd_request *req, const struct nd_attach *a, char **ret)
{
	json_object *o = json_object_new_object(), *net = request_json_network(a->net);
	json_object *opts = request_json_attach(a), *ports = request_json_ports(req);
	int r = -ENOMEM;

	/* No ports is a JSON null, as netavark writes an absent list. */
	if (o && net && opts && (ports || !req->n_ports)) {
		json_object_object_add(o, "container_id", json_object_new_string(req->container_id));
		json_object_object_add(o, "container_name",
				       json_object_new_string(req->container_name));
		json_object_object_add(o, "port_mappings", TAKE_PTR(ports));
		json_object_object_add(o, "network", TAKE_PTR(net));
		json_object_object_add(o, "network_options", TAKE_PTR(opts));
		*ret = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
		r = *ret ? 0 : -ENOMEM;
	}
	json_object_put(o);
	json_object_put(net);
	json_object_put(opts);
	json_object_put(ports);
	return r;
}

static void attach_free(struct plugin_attach *pa)
{
	if (!pa)
		return;
	free(pa->path);
	free(pa->input);
	nd_result_net_done(&pa->status);
	free(pa);
}

static int run_teardown(const char *path, const char *name, const char *netns,
			const char *input, struct nd_error *err)
{
	struct plugin_proc p;
	int r = call(path, name, "teardown", netns, input, &p, err);

	if (r == 0)
		pluginx_done(&p);	/* teardown output is ignored */
	return r;
}

/* Undo of a plugin setup: the newest plugin attachment still set up. */
static void plugin_undo(struct exec_ctx *c)
{
	for (size_t i = c->req->n_attach; i-- > 0;) {
		struct plugin_attach *pa = c->rt[i].plugin;
		struct nd_error e = {0};

		if (!pa || !pa->set_up)
			continue;
		pa->set_up = false;
		if (run_teardown(pa->path, c->req->attach[i].net->driver_name, c->netns_path,
				 pa->input, &e) < 0)
			log_warn("rollback: %s", e.msg);
		nd_error_clear(&e);
		return;
	}
}

int plugin_setup(struct exec_ctx *c, size_t i)
{
	const struct nd_attach *a = &c->req->attach[i];
	const char *name = a->net->driver_name;
	struct plugin_attach *pa = calloc(1, sizeof(*pa));
	struct nd_error why = {0};
	struct plugin_proc p;
	int r;

	if (!pa)
		return -ENOMEM;
	c->rt[i].plugin = pa;	/* freed by plugin_rt_done() */
	r = plugin_find(c->opts, name, &pa->path);
	if (r < 0)
		return r == -ENOMEM ? r : unknown_driver(c->opts, name, c->err);
	r = build_input(c->req, a, &pa->input);
	if (r < 0)
		return nd_error_set(c->err, r, "network \"%s\": failed to build the input of plugin \"%s\"",
				    a->net->name, name);
	r = call(pa->path, name, "setup", c->netns_path, pa->input, &p, c->err);
	if (r < 0)
		return r;
	/* It said it succeeded: whatever it printed, it is to be torn down on rollback. */
	pa->set_up = true;
	r = exec_push_undo(c, &(struct undo){ .kind = UNDO_CALL, .call = plugin_undo });
	if (r < 0) {
		pluginx_done(&p);
		return r;
	}
	r = plugin_output_status(p.out, p.len, &pa->status, &why);
	pa->has_status = r == 0;
	pluginx_done(&p);
	if (r < 0) {
		nd_error_set(c->err, r, "plugin \"%s\" failed: exit code 0, parse error: %s", name,
			     why.msg ? why.msg : "invalid output");
		nd_error_clear(&why);
		return r;
	}
	log_info("network %s: plugin %s set up", a->net->name, name);
	return 0;
}

int plugin_teardown(struct exec_ctx *c, size_t i, struct nd_error *err)
{
	const struct nd_attach *a = &c->req->attach[i];
	const char *name = a->net->driver_name;
	_cleanup_free_ char *path = NULL, *input = NULL;
	int r;

	r = plugin_find(c->opts, name, &path);
	if (r == -ENOMEM)
		return nd_error_set(err, r, "out of memory");
	if (r < 0)
		return unknown_driver(c->opts, name, err);
	r = build_input(c->req, a, &input);
	if (r < 0)
		return nd_error_set(err, r, "network \"%s\": failed to build the input of plugin \"%s\"",
				    a->net->name, name);
	/* Also when the namespace is gone: the plugin may hold host-side state. */
	r = run_teardown(path, name, c->netns_path, input, err);
	if (r == 0)
		log_info("network %s: plugin %s torn down", a->net->name, name);
	return r;
}

const struct nd_result_net *plugin_status(const struct attach_rt *rt)
{
	return rt->plugin && rt->plugin->has_status ? &rt->plugin->status : NULL;
}

void plugin_rt_done(struct attach_rt *rt, size_t n)
{
	if (!rt)
		return;
	for (size_t i = 0; i < n; i++) {
		attach_free(rt[i].plugin);
		rt[i].plugin = NULL;
	}
}

static int found(const struct netd_opts *opts, const char *name, char **path,
		 struct nd_error *err)
{
	int r = plugin_find(opts, name, path);

	if (r == -ENOMEM)
		return nd_error_set(err, r, "out of memory");
	return r < 0 ? unknown_driver(opts, name, err) : 0;
}

int plugin_create(const struct netd_opts *opts, const char *name, json_object *network,
		  json_object **ret, struct nd_error *err)
{
	static const char *const fixed[] = { "name", "id", "driver" };
	_cleanup_free_ char *path = NULL;
	struct nd_error why = {0};
	struct plugin_proc p;
	json_object *out = NULL;
	int r;

	if ((r = found(opts, name, &path, err)) < 0 ||
	    (r = call(path, name, "create", NULL,
		      json_object_to_json_string_ext(network, JSON_C_TO_STRING_PLAIN), &p, err)) < 0)
		return r;
	r = plugin_output_network(p.out, p.len, &out, &why);
	pluginx_done(&p);
	if (r < 0) {
		nd_error_set(err, r, "plugin \"%s\" failed: exit code 0, parse error: %s", name,
			     why.msg ? why.msg : "invalid output");
		nd_error_clear(&why);
		return r;
	}
	for (size_t k = 0; k < ELEMENTSOF(fixed); k++) {
		json_object *a = NULL, *b = NULL;
		(void)json_object_object_get_ex(network, fixed[k], &a);
		(void)json_object_object_get_ex(out, fixed[k], &b);
		if (a && !json_object_equal(a, b)) {
			json_object_put(out);
			return nd_error_set(err, -EINVAL,
					    "plugin \"%s\" failed: create changed the network's %s",
					    name, fixed[k]);
		}
	}
	*ret = out;
	return 0;
}
