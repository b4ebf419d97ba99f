/* SPDX-License-Identifier: MIT */
/*
 * The lifecycle state machine (libxsplice/patch*.c) against a fake host:
 * "live text" is a buffer of this test with fake functions, the payloads
 * are built in memory (elfbuild), their hooks are functions of this test
 * (undefined symbols the fake host resolves). Every failure - each
 * function, each hook, the alias, the rendezvous timeout, a busy thread -
 * must leave the buffer byte-identical to before.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xsplice/patch.h>

#include "elfbuild.h"
#include "xs_elf.h"

#if defined(__aarch64__)
#define MACHINE XS_EM_AARCH64
#define R_ABS64 257u
#define FILLER 0x00 /* udf #0 words */
#else
#define MACHINE XS_EM_X86_64
#define R_ABS64 1u
#define FILLER 0xcc
#endif

/* ---- the fake live image ----------------------------------------------------- */

#define NF 3
static _Alignas(4096) uint8_t text[4096];
static uint8_t pristine[sizeof(text)];
static const char *const fnames[NF + 1] = {"f0", "f1", "f2", "tiny"};
static const uint64_t foff[NF + 1] = {0x100, 0x200, 0x300, 0x400};
static const uint64_t fsize[NF + 1] = {24, 24, 24, 2};
static const uint8_t host_id[20] = {0x2b, 0xb4, 0x83, 0x23, 0xee, 0x68, 0x67, 0xc1, 0xed, 0x48,
				    0x2b, 0x4c, 0x62, 0x3a, 0x2f, 0x47, 0x13, 0xc2, 0x58, 0xf5};

static struct xs_symtab tab;
static void *tab_mem;

/* ---- fake host ---------------------------------------------------------------- */

static struct {
	int map_calls, map_fail_at; /* fail the Nth map_alias of an operation (1-based), 0 never */
	int mapped;                 /* aliases currently mapped */
	bool timeout;
	uint64_t busy_pc;           /* a "held thread" at this pc, 0 none */
	int rendezvous;
	int syncs;
	int allocs;
} fh;

static xs_status h_alloc(void *ctx, enum xs_host_mem kind, uint64_t size, uint64_t align,
			 uint64_t *addr, uint8_t **w, char *msg, size_t n)
{
	(void)ctx, (void)kind, (void)msg, (void)n;
	void *p = NULL;
	if (posix_memalign(&p, align < 16 ? 16 : align, size ? size : 1))
		return XS_E_HOST;
	memset(p, 0, size);
	*addr = (uint64_t)(uintptr_t)p;
	*w = p;
	fh.allocs++;
	return XS_OK;
}
static void h_free(void *ctx, enum xs_host_mem kind, uint64_t addr, uint64_t size)
{
	(void)ctx, (void)kind, (void)size;
	free((void *)(uintptr_t)addr);
	fh.allocs--;
}
static xs_status h_seal(void *ctx, enum xs_host_mem kind, uint64_t addr, uint64_t size,
			char *msg, size_t n)
{
	(void)ctx, (void)kind, (void)addr, (void)size, (void)msg, (void)n;
	return XS_OK;
}
static xs_status h_map(void *ctx, uint64_t addr, size_t len, uint8_t **w, char *msg, size_t n)
{
	(void)ctx;
	assert_true(addr >= (uint64_t)(uintptr_t)text &&
		    addr + len <= (uint64_t)(uintptr_t)text + sizeof(text));
	if (++fh.map_calls == fh.map_fail_at) {
		snprintf(msg, n, "injected alias failure");
		return XS_E_HOST;
	}
	fh.mapped++;
	*w = (uint8_t *)(uintptr_t)addr;
	return XS_OK;
}
static void h_unmap(void *ctx, uint64_t addr, size_t len, uint8_t *w)
{
	(void)ctx, (void)addr, (void)len, (void)w;
	fh.mapped--;
}
static void h_sync(void *ctx, uint64_t addr, size_t len)
{
	(void)ctx, (void)addr, (void)len;
	fh.syncs++;
}
static xs_status h_rendezvous(void *ctx, xs_host_held_fn fn, void *arg, uint64_t timeout)
{
	(void)ctx, (void)timeout;
	fh.rendezvous++;
	fh.map_calls = 0;
	if (fh.timeout)
		return XS_E_TIMEOUT;
	xs_status s = fn(arg);
	assert_int_equal(fh.mapped, 0); /* every alias dropped before release */
	return s;
}
static xs_status h_in_ranges(void *ctx, const struct xs_host_range *r, uint32_t n,
			     struct xs_host_busy *who)
{
	(void)ctx;
	for (uint32_t i = 0; i < n && fh.busy_pc; i++)
		if (fh.busy_pc >= r[i].start && fh.busy_pc < r[i].end &&
		    !((r[i].flags & XS_HOST_RANGE_ENTRY_OK) && fh.busy_pc == r[i].start)) {
			who->range = i;
			who->thread = 4242;
			who->pc = fh.busy_pc;
			return XS_E_BUSY;
		}
	return XS_OK;
}

