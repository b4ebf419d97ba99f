/* SPDX-License-Identifier: MIT */
/*
 * Trampoline forms at the exact edges of their reach (both signs), the
 * planner's choices and refusals, entry instructions kept, NOP fill, filler
 * recognition and site analysis on small images with known answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xsplice/symtab.h>
#include <xsplice/tramp.h>

#include "xs_elf.h"

#define X86 XS_EM_X86_64
#define A64 XS_EM_AARCH64

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* ---- encoders at the edges ---------------------------------------------- */

struct edge {
	uint16_t machine;
	enum xs_tramp_form form;
	uint64_t at;
	int64_t delta; /* target - at */
	xs_status want;
};

#define I32MIN ((int64_t)INT32_MIN)
#define I32MAX ((int64_t)INT32_MAX)
#define B27 (INT64_C(1) << 27)

static const struct edge edges[] = {
	/* jmp rel8: rel = delta - 2 in -128..127 */
	{X86, XS_TRAMP_X86_JMP8, 0x1000, 129, XS_OK},
	{X86, XS_TRAMP_X86_JMP8, 0x1000, 130, XS_E_OUT_OF_REACH},
	{X86, XS_TRAMP_X86_JMP8, 0x1000, -126, XS_OK},
	{X86, XS_TRAMP_X86_JMP8, 0x1000, -127, XS_E_OUT_OF_REACH},
	{X86, XS_TRAMP_X86_JMP8, 0x1000, 2, XS_OK}, /* rel 0 */
	/* jmp rel32: rel = delta - 5 in INT32 */
	{X86, XS_TRAMP_X86_JMP32, 0x100000000, I32MAX + 5, XS_OK},
	{X86, XS_TRAMP_X86_JMP32, 0x100000000, I32MAX + 6, XS_E_OUT_OF_REACH},
	{X86, XS_TRAMP_X86_JMP32, 0x100000000, I32MIN + 5, XS_OK},
	{X86, XS_TRAMP_X86_JMP32, 0x100000000, I32MIN + 4, XS_E_OUT_OF_REACH},
	{X86, XS_TRAMP_X86_JMP_ABS, 0xffff82d040200000, -(INT64_C(1) << 62), XS_OK},
	{X86, XS_TRAMP_X86_JMP_ABS, 0x1000, INT64_C(1) << 40, XS_OK},
	/* b: delta in -2^27 .. 2^27 - 4, multiple of 4 */
	{A64, XS_TRAMP_A64_B, 0x10000000, B27 - 4, XS_OK},
	{A64, XS_TRAMP_A64_B, 0x10000000, B27, XS_E_OUT_OF_REACH},
	{A64, XS_TRAMP_A64_B, 0x10000000, -B27, XS_OK},
	{A64, XS_TRAMP_A64_B, 0x10000000, -B27 - 4, XS_E_OUT_OF_REACH},
	{A64, XS_TRAMP_A64_B, 0x10000000, 6, XS_E_MISALIGNED},
	{A64, XS_TRAMP_A64_B, 0x10000002, 8, XS_E_MISALIGNED},
	{A64, XS_TRAMP_A64_LDR_BR, 0x1000, INT64_C(1) << 50, XS_OK},
	{A64, XS_TRAMP_A64_LDR_BR, 0x1004, -(INT64_C(1) << 50), XS_OK},
	/* forms of the other machine */
	{X86, XS_TRAMP_A64_B, 0x1000, 8, XS_E_INVALID_ARG},
	{A64, XS_TRAMP_X86_JMP32, 0x1000, 8, XS_E_INVALID_ARG},
};

