/* SPDX-License-Identifier: MIT */
/*
 * x86-64 howto table and arch hooks: every implemented type at the exact
 * edges of its range (last good, first bad, both signs), GNU ld 2.40's
 * overflow rules, the table's own consistency, branch recognition, the
 * far-branch stub and GOTPCRELX relaxation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xsplice/howto.h>
#include <xsplice/link.h>

#include "arch.h"

static const struct xs_arch *const X86 = &xs_arch_x86_64;

/* Find a row by its psABI name; fails the test if absent. */
static const struct xs_howto *row(const char *name)
{
	for (uint32_t t = 0; t <= X86->max_type; t++) {
		const struct xs_howto *h = xs_arch_howto(X86, t);
		if (h && strcmp(h->name, name) == 0)
			return h;
	}
	fail_msg("no row named %s", name);
	return NULL;
}

/* ---- the numbers: psABI §4.4 table 4.9, written out independently ---- */

static const struct {
	uint32_t type;
	const char *name;
} psabi[] = {
    {0, "R_X86_64_NONE"},
    {1, "R_X86_64_64"},
    {2, "R_X86_64_PC32"},
    {3, "R_X86_64_GOT32"},
    {4, "R_X86_64_PLT32"},
    {5, "R_X86_64_COPY"},
    {6, "R_X86_64_GLOB_DAT"},
    {7, "R_X86_64_JUMP_SLOT"},
    {8, "R_X86_64_RELATIVE"},
    {9, "R_X86_64_GOTPCREL"},
    {10, "R_X86_64_32"},
    {11, "R_X86_64_32S"},
    {12, "R_X86_64_16"},
    {13, "R_X86_64_PC16"},
    {14, "R_X86_64_8"},
    {15, "R_X86_64_PC8"},
    {16, "R_X86_64_DTPMOD64"},
    {17, "R_X86_64_DTPOFF64"},
    {18, "R_X86_64_TPOFF64"},
    {19, "R_X86_64_TLSGD"},
    {20, "R_X86_64_TLSLD"},
    {21, "R_X86_64_DTPOFF32"},
    {22, "R_X86_64_GOTTPOFF"},
    {23, "R_X86_64_TPOFF32"},
    {24, "R_X86_64_PC64"},
    {25, "R_X86_64_GOTOFF64"},
    {26, "R_X86_64_GOTPC32"},
    {27, "R_X86_64_GOT64"},
    {28, "R_X86_64_GOTPCREL64"},
    {29, "R_X86_64_GOTPC64"},
    {30, "R_X86_64_GOTPLT64"},
    {31, "R_X86_64_PLTOFF64"},
    {32, "R_X86_64_SIZE32"},
    {33, "R_X86_64_SIZE64"},
    {34, "R_X86_64_GOTPC32_TLSDESC"},
    {35, "R_X86_64_TLSDESC_CALL"},
    {36, "R_X86_64_TLSDESC"},
    {37, "R_X86_64_IRELATIVE"},
    {38, "R_X86_64_RELATIVE64"},
    {39, "R_X86_64_PC32_BND"},
    {40, "R_X86_64_PLT32_BND"},
    {41, "R_X86_64_GOTPCRELX"},
    {42, "R_X86_64_REX_GOTPCRELX"},
    {43, "R_X86_64_CODE_4_GOTPCRELX"},
    {44, "R_X86_64_CODE_4_GOTTPOFF"},
    {45, "R_X86_64_CODE_4_GOTPC32_TLSDESC"},
    {46, "R_X86_64_CODE_5_GOTPCRELX"},
    {47, "R_X86_64_CODE_5_GOTTPOFF"},
    {48, "R_X86_64_CODE_5_GOTPC32_TLSDESC"},
    {49, "R_X86_64_CODE_6_GOTPCRELX"},
    {50, "R_X86_64_CODE_6_GOTTPOFF"},
    {51, "R_X86_64_CODE_6_GOTPC32_TLSDESC"},
    {250, "R_X86_64_GNU_VTINHERIT"},
    {251, "R_X86_64_GNU_VTENTRY"},
};

static void test_numbers_and_names(void **state)
{
	(void)state;
	size_t n = sizeof(psabi) / sizeof(psabi[0]), named = 0;

	for (size_t i = 0; i < n; i++) {
		const struct xs_howto *h = xs_arch_howto(X86, psabi[i].type);
		assert_non_null(h);
		assert_string_equal(h->name, psabi[i].name);
		assert_int_equal(h->type, psabi[i].type);
	}
	for (uint32_t t = 0; t <= X86->max_type; t++)
		named += X86->rows[t].name != NULL;
	assert_int_equal(named, n); /* no row the list does not know */
	assert_null(xs_arch_howto(X86, 52));
	assert_null(xs_arch_howto(X86, 249));
	assert_null(xs_arch_howto(X86, X86->max_type + 1));
	assert_null(xs_arch_howto(X86, UINT32_MAX));
}

/* ---- the table checks itself ---- */

static bool expr_uses_P(uint8_t e)
{
	return e == XS_EXPR_S_A_P || e == XS_EXPR_G_GOT_A_P || e == XS_EXPR_GOT_A_P;
}

