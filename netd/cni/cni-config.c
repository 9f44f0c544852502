// SPDX-License-Identifier: Apache-2.0
/*
 * The configuration on stdin into struct cni_config: netd's own keys, the
 * well-known ones (dns, ipMasq, runtimeConfig, args, prevResult) and the
 * reserved cni.dev/ ones. Every key is type- and range-checked here and
 * nothing after this looks at the JSON again. Unknown keys are refused with
 * code 2, naming key and value, so a typo does not pass silently.
 */
#include "shared/names.h"
#include "cni-config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cni-json.h"
#include "cni-result.h"
#include "ipalloc.h"
#include "jsonutil.h"
#include "network.h"
#include "shared/cleanup.h"

#define DEFAULT_DATA_DIR "/var/lib/netd/cni"
#define DEFAULT_RUNTIME_DIR "/run/netd/cni"

/* ------------------------------------------------------------------------ */
/* configuration */

void cni_config_free(struct cni_config *c)
{
	if (!c)
		return;
	free(c->name);
	free(c->type);
	free(c->subnets);
	free(c->routes);
	free(c->dns_binary);
	free(c->data_dir);
	free(c->runtime_dir);
	free(c->fw_driver);
	cni_dns_done(&c->dns);
	free(c->ports);
	free(c->req_ips);
	strv_free(c->aliases, c->n_aliases);
	free(c->ctr_dns);
	cni_result_free(c->prev);
	for (size_t i = 0; i < c->n_valid; i++) {
		free(c->valid[i].container_id);
		free(c->valid[i].ifname);
	}
	free(c->valid);
	free(c);
}

static int parse_subnet(json_object *o, const char *path, struct cni_subnet *s,
			struct nd_error *err)
{
	char b[ND_ADDRSTRLEN], b2[ND_ADDRSTRLEN];
	bool has_start = false, has_end = false, has_subnet = false;
	struct nd_ip first, last;
	struct nd_prefix net;
	int r;

	if ((r = ju_expect_type(o, json_type_object, path, err)) < 0)
		return r;
	json_object_object_foreach(o, key, val) {
		_cleanup_free_ char *p = ju_path_key(path, key);

		if (strcmp(key, "subnet") == 0) {
			r = ju_value_prefix(val, p, &s->subnet, err);
			has_subnet = true;
		} else if (strcmp(key, "gateway") == 0) {
			r = ju_value_ip(val, p, &s->gateway, err);
			s->has_gateway = true;
		} else if (strcmp(key, "rangeStart") == 0) {
			r = ju_value_ip(val, p, &s->range_start, err);
			has_start = true;
		} else if (strcmp(key, "rangeEnd") == 0) {
			r = ju_value_ip(val, p, &s->range_end, err);
			has_end = true;
		} else {
			r = cni_unsupported(err, path, key, val,
					"a subnet has subnet, gateway, rangeStart and rangeEnd");
		}
		if (r < 0)
			return r;
	}
	if (!has_subnet)
		return cni_fail(err, CNI_ERR_CONFIG, "%s.subnet: required field is missing", path);
	net = s->subnet;
	nd_prefix_network(&net);
	if (nd_prefix_has_host_bits(&s->subnet))
		return cni_fail(err, CNI_ERR_CONFIG,
				"%s.subnet: %s has host bits set (the network is %s)", path,
				nd_prefix_str(&s->subnet, b), nd_prefix_str(&net, b2));
	if ((net.addr.family == AF_INET && net.len > 30) ||
	    (net.addr.family == AF_INET6 && net.len > 126))
		return cni_fail(err, CNI_ERR_CONFIG,
				"%s.subnet: %s is too small to hold a gateway and a container",
				path, nd_prefix_str(&net, b));
	if (!s->has_gateway) {
		s->gateway = net.addr;
		nd_ip_add(&s->gateway, 1);
		s->has_gateway = true;
	}
	if (ipalloc_problem(&net, NULL, &s->gateway) != IPALLOC_FINE)
		return cni_fail(err, CNI_ERR_CONFIG,
				"%s.gateway: %s is not a host address of subnet %s", path,
				nd_ip_str(&s->gateway, b), nd_prefix_str(&net, b2));
	/* The default range: every host address (the gateway is skipped when allocating). */
	ipalloc_host_range(&net, &first, &last);
	if (!has_start)
		s->range_start = first;
	if (!has_end)
		s->range_end = last;
	{
		static const char *const names[] = { "rangeStart", "rangeEnd" };
		const struct nd_ip *ends[] = { &s->range_start, &s->range_end };
		for (int i = 0; i < 2; i++)
			if (ipalloc_problem(&net, NULL, ends[i]) != IPALLOC_FINE)
				return cni_fail(err, CNI_ERR_CONFIG,
						"%s.%s: %s is not a host address of subnet %s",
						path, names[i], nd_ip_str(ends[i], b),
						nd_prefix_str(&net, b2));
	}
	if (ipalloc_cmp(&s->range_start, &s->range_end) > 0)
		return cni_fail(err, CNI_ERR_CONFIG, "%s: rangeStart %s is after rangeEnd %s",
				path, nd_ip_str(&s->range_start, b),
				nd_ip_str(&s->range_end, b2));
	return 0;
}