/* Hooks: payload pointers relocated against these (undefined in the payload). */
static int veto_apply, veto_revert, calls_post_apply, calls_post_revert, calls_load,
	calls_unload, fail_action;
int t_pre_apply(void *p);
int t_pre_apply(void *p)
{
	(void)p;
	return veto_apply;
}
int t_pre_revert(void *p);
int t_pre_revert(void *p)
{
	(void)p;
	return veto_revert;
}
void t_post_apply(void *p);
void t_post_apply(void *p)
{
	(void)p;
	calls_post_apply++;
}
void t_post_revert(void *p);
void t_post_revert(void *p)
{
	(void)p;
	calls_post_revert++;
}
void t_load(void);
void t_load(void)
{
	calls_load++;
}
void t_unload(void);
void t_unload(void)
{
	calls_unload++;
}
/* Custom apply/revert action hooks: write a marker byte into the fake text directly. */
int t_action_apply(void *p);
int t_action_apply(void *p)
{
	(void)p;
	if (fail_action)
		return 1;
	text[0x10] = 0xaa;
	return 0;
}
int t_action_revert(void *p);
int t_action_revert(void *p)
{
	(void)p;
	text[0x10] = FILLER;
	return 0;
}

static xs_status h_resolve(void *ctx, const char *name, uint64_t *v)
{
	(void)ctx;
	static const struct {
		const char *n;
		void *f;
	} tbl[] = {{"t_pre_apply", (void *)t_pre_apply},   {"t_pre_revert", (void *)t_pre_revert},
		   {"t_post_apply", (void *)t_post_apply}, {"t_post_revert", (void *)t_post_revert},
		   {"t_load", (void *)t_load},             {"t_unload", (void *)t_unload},
		   {"t_action_apply", (void *)t_action_apply},
		   {"t_action_revert", (void *)t_action_revert}};
	for (size_t i = 0; i < sizeof(tbl) / sizeof(tbl[0]); i++)
		if (strcmp(name, tbl[i].n) == 0) {
			*v = (uint64_t)(uintptr_t)tbl[i].f;
			return XS_OK;
		}
	return XS_E_NOT_FOUND;
}

static struct xs_host host = {
	.machine = MACHINE,
	.alloc = h_alloc,
	.free = h_free,
	.seal = h_seal,
	.map_alias = h_map,
	.unmap_alias = h_unmap,
	.sync_icache = h_sync,
	.rendezvous = h_rendezvous,
	.thread_in_ranges = h_in_ranges,
	.resolve = h_resolve,
};

static struct xs_patch_mgr mgr;

/* ---- payloads built in memory ------------------------------------------------- */

struct spec {
	uint32_t nfuncs;
	const char *names[4];
	int host_dep;           /* 0 none, 1 this host, 2 another host */
	const uint8_t *depends; /* 20 bytes or NULL */
	uint8_t own_id;         /* non-zero: .note.gnu.build-id of 20 bytes of this value */
	bool hooks;             /* pre/post apply/revert + load/unload */
	bool action;            /* apply/revert action hooks */
	int expect_bad;         /* function index + 1 whose expect bytes are wrong */
	uint32_t nop_len;       /* function 0 is a NOP patch of this many bytes */
};

static uint32_t note(struct eb *b, const char *sec, const uint8_t *id)
{
	uint8_t n[12 + 4 + 20];
	uint32_t h[3] = {4, 20, 3};
	memcpy(n, h, 12);
	memcpy(n + 12, "GNU", 4);
	memcpy(n + 16, id, 20);
	return eb_section(b, sec, XS_SHT_NOTE, XS_SHF_ALLOC, n, sizeof(n), 4);
}