static void test_table_self_check(void **state)
{
	(void)state;
	assert_string_equal(X86->name, "x86_64");
	assert_int_equal(X86->machine, 62);
	assert_non_null(X86->rows);

	for (uint32_t t = 0; t <= X86->max_type; t++) {
		const struct xs_howto *h = &X86->rows[t];
		if (h->name == NULL) {
			/* an unknown number is all zero: nothing for the engine to do */
			assert_int_equal(h->size, 0);
			assert_int_equal(h->flags, 0);
			continue;
		}
		const char *what = h->name;
		assert_int_equal(h->type, t);
		assert_true(strncmp(what, "R_X86_64_", 9) == 0);
		for (uint32_t u = 0; u < t; u++)
			if (X86->rows[u].name)
				assert_true(strcmp(X86->rows[u].name, what) != 0);

		assert_true(h->size == 0 || h->size == 1 || h->size == 2 || h->size == 4 ||
			    h->size == 8);
		assert_true(h->nfields <= XS_HOWTO_MAX_FIELDS);
		assert_true((h->size == 0) == (h->nfields == 0));

		/* mask is exactly the union of the fields, which do not overlap */
		uint64_t u = 0;
		unsigned bits = 0;
		for (unsigned i = 0; i < h->nfields; i++) {
			const struct xs_howto_field *f = &h->fields[i];
			assert_true(f->width >= 1 && f->pos + f->width <= 8u * h->size);
			uint64_t m = (f->width == 64 ? ~(uint64_t)0 : ((uint64_t)1 << f->width) - 1)
				     << f->pos;
			assert_int_equal(u & m, 0);
			u |= m;
			bits += f->width;
		}
		for (unsigned i = h->nfields; i < XS_HOWTO_MAX_FIELDS; i++)
			assert_int_equal(h->fields[i].width, 0);
		assert_int_equal(h->mask, u);
		assert_true(bits <= 8u * h->size);

		/* x86 units are whole words: one field, nothing shifted or scattered */
		if (h->size) {
			assert_int_equal(h->nfields, 1);
			assert_int_equal(h->fields[0].pos, 0);
			assert_int_equal(h->fields[0].width, 8 * h->size);
		}
		assert_int_equal(h->r_shift, 0);
		assert_int_equal(h->keep_bits, 0);
		assert_int_equal(h->align, 0);
		assert_int_equal(h->encoder, XS_ENC_DEPOSIT);
		assert_int_equal(h->insn_mask, 0);
		assert_int_equal(h->insn_match, 0);
		assert_false(h->flags & (XS_HOWTO_INSN | XS_HOWTO_ADRP));
		assert_true(h->overflow <= XS_OVF_SIGNED_OR_UNSIGNED);
		assert_true(h->overflow != XS_OVF_SIGNED_OR_UNSIGNED); /* an AArch64 rule */
		assert_true(h->size != 8 || h->overflow == XS_OVF_NONE);

		bool refused = h->flags & (XS_HOWTO_TLS | XS_HOWTO_UNSUPPORTED);
		assert_false((h->flags & XS_HOWTO_TLS) && (h->flags & XS_HOWTO_UNSUPPORTED));
		if (refused) {
			/* applying one by mistake could not write anything */
			assert_int_equal(h->expr, XS_EXPR_NONE);
			assert_false(h->flags & (XS_HOWTO_GOT | XS_HOWTO_BRANCH |
						 XS_HOWTO_MAYBE_BRANCH | XS_HOWTO_RELAX_GOTPCRELX));
			continue;
		}
		if (h->expr == XS_EXPR_NONE)
			assert_int_equal(h->size, 0);
		else
			assert_true(h->size > 0);
		assert_int_equal(!!(h->flags & XS_HOWTO_PCREL), expr_uses_P(h->expr));
		assert_int_equal(!!(h->flags & XS_HOWTO_GOT),
				 h->expr == XS_EXPR_G_GOT_A_P || h->expr == XS_EXPR_G_A_GOT);
		/* only x86-64 expressions */
		assert_true(h->expr <= XS_EXPR_Z_A || h->expr == XS_EXPR_G_A_GOT);
		if (h->flags & (XS_HOWTO_BRANCH | XS_HOWTO_MAYBE_BRANCH)) {
			assert_int_equal(h->expr, XS_EXPR_S_A_P);
			assert_int_equal(h->size, 4);
			assert_false((h->flags & XS_HOWTO_BRANCH) &&
				     (h->flags & XS_HOWTO_MAYBE_BRANCH));
		}
		if (h->flags & XS_HOWTO_RELAX_GOTPCRELX)
			assert_true(h->flags & XS_HOWTO_GOT);
	}
}

/* GNU ld 2.40's width, PC-relativity and overflow rule (oracle README). */
static void test_ld_rules(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		uint8_t size, overflow;
		bool pcrel;
		uint32_t flags; /* exact flags */
	} ld[] = {
	    {"R_X86_64_NONE", 0, XS_OVF_NONE, false, 0},
	    {"R_X86_64_64", 8, XS_OVF_NONE, false, 0},
	    {"R_X86_64_PC32", 4, XS_OVF_SIGNED, true, XS_HOWTO_PCREL | XS_HOWTO_MAYBE_BRANCH},
	    {"R_X86_64_PLT32", 4, XS_OVF_SIGNED, true, XS_HOWTO_PCREL | XS_HOWTO_BRANCH},
	    {"R_X86_64_GOTPCREL", 4, XS_OVF_SIGNED, true, XS_HOWTO_PCREL | XS_HOWTO_GOT},
	    {"R_X86_64_32", 4, XS_OVF_UNSIGNED, false, 0},
	    {"R_X86_64_32S", 4, XS_OVF_SIGNED, false, 0},
	    {"R_X86_64_16", 2, XS_OVF_BITFIELD, false, 0},
	    {"R_X86_64_PC16", 2, XS_OVF_BITFIELD, true, XS_HOWTO_PCREL},
	    {"R_X86_64_8", 1, XS_OVF_BITFIELD, false, 0},
	    {"R_X86_64_PC8", 1, XS_OVF_SIGNED, true, XS_HOWTO_PCREL},
	    {"R_X86_64_PC64", 8, XS_OVF_NONE, true, XS_HOWTO_PCREL},
	    {"R_X86_64_GOTOFF64", 8, XS_OVF_NONE, false, 0},
	    {"R_X86_64_GOT32", 4, XS_OVF_SIGNED, false, XS_HOWTO_GOT},
	    {"R_X86_64_GOT64", 8, XS_OVF_NONE, false, XS_HOWTO_GOT},
	    {"R_X86_64_GOTPLT64", 8, XS_OVF_NONE, false, XS_HOWTO_GOT},
	    {"R_X86_64_GOTPC32", 4, XS_OVF_SIGNED, true, XS_HOWTO_PCREL},
	    {"R_X86_64_GOTPCREL64", 8, XS_OVF_NONE, true, XS_HOWTO_PCREL | XS_HOWTO_GOT},
	    {"R_X86_64_GOTPC64", 8, XS_OVF_NONE, true, XS_HOWTO_PCREL},
	    {"R_X86_64_PLTOFF64", 8, XS_OVF_NONE, false, 0},
	    {"R_X86_64_SIZE32", 4, XS_OVF_UNSIGNED, false, 0},
	    {"R_X86_64_SIZE64", 8, XS_OVF_NONE, false, 0},
	    {"R_X86_64_PC32_BND", 4, XS_OVF_SIGNED, true, XS_HOWTO_PCREL | XS_HOWTO_MAYBE_BRANCH},
	    {"R_X86_64_PLT32_BND", 4, XS_OVF_SIGNED, true, XS_HOWTO_PCREL | XS_HOWTO_BRANCH},
	    {"R_X86_64_GOTPCRELX", 4, XS_OVF_SIGNED, true,
	     XS_HOWTO_PCREL | XS_HOWTO_GOT | XS_HOWTO_RELAX_GOTPCRELX},
	    {"R_X86_64_REX_GOTPCRELX", 4, XS_OVF_SIGNED, true,
	     XS_HOWTO_PCREL | XS_HOWTO_GOT | XS_HOWTO_RELAX_GOTPCRELX},
	    {"R_X86_64_CODE_4_GOTPCRELX", 4, XS_OVF_SIGNED, true, XS_HOWTO_PCREL | XS_HOWTO_GOT},
	    {"R_X86_64_CODE_5_GOTPCRELX", 4, XS_OVF_SIGNED, true, XS_HOWTO_PCREL | XS_HOWTO_GOT},
	    {"R_X86_64_CODE_6_GOTPCRELX", 4, XS_OVF_SIGNED, true, XS_HOWTO_PCREL | XS_HOWTO_GOT},
	    {"R_X86_64_GNU_VTINHERIT", 0, XS_OVF_NONE, false, 0},
	    {"R_X86_64_GNU_VTENTRY", 0, XS_OVF_NONE, false, 0},
	};
	for (size_t i = 0; i < sizeof(ld) / sizeof(ld[0]); i++) {
		const struct xs_howto *h = row(ld[i].name);
		assert_int_equal(h->size, ld[i].size);
		assert_int_equal(h->overflow, ld[i].overflow);
		assert_int_equal(!!(h->flags & XS_HOWTO_PCREL), ld[i].pcrel);
		assert_int_equal(h->flags, ld[i].flags);
	}
}

