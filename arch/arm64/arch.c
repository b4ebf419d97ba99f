/* SPDX-License-Identifier: MIT */
/* AArch64: far-branch veneers and the Cortex-A53 erratum 843419 workaround. */
#include "arch.h"

#include <xsplice/link.h>

#include "aarch64.h"
#include "xs_elf.h"
#include "util.h"

#define A64_LDR_X16_8 (XS_A64_LDR_LIT_X_MATCH | (2u << 5) | 16u) /* ldr x16, .+8 */
#define A64_BR_X16 (XS_A64_BR_MATCH | (16u << 5))		 /* br x16 */

/* B/BL and B.cond/CBZ/TBZ imm: PC-relative, so the value is S + A - P. */
static uint64_t a64_branch_target(const struct xs_howto *h, uint64_t S, int64_t A)
{
	(void)h;
	return S + (uint64_t)A;
}

/*
 *   ldr x16, .+8 ; br x16 ; .quad target
 * Reaches all 64 bits, position independent, writes only x16 (IP0, which
 * AAPCS64 §6.4 "Register usage" lets a veneer corrupt) and leaves the stack
 * alone. With stub_align 16 the literal is 8-byte aligned. BR through x16
 * is accepted by a "BTI c" landing pad at the target.
 */
static void a64_write_stub(uint8_t *w, uint64_t at, uint64_t target)
{
	(void)at;
	xs_store32(w, A64_LDR_X16_8);
	xs_store32(w + 4, A64_BR_X16);
	xs_store_le(w + 8, target, 8);
}

/*
 * Cortex-A53 erratum 843419 (Arm "Cortex-A53 MPCore Software Developers
 * Errata Notice", ARM-EPM-048406): a load/store whose address comes from an
 * ADRP at page offset 0xff8 or 0xffc may use a wrong address when:
 *   1. ADRP Xn at page offset 0xff8/0xffc;
 *   2. a load or store (not a load pair);
 *   3. optionally one other instruction;
 *   4. LDR/STR (immediate, unsigned offset) with base Xn.
 * This is "sequence 1" of the notice as GNU ld 2.40 --fix-cortex-a53-843419
 * detects it (checked against ld): instruction 2 is any of the v8.0 loads
 * and stores - single register in every addressing mode, literal,
 * exclusive, store pair, Advanced SIMD structure - but not LDP/LDNP/LDXP or
 * the v8.1 atomics; ld does not ask whether 2 writes Xn or whether 3 is a
 * branch. lld asks both, so ld's set is the larger one, and a site found
 * needlessly costs nothing: the ADR written instead computes the same value.
 * The notice's rare sequence 2 is scanned by neither linker, nor here.
 * Encodings: Arm ARM (DDI 0487) C4.1 "Loads and Stores".
 */
static inline uint32_t rt_of(uint32_t i)
{
	return i & 0x1f;
}
static inline uint32_t rn_of(uint32_t i)
{
	return (i >> 5) & 0x1f;
}

static bool is_ldst_unsigned(uint32_t i)
{
	return (i & 0x3b000000u) == 0x39000000u;
}

/* Instruction 2: a load or store that is not a load pair. */
static bool erratum_insn2(uint32_t i)
{
	bool load = (i >> 22) & 1;

	if ((i & 0x0a000000u) != 0x08000000u) /* not in the loads and stores group */
		return false;
	if ((i & 0x3f000000u) == 0x08000000u) /* exclusive / ordered; bit 21: pair */
		return !(load && ((i >> 21) & 1));
	if ((i & 0x3a000000u) == 0x28000000u) /* LDP/STP, LDNP/STNP: all index modes */
		return !load;
	if ((i & 0x3b000000u) == 0x18000000u) /* LDR (literal) */
		return true;
	if ((i & 0x3b200000u) == 0x38000000u) /* unscaled, post, unprivileged, pre (imm9) */
		return true;
	if ((i & 0x3b200c00u) == 0x38200800u) /* register offset */
		return true;
	if (is_ldst_unsigned(i))
		return true;
	if ((i & 0xbfbf0000u) == 0x0c000000u || (i & 0xbfa00000u) == 0x0c800000u) {
		/* LDn/STn (multiple structures): the allocated opcodes */
		uint32_t op = (i >> 12) & 0xf;
		return op == 0 || op == 2 || op == 4 || op == 6 || op == 7 || op == 8 || op == 10;
	}
	/* LDn/STn (single structure), LDnR */
	return (i & 0xbf9f0000u) == 0x0d000000u || (i & 0xbf800000u) == 0x0d800000u;
}

