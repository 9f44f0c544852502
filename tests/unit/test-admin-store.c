// SPDX-License-Identifier: Apache-2.0
/*
 * admin's attachments as container records (netd/admin/admin-attstore.c):
 * only records with an admin lease are listed, fetched, committed or
 * removed; a Podman record, another owner's lease, a damaged admin record
 * and a corrupt file are left alone. A reservation is a pending record of
 * this process, then made ready. The move of an old attachments.json
 * (admin-attmig.c): an entry of attach's choices becomes a record with its
 * lease, the file goes; an entry whose container id is no file name is
 * refused and the file stays.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin-attmig.h"
#include "admin-attstore.h"
#include "ctrstate.h"
#include "unit-file.h"
#include "unit-request.h"
#include "shared/cleanup.h"
#include "tap.h"

#define NETID "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9"
#define NETWORK(name, br, subnet, gw) \
	"{\"name\":\"" name "\",\"id\":\"" NETID "\",\"driver\":\"bridge\"," \
	"\"network_interface\":\"" br "\",\"ipv6_enabled\":false,\"internal\":false," \
	"\"dns_enabled\":false,\"subnets\":[{\"subnet\":\"" subnet "\",\"gateway\":\"" gw "\"}]}"
#define BLUE NETWORK("blue", "netd0", "10.80.0.0/24", "10.80.0.1")
#define RED NETWORK("red", "netd1", "10.81.0.0/24", "10.81.0.1")
/* A request of container @id on blue (and red, when @two) with address 10.80.0.@ip. */
#define REQ(id, ip, two) \
	"{\"container_id\":\"" id "\",\"container_name\":\"" id "\",\"networks\":{" \
	"\"blue\":{\"interface_name\":\"eth0\",\"static_ips\":[\"10.80.0." ip "\"]}" \
	two "},\"network_info\":{\"blue\":" BLUE "}}"
#define REQ2(id) \
	"{\"container_id\":\"" id "\",\"container_name\":\"" id "\",\"networks\":{" \
	"\"blue\":{\"interface_name\":\"eth0\",\"static_ips\":[\"10.80.0.9\"]}," \
	"\"red\":{\"interface_name\":\"eth1\",\"static_ips\":[\"10.81.0.9\"]}}," \
	"\"network_info\":{\"blue\":" BLUE ",\"red\":" RED "}}"

static char cfg[] = "/tmp/test-admin-store.XXXXXX";
static char nets[] = "/tmp/test-admin-nets.XXXXXX";

static bool exists(const char *id)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/netd/containers/%s.json", cfg, id);
	return access(path, F_OK) == 0;
}

/* The record of request @text as container @id, with a lease of @owner (NULL: none). */
static void put_record(const char *text, const char *owner, enum ctr_lease_state state, long pid)
{
	struct nd_request *req = unit_request(text);
	struct ctr_record *rec = NULL;
	struct nd_error err = {0};

	if (!req || ctrstate_new(req, "/run/netns/x", 53, &rec, &err) < 0) {
		tap_diag("record: %s", err.msg ? err.msg : "?");
	} else {
		if (owner) {
			rec->lease = calloc(1, sizeof(*rec->lease));
			rec->lease->owner = strdup(owner);
			rec->lease->state = state;
			rec->lease->pid = pid;
		}
		if (ctrstate_write(cfg, req->container_id, rec) < 0)
			tap_diag("cannot write the record of %s", req->container_id);
	}
	nd_error_clear(&err);
	ctr_record_free(rec);
	nd_request_free(req);
}

static size_t load(struct admin_atts *atts)
{
	struct nd_error err = {0};

	if (attstore_load(cfg, atts, &err) < 0)
		tap_diag("load: %s", err.msg ? err.msg : "?");
	nd_error_clear(&err);
	return atts->n;
}

static void test_owners(void)
{
	struct admin_atts atts = {0};
	struct admin_att a = {0};
	struct nd_error err = {0};
	char path[512];

	put_record(REQ("adm1", "2", ""), ADMIN_LEASE_OWNER, CTR_LEASE_READY, 0);
	put_record(REQ("pod1", "3", ""), NULL, 0, 0);
	put_record(REQ("cni1", "4", ""), "cni", CTR_LEASE_READY, 0);
	put_record(REQ2("adm2"), ADMIN_LEASE_OWNER, CTR_LEASE_READY, 0);
	snprintf(path, sizeof(path), "%s/netd/containers/junk.json", cfg);
	unit_write_file(path, "[1,");

	tap_check_begin();
	CHECK(load(&atts) == 1);
	CHECK(atts.n == 1 && !strcmp(atts.v[0].container_id, "adm1") &&
	      !strcmp(atts.v[0].network, "blue") && !strcmp(atts.v[0].netns, "/run/netns/x") &&
	      atts.v[0].lease->state == CTR_LEASE_READY && atts.v[0].req->attach[0].n_addrs == 1);
	tap_result(tap_check_ok(), NULL,
		   "listed: the admin record only (not Podman's, another owner's, a damaged one, a corrupt file)");
	attstore_done(&atts);

	tap_check_begin();
	CHECK(attstore_fetch(cfg, "pod1", &a, &err) == -ENOENT);
	nd_error_clear(&err);
	CHECK(attstore_fetch(cfg, "cni1", &a, &err) == -ENOENT);
	nd_error_clear(&err);
	CHECK(attstore_commit(cfg, "pod1", "02:00:00:00:00:01", &err) == -ENOENT);
	nd_error_clear(&err);
	CHECK(attstore_forget(cfg, "pod1", &err) == 0 && attstore_forget(cfg, "cni1", &err) == 0 &&
	      attstore_forget(cfg, "adm2", &err) < 0);
	nd_error_clear(&err);
	CHECK(exists("pod1") && exists("cni1") && exists("adm2"));
	tap_result(tap_check_ok(), NULL, "records not admin's are never fetched, committed or removed");
}