static void test_refused_rows(void **state)
{
	(void)state;
	static const char *const tls[] = {
	    "R_X86_64_DTPMOD64",
	    "R_X86_64_DTPOFF64",
	    "R_X86_64_TPOFF64",
	    "R_X86_64_TLSGD",
	    "R_X86_64_TLSLD",
	    "R_X86_64_DTPOFF32",
	    "R_X86_64_GOTTPOFF",
	    "R_X86_64_TPOFF32",
	    "R_X86_64_GOTPC32_TLSDESC",
	    "R_X86_64_TLSDESC_CALL",
	    "R_X86_64_TLSDESC",
	    "R_X86_64_CODE_4_GOTTPOFF",
	    "R_X86_64_CODE_4_GOTPC32_TLSDESC",
	    "R_X86_64_CODE_5_GOTTPOFF",
	    "R_X86_64_CODE_5_GOTPC32_TLSDESC",
	    "R_X86_64_CODE_6_GOTTPOFF",
	    "R_X86_64_CODE_6_GOTPC32_TLSDESC",
	};
	static const char *const unsupported[] = {
	    "R_X86_64_COPY",	  "R_X86_64_GLOB_DAT",	"R_X86_64_JUMP_SLOT",
	    "R_X86_64_RELATIVE",  "R_X86_64_IRELATIVE", "R_X86_64_RELATIVE64",
	};
	size_t ntls = 0, nuns = 0;

	for (size_t i = 0; i < sizeof(tls) / sizeof(tls[0]); i++) {
		const struct xs_howto *h = row(tls[i]);
		assert_true(h->flags & XS_HOWTO_TLS);
		assert_false(h->flags & XS_HOWTO_UNSUPPORTED);
		assert_int_equal(h->expr, XS_EXPR_NONE);
	}
	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		const struct xs_howto *h = row(unsupported[i]);
		assert_true(h->flags & XS_HOWTO_UNSUPPORTED);
		assert_false(h->flags & XS_HOWTO_TLS);
		assert_int_equal(h->expr, XS_EXPR_NONE);
	}
	/* and no other row is refused */
	for (uint32_t t = 0; t <= X86->max_type; t++) {
		ntls += X86->rows[t].name && (X86->rows[t].flags & XS_HOWTO_TLS);
		nuns += X86->rows[t].name && (X86->rows[t].flags & XS_HOWTO_UNSUPPORTED);
	}
	assert_int_equal(ntls, sizeof(tls) / sizeof(tls[0]));
	assert_int_equal(nuns, sizeof(unsupported) / sizeof(unsupported[0]));
	/* the units of refused types are still known, for bounds checks */
	assert_int_equal(row("R_X86_64_TPOFF32")->size, 4);
	assert_int_equal(row("R_X86_64_DTPMOD64")->size, 8);
	assert_int_equal(row("R_X86_64_TLSDESC_CALL")->size, 0);
	assert_int_equal(row("R_X86_64_GOT64")->size, 8);
}

/* ---- ranges as xs_howto_range reports them ---- */

static void test_ranges(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int64_t min, max;
	} rg[] = {
	    {"R_X86_64_PC32", INT32_MIN, INT32_MAX},
	    {"R_X86_64_PLT32", INT32_MIN, INT32_MAX},
	    {"R_X86_64_PC32_BND", INT32_MIN, INT32_MAX},
	    {"R_X86_64_PLT32_BND", INT32_MIN, INT32_MAX},
	    {"R_X86_64_GOTPCREL", INT32_MIN, INT32_MAX},
	    {"R_X86_64_GOTPCRELX", INT32_MIN, INT32_MAX},
	    {"R_X86_64_REX_GOTPCRELX", INT32_MIN, INT32_MAX},
	    {"R_X86_64_CODE_4_GOTPCRELX", INT32_MIN, INT32_MAX},
	    {"R_X86_64_CODE_5_GOTPCRELX", INT32_MIN, INT32_MAX},
	    {"R_X86_64_CODE_6_GOTPCRELX", INT32_MIN, INT32_MAX},
	    {"R_X86_64_GOTPC32", INT32_MIN, INT32_MAX},
	    {"R_X86_64_32S", INT32_MIN, INT32_MAX},
	    {"R_X86_64_32", 0, UINT32_MAX},
	    {"R_X86_64_SIZE32", 0, UINT32_MAX},
	    {"R_X86_64_16", -0x10000, 0xffff},
	    {"R_X86_64_PC16", -0x10000, 0xffff},
	    {"R_X86_64_8", -0x100, 0xff},
	    {"R_X86_64_PC8", -0x80, 0x7f},
	    {"R_X86_64_64", INT64_MIN, INT64_MAX},
	    {"R_X86_64_PC64", INT64_MIN, INT64_MAX},
	};
	for (size_t i = 0; i < sizeof(rg) / sizeof(rg[0]); i++) {
		int64_t lo = 1, hi = -1;
		xs_howto_range(row(rg[i].name), &lo, &hi);
		if (lo != rg[i].min || hi != rg[i].max)
			fail_msg("%s: range [%lld, %lld], want [%lld, %lld]", rg[i].name,
				 (long long)lo, (long long)hi, (long long)rg[i].min,
				 (long long)rg[i].max);
	}
}

/* ---- every implemented type at its edges ---- */

struct tcase {
	const char *name;
	uint64_t S;
	int64_t A;
	uint64_t P, GOT, G, Z;
	xs_status st;
	uint64_t want; /* the unit after (little-endian value); ignored on error */
};

#define P0 UINT64_C(0x0000700000401000)	   /* the place */
#define GOT0 UINT64_C(0x0000700000600000)  /* the GOT */
#define JUNK UINT64_C(0xa5a5a5a5a5a5a5a5)  /* unit bytes before: RELA ignores them */
#define OTHER UINT64_C(0x00007fffdead0000) /* an S that the row must not use */

