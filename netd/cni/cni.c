// SPDX-License-Identifier: Apache-2.0
/*
 * netd as a CNI plugin (type "netd"): the dispatcher. The runtime runs the
 * binary with CNI_COMMAND and friends in the environment and the network
 * configuration on stdin; main() sends it here. Read top-down:
 *
 *   env (cni-env.c) → config (cni-config.c) → command (run: the namespace,
 *   the locked IPAM store of cni-store.c, then ADD, DEL, CHECK, GC, STATUS)
 *   → core (the request of cni-request.c through netd_setup() /
 *   netd_teardown()) → result (cni-result.c prints it, or the error).
 *
 * So a CNI network gets exactly what the bridge driver builds: bridge, veth,
 * addresses, routes, isolation, masquerade, published ports and netd-dns.
 * stdout carries the result or the error object (in the shape of the
 * requested spec version) and nothing else; logs go to stderr (NETD_LOG).
 * No JSON is handled here.
 */
#include "cni.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline.h"
#include "cni-lease.h"
#include "cni-request.h"
#include "dns-server.h"
#include "fw.h"
#include "link-veth.h"
#include "netns.h"
#include "nl.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/log.h"

/* What CNI_NETNS names: its identity, or why it cannot be opened (@r). */
struct cni_ns {
	int r;
	struct netns_id id;
};

/* In the order this file reads: entry, dispatch, then the commands. */
static int read_stdin(char **ret, size_t *len, struct nd_error *err);
static int fail(const struct nd_error *err, const char *version);
static int run(const struct cni_config *cfg, const struct cni_params *p, struct nd_error *err);
static int cmd_add(const struct cni_config *cfg, const struct cni_params *p,
		   const struct cni_ns *ns, struct cni_dir *d, const struct netd_opts *o,
		   struct nd_error *err);
static int cmd_del(const struct cni_config *cfg, const struct cni_params *p,
		   const struct cni_ns *ns, struct cni_dir *d, const struct netd_opts *o,
		   struct nd_error *err);
static int cmd_gc(const struct cni_config *cfg, struct cni_dir *d, const struct netd_opts *o,
		  struct nd_error *err);

/* ------------------------------------------------------------------------ */
/* entry: environment → configuration → command */

int cni_main(int argc, char **argv)
{
	_cleanup_(cni_config_freep) struct cni_config *cfg = NULL;
	struct cni_env env = {
		.command = getenv("CNI_COMMAND"),
		.container_id = getenv("CNI_CONTAINERID"),
		.netns = getenv("CNI_NETNS"),
		.ifname = getenv("CNI_IFNAME"),
		.args = getenv("CNI_ARGS"),
		.path = getenv("CNI_PATH"),
	};
	enum cni_version ver = CNI_V_NEWEST;
	struct cni_params p = {0};
	struct nd_error err = {0};
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r;

	log_setup("NETD_LOG", "netd-cni");
	/* env and config; errors are answered in the version asked for, when it can be told */
	if (read_stdin(&buf, &len, &err) < 0)
		return fail(&err, cni_version_str(ver));
	(void)cni_peek_version(buf, len, &ver);
	if (cni_params_parse(&env, &p, &err) < 0)
		goto out;
	if (cni_config_parse(buf, len, p.cmd, &cfg, &err) < 0)
		goto out;
	ver = cfg->version;
	if (p.cmd == CNI_CMD_VERSION) {
		cni_params_done(&p);
		return cni_version_print(cfg->version) < 0 ? 1 : 0;
	}
	log_debug("CNI %s network %s container %s ifname %s netns %s", cni_cmd_name(p.cmd),
		  cfg->name, p.container_id ? p.container_id : "-", p.ifname ? p.ifname : "-",
		  p.netns);
	if (p.cmd == CNI_CMD_CHECK && !cfg->prev) {
		cni_fail(&err, CNI_ERR_CONFIG, "CHECK needs prevResult (the result of the ADD)");
		goto out;
	}
	/* the command, which prints its result itself */
	r = run(cfg, &p, &err);
	if (r == 0) {
		cni_params_done(&p);
		return 0;
	}
out:
	cni_params_done(&p);
	r = fail(&err, cni_version_str(ver));
	nd_error_clear(&err);
	return r;
}

