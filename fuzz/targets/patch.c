/* SPDX-License-Identifier: MIT */
/*
 * Target "patch": the live-patch lifecycle (xs_patch_load / apply / revert /
 * replace / unload) driven by a random sequence of operations on three
 * payload records, against a fake host and a model of the state machine.
 *
 * The input, front to back (reads past the end are zeros):
 *   - machine (x86_64 or AArch64) and the fake image: six functions f0..f5
 *     in a 4 KiB "live text" buffer, each of a random size (1..48 bytes),
 *     maybe with an ENDBR64 / BTI / PACIASP entry, followed by random filler
 *     and maybe a next symbol;
 *   - three payload specs, built in memory with test/unit/elfbuild.c: 0..3
 *     functions replacing f*, a missing name or another payload's export;
 *     NOP patches, expect bytes (right or wrong), declared old sizes; host
 *     dependency (none / this host / another), .livepatch.depends (none /
 *     host / another payload's build-id), own build-id, hooks (pre/post
 *     apply/revert, load/unload, apply/revert action pairs), an extra
 *     section the host is told about, an exported global (unique or shared);
 *   - up to 32 operations, 4 bytes each: the op and the record, and what
 *     goes wrong in it: the n-th host allocation, seal, section report or
 *     alias fails, the rendezvous times out, a thread is busy in range k, the
 *     host cannot inspect threads, a hook vetoes, the core's fault injection
 *     at plan / write k.
 *
 * After every operation:
 *   - XS_E_STATE exactly when the model says the transition is not allowed;
 *     TIMEOUT / BUSY / VETO / HOST / FAULT_INJECTED only when the harness
 *     caused one; a failure fills a terminated diagnostic with its status;
 *   - on failure: the live text byte-identical to before, every record's
 *     state as before, no host memory gained or lost, no post hook run;
 *   - on success: the states as the model moves them, the written
 *     trampolines in the text, post/load/unload hooks run once;
 *   - the host contract: free() matches an allocation, aliases lie inside
 *     the text (or a live payload text allocation) and are all dropped before
 *     the rendezvous ends, seal only once per region.
 * At the end, with nothing injected, everything applied is reverted top to
 * bottom and everything unloaded; the text must equal the original, all
 * host memory returned, every section report withdrawn, no export left.
 */
#include <string.h>

#include <xsplice/patch.h>

#include "../common/xs_fuzz.h"
#include "elfbuild.h"

#define NF 6
#define NP 3
#define MAX_OPS 32
#define TEXT_SIZE 4096
#define MARK 0x10 /* action hooks write text[MARK + slot] */
#define ARENA_SIZE (256u << 10)
#define MAX_ALLOC 64

static _Alignas(4096) uint8_t text[TEXT_SIZE];
static uint8_t pristine[TEXT_SIZE];
/* Near allocations (payload text within jmp rel32 / B reach of the image). */
static _Alignas(4096) uint8_t arena[ARENA_SIZE];
static size_t arena_used;

static uint16_t machine;
static const uint8_t host_id[20] = {0x2b, 0xb4, 0x83, 0x23, 0xee, 0x68, 0x67, 0xc1, 0xed, 0x48,
				    0x2b, 0x4c, 0x62, 0x3a, 0x2f, 0x47, 0x13, 0xc2, 0x58, 0xf5};
static _Alignas(8) uint8_t tab_mem[1 << 16];
static struct xs_symtab tab;
static struct xs_patch_mgr mgr;

/* ---- what the current operation injects, and what the host saw ----------------- */

static struct {
	/* injected */
	unsigned alloc_fail_at, seal_fail_at, section_fail_at, map_fail_at; /* n-th, 1-based */
	bool timeout, in_ranges_error, veto_pre, veto_action;
	unsigned busy; /* 0 none, else 1 + range index (mod n) */
	/* observed */
	unsigned allocs, seals, sections, maps;
	bool did_timeout, did_busy, did_veto, did_host_fail;
	int mapped; /* aliases currently mapped */
} inj;

static struct {
	uint64_t addr, size;
	enum xs_host_mem kind;
	bool in_arena, sealed;
	uint8_t *heap;
} allocs[MAX_ALLOC];
static unsigned nallocs;

static int section_balance[NP];
static unsigned load_calls, unload_calls;
static unsigned post_apply[NP], post_revert[NP];

/* ---- records ------------------------------------------------------------------ */

struct spec {
	uint32_t nfuncs;
	uint8_t name[3];     /* < NF: f<k>; NF: "nosuch"; NF + 1..: export of payload k */
	uint8_t nop[3];      /* NOP patch length (0: a jump) */
	uint8_t expect[3];   /* 0 none, 1 right, 2 wrong */
	uint8_t old_size[3]; /* declared old_size */
	uint8_t new_entry[3];/* AArch64: the new function's first word */
	int host_dep;        /* 0 none, 1 this host, 2 another */
	int depends;         /* 0 none, 1 host, 2..: payload (k - 2)'s build-id */
	bool own_id, hooks, action, extra_section, shared_export, any_host;
};

static struct rec {
	struct xs_patch p;
	struct spec sp;
	uint8_t *elf;
	size_t size;
	int model; /* enum xs_patch_state */
	char name[8];
} recs[NP];

static int model_stack[XS_PATCH_MAX_APPLIED];
static unsigned model_napplied;

static int slot_of(const void *p)
{
	for (int i = 0; i < NP; i++)
		if ((const void *)&recs[i].p == p)
			return i;
	return -1;
}

static int slot_by_name(const char *name)
{
	for (int i = 0; i < NP; i++)
		if (strcmp(recs[i].name, name) == 0)
			return i;
	return -1;
}

/* ---- fake host ------------------------------------------------------------------ */