/* clang-format off */
/* X = S + A: absolute. */
#define ABS(n, s, a, st, w) {n, (s), (a), P0, GOT0, OTHER, 0, st, (w)}
/* X = S + A - P, A = -4 as a compiler emits it. */
#define REL(n, x, st, w) {n, P0 + (uint64_t)(int64_t)(x) + 4, -4, P0, GOT0, OTHER, 0, st, (w)}
/* X = G + A - P: S is elsewhere, only the slot address counts. */
#define GREL(n, x, st, w) {n, OTHER, -4, P0, GOT0, P0 + (uint64_t)(int64_t)(x) + 4, 0, st, (w)}
/* X = GOT + A - P. */
#define GOTREL(n, x, st, w) {n, OTHER, -4, P0, P0 + (uint64_t)(int64_t)(x) + 4, OTHER, 0, st, (w)}
/* X = S + A - GOT. */
#define GOTOFF(n, x, st, w) {n, GOT0 + (uint64_t)(int64_t)(x) - 8, 8, P0, GOT0, OTHER, 0, st, (w)}
/* X = G - GOT + A (A = 0). */
#define GOFF(n, x, st, w) {n, OTHER, 0, P0, GOT0, GOT0 + (uint64_t)(int64_t)(x), 0, st, (w)}
/* X = Z + A. */
#define SIZE(n, z, a, st, w) {n, OTHER, (a), P0, GOT0, OTHER, (z), st, (w)}
/* clang-format on */

#define OK XS_OK
#define OVF XS_E_OVERFLOW

/* The signed 32-bit edges of a PC-relative row written with macro M. */
#define S32_EDGES(M, n)                                                                            \
	M(n, 0, OK, 0), M(n, 0x7fffffff, OK, 0x7fffffff), M(n, 0x80000000, OVF, 0),                \
	    M(n, -0x80000000LL, OK, 0x80000000), M(n, -0x80000001LL, OVF, 0),                      \
	    M(n, -1, OK, 0xffffffff), M(n, 0x100000000LL, OVF, 0), M(n, -0x100000000LL, OVF, 0)

static const struct tcase cases[] = {
    /* NONE: nothing is written, whatever the inputs */
    ABS("R_X86_64_NONE", UINT64_MAX, INT64_MIN, OK, 0),
    ABS("R_X86_64_GNU_VTINHERIT", 0x1234, 0, OK, 0),
    ABS("R_X86_64_GNU_VTENTRY", 0x1234, 8, OK, 0),

    /* 64: no check, wraps */
    ABS("R_X86_64_64", 0x123456789abcdef0, 0x10, OK, 0x123456789abcdf00),
    ABS("R_X86_64_64", 0x10, -0x20, OK, 0xfffffffffffffff0),
    ABS("R_X86_64_64", UINT64_MAX, 1, OK, 0),
    ABS("R_X86_64_64", 0, INT64_MIN, OK, 0x8000000000000000),
    ABS("R_X86_64_64", 0xffffffff81000000, 0, OK, 0xffffffff81000000),

    /* 32: unsigned 32 (ld), so a negative X overflows where 32S takes it */
    ABS("R_X86_64_32", 0, 0, OK, 0),
    ABS("R_X86_64_32", 0xffffffff, 0, OK, 0xffffffff),
    ABS("R_X86_64_32", 0xfffffff0, 0xf, OK, 0xffffffff),
    ABS("R_X86_64_32", 0x100000000, 0, OVF, 0),
    ABS("R_X86_64_32", 0xfffffff0, 0x10, OVF, 0),
    ABS("R_X86_64_32", 0, -1, OVF, 0),
    ABS("R_X86_64_32", 0x10, -0x11, OVF, 0),
    ABS("R_X86_64_32", 0xffffffff80000000, 0, OVF, 0),

    /* 32S: signed 32; kernel addresses fit, 2 GiB..4 GiB does not */
    ABS("R_X86_64_32S", 0, 0, OK, 0),
    ABS("R_X86_64_32S", 0x7fffffff, 0, OK, 0x7fffffff),
    ABS("R_X86_64_32S", 0x80000000, 0, OVF, 0),
    ABS("R_X86_64_32S", 0x7ffffff0, 0x10, OVF, 0),
    ABS("R_X86_64_32S", 0xffffffff80000000, 0, OK, 0x80000000),
    ABS("R_X86_64_32S", 0xffffffff7fffffff, 0, OVF, 0),
    ABS("R_X86_64_32S", 0, -0x80000000LL, OK, 0x80000000),
    ABS("R_X86_64_32S", 0, -0x80000001LL, OVF, 0),
    ABS("R_X86_64_32S", 0xffffffff81000000, 0x18, OK, 0x81000018),
    ABS("R_X86_64_32S", 0xffffffff, 0, OVF, 0),

    /* 16: bitfield -2^16 <= X < 2^16 */
    ABS("R_X86_64_16", 0xffff, 0, OK, 0xffff),
    ABS("R_X86_64_16", 0x10000, 0, OVF, 0),
    ABS("R_X86_64_16", 0, -0x10000, OK, 0x0000),
    ABS("R_X86_64_16", 0, -0x10001, OVF, 0),
    ABS("R_X86_64_16", 0, -1, OK, 0xffff),
    ABS("R_X86_64_16", 0xbeef, -0x100, OK, 0xbdef),
    ABS("R_X86_64_16", 0x8000, 0, OK, 0x8000),

    /* 8: bitfield -2^8 <= X < 2^8 */
    ABS("R_X86_64_8", 0xff, 0, OK, 0xff),
    ABS("R_X86_64_8", 0x100, 0, OVF, 0),
    ABS("R_X86_64_8", 0, -0x100, OK, 0x00),
    ABS("R_X86_64_8", 0, -0x101, OVF, 0),
    ABS("R_X86_64_8", 0x5a, 3, OK, 0x5d),
    ABS("R_X86_64_8", 0x80, 0, OK, 0x80),

    /* PC32 / PLT32 and friends: signed 32 */
    S32_EDGES(REL, "R_X86_64_PC32"),
    S32_EDGES(REL, "R_X86_64_PLT32"),
    S32_EDGES(REL, "R_X86_64_PC32_BND"),
    S32_EDGES(REL, "R_X86_64_PLT32_BND"),
    S32_EDGES(GREL, "R_X86_64_GOTPCREL"),
    S32_EDGES(GREL, "R_X86_64_GOTPCRELX"),
    S32_EDGES(GREL, "R_X86_64_REX_GOTPCRELX"),
    S32_EDGES(GREL, "R_X86_64_CODE_4_GOTPCRELX"),
    S32_EDGES(GREL, "R_X86_64_CODE_5_GOTPCRELX"),
    S32_EDGES(GREL, "R_X86_64_CODE_6_GOTPCRELX"),
    S32_EDGES(GOTREL, "R_X86_64_GOTPC32"),
    /* a PC32 with the addend of `addl $1, x+4(%rip)` */
    {"R_X86_64_PC32", P0 + 0x100, -5 + 4, P0, GOT0, OTHER, 0, OK, 0xff},

    /* PC16: bitfield, like 16 */
    REL("R_X86_64_PC16", 0xffff, OK, 0xffff),
    REL("R_X86_64_PC16", 0x10000, OVF, 0),
    REL("R_X86_64_PC16", -0x10000, OK, 0x0000),
    REL("R_X86_64_PC16", -0x10001, OVF, 0),
    REL("R_X86_64_PC16", -0x1234, OK, 0xedcc),
    REL("R_X86_64_PC16", 0x8000, OK, 0x8000),

    /* PC8: signed 8, so 0x80..0xff overflow here but not for R_X86_64_8 */
    REL("R_X86_64_PC8", 0x7f, OK, 0x7f),
    REL("R_X86_64_PC8", 0x80, OVF, 0),
    REL("R_X86_64_PC8", -0x80, OK, 0x80),
    REL("R_X86_64_PC8", -0x81, OVF, 0),
    REL("R_X86_64_PC8", 0xff, OVF, 0),
    REL("R_X86_64_PC8", -0x60, OK, 0xa0),

    /* 64-bit PC-relative and GOT forms: no check */
    REL("R_X86_64_PC64", 0, OK, 0),
    REL("R_X86_64_PC64", -1, OK, 0xffffffffffffffff),
    REL("R_X86_64_PC64", INT64_MAX, OK, 0x7fffffffffffffff),
    REL("R_X86_64_PC64", INT64_MIN, OK, 0x8000000000000000),
    REL("R_X86_64_PC64", 0x100000000LL, OK, 0x100000000),
    GREL("R_X86_64_GOTPCREL64", 0x200000, OK, 0x200000),
    GREL("R_X86_64_GOTPCREL64", -0x100000000LL, OK, 0xffffffff00000000),
    GREL("R_X86_64_GOTPCREL64", INT64_MIN, OK, 0x8000000000000000),
    GOTREL("R_X86_64_GOTPC64", 0x1ff000, OK, 0x1ff000),
    GOTREL("R_X86_64_GOTPC64", -0x300000000LL, OK, 0xfffffffd00000000),
    GOTREL("R_X86_64_GOTPC64", INT64_MAX, OK, 0x7fffffffffffffff),
    GOFF("R_X86_64_GOT32", 0x7fffffff, OK, 0x7fffffff),
    GOFF("R_X86_64_GOT32", 0x80000000LL, OVF, 0),
    GOFF("R_X86_64_GOT32", -0x80000000LL, OK, 0x80000000),
    GOFF("R_X86_64_GOT32", -0x80000001LL, OVF, 0),
    GOFF("R_X86_64_GOT64", 0x18, OK, 0x18),
    GOFF("R_X86_64_GOT64", -8, OK, 0xfffffffffffffff8),
    GOFF("R_X86_64_GOTPLT64", 0x20, OK, 0x20),
    GOTOFF("R_X86_64_GOTOFF64", 0x40, OK, 0x40),
    GOTOFF("R_X86_64_GOTOFF64", -0x200000, OK, 0xffffffffffe00000),
    GOTOFF("R_X86_64_GOTOFF64", INT64_MIN, OK, 0x8000000000000000),
    GOTOFF("R_X86_64_PLTOFF64", 0x1000, OK, 0x1000),
    GOTOFF("R_X86_64_PLTOFF64", -0x1000, OK, 0xfffffffffffff000),

    /* SIZE32: unsigned 32 of Z + A; SIZE64: no check */
    SIZE("R_X86_64_SIZE32", 0, 0, OK, 0),
    SIZE("R_X86_64_SIZE32", 0xffffffff, 0, OK, 0xffffffff),
    SIZE("R_X86_64_SIZE32", 0x100000000, 0, OVF, 0),
    SIZE("R_X86_64_SIZE32", 0xfffffff0, 0x10, OVF, 0),
    SIZE("R_X86_64_SIZE32", 0x10, -0x10, OK, 0),
    SIZE("R_X86_64_SIZE32", 0x10, -0x11, OVF, 0),
    SIZE("R_X86_64_SIZE32", 0x28, 8, OK, 0x30),
    SIZE("R_X86_64_SIZE64", 0x10, -0x11, OK, 0xffffffffffffffff),
    SIZE("R_X86_64_SIZE64", 0x100000000, 0x10, OK, 0x100000010),
};

