/* SPDX-License-Identifier: MIT */
/*
 * Stop-machine over an SGI.
 *
 * One 64-bit word carries the rendezvous number (gen, bits 63..32), its
 * phase (GATHER or RELEASE, bits 31..24) and how many CPUs have checked in
 * (bits 23..0). A CPU checks in with one compare-and-swap on the whole word,
 * so it can only join the rendezvous it saw in GATHER: a CPU that takes a
 * late SGI (after a timeout, or one left pending from an earlier round)
 * sees another phase or number and returns at once, and can never be
 * counted in a round it does not wait for. Held CPUs spin until the word's
 * gen/phase changes, then execute an ISB, so they refetch the instructions
 * written while they were held (Arm ARM "Concurrent modification and
 * execution of instructions"; the exception return that follows is a
 * context synchronization event as well).
 *
 *  patching CPU                           every other CPU (IRQ at EL2)
 *  word = gen|GATHER|0, DSB ISHST
 *  ICC_SGI1R_EL1 (IRM=1)  ---- SGI ---->  ack; save frame pointer;
 *                                         CAS word+1 if gen|GATHER
 *  wait count == n (timeout: CNTPCT) <-   spin while gen|GATHER, IRQs masked
 *  fn(arg): checks, writes, xs_cache_sync
 *  word = gen|RELEASE|n, SEV  ---------->  ISB; EOI; ERET
 *  (wake SGI, if configured)              (after a 20 us spin, held CPUs wait in WFI)
 */
#include <stdatomic.h>

#include "xs_baremetal.h"

#define PH_GATHER 1u
#define PH_RELEASE 2u
#define W(gen, ph, n) (((uint64_t)(gen) << 32) | ((uint64_t)(ph) << 24) | (uint64_t)(n))
#define W_KEY(w) ((w) >> 24) /* gen and phase */
#define W_PHASE(w) (((w) >> 24) & 0xffu)
#define W_COUNT(w) ((w)&0xffffffu)

struct rv_cpu {
	_Atomic(struct xs_bm_frame *) frame; /* its IRQ frame while held */
	_Atomic uint64_t gen;		     /* the round it is held in */
	_Atomic uint64_t done_gen;	     /* the last round it left (held_ticks valid) */
	uint64_t held_ticks;
} __attribute__((aligned(64)));

static _Atomic uint64_t rv_word;
static uint64_t rv_gen;
static struct rv_cpu rv_cpus[XS_BM_MAX_CPUS];
static struct xs_bm_rv_stats rv_last;
static unsigned rv_sgi, rv_wake_sgi;

void (*xs_bm_rv_held_hook)(xs_status st);

/* Used by host.c. */
void xs_bm_rv_init(unsigned sgi, unsigned wake_sgi);
void xs_bm_rv_init(unsigned sgi, unsigned wake_sgi)
{
	rv_sgi = sgi;
	rv_wake_sgi = wake_sgi;
}

/* Used by host.c: the frame of a CPU held in the current round, or NULL. */
struct xs_bm_frame *xs_bm_rv_frame(unsigned cpu);

struct xs_bm_frame *xs_bm_rv_frame(unsigned cpu)
{
	if (cpu >= XS_BM_MAX_CPUS || cpu == xs_bm_plat_cpu())
		return NULL;
	if (atomic_load_explicit(&rv_cpus[cpu].gen, memory_order_acquire) != rv_gen)
		return NULL;
	return atomic_load_explicit(&rv_cpus[cpu].frame, memory_order_acquire);
}

