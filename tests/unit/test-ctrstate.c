// SPDX-License-Identifier: Apache-2.0
/*
 * The container record (netd/core/ctrstate.c): merging a setup into it (a first
 * network, a second one beside it), removing a network, the published ports
 * staying with the network that carries them, the typed record's round trip
 * through the file, a record an older netd wrote, a record whose request does
 * not parse, and a corrupt record on disk being ignored with a warning that
 * names it; a lease (a front end's hold on the container) written with a new
 * record, carried through merge and remove, read back, and gone with the
 * last network; a holder's reservation of a network before its setup
 * (ctrstate_reserve()); the scan of a directory's records (ctrstate_scan()).
 * The shape of the file is checked on ctrstate_to_json().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctrstate.h"
#include "state.h"
#include "unit-file.h"
#include "unit-request.h"
#include "shared/cleanup.h"
#include "tap.h"

#define ID1 "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9"
#define ID2 "7bd0b4f2ff3a0e5e0d7f1e86d9d8b7ad8d0e3b6f3ff34df5e2d8ee1a54b1e9c0"
#define FLAGS "\"ipv6_enabled\":false,\"internal\":false,\"dns_enabled\":false"
#define INFO(name, id, br, subnet, gw) \
	"\"" name "\":{\"name\":\"" name "\",\"id\":\"" id "\",\"driver\":\"bridge\"," \
	"\"network_interface\":\"" br "\"," FLAGS ",\"subnets\":[{\"subnet\":\"" subnet "\"," \
	"\"gateway\":\"" gw "\"}]}"
#define TOP "\"container_id\":\"c0ffee\",\"container_name\":\"web\""
#define PORTS ",\"port_mappings\":[{\"host_ip\":\"\",\"container_port\":80,\"host_port\":8080," \
	"\"range\":1,\"protocol\":\"tcp\"}]"
/* Setup of network "podman" with a published port. */
#define REQ_PODMAN "{" TOP ",\"networks\":{\"podman\":{\"interface_name\":\"eth0\"," \
	"\"static_ips\":[\"10.88.0.2\"]}},\"network_info\":{" \
	INFO("podman", ID1, "podman0", "10.88.0.0/16", "10.88.0.1") "}" PORTS "}"
/* `podman network connect` of "net2": only the new network (ports are sent again). */
#define REQ_NET2 "{" TOP ",\"networks\":{\"net2\":{\"interface_name\":\"eth1\"," \
	"\"static_ips\":[\"10.89.0.2\"]}},\"network_info\":{" \
	INFO("net2", ID2, "podman1", "10.89.0.0/24", "10.89.0.1") "}" PORTS "}"

/* The record's member at a path like "request.networks.podman"; NULL if missing. */
static json_object *at(json_object *o, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, k, &o))
			return NULL;
	return o;
}

static const char *str_at(json_object *o, const char *path)
{
	json_object *v = at(o, path);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static bool str_is(json_object *o, const char *path, const char *want)
{
	const char *got = str_at(o, path);

	if (got && strcmp(got, want) == 0)
		return true;
	tap_diag("%s: want \"%s\", got \"%s\"", path, want, got ? got : "(none)");
	return false;
}

/* The keys of the object at @path, in order, space-separated. */
static bool keys_are(json_object *o, const char *path, const char *want)
{
	json_object *v = at(o, path);
	char got[256] = "";
	size_t off = 0;

	if (v && json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, k, val) {
			(void)val;
			off += (size_t)snprintf(got + off, sizeof(got) - off, "%s%s", off ? " " : "", k);
		}
	}
	if (strcmp(got, want) == 0)
		return true;
	tap_diag("keys of %s: want \"%s\", got \"%s\"", path, want, got);
	return false;
}

/* The networks a record has: in the request, its network_info and its links. */
static bool networks_are(json_object *o, const char *want)
{
	return keys_are(o, "request.networks", want) && keys_are(o, "request.network_info", want) &&
	       keys_are(o, "links", want);
}

