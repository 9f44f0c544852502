/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CNI side of netd: what a runtime hands a plugin (environment and the
 * configuration on stdin) turned into a validated model, and the error a
 * plugin answers with. Pure parsing, no system access: linked into netd, the
 * unit tests and the fuzzer (cni_dep). See docs/cni.md.
 */
#pragma once

#include <json-c/json.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "shared/error.h"
#include "shared/ipaddr.h"

/* Bounds on what a configuration may contain. */
#define CNI_MAX_INPUT (4u << 20)	/* stdin */
#define CNI_MAX_SUBNETS 8
#define CNI_MAX_ROUTES 256
#define CNI_MAX_PORTS 4096
#define CNI_MAX_LIST 64			/* ips, aliases, dns entries */
#define CNI_MAX_ATTACHMENTS 65536	/* cni.dev/valid-attachments, the IPAM store */
#define CNI_MAX_RESULT_ITEMS 1024	/* interfaces, ips, routes of a prevResult */
#define CNI_NAME_MAX 128		/* network name */
#define CNI_CONTAINER_ID_MAX 240	/* ND_NAME_MAX: <id>.json must fit NAME_MAX */
#define CNI_MAX_PATH 1024		/* CNI_NETNS, directories, binaries */

/* Error codes: 1-11 and 50/51 from the spec, 100+ netd's own. */
enum cni_code {
	CNI_ERR_VERSION = 1,		/* incompatible CNI version */
	CNI_ERR_FIELD = 2,		/* unsupported field in the network config */
	CNI_ERR_CONTAINER = 3,		/* container unknown */
	CNI_ERR_ENV = 4,		/* invalid or missing environment variable */
	CNI_ERR_IO = 5,			/* I/O failure */
	CNI_ERR_DECODE = 6,		/* failed to decode content */
	CNI_ERR_CONFIG = 7,		/* invalid network config */
	CNI_ERR_TRY_AGAIN = 11,		/* transient, retry */
	CNI_ERR_UNAVAILABLE = 50,	/* STATUS: cannot serve ADD */
	CNI_ERR_DEGRADED = 51,		/* STATUS: and existing containers are affected */
	CNI_ERR_NETD = 100,		/* the netd pipeline (setup/teardown) failed */
	CNI_ERR_CHECK = 101,		/* CHECK: the attachment is not as ADD built it */
	CNI_ERR_IPAM = 102,		/* no free address / requested address taken */
	CNI_ERR_STATE = 103,		/* netd's CNI state cannot be read or written */
	CNI_ERR_GC = 104,		/* GC could not clean every stale attachment */
	CNI_ERR_INTERNAL = 105,		/* out of memory and the like */
};

/*
 * Errors are netd's struct nd_error (shared/error.h); the CNI code the
 * runtime gets (enum cni_code) travels in its proto_code, CNI's "details"
 * in its details, and cni_error_print() prints them (cni-result.h).
 */

/**
 * cni_fail() - record an error with CNI code @cni_code, unless @e holds one
 * Return: a negative errno for the code (-ENOTSUP for 1 and 2, -EIO for 5
 * and 103, -EAGAIN for 11, -ENOMEM for 105, else -EINVAL), so callers can
 * `return cni_fail(...)`.
 */