static int parse_subnets(json_object *v, struct cni_config *c, struct nd_error *err)
{
	char b[ND_ADDRSTRLEN], b2[ND_ADDRSTRLEN];
	size_t n;
	int r;

	if ((r = ju_value_array(v, "subnets", CNI_MAX_SUBNETS, &n, err)) < 0)
		return r;
	if (n == 0)
		return cni_fail(err, CNI_ERR_CONFIG, "subnets: at least one subnet is needed");
	c->subnets = calloc(n, sizeof(*c->subnets));
	if (!c->subnets)
		return cni_oom(err);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = ju_path_idx("subnets", i);
		struct cni_subnet *s = &c->subnets[i];

		c->n_subnets = i + 1;
		if ((r = parse_subnet(json_object_array_get_idx(v, i), p, s, err)) < 0)
			return r;
		for (size_t j = 0; j < i; j++)
			if (nd_prefix_overlaps(&c->subnets[j].subnet, &s->subnet))
				return cni_fail(err, CNI_ERR_CONFIG,
						"%s.subnet: %s overlaps subnets[%zu] %s", p,
						nd_prefix_str(&s->subnet, b), j,
						nd_prefix_str(&c->subnets[j].subnet, b2));
	}
	return 0;
}

static const struct cni_subnet *gateway_for(const struct cni_config *c, int family)
{
	for (size_t i = 0; i < c->n_subnets; i++)
		if (c->subnets[i].subnet.addr.family == family)
			return &c->subnets[i];
	return NULL;
}

static int parse_routes(json_object *v, struct cni_config *c, struct nd_error *err)
{
	char b[ND_ADDRSTRLEN];
	size_t n;
	int r;

	if ((r = ju_value_array(v, "routes", CNI_MAX_ROUTES, &n, err)) < 0)
		return r;
	c->routes = calloc(n ? n : 1, sizeof(*c->routes));
	if (!c->routes)
		return cni_oom(err);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = ju_path_idx("routes", i);
		json_object *o = json_object_array_get_idx(v, i);
		struct cni_route rt = {0};
		const struct cni_subnet *sn;
		bool has_dst = false;

		if ((r = ju_expect_type(o, json_type_object, p, err)) < 0)
			return r;
		json_object_object_foreach(o, key, val) {
			_cleanup_free_ char *kp = ju_path_key(p, key);
			if (strcmp(key, "dst") == 0) {
				r = ju_value_prefix(val, kp, &rt.dst, err);
				has_dst = true;
			} else if (strcmp(key, "gw") == 0) {
				r = ju_value_ip(val, kp, &rt.gw, err);
				rt.has_gw = true;
			} else {
				r = cni_unsupported(err, p, key, val, "a route has dst and gw");
			}
			if (r < 0)
				return r;
		}
		if (!has_dst)
			return cni_fail(err, CNI_ERR_CONFIG, "%s.dst: required field is missing", p);
		nd_prefix_network(&rt.dst);
		if (rt.has_gw && rt.gw.family != rt.dst.addr.family)
			return cni_fail(err, CNI_ERR_CONFIG,
					"%s.gw: %s is not of the same IP family as dst %s", p,
					nd_ip_str(&rt.gw, b),
					json_object_get_string(ju_get(o, "dst")));
		sn = gateway_for(c, rt.dst.addr.family);
		if (!rt.has_gw) {
			if (!sn)
				return cni_fail(err, CNI_ERR_CONFIG,
						"%s: no gw given and no IPv%d subnet whose gateway could be used",
						p, rt.dst.addr.family == AF_INET ? 4 : 6);
			rt.gw = sn->gateway;
			rt.has_gw = true;
		}
		/* A default route via the gateway is what netd adds anyway. */
		if (rt.dst.len == 0 && sn && nd_ip_equal(&rt.gw, &sn->gateway) && !c->internal)
			continue;
		c->routes[c->n_routes++] = rt;
	}
	return 0;
}