static void test_apply_edges(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		const struct xs_howto *h = row(c->name);
		struct xs_reloc_vals v = {
		    .S = c->S, .A = c->A, .P = c->P, .GOT = c->GOT, .G = c->G, .Z = c->Z};
		uint8_t buf[16], before[16];
		struct xs_diag d;
		const unsigned at = 4;

		memset(buf, 0x5a, sizeof(buf));
		for (unsigned k = 0; k < h->size; k++)
			buf[at + k] = (uint8_t)(JUNK >> (8 * k));
		memcpy(before, buf, sizeof(buf));
		memset(&d, 0, sizeof(d));

		/* compute first: it must not write, whatever the outcome */
		struct xs_howto_result r;
		xs_status s1 = xs_howto_compute(h, &v, buf + at, &r, &d);
		assert_memory_equal(buf, before, sizeof(buf));

		memset(&d, 0, sizeof(d));
		xs_status st = xs_howto_apply(h, &v, buf + at, &d);
		if (st != c->st || s1 != c->st)
			fail_msg("case %zu %s: status %s/%s, want %s", i, c->name,
				 xs_status_name(s1), xs_status_name(st), xs_status_name(c->st));
		if (st != XS_OK) {
			/* nothing written; the diagnostic has the value and range */
			assert_memory_equal(buf, before, sizeof(buf));
			assert_int_equal(d.status, st);
			int64_t x = xs_howto_value(h, &v), lo, hi;
			xs_howto_range(h, &lo, &hi);
			assert_int_equal(d.value, x);
			assert_int_equal(d.min, lo);
			assert_int_equal(d.max, hi);
			assert_true(x < lo || x > hi);
			continue;
		}
		uint64_t got = 0;
		for (unsigned k = 0; k < h->size; k++)
			got |= (uint64_t)buf[at + k] << (8 * k);
		if (got != c->want)
			fail_msg("case %zu %s: unit %#llx, want %#llx", i, c->name,
				 (unsigned long long)got, (unsigned long long)c->want);
		if (h->size == 0)
			assert_memory_equal(buf, before, sizeof(buf));
		for (unsigned k = 0; k < at; k++)
			assert_int_equal(buf[k], 0x5a);
		for (unsigned k = at + h->size; k < sizeof(buf); k++)
			assert_int_equal(buf[k], 0x5a);
	}
}

/* Every row that computes something has a case above. */
static void test_every_row_has_cases(void **state)
{
	(void)state;
	for (uint32_t t = 0; t <= X86->max_type; t++) {
		const struct xs_howto *h = &X86->rows[t];
		if (!h->name || (h->flags & (XS_HOWTO_TLS | XS_HOWTO_UNSUPPORTED)))
			continue;
		unsigned ok = 0, bad = 0;
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			if (strcmp(cases[i].name, h->name) != 0)
				continue;
			ok += cases[i].st == XS_OK;
			bad += cases[i].st != XS_OK;
		}
		if (ok == 0 || (h->overflow != XS_OVF_NONE && bad < 2))
			fail_msg("%s: %u good / %u bad cases", h->name, ok, bad);
	}
}

