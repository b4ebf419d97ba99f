/* SPDX-License-Identifier: MIT */
/*
 * AArch64 howto rows, veneer stub and erratum 843419 detection.
 *
 * Expected instruction words were assembled once with aarch64-linux-gnu-as
 * and, for the edges, linked with aarch64-linux-gnu-ld 2.40 --no-relax
 * (whose accept/reject decisions the rows must match); the test itself is
 * hermetic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <xsplice/cache.h>
#include <xsplice/howto.h>
#include <xsplice/link.h>

#include "../../arch/arm64/aarch64.h"
#include "arch.h"
#include "xs_elf.h"
#include "util.h"

#define OK XS_OK
#define OVF XS_E_OVERFLOW
#define MIS XS_E_MISALIGNED
#define BAD XS_E_BAD_INSN

#define BASE 0x400000ull

struct rcase {
	uint32_t type;
	uint64_t unit; /* before */
	uint64_t S;
	int64_t A;
	uint64_t P;
	uint64_t G, GOT;
	xs_status want;
	uint64_t out; /* after, when want == XS_OK */
	int line;
};

#define C(t, u, S, A, P, st, o)                                                                    \
	{                                                                                          \
		R_AARCH64_##t, (u), (S), (A), (P), 0, 0, (st), (o), __LINE__                       \
	}
#define CG(t, u, G, GOT, P, st, o)                                                                 \
	{                                                                                          \
		R_AARCH64_##t, (u), 0, 0, (P), (G), (GOT), (st), (o), __LINE__                     \
	}
/* X = S + A - P = x, with P = BASE */
#define CP(t, u, x, st, o) C(t, u, BASE + (uint64_t)(int64_t)(x), 0, BASE, st, o)

