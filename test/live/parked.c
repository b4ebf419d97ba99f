/* SPDX-License-Identifier: MIT */
/*
 * Consistency: a thread parked inside park_fn (its PC), and one parked in
 * sleeper() called by outer_fn (outer_fn's return address on its stack,
 * found by the frame-pointer walk: build with -fno-omit-frame-pointer),
 * make apply back off and retry. With few tries it fails with XS_E_BUSY
 * naming the function and the thread, the text unchanged; once the thread
 * leaves, apply succeeds.
 *
 * A thread that blocks the rendezvous signal cannot be held: apply fails
 * with XS_E_TIMEOUT, text unchanged, and succeeds once that thread is gone.
 *
 *   parked P_park.o P_outer.o [--any-host]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <xsplice/posix.h>

#include "slurp.h"

static atomic_int park_in = 1, park_below = 1, in_park, in_sleeper;
static atomic_int tid_park, tid_outer;

__attribute__((noinline, noclone)) static int park_fn(int x)
{
	atomic_store(&in_park, 1);
	while (atomic_load(&park_in))
		;
	return x + 1;
}

__attribute__((noinline, noclone)) static void sleeper(void)
{
	atomic_store(&in_sleeper, 1);
	while (atomic_load(&park_below))
		;
}

__attribute__((noinline, noclone)) static int outer_fn(int x)
{
	sleeper();
	return x + 2;
}

static void *t_park(void *a)
{
	(void)a;
	atomic_store(&tid_park, (int)syscall(SYS_gettid));
	return (void *)(intptr_t)park_fn(1);
}

static void *t_outer(void *a)
{
	(void)a;
	atomic_store(&tid_outer, (int)syscall(SYS_gettid));
	return (void *)(intptr_t)outer_fn(1);
}

static void *release_later(void *flag)
{
	usleep(100000);
	atomic_store((atomic_int *)flag, 0);
	return NULL;
}

static int fails;
#define CHECK(c)                                                                                  \
	do {                                                                                      \
		if (!(c)) {                                                                       \
			printf("parked: FAIL line %d: %s\n", __LINE__, #c);                       \
			fails++;                                                                  \
		}                                                                                 \
	} while (0)

/* Park a thread, apply (must fail BUSY after `tries`), release, apply (must succeed). */
static void scenario(const char *name, const char *file, uint32_t flags, void *(*thr)(void *),
		     atomic_int *entered, atomic_int *flag, atomic_int *tid, void *fn,
		     const char *fname, const char *how, int (*call)(int), int oldres, int newres)
{
	size_t n;
	void *elf = slurp(file, &n);
	struct xs_diag d;
	CHECK(elf && xs_posix_live_upload(name, elf, n, flags, &d) == XS_OK);
	free(elf);
	pthread_t t, r;
	pthread_create(&t, NULL, thr, NULL);
	while (!atomic_load(entered))
		usleep(1000);
	uint8_t before[32];
	memcpy(before, fn, sizeof(before));
	xs_posix_live_set_retry(5, 2000, 0);
	xs_status s = xs_posix_live_apply(name, &d);
	printf("parked: %s with a thread parked (%s): %s: %s\n", name, how, xs_status_name(s), d.msg);
	CHECK(s == XS_E_BUSY);
	CHECK(strstr(d.msg, fname) != NULL);
	CHECK(strstr(d.msg, how) != NULL);
	char tidstr[32];
	snprintf(tidstr, sizeof(tidstr), "thread %d ", atomic_load(tid));
	CHECK(strstr(d.msg, tidstr) != NULL);
	CHECK(strstr(d.msg, "gave up after 5 tries") != NULL);
	CHECK(memcmp(before, fn, sizeof(before)) == 0);
	/* the thread leaves after 100 ms: apply backs off and retries until then */
	xs_posix_live_set_retry(200, 20000, 0);
	pthread_create(&r, NULL, release_later, flag);
	s = xs_posix_live_apply(name, &d);
	printf("parked: %s once the thread leaves: %s%s%s\n", name, xs_status_name(s), s ? ": " : "",
	       s ? d.msg : "");
	CHECK(s == XS_OK);
	void *res;
	pthread_join(t, &res);
	pthread_join(r, NULL);
	CHECK((intptr_t)res == oldres); /* it finished in the old code */
	CHECK(call(1) == newres);
	CHECK(xs_posix_live_revert(name, &d) == XS_OK);
	CHECK(memcmp(before, fn, sizeof(before)) == 0);
	CHECK(xs_posix_live_unload(name, &d) == XS_OK);
}

static int call_park(int x)
{
	atomic_store(&park_in, 0);
	return park_fn(x);
}

static int call_outer(int x)
{
	atomic_store(&park_below, 0);
	return outer_fn(x);
}

static atomic_int blocker_run = 1, blocker_ready;

static void *blocker(void *a)
{
	(void)a;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	atomic_store(&blocker_ready, 1);
	while (atomic_load(&blocker_run))
		usleep(1000);
	return NULL;
}

