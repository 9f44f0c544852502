// SPDX-License-Identifier: Apache-2.0
/*
 * netd: the network-setup executable. Command line as netavark's: global
 * options before the subcommand. A usage error exits 2 with a message on
 * stderr; any other error prints {"error": "..."} on stdout and exits 1.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "config.h"
#include "admin.h"
#include "cni.h"
#include "commands.h"
#include "dns-conf.h"
#include "dns-server.h"
#include "shared/cleanup.h"
#include "fw.h"
#include "dhcp-proxy.h"
#include "driver.h"
#include "opts.h"
#include "result.h"
#include "shared/log.h"

static const char usage_text[] =
	"Usage: netd [OPTIONS] COMMAND [ARGS]\n"
	"\n"
	"Container network setup, compatible with netavark's command line and JSON.\n"
	"\n"
	"Commands (netavark's; each has --help):\n"
	"  setup NETNS_PATH      attach a container namespace to networks (request on stdin)\n"
	"  teardown NETNS_PATH   detach it again (same request on stdin)\n"
	"  create                complete a partial network definition (JSON on stdin)\n"
	"  validate              check a request without touching anything\n"
	"  firewall-reload       re-create netd's nftables rules from the state in --config\n"
	"  update NETWORK --network-dns-servers IP ...   change a network's DNS servers\n"
	"  dhcp-proxy            keep the DHCP leases of --config renewed (started by setup)\n"
	"  version               print version information as JSON\n"
	"  help                  this help\n"
	"\n"
	"Admin commands (without an engine; see docs/admin.md, each has --help):\n"
	"  network create|ls|inspect|rm   define networks\n"
	"  attach NETNS --network NAME    attach a namespace (addresses allocated)\n"
	"  detach NETNS                   detach it again\n"
	"  status [--json|--dot]          what is live\n"
	"  check [--repair]               compare the kernel with netd's state\n"
	"\n"
	"Options (before the command):\n"
	"  -c, --config DIR            state directory (required for setup/teardown)\n"
	"  -r, --rootless BOOL         true when running rootless (default false)\n"
	"  -a, --aardvark-binary PATH  DNS server to start for dns_enabled networks\n"
	"                              (default: netd-dns beside netd or in its build\n"
	"                              tree, else /usr/libexec/podman/aardvark-dns)\n"
	"      --firewall-driver NAME  firewall driver: nftables or none (default: see\n"
	"                              version; also NETAVARK_FW)\n"
	"      --plugin-directory DIR  directory with driver plugins (repeatable)\n"
	"      --network-dir DIR       network definitions of the admin commands\n"
	"                              (also NETD_NETWORK_DIR; default /etc/netd/networks)\n"
	"  -f, --file PATH             read the request from PATH instead of stdin\n"
	"  -h, --help                  this help\n"
	"  -V, --version               print the version\n"
	"\n"
	"Environment:\n"
	"  NETD_LOG=error|warn|info|debug|trace   log level on stderr (default warn;\n"
	"                      RUST_LOG such as netavark=debug is understood too)\n"
	"  NETAVARK_FW=NAME    firewall driver, as --firewall-driver\n"
	"  NETAVARK_DNS_PORT=PORT   port the DNS server listens on (default 53)\n"
	"  NETD_NETWORK_DIR=DIR     network definitions of the admin commands\n"
	"                      (default " ADMIN_DEFAULT_NETWORK_DIR ")\n"
	"  NETD_PLUGIN_TIMEOUT=SECONDS   how long a driver plugin may take\n"
	"  CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS, CNI_PATH\n"
	"                      set by a CNI runtime: netd then acts as a CNI plugin\n"
	"                      (docs/cni.md)\n"
	"\n"
	"On success the result is JSON on stdout; on failure {\"error\": \"...\"} on\n"
	"stdout, exit status 1, and nothing on stderr below NETD_LOG=info. A usage\n"
	"error exits 2 with a message on stderr.\n"
	"\n"
	"Example:\n"
	"  netd --config /run/containers/networks setup /run/netns/ctr1 < request.json\n";

/* --help of the netavark-protocol commands. */
static const struct {
	const char *cmd, *text;
} cmd_help[] = {
	{ "setup", "Usage: netd [OPTIONS] setup NETNS_PATH\n\n"
	  "Attach the container network namespace NETNS_PATH to the networks of the\n"
	  "request read from stdin (or --file), netavark's setup. Prints the result:\n"
	  "one object per network, keyed by name. Needs --config.\n" },
	{ "teardown", "Usage: netd [OPTIONS] teardown NETNS_PATH\n\n"
	  "Detach NETNS_PATH from the networks of the request on stdin (or --file),\n"
	  "the same request as for setup. Prints nothing on success. Needs --config.\n" },
	{ "create", "Usage: netd [OPTIONS] create\n\n"
	  "Complete the partial network definition on stdin (or --file), netavark\n"
	  "2.x's create: {\"network\": {...}, \"used\": {\"interfaces\": [...],\n"
	  "\"names\": {...}, \"subnets\": [...]}, \"options\": {\"subnet_pools\":\n"
	  "[{\"base\": CIDR, \"size\": N}], \"default_interface_name\": NAME,\n"
	  "\"check_used_subnets\": BOOL}}. Prints the complete network as JSON.\n" },
	{ "validate", "Usage: netd [OPTIONS] validate\n\n"
	  "Check the setup request on stdin (or --file) without touching anything;\n"
	  "prints {\"valid\": true, \"networks\": [NAME...]}.\n" },
	{ "firewall-reload", "Usage: netd [OPTIONS] firewall-reload\n\n"
	  "Re-create netd's firewall rules for every container recorded in --config.\n" },
	{ "update", "Usage: netd [OPTIONS] update NETWORK --network-dns-servers IP ...\n\n"
	  "Replace the DNS servers of NETWORK (repeat --network-dns-servers for\n"
	  "several) and reload the DNS server. Needs --config.\n" },
	{ "version", "Usage: netd version\n\n"
	  "Print {\"version\", \"commit\", \"build_time\", \"target\",\n"
	  "\"default_fw_driver\"} as JSON.\n" },
};

