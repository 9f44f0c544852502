// SPDX-License-Identifier: Apache-2.0
/*
 * The value accessors of jsonutil.c that the CNI parsers walk their objects
 * with: types, ranges, array bounds, string copies and string arrays, each
 * failure naming the path; and nd_error's CNI code and details being freed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonutil.h"
#include "tap.h"

/* A failure with -@code whose message is @msg exactly. */
static void fails(int r, struct nd_error *e, int code, const char *msg, const char *name)
{
	bool ok = r == code && e->code == code && e->msg && strcmp(e->msg, msg) == 0;

	if (!tap_result(ok, NULL, name))
		tap_diag("got %d: %s", r, e->msg ? e->msg : "(none)");
	nd_error_clear(e);
}

static void test_scalars(void)
{
	json_object *t = json_object_new_boolean(1), *n = json_object_new_int64(70000);
	json_object *s = json_object_new_string("x");
	struct nd_error e = {0};
	int64_t x = 0;
	bool b = false;

	tap_result(ju_value_bool(t, "a", &b, &e) == 0 && b && !e.msg, NULL, "bool");
	fails(ju_value_bool(s, "a.b", &b, &e), &e, -EINVAL, "a.b: expected a boolean, got string",
	      "bool: not a boolean");
	tap_result(ju_value_int(n, "mtu", 0, 70000, &x, &e) == 0 && x == 70000, NULL,
		   "int: the upper bound is inside");
	fails(ju_value_int(n, "mtu", 0, 65535, &x, &e), &e, -ERANGE,
	      "mtu: 70000 is out of range 0..65535", "int: out of range");
	fails(ju_value_int(t, "mtu", 0, 65535, &x, &e), &e, -EINVAL,
	      "mtu: expected an integer, got boolean", "int: not an integer");
	json_object_put(t);
	json_object_put(n);
	json_object_put(s);
}

static void test_strings(void)
{
	json_object *a = json_tokener_parse("[\"a\", \"bc\"]"), *bad = json_tokener_parse("[\"a\", 1]");
	json_object *s = json_object_new_string("hello");
	struct nd_error e = {0};
	char **v = NULL, *str = NULL;
	size_t n = 0;

	tap_result(ju_value_array(a, "l", 2, &n, &e) == 0 && n == 2, NULL, "array: at the limit");
	fails(ju_value_array(a, "l", 1, &n, &e), &e, -EINVAL, "l: more than 1 entries",
	      "array: over the limit");
	fails(ju_value_array(s, "l", 1, &n, &e), &e, -EINVAL, "l: expected an array, got string",
	      "array: not an array");
	tap_result(ju_value_strdup(s, "s", &str, &e) == 0 && str && strcmp(str, "hello") == 0,
		   NULL, "strdup copies");
	free(str);
	n = 0;
	tap_result(ju_value_strv(a, "l", 4, &v, &n, &e) == 0 && n == 2 && strcmp(v[1], "bc") == 0 &&
		   !v[2], NULL, "strv: copies, NULL-terminated");
	/* A second list replaces the first (which is freed: ASan checks). */
	tap_result(ju_value_strv(a, "l", 4, &v, &n, &e) == 0 && n == 2, NULL, "strv: replaces");
	fails(ju_value_strv(bad, "l", 4, &v, &n, &e), &e, -EINVAL, "l[1]: expected a string, got number",
	      "strv: names the bad entry");
	tap_result(n == 2 && strcmp(v[0], "a") == 0, NULL, "strv: a failure keeps the old list");
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	json_object_put(a);
	json_object_put(bad);
	json_object_put(s);
}

static void test_error_fields(void)
{
	struct nd_error e = {0}, d = {0};

	nd_error_set(&e, -EINVAL, "bad");
	e.proto_code = 7;
	e.details = strdup("file x");
	nd_error_move(&d, &e);
	tap_result(!e.msg && !e.details && !e.proto_code && d.proto_code == 7 && d.details &&
		   strcmp(d.details, "file x") == 0, NULL, "nd_error_move moves code and details");
	nd_error_clear(&d);
	tap_result(!d.msg && !d.details && !d.proto_code && !d.code, NULL,
		   "nd_error_clear empties it");
}

int main(void)
{
	test_scalars();
	test_strings();
	test_error_fields();
	return tap_finish();
}