static void hook(struct eb *b, const char *sec, const char *fn)
{
	uint32_t s = eb_section(b, sec, XS_SHT_PROGBITS, XS_SHF_ALLOC | XS_SHF_WRITE, NULL, 8, 8);
	uint32_t y = eb_symbol(b, fn, XS_STB_GLOBAL, XS_STT_NOTYPE, EB_UNDEF, 0, 0);
	eb_rela(b, s, 0, y, R_ABS64, 0);
}

static uint8_t *build(const struct spec *sp, size_t *size)
{
	struct eb *b = eb_new(MACHINE);
	uint32_t tx = eb_text(b, ".text", 32 * 4);
	char strs[128];
	size_t off[4], len = 0;
	for (uint32_t i = 0; i < sp->nfuncs; i++) {
		off[i] = len;
		len += (size_t)snprintf(strs + len, sizeof(strs) - len, "%s", sp->names[i]) + 1;
	}
	uint32_t ro = eb_section(b, ".rodata.str", XS_SHT_PROGBITS, XS_SHF_ALLOC, strs, len, 1);
	uint8_t funcs[4 * 104];
	memset(funcs, 0, sizeof(funcs));
	for (uint32_t i = 0; i < sp->nfuncs; i++) {
		uint8_t *e = funcs + 104 * i;
		e[0x20] = 2;
		if (sp->nop_len && i == 0)
			memcpy(e + 0x18, &sp->nop_len, 4);
		if (sp->expect_bad == (int)i + 1) {
			e[0x48] = 1 | (2 << 1);
			e[0x49] = 0x12;
			e[0x4a] = 0x34;
		}
	}
	uint32_t fs = eb_section(b, ".livepatch.funcs", XS_SHT_PROGBITS, XS_SHF_ALLOC | XS_SHF_WRITE,
				 funcs, 104 * sp->nfuncs, 8);
	uint32_t sym_tx = eb_symbol(b, "", XS_STB_LOCAL, XS_STT_SECTION, tx, 0, 0);
	uint32_t sym_ro = eb_symbol(b, "", XS_STB_LOCAL, XS_STT_SECTION, ro, 0, 0);
	for (uint32_t i = 0; i < sp->nfuncs; i++) {
		char n[16];
		snprintf(n, sizeof(n), "new_%u", i);
		eb_symbol(b, n, XS_STB_LOCAL, XS_STT_FUNC, tx, 32 * i, 16);
		eb_rela(b, fs, 104 * i + 0, sym_ro, R_ABS64, (int64_t)off[i]);
		if (!(sp->nop_len && i == 0))
			eb_rela(b, fs, 104 * i + 8, sym_tx, R_ABS64, 32 * i);
	}
	/* a global the payload exports */
	eb_symbol(b, "payload_export", XS_STB_GLOBAL, XS_STT_FUNC, tx, 32 * 3, 8);
	uint8_t other[20];
	memset(other, 0x77, sizeof(other));
	if (sp->host_dep)
		note(b, ".livepatch.xen_depends", sp->host_dep == 1 ? host_id : other);
	if (sp->depends)
		note(b, ".livepatch.depends", sp->depends);
	if (sp->own_id) {
		uint8_t id[20];
		memset(id, sp->own_id, sizeof(id));
		note(b, ".note.gnu.build-id", id);
	}
	if (sp->hooks) {
		hook(b, ".livepatch.hooks.preapply", "t_pre_apply");
		hook(b, ".livepatch.hooks.postapply", "t_post_apply");
		hook(b, ".livepatch.hooks.prerevert", "t_pre_revert");
		hook(b, ".livepatch.hooks.postrevert", "t_post_revert");
		hook(b, ".livepatch.hooks.load", "t_load");
		hook(b, ".livepatch.hooks.unload", "t_unload");
	}
	if (sp->action) {
		hook(b, ".livepatch.hooks.apply", "t_action_apply");
		hook(b, ".livepatch.hooks.revert", "t_action_revert");
	}
	uint8_t *obj = eb_build(b, size);
	eb_free(b);
	return obj;
}

static const struct spec STD = {3, {"f0", "f1", "f2"}, 1, NULL, 0, true, false, 0, 0};

