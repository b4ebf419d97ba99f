/* SPDX-License-Identifier: MIT */
/* The struct xs_host of a bare-metal AArch64 EL2 image (see xs_baremetal.h). */
#include <xsplice/cache.h>
#include <xsplice/host.h>

#include "xs_baremetal.h"

#define EM_AARCH64_ 183
#define MAX_BLOCKS 64

/* xs_bm_rendezvous and friends live in rendezvous.c. */
xs_status xs_bm_rendezvous(void *ctx, xs_host_held_fn fn, void *arg, uint64_t timeout_ns);
struct xs_bm_frame *xs_bm_rv_frame(unsigned cpu);
void xs_bm_rv_init(unsigned sgi, unsigned wake_sgi);

/* ---- a first-fit arena: blocks sorted by address ---------------------------------------- */

struct block {
	uint64_t addr, size;
	int kind;     /* enum xs_host_mem */
	bool aliased; /* pool TEXT/RODATA: the write alias is still mapped */
};

struct arena {
	uint64_t base, size, gran;
	uint32_t n;
	struct block blk[MAX_BLOCKS];
};

static struct arena pool, heap;
static const struct xs_bm_config *cfg;

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static struct block *arena_alloc(struct arena *a, uint64_t size, uint64_t align)
{
	size = round_up(size ? size : 1, a->gran);
	if (align < a->gran)
		align = a->gran;
	if (a->n == MAX_BLOCKS || (align & (align - 1)))
		return NULL;
	uint64_t cur = a->base;
	for (uint32_t i = 0; i <= a->n; i++) {
		uint64_t start = round_up(cur, align);
		uint64_t lim = i < a->n ? a->blk[i].addr : a->base + a->size;
		if (start >= cur && start <= lim && lim - start >= size) {
			for (uint32_t j = a->n; j > i; j--)
				a->blk[j] = a->blk[j - 1];
			a->n++;
			a->blk[i] = (struct block){.addr = start, .size = size};
			return &a->blk[i];
		}
		if (i < a->n)
			cur = a->blk[i].addr + a->blk[i].size;
	}
	return NULL;
}

static struct block *arena_find(struct arena *a, uint64_t addr)
{
	for (uint32_t i = 0; i < a->n; i++)
		if (a->blk[i].addr == addr)
			return &a->blk[i];
	return NULL;
}

static void arena_remove(struct arena *a, struct block *b)
{
	uint32_t i = (uint32_t)(b - a->blk);
	for (; i + 1 < a->n; i++)
		a->blk[i] = a->blk[i + 1];
	a->n--;
}

static bool is_pool(enum xs_host_mem kind)
{
	return kind == XS_HOST_MEM_TEXT || kind == XS_HOST_MEM_RODATA || kind == XS_HOST_MEM_DATA;
}

static int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* ---- memory ------------------------------------------------------------------------------ */

static xs_status bm_alloc(void *ctx, enum xs_host_mem kind, uint64_t size, uint64_t align,
			  uint64_t *addr, uint8_t **w, char *msg, size_t msg_size)
{
	(void)ctx;
	struct arena *a = is_pool(kind) ? &pool : &heap;
	struct block *b = arena_alloc(a, size, align);
	if (!b) {
		xs_bm_snprintf(msg, msg_size, "%s exhausted (%llu bytes, align %llu)",
			       a == &pool ? "payload pool" : "heap", (unsigned long long)size,
			       (unsigned long long)align);
		return XS_E_NO_SPACE;
	}
	b->kind = kind;
	if (!is_pool(kind)) {
		*addr = b->addr;
		*w = (uint8_t *)(uintptr_t)b->addr;
		return XS_OK;
	}
	/* Run address: readable (the core reads it back, DC/IC maintenance by VA
	 * needs a mapping), never executable before seal; DATA is R+W for good.
	 * TEXT and RODATA are written through an alias until seal. */
	enum xs_bm_perm run = kind == XS_HOST_MEM_DATA ? XS_BM_RW : XS_BM_R;
	uint8_t *wp = (uint8_t *)(uintptr_t)b->addr;
	if (xs_bm_plat_protect(b->addr, b->size, run) != 0) {
		xs_bm_snprintf(msg, msg_size, "cannot map pool pages at %#llx",
			       (unsigned long long)b->addr);
		arena_remove(a, b);
		return XS_E_HOST;
	}
	if (kind != XS_HOST_MEM_DATA) {
		wp = xs_bm_plat_alias_map(b->addr, b->size);
		if (!wp) {
			xs_bm_plat_protect(b->addr, b->size, XS_BM_NONE);
			arena_remove(a, b);
			xs_bm_snprintf(msg, msg_size, "no write alias for pool pages");
			return XS_E_HOST;
		}
		b->aliased = true;
	}
	for (uint64_t i = 0; i < b->size; i++)
		wp[i] = 0;
	*addr = b->addr;
	*w = wp;
	return XS_OK;
}

