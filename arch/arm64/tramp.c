/* SPDX-License-Identifier: MIT */
/* AArch64 trampolines (B, veneer, in-place LDR/BR), NOP fill, filler words, landing pads. */
#include "tramp_int.h"
#include "util.h"

#define A64_NOP 0xd503201fu
#define A64_B 0x14000000u
#define A64_B_IMM 0x03ffffffu
#define A64_LDR_X16_8 0x58000050u  /* ldr x16, .+8 (LDR literal, imm19 = 2) */
#define A64_LDR_X16_12 0x58000070u /* ldr x16, .+12 */
#define A64_BR_X16 0xd61f0200u
/* HINT #imm = 0xd503201f | imm << 5 */
#define A64_HINT(imm) (A64_NOP | ((uint32_t)(imm) << 5))
#define A64_PACIASP A64_HINT(25)
#define A64_PACIBSP A64_HINT(27)
#define B_MIN (-(INT64_C(1) << 27))
#define B_MAX ((INT64_C(1) << 27) - 4)

xs_status xs_aarch64_tramp_encode(enum xs_tramp_form f, uint64_t at, uint64_t target,
				  uint8_t *buf, unsigned *len, int64_t *dist)
{
	int64_t off = (int64_t)(target - at);
	*dist = off;
	if (at & 3)
		return XS_E_MISALIGNED;
	switch (f) {
	case XS_TRAMP_A64_B:
	case XS_TRAMP_A64_VENEER: /* the b to the veneer: target is the veneer here */
		if (off & 3)
			return XS_E_MISALIGNED;
		if (off < B_MIN || off > B_MAX)
			return XS_E_OUT_OF_REACH;
		xs_store32(buf, A64_B | ((uint32_t)(off >> 2) & A64_B_IMM));
		*len = 4;
		return XS_OK;
	case XS_TRAMP_A64_LDR_BR:
		/* x16 (IP0) is the AAPCS64 intra-procedure-call scratch: free at a call's entry. */
		if (((at + 8) & 7) == 0) {
			xs_store32(buf, A64_LDR_X16_8);
			xs_store32(buf + 4, A64_BR_X16);
			xs_store_le(buf + 8, target, 8);
			*len = 16;
		} else { /* keep the literal 8-byte aligned: single-copy atomic, no alignment fault */
			xs_store32(buf, A64_LDR_X16_12);
			xs_store32(buf + 4, A64_BR_X16);
			xs_store32(buf + 8, A64_NOP);
			xs_store_le(buf + 12, target, 8);
			*len = 20;
		}
		return XS_OK;
	default:
		return XS_E_INVALID_ARG;
	}
}

void xs_aarch64_nops(uint8_t *buf, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i += 4)
		xs_store32(buf + i, A64_NOP);
}

/* One filler word: NOP, or zero (which is also UDF #0). */
unsigned xs_aarch64_filler_len(const uint8_t *code, uint64_t len)
{
	if (len < 4)
		return 0;
	uint32_t w = xs_load32(code);
	return w == A64_NOP || w == 0 ? 4 : 0;
}

enum xs_entry xs_aarch64_entry(const uint8_t *code, size_t len)
{
	if (len < 4)
		return XS_ENTRY_NONE;
	uint32_t w = xs_load32(code);
	if (w == A64_PACIASP)
		return XS_ENTRY_PACIASP;
	if (w == A64_PACIBSP)
		return XS_ENTRY_PACIBSP;
	/* bti (#32), bti c (#34), bti j (#36), bti jc (#38) */
	if ((w & ~(6u << 5)) == A64_HINT(32))
		return XS_ENTRY_BTI;
	return XS_ENTRY_NONE;
}
