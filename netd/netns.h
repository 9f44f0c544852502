/* SPDX-License-Identifier: Apache-2.0 */
/* Network namespaces: open a path, run work inside one and come back. */
#pragma once

/* Open @path and check that it is a network namespace. Return: fd or -errno. */
int netns_open(const char *path);
/* The namespace this process started in. Return: fd or -errno. */
int netns_open_current(void);
/* Switch this (single-threaded) process into @fd. Return: 0 or -errno. */
int netns_enter(int fd);