static struct ctr_record *merge(const struct ctr_record *old, const struct nd_request *req,
				bool skip_ports, const char *host_if)
{
	struct netd_opts opts = { .dns_port = 1053 };
	struct attach_rt rt[1] = {0};
	struct exec_ctx c = { .opts = &opts, .req = req, .netns_path = "/run/netns/ctr1",
			      .rt = rt, .skip_ports = skip_ports };
	struct ctr_record *rec = NULL;
	struct nd_error err = {0};

	snprintf(rt[0].host_name, sizeof(rt[0].host_name), "%s", host_if);
	rt[0].host_ifindex = 7;
	if (ctrstate_merge(old, &c, &rec, &err) < 0)
		tap_diag("merge: %s", err.msg ? err.msg : "failed");
	nd_error_clear(&err);
	return rec;
}

static struct ctr_record *removed(const struct ctr_record *old, const struct nd_request *req)
{
	struct ctr_record *rec = NULL;
	struct nd_error err = {0};

	if (ctrstate_remove(old, req, &rec, &err) < 0)
		tap_diag("remove: %s", err.msg ? err.msg : "failed");
	nd_error_clear(&err);
	return rec;
}

/* The JSON objects a test made, freed at its end. */
struct kept {
	json_object *v[16];
	size_t n;
};

/* The record as the file has it (NULL for no record), kept in @k. */
static json_object *J(struct kept *k, const struct ctr_record *rec)
{
	json_object *o = rec ? ctrstate_to_json(rec) : NULL;

	if (o && k->n < ELEMENTSOF(k->v))
		k->v[k->n++] = o;
	else if (o)
		json_object_put(o), o = NULL;
	return o;
}

static void test_merge_remove(void)
{
	struct nd_request *podman = unit_request(REQ_PODMAN), *net2 = unit_request(REQ_NET2);
	struct ctr_record *r1 = NULL, *r2 = NULL, *r3 = NULL, *r4 = NULL;
	json_object *j1, *j2, *j3, *j4;
	struct kept k = {0};

	if (!podman || !net2) {
		tap_result(false, NULL, "requests parse");
		goto out;
	}
	r1 = merge(NULL, podman, false, "veth0");
	j1 = J(&k, r1);
	tap_check_begin();
	CHECK(r1 && j1);
	CHECK(json_object_get_int(at(j1, "version")) == 2);
	CHECK(str_is(j1, "container_id", "c0ffee"));
	CHECK(str_is(j1, "container_name", "web"));
	CHECK(str_is(j1, "netns", "/run/netns/ctr1"));
	CHECK(json_object_get_int(at(j1, "dns_port")) == 1053);
	CHECK(str_is(j1, "ports_network", "podman"));
	CHECK(networks_are(j1, "podman"));
	CHECK(!strcmp(json_object_get_string(json_object_array_get_idx(
		at(j1, "request.networks.podman.static_ips"), 0)), "10.88.0.2"));
	CHECK(json_object_array_length(at(j1, "request.port_mappings")) == 1);
	CHECK(str_is(j1, "links.podman.interface", "eth0"));
	CHECK(str_is(j1, "links.podman.host_interface", "veth0"));
	CHECK(json_object_get_int(at(j1, "links.podman.host_ifindex")) == 7);
	CHECK(str_is(j1, "links.podman.bridge", "podman0"));
	CHECK(r1 && r1->req && r1->req->n_attach == 1 && r1->req->n_ports == 1);
	tap_result(tap_check_ok(), NULL, "merge into no record: the first network, its link, its ports");

	/* connect net2: setup runs with skip_ports, as podman already carries them. */
	r2 = merge(r1, net2, true, "veth1");
	j2 = J(&k, r2);
	tap_check_begin();
	CHECK(r2 && j2);
	CHECK(networks_are(j2, "podman net2"));
	CHECK(str_is(j2, "links.net2.interface", "eth1"));
	CHECK(str_is(j2, "links.net2.host_interface", "veth1"));
	CHECK(str_is(j2, "links.net2.bridge", "podman1"));
	CHECK(str_is(j2, "links.podman.host_interface", "veth0"));
	CHECK(str_is(j2, "ports_network", "podman"));
	CHECK(json_object_array_length(at(j2, "request.port_mappings")) == 1);
	CHECK(keys_are(J(&k, r1), "request.networks", "podman"));
	tap_result(tap_check_ok(), NULL,
		   "merge a second network: both kept, ports stay with the first, old record untouched");

	tap_result(r2 && r2->req && r2->req->n_attach == 2 && r2->req->n_ports == 1 &&
		   strcmp(r2->req->container_id, "c0ffee") == 0, NULL,
		   "the merged record's request is typed: 2 attachments, 1 port");

	r3 = removed(r2, net2);
	j3 = J(&k, r3);
	tap_check_begin();
	CHECK(r3 && j3);
	CHECK(networks_are(j3, "podman"));
	CHECK(str_is(j3, "ports_network", "podman"));
	CHECK(r3 && r3->req && r3->req->n_attach == 1);
	tap_result(tap_check_ok(), NULL, "remove the second network: the ports network stays");

	r4 = removed(r2, podman);
	j4 = J(&k, r4);
	tap_check_begin();
	CHECK(r4 && j4);
	CHECK(networks_are(j4, "net2"));
	CHECK(!at(j4, "ports_network"));
	CHECK(json_object_array_length(at(j4, "request.port_mappings")) == 1);
	CHECK(r4 && !r4->ports_network && r4->req && r4->req->n_ports == 1);
	tap_result(tap_check_ok(), NULL,
		   "remove the ports network: ports_network dropped, the mappings kept to move");

	{
		struct ctr_record *none = removed(r3, podman);
		tap_result(!none, NULL, "remove the last network: no record left");
		ctr_record_free(none);
	}
	tap_result(!removed(NULL, podman), NULL, "remove from no record: none");
out:
	ctr_record_free(r1);
	ctr_record_free(r2);
	ctr_record_free(r3);
	ctr_record_free(r4);
	for (size_t i = 0; i < k.n; i++)
		json_object_put(k.v[i]);
	nd_request_free(podman);
	nd_request_free(net2);
}

