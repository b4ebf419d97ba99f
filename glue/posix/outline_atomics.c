/* SPDX-License-Identifier: MIT */
/*
 * The AArch64 "outline atomics" helpers (__aarch64_cas4_acq, __aarch64_ldadd8_relax, ...).
 * GCC's default -moutline-atomics makes code call them; a normal link takes
 * them from libgcc.a (they are not in libgcc_s.so), so objects loaded by
 * `xsplice run` get them from here. This file is compiled with
 * -mno-outline-atomics: the builtins below become LL/SC or LSE instructions
 * in place, never calls back to these helpers.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"

#if defined(__aarch64__)

#define ORD_relax __ATOMIC_RELAXED
#define ORD_acq __ATOMIC_ACQUIRE
#define ORD_rel __ATOMIC_RELEASE
#define ORD_acq_rel __ATOMIC_ACQ_REL
#define ORD_sync __ATOMIC_SEQ_CST
/* A failed compare-exchange cannot release. */
#define FAIL_relax __ATOMIC_RELAXED
#define FAIL_acq __ATOMIC_ACQUIRE
#define FAIL_rel __ATOMIC_RELAXED
#define FAIL_acq_rel __ATOMIC_ACQUIRE
#define FAIL_sync __ATOMIC_SEQ_CST

#define CAS(n, T, o)                                                                               \
	static T xs_cas##n##_##o(T expected, T desired, T *p)                                      \
	{                                                                                          \
		__atomic_compare_exchange_n(p, &expected, desired, 0, ORD_##o, FAIL_##o);           \
		return expected;                                                                   \
	}
#define RMW(op, fn, n, T, o)                                                                       \
	static T xs_##op##n##_##o(T v, T *p)                                                       \
	{                                                                                          \
		return fn(p, v, ORD_##o);                                                          \
	}
#define xs_fetch_clr(p, v, o) __atomic_fetch_and(p, ~(v), o)

#define ORDERS(X, ...)                                                                             \
	X(__VA_ARGS__, relax) X(__VA_ARGS__, acq) X(__VA_ARGS__, rel) X(__VA_ARGS__, acq_rel)       \
	X(__VA_ARGS__, sync)
#define SIZES(X, ...)                                                                              \
	X(__VA_ARGS__, 1, uint8_t) X(__VA_ARGS__, 2, uint16_t) X(__VA_ARGS__, 4, uint32_t)          \
	X(__VA_ARGS__, 8, uint64_t)

#define CAS_O(n, T, o) CAS(n, T, o)
#define CAS_N(dummy, n, T) ORDERS(CAS_O, n, T)
SIZES(CAS_N, 0)

/*
 * 16 bytes: without LSE2 the compiler would call libatomic, so an exclusive
 * pair loop (Arm ARM C6.2 LDXP/STXP), acquire/release forms as the order asks.
 */
typedef unsigned __int128 u128;
#define CAS16(o, LD, ST)                                                                           \
	static u128 xs_cas16_##o(u128 expected, u128 desired, u128 *p)                             \
	{                                                                                          \
		uint64_t el = (uint64_t)expected, eh = (uint64_t)(expected >> 64);                 \
		uint64_t dl = (uint64_t)desired, dh = (uint64_t)(desired >> 64), ol, oh;           \
		uint32_t fail;                                                                     \
		__asm__ volatile("1: " LD " %0, %1, [%3]\n"                                        \
				 "   cmp %0, %4\n"                                                 \
				 "   ccmp %1, %5, #0, eq\n"                                        \
				 "   b.ne 2f\n"                                                    \
				 "   " ST " %w2, %6, %7, [%3]\n"                                   \
				 "   cbnz %w2, 1b\n"                                               \
				 "2:"                                                              \
				 : "=&r"(ol), "=&r"(oh), "=&r"(fail)                               \
				 : "r"(p), "r"(el), "r"(eh), "r"(dl), "r"(dh)                      \
				 : "cc", "memory");                                                \
		return ((u128)oh << 64) | ol;                                                      \
	}
CAS16(relax, "ldxp", "stxp")
CAS16(acq, "ldaxp", "stxp")
CAS16(rel, "ldxp", "stlxp")
CAS16(acq_rel, "ldaxp", "stlxp")
CAS16(sync, "ldaxp", "stlxp")

#define RMW_O(op, fn, n, T, o) RMW(op, fn, n, T, o)
#define RMW_N(op, fn, n, T) ORDERS(RMW_O, op, fn, n, T)
SIZES(RMW_N, swp, __atomic_exchange_n)
SIZES(RMW_N, ldadd, __atomic_fetch_add)
SIZES(RMW_N, ldclr, xs_fetch_clr)
SIZES(RMW_N, ldeor, __atomic_fetch_xor)
SIZES(RMW_N, ldset, __atomic_fetch_or)

struct helper {
	const char *name;
	void *fn;
};

#define ENT(op, n, o) {"__aarch64_" #op #n "_" #o, (void *)xs_##op##n##_##o},
#define ENT_O(op, n, o) ENT(op, n, o)
#define ENT_N(op, n, T) ORDERS(ENT_O, op, n)
static const struct helper helpers[] = {
	SIZES(ENT_N, cas) ORDERS(ENT_O, cas, 16)
	SIZES(ENT_N, swp) SIZES(ENT_N, ldadd) SIZES(ENT_N, ldclr) SIZES(ENT_N, ldeor)
	SIZES(ENT_N, ldset)
};

void *xs_posix_outline_atomic(const char *name)
{
	if (strncmp(name, "__aarch64_", 10) != 0)
		return NULL;
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
		if (strcmp(helpers[i].name, name) == 0)
			return helpers[i].fn;
	return NULL;
}

#else

void *xs_posix_outline_atomic(const char *name)
{
	(void)name;
	return NULL;
}

#endif
