// SPDX-License-Identifier: Apache-2.0
/*
 * The network directory: one file <name>.json per network, holding the
 * netavark Network object exactly as create completed it. Writers hold
 * <dir>/netd.lock (state_lock()); files are replaced atomically, so readers
 * need no lock.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin-netstore.h"
#include "driver.h"
#include "jsonutil.h"
#include "network.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/names.h"
#include "shared/log.h"

#define MAX_NETWORK_FILE (1u << 20)

static void net_done(struct admin_net *n)
{
	free(n->path);
	json_object_put(n->json);
	network_done(&n->net);
}

void netstore_done(struct admin_nets *s)
{
	for (size_t i = 0; i < s->n; i++)
		net_done(&s->v[i]);
	free(s->v);
	*s = (struct admin_nets){0};
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct admin_net *)a)->net.name, ((const struct admin_net *)b)->net.name);
}

/* Read and validate one file. Return: 0, or -EINVAL with @err saying why. */
static int load_one(const char *path, const char *stem, struct admin_net *n, struct nd_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	r = state_read_file(path, MAX_NETWORK_FILE, &buf, &len);
	if (r < 0)
		return nd_error_set(err, r, "cannot read it: %s", strerror(-r));
	if ((r = ju_parse(buf, len, &n->json, err)) < 0)
		return r;
	if ((r = network_parse(n->json, "network", &n->net, err)) < 0)
		return r;
	if (strcmp(n->net.name, stem) != 0)
		return nd_error_set(err, -EINVAL, "it defines network \"%s\", not \"%s\"",
				    n->net.name, stem);
	if (!driver_of(&n->net)->owns_bridge)
		return nd_error_set(err, -EINVAL, "driver \"%s\" is not supported here",
				    n->net.driver_name);
	n->path = strdup(path);
	return n->path ? 0 : -ENOMEM;
}

int netstore_load(const char *dir, struct admin_nets *ret, struct nd_error *err)
{
	struct admin_nets s = {0};
	size_t cap = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		if (errno == ENOENT) {
			*ret = s;
			return 0;
		}
		return nd_error_set(err, -errno, "cannot open network directory %s: %s", dir,
				    strerror(errno));
	}
	while ((de = readdir(d))) {
		_cleanup_free_ char *path = NULL, *stem = NULL;
		size_t n = strlen(de->d_name);
		struct admin_net one = {0};
		struct nd_error e = {0};

		if (n < 6 || de->d_name[0] == '.' || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		stem = strndup(de->d_name, n - 5);
		if (!stem || asprintf(&path, "%s/%s", dir, de->d_name) < 0)
			goto oom;
		if (load_one(path, stem, &one, &e) < 0) {
			/* One broken file must not hide every other network. */
			log_warn("skipping network file %s: %s", path, e.msg ? e.msg : "invalid");
			nd_error_clear(&e);
			net_done(&one);
			continue;
		}
		if (s.n == cap) {
			struct admin_net *v = realloc(s.v, (cap ? cap * 2 : 8) * sizeof(*v));
			if (!v) {
				net_done(&one);
				goto oom;
			}
			s.v = v;
			cap = cap ? cap * 2 : 8;
		}
		s.v[s.n++] = one;
	}
	closedir(d);
	if (s.n)
		qsort(s.v, s.n, sizeof(*s.v), by_name);
	*ret = s;
	return 0;
oom:
	closedir(d);
	netstore_done(&s);
	return nd_error_set(err, -ENOMEM, "out of memory");
}

const struct admin_net *netstore_find(const struct admin_nets *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].net.name, name) == 0)
			return &s->v[i];
	return NULL;
}

int netstore_save(const char *dir, json_object *net, struct nd_error *err)
{
	_cleanup_free_ char *path = NULL;
	const char *name = json_object_get_string(ju_get(net, "name")), *text;
	int r;

	if ((r = nd_network_name_check("network.name", name ? name : "", err)) < 0)
		return r;
	r = state_mkdir_p(dir, 0755);
	if (r < 0)
		return nd_error_set(err, r, "cannot create network directory %s: %s", dir,
				    strerror(-r));
	if (asprintf(&path, "%s/%s.json", dir, name) < 0)
		return -ENOMEM;
	if (access(path, F_OK) == 0)
		return nd_error_set(err, -EEXIST, "network \"%s\" already exists (%s)", name, path);
	text = json_object_to_json_string_ext(net, JSON_C_TO_STRING_PRETTY |
						   JSON_C_TO_STRING_SPACED |
						   JSON_C_TO_STRING_NOSLASHESCAPE);
	{
		_cleanup_free_ char *data = NULL;
		if (asprintf(&data, "%s\n", text) < 0)
			return -ENOMEM;
		r = state_write_atomic(path, data, strlen(data));
	}
	if (r < 0)
		return nd_error_set(err, r, "cannot write %s: %s", path, strerror(-r));
	return 0;
}

int netstore_remove(const char *dir, const char *name, struct nd_error *err)
{
	_cleanup_free_ char *path = NULL;
	int r;

	if ((r = nd_network_name_check(NULL, name, err)) < 0)
		return r;
	if (asprintf(&path, "%s/%s.json", dir, name) < 0)
		return -ENOMEM;
	if (unlink(path) < 0)
		return nd_error_set(err, -errno, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}
