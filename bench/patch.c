/* SPDX-License-Identifier: MIT */
/*
 * Live patching, in this process, through the POSIX glue
 * (xs_posix_live_*): the bench is its own host. Its 100 functions
 * xs_bench_pf_0..99 (bench/patch_funcs.h) are replaced by payloads that
 * CMake compiled into relocatable objects (bench/patch_payload.c, 1 and 100
 * replacements); the glue reads them, links them into memory near the bench
 * and applies them in a rendezvous of every thread.
 *
 *   rendezvous N fn, B busy  apply + revert the N-function payload `cycles`
 *                            times (1,000; --smoke: 10) while B threads call
 *                            the patched functions without pause (N = 1:
 *                            function 0; N = 100: all of them in turn,
 *                            through a table) and check every answer is the
 *                            old or the new one. The pause of each apply is
 *                            the glue's (first signal sent .. every thread
 *                            released, xs_posix_live_last_pause_ns):
 *                            p50 / p99 / max. Beside it: the revert pause
 *                            and the apply call's whole time (planning,
 *                            retries when a thread was inside a function).
 *   trampoline call          a tight loop of direct calls to xs_bench_pf_0
 *                            (each result feeds the next call), ns per call
 *                            unpatched and with the payload applied (call,
 *                            the trampoline's jump, the new body - which
 *                            costs what the old one did); runs interleaved,
 *                            medians and the difference.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <xsplice/posix.h>

#include "bench.h"
#include "patch_funcs.h"

#ifndef XS_BENCH_PATCH_OBJ1
#define XS_BENCH_PATCH_OBJ1 "bench-patch-1.o"
#endif
#ifndef XS_BENCH_PATCH_OBJ100
#define XS_BENCH_PATCH_OBJ100 "bench-patch-100.o"
#endif

/* No inlining, cloning, IPA register allocation or folding: a patched function must be called. */
#if defined(__clang__)
#define XS_BENCH_NOIPA __attribute__((noinline, used))
#else
#define XS_BENCH_NOIPA __attribute__((noipa, used))
#endif

#define XS_BENCH_PF_DEF(n)                                                                   \
	XS_BENCH_NOIPA int xs_bench_pf_##n(int x);                                           \
	XS_BENCH_NOIPA int xs_bench_pf_##n(int x)                                            \
	{                                                                                    \
		return XS_BENCH_PF_BODY(n, x);                                               \
	}
XS_BENCH_PF_100(XS_BENCH_PF_DEF)

#define XS_BENCH_PF_PTR(n) xs_bench_pf_##n,
static int (*const pf[XS_BENCH_PF_COUNT])(int) = {XS_BENCH_PF_100(XS_BENCH_PF_PTR)};

/* ---- busy threads ----------------------------------------------------------- */

static atomic_int busy_stop;
static atomic_ulong busy_calls, busy_bad;
static int busy_nfuncs;

static void *busy(void *arg)
{
	int x = (int)(uintptr_t)arg;
	unsigned k = 0;
	unsigned long calls = 0, bad = 0;
	while (!atomic_load_explicit(&busy_stop, memory_order_relaxed)) {
		for (int i = 0; i < 64; i++) {
			unsigned f = k++ % (unsigned)busy_nfuncs;
			x = (x + 7) & 0xffff;
			int d = pf[f](x) - XS_BENCH_PF_BODY((int)f, x);
			bad += d != 0 && d != 1;
		}
		calls += 64;
	}
	atomic_fetch_add(&busy_calls, calls);
	atomic_fetch_add(&busy_bad, bad);
	return NULL;
}

/* ---- helpers -------------------------------------------------------------------- */

static int upload(const char *name, const char *path, char *why, size_t whylen)
{
	size_t n;
	uint8_t *p = bench_read_file(path, &n);
	if (!p) {
		snprintf(why, whylen, "cannot read the payload %s", path);
		return -1;
	}
	struct xs_diag d;
	xs_status s = xs_posix_live_upload(name, p, n, XS_POSIX_LIVE_ANY_HOST, &d);
	free(p);
	if (s) {
		snprintf(why, whylen, "upload %s: %s: %s", path, xs_status_name(s), d.msg);
		return -1;
	}
	return 0;
}

static double p99(const double *sorted, int n)
{
	int k = (int)(0.99 * (n - 1) + 0.5);
	return sorted[k < 0 ? 0 : k >= n ? n - 1 : k];
}

static void na_row(const struct bench_opts *o, const char *op, const char *why)
{
	fprintf(o->table, "  %-26s not available\n", op);
	bench_json_begin(o, "patch");
	bench_json_str(o, "op", op);
	bench_json_str(o, "status", "not available");
	bench_json_str(o, "reason", why);
	bench_json_end(o);
}

