// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness for the parsers of a driver plugin's stdout
 * (netd/drivers/plugin-output.c): the raw bytes are what the plugin printed. Every
 * parser runs on every input. Besides the sanitizers it checks the contract:
 * failure leaves *ret alone and sets a message; a StatusBlock that passes has
 * exactly netavark's three keys, and printing it and parsing it again gives
 * the same block (netd's result is stable under its own parser).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plugin-output.h"
#include "fuzz.h"

/* A pointer no parser returns: json_object is opaque, so any static object will do. */
static char sentinel;
#define UNTOUCHED ((json_object *)(void *)&sentinel)

static void check_failure(int r, const void *ret, const void *untouched, struct nd_error *err)
{
	REQUIRE(ret == untouched);
	REQUIRE(err->msg || r == -ENOMEM);
	REQUIRE(!err->msg || (err->code == r && strlen(err->msg) > 0));
	nd_error_clear(err);
}

/* A typed block reads back to itself through netavark's JSON. */
static void check_status(const char *buf, size_t size)
{
	struct nd_result_net blk, again = {0};
	struct nd_error err = {0};
	json_object *o, *o2;
	const char *text;
	int r;

	memset(&blk, 0xa5, sizeof(blk));
	r = plugin_output_status(buf, size, &blk, &err);
	if (r < 0) {
		const uint8_t *raw = (const uint8_t *)&blk;

		for (size_t i = 0; i < sizeof(blk); i++)
			REQUIRE(raw[i] == 0xa5);
		check_failure(r, NULL, NULL, &err);
		return;
	}
	REQUIRE(r == 0 && !err.msg && !blk.network);
	for (size_t i = 0; i < blk.n_ifaces; i++)
		REQUIRE(blk.ifaces[i].name && blk.ifaces[i].mac);
	o = result_net_to_json(&blk);
	REQUIRE(o && json_object_object_length(o) == 3);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	r = plugin_output_status(text, strlen(text), &again, &err);
	REQUIRE(r == 0);
	o2 = result_net_to_json(&again);
	REQUIRE(json_object_equal(o, o2));
	json_object_put(o2);
	json_object_put(o);
	nd_result_net_done(&again);
	nd_result_net_done(&blk);
}

static void check_error(const char *buf, size_t size)
{
	static char untouched_msg;
	char *msg = &untouched_msg;
	struct nd_error err = {0};
	int r = plugin_output_error(buf, size, &msg, &err);

	if (r < 0) {
		check_failure(r, msg, &untouched_msg, &err);
		return;
	}
	REQUIRE(r == 0 && msg && msg != &untouched_msg && !err.msg);
	free(msg);
}

static void check_object(int (*fn)(const char *, size_t, json_object **, struct nd_error *),
			 const char *buf, size_t size)
{
	json_object *o = UNTOUCHED;
	struct nd_error err = {0};
	int r = fn(buf, size, &o, &err);

	if (r < 0) {
		check_failure(r, o, UNTOUCHED, &err);
		return;
	}
	REQUIRE(r == 0 && json_object_is_type(o, json_type_object) && !err.msg);
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;

	if (size > 65536)
		return 0;
	check_status(buf, size);
	check_error(buf, size);
	check_object(plugin_output_info, buf, size);
	check_object(plugin_output_network, buf, size);
	return 0;
}