static bool in_text(uint64_t a, uint64_t n)
{
	uint64_t t = (uint64_t)(uintptr_t)text;
	return a >= t && n <= TEXT_SIZE && a - t <= TEXT_SIZE - n;
}

static int find_alloc(uint64_t addr)
{
	for (unsigned i = 0; i < nallocs; i++)
		if (allocs[i].addr == addr)
			return (int)i;
	return -1;
}

static xs_status h_alloc(void *ctx, enum xs_host_mem kind, uint64_t size, uint64_t align,
			 uint64_t *addr, uint8_t **w, char *msg, size_t n)
{
	(void)ctx;
	XS_FUZZ_CHECK(kind < XS_HOST_MEM_COUNT, "alloc kind %d", (int)kind);
	XS_FUZZ_CHECK(align && !(align & (align - 1)), "alloc align %llu", (unsigned long long)align);
	if (++inj.allocs == inj.alloc_fail_at) {
		inj.did_host_fail = true;
		snprintf(msg, n, "injected allocation failure");
		return XS_E_HOST;
	}
	XS_FUZZ_CHECK(nallocs < MAX_ALLOC, "more than %d live allocations", MAX_ALLOC);
	if (size > (16u << 20))
		return XS_E_NO_SPACE;
	uint8_t *p = NULL;
	bool near = kind != XS_HOST_MEM_META && (inj.allocs & 1) == 0;
	size_t start = (arena_used + (size_t)align - 1) & ~((size_t)align - 1);
	if (near && align <= 4096 && start + size <= ARENA_SIZE) {
		p = arena + start;
		arena_used = start + (size_t)size;
		memset(p, 0, (size_t)size);
		allocs[nallocs].heap = NULL;
	} else {
		near = false;
		if (posix_memalign((void **)&p, align < 16 ? 16 : (size_t)align, size ? size : 1))
			return XS_E_NO_SPACE;
		memset(p, 0, (size_t)size);
		allocs[nallocs].heap = p;
	}
	allocs[nallocs].addr = (uint64_t)(uintptr_t)p;
	allocs[nallocs].size = size;
	allocs[nallocs].kind = kind;
	allocs[nallocs].in_arena = near;
	allocs[nallocs].sealed = false;
	nallocs++;
	*addr = (uint64_t)(uintptr_t)p;
	*w = p;
	return XS_OK;
}

static void h_free(void *ctx, enum xs_host_mem kind, uint64_t addr, uint64_t size)
{
	(void)ctx;
	int i = find_alloc(addr);
	XS_FUZZ_CHECK(i >= 0, "free of %#llx that was never allocated", (unsigned long long)addr);
	XS_FUZZ_CHECK(allocs[i].kind == kind && allocs[i].size == size,
		      "free of %#llx: kind %d size %llu, allocated as kind %d size %llu",
		      (unsigned long long)addr, (int)kind, (unsigned long long)size,
		      (int)allocs[i].kind, (unsigned long long)allocs[i].size);
	if (allocs[i].heap) {
		free(allocs[i].heap);
	} else {
		memset((void *)(uintptr_t)addr, 0xdd, (size_t)size); /* poison: later use shows */
	}
	allocs[i] = allocs[--nallocs];
}

static xs_status h_seal(void *ctx, enum xs_host_mem kind, uint64_t addr, uint64_t size,
			char *msg, size_t n)
{
	(void)ctx;
	int i = find_alloc(addr);
	XS_FUZZ_CHECK(i >= 0 && allocs[i].kind == kind && allocs[i].size == size,
		      "seal of %#llx (kind %d) that is not an allocation", (unsigned long long)addr,
		      (int)kind);
	XS_FUZZ_CHECK(kind != XS_HOST_MEM_META, "seal of META memory");
	XS_FUZZ_CHECK(!allocs[i].sealed, "sealed twice");
	if (++inj.seals == inj.seal_fail_at) {
		inj.did_host_fail = true;
		snprintf(msg, n, "injected seal failure");
		return XS_E_HOST;
	}
	allocs[i].sealed = true;
	return XS_OK;
}

/* Inside the text, or inside a live payload text allocation (a site in a payload export). */
static bool aliasable(uint64_t addr, uint64_t len)
{
	if (in_text(addr, len))
		return true;
	for (unsigned i = 0; i < nallocs; i++)
		if (allocs[i].kind == XS_HOST_MEM_TEXT && addr >= allocs[i].addr &&
		    len <= allocs[i].size && addr - allocs[i].addr <= allocs[i].size - len)
			return true;
	return false;
}

static xs_status h_map(void *ctx, uint64_t addr, size_t len, uint8_t **w, char *msg, size_t n)
{
	(void)ctx;
	XS_FUZZ_CHECK(len > 0 && len <= XS_TRAMP_MAX, "alias of %zu bytes", len);
	XS_FUZZ_CHECK(aliasable(addr, len), "alias of [%#llx,+%zu): not live text of the image or "
		      "of a loaded payload", (unsigned long long)addr, len);
	if (++inj.maps == inj.map_fail_at) {
		inj.did_host_fail = true;
		snprintf(msg, n, "injected alias failure");
		return XS_E_HOST;
	}
	inj.mapped++;
	*w = (uint8_t *)(uintptr_t)addr;
	return XS_OK;
}

static void h_unmap(void *ctx, uint64_t addr, size_t len, uint8_t *w)
{
	(void)ctx;
	XS_FUZZ_CHECK(w == (uint8_t *)(uintptr_t)addr && len > 0, "unmap of a wrong alias");
	inj.mapped--;
	XS_FUZZ_CHECK(inj.mapped >= 0, "more unmaps than maps");
}

static void h_sync(void *ctx, uint64_t addr, size_t len)
{
	(void)ctx, (void)addr, (void)len;
}