/* The network configuration on stdin (none: ""). */
static int read_stdin(char **ret, size_t *len, struct nd_error *err)
{
	int r = state_read_fd(STDIN_FILENO, CNI_MAX_INPUT, ret, len);

	if (r == -EFBIG)
		return cni_fail(err, CNI_ERR_DECODE, "network config larger than %u bytes",
				CNI_MAX_INPUT);
	if (r == -EBADF) {
		*ret = strdup("");
		*len = 0;
		return *ret ? 0 : cni_fail(err, CNI_ERR_INTERNAL, "out of memory");
	}
	if (r < 0)
		return cni_fail(err, CNI_ERR_IO, "failed to read the network config from stdin: %s",
				strerror(-r));
	return 0;
}

/* Answer with @err (the one place a failure is reported); exit status 1. */
static int fail(const struct nd_error *err, const char *version)
{
	log_debug("CNI error %u: %s%s%s", err->proto_code, err->msg ? err->msg : "",
		  err->details ? " - " : "", err->details ? err->details : "");
	(void)cni_error_print(err, version);
	return 1;
}

/* ------------------------------------------------------------------------ */
/* dispatch: the namespace, netd's options, the store, then the command */

/*
 * Look at CNI_NETNS once, before anything changes: the host's own namespace
 * (under any path) is refused for every command; a namespace that cannot be
 * opened is left for the command to judge (DEL: it is gone).
 */
static int probe_netns(const struct cni_params *p, struct cni_ns *ns, struct nd_error *err)
{
	_cleanup_close_ int fd = -1;

	*ns = (struct cni_ns){ .r = -ENOENT };
	if (!p->netns[0])
		return 0;
	fd = netns_open_container(p->netns, &ns->id);
	ns->r = fd < 0 ? fd : 0;
	if (fd == -NETNS_EHOST)
		return cni_fail(err, CNI_ERR_ENV,
				"CNI_NETNS: namespace path %s is the host's own network namespace, not a container's",
				p->netns);
	return 0;
}

/* netd's options for a CNI network (config dir, firewall, DNS server). */
static void make_opts(const struct cni_config *cfg, struct netd_opts *o, char *buf, size_t size)
{
	*o = (struct netd_opts){
		.config_dir = cfg->runtime_dir,
		.fw_driver = cfg->fw_driver,
		.dns_port = cfg->dns_port,
	};
	/* Else netd-dns installed beside this binary (as the netavark mode finds it). */
	o->aardvark_binary = cfg->dns_binary ? cfg->dns_binary : dns_server_find(buf, size, false);
}

/*
 * One command on network @cfg: refuse the host's namespace, pick netd's
 * options, hold the network's store (locked) for the whole command.
 */
static int run(const struct cni_config *cfg, const struct cni_params *p, struct nd_error *err)
{
	struct cni_dir d;
	struct netd_opts o;
	struct cni_ns ns;
	char dns_path[4096];
	int r;

	if ((r = probe_netns(p, &ns, err)) < 0)
		return r;
	make_opts(cfg, &o, dns_path, sizeof(dns_path));
	if (!fw_lookup(o.fw_driver))
		return cni_fail(err, CNI_ERR_CONFIG, "firewallDriver: unknown driver \"%s\"",
				o.fw_driver);
	r = cni_dir_open(cfg, &d, err);
	if (r < 0) {
		cni_dir_close(&d);
		return r;
	}
	switch (p->cmd) {
	case CNI_CMD_ADD:
		r = cmd_add(cfg, p, &ns, &d, &o, err);
		break;
	case CNI_CMD_DEL:
		r = cmd_del(cfg, p, &ns, &d, &o, err);
		break;
	case CNI_CMD_CHECK: {
		const struct cni_alloc *rec = cni_store_find(d.store, p->container_id, p->ifname);
		if (!rec || !rec->ready)
			r = cni_fail(err, CNI_ERR_CHECK,
				     "no address reservation for container %s interface %s on network \"%s\" (was it added?)",
				     p->container_id, p->ifname, cfg->name);
		else
			r = cni_check(cfg, p, &o, rec, err);
		break;
	}
	case CNI_CMD_GC:
		r = cmd_gc(cfg, &d, &o, err);
		break;
	case CNI_CMD_STATUS:
		r = cni_status(cfg, &o, &d, err);
		break;
	case CNI_CMD_VERSION:
		r = 0;
		break;
	}
	cni_dir_close(&d);
	return r;
}

