// SPDX-License-Identifier: Apache-2.0
/* The nftables firewall driver: one transaction per setup and per teardown. */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "fw-nft.h"
#include "fw.h"
#include "shared/cleanup.h"
#include "shared/log.h"

static int commit_error(struct nftb *b, const char *what, struct nd_error *err)
{
	char ext[256];
	const char *label = NULL;
	int failed, r = nftb_commit(b, &failed, &label, ext, sizeof(ext));

	if (r == 0)
		return 0;
	if (ext[0])
		return nd_error_set(err, r, "nftables: %s failed at %s: %s (kernel: %s)", what,
				    label ? label : "batch", strerror(-r), ext);
	return nd_error_set(err, r, "nftables: %s failed at %s: %s", what,
			    label ? label : "batch", strerror(-r));
}

/* Remove what this setup added (journalled undo). */
static void nft_undo(struct exec_ctx *c)
{
	_cleanup_(nftb_freep) struct nftb *b = NULL;
	const struct nd_attach *pa = c->skip_ports ? NULL : fwnft_port_attach(c->req, c->fw_needs);
	struct nd_error e = {0};

	if (nftb_new(FW_TABLE, &b) < 0)
		return;
	if (c->fw_table_created) {
		(void)nftb_del_table(b);
	} else {
		if (pa && c->req->n_ports)
			(void)fwnft_ports(b, false, false, c->req, pa);
		for (size_t i = 0; i < c->req->n_attach; i++)
			if (c->fw_needs(&c->req->attach[i]) && c->rt[i].br_created)
				(void)fwnft_network(b, false, c->req->attach[i].net,
						    c->opts->dns_port, true);
	}
	if (commit_error(b, "rollback", &e) < 0)
		log_warn("rollback: %s", e.msg);
	nd_error_clear(&e);
}

static int nft_setup(struct exec_ctx *c)
{
	_cleanup_(nftb_freep) struct nftb *b = NULL;
	const struct nd_attach *pa = c->skip_ports ? NULL : fwnft_port_attach(c->req, c->fw_needs);
	char ext[256], msg[256];
	const char *label = NULL;
	int exists, failed, r;

	exists = nft_table_exists(FW_TABLE);
	if (exists < 0)
		return nd_error_set(c->err, exists, "nftables: cannot read table inet %s: %s",
				    FW_TABLE, strerror(-exists));
	if ((r = nftb_new(FW_TABLE, &b)) < 0)
		return r;
	if (!exists && (r = fwnft_base(b)) < 0)
		return r;
	for (size_t i = 0; i < c->req->n_attach; i++) {
		const struct nd_attach *a = &c->req->attach[i];
		bool chain = false;
		char name[32];

		if (!c->fw_needs(a))
			continue;
		if (exists) {
			fwnft_iso_chain(a->net, name);
			r = nft_chain_exists(FW_TABLE, name);
			if (r < 0)
				return nd_error_set(c->err, r, "nftables: cannot read chain %s: %s",
						    name, strerror(-r));
			chain = r == 1;
		}
		if ((r = fwnft_network(b, true, a->net, c->opts->dns_port, chain)) < 0)
			return r;
	}
	if (pa && c->req->n_ports && (r = fwnft_ports(b, true, true, c->req, pa)) < 0)
		return r;

	r = nftb_commit(b, &failed, &label, ext, sizeof(ext));
	if (r == -EEXIST && label && strcmp(label, "ports") == 0 &&
	    fwnft_port_conflict(c->req, pa, msg, sizeof(msg)) == 1)
		return nd_error_set(c->err, r, "network \"%s\": %s", pa->net->name, msg);
	if (r < 0) {
		if (ext[0])
			return nd_error_set(c->err, r, "nftables: setup failed at %s: %s (kernel: %s)",
					    label ? label : "batch", strerror(-r), ext);
		return nd_error_set(c->err, r, "nftables: setup failed at %s: %s",
				    label ? label : "batch", strerror(-r));
	}
	c->fw_table_created = !exists;
	log_info("nftables: applied %zu changes in one transaction", nftb_count(b));
	return exec_push_undo(c, &(struct undo){ .kind = UNDO_CALL, .call = nft_undo });
}

/*
 * When the networks leaving now are the only ones in br_all, the whole table
 * goes instead, so the ruleset is what it was before netd's first setup.
 */