/* Run ctrstate_load() with stderr captured into @log. */
static struct ctr_record *load_capturing(const char *dir, const char *id, char *log, size_t size)
{
	char tmpl[] = "/tmp/test-ctrstate-log.XXXXXX";
	int fd = mkstemp(tmpl), saved = dup(2);
	struct ctr_record *st;
	ssize_t n;

	fflush(stderr);
	dup2(fd, 2);
	st = ctrstate_load(dir, id);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, log, size - 1, 0);
	log[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(tmpl);
	return st;
}

/* The record as its file has it, compact text (heap), or NULL. */
static char *text_of(const struct ctr_record *rec)
{
	json_object *o = rec ? ctrstate_to_json(rec) : NULL;
	char *s = o ? strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN)) : NULL;

	json_object_put(o);
	return s;
}

/* Typed → file → typed: the same record, the same file. */
static void test_round_trip(const char *dir, const char *path)
{
	struct nd_request *podman = unit_request(REQ_PODMAN), *net2 = unit_request(REQ_NET2);
	struct ctr_record *r1 = podman ? merge(NULL, podman, false, "veth0") : NULL;
	struct ctr_record *r2 = r1 && net2 ? merge(r1, net2, true, "veth1") : NULL, *back = NULL;
	_cleanup_free_ char *want = text_of(r2), *got = NULL;
	char name[IFNAMSIZ] = "", log[256];
	int ifindex = 0;

	tap_check_begin();
	CHECK(r2 && ctrstate_write(dir, "c0ffee", r2) == 0);
	back = load_capturing(dir, "c0ffee", log, sizeof(log));
	got = text_of(back);
	CHECK(back && want && got && strcmp(want, got) == 0);
	CHECK(back && back->version == 2 && !strcmp(back->container_id, "c0ffee") &&
	      !strcmp(back->container_name, "web") && !strcmp(back->netns, "/run/netns/ctr1"));
	CHECK(ctrstate_dns_port(back, 53) == 1053 && back && !strcmp(back->ports_network, "podman"));
	CHECK(back && back->n_links == 2 && back->req && back->req->n_attach == 2 &&
	      back->req->n_ports == 1);
	CHECK(ctrstate_link(back, "net2", name, &ifindex) == 0 && !strcmp(name, "veth1") &&
	      ifindex == 7);
	CHECK(ctrstate_link(back, "nosuch", name, &ifindex) == -ENOENT);
	CHECK(!log[0]);
	if (!tap_result(tap_check_ok(), NULL, "round trip: written and read back, the same record"))
		tap_diag("want %s\ngot  %s", want ? want : "(none)", got ? got : "(none)");
	unlink(path);
	ctr_record_free(back);
	ctr_record_free(r1);
	ctr_record_free(r2);
	nd_request_free(podman);
	nd_request_free(net2);
}

