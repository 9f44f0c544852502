// SPDX-License-Identifier: Apache-2.0
/*
 * The container record (netd/core/ctrstate.c): merging a setup into it (a first
 * network, a second one beside it), removing a network, the published ports
 * staying with the network that carries them, and a corrupt record on disk
 * being ignored with a warning that names it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctrstate.h"
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

static json_object *merge(json_object *old, const struct nd_request *req, bool skip_ports,
			  const char *host_if)
{
	struct netd_opts opts = { .dns_port = 1053 };
	struct attach_rt rt[1] = {0};
	struct exec_ctx c = { .opts = &opts, .req = req, .netns_path = "/run/netns/ctr1",
			      .rt = rt, .skip_ports = skip_ports };

	snprintf(rt[0].host_name, sizeof(rt[0].host_name), "%s", host_if);
	return ctrstate_merge(old, &c);
}

static void test_merge_remove(void)
{
	struct nd_request *podman = unit_request(REQ_PODMAN), *net2 = unit_request(REQ_NET2);
	json_object *r1, *r2, *r3, *r4;

	if (!podman || !net2) {
		tap_result(false, NULL, "requests parse");
		goto out;
	}
	r1 = merge(NULL, podman, false, "veth0");
	tap_check_begin();
	CHECK(r1);
	CHECK(json_object_get_int(at(r1, "version")) == 2);
	CHECK(str_is(r1, "container_id", "c0ffee"));
	CHECK(str_is(r1, "container_name", "web"));
	CHECK(str_is(r1, "netns", "/run/netns/ctr1"));
	CHECK(json_object_get_int(at(r1, "dns_port")) == 1053);
	CHECK(str_is(r1, "ports_network", "podman"));
	CHECK(networks_are(r1, "podman"));
	CHECK(!strcmp(json_object_get_string(json_object_array_get_idx(
		at(r1, "request.networks.podman.static_ips"), 0)), "10.88.0.2"));
	CHECK(json_object_array_length(at(r1, "request.port_mappings")) == 1);
	CHECK(str_is(r1, "links.podman.interface", "eth0"));
	CHECK(str_is(r1, "links.podman.host_interface", "veth0"));
	CHECK(str_is(r1, "links.podman.bridge", "podman0"));
	tap_result(tap_check_ok(), NULL, "merge into no record: the first network, its link, its ports");

	/* connect net2: setup runs with skip_ports, as podman already carries them. */
	r2 = merge(r1, net2, true, "veth1");
	tap_check_begin();
	CHECK(r2);
	CHECK(networks_are(r2, "podman net2"));
	CHECK(str_is(r2, "links.net2.interface", "eth1"));
	CHECK(str_is(r2, "links.net2.host_interface", "veth1"));
	CHECK(str_is(r2, "links.net2.bridge", "podman1"));
	CHECK(str_is(r2, "links.podman.host_interface", "veth0"));
	CHECK(str_is(r2, "ports_network", "podman"));
	CHECK(json_object_array_length(at(r2, "request.port_mappings")) == 1);
	CHECK(keys_are(r1, "request.networks", "podman"));
	tap_result(tap_check_ok(), NULL,
		   "merge a second network: both kept, ports stay with the first, old record untouched");

	{
		/* The request text of the merged record parses to both attachments. */
		struct nd_request *both = NULL;
		struct nd_error err = {0};
		const char *text = ctrstate_request_text(r2);
		bool ok = text && request_parse(text, strlen(text), &both, &err) == 0 &&
			  both->n_attach == 2 && both->n_ports == 1 &&
			  strcmp(both->container_id, "c0ffee") == 0;
		tap_result(ok, NULL, "the merged record's request text parses: 2 attachments, 1 port");
		if (err.msg)
			tap_diag("%s", err.msg);
		nd_error_clear(&err);
		nd_request_free(both);
	}

	r3 = ctrstate_remove(r2, net2);
	tap_check_begin();
	CHECK(r3);
	CHECK(networks_are(r3, "podman"));
	CHECK(str_is(r3, "ports_network", "podman"));
	tap_result(tap_check_ok(), NULL, "remove the second network: the ports network stays");

	r4 = ctrstate_remove(r2, podman);
	tap_check_begin();
	CHECK(r4);
	CHECK(networks_are(r4, "net2"));
	CHECK(!at(r4, "ports_network"));
	CHECK(json_object_array_length(at(r4, "request.port_mappings")) == 1);
	tap_result(tap_check_ok(), NULL,
		   "remove the ports network: ports_network dropped, the mappings kept to move");

	{
		json_object *none = ctrstate_remove(r3, podman);
		tap_result(!none, NULL, "remove the last network: no record left");
		json_object_put(none);
	}
	tap_result(!ctrstate_remove(NULL, podman), NULL, "remove from no record: none");
	json_object_put(r1);
	json_object_put(r2);
	json_object_put(r3);
	json_object_put(r4);
out:
	nd_request_free(podman);
	nd_request_free(net2);
}

/* Run ctrstate_load() with stderr captured into @log. */
static json_object *load_capturing(const char *dir, const char *id, char *log, size_t size)
{
	char tmpl[] = "/tmp/test-ctrstate-log.XXXXXX";
	int fd = mkstemp(tmpl), saved = dup(2);
	json_object *st;
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

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		tap_diag("cannot write %s", path);
	if (fd >= 0)
		close(fd);
}

static void test_load(void)
{
	char dir[] = "/tmp/test-ctrstate.XXXXXX", sub[300], path[400], log[1024], want[600];
	json_object *st;

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

	write_file(path, "{\"version\":2,\"ports_network\":\"podman\"}");
	st = load_capturing(dir, "c0ffee", log, sizeof(log));
	tap_result(st && str_is(st, "ports_network", "podman") &&
		   strcmp(ctrstate_ports_network(st), "podman") == 0 && !log[0],
		   NULL, "a record is loaded");
	json_object_put(st);

	write_file(path, "[1,2,3]");
	st = load_capturing(dir, "c0ffee", log, sizeof(log));
	snprintf(want, sizeof(want), "state file %s is corrupt (not a JSON object); ignoring it", path);
	if (!tap_result(!st && strstr(log, want), NULL, "a corrupt record (JSON, not an object) is named"))
		tap_diag("log: %s", log);
	json_object_put(st);

	write_file(path, "{\"version\":2,");
	st = load_capturing(dir, "c0ffee", log, sizeof(log));
	if (!tap_result(!st && strstr(log, want), NULL, "a corrupt record (truncated JSON) is named"))
		tap_diag("log: %s", log);
	json_object_put(st);

	unlink(path);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/netd", dir);
	rmdir(sub);
	rmdir(dir);
}

int main(void)
{
	test_merge_remove();
	test_load();
	return tap_finish();
}
