/* SPDX-License-Identifier: MIT */
/*
 * The AArch64 howto table: one row per relocation type of "ELF for the Arm
 * 64-bit Architecture (AAELF64)" §5.7 "Relocation types", little-endian LP64.
 *
 * An instruction row names the bits of the 32-bit word that receive the
 * value (`fields`, low value bits first: ADR/ADRP put V[1:0] in immlo 30:29
 * and V[20:2] in immhi 23:5) and the instruction class the word must hold.
 *
 * Overflow rules are GNU ld's (binutils 2.40 bfd/elfnn-aarch64.c), because
 * the outside check compares bytes and errors with ld:
 *   ABS32, ABS16          unsigned N      (AAELF64: -2^(N-1) <= X < 2^N)
 *   PREL32, PREL16        signed N        (AAELF64: -2^(N-1) <= X < 2^N)
 *   ABS64, PREL64         none
 * AAELF64 accepts both a signed and an unsigned reading of a 32/16-bit
 * datum; ld accepts one reading per type and so do we. A value the ABI
 * allows and we refuse (e.g. ABS32 of -1, PREL32 of 0x80000000) fails the
 * link with a clear error instead of linking differently from ld.
 *
 * The MOVW signed forms (SABS_G0..G2, PREL_G0..G3) use the MOVW_FLIP
 * encoder: MOVZ with V for X >= 0, MOVN with ~V for X < 0 (opc, bits 30:29,
 * is rewritten; see libxsplice/howto.c). Their check is ld's "signed over
 * 17 bits" of V = X >> 16n, which is BITFIELD over the 16-bit field:
 * -2^(16+16n) <= X < 2^(16+16n) (AAELF64 §5.7.8 says the same). PREL_G3
 * has no check: bits 63:48 hold the sign.
 *
 * Branch rows (CALL26/JUMP26/CONDBR19/TSTBR14) check the range but not the
 * alignment of X: ld drops the low two bits without complaint. Scaled loads
 * (LDSTn_ABS_LO12_NC, LD_PREL_LO19, the GOT loads) do check alignment, as ld
 * does ("relocation truncated to fit").
 *
 * G is the address of the GOT slot holding S + A (AAELF64 GDAT(S + A));
 * compilers emit A = 0 on GOT-generating types.
 */
#include "aarch64.h"

#include <stdint.h>

/* Wrappers stringize their own parameter: a forwarded t is already expanded. */
#define ROWN(t, n, ...) [t] = {.name = (n), .type = (t), __VA_ARGS__}
#define ROW(t, ...) ROWN(t, #t, __VA_ARGS__)

/* A whole little-endian data unit of n bytes. */
#define UNIT(n)                                                                                    \
	.size = (n), .nfields = 1, .fields = {{.pos = 0, .width = 8 * (n)}},                       \
	.mask = (~(uint64_t)0 >> (64 - 8 * (n)))
#define UNIT0 .size = 0, .nfields = 0, .mask = 0

/* Immediate fields of a 32-bit instruction. */
#define FIELD(p, w)                                                                                \
	.size = 4, .nfields = 1, .fields = {{.pos = (p), .width = (w)}},                           \
	.mask = ((((uint64_t)1 << (w)) - 1) << (p))
#define IMM26 FIELD(0, 26)  /* B, BL */
#define IMM19 FIELD(5, 19)  /* B.cond, CBZ/CBNZ, LDR (literal) */
#define IMM14 FIELD(5, 14)  /* TBZ/TBNZ */
#define IMM12 FIELD(10, 12) /* ADD (immediate), LDR/STR (unsigned offset) */
#define IMM16 FIELD(5, 16)  /* MOVZ/MOVN/MOVK */
#define IMM_ADR                                                                                    \
	.size = 4, .nfields = 2, .fields = {{.pos = 29, .width = 2}, {.pos = 5, .width = 19}},     \
	.mask = 0x60ffffe0u

#define CLASS(m, v, s) .insn_mask = (m), .insn_match = (v), .insn_class = (s)