/* Decode what was encoded and check it lands on the target. */
static void check_lands(const struct edge *e, const uint8_t *b, unsigned len)
{
	uint64_t target = e->at + (uint64_t)e->delta;
	switch (e->form) {
	case XS_TRAMP_X86_JMP8:
		assert_int_equal(len, 2);
		assert_int_equal(b[0], 0xeb);
		assert_true(e->at + 2 + (uint64_t)(int64_t)(int8_t)b[1] == target);
		break;
	case XS_TRAMP_X86_JMP32:
		assert_int_equal(len, 5);
		assert_int_equal(b[0], 0xe9);
		assert_true(e->at + 5 + (uint64_t)(int64_t)(int32_t)rd32(b + 1) == target);
		break;
	case XS_TRAMP_X86_JMP_ABS:
		assert_int_equal(len, 14);
		assert_memory_equal(b, "\xff\x25\0\0\0\0", 6);
		assert_true(rd64(b + 6) == target);
		break;
	case XS_TRAMP_A64_B: {
		uint32_t w = rd32(b);
		assert_int_equal(len, 4);
		assert_int_equal(w & 0xfc000000u, 0x14000000u);
		int64_t imm = (int64_t)((uint64_t)(w & 0x03ffffffu) << 38) >> 36;
		assert_true(e->at + (uint64_t)imm == target);
		break;
	}
	case XS_TRAMP_A64_LDR_BR: {
		uint32_t ldr = rd32(b);
		assert_int_equal(ldr & 0xff00001fu, 0x58000010u); /* ldr x16, literal */
		uint64_t lit = ((ldr >> 5) & 0x7ffff) * 4;
		assert_int_equal(rd32(b + 4), 0xd61f0200u);       /* br x16 */
		assert_int_equal(len, lit + 8);
		assert_int_equal((e->at + lit) % 8, 0);
		assert_true(rd64(b + lit) == target);
		break;
	}
	default:
		fail();
	}
}

static void test_edges(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		const struct edge *e = &edges[i];
		uint8_t buf[XS_TRAMP_MAX];
		unsigned len = 0;
		struct xs_diag d;
		memset(&d, 0, sizeof(d));
		xs_status st = xs_tramp_encode(e->machine, e->form, e->at, e->at + (uint64_t)e->delta,
					       buf, &len, &d);
		if (st != e->want)
			print_error("row %zu: %s, want %s\n", i, xs_status_name(st),
				    xs_status_name(e->want));
		assert_int_equal(st, e->want);
		if (st == XS_OK)
			check_lands(e, buf, len);
		if (st == XS_E_OUT_OF_REACH) {
			assert_int_equal(d.value, e->delta);
			assert_true(d.value < d.min || d.value > d.max);
		}
	}
}

static void test_known_encodings(void **state)
{
	(void)state;
	uint8_t b[XS_TRAMP_MAX];
	unsigned len;
	/* as: "b .+0x7fffffc" = 15ffffff, "b .-0x8000000" = 16000000 */
	assert_int_equal(xs_tramp_encode(A64, XS_TRAMP_A64_B, 0x1000, 0x1000 + B27 - 4, b, &len, NULL), XS_OK);
	assert_int_equal(rd32(b), 0x15ffffffu);
	assert_int_equal(xs_tramp_encode(A64, XS_TRAMP_A64_B, B27, 0, b, &len, NULL), XS_OK);
	assert_int_equal(rd32(b), 0x16000000u);
	assert_int_equal(xs_tramp_encode(A64, XS_TRAMP_A64_LDR_BR, 0x1000, 0x1122334455667788, b, &len, NULL), XS_OK);
	assert_int_equal(len, 16);
	assert_memory_equal(b, "\x50\x00\x00\x58\x00\x02\x1f\xd6\x88\x77\x66\x55\x44\x33\x22\x11", 16);
	assert_int_equal(xs_tramp_encode(A64, XS_TRAMP_A64_LDR_BR, 0x1004, 0x1122334455667788, b, &len, NULL), XS_OK);
	assert_int_equal(len, 20);
	assert_memory_equal(b, "\x70\x00\x00\x58\x00\x02\x1f\xd6\x1f\x20\x03\xd5\x88\x77\x66\x55\x44\x33\x22\x11", 20);
	assert_int_equal(xs_tramp_encode(X86, XS_TRAMP_X86_JMP32, 0x1000, 0x1005, b, &len, NULL), XS_OK);
	assert_memory_equal(b, "\xe9\0\0\0\0", 5);
}

