/* SPDX-License-Identifier: MIT */
/* x86-64 trampolines, recommended NOPs, and the filler assemblers put between functions. */
#include "tramp_int.h"
#include "util.h"

#define OP_JMP8 0xeb
#define OP_JMP32 0xe9
#define OP_GRP5 0xff
#define MODRM_JMP_RIP 0x25 /* ff /4, mod 00 rm 101: jmp *disp32(%rip) */
#define OP_NOP 0x90
#define OP_INT3 0xcc
#define PFX_OPSIZE 0x66
#define PFX_CS 0x2e
#define MAX_INSN 15

static const uint8_t endbr64[4] = {0xf3, 0x0f, 0x1e, 0xfa};

xs_status xs_x86_64_tramp_encode(enum xs_tramp_form f, uint64_t at, uint64_t target,
				 uint8_t *buf, unsigned *len, int64_t *dist)
{
	int64_t rel;
	switch (f) {
	case XS_TRAMP_X86_JMP8:
		rel = (int64_t)(target - (at + 2));
		*dist = rel;
		if (rel < INT8_MIN || rel > INT8_MAX)
			return XS_E_OUT_OF_REACH;
		buf[0] = OP_JMP8;
		buf[1] = (uint8_t)rel;
		*len = 2;
		return XS_OK;
	case XS_TRAMP_X86_JMP32:
		rel = (int64_t)(target - (at + 5));
		*dist = rel;
		if (rel < INT32_MIN || rel > INT32_MAX)
			return XS_E_OUT_OF_REACH;
		buf[0] = OP_JMP32;
		xs_store_le(buf + 1, (uint64_t)rel, 4);
		*len = 5;
		return XS_OK;
	case XS_TRAMP_X86_JMP_ABS:
		/* jmp *0(%rip) reads the address right after itself: reaches anything. */
		*dist = (int64_t)(target - at);
		buf[0] = OP_GRP5;
		buf[1] = MODRM_JMP_RIP;
		xs_store_le(buf + 2, 0, 4);
		xs_store_le(buf + 6, target, 8);
		*len = 14;
		return XS_OK;
	default:
		return XS_E_INVALID_ARG;
	}
}

/* Intel SDM vol. 2B, "NOP": the recommended multi-byte sequences, 1 to 9 bytes. */
static const uint8_t nop_forms[9][9] = {
	{0x90},
	{0x66, 0x90},
	{0x0f, 0x1f, 0x00},
	{0x0f, 0x1f, 0x40, 0x00},
	{0x0f, 0x1f, 0x44, 0x00, 0x00},
	{0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
	{0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
	{0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
	{0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
};

void xs_x86_64_nops(uint8_t *buf, size_t n)
{
	while (n) {
		size_t k = n > 9 ? 9 : n;
		xs_memcpy(buf, nop_forms[k - 1], k);
		buf += k;
		n -= k;
	}
}

/* Bytes of ModRM + SIB + displacement for a memory/register operand at p. */
static unsigned modrm_len(const uint8_t *p, uint64_t avail)
{
	if (avail < 1)
		return 0;
	uint8_t modrm = p[0], mod = modrm >> 6, rm = modrm & 7;
	unsigned n = 1;
	if (mod == 3)
		return n;
	if (rm == 4) { /* SIB */
		if (avail < 2)
			return 0;
		n++;
		if (mod == 0 && (p[1] & 7) == 5)
			n += 4;
	} else if (mod == 0 && rm == 5) {
		n += 4; /* rip-relative disp32 */
	}
	if (mod == 1)
		n += 1;
	else if (mod == 2)
		n += 4;
	return n;
}

/*
 * One filler unit: int3, a zero byte, or a NOP instruction as assemblers
 * emit for alignment: [66|2e]* 90, or [66|2e]* 0f 1f /0 (nopl/nopw with any
 * addressing form). Zero bytes are taken one at a time, not as instructions
 * (00 00 is "add %al,(%rax)", but linkers fill gaps with zeros).
 */
unsigned xs_x86_64_filler_len(const uint8_t *code, uint64_t len)
{
	if (len == 0)
		return 0;
	if (code[0] == OP_INT3 || code[0] == 0x00 || code[0] == OP_NOP)
		return 1;
	uint64_t avail = len < MAX_INSN ? len : MAX_INSN;
	unsigned i = 0;
	while (i < avail && (code[i] == PFX_OPSIZE || code[i] == PFX_CS))
		i++;
	if (i == 0 && code[0] != 0x0f)
		return 0;
	if (i < avail && code[i] == OP_NOP)
		return i + 1;
	if (i + 2 >= avail || code[i] != 0x0f || code[i + 1] != 0x1f ||
	    ((code[i + 2] >> 3) & 7) != 0)
		return 0;
	unsigned m = modrm_len(code + i + 2, avail - i - 2);
	if (m == 0 || i + 2 + m > avail)
		return 0;
	return i + 2 + m;
}

enum xs_entry xs_x86_64_entry(const uint8_t *code, size_t len)
{
	return len >= 4 && memcmp(code, endbr64, 4) == 0 ? XS_ENTRY_ENDBR64 : XS_ENTRY_NONE;
}