/* ADR / ADRP: op | immlo | 10000 | immhi | Rd */
#define C_ADR CLASS(XS_A64_ADR_MASK, XS_A64_ADR_MATCH, "ADR")
#define C_ADRP CLASS(XS_A64_ADR_MASK, XS_A64_ADRP_MATCH, "ADRP")
/* ADD (immediate), 32 or 64-bit, not ADDS: sf 0 0 100010 sh imm12 Rn Rd */
#define C_ADD CLASS(0x7f800000u, 0x11000000u, "ADD (immediate)")
/*
 * LDR/STR (immediate, unsigned offset): size 111 V 01 opc imm12 Rn Rt.
 * The access size is `size`, except that size 00 with V=1 and opc 1x is
 * the 128-bit Q form. One mask cannot say "size 00 but not Q", so LDST8
 * also accepts a Q load/store (ld checks no class at all); LDST128 is exact.
 * Every class includes the signed loads (LDRSB/LDRSH/LDRSW), the SIMD&FP
 * registers of that size (B/H/S/D) and, for 64-bit, PRFM.
 */
#define C_LDST8 CLASS(0xfb000000u, 0x39000000u, "LDR/STR 8-bit (unsigned offset)")
#define C_LDST16 CLASS(0xfb000000u, 0x79000000u, "LDR/STR 16-bit (unsigned offset)")
#define C_LDST32 CLASS(0xfb000000u, 0xb9000000u, "LDR/STR 32-bit (unsigned offset)")
#define C_LDST64 CLASS(0xfb000000u, 0xf9000000u, "LDR/STR 64-bit (unsigned offset)")
#define C_LDST128 CLASS(0xff800000u, 0x3d800000u, "LDR/STR Q (unsigned offset)")
/* LDR Xt, [Xn, #imm] exactly: the GOT loads. */
#define C_LDRX CLASS(0xffc00000u, 0xf9400000u, "LDR Xt (unsigned offset)")
/* B and BL: x 00101 imm26 */
#define C_B CLASS(0x7c000000u, 0x14000000u, "B/BL")
/*
 * B.cond (0101010 0 imm19 o0 cond, incl. BC.cond) and CBZ/CBNZ
 * (sf 011010 op imm19 Rt) share only bits 28:25 = 1010, so that is the
 * class. It also admits B/BL whose imm26 bit 25 is 0 and the exception and
 * system encodings; it still rejects every data-processing and load/store
 * instruction and TBZ/TBNZ. (A second mask/match pair per row would make
 * it exact.)
 */
#define C_CONDBR CLASS(0x1e000000u, 0x14000000u, "B.cond/CBZ/CBNZ")
/* TBZ/TBNZ: b5 011011 op b40 imm14 Rt */
#define C_TBZ CLASS(0x7e000000u, 0x36000000u, "TBZ/TBNZ")
/* LDR (literal), incl. LDRSW, PRFM and SIMD&FP: opc 011 V 00 imm19 Rt */
#define C_LDLIT CLASS(0x3b000000u, 0x18000000u, "LDR (literal)")
/* Move wide (immediate): sf opc 100101 hw imm16 Rd, any opc (MOVN/MOVZ/MOVK) */
#define C_MOVW CLASS(0x1f800000u, 0x12800000u, "MOVZ/MOVK/MOVN")
/* MOVN (opc 00) or MOVZ (opc 10): the forms the flip encoder may rewrite */
#define C_MOVNZ CLASS(0x3f800000u, 0x12800000u, "MOVZ/MOVN")

#define SIGNED .overflow = XS_OVF_SIGNED
#define UNSIGNED .overflow = XS_OVF_UNSIGNED
#define BITFIELD .overflow = XS_OVF_BITFIELD
#define NOCHECK .overflow = XS_OVF_NONE

#define INSN(fl) .flags = XS_HOWTO_INSN | (fl)
#define FLIP .encoder = XS_ENC_MOVW_FLIP

#define TLS(t) ROWN(t, #t, .expr = XS_EXPR_NONE, UNIT0, NOCHECK, .flags = XS_HOWTO_TLS)
#define REFUSED(t, n) ROWN(t, #t, .expr = XS_EXPR_NONE, n, NOCHECK, .flags = XS_HOWTO_UNSUPPORTED)