/* ---- setup --------------------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	memset(text, FILLER, sizeof(text));
	for (int i = 0; i <= NF; i++)
		for (uint64_t k = 0; k < fsize[i]; k++)
			text[foff[i] + k] = (uint8_t)(0x40 + 3 * k + i); /* not filler */
#if !defined(__aarch64__)
	memcpy(text + foff[1], "\xf3\x0f\x1e\xfa", 4); /* ENDBR64 kept at f1 */
#endif
	memcpy(pristine, text, sizeof(text));
	size_t sz = xs_symtab_size(64, 0);
	tab_mem = aligned_alloc(8, (sz + 7) & ~(size_t)7);
	assert_int_equal(xs_symtab_init(&tab, tab_mem, sz, 64, 0), XS_OK);
	for (int i = 0; i <= NF; i++) {
		struct xs_sym s = {.name = fnames[i],
				   .value = (uint64_t)(uintptr_t)text + foff[i],
				   .size = fsize[i],
				   .shndx = 1,
				   .type = XS_STT_FUNC,
				   .bind = XS_STB_GLOBAL,
				   .flags = XS_SYM_EXEC};
		assert_int_equal(xs_symtab_add(&tab, &s, 0, NULL), XS_OK);
	}
	struct xs_sym after = {.name = "after_tiny", .value = (uint64_t)(uintptr_t)text + 0x402,
			       .size = 4, .shndx = 1, .type = XS_STT_FUNC, .bind = XS_STB_GLOBAL,
			       .flags = XS_SYM_EXEC};
	assert_int_equal(xs_symtab_add(&tab, &after, 0, NULL), XS_OK);
	assert_int_equal(xs_symtab_finish(&tab), XS_OK);
	memset(&fh, 0, sizeof(fh));
	veto_apply = veto_revert = calls_post_apply = calls_post_revert = calls_load =
		calls_unload = fail_action = 0;
	assert_int_equal(xs_patch_mgr_init(&mgr, &host, &tab, host_id, sizeof(host_id)), XS_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(tab_mem);
	return 0;
}

struct loaded {
	struct xs_patch p;
	uint8_t *elf;
	size_t size;
};

static xs_status load(struct loaded *l, const char *name, const struct spec *sp, uint32_t flags,
		      struct xs_diag *d)
{
	l->elf = build(sp, &l->size);
	xs_status s = xs_patch_load(&mgr, &l->p, name, l->elf, l->size, flags, d);
	if (s)
		print_message("load %s: %s: %s\n", name, xs_status_name(s), d->msg);
	return s;
}

static void drop(struct loaded *l)
{
	struct xs_diag d;
	if (l->p.state == XS_PATCH_LOADED)
		assert_int_equal(xs_patch_unload(&mgr, &l->p, &d), XS_OK);
	free(l->elf);
}

#define UNCHANGED() assert_memory_equal(text, pristine, sizeof(text))

static uint64_t site(int i)
{
	return (uint64_t)(uintptr_t)text + foff[i];
}

/* The jump at function i lands on new function i of p. */
static void assert_jump(const struct xs_patch *p, int i)
{
	const struct xs_tramp_plan *pl = &p->funcs[i].plan;
	assert_int_equal(pl->site, site(i));
	assert_int_equal(pl->target, p->funcs[i].new_addr);
	assert_memory_equal((const void *)(uintptr_t)pl->patch_point, pl->insn, pl->len);
	assert_memory_equal(pl->saved, pristine + foff[i] + (pl->patch_point - site(i)), pl->len);
	assert_true(pl->form != XS_TRAMP_NONE && pl->form != XS_TRAMP_NOP);
}

/* ---- tests -------------------------------------------------------------------- */

static void t_lifecycle(void **state)
{
	(void)state;
	struct loaded a, b;
	struct xs_diag d;
	assert_int_equal(load(&a, "a", &STD, 0, &d), XS_OK);
	assert_int_equal(a.p.state, XS_PATCH_LOADED);
	assert_int_equal(calls_load, 1);
	UNCHANGED();
	assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_OK);
	assert_int_equal(a.p.state, XS_PATCH_APPLIED);
	assert_int_equal(calls_post_apply, 1);
	for (int i = 0; i < NF; i++)
		assert_jump(&a.p, i);
#if !defined(__aarch64__)
	assert_memory_equal(text + foff[1], "\xf3\x0f\x1e\xfa", 4); /* ENDBR kept */
	assert_int_equal(a.p.funcs[1].plan.patch_point, site(1) + 4);