/* ------------------------------------------------------------------------ */
/* helpers of ADD, DEL and GC */

/* netd's error (nd_error) as a CNI error: EAGAIN-like codes mean "try again". */
static int from_netd(struct nd_error *err, struct nd_error *ne, const char *what)
{
	unsigned code = ne->code == -EAGAIN || ne->code == -EBUSY || ne->code == -EINTR ?
			CNI_ERR_TRY_AGAIN : CNI_ERR_NETD;

	int r = cni_fail(err, code, "%s: %s", what, ne->msg ? ne->msg : strerror(-ne->code));

	nd_error_clear(ne);
	return r;
}

/*
 * The namespace DEL works in for @rec: CNI_NETNS when it is the namespace ADD
 * recorded, else none ("": the host side only). A CNI_NETNS that names
 * another namespace is never touched.
 */
static const char *recorded_netns(const struct cni_alloc *rec, const struct cni_params *p,
				  const struct cni_ns *ns)
{
	if (!p->netns[0])
		return "";
	if (ns->r < 0) {
		log_info("container namespace %s is gone (%s); cleaning up the host side", p->netns,
			 netns_strerror(ns->r));
		return "";
	}
	if (!cni_alloc_same_ns(rec, p->netns, &ns->id)) {
		log_warn("CNI_NETNS %s is not the namespace container %s was added in (%s); nothing inside it is touched, cleaning up the host side only",
			 p->netns, rec->container_id, rec->netns);
		return "";
	}
	return p->netns;
}

/*
 * Remove the attachment of lease @rec: netd's teardown of the request
 * cni_lease_request() finds for it. The core takes the network out of the
 * container record, the lease with it; when the teardown fails, the network
 * is put back (without its link: unfinished), so a retried DEL or GC tears
 * it down again. @p: NULL for GC.
 */