static const struct rcase cases[] = {
    /* Data: ABS32/ABS16 unsigned (ld), PREL32/PREL16 signed, 64-bit unchecked. */
    C(ABS64, 0, 0x123456789abcdef0ull, 0x10, BASE, OK, 0x123456789abcdf00ull),
    C(ABS64, 0, 0, -1, BASE, OK, ~0ull),
    C(ABS32, 0, 0xffffffffull, 0, BASE, OK, 0xffffffffull),
    C(ABS32, 0, 0x100000000ull, 0, BASE, OVF, 0),
    C(ABS32, 0, 0, 0, BASE, OK, 0),
    C(ABS32, 0, 0, -1, BASE, OVF, 0),
    C(ABS32, 0, 0x10, -0x10, BASE, OK, 0),
    C(ABS16, 0, 0xffff, 0, BASE, OK, 0xffff),
    C(ABS16, 0, 0x10000, 0, BASE, OVF, 0),
    C(ABS16, 0, 0, -1, BASE, OVF, 0),
    CP(PREL64, 0, -1, OK, ~0ull),
    CP(PREL64, 0, 0x7fffffffffffffffll - (int64_t)BASE, OK, 0x7fffffffffffffffull - BASE),
    CP(PREL32, 0, 0x7fffffff, OK, 0x7fffffff),
    CP(PREL32, 0, 0x80000000ll, OVF, 0),
    CP(PREL32, 0, -0x80000000ll, OK, 0x80000000),
    CP(PREL32, 0, -0x80000001ll, OVF, 0),
    CP(PREL16, 0, 0x7fff, OK, 0x7fff),
    CP(PREL16, 0, 0x8000, OVF, 0),
    CP(PREL16, 0, -0x8000, OK, 0x8000),
    CP(PREL16, 0, -0x8001, OVF, 0),
    CP(PLT32, 0, -4, OK, 0xfffffffc),
    CP(PLT32, 0, 0x80000000ll, OVF, 0),

    /* CALL26/JUMP26: +-128 MiB, B or BL; low bits dropped like ld. */
    CP(CALL26, 0x94000000, 0x7fffffc, OK, 0x95ffffff),
    CP(CALL26, 0x94000000, 0x8000000, OVF, 0),
    CP(CALL26, 0x94000000, -0x8000000, OK, 0x96000000),
    CP(CALL26, 0x94000000, -0x8000004, OVF, 0),
    CP(CALL26, 0x94000000, 0x200, OK, 0x94000080),
    CP(CALL26, 0x94000000, 0x202, OK, 0x94000080), /* ld: 94000080 */
    CP(CALL26, 0x91000000, 8, BAD, 0),		   /* add x0, x0, #0 */
    CP(CALL26, 0xd61f0200, 8, BAD, 0),		   /* br x16 */
    CP(JUMP26, 0x14000000, 8, OK, 0x14000002),
    CP(JUMP26, 0x14000000, -4, OK, 0x17ffffff),
    CP(JUMP26, 0x14000000, 0x8000000, OVF, 0),
    CP(JUMP26, 0xb4000000, 8, BAD, 0), /* cbz */

    /* CONDBR19: +-1 MiB, B.cond and CBZ/CBNZ. */
    CP(CONDBR19, 0x54000000, 0xffffc, OK, 0x547fffe0),
    CP(CONDBR19, 0x54000000, 0x100000, OVF, 0),
    CP(CONDBR19, 0x54000000, -0x100000, OK, 0x54800000),
    CP(CONDBR19, 0x54000000, -0x100004, OVF, 0),
    CP(CONDBR19, 0x54000000, 0x200, OK, 0x54001000), /* b.eq: ld 54001000 */
    CP(CONDBR19, 0xb4000000, 8, OK, 0xb4000040),     /* cbz x0 */
    CP(CONDBR19, 0x35000001, -4, OK, 0x35ffffe1),    /* cbnz w1 */
    CP(CONDBR19, 0x36000000, 8, BAD, 0),	     /* tbz */
    CP(CONDBR19, 0x91000000, 8, BAD, 0),	     /* add */
    CP(CONDBR19, 0xf9400000, 8, BAD, 0),	     /* ldr */

    /* TSTBR14: +-32 KiB. */
    CP(TSTBR14, 0x36180000, 0x7ffc, OK, 0x361bffe0),
    CP(TSTBR14, 0x36180000, 0x8000, OVF, 0),
    CP(TSTBR14, 0x36180000, -0x8000, OK, 0x361c0000),
    CP(TSTBR14, 0x36180000, -0x8004, OVF, 0),
    CP(TSTBR14, 0x36180000, 0x200, OK, 0x36181000), /* ld: 36181000 */
    CP(TSTBR14, 0xb7f80003, 4, OK, 0xb7f80023),	    /* tbnz x3, #63 */
    CP(TSTBR14, 0xb4000000, 8, BAD, 0),		    /* cbz */

    /* LD_PREL_LO19: +-1 MiB, 4-byte aligned (r_shift 2, align 2). */
    CP(LD_PREL_LO19, 0x58000000, 0xffffc, OK, 0x587fffe0),
    CP(LD_PREL_LO19, 0x58000000, 0x100000, OVF, 0),
    CP(LD_PREL_LO19, 0x58000000, -0x100000, OK, 0x58800000),
    CP(LD_PREL_LO19, 0x58000000, -0x100004, OVF, 0),
    CP(LD_PREL_LO19, 0x58000000, 0x102, MIS, 0), /* ld: truncated to fit */
    CP(LD_PREL_LO19, 0x58000000, -2, MIS, 0),
    CP(LD_PREL_LO19, 0x9c000006, 16, OK, 0x9c000086), /* ldr q6 */
    CP(LD_PREL_LO19, 0x98000009, 8, OK, 0x98000049),  /* ldrsw x9 */
    CP(LD_PREL_LO19, 0xf9400000, 8, BAD, 0),	      /* ldr (unsigned offset) */

    /* ADR_PREL_LO21: +-1 MiB, scattered immlo 30:29 / immhi 23:5. */
    CP(ADR_PREL_LO21, 0x10000003, 0x1004, OK, 0x10008023),
    CP(ADR_PREL_LO21, 0x10000003, 0xffffc, OK, 0x107fffe3),
    CP(ADR_PREL_LO21, 0x10000000, 0xfffff, OK, 0x707fffe0), /* ld */
    CP(ADR_PREL_LO21, 0x10000003, 0x100000, OVF, 0),
    CP(ADR_PREL_LO21, 0x10000003, -0x100000, OK, 0x10800003),
    CP(ADR_PREL_LO21, 0x10000003, -0x100001, OVF, 0),
    CP(ADR_PREL_LO21, 0x10000003, 1, OK, 0x30000003),
    CP(ADR_PREL_LO21, 0x10000003, 2, OK, 0x50000003),
    CP(ADR_PREL_LO21, 0x10000003, 3, OK, 0x70000003),
    CP(ADR_PREL_LO21, 0x10000003, -1, OK, 0x70ffffe3),
    CP(ADR_PREL_LO21, 0x90000003, 8, BAD, 0), /* adrp */

    /* ADR_PREL_PG_HI21: Page(S+A) - Page(P), +-4 GiB. */
    C(ADR_PREL_PG_HI21, 0x90000000, 0x1003fffffull, 0, BASE, OK, 0xf07fffe0), /* ld */
    C(ADR_PREL_PG_HI21, 0x90000000, 0x100400000ull, 0, BASE, OVF, 0),
    C(ADR_PREL_PG_HI21, 0x90000000, 0x100400000ull, 0, 0x200400000ull, OK, 0x90800000),
    C(ADR_PREL_PG_HI21, 0x90000000, 0x1003fffffull, 0, 0x200400000ull, OVF, 0),
    C(ADR_PREL_PG_HI21, 0x90000000, 0x401000, 0, 0x400ffc, OK, 0xb0000000),
    C(ADR_PREL_PG_HI21, 0x90000000, 0x400fff, 1, 0x400000, OK, 0xb0000000),
    C(ADR_PREL_PG_HI21, 0x90000000, 0x401000, -1, 0x400ffc, OK, 0x90000000),
    C(ADR_PREL_PG_HI21, 0x10000000, 0x401000, 0, BASE, BAD, 0),			 /* adr */
    C(ADR_PREL_PG_HI21_NC, 0x90000000, 0x100400000ull, 0, BASE, OK, 0x90800000), /* ld */

    /* ADD_ABS_LO12_NC: ADD (immediate) 32/64, not ADDS, not SUB. */
    C(ADD_ABS_LO12_NC, 0x91000000, 0x12345678, 0, BASE, OK, 0x9119e000),
    C(ADD_ABS_LO12_NC, 0x11000421, 0xfff, 0, BASE, OK, 0x113ffc21),
    C(ADD_ABS_LO12_NC, 0x91000000, 0x1000, -1, BASE, OK, 0x913ffc00),
    C(ADD_ABS_LO12_NC, 0xb1000000, 0x10, 0, BASE, BAD, 0), /* adds */
    C(ADD_ABS_LO12_NC, 0xd1000000, 0x10, 0, BASE, BAD, 0), /* sub */

    /* LDSTn_ABS_LO12_NC: size class and scaled alignment. */
    C(LDST8_ABS_LO12_NC, 0x39400001, 0x12345fff, 0, BASE, OK, 0x397ffc01),
    C(LDST8_ABS_LO12_NC, 0x3d400000, 0x1001, 0, BASE, OK, 0x3d400400), /* ldr b0 */
    C(LDST8_ABS_LO12_NC, 0x39800000, 0x1001, 0, BASE, OK, 0x39800400), /* ldrsb x0 */
    C(LDST8_ABS_LO12_NC, 0x79400001, 0x10, 0, BASE, BAD, 0),	       /* ldrh */
    C(LDST16_ABS_LO12_NC, 0x79400000, 0x1002, 0, BASE, OK, 0x79400400),
    C(LDST16_ABS_LO12_NC, 0x79400000, 0x1ffe, 0, BASE, OK, 0x795ffc00),
    C(LDST16_ABS_LO12_NC, 0x79400000, 0x1001, 0, BASE, MIS, 0),
    C(LDST16_ABS_LO12_NC, 0x39400000, 0x1002, 0, BASE, BAD, 0),
    C(LDST32_ABS_LO12_NC, 0xb9400000, 0xffc, 0, BASE, OK, 0xb94ffc00),
    C(LDST32_ABS_LO12_NC, 0xbd400000, 0x1004, 0, BASE, OK, 0xbd400400), /* ldr s0 */
    C(LDST32_ABS_LO12_NC, 0xb9800041, 0x1008, 0, BASE, OK, 0xb9800841), /* ldrsw */
    C(LDST32_ABS_LO12_NC, 0xb9400000, 0x1002, 0, BASE, MIS, 0),
    C(LDST32_ABS_LO12_NC, 0xf9400000, 0x1004, 0, BASE, BAD, 0),
    C(LDST64_ABS_LO12_NC, 0xf9400000, 0x41fff8, 0, BASE, OK, 0xf947fc00),
    C(LDST64_ABS_LO12_NC, 0xf9800000, 0x1008, 0, BASE, OK, 0xf9800400), /* prfm */
    C(LDST64_ABS_LO12_NC, 0xfd000000, 0x1010, 0, BASE, OK, 0xfd000800), /* str d0 */
    C(LDST64_ABS_LO12_NC, 0xf9400000, 0x401004, 0, BASE, MIS, 0),	/* ld: truncated */
    C(LDST64_ABS_LO12_NC, 0xb9400000, 0x1008, 0, BASE, BAD, 0),
    C(LDST128_ABS_LO12_NC, 0x3dc00003, 0x1010, 0, BASE, OK, 0x3dc00403),
    C(LDST128_ABS_LO12_NC, 0x3d800400, 0x1ff0, 0, BASE, OK, 0x3d83fc00),
    C(LDST128_ABS_LO12_NC, 0x3dc00003, 0x1008, 0, BASE, MIS, 0),
    C(LDST128_ABS_LO12_NC, 0xf9400000, 0x1010, 0, BASE, BAD, 0),
    C(LDST128_ABS_LO12_NC, 0x3d400000, 0x1010, 0, BASE, BAD, 0), /* ldr b0 */

    /* MOVW_UABS: unsigned per group; _NC and G3 unchecked. */
    C(MOVW_UABS_G0, 0xd2800000, 0xffff, 0, BASE, OK, 0xd29fffe0),
    C(MOVW_UABS_G0, 0xd2800000, 0x10000, 0, BASE, OVF, 0),
    C(MOVW_UABS_G0, 0xd2800000, 0, -1, BASE, OVF, 0),
    C(MOVW_UABS_G0_NC, 0xf2800000, 0x12345, 0, BASE, OK, 0xf28468a0),
    C(MOVW_UABS_G1, 0xd2a00001, 0xffffffff, 0, BASE, OK, 0xd2bfffe1),
    C(MOVW_UABS_G1, 0xd2a00001, 0x100000000ull, 0, BASE, OVF, 0),
    C(MOVW_UABS_G1, 0xd2a00001, 0, -1, BASE, OVF, 0),
    C(MOVW_UABS_G1_NC, 0xf2a00000, 0x123456789ull, 0, BASE, OK, 0xf2a468a0),
    C(MOVW_UABS_G2, 0xd2c00000, 0xffffffffffffull, 0, BASE, OK, 0xd2dfffe0),
    C(MOVW_UABS_G2, 0xd2c00000, 0x1000000000000ull, 0, BASE, OVF, 0),
    C(MOVW_UABS_G2_NC, 0xf2c00000, 0x123456789abcull, 0, BASE, OK, 0xf2c24680),
    C(MOVW_UABS_G3, 0xf2e00000, 0x123456789abcdef0ull, 0, BASE, OK, 0xf2e24680), /* ld */
    C(MOVW_UABS_G3, 0xd2e00000, 0, -1, BASE, OK, 0xd2ffffe0),			 /* ld */
    C(MOVW_UABS_G0, 0x91000000, 0x10, 0, BASE, BAD, 0),

    /* MOVW_SABS: MOVZ for X >= 0, MOVN with ~X for X < 0; -2^(16+16n) <= X < 2^(16+16n). */
    C(MOVW_SABS_G0, 0xd2800000, 0xffff, 0, BASE, OK, 0xd29fffe0),
    C(MOVW_SABS_G0, 0xd2800000, 0x10000, 0, BASE, OVF, 0),
    C(MOVW_SABS_G0, 0xd2800000, 0, -1, BASE, OK, 0x92800000),
    C(MOVW_SABS_G0, 0xd2800000, 0, -0x10000, BASE, OK, 0x929fffe0),
    C(MOVW_SABS_G0, 0xd2800000, 0, -0x10001, BASE, OVF, 0),
    C(MOVW_SABS_G0, 0xd2800000, 0, 0, BASE, OK, 0xd2800000),
    C(MOVW_SABS_G0, 0x92800004, 0x10, 0, BASE, OK, 0xd2800204), /* MOVN -> MOVZ */
    C(MOVW_SABS_G0, 0x12800004, 0, -2, BASE, OK, 0x12800024),	/* 32-bit MOVN */
    C(MOVW_SABS_G0, 0xf2800000, 0x10, 0, BASE, BAD, 0),		/* movk */
    C(MOVW_SABS_G1, 0xd2a00000, 0xffffffff, 0, BASE, OK, 0xd2bfffe0),
    C(MOVW_SABS_G1, 0xd2a00000, 0x100000000ull, 0, BASE, OVF, 0),
    C(MOVW_SABS_G1, 0xd2a00000, 0, -0x100000000ll, BASE, OK, 0x92bfffe0),
    C(MOVW_SABS_G1, 0xd2a00000, 0, -0x100000001ll, BASE, OVF, 0),
    C(MOVW_SABS_G1, 0xd2a00000, 0x80000000, 0, BASE, OK, 0xd2b00000),
    C(MOVW_SABS_G1, 0xd2a00000, 0, -0x80000001ll, BASE, OK, 0x92b00000),
    C(MOVW_SABS_G2, 0xd2c00000, 0xffffffffffffull, 0, BASE, OK, 0xd2dfffe0),
    C(MOVW_SABS_G2, 0xd2c00000, 0x1000000000000ull, 0, BASE, OVF, 0),
    C(MOVW_SABS_G2, 0xd2c00000, 0, -0x1000000000000ll, BASE, OK, 0x92dfffe0),
    C(MOVW_SABS_G2, 0xd2c00000, 0, -0x1000000000001ll, BASE, OVF, 0),

    /* MOVW_PREL: the same flip on S + A - P; _NC are plain MOVK bits. */
    CP(MOVW_PREL_G0, 0x92800000, 0x10, OK, 0xd2800200),	 /* ld */
    CP(MOVW_PREL_G0, 0xd2800000, -0x10, OK, 0x928001e0), /* ld */
    CP(MOVW_PREL_G0, 0xd2800000, 0xffff, OK, 0xd29fffe0),
    CP(MOVW_PREL_G0, 0xd2800000, 0x10000, OVF, 0),
    CP(MOVW_PREL_G0, 0xd2800000, -0x10000, OK, 0x929fffe0),
    CP(MOVW_PREL_G0, 0xd2800000, -0x10001, OVF, 0),
    CP(MOVW_PREL_G0_NC, 0xf2800000, -2, OK, 0xf29fffc0),
    CP(MOVW_PREL_G1, 0xd2a00000, -1, OK, 0x92a00000),
    CP(MOVW_PREL_G1, 0xd2a00000, 0xffffffffll, OK, 0xd2bfffe0),
    CP(MOVW_PREL_G1, 0xd2a00000, 0x100000000ll, OVF, 0),
    CP(MOVW_PREL_G1, 0xd2a00000, -0x100000000ll, OK, 0x92bfffe0),
    CP(MOVW_PREL_G1, 0xd2a00000, -0x100000001ll, OVF, 0),
    CP(MOVW_PREL_G1_NC, 0xf2a00000, 0x123456789ll, OK, 0xf2a468a0),
    CP(MOVW_PREL_G2, 0xd2c00000, -0x1000000000000ll, OK, 0x92dfffe0),
    CP(MOVW_PREL_G2, 0xd2c00000, 0x1000000000000ll, OVF, 0),
    CP(MOVW_PREL_G2_NC, 0xf2c00000, 0x123456789abcll, OK, 0xf2c24680),
    C(MOVW_PREL_G3, 0xd2e00000, 0x100, 0, BASE, OK, 0x92e00000), /* ld */
    CP(MOVW_PREL_G3, 0xd2e00000, 0x7fff000000000000ll, OK, 0xd2efffe0),
    CP(MOVW_PREL_G3, 0xf2e00000, 8, BAD, 0), /* movk */

    /* GOT: G is the slot address, GOT the table's. */
    CG(ADR_GOT_PAGE, 0x90000000, 0x41ffe0, 0x41ffe8, 0x400004, OK, 0xf00000e0),	    /* ld */
    CG(LD64_GOT_LO12_NC, 0xf9400000, 0x41ffe0, 0x41ffe8, 0x400008, OK, 0xf947f000), /* ld */
    CG(LD64_GOT_LO12_NC, 0xf9400000, 0x41ffe4, 0x41ffe8, 0x400008, MIS, 0),
    CG(LD64_GOT_LO12_NC, 0xb9400000, 0x41ffe0, 0x41ffe8, 0x400008, BAD, 0),
    CG(LD64_GOTPAGE_LO15, 0xf9400020, 0x41ffe0, 0x41ffe8, BASE, OK, 0xf947f020), /* ld */
    CG(LD64_GOTPAGE_LO15, 0xf9400020, 0x417ff8, 0x410000, BASE, OK, 0xf97ffc20),
    CG(LD64_GOTPAGE_LO15, 0xf9400020, 0x418000, 0x410000, BASE, OVF, 0),
    CG(LD64_GOTPAGE_LO15, 0xf9400020, 0x40fff8, 0x410000, BASE, OVF, 0),
    CG(GOT_LD_PREL19, 0x58000000, BASE + 0x10, 0, BASE, OK, 0x58000080),
};

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rcase *c = &cases[i];
		const struct xs_howto *h = xs_howto_lookup(XS_EM_AARCH64, c->type);
		uint8_t place[8], orig[8];
		struct xs_reloc_vals v = {
		    .S = c->S, .A = c->A, .P = c->P, .G = c->G, .GOT = c->GOT};
		struct xs_diag d;

		if (h == NULL)
			fail_msg("line %d: type %u has no row", c->line, c->type);
		memset(&d, 0, sizeof(d));
		memset(place, 0xa5, sizeof(place));
		for (unsigned b = 0; b < h->size; b++)
			place[b] = (uint8_t)(c->unit >> (8 * b));
		memcpy(orig, place, sizeof(orig));
		xs_status s = xs_howto_apply(h, &v, place, &d);
		if (s != c->want)
			fail_msg("line %d %s: status %s, want %s", c->line, h->name,
				 xs_status_name(s), xs_status_name(c->want));
		if (s != XS_OK) {
			/* Nothing written on error, and the diag names the row. */
			assert_memory_equal(place, orig, sizeof(place));
			assert_int_equal(d.status, s);
			assert_int_equal(d.reloc_type, c->type);
			assert_string_equal(d.reloc_name, h->name);
			continue;
		}
		uint64_t got = 0;
		for (unsigned b = 0; b < h->size; b++)
			got |= (uint64_t)place[b] << (8 * b);
		if (got != c->out)
			fail_msg("line %d %s: unit %#llx, want %#llx", c->line, h->name,
				 (unsigned long long)got, (unsigned long long)c->out);
		for (unsigned b = h->size; b < sizeof(place); b++)
			assert_int_equal(place[b], 0xa5); /* nothing past the unit */
	}
}

