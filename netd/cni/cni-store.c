// SPDX-License-Identifier: Apache-2.0
/*
 * The on-disk side of netd's CNI IPAM: one directory per network under the
 * configured dataDir, with a lock file held for the whole command (ADD, DEL,
 * GC, CHECK, STATUS of one network never overlap; different networks run in
 * parallel) and allocations.json, the network's round-robin position (parse
 * and format here, written atomically). The leases are the container
 * records' (cni-lease.c); an older netd's allocations.json, which held them,
 * is read here and its leases moved into the records once.
 *
 * Lock order: this lock first, then netd's own state lock (taken inside
 * netd_setup()/netd_teardown()). Nothing takes them the other way round.
 */
#include "cni-store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "cni-json.h"
#include "cni-lease.h"
#include "jsonutil.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#define LOCK_TIMEOUT_MS 60000
#define MAX_STORE (64u << 20)
#define STORE_VERSION 2		/* 1: an older netd's, with the leases */

/* ------------------------------------------------------------------------ */
/* the file */

static int parse_alloc(json_object *o, const char *path, struct cni_alloc *a,
		       struct nd_error *err)
{
	json_object *v;
	const char *why;
	size_t n;
	int r;

	if ((r = ju_expect_type(o, json_type_object, path, err)) < 0)
		return r;
	{
		_cleanup_free_ char *p = ju_path_key(path, "containerID");
		v = ju_get(o, "containerID");
		if (!v || ju_value_strdup(v, p, &a->container_id, err) < 0 ||
		    !cni_container_id_valid(a->container_id))
			return cni_fail(err, CNI_ERR_CONFIG, "%s: missing or invalid", p);
	}
	{
		_cleanup_free_ char *p = ju_path_key(path, "ifname");
		v = ju_get(o, "ifname");
		if (!v || ju_value_strdup(v, p, &a->ifname, err) < 0 || !ju_ifname_valid(a->ifname, &why))
			return cni_fail(err, CNI_ERR_CONFIG, "%s: missing or invalid", p);
	}
	if ((v = ju_get(o, "netns"))) {
		_cleanup_free_ char *p = ju_path_key(path, "netns");
		if ((r = ju_value_strdup(v, p, &a->netns, err)) < 0)
			return r;
	}
	if (!a->netns && !(a->netns = strdup("")))
		return cni_oom(err);
	{
		static const char *const keys[] = { "netnsDev", "netnsIno", "netnsCookie" };
		uint64_t *vals[] = { &a->ns_dev, &a->ns_ino, &a->ns_cookie };
		for (size_t i = 0; i < 3; i++) {
			_cleanup_free_ char *p = ju_path_key(path, keys[i]);
			int64_t x;
			if ((v = ju_get(o, keys[i])) && (r = ju_value_int(v, p, 0, INT64_MAX, &x, err)) < 0)
				return r;
			*vals[i] = v ? (uint64_t)x : 0;
		}
	}
	if ((v = ju_get(o, "ips"))) {
		_cleanup_free_ char *p = ju_path_key(path, "ips");
		if ((r = ju_value_array(v, p, CNI_MAX_SUBNETS, &n, err)) < 0)
			return r;
		a->ips = calloc(n ? n : 1, sizeof(*a->ips));
		if (!a->ips)
			return cni_oom(err);
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *ip = ju_path_idx(p, i);
			if ((r = ju_value_ip(json_object_array_get_idx(v, i), ip, &a->ips[i], err)) < 0)
				return r;
			a->n_ips = i + 1;
		}
	}
	v = ju_get(o, "state");
	a->ready = v && json_object_is_type(v, json_type_string) &&
		   strcmp(json_object_get_string(v), "ready") == 0;
	/* "request": an older netd's copy of the request; the container record has it. */
	return 0;
}