/* 1 when argv[optind..] asks for the help of @cmd (printed), else 0. */
static int command_help(const char *cmd, int argc, char **argv)
{
	for (int k = optind; k < argc; k++) {
		if (strcmp(argv[k], "--help") != 0 && strcmp(argv[k], "-h") != 0)
			continue;
		for (size_t i = 0; i < ELEMENTSOF(cmd_help); i++)
			if (strcmp(cmd_help[i].cmd, cmd) == 0) {
				fputs(cmd_help[i].text, stdout);
				return 1;
			}
	}
	return 0;
}

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "netd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'netd --help'.\n");
	return 2;
}

/* RFC 3339 build time from the compiler's __DATE__ and __TIME__. */
static void build_time(char out[32])
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *d = __DATE__;	/* "Nov 27 2026" */
	const char *m = strstr(months, (char[4]){ d[0], d[1], d[2], 0 });
	int day = atoi(d + 4), mon = m ? (int)(m - months) / 3 + 1 : 1;

	snprintf(out, 32, "%.4s-%02d-%02dT%sZ", d + 7, mon, day, __TIME__);
}

static int cmd_version(const struct netd_opts *opts)
{
	json_object *o = json_object_new_object();
	char bt[32];
	const char *s;

	build_time(bt);
	json_object_object_add(o, "version", json_object_new_string(NETD_VERSION));
	json_object_object_add(o, "commit", json_object_new_string(NETD_COMMIT));
	json_object_object_add(o, "build_time", json_object_new_string(bt));
	json_object_object_add(o, "target", json_object_new_string(NETD_BUILD_TARGET));
	json_object_object_add(o, "default_fw_driver", json_object_new_string(fw_default_name()));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	printf("%s\n", s);
	json_object_put(o);
	return 0;
}

/* netd update NETWORK --network-dns-servers IP [--network-dns-servers IP ...] */
static int cmd_update_main(const struct netd_opts *opts, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "network-dns-servers", required_argument, NULL, 'd' },
		{ 0 }
	};
	char *servers[64];
	size_t n = 0;
	bool given = false;
	struct nd_error err = {0};
	const char *network = NULL;
	int opt;

	/* Options may come before or after the network name. */
	while (optind < argc) {
		if (argv[optind][0] != '-') {
			if (network)
				return usage_error("unexpected argument '%s'", argv[optind]);
			network = argv[optind++];
			continue;
		}
		opt = getopt_long(argc, argv, "+", longopts, NULL);
		if (opt == -1)
			break;
		if (opt != 'd')
			return usage_error("update: unknown option '%s'", argv[optind - 1]);
		given = true;
		if (n == ELEMENTSOF(servers))
			return usage_error("update: too many --network-dns-servers (at most %zu)",
					   ELEMENTSOF(servers));
		servers[n++] = optarg;
	}
	if (!network || !network[0])
		return usage_error("update needs the network name");
	if (!given)
		return usage_error("update needs --network-dns-servers");
	if (!opts->config_dir) {
		nd_error_set(&err, -EINVAL, "--config not specified but required for netd update");
	} else if (dns_update(opts, network, servers, n, &err) >= 0) {
		return 0;
	}
	result_print_error(&err);
	nd_error_clear(&err);
	return 1;
}