int cni_fail(struct nd_error *e, unsigned cni_code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* cni_fail(@e, CNI_ERR_INTERNAL, "out of memory"). */
int cni_oom(struct nd_error *e);
/* Set the details of the recorded error (replaces earlier ones). */
void cni_details(struct nd_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/**
 * cni_error_default() - the CNI code of an error netd's JSON helpers recorded
 * @r:		what the failed call returned
 *
 * Gives an error without a message one from @r, and one without a CNI code
 * @cni_code (105 for -ENOMEM). Nothing happens when @r is not negative.
 * Return: @r.
 */
int cni_error_default(struct nd_error *e, int r, unsigned cni_code);

enum cni_version {
	CNI_V030,
	CNI_V031,
	CNI_V040,
	CNI_V100,
	CNI_V110,
};
#define CNI_V_NEWEST CNI_V110
#define CNI_SUPPORTED_VERSIONS { "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0" }

const char *cni_version_str(enum cni_version v);
/**
 * cni_version_parse() - a "major.minor.patch" string
 * Return: 0; -EINVAL if it is no version string (code 6 set); -ENOTSUP if it
 * is one that netd does not speak (code 1 set).
 */
int cni_version_parse(const char *s, enum cni_version *ret, struct nd_error *err);

enum cni_cmd {
	CNI_CMD_ADD,
	CNI_CMD_DEL,
	CNI_CMD_CHECK,
	CNI_CMD_VERSION,
	CNI_CMD_GC,
	CNI_CMD_STATUS,
};

const char *cni_cmd_name(enum cni_cmd c);

/* The environment as the runtime set it; NULL = unset. */
struct cni_env {
	const char *command, *container_id, *netns, *ifname, *args, *path;
};

/* The validated parameters (strings owned). */
struct cni_params {
	enum cni_cmd cmd;
	char *container_id;		/* ADD, DEL, CHECK */
	char *netns;			/* "" when not given (DEL, GC, STATUS) */
	char *ifname;			/* ADD, DEL, CHECK */
	char *path;			/* CNI_PATH, may be NULL */
	/* CNI_ARGS */
	char *pod_name, *pod_namespace;
	struct nd_ip *arg_ips;		/* IP=a,b */
	size_t n_arg_ips;
	bool has_arg_mac;		/* MAC= */
	uint8_t arg_mac[6];
};

/**
 * cni_params_parse() - check the environment for the command it names
 * Every missing or invalid variable is named in one message (code 4).
 */
int cni_params_parse(const struct cni_env *env, struct cni_params *ret, struct nd_error *err);
void cni_params_done(struct cni_params *p);

/* A subnet with its allocation range (defaults filled in). */
struct cni_subnet {
	struct nd_prefix subnet;	/* host bits clear */
	bool has_gateway;
	struct nd_ip gateway;
	struct nd_ip range_start, range_end;	/* inclusive, inside the subnet */
};

struct cni_route {
	struct nd_prefix dst;		/* host bits clear */
	bool has_gw;
	struct nd_ip gw;
};

struct cni_portmap {
	uint16_t host_port, container_port;
	enum nd_proto proto;
	enum nd_host_ip_kind host_ip_kind;
	struct nd_ip host_ip;		/* ND_HOSTIP_ONE only */
};

/* A (container, interface) pair: cni.dev/valid-attachments. */
struct cni_attref {
	char *container_id;
	char *ifname;
};

struct cni_dns {
	char **nameservers;
	size_t n_nameservers;
	char *domain;
	char **search;
	size_t n_search;
	char **options;
	size_t n_options;
};

struct cni_result;

struct cni_config {
	enum cni_version version;
	char *name;
	char *type;

	/* netd's keys (defaults filled in) */
	char bridge[IFNAMSIZ];
	struct cni_subnet *subnets;
	size_t n_subnets;
	struct cni_route *routes;
	size_t n_routes;
	bool internal;
	bool has_mtu;
	uint32_t mtu;
	bool has_isolate;
	enum nd_isolate isolate;
	bool has_metric;
	uint32_t metric;
	bool dns_enabled;
	uint16_t dns_port;
	char *dns_binary;		/* NULL: netd-dns beside netd */
	char *data_dir;			/* IPAM state */
	char *runtime_dir;		/* netd's --config */
	char *fw_driver;

	/* well-known "dns": echoed into the result */
	bool has_dns;
	struct cni_dns dns;

	/* runtimeConfig (capabilities) and args */
	struct cni_portmap *ports;
	size_t n_ports;
	struct nd_ip *req_ips;		/* runtimeConfig.ips, else args.cni.ips */
	size_t n_req_ips;
	bool has_mac;
	uint8_t mac[6];
	char **aliases;			/* runtimeConfig.aliases[<name>] */
	size_t n_aliases;
	struct nd_ip *ctr_dns;		/* runtimeConfig.dns.servers */
	size_t n_ctr_dns;

	struct cni_result *prev;	/* prevResult, NULL if none */

	bool has_valid;			/* cni.dev/valid-attachments (GC) */
	struct cni_attref *valid;
	size_t n_valid;
};

/**
 * cni_config_parse() - parse and validate the configuration on stdin
 * @cmd:	the command (VERSION reads only cniVersion)
 *
 * Code 6 for bad JSON or a bad version string, 1 for a version netd does not
 * speak, 2 for a field netd does not support, 7 for everything else invalid.
 */
int cni_config_parse(const char *buf, size_t len, enum cni_cmd cmd, struct cni_config **ret,
		     struct nd_error *err);
void cni_config_free(struct cni_config *c);
static inline void cni_config_freep(struct cni_config **c)
{
	cni_config_free(*c);
}

/**
 * cni_peek_version() - the cniVersion of @buf if it is there and supported
 * Return: 0 and *ret; negative when absent, unparsable or unsupported.
 */
int cni_peek_version(const char *buf, size_t len, enum cni_version *ret);

/* Whether @s is a valid CNI_CONTAINERID / network name. */
bool cni_container_id_valid(const char *s);
bool cni_network_name_valid(const char *s);

/* Bridge name when the config gives none: "netd-<name>" or "netd-<10 hex of a hash>". */
void cni_default_bridge(const char *name, char out[IFNAMSIZ]);
/* A 64-hex network id derived from the name (netavark's Network.id). */
void cni_network_id(const char *name, char out[65]);

void cni_dns_done(struct cni_dns *d);