static void test_nops(void **state)
{
	(void)state;
	static const char *const sdm[10] = {
		"", "\x90", "\x66\x90", "\x0f\x1f\x00", "\x0f\x1f\x40\x00", "\x0f\x1f\x44\x00\x00",
		"\x66\x0f\x1f\x44\x00\x00", "\x0f\x1f\x80\x00\x00\x00\x00",
		"\x0f\x1f\x84\x00\x00\x00\x00\x00", "\x66\x0f\x1f\x84\x00\x00\x00\x00\x00",
	};
	uint8_t b[64];
	for (unsigned n = 1; n <= 9; n++) {
		memset(b, 0xaa, sizeof(b));
		assert_int_equal(xs_tramp_nops(X86, b, n), XS_OK);
		assert_memory_equal(b, sdm[n], n);
		assert_int_equal(b[n], 0xaa);
		assert_int_equal(xs_site_filler(X86, b, n), n);
	}
	for (unsigned n = 1; n <= 40; n++) { /* long runs: 9-byte forms and a tail */
		memset(b, 0xaa, sizeof(b));
		assert_int_equal(xs_tramp_nops(X86, b, n), XS_OK);
		assert_int_equal(xs_site_filler(X86, b, n), n);
		assert_int_equal(b[n], 0xaa);
	}
	assert_int_equal(xs_tramp_nops(A64, b, 8), XS_OK);
	assert_int_equal(rd32(b), 0xd503201fu);
	assert_int_equal(rd32(b + 4), 0xd503201fu);
	assert_int_equal(xs_tramp_nops(A64, b, 6), XS_E_MISALIGNED);
}

static void test_filler_forms(void **state)
{
	(void)state;
	/* what GNU as 2.40 emits for .nops 10 / 11, and longer runs */
	static const uint8_t n10[] = {0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0};
	static const uint8_t n11[] = {0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0};
	static const uint8_t n15[] = {0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x2e, 0x0f,
				      0x1f, 0x84, 0, 0, 0, 0, 0};
	static const uint8_t mix[] = {0xcc, 0xcc, 0x00, 0x00, 0x90, 0x0f, 0x1f, 0x00};
	static const uint8_t stop[] = {0x90, 0x90, 0x55, 0x90};            /* push %rbp */
	static const uint8_t cut[] = {0x0f, 0x1f, 0x44, 0x00};            /* 5-byte nop cut at 4 */
	static const uint8_t reg1[] = {0x0f, 0x1f, 0x48, 0x00};            /* 0f 1f /1: not a nop */
	static const uint8_t sib5[] = {0x0f, 0x1f, 0x04, 0x25, 0, 0, 0, 0}; /* nopl 0x0(,%riz,1) */
	assert_int_equal(xs_site_filler(X86, n10, sizeof(n10)), 10);
	assert_int_equal(xs_site_filler(X86, n11, sizeof(n11)), 11);
	assert_int_equal(xs_site_filler(X86, n15, sizeof(n15)), 15);
	assert_int_equal(xs_site_filler(X86, mix, sizeof(mix)), 8);
	assert_int_equal(xs_site_filler(X86, stop, sizeof(stop)), 2);
	assert_int_equal(xs_site_filler(X86, cut, sizeof(cut)), 0);
	assert_int_equal(xs_site_filler(X86, reg1, sizeof(reg1)), 0);
	assert_int_equal(xs_site_filler(X86, sib5, sizeof(sib5)), 8);
	static const uint8_t a[] = {0x1f, 0x20, 0x03, 0xd5, 0, 0, 0, 0, 0xc0, 0x03, 0x5f, 0xd6};
	assert_int_equal(xs_site_filler(A64, a, sizeof(a)), 8); /* nop, udf #0, then ret */
	assert_int_equal(xs_site_filler(A64, a, 6), 4);          /* whole words only */
}

static void test_entry(void **state)
{
	(void)state;
	static const struct {
		uint16_t m;
		uint32_t w;
		enum xs_entry e;
	} rows[] = {
		{A64, 0xd503241f, XS_ENTRY_BTI},     {A64, 0xd503245f, XS_ENTRY_BTI},
		{A64, 0xd503249f, XS_ENTRY_BTI},     {A64, 0xd50324df, XS_ENTRY_BTI},
		{A64, 0xd503233f, XS_ENTRY_PACIASP}, {A64, 0xd503237f, XS_ENTRY_PACIBSP},
		{A64, 0xd503201f, XS_ENTRY_NONE},    {A64, 0xa9bf7bfd, XS_ENTRY_NONE},
		{X86, 0xfa1e0ff3, XS_ENTRY_ENDBR64}, {X86, 0xfb1e0ff3, XS_ENTRY_NONE},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t b[4] = {(uint8_t)rows[i].w, (uint8_t)(rows[i].w >> 8),
				(uint8_t)(rows[i].w >> 16), (uint8_t)(rows[i].w >> 24)};
		assert_int_equal(xs_tramp_entry(rows[i].m, b, 4), rows[i].e);
		assert_int_equal(xs_tramp_entry(rows[i].m, b, 3), XS_ENTRY_NONE);
	}
}

