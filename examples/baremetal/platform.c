/* SPDX-License-Identifier: MIT */
/*
 * Console (PL011), device tree, PSCI and GICv3 of the example image, and the
 * xs_bm_plat_* functions the glue needs.
 */
#include <stdarg.h>
#include <stdatomic.h>

#include "bm.h"

/* ---- PL011 UART (qemu virt: 0x09000000; DR at 0, FR at 0x18, TXFF = bit 5) ---------------- */

#define UART_BASE 0x09000000ul

bool bm_mmu_is_on;
static atomic_flag uart_lock = ATOMIC_FLAG_INIT;

void bm_uart_putc(char c)
{
	volatile uint32_t *uart = (volatile uint32_t *)UART_BASE;
	if (c == '\n')
		bm_uart_putc('\r');
	while (uart[0x18 / 4] & (1u << 5))
		;
	uart[0] = (uint32_t)(unsigned char)c;
}

void xs_bm_plat_puts(const char *s)
{
	/* exclusives need cacheable memory: lock only once the MMU is on */
	bool lock = bm_mmu_is_on;
	while (lock && atomic_flag_test_and_set_explicit(&uart_lock, memory_order_acquire))
		;
	while (*s)
		bm_uart_putc(*s++);
	if (lock)
		atomic_flag_clear_explicit(&uart_lock, memory_order_release);
}

void bm_delay_us(uint64_t us)
{
	uint64_t t0 = bm_ticks(), n = us * bm_hz() / 1000000u;
	while (bm_ticks() - t0 < n)
		;
}

/* ---- flattened device tree (big-endian; only what this image needs) ------------------------ */

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u
#define FDT_MAX_DEPTH 16

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t cells(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

static bool str_is(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static bool starts(const char *a, const char *pfx)
{
	while (*pfx && *a == *pfx)
		a++, pfx++;
	return !*pfx;
}

/* Does the string list [p, p + len) contain s? */
static bool strlist_has(const char *p, uint32_t len, const char *s)
{
	for (uint32_t i = 0; i < len;) {
		if (str_is(p + i, s))
			return true;
		while (i < len && p[i])
			i++;
		i++;
	}
	return false;
}

int bm_fdt_parse(const void *dtb, struct bm_fdt *out, const char **why)
{
	const uint8_t *b = dtb;
	*why = "no device tree (x0 = 0)";
	if (!b)
		return -1;
	*why = "bad device tree magic";
	if (be32(b) != FDT_MAGIC)
		return -1;
	uint32_t total = be32(b + 4), off_struct = be32(b + 8), off_strings = be32(b + 12);
	const uint8_t *p = b + off_struct, *end = b + total;
	const char *strings = (const char *)b + off_strings;
	const char *name[FDT_MAX_DEPTH];
	unsigned acells[FDT_MAX_DEPTH], scells[FDT_MAX_DEPTH];
	/* per open node: is it a GICv3 / memory node, its reg property */
	bool gic[FDT_MAX_DEPTH] = {false}, mem[FDT_MAX_DEPTH] = {false};
	const uint8_t *reg[FDT_MAX_DEPTH] = {NULL};
	uint32_t reg_len[FDT_MAX_DEPTH] = {0};
	int depth = 0;

	for (unsigned i = 0; i < FDT_MAX_DEPTH; i++)
		acells[i] = 2, scells[i] = 1;
	*out = (struct bm_fdt){0};
	*why = "malformed device tree";
	while (p + 4 <= end) {
		uint32_t tok = be32(p);
		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			if (depth + 1 >= FDT_MAX_DEPTH)
				return -1;
			name[++depth] = (const char *)p;
			acells[depth] = 2, scells[depth] = 1;
			while (p < end && *p)
				p++;
			p = b + ((p + 1 - b + 3) & ~3u);
			gic[depth] = false;
			reg[depth] = NULL;
			mem[depth] = depth == 2 && starts(name[depth], "memory");
		} else if (tok == FDT_END_NODE) {
			/* reg is in the parent's cells: depth-1 holds the parent's settings */
			unsigned ac = acells[depth - 1], sc = scells[depth - 1];
			const uint8_t *r = reg[depth];
			uint32_t rl = reg_len[depth];
			if (depth < 1)
				return -1;
			if (gic[depth] && r && rl >= 8 * (ac + sc) && !out->gicd) {
				out->gicd = cells(r, ac);
				out->gicr = cells(r + 4 * (ac + sc), ac);
			}
			if (mem[depth] && r && rl >= 4 * (ac + sc) && !out->ram_size) {
				out->ram_base = cells(r, ac);
				out->ram_size = cells(r + 4 * ac, sc);
			}
			if (depth == 3 && str_is(name[2], "cpus") && starts(name[3], "cpu@") && r &&
			    out->ncpus < BM_MAX_CPUS)
				out->mpidr[out->ncpus++] = cells(r, ac);
			if (--depth < 0)
				return -1;
		} else if (tok == FDT_PROP) {
			if (p + 8 > end)
				return -1;
			uint32_t len = be32(p), nameoff = be32(p + 4);
			const uint8_t *v = p + 8;
			const char *pn = strings + nameoff;
			p = b + ((v + len - b + 3) & ~3u);
			if (p > end)
				return -1;
			if (str_is(pn, "#address-cells") && len == 4)
				acells[depth] = be32(v);
			else if (str_is(pn, "#size-cells") && len == 4)
				scells[depth] = be32(v);
			else if (str_is(pn, "reg"))
				reg[depth] = v, reg_len[depth] = len;
			else if (str_is(pn, "compatible") &&
				 strlist_has((const char *)v, len, "arm,gic-v3"))
				gic[depth] = true;
			else if (str_is(pn, "method") && depth == 2 && starts(name[2], "psci")) {
				uint32_t k = 0;
				for (; k + 1 < sizeof(out->psci_method) && k < len && v[k]; k++)
					out->psci_method[k] = (char)v[k];
				out->psci_method[k] = 0;
			}
		} else if (tok == FDT_NOP) {
			continue;
		} else if (tok == FDT_END) {
			break;
		} else {
			return -1;
		}
	}
	*why = "device tree lacks /psci method, cpus, memory or a GICv3";
	if (!out->psci_method[0] || !out->ncpus || !out->gicd || !out->gicr || !out->ram_size)
		return -1;
	return 0;
}

/* ---- PSCI: Arm Power State Coordination Interface, DEN0022 ---------------------------------- */

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_ON_64 0xc4000003u
#define PSCI_SYSTEM_OFF 0x84000008u

static bool psci_hvc;

static int64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	if (psci_hvc)
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");
	else
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");
	return (int64_t)x0;
}

