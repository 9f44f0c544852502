// SPDX-License-Identifier: Apache-2.0
/* The input of the netavark commands: stdin, or the file of -f. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "state.h"

#define MAX_INPUT (16u << 20)

int cmd_read_input(const struct netd_opts *opts, char **ret, size_t *len, struct nd_error *err)
{
	const char *path = opts->input_file ? opts->input_file : "stdin";
	int r = opts->input_file ? state_read_file(path, MAX_INPUT, ret, len)
				 : state_read_fd(STDIN_FILENO, MAX_INPUT, ret, len);

	if (r == -EFBIG)
		return nd_error_set(err, r, "failed to read the request from %s: larger than %u bytes",
				    opts->input_file ? path : "stdin", MAX_INPUT);
	if (r < 0)
		return nd_error_set(err, r, "failed to read the request from %s: %s",
				    opts->input_file ? path : "stdin", strerror(-r));
	return 0;
}
