/* SPDX-License-Identifier: MIT */
/*
 * xsplice-bench: in-process benchmarks of the core (link throughput against
 * the copy floor, symbol tables), peak memory of `xsplice run`, and the
 * live-patching section. Repeated runs, median and spread; a readable table
 * and JSON lines (docs/performance.md describes both).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench.h"

#ifndef XS_BENCH_SOURCE_DIR
#define XS_BENCH_SOURCE_DIR "."
#endif
#ifndef XS_BENCH_XSPLICE
#define XS_BENCH_XSPLICE "xsplice"
#endif

static const char usage[] =
    "usage: xsplice-bench [OPTIONS] [link|symtab|memory|patch]...\n"
    "\n"
    "  --runs N        repetitions per measurement (default 21; memory: 5)\n"
    "  --cache DIR     where ld -r objects and drivers are built (default\n"
    "                  $XDG_CACHE_HOME/xsplice-bench or /tmp/xsplice-bench)\n"
    "  --json FILE     write JSON lines to FILE ('-': stdout, the table then goes\n"
    "                  to stderr)\n"
    "  --xsplice PATH  the xsplice binary for the memory runs\n"
    "  --llvm PATH     the library whose symbols fill the big table\n"
    "                  (default /usr/lib/x86_64-linux-gnu/libLLVM-14.so.1)\n"
    "  --object LIB    link: only lib LIB (sqlite3, z, capstone, lua5.4)\n"
    "  --arch A        link: only x86_64 or aarch64\n"
    "  --table T       symtab: only the 'llvm' or the 'synthetic' table\n"
    "  --smoke         tiny inputs, 2 runs: checks that the bench runs\n";

static int mkdirs(const char *path)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct bench_opts o = {
	    .srcdir = XS_BENCH_SOURCE_DIR,
	    .xsplice = XS_BENCH_XSPLICE,
	    .llvm = "/usr/lib/x86_64-linux-gnu/libLLVM-14.so.1",
	    .runs = 21,
	    .table = stdout,
	};
	if (argc > 2 && strcmp(argv[1], "--rss-run") == 0)
		return bench_rss_run(argv + 2);
	static char cache[1024];
	const char *xdg = getenv("XDG_CACHE_HOME");
	snprintf(cache, sizeof(cache), "%s/xsplice-bench", xdg && *xdg ? xdg : "/tmp");
	o.cache = cache;
	const char *json = NULL;
	bool want[4] = {false, false, false, false}, any = false;
	bool runs_given = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--runs") == 0 && v) {
			o.runs = atoi(v);
			runs_given = true;
			i++;
		} else if (strcmp(a, "--cache") == 0 && v) {
			o.cache = v;
			i++;
		} else if (strcmp(a, "--json") == 0 && v) {
			json = v;
			i++;
		} else if (strcmp(a, "--xsplice") == 0 && v) {
			o.xsplice = v;
			i++;
		} else if (strcmp(a, "--llvm") == 0 && v) {
			o.llvm = v;
			i++;
		} else if (strcmp(a, "--object") == 0 && v) {
			o.object_only = v;
			i++;
		} else if (strcmp(a, "--arch") == 0 && v) {
			o.arch_only = v;
			i++;
		} else if (strcmp(a, "--table") == 0 && v) {
			o.table_only = v;
			i++;
		} else if (strcmp(a, "--smoke") == 0) {
			o.smoke = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			return 0;
		} else if (strcmp(a, "link") == 0 || strcmp(a, "symtab") == 0 ||
			   strcmp(a, "memory") == 0 || strcmp(a, "patch") == 0) {
			want[a[0] == 'l' ? 0 : a[0] == 's' ? 1 : a[0] == 'm' ? 2 : 3] = true;
			any = true;
		} else {
			fprintf(stderr, "xsplice-bench: unknown argument '%s'\n%s", a, usage);
			return 2;
		}
	}
	if (o.smoke && !runs_given)
		o.runs = 2;
	if (o.runs < 1 || o.runs > 100000) {
		fprintf(stderr, "xsplice-bench: --runs must be 1..100000\n");
		return 2;
	}
	if (json && strcmp(json, "-") == 0) {
		o.json = stdout;
		o.table = stderr;
	} else if (json) {
		o.json = fopen(json, "w");
		if (!o.json) {
			fprintf(stderr, "xsplice-bench: cannot write %s\n", json);
			return 1;
		}
	}
	if (mkdirs(o.cache) != 0) {
		fprintf(stderr, "xsplice-bench: cannot create %s\n", o.cache);
		return 1;
	}
	if (!any)
		want[0] = want[1] = want[2] = want[3] = true;
	int rc = 0;
	if (want[0])
		rc |= bench_link(&o);
	if (want[1])
		rc |= bench_symtab(&o);
	if (want[2])
		rc |= bench_memory(&o);
	if (want[3])
		rc |= bench_patch(&o);
	if (o.json && o.json != stdout)
		fclose(o.json);
	return rc;
}