static bool in_rendezvous;

static xs_status h_rendezvous(void *ctx, xs_host_held_fn fn, void *arg, uint64_t timeout)
{
	(void)ctx, (void)timeout;
	XS_FUZZ_CHECK(!in_rendezvous, "nested rendezvous");
	if (inj.timeout) {
		inj.did_timeout = true;
		return XS_E_TIMEOUT;
	}
	in_rendezvous = true;
	xs_status s = fn(arg);
	in_rendezvous = false;
	XS_FUZZ_CHECK(inj.mapped == 0, "%d aliases still mapped at the end of the rendezvous",
		      inj.mapped);
	return s;
}

static xs_status h_in_ranges(void *ctx, const struct xs_host_range *r, uint32_t n,
			     struct xs_host_busy *who)
{
	(void)ctx;
	XS_FUZZ_CHECK(in_rendezvous, "thread_in_ranges outside the rendezvous");
	for (uint32_t i = 0; i < n; i++)
		XS_FUZZ_CHECK(r[i].start <= r[i].end, "range %u [%#llx, %#llx)", i,
			      (unsigned long long)r[i].start, (unsigned long long)r[i].end);
	if (inj.in_ranges_error) {
		inj.did_host_fail = true;
		return XS_E_HOST;
	}
	if (inj.busy && n) {
		inj.did_busy = true;
		who->range = (inj.busy - 1) % n;
		who->thread = 4242;
		who->pc = r[who->range].start;
		who->on_stack = inj.busy & 1;
		return XS_E_BUSY;
	}
	return XS_OK;
}

static xs_status h_section(void *ctx, bool add, const char *payload, const char *name,
			   uint64_t addr, uint64_t size)
{
	(void)ctx, (void)name, (void)size;
	int s = slot_by_name(payload);
	XS_FUZZ_CHECK(s >= 0, "section report for unknown payload %s", payload);
	XS_FUZZ_CHECK(addr != 0, "section report at address 0");
	if (add) {
		if (++inj.sections == inj.section_fail_at) {
			inj.did_host_fail = true;
			return XS_E_HOST;
		}
		section_balance[s]++;
	} else {
		section_balance[s]--;
		XS_FUZZ_CHECK(section_balance[s] >= 0, "section of %s withdrawn twice", payload);
	}
	return XS_OK;
}

/* ---- hooks (resolved by name through the host) ------------------------------------- */

int fz_pre_apply(void *p);
int fz_pre_apply(void *p)
{
	XS_FUZZ_CHECK(slot_of(p) >= 0, "pre-apply hook with a foreign handle");
	if (inj.veto_pre)
		inj.did_veto = true;
	return inj.veto_pre;
}
int fz_pre_revert(void *p);
int fz_pre_revert(void *p)
{
	XS_FUZZ_CHECK(slot_of(p) >= 0, "pre-revert hook with a foreign handle");
	if (inj.veto_pre)
		inj.did_veto = true;
	return inj.veto_pre;
}
void fz_post_apply(void *p);
void fz_post_apply(void *p)
{
	int s = slot_of(p);
	XS_FUZZ_CHECK(s >= 0, "post-apply hook with a foreign handle");
	post_apply[s]++;
}
void fz_post_revert(void *p);
void fz_post_revert(void *p)
{
	int s = slot_of(p);
	XS_FUZZ_CHECK(s >= 0, "post-revert hook with a foreign handle");
	post_revert[s]++;
}
void fz_load(void);
void fz_load(void)
{
	load_calls++;
}
void fz_unload(void);
void fz_unload(void)
{
	unload_calls++;
}
/*
 * Action hooks. They may veto only in their own direction (an apply hook of
 * a LOADED payload, a revert hook of an APPLIED one): when the core calls
 * one to undo a step of a failed replace, a veto could not be honoured by
 * anyone, and the harness would report a difference the core cannot avoid.
 */
int fz_act_apply(void *vp);
int fz_act_apply(void *vp)
{
	int s = slot_of(vp);
	XS_FUZZ_CHECK(s >= 0 && in_rendezvous, "apply action hook outside a rendezvous");
	if (recs[s].p.state == XS_PATCH_LOADED && inj.veto_action) {
		inj.did_veto = true;
		return 1;
	}
	text[MARK + s] = (uint8_t)(0xa0 + s);
	return 0;
}
int fz_act_revert(void *vp);
int fz_act_revert(void *vp)
{
	int s = slot_of(vp);
	XS_FUZZ_CHECK(s >= 0 && in_rendezvous, "revert action hook outside a rendezvous");
	if (recs[s].p.state == XS_PATCH_APPLIED && inj.veto_action) {
		inj.did_veto = true;
		return 1;
	}
	text[MARK + s] = pristine[MARK + s];
	return 0;
}

static xs_status h_resolve(void *ctx, const char *name, uint64_t *v)
{
	(void)ctx;
	static const struct {
		const char *n;
		void *f;
	} tbl[] = {{"fz_pre_apply", (void *)fz_pre_apply},
		   {"fz_pre_revert", (void *)fz_pre_revert},
		   {"fz_post_apply", (void *)fz_post_apply},
		   {"fz_post_revert", (void *)fz_post_revert},
		   {"fz_load", (void *)fz_load},
		   {"fz_unload", (void *)fz_unload},
		   {"fz_act_apply", (void *)fz_act_apply},
		   {"fz_act_revert", (void *)fz_act_revert}};
	for (size_t i = 0; i < sizeof(tbl) / sizeof(tbl[0]); i++)
		if (strcmp(name, tbl[i].n) == 0) {
			*v = (uint64_t)(uintptr_t)tbl[i].f;
			return XS_OK;
		}
	return XS_E_NOT_FOUND;
}

