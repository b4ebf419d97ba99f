/* SPDX-License-Identifier: MIT */
/* The example EL2 image's own platform code (not part of the glue). */
#ifndef BM_H
#define BM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_baremetal.h"

#define BM_MAX_CPUS XS_BM_MAX_CPUS
#define BM_STACK_SIZE 16384 /* boot.S STACK_SIZE */
#define BM_PAGE 4096u
#define BM_RV_SGI 1		       /* the rendezvous SGI, priority 0x80 */
#define BM_WAKE_SGI 2		       /* wakes held CPUs from WFI at the release, priority 0x40 */
#define BM_TIMER_PPI 26		       /* EL2 physical timer (CNTHP), wakes idle workers */
#define BM_ALIAS_OFFSET 0x100000000ull /* write alias VA = PA + this */

/* Linker-script symbols. */
extern char __image_start[], __text_end[], __rodata_end[], __data_start[], __bss_start[],
    __bss_end[], __pool_start[], __pool_end[], __image_end[], __build_id_note[],
    __build_id_note_end[], __xsyms_start[], __xsyms_end[];
extern uint8_t bm_stacks[BM_MAX_CPUS][BM_STACK_SIZE];

/* What the device tree says. */
struct bm_fdt {
	char psci_method[8];
	unsigned ncpus;
	uint64_t mpidr[BM_MAX_CPUS];
	uint64_t gicd, gicr;
	uint64_t ram_base, ram_size;
};
int bm_fdt_parse(const void *dtb, struct bm_fdt *out, const char **why);

/* console */
void bm_uart_putc(char c);
extern bool bm_mmu_is_on;

/* MMU */
void bm_mmu_build(uint64_t ram_base, uint64_t ram_size);
void bm_mmu_on(void); /* boot.S */
unsigned bm_mmu_count_wx(unsigned *leaves);

/* GICv3 */
void bm_gic_dist_init(uint64_t gicd);
int bm_gic_cpu_init(uint64_t gicr);
void bm_sleep_us(uint64_t us); /* WFI until the EL2 timer fires (IRQs unmasked) */
void bm_gic_sgi_others(unsigned intid);
struct xs_bm_frame;
void bm_irq(struct xs_bm_frame *f);

/* PSCI (DEN0022) */
int bm_psci_init(const char *method);
int64_t bm_psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx);
uint32_t bm_psci_version(void);
__attribute__((noreturn)) void bm_psci_off(void);

static inline uint64_t bm_ticks(void)
{
	uint64_t v;
	__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(v)::"memory");
	return v;
}
static inline uint64_t bm_hz(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}
static inline uint64_t bm_ticks_to_ns(uint64_t t)
{
	uint64_t hz = bm_hz();
	return t / hz * 1000000000u + t % hz * 1000000000u / hz;
}
void bm_delay_us(uint64_t us);

#endif