/* ---- planner ----------------------------------------------------------- */

static uint8_t live[64];

static struct xs_tramp_req req(uint16_t m, uint64_t site, uint64_t room, uint64_t target)
{
	struct xs_tramp_req r;
	memset(&r, 0, sizeof(r));
	r.machine = m;
	r.site = site;
	r.room = room;
	r.target = target;
	r.live = live;
	r.live_len = sizeof(live);
	return r;
}

static void fill_live(void)
{
	for (size_t i = 0; i < sizeof(live); i++)
		live[i] = (uint8_t)(0x40 + i);
}

struct pick {
	uint16_t m;
	uint64_t site, room;
	int64_t delta;
	uint64_t veneer;
	enum xs_tramp_form form;
	xs_status want;
};

static void test_planner_picks(void **state)
{
	(void)state;
	const uint64_t S = 0xffff82d040200000ull;
	static const struct pick rows[] = {
		{X86, 0x400000, 16, 100, 0, XS_TRAMP_X86_JMP8, XS_OK},
		{X86, 0x400000, 2, 129, 0, XS_TRAMP_X86_JMP8, XS_OK},
		{X86, 0x400000, 16, 130, 0, XS_TRAMP_X86_JMP32, XS_OK},
		{X86, 0x400000, 5, I32MAX + 5, 0, XS_TRAMP_X86_JMP32, XS_OK},
		{X86, 0x400000, 5, I32MIN + 5, 0, XS_TRAMP_X86_JMP32, XS_OK},
		{X86, 0x400000, 14, I32MAX + 6, 0, XS_TRAMP_X86_JMP_ABS, XS_OK},
		{X86, 0x400000, 13, I32MAX + 6, 0, XS_TRAMP_NONE, XS_E_OUT_OF_REACH},
		{X86, 0x400000, 5, I32MIN + 4, 0, XS_TRAMP_NONE, XS_E_OUT_OF_REACH},
		{X86, 0x400000, 4, 4096, 0, XS_TRAMP_NONE, XS_E_SITE_TOO_SMALL},
		{X86, 0x400000, 1, 10, 0, XS_TRAMP_NONE, XS_E_SITE_TOO_SMALL},
		{A64, 0x400000, 4, B27 - 4, 0, XS_TRAMP_A64_B, XS_OK},
		{A64, 0x400000, 4, -B27, 0, XS_TRAMP_A64_B, XS_OK},
		{A64, 0x10000000, 4, B27, 0x10000000 + 4096, XS_TRAMP_A64_VENEER, XS_OK},
		{A64, 0x10000000, 16, B27, 0, XS_TRAMP_A64_LDR_BR, XS_OK},
		{A64, 0x10000000, 15, B27, 0, XS_TRAMP_NONE, XS_E_OUT_OF_REACH},
		{A64, 0x10000000, 4, -B27 - 4, 0, XS_TRAMP_NONE, XS_E_OUT_OF_REACH},
		{A64, 0x10000000, 3, 8, 0, XS_TRAMP_NONE, XS_E_SITE_TOO_SMALL},
		/* the veneer itself out of reach: in-place far form */
		{A64, 0x10000000, 16, B27, 0x10000000 + B27, XS_TRAMP_A64_LDR_BR, XS_OK},
		{A64, 0x10000004, 19, B27, 0, XS_TRAMP_NONE, XS_E_OUT_OF_REACH}, /* needs 20 */
		{A64, 0x10000004, 20, B27, 0, XS_TRAMP_A64_LDR_BR, XS_OK},
	};
	(void)S;
	fill_live();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct pick *p = &rows[i];
		struct xs_tramp_req r = req(p->m, p->site, p->room, p->site + (uint64_t)p->delta);
		r.veneer = p->veneer;
		struct xs_tramp_plan pl;
		struct xs_diag d;
		xs_status st = xs_tramp_plan(&r, &pl, &d);
		if (st != p->want)
			print_error("row %zu: %s (%s)\n", i, xs_status_name(st), st ? d.msg : "");
		assert_int_equal(st, p->want);
		if (st) {
			assert_int_equal(d.status, st);
			assert_true(d.msg[0] != 0);
			continue;
		}
		assert_int_equal(pl.form, p->form);
		assert_true(pl.len <= p->room);
		assert_true(pl.patch_point == p->site);
		assert_memory_equal(pl.saved, live, pl.len);
		struct edge e = {p->m, p->form, pl.patch_point, (int64_t)(r.target - pl.patch_point), XS_OK};
		if (p->form == XS_TRAMP_A64_VENEER) {
			e.form = XS_TRAMP_A64_B;
			e.delta = (int64_t)(p->veneer - pl.patch_point);
			check_lands(&e, pl.insn, pl.len);
			struct edge v = {A64, XS_TRAMP_A64_LDR_BR, p->veneer, (int64_t)(r.target - p->veneer), XS_OK};
			check_lands(&v, pl.veneer_insn, pl.veneer_len);
		} else {
			check_lands(&e, pl.insn, pl.len);
		}
	}
}