/* The reported range of an overflow is the row's: check a few exactly. */
static void test_ranges(void **state)
{
	static const struct {
		uint32_t type;
		int64_t min, max;
	} r[] = {
	    {R_AARCH64_ABS32, 0, 0xffffffffll},
	    {R_AARCH64_ABS16, 0, 0xffff},
	    {R_AARCH64_PREL32, -0x80000000ll, 0x7fffffffll},
	    {R_AARCH64_PREL16, -0x8000, 0x7fff},
	    {R_AARCH64_CALL26, -0x8000000ll, 0x7ffffffll},
	    {R_AARCH64_CONDBR19, -0x100000, 0xfffff},
	    {R_AARCH64_TSTBR14, -0x8000, 0x7fff},
	    {R_AARCH64_LD_PREL_LO19, -0x100000, 0xfffff},
	    {R_AARCH64_ADR_PREL_LO21, -0x100000, 0xfffff},
	    {R_AARCH64_ADR_PREL_PG_HI21, -0x100000000ll, 0xffffffffll},
	    {R_AARCH64_MOVW_UABS_G0, 0, 0xffff},
	    {R_AARCH64_MOVW_UABS_G1, 0, 0xffffffffll},
	    {R_AARCH64_MOVW_SABS_G0, -0x10000, 0xffff},
	    {R_AARCH64_MOVW_SABS_G1, -0x100000000ll, 0xffffffffll},
	    {R_AARCH64_MOVW_PREL_G2, -0x1000000000000ll, 0xffffffffffffll},
	    {R_AARCH64_LD64_GOTPAGE_LO15, 0, 0x7fff},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		const struct xs_howto *h = xs_howto_lookup(XS_EM_AARCH64, r[i].type);
		int64_t lo, hi;
		assert_non_null(h);
		xs_howto_range(h, &lo, &hi);
		if (lo != r[i].min || hi != r[i].max)
			fail_msg("%s: range [%lld, %lld], want [%lld, %lld]", h->name,
				 (long long)lo, (long long)hi, (long long)r[i].min,
				 (long long)r[i].max);
	}
}