static int parse_bool_arg(const char *s, bool *ret)
{
	if (strcasecmp(s, "true") == 0)
		*ret = true;
	else if (strcasecmp(s, "false") == 0)
		*ret = false;
	else
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	/* Run by a container runtime as a CNI plugin (docs/cni.md). */
	if (getenv("CNI_COMMAND"))
		return cni_main(argc, argv);

	enum { OPT_FW = 0x100, OPT_PLUGIN_DIR, OPT_NETWORK_DIR };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "rootless", required_argument, NULL, 'r' },
		{ "aardvark-binary", required_argument, NULL, 'a' },
		{ "firewall-driver", required_argument, NULL, OPT_FW },
		{ "plugin-directory", required_argument, NULL, OPT_PLUGIN_DIR },
		{ "network-dir", required_argument, NULL, OPT_NETWORK_DIR },	/* admin commands */
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	struct netd_opts opts = {
		.fw_driver = getenv("NETAVARK_FW"),
		.dns_port = 53,
	};
	struct nd_error err = {0};
	const char *cmd;
	char self_dns[4096];
	int opt, r;

	log_setup("NETD_LOG", "netd");
	/*
	 * Default DNS server: netd-dns installed beside this binary, or in the
	 * build tree (build/netd/netd -> build/dns/netd-dns), else aardvark-dns.
	 */
	opts.aardvark_binary = dns_server_find(self_dns, sizeof(self_dns), true);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+c:r:a:f:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			opts.config_dir = optarg;
			break;
		case 'r':
			if (parse_bool_arg(optarg, &opts.rootless) < 0)
				return usage_error("invalid value '%s' for --rootless (true or false)", optarg);
			break;
		case 'a':
			opts.aardvark_binary = optarg;
			break;
		case OPT_FW:
			opts.fw_driver = optarg;
			break;
		case OPT_NETWORK_DIR:
			opts.network_dir = optarg;
			break;
		case OPT_PLUGIN_DIR:
			if (opts.n_plugin_dirs == NETD_MAX_PLUGIN_DIRS)
				return usage_error("too many --plugin-directory options (at most %d)",
						   NETD_MAX_PLUGIN_DIRS);
			opts.plugin_dirs[opts.n_plugin_dirs++] = optarg;
			break;
		case 'f':
			opts.input_file = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("netd %s\n", NETD_VERSION);
			return 0;
		case '?':
			if (optopt)
				return usage_error("unknown option or missing value for '-%c'",
						   (char)optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind++];
	if (command_help(cmd, argc, argv))
		return 0;

	if (strcmp(cmd, "version") == 0) {
		if (optind != argc)
			return usage_error("unexpected argument '%s'", argv[optind]);
		return cmd_version(&opts);
	}
	if (strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "update") == 0)
		return cmd_update_main(&opts, argc, argv);
	if (strcmp(cmd, "dhcp-proxy") == 0) {
		if (optind != argc)
			return usage_error("unexpected argument '%s'", argv[optind]);
		r = cmd_dhcp_proxy(&opts, &err);
		if (r >= 0)
			return 0;
		goto fail;
	}
	if (strcmp(cmd, "network") == 0 || strcmp(cmd, "attach") == 0 ||
	    strcmp(cmd, "detach") == 0 || strcmp(cmd, "status") == 0 || strcmp(cmd, "check") == 0) {
		if (!opts.fw_driver || !opts.fw_driver[0])
			opts.fw_driver = fw_default_name();
		r = cmd_admin(&opts, cmd, argc - optind, argv + optind, &err);
		if (r >= 0)
			return r;
		result_print_error(&err);
		nd_error_clear(&err);
		return 1;
	}
	if (strcmp(cmd, "setup") != 0 && strcmp(cmd, "teardown") != 0 &&
	    strcmp(cmd, "validate") != 0 && strcmp(cmd, "firewall-reload") != 0 &&
	    strcmp(cmd, "create") != 0)
		return usage_error("unknown command '%s'", cmd);
	if (strcmp(cmd, "validate") == 0 || strcmp(cmd, "firewall-reload") == 0 ||
	    strcmp(cmd, "create") == 0) {
		if (optind != argc)
			return usage_error("unexpected argument '%s'", argv[optind]);
	} else {
		if (optind >= argc || !argv[optind][0])
			return usage_error("'%s' needs the path of the container's network namespace", cmd);
		if (optind + 1 != argc)
			return usage_error("unexpected argument '%s'", argv[optind + 1]);
	}

	if (!opts.fw_driver || !opts.fw_driver[0])
		opts.fw_driver = fw_default_name();
	if (!fw_lookup(opts.fw_driver)) {
		nd_error_set(&err, -EINVAL, "Must provide a valid firewall backend, got %s (this netd knows: nftables, none)",
			     opts.fw_driver);
		goto fail;
	}
	if (dns_port_from_env(&opts.dns_port, &err) < 0)
		goto fail;

	if (strcmp(cmd, "setup") == 0)
		r = cmd_setup(&opts, argv[optind], &err);
	else if (strcmp(cmd, "teardown") == 0)
		r = cmd_teardown(&opts, argv[optind], &err);
	else if (strcmp(cmd, "firewall-reload") == 0)
		r = cmd_firewall_reload(&opts, driver_fw_needs, &err);
	else if (strcmp(cmd, "create") == 0)
		r = cmd_create(&opts, &err);
	else
		r = cmd_validate(&opts, &err);
	if (r >= 0)
		return 0;
	if (!err.msg)
		nd_error_set(&err, r, "%s failed: %s", cmd, strerror(-r));
fail:
	log_debug("error: %s", err.msg);
	result_print_error(&err);
	nd_error_clear(&err);
	return 1;
}
