// SPDX-License-Identifier: Apache-2.0
/*
 * What the admin commands share: usage errors and option parsing, namespace
 * lookups, text tables, JSON output. Knows no command (admin-ctx.h).
 */
#include "admin-ctx.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jsonutil.h"
#include "netns.h"
#include "result.h"
#include "shared/cleanup.h"

int admin_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "netd %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'netd %s --help'.\n", cmd);
	return 2;
}

/* What every admin command accepts besides its own options (printed after each --help). */
const char admin_common_help[] =
	"\n"
	"Options of every admin command:\n"
	"  --network-dir DIR    network definitions (default $NETD_NETWORK_DIR, else\n"
	"                       " ADMIN_DEFAULT_NETWORK_DIR "); also before the command\n"
	"  --json               errors as JSON on stdout instead of one line on stderr\n"
	"  --help               this text\n"
	"Global options before the command: --config DIR (default " ADMIN_DEFAULT_CONFIG "),\n"
	"--firewall-driver NAME, --aardvark-binary PATH.\n";

int admin_getopt(const char *cmd, const char *help, int argc, char **argv,
		 const struct option *longopts, const char *shortopts,
		 int (*fn)(int opt, const char *arg, void *data), void *data,
		 char **pos, size_t max_pos, size_t *n_pos)
{
	_cleanup_free_ char **av = calloc((size_t)argc + 2, sizeof(*av));
	_cleanup_free_ char *so = NULL;
	int opt, r;

	if (!av || asprintf(&so, ":%sh", shortopts ? shortopts : "") < 0)
		return admin_usage_error(cmd, "out of memory");
	/* getopt wants a program name in argv[0]. */
	av[0] = (char *)cmd;
	for (int i = 0; i < argc; i++)
		av[i + 1] = argv[i];
	*n_pos = 0;
	optind = 0;	/* full re-initialisation: main already ran getopt */
	opterr = 0;
	for (;;) {
		int idx = -1;
		opt = getopt_long(argc + 1, av, so, longopts, &idx);
		if (opt == -1)
			break;
		if (opt == 'h') {
			fputs(help, stdout);
			fputs(admin_common_help, stdout);
			return 1;
		}
		if (opt == '?') {
			const char *tok = NULL;
			/* "-bad" is never an option here (no short options but -h): a name. */
			for (int i = 1; optopt && optopt < 256 && i <= argc && !tok; i++)
				if (av[i][0] == '-' && av[i][1] == optopt)
					tok = av[i];
			if (max_pos > 0 && tok)
				return admin_usage_error(cmd, "\"%s\" is not a valid name: names start with a letter or digit",
							 tok);
			if (optopt && optopt < 256)
				return admin_usage_error(cmd, "unknown option '-%c'", optopt);
			return admin_usage_error(cmd, "unknown option '%s'", av[optind - 1]);
		}
		if (opt == ':')
			return admin_usage_error(cmd, "option '%s' needs a value", av[optind - 1]);
		r = fn(opt, optarg, data);
		if (r)
			return r;
	}
	for (int i = optind; i < argc + 1; i++) {
		if (*n_pos == max_pos)
			return admin_usage_error(cmd, "unexpected argument '%s'", av[i]);
		pos[(*n_pos)++] = av[i];
	}
	return 0;
}

/* "/proc/<pid>/ns/net" */
static bool proc_ns_pid(const char *path, unsigned long *pid)
{
	char *end;

	if (strncmp(path, "/proc/", 6) != 0 || !isdigit((unsigned char)path[6]))
		return false;
	*pid = strtoul(path + 6, &end, 10);
	return strcmp(end, "/ns/net") == 0;
}

int admin_netns_resolve(const char *arg, char **ret_path, char **ret_name, struct nd_error *err)
{
	_cleanup_free_ char *path = NULL, *name = NULL;
	const char *base;
	unsigned long pid;
	char cwd[PATH_MAX];

	if (!arg[0])
		return nd_error_set(err, -EINVAL, "the namespace name or path is empty");
	if (!strchr(arg, '/')) {
		if (strcmp(arg, ".") == 0 || strcmp(arg, "..") == 0)
			return nd_error_set(err, -EINVAL, "\"%s\" is not a namespace name", arg);
		if (asprintf(&path, "/run/netns/%s", arg) < 0)
			return -ENOMEM;
	} else if (arg[0] == '/') {
		path = strdup(arg);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return nd_error_set(err, -errno, "cannot resolve %s: %s", arg, strerror(errno));
		if (asprintf(&path, "%s/%s", cwd, arg) < 0)
			return -ENOMEM;
	}
	if (!path)
		return -ENOMEM;
	base = strrchr(path, '/') + 1;
	if (proc_ns_pid(path, &pid)) {
		if (asprintf(&name, "pid%lu", pid) < 0)
			return -ENOMEM;
	} else {
		name = strdup(base[0] ? base : path);
	}
	if (!name)
		return -ENOMEM;
	*ret_path = TAKE_PTR(path);
	*ret_name = TAKE_PTR(name);
	return 0;
}

