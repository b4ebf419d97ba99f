/* SPDX-License-Identifier: MIT */
/* Timing, statistics, JSON lines, and the inputs built into the cache. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

uint64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static volatile uint64_t sink;
void bench_sink(uint64_t v)
{
	sink += v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v. */
static double pct(const double *v, int n, double p)
{
	int k = (int)(p * (n - 1) + 0.5);
	return v[k < 0 ? 0 : k >= n ? n - 1 : k];
}

void bench_stats(double *v, int n, struct stats *s)
{
	memset(s, 0, sizeof(*s));
	s->n = n;
	if (n <= 0)
		return;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	s->min = v[0];
	s->max = v[n - 1];
	s->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	s->p10 = pct(v, n, 0.10);
	s->p90 = pct(v, n, 0.90);
}

/* ---- JSON lines ---------------------------------------------------------- */

static bool json_first;

static void json_key(const struct bench_opts *o, const char *key)
{
	fprintf(o->json, "%s\"%s\":", json_first ? "" : ",", key);
	json_first = false;
}

void bench_json_begin(const struct bench_opts *o, const char *bench)
{
	if (!o->json)
		return;
	fputc('{', o->json);
	json_first = true;
	bench_json_str(o, "bench", bench);
}

void bench_json_str(const struct bench_opts *o, const char *key, const char *val)
{
	if (!o->json)
		return;
	json_key(o, key);
	fputc('"', o->json);
	for (const unsigned char *p = (const unsigned char *)val; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(o->json, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(o->json, "\\u%04x", *p);
		else
			fputc(*p, o->json);
	}
	fputc('"', o->json);
}

void bench_json_num(const struct bench_opts *o, const char *key, double val)
{
	if (!o->json)
		return;
	json_key(o, key);
	if (val != val || val > 1e300 || val < -1e300)
		fputs("null", o->json); /* JSON has no NaN / infinity */
	else
		fprintf(o->json, "%.6g", val);
}

void bench_json_int(const struct bench_opts *o, const char *key, long long val)
{
	if (!o->json)
		return;
	json_key(o, key);
	fprintf(o->json, "%lld", val);
}

void bench_json_stats(const struct bench_opts *o, const char *prefix, const struct stats *s)
{
	char k[64];
	static const char *const names[] = {"median", "min", "max", "p10", "p90"};
	const double vals[] = {s->median, s->min, s->max, s->p10, s->p90};
	for (int i = 0; i < 5; i++) {
		snprintf(k, sizeof(k), "%s_%s", prefix, names[i]);
		bench_json_num(o, k, vals[i]);
	}
	snprintf(k, sizeof(k), "%s_runs", prefix);
	bench_json_int(o, k, s->n);
}

void bench_json_end(const struct bench_opts *o)
{
	if (!o->json)
		return;
	fputs("}\n", o->json);
	fflush(o->json);
}

/* ---- files and processes ------------------------------------------------- */

uint8_t *bench_read_file(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || st.st_size < 0) {
		close(fd);
		return NULL;
	}
	size_t n = (size_t)st.st_size, got = 0;
	uint8_t *buf = malloc(n ? n : 1);
	while (buf && got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0) {
			free(buf);
			buf = NULL;
			break;
		}
		got += (size_t)r;
	}
	close(fd);
	*size = n;
	return buf;
}

int bench_spawn(char *const argv[], const char *log, long *maxrss)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log ? log : "/dev/null",
					 O_WRONLY | O_CREAT | O_APPEND, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			return -1;
	if (maxrss)
		*maxrss = ru.ru_maxrss;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int bench_run(char *const argv[], const char *log)
{
	return bench_spawn(argv, log, NULL);
}

static bool newer(const char *out, const char *in)
{
	struct stat so, si;
	return stat(out, &so) == 0 && so.st_size > 0 &&
	       (stat(in, &si) != 0 || so.st_mtime >= si.st_mtime);
}

static bool exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static bool have_tool(const char *name)
{
	const char *path = getenv("PATH");
	char buf[4096];
	if (!path)
		return false;
	for (const char *p = path; *p;) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, name);
		if (access(buf, X_OK) == 0)
			return true;
		p += n + (e ? 1 : 0);
	}
	return false;
}

const char *bench_prepare_object(const struct bench_opts *o, const char *arch, const char *lib,
				 char *why, size_t whylen)
{
	static char out[8][1024];
	static int slot;
	char archive[512], logf[1100];
	bool x86 = strcmp(arch, "x86_64") == 0;
	const char *ld = x86 ? "ld" : "aarch64-linux-gnu-ld";
	snprintf(archive, sizeof(archive), "/usr/lib/%s-linux-gnu/lib%s.a", arch, lib);
	char *p = out[slot++ % 8];
	snprintf(p, 1024, "%s/%s-%s.o", o->cache, arch, lib);
	if (newer(p, archive))
		return p;
	if (!exists(archive)) {
		snprintf(why, whylen, "%s missing", archive);
		return NULL;
	}
	if (!have_tool(ld)) {
		snprintf(why, whylen, "%s missing", ld);
		return NULL;
	}
	snprintf(logf, sizeof(logf), "%s/prepare.log", o->cache);
	char *argv[] = {(char *)ld, "-r", "--whole-archive", archive, "-o", p, NULL};
	if (bench_run(argv, logf) != 0) {
		snprintf(why, whylen, "%s -r --whole-archive %s failed (see %s)", ld, archive,
			 logf);
		unlink(p);
		return NULL;
	}
	return p;
}

const char *bench_prepare_driver(const struct bench_opts *o, const char *name, const char *src,
				 const char *cflags, char *why, size_t whylen)
{
	static char out[8][1024];
	static int slot;
	char in[1024], logf[1100];
	char *p = out[slot++ % 8];
	snprintf(in, sizeof(in), "%s/%s", o->srcdir, src);
	snprintf(p, 1024, "%s/x86_64-%s-driver.o", o->cache, name);
	if (newer(p, in))
		return p;
	if (!exists(in)) {
		snprintf(why, whylen, "%s missing", in);
		return NULL;
	}
	snprintf(logf, sizeof(logf), "%s/prepare.log", o->cache);
	char *argv[] = {"gcc", "-O2", (char *)(cflags ? cflags : "-DXS_BENCH"), "-c", in, "-o",
			p,     NULL};
	if (bench_run(argv, logf) != 0) {
		snprintf(why, whylen, "gcc -c %s failed (see %s)", in, logf);
		unlink(p);
		return NULL;
	}
	return p;
}