void xs_bm_rv_irq(struct xs_bm_frame *f)
{
	unsigned cpu = xs_bm_plat_cpu();
	if (cpu >= XS_BM_MAX_CPUS)
		return;
	struct rv_cpu *me = &rv_cpus[cpu];
	uint64_t w = atomic_load_explicit(&rv_word, memory_order_acquire);
	for (;;) {
		if (W_PHASE(w) != PH_GATHER)
			return; /* late or stale SGI: nothing to join */
		atomic_store_explicit(&me->frame, f, memory_order_relaxed);
		atomic_store_explicit(&me->gen, w >> 32, memory_order_relaxed);
		/* release: the frame and gen are visible before the count says so */
		if (atomic_compare_exchange_weak_explicit(&rv_word, &w, w + 1, memory_order_acq_rel,
							  memory_order_acquire))
			break;
	}
	uint64_t t0 = xs_bm_plat_ticks(), spin = xs_bm_plat_tick_hz() / 50000; /* 20 us */
	while (W_KEY(atomic_load_explicit(&rv_word, memory_order_acquire)) == W_KEY(w)) {
		if (rv_wake_sgi && xs_bm_plat_ticks() - t0 > spin)
			__asm__ volatile("wfi" ::: "memory"); /* until the wake SGI */
		else
			__asm__ volatile("yield" ::: "memory");
	}
	me->held_ticks = xs_bm_plat_ticks() - t0;
	atomic_store_explicit(&me->done_gen, w >> 32, memory_order_release);
	atomic_store_explicit(&me->frame, NULL, memory_order_relaxed);
	__asm__ volatile("isb" ::: "memory");
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	uint64_t hz = xs_bm_plat_tick_hz();
	return ns / 1000000000u * hz + ns % 1000000000u * hz / 1000000000u;
}

/* The host.h rendezvous callback (ctx unused). */
xs_status xs_bm_rendezvous(void *ctx, xs_host_held_fn fn, void *arg, uint64_t timeout_ns);

xs_status xs_bm_rendezvous(void *ctx, xs_host_held_fn fn, void *arg, uint64_t timeout_ns)
{
	(void)ctx;
	uint64_t daif;
	__asm__ volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(daif)::"memory");
	unsigned n = xs_bm_plat_ncpus() - 1;
	uint64_t gen = ++rv_gen;
	uint64_t timeout = ns_to_ticks(timeout_ns);
	xs_status st = XS_OK;

	atomic_store_explicit(&rv_word, W(gen, PH_GATHER, 0), memory_order_release);
	/* The SGI is a system register write, not a memory access: only a DSB
	 * (not the release above) makes the store visible before another CPU can
	 * take the interrupt (as Linux's gic_ipi_send_mask does). */
	__asm__ volatile("dsb ishst" ::: "memory");
	uint64_t t0 = xs_bm_plat_ticks(), t_all = t0, t_fn = t0;
	if (n)
		xs_bm_plat_sgi_others(rv_sgi);
	uint64_t w = atomic_load_explicit(&rv_word, memory_order_acquire);
	while (W_COUNT(w) < n) {
		if (xs_bm_plat_ticks() - t0 > timeout) {
			st = XS_E_TIMEOUT;
			break;
		}
		w = atomic_load_explicit(&rv_word, memory_order_acquire);
	}
	t_all = xs_bm_plat_ticks();
	if (st == XS_OK) {
		st = fn(arg);
		if (xs_bm_rv_held_hook)
			xs_bm_rv_held_hook(st);
	}
	t_fn = xs_bm_plat_ticks();
	/* Release (or abort the gather): no CPU can check in after this. */
	w = atomic_load_explicit(&rv_word, memory_order_relaxed);
	while (!atomic_compare_exchange_weak_explicit(&rv_word, &w, W(gen, PH_RELEASE, W_COUNT(w)),
						      memory_order_acq_rel, memory_order_relaxed))
		;
	__asm__ volatile("dsb ish\n\tsev" ::: "memory");
	if (n && rv_wake_sgi)
		xs_bm_plat_sgi_others(rv_wake_sgi);
	uint64_t t1 = xs_bm_plat_ticks();

	rv_last.gen = gen;
	rv_last.cpus = (uint32_t)W_COUNT(w);
	rv_last.timed_out = st == XS_E_TIMEOUT;
	rv_last.gather_ticks = t_all - t0;
	rv_last.fn_ticks = t_fn - t_all;
	rv_last.pause_ticks = t1 - t0;
	__asm__ volatile("msr daif, %0" ::"r"(daif) : "memory");
	return st;
}

void xs_bm_rv_last(struct xs_bm_rv_stats *s)
{
	*s = rv_last;
	/* each held CPU stores its own time once it has seen the release */
	for (unsigned c = 0; c < XS_BM_MAX_CPUS; c++) {
		bool done =
		    atomic_load_explicit(&rv_cpus[c].done_gen, memory_order_acquire) == rv_last.gen;
		s->held_ticks[c] = done ? rv_cpus[c].held_ticks : 0;
	}
}