int bm_psci_init(const char *method)
{
	if (str_is(method, "smc"))
		return psci_hvc = false, 0;
	/* At EL2, HVC would trap to this image itself: only an EL3 monitor (SMC) serves it. */
	return -1;
}

uint32_t bm_psci_version(void)
{
	return (uint32_t)psci_call(PSCI_VERSION, 0, 0, 0);
}

int64_t bm_psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
	return psci_call(PSCI_CPU_ON_64, mpidr, entry, ctx);
}

void bm_psci_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

/* ---- GICv3 --------------------------------------------------------------------------------- */

#define GICD_CTLR 0x0
#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ARE (1u << 4) /* with GICD_CTLR.DS = 1, as qemu virt without EL3 has */
#define GICD_CTLR_GRP1 (1u << 1)
#define GICR_TYPER 0x8
#define GICR_TYPER_VLPIS (1u << 1)
#define GICR_TYPER_LAST (1u << 4)
#define GICR_WAKER 0x14
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_ASLEEP (1u << 2)
#define GICR_SGI 0x10000 /* the SGI/PPI frame */
#define GICR_IGROUPR0 0x80
#define GICR_ISENABLER0 0x100
#define GICR_IPRIORITYR 0x400

#define SYSREG_W(r, v) __asm__ volatile("msr " r ", %0" ::"r"((uint64_t)(v)) : "memory")
#define SYSREG_R(r, v) __asm__ volatile("mrs %0, " r : "=r"(v)::"memory")
#define ICC_SRE_EL2 "S3_4_C12_C9_5"
#define ICC_PMR_EL1 "S3_0_C4_C6_0"
#define ICC_IAR1_EL1 "S3_0_C12_C12_0"
#define ICC_EOIR1_EL1 "S3_0_C12_C12_1"
#define ICC_BPR1_EL1 "S3_0_C12_C12_3"
#define ICC_CTLR_EL1 "S3_0_C12_C12_4"
#define ICC_IGRPEN1_EL1 "S3_0_C12_C12_7"
#define ICC_SGI1R_EL1 "S3_0_C12_C11_5"

static volatile uint32_t *reg32(uint64_t a)
{
	return (volatile uint32_t *)(uintptr_t)a;
}