/* MOVW_UABS_Gn: bits [16n+15:16n] of S + A into a MOV[ZK]. */
#define UABS(t, n, ovf)                                                                            \
	ROWN(t, #t, .expr = XS_EXPR_S_A, .r_shift = 16 * (n), IMM16, ovf, C_MOVW, INSN(0))
/* MOVW_SABS_Gn: MOVZ/MOVN by sign. */
#define SABS(t, n)                                                                                 \
	ROWN(t, #t, .expr = XS_EXPR_S_A, .r_shift = 16 * (n), IMM16, BITFIELD, FLIP, C_MOVNZ,      \
	     INSN(0))
/* MOVW_PREL_Gn (MOVZ/MOVN by sign) and _NC (MOVK: bits only). */
#define PREL_FLIP(t, n, ovf)                                                                       \
	ROWN(t, #t, .expr = XS_EXPR_S_A_P, .r_shift = 16 * (n), IMM16, ovf, FLIP, C_MOVNZ,         \
	     INSN(XS_HOWTO_PCREL))
#define PREL_NC(t, n)                                                                              \
	ROWN(t, #t, .expr = XS_EXPR_S_A_P, .r_shift = 16 * (n), IMM16, NOCHECK, C_MOVW,            \
	     INSN(XS_HOWTO_PCREL))
/* :lo12: of S + A into a load/store scaled by 2^sh. */
#define LDST(t, sh, cls)                                                                           \
	ROWN(t, #t, .expr = XS_EXPR_S_A, .keep_bits = 12, .r_shift = (sh), .align = (sh), IMM12,   \
	     NOCHECK, cls, INSN(0))

const struct xs_howto xs_aarch64_rows[XS_AARCH64_MAX_TYPE + 1] = {
    ROW(R_AARCH64_NONE, .expr = XS_EXPR_NONE, UNIT0, NOCHECK),
    ROW(R_AARCH64_NULL, .expr = XS_EXPR_NONE, UNIT0, NOCHECK),

    /* Data. */
    ROW(R_AARCH64_ABS64, .expr = XS_EXPR_S_A, UNIT(8), NOCHECK),
    ROW(R_AARCH64_ABS32, .expr = XS_EXPR_S_A, UNIT(4), UNSIGNED),
    ROW(R_AARCH64_ABS16, .expr = XS_EXPR_S_A, UNIT(2), UNSIGNED),
    ROW(R_AARCH64_PREL64, .expr = XS_EXPR_S_A_P, UNIT(8), NOCHECK, .flags = XS_HOWTO_PCREL),
    ROW(R_AARCH64_PREL32, .expr = XS_EXPR_S_A_P, UNIT(4), SIGNED, .flags = XS_HOWTO_PCREL),
    ROW(R_AARCH64_PREL16, .expr = XS_EXPR_S_A_P, UNIT(2), SIGNED, .flags = XS_HOWTO_PCREL),
    /*
     * AAELF64 2022+ (after binutils 2.40): PLT32 is S + A - P with no PLT
     * here (L = S), GOTPCREL32 is G(GDAT(S)) + A - P; both signed 32.
     */
    ROW(R_AARCH64_PLT32, .expr = XS_EXPR_S_A_P, UNIT(4), SIGNED, .flags = XS_HOWTO_PCREL),
    ROW(R_AARCH64_GOTPCREL32, .expr = XS_EXPR_G_GOT_A_P, UNIT(4), SIGNED,
	.flags = XS_HOWTO_PCREL | XS_HOWTO_GOT),
    ROW(R_AARCH64_GOTREL64, .expr = XS_EXPR_S_A_GOT, UNIT(8), NOCHECK),
    ROW(R_AARCH64_GOTREL32, .expr = XS_EXPR_S_A_GOT, UNIT(4), SIGNED),

    /* Move wide: unsigned groups (the last, G3, holds bits 63:48: nothing to check). */
    UABS(R_AARCH64_MOVW_UABS_G0, 0, UNSIGNED),
    UABS(R_AARCH64_MOVW_UABS_G0_NC, 0, NOCHECK),
    UABS(R_AARCH64_MOVW_UABS_G1, 1, UNSIGNED),
    UABS(R_AARCH64_MOVW_UABS_G1_NC, 1, NOCHECK),
    UABS(R_AARCH64_MOVW_UABS_G2, 2, UNSIGNED),
    UABS(R_AARCH64_MOVW_UABS_G2_NC, 2, NOCHECK),
    UABS(R_AARCH64_MOVW_UABS_G3, 3, NOCHECK),
    SABS(R_AARCH64_MOVW_SABS_G0, 0),
    SABS(R_AARCH64_MOVW_SABS_G1, 1),
    SABS(R_AARCH64_MOVW_SABS_G2, 2),
    PREL_FLIP(R_AARCH64_MOVW_PREL_G0, 0, BITFIELD),
    PREL_NC(R_AARCH64_MOVW_PREL_G0_NC, 0),
    PREL_FLIP(R_AARCH64_MOVW_PREL_G1, 1, BITFIELD),
    PREL_NC(R_AARCH64_MOVW_PREL_G1_NC, 1),
    PREL_FLIP(R_AARCH64_MOVW_PREL_G2, 2, BITFIELD),
    PREL_NC(R_AARCH64_MOVW_PREL_G2_NC, 2),
    PREL_FLIP(R_AARCH64_MOVW_PREL_G3, 3, NOCHECK),

    /* PC-relative addresses and literal loads: +-1 MiB, +-4 GiB for pages. */
    ROW(R_AARCH64_LD_PREL_LO19, .expr = XS_EXPR_S_A_P, .r_shift = 2, .align = 2, IMM19, SIGNED,
	C_LDLIT, INSN(XS_HOWTO_PCREL)),
    ROW(R_AARCH64_ADR_PREL_LO21, .expr = XS_EXPR_S_A_P, IMM_ADR, SIGNED, C_ADR,
	INSN(XS_HOWTO_PCREL)),
    ROW(R_AARCH64_ADR_PREL_PG_HI21, .expr = XS_EXPR_PAGE_S_A_P, .r_shift = 12, IMM_ADR, SIGNED,
	C_ADRP, INSN(XS_HOWTO_PCREL | XS_HOWTO_ADRP)),
    ROW(R_AARCH64_ADR_PREL_PG_HI21_NC, .expr = XS_EXPR_PAGE_S_A_P, .r_shift = 12, IMM_ADR, NOCHECK,
	C_ADRP, INSN(XS_HOWTO_PCREL | XS_HOWTO_ADRP)),

    /* :lo12: companions of ADRP. */
    ROW(R_AARCH64_ADD_ABS_LO12_NC, .expr = XS_EXPR_S_A, .keep_bits = 12, IMM12, NOCHECK, C_ADD,
	INSN(0)),
    LDST(R_AARCH64_LDST8_ABS_LO12_NC, 0, C_LDST8),
    LDST(R_AARCH64_LDST16_ABS_LO12_NC, 1, C_LDST16),
    LDST(R_AARCH64_LDST32_ABS_LO12_NC, 2, C_LDST32),
    LDST(R_AARCH64_LDST64_ABS_LO12_NC, 3, C_LDST64),
    LDST(R_AARCH64_LDST128_ABS_LO12_NC, 4, C_LDST128),

    /* Branches: +-32 KiB, +-1 MiB, +-128 MiB. Only B/BL may go through a veneer. */
    ROW(R_AARCH64_TSTBR14, .expr = XS_EXPR_S_A_P, .r_shift = 2, IMM14, SIGNED, C_TBZ,
	INSN(XS_HOWTO_PCREL)),
    ROW(R_AARCH64_CONDBR19, .expr = XS_EXPR_S_A_P, .r_shift = 2, IMM19, SIGNED, C_CONDBR,
	INSN(XS_HOWTO_PCREL)),
    ROW(R_AARCH64_JUMP26, .expr = XS_EXPR_S_A_P, .r_shift = 2, IMM26, SIGNED, C_B,
	INSN(XS_HOWTO_PCREL | XS_HOWTO_BRANCH)),
    ROW(R_AARCH64_CALL26, .expr = XS_EXPR_S_A_P, .r_shift = 2, IMM26, SIGNED, C_B,
	INSN(XS_HOWTO_PCREL | XS_HOWTO_BRANCH)),

    /* GOT. */
    /*
     * ld 2.40 does not check ADR_GOT_PAGE (complain_overflow_dont); we
     * keep AAELF64's -2^32 <= X < 2^32 rather than truncate a GOT page.
     */
    ROW(R_AARCH64_ADR_GOT_PAGE, .expr = XS_EXPR_PAGE_G_P, .r_shift = 12, IMM_ADR, SIGNED, C_ADRP,
	INSN(XS_HOWTO_PCREL | XS_HOWTO_GOT | XS_HOWTO_ADRP)),
    ROW(R_AARCH64_LD64_GOT_LO12_NC, .expr = XS_EXPR_G_ABS, .keep_bits = 12, .r_shift = 3,
	.align = 3, IMM12, NOCHECK, C_LDRX, INSN(XS_HOWTO_GOT)),
    /* Checked, not truncated: ld and AAELF64 require 0 <= X < 2^15. */
    ROW(R_AARCH64_LD64_GOTPAGE_LO15, .expr = XS_EXPR_G_PAGE_GOT, .r_shift = 3, .align = 3, IMM12,
	UNSIGNED, C_LDRX, INSN(XS_HOWTO_GOT)),
    /* G(GDAT(S + A)) - P; the G_GOT_A_P expression adds A again, exact for A = 0. */
    ROW(R_AARCH64_GOT_LD_PREL19, .expr = XS_EXPR_G_GOT_A_P, .r_shift = 2, .align = 2, IMM19, SIGNED,
	C_LDLIT, INSN(XS_HOWTO_PCREL | XS_HOWTO_GOT)),
    /* G(GDAT(S)) - GOT: no row expression yields it. */
    REFUSED(R_AARCH64_MOVW_GOTOFF_G0, .size = 4),
    REFUSED(R_AARCH64_MOVW_GOTOFF_G0_NC, .size = 4),
    REFUSED(R_AARCH64_MOVW_GOTOFF_G1, .size = 4),
    REFUSED(R_AARCH64_MOVW_GOTOFF_G1_NC, .size = 4),
    REFUSED(R_AARCH64_MOVW_GOTOFF_G2, .size = 4),
    REFUSED(R_AARCH64_MOVW_GOTOFF_G2_NC, .size = 4),
    REFUSED(R_AARCH64_MOVW_GOTOFF_G3, .size = 4),
    REFUSED(R_AARCH64_LD64_GOTOFF_LO15, .size = 4),

    /* Thread-local storage: refused by name. */
    TLS(R_AARCH64_TLSGD_ADR_PREL21),
    TLS(R_AARCH64_TLSGD_ADR_PAGE21),
    TLS(R_AARCH64_TLSGD_ADD_LO12_NC),
    TLS(R_AARCH64_TLSGD_MOVW_G1),
    TLS(R_AARCH64_TLSGD_MOVW_G0_NC),
    TLS(R_AARCH64_TLSLD_ADR_PREL21),
    TLS(R_AARCH64_TLSLD_ADR_PAGE21),
    TLS(R_AARCH64_TLSLD_ADD_LO12_NC),
    TLS(R_AARCH64_TLSLD_MOVW_G1),
    TLS(R_AARCH64_TLSLD_MOVW_G0_NC),
    TLS(R_AARCH64_TLSLD_LD_PREL19),
    TLS(R_AARCH64_TLSLD_MOVW_DTPREL_G2),
    TLS(R_AARCH64_TLSLD_MOVW_DTPREL_G1),
    TLS(R_AARCH64_TLSLD_MOVW_DTPREL_G1_NC),
    TLS(R_AARCH64_TLSLD_MOVW_DTPREL_G0),
    TLS(R_AARCH64_TLSLD_MOVW_DTPREL_G0_NC),
    TLS(R_AARCH64_TLSLD_ADD_DTPREL_HI12),
    TLS(R_AARCH64_TLSLD_ADD_DTPREL_LO12),
    TLS(R_AARCH64_TLSLD_ADD_DTPREL_LO12_NC),
    TLS(R_AARCH64_TLSLD_LDST8_DTPREL_LO12),
    TLS(R_AARCH64_TLSLD_LDST8_DTPREL_LO12_NC),
    TLS(R_AARCH64_TLSLD_LDST16_DTPREL_LO12),
    TLS(R_AARCH64_TLSLD_LDST16_DTPREL_LO12_NC),
    TLS(R_AARCH64_TLSLD_LDST32_DTPREL_LO12),
    TLS(R_AARCH64_TLSLD_LDST32_DTPREL_LO12_NC),
    TLS(R_AARCH64_TLSLD_LDST64_DTPREL_LO12),
    TLS(R_AARCH64_TLSLD_LDST64_DTPREL_LO12_NC),
    TLS(R_AARCH64_TLSIE_MOVW_GOTTPREL_G1),
    TLS(R_AARCH64_TLSIE_MOVW_GOTTPREL_G0_NC),
    TLS(R_AARCH64_TLSIE_ADR_GOTTPREL_PAGE21),
    TLS(R_AARCH64_TLSIE_LD64_GOTTPREL_LO12_NC),
    TLS(R_AARCH64_TLSIE_LD_GOTTPREL_PREL19),
    TLS(R_AARCH64_TLSLE_MOVW_TPREL_G2),
    TLS(R_AARCH64_TLSLE_MOVW_TPREL_G1),
    TLS(R_AARCH64_TLSLE_MOVW_TPREL_G1_NC),
    TLS(R_AARCH64_TLSLE_MOVW_TPREL_G0),
    TLS(R_AARCH64_TLSLE_MOVW_TPREL_G0_NC),
    TLS(R_AARCH64_TLSLE_ADD_TPREL_HI12),
    TLS(R_AARCH64_TLSLE_ADD_TPREL_LO12),
    TLS(R_AARCH64_TLSLE_ADD_TPREL_LO12_NC),
    TLS(R_AARCH64_TLSLE_LDST8_TPREL_LO12),
    TLS(R_AARCH64_TLSLE_LDST8_TPREL_LO12_NC),
    TLS(R_AARCH64_TLSLE_LDST16_TPREL_LO12),
    TLS(R_AARCH64_TLSLE_LDST16_TPREL_LO12_NC),
    TLS(R_AARCH64_TLSLE_LDST32_TPREL_LO12),
    TLS(R_AARCH64_TLSLE_LDST32_TPREL_LO12_NC),
    TLS(R_AARCH64_TLSLE_LDST64_TPREL_LO12),
    TLS(R_AARCH64_TLSLE_LDST64_TPREL_LO12_NC),
    TLS(R_AARCH64_TLSDESC_LD_PREL19),
    TLS(R_AARCH64_TLSDESC_ADR_PREL21),
    TLS(R_AARCH64_TLSDESC_ADR_PAGE21),
    TLS(R_AARCH64_TLSDESC_LD64_LO12),
    TLS(R_AARCH64_TLSDESC_ADD_LO12),
    TLS(R_AARCH64_TLSDESC_OFF_G1),
    TLS(R_AARCH64_TLSDESC_OFF_G0_NC),
    TLS(R_AARCH64_TLSDESC_LDR),
    TLS(R_AARCH64_TLSDESC_ADD),
    TLS(R_AARCH64_TLSDESC_CALL),
    TLS(R_AARCH64_TLSLE_LDST128_TPREL_LO12),
    TLS(R_AARCH64_TLSLE_LDST128_TPREL_LO12_NC),
    TLS(R_AARCH64_TLSLD_LDST128_DTPREL_LO12),
    TLS(R_AARCH64_TLSLD_LDST128_DTPREL_LO12_NC),

    /* Dynamic-only: produced by a linker for ld.so, never valid in ET_REL. */
    REFUSED(R_AARCH64_COPY, UNIT0),
    REFUSED(R_AARCH64_GLOB_DAT, UNIT(8)),
    REFUSED(R_AARCH64_JUMP_SLOT, UNIT(8)),
    REFUSED(R_AARCH64_RELATIVE, UNIT(8)),
    REFUSED(R_AARCH64_TLS_DTPMOD64, UNIT(8)),
    REFUSED(R_AARCH64_TLS_DTPREL64, UNIT(8)),
    REFUSED(R_AARCH64_TLS_TPREL64, UNIT(8)),
    REFUSED(R_AARCH64_TLSDESC, UNIT(8)),
    REFUSED(R_AARCH64_IRELATIVE, UNIT(8)),
};