static void test_planner_entry_kept(void **state)
{
	(void)state;
	struct xs_tramp_plan p;
	struct xs_diag d;
	fill_live();
	memcpy(live, "\xf3\x0f\x1e\xfa", 4); /* endbr64 */
	struct xs_tramp_req r = req(X86, 0x401000, 12, 0x402000);
	assert_int_equal(xs_tramp_plan(&r, &p, &d), XS_OK);
	assert_int_equal(p.entry, XS_ENTRY_ENDBR64);
	assert_true(p.patch_point == 0x401004);
	assert_int_equal(p.form, XS_TRAMP_X86_JMP32);
	assert_memory_equal(p.saved, live + 4, 5);
	struct edge e = {X86, XS_TRAMP_X86_JMP32, 0x401004, 0x402000 - 0x401004, XS_OK};
	check_lands(&e, p.insn, p.len);

	/* bti c kept, the jump goes to the target itself */
	fill_live();
	memcpy(live, "\x5f\x24\x03\xd5", 4);
	r = req(A64, 0x401000, 8, 0x402000);
	assert_int_equal(xs_tramp_plan(&r, &p, &d), XS_OK);
	assert_int_equal(p.entry, XS_ENTRY_BTI);
	assert_true(p.patch_point == 0x401004 && p.target == 0x402000);

	/* paciasp: the new function must start with it; the jump skips it there */
	memcpy(live, "\x3f\x23\x03\xd5", 4);
	r = req(A64, 0x401000, 8, 0x402000);
	assert_int_equal(xs_tramp_plan(&r, &p, &d), XS_E_UNSUPPORTED);
	static const uint8_t tgt_pac[4] = {0x3f, 0x23, 0x03, 0xd5};
	static const uint8_t tgt_bti[4] = {0x5f, 0x24, 0x03, 0xd5};
	r.target_code = tgt_bti;
	r.target_len = 4;
	assert_int_equal(xs_tramp_plan(&r, &p, &d), XS_E_UNSUPPORTED);
	r.target_code = tgt_pac;
	assert_int_equal(xs_tramp_plan(&r, &p, &d), XS_OK);
	assert_int_equal(p.entry, XS_ENTRY_PACIASP);
	assert_true(p.target == 0x402004);
	struct edge b = {A64, XS_TRAMP_A64_B, 0x401004, 0x402004 - 0x401004, XS_OK};
	check_lands(&b, p.insn, p.len);
}

static void test_planner_expect_nop(void **state)
{
	(void)state;
	struct xs_tramp_plan p;
	struct xs_diag d;
	fill_live();
	memcpy(live, "\xf3\x0f\x1e\xfa\x55\x48\x89\xe5", 8);
	struct xs_tramp_req r = req(X86, 0x401000, 12, 0x402000);
	r.expect = (const uint8_t *)"\x55\x48\x89\xe5";
	r.expect_len = 4;
	assert_int_equal(xs_tramp_plan(&r, &p, &d), XS_OK); /* compared at the patch point */
	r.expect = (const uint8_t *)"\x55\x48\x89\xe4";
	assert_int_equal(xs_tramp_plan(&r, &p, &d), XS_E_EXPECT_MISMATCH);
	assert_int_equal(d.value, 3);

	r = req(X86, 0x401000, 12, 0);
	r.nop_len = 9;
	assert_int_equal(xs_tramp_plan(&r, &p, &d), XS_OK);
	assert_int_equal(p.form, XS_TRAMP_NOP);
	assert_int_equal(p.len, 9);
	assert_true(p.patch_point == 0x401004);
	assert_memory_equal(p.insn, "\x66\x0f\x1f\x84\x00\x00\x00\x00\x00", 9);
	r.nop_len = 13;
	assert_int_equal(xs_tramp_plan(&r, &p, &d), XS_E_SITE_TOO_SMALL);
	assert_int_equal(d.value, 13);
	assert_int_equal(d.max, 12);
}