void bm_gic_dist_init(uint64_t gicd)
{
	*reg32(gicd + GICD_CTLR) = GICD_CTLR_ARE;
	while (*reg32(gicd + GICD_CTLR) & GICD_CTLR_RWP)
		;
	*reg32(gicd + GICD_CTLR) = GICD_CTLR_ARE | GICD_CTLR_GRP1;
	while (*reg32(gicd + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

static void gic_enable_ppi(uint64_t sgi_frame, unsigned id, uint8_t prio)
{
	*reg32(sgi_frame + GICR_IGROUPR0) |= 1u << id; /* group 1 */
	*(volatile uint8_t *)(uintptr_t)(sgi_frame + GICR_IPRIORITYR + id) = prio;
	*reg32(sgi_frame + GICR_ISENABLER0) = 1u << id;
}

int bm_gic_cpu_init(uint64_t gicr)
{
	uint64_t mpidr, rd = gicr;
	SYSREG_R("mpidr_el1", mpidr);
	uint32_t aff = (uint32_t)((mpidr >> 32 & 0xff) << 24 | (mpidr & 0xffffff));
	for (;;) { /* the redistributor whose GICR_TYPER affinity is this CPU's MPIDR */
		uint64_t typer = *(volatile uint64_t *)(uintptr_t)(rd + GICR_TYPER);
		if ((uint32_t)(typer >> 32) == aff)
			break;
		if (typer & GICR_TYPER_LAST)
			return -1;
		rd += (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
	}
	*reg32(rd + GICR_WAKER) &= ~GICR_WAKER_SLEEP;
	while (*reg32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP)
		;
	uint64_t s = rd + GICR_SGI;
	gic_enable_ppi(s, BM_RV_SGI, 0x80);
	gic_enable_ppi(s, BM_WAKE_SGI, 0x40); /* above the rendezvous: wakes a held CPU's WFI */
	gic_enable_ppi(s, BM_TIMER_PPI, 0xa0);
	/* system-register interface at EL2 (and allow it below) */
	SYSREG_W(ICC_SRE_EL2, 1u | 1u << 3);
	__asm__ volatile("isb");
	SYSREG_W(ICC_PMR_EL1, 0xff);
	SYSREG_W(ICC_BPR1_EL1, 0);
	SYSREG_W(ICC_CTLR_EL1, 0); /* EOImode 0: EOIR drops priority and deactivates */
	SYSREG_W(ICC_IGRPEN1_EL1, 1);
	__asm__ volatile("isb");
	return 0;
}

void bm_gic_sgi_others(unsigned intid)
{
	SYSREG_W(ICC_SGI1R_EL1, (1ull << 40) | (uint64_t)(intid & 0xf) << 24); /* IRM = 1 */
	__asm__ volatile("isb");
}

void bm_irq(struct xs_bm_frame *f)
{
	uint64_t iar;
	SYSREG_R(ICC_IAR1_EL1, iar);
	uint32_t intid = (uint32_t)iar & 0xffffff;
	if (intid >= 1020)
		return; /* spurious */
	if (intid == BM_RV_SGI)
		xs_bm_rv_irq(f);
	else if (intid == BM_TIMER_PPI)
		SYSREG_W("cnthp_ctl_el2", 0); /* one-shot: stop it (level interrupt drops) */
	/* BM_WAKE_SGI: nothing to do, it only ended a WFI */
	SYSREG_W(ICC_EOIR1_EL1, iar);
	__asm__ volatile("isb");
}

void bm_sleep_us(uint64_t us)
{
	/* IRQs masked from arming to WFI: a timer that fires early stays pending
	 * and ends the WFI, instead of being taken before it (a lost wake-up). */
	__asm__ volatile("msr daifset, #2" ::: "memory");
	SYSREG_W("cnthp_tval_el2", us * bm_hz() / 1000000u);
	SYSREG_W("cnthp_ctl_el2", 1); /* ENABLE, not masked */
	__asm__ volatile("isb\n\twfi\n\tmsr daifclr, #2\n\tisb" ::: "memory");
}

/* ---- what the glue needs ------------------------------------------------------------------- */

extern unsigned bm_online;

unsigned xs_bm_plat_cpu(void)
{
	uint64_t v;
	SYSREG_R("tpidr_el2", v);
	return (unsigned)v;
}

unsigned xs_bm_plat_ncpus(void)
{
	return __atomic_load_n(&bm_online, __ATOMIC_ACQUIRE);
}

void xs_bm_plat_sgi_others(unsigned intid)
{
	bm_gic_sgi_others(intid);
}

uint64_t xs_bm_plat_ticks(void)
{
	return bm_ticks();
}

uint64_t xs_bm_plat_tick_hz(void)
{
	return bm_hz();
}

void xs_bm_plat_stack(unsigned cpu, uint64_t *lo, uint64_t *hi)
{
	*lo = (uint64_t)(uintptr_t)bm_stacks[cpu];
	*hi = *lo + BM_STACK_SIZE;
}

__attribute__((noreturn)) void bm_fatal(struct xs_bm_frame *f, int kind);

void bm_fatal(struct xs_bm_frame *f, int kind)
{
	uint64_t esr, far;
	SYSREG_R("esr_el2", esr);
	SYSREG_R("far_el2", far);
	xs_bm_printf("\nFATAL: %s exception at EL2 on cpu %u: ESR_EL2=%#llx ELR_EL2=%#llx "
		  "FAR_EL2=%#llx LR=%#llx\nFAIL\n",
		  kind ? "unexpected" : "synchronous", xs_bm_plat_cpu(), (unsigned long long)esr,
		  (unsigned long long)f->elr, (unsigned long long)far,
		  (unsigned long long)f->x[30]);
	bm_psci_off();
}
