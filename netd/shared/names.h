/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which strings may become file names or DNS names.
 *
 * Network names and container ids become file names (aardvark-dns/<net>,
 * networks/<net>.json, netd/containers/<id>.json), so both follow Podman's
 * rule [a-zA-Z0-9][a-zA-Z0-9_.-]* and are at most ND_NAME_MAX characters:
 * no '/', no leading '.', so no name can climb out of its directory or be one
 * of netd's hidden temporaries, and 255 (NAME_MAX) minus the longest suffix
 * netd appends (".conflist") leaves room for 240. Names equal to a file netd
 * or netd-dns keeps in the same directory ("aardvark.pid") are reserved.
 *
 * DNS names (container names, aliases) are what netd writes into a network's
 * DNS file: 1..253 characters, dot-separated labels of 1..63 characters out
 * of letters, digits, '_' and '-'. Anything else would break the line format
 * (space, comma, newline) or be refused by a resolver, so it is dropped with
 * a warning, as netavark 2.x does.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "shared/error.h"

#define ND_NAME_MAX 240			/* network names, container ids */
#define ND_DNS_NAME_MAX 253
#define ND_DNS_LABEL_MAX 63
#define ND_STRING_MAX 4096		/* any other string of a request */

#define ND_STR_(x) #x
#define ND_STR(x) ND_STR_(x)

/* NULL when @s may be a network name or container id, else why not. */
const char *nd_name_invalid(const char *s);

/* True for names of files netd-dns keeps beside the network files ("aardvark.pid"). */
bool nd_name_reserved(const char *s);

/*
 * Check network name @s; on failure set @err to
 * "<field>: \"<s>\" is not a valid network name: <why>". Return: 0 or -EINVAL.
 */
int nd_network_name_check(const char *field, const char *s, struct nd_error *err);
/* The same for a container id (no reserved names: ids are not network files). */
int nd_container_id_check(const char *field, const char *s, struct nd_error *err);

/* NULL when @s is a DNS name netd writes for netd-dns, else why not (netavark's wording). */
const char *nd_dns_name_invalid(const char *s);

/* @s quoted the way Rust's {:?} prints a string ("a\nb"), at most @max bytes of it. */
char *nd_quote(const char *s, size_t max);
