// SPDX-License-Identifier: Apache-2.0
/*
 * The environment of a CNI call: CNI_COMMAND and, per command, the variables
 * it needs (spec section "Parameters"), plus the CNI_ARGS convention.
 */
#include "cni-config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jsonutil.h"
#include "network.h"
#include "shared/cleanup.h"


static int cmd_parse(const char *s, enum cni_cmd *ret)
{
	static const enum cni_cmd all[] = { CNI_CMD_ADD, CNI_CMD_DEL, CNI_CMD_CHECK,
					    CNI_CMD_VERSION, CNI_CMD_GC, CNI_CMD_STATUS };

	for (size_t i = 0; i < ELEMENTSOF(all); i++)
		if (strcmp(s, cni_cmd_name(all[i])) == 0) {
			*ret = all[i];
			return 0;
		}
	return -EINVAL;
}

void cni_params_done(struct cni_params *p)
{
	free(p->container_id);
	free(p->netns);
	free(p->ifname);
	free(p->path);
	free(p->pod_name);
	free(p->pod_namespace);
	free(p->arg_ips);
	*p = (struct cni_params){0};
}

/* Append "NAME (why)" to the list of bad variables. */
static void bad_var(FILE *f, bool *any, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void bad_var(FILE *f, bool *any, const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "%s%s (", *any ? ", " : "", name);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc(')', f);
	*any = true;
}

static bool is_true(const char *v)
{
	return strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0;
}

/* CNI_ARGS: "K=V;K2=V2". Known keys are used, others refused unless IgnoreUnknown. */
static int parse_cni_args(const char *args, struct cni_params *p, FILE *f, bool *any)
{
	static const char *const known[] = {
		"IgnoreUnknown", "K8S_POD_NAME", "K8S_POD_NAMESPACE", "K8S_POD_INFRA_CONTAINER_ID",
		"K8S_POD_UID", "IP", "MAC",
	};
	_cleanup_free_ char *copy = NULL;
	bool ignore_unknown = false;
	char *save = NULL;

	if (strlen(args) > 65536) {
		bad_var(f, any, "CNI_ARGS", "longer than 65536 bytes");
		return 0;
	}
	/* First pass: IgnoreUnknown may come anywhere. */
	copy = strdup(args);
	if (!copy)
		return -ENOMEM;
	for (char *kv = strtok_r(copy, ";", &save); kv; kv = strtok_r(NULL, ";", &save))
		if (strncmp(kv, "IgnoreUnknown=", 14) == 0)
			ignore_unknown = is_true(kv + 14);
	free(copy);
	copy = strdup(args);
	if (!copy)
		return -ENOMEM;
	save = NULL;
	for (char *kv = strtok_r(copy, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(kv, '=');
		const char *v;
		bool found = false;

		if (!eq || eq == kv) {
			bad_var(f, any, "CNI_ARGS", "\"%.64s\" is not KEY=VALUE", kv);
			return 0;
		}
		*eq = '\0';
		v = eq + 1;
		for (size_t i = 0; i < ELEMENTSOF(known); i++)
			found |= strcmp(kv, known[i]) == 0;
		if (!found) {
			if (!ignore_unknown) {
				bad_var(f, any, "CNI_ARGS", "unknown key \"%.64s\"; add IgnoreUnknown=1 to pass it anyway", kv);
				return 0;
			}
			continue;
		}
		if (strcmp(kv, "K8S_POD_NAME") == 0 && *v) {
			free(p->pod_name);
			if (!(p->pod_name = strdup(v)))
				return -ENOMEM;
		} else if (strcmp(kv, "K8S_POD_NAMESPACE") == 0 && *v) {
			free(p->pod_namespace);
			if (!(p->pod_namespace = strdup(v)))
				return -ENOMEM;
		} else if (strcmp(kv, "IP") == 0 && *v) {
			_cleanup_free_ char *list = strdup(v);
			char *s2 = NULL;
			if (!list)
				return -ENOMEM;
			free(p->arg_ips);
			p->arg_ips = NULL;
			p->n_arg_ips = 0;
			for (char *ip = strtok_r(list, ",", &s2); ip; ip = strtok_r(NULL, ",", &s2)) {
				struct nd_ip a;
				struct nd_ip *n;
				char *slash = strchr(ip, '/');
				if (slash)
					*slash = '\0';
				if (nd_ip_parse(ip, &a) < 0) {
					bad_var(f, any, "CNI_ARGS", "IP: \"%.64s\" is not an IP address", ip);
					return 0;
				}
				if (p->n_arg_ips == CNI_MAX_LIST) {
					bad_var(f, any, "CNI_ARGS", "IP: more than %d addresses", CNI_MAX_LIST);
					return 0;
				}
				n = realloc(p->arg_ips, (p->n_arg_ips + 1) * sizeof(*n));
				if (!n)
					return -ENOMEM;
				p->arg_ips = n;
				p->arg_ips[p->n_arg_ips++] = a;
			}
		} else if (strcmp(kv, "MAC") == 0 && *v) {
			const uint8_t *m = p->arg_mac;
			if (mac_parse(v, p->arg_mac) < 0 || (m[0] & 1) ||
			    !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5])) {
				bad_var(f, any, "CNI_ARGS", "MAC: \"%.64s\" is not a unicast MAC address", v);
				return 0;
			}
			p->has_arg_mac = true;
		}
	}
	return 0;
}