static int parse_store(json_object *root, struct cni_store *s, struct nd_error *err)
{
	json_object *v, *atts;
	int64_t ver;
	size_t n;
	int r;

	if ((r = ju_expect_type(root, json_type_object, "store", err)) < 0)
		return r;
	v = ju_get(root, "version");
	if (!v || ju_value_int(v, "version", 0, 1000, &ver, err) < 0)
		return cni_fail(err, CNI_ERR_CONFIG, "version: missing or invalid");
	if (ver != 1 && ver != STORE_VERSION)
		return cni_fail(err, CNI_ERR_CONFIG, "version: %lld is not 1 or %d (a newer netd?)",
				(long long)ver, STORE_VERSION);
	if ((v = ju_get(root, "network")) && (r = ju_value_strdup(v, "network", &s->network, err)) < 0)
		return r;
	if (!s->network && !(s->network = strdup("")))
		return cni_oom(err);
	if ((v = ju_get(root, "last"))) {
		if ((r = ju_expect_type(v, json_type_object, "last", err)) < 0)
			return r;
		n = (size_t)json_object_object_length(v);
		if (n > CNI_MAX_SUBNETS * 4)
			return cni_fail(err, CNI_ERR_CONFIG, "last: too many entries");
		s->last = calloc(n ? n : 1, sizeof(*s->last));
		if (!s->last)
			return cni_oom(err);
		json_object_object_foreach(v, key, val) {
			_cleanup_free_ char *p = ju_path_key("last", key);
			struct cni_last *l = &s->last[s->n_last];
			if (nd_prefix_parse(key, &l->subnet, NULL) < 0)
				return cni_fail(err, CNI_ERR_CONFIG, "%s: key is not a subnet", p);
			if ((r = ju_value_ip(val, p, &l->ip, err)) < 0)
				return r;
			s->n_last++;
		}
	}
	atts = ju_get(root, "attachments");
	if (!atts)
		return 0;
	if (ver != 1)
		return cni_fail(err, CNI_ERR_CONFIG,
				"attachments: version %d keeps the leases in the container records", STORE_VERSION);
	if ((r = ju_value_array(atts, "attachments", CNI_MAX_ATTACHMENTS, &n, err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = ju_path_idx("attachments", i);
		struct cni_alloc a = {0};

		if ((r = parse_alloc(json_object_array_get_idx(atts, i), p, &a, err)) < 0) {
			cni_alloc_done(&a);
			return r;
		}
		if (cni_store_find(s, a.container_id, a.ifname)) {
			r = cni_fail(err, CNI_ERR_CONFIG, "%s: %s/%s is recorded twice", p,
				     a.container_id, a.ifname);
			cni_alloc_done(&a);
			return r;
		}
		if (!cni_store_add(s, &a)) {
			cni_alloc_done(&a);
			return cni_oom(err);
		}
	}
	return 0;
}

int cni_store_parse(const char *buf, size_t len, struct cni_store **ret, struct nd_error *err)
{
	_cleanup_(cni_store_freep) struct cni_store *s = NULL;
	struct nd_error e = {0};
	struct nd_error ne = {0};
	json_object *root = NULL;
	int r;

	if (ju_parse(buf, len, &root, &ne) < 0) {
		r = cni_fail(err, CNI_ERR_STATE, "invalid IPAM state: %s",
			     ne.msg ? ne.msg : "invalid JSON");
		nd_error_clear(&ne);
		return r;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		json_object_put(root);
		return cni_oom(err);
	}
	r = cni_error_default(&e, parse_store(root, s, &e), CNI_ERR_CONFIG);
	json_object_put(root);
	if (r < 0) {
		r = cni_fail(err, e.proto_code == CNI_ERR_INTERNAL ? e.proto_code : CNI_ERR_STATE,
			     "invalid IPAM state: %s", e.msg);
		nd_error_clear(&e);
		return r;
	}
	*ret = TAKE_PTR(s);
	return 0;
}

char *cni_store_format(const struct cni_store *s)
{
	json_object *root = json_object_new_object(), *last = json_object_new_object();
	char b[ND_ADDRSTRLEN], k[ND_ADDRSTRLEN];
	char *text;

	for (size_t i = 0; i < s->n_last; i++)
		json_object_object_add(last, nd_prefix_str(&s->last[i].subnet, k),
				       json_object_new_string(nd_ip_str(&s->last[i].ip, b)));
	json_object_object_add(root, "version", json_object_new_int(STORE_VERSION));
	json_object_object_add(root, "network", json_object_new_string(s->network ? s->network : ""));
	json_object_object_add(root, "last", last);
	text = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_SPACED |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return text;
}

/* ------------------------------------------------------------------------ */
/* the directory */

int cni_dir_open(const struct cni_config *cfg, struct cni_dir *d, struct nd_error *err)
{
	_cleanup_free_ char *lock = NULL, *path = NULL, *buf = NULL;
	_cleanup_close_ int dfd = -1;
	size_t len;
	int r;

	*d = (struct cni_dir){ .lock_fd = -1 };
	if (asprintf(&d->dir, "%s/%s", cfg->data_dir, cfg->name) < 0) {
		d->dir = NULL;
		return cni_fail(err, CNI_ERR_INTERNAL, "out of memory");
	}
	/* data_dir is the admin's; the network's directory below it is ours (no symlink). */
	dfd = state_open_dir(cfg->data_dir, cfg->name, 0700);
	if (dfd < 0)
		return cni_fail(err, CNI_ERR_STATE, "failed to create IPAM directory %s: %s",
				d->dir, strerror(-dfd));
	if (asprintf(&lock, "%s/lock", d->dir) < 0 ||
	    asprintf(&path, "%s/allocations.json", d->dir) < 0)
		return cni_fail(err, CNI_ERR_INTERNAL, "out of memory");
	d->lock_fd = state_open_lock_at(dfd, "lock");
	if (d->lock_fd < 0)
		return cni_fail(err, CNI_ERR_STATE, "failed to open %s: %s", lock,
				strerror(-d->lock_fd));
	r = state_flock(d->lock_fd, LOCK_TIMEOUT_MS);
	if (r == -ETIMEDOUT)
		return cni_fail(err, CNI_ERR_TRY_AGAIN,
				"network \"%s\" is busy: %s stayed locked for %d seconds; try again later",
				cfg->name, lock, LOCK_TIMEOUT_MS / 1000);
	if (r < 0)
		return cni_fail(err, CNI_ERR_STATE, "failed to lock %s: %s", lock, strerror(-r));

	r = state_read_at(dfd, "allocations.json", MAX_STORE, &buf, &len);
	if (r == -ENOENT || (r == 0 && len == 0)) {
		if (!(d->store = cni_store_new(cfg->name)))
			return cni_fail(err, CNI_ERR_INTERNAL, "out of memory");
		return cni_leases_load(cfg, d->store, err);
	}
	if (r < 0)
		return cni_fail(err, CNI_ERR_STATE, "failed to read %s: %s", path,
				r == -EFBIG ? "file too large" : strerror(-r));
	r = cni_store_parse(buf, len, &d->store, err);
	if (r < 0) {
		cni_details(err, "file %s", path);
		return r;
	}
	/* An older netd's leases: into the records, then the file without them. */
	if (d->store->n && ((r = cni_leases_migrate(cfg, d->store, err)) < 0 ||
			    (r = cni_dir_save(d, err)) < 0))
		return r;
	return cni_leases_load(cfg, d->store, err);
}

int cni_dir_save(struct cni_dir *d, struct nd_error *err)
{
	_cleanup_free_ char *path = NULL, *text = cni_store_format(d->store);
	int r;

	if (!text || asprintf(&path, "%s/allocations.json", d->dir) < 0)
		return cni_fail(err, CNI_ERR_INTERNAL, "out of memory");
	r = state_write_atomic(path, text, strlen(text));
	if (r < 0)
		return cni_fail(err, CNI_ERR_STATE, "failed to write %s: %s", path, strerror(-r));
	return 0;
}

void cni_dir_close(struct cni_dir *d)
{
	cni_store_free(d->store);
	if (d->lock_fd >= 0)
		(void)close(d->lock_fd);	/* releases the lock */
	free(d->dir);
	*d = (struct cni_dir){ .lock_fd = -1 };
}
