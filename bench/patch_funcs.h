/* SPDX-License-Identifier: MIT */
/*
 * The 100 host functions of the live-patching bench and their replacements,
 * written once with macros: bench/patch.c defines the host functions
 * (xs_bench_pf_0 .. xs_bench_pf_99), bench/patch_payload.c the payload that
 * replaces the first XS_BENCH_PATCH_N of them (CMake compiles it into a
 * relocatable object for N = 1 and N = 100; the bench reads it).
 *
 * Each body is a few instructions (more than a trampoline's length on both
 * architectures); the replacement returns the old value + 1, so a caller can
 * tell which version answered.
 */
#ifndef XS_BENCH_PATCH_FUNCS_H
#define XS_BENCH_PATCH_FUNCS_H

#define XS_BENCH_PF_BODY(n, x) ((x) * ((n) + 3) + ((x) >> 3) + (n))

#define XS_BENCH_PF_10(M, t) M(t##0) M(t##1) M(t##2) M(t##3) M(t##4) M(t##5) M(t##6) M(t##7) M(t##8) M(t##9)
/* M(0) .. M(99) */
#define XS_BENCH_PF_100(M)                                                                 \
	XS_BENCH_PF_10(M, ) XS_BENCH_PF_10(M, 1) XS_BENCH_PF_10(M, 2) XS_BENCH_PF_10(M, 3)  \
	XS_BENCH_PF_10(M, 4) XS_BENCH_PF_10(M, 5) XS_BENCH_PF_10(M, 6) XS_BENCH_PF_10(M, 7) \
	XS_BENCH_PF_10(M, 8) XS_BENCH_PF_10(M, 9)

#define XS_BENCH_PF_COUNT 100

#endif
