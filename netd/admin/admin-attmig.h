/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The move of an old <config>/netd/attachments.json into the container
 * records (admin-attmig.c).
 */
#pragma once

#include <stdint.h>

#include "shared/error.h"

/**
 * attmig_run() - move every attachment of an old attachments.json into its
 *		  container's record, then remove the file
 * @config:	the config directory
 * @network_dir: the network definitions, for entries that kept attach's
 *		choices rather than the whole request
 * @dns_port:	the DNS port recorded in a record made here (setup never wrote it)
 *
 * Does nothing (and takes no lock) when there is no such file; else under the
 * state lock, each entry becomes the lease (and, when setup never wrote the
 * record, the request) of the record of its container id. The file is
 * removed only when every entry was moved; moving again is harmless.
 * Return: 0, or a negative code with @err set naming the entry.
 */
int attmig_run(const char *config, const char *network_dir, uint16_t dns_port,
	       struct nd_error *err);
