// SPDX-License-Identifier: Apache-2.0
/*
 * <config>/netd/attachments.json: every namespace attached by `netd attach`,
 * with the netavark request it was set up with (its addresses are the
 * allocation). Read and written under the state lock (state_lock()); the
 * file is replaced atomically.
 *
 *   {"version": 1, "attachments": [{"netns": "/run/netns/web",
 *     "network": "blue", "container_id": "<64 hex>", "state": "attached",
 *     "pid": 0, "ns_dev": 4, "ns_ino": 4026532577, "mac": "aa:bb:..",
 *     "request": {...}}, ...]}
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "admin-attstore.h"
#include "jsonutil.h"
#include "request.h"
#include "state.h"
#include "shared/cleanup.h"

#define MAX_ATT_FILE (64u << 20)

static char *store_path(const char *config)
{
	char *p = NULL;

	return asprintf(&p, "%s/netd/attachments.json", config) < 0 ? NULL : p;
}

void admin_att_done(struct admin_att *a)
{
	free(a->netns);
	free(a->network);
	free(a->container_id);
	json_object_put(a->request);
	nd_request_free(a->req);
	*a = (struct admin_att){0};
}

void attstore_done(struct admin_atts *s)
{
	for (size_t i = 0; i < s->n; i++)
		admin_att_done(&s->v[i]);
	free(s->v);
	*s = (struct admin_atts){0};
}

int admin_att_parse(struct admin_att *a, struct nd_error *err)
{
	const char *text = json_object_to_json_string_ext(a->request, JSON_C_TO_STRING_PLAIN);
	int r;

	nd_request_free(a->req);
	a->req = NULL;
	r = request_parse(text, strlen(text), &a->req, err);
	if (r < 0)
		return r;
	if (a->req->n_attach != 1 || strcmp(a->req->attach[0].net->name, a->network) != 0 ||
	    strcmp(a->req->container_id, a->container_id) != 0)
		return nd_error_set(err, -EINVAL,
				    "its request is not the one network \"%s\" of container %s",
				    a->network, a->container_id);
	return 0;
}

static int parse_one(json_object *o, const char *path, struct admin_att *a, struct nd_error *err)
{
	_cleanup_free_ char *state = NULL, *mac = NULL;
	int64_t v;
	int r;

	if ((r = ju_expect_type(o, json_type_object, path, err)) < 0 ||
	    (r = ju_string(o, "netns", true, path, &a->netns, err)) < 0 ||
	    (r = ju_string(o, "network", true, path, &a->network, err)) < 0 ||
	    (r = ju_string(o, "container_id", true, path, &a->container_id, err)) < 0 ||
	    (r = ju_string(o, "state", true, path, &state, err)) < 0 ||
	    (r = ju_string(o, "mac", false, path, &mac, err)) < 0)
		return r;
	if (strcmp(state, "attached") == 0)
		a->state = ADMIN_ATT_ATTACHED;
	else if (strcmp(state, "attaching") == 0)
		a->state = ADMIN_ATT_ATTACHING;
	else
		return nd_error_set(err, -EINVAL, "%s.state: unknown state \"%s\"", path, state);
	if ((r = ju_int(o, "pid", false, 0, INT32_MAX, path, &v, NULL, err)) < 0)
		return r;
	a->pid = (long)v;
	if ((r = ju_int(o, "ns_dev", true, 0, INT64_MAX, path, &v, NULL, err)) < 0)
		return r;
	a->ns.dev = (uint64_t)v;
	if ((r = ju_int(o, "ns_ino", true, 0, INT64_MAX, path, &v, NULL, err)) < 0)
		return r;
	a->ns.ino = (uint64_t)v;
	if ((r = ju_int(o, "ns_cookie", false, 0, INT64_MAX, path, &v, NULL, err)) < 0)
		return r;
	a->ns.cookie = (uint64_t)v;	/* 0 when absent: a record from before cookies */
	snprintf(a->mac, sizeof(a->mac), "%s", mac ? mac : "");
	a->request = json_object_get(ju_get(o, "request"));
	if (!a->request)
		return nd_error_set(err, -EINVAL, "%s.request: required field is missing", path);
	r = admin_att_parse(a, err);
	if (r < 0)
		nd_error_prefix(err, "%s.request", path);
	return r;
}

int attstore_load(const char *config, struct admin_atts *ret, struct nd_error *err)
{
	_cleanup_free_ char *path = store_path(config), *buf = NULL;
	struct admin_atts s = {0};
	json_object *root = NULL, *arr;
	size_t len, n;
	int r;

	if (!path)
		return -ENOMEM;
	r = state_read_file(path, MAX_ATT_FILE, &buf, &len);
	if (r == -ENOENT) {
		*ret = s;
		return 0;
	}
	if (r < 0)
		return nd_error_set(err, r, "cannot read %s: %s", path, strerror(-r));
	if ((r = ju_parse(buf, len, &root, err)) < 0 ||
	    (r = ju_array(root, "attachments", true, "", &arr, err)) < 0)
		goto fail;
	n = json_object_array_length(arr);
	s.v = calloc(n ? n : 1, sizeof(*s.v));
	if (!s.v) {
		r = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = ju_path_idx("attachments", i);
		s.n = i + 1;
		r = parse_one(json_object_array_get_idx(arr, i), p, &s.v[i], err);
		if (r < 0)
			goto fail;
	}
	json_object_put(root);
	*ret = s;
	return 0;
fail:
	nd_error_prefix(err, "%s is corrupt", path);
	json_object_put(root);
	attstore_done(&s);
	return r;
}