static uint64_t field_union(const struct xs_howto *h)
{
	uint64_t m = 0;
	for (unsigned i = 0; i < h->nfields; i++) {
		unsigned w = h->fields[i].width, p = h->fields[i].pos;
		uint64_t f = w >= 64 ? ~0ull : ((1ull << w) - 1);
		assert_true(p + w <= 8u * h->size);
		assert_int_equal((m & (f << p)), 0); /* fields do not overlap */
		m |= f << p;
	}
	return m;
}

static void test_table_self_check(void **state)
{
	const struct xs_arch *a = xs_arch_by_machine(XS_EM_AARCH64);
	unsigned named = 0, tls = 0;

	(void)state;
	assert_ptr_equal(a, &xs_arch_aarch64);
	assert_int_equal(a->max_type, XS_AARCH64_MAX_TYPE);
	for (uint32_t t = 0; t <= a->max_type; t++) {
		const struct xs_howto *h = &a->rows[t];
		if (h->name == NULL) {
			assert_null(xs_arch_howto(a, t));
			continue;
		}
		named++;
		assert_int_equal(h->type, t);
		assert_true(strncmp(h->name, "R_AARCH64_", 10) == 0);
		assert_true(h->nfields <= XS_HOWTO_MAX_FIELDS);
		if (h->flags & XS_HOWTO_TLS) {
			tls++;
			continue;
		}
		if (h->flags & XS_HOWTO_UNSUPPORTED)
			continue;
		if (h->mask != field_union(h))
			fail_msg("%s: mask %#llx is not the union of its fields", h->name,
				 (unsigned long long)h->mask);
		if (h->flags & XS_HOWTO_INSN) {
			assert_int_equal(h->size, 4);
			assert_non_null(h->insn_class);
			assert_int_equal(h->insn_match & ~h->insn_mask, 0);
			/* The class bits are never value bits. */
			if (h->insn_mask & h->mask)
				fail_msg("%s: class mask overlaps the value field", h->name);
			/* The flip encoder rewrites bits 30:29; the class must not pin bit 30. */
			if (h->encoder == XS_ENC_MOVW_FLIP)
				assert_int_equal(h->insn_mask & (1u << 30), 0);
		} else if (h->expr != XS_EXPR_NONE) {
			assert_int_equal(h->nfields, 1);
			assert_int_equal(h->fields[0].width, 8 * h->size);
		}
		/* A scaled field needs the dropped bits to be zero, except branches (ld). */
		if (h->keep_bits)
			assert_int_equal(h->align, h->r_shift);
		if (h->flags & XS_HOWTO_ADRP)
			assert_int_equal(h->insn_match, XS_A64_ADRP_MATCH);
		if (h->flags & XS_HOWTO_BRANCH)
			assert_true(h->type == R_AARCH64_CALL26 || h->type == R_AARCH64_JUMP26);
	}
	/* Every TLS number of AAELF64 §5.7.11 is known and refused as TLS. */
	for (uint32_t t = R_AARCH64_TLSGD_ADR_PREL21; t <= R_AARCH64_TLSLD_LDST128_DTPREL_LO12_NC;
	     t++) {
		const struct xs_howto *h = xs_arch_howto(a, t);
		assert_non_null(h);
		assert_true(h->flags & XS_HOWTO_TLS);
	}
	assert_int_equal(tls, 62);
	for (uint32_t t = R_AARCH64_COPY; t <= R_AARCH64_IRELATIVE; t++)
		assert_true(xs_arch_howto(a, t)->flags & XS_HOWTO_UNSUPPORTED);
	assert_string_equal(xs_arch_howto(a, R_AARCH64_TLSDESC_CALL)->name,
			    "R_AARCH64_TLSDESC_CALL");
	/* Unknown numbers: ILP32 and gaps. */
	assert_null(xs_howto_lookup(XS_EM_AARCH64, 1));
	assert_null(xs_howto_lookup(XS_EM_AARCH64, 281));
	assert_null(xs_howto_lookup(XS_EM_AARCH64, 574));
	assert_null(xs_howto_lookup(XS_EM_AARCH64, 1033));
	assert_null(xs_howto_lookup(XS_EM_AARCH64, UINT32_MAX));
	assert_true(named > 60 + 40);
}

