// SPDX-License-Identifier: Apache-2.0
/*
 * ntime: run a list of commands and time each one (CLOCK_MONOTONIC, in ns).
 * Used by bench/netd-vs-netavark.sh; it runs inside the benchmark's "host"
 * network namespace, so `ip netns exec` and the namespace set-up are not
 * part of what is timed.
 *
 *   ntime [-p] [-d SECONDS] [-k] -l LOGDIR JOBFILE
 *
 * Each line of JOBFILE is one job: a tag (a word, echoed back), the file
 * the command reads as stdin, then the command and its arguments, separated
 * by single spaces (no quoting: the benchmark's paths have no blanks).
 * Lines starting with '#' are ignored.
 *
 * For every job one line is printed on stdout:  TAG ELAPSED_NS EXIT_STATUS CPU_NS
 * (EXIT_STATUS is 128+signal when the command was killed by a signal; CPU_NS
 * is the user+system CPU time of the command and the children it waited for,
 * from wait4(): unlike the elapsed time it hardly depends on the machine's load.)
 * The command's stdout and stderr go to LOGDIR/<line number>.log, which is
 * deleted when the command succeeds and kept when it fails.
 *
 *   -p          start all jobs at once and wait for all of them; prints an
 *               extra line "wall ELAPSED_NS 0" (time until the last finished)
 *   -d SECONDS  sequential mode: start no new job once SECONDS have passed
 *               since the first job started (prints "deadline N 0", N = jobs run)
 *   -k          sequential mode: keep going after a failed job (default: stop)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct job {
	char *tag, *in, **argv;
	pid_t pid;
	uint64_t t0, t1, cpu;
	int status;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(const struct rusage *ru)
{
	return ((uint64_t)ru->ru_utime.tv_sec + (uint64_t)ru->ru_stime.tv_sec) * 1000000000u +
	       ((uint64_t)ru->ru_utime.tv_usec + (uint64_t)ru->ru_stime.tv_usec) * 1000u;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static pid_t start(struct job *j, const char *logdir, size_t idx)
{
	char log[4096];
	pid_t pid;

	snprintf(log, sizeof(log), "%s/%zu.log", logdir, idx);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int in = open(j->in, O_RDONLY | O_CLOEXEC);
		int out = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(126);
		execvp(j->argv[0], j->argv);
		dprintf(2, "ntime: cannot run %s: %s\n", j->argv[0], strerror(errno));
		_exit(127);
	}
	j->pid = pid;
	return pid;
}

static int decode(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void finish(struct job *j, const char *logdir, size_t idx)
{
	char log[4096];

	snprintf(log, sizeof(log), "%s/%zu.log", logdir, idx);
	if (j->status == 0)
		unlink(log);
	printf("%s %llu %d %llu\n", j->tag, (unsigned long long)(j->t1 - j->t0), j->status,
	       (unsigned long long)j->cpu);
}

int main(int argc, char **argv)
{
	const char *logdir = NULL;
	double deadline = 0;
	int parallel = 0, keep_going = 0, opt;
	struct job *jobs = NULL;
	size_t n = 0, cap = 0, len = 0;
	char *line = NULL;
	FILE *f;

	while ((opt = getopt(argc, argv, "pkd:l:")) != -1) {
		switch (opt) {
		case 'p': parallel = 1; break;
		case 'k': keep_going = 1; break;
		case 'd': deadline = atof(optarg); break;
		case 'l': logdir = optarg; break;
		default:
			fprintf(stderr, "usage: ntime [-p] [-k] [-d SECONDS] -l LOGDIR JOBFILE\n");
			return 2;
		}
	}
	if (!logdir || optind != argc - 1) {
		fprintf(stderr, "usage: ntime [-p] [-k] [-d SECONDS] -l LOGDIR JOBFILE\n");
		return 2;
	}
	f = fopen(argv[optind], "r");
	if (!f)
		die(argv[optind]);
	while (getline(&line, &len, f) > 0) {
		char *save = NULL, *w;
		size_t na = 0;
		struct job *j;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (n == cap && !(jobs = realloc(jobs, (cap = cap ? cap * 2 : 64) * sizeof(*jobs))))
			die("realloc");
		j = &jobs[n];
		memset(j, 0, sizeof(*j));
		j->argv = calloc(strlen(line) / 2 + 2, sizeof(char *));
		if (!j->argv)
			die("calloc");
		for (w = strtok_r(line, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			if (!j->tag)
				j->tag = strdup(w);
			else if (!j->in)
				j->in = strdup(w);
			else
				j->argv[na++] = strdup(w);
		}
		if (na == 0) {
			fprintf(stderr, "ntime: job line %zu has no command\n", n + 1);
			return 2;
		}
		n++;
	}
	fclose(f);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (parallel) {
		uint64_t t0 = now_ns(), t1;
		size_t left = n;

		for (size_t i = 0; i < n; i++) {
			jobs[i].t0 = now_ns();
			start(&jobs[i], logdir, i + 1);
		}
		while (left > 0) {
			int st;
			struct rusage ru;
			pid_t pid = wait4(-1, &st, 0, &ru);

			if (pid < 0) {
				if (errno == EINTR)
					continue;
				die("waitpid");
			}
			for (size_t i = 0; i < n; i++)
				if (jobs[i].pid == pid) {
					jobs[i].t1 = now_ns();
					jobs[i].status = decode(st);
					jobs[i].cpu = cpu_ns(&ru);
					left--;
				}
		}
		t1 = now_ns();
		for (size_t i = 0; i < n; i++)
			finish(&jobs[i], logdir, i + 1);
		printf("wall %llu 0\n", (unsigned long long)(t1 - t0));
		return 0;
	}

	uint64_t first = now_ns();
	size_t ran = 0;
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		int st;
		struct rusage ru;

		if (deadline > 0 && (double)(now_ns() - first) / 1e9 > deadline)
			break;
		jobs[i].t0 = now_ns();
		start(&jobs[i], logdir, i + 1);
		while (wait4(jobs[i].pid, &st, 0, &ru) < 0)
			if (errno != EINTR)
				die("wait4");
		jobs[i].t1 = now_ns();
		jobs[i].status = decode(st);
		jobs[i].cpu = cpu_ns(&ru);
		finish(&jobs[i], logdir, i + 1);
		ran++;
		if (jobs[i].status != 0) {
			failed = 1;
			if (!keep_going)
				break;
		}
	}
	if (deadline > 0)
		printf("deadline %zu 0\n", ran);
	return failed;
}
