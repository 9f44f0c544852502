/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netd's files in the config directory (--config):
 *   netd.lock                      flock held for a whole setup/teardown
 *   netd/containers/<id>.json      what setup built, for teardown, reload, status
 * Files are written to a fresh hidden temporary (.netd.tmp.<random>, O_EXCL,
 * O_NOFOLLOW) and renamed into place; nothing netd opens follows a symlink
 * below --config.
 */
#pragma once

#include <stddef.h>

#include "shared/error.h"

/* mkdir -p @path with @mode (symlinks followed: the path is the caller's). Return: 0 or -errno. */
int state_mkdir_p(const char *path, unsigned mode);
/*
 * Open directory @base/@sub, creating what is missing. @base is created like
 * mkdir -p; the components of @sub are netd's own and are never followed if
 * they are symlinks (-ELOOP). @sub may be NULL. Return: directory fd or -errno.
 */
int state_open_dir(const char *base, const char *sub, unsigned mode);
/* The same, closing the descriptor. Return: 0 or -errno. */
int state_mkdir_under(const char *base, const char *sub, unsigned mode);
/* Open (creating) lock file @name in @dirfd; a symlink is refused. Return: fd or -errno. */
int state_open_lock_at(int dirfd, const char *name);

/**
 * state_flock() - take the exclusive flock of @fd, the one lock loop of netd
 * @timeout_ms:	give up after about this long, or -1 to wait for ever
 *
 * Interruptions by signals are retried. Return: 0, -ETIMEDOUT, or -errno.
 */
int state_flock(int fd, int timeout_ms);

/* Take the exclusive lock of @config_dir (<config>/netd.lock, the directory
 * created if missing), waiting as long as it takes. Return: the lock's fd
 * (the caller's; closing it releases the lock), or a negative code with @err
 * set (-ENOMEM without it). */
int state_lock(const char *config_dir, struct nd_error *err);

/*
 * Write @data to @name in @dirfd atomically: a fresh hidden temporary
 * (".netd.tmp.<random>", O_CREAT|O_EXCL|O_NOFOLLOW) renamed over @name.
 * Return: 0 or -errno (-EINVAL for a bad @name); on failure @name is as it
 * was and the temporary is gone.
 */
int state_write_at(int dirfd, const char *name, const char *data, size_t len, unsigned mode);
/* The same for @path (its directory opened as given), mode 0600. Return: 0 or -errno. */
int state_write_atomic(const char *path, const char *data, size_t len);
/*
 * Read @name in @dirfd (never through a symlink), at most @max bytes.
 * Like state_read_file() and state_read_fd() below: Return: 0 with *@ret a
 * new NUL-terminated buffer (the caller's, free()) of *@len bytes, -EFBIG
 * when the file holds more than @max bytes, or -errno; nothing is written to
 * @ret or @len on failure.
 */
int state_read_at(int dirfd, const char *name, size_t max, char **ret, size_t *len);

/* Read a whole file (at most @max bytes) into a new NUL-terminated buffer. */
int state_read_file(const char *path, size_t max, char **ret, size_t *len);
/* The same from an open descriptor (e.g. stdin, whatever it is). */
int state_read_fd(int fd, size_t max, char **ret, size_t *len);

/* "<config>/netd/containers/<id>.json": a new string (the caller's, free()),
 * or NULL when out of memory or @container_id is not a valid file name
 * (nd_name_invalid(); errno EINVAL). Callers validate the id first. */
char *state_container_path(const char *config_dir, const char *container_id);