static void bm_free(void *ctx, enum xs_host_mem kind, uint64_t addr, uint64_t size)
{
	(void)ctx;
	(void)size;
	struct arena *a = is_pool(kind) ? &pool : &heap;
	struct block *b = arena_find(a, addr);
	if (!b)
		return;
	if (is_pool(kind)) {
		if (b->aliased)
			xs_bm_plat_alias_unmap(b->addr, b->size);
		xs_bm_plat_protect(b->addr, b->size, XS_BM_NONE);
	}
	arena_remove(a, b);
}

static xs_status bm_seal(void *ctx, enum xs_host_mem kind, uint64_t addr, uint64_t size, char *msg,
			 size_t msg_size)
{
	(void)ctx;
	(void)size;
	struct block *b = is_pool(kind) ? arena_find(&pool, addr) : NULL;
	if (!b)
		return is_pool(kind) ? XS_E_INVALID_ARG : XS_OK;
	if (b->aliased) { /* no writable mapping remains once sealed */
		xs_bm_plat_alias_unmap(b->addr, b->size);
		b->aliased = false;
	}
	if (kind == XS_HOST_MEM_TEXT && xs_bm_plat_protect(b->addr, b->size, XS_BM_RX) != 0) {
		xs_bm_snprintf(msg, msg_size, "cannot make %#llx executable",
			       (unsigned long long)addr);
		return XS_E_HOST;
	}
	return XS_OK;
}

/* ---- live text ----------------------------------------------------------------------------- */

static xs_status bm_map_alias(void *ctx, uint64_t addr, size_t len, uint8_t **w, char *msg,
			      size_t msg_size)
{
	(void)ctx;
	*w = xs_bm_plat_alias_map(addr, len);
	if (*w)
		return XS_OK;
	xs_bm_snprintf(msg, msg_size, "%#llx is not text this image can alias",
		       (unsigned long long)addr);
	return XS_E_HOST;
}

static void bm_unmap_alias(void *ctx, uint64_t addr, size_t len, uint8_t *w)
{
	(void)ctx;
	(void)w;
	xs_bm_plat_alias_unmap(addr, len);
}

static void bm_sync_icache(void *ctx, uint64_t addr, size_t len)
{
	(void)ctx;
	/* By the run address: DC CVAU / IC IVAU act on the physical lines. */
	xs_cache_sync((void *)(uintptr_t)addr, len);
}

/* ---- who is where ---------------------------------------------------------------------------- */

static bool in_ranges(const struct xs_host_range *r, uint32_t n, uint64_t a, uint32_t *which)
{
	for (uint32_t i = 0; i < n; i++)
		if (a >= r[i].start && a < r[i].end) {
			*which = i;
			return true;
		}
	return false;
}

static xs_status busy(struct xs_host_busy *who, uint32_t range, unsigned cpu, uint64_t pc,
		      bool on_stack)
{
	who->range = range;
	who->thread = cpu;
	who->pc = pc;
	who->on_stack = on_stack;
	return XS_E_BUSY;
}

/*
 * PC (ELR_EL2) and LR of each held CPU from its IRQ frame, then the AAPCS64
 * frame records (x29 -> {previous x29, return address}) while they stay
 * inside that CPU's stack and go up. Code built without frame pointers
 * leaves gaps the LR check covers only for the innermost call.
 */
static xs_status bm_thread_in_ranges(void *ctx, const struct xs_host_range *ranges, uint32_t n,
				     struct xs_host_busy *who)
{
	(void)ctx;
	uint32_t i;
	for (unsigned cpu = 0; cpu < xs_bm_plat_ncpus(); cpu++) {
		const struct xs_bm_frame *f = xs_bm_rv_frame(cpu);
		if (!f)
			continue;
		if (in_ranges(ranges, n, f->elr, &i))
			return busy(who, i, cpu, f->elr, false);
		if (in_ranges(ranges, n, f->x[30], &i))
			return busy(who, i, cpu, f->x[30], true);
		uint64_t lo, hi, fp = f->x[29];
		xs_bm_plat_stack(cpu, &lo, &hi);
		for (int depth = 0; depth < 64; depth++) {
			if (fp < lo || fp > hi - 16 || (fp & 7))
				break;
			const uint64_t *rec = (const uint64_t *)(uintptr_t)fp;
			if (in_ranges(ranges, n, rec[1], &i))
				return busy(who, i, cpu, rec[1], true);
			if (rec[0] <= fp)
				break;
			fp = rec[0];
		}
	}
	return XS_OK;
}

