/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 howto table: one row per relocation type of the System V
 * x86-64 psABI §4.4 "Relocation Types" (table 4.9 and the TLS supplement).
 *
 * Every x86-64 field is a whole little-endian word (word8/16/32/64), so a row
 * is one field at bit 0 the width of the unit. The overflow rules are GNU
 * ld's (binutils 2.40 bfd/elf64-x86-64.c), not the looser psABI wording,
 * because the outside check compares bytes and errors with ld:
 *   16, 8, PC16          bitfield   -2^N <= X < 2^N
 *   PC8, 32S, PC32, PLT32, GOTPCREL*, GOTPC32   signed N
 *   32, SIZE32           unsigned N
 *   64-bit units         none (nothing to check)
 *
 * There is no PLT: PLT32's L is S itself and a far PLT32 goes through a stub;
 * PLTOFF64's L - GOT is S - GOT. The GOT is the payload's own, one slot per
 * symbol; G in struct xs_reloc_vals is the slot's address.
 *
 * Known types the linker refuses carry their unit size (for bounds checks
 * and `xsplice inspect`) but XS_EXPR_NONE, so applying one writes nothing.
 */
#include "x86_64.h"

#include <stdint.h>

/* Each wrapper stringifies t itself: passed on, t would expand to its number. */
#define ROW_(t, name_, ...) [t] = {.name = name_, .type = t, __VA_ARGS__}
#define ROW(t, ...) ROW_(t, #t, __VA_ARGS__)

/* One field covering a whole unit of n bytes (n = 1, 2, 4, 8). */
#define UNIT(n)                                                                                    \
	.size = (n), .nfields = 1, .fields = {{.pos = 0, .width = 8 * (n)}},                       \
	.mask = (~(uint64_t)0 >> (64 - 8 * (n)))
#define UNIT0 .size = 0, .nfields = 0, .mask = 0

#define SIGNED .overflow = XS_OVF_SIGNED
#define UNSIGNED .overflow = XS_OVF_UNSIGNED
#define BITFIELD .overflow = XS_OVF_BITFIELD
#define NOCHECK .overflow = XS_OVF_NONE

#define TLS(t, n, ovf, fl) ROW_(t, #t, .expr = XS_EXPR_NONE, n, ovf, .flags = XS_HOWTO_TLS | (fl))
#define REFUSED(t, n, ovf) ROW_(t, #t, .expr = XS_EXPR_NONE, n, ovf, .flags = XS_HOWTO_UNSUPPORTED)