/* One rendezvous row; 0, or -1 with why. */
static int rendezvous_row(const struct bench_opts *o, const char *payload, int nfuncs,
			  int nbusy, int cycles, char *why, size_t whylen)
{
	char op[64];
	snprintf(op, sizeof(op), "rendezvous %d fn, %d busy", nfuncs, nbusy);
	double *ap = calloc((size_t)cycles, sizeof(double));
	double *rp = calloc((size_t)cycles, sizeof(double));
	double *aw = calloc((size_t)cycles, sizeof(double));
	pthread_t th[8];
	int started = 0, rc = 0;
	if (!ap || !rp || !aw) {
		snprintf(why, whylen, "out of memory");
		rc = -1;
		goto out;
	}
	atomic_store(&busy_stop, 0);
	atomic_store(&busy_calls, 0);
	atomic_store(&busy_bad, 0);
	busy_nfuncs = nfuncs;
	for (; started < nbusy; started++)
		if (pthread_create(&th[started], NULL, busy, (void *)(uintptr_t)(started * 977))) {
			snprintf(why, whylen, "cannot start a busy thread");
			rc = -1;
			goto out;
		}
	for (int c = 0; c < cycles; c++) {
		struct xs_diag d;
		uint64_t t0 = bench_now_ns();
		xs_status s = xs_posix_live_apply(payload, &d);
		aw[c] = (double)(bench_now_ns() - t0);
		if (s) {
			snprintf(why, whylen, "apply %s: %s: %s", payload, xs_status_name(s), d.msg);
			rc = -1;
			goto out;
		}
		ap[c] = (double)xs_posix_live_last_pause_ns();
		if (pf[nfuncs - 1](11) != XS_BENCH_PF_BODY(nfuncs - 1, 11) + 1) {
			snprintf(why, whylen, "apply %s: function %d not replaced", payload, nfuncs - 1);
			rc = -1;
		}
		s = xs_posix_live_revert(payload, &d);
		if (s) {
			snprintf(why, whylen, "revert %s: %s: %s", payload, xs_status_name(s), d.msg);
			rc = -1;
			goto out;
		}
		rp[c] = (double)xs_posix_live_last_pause_ns();
		if (rc || pf[0](11) != XS_BENCH_PF_BODY(0, 11)) {
			if (!rc)
				snprintf(why, whylen, "revert %s: function 0 not restored", payload);
			rc = -1;
			goto out;
		}
	}
out:
	atomic_store(&busy_stop, 1);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (!rc && atomic_load(&busy_bad)) {
		snprintf(why, whylen, "%lu calls from busy threads returned neither version",
			 atomic_load(&busy_bad));
		rc = -1;
	}
	if (!rc) {
		struct stats sa, sr, sw;
		bench_stats(ap, cycles, &sa);
		double a99 = p99(ap, cycles);
		bench_stats(rp, cycles, &sr);
		double r99 = p99(rp, cycles);
		bench_stats(aw, cycles, &sw);
		fprintf(o->table,
			"  %-26s pause p50 %7.1f us  p99 %7.1f us  max %7.1f us | revert p50 %6.1f us "
			"p99 %7.1f us | apply call p50 %7.1f us\n",
			op, sa.median / 1e3, a99 / 1e3, sa.max / 1e3, sr.median / 1e3, r99 / 1e3,
			sw.median / 1e3);
		bench_json_begin(o, "patch");
		bench_json_str(o, "op", op);
		bench_json_int(o, "functions", nfuncs);
		bench_json_int(o, "busy_threads", nbusy);
		bench_json_int(o, "applies", cycles);
		bench_json_num(o, "pause_p50_ns", sa.median);
		bench_json_num(o, "pause_p99_ns", a99);
		bench_json_num(o, "pause_max_ns", sa.max);
		bench_json_num(o, "pause_min_ns", sa.min);
		bench_json_num(o, "revert_pause_p50_ns", sr.median);
		bench_json_num(o, "revert_pause_p99_ns", r99);
		bench_json_num(o, "revert_pause_max_ns", sr.max);
		bench_json_num(o, "apply_call_p50_ns", sw.median);
		bench_json_num(o, "apply_call_max_ns", sw.max);
		bench_json_int(o, "busy_calls", (long long)atomic_load(&busy_calls));
		bench_json_end(o);
	}
	free(ap);
	free(rp);
	free(aw);
	return rc;
}

/* n dependent direct calls of xs_bench_pf_0. */
XS_BENCH_NOIPA static int call_loop(long n, int x)
{
	for (long i = 0; i < n; i++)
		x = xs_bench_pf_0(x) & 0xffff;
	return x;
}

static double ns_per_call(long n)
{
	bench_sink((uint64_t)call_loop(n / 16, 3)); /* warm */
	uint64_t t0 = bench_now_ns();
	int x = call_loop(n, 5);
	uint64_t t = bench_now_ns() - t0;
	bench_sink((uint64_t)x);
	return (double)t / (double)n;
}

