/* SPDX-License-Identifier: Apache-2.0 */
/* Running one plugin process: stdin in, stdout back, stderr through, a deadline. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/**
 * struct plugin_proc - how a plugin run ended
 * @exited:	it exited; @status is the exit code
 * @signaled:	a signal killed it; @status is the signal
 * @timed_out:	netd killed it at the deadline
 * @too_big:	netd killed it for printing more than PLUGIN_OUTPUT_MAX bytes
 * @out, @len:	what it printed on stdout (NUL-terminated, heap)
 */
struct plugin_proc {
	bool exited, signaled, timed_out, too_big;
	int status;
	char *out;
	size_t len;
};

/**
 * pluginx_run() - run @argv[0] with @argv and wait for it
 * @input:	written to its stdin, which is then closed (NULL = nothing)
 * @timeout_s:	deadline for the whole run: at the deadline the plugin's
 *		process group gets SIGTERM, 2 s later SIGKILL
 *
 * The plugin runs in its own process group, with netd's stderr, a default
 * signal mask and dispositions, and no other inherited descriptors. A
 * plugin that closes its stdin early is fine.
 * Return: 0 with @ret filled (however the plugin ended), or -errno when it
 * could not be started (-ENOEXEC etc. from execve) or waited for.
 */
int pluginx_run(const char *const argv[], const char *input, unsigned timeout_s,
		struct plugin_proc *ret);

/* Free the output pluginx_run() collected in @p; @p itself is the caller's. */
void pluginx_done(struct plugin_proc *p);