/* "tcp", "udp" or "sctp" in any case; "" is tcp. */
static int proto_parse(const char *s, enum nd_proto *ret)
{
	static const enum nd_proto all[] = { ND_PROTO_TCP, ND_PROTO_UDP, ND_PROTO_SCTP };

	for (size_t i = 0; i < ELEMENTSOF(all); i++)
		if (!s[0] || strcasecmp(s, nd_proto_name(all[i])) == 0) {
			*ret = all[i];
			return 0;
		}
	return -EINVAL;
}

/* One entry of runtimeConfig.portMappings (cni_array_parse()). */
static int parse_port(json_object *o, const char *p, size_t i, void *ctx, struct nd_error *err)
{
	struct cni_config *c = ctx;
	struct cni_portmap *pm = &c->ports[i];
	bool has_h = false, has_c = false;
	int r;

	pm->proto = ND_PROTO_TCP;
	pm->host_ip_kind = ND_HOSTIP_ALL;
	json_object_object_foreach(o, key, val) {
		_cleanup_free_ char *kp = ju_path_key(p, key);
		int64_t x;
		r = 0;

		if (json_object_is_type(val, json_type_null))
			continue;
		if (strcmp(key, "hostPort") == 0 || strcmp(key, "containerPort") == 0) {
			r = ju_value_int(val, kp, 1, 65535, &x, err);
			if (key[0] == 'h') {
				pm->host_port = (uint16_t)x;
				has_h = true;
			} else {
				pm->container_port = (uint16_t)x;
				has_c = true;
			}
		} else if (strcmp(key, "protocol") == 0) {
			_cleanup_free_ char *s = NULL;
			r = ju_value_strdup(val, kp, &s, err);
			if (r == 0 && proto_parse(s, &pm->proto) < 0)
				r = cni_fail(err, CNI_ERR_CONFIG,
					     "%s: unknown protocol \"%.32s\" (tcp, udp or sctp)", kp, s);
		} else if (strcmp(key, "hostIP") == 0) {
			_cleanup_free_ char *s = NULL;
			r = ju_value_strdup(val, kp, &s, err);
			if (r == 0 && !s[0])
				pm->host_ip_kind = ND_HOSTIP_ALL;
			else if (r == 0 && strcmp(s, "0.0.0.0") == 0)
				pm->host_ip_kind = ND_HOSTIP_ALL_V4;
			else if (r == 0 && strcmp(s, "::") == 0)
				pm->host_ip_kind = ND_HOSTIP_ALL_V6;
			else if (r == 0 && nd_ip_parse(s, &pm->host_ip) == 0)
				pm->host_ip_kind = ND_HOSTIP_ONE;
			else if (r == 0)
				r = cni_fail(err, CNI_ERR_CONFIG,
					     "%s: \"%.64s\" is not an IP address", kp, s);
		}
		/* Other keys (podman's "range"?) are not in the convention. */
		if (r < 0)
			return r;
	}
	if (!has_h || !has_c)
		return cni_fail(err, CNI_ERR_CONFIG, "%s: needs hostPort and containerPort", p);
	c->n_ports = i + 1;
	return 0;
}

static int parse_ports(json_object *v, struct cni_config *c, struct nd_error *err)
{
	free(c->ports);
	c->ports = NULL;
	c->n_ports = 0;
	return cni_array_parse(v, "runtimeConfig.portMappings", CNI_MAX_PORTS, sizeof(*c->ports),
			       (void **)&c->ports, parse_port, c, err);
}