int cni_params_parse(const struct cni_env *env, struct cni_params *ret, struct nd_error *err)
{
	struct cni_params p = {0};
	_cleanup_free_ char *bad = NULL;
	size_t bad_len = 0;
	bool any = false, needs_ctr;
	const char *why;
	FILE *f;
	int r = 0;

	if (!env->command || !env->command[0])
		return cni_fail(err, CNI_ERR_ENV,
				"missing environment variable CNI_COMMAND (ADD, DEL, CHECK, VERSION, GC or STATUS)");
	if (cmd_parse(env->command, &p.cmd) < 0)
		return cni_fail(err, CNI_ERR_ENV,
				"invalid environment variable CNI_COMMAND: unknown command \"%.32s\" (ADD, DEL, CHECK, VERSION, GC or STATUS)",
				env->command);
	f = open_memstream(&bad, &bad_len);
	if (!f)
		return cni_oom(err);
	needs_ctr = p.cmd == CNI_CMD_ADD || p.cmd == CNI_CMD_DEL || p.cmd == CNI_CMD_CHECK;
	if (needs_ctr) {
		if (!env->container_id || !env->container_id[0])
			bad_var(f, &any, "CNI_CONTAINERID", "missing");
		else if (!cni_container_id_valid(env->container_id))
			bad_var(f, &any, "CNI_CONTAINERID",
				"\"%.64s\" must start with a letter or digit, continue with letters, digits, '_', '.' or '-', and have at most %d characters",
				env->container_id, CNI_CONTAINER_ID_MAX);
		if (!env->ifname || !env->ifname[0])
			bad_var(f, &any, "CNI_IFNAME", "missing");
		else if (!ju_ifname_valid(env->ifname, &why))
			bad_var(f, &any, "CNI_IFNAME", "\"%.64s\" %s", env->ifname, why);
		if (p.cmd != CNI_CMD_DEL && (!env->netns || !env->netns[0]))
			bad_var(f, &any, "CNI_NETNS", "missing");
		else if (env->netns && env->netns[0] &&
			 (env->netns[0] != '/' || strlen(env->netns) > CNI_MAX_PATH))
			bad_var(f, &any, "CNI_NETNS", "\"%.64s\" is not an absolute path", env->netns);
		if (env->args && env->args[0])
			r = parse_cni_args(env->args, &p, f, &any);
	}
	if (p.cmd == CNI_CMD_GC && (!env->path || !env->path[0]))
		bad_var(f, &any, "CNI_PATH", "missing");
	if (fclose(f) != 0 || r < 0) {
		cni_params_done(&p);
		return cni_oom(err);
	}
	if (any) {
		cni_params_done(&p);
		return cni_fail(err, CNI_ERR_ENV, "missing or invalid environment variables for %s: %s",
				env->command, bad);
	}
	if (needs_ctr) {
		p.container_id = strdup(env->container_id);
		p.ifname = strdup(env->ifname);
	}
	p.netns = strdup(env->netns && needs_ctr ? env->netns : "");
	if (env->path && env->path[0])
		p.path = strdup(env->path);
	if ((needs_ctr && (!p.container_id || !p.ifname)) || !p.netns ||
	    (env->path && env->path[0] && !p.path)) {
		cni_params_done(&p);
		return cni_oom(err);
	}
	*ret = p;
	return 0;
}