int attstore_save(const char *config, const struct admin_atts *s, struct nd_error *err)
{
	_cleanup_free_ char *path = store_path(config), *dir = NULL;
	json_object *root = json_object_new_object(), *arr = json_object_new_array();
	const char *text;
	int r;

	json_object_object_add(root, "version", json_object_new_int(1));
	json_object_object_add(root, "attachments", arr);
	for (size_t i = 0; i < s->n; i++) {
		const struct admin_att *a = &s->v[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "netns", json_object_new_string(a->netns));
		json_object_object_add(o, "network", json_object_new_string(a->network));
		json_object_object_add(o, "container_id", json_object_new_string(a->container_id));
		json_object_object_add(o, "state", json_object_new_string(
					       a->state == ADMIN_ATT_ATTACHED ? "attached" : "attaching"));
		if (a->state == ADMIN_ATT_ATTACHING)
			json_object_object_add(o, "pid", json_object_new_int64(a->pid));
		json_object_object_add(o, "ns_dev", json_object_new_int64((int64_t)a->ns.dev));
		json_object_object_add(o, "ns_ino", json_object_new_int64((int64_t)a->ns.ino));
		if (a->ns.cookie)
			json_object_object_add(o, "ns_cookie",
					       json_object_new_int64((int64_t)a->ns.cookie));
		if (a->mac[0])
			json_object_object_add(o, "mac", json_object_new_string(a->mac));
		json_object_object_add(o, "request", json_object_get(a->request));
		json_object_array_add(arr, o);
	}
	if (!path || asprintf(&dir, "%s/netd", config) < 0) {
		json_object_put(root);
		return -ENOMEM;
	}
	r = state_mkdir_under(config, "netd", 0700);
	if (r < 0) {
		json_object_put(root);
		return nd_error_set(err, r, "cannot create %s: %s", dir, strerror(-r));
	}
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE);
	r = state_write_atomic(path, text, strlen(text));
	json_object_put(root);
	if (r < 0)
		return nd_error_set(err, r, "cannot write %s: %s", path, strerror(-r));
	return 0;
}

int attstore_add(struct admin_atts *s, struct admin_att *a)
{
	struct admin_att *v = realloc(s->v, (s->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->v = v;
	s->v[s->n++] = *a;
	*a = (struct admin_att){0};
	return 0;
}

void attstore_remove(struct admin_atts *s, size_t i)
{
	admin_att_done(&s->v[i]);
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
	s->n--;
}

long attstore_find(const struct admin_atts *s, const char *container_id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].container_id, container_id) == 0)
			return (long)i;
	return -1;
}

const char *admin_att_nsname(const struct admin_att *a)
{
	const char *name = a->netns + 11;

	/* ip netns names stay short; other paths are shown whole. */
	if (strncmp(a->netns, "/run/netns/", 11) == 0 && name[0] && !strchr(name, '/'))
		return name;
	return a->netns;
}

bool admin_att_in_progress(const struct admin_att *a)
{
	return a->state == ADMIN_ATT_ATTACHING && a->pid > 0 &&
	       (kill((pid_t)a->pid, 0) == 0 || errno == EPERM);
}

bool admin_att_same_ns(const struct admin_att *a, const char *path, const struct netns_id *id)
{
	return strcmp(a->netns, path) == 0 || (id->ino && netns_id_eq(&a->ns, id));
}

int attstore_fetch(const char *config, const char *id, struct admin_att *out, struct nd_error *err)
{
	_cleanup_close_ int lock = state_lock(config, err);
	struct admin_atts atts = {0};
	long idx;
	int r;

	if (lock < 0)
		return lock;
	if ((r = attstore_load(config, &atts, err)) < 0)
		return r;
	idx = attstore_find(&atts, id);
	if (idx < 0) {
		attstore_done(&atts);
		return nd_error_set(err, -ENOENT, "attachment %s is not recorded (anymore)", id);
	}
	if (admin_att_in_progress(&atts.v[idx])) {
		r = nd_error_set(err, -EBUSY,
				 "namespace %s: the attach to network \"%s\" is still running (pid %ld)",
				 admin_att_nsname(&atts.v[idx]), atts.v[idx].network, atts.v[idx].pid);
		attstore_done(&atts);
		return r;
	}
	*out = atts.v[idx];
	atts.v[idx] = (struct admin_att){0};
	attstore_done(&atts);
	return 0;
}

int attstore_forget(const char *config, const char *id, struct nd_error *err)
{
	_cleanup_close_ int lock = state_lock(config, err);
	struct admin_atts atts = {0};
	long idx;
	int r;

	if (lock < 0)
		return lock;
	if ((r = attstore_load(config, &atts, err)) < 0)
		return r;
	idx = attstore_find(&atts, id);
	if (idx >= 0) {
		attstore_remove(&atts, (size_t)idx);
		r = attstore_save(config, &atts, err);
	}
	attstore_done(&atts);
	return r;
}

int attstore_commit(const char *config, const char *id, json_object *request, const char *mac,
		    struct nd_error *err)
{
	_cleanup_close_ int lock = state_lock(config, err);
	struct admin_atts atts = {0};
	long idx;
	int r;

	if (lock < 0)
		return lock;
	if ((r = attstore_load(config, &atts, err)) < 0)
		return r;
	idx = attstore_find(&atts, id);
	if (idx < 0) {
		attstore_done(&atts);
		return nd_error_set(err, -ENOENT, "attachment %s vanished meanwhile", id);
	}
	if (request) {
		json_object_put(atts.v[idx].request);
		atts.v[idx].request = json_object_get(request);
	}
	atts.v[idx].state = ADMIN_ATT_ATTACHED;
	atts.v[idx].pid = 0;
	snprintf(atts.v[idx].mac, sizeof(atts.v[idx].mac), "%s", mac ? mac : "");
	r = attstore_save(config, &atts, err);
	attstore_done(&atts);
	return r;
}
