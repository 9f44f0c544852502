// SPDX-License-Identifier: Apache-2.0
/*
 * The on-disk side of netd's CNI IPAM: one directory per network under the
 * configured dataDir, a lock file held for the whole command (ADD, DEL, GC,
 * CHECK, STATUS of one network never overlap; different networks run in
 * parallel), and allocations.json written atomically.
 *
 * Lock order: this lock first, then netd's own state lock (taken inside
 * netd_setup()/netd_teardown()). Nothing takes them the other way round.
 */
#include "cni.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "dns-server.h"
#include "state.h"
#include "shared/cleanup.h"
#include "shared/log.h"

#define LOCK_TIMEOUT_MS 60000
#define MAX_STORE (64u << 20)

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
		d->store = cni_store_new(cfg->name);
		return d->store ? 0 : cni_fail(err, CNI_ERR_INTERNAL, "out of memory");
	}
	if (r < 0)
		return cni_fail(err, CNI_ERR_STATE, "failed to read %s: %s", path,
				r == -EFBIG ? "file too large" : strerror(-r));
	r = cni_store_parse(buf, len, &d->store, err);
	if (r < 0) {
		cni_details(err, "file %s", path);
		return r;
	}
	return 0;
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

void cni_make_opts(const struct cni_config *cfg, struct netd_opts *o, char *buf, size_t size)
{
	*o = (struct netd_opts){
		.config_dir = cfg->runtime_dir,
		.fw_driver = cfg->fw_driver,
		.dns_port = cfg->dns_port,
	};
	/* Else netd-dns installed beside this binary (as the netavark mode finds it). */
	o->aardvark_binary = cfg->dns_binary ? cfg->dns_binary : dns_server_find(buf, size, false);
}