/* ---- is_branch ---- */

static bool is_branch_exact(const char *name, const uint8_t *bytes, size_t n, uint64_t off)
{
	/* an exact-size heap copy: ASan catches a read before the section */
	uint8_t *sec = malloc(n ? n : 1);
	assert_non_null(sec);
	memcpy(sec, bytes, n);
	bool b = X86->is_branch(row(name), sec, off);
	free(sec);
	return b;
}

static void test_is_branch(void **state)
{
	(void)state;
	static const struct {
		uint8_t bytes[8];
		size_t n;
		uint64_t off;
		bool want;
		const char *what;
	} bc[] = {
	    {{0xe8, 0, 0, 0, 0}, 5, 1, true, "call rel32"},
	    {{0xe9, 0, 0, 0, 0}, 5, 1, true, "jmp rel32"},
	    {{0x0f, 0x80, 0, 0, 0, 0}, 6, 2, true, "jo rel32"},
	    {{0x0f, 0x84, 0, 0, 0, 0}, 6, 2, true, "je rel32"},
	    {{0x0f, 0x85, 0, 0, 0, 0}, 6, 2, true, "jne rel32"},
	    {{0x0f, 0x8f, 0, 0, 0, 0}, 6, 2, true, "jg rel32"},
	    {{0x90, 0xe8, 0, 0, 0, 0}, 6, 2, true, "call after a nop"},
	    {{0xf2, 0xe8, 0, 0, 0, 0}, 6, 2, true, "bnd call"},
	    {{0x0f, 0x90, 0, 0, 0, 0}, 6, 2, false, "seto (0f 90)"},
	    {{0x0f, 0x7f, 0, 0, 0, 0}, 6, 2, false, "0f 7f"},
	    {{0x90, 0x85, 0, 0, 0, 0}, 6, 2, false, "85 without 0f"},
	    {{0x48, 0x8d, 0x05, 0, 0, 0, 0}, 7, 3, false, "lea x(%rip)"},
	    {{0x8b, 0x05, 0, 0, 0, 0}, 6, 2, false, "mov x(%rip)"},
	    {{0xff, 0x15, 0, 0, 0, 0}, 6, 2, false, "call *x(%rip)"},
	    {{0xeb, 0, 0, 0, 0}, 5, 1, false, "jmp rel8 (eb)"},
	    {{0xb8, 0, 0, 0, 0}, 5, 1, false, "mov $imm32"},
	    {{0, 0, 0, 0}, 4, 0, false, "offset 0: nothing before"},
	    {{0x85, 0, 0, 0, 0}, 5, 1, false, "offset 1: no room for 0f"},
	    {{0x0f, 0x85, 0xe8, 0, 0, 0, 0}, 7, 3, true, "e8 right before wins"},
	    {{0x0f, 0x85, 0, 0, 0, 0, 0}, 7, 3, false, "jcc one byte earlier"},
	};
	for (size_t i = 0; i < sizeof(bc) / sizeof(bc[0]); i++) {
		bool b = is_branch_exact("R_X86_64_PC32", bc[i].bytes, bc[i].n, bc[i].off);
		if (b != bc[i].want)
			fail_msg("is_branch %s: %d, want %d", bc[i].what, b, bc[i].want);
	}
	/* an empty section with off 0 must not read at all */
	assert_false(X86->is_branch(row("R_X86_64_PC32"), NULL, 0));
	assert_true(is_branch_exact("R_X86_64_PLT32", (const uint8_t[]){0xe9, 1, 2, 3, 4}, 5, 1));
}

/* ---- branch_target ---- */

static void test_branch_target(void **state)
{
	(void)state;
	const struct xs_howto *h = row("R_X86_64_PLT32");

	assert_int_equal(X86->branch_target(h, 0x401028, -4), 0x401028);
	assert_int_equal(X86->branch_target(h, 0x401028, 0), 0x40102c);
	assert_int_equal(X86->branch_target(h, 0x401028, 12), 0x401038);
	assert_int_equal(X86->branch_target(h, 0, -4), 0);
	assert_int_equal(X86->branch_target(h, UINT64_MAX, 1), 4);
	assert_int_equal(X86->branch_target(h, 0xffffffff81000000, -4), 0xffffffff81000000);
}

/* ---- the far-branch stub ---- */

static void test_stub(void **state)
{
	(void)state;
	static const uint64_t targets[] = {0x401028, 0xffffffff81000000, 0, UINT64_MAX,
					   0x123456789abcdef0};

	assert_int_equal(X86->stub_size, 16);
	assert_int_equal(X86->stub_align, 16);
	assert_int_equal(X86->got_entry_size, 8);
	assert_int_equal(X86->text_align, 16);

	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		uint8_t buf[48];
		uint64_t at = 0x7f0000001000 + 16 * i, t = targets[i];

		memset(buf, 0, sizeof(buf));
		X86->write_stub(buf + 16, at, t);
		const uint8_t want[16] = {0xff,
					  0x25,
					  0,
					  0,
					  0,
					  0,
					  (uint8_t)t,
					  (uint8_t)(t >> 8),
					  (uint8_t)(t >> 16),
					  (uint8_t)(t >> 24),
					  (uint8_t)(t >> 32),
					  (uint8_t)(t >> 40),
					  (uint8_t)(t >> 48),
					  (uint8_t)(t >> 56),
					  0xcc,
					  0xcc};
		assert_memory_equal(buf + 16, want, 16);
		for (unsigned k = 0; k < 16; k++) {
			assert_int_equal(buf[k], 0);
			assert_int_equal(buf[32 + k], 0);
		}

		/* follow it as a CPU would: jmp *disp32(%rip) loads at at + 6 + disp */
		int32_t disp = (int32_t)((uint32_t)buf[18] | (uint32_t)buf[19] << 8 |
					 (uint32_t)buf[20] << 16 | (uint32_t)buf[21] << 24);
		uint64_t slot = at + 6 + (uint64_t)(int64_t)disp, dest = 0;
		assert_true(slot >= at && slot + 8 <= at + 16);
		for (unsigned k = 0; k < 8; k++)
			dest |= (uint64_t)buf[16 + (slot - at) + k] << (8 * k);
		assert_int_equal(dest, t);
	}
}

/* ---- GOTPCRELX relaxation ---- */

struct rcase {
	const char *what;
	const char *name;
	uint8_t in[12];
	size_t n;     /* section size */
	uint64_t off; /* of the rel32 */
	uint64_t S;
	int64_t A;
	uint32_t link_flags;
	bool defined;
	xs_status st;
	uint8_t out[12]; /* when XS_OK */
};

#define SEC UINT64_C(0x401000) /* section address: P = SEC + off */
#define RX XS_LINK_RELAX
#define NF XS_E_NOT_FOUND
/* S so that S + A - P == x for the rel32 at off with A = -4 */
#define SX(off, x) (SEC + (off) + (uint64_t)(int64_t)(x) + 4)