static struct xs_host host = {
	.alloc = h_alloc,
	.free = h_free,
	.seal = h_seal,
	.map_alias = h_map,
	.unmap_alias = h_unmap,
	.sync_icache = h_sync,
	.rendezvous = h_rendezvous,
	.thread_in_ranges = h_in_ranges,
	.resolve = h_resolve,
	.section = h_section,
};

/* ---- the fake image ---------------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void build_image(struct xs_fuzz_in *in)
{
	bool a64 = machine == XS_EM_AARCH64;
	/* Not filler, not an entry instruction: a rex prefix / an ADD word. */
	memset(text, 0x41, sizeof(text));
	size_t sz = xs_symtab_size(64, 0);
	XS_FUZZ_CHECK(sz <= sizeof(tab_mem), "symtab needs %zu", sz);
	XS_FUZZ_CHECK(xs_symtab_init(&tab, tab_mem, sz, 64, 0) == XS_OK, "symtab init");
	static const char *const fn[NF] = {"f0", "f1", "f2", "f3", "f4", "f5"};
	static const char *const gn[NF] = {"g0", "g1", "g2", "g3", "g4", "g5"};
	for (int i = 0; i < NF; i++) {
		uint8_t b0 = (uint8_t)xs_fuzz_take(in, 1), b1 = (uint8_t)xs_fuzz_take(in, 1);
		uint64_t off = 0x100 + 0x80 * (uint64_t)i;
		uint64_t size = 1 + b0 % 48;
		if (a64)
			size = (size + 3) & ~(uint64_t)3;
		uint8_t *f = text + off;
		for (uint64_t k = 0; k < size; k++)
			f[k] = (uint8_t)(0x40 + 3 * k + (uint64_t)i);
		if (a64)
			for (uint64_t k = 0; k < size; k += 4)
				put32(f + k, 0x8b000000u | (uint32_t)(k + (uint64_t)i)); /* add */
		switch ((b0 >> 6) & 3) {
		case 1:
			if (size >= 4) {
				if (a64)
					put32(f, 0xd503201fu | (32u + 2u * (b1 & 3)) << 5); /* bti */
				else
					memcpy(f, "\xf3\x0f\x1e\xfa", 4);
			}
			break;
		case 2:
			if (size >= 4 && a64)
				put32(f, (b1 & 1) ? 0xd503237fu : 0xd503233fu); /* pacibsp / paciasp */
			break;
		default:
			break;
		}
		/* Filler after the function, then maybe the next symbol. */
		uint64_t pad = (b1 >> 2) % 25;
		if (a64)
			pad &= ~(uint64_t)3;
		for (uint64_t k = 0; k < pad; k += a64 ? 4 : 1) {
			if (a64)
				put32(f + size + k, (b1 & 0x80) ? 0xd503201fu : 0);
			else
				f[size + k] = (b1 & 0x80) ? 0xcc : 0x90;
		}
		struct xs_sym s = {.name = fn[i],
				   .value = (uint64_t)(uintptr_t)f,
				   .size = size,
				   .shndx = 1,
				   .type = 2 /* STT_FUNC */,
				   .bind = 1 /* STB_GLOBAL */,
				   .flags = XS_SYM_EXEC};
		XS_FUZZ_CHECK(xs_symtab_add(&tab, &s, 0, NULL) == XS_OK, "symtab add");
		if (b1 & 0x40) {
			uint64_t at = size + pad - (uint64_t)((b1 & 2) && pad ? (a64 ? 4 : 1) : 0);
			struct xs_sym g = s;
			g.name = gn[i];
			g.value = (uint64_t)(uintptr_t)f + at;
			g.size = 4;
			XS_FUZZ_CHECK(xs_symtab_add(&tab, &g, 0, NULL) == XS_OK, "symtab add");
		}
	}
	XS_FUZZ_CHECK(xs_symtab_finish(&tab) == XS_OK, "symtab finish");
	memcpy(pristine, text, sizeof(text));
}

/* ---- payloads ------------------------------------------------------------------------ */

static uint32_t note(struct eb *b, const char *sec, const uint8_t *id)
{
	uint8_t n[12 + 4 + 20];
	uint32_t h[3] = {4, 20, 3};
	memcpy(n, h, 12);
	memcpy(n + 12, "GNU", 4);
	memcpy(n + 16, id, 20);
	return eb_section(b, sec, XS_SHT_NOTE, XS_SHF_ALLOC, n, sizeof(n), 4);
}

static uint32_t r_abs64(void)
{
	return machine == XS_EM_AARCH64 ? 257u : 1u;
}

static void hook(struct eb *b, const char *sec, const char *fn)
{
	uint32_t s = eb_section(b, sec, XS_SHT_PROGBITS, XS_SHF_ALLOC | XS_SHF_WRITE, NULL, 8, 8);
	uint32_t y = eb_symbol(b, fn, XS_STB_GLOBAL, 0 /* NOTYPE */, EB_UNDEF, 0, 0);
	eb_rela(b, s, 0, y, r_abs64(), 0);
}

static void payload_id(int slot, uint8_t id[20])
{
	memset(id, 0xa0 + slot, 20);
}

