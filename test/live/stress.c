/* SPDX-License-Identifier: MIT */
/*
 * Stress: 8 threads call f1() and f2() without pause while the main thread
 * cycles apply A / replace B / revert B; every answer must come from one of
 * the three versions (old, A, B), per call. Also reports the pauses and the
 * W^X audit (run with XSPLICE_WX_AUDIT=1).
 *
 *   stress cycles A.o B.o [--any-host]    the lifecycle stress
 *   stress pause  N C.o [--any-host]      apply/revert C (one function) N times: pause p50/p99
 *   stress churn  N C.o [--any-host]      the same while a spawner starts threads that call
 *                                         f1/f2 a little and exit: threads that appear after
 *                                         the thread list was read, or exit before their
 *                                         handler runs, must not break a rendezvous
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xsplice/posix.h>

#include "slurp.h"

__attribute__((noinline, noclone)) static int f1(int x)
{
	return x + 1;
}

__attribute__((noinline, noclone)) static int f2(int x)
{
	return x + 10;
}

#define NTHREADS 8
static atomic_int stop;
static atomic_ulong calls[4], bad;

static void *worker(void *arg)
{
	int x = (int)(uintptr_t)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		x = (x + 7) & 0xffffff;
		int d1 = f1(x) - x, d2 = f2(x) - x;
		int v = d1 == 1 ? 1 : d1 == 2 ? 2 : d1 == 3 ? 3 : 0;
		if (!v || (d2 != 10 && d2 != 20 && d2 != 30)) {
			if (atomic_fetch_add(&bad, 1) < 5)
				fprintf(stderr, "stress: BAD f1(%d)-x=%d f2(%d)-x=%d\n", x, d1, x, d2);
			continue;
		}
		atomic_fetch_add_explicit(&calls[v], 1, memory_order_relaxed);
	}
	return NULL;
}

static atomic_ulong spawned;

static void *short_lived(void *arg)
{
	int x = (int)(uintptr_t)arg;
	for (int i = 0; i < 200; i++) {
		x = (x + 7) & 0xffffff;
		int d1 = f1(x) - x, d2 = f2(x) - x;
		if ((d1 != 1 && d1 != 2 && d1 != 3) || (d2 != 10 && d2 != 20 && d2 != 30))
			if (atomic_fetch_add(&bad, 1) < 5)
				fprintf(stderr, "stress: BAD (new thread) f1-x=%d f2-x=%d\n", d1, d2);
	}
	return NULL;
}

static void *spawner(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		pthread_t t[4];
		int n = 0;
		for (; n < 4; n++)
			if (pthread_create(&t[n], NULL, short_lived, (void *)(uintptr_t)n) != 0)
				break;
		for (int i = 0; i < n; i++)
			pthread_join(t[i], NULL);
		atomic_fetch_add(&spawned, (unsigned long)n);
	}
	return NULL;
}

static int upload(const char *name, const char *path, uint32_t flags)
{
	size_t n;
	void *p = slurp(path, &n);
	struct xs_diag d;
	if (!p) {
		fprintf(stderr, "stress: cannot read %s\n", path);
		return 1;
	}
	xs_status s = xs_posix_live_upload(name, p, n, flags, &d);
	free(p);
	if (s) {
		fprintf(stderr, "stress: upload %s: %s\n", name, d.msg);
		return 1;
	}
	return 0;
}

static int op(xs_status (*fn)(const char *, struct xs_diag *), const char *what,
	      const char *name, int cycle)
{
	struct xs_diag d;
	xs_status s = fn(name, &d);
	if (s) {
		fprintf(stderr, "stress: cycle %d: %s %s: %s: %s\n", cycle, what, name,
			xs_status_name(s), d.msg);
		return 1;
	}
	return 0;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void report_pauses(const char *label)
{
	static uint64_t p[65536];
	size_t n = xs_posix_live_pauses(p, 65536);
	if (!n)
		return;
	qsort(p, n, sizeof(p[0]), cmp);
	printf("%s: %zu rendezvous, pause p50 %llu us, p99 %llu us, max %llu us\n", label, n,
	       (unsigned long long)p[n / 2] / 1000, (unsigned long long)p[n * 99 / 100] / 1000,
	       (unsigned long long)p[n - 1] / 1000);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: stress cycles N A.o B.o | stress pause|churn N C.o [--any-host]\n");
		return 2;
	}
	uint32_t flags = argc > 4 && strcmp(argv[argc - 1], "--any-host") == 0
				 ? XS_POSIX_LIVE_ANY_HOST
				 : 0;
	int n = atoi(argv[2]);
	struct xs_diag d;
	if (xs_posix_live_init(&d)) {
		fprintf(stderr, "stress: %s\n", d.msg);
		return 1;
	}
	pthread_t th[NTHREADS];
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)(i * 1000));
	int fail = 0;
	if (strcmp(argv[1], "cycles") == 0 && argc >= 5) {
		fail |= upload("A", argv[3], flags) | upload("B", argv[4], flags);
		for (int c = 0; c < n && !fail && !atomic_load(&bad); c++)
			fail |= op(xs_posix_live_apply, "apply", "A", c) ||
				op(xs_posix_live_replace, "replace", "B", c) ||
				op(xs_posix_live_revert, "revert", "B", c);
		report_pauses("stress");
	} else if (strcmp(argv[1], "churn") == 0) {
		pthread_t sp;
		fail |= upload("C", argv[3], flags);
		pthread_create(&sp, NULL, spawner, NULL);
		for (int c = 0; c < n && !fail; c++)
			fail |= op(xs_posix_live_apply, "apply", "C", c) ||
				op(xs_posix_live_revert, "revert", "C", c);
		atomic_store(&stop, 1);
		pthread_join(sp, NULL);
		printf("churn: %d apply/revert cycles while %lu short-lived threads came and went\n",
		       n, atomic_load(&spawned));
		fail |= atomic_load(&spawned) < 100;
	} else if (strcmp(argv[1], "pause") == 0) {
		fail |= upload("C", argv[3], flags);
		for (int c = 0; c < n && !fail; c++)
			fail |= op(xs_posix_live_apply, "apply", "C", c) ||
				op(xs_posix_live_revert, "revert", "C", c);
		report_pauses("pause, 1 function, 8 busy threads");
	} else {
		fail = 2;
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	unsigned long audits, wx;
	xs_posix_live_wx_audit(&audits, &wx);
	printf("stress: calls old=%lu A=%lu B=%lu bad=%lu; W^X audits %lu, W+X mappings seen %lu\n",
	       atomic_load(&calls[1]), atomic_load(&calls[2]), atomic_load(&calls[3]),
	       atomic_load(&bad), audits, wx);
	if (fail || atomic_load(&bad) || wx) {
		printf("stress: FAIL\n");
		return 1;
	}
	printf("stress: PASS\n");
	return 0;
}