/* A thread that never takes the signal: every try times out; nothing changes. */
static void timeout_scenario(const char *file, uint32_t flags)
{
	size_t n;
	void *elf = slurp(file, &n);
	struct xs_diag d;
	CHECK(elf && xs_posix_live_upload("P_timeout", elf, n, flags, &d) == XS_OK);
	free(elf);
	pthread_t t;
	pthread_create(&t, NULL, blocker, NULL);
	while (!atomic_load(&blocker_ready))
		usleep(1000);
	uint8_t before[32];
	memcpy(before, (void *)park_fn, sizeof(before));
	xs_posix_live_set_retry(3, 1000, 20000000);
	xs_status s = xs_posix_live_apply("P_timeout", &d);
	printf("parked: P_timeout with a thread blocking the signal: %s: %s\n", xs_status_name(s),
	       d.msg);
	CHECK(s == XS_E_TIMEOUT);
	CHECK(strstr(d.msg, "gave up after 3 tries") != NULL);
	CHECK(memcmp(before, (void *)park_fn, sizeof(before)) == 0);
	atomic_store(&blocker_run, 0);
	pthread_join(t, NULL);
	xs_posix_live_set_retry(200, 20000, 100000000);
	s = xs_posix_live_apply("P_timeout", &d);
	printf("parked: P_timeout once that thread is gone: %s\n", xs_status_name(s));
	CHECK(s == XS_OK);
	CHECK(park_fn(1) == 101);
	CHECK(xs_posix_live_revert("P_timeout", &d) == XS_OK);
	CHECK(xs_posix_live_unload("P_timeout", &d) == XS_OK);
	CHECK(memcmp(before, (void *)park_fn, sizeof(before)) == 0);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *t_sleep(void *a)
{
	double t0 = now_s();
	sleep(2);
	*(double *)a = now_s() - t0;
	return NULL;
}

static void *t_usleep(void *a)
{
	double t0 = now_s();
	usleep(1500000);
	*(double *)a = now_s() - t0;
	return NULL;
}

/*
 * Through syscall(2), whose `mov %rdi, %rax` hides the number from the
 * handler on x86_64: only what the patching thread read in
 * /proc/self/task/TID/syscall before signalling lets it re-issue the call.
 */
static void *t_raw_sleep(void *a)
{
	struct timespec req = {1, 200000000};
	double t0 = now_s();
	syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, NULL);
	*(double *)a = now_s() - t0;
	return NULL;
}

/* Rendezvous while threads sleep: sleep(), usleep() and a raw clock_nanosleep are not cut short. */
static void sleep_scenario(const char *file, uint32_t flags)
{
	size_t n;
	void *elf = slurp(file, &n);
	struct xs_diag d;
	CHECK(elf && xs_posix_live_upload("P_sleep", elf, n, flags, &d) == XS_OK);
	free(elf);
	double ds = 0, du = 0, dr = 0;
	pthread_t a, b, c;
	pthread_create(&a, NULL, t_sleep, &ds);
	pthread_create(&b, NULL, t_usleep, &du);
	pthread_create(&c, NULL, t_raw_sleep, &dr);
	usleep(100000);
	for (int i = 0; i < 10; i++) {
		CHECK(xs_posix_live_apply("P_sleep", &d) == XS_OK);
		CHECK(xs_posix_live_revert("P_sleep", &d) == XS_OK);
		usleep(50000);
	}
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	pthread_join(c, NULL);
	CHECK(xs_posix_live_unload("P_sleep", &d) == XS_OK);
	printf("parked: 20 rendezvous during sleep(2), usleep(1.5 s) and syscall(clock_nanosleep, "
	       "1.2 s): they slept %.2f s, %.2f s and %.2f s\n", ds, du, dr);
	CHECK(ds >= 1.99 && ds < 2.6);
	CHECK(du >= 1.49 && du < 3.1);
	CHECK(dr >= 1.19 && dr < 2.5);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: parked P_park.o P_outer.o [--any-host]\n");
		return 2;
	}
	uint32_t flags = argc > 3 && strcmp(argv[3], "--any-host") == 0 ? XS_POSIX_LIVE_ANY_HOST : 0;
	struct xs_diag d;
	if (xs_posix_live_init(&d)) {
		fprintf(stderr, "parked: %s\n", d.msg);
		return 1;
	}
	scenario("P_park", argv[1], flags, t_park, &in_park, &park_in, &tid_park,
		 (void *)park_fn, "park_fn", "is executing in", call_park, 2, 101);
	scenario("P_outer", argv[2], flags, t_outer, &in_sleeper, &park_below, &tid_outer,
		 (void *)outer_fn, "outer_fn", "will return into", call_outer, 3, 101);
	timeout_scenario(argv[1], flags);
	sleep_scenario(argv[1], flags);
	printf("parked: %s\n", fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}
