/* SPDX-License-Identifier: MIT */
/*
 * libxsplice host glue for a freestanding AArch64 EL2 image (a hypervisor
 * without an OS under it). It implements include/xsplice/host.h on top of
 * a handful of platform functions the image provides (xs_bm_plat_*, below):
 *
 *   memory      a static pool next to the image text (within B / ADRP
 *               reach) for payload TEXT/RODATA/DATA, page granular, whose
 *               run-address permissions the platform's page tables set
 *               (never W+X); a heap for META and the symbol table
 *   alias       a read-write, execute-never alias of text pages, mapped only
 *               while the core writes through it
 *   icache      the core's xs_cache_sync over the run address
 *   rendezvous  stop-machine over an SGI: every other CPU takes the
 *               interrupt at EL2, checks in and spins with interrupts
 *               masked until released, then executes an ISB
 *   busy check  each held CPU's ELR_EL2 and LR from its IRQ frame, and the
 *               frame records (x29 chain) inside that CPU's stack
 *   symbols     the core's symbol table built from an ELF symbol table the
 *               image embeds, plus a small table of extra names
 *   log         the platform's console
 *
 * Freestanding C11; no libc (xs_bm_mem.c provides memcpy/memset/memmove/
 * memcmp for the core and the glue).
 */
#ifndef XS_BAREMETAL_H
#define XS_BAREMETAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xsplice/host.h>
#include <xsplice/symtab.h>

#define XS_BM_MAX_CPUS 8
#define XS_BM_PAGE 4096u

/* The registers the image's EL2 IRQ entry saves (272 bytes, its stack). */
struct xs_bm_frame {
	uint64_t x[31]; /* x0..x30; x29 = FP, x30 = LR of the interrupted code */
	uint64_t elr;	/* ELR_EL2: where the CPU was interrupted */
	uint64_t spsr;
	uint64_t sp; /* the interrupted SP */
};

/* ---- provided by the image ------------------------------------------------- */

/* Permissions of a pool page at its run address. */
enum xs_bm_perm { XS_BM_NONE = 0, XS_BM_R, XS_BM_RW, XS_BM_RX };

unsigned xs_bm_plat_cpu(void);	 /* this CPU, 0 .. ncpus-1 */
unsigned xs_bm_plat_ncpus(void); /* CPUs online; every one takes part in a rendezvous */
/* Send SGI intid to every CPU but this one (ICC_SGI1R_EL1, IRM = 1). */
void xs_bm_plat_sgi_others(unsigned intid);
uint64_t xs_bm_plat_ticks(void);   /* CNTPCT_EL0 */
uint64_t xs_bm_plat_tick_hz(void); /* CNTFRQ_EL0 */
/* The bounds of cpu's stack, for the frame-record walk. */
void xs_bm_plat_stack(unsigned cpu, uint64_t *lo, uint64_t *hi);
/* Set the run-address mapping of whole pages [addr, addr + len). 0 on success. */
int xs_bm_plat_protect(uint64_t addr, uint64_t len, enum xs_bm_perm perm);
/*
 * A read-write, execute-never alias of [addr, addr + len) (text or pool
 * pages), or NULL. Mappings nest (counted per page); each map has one unmap.
 */
uint8_t *xs_bm_plat_alias_map(uint64_t addr, uint64_t len);
void xs_bm_plat_alias_unmap(uint64_t addr, uint64_t len);
void xs_bm_plat_puts(const char *s);

/* ---- provided by the glue ---------------------------------------------------- */

/* An extra symbol for host->resolve (names the core's table does not have). */
struct xs_bm_export {
	const char *name;
	uint64_t value;
};

struct xs_bm_config {
	uint64_t pool_addr, pool_size; /* page aligned, near the text; mapped NONE */
	uint64_t heap_addr, heap_size; /* RW memory for META and the symbol table */
	const struct xs_bm_export *exports;
	uint32_t nexports;
	unsigned sgi; /* the SGI (0..15) the rendezvous uses */
	/*
	 * 0, or an SGI of HIGHER priority than sgi: held CPUs then spin only
	 * briefly and wait in WFI, and the release sends wake_sgi (a pending
	 * interrupt of higher priority than the running one wakes WFI although
	 * PSTATE.I masks it). Saves the host's CPUs under an emulator; on
	 * hardware the spin usually sees the release first. The image's IRQ
	 * handler just acknowledges it.
	 */
	unsigned wake_sgi;
	int log_level; /* log lines up to this level (0 errors, 1 info, 2 debug) */
};

/* Fill *h (machine EM_AARCH64) with this glue's callbacks; c is kept by pointer. */
xs_status xs_bm_host_init(struct xs_host *h, const struct xs_bm_config *c);

/*
 * Build the host symbol table in heap memory from an ELF image (or an
 * objcopy --only-keep-debug copy of it) whose symbols are the live ones.
 */
xs_status xs_bm_symtab_init(struct xs_symtab *t, const void *elf, size_t size, struct xs_diag *d);

/*
 * The image's IRQ handler calls this for the rendezvous SGI, with the frame
 * its entry code saved, after acknowledging the interrupt and before the
 * EOI; interrupts stay masked. Returns after the ISB of the release.
 */
void xs_bm_rv_irq(struct xs_bm_frame *f);

/* What the last rendezvous measured (CNTPCT ticks). */
struct xs_bm_rv_stats {
	uint64_t gen;  /* rendezvous number */
	uint32_t cpus; /* CPUs held */
	bool timed_out;
	uint64_t gather_ticks;		     /* SGI sent -> every other CPU checked in */
	uint64_t fn_ticks;		     /* the core's function, everything held */
	uint64_t pause_ticks;		     /* SGI sent -> release */
	uint64_t held_ticks[XS_BM_MAX_CPUS]; /* per CPU: check-in -> release seen */
};
void xs_bm_rv_last(struct xs_bm_rv_stats *s);

/*
 * For tests: called on the patching CPU inside every rendezvous, after the
 * core's function returned st and before the release (everything held).
 */
extern void (*xs_bm_rv_held_hook)(xs_status st);

/* Log through the platform console (also what host->log does). */
void xs_bm_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int xs_bm_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int xs_bm_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