static void test_none(void **state)
{
	uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8}, orig[8];
	struct xs_reloc_vals v = {.S = 0x1234, .P = BASE};
	struct xs_diag d;

	(void)state;
	memcpy(orig, buf, sizeof(buf));
	assert_int_equal(
	    xs_howto_apply(xs_howto_lookup(XS_EM_AARCH64, R_AARCH64_NONE), &v, buf, &d), XS_OK);
	assert_int_equal(
	    xs_howto_apply(xs_howto_lookup(XS_EM_AARCH64, R_AARCH64_NULL), &v, buf, &d), XS_OK);
	assert_memory_equal(buf, orig, sizeof(buf));
}

static void test_stub(void **state)
{
	const struct xs_arch *a = &xs_arch_aarch64;
	uint8_t w[XS_A64_STUB_SIZE + 4];
	static const uint8_t want[XS_A64_STUB_SIZE] = {
	    0x50, 0x00, 0x00, 0x58, /* ldr x16, .+8 */
	    0x00, 0x02, 0x1f, 0xd6, /* br x16 */
	    0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
	};

	(void)state;
	assert_int_equal(a->stub_size, 16);
	assert_int_equal(a->stub_align, 16);
	assert_int_equal(a->got_entry_size, 8);
	assert_int_equal(a->text_align, 16);
	assert_null(a->is_branch);
	memset(w, 0xee, sizeof(w));
	a->write_stub(w, 0x10000, 0x1122334455667788ull);
	assert_memory_equal(w, want, sizeof(want));
	for (size_t i = sizeof(want); i < sizeof(w); i++)
		assert_int_equal(w[i], 0xee);
	const struct xs_howto *bl = xs_arch_howto(a, R_AARCH64_CALL26);
	assert_int_equal(a->branch_target(bl, 0x1000, 8), 0x1008);
	assert_int_equal(a->branch_target(bl, 0x1000, -8), 0xff8);
}