const struct xs_howto xs_x86_64_rows[XS_X86_64_MAX_TYPE + 1] = {
    ROW(R_X86_64_NONE, .expr = XS_EXPR_NONE, UNIT0, NOCHECK),
    ROW(R_X86_64_64, .expr = XS_EXPR_S_A, UNIT(8), NOCHECK),
    /* A branch only if it is the rel32 of call/jmp/jcc (arch is_branch). */
    ROW(R_X86_64_PC32, .expr = XS_EXPR_S_A_P, UNIT(4), SIGNED,
	.flags = XS_HOWTO_PCREL | XS_HOWTO_MAYBE_BRANCH),
    /* G + A: the offset of the symbol's slot from the GOT base. */
    ROW(R_X86_64_GOT32, .expr = XS_EXPR_G_A_GOT, UNIT(4), SIGNED, .flags = XS_HOWTO_GOT),
    /* L = S: no PLT; any PLT32 may be routed through a stub when far. */
    ROW(R_X86_64_PLT32, .expr = XS_EXPR_S_A_P, UNIT(4), SIGNED,
	.flags = XS_HOWTO_PCREL | XS_HOWTO_BRANCH),
    /* Dynamic-only: produced by a linker for ld.so, never valid in ET_REL. */
    REFUSED(R_X86_64_COPY, UNIT0, NOCHECK),
    REFUSED(R_X86_64_GLOB_DAT, UNIT(8), NOCHECK),
    REFUSED(R_X86_64_JUMP_SLOT, UNIT(8), NOCHECK),
    REFUSED(R_X86_64_RELATIVE, UNIT(8), NOCHECK),
    ROW(R_X86_64_GOTPCREL, .expr = XS_EXPR_G_GOT_A_P, UNIT(4), SIGNED,
	.flags = XS_HOWTO_GOT | XS_HOWTO_PCREL),
    ROW(R_X86_64_32, .expr = XS_EXPR_S_A, UNIT(4), UNSIGNED),
    ROW(R_X86_64_32S, .expr = XS_EXPR_S_A, UNIT(4), SIGNED),
    ROW(R_X86_64_16, .expr = XS_EXPR_S_A, UNIT(2), BITFIELD),
    ROW(R_X86_64_PC16, .expr = XS_EXPR_S_A_P, UNIT(2), BITFIELD, .flags = XS_HOWTO_PCREL),
    ROW(R_X86_64_8, .expr = XS_EXPR_S_A, UNIT(1), BITFIELD),
    ROW(R_X86_64_PC8, .expr = XS_EXPR_S_A_P, UNIT(1), SIGNED, .flags = XS_HOWTO_PCREL),
    TLS(R_X86_64_DTPMOD64, UNIT(8), NOCHECK, 0),
    TLS(R_X86_64_DTPOFF64, UNIT(8), NOCHECK, 0),
    TLS(R_X86_64_TPOFF64, UNIT(8), NOCHECK, 0),
    TLS(R_X86_64_TLSGD, UNIT(4), SIGNED, XS_HOWTO_PCREL),
    TLS(R_X86_64_TLSLD, UNIT(4), SIGNED, XS_HOWTO_PCREL),
    TLS(R_X86_64_DTPOFF32, UNIT(4), SIGNED, 0),
    TLS(R_X86_64_GOTTPOFF, UNIT(4), SIGNED, XS_HOWTO_PCREL),
    TLS(R_X86_64_TPOFF32, UNIT(4), SIGNED, 0),
    ROW(R_X86_64_PC64, .expr = XS_EXPR_S_A_P, UNIT(8), NOCHECK, .flags = XS_HOWTO_PCREL),
    ROW(R_X86_64_GOTOFF64, .expr = XS_EXPR_S_A_GOT, UNIT(8), NOCHECK),
    ROW(R_X86_64_GOTPC32, .expr = XS_EXPR_GOT_A_P, UNIT(4), SIGNED, .flags = XS_HOWTO_PCREL),
    /* G + A, a GOT offset (large-model PIC data). */
    ROW(R_X86_64_GOT64, .expr = XS_EXPR_G_A_GOT, UNIT(8), NOCHECK, .flags = XS_HOWTO_GOT),
    ROW(R_X86_64_GOTPCREL64, .expr = XS_EXPR_G_GOT_A_P, UNIT(8), NOCHECK,
	.flags = XS_HOWTO_GOT | XS_HOWTO_PCREL),
    ROW(R_X86_64_GOTPC64, .expr = XS_EXPR_GOT_A_P, UNIT(8), NOCHECK, .flags = XS_HOWTO_PCREL),
    /* Like GOT64: no PLT, so the symbol's own GOT slot serves. */
    ROW(R_X86_64_GOTPLT64, .expr = XS_EXPR_G_A_GOT, UNIT(8), NOCHECK, .flags = XS_HOWTO_GOT),
    /* L - GOT + A with L = S: the function itself stands in for its PLT entry. */
    ROW(R_X86_64_PLTOFF64, .expr = XS_EXPR_S_A_GOT, UNIT(8), NOCHECK),
    ROW(R_X86_64_SIZE32, .expr = XS_EXPR_Z_A, UNIT(4), UNSIGNED),
    ROW(R_X86_64_SIZE64, .expr = XS_EXPR_Z_A, UNIT(8), NOCHECK),
    TLS(R_X86_64_GOTPC32_TLSDESC, UNIT(4), BITFIELD, XS_HOWTO_PCREL),
    /* A marker on `call *(%rax)`: no unit. */
    TLS(R_X86_64_TLSDESC_CALL, UNIT0, NOCHECK, 0),
    TLS(R_X86_64_TLSDESC, UNIT(8), NOCHECK, 0),
    REFUSED(R_X86_64_IRELATIVE, UNIT(8), NOCHECK),
    REFUSED(R_X86_64_RELATIVE64, UNIT(8), NOCHECK),
    /* MPX `bnd call/jmp` (f2 e8/e9): the rel32 still follows e8/e9. */
    ROW(R_X86_64_PC32_BND, .expr = XS_EXPR_S_A_P, UNIT(4), SIGNED,
	.flags = XS_HOWTO_PCREL | XS_HOWTO_MAYBE_BRANCH),
    ROW(R_X86_64_PLT32_BND, .expr = XS_EXPR_S_A_P, UNIT(4), SIGNED,
	.flags = XS_HOWTO_PCREL | XS_HOWTO_BRANCH),
    ROW(R_X86_64_GOTPCRELX, .expr = XS_EXPR_G_GOT_A_P, UNIT(4), SIGNED,
	.flags = XS_HOWTO_GOT | XS_HOWTO_PCREL | XS_HOWTO_RELAX_GOTPCRELX),
    ROW(R_X86_64_REX_GOTPCRELX, .expr = XS_EXPR_G_GOT_A_P, UNIT(4), SIGNED,
	.flags = XS_HOWTO_GOT | XS_HOWTO_PCREL | XS_HOWTO_RELAX_GOTPCRELX),
    /* APX (REX2/EVEX prefixed) forms: always through the GOT, never relaxed. */
    ROW(R_X86_64_CODE_4_GOTPCRELX, .expr = XS_EXPR_G_GOT_A_P, UNIT(4), SIGNED,
	.flags = XS_HOWTO_GOT | XS_HOWTO_PCREL),
    TLS(R_X86_64_CODE_4_GOTTPOFF, UNIT(4), SIGNED, XS_HOWTO_PCREL),
    TLS(R_X86_64_CODE_4_GOTPC32_TLSDESC, UNIT(4), BITFIELD, XS_HOWTO_PCREL),
    ROW(R_X86_64_CODE_5_GOTPCRELX, .expr = XS_EXPR_G_GOT_A_P, UNIT(4), SIGNED,
	.flags = XS_HOWTO_GOT | XS_HOWTO_PCREL),
    TLS(R_X86_64_CODE_5_GOTTPOFF, UNIT(4), SIGNED, XS_HOWTO_PCREL),
    TLS(R_X86_64_CODE_5_GOTPC32_TLSDESC, UNIT(4), BITFIELD, XS_HOWTO_PCREL),
    ROW(R_X86_64_CODE_6_GOTPCRELX, .expr = XS_EXPR_G_GOT_A_P, UNIT(4), SIGNED,
	.flags = XS_HOWTO_GOT | XS_HOWTO_PCREL),
    TLS(R_X86_64_CODE_6_GOTTPOFF, UNIT(4), SIGNED, XS_HOWTO_PCREL),
    TLS(R_X86_64_CODE_6_GOTPC32_TLSDESC, UNIT(4), BITFIELD, XS_HOWTO_PCREL),
    /* Vtable-GC hints for a linker that collects vtables: nothing to apply. */
    ROW(R_X86_64_GNU_VTINHERIT, .expr = XS_EXPR_NONE, UNIT0, NOCHECK),
    ROW(R_X86_64_GNU_VTENTRY, .expr = XS_EXPR_NONE, UNIT0, NOCHECK),
};