static void read_spec(struct xs_fuzz_in *in, struct spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	uint8_t b0 = (uint8_t)xs_fuzz_take(in, 1), b1 = (uint8_t)xs_fuzz_take(in, 1);
	sp->nfuncs = b0 % 4;
	sp->host_dep = (b0 >> 2) % 3; /* 0, 1, 2 */
	if ((b0 >> 4) & 1)
		sp->host_dep = 1;
	sp->depends = (b0 >> 5) % 5;
	sp->own_id = b1 & 1;
	sp->hooks = b1 & 2;
	sp->action = (b1 & 0x0c) == 0x0c;
	sp->extra_section = b1 & 0x10;
	sp->shared_export = (b1 & 0x60) == 0x60;
	sp->any_host = b1 & 0x80;
	for (uint32_t i = 0; i < 3; i++) {
		uint8_t c = (uint8_t)xs_fuzz_take(in, 1), e = (uint8_t)xs_fuzz_take(in, 1);
		sp->name[i] = (uint8_t)(c % 16 < NF * 2 ? (c % 16) / 2 : NF + (c % 16 - NF * 2) % 4);
		sp->nop[i] = (c & 0x30) == 0x30 ? (uint8_t)(1 + e % 12) : 0;
		if (machine == XS_EM_AARCH64 && sp->nop[i])
			sp->nop[i] = (uint8_t)((sp->nop[i] + 3) & ~3);
		sp->expect[i] = (c >> 6) % 3;
		sp->old_size[i] = (e & 0x80) ? (uint8_t)((e >> 4) & 7) * 3 : 0;
		sp->new_entry[i] = e & 3;
	}
}

static uint8_t *build(int slot, const struct spec *sp, size_t *size)
{
	bool a64 = machine == XS_EM_AARCH64;
	struct eb *b = eb_new(machine);
	uint8_t code[32 * 4];
	memset(code, a64 ? 0 : 0x90, sizeof(code));
	for (uint32_t i = 0; i < 4; i++) {
		for (uint32_t k = 0; k < 32 && a64; k += 4)
			put32(code + 32 * i + k, 0xd503201fu);
		if (a64 && i < 3) {
			static const uint32_t first[4] = {0xd503201fu, 0xd503233fu, 0xd503237fu,
							  0xd503245fu};
			put32(code + 32 * i, first[sp->new_entry[i]]);
		}
	}
	uint32_t tx = eb_section(b, ".text", XS_SHT_PROGBITS, XS_SHF_ALLOC | XS_SHF_EXECINSTR,
				 code, sizeof(code), 16);
	static const char *const names[] = {"f0", "f1", "f2", "f3", "f4", "f5",
					    "nosuch", "px0", "px1", "px2"};
	char strs[128];
	size_t off[3], len = 0;
	for (uint32_t i = 0; i < sp->nfuncs; i++) {
		off[i] = len;
		len += (size_t)snprintf(strs + len, sizeof(strs) - len, "%s", names[sp->name[i]]) + 1;
	}
	uint32_t ro = eb_section(b, ".rodata.str", XS_SHT_PROGBITS, XS_SHF_ALLOC, strs,
				 len ? len : 1, 1);
	uint8_t funcs[3 * 104];
	memset(funcs, 0, sizeof(funcs));
	for (uint32_t i = 0; i < sp->nfuncs; i++) {
		uint8_t *e = funcs + 104 * i;
		e[0x20] = 2;
		uint32_t ns = sp->nop[i], os = sp->old_size[i];
		if (ns)
			memcpy(e + 0x18, &ns, 4);
		memcpy(e + 0x1c, &os, 4);
		if (sp->expect[i]) {
			/* The host bytes after the entry instruction, as the image has them. */
			uint32_t k = sp->name[i] < NF ? sp->name[i] : 0;
			const uint8_t *site = pristine + 0x100 + 0x80 * k;
			unsigned skip = xs_tramp_entry_size(xs_tramp_entry(machine, site, 4));
			e[0x48] = 1 | (4 << 1);
			memcpy(e + 0x49, site + skip, 4);
			if (sp->expect[i] == 2)
				e[0x4a] ^= 0x5a;
		}
	}
	uint32_t fs = eb_section(b, ".livepatch.funcs", XS_SHT_PROGBITS, XS_SHF_ALLOC | XS_SHF_WRITE,
				 funcs, 104 * sp->nfuncs, 8);
	uint32_t sym_tx = eb_symbol(b, "", XS_STB_LOCAL, 3 /* SECTION */, tx, 0, 0);
	uint32_t sym_ro = eb_symbol(b, "", XS_STB_LOCAL, 3, ro, 0, 0);
	for (uint32_t i = 0; i < sp->nfuncs; i++) {
		char n[16];
		snprintf(n, sizeof(n), "new_%u", i);
		eb_symbol(b, n, XS_STB_LOCAL, 2 /* FUNC */, tx, 32 * i, 16);
		eb_rela(b, fs, 104 * i + 0, sym_ro, r_abs64(), (int64_t)off[i]);
		if (!sp->nop[i])
			eb_rela(b, fs, 104 * i + 8, sym_tx, r_abs64(), 32 * i);
	}
	/* A global the payload exports (a function later payloads may replace). */
	char ex[8];
	snprintf(ex, sizeof(ex), sp->shared_export ? "pxs" : "px%d", slot);
	eb_symbol(b, ex, XS_STB_GLOBAL, 2, tx, 32 * 3, 24);
	uint8_t other[20], id[20];
	memset(other, 0x77, sizeof(other));
	if (sp->host_dep)
		note(b, ".livepatch.xen_depends", sp->host_dep == 1 ? host_id : other);
	if (sp->depends == 1)
		note(b, ".livepatch.depends", host_id);
	else if (sp->depends >= 2) {
		payload_id(sp->depends - 2, id);
		note(b, ".livepatch.depends", id);
	}
	if (sp->own_id) {
		payload_id(slot, id);
		note(b, ".note.gnu.build-id", id);
	}
	if (sp->hooks) {
		hook(b, ".livepatch.hooks.preapply", "fz_pre_apply");
		hook(b, ".livepatch.hooks.postapply", "fz_post_apply");
		hook(b, ".livepatch.hooks.prerevert", "fz_pre_revert");
		hook(b, ".livepatch.hooks.postrevert", "fz_post_revert");
		hook(b, ".livepatch.hooks.load", "fz_load");
		hook(b, ".livepatch.hooks.unload", "fz_unload");
	}
	if (sp->action) {
		hook(b, ".livepatch.hooks.apply", "fz_act_apply");
		hook(b, ".livepatch.hooks.revert", "fz_act_revert");
	}
	if (sp->extra_section) {
		eb_section(b, ".fixup", XS_SHT_PROGBITS, XS_SHF_ALLOC | XS_SHF_EXECINSTR, code, 16, 4);
		eb_section(b, ".ex_table", XS_SHT_PROGBITS, XS_SHF_ALLOC, code, 16, 8);
	}
	uint8_t *obj = eb_build(b, size);
	eb_free(b);
	return obj;
}