bool xs_a64_erratum_843419_site(const uint8_t *sec, uint64_t sec_size, uint64_t off, uint64_t P)
{
	uint64_t po = P & 0xfff;

	if (sec == NULL || (po != 0xff8 && po != 0xffc))
		return false;
	if (off > sec_size || sec_size - off < 12)
		return false;
	uint32_t i1 = xs_load32(sec + off), i2 = xs_load32(sec + off + 4);
	uint32_t i3 = xs_load32(sec + off + 8);
	if ((i1 & XS_A64_ADR_MASK) != XS_A64_ADRP_MATCH)
		return false;
	uint32_t rn = rt_of(i1);
	if (!erratum_insn2(i2))
		return false;
	if (is_ldst_unsigned(i3) && rn_of(i3) == rn)
		return true;
	if (sec_size - off < 16)
		return false;
	uint32_t i4 = xs_load32(sec + off + 12);
	return is_ldst_unsigned(i4) && rn_of(i4) == rn;
}

/*
 * For an ADRP row at an erratum site: when Page(target) is within ADR reach
 * of P (+-1 MiB), write ADR Xd, Page(target) - the same value without an
 * ADRP, as ld's --fix-cortex-a53-843419=adr does. Otherwise XS_E_NOT_FOUND:
 * the engine writes the ADRP (no veneer fallback here).
 */
static xs_status a64_special(const struct xs_reloc_site *s, struct xs_diag *d)
{
	const struct xs_howto *h = s->howto;
	uint64_t target;

	(void)d;
	if (!(h->flags & XS_HOWTO_ADRP) || (s->link_flags & XS_LINK_NO_ERRATUM_843419))
		return XS_E_NOT_FOUND;
	if (!xs_a64_erratum_843419_site(s->sec_w, s->sec_size, s->offset, s->v.P))
		return XS_E_NOT_FOUND;
	switch (h->expr) {
	case XS_EXPR_PAGE_S_A_P:
		target = s->v.S + (uint64_t)s->v.A;
		break;
	case XS_EXPR_PAGE_G_P:
		if (!s->has_got)
			return XS_E_NOT_FOUND;
		target = s->v.G;
		break;
	default:
		return XS_E_NOT_FOUND;
	}
	int64_t x = (int64_t)((target & ~(uint64_t)0xfff) - s->v.P);
	if (x < -((int64_t)1 << 20) || x >= ((int64_t)1 << 20))
		return XS_E_NOT_FOUND;

	uint32_t adrp = xs_load32(s->sec_w + s->offset);
	uint32_t ux = (uint32_t)(uint64_t)x;
	uint32_t adr =
	    XS_A64_ADR_MATCH | ((ux & 3u) << 29) | (((ux >> 2) & 0x7ffffu) << 5) | rt_of(adrp);
	xs_store32(s->sec_w + s->offset, adr);
	return XS_OK;
}

const struct xs_arch xs_arch_aarch64 = {
    .name = "aarch64",
    .machine = XS_EM_AARCH64,
    .max_type = XS_AARCH64_MAX_TYPE,
    .rows = xs_aarch64_rows,
    .got_entry_size = 8,
    .stub_size = XS_A64_STUB_SIZE,
    .stub_align = 16,
    .text_align = 16,
    .is_branch = NULL, /* CALL26/JUMP26 rows carry XS_HOWTO_BRANCH */
    .branch_target = a64_branch_target,
    .write_stub = a64_write_stub,
    .special = a64_special,
    /*
     * AAELF64 §5.7.x "Call and Jump relocations" / undefined weak references:
     * a B/BL to an undefined weak symbol becomes a NOP, and every
     * PC-relative reference resolves as if S + A were the place (GNU ld 2.40
     * does both; checked against its output).
     */
    .weak_undef_branch_insn = 0xd503201f,
    .weak_undef_pcrel_at_place = true,
};
