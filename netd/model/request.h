/* SPDX-License-Identifier: Apache-2.0 */
/* netavark's setup/teardown request (NetworkOptions) → validated nd_request. */
#pragma once

#include <stddef.h>

#include "model.h"
#include "shared/error.h"

/**
 * request_parse() - parse and validate a whole request
 * @buf, @len:	the JSON text (need not be NUL-terminated)
 * @ret:	the model on success, owned by the caller (nd_request_free)
 *
 * Every network is validated and every attachment's addresses are assigned
 * (IPAM) here, before anything on the system is touched.
 * Return: 0, or a negative code with @err saying which field and why.
 */
int request_parse(const char *buf, size_t len, struct nd_request **ret, struct nd_error *err);

struct json_object;

/*
 * request_parse_object() - the same from a parsed JSON value (borrowed), for
 * a request kept inside another document (the container record, ctrstate.h)
 */
int request_parse_object(struct json_object *root, struct nd_request **ret,
			 struct nd_error *err);

/**
 * request_validate() - the rules every request obeys, on the model
 *
 * However the model was built (request_parse(), the constructors of
 * build.h), the core runs this before it touches anything: the container
 * id and network names may become file names, interface names are valid,
 * each attachment names a network of the request once, and its addresses
 * obey the network's IPAM (ipam_check()). A model from request_parse()
 * always passes.
 * Return: 0, or -EINVAL with @err saying which field and why.
 */
int request_validate(const struct nd_request *req, struct nd_error *err);

/*
 * Attachment @i against the ones before it: no network, interface name or
 * host interface name twice (@path names attachment @i in messages).
 * Return: 0 or -EINVAL with @err set.
 */
int request_attach_unique(const struct nd_request *req, size_t i, const char *path,
			  struct nd_error *err);

/* Find a network of the request by name (NULL if absent). */
const struct nd_network *request_network(const struct nd_request *r, const char *name);
/* The attachment of @r to network @name (NULL if absent, or @r is NULL). */
const struct nd_attach *request_attach_of(const struct nd_request *r, const char *name);