/* ---- the checks --------------------------------------------------------------------- */

static void check_states(const char *after)
{
	unsigned nloaded = 0;
	for (int i = 0; i < NP; i++) {
		XS_FUZZ_CHECK(recs[i].model == XS_PATCH_NONE || recs[i].p.state == recs[i].model,
			      "after %s: %s is %s, model says %s", after, recs[i].name,
			      xs_patch_state_name(recs[i].p.state),
			      xs_patch_state_name(recs[i].model));
		if (recs[i].model != XS_PATCH_NONE) {
			nloaded++;
			XS_FUZZ_CHECK(xs_patch_find(&mgr, recs[i].name) == &recs[i].p,
				      "after %s: %s not found", after, recs[i].name);
		} else {
			XS_FUZZ_CHECK(xs_patch_find(&mgr, recs[i].name) == NULL,
				      "after %s: %s found but not loaded", after, recs[i].name);
		}
	}
	unsigned n = 0;
	for (struct xs_patch *q = xs_patch_first(&mgr); q; q = xs_patch_next(q)) {
		XS_FUZZ_CHECK(slot_of(q) >= 0 && n < NP, "after %s: foreign list entry", after);
		n++;
	}
	XS_FUZZ_CHECK(n == nloaded, "after %s: %u in the list, model has %u", after, n, nloaded);
}

/* The trampolines of an applied (non-action) payload are in the text. */
static void check_written(int s)
{
	const struct xs_patch *p = &recs[s].p;
	if (recs[s].sp.action)
		return;
	for (uint32_t i = 0; i < p->nfuncs; i++) {
		const struct xs_tramp_plan *pl = &p->funcs[i].plan;
		XS_FUZZ_CHECK(pl->len > 0 && pl->len <= XS_TRAMP_MAX, "%s function %u: %u bytes",
			      recs[s].name, i, pl->len);
		XS_FUZZ_CHECK(memcmp((const void *)(uintptr_t)pl->patch_point, pl->insn, pl->len) ==
				      0,
			      "%s function %u: the trampoline is not in the text", recs[s].name, i);
		if (pl->form != XS_TRAMP_NOP)
			XS_FUZZ_CHECK(pl->target == p->funcs[i].new_addr ||
					      pl->target == p->funcs[i].new_addr + 4,
				      "%s function %u: jump to %#llx, new code at %#llx", recs[s].name,
				      i, (unsigned long long)pl->target,
				      (unsigned long long)p->funcs[i].new_addr);
	}
}

static void check_diag(const struct xs_diag *d, xs_status st, const char *op)
{
	XS_FUZZ_CHECK(st > XS_OK && st < XS_STATUS_COUNT, "%s: status %d", op, (int)st);
	XS_FUZZ_CHECK(d->status == st, "%s returned %s, diagnostic says %s", op, xs_status_name(st),
		      xs_status_name(d->status));
	XS_FUZZ_CHECK(memchr(d->msg, 0, sizeof(d->msg)) != NULL && d->msg[0], "%s: diag message",
		      op);
}

static const char *const op_names[] = {"load", "apply", "revert", "replace", "unload"};

/* ---- one operation ------------------------------------------------------------------------ */

static bool model_allows(int op, int s)
{
	switch (op) {
	case 0:
		return recs[s].model == XS_PATCH_NONE;
	case 1:
	case 3:
		return recs[s].model == XS_PATCH_LOADED;
	case 2:
		return recs[s].model == XS_PATCH_APPLIED && model_napplied &&
		       model_stack[model_napplied - 1] == s;
	default:
		return recs[s].model == XS_PATCH_LOADED;
	}
}

static xs_status do_op(int op, int s, struct xs_diag *d)
{
	struct rec *r = &recs[s];
	switch (op) {
	case 0:
		return xs_patch_load(&mgr, &r->p, r->name, r->elf, r->size,
				     r->sp.any_host ? XS_PATCH_ANY_HOST : 0, d);
	case 1:
		return xs_patch_apply(&mgr, &r->p, d);
	case 2:
		return xs_patch_revert(&mgr, &r->p, d);
	case 3:
		return xs_patch_replace(&mgr, &r->p, d);
	default:
		return xs_patch_unload(&mgr, &r->p, d);
	}
}

/*
 * A payload that another loaded payload depends on must not be unloaded:
 * the other has a site (old function) inside its memory, or was linked
 * against its exports. xs_patch_unload refuses both (found by this target:
 * corpus/patch/regress-unload-under-foreign-site).
 */
static bool owns(const struct xs_patch *p, uint64_t a)
{
	for (int k = 0; k < XS_HOST_MEM_COUNT; k++)
		if (k != XS_HOST_MEM_META && p->mem_size[k] && a >= p->mem_addr[k] &&
		    a - p->mem_addr[k] < p->mem_size[k])
			return true;
	return false;
}