static bool table_would_be_empty(const struct exec_ctx *c, const bool *last)
{
	enum { MAX = 256 };
	_cleanup_free_ uint8_t *keys = malloc((size_t)MAX * IFNAMSIZ);
	size_t n = 0;

	if (!keys || nft_set_keys(FW_TABLE, "br_all", keys, IFNAMSIZ, MAX, &n) < 0)
		return false;
	for (size_t k = 0; k < n; k++) {
		bool leaving = false;
		for (size_t i = 0; i < c->req->n_attach && !leaving; i++)
			leaving = last[i] && c->fw_needs(&c->req->attach[i]) &&
				  strncmp((const char *)keys + k * IFNAMSIZ,
					  c->req->attach[i].net->network_interface, IFNAMSIZ) == 0;
		if (!leaving)
			return false;
	}
	/* Published ports live only on these networks, so none of another container remain. */
	return true;
}

static int nft_teardown(struct exec_ctx *c, const bool *last, struct nd_error *err)
{
	/* Only the ports the record says this container's setup published. */
	const struct nd_request *pr = c->ports_req;
	const struct nd_attach *pa = c->skip_ports || !pr ? NULL : c->ports_attach;
	int exists = nft_table_exists(FW_TABLE), r = 0;

	if (exists < 0)
		return nd_error_set(err, exists, "nftables: cannot read table inet %s: %s",
				    FW_TABLE, strerror(-exists));
	if (!exists)
		return 0;
	/* First try: everything in one transaction. Then, if something was already gone, again removing only what exists. */
	for (int tolerant = 0; tolerant < 2; tolerant++) {
		_cleanup_(nftb_freep) struct nftb *b = NULL;
		struct nd_error e = {0};

		if ((r = nftb_new(FW_TABLE, &b)) < 0)
			return r;
		nftb_set_tolerant(b, tolerant);
		if (!tolerant && table_would_be_empty(c, last)) {
			if ((r = nftb_del_table(b)) < 0)
				return r;
			r = commit_error(b, "teardown", &e);
			if (r < 0)
				nd_error_move(err, &e);
			return r;
		}
		if (pa && pr->n_ports && (r = fwnft_ports(b, false, false, pr, pa)) < 0)
			return r;
		for (size_t i = 0; i < c->req->n_attach; i++)
			if (c->fw_needs(&c->req->attach[i]) && last[i] &&
			    (r = fwnft_network(b, false, c->req->attach[i].net,
					       c->opts->dns_port, true)) < 0)
				return r;
		r = commit_error(b, "teardown", &e);
		if (r == -ENOENT && !tolerant) {
			nd_error_clear(&e);
			continue;
		}
		if (r < 0)
			nd_error_move(err, &e);
		return r;
	}
	return r;
}

static int nft_ports_moved(struct exec_ctx *c, const struct nd_request *remaining,
			   struct nd_error *err)
{
	_cleanup_(nftb_freep) struct nftb *b = NULL;
	const struct nd_attach *pa = fwnft_port_attach(remaining, c->fw_needs);
	int r;

	if (!pa || !remaining->n_ports)
		return 0;
	if ((r = nftb_new(FW_TABLE, &b)) < 0)
		return r;
	if (nft_table_exists(FW_TABLE) != 1 && (r = fwnft_base(b)) < 0)
		return r;
	if ((r = fwnft_ports(b, true, false, remaining, pa)) < 0)
		return r;
	return commit_error(b, "moving published ports", err);
}

static int nft_check_network(const char *bridge, const char *id, bool ports,
			     const struct nd_request *req, exec_fw_needs_fn *needs,
			     struct nd_error *err)
{
	struct nftb_elem e = { .key_len = IFNAMSIZ };
	int r = nft_table_exists(FW_TABLE);

	if (r <= 0)
		return nd_error_set(err, r < 0 ? r : -ENOENT, "firewall table inet %s is missing%s%s",
				    FW_TABLE, r < 0 ? ": " : "", r < 0 ? strerror(-r) : "");
	memcpy(e.key, bridge, strnlen(bridge, IFNAMSIZ - 1));
	r = nft_elem_exists(FW_TABLE, "br_all", &e);
	if (r <= 0)
		return nd_error_set(err, r < 0 ? r : -ENOENT,
				    "bridge %s is missing from the firewall (set br_all of table inet %s)",
				    bridge, FW_TABLE);
	if (ports) {
		const struct nd_attach *pa = req ? fwnft_port_attach(req, needs) : NULL;
		char msg[256];

		if (!pa || fwnft_port_conflict(req, pa, msg, sizeof(msg)) == 0)
			return nd_error_set(err, -ENOENT,
					    "the port mappings of container %s are missing from the firewall",
					    id);
	}
	return 0;
}

static int nft_probe(void)
{
	int r = nft_table_exists(FW_TABLE);

	return r < 0 ? r : 0;
}

const struct fw_driver fw_nftables = {
	.name = "nftables",
	.setup = nft_setup,
	.teardown = nft_teardown,
	.ports_moved = nft_ports_moved,
	.check = fw_expect_compare,
	.reload = fw_expect_rebuild,
	.check_network = nft_check_network,
	.probe = nft_probe,
};
