/* SPDX-License-Identifier: MIT */
/*
 * The live-patching bench's payload: replaces xs_bench_pf_0 ..
 * xs_bench_pf_{XS_BENCH_PATCH_N - 1} of xsplice-bench. Built by CMake with
 * the project's compiler (`-O2 -c -DXS_BENCH_PATCH_N=1` and `=100`) into
 * plain relocatable objects, which the bench uploads, links and applies
 * in-process through the POSIX glue.
 */
#include <xsplice/payload.h>

#include "patch_funcs.h"

#ifndef XS_BENCH_PATCH_N
#define XS_BENCH_PATCH_N 1
#endif

#define XS_BENCH_PF_NEW(n)                                                                   \
	__attribute__((noinline)) static int xs_bench_pf_new_##n(int x)                           \
	{                                                                                    \
		return XS_BENCH_PF_BODY(n, x) + 1;                                           \
	}                                                                                    \
	XSPLICE_REPLACE(xs_bench_pf_##n, xs_bench_pf_new_##n);

#if XS_BENCH_PATCH_N == 1
XS_BENCH_PF_NEW(0)
#elif XS_BENCH_PATCH_N == XS_BENCH_PF_COUNT
XS_BENCH_PF_100(XS_BENCH_PF_NEW)
#else
#error "XS_BENCH_PATCH_N is 1 or 100"
#endif