/* "10.0.0.5/24" or "10.0.0.5": the address. */
static int parse_ip_list(json_object *v, const char *path, struct nd_ip **ret, size_t *n,
			 struct nd_error *err)
{
	_cleanup_free_ struct nd_ip *ips = NULL;
	size_t len;
	int r;

	if ((r = ju_value_array(v, path, CNI_MAX_LIST, &len, err)) < 0)
		return r;
	ips = calloc(len ? len : 1, sizeof(*ips));
	if (!ips)
		return cni_oom(err);
	for (size_t i = 0; i < len; i++) {
		_cleanup_free_ char *p = ju_path_idx(path, i);
		_cleanup_free_ char *s = NULL;
		struct nd_prefix pf;
		if ((r = ju_value_strdup(json_object_array_get_idx(v, i), p, &s, err)) < 0)
			return r;
		if (strchr(s, '/') ? nd_prefix_parse(s, &pf, NULL) < 0 : nd_ip_parse(s, &pf.addr) < 0)
			return cni_fail(err, CNI_ERR_CONFIG, "%s: \"%.64s\" is not an IP address",
					p, s);
		ips[i] = pf.addr;
	}
	free(*ret);
	*ret = TAKE_PTR(ips);
	*n = len;
	return 0;
}

static bool alias_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 253 && !strpbrk(s, ", \t\r\n");
}

static int parse_runtime_config(json_object *v, struct cni_config *c, bool *has_ips,
				struct nd_error *err)
{
	const char *path = "runtimeConfig";
	int r;

	if ((r = ju_expect_type(v, json_type_object, path, err)) < 0)
		return r;
	json_object_object_foreach(v, key, val) {
		_cleanup_free_ char *p = ju_path_key(path, key);
		r = 0;

		if (json_object_is_type(val, json_type_null))
			continue;
		if (strcmp(key, "portMappings") == 0) {
			r = parse_ports(val, c, err);
		} else if (strcmp(key, "ips") == 0) {
			r = parse_ip_list(val, p, &c->req_ips, &c->n_req_ips, err);
			*has_ips = true;
		} else if (strcmp(key, "mac") == 0) {
			_cleanup_free_ char *s = NULL;
			r = ju_value_strdup(val, p, &s, err);
			if (r == 0 && (mac_parse(s, c->mac) < 0 || (c->mac[0] & 1) ||
				       !(c->mac[0] | c->mac[1] | c->mac[2] | c->mac[3] | c->mac[4] | c->mac[5])))
				r = cni_fail(err, CNI_ERR_CONFIG,
					     "%s: \"%.64s\" is not a unicast MAC address", p, s);
			c->has_mac = r == 0;
		} else if (strcmp(key, "aliases") == 0) {
			json_object *mine;
			if ((r = ju_expect_type(val, json_type_object, p, err)) < 0)
				return r;
			mine = ju_get(val, c->name);
			if (mine) {
				_cleanup_free_ char *mp = ju_path_key(p, c->name);
				r = ju_value_strv(mine, mp, CNI_MAX_LIST, &c->aliases, &c->n_aliases, err);
				for (size_t i = 0; r == 0 && i < c->n_aliases; i++)
					if (!alias_ok(c->aliases[i]))
						r = cni_fail(err, CNI_ERR_CONFIG,
							     "%s[%zu]: \"%.64s\" is not a DNS name",
							     mp, i, c->aliases[i]);
			}
		} else if (strcmp(key, "dns") == 0) {
			json_object *servers;
			if ((r = ju_expect_type(val, json_type_object, p, err)) < 0)
				return r;
			servers = ju_get(val, "servers");
			if (servers) {
				_cleanup_free_ char *sp = ju_path_key(p, "servers");
				r = parse_ip_list(servers, sp, &c->ctr_dns, &c->n_ctr_dns, err);
			}
		}
		/* Capabilities netd did not ask for (bandwidth, ...) are ignored. */
		if (r < 0)
			return r;
	}
	return 0;
}

