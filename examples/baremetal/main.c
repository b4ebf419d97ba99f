/* SPDX-License-Identifier: MIT */
/*
 * A 4-CPU EL2 image that live-patches itself with libxsplice.
 *
 * CPU 0 boots, reads the device tree, builds its page tables, starts the
 * other CPUs with PSCI CPU_ON; every CPU then calls bm_answer() in a loop
 * and checks each result. CPU 0 loads the payload qemu placed in RAM (Xen's
 * livepatch format, bound to this image's build-id), applies it, reverts it,
 * applies it again - each time through the SGI rendezvous of the glue - and
 * prints what every CPU computed before and after, the pauses, then PASS or
 * FAIL, and powers off with PSCI SYSTEM_OFF.
 */
#include <stdatomic.h>

#include <xsplice/livepatch.h>
#include <xsplice/patch.h>
#include <xsplice/symtab.h>

#include "bm.h"

/* Where run.sh has qemu put the payload (-device loader) and its size. */
#define PAYLOAD_ADDR 0x4c000000ul
#define PAYLOAD_SIZE_ADDR 0x4bfff000ul
#define PAYLOAD_MAX (4u << 20)
/* RW heap for the symbol table and the core's per-payload bookkeeping. */
#define HEAP_OFFSET (64u << 20)
#define HEAP_SIZE (16u << 20)

uint8_t bm_stacks[BM_MAX_CPUS][BM_STACK_SIZE] __attribute__((aligned(16)));
unsigned bm_online = 1;
static struct bm_fdt fdt;
static unsigned boot_fail;

void bm_secondary_entry(void); /* boot.S */
void bm_boot(const void *dtb);
void bm_secondary_main(unsigned cpu);

/* ---- the function every CPU runs, and what it must return ------------------------------ */

/* The payload's replacement returns 3 * x + bm_new_bias; it reads this host global. */
uint32_t bm_new_bias = 7;

__attribute__((noinline, noipa)) uint32_t bm_answer(uint32_t x)
{
	return 2 * x + 1;
}

static uint32_t old_answer(uint32_t x)
{
	return 2 * x + 1;
}
static uint32_t new_answer(uint32_t x)
{
	return 3 * x + bm_new_bias;
}

/*
 * The epoch changes inside the rendezvous, with every other CPU held, right
 * after a successful apply or revert. A call that starts and ends in the
 * same epoch must return exactly that epoch's result; a call that spans a
 * change may return either, never anything else.
 */
static _Atomic uint32_t epoch;
static uint8_t epoch_new[256]; /* epoch -> 1 when the payload is live */
static int armed = -1;	       /* what the next successful rendezvous makes live */

static void held_hook(xs_status st)
{
	if (st != XS_OK || armed < 0)
		return;
	uint32_t e = atomic_load_explicit(&epoch, memory_order_relaxed) + 1;
	epoch_new[e & 255] = (uint8_t)armed;
	atomic_store_explicit(&epoch, e, memory_order_release);
	armed = -1;
}

struct wstat {
	_Atomic uint64_t calls, exact, spanning, bad;
	_Atomic uint32_t last_x, last_r, last_epoch;
} __attribute__((aligned(64)));
static struct wstat ws[BM_MAX_CPUS];

static void work_once(unsigned cpu, uint32_t x)
{
	struct wstat *w = &ws[cpu];
	uint32_t e0 = atomic_load_explicit(&epoch, memory_order_acquire);
	uint32_t r = bm_answer(x);
	uint32_t e1 = atomic_load_explicit(&epoch, memory_order_acquire);
	uint32_t o = old_answer(x), n = new_answer(x);
	if (e0 == e1)
		atomic_fetch_add_explicit(r == (epoch_new[e0 & 255] ? n : o) ? &w->exact : &w->bad,
					  1, memory_order_relaxed);
	else
		atomic_fetch_add_explicit(r == o || r == n ? &w->spanning : &w->bad, 1,
					  memory_order_relaxed);
	atomic_store_explicit(&w->last_x, x, memory_order_relaxed);
	atomic_store_explicit(&w->last_r, r, memory_order_relaxed);
	atomic_store_explicit(&w->last_epoch, e1, memory_order_relaxed);
	atomic_fetch_add_explicit(&w->calls, 1, memory_order_release);
}

