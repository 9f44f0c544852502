// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: netd-dns's per-network config parser and the store built from it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "conf.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dnsconf_network *n = calloc(1, sizeof(*n));
	struct nd_error err = {0};
	struct store *s = NULL;
	/* The first byte picks the file name, so %int is exercised too. */
	const char *fname = size && (data[0] & 1) ? "net%int" : "net";

	if (!n)
		return 0;
	if (dnsconf_parse(fname, (const char *)data, size, n, &err) == 0) {
		if (store_build(n, 1, &s) == 0) {
			struct nd_ip ip = { .family = AF_INET, .b = { 10, 0, 0, 2 } };
			size_t k;
			(void)store_client_networks(s, &ip, &k);
			(void)store_lookup_name(s, 0, "a", &k);
			(void)store_lookup_ptr(s, 0, &ip, &k);
			store_free(s);
			n = NULL;
		} else {
			dnsconf_network_done(n);
		}
	}
	free(n);
	nd_error_clear(&err);
	return 0;
}
