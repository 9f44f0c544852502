// SPDX-License-Identifier: Apache-2.0
/*
 * netd firewall-reload: rebuild netd's nftables table from the state records
 * in the config dir, in one transaction, e.g. after `nft flush ruleset`.
 * Adding what already exists changes nothing, so a reload when nothing was
 * lost leaves the ruleset as it was.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "commands.h"
#include "fw-nft.h"
#include "fw.h"
#include "request.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#define MAX_STATE (16u << 20)

struct reload {
	struct nftb *b;
	bool table_exists;
	char (*done)[IFNAMSIZ];		/* bridges already handled */
	size_t n_done, cap_done;
	size_t containers;
};

static bool seen_bridge(struct reload *rl, const char *br)
{
	for (size_t i = 0; i < rl->n_done; i++)
		if (strncmp(rl->done[i], br, IFNAMSIZ) == 0)
			return true;
	if (rl->n_done == rl->cap_done) {
		size_t cap = rl->cap_done ? rl->cap_done * 2 : 16;
		char (*v)[IFNAMSIZ] = realloc(rl->done, cap * sizeof(*v));
		if (!v)
			return true;
		rl->done = v;
		rl->cap_done = cap;
	}
	snprintf(rl->done[rl->n_done++], IFNAMSIZ, "%s", br);
	return false;
}

static int reload_one(struct reload *rl, const char *path, struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	_cleanup_free_ char *buf = NULL;
	json_object *st, *raw, *port;
	const char *text;
	uint16_t dns_port = 53;
	size_t len;
	int r;

	r = state_read_file(path, MAX_STATE, &buf, &len);
	if (r < 0)
		return nd_error_set(err, r, "cannot read state file %s: %s", path, strerror(-r));
	st = json_tokener_parse(buf);
	if (!st || !json_object_object_get_ex(st, "request", &raw)) {
		json_object_put(st);
		return nd_error_set(err, -EINVAL, "state file %s is corrupt: no request in it", path);
	}
	if (json_object_object_get_ex(st, "dns_port", &port))
		dns_port = (uint16_t)json_object_get_int(port);
	text = json_object_to_json_string_ext(raw, JSON_C_TO_STRING_PLAIN);
	r = request_parse(text, strlen(text), &req, err);
	json_object_put(st);
	if (r < 0) {
		nd_error_prefix(err, "state file %s", path);
		return r;
	}
	for (size_t i = 0; i < req->n_attach; i++) {
		const struct nd_attach *a = &req->attach[i];
		bool chain = false;
		char name[32];

		if (!fw_wants(a) || seen_bridge(rl, a->net->network_interface))
			continue;
		if (rl->table_exists) {
			fwnft_iso_chain(a->net, name);
			chain = nft_chain_exists(FW_TABLE, name) == 1;
		}
		if ((r = fwnft_network(rl->b, true, a->net, dns_port, chain)) < 0)
			return r;
	}
	if (req->n_ports) {
		/* The network recorded as carrying the ports, else the first that can. */
		const struct nd_attach *pa = fwnft_port_attach(req);
		json_object *pn;
		st = json_tokener_parse(buf);
		if (st && json_object_object_get_ex(st, "ports_network", &pn))
			for (size_t i = 0; i < req->n_attach; i++)
				if (strcmp(req->attach[i].net->name, json_object_get_string(pn)) == 0)
					pa = &req->attach[i];
		json_object_put(st);
		if (pa && (r = fwnft_ports(rl->b, true, false, req, pa)) < 0)
			return r;
	}
	rl->containers++;
	return 0;
}

int cmd_firewall_reload(const struct netd_opts *opts, struct nd_error *err)
{
	const char *config = opts->config_dir ? opts->config_dir : "/run/containers/networks";
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int lock = -1;
	struct reload rl = {0};
	char ext[256];
	const char *label;
	struct dirent *de;
	DIR *d;
	int r, failed;

	if (strcasecmp(opts->fw_driver, "none") == 0)
		return 0;
	if (asprintf(&dir, "%s/netd/containers", config) < 0)
		return -ENOMEM;
	lock = state_lock(config, err);
	if (lock < 0)
		return lock;
	r = nft_table_exists(FW_TABLE);
	if (r < 0)
		return nd_error_set(err, r, "nftables: cannot read table inet %s: %s", FW_TABLE,
				    strerror(-r));
	rl.table_exists = r == 1;
	if ((r = nftb_new(FW_TABLE, &rl.b)) < 0)
		return r;
	if (!rl.table_exists && (r = fwnft_base(rl.b)) < 0)
		goto out;
	d = opendir(dir);
	if (!d && errno != ENOENT) {
		r = nd_error_set(err, -errno, "cannot open %s: %s", dir, strerror(errno));
		goto out;
	}
	while (d && (de = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		size_t n = strlen(de->d_name);
		struct nd_error one = {0};

		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		if (asprintf(&path, "%s/%s", dir, de->d_name) < 0) {
			r = -ENOMEM;
			break;
		}
		r = reload_one(&rl, path, &one);
		if (r < 0) {
			/* One broken record must not keep every other container offline. */
			log_error("firewall-reload: skipping %s: %s", de->d_name, one.msg ? one.msg : strerror(-r));
			nd_error_clear(&one);
			r = 0;
		}
	}
	if (d)
		closedir(d);
	if (r < 0)
		goto out;
	if (rl.containers == 0 && !rl.table_exists) {
		log_info("firewall-reload: no containers, nothing to do");
		goto out;
	}
	r = nftb_commit(rl.b, &failed, &label, ext, sizeof(ext));
	if (r < 0)
		nd_error_set(err, r, "nftables: firewall-reload failed at %s: %s%s%s%s",
			     label ? label : "batch", strerror(-r), ext[0] ? " (kernel: " : "", ext,
			     ext[0] ? ")" : "");
	else
		log_info("firewall-reload: %zu containers, %zu changes in one transaction",
			 rl.containers, nftb_count(rl.b));
out:
	nftb_free(rl.b);
	free(rl.done);
	return r;
}