#endif
	/* illegal transitions */
	assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_E_STATE);
	assert_int_equal(xs_patch_unload(&mgr, &a.p, &d), XS_E_STATE);
	assert_int_equal(xs_patch_replace(&mgr, &a.p, &d), XS_E_STATE);
	struct xs_patch other;
	assert_int_equal(xs_patch_load(&mgr, &other, "a", a.elf, a.size, 0, &d), XS_E_STATE);
	/* exports visible to later payloads */
	uint32_t k;
	assert_int_equal(xs_symtab_lookup(&tab, "payload_export", 0, &k, &d), XS_OK);

	/* stacking: b depends on nothing, patches the same functions again */
	struct spec sb = STD;
	sb.hooks = false;
	assert_int_equal(load(&b, "b", &sb, 0, &d), XS_E_DUPLICATE_SYMBOL);
	free(b.elf);
	/* (its payload_export collides with a's: refused, nothing kept) */
	assert_int_equal(xs_symtab_lookup(&tab, "payload_export", 0, &k, &d), XS_OK);
	assert_int_equal(xs_patch_revert(&mgr, &a.p, &d), XS_OK);
	assert_int_equal(calls_post_revert, 1);
	UNCHANGED();
	assert_int_equal(xs_patch_revert(&mgr, &a.p, &d), XS_E_STATE);
	assert_int_equal(xs_patch_unload(&mgr, &a.p, &d), XS_OK);
	assert_int_equal(calls_unload, 1);
	assert_int_equal(xs_symtab_lookup(&tab, "payload_export", 0, &k, &d), XS_E_NOT_FOUND);
	assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_E_STATE);
	assert_int_equal(xs_patch_unload(&mgr, &a.p, &d), XS_E_STATE);
	assert_int_equal(fh.allocs, 0);
	free(a.elf);
	UNCHANGED();
}

/* Two payloads stacked, revert order, replace collapsing both into one. */
static void t_stack_and_replace(void **state)
{
	(void)state;
	struct loaded a, b, c;
	struct xs_diag d;
	uint8_t id_a[20];
	memset(id_a, 0xa1, sizeof(id_a));
	struct spec sa = STD, sb = STD, sc = STD;
	sa.own_id = 0xa1;
	sa.depends = host_id;
	sb.depends = id_a;
	sb.hooks = sc.hooks = false;
	sb.nfuncs = 2; /* f0, f1 */
	sc.names[0] = "f2", sc.names[1] = "f1", sc.names[2] = "f0";
	assert_int_equal(load(&a, "a", &sa, 0, &d), XS_OK);
	/* names must be unique per payload export: give b and c none by unloading a's? no -
	 * exports are refused on collision, so b and c export under other names */
	assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_OK);
	uint8_t after_a[sizeof(text)];
	memcpy(after_a, text, sizeof(text));

	/* b and c would collide on payload_export: load them after renaming it in the ELF */
	b.elf = build(&sb, &b.size);
	c.elf = build(&sc, &c.size);
	char *e = memmem(b.elf, b.size, "payload_export", 14);
	assert_non_null(e);
	e[0] = 'q';
	e = memmem(c.elf, c.size, "payload_export", 14);
	e[0] = 'r';
	assert_int_equal(xs_patch_load(&mgr, &b.p, "b", b.elf, b.size, 0, &d), XS_OK);
	assert_int_equal(xs_patch_load(&mgr, &c.p, "c", c.elf, c.size, 0, &d), XS_OK);

	/* c has no .livepatch.depends on a: allowed (no constraint) */
	/* b depends on a's build-id: applies on top of a */
	assert_int_equal(xs_patch_apply(&mgr, &b.p, &d), XS_OK);
	/* b's saved bytes are a's trampolines */
	assert_memory_equal(b.p.funcs[0].plan.saved, a.p.funcs[0].plan.insn, b.p.funcs[0].plan.len);
	assert_int_equal(xs_patch_revert(&mgr, &a.p, &d), XS_E_STATE); /* not the top */
	assert_non_null(strstr(d.msg, "revert that first"));
	uint8_t after_ab[sizeof(text)];
	memcpy(after_ab, text, sizeof(text));

	/* replace with c: both reverted and c applied, in one rendezvous */
	int rv = fh.rendezvous;
	assert_int_equal(xs_patch_replace(&mgr, &c.p, &d), XS_OK);
	assert_int_equal(fh.rendezvous, rv + 1);
	assert_int_equal(a.p.state, XS_PATCH_LOADED);
	assert_int_equal(b.p.state, XS_PATCH_LOADED);
	assert_int_equal(c.p.state, XS_PATCH_APPLIED);
	for (int i = 0; i < NF; i++) {
		const struct xs_tramp_plan *pl = &c.p.funcs[i].plan;
		assert_memory_equal(pl->saved,
				    pristine + foff[2 - i] + (pl->patch_point - site(2 - i)), pl->len);
		assert_memory_equal((void *)(uintptr_t)pl->patch_point, pl->insn, pl->len);
	}
	/* b now depends on a, which is not applied: refused */
	assert_int_equal(xs_patch_revert(&mgr, &c.p, &d), XS_OK);
	UNCHANGED();
	assert_int_equal(xs_patch_apply(&mgr, &b.p, &d), XS_E_BUILD_ID_MISMATCH);
	assert_non_null(strstr(d.msg, "host image"));
	UNCHANGED();
	drop(&c);
	drop(&b);
	drop(&a);
	(void)after_a;
}