static void test_fitting(void **state)
{
	(void)state;
	assert_int_equal(xs_tramp_fitting(X86, 1), 0);
	assert_int_equal(xs_tramp_fitting(X86, 4), 1u << XS_TRAMP_X86_JMP8);
	assert_int_equal(xs_tramp_fitting(X86, 13), (1u << XS_TRAMP_X86_JMP8) | (1u << XS_TRAMP_X86_JMP32));
	assert_int_equal(xs_tramp_fitting(X86, 14), (1u << XS_TRAMP_X86_JMP8) | (1u << XS_TRAMP_X86_JMP32) |
							   (1u << XS_TRAMP_X86_JMP_ABS));
	assert_int_equal(xs_tramp_fitting(A64, 3), 0);
	assert_int_equal(xs_tramp_fitting(A64, 4), (1u << XS_TRAMP_A64_B) | (1u << XS_TRAMP_A64_VENEER));
	assert_true(xs_tramp_fitting(A64, 16) & (1u << XS_TRAMP_A64_LDR_BR));
	assert_string_equal(xs_tramp_form_name(XS_TRAMP_X86_JMP_ABS), "jmp-abs");
}

/* ---- site analysis ------------------------------------------------------ */

static uint8_t text[0x100];
static uint8_t symmem[1 << 16];

static void add(struct xs_symtab *t, const char *name, uint8_t type, uint8_t bind, uint64_t v,
		uint64_t sz, uint32_t shndx)
{
	struct xs_sym s = {.name = name, .value = v, .size = sz, .type = type, .bind = bind,
			   .shndx = shndx, .flags = shndx == 1 ? XS_SYM_EXEC : 0};
	assert_int_equal(xs_symtab_add(t, &s, 0, NULL), XS_OK);
}

static void test_sites_x86(void **state)
{
	(void)state;
	const uint64_t B = 0x1000;
	memset(text, 0x55, sizeof(text)); /* push %rbp: not filler */
	/* f1 [0x00,0x10) then nopw 6 + int3 int3 + zeros up to f2 at 0x20: padding 16 */
	memcpy(text + 0x10, "\x66\x0f\x1f\x44\x00\x00\xcc\xcc\0\0\0\0\0\0\0\0", 16);
	/* f2 [0x20,0x26) starts with endbr64; nopl 4 then a label at 0x2a */
	memcpy(text + 0x20, "\xf3\x0f\x1e\xfa\xc3\xc3", 6);
	memcpy(text + 0x26, "\x0f\x1f\x40\x00\x90\x90", 6);
	/* f3 aliases at 0x40 (sizes 8 and 12), then 0x55 right away: padding 0 */
	/* f4 [0xf0,0xf8) then nops up to the section end 0x100 */
	memcpy(text + 0xf8, "\x0f\x1f\x84\x00\x00\x00\x00\x00", 8);
	struct xs_symtab t;
	assert_int_equal(xs_symtab_init(&t, symmem, sizeof(symmem), 32, 0), XS_OK);
	add(&t, "f1", XS_STT_FUNC, XS_STB_GLOBAL, B, 0x10, 1);
	add(&t, "f2", XS_STT_FUNC, XS_STB_LOCAL, B + 0x20, 6, 1);
	add(&t, "label", XS_STT_NOTYPE, XS_STB_LOCAL, B + 0x2a, 0, 1);
	add(&t, "f3_small", XS_STT_FUNC, XS_STB_LOCAL, B + 0x40, 8, 1);
	add(&t, "f3", XS_STT_FUNC, XS_STB_GLOBAL, B + 0x40, 12, 1);
	add(&t, "empty", XS_STT_FUNC, XS_STB_GLOBAL, B + 0x80, 0, 1);
	add(&t, "obj", XS_STT_OBJECT, XS_STB_GLOBAL, B + 0x90, 4, 1);
	add(&t, "f4", XS_STT_FUNC, XS_STB_GLOBAL, B + 0xf0, 8, 1);
	add(&t, "data_fn", XS_STT_FUNC, XS_STB_GLOBAL, 0x9000, 8, 2); /* not executable */
	add(&t, ".text", XS_STT_SECTION, XS_STB_LOCAL, B + 0x26, 0, 1); /* ignored for padding */
	assert_int_equal(xs_symtab_finish(&t), XS_OK);
	struct xs_image_section secs[3] = {
		{.name = ""},
		{.name = ".text", .addr = B, .size = sizeof(text), .data = text,
		 .flags = XS_SHF_ALLOC | XS_SHF_EXECINSTR},
		{.name = ".data", .addr = 0x9000, .size = 16, .data = text},
	};
	struct xs_site s[8];
	uint32_t n = 0;
	assert_int_equal(xs_site_analyze(X86, &t, secs, 3, s, 8, &n, NULL), XS_OK);
	assert_int_equal(n, 4);
	assert_true(s[0].addr == B && s[0].padding == 16 && s[0].room == 32 && s[0].entry == 0);
	assert_true(s[1].addr == B + 0x20 && s[1].patch_point == B + 0x24);
	assert_int_equal(s[1].padding, 4);
	assert_int_equal(s[1].room, 6);
	assert_int_equal(s[1].entry, XS_ENTRY_ENDBR64);
	assert_true(s[2].addr == B + 0x40 && s[2].size == 12 && s[2].nalias == 2);
	assert_string_equal(xs_symtab_get(&t, s[2].sym)->name, "f3");
	assert_int_equal(s[2].padding, 0);
	assert_int_equal(s[2].room, 12);
	assert_int_equal(s[3].padding, 8);
	assert_int_equal(s[3].room, 16);
	/* count only, and too little space */
	assert_int_equal(xs_site_analyze(X86, &t, secs, 3, NULL, 0, &n, NULL), XS_OK);
	assert_int_equal(n, 4);
	assert_int_equal(xs_site_analyze(X86, &t, secs, 3, s, 2, &n, NULL), XS_E_NO_SPACE);
}