/* A record of netd's first format ("version": 1, the request as Podman sent it). */
static void test_old_format(const char *dir, const char *path)
{
	struct ctr_record *st;
	char name[IFNAMSIZ], log[256];
	int ifindex;

	unit_write_file(path, "{\"version\":1,\"container_id\":\"c0ffee\",\"container_name\":\"web\","
		   "\"netns\":\"/run/netns/old\",\"links\":{\"podman\":{\"interface\":\"eth0\","
		   "\"host_interface\":\"veth9\",\"bridge\":\"podman0\"}},\"request\":"
		   REQ_PODMAN "}");
	st = load_capturing(dir, "c0ffee", log, sizeof(log));
	tap_check_begin();
	CHECK(st && st->version == 1 && !strcmp(st->netns, "/run/netns/old"));
	CHECK(ctrstate_dns_port(st, 53) == 53 && !ctrstate_ports_network(st));
	CHECK(st && st->n_links == 1 && !strcmp(st->links[0].interface, "eth0") &&
	      !strcmp(st->links[0].bridge, "podman0") && st->links[0].host_ifindex == 0);
	CHECK(ctrstate_link(st, "podman", name, &ifindex) == -ENOENT);
	CHECK(st && st->req && st->req->n_attach == 1 && st->req->n_ports == 1 && !st->req_err.msg);
	CHECK(!log[0]);
	tap_result(tap_check_ok(), NULL,
		   "a version 1 record: read, no ifindex (no host veth to trust), its request typed");
	ctr_record_free(st);
	unlink(path);
}

/* A record whose request does not parse: the rest is read, the parser's message kept. */
static void test_bad_request(const char *dir, const char *path)
{
	struct nd_request *podman = unit_request(REQ_PODMAN);
	struct ctr_record *st, *rest = NULL;
	struct nd_error err = {0};
	char log[256];

	unit_write_file(path, "{\"version\":2,\"ports_network\":\"podman\",\"links\":{\"podman\":"
		   "{\"host_interface\":\"veth0\",\"host_ifindex\":12}},"
		   "\"request\":{\"container_id\":7}}");
	st = load_capturing(dir, "c0ffee", log, sizeof(log));
	tap_check_begin();
	CHECK(st && !st->req && st->req_err.code < 0 && st->req_err.msg);
	CHECK(st && st->n_links == 1 && st->links[0].host_ifindex == 12);
	CHECK(!strcmp(ctrstate_ports_network(st), "podman"));
	CHECK(!log[0]);
	CHECK(podman && ctrstate_remove(st, podman, &rest, &err) == 0 && !rest);
	if (!tap_result(tap_check_ok(), NULL,
			"a record whose request does not parse: read, the reason kept, nothing to keep on teardown"))
		tap_diag("req_err: %s", st && st->req_err.msg ? st->req_err.msg : "(none)");
	nd_error_clear(&err);
	ctr_record_free(st);
	nd_request_free(podman);
	unlink(path);
}

