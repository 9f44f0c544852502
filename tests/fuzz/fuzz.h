/* SPDX-License-Identifier: Apache-2.0 */
/* What every libFuzzer harness here shares: the entry point and REQUIRE(). */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken contract is a crash libFuzzer records, like a sanitizer report. */
#define REQUIRE(cond)			\
	do {				\
		if (!(cond))		\
			abort();	\
	} while (0)