static void t_dependencies(void **state)
{
	(void)state;
	struct loaded a;
	struct xs_diag d;
	struct spec s = STD;
	s.host_dep = 0;
	assert_int_equal(load(&a, "nodep", &s, 0, &d), XS_E_NO_HOST_DEPENDENCY);
	free(a.elf);
	assert_int_equal(a.p.state, XS_PATCH_NONE);
	assert_int_equal(load(&a, "nodep", &s, XS_PATCH_ANY_HOST, &d), XS_OK);
	drop(&a);
	s.host_dep = 2;
	assert_int_equal(load(&a, "other", &s, XS_PATCH_ANY_HOST, &d), XS_E_BUILD_ID_MISMATCH);
	assert_non_null(strstr(d.msg, "2bb48323ee6867c1ed482b4c623a2f4713c258f5"));
	free(a.elf);
	s = STD;
	s.names[1] = "no_such_fn";
	assert_int_equal(load(&a, "missing", &s, 0, &d), XS_E_UNDEFINED_SYMBOL);
	assert_non_null(strstr(d.msg, "no_such_fn"));
	free(a.elf);
	s = STD;
	s.names[2] = "f0";
	assert_int_equal(load(&a, "twice", &s, 0, &d), XS_E_DUPLICATE_SYMBOL);
	free(a.elf);
	assert_int_equal(fh.allocs, 0);
	assert_null(xs_patch_first(&mgr));
	UNCHANGED();
}

static void t_hooks_veto(void **state)
{
	(void)state;
	struct loaded a;
	struct xs_diag d;
	assert_int_equal(load(&a, "a", &STD, 0, &d), XS_OK);
	veto_apply = 1;
	assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_E_VETO);
	assert_int_equal(fh.rendezvous, 0);
	assert_int_equal(a.p.state, XS_PATCH_LOADED);
	UNCHANGED();
	veto_apply = 0;
	assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_OK);
	uint8_t applied[sizeof(text)];
	memcpy(applied, text, sizeof(text));
	veto_revert = 1;
	assert_int_equal(xs_patch_revert(&mgr, &a.p, &d), XS_E_VETO);
	assert_int_equal(a.p.state, XS_PATCH_APPLIED);
	assert_memory_equal(text, applied, sizeof(text));
	veto_revert = 0;
	assert_int_equal(xs_patch_revert(&mgr, &a.p, &d), XS_OK);
	UNCHANGED();
	drop(&a);
}

static void t_action_hooks(void **state)
{
	(void)state;
	struct loaded a;
	struct xs_diag d;
	struct spec s = STD;
	s.action = true;
	assert_int_equal(load(&a, "act", &s, 0, &d), XS_OK);
	fail_action = 1;
	assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_E_VETO);
	UNCHANGED();
	fail_action = 0;
	assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_OK);
	assert_int_equal(text[0x10], 0xaa);
	assert_memory_equal(text + 0x100, pristine + 0x100, sizeof(text) - 0x100);
	assert_int_equal(xs_patch_revert(&mgr, &a.p, &d), XS_OK);
	UNCHANGED();
	drop(&a);
}

