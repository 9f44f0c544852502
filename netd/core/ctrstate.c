// SPDX-License-Identifier: Apache-2.0
#include "ctrstate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "fw-nft.h"
#include "jsonutil.h"
#include "request-json.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#define MAX_STATE (16u << 20)

int ctrstate_read(const char *path, json_object **ret)
{
	_cleanup_free_ char *buf = NULL;
	json_object *st;
	size_t len;
	int r;

	r = state_read_file(path, MAX_STATE, &buf, &len);
	if (r < 0)
		return r;
	st = json_tokener_parse(buf);
	if (!st || !json_object_is_type(st, json_type_object)) {
		json_object_put(st);
		return -EBADMSG;
	}
	*ret = st;
	return 0;
}

json_object *ctrstate_load(const char *config_dir, const char *id)
{
	_cleanup_free_ char *path = state_container_path(config_dir, id);
	json_object *st = NULL;

	if (!path || ctrstate_read(path, &st) == -EBADMSG) {
		/* Teardown still cleans up from the request; say why the record was ignored. */
		if (path)
			log_warn("state file %s is corrupt (not a JSON object); ignoring it", path);
		return NULL;
	}
	return st;
}

uint16_t ctrstate_dns_port(json_object *st, uint16_t dflt)
{
	json_object *v = ju_get(st, "dns_port");

	return v ? (uint16_t)json_object_get_int(v) : dflt;
}

const char *ctrstate_ports_network(json_object *st)
{
	json_object *v = ju_get(st, "ports_network");

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static int add_to_map(const char *name, json_object *opts, size_t i, void *map)
{
	if (name)
		json_object_object_add(map, name, json_object_get(opts));
	return 0;
}

/* netavark's "networks" in either form, as a name → options map. */
static json_object *networks_as_map(json_object *nets)
{
	json_object *map = json_object_new_object();

	(void)ju_networks_each(nets, add_to_map, map);
	return map;
}

static json_object *copy_or_new(json_object *o)
{
	json_object *c = NULL;

	if (o && json_object_deep_copy(o, &c, NULL) == 0)
		return c;
	return json_object_new_object();
}

json_object *ctrstate_merge(json_object *old, const struct exec_ctx *c)
{
	const struct nd_request *req = c->req;
	json_object *in = request_json(req), *st, *request, *nets, *info, *links, *v;
	const char *ports_net = old ? ctrstate_ports_network(old) : NULL;
	const struct nd_attach *pa = fwnft_port_attach(req, driver_fw_needs);

	if (!in)
		return NULL;
	st = json_object_new_object();
	request = copy_or_new(ju_get(old, "request"));
	/* Networks and their definitions: the old ones, then this request's. */
	nets = networks_as_map(ju_get(request, "networks"));
	info = copy_or_new(ju_get(request, "network_info"));
	{
		json_object *add = networks_as_map(ju_get(in, "networks"));
		json_object_object_foreach(add, nk, nval)
			json_object_object_add(nets, nk, json_object_get(nval));
		json_object_put(add);
	}
	if ((v = ju_get(in, "network_info"))) {
		json_object_object_foreach(v, ik, ival)
			json_object_object_add(info, ik, json_object_get(ival));
	}
	json_object_object_add(request, "networks", nets);
	json_object_object_add(request, "network_info", info);
	json_object_object_add(request, "container_id", json_object_new_string(req->container_id));
	json_object_object_add(request, "container_name", json_object_new_string(req->container_name));
	if ((v = ju_get(in, "dns_servers")))
		json_object_object_add(request, "dns_servers", json_object_get(v));
	/* The ports stay with the network that already has them; else this request's. */
	if (!c->skip_ports) {
		v = ju_get(in, "port_mappings");
		json_object_object_add(request, "port_mappings", v ? json_object_get(v) : NULL);
		ports_net = pa && req->n_ports ? pa->net->name : NULL;
	}
	json_object_object_add(st, "version", json_object_new_int(2));
	json_object_object_add(st, "container_id", json_object_new_string(req->container_id));
	json_object_object_add(st, "container_name", json_object_new_string(req->container_name));
	json_object_object_add(st, "netns", json_object_new_string(c->netns_path));
	json_object_object_add(st, "dns_port", json_object_new_int(c->opts->dns_port));
	if (ports_net)
		json_object_object_add(st, "ports_network", json_object_new_string(ports_net));
	links = copy_or_new(ju_get(old, "links"));
	for (size_t i = 0; i < req->n_attach; i++) {
		json_object *l = json_object_new_object();
		json_object_object_add(l, "interface",
				       json_object_new_string(req->attach[i].interface_name));
		json_object_object_add(l, "host_interface", json_object_new_string(c->rt[i].host_name));
		if (c->rt[i].host_ifindex)
			json_object_object_add(l, "host_ifindex",
					       json_object_new_int(c->rt[i].host_ifindex));
		if (req->attach[i].net->network_interface)
			json_object_object_add(l, "bridge",
					       json_object_new_string(req->attach[i].net->network_interface));
		json_object_object_add(links, req->attach[i].net->name, l);
	}
	json_object_object_add(st, "links", links);
	json_object_object_add(st, "request", request);
	json_object_put(in);
	return st;
}

json_object *ctrstate_remove(json_object *old, const struct nd_request *req)
{
	json_object *st = NULL, *request, *nets, *info, *links;
	const char *ports_net;

	if (!old)
		return NULL;
	if (json_object_deep_copy(old, &st, NULL) != 0)
		return NULL;
	request = ju_get(st, "request");
	nets = networks_as_map(ju_get(request, "networks"));
	json_object_object_add(request, "networks", nets);
	info = ju_get(request, "network_info");
	links = ju_get(st, "links");
	for (size_t i = 0; i < req->n_attach; i++) {
		const char *name = req->attach[i].net->name;
		json_object_object_del(nets, name);
		if (info)
			json_object_object_del(info, name);
		if (links)
			json_object_object_del(links, name);
	}
	if (json_object_object_length(nets) == 0) {
		json_object_put(st);
		return NULL;
	}
	ports_net = ctrstate_ports_network(st);
	if (ports_net && !ju_get(nets, ports_net))
		json_object_object_del(st, "ports_network");
	return st;
}

int ctrstate_link(json_object *st, const char *network, char *name, int *ifindex)
{
	json_object *l = ju_get(ju_get(st, "links"), network);
	json_object *n = ju_get(l, "host_interface"), *x = ju_get(l, "host_ifindex");

	if (!n || !x || !json_object_is_type(n, json_type_string) ||
	    !json_object_is_type(x, json_type_int) || json_object_get_int(x) <= 0 ||
	    json_object_get_string_len(n) >= IFNAMSIZ)
		return -ENOENT;
	snprintf(name, IFNAMSIZ, "%s", json_object_get_string(n));
	*ifindex = json_object_get_int(x);
	return 0;
}

const char *ctrstate_request_text(json_object *st)
{
	json_object *r = ju_get(st, "request");

	return r ? json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN) : NULL;
}

int ctrstate_write(const char *config_dir, const char *id, json_object *st)
{
	_cleanup_free_ char *path = state_container_path(config_dir, id), *dir = NULL;
	const char *s;
	int r;

	if (!path || asprintf(&dir, "%s/netd/containers", config_dir) < 0)
		return -ENOMEM;
	r = state_mkdir_under(config_dir, "netd/containers", 0700);
	if (r < 0)
		return r;
	s = json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN);
	return state_write_atomic(path, s, strlen(s));
}