static int dependent(int s)
{
	const struct xs_patch *p = &recs[s].p;
	for (int q = 0; q < NP; q++) {
		if (q == s || recs[q].model == XS_PATCH_NONE)
			continue;
		for (uint32_t i = 0; i < recs[q].p.nfuncs; i++)
			if (owns(p, recs[q].p.funcs[i].old_addr))
				return q;
		for (int k = XS_HOST_MEM_TEXT; k <= XS_HOST_MEM_DATA; k++)
			if (p->mem_size[k] &&
			    xs_link_uses_range(&recs[q].p.link, p->mem_addr[k],
					       p->mem_addr[k] + p->mem_size[k]))
				return q;
	}
	return -1;
}

static void run_op(int op, int s, bool verbose)
{
	static uint8_t before[TEXT_SIZE];
	if (op == 4 && recs[s].model == XS_PATCH_LOADED && dependent(s) >= 0) {
		struct xs_diag d;
		int q = dependent(s);
		memcpy(before, text, sizeof(text));
		xs_status st = xs_patch_unload(&mgr, &recs[s].p, &d);
		XS_FUZZ_CHECK(st == XS_E_STATE, "unload of %s returned %s while %s depends on it",
			      recs[s].name, xs_status_name(st), recs[q].name);
		XS_FUZZ_CHECK(memcmp(before, text, sizeof(text)) == 0, "refused unload changed text");
		check_diag(&d, st, "unload");
		check_states("unload");
		return;
	}
	memcpy(before, text, sizeof(text));
	unsigned allocs_before = nallocs;
	unsigned pa[NP], pr[NP], lc = load_calls, uc = unload_calls;
	memcpy(pa, post_apply, sizeof(pa));
	memcpy(pr, post_revert, sizeof(pr));
	int bal_before = section_balance[s];
	bool allowed = model_allows(op, s);

	struct xs_diag d;
	memset(&d, 0x5a, sizeof(d));
	xs_status st = do_op(op, s, &d);
	if (verbose)
		fprintf(stderr, "%s %s: %s%s%s\n", op_names[op], recs[s].name, xs_status_name(st),
			st ? ": " : "", st ? d.msg : "");
	if (!allowed)
		XS_FUZZ_CHECK(st == XS_E_STATE, "%s %s (model: %s) returned %s, not STATE",
			      op_names[op], recs[s].name, xs_patch_state_name(recs[s].model),
			      xs_status_name(st));
	else
		XS_FUZZ_CHECK(st != XS_E_STATE, "%s %s (model: %s) refused: %s", op_names[op],
			      recs[s].name, xs_patch_state_name(recs[s].model), d.msg);
	XS_FUZZ_CHECK(inj.mapped == 0, "%s: aliases left mapped", op_names[op]);

	if (st != XS_OK) {
		check_diag(&d, st, op_names[op]);
		XS_FUZZ_CHECK(st != XS_E_TIMEOUT || inj.did_timeout, "%s: TIMEOUT but none happened",
			      op_names[op]);
		XS_FUZZ_CHECK(st != XS_E_BUSY || inj.did_busy, "%s: BUSY but no thread was",
			      op_names[op]);
		XS_FUZZ_CHECK(st != XS_E_VETO || inj.did_veto, "%s: VETO but no hook vetoed",
			      op_names[op]);
		XS_FUZZ_CHECK(st != XS_E_HOST || inj.did_host_fail, "%s: HOST but the host did not "
			      "fail: %s", op_names[op], d.msg);
		for (size_t i = 0; memcmp(text, before, sizeof(text)) && i < sizeof(text); i++)
			XS_FUZZ_CHECK(text[i] == before[i],
				      "%s %s failed (%s) but text byte %#zx changed %#x -> %#x",
				      op_names[op], recs[s].name, xs_status_name(st), i, before[i],
				      text[i]);
		XS_FUZZ_CHECK(nallocs == allocs_before, "%s %s failed (%s): %u allocations, %u before",
			      op_names[op], recs[s].name, xs_status_name(st), nallocs,
			      allocs_before);
		XS_FUZZ_CHECK(section_balance[s] == bal_before, "%s failed: section reports changed",
			      op_names[op]);
		XS_FUZZ_CHECK(!memcmp(pa, post_apply, sizeof(pa)) &&
				      !memcmp(pr, post_revert, sizeof(pr)) && uc == unload_calls &&
				      lc == load_calls,
			      "%s failed but post/load/unload hooks ran", op_names[op]);
		check_states(op_names[op]);
		return;
	}

	/* Success: move the model. */
	switch (op) {
	case 0:
		recs[s].model = XS_PATCH_LOADED;
		XS_FUZZ_CHECK(load_calls == lc + (recs[s].sp.hooks ? 1 : 0), "load hooks");
		XS_FUZZ_CHECK(!memcmp(before, text, sizeof(text)), "load changed the text");
		break;
	case 1:
		recs[s].model = XS_PATCH_APPLIED;
		model_stack[model_napplied++] = s;
		XS_FUZZ_CHECK(post_apply[s] == pa[s] + (recs[s].sp.hooks ? 1 : 0), "post-apply hook");
		check_written(s);
		break;
	case 2:
		recs[s].model = XS_PATCH_LOADED;
		model_napplied--;
		XS_FUZZ_CHECK(post_revert[s] == pr[s] + (recs[s].sp.hooks ? 1 : 0),
			      "post-revert hook");
		break;
	case 3:
		for (unsigned k = 0; k < model_napplied; k++) {
			int q = model_stack[k];
			recs[q].model = XS_PATCH_LOADED;
			XS_FUZZ_CHECK(post_revert[q] == pr[q] + (recs[q].sp.hooks ? 1 : 0),
				      "replace: post-revert hook of %s", recs[q].name);
		}
		model_napplied = 0;
		recs[s].model = XS_PATCH_APPLIED;
		model_stack[model_napplied++] = s;
		XS_FUZZ_CHECK(post_apply[s] == pa[s] + (recs[s].sp.hooks ? 1 : 0),
			      "replace: post-apply hook");
		check_written(s);
		break;
	default:
		recs[s].model = XS_PATCH_NONE;
		XS_FUZZ_CHECK(unload_calls == uc + (recs[s].sp.hooks ? 1 : 0), "unload hooks");
		XS_FUZZ_CHECK(section_balance[s] == 0, "unload left %d section reports",
			      section_balance[s]);
		XS_FUZZ_CHECK(!memcmp(before, text, sizeof(text)), "unload changed the text");
		break;
	}
	check_states(op_names[op]);
}