static int remove_attachment(const struct cni_config *cfg, const struct cni_params *p,
			     const struct netd_opts *o, struct cni_dir *d, struct cni_alloc *rec,
			     const char *netns, struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	struct nd_error ne = {0};
	int r = cni_lease_request(cfg, p, rec, &req, &ne);

	if (r == 0 && (r = netd_teardown(o, netns, req, &ne)) < 0) {
		const struct netns_id id = { rec->ns_dev, rec->ns_ino, rec->ns_cookie };
		struct nd_error keep = {0};

		if (cni_lease_reserve(cfg, req, rec->netns, &id, o->dns_port, &keep) < 0)
			log_warn("the lease of container %s interface %s could not be kept for a retry: %s",
				 rec->container_id, rec->ifname, keep.msg ? keep.msg : "?");
		nd_error_clear(&keep);
	}
	if (r < 0) {
		char what[400];
		snprintf(what, sizeof(what), "teardown of container %s interface %s failed",
			 rec->container_id, rec->ifname);
		return from_netd(err, &ne, what);
	}
	cni_store_remove(d->store, rec);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* ADD: allocate and record → netd_setup() → the CNI result */

static void format_mac(const uint8_t m[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* Bridge and host veth as they are now (for the result's interfaces). */
static void host_info(const struct cni_config *cfg, const struct cni_params *p,
		      struct cni_host_info *hi)
{
	_cleanup_(nlx_freep) struct nlx *h = NULL;
	struct nlx_link l;

	*hi = (struct cni_host_info){0};
	snprintf(hi->bridge, sizeof(hi->bridge), "%s", cfg->bridge);
	veth_host_name(p->container_id, cfg->name, hi->veth);
	if (nlx_open(&h) < 0)
		return;
	if (nlx_link_by_name(h, hi->bridge, &l) == 0)
		format_mac(l.mac, hi->bridge_mac);
	if (nlx_link_by_name(h, hi->veth, &l) == 0) {
		format_mac(l.mac, hi->veth_mac);
		hi->mtu = l.mtu;
	}
}

/*
 * ADD's answer: netd's typed setup result as a CNI result, printed in the
 * version asked for; chained after another plugin, its result, then ours.
 */
static int reply(const struct cni_config *cfg, const struct cni_params *p,
		 const struct nd_result *nres, struct nd_error *err)
{
	_cleanup_(cni_result_freep) struct cni_result *res = NULL;
	const struct cni_result *out;
	struct cni_host_info hi;
	int r;

	host_info(cfg, p, &hi);
	if ((r = cni_result_from_setup(nres, cfg, p, &hi, &res, err)) < 0)
		return r;
	out = res;
	if (cfg->prev) {
		if (cni_result_append(cfg->prev, res) < 0)
			return cni_fail(err, CNI_ERR_INTERNAL, "out of memory");
		out = cfg->prev;
	}
	if (cni_result_print(out, cfg->version) < 0)
		return cni_fail(err, CNI_ERR_IO, "failed to write the result to stdout");
	return 0;
}

static int cmd_add(const struct cni_config *cfg, const struct cni_params *p,
		   const struct cni_ns *ns, struct cni_dir *d, const struct netd_opts *o,
		   struct nd_error *err)
{
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	_cleanup_(nd_result_freep) struct nd_result *nres = NULL;
	_cleanup_free_ struct nd_ip *ips = NULL;
	struct cni_alloc *rec;
	const struct nd_ip *want = cfg->n_req_ips ? cfg->req_ips : p->arg_ips;
	size_t n_want = cfg->n_req_ips ? cfg->n_req_ips : p->n_arg_ips;
	struct nd_error ne = {0};
	int r;

	if (cfg->dns_enabled && access(o->aardvark_binary, X_OK) < 0)
		return cni_fail(err, CNI_ERR_NETD,
				"dnsEnabled is set but the DNS server %s cannot be run: %s (set \"dnsBinary\")",
				o->aardvark_binary, strerror(errno));
	rec = cni_store_find(d->store, p->container_id, p->ifname);
	if (rec && rec->ready)
		return cni_fail(err, CNI_ERR_NETD,
				"container %s already has interface %s on network \"%s\"; DEL it before adding it again",
				p->container_id, p->ifname, cfg->name);
	if (rec) {
		/* An ADD that died half way: clean up what it left. */
		log_warn("cleaning up an interrupted ADD of container %s", p->container_id);
		r = remove_attachment(cfg, p, o, d, rec, recorded_netns(rec, p, ns), err);
		if (r < 0)
			return r;
	}
	if (cni_store_count_container(d->store, p->container_id) > 0)
		return cni_fail(err, CNI_ERR_NETD,
				"container %s is attached to network \"%s\" already (with another interface); netd attaches a container to a network once",
				p->container_id, cfg->name);

	if ((r = cni_ipam_allocate(d->store, cfg, want, n_want, &ips, err)) < 0)
		return r;
	if (cni_request_model(cfg, p, ips, cfg->n_subnets, &req, &ne) < 0)
		return from_netd(err, &ne, "netd setup failed");
	/*
	 * Recorded before anything is built (the round-robin position, then the
	 * lease in the container record), so an interrupted ADD can be cleaned up.
	 */
	if ((r = cni_dir_save(d, err)) < 0 ||
	    (r = cni_lease_reserve(cfg, req, p->netns, &ns->id, o->dns_port, err)) < 0)
		return r;

	r = netd_setup(o, p->netns, req, &nres, &ne);
	if (r < 0) {
		struct nd_error ignore = {0};
		(void)cni_lease_forget(cfg, req, &ignore);
		nd_error_clear(&ignore);
		return from_netd(err, &ne, "netd setup failed");
	}
	r = cni_lease_commit(cfg, p->container_id, err);
	if (r == 0)
		r = reply(cfg, p, nres, err);
	if (r < 0) {
		/* Do not leave a network the runtime was told failed (the record goes with it). */
		struct nd_error ignore = {0};
		(void)netd_teardown(o, p->netns, req, &ignore);
		nd_error_clear(&ignore);
		return r;
	}
	log_info("CNI ADD: container %s interface %s on network %s", p->container_id, p->ifname,
		 cfg->name);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* DEL */

static int cmd_del(const struct cni_config *cfg, const struct cni_params *p,
		   const struct cni_ns *ns, struct cni_dir *d, const struct netd_opts *o,
		   struct nd_error *err)
{
	struct cni_alloc *rec = cni_store_find(d->store, p->container_id, p->ifname);
	_cleanup_(nlx_freep) struct nlx *h = NULL;
	_cleanup_(nd_request_freep) struct nd_request *req = NULL;
	char veth[IFNAMSIZ];
	struct nlx_link l;
	struct nd_error ne = {0};

	if (rec)
		return remove_attachment(cfg, p, o, d, rec, recorded_netns(rec, p, ns), err);
	/*
	 * No lease: never added, deleted already, or the container record was
	 * lost. If the host veth is still there, tear down what a request
	 * rebuilt from the config can name (no addresses, no ports: nothing
	 * that could belong to another container), on the host side only: with
	 * no record nothing says CNI_NETNS is the namespace this container was
	 * added in, and the core removes no host interface a record does not
	 * name.
	 */
	veth_host_name(p->container_id, cfg->name, veth);
	if (nlx_open(&h) < 0 || nlx_link_by_name(h, veth, &l) < 0)
		return 0;
	log_warn("no lease of container %s interface %s on network %s (its container record is gone), but %s exists; netd has no record that it built it and leaves it as it is",
		 p->container_id, p->ifname, cfg->name, veth);
	{
		struct cni_config bare = *cfg;
		bare.n_ports = 0;
		bare.n_ctr_dns = 0;
		if (cni_request_model(&bare, p, NULL, 0, &req, &ne) < 0)
			return from_netd(err, &ne, "netd teardown failed");
	}
	if (netd_teardown(o, "", req, &ne) < 0)
		return from_netd(err, &ne, "netd teardown failed");
	return 0;
}

/* ------------------------------------------------------------------------ */
/* GC */

static bool still_valid(const struct cni_config *cfg, const struct cni_alloc *a)
{
	for (size_t i = 0; i < cfg->n_valid; i++)
		if (strcmp(cfg->valid[i].container_id, a->container_id) == 0 &&
		    strcmp(cfg->valid[i].ifname, a->ifname) == 0)
			return true;
	return false;
}

static int cmd_gc(const struct cni_config *cfg, struct cni_dir *d, const struct netd_opts *o,
		  struct nd_error *err)
{
	_cleanup_free_ char *failures = NULL;
	size_t len = 0, n_failed = 0, n_removed = 0;
	FILE *f = open_memstream(&failures, &len);

	if (!f)
		return cni_fail(err, CNI_ERR_INTERNAL, "out of memory");
	for (size_t i = 0; i < d->store->n;) {
		struct cni_alloc *a = &d->store->v[i];
		struct nd_error e = {0};

		if (still_valid(cfg, a)) {
			i++;
			continue;
		}
		log_info("GC: removing stale attachment %s/%s (%s)", a->container_id, a->ifname,
			 a->n_ips ? "addresses released" : "no addresses");
		/* The runtime says its namespace is gone: clean up the host side. */
		if (remove_attachment(cfg, NULL, o, d, a, "", &e) < 0) {
			fprintf(f, "%s%s", n_failed ? "; " : "", e.msg);
			n_failed++;
			nd_error_clear(&e);
			i++;
			continue;
		}
		n_removed++;
	}
	(void)fclose(f);
	if (n_failed)
		return cni_fail(err, CNI_ERR_GC, "GC removed %zu stale attachment(s), %zu failed: %s",
				n_removed, n_failed, failures ? failures : "");
	log_info("GC: network %s: %zu stale attachment(s) removed, %zu kept", cfg->name, n_removed,
		 d->store->n);
	return 0;
}