/*
 * Instruction words for the erratum sequences (aarch64-linux-gnu-as). Every
 * true/false below was checked against aarch64-linux-gnu-ld 2.40
 * --fix-cortex-a53-843419=adr: ADRP rewritten to ADR or not.
 */
#define I_ADRP_X0 0x90000000u
#define I_STR_X1_X2 0xf9000041u	    /* str x1, [x2] */
#define I_LDR_X3_X0_8 0xf9400403u   /* ldr x3, [x0, #8] */
#define I_LDR_X0_X2 0xf9400040u	    /* ldr x0, [x2]: writes x0 */
#define I_ADD_X5 0x910004a5u	    /* add x5, x5, #1 */
#define I_LDR_X3_X0 0xf9400003u	    /* ldr x3, [x0] */
#define I_B_8 0x14000002u	    /* b .+8 */
#define I_LDR_X3_X1 0xf9400023u	    /* ldr x3, [x1] */
#define I_STP_SP 0xa9010be1u	    /* stp x1, x2, [sp, #16] */
#define I_STP_X0_PRE 0xa9810801u    /* stp x1, x2, [x0, #16]!: writes x0 */
#define I_LDR_X1_X0_PRE 0xf8408c01u /* ldr x1, [x0, #8]!: writes x0 */
#define I_ST1 0x4c007020u	    /* st1 {v0.16b}, [x1] */
#define I_LDXR_X0 0xc85f7c20u	    /* ldxr x0, [x1]: writes x0 */
#define I_STXR 0xc8047c41u	    /* stxr w4, x1, [x2] */
#define I_LDUR_X1_X0 0xf85f8001u    /* ldur x1, [x0, #-8] */
#define I_LDR_REGOFF 0xf86668a7u    /* ldr x7, [x5, x6] */
#define I_STR_Q0_X0 0x3d800400u	    /* str q0, [x0, #16] */
#define I_LDR_W0_X0_4 0xb9400400u   /* ldr w0, [x0, #4] */
#define I_ADR_X0 0x10000000u
#define I_LDP_SP 0xa9410be1u   /* ldp x1, x2, [sp, #16] */
#define I_LDXP 0xc87f0861u     /* ldxp x1, x2, [x3] */
#define I_LDADD 0xf8210062u    /* ldadd x1, x2, [x3] (v8.1) */
#define I_LD1 0x4c407020u      /* ld1 {v0.16b}, [x1] */
#define I_LD4_LANE 0x0d60b020u /* ld4 {v0.s-v3.s}[1], [x1] */

