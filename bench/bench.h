/* SPDX-License-Identifier: MIT */
/* xsplice-bench: shared timing, statistics, output and input preparation. */
#ifndef XS_BENCH_H
#define XS_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct bench_opts {
	const char *cache;	 /* where combined objects and drivers are built */
	const char *srcdir;	 /* the source tree (drivers) */
	const char *xsplice;	 /* the xsplice binary for the memory runs */
	const char *llvm;	 /* libLLVM-14.so.1 */
	int runs;		 /* repetitions per measurement */
	bool smoke;		 /* tiny inputs, 2 runs: checks the bench works */
	const char *table_only;	 /* symtab: "llvm" or "synthetic" only */
	const char *object_only; /* link: one library ("capstone") only */
	const char *arch_only;	 /* link: "x86_64" or "aarch64" only */
	FILE *json;		 /* JSON lines, or NULL */
	FILE *table;		 /* the readable table */
};

/* Repeated timings of one measurement, in ns. */
struct stats {
	double median, min, max, p10, p90;
	int n;
};

uint64_t bench_now_ns(void);
void bench_stats(double *v, int n, struct stats *s);
/* Keeps the compiler from dropping a computation whose result is unused. */
void bench_sink(uint64_t v);

/*
 * JSON output: bench_json_begin(o, "link") ... _str/_num/_int/_stats ... _end.
 * One object per line.
 */
void bench_json_begin(const struct bench_opts *o, const char *bench);
void bench_json_str(const struct bench_opts *o, const char *key, const char *val);
void bench_json_num(const struct bench_opts *o, const char *key, double val);
void bench_json_int(const struct bench_opts *o, const char *key, long long val);
void bench_json_stats(const struct bench_opts *o, const char *prefix, const struct stats *s);
void bench_json_end(const struct bench_opts *o);

/* Reads a whole file into malloc'd memory; NULL on error. */
uint8_t *bench_read_file(const char *path, size_t *size);
/* Runs argv (no shell), 0 on exit status 0. Output goes to the log file. */
int bench_run(char *const argv[], const char *log);
/* bench_run, and the child's peak RSS (ru_maxrss, KiB) in *maxrss if not NULL. */
int bench_spawn(char *const argv[], const char *log, long *maxrss);

/*
 * The combined object `ld -r --whole-archive lib<name>.a` for arch
 * ("x86_64" / "aarch64") in the cache; built on first use. NULL (and why in
 * why) when the archive or the linker is missing.
 */
const char *bench_prepare_object(const struct bench_opts *o, const char *arch, const char *lib,
				 char *why, size_t whylen);
/* A driver object compiled from src (relative to the source tree) with gcc -O2. */
const char *bench_prepare_driver(const struct bench_opts *o, const char *name, const char *src,
				 const char *cflags, char *why, size_t whylen);

int bench_link(const struct bench_opts *o);
int bench_symtab(const struct bench_opts *o);
int bench_memory(const struct bench_opts *o);
int bench_patch(const struct bench_opts *o);
/* `xsplice-bench --rss-run PROG ARGS...`: run PROG, print its peak RSS (KiB). */
int bench_rss_run(char **argv);

#endif
