/* SPDX-License-Identifier: MIT */
/*
 * EL2 stage-1 translation (4 KiB granule, 39-bit VA, identity map):
 *
 *   0x0000_0000 - 0x3fff_ffff   devices: one L1 block, Device-nGnRE, XN
 *   RAM                         Normal WB, RW, XN (2 MiB blocks) except the
 *   first 8 MiB of RAM          L3 pages: image text R+X, rodata R, data/bss
 *                               RW (all XN), the payload pool per page
 *                               (NONE until the glue maps it)
 *   RAM + 4 GiB (alias)         L3 pages, invalid until xs_bm_plat_alias_map:
 *                               RW + XN views of text / pool pages
 *
 * No descriptor is ever writable and executable, and SCTLR_EL2.WXN makes
 * the hardware treat any writable page as XN anyway. Permission changes of
 * a valid entry need no break-before-make (Arm ARM, "TLB maintenance
 * requirements", "Using break-before-make when updating translation table
 * entries"): write, DSB ISHST, TLBI VAE2IS,
 * DSB ISH, ISB.
 */
#include "bm.h"

#define D_TABLE 3ull
#define D_BLOCK 1ull
#define D_PAGE 3ull
#define D_ATTR(i) ((uint64_t)(i) << 2) /* MAIR_EL2 index: 1 Device-nGnRE, 2 Normal */
#define D_AP_RW (1ull << 6)	       /* AP[2:1] = 01 (AP[1] is RES1 at EL2) */
#define D_AP_RO (3ull << 6)	       /* AP[2:1] = 11 */
#define D_SH_INNER (3ull << 8)
#define D_AF (1ull << 10)
#define D_XN (1ull << 54)
#define D_ADDR 0x0000fffffffff000ull
#define NORMAL (D_ATTR(2) | D_SH_INNER | D_AF)
#define DEVICE (D_ATTR(1) | D_AF | D_XN | D_AP_RW)

#define WIN_BLOCKS 4 /* 2 MiB blocks of RAM mapped with pages */
#define WIN_PAGES (WIN_BLOCKS * 512)

uint64_t bm_pt_l1[512] __attribute__((aligned(4096)));
static uint64_t pt_l2[512] __attribute__((aligned(4096)));
static uint64_t pt_l3[WIN_BLOCKS][512] __attribute__((aligned(4096)));
static uint64_t pt_l2_alias[512] __attribute__((aligned(4096)));
static uint64_t pt_l3_alias[WIN_BLOCKS][512] __attribute__((aligned(4096)));
static uint16_t alias_refs[WIN_PAGES];
static uint64_t win_base;

static uint64_t page_desc(uint64_t pa, enum xs_bm_perm p)
{
	switch (p) {
	case XS_BM_R:
		return pa | NORMAL | D_AP_RO | D_XN | D_PAGE;
	case XS_BM_RW:
		return pa | NORMAL | D_AP_RW | D_XN | D_PAGE;
	case XS_BM_RX:
		return pa | NORMAL | D_AP_RO | D_PAGE;
	default:
		return 0;
	}
}

static uint64_t *l3_entry(uint64_t (*tab)[512], uint64_t pa)
{
	uint64_t i = (pa - win_base) / BM_PAGE;
	return &tab[i / 512][i % 512];
}

static void inval_dcache(const void *p, size_t len)
{
	for (uintptr_t a = (uintptr_t)p & ~(uintptr_t)63; a < (uintptr_t)p + len; a += 64)
		__asm__ volatile("dc ivac, %0" ::"r"(a) : "memory");
}

/* Called by CPU 0 with the MMU off (data accesses are Device: aligned only). */
void bm_mmu_build(uint64_t ram_base, uint64_t ram_size)
{
	uint64_t img = (uint64_t)(uintptr_t)__image_start,
		 text_end = (uint64_t)(uintptr_t)__text_end,
		 ro_end = (uint64_t)(uintptr_t)__rodata_end,
		 pool = (uint64_t)(uintptr_t)__pool_start,
		 pool_end = (uint64_t)(uintptr_t)__pool_end;
	win_base = ram_base & ~0x1fffffull;
	bm_pt_l1[0] = 0 | DEVICE | D_BLOCK;
	bm_pt_l1[win_base >> 30] = (uint64_t)(uintptr_t)pt_l2 | D_TABLE;
	bm_pt_l1[(win_base + BM_ALIAS_OFFSET) >> 30] = (uint64_t)(uintptr_t)pt_l2_alias | D_TABLE;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t pa = win_base + (uint64_t)i * 0x200000;
		if (i < WIN_BLOCKS) {
			pt_l2[i] = (uint64_t)(uintptr_t)pt_l3[i] | D_TABLE;
			pt_l2_alias[i] = (uint64_t)(uintptr_t)pt_l3_alias[i] | D_TABLE;
		} else if (pa + 0x200000 <= ram_base + ram_size) {
			pt_l2[i] = pa | NORMAL | D_AP_RW | D_XN | D_BLOCK;
		}
	}
	for (unsigned i = 0; i < WIN_PAGES; i++) {
		uint64_t pa = win_base + (uint64_t)i * BM_PAGE;
		enum xs_bm_perm p = XS_BM_RW;
		if (pa >= img && pa < text_end)
			p = XS_BM_RX;
		else if (pa >= text_end && pa < ro_end)
			p = XS_BM_R;
		else if (pa >= pool && pa < pool_end)
			p = XS_BM_NONE;
		else if (pa < ram_base || pa >= ram_base + ram_size)
			p = XS_BM_NONE;
		*l3_entry(pt_l3, pa) = page_desc(pa, p);
	}
	__asm__ volatile("dsb sy" ::: "memory");
	/* Written with the MMU off, straight to memory: drop any stale cached copy
	 * before cacheable table walks and accesses start. */
	inval_dcache(__data_start, (size_t)(__bss_end - __data_start));
	__asm__ volatile("dsb sy\n\tisb" ::: "memory");
}

