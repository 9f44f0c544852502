/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Building a request model without JSON, for the front ends that are not
 * the netavark protocol (CNI, admin commands). Each constructor checks its
 * inputs as request_parse() checks the same fields, so a built request is
 * the model request_parse() makes of the equivalent JSON; the core checks
 * it again (request_validate()) before it uses it.
 *
 * Order: request_new(), the networks (request_add_network()), then the
 * attachments (request_attach()), ports and DNS servers in any order.
 * Every function returns 0 or a negative code with @err saying what is
 * wrong; on failure the request is as it was before the call, or (for a
 * half-added item) to be freed by the caller with nd_request_free().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "shared/error.h"

/* A network, as netavark's Network describes it. Everything is copied. */
struct nd_network_def {
	const char *name;
	const char *id;
	const char *driver;		/* "bridge", "macvlan", "ipvlan" or a plugin's name */
	const char *network_interface;	/* the bridge / parent interface; NULL: none */
	bool dns_enabled;
	bool internal;
	bool ipv6_enabled;
	const struct nd_subnet *subnets;	/* subnet, gateway, lease range */
	size_t n_subnets;
	const struct nd_route *routes;
	size_t n_routes;
	const struct nd_ip *dns_servers;	/* network_dns_servers */
	size_t n_dns_servers;
	const struct nd_kv *options;	/* as "options" gives them: "mtu", "isolate", ... */
	size_t n_options;
	const char *ipam_driver;	/* "host-local", "dhcp", "none"; NULL: ipam_options' or host-local */
	const char *created;		/* as given, not interpreted; NULL: none */
	const struct nd_kv *labels;	/* as "labels" gives them */
	size_t n_labels;
	const struct nd_kv *ipam_options;	/* as "ipam_options" gives them, "driver" among them */
	size_t n_ipam_options;
};

/* A container on one network, as netavark's PerNetworkOptions describes it. */
struct nd_attach_def {
	const char *network;		/* the name of a network added before */
	const char *interface_name;	/* in the container */
	const struct nd_ip *static_ips;	/* host-local: one per subnet in use */
	size_t n_static_ips;
	const uint8_t *mac;		/* 6 bytes; NULL: none */
	const char *const *aliases;
	size_t n_aliases;
	const char *host_interface_name;	/* NULL: netd picks one */
};

/**
 * request_new() - an empty request for one container
 * @container_id:	the id (it names the container's state file)
 * @container_name:	its name ("" is fine)
 * @hostname:		NULL for none
 * @ret:		the request, the caller's (nd_request_free)
 */
int request_new(const char *container_id, const char *container_name, const char *hostname,
		struct nd_request **ret, struct nd_error *err);

/* Add network @def (its name must be new to @req), before any attachment. */
int request_add_network(struct nd_request *req, const struct nd_network_def *def,
			struct nd_error *err);

/*
 * The definition of network @net (a validated model, e.g. from a network
 * file), borrowing @net's strings and arrays: request_add_network() with it
 * adds an equal network. @net must outlive @ret's use.
 */
void request_network_def(const struct nd_network *net, struct nd_network_def *ret);

/* Attach the container to a network of @req; host-local addresses are assigned (ipam.h). */
int request_attach(struct nd_request *req, const struct nd_attach_def *def, struct nd_error *err);

/* Publish port mapping @pm (range 0 means 1). */
int request_add_port(struct nd_request *req, const struct nd_port *pm, struct nd_error *err);

/* Add a DNS server of the container (the request's dns_servers). */
int request_add_dns_server(struct nd_request *req, const struct nd_ip *ip, struct nd_error *err);

/**
 * request_network_only() - a new request holding one network of @src
 * @src:	a request (borrowed), e.g. a container record's, which holds
 *		every network the container is on
 * @network:	the name of a network @src attaches the container to
 * @with_ports:	copy @src's port mappings too: only when they belong to
 *		@network (the caller knows; a record says so in ports_network)
 * @ret:	the new request, the caller's (nd_request_free()); written only
 *		on success
 *
 * The container's id, name and hostname, network @network (keyed by its
 * name), the container's attachment to it with the attachment's options as
 * given, and the container's DNS servers, all copied through the
 * constructors above: @ret is the model request_parse() makes of @src's JSON
 * with the other networks (and, without @with_ports, the ports) left out.
 * Return: 0; -ENOENT with @err set when @src does not attach the container
 * to @network; or another negative code with @err set.
 */
int request_network_only(const struct nd_request *src, const char *network, bool with_ports,
			 struct nd_request **ret, struct nd_error *err);

/**
 * request_merge() - a new request made of the networks of two others
 * @base:	networks kept in their order (may be NULL), e.g. a container
 *		record's request; borrowed like the others
 * @over:	networks that replace @base's of the same name, in place, or
 *		follow them (may be NULL); its container id and name are the
 *		result's (else @base's), its DNS servers too when it has any
 * @drop:	networks of @base left out, by name (may be NULL)
 * @ports_of:	the request whose port mappings the result gets (may be NULL:
 *		none)
 * @ret:	the new request, the caller's (nd_request_free()); written only
 *		on success
 *
 * The hostname is @base's, else @over's. Every network and attachment is
 * copied through the constructors above, options in their given order, so
 * the container record's merge after a setup and its cut after a teardown
 * need no JSON.
 * Return: 0, or a negative code with @err set (-EINVAL when both are NULL or
 * what is merged is not a valid request).
 */
int request_merge(const struct nd_request *base, const struct nd_request *over,
		  const struct nd_request *drop, const struct nd_request *ports_of,
		  struct nd_request **ret, struct nd_error *err);