/* args: {"cni": {"ips": [...]}} (others ignored, as the spec asks). */
static int parse_args(json_object *v, struct cni_config *c, bool has_ips, struct nd_error *err)
{
	json_object *cni, *ips;
	int r;

	if ((r = ju_expect_type(v, json_type_object, "args", err)) < 0)
		return r;
	cni = ju_get(v, "cni");
	if (!cni || !json_object_is_type(cni, json_type_object))
		return 0;
	ips = ju_get(cni, "ips");
	if (!ips || has_ips)
		return 0;
	return parse_ip_list(ips, "args.cni.ips", &c->req_ips, &c->n_req_ips, err);
}

/* One entry of cni.dev/valid-attachments (cni_array_parse()). */
static int parse_attref(json_object *o, const char *p, size_t i, void *ctx, struct nd_error *err)
{
	struct cni_config *c = ctx;
	struct cni_attref *a = &c->valid[i];
	json_object *id = ju_get(o, "containerID"), *ifn = ju_get(o, "ifname");
	_cleanup_free_ char *ip = ju_path_key(p, "containerID");
	_cleanup_free_ char *fp = ju_path_key(p, "ifname");
	int r;

	if (!id || !ifn)
		return cni_fail(err, CNI_ERR_CONFIG, "%s: needs containerID and ifname", p);
	c->n_valid = i + 1;
	if ((r = ju_value_strdup(id, ip, &a->container_id, err)) < 0 ||
	    (r = ju_value_strdup(ifn, fp, &a->ifname, err)) < 0)
		return r;
	return 0;
}

static int parse_valid(json_object *v, struct cni_config *c, struct nd_error *err)
{
	c->has_valid = true;
	return cni_array_parse(v, "cni.dev/valid-attachments", CNI_MAX_ATTACHMENTS,
			       sizeof(*c->valid), (void **)&c->valid, parse_attref, c, err);
}

int cni_peek_version(const char *buf, size_t len, enum cni_version *ret)
{
	json_object *root = NULL, *v;
	struct nd_error ne = {0};
	int r = -ENOENT;

	if (len == 0 || ju_parse(buf, len, &root, &ne) < 0) {
		nd_error_clear(&ne);
		return -EINVAL;
	}
	v = ju_get(root, "cniVersion");
	if (v && json_object_is_type(v, json_type_string))
		r = cni_version_parse(json_object_get_string(v), ret, NULL);
	json_object_put(root);
	return r < 0 ? r : 0;
}

/* cniVersion, name, type: needed by every command but VERSION. */
static int parse_header(json_object *root, enum cni_cmd cmd, struct cni_config *c,
			struct nd_error *err)
{
	json_object *v = ju_get(root, "cniVersion");
	int r;

	if (!v)
		return cni_fail(err, CNI_ERR_VERSION,
				"cniVersion: missing (that means 0.1.0); netd supports 0.3.0, 0.3.1, 0.4.0, 1.0.0 and 1.1.0");
	if (!json_object_is_type(v, json_type_string))
		return cni_fail(err, CNI_ERR_DECODE, "cniVersion: expected a string, got %s",
				ju_type_name(v));
	if ((r = cni_version_parse(json_object_get_string(v), &c->version, err)) < 0)
		return r;
	if (cmd == CNI_CMD_CHECK && c->version < CNI_V040)
		return cni_fail(err, CNI_ERR_VERSION,
				"config version %s does not allow CHECK (needs 0.4.0 or later)",
				cni_version_str(c->version));
	if ((cmd == CNI_CMD_GC || cmd == CNI_CMD_STATUS) && c->version < CNI_V110)
		return cni_fail(err, CNI_ERR_VERSION,
				"config version %s does not allow %s (needs 1.1.0)",
				cni_version_str(c->version), cni_cmd_name(cmd));
	v = ju_get(root, "name");
	if (!v)
		return cni_fail(err, CNI_ERR_CONFIG, "name: required field is missing");
	if ((r = ju_value_strdup(v, "name", &c->name, err)) < 0)
		return r;
	if (nd_name_reserved(c->name))
		return cni_fail(err, CNI_ERR_CONFIG,
				"name: \"%s\" is reserved: it is the DNS server's pid file", c->name);
	if (!cni_network_name_valid(c->name))
		return cni_fail(err, CNI_ERR_CONFIG,
				"name: \"%.64s\" is not a valid network name (a letter or digit, then letters, digits, '_', '.' or '-'; at most %d characters)",
				c->name, CNI_NAME_MAX);
	v = ju_get(root, "type");
	if (!v)
		return cni_fail(err, CNI_ERR_CONFIG, "type: required field is missing");
	if ((r = ju_value_strdup(v, "type", &c->type, err)) < 0)
		return r;
	if (!c->type[0] || strchr(c->type, '/'))
		return cni_fail(err, CNI_ERR_CONFIG, "type: \"%.64s\" is not a plugin name",
				c->type);
	return 0;
}