static void tlb_flush_page(uint64_t va)
{
	__asm__ volatile("tlbi vae2is, %0" ::"r"(va >> 12) : "memory");
}

static bool in_window(uint64_t addr, uint64_t len)
{
	return addr >= win_base && len <= (uint64_t)WIN_PAGES * BM_PAGE &&
	       addr - win_base <= (uint64_t)WIN_PAGES * BM_PAGE - len;
}

int xs_bm_plat_protect(uint64_t addr, uint64_t len, enum xs_bm_perm perm)
{
	uint64_t pool = (uint64_t)(uintptr_t)__pool_start,
		 pool_end = (uint64_t)(uintptr_t)__pool_end;
	if ((addr | len) & (BM_PAGE - 1) || addr < pool || addr > pool_end || len > pool_end - addr)
		return -1;
	for (uint64_t a = addr; a < addr + len; a += BM_PAGE)
		*l3_entry(pt_l3, a) = page_desc(a, perm);
	__asm__ volatile("dsb ishst" ::: "memory");
	for (uint64_t a = addr; a < addr + len; a += BM_PAGE)
		tlb_flush_page(a);
	__asm__ volatile("dsb ish\n\tisb" ::: "memory");
	return 0;
}

/* Text of the image or pool pages: what may be aliased for writing. */
static bool aliasable(uint64_t addr, uint64_t len)
{
	uint64_t img = (uint64_t)(uintptr_t)__image_start,
		 text_end = (uint64_t)(uintptr_t)__text_end,
		 pool = (uint64_t)(uintptr_t)__pool_start,
		 pool_end = (uint64_t)(uintptr_t)__pool_end;
	if (!len || !in_window(addr, len))
		return false;
	return (addr >= img && addr + len <= text_end) || (addr >= pool && addr + len <= pool_end);
}

uint8_t *xs_bm_plat_alias_map(uint64_t addr, uint64_t len)
{
	if (!aliasable(addr, len))
		return NULL;
	for (uint64_t a = addr & ~(uint64_t)(BM_PAGE - 1); a < addr + len; a += BM_PAGE) {
		uint16_t *r = &alias_refs[(a - win_base) / BM_PAGE];
		if ((*r)++ == 0)
			*l3_entry(pt_l3_alias, a) = page_desc(a, XS_BM_RW);
	}
	/* invalid -> valid needs no TLB invalidation; make the walk see it */
	__asm__ volatile("dsb ishst\n\tisb" ::: "memory");
	return (uint8_t *)(uintptr_t)(addr + BM_ALIAS_OFFSET);
}

void xs_bm_plat_alias_unmap(uint64_t addr, uint64_t len)
{
	if (!aliasable(addr, len))
		return;
	for (uint64_t a = addr & ~(uint64_t)(BM_PAGE - 1); a < addr + len; a += BM_PAGE) {
		uint16_t *r = &alias_refs[(a - win_base) / BM_PAGE];
		if (*r && --*r == 0) {
			*l3_entry(pt_l3_alias, a) = 0;
			__asm__ volatile("dsb ishst" ::: "memory");
			tlb_flush_page(a + BM_ALIAS_OFFSET);
		}
	}
	__asm__ volatile("dsb ish\n\tisb" ::: "memory");
}

/* Audit: count valid leaf descriptors that are writable and executable (must be 0). */
static unsigned wx_walk(const uint64_t *t, int level, unsigned *leaves)
{
	unsigned bad = 0;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t d = t[i];
		if (!(d & 1))
			continue;
		if (level < 3 && (d & 3) == D_TABLE) {
			bad +=
			    wx_walk((const uint64_t *)(uintptr_t)(d & D_ADDR), level + 1, leaves);
			continue;
		}
		(*leaves)++;
		bool writable = !(d & (1ull << 7)), exec = !(d & D_XN);
		bad += writable && exec;
	}
	return bad;
}

unsigned bm_mmu_count_wx(unsigned *leaves)
{
	*leaves = 0;
	return wx_walk(bm_pt_l1, 1, leaves);
}