static bool site(uint64_t P, size_t n, const uint32_t *insns)
{
	uint8_t buf[32];
	for (size_t i = 0; i < n; i++) {
		buf[4 * i] = (uint8_t)insns[i];
		buf[4 * i + 1] = (uint8_t)(insns[i] >> 8);
		buf[4 * i + 2] = (uint8_t)(insns[i] >> 16);
		buf[4 * i + 3] = (uint8_t)(insns[i] >> 24);
	}
	return xs_a64_erratum_843419_site(buf, 4 * n, 0, P);
}

#define SITE(P, ...) site((P), sizeof((uint32_t[]){__VA_ARGS__}) / 4, (uint32_t[]){__VA_ARGS__})

static void test_erratum_detect(void **state)
{
	(void)state;
	/* Three-instruction form at both page offsets, not elsewhere. */
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_STR_X1_X2, I_LDR_X3_X0_8));
	assert_true(SITE(0x400ffc, I_ADRP_X0, I_STR_X1_X2, I_LDR_X3_X0_8));
	assert_false(SITE(0x400ff4, I_ADRP_X0, I_STR_X1_X2, I_LDR_X3_X0_8));
	assert_false(SITE(0x401000, I_ADRP_X0, I_STR_X1_X2, I_LDR_X3_X0_8));
	assert_false(SITE(0x400ff8, I_ADR_X0, I_STR_X1_X2, I_LDR_X3_X0_8));
	/* Four-instruction form: a non-branch in slot 3. */
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_STR_X1_X2, I_ADD_X5, I_LDR_X3_X0));
	/* Slot 3 may be anything, even a branch (ld; lld would skip this one). */
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_STR_X1_X2, I_B_8, I_LDR_X3_X0));
	assert_false(SITE(0x400ff8, I_ADRP_X0, I_STR_X1_X2, I_ADD_X5, I_ADD_X5, I_LDR_X3_X0));
	/* The last access must use the ADRP register as its base. */
	assert_false(SITE(0x400ff8, I_ADRP_X0, I_STR_X1_X2, I_LDR_X3_X1));
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_STR_X1_X2, I_STR_Q0_X0));
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_STR_X1_X2, I_LDR_W0_X0_4));
	/* Instruction 2: any load/store but a load pair; ld ignores writes to Xn. */
	assert_false(SITE(0x400ff8, I_ADRP_X0, I_ADD_X5, I_LDR_X3_X0));
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_LDR_X0_X2, I_LDR_X3_X0));
	assert_false(SITE(0x400ff8, I_ADRP_X0, I_LDP_SP, I_LDR_X3_X0));
	assert_false(SITE(0x400ff8, I_ADRP_X0, I_LDXP, I_LDR_X3_X0));
	assert_false(SITE(0x400ff8, I_ADRP_X0, I_LDADD, I_LDR_X3_X0));
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_LD1, I_LDR_X3_X0));
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_LD4_LANE, I_LDR_X3_X0));
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_STP_SP, I_LDR_X3_X0));
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_STP_X0_PRE, I_LDR_X3_X0));
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_LDR_X1_X0_PRE, I_LDR_X3_X0));
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_ST1, I_LDR_X3_X0));
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_STXR, I_LDR_X3_X0));
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_LDXR_X0, I_LDR_X3_X0));
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_LDUR_X1_X0, I_LDR_X3_X0));
	assert_true(SITE(0x400ff8, I_ADRP_X0, I_LDR_REGOFF, I_LDR_X3_X0));
	/* Bounds: the sequence must fit in the section. */
	assert_false(SITE(0x400ff8, I_ADRP_X0, I_STR_X1_X2));
	assert_false(SITE(0x400ff8, I_ADRP_X0, I_STR_X1_X2, I_ADD_X5));
	uint8_t b[12] = {0};
	assert_false(xs_a64_erratum_843419_site(b, sizeof(b), 4, 0x400ff8));
	assert_false(xs_a64_erratum_843419_site(b, sizeof(b), 16, 0x400ff8));
	assert_false(xs_a64_erratum_843419_site(NULL, 0, 0, 0x400ff8));
}