/* clang-format off: one case per line reads as a table */
static const struct rcase relax[] = {
    {"mov -> lea (REX.W)",
     "R_X86_64_REX_GOTPCRELX",
     {0x48, 0x8b, 0x05, 0, 0, 0, 0},
     7,
     3,
     SX(3, 0x21),
     -4,
     RX,
     true,
     OK,
     {0x48, 0x8d, 0x05, 0x21, 0, 0, 0}},
    {"mov -> lea (no REX)",
     "R_X86_64_GOTPCRELX",
     {0x8b, 0x05, 0, 0, 0, 0},
     6,
     2,
     SX(2, 0x1b),
     -4,
     RX,
     true,
     OK,
     {0x8d, 0x05, 0x1b, 0, 0, 0}},
    {"mov -> lea (%r12)",
     "R_X86_64_REX_GOTPCRELX",
     {0x4c, 0x8b, 0x25, 0, 0, 0, 0},
     7,
     3,
     SX(3, 0x14),
     -4,
     RX,
     true,
     OK,
     {0x4c, 0x8d, 0x25, 0x14, 0, 0, 0}},
    {"mov -> lea, last good +",
     "R_X86_64_REX_GOTPCRELX",
     {0x48, 0x8b, 0x05, 0, 0, 0, 0},
     7,
     3,
     SX(3, 0x7fffffff),
     -4,
     RX,
     true,
     OK,
     {0x48, 0x8d, 0x05, 0xff, 0xff, 0xff, 0x7f}},
    {"mov -> lea, first bad +",
     "R_X86_64_REX_GOTPCRELX",
     {0x48, 0x8b, 0x05, 0, 0, 0, 0},
     7,
     3,
     SX(3, 0x80000000),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"mov -> lea, last good -",
     "R_X86_64_REX_GOTPCRELX",
     {0x48, 0x8b, 0x05, 0, 0, 0, 0},
     7,
     3,
     SX(3, -0x80000000LL),
     -4,
     RX,
     true,
     OK,
     {0x48, 0x8d, 0x05, 0, 0, 0, 0x80}},
    {"mov -> lea, first bad -",
     "R_X86_64_REX_GOTPCRELX",
     {0x48, 0x8b, 0x05, 0, 0, 0, 0},
     7,
     3,
     SX(3, -0x80000001LL),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"mov -> lea, far (4 GiB)",
     "R_X86_64_GOTPCRELX",
     {0x8b, 0x05, 0, 0, 0, 0},
     6,
     2,
     SX(2, 0x100000000LL),
     -4,
     RX,
     true,
     NF,
     {0}},

    {"call -> addr32 call",
     "R_X86_64_GOTPCRELX",
     {0xff, 0x15, 0, 0, 0, 0},
     6,
     2,
     SX(2, 0x0e),
     -4,
     RX,
     true,
     OK,
     {0x67, 0xe8, 0x0e, 0, 0, 0}},
    {"call, last good +",
     "R_X86_64_GOTPCRELX",
     {0xff, 0x15, 0, 0, 0, 0},
     6,
     2,
     SX(2, 0x7fffffff),
     -4,
     RX,
     true,
     OK,
     {0x67, 0xe8, 0xff, 0xff, 0xff, 0x7f}},
    {"call, first bad +",
     "R_X86_64_GOTPCRELX",
     {0xff, 0x15, 0, 0, 0, 0},
     6,
     2,
     SX(2, 0x80000000),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"call, last good -",
     "R_X86_64_GOTPCRELX",
     {0xff, 0x15, 0, 0, 0, 0},
     6,
     2,
     SX(2, -0x80000000LL),
     -4,
     RX,
     true,
     OK,
     {0x67, 0xe8, 0, 0, 0, 0x80}},
    {"call, first bad -",
     "R_X86_64_GOTPCRELX",
     {0xff, 0x15, 0, 0, 0, 0},
     6,
     2,
     SX(2, -0x80000001LL),
     -4,
     RX,
     true,
     NF,
     {0}},

    /* jmp's rel32 moves to P - 1: X = S + A - (P - 1) = (S + A - P) + 1 */
    {"jmp -> jmp; nop",
     "R_X86_64_GOTPCRELX",
     {0xff, 0x25, 0, 0, 0, 0},
     6,
     2,
     SX(2, 0x08),
     -4,
     RX,
     true,
     OK,
     {0xe9, 0x09, 0, 0, 0, 0x90}},
    {"jmp, last good +",
     "R_X86_64_GOTPCRELX",
     {0xff, 0x25, 0, 0, 0, 0},
     6,
     2,
     SX(2, 0x7ffffffe),
     -4,
     RX,
     true,
     OK,
     {0xe9, 0xff, 0xff, 0xff, 0x7f, 0x90}},
    {"jmp, first bad + (call would fit)",
     "R_X86_64_GOTPCRELX",
     {0xff, 0x25, 0, 0, 0, 0},
     6,
     2,
     SX(2, 0x7fffffff),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"jmp, last good -",
     "R_X86_64_GOTPCRELX",
     {0xff, 0x25, 0, 0, 0, 0},
     6,
     2,
     SX(2, -0x80000001LL),
     -4,
     RX,
     true,
     OK,
     {0xe9, 0, 0, 0, 0x80, 0x90}},
    {"jmp, first bad -",
     "R_X86_64_GOTPCRELX",
     {0xff, 0x25, 0, 0, 0, 0},
     6,
     2,
     SX(2, -0x80000002LL),
     -4,
     RX,
     true,
     NF,
     {0}},

    /* not allowed, or not a form we relax: the GOT row applies */
    {"no XS_LINK_RELAX",
     "R_X86_64_REX_GOTPCRELX",
     {0x48, 0x8b, 0x05, 0, 0, 0, 0},
     7,
     3,
     SX(3, 0x21),
     -4,
     0,
     true,
     NF,
     {0}},
    {"undefined weak target",
     "R_X86_64_REX_GOTPCRELX",
     {0x48, 0x8b, 0x05, 0, 0, 0, 0},
     7,
     3,
     0,
     -4,
     RX,
     false,
     NF,
     {0}},
    {"call, undefined weak",
     "R_X86_64_GOTPCRELX",
     {0xff, 0x15, 0, 0, 0, 0},
     6,
     2,
     0,
     -4,
     RX,
     false,
     NF,
     {0}},
    {"plain GOTPCREL is never relaxed",
     "R_X86_64_GOTPCREL",
     {0x48, 0x8b, 0x05, 0, 0, 0, 0},
     7,
     3,
     SX(3, 0x21),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"APX GOTPCRELX stays on the GOT",
     "R_X86_64_CODE_4_GOTPCRELX",
     {0xd5, 0x48, 0x8b, 0x05, 0, 0, 0, 0},
     8,
     4,
     SX(4, 0x21),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"PC32 row",
     "R_X86_64_PC32",
     {0xff, 0x15, 0, 0, 0, 0},
     6,
     2,
     SX(2, 0x21),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"test %rax, x@GOTPCREL",
     "R_X86_64_REX_GOTPCRELX",
     {0x48, 0x85, 0x05, 0, 0, 0, 0},
     7,
     3,
     SX(3, 0x21),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"add x@GOTPCREL, %rax",
     "R_X86_64_REX_GOTPCRELX",
     {0x48, 0x03, 0x05, 0, 0, 0, 0},
     7,
     3,
     SX(3, 0x21),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"push *x@GOTPCREL (ff /6)",
     "R_X86_64_GOTPCRELX",
     {0xff, 0x35, 0, 0, 0, 0},
     6,
     2,
     SX(2, 0x21),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"REX call *x@GOTPCREL",
     "R_X86_64_REX_GOTPCRELX",
     {0x48, 0xff, 0x15, 0, 0, 0, 0},
     7,
     3,
     SX(3, 0x21),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"mov with SIB, not rip",
     "R_X86_64_GOTPCRELX",
     {0x8b, 0x04, 0, 0, 0, 0},
     6,
     2,
     SX(2, 0x21),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"mov with mod 01",
     "R_X86_64_GOTPCRELX",
     {0x8b, 0x45, 0, 0, 0, 0},
     6,
     2,
     SX(2, 0x21),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"REX form without a REX byte",
     "R_X86_64_REX_GOTPCRELX",
     {0x90, 0x8b, 0x05, 0, 0, 0, 0},
     7,
     3,
     SX(3, 0x21),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"REX form at offset 2",
     "R_X86_64_REX_GOTPCRELX",
     {0x8b, 0x05, 0, 0, 0, 0},
     6,
     2,
     SX(2, 0x21),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"offset 1",
     "R_X86_64_GOTPCRELX",
     {0x05, 0, 0, 0, 0},
     5,
     1,
     SX(1, 0x21),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"offset 0", "R_X86_64_GOTPCRELX", {0, 0, 0, 0}, 4, 0, SX(0, 0x21), -4, RX, true, NF, {0}},
    {"rel32 past the section end",
     "R_X86_64_GOTPCRELX",
     {0xff, 0x15, 0, 0, 0},
     5,
     2,
     SX(2, 0x21),
     -4,
     RX,
     true,
     NF,
     {0}},
    {"offset past the section end",
     "R_X86_64_GOTPCRELX",
     {0xff, 0x15, 0, 0, 0, 0},
     6,
     7,
     SX(7, 0x21),
     -4,
     RX,
     true,
     NF,
     {0}},
};
/* clang-format on */