/* ---- symbols, sections, log, clock ---------------------------------------------------------- */

static xs_status bm_resolve(void *ctx, const char *name, uint64_t *value)
{
	(void)ctx;
	for (uint32_t i = 0; i < cfg->nexports; i++)
		if (str_eq(cfg->exports[i].name, name)) {
			*value = cfg->exports[i].value;
			return XS_OK;
		}
	return XS_E_NOT_FOUND;
}

static xs_status bm_section(void *ctx, bool add, const char *payload, const char *name,
			    uint64_t addr, uint64_t size)
{
	(void)ctx;
	/* A hypervisor would hook up .ex_table / .bug_frames here; this image has none. */
	if (cfg->log_level >= 1)
		xs_bm_printf(
		    "xsplice: payload %s: %s section %s at %#llx (%llu bytes), not interpreted\n",
		    payload, add ? "added" : "removed", name, (unsigned long long)addr,
		    (unsigned long long)size);
	return XS_OK;
}

static void bm_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	if (level <= cfg->log_level)
		xs_bm_printf("xsplice: %s\n", msg);
}

static uint64_t bm_now_ns(void *ctx)
{
	(void)ctx;
	uint64_t t = xs_bm_plat_ticks(), hz = xs_bm_plat_tick_hz();
	return t / hz * 1000000000u + t % hz * 1000000000u / hz;
}

xs_status xs_bm_host_init(struct xs_host *h, const struct xs_bm_config *c)
{
	if (!h || !c || (c->pool_addr | c->pool_size) & (XS_BM_PAGE - 1) || c->sgi > 15 ||
	    c->wake_sgi > 15 || (c->wake_sgi && c->wake_sgi == c->sgi) ||
	    xs_bm_plat_ncpus() > XS_BM_MAX_CPUS)
		return XS_E_INVALID_ARG;
	cfg = c;
	pool = (struct arena){.base = c->pool_addr, .size = c->pool_size, .gran = XS_BM_PAGE};
	if (!heap.size) /* xs_bm_symtab_init may have set it up already */
		heap = (struct arena){.base = c->heap_addr, .size = c->heap_size, .gran = 16};
	xs_bm_rv_init(c->sgi, c->wake_sgi);
	*h = (struct xs_host){
	    .ctx = NULL,
	    .machine = EM_AARCH64_,
	    .alloc = bm_alloc,
	    .free = bm_free,
	    .seal = bm_seal,
	    .map_alias = bm_map_alias,
	    .unmap_alias = bm_unmap_alias,
	    .sync_icache = bm_sync_icache,
	    .rendezvous = xs_bm_rendezvous,
	    .thread_in_ranges = bm_thread_in_ranges,
	    .resolve = bm_resolve,
	    .section = bm_section,
	    .log = bm_log,
	    .now_ns = bm_now_ns,
	};
	return XS_OK;
}

#define EXTRA_SYMS 256 /* room for payload exports */

xs_status xs_bm_symtab_init(struct xs_symtab *t, const void *elf, size_t size, struct xs_diag *d)
{
	uint32_t n;
	size_t strbytes;
	xs_status s = xs_symtab_elf_need(elf, size, &n, &strbytes, d);
	if (s)
		return s;
	if (!heap.size && cfg)
		heap = (struct arena){.base = cfg->heap_addr, .size = cfg->heap_size, .gran = 16};
	size_t need = xs_symtab_size(n + EXTRA_SYMS, 0);
	struct block *b = arena_alloc(&heap, need, 16);
	if (!b)
		return XS_E_NO_SPACE;
	b->kind = XS_HOST_MEM_META;
	void *mem = (void *)(uintptr_t)b->addr;
	/* Names stay pointers into the embedded ELF, which lives as long as the image. */
	if ((s = xs_symtab_init(t, mem, need, n + EXTRA_SYMS, 0)) ||
	    (s = xs_symtab_add_elf(t, elf, size, 0, 0, d)) || (s = xs_symtab_finish(t)))
		return s;
	return XS_OK;
}