static void put(uint8_t *b, const uint32_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (unsigned k = 0; k < 4; k++)
			b[4 * i + k] = (uint8_t)(w[i] >> (8 * k));
}

static xs_status special(uint32_t type, uint8_t *buf, size_t size, uint64_t P, uint64_t S,
			 int64_t A, uint64_t G, uint32_t flags)
{
	const struct xs_arch *a = &xs_arch_aarch64;
	struct xs_reloc_site s = {
	    .howto = xs_arch_howto(a, type),
	    .v = {.S = S, .A = A, .P = P, .G = G},
	    .sec_w = buf,
	    .sec_size = size,
	    .offset = 0,
	    .has_got = G != 0,
	    .target_defined = true,
	    .link_flags = flags,
	};
	struct xs_diag d;
	memset(&d, 0, sizeof(d));
	return a->special(&s, &d);
}

static void test_erratum_fix(void **state)
{
	static const uint32_t seq[3] = {I_ADRP_X0 | 7, I_STR_X1_X2, I_LDR_X3_X0_8 | (7u << 5)};
	uint8_t buf[12], orig[12];

	(void)state;
	/* Page(S+A) = 0x401000 is 8 bytes past P: adr x7, .+8 */
	put(buf, seq, 3);
	memcpy(orig, buf, sizeof(buf));
	assert_int_equal(special(R_AARCH64_ADR_PREL_PG_HI21, buf, 12, 0x400ff8, 0x401230, 4, 0, 0),
			 XS_OK);
	assert_int_equal(xs_load32(buf), 0x10000047);
	assert_memory_equal(buf + 4, orig + 4, 8);

	/* Same for the _NC form and the GOT page (Page(G)). */
	put(buf, seq, 3);
	assert_int_equal(
	    special(R_AARCH64_ADR_PREL_PG_HI21_NC, buf, 12, 0x400ffc, 0x3ffabc, 0, 0, 0), XS_OK);
	assert_int_equal(xs_load32(buf), 0x10ff0027u); /* adr x7, .-0x1ffc */
	/* Page = 0x300000, X = -0x100ffc: out of ADR reach -> not handled */
	put(buf, seq, 3);
	assert_int_equal(special(R_AARCH64_ADR_GOT_PAGE, buf, 12, 0x400ffc, 0, 0, 0x300010, 0),
			 XS_E_NOT_FOUND);
	assert_memory_equal(buf, orig, 12);
	/* X = 0x301000 - 0x400ffc = -0xffffc: the most negative reachable page */
	assert_int_equal(special(R_AARCH64_ADR_GOT_PAGE, buf, 12, 0x400ffc, 0, 0, 0x301ff8, 0),
			 XS_OK);
	assert_int_equal(xs_load32(buf), 0x10800027);

	/* Turned off, not a site, or not an ADRP row: untouched, XS_E_NOT_FOUND. */
	put(buf, seq, 3);
	assert_int_equal(special(R_AARCH64_ADR_PREL_PG_HI21, buf, 12, 0x400ff8, 0x401230, 0, 0,
				 XS_LINK_NO_ERRATUM_843419),
			 XS_E_NOT_FOUND);
	assert_int_equal(special(R_AARCH64_ADR_PREL_PG_HI21, buf, 12, 0x400ff0, 0x401230, 0, 0, 0),
			 XS_E_NOT_FOUND);
	assert_int_equal(
	    special(R_AARCH64_ADR_PREL_PG_HI21, buf, 12, 0x400ff8, 0x10000000, 0, 0, 0),
	    XS_E_NOT_FOUND);
	assert_int_equal(special(R_AARCH64_ADR_PREL_PG_HI21, buf, 8, 0x400ff8, 0x401230, 0, 0, 0),
			 XS_E_NOT_FOUND);
	assert_int_equal(special(R_AARCH64_ADD_ABS_LO12_NC, buf, 12, 0x400ff8, 0x401230, 0, 0, 0),
			 XS_E_NOT_FOUND);
	assert_int_equal(special(R_AARCH64_ADR_GOT_PAGE, buf, 12, 0x400ff8, 0x401230, 0, 0, 0),
			 XS_E_NOT_FOUND); /* no GOT slot */
	assert_memory_equal(buf, orig, 12);

	/* The furthest page forwards, and one page more. */
	put(buf, seq, 3);
	assert_int_equal(special(R_AARCH64_ADR_PREL_PG_HI21, buf, 12, 0x400ffc, 0x500000, 0, 0, 0),
			 XS_OK); /* X = 0xff004 */
	assert_int_equal(xs_load32(buf), 0x107f8027u);
	put(buf, seq, 3);
	assert_int_equal(special(R_AARCH64_ADR_PREL_PG_HI21, buf, 12, 0x400ff8, 0x501000, 0, 0, 0),
			 XS_E_NOT_FOUND); /* X = 0x100008 */
}

static void test_cache_sync(void **state)
{
	static uint8_t code[256];
	(void)state;
	xs_cache_sync(code, sizeof(code));
	xs_cache_sync(code + 3, 1);
	xs_cache_sync(code, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_table_self_check),
	    cmocka_unit_test(test_none),
	    cmocka_unit_test(test_stub),
	    cmocka_unit_test(test_erratum_detect),
	    cmocka_unit_test(test_erratum_fix),
	    cmocka_unit_test(test_cache_sync),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