/* A failure at each step of apply leaves the text as it was. */
static void t_faults_apply(void **state)
{
	(void)state;
	struct loaded a;
	struct xs_diag d;
	assert_int_equal(load(&a, "a", &STD, 0, &d), XS_OK);
	for (uint32_t i = 0; i < NF; i++) {
		xs_patch_set_fault(&mgr, XS_PATCH_FAULT_PLAN, i);
		assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_E_FAULT_INJECTED);
		UNCHANGED();
		xs_patch_set_fault(&mgr, XS_PATCH_FAULT_WRITE, i);
		assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_E_FAULT_INJECTED);
		assert_non_null(strstr(d.msg, fnames[i]));
		UNCHANGED();
		fh.map_fail_at = (int)i + 1;
		assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_E_HOST);
		assert_non_null(strstr(d.msg, "injected alias failure"));
		fh.map_fail_at = 0;
		UNCHANGED();
		/* a held thread inside function i, past its entry and at its end */
		for (int edge = 0; edge < 2; edge++) {
			fh.busy_pc = site((int)i) + (edge ? fsize[i] - 1 : 1);
			assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_E_BUSY);
			assert_non_null(strstr(d.msg, fnames[i]));
			assert_non_null(strstr(d.msg, "4242"));
			UNCHANGED();
		}
		fh.busy_pc = site((int)i) + fsize[i]; /* just past it: not busy */
		assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_OK);
		fh.busy_pc = 0;
		assert_int_equal(xs_patch_revert(&mgr, &a.p, &d), XS_OK);
		UNCHANGED();
		/* exactly at the old entry: nothing of it has run, both ways (host.h) */
		assert_int_equal(a.p.ranges[i].flags, XS_HOST_RANGE_ENTRY_OK);
		assert_int_equal(a.p.ranges[NF + i].flags, 0);
		fh.busy_pc = site((int)i);
		assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_OK);
		assert_int_equal(xs_patch_revert(&mgr, &a.p, &d), XS_OK);
		UNCHANGED();
		/* at the replacement's entry it was sent there: it runs the new version */
		fh.busy_pc = 0;
		assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_OK);
		fh.busy_pc = a.p.funcs[i].new_addr;
		assert_int_equal(xs_patch_revert(&mgr, &a.p, &d), XS_E_BUSY);
		fh.busy_pc = 0;
		assert_int_equal(xs_patch_revert(&mgr, &a.p, &d), XS_OK);
		UNCHANGED();
	}
	fh.timeout = true;
	assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_E_TIMEOUT);
	assert_int_equal(a.p.state, XS_PATCH_LOADED);
	UNCHANGED();
	fh.timeout = false;
	/* the same failures in revert leave it applied */
	assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_OK);
	uint8_t applied[sizeof(text)];
	memcpy(applied, text, sizeof(text));
	for (uint32_t i = 0; i < NF; i++) {
		xs_patch_set_fault(&mgr, XS_PATCH_FAULT_WRITE, i);
		assert_int_equal(xs_patch_revert(&mgr, &a.p, &d), XS_E_FAULT_INJECTED);
		assert_memory_equal(text, applied, sizeof(text));
		fh.busy_pc = a.p.funcs[i].new_addr + 1; /* inside the replacement */
		assert_int_equal(xs_patch_revert(&mgr, &a.p, &d), XS_E_BUSY);
		assert_non_null(strstr(d.msg, "replacement"));
		fh.busy_pc = 0;
		assert_memory_equal(text, applied, sizeof(text));
	}
	fh.timeout = true;
	assert_int_equal(xs_patch_revert(&mgr, &a.p, &d), XS_E_TIMEOUT);
	fh.timeout = false;
	assert_memory_equal(text, applied, sizeof(text));
	assert_int_equal(xs_patch_revert(&mgr, &a.p, &d), XS_OK);
	UNCHANGED();
	/* unload waits for threads to leave the payload's code */
	fh.busy_pc = a.p.text_addr;
	assert_int_equal(xs_patch_unload(&mgr, &a.p, &d), XS_E_BUSY);
	fh.busy_pc = 0;
	drop(&a);
}