/* A holder's record before setup (ctrstate_new()) with its lease, through setup and teardown. */
static void test_lease(const char *dir, const char *path)
{
	struct nd_request *podman = unit_request(REQ_PODMAN), *net2 = unit_request(REQ_NET2);
	struct ctr_record *r0 = NULL, *r1 = NULL, *r2 = NULL, *r3 = NULL, *back = NULL;
	struct nd_error err = {0};
	struct kept k = {0};
	json_object *j0, *j1;
	char log[256];

	tap_check_begin();
	CHECK(podman && net2 && ctrstate_new(podman, "/run/netns/ctr1", 1053, &r0, &err) == 0);
	if (r0 && (r0->lease = calloc(1, sizeof(*r0->lease))) &&
	    (r0->lease->owner = strdup("admin"))) {
		r0->lease->pid = 4242;
		r0->lease->ns = (struct netns_id){ .dev = 4, .ino = 4026532577u, .cookie = 9 };
	}
	j0 = J(&k, r0);
	CHECK(j0 && str_is(j0, "lease.owner", "admin") && str_is(j0, "lease.state", "pending"));
	CHECK(json_object_get_int(at(j0, "lease.pid")) == 4242 &&
	      json_object_get_int64(at(j0, "lease.ns_ino")) == 4026532577 &&
	      json_object_get_int(at(j0, "lease.ns_cookie")) == 9 && !at(j0, "lease.mac"));
	CHECK(j0 && str_is(j0, "ports_network", "podman") && str_is(j0, "netns", "/run/netns/ctr1") &&
	      keys_are(j0, "request.networks", "podman") && json_object_get_int(at(j0, "dns_port")) == 1053 &&
	      keys_are(j0, "links", ""));
	tap_result(tap_check_ok(), NULL, "a new record: the request, its ports network, the lease pending");

	/* The holder's setup then runs with this record as the previous one. */
	r1 = r0 ? merge(r0, podman, false, "veth0") : NULL;
	j1 = J(&k, r1);
	tap_check_begin();
	CHECK(j1 && networks_are(j1, "podman") && str_is(j1, "ports_network", "podman"));
	CHECK(json_object_array_length(at(j1, "request.port_mappings")) == 1);
	CHECK(r1 && r1->lease && !strcmp(r1->lease->owner, "admin") &&
	      r1->lease->state == CTR_LEASE_PENDING && r1->lease->pid == 4242);
	tap_result(tap_check_ok(), NULL, "setup over the new record: as a first setup, the lease kept");

	if (r1 && r1->lease) {
		r1->lease->state = CTR_LEASE_READY;
		r1->lease->pid = 0;
		snprintf(r1->lease->mac, sizeof(r1->lease->mac), "02:00:00:00:00:01");
	}
	tap_check_begin();
	CHECK(r1 && ctrstate_write(dir, "c0ffee", r1) == 0);
	back = load_capturing(dir, "c0ffee", log, sizeof(log));
	CHECK(back && back->lease && !strcmp(back->lease->owner, "admin") &&
	      back->lease->state == CTR_LEASE_READY && back->lease->pid == 0 &&
	      back->lease->ns.dev == 4 && back->lease->ns.ino == 4026532577u &&
	      back->lease->ns.cookie == 9 && !strcmp(back->lease->mac, "02:00:00:00:00:01"));
	CHECK(!log[0]);
	tap_result(tap_check_ok(), NULL, "the lease read back as written");

	r2 = back ? merge(back, net2, true, "veth1") : NULL;
	r3 = r2 ? removed(r2, net2) : NULL;
	tap_check_begin();
	CHECK(r2 && r2->lease && r2->lease->state == CTR_LEASE_READY);
	CHECK(r3 && r3->lease && !strcmp(r3->lease->mac, "02:00:00:00:00:01"));
	CHECK(!removed(r3, podman));
	tap_result(tap_check_ok(), NULL,
		   "the lease stays through another setup and teardown, and goes with the last network");

	unit_write_file(path, "{\"version\":2,\"lease\":{\"state\":\"ready\"}}");
	ctr_record_free(back);
	back = load_capturing(dir, "c0ffee", log, sizeof(log));
	tap_result(back && !back->lease && !log[0], NULL, "a lease without owner: none");
	unlink(path);
	for (size_t i = 0; i < k.n; i++)
		json_object_put(k.v[i]);
	nd_error_clear(&err);
	ctr_record_free(back);
	ctr_record_free(r0);
	ctr_record_free(r1);
	ctr_record_free(r2);
	ctr_record_free(r3);
	nd_request_free(podman);
	nd_request_free(net2);
}

/*
 * A holder's record before its setup: @old's networks with the new one's
 * request beside them, the new one's link not there (its setup has not run),
 * the ports where they were, the lease kept.
 */