static void test_relax(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(relax) / sizeof(relax[0]); i++) {
		const struct rcase *c = &relax[i];
		uint8_t *sec = malloc(c->n); /* exact size: ASan sees any stray access */
		assert_non_null(sec);
		memcpy(sec, c->in, c->n);

		struct xs_reloc_site site = {
		    .howto = row(c->name),
		    .v = {.S = c->S, .A = c->A, .P = SEC + c->off, .GOT = GOT0, .G = GOT0 + 0x18},
		    .sec_w = sec,
		    .sec_size = c->n,
		    .offset = c->off,
		    .has_got = true,
		    .target_defined = c->defined,
		    .link_flags = c->link_flags,
		};
		struct xs_diag d;
		memset(&d, 0, sizeof(d));
		xs_status st = X86->special(&site, &d);
		if (st != c->st)
			fail_msg("relax %s: %s, want %s", c->what, xs_status_name(st),
				 xs_status_name(c->st));
		if (st == XS_OK)
			assert_memory_equal(sec, c->out, c->n);
		else
			assert_memory_equal(sec, c->in, c->n); /* not a byte written */
		free(sec);
	}
}

/* The exact bytes GNU ld 2.40 writes for the same input with -pie. */
static void test_relax_matches_ld(void **state)
{
	(void)state;
	/*
	 *  0: 48 8b 05 R  movq foo@GOTPCREL(%rip), %rax   REX_GOTPCRELX at 3
	 *  7: 8b 05 R     movl foo@GOTPCREL(%rip), %eax   GOTPCRELX at 9
	 *  d: 4c 8b 25 R  movq foo@GOTPCREL(%rip), %r12   REX_GOTPCRELX at 0x10
	 * 14: ff 15 R     call *foo@GOTPCREL(%rip)        GOTPCRELX at 0x16
	 * 1a: ff 25 R     jmp *foo@GOTPCREL(%rip)         GOTPCRELX at 0x1c
	 * 20: c3          foo: ret   (section at 0x401000)
	 */
	static const uint8_t in[] = {0x48, 0x8b, 0x05, 0,    0,	   0,	 0, 0x8b, 0x05, 0,    0,
				     0,	   0,	 0x4c, 0x8b, 0x25, 0,	 0, 0,	  0,	0xff, 0x15,
				     0,	   0,	 0,    0,    0xff, 0x25, 0, 0,	  0,	0,    0xc3};
	static const uint8_t ld[] = {0x48, 0x8d, 0x05, 0x19, 0,	   0,	 0, 0x8d, 0x05, 0x13, 0,
				     0,	   0,	 0x4c, 0x8d, 0x25, 0x0c, 0, 0,	  0,	0x67, 0xe8,
				     0x06, 0,	 0,    0,    0xe9, 0x01, 0, 0,	  0,	0x90, 0xc3};
	static const struct {
		const char *name;
		uint64_t off;
	} rel[] = {{"R_X86_64_REX_GOTPCRELX", 3},
		   {"R_X86_64_GOTPCRELX", 9},
		   {"R_X86_64_REX_GOTPCRELX", 0x10},
		   {"R_X86_64_GOTPCRELX", 0x16},
		   {"R_X86_64_GOTPCRELX", 0x1c}};
	uint8_t sec[sizeof(in)];

	memcpy(sec, in, sizeof(in));
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		struct xs_reloc_site site = {
		    .howto = row(rel[i].name),
		    .v = {.S = SEC + 0x20, .A = -4, .P = SEC + rel[i].off, .GOT = GOT0, .G = GOT0},
		    .sec_w = sec,
		    .sec_size = sizeof(sec),
		    .offset = rel[i].off,
		    .has_got = true,
		    .target_defined = true,
		    .link_flags = XS_LINK_RELAX,
		};
		struct xs_diag d;
		assert_int_equal(X86->special(&site, &d), XS_OK);
	}
	assert_memory_equal(sec, ld, sizeof(ld));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_numbers_and_names),
	    cmocka_unit_test(test_table_self_check),
	    cmocka_unit_test(test_ld_rules),
	    cmocka_unit_test(test_refused_rows),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_apply_edges),
	    cmocka_unit_test(test_every_row_has_cases),
	    cmocka_unit_test(test_is_branch),
	    cmocka_unit_test(test_branch_target),
	    cmocka_unit_test(test_stub),
	    cmocka_unit_test(test_relax),
	    cmocka_unit_test(test_relax_matches_ld),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
