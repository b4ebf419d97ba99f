/* SPDX-License-Identifier: MIT */
/*
 * Instruction cache maintenance after writing code (xs_cache_sync).
 *
 * AArch64: Arm ARM (DDI 0487), "Concurrent modification and execution of
 * instructions" and "Instruction cache maintenance" (in the "Caches and
 * memory hierarchy" chapter of part B, The AArch64 Application Level
 * Architecture): to make new instructions visible to fetch on all PEs,
 *     DC CVAU over every D-line    clean to the point of unification
 *     DSB ISH                      ... complete before the invalidation
 *     IC IVAU over every I-line    invalidate to PoU, inner shareable
 *     DSB ISH                      ... complete everywhere
 *     ISB                          refetch on this PE
 * Line sizes come from CTR_EL0 on each call (big.LITTLE systems may migrate
 * the thread between calls; Linux traps and emulates EL0 reads of CTR_EL0
 * when the cores differ): DminLine 19:16 and IminLine 3:0 are log2 of the
 * number of 4-byte words. CTR_EL0.IDC (bit 28) says the clean to PoU is not
 * needed for I/D coherence, CTR_EL0.DIC (bit 29) that the invalidation is
 * not; the barriers stay.
 *
 * x86-64 keeps instruction fetch coherent with stores (Intel SDM vol. 3,
 * 8.1.3 "Handling Self- and Cross-Modifying Code"); a compiler barrier keeps
 * the stores before the call. Other CPUs executing the modified code need a
 * serializing instruction, which the rendezvous release provides.
 */
#include <xsplice/cache.h>

#include <stdint.h>

#if defined(__aarch64__)

#define CTR_IMINLINE_SHIFT 0
#define CTR_DMINLINE_SHIFT 16
#define CTR_IDC (UINT64_C(1) << 28)
#define CTR_DIC (UINT64_C(1) << 29)

static inline uint64_t read_ctr_el0(void)
{
	uint64_t ctr;
	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	return ctr;
}

void xs_cache_sync(void *begin, size_t len)
{
	uintptr_t start = (uintptr_t)begin, end = start + len;
	uint64_t ctr = read_ctr_el0();
	uintptr_t dline = (uintptr_t)4 << ((ctr >> CTR_DMINLINE_SHIFT) & 0xf);
	uintptr_t iline = (uintptr_t)4 << ((ctr >> CTR_IMINLINE_SHIFT) & 0xf);

	if (len == 0 || end < start)
		return;
	if (!(ctr & CTR_IDC)) {
		for (uintptr_t a = start & ~(dline - 1); a < end; a += dline)
			__asm__ volatile("dc cvau, %0" : : "r"(a) : "memory");
	}
	__asm__ volatile("dsb ish" : : : "memory");
	if (!(ctr & CTR_DIC)) {
		for (uintptr_t a = start & ~(iline - 1); a < end; a += iline)
			__asm__ volatile("ic ivau, %0" : : "r"(a) : "memory");
		__asm__ volatile("dsb ish" : : : "memory");
	}
	__asm__ volatile("isb" : : : "memory");
}

#elif defined(__x86_64__) || defined(__i386__)

void xs_cache_sync(void *begin, size_t len)
{
	(void)begin;
	(void)len;
	__asm__ volatile("" : : : "memory");
}

#else

void xs_cache_sync(void *begin, size_t len)
{
	char *b = (char *)begin;
	__builtin___clear_cache(b, b + len);
}

#endif