static void test_reserve(void)
{
	struct nd_request *podman = unit_request(REQ_PODMAN), *net2 = unit_request(REQ_NET2);
	struct ctr_record *n0 = NULL, *r0 = NULL, *r1 = NULL, *r2 = NULL;
	struct nd_error err = {0};
	struct kept k = {0};
	json_object *jn, *j0, *j1, *j2;

	tap_check_begin();
	CHECK(podman && net2 && ctrstate_reserve(NULL, podman, "/run/netns/ctr1", 1053, &n0, &err) == 0);
	CHECK(podman && ctrstate_new(podman, "/run/netns/ctr1", 1053, &r0, &err) == 0);
	jn = J(&k, n0);
	j0 = J(&k, r0);
	CHECK(jn && j0 && json_object_equal(jn, j0));
	tap_result(tap_check_ok(), NULL, "reserve without a record: ctrstate_new()");

	ctr_record_free(r0);
	r0 = n0 ? merge(n0, podman, false, "veth0") : NULL;
	if (r0 && (r0->lease = calloc(1, sizeof(*r0->lease))))
		r0->lease->owner = strdup("cni");
	tap_check_begin();
	CHECK(r0 && r0->lease && r0->lease->owner &&
	      ctrstate_reserve(r0, net2, "/run/netns/ctr1", 1053, &r1, &err) == 0);
	j1 = J(&k, r1);
	CHECK(j1 && keys_are(j1, "request.networks", "podman net2") &&
	      keys_are(j1, "request.network_info", "podman net2") && keys_are(j1, "links", "podman"));
	CHECK(j1 && str_is(j1, "ports_network", "podman") &&
	      json_object_array_length(at(j1, "request.port_mappings")) == 1 &&
	      str_is(j1, "links.podman.host_interface", "veth0"));
	CHECK(r1 && r1->lease && !strcmp(r1->lease->owner, "cni"));
	tap_result(tap_check_ok(), NULL,
		   "reserve beside a network: both requested, only the set-up one linked, ports and lease kept");

	tap_check_begin();
	CHECK(r1 && ctrstate_reserve(r1, podman, "/run/netns/ctr1", 1053, &r2, &err) == 0);
	j2 = J(&k, r2);
	CHECK(j2 && keys_are(j2, "request.networks", "podman net2") && keys_are(j2, "links", ""));
	tap_result(tap_check_ok(), NULL, "reserve of a network set up before: its link goes (unfinished again)");

	for (size_t i = 0; i < k.n; i++)
		json_object_put(k.v[i]);
	nd_error_clear(&err);
	ctr_record_free(n0);
	ctr_record_free(r0);
	ctr_record_free(r1);
	ctr_record_free(r2);
	nd_request_free(podman);
	nd_request_free(net2);
}

/* What the scan saw: "id:r" for each file, in order. */
struct seen {
	char ids[256];
	size_t off;
	int stop_at;	/* return -EINTR at this call (1-based); 0: never */
	int calls;
};

static int saw(const char *id, const char *path, struct ctr_record *rec, int r, void *arg)
{
	struct seen *s = arg;

	(void)path;
	ctr_record_free(rec);
	s->off += (size_t)snprintf(s->ids + s->off, sizeof(s->ids) - s->off, "%s%s:%d",
				   s->off ? " " : "", id, r);
	return ++s->calls == s->stop_at ? -EINTR : 0;
}

/* Every record of a directory, in name order; what cannot be read is said, not followed. */
static void test_scan(const char *dir, const char *sub)
{
	char a[400], b[400], tmp[400], other[400], link[400], want[128];
	struct seen s = {0}, stop = { .stop_at = 1 }, none = {0};
	int r;

	snprintf(a, sizeof(a), "%s/a.json", sub);
	snprintf(b, sizeof(b), "%s/b.json", sub);
	snprintf(tmp, sizeof(tmp), "%s/.a.json.tmp.json", sub);
	snprintf(other, sizeof(other), "%s/c.txt", sub);
	snprintf(link, sizeof(link), "%s/d.json", sub);
	unit_write_file(a, "{\"version\":2,\"container_id\":\"a\"}");
	unit_write_file(b, "[1]");
	unit_write_file(tmp, "{\"version\":2}");
	unit_write_file(other, "{\"version\":2}");
	if (symlink(a, link) < 0)
		tap_diag("symlink: %s", strerror(errno));
	r = ctrstate_scan(dir, saw, &s);
	snprintf(want, sizeof(want), "a:0 b:%d d:%d", -EBADMSG, -ELOOP);
	if (!tap_result(r == 0 && strcmp(s.ids, want) == 0, NULL,
			"scan: records in name order; a corrupt one and a symlink reported, not read; temporaries and other files skipped"))
		tap_diag("got %d \"%s\", want \"%s\"", r, s.ids, want);
	r = ctrstate_scan(dir, saw, &stop);
	tap_result(r == -EINTR && stop.calls == 1, NULL, "scan: the callback's failure stops it");
	r = ctrstate_scan(a, saw, &none);
	tap_result(r == -ENOTDIR && none.calls == 0, NULL, "scan: a config dir that is no directory fails");
	snprintf(want, sizeof(want), "%s/missing", dir);
	r = ctrstate_scan(want, saw, &none);
	tap_result(r == 0 && none.calls == 0, NULL, "scan: no records directory, no records");
	unlink(a);
	unlink(b);
	unlink(tmp);
	unlink(other);
	unlink(link);
}

