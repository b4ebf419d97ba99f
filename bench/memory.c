/* SPDX-License-Identifier: MIT */
/*
 * Memory: peak RSS (getrusage of the child, ru_maxrss) of `xsplice run` on
 * each combined object with its driver, beside the natively linked
 * program's peak and the object file's size. The target for capstone is
 * xsplice peak <= native peak + object size.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

struct prog {
	const char *lib, *driver, *cflags, *extra, *arg1, *arg2;
};

static const struct prog progs[] = {
    {"sqlite3", "test/e2e/sqlite_driver.c", NULL, "-lm", NULL, NULL},
    {"z", "test/e2e/zlib_driver.c", NULL, NULL, "bench", "0"},
    {"capstone", "bench/drivers/capstone_driver.c", NULL, NULL, NULL, NULL},
    {"lua5.4", "bench/drivers/lua_driver.c", "-I/usr/include/lua5.4", "-lm", NULL, NULL},
};

/*
 * The child's ru_maxrss counts the memory of the process it was spawned
 * from (the kernel records the old mm's high-water mark at exec), and this
 * bench grows to hundreds of MB. So the measurement runs from a fresh, small
 * copy of ourselves: `xsplice-bench --rss-run PROG ARGS...` spawns PROG and
 * prints its peak (bench_rss_run, below).
 */
static long spawn_peak(char *const argv[])
{
	long peak;
	return bench_spawn(argv, NULL, &peak) == 0 ? peak : -1;
}

/* Peak RSS in KiB of argv measured through `xsplice-bench --rss-run`, -1 on failure. */
static long peak_kib(char *const argv[])
{
	char *hargv[16];
	int n = 0;
	hargv[n++] = "/proc/self/exe";
	hargv[n++] = "--rss-run";
	for (int i = 0; argv[i] && n < 15; i++)
		hargv[n++] = argv[i];
	hargv[n] = NULL;
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	pid_t pid;
	int rc = posix_spawn(&pid, hargv[0], &fa, NULL, hargv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	char buf[64] = "";
	ssize_t got = rc == 0 ? read(fds[0], buf, sizeof(buf) - 1) : -1;
	close(fds[0]);
	int status;
	if (rc != 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (got <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	buf[got] = 0;
	return strtol(buf, NULL, 10);
}

int bench_rss_run(char **argv)
{
	long k = spawn_peak(argv);
	printf("%ld\n", k);
	return k < 0;
}

static long median_peak(char *const argv[], int runs)
{
	long v[9];
	int n = 0;
	for (int i = 0; i < runs && i < 9; i++) {
		long k = peak_kib(argv);
		if (k < 0)
			return -1;
		v[n++] = k;
	}
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			long t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n ? v[n / 2] : -1;
}

static void na(const struct bench_opts *o, const char *lib, const char *why)
{
	fprintf(o->table, "  %-9s not available: %s\n", lib, why);
	bench_json_begin(o, "memory");
	bench_json_str(o, "object", lib);
	bench_json_str(o, "status", "not available");
	bench_json_str(o, "reason", why);
	bench_json_end(o);
}

int bench_memory(const struct bench_opts *o)
{
	int runs = o->smoke ? 1 : 5;
	fprintf(o->table, "\n== memory: peak RSS of the whole process (median of %d) ==\n", runs);
	fprintf(o->table, "  %-9s %10s %10s %10s %12s %s\n", "object", "object", "native",
		"xsplice", "xs-native", "(xs-native)/object");
	for (size_t k = 0; k < sizeof(progs) / sizeof(progs[0]); k++) {
		const struct prog *p = &progs[k];
		if (o->smoke && strcmp(p->lib, "z") != 0)
			continue;
		char why[600], native[1024], logf[1100];
		const char *obj = bench_prepare_object(o, "x86_64", p->lib, why, sizeof(why));
		const char *drv =
		    obj ? bench_prepare_driver(o, p->lib, p->driver, p->cflags, why, sizeof(why))
			: NULL;
		if (!obj || !drv) {
			na(o, p->lib, why);
			continue;
		}
		snprintf(native, sizeof(native), "%s/x86_64-%s-native", o->cache, p->lib);
		snprintf(logf, sizeof(logf), "%s/prepare.log", o->cache);
		char *largv[] = {
		    "gcc", (char *)drv, (char *)obj, (char *)(p->extra ? p->extra : "-lc"),
		    "-o",  native,	NULL};
		if (bench_run(largv, logf) != 0) {
			na(o, p->lib, "native link failed");
			continue;
		}
		char *nargv[] = {native, (char *)p->arg1, (char *)p->arg2, NULL};
		char *xargv[10];
		int n = 0;
		xargv[n++] = (char *)o->xsplice;
		xargv[n++] = "run";
		if (p->extra)
			xargv[n++] = (char *)p->extra;
		xargv[n++] = (char *)drv;
		xargv[n++] = (char *)obj;
		if (p->arg1) {
			xargv[n++] = "--";
			xargv[n++] = (char *)p->arg1;
			xargv[n++] = (char *)p->arg2;
		}
		xargv[n] = NULL;
		long nat = median_peak(nargv, runs), xs = median_peak(xargv, runs);
		struct stat st;
		long objk = stat(obj, &st) == 0 ? (long)(st.st_size / 1024) : 0;
		if (nat < 0 || xs < 0) {
			na(o, p->lib, nat < 0 ? "native program failed" : "xsplice run failed");
			continue;
		}
		fprintf(o->table, "  %-9s %7ld KiB %7ld KiB %7ld KiB %9ld KiB %8.2f%s\n", p->lib,
			objk, nat, xs, xs - nat, objk ? (double)(xs - nat) / objk : 0,
			xs <= nat + objk ? "" : "  (above native + object)");
		bench_json_begin(o, "memory");
		bench_json_str(o, "object", p->lib);
		bench_json_int(o, "object_kib", objk);
		bench_json_int(o, "native_peak_kib", nat);
		bench_json_int(o, "xsplice_peak_kib", xs);
		bench_json_num(o, "excess_over_object", objk ? (double)(xs - nat) / objk : 0);
		bench_json_end(o);
	}
	return 0;
}