/* A CPU told to stall spins with IRQs masked until told otherwise. */
#define STALL_CPU 3
static _Atomic int stall_cpu = -1;
static _Atomic int stall_ack;

static void maybe_stall(unsigned cpu)
{
	if (atomic_load_explicit(&stall_cpu, memory_order_acquire) != (int)cpu)
		return;
	__asm__ volatile("msr daifset, #2" ::: "memory");
	atomic_store(&stall_ack, 1);
	while (atomic_load_explicit(&stall_cpu, memory_order_acquire) == (int)cpu)
		;
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

static void spin(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		__asm__ volatile("" ::: "memory");
}

void bm_secondary_main(unsigned cpu)
{
	if (bm_gic_cpu_init(fdt.gicr) != 0) {
		xs_bm_printf("cpu%u: no redistributor for this MPIDR\n", cpu);
		boot_fail = 1;
	}
	atomic_fetch_add_explicit((_Atomic unsigned *)&bm_online, 1, memory_order_release);
	__asm__ volatile("msr daifclr, #2" ::: "memory"); /* IRQs on: the rendezvous SGI */
	/* Bursts of calls, then a short sleep: a hypervisor's CPUs are not all
	 * busy all the time, and under an emulator on a small host four
	 * spinning vCPUs would starve each other. */
	for (uint32_t x = cpu << 24;;) {
		for (unsigned i = 0; i < 64; i++, x++) {
			work_once(cpu, x);
			spin(16);
		}
		maybe_stall(cpu);
		bm_sleep_us(100);
	}
}

/* ---- reporting ------------------------------------------------------------------------------ */

static unsigned failures;

static void check(bool ok, const char *what)
{
	if (!ok) {
		failures++;
		xs_bm_printf("  CHECK FAILED: %s\n", what);
	}
}

static void us(char *buf, size_t n, uint64_t ns)
{
	xs_bm_snprintf(buf, n, "%llu.%01llu us", (unsigned long long)(ns / 1000),
		       (unsigned long long)(ns % 1000 / 100));
}

static uint32_t insn_at(uint64_t a)
{
	return *(volatile const uint32_t *)(uintptr_t)a;
}

static void show_site(uint64_t site)
{
	uint32_t i = insn_at(site);
	if ((i & 0xfc000000u) == 0x14000000u) {
		int64_t off = (int64_t)((uint64_t)(i & 0x3ffffffu) << 38) >> 36;
		xs_bm_printf("  bm_answer @ %#llx: %08x  (b %#llx)\n", (unsigned long long)site, i,
			  (unsigned long long)(site + (uint64_t)off));
	} else {
		xs_bm_printf("  bm_answer @ %#llx: %08x %08x  (original code)\n",
			  (unsigned long long)site, i, insn_at(site + 4));
	}
}

/*
 * Let every CPU make calls wholly after the step (CPU 0 calls bm_answer too),
 * then print each one's latest result. Waits for progress, not a fixed
 * time: under an emulator a vCPU may not run for milliseconds.
 */
static void report(const char *when, bool want_new)
{
	uint64_t before[BM_MAX_CPUS];
	unsigned n = xs_bm_plat_ncpus();
	uint32_t e = atomic_load_explicit(&epoch, memory_order_acquire);
	for (unsigned c = 0; c < n; c++)
		before[c] = atomic_load_explicit(&ws[c].calls, memory_order_acquire);
	uint64_t t0 = bm_ticks();
	for (uint32_t x = 1000; bm_ticks() - t0 < 2 * bm_hz(); x++) { /* at most 2 s */
		work_once(0, x);
		bool all = true;
		for (unsigned c = 0; c < n; c++)
			all &= atomic_load_explicit(&ws[c].calls, memory_order_acquire) >=
				   before[c] + 100 &&
			       atomic_load_explicit(&ws[c].last_epoch, memory_order_relaxed) == e;
		if (all)
			break;
	}
	xs_bm_printf("  %s (epoch %u, %s code live):\n", when, e, want_new ? "new" : "old");
	for (unsigned c = 0; c < n; c++) {
		struct wstat *w = &ws[c];
		uint64_t calls = atomic_load_explicit(&w->calls, memory_order_acquire);
		uint32_t x = atomic_load_explicit(&w->last_x, memory_order_relaxed);
		uint32_t r = atomic_load_explicit(&w->last_r, memory_order_relaxed);
		uint32_t le = atomic_load_explicit(&w->last_epoch, memory_order_relaxed);
		const char *kind = r == old_answer(x) ? "old" : r == new_answer(x) ? "new" : "???";
		xs_bm_printf("    cpu%u: bm_answer(%u) = %u (%s)  calls %llu (+%llu)  exact %llu  "
			  "spanning %llu  bad %llu\n",
			  c, x, r, kind, (unsigned long long)calls,
			  (unsigned long long)(calls - before[c]),
			  (unsigned long long)atomic_load(&w->exact),
			  (unsigned long long)atomic_load(&w->spanning),
			  (unsigned long long)atomic_load(&w->bad));
		check(calls > before[c], "every CPU keeps calling bm_answer");
		/* a call made wholly after the step must see the step's code */
		if (le == e)
			check(want_new ? r == new_answer(x) : r == old_answer(x),
			      "the latest result comes from the live code");
		check(atomic_load(&w->bad) == 0, "no result other than the old or new one");
	}
	unsigned leaves, wx = bm_mmu_count_wx(&leaves);
	xs_bm_printf("    page tables: %u leaf mappings, %u writable+executable\n", leaves, wx);
	check(wx == 0, "no W+X mapping");
}

static void report_pause(const struct xs_patch_mgr *m)
{
	struct xs_bm_rv_stats s;
	char g[24], f[24], p[24], core[24], c[24];
	/* each held CPU stores its own hold time after it has seen the release */
	uint64_t t0 = bm_ticks();
	for (bool all = false; !all && bm_ticks() - t0 < bm_hz();) {
		xs_bm_rv_last(&s);
		all = true;
		for (unsigned i = 1; i < xs_bm_plat_ncpus(); i++)
			all &= s.held_ticks[i] != 0;
	}
	us(g, sizeof g, bm_ticks_to_ns(s.gather_ticks));
	us(f, sizeof f, bm_ticks_to_ns(s.fn_ticks));
	us(p, sizeof p, bm_ticks_to_ns(s.pause_ticks));
	us(core, sizeof core, xs_patch_last_held_ns(m));
	xs_bm_printf("  rendezvous #%llu: %u CPUs held; SGI->all held %s, core with all held %s "
		  "(core measured %s), pause %s\n",
		  (unsigned long long)s.gen, s.cpus, g, f, core, p);
	for (unsigned i = 1; i < xs_bm_plat_ncpus(); i++) {
		us(c, sizeof c, bm_ticks_to_ns(s.held_ticks[i]));
		xs_bm_printf("    cpu%u held (IRQs masked) %s\n", i, c);
	}
}

typedef xs_status (*step_fn)(struct xs_patch_mgr *, struct xs_patch *, struct xs_diag *);

/* One lifecycle step, retried while a CPU is inside the code (XS_E_BUSY) or late. */
static xs_status step(struct xs_patch_mgr *m, struct xs_patch *p, const char *name, step_fn fn,
		      int makes_new)
{
	static struct xs_diag d, last_busy;
	xs_status s;
	unsigned tries = 0, busy = 0;
	xs_bm_printf("\n== %s\n", name);
	do {
		armed = makes_new;
		s = fn(m, p, &d);
		tries++;
		if (s == XS_E_BUSY || s == XS_E_TIMEOUT) {
			busy++;
			last_busy = d;
			bm_delay_us(20 + (tries * 37) % 150); /* back off, then retry */
		}
	} while ((s == XS_E_BUSY || s == XS_E_TIMEOUT) && tries < 1000);
	armed = -1;
	if (busy)
		xs_bm_printf("  %u retries; last: %s\n", busy, last_busy.msg);
	if (s != XS_OK) {
		xs_bm_printf("  %s failed: %s: %s\n", name, xs_status_name(s), d.msg);
		failures++;
		return s;
	}
	xs_bm_printf("  %s: ok (%u %s)\n", name, tries, tries == 1 ? "try" : "tries");
	report_pause(m);
	return s;
}

static void expect_status(xs_status got, xs_status want, const char *what, const struct xs_diag *d)
{
	xs_bm_printf("  %s -> %s%s%s\n", what, xs_status_name(got), d->msg[0] ? ": " : "", d->msg);
	check(got == want, what);
}

/* ---- the demonstration ------------------------------------------------------------------------
 */

static struct xs_host host;
static struct xs_bm_config cfg;
static struct xs_symtab symtab;
static struct xs_patch_mgr mgr;
static struct xs_patch patch, wrong;
static struct xs_diag diag;

static const struct xs_bm_export exports[] = {
    /* Xen's name for its console printf: payloads written for a hypervisor call it */
    {"printk", 0},
};
static struct xs_bm_export exports_rw[1];

static void demo(void)
{
	const uint8_t *bid;
	size_t bid_len;
	char hex[80];
	xs_status s;

	if (xs_note_build_id((const uint8_t *)__build_id_note,
			     (size_t)(__build_id_note_end - __build_id_note), &bid, &bid_len)) {
		xs_bm_printf("no build-id note in the image\n");
		failures++;
		return;
	}
	xs_build_id_hex(bid, bid_len, hex, sizeof(hex));
	xs_bm_printf("image build-id %s\n", hex);

	exports_rw[0] = exports[0];
	exports_rw[0].value = (uint64_t)(uintptr_t)xs_bm_printf;
	cfg = (struct xs_bm_config){
	    .pool_addr = (uint64_t)(uintptr_t)__pool_start,
	    .pool_size = (uint64_t)(__pool_end - __pool_start),
	    .heap_addr = fdt.ram_base + HEAP_OFFSET,
	    .heap_size = HEAP_SIZE,
	    .exports = exports_rw,
	    .nexports = 1,
	    .sgi = BM_RV_SGI,
	    .wake_sgi = BM_WAKE_SGI,
	    .log_level = 1,
	};
	xs_bm_rv_held_hook = held_hook;
	if ((s = xs_bm_host_init(&host, &cfg)) ||
	    (s = xs_bm_symtab_init(&symtab, __xsyms_start, (size_t)(__xsyms_end - __xsyms_start),
				   &diag)) ||
	    (s = xs_patch_mgr_init(&mgr, &host, &symtab, bid, bid_len))) {
		xs_bm_printf("host setup: %s: %s\n", xs_status_name(s), diag.msg);
		failures++;
		return;
	}
	xs_bm_printf("symbol table: %u symbols (embedded at %p); payload pool %p..%p; heap %#llx\n",
		  xs_symtab_count(&symtab), (void *)__xsyms_start, (void *)__pool_start,
		  (void *)__pool_end, (unsigned long long)cfg.heap_addr);

	uint32_t size = *(volatile uint32_t *)PAYLOAD_SIZE_ADDR;
	const void *elf = (const void *)PAYLOAD_ADDR;
	if (!size || size > PAYLOAD_MAX) {
		xs_bm_printf("no payload at %#lx (size word %u at %#lx): run with -device loader\n",
			  PAYLOAD_ADDR, size, PAYLOAD_SIZE_ADDR);
		failures++;
		return;
	}
	xs_bm_printf("payload: %u bytes at %#lx\n", size, PAYLOAD_ADDR);
	uint64_t site = (uint64_t)(uintptr_t)bm_answer;
	uint8_t orig[16];
	for (unsigned i = 0; i < sizeof(orig); i++)
		orig[i] = ((volatile const uint8_t *)(uintptr_t)site)[i];

	xs_bm_printf("\n== before\n");
	show_site(site);
	report("before load", false);

	/* Xen's rule, kept: a payload built for another image is refused. */
	xs_bm_printf("\n== load a copy bound to another build-id\n");
	uint8_t *copy = (uint8_t *)(uintptr_t)(cfg.heap_addr + HEAP_SIZE - PAYLOAD_MAX);
	for (uint32_t i = 0; i < size; i++)
		copy[i] = ((const uint8_t *)elf)[i];
	{
		static struct xs_object o;
		static struct xs_payload pl;
		if (xs_object_parse(&o, copy, size, 183, &diag) == XS_OK &&
		    xs_payload_read(&pl, &o, &diag) == XS_OK && pl.xen_depends.id) {
			((uint8_t *)(uintptr_t)pl.xen_depends.id)[0] ^= 0xff;
			s = xs_patch_load(&mgr, &wrong, "wrong-host", copy, size, 0, &diag);
			expect_status(s, XS_E_BUILD_ID_MISMATCH, "load", &diag);
		} else {
			xs_bm_printf("  payload has no .livepatch.xen_depends: %s\n", diag.msg);
			check(false, "payload bound to the image");
		}
	}

	xs_bm_printf("\n== load\n");
	s = xs_patch_load(&mgr, &patch, "bm-fix", elf, size, 0, &diag);
	xs_bm_printf("  load -> %s%s%s\n", xs_status_name(s), diag.msg[0] ? ": " : "", diag.msg);
	if (s) {
		failures++;
		return;
	}
	show_site(site);
	report("after load (nothing live changed)", false);

	if (step(&mgr, &patch, "apply", xs_patch_apply, 1) == XS_OK) {
		show_site(site);
		report("after apply", true);
	}
	expect_status(xs_patch_apply(&mgr, &patch, &diag), XS_E_STATE, "apply again", &diag);
	expect_status(xs_patch_unload(&mgr, &patch, &diag), XS_E_STATE, "unload while applied",
		      &diag);

	/* A CPU that keeps interrupts masked cannot join: the rendezvous times
	 * out, nothing changes, and the late SGI finds the round closed. */
	xs_bm_printf("\n== revert while cpu%u keeps IRQs masked (10 ms timeout)\n", STALL_CPU);
	uint32_t live = insn_at(site);
	atomic_store(&stall_cpu, STALL_CPU);
	uint64_t t0 = bm_ticks();
	while (!atomic_load(&stall_ack) && bm_ticks() - t0 < bm_hz())
		;
	xs_patch_set_timeout(&mgr, 10000000u);
	expect_status(xs_patch_revert(&mgr, &patch, &diag), XS_E_TIMEOUT, "revert", &diag);
	xs_patch_set_timeout(&mgr, 100000000u);
	atomic_store(&stall_cpu, -1);
	check(insn_at(site) == live, "a timed-out revert leaves the site as it was");
	show_site(site);
	report("after the timed-out revert", true);

	if (step(&mgr, &patch, "revert", xs_patch_revert, 0) == XS_OK) {
		show_site(site);
		bool same = true;
		for (unsigned i = 0; i < sizeof(orig); i++)
			same &= ((volatile const uint8_t *)(uintptr_t)site)[i] == orig[i];
		xs_bm_printf("  original bytes restored exactly: %s\n", same ? "yes" : "NO");
		check(same, "revert restores the saved bytes");
		report("after revert", false);
	}
	expect_status(xs_patch_revert(&mgr, &patch, &diag), XS_E_STATE, "revert again", &diag);

	if (step(&mgr, &patch, "apply again", xs_patch_apply, 1) == XS_OK) {
		show_site(site);
		report("after apply again", true);
	}
}

/* ---- boot ----------------------------------------------------------------------------------- */

void bm_boot(const void *dtb)
{
	const char *why;
	uint64_t mpidr, el;
	__asm__ volatile("mrs %0, mpidr_el1\n\tmrs %1, CurrentEL" : "=r"(mpidr), "=r"(el));
	xs_bm_printf("\nlibxsplice bare-metal example: cpu0 at EL%llu, MPIDR %#llx, DTB at %p\n",
		  (unsigned long long)(el >> 2), (unsigned long long)mpidr, dtb);
	if (bm_fdt_parse(dtb, &fdt, &why) != 0) {
		xs_bm_printf(
		    "%s (%u CPUs, psci \"%s\", GICD %#llx, GICR %#llx, RAM %#llx+%#llx)\nFAIL\n",
		    why, fdt.ncpus, fdt.psci_method, (unsigned long long)fdt.gicd,
		    (unsigned long long)fdt.gicr, (unsigned long long)fdt.ram_base,
		    (unsigned long long)fdt.ram_size);
		bm_psci_off();
	}
	xs_bm_printf(
	    "device tree: %u CPUs, PSCI method \"%s\", GICD %#llx, GICR %#llx, RAM %#llx+%#llx\n",
	    fdt.ncpus, fdt.psci_method, (unsigned long long)fdt.gicd, (unsigned long long)fdt.gicr,
	    (unsigned long long)fdt.ram_base, (unsigned long long)fdt.ram_size);
	if (bm_psci_init(fdt.psci_method) != 0) {
		xs_bm_printf("PSCI conduit \"%s\": an EL2 image needs \"smc\"\nFAIL\n",
			  fdt.psci_method);
		bm_psci_off();
	}
	bm_mmu_build(fdt.ram_base, fdt.ram_size);
	bm_mmu_on();
	bm_mmu_is_on = true;
	xs_bm_printf("MMU on: text %p..%p R+X, rodata ..%p R, data/bss ..%p RW+XN, pool %p..%p, "
		  "write alias at +%#llx\n",
		  (void *)__image_start, (void *)__text_end, (void *)__rodata_end,
		  (void *)__bss_end, (void *)__pool_start, (void *)__pool_end,
		  (unsigned long long)BM_ALIAS_OFFSET);
	bm_gic_dist_init(fdt.gicd);
	if (bm_gic_cpu_init(fdt.gicr) != 0) {
		xs_bm_printf("cpu0: no redistributor\nFAIL\n");
		bm_psci_off();
	}
	uint32_t v = bm_psci_version();
	xs_bm_printf("PSCI %u.%u over SMC; starting %u secondary CPUs\n", v >> 16, v & 0xffff,
		  fdt.ncpus - 1);
	unsigned next = 1;
	for (unsigned i = 0; i < fdt.ncpus; i++) {
		if ((fdt.mpidr[i] & 0xff00ffffffull) == (mpidr & 0xff00ffffffull))
			continue;
		int64_t r =
		    bm_psci_cpu_on(fdt.mpidr[i], (uint64_t)(uintptr_t)bm_secondary_entry, next);
		if (r != 0) {
			xs_bm_printf("CPU_ON(%#llx) = %lld\nFAIL\n", (unsigned long long)fdt.mpidr[i],
				  (long long)r);
			bm_psci_off();
		}
		next++;
	}
	uint64_t t0 = bm_ticks();
	while (xs_bm_plat_ncpus() < next && bm_ticks() - t0 < bm_hz())
		;
	xs_bm_printf("%u CPUs online, each calling bm_answer() in a loop\n", xs_bm_plat_ncpus());
	if (xs_bm_plat_ncpus() != next || boot_fail) {
		xs_bm_printf("not every CPU came up\nFAIL\n");
		bm_psci_off();
	}

	uint64_t start = bm_ticks();
	demo();
	char t[24];
	us(t, sizeof t, bm_ticks_to_ns(bm_ticks() - start));
	xs_bm_printf("\nguest time %s; %u failed checks\n%s\n", t, failures,
		  failures ? "FAIL" : "PASS");
	bm_psci_off();
}