static void clear_inj(void)
{
	memset(&inj, 0, sizeof(inj));
}

int xs_fuzz_one(const uint8_t *data, size_t size)
{
	static int verbose = -1;
	if (verbose < 0)
		verbose = getenv("XS_FUZZ_VERBOSE") != NULL;
	struct xs_fuzz_in in = {data, size};
	machine = (xs_fuzz_take(&in, 1) & 1) ? XS_EM_AARCH64 : XS_EM_X86_64;
	host.machine = machine;
	arena_used = 0;
	nallocs = 0;
	load_calls = unload_calls = 0;
	memset(post_apply, 0, sizeof(post_apply));
	memset(post_revert, 0, sizeof(post_revert));
	memset(section_balance, 0, sizeof(section_balance));
	model_napplied = 0;
	clear_inj();
	build_image(&in);
	XS_FUZZ_CHECK(xs_patch_mgr_init(&mgr, &host, &tab, host_id, sizeof(host_id)) == XS_OK,
		      "mgr init");
	for (int i = 0; i < NP; i++) {
		memset(&recs[i].p, 0, sizeof(recs[i].p));
		recs[i].name[0] = 'p', recs[i].name[1] = (char)('0' + i), recs[i].name[2] = 0;
		read_spec(&in, &recs[i].sp);
		recs[i].elf = build(i, &recs[i].sp, &recs[i].size);
		recs[i].model = XS_PATCH_NONE;
	}

	for (unsigned k = 0; k < MAX_OPS && in.left; k++) {
		uint8_t b0 = (uint8_t)xs_fuzz_take(&in, 1), b1 = (uint8_t)xs_fuzz_take(&in, 1);
		uint8_t b2 = (uint8_t)xs_fuzz_take(&in, 1), b3 = (uint8_t)xs_fuzz_take(&in, 1);
		int op = (b0 & 7) % 5, s = (b0 >> 3) % NP;
		clear_inj();
		/* b1: which host step fails (mostly none). */
		switch (b1 & 15) {
		case 1:
			inj.alloc_fail_at = 1 + (b2 & 7);
			break;
		case 2:
			inj.seal_fail_at = 1 + (b2 & 3);
			break;
		case 3:
			inj.section_fail_at = 1 + (b2 & 1);
			break;
		case 4:
			inj.map_fail_at = 1 + (b2 & 7);
			break;
		case 5:
			inj.timeout = true;
			break;
		case 6:
			inj.busy = 1 + (b2 & 15);
			break;
		case 7:
			inj.in_ranges_error = true;
			break;
		case 8:
			xs_patch_set_fault(&mgr, XS_PATCH_FAULT_PLAN, b2 & 7);
			break;
		case 9:
			xs_patch_set_fault(&mgr, XS_PATCH_FAULT_WRITE, b2 & 7);
			break;
		default:
			break;
		}
		inj.veto_pre = (b3 & 7) == 1;
		inj.veto_action = (b3 & 0x30) == 0x10;
		enum xs_patch_fault f = mgr.fault;
		run_op(op, s, verbose);
		/* An injected core fault that did not fire must not linger into the next op. */
		if (f != XS_PATCH_FAULT_NONE)
			xs_patch_set_fault(&mgr, XS_PATCH_FAULT_NONE, 0);
		(void)f;
	}

	/* Tear down with nothing injected: everything must come back. */
	clear_inj();
	while (model_napplied) {
		int s = model_stack[model_napplied - 1];
		run_op(2, s, verbose);
		XS_FUZZ_CHECK(recs[s].model == XS_PATCH_LOADED, "final revert of %s failed",
			      recs[s].name);
	}
	XS_FUZZ_CHECK(memcmp(text, pristine, sizeof(text)) == 0,
		      "after reverting everything the text differs from the original");
	/* Dependents first: a payload that depends on another goes before it. */
	for (int round = 0; round < NP; round++)
		for (int i = 0; i < NP; i++)
			if (recs[i].model == XS_PATCH_LOADED && dependent(i) < 0) {
				run_op(4, i, verbose);
				XS_FUZZ_CHECK(recs[i].model == XS_PATCH_NONE,
					      "final unload of %s failed", recs[i].name);
			}
	XS_FUZZ_CHECK(nallocs == 0, "%u host allocations never given back", nallocs);
	for (int i = 0; i < NP; i++) {
		XS_FUZZ_CHECK(section_balance[i] == 0, "%s: section reports not withdrawn",
			      recs[i].name);
		free(recs[i].elf);
		recs[i].elf = NULL;
	}
	XS_FUZZ_CHECK(xs_patch_first(&mgr) == NULL, "payloads left loaded");
	static const char *const ex[] = {"px0", "px1", "px2", "pxs"};
	for (unsigned i = 0; i < 4; i++) {
		uint32_t k;
		XS_FUZZ_CHECK(xs_symtab_lookup(&tab, ex[i], 0, &k, NULL) == XS_E_NOT_FOUND,
			      "export %s left in the symbol table", ex[i]);
	}
	XS_FUZZ_CHECK(memcmp(text, pristine, sizeof(text)) == 0, "text differs at the end");
	return 0;
}