/* A failure at each of the 2N writes of a replace leaves the previous payload applied. */
static void t_faults_replace(void **state)
{
	(void)state;
	struct loaded a, b;
	struct xs_diag d;
	struct spec sb = STD;
	sb.hooks = false;
	assert_int_equal(load(&a, "a", &STD, 0, &d), XS_OK);
	b.elf = build(&sb, &b.size);
	char *e = memmem(b.elf, b.size, "payload_export", 14);
	assert_non_null(e);
	e[0] = 'q';
	assert_int_equal(xs_patch_load(&mgr, &b.p, "b", b.elf, b.size, 0, &d), XS_OK);
	assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_OK);
	uint8_t applied[sizeof(text)];
	memcpy(applied, text, sizeof(text));
	for (uint32_t g = 0; g < 2 * NF; g++) {
		xs_patch_set_fault(&mgr, XS_PATCH_FAULT_WRITE, g);
		assert_int_equal(xs_patch_replace(&mgr, &b.p, &d), XS_E_FAULT_INJECTED);
		assert_memory_equal(text, applied, sizeof(text));
		assert_int_equal(a.p.state, XS_PATCH_APPLIED);
		assert_int_equal(b.p.state, XS_PATCH_LOADED);
		fh.map_fail_at = (int)g + 1;
		assert_int_equal(xs_patch_replace(&mgr, &b.p, &d), XS_E_HOST);
		fh.map_fail_at = 0;
		assert_memory_equal(text, applied, sizeof(text));
	}
	for (uint32_t i = 0; i < NF; i++) {
		xs_patch_set_fault(&mgr, XS_PATCH_FAULT_PLAN, i);
		assert_int_equal(xs_patch_replace(&mgr, &b.p, &d), XS_E_FAULT_INJECTED);
		assert_memory_equal(text, applied, sizeof(text));
		/* a thread in a's replacement, or in an old function */
		fh.busy_pc = a.p.funcs[i].new_addr;
		assert_int_equal(xs_patch_replace(&mgr, &b.p, &d), XS_E_BUSY);
		fh.busy_pc = site((int)i) + 7;
		assert_int_equal(xs_patch_replace(&mgr, &b.p, &d), XS_E_BUSY);
		fh.busy_pc = 0;
		assert_memory_equal(text, applied, sizeof(text));
	}
	veto_revert = 1; /* a's pre-revert hook */
	assert_int_equal(xs_patch_replace(&mgr, &b.p, &d), XS_E_VETO);
	veto_revert = 0;
	fh.timeout = true;
	assert_int_equal(xs_patch_replace(&mgr, &b.p, &d), XS_E_TIMEOUT);
	fh.timeout = false;
	assert_memory_equal(text, applied, sizeof(text));
	assert_int_equal(xs_patch_replace(&mgr, &b.p, &d), XS_OK);
	assert_int_equal(xs_patch_revert(&mgr, &b.p, &d), XS_OK);
	UNCHANGED();
	drop(&b);
	drop(&a);
}

static void t_site_checks(void **state)
{
	(void)state;
	struct loaded a;
	struct xs_diag d;
	struct spec s = STD;
	s.expect_bad = 2;
	assert_int_equal(load(&a, "exp", &s, 0, &d), XS_OK);
	assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_E_EXPECT_MISMATCH);
	assert_non_null(strstr(d.msg, "f1"));
	UNCHANGED();
	drop(&a);
	s = STD;
	s.names[2] = "tiny";
	assert_int_equal(load(&a, "tiny", &s, 0, &d), XS_OK);
	assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_E_SITE_TOO_SMALL);
	assert_non_null(strstr(d.msg, "tiny"));
	UNCHANGED();
	drop(&a);
	s = STD;
	s.nop_len = 4;
	assert_int_equal(load(&a, "nop", &s, 0, &d), XS_OK);
	assert_int_equal(xs_patch_apply(&mgr, &a.p, &d), XS_OK);
	assert_int_equal(a.p.funcs[0].plan.form, XS_TRAMP_NOP);
	assert_int_equal(xs_patch_revert(&mgr, &a.p, &d), XS_OK);
	UNCHANGED();
	drop(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(t_stack_and_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(t_dependencies, setup, teardown),
		cmocka_unit_test_setup_teardown(t_hooks_veto, setup, teardown),
		cmocka_unit_test_setup_teardown(t_action_hooks, setup, teardown),
		cmocka_unit_test_setup_teardown(t_faults_apply, setup, teardown),
		cmocka_unit_test_setup_teardown(t_faults_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(t_site_checks, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