int admin_netns_ident(const char *path, struct netns_id *id)
{
	_cleanup_close_ int fd = netns_open_container(path, id);

	return fd < 0 ? fd : 0;
}

static int open_nlx(void *ret)
{
	return nlx_open(ret);
}

int admin_netns_nlx(const char *path, const struct netns_id *id, struct nlx **ret)
{
	_cleanup_close_ int ns = -1;
	struct netns_id now;
	int r, res;

	/* The cookie costs a trip into the namespace: read only when there is one to compare. */
	ns = netns_open_container(path, id->ino && id->cookie ? &now : NULL);
	if (ns < 0)
		return ns;
	if (id->ino && !id->cookie && (r = netns_id_of(ns, &now)) < 0)
		return r;
	if (id->ino && !netns_id_eq(id, &now))
		return -ESTALE;
	r = netns_call(ns, -1, open_nlx, ret, &res);
	return r < 0 ? r : res;
}

int admin_random_id(char out[65])
{
	uint8_t b[32];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -EIO;
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + i * 2, 3, "%02x", b[i]);
	return 0;
}

bool admin_may_talk(const struct nd_network *a, const struct nd_network *b)
{
	/*
	 * fw-nft.c: an internal network's chain drops everything not for its
	 * own bridge, and the forward chain drops anything for an internal
	 * bridge; a strict network drops everything for another netd bridge;
	 * isolate=true drops traffic to isolated (true/strict) bridges. A
	 * connection needs both directions (the replies), so the rule is
	 * symmetric.
	 */
	if (a->internal || b->internal)
		return false;
	if (a->isolate == ND_ISOLATE_STRICT || b->isolate == ND_ISOLATE_STRICT)
		return false;
	return a->isolate == ND_ISOLATE_FALSE || b->isolate == ND_ISOLATE_FALSE;
}

void admin_result_mac(const struct nd_result *res, const char *network, char out[18])
{
	out[0] = '\0';
	for (size_t i = 0; i < res->n_nets; i++)
		if (strcmp(res->nets[i].network, network) == 0 && res->nets[i].n_ifaces) {
			snprintf(out, 18, "%s", res->nets[i].ifaces[0].mac);
			return;
		}
}

int admin_table_init(struct admin_table *t, size_t cols, ...)
{
	const char **hdr = calloc(cols, sizeof(*hdr));
	va_list ap;
	int r;

	if (!hdr)
		return -ENOMEM;
	*t = (struct admin_table){ .cols = cols };
	va_start(ap, cols);
	for (size_t i = 0; i < cols; i++)
		hdr[i] = va_arg(ap, const char *);
	va_end(ap);
	r = admin_table_row(t, hdr);
	free(hdr);
	return r;
}

int admin_table_row(struct admin_table *t, const char *const *cells)
{
	if (t->rows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		char **v = realloc(t->cells, cap * t->cols * sizeof(*v));
		if (!v)
			return -ENOMEM;
		t->cells = v;
		t->cap = cap;
	}
	for (size_t c = 0; c < t->cols; c++) {
		char *s = strdup(cells[c] && cells[c][0] ? cells[c] : "-");
		if (!s) {
			for (size_t k = 0; k < c; k++)
				free(t->cells[t->rows * t->cols + k]);
			return -ENOMEM;
		}
		t->cells[t->rows * t->cols + c] = s;
	}
	t->rows++;
	return 0;
}

/* Display width: count UTF-8 lead bytes, so "→" is one column. */
static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

void admin_table_print(const struct admin_table *t, FILE *f)
{
	_cleanup_free_ size_t *w = calloc(t->cols, sizeof(*w));

	if (!w)
		return;
	for (size_t r = 0; r < t->rows; r++)
		for (size_t c = 0; c < t->cols; c++) {
			size_t n = width(t->cells[r * t->cols + c]);
			if (n > w[c])
				w[c] = n;
		}
	for (size_t r = 0; r < t->rows; r++) {
		for (size_t c = 0; c < t->cols; c++) {
			const char *s = t->cells[r * t->cols + c];
			if (c + 1 == t->cols)
				fprintf(f, "%s", s);
			else
				fprintf(f, "%s%*s", s, (int)(w[c] - width(s) + 2), "");
		}
		fputc('\n', f);
	}
}

void admin_table_done(struct admin_table *t)
{
	for (size_t i = 0; i < t->rows * t->cols; i++)
		free(t->cells[i]);
	free(t->cells);
	*t = (struct admin_table){0};
}

int admin_print_json(json_object *o, bool pretty)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN);

	if (printf("%s\n", json_object_to_json_string_ext(o, flags)) < 0 || fflush(stdout) != 0)
		return -EIO;
	return 0;
}