static void test_reserve(void)
{
	struct nd_request *req = unit_request(REQ("adm3", "5", ""));
	struct netns_id ns = { .dev = 4, .ino = 77, .cookie = 9 };
	struct admin_atts atts = {0};
	struct admin_att a = {0};
	struct nd_error err = {0};

	tap_check_begin();
	CHECK(req && attstore_reserve(cfg, req, "/run/netns/y", &ns, 53, &err) == 0);
	CHECK(load(&atts) == 2 && !strcmp(atts.v[1].container_id, "adm3"));
	CHECK(atts.n == 2 && atts.v[1].lease->state == CTR_LEASE_PENDING &&
	      atts.v[1].lease->pid == (long)getpid() && atts.v[1].lease->ns.ino == 77 &&
	      admin_att_in_progress(&atts.v[1]));
	CHECK(attstore_fetch(cfg, "adm3", &a, &err) == -EBUSY);
	nd_error_clear(&err);
	attstore_done(&atts);
	CHECK(attstore_commit(cfg, "adm3", "02:00:00:00:00:05", &err) == 0);
	CHECK(attstore_fetch(cfg, "adm3", &a, &err) == 0 && a.lease->state == CTR_LEASE_READY &&
	      a.lease->pid == 0 && !strcmp(a.lease->mac, "02:00:00:00:00:05"));
	admin_att_done(&a);
	CHECK(attstore_forget(cfg, "adm3", &err) == 0 && !exists("adm3"));
	tap_result(tap_check_ok(), NULL,
		   "a reservation: pending with this pid (busy), then ready with the MAC, then removed");
	nd_error_clear(&err);
	nd_request_free(req);
}

static void test_migrate(void)
{
	char path[512], old[512];
	struct admin_atts atts = {0};
	struct nd_error err = {0};

	snprintf(path, sizeof(path), "%s/blue.json", nets);
	unit_write_file(path, BLUE);
	snprintf(old, sizeof(old), "%s/netd/attachments.json", cfg);
	unit_write_file(old, "{\"version\":1,\"attachments\":[{\"netns\":\"/run/netns/z\",\"network\":\"blue\","
		   "\"container_id\":\"adm4\",\"state\":\"attached\",\"ns_dev\":4,\"ns_ino\":88,"
		   "\"mac\":\"02:00:00:00:00:06\",\"name\":\"web\",\"interface\":\"eth0\","
		   "\"addresses\":[\"10.80.0.6\"],\"aliases\":[\"www\"],\"ports\":[]}]}");
	tap_check_begin();
	CHECK(attmig_run(cfg, nets, 53, &err) == 0);
	CHECK(access(old, F_OK) < 0 && errno == ENOENT);
	CHECK(load(&atts) == 2 && !strcmp(atts.v[1].container_id, "adm4"));
	CHECK(atts.n == 2 && atts.v[1].lease->state == CTR_LEASE_READY &&
	      atts.v[1].lease->ns.ino == 88 && !strcmp(atts.v[1].lease->mac, "02:00:00:00:00:06") &&
	      !strcmp(atts.v[1].netns, "/run/netns/z") &&
	      !strcmp(atts.v[1].req->container_name, "web") &&
	      atts.v[1].req->attach[0].n_aliases == 1);
	CHECK(attmig_run(cfg, nets, 53, &err) == 0);
	tap_result(tap_check_ok(), NULL, "attachments.json moved into a record with its lease, then removed");
	if (err.msg)
		tap_diag("%s", err.msg);
	nd_error_clear(&err);
	attstore_done(&atts);

	unit_write_file(old, "{\"version\":1,\"attachments\":[{\"netns\":\"/run/netns/z\",\"network\":\"blue\","
		   "\"container_id\":\"../../evil\",\"state\":\"attached\",\"ns_dev\":4,\"ns_ino\":88,"
		   "\"name\":\"web\",\"interface\":\"eth0\",\"addresses\":[\"10.80.0.7\"],"
		   "\"aliases\":[],\"ports\":[]}]}");
	tap_check_begin();
	CHECK(attmig_run(cfg, nets, 53, &err) < 0 && err.msg && strstr(err.msg, "../../evil"));
	CHECK(access(old, F_OK) == 0);
	snprintf(path, sizeof(path), "%s/../evil.json", cfg);
	CHECK(access(path, F_OK) < 0);
	tap_result(tap_check_ok(), NULL, "an entry whose id is no file name: refused, the file stays");
	nd_error_clear(&err);
	unlink(old);
}

int main(void)
{
	char cmd[600];

	if (!mkdtemp(cfg) || !mkdtemp(nets)) {
		tap_result(false, NULL, "mkdtemp");
		return tap_finish();
	}
	test_owners();
	test_reserve();
	test_migrate();
	snprintf(cmd, sizeof(cmd), "rm -rf --one-file-system '%s' '%s'", cfg, nets);
	if (system(cmd) != 0)
		tap_diag("cannot remove %s", cfg);
	return tap_finish();
}
