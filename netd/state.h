/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netd's files in the config directory (--config):
 *   netd.lock                      flock held for a whole setup/teardown
 *   netd/containers/<id>.json      what setup built, for teardown, reload, status
 * Files are written to a temporary name and renamed into place.
 */
#pragma once

#include <stddef.h>

#include "shared/error.h"

/* mkdir -p @path with @mode. Return: 0 or -errno. */
int state_mkdir_p(const char *path, unsigned mode);

/* Take the exclusive lock of @config_dir (created if missing). Return: fd or -errno. */
int state_lock(const char *config_dir, struct nd_error *err);

/* Write @data to @path atomically (temp file + rename). */
int state_write_atomic(const char *path, const char *data, size_t len);

/* Read a whole file (at most @max bytes) into a new NUL-terminated buffer. */
int state_read_file(const char *path, size_t max, char **ret, size_t *len);
/* The same from an open descriptor (e.g. stdin, whatever it is). */
int state_read_fd(int fd, size_t max, char **ret, size_t *len);

/* "<config>/netd/containers/<id>.json" */
char *state_container_path(const char *config_dir, const char *container_id);