static void test_sites_a64(void **state)
{
	(void)state;
	const uint64_t B = 0x400000;
	uint32_t w[16];
	for (int i = 0; i < 16; i++)
		w[i] = 0xd65f03c0; /* ret */
	w[0] = 0xd503233f;     /* paciasp: f1 [0, 8) */
	w[2] = 0xd503201f;     /* nop, udf #0, nop padding */
	w[3] = 0;
	w[4] = 0xd503201f;
	w[5] = 0xd503245f; /* f2 [20, 24): bti c and nothing else; nop then $d */
	w[6] = 0xd503201f;
	w[7] = 0xd503201f;
	uint8_t *b = text;
	for (int i = 0; i < 16; i++)
		memcpy(b + 4 * i, &w[i], 4);
	struct xs_symtab t;
	assert_int_equal(xs_symtab_init(&t, symmem, sizeof(symmem), 32, 0), XS_OK);
	add(&t, "f1", XS_STT_FUNC, XS_STB_GLOBAL, B, 8, 1);
	add(&t, "$x", XS_STT_NOTYPE, XS_STB_LOCAL, B, 0, 1);
	add(&t, "f2", XS_STT_FUNC, XS_STB_GLOBAL, B + 20, 4, 1);
	add(&t, "$d", XS_STT_NOTYPE, XS_STB_LOCAL, B + 28, 0, 1);
	assert_int_equal(xs_symtab_finish(&t), XS_OK);
	struct xs_image_section secs[2] = {
		{.name = ""},
		{.name = ".text", .addr = B, .size = 64, .data = text,
		 .flags = XS_SHF_ALLOC | XS_SHF_EXECINSTR},
	};
	struct xs_site s[4];
	uint32_t n;
	assert_int_equal(xs_site_analyze(A64, &t, secs, 2, s, 4, &n, NULL), XS_OK);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].entry, XS_ENTRY_PACIASP);
	assert_int_equal(s[0].padding, 12);
	assert_int_equal(s[0].room, 16); /* 8 + 12 - 4 */
	assert_int_equal(s[1].entry, XS_ENTRY_BTI);
	assert_int_equal(s[1].padding, 4); /* stops at $d */
	assert_int_equal(s[1].room, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_known_encodings),
		cmocka_unit_test(test_nops),
		cmocka_unit_test(test_filler_forms),
		cmocka_unit_test(test_entry),
		cmocka_unit_test(test_planner_picks),
		cmocka_unit_test(test_planner_entry_kept),
		cmocka_unit_test(test_planner_expect_nop),
		cmocka_unit_test(test_fitting),
		cmocka_unit_test(test_sites_x86),
		cmocka_unit_test(test_sites_a64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