static int parse_isolate(json_object *v, struct cni_config *c, struct nd_error *err)
{
	const char *s;

	c->has_isolate = true;
	if (json_object_is_type(v, json_type_boolean)) {
		c->isolate = json_object_get_boolean(v) ? ND_ISOLATE_TRUE : ND_ISOLATE_FALSE;
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return cni_fail(err, CNI_ERR_CONFIG,
				"isolate: expected true, false or \"strict\", got %s",
				ju_type_name(v));
	s = json_object_get_string(v);
	if (strcmp(s, "strict") == 0)
		c->isolate = ND_ISOLATE_STRICT;
	else if (strcmp(s, "true") == 0)
		c->isolate = ND_ISOLATE_TRUE;
	else if (strcmp(s, "false") == 0)
		c->isolate = ND_ISOLATE_FALSE;
	else
		return cni_fail(err, CNI_ERR_CONFIG,
				"isolate: \"%.32s\" is not true, false or \"strict\"", s);
	return 0;
}

static int parse_body(json_object *root, enum cni_cmd cmd, struct cni_config *c,
		      struct nd_error *err)
{
	json_object *subnets = NULL, *routes = NULL, *rtc = NULL, *args = NULL, *prev = NULL;
	bool ip_masq = true, has_ips = false;
	int64_t x = 0;
	int r;

	c->dns_port = 53;
	/* Pass 1: every key is known, typed and in range. */
	json_object_object_foreach(root, key, v) {
		r = 0;

		if (strcmp(key, "cniVersion") == 0 || strcmp(key, "name") == 0 ||
		    strcmp(key, "type") == 0)
			continue;
		if (strncmp(key, "cni.dev/", 8) == 0) {
			if (strcmp(key, "cni.dev/valid-attachments") == 0 && v)
				r = parse_valid(v, c, err);
			if (r < 0)
				return r;
			continue;
		}
		/* Keys that belong to the conflist or the runtime; nothing for netd. */
		if (strcmp(key, "capabilities") == 0 || strcmp(key, "cniVersions") == 0 ||
		    strcmp(key, "disableCheck") == 0 || strcmp(key, "disableGC") == 0 ||
		    strcmp(key, "loadOnlyInlinedPlugins") == 0)
			continue;
		if (!v)	/* null = absent */
			continue;
		if (strcmp(key, "bridge") == 0) {
			_cleanup_free_ char *s = NULL;
			const char *why;
			r = ju_value_strdup(v, "bridge", &s, err);
			if (r == 0 && !ju_ifname_valid(s, &why))
				r = cni_fail(err, CNI_ERR_CONFIG, "bridge: \"%.64s\" %s", s, why);
			if (r == 0)
				snprintf(c->bridge, sizeof(c->bridge), "%s", s);
		} else if (strcmp(key, "subnets") == 0) {
			subnets = v;
		} else if (strcmp(key, "routes") == 0) {
			routes = v;
		} else if (strcmp(key, "ipMasq") == 0) {
			r = ju_value_bool(v, "ipMasq", &ip_masq, err);
		} else if (strcmp(key, "internal") == 0) {
			r = ju_value_bool(v, "internal", &c->internal, err);
		} else if (strcmp(key, "mtu") == 0) {
			r = ju_value_int(v, "mtu", 0, 65535, &x, err);
			if (r == 0 && x != 0 && x < 68)
				r = cni_fail(err, CNI_ERR_CONFIG,
					     "mtu: %lld is not a valid MTU (0, or 68 to 65535)",
					     (long long)x);
			c->has_mtu = x != 0;
			c->mtu = (uint32_t)x;
		} else if (strcmp(key, "isolate") == 0) {
			r = parse_isolate(v, c, err);
		} else if (strcmp(key, "metric") == 0) {
			r = ju_value_int(v, "metric", 0, UINT32_MAX, &x, err);
			c->has_metric = true;
			c->metric = (uint32_t)x;
		} else if (strcmp(key, "dnsEnabled") == 0) {
			r = ju_value_bool(v, "dnsEnabled", &c->dns_enabled, err);
		} else if (strcmp(key, "dnsPort") == 0) {
			r = ju_value_int(v, "dnsPort", 1, 65535, &x, err);
			c->dns_port = (uint16_t)x;
		} else if (strcmp(key, "dnsBinary") == 0) {
			r = cni_abs_path(v, "dnsBinary", &c->dns_binary, err);
		} else if (strcmp(key, "dataDir") == 0) {
			r = cni_abs_path(v, "dataDir", &c->data_dir, err);
		} else if (strcmp(key, "runtimeDir") == 0) {
			r = cni_abs_path(v, "runtimeDir", &c->runtime_dir, err);
		} else if (strcmp(key, "firewallDriver") == 0) {
			r = ju_value_strdup(v, "firewallDriver", &c->fw_driver, err);
			if (r == 0 && strcasecmp(c->fw_driver, "nftables") != 0 &&
			    strcasecmp(c->fw_driver, "none") != 0)
				r = cni_fail(err, CNI_ERR_CONFIG,
					     "firewallDriver: \"%.32s\" is not nftables or none",
					     c->fw_driver);
		} else if (strcmp(key, "dns") == 0) {
			r = cni_dns_parse(v, "dns", &c->dns, err);
			c->has_dns = true;
		} else if (strcmp(key, "runtimeConfig") == 0) {
			rtc = v;
		} else if (strcmp(key, "args") == 0) {
			args = v;
		} else if (strcmp(key, "prevResult") == 0) {
			prev = v;
		} else if (strcmp(key, "ipam") == 0) {
			r = cni_unsupported(err, "", key, v,
					"netd allocates addresses itself; give \"subnets\" instead of an IPAM plugin");
		} else {
			r = cni_unsupported(err, "", key, v, NULL);
		}
		if (r < 0)
			return r;
	}
	if (!ip_masq && !c->internal)
		return cni_fail(err, CNI_ERR_FIELD,
				"unsupported field in network config: ipMasq = false: netd masquerades every network that is not internal (set \"internal\": true for none)");
	if (!subnets)
		return cni_fail(err, CNI_ERR_CONFIG,
				"subnets: required field is missing (e.g. \"subnets\": [{\"subnet\": \"10.88.0.0/16\"}])");
	if ((r = parse_subnets(subnets, c, err)) < 0)
		return r;
	if (c->has_mtu && c->mtu < 1280 && gateway_for(c, AF_INET6))
		return cni_fail(err, CNI_ERR_CONFIG,
				"mtu: %u is below 1280, the minimum for an IPv6 subnet", c->mtu);
	if (routes && (r = parse_routes(routes, c, err)) < 0)
		return r;
	if (rtc && (r = parse_runtime_config(rtc, c, &has_ips, err)) < 0)
		return r;
	if (args && (r = parse_args(args, c, has_ips, err)) < 0)
		return r;
	/* netd-dns forwarding to a gateway would ask itself. */
	for (size_t i = 0; c->dns_enabled && i < c->n_ctr_dns; i++)
		for (size_t k = 0; k < c->n_subnets; k++)
			if (nd_ip_equal(&c->ctr_dns[i], &c->subnets[k].gateway)) {
				char b[ND_ADDRSTRLEN];
				return cni_fail(err, CNI_ERR_CONFIG,
						"runtimeConfig.dns.servers[%zu]: %s is the gateway of network \"%s\", where netd-dns answers; it would forward to itself",
						i, nd_ip_str(&c->ctr_dns[i], b), c->name);
			}
	if (prev && cmd != CNI_CMD_GC && cmd != CNI_CMD_STATUS) {
		struct nd_error pe = {0};
		if ((r = cni_result_parse(prev, c->version, "prevResult", &c->prev, &pe)) < 0) {
			/* DEL cleans up from its own records; a bad prevResult does not stop it. */
			if (cmd != CNI_CMD_DEL) {
				nd_error_move(err, &pe);
				return r;
			}
			nd_error_clear(&pe);
		}
	}
	if (cmd == CNI_CMD_GC && !c->has_valid)
		return cni_fail(err, CNI_ERR_CONFIG,
				"cni.dev/valid-attachments: required for GC (an empty list removes every attachment)");
	/* Defaults. */
	if (!c->bridge[0])
		cni_default_bridge(c->name, c->bridge);
	if (!c->data_dir && !(c->data_dir = strdup(DEFAULT_DATA_DIR)))
		return cni_oom(err);
	if (!c->runtime_dir && !(c->runtime_dir = strdup(DEFAULT_RUNTIME_DIR)))
		return cni_oom(err);
	if (!c->fw_driver && !(c->fw_driver = strdup("nftables")))
		return cni_oom(err);
	return 0;
}

int cni_config_parse(const char *buf, size_t len, enum cni_cmd cmd, struct cni_config **ret,
		     struct nd_error *err)
{
	_cleanup_(cni_config_freep) struct cni_config *c = NULL;
	struct nd_error ne = {0};
	json_object *root = NULL, *v;
	int r;

	if (len > CNI_MAX_INPUT)
		return cni_fail(err, CNI_ERR_DECODE, "network config larger than %u bytes",
				CNI_MAX_INPUT);
	c = calloc(1, sizeof(*c));
	if (!c)
		return cni_oom(err);
	if (cmd == CNI_CMD_VERSION) {
		/* Only cniVersion matters; an empty stdin is fine. */
		size_t k = 0;

		c->version = CNI_V_NEWEST;
		while (k < len && (buf[k] == ' ' || buf[k] == '\t' || buf[k] == '\r' || buf[k] == '\n'))
			k++;
		if (k == len) {
			*ret = TAKE_PTR(c);
			return 0;
		}
	}
	{
		size_t k = 0;

		while (k < len && (buf[k] == ' ' || buf[k] == '\t' || buf[k] == '\r' || buf[k] == '\n'))
			k++;
		if (k == len)
			return cni_fail(err, CNI_ERR_DECODE,
					"failed to decode the network config: stdin is empty");
	}
	r = ju_parse(buf, len, &root, &ne);
	if (r < 0) {
		r = cni_fail(err, CNI_ERR_DECODE, "failed to decode the network config: %s",
			     ne.msg ? ne.msg : "invalid JSON");
		nd_error_clear(&ne);
		return r;
	}
	if (!json_object_is_type(root, json_type_object)) {
		r = cni_fail(err, CNI_ERR_DECODE,
			     "failed to decode the network config: expected a JSON object, got %s",
			     ju_type_name(root));
		json_object_put(root);
		return r;
	}
	if (cmd == CNI_CMD_VERSION) {
		struct nd_error ve = {0};

		v = ju_get(root, "cniVersion");
		r = 0;
		if (v && !json_object_is_type(v, json_type_string)) {
			r = cni_fail(err, CNI_ERR_DECODE, "cniVersion: expected a string, got %s",
				     ju_type_name(v));
		} else if (v && cni_version_parse(json_object_get_string(v), &c->version, &ve) < 0) {
			/* A version netd does not speak is answered with the newest it does. */
			if (ve.proto_code == CNI_ERR_DECODE)
				r = cni_fail(err, ve.proto_code, "%s", ve.msg);
			c->version = CNI_V_NEWEST;
		}
		nd_error_clear(&ve);
		json_object_put(root);
		if (r < 0)
			return r;
		*ret = TAKE_PTR(c);
		return 0;
	}
	r = parse_header(root, cmd, c, err);
	if (r == 0)
		r = parse_body(root, cmd, c, err);
	json_object_put(root);
	if (r < 0)
		return cni_error_default(err, r, CNI_ERR_CONFIG);
	*ret = TAKE_PTR(c);
	return 0;
}
