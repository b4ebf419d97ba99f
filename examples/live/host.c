/* SPDX-License-Identifier: MIT */
/*
 * A live-patchable program: N worker threads call price() and tax() - two
 * static functions - in a loop and count which version of price() answered; once a
 * second the main thread prints the counts. Any answer that is not one of
 * the known versions is counted as "bad" and makes the program exit 1.
 *
 *   host SOCKET [--threads N] [--seconds S]     (SIGINT / SIGTERM: clean exit)
 *
 * Built with a plain `gcc -O2`; the only addition for live patching is
 * xs_posix_serve(SOCKET) in main.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xsplice/posix.h>

/* The functions the patches replace. noinline/noclone: a patch replaces a function, not
 * copies of it inlined or specialized into its callers. */
__attribute__((noinline, noclone)) static int price(int units)
{
	return units * 100; /* version 1 */
}

__attribute__((noinline, noclone)) static int tax(int cents)
{
	return cents / 10; /* version 1: 10% */
}

/* Called back by the patches. */
int host_discount(int units);
int host_discount(int units)
{
	return 1 + units / 10; /* never 0: v3 answers differ from v2 answers */
}

#define MAXV 4
static atomic_ulong seen[MAXV + 1]; /* [0] bad, [v] version v */
static atomic_int stop;

/* Which version answered each call: 0 for an answer no version gives. */
static int price_version(int u, int p)
{
	if (p == u * 100)
		return 1;
	if (p == u * 120)
		return 2; /* patch v2: prices up 20% */
	if (p == u * 120 - host_discount(u))
		return 3; /* patch v3: a discount computed by the host */
	return 0;
}

static bool tax_ok(int cents, int t)
{
	return t == cents / 10 || t == cents / 8; /* v1 10%, v3 12.5% */
}

static atomic_int reported;
static void bad_result(const char *what, int in, int out)
{
	if (atomic_fetch_add(&reported, 1) < 5)
		fprintf(stderr, "host: BAD %s(%d) = %d\n", what, in, out);
}

static void *worker(void *arg)
{
	unsigned u = (unsigned)(uintptr_t)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		u = u * 1103515245u + 12345u;
		int units = (int)(u >> 16) % 50 + 1;
		int p = price(units);
		int v = price_version(units, p);
		if (!v)
			bad_result("price", units, p);
		int t = tax(p);
		if (!tax_ok(p, t))
			bad_result("tax", p, t), v = 0;
		atomic_fetch_add_explicit(&seen[v], 1, memory_order_relaxed);
	}
	return NULL;
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop, 1);
}

int main(int argc, char **argv)
{
	int nthreads = 8, seconds = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s SOCKET [--threads N] [--seconds S]\n", argv[0]);
		return 2;
	}
	for (int i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--threads") == 0)
			nthreads = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--seconds") == 0)
			seconds = atoi(argv[i + 1]);
	}
	if (xs_posix_serve(argv[1]) != 0)
		return 1;
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pthread_t th[64];
	if (nthreads < 1 || nthreads > 64)
		nthreads = 8;
	for (int i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)(i + 1));
	printf("host: pid %d, %d workers calling price() and tax(), socket %s\n", (int)getpid(),
	       nthreads, argv[1]);
	fflush(stdout);
	unsigned long last[MAXV + 1] = {0};
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (int s = 1; (!seconds || s <= seconds) && !atomic_load(&stop); s++) {
		/* every rendezvous interrupts this sleep too: sleep to an absolute time */
		next.tv_sec++;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) != 0 &&
		       !atomic_load(&stop))
			;
		printf("host: t=%3ds calls/s:", s);
		for (int v = 1; v <= MAXV - 1; v++) {
			unsigned long n = atomic_load(&seen[v]);
			printf(" v%d=%-8lu", v, n - last[v]);
			last[v] = n;
		}
		printf(" bad=%lu\n", atomic_load(&seen[0]));
		fflush(stdout);
		if (atomic_load(&seen[0]))
			break;
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	unsigned long bad = atomic_load(&seen[0]);
	printf("host: exit, %lu bad results\n", bad);
	return bad ? 1 : 0;
}