static int trampoline_row(const struct bench_opts *o, const char *payload, char *why,
			  size_t whylen)
{
	const char *op = "trampoline call overhead";
	long n = o->smoke ? 100000 : 20000000;
	int runs = o->runs;
	double *dv = calloc((size_t)runs, sizeof(double));
	double *pv = calloc((size_t)runs, sizeof(double));
	double *df = calloc((size_t)runs, sizeof(double));
	int rc = 0;
	if (!dv || !pv || !df) {
		snprintf(why, whylen, "out of memory");
		rc = -1;
		goto out;
	}
	for (int r = 0; r < runs; r++) {
		struct xs_diag d;
		dv[r] = ns_per_call(n);
		xs_status s = xs_posix_live_apply(payload, &d);
		if (s) {
			snprintf(why, whylen, "apply %s: %s: %s", payload, xs_status_name(s), d.msg);
			rc = -1;
			goto out;
		}
		if (xs_bench_pf_0(11) != XS_BENCH_PF_BODY(0, 11) + 1) {
			snprintf(why, whylen, "apply %s: xs_bench_pf_0 not replaced", payload);
			xs_posix_live_revert(payload, &d);
			rc = -1;
			goto out;
		}
		pv[r] = ns_per_call(n);
		s = xs_posix_live_revert(payload, &d);
		if (s) {
			snprintf(why, whylen, "revert %s: %s: %s", payload, xs_status_name(s), d.msg);
			rc = -1;
			goto out;
		}
		df[r] = pv[r] - dv[r];
	}
	struct stats sd, sp, sx;
	bench_stats(dv, runs, &sd);
	bench_stats(pv, runs, &sp);
	bench_stats(df, runs, &sx);
	fprintf(o->table,
		"  %-26s direct %.3f ns/call (%.3f..%.3f), through the trampoline %.3f ns/call "
		"(%.3f..%.3f): +%.3f ns (per-run difference, median; %d runs x %ld calls)\n",
		op, sd.median, sd.min, sd.max, sp.median, sp.min, sp.max, sx.median, runs, n);
	bench_json_begin(o, "patch");
	bench_json_str(o, "op", op);
	bench_json_int(o, "calls", n);
	bench_json_stats(o, "direct_ns", &sd);
	bench_json_stats(o, "trampoline_ns", &sp);
	bench_json_stats(o, "overhead_ns", &sx);
	bench_json_end(o);
out:
	free(dv);
	free(pv);
	free(df);
	return rc;
}

int bench_patch(const struct bench_opts *o)
{
	static const int nf[2] = {1, XS_BENCH_PF_COUNT}, nb[3] = {0, 2, 8};
	const char *names[2] = {"bench1", "bench100"};
	const char *paths[2] = {XS_BENCH_PATCH_OBJ1, XS_BENCH_PATCH_OBJ100};
	int cycles = o->smoke ? 10 : 1000;
	char why[512] = "";
	int rc = 0;
	bool ready = true;
	fprintf(o->table, "\n== live patching (in process, POSIX glue; %d applies per row) ==\n",
		cycles);
	struct xs_diag d;
	if (xs_posix_live_init(&d)) {
		snprintf(why, sizeof(why), "xs_posix_live_init: %s", d.msg);
		ready = false;
	}
	/* Retries cover a busy thread caught inside a function; be patient under load. */
	xs_posix_live_set_retry(2000, 0, 0);
	bool loaded[2] = {false, false};
	for (int i = 0; i < 2 && ready; i++) {
		if (upload(names[i], paths[i], why, sizeof(why)) != 0)
			ready = false;
		else
			loaded[i] = true;
	}
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 3; j++) {
			char op[64];
			snprintf(op, sizeof(op), "rendezvous %d fn, %d busy", nf[i], nb[j]);
			char rwhy[512];
			if (!ready) {
				na_row(o, op, why);
			} else if (rendezvous_row(o, names[i], nf[i], nb[j], cycles, rwhy,
						  sizeof(rwhy)) != 0) {
				fprintf(stderr, "xsplice-bench: patch: %s: %s\n", op, rwhy);
				na_row(o, op, rwhy);
				rc = 1;
			}
		}
	if (!ready) {
		na_row(o, "trampoline call overhead", why);
		fprintf(o->table, "  (%s)\n", why);
	} else {
		char twhy[512];
		if (trampoline_row(o, names[0], twhy, sizeof(twhy)) != 0) {
			fprintf(stderr, "xsplice-bench: patch: trampoline: %s\n", twhy);
			na_row(o, "trampoline call overhead", twhy);
			rc = 1;
		}
	}
	for (int i = 0; i < 2; i++)
		if (loaded[i] && xs_posix_live_unload(names[i], &d) != XS_OK) {
			fprintf(stderr, "xsplice-bench: patch: unload %s: %s\n", names[i], d.msg);
			rc = 1;
		}
	return rc;
}