static void test_load(void)
{
	char dir[] = "/tmp/test-ctrstate.XXXXXX", sub[300], path[400], log[1024], want[600];
	struct ctr_record *st;

	if (!mkdtemp(dir)) {
		tap_result(false, NULL, "mkdtemp");
		return;
	}
	snprintf(sub, sizeof(sub), "%s/netd", dir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof(sub), "%s/netd/containers", dir);
	mkdir(sub, 0700);
	snprintf(path, sizeof(path), "%s/c0ffee.json", sub);

	st = load_capturing(dir, "c0ffee", log, sizeof(log));
	tap_result(!st && !log[0], NULL, "no record: NULL, nothing logged");

	unit_write_file(path, "{\"version\":2,\"ports_network\":\"podman\"}");
	st = load_capturing(dir, "c0ffee", log, sizeof(log));
	tap_result(st && st->version == 2 && strcmp(ctrstate_ports_network(st), "podman") == 0 &&
		   !st->req && !st->req_err.msg && !log[0],
		   NULL, "a record is loaded");
	ctr_record_free(st);

	test_round_trip(dir, path);
	test_old_format(dir, path);
	test_bad_request(dir, path);
	test_lease(dir, path);
	test_scan(dir, sub);

	unit_write_file(path, "[1,2,3]");
	st = load_capturing(dir, "c0ffee", log, sizeof(log));
	snprintf(want, sizeof(want), "state file %s is corrupt (not a JSON object); ignoring it", path);
	if (!tap_result(!st && strstr(log, want), NULL, "a corrupt record (JSON, not an object) is named"))
		tap_diag("log: %s", log);
	ctr_record_free(st);

	unit_write_file(path, "{\"version\":2,");
	st = load_capturing(dir, "c0ffee", log, sizeof(log));
	if (!tap_result(!st && strstr(log, want), NULL, "a corrupt record (truncated JSON) is named"))
		tap_diag("log: %s", log);
	ctr_record_free(st);

	/* No path is built from an id that is no file name: nothing is read outside. */
	unit_write_file(path, "{\"version\":2,\"ports_network\":\"podman\"}");
	st = load_capturing(sub, "../containers/c0ffee", log, sizeof(log));
	tap_result(!st && !state_container_path(dir, "../x") && errno == EINVAL &&
		   !state_container_path(dir, "a/b") && !state_container_path(dir, ""),
		   NULL, "an id that is no file name makes no path and loads nothing");
	ctr_record_free(st);

	/* A symlink in a record's place is not followed, and is named. */
	unlink(path);
	snprintf(want, sizeof(want), "%s/elsewhere.json", dir);
	unit_write_file(want, "{\"version\":2,\"ports_network\":\"podman\"}");
	if (symlink(want, path) == 0) {
		st = load_capturing(dir, "c0ffee", log, sizeof(log));
		if (!tap_result(!st && strstr(log, "is a symbolic link, which netd never writes"), NULL,
				"a symlink in a record's place is not followed"))
			tap_diag("log: %s", log);
		ctr_record_free(st);
	} else {
		tap_result(false, NULL, "symlink");
	}
	unlink(want);

	unlink(path);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/netd", dir);
	rmdir(sub);
	rmdir(dir);
}

int main(void)
{
	test_merge_remove();
	test_reserve();
	test_load();
	return tap_finish();
}
