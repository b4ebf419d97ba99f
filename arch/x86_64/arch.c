/* SPDX-License-Identifier: MIT */
/* x86-64: branch recognition, far-branch stubs, GOTPCRELX relaxation. */
#include "arch.h"

#include <xsplice/link.h>

#include "xs_elf.h"
#include "util.h"
#include "x86_64.h"

#define OP_CALL_REL32 0xe8
#define OP_JMP_REL32 0xe9
#define OP_0F 0x0f
#define OP_MOV_LOAD 0x8b /* mov r/m, reg */
#define OP_LEA 0x8d
#define OP_GRP5 0xff /* /2 call r/m, /4 jmp r/m */
#define OP_ADDR32 0x67
#define OP_NOP 0x90
#define OP_INT3 0xcc
#define MODRM_CALL_RIP 0x15 /* mod 00, reg /2, rm 101: call *disp32(%rip) */
#define MODRM_JMP_RIP 0x25  /* mod 00, reg /4, rm 101: jmp *disp32(%rip) */

#define X86_STUB_SIZE 16

/*
 * The 4 bytes at off are a rel32 whose instruction ends right after them
 * when they follow e8 (call), e9 (jmp) or 0f 80..8f (jcc). A rip-relative
 * operand's ModRM is 00xxx101, never one of those, so data references do not
 * match. Only bytes before off are read; the caller checked off + 4 <= size.
 */
static bool x86_is_branch(const struct xs_howto *h, const uint8_t *sec, uint64_t off)
{
	(void)h;
	if (sec == NULL || off < 1)
		return false;
	uint8_t op = sec[off - 1];
	if (op == OP_CALL_REL32 || op == OP_JMP_REL32)
		return true;
	return off >= 2 && sec[off - 2] == OP_0F && (op & 0xf0) == 0x80;
}

/* rel32 counts from the end of the 4-byte field: (P + 4) + (S + A - P). */
static uint64_t x86_branch_target(const struct xs_howto *h, uint64_t S, int64_t A)
{
	(void)h;
	return S + (uint64_t)A + 4;
}

/*
 * jmp *0(%rip); .quad target; int3 x2. Position independent (at is not
 * needed), reaches all 64 bits, writes no register and leaves the stack and
 * flags as they were.
 */
static void x86_write_stub(uint8_t *w, uint64_t at, uint64_t target)
{
	static const uint8_t jmp_rip[6] = {OP_GRP5, MODRM_JMP_RIP, 0, 0, 0, 0};

	(void)at;
	xs_memcpy(w, jmp_rip, sizeof(jmp_rip));
	xs_store_le(w + 6, target, 8);
	w[14] = OP_INT3;
	w[15] = OP_INT3;
}

static bool fits_s32(int64_t x)
{
	return x >= INT32_MIN && x <= INT32_MAX;
}

/*
 * GOTPCRELX relaxation, x86-64 psABI appendix B.2 "Optimize GOTPCRELX
 * Relocations" (and GNU ld's elf_x86_64_convert_load_reloc for the exact
 * call/jmp encodings):
 *
 *   [rex] 8b /r  mov foo@GOTPCREL(%rip), %reg  ->  [rex] 8d /r  lea foo(%rip), %reg
 *   ff 15        call *foo@GOTPCREL(%rip)      ->  67 e8 rel32  addr32 call foo
 *   ff 25        jmp *foo@GOTPCREL(%rip)       ->  e9 rel32 90  jmp foo; nop
 *
 * The rewrite keeps the instruction's length and the place of its end, so
 * the rel32 of lea and call is S + A - P at the same place; jmp's rel32
 * moves one byte back, to P - 1, where it is S + A - (P - 1). Anything else
 * (test/binop forms, call/jmp with a REX prefix, a target out of reach, an
 * undefined weak target) stays on the GOT: XS_E_NOT_FOUND.
 */
static xs_status x86_special(const struct xs_reloc_site *s, struct xs_diag *d)
{
	const struct xs_howto *h = s->howto;

	(void)d;
	if (h == NULL || !(h->flags & XS_HOWTO_RELAX_GOTPCRELX))
		return XS_E_NOT_FOUND;
	if (!(s->link_flags & XS_LINK_RELAX) || !s->target_defined)
		return XS_E_NOT_FOUND;
	if (s->sec_w == NULL || s->offset < 2 || s->offset > s->sec_size ||
	    s->sec_size - s->offset < 4)
		return XS_E_NOT_FOUND;

	bool rex = h->type == R_X86_64_REX_GOTPCRELX;
	uint8_t *p = s->sec_w + s->offset;
	uint8_t op = p[-2], modrm = p[-1];
	uint64_t S = s->v.S, A = (uint64_t)s->v.A, P = s->v.P;

	if (rex && (s->offset < 3 || (p[-3] & 0xf0) != 0x40))
		return XS_E_NOT_FOUND;
	/* mod 00, rm 101: disp32(%rip), the only form GOTPCREL describes. */
	if ((modrm & 0xc7) != 0x05)
		return XS_E_NOT_FOUND;

	if (op == OP_MOV_LOAD) {
		int64_t x = (int64_t)(S + A - P);
		if (!fits_s32(x))
			return XS_E_NOT_FOUND;
		p[-2] = OP_LEA;
		xs_store32(p, (uint32_t)x);
		return XS_OK;
	}
	if (op != OP_GRP5 || rex)
		return XS_E_NOT_FOUND;
	if (modrm == MODRM_CALL_RIP) {
		int64_t x = (int64_t)(S + A - P);
		if (!fits_s32(x))
			return XS_E_NOT_FOUND;
		p[-2] = OP_ADDR32;
		p[-1] = OP_CALL_REL32;
		xs_store32(p, (uint32_t)x);
		return XS_OK;
	}
	if (modrm == MODRM_JMP_RIP) {
		int64_t x = (int64_t)(S + A - (P - 1));
		if (!fits_s32(x))
			return XS_E_NOT_FOUND;
		p[-2] = OP_JMP_REL32;
		xs_store32(p - 1, (uint32_t)x);
		p[3] = OP_NOP;
		return XS_OK;
	}
	return XS_E_NOT_FOUND;
}

const struct xs_arch xs_arch_x86_64 = {
    .name = "x86_64",
    .machine = XS_EM_X86_64,
    .max_type = XS_X86_64_MAX_TYPE,
    .rows = xs_x86_64_rows,
    .got_entry_size = 8,
    .stub_size = X86_STUB_SIZE,
    .stub_align = 16,
    .text_align = 16,
    .is_branch = x86_is_branch,
    .branch_target = x86_branch_target,
    .write_stub = x86_write_stub,
    .special = x86_special,
};
