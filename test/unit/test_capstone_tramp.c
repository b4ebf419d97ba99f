/* SPDX-License-Identifier: MIT */
/* Capstone decodes every trampoline form at the edges of its reach and finds it lands on the target. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <capstone/capstone.h>
#include <cmocka.h>

#include <xsplice/tramp.h>

static uint64_t lands(cs_arch arch, cs_mode mode, const uint8_t *b, unsigned len, uint64_t at)
{
	csh h;
	cs_insn *insn;
	assert_int_equal(cs_open(arch, mode, &h), CS_ERR_OK);
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	size_t n = cs_disasm(h, b, len, at, 0, &insn);
	assert_true(n >= 1);
	uint64_t target = 0;
	if (arch == CS_ARCH_X86) {
		cs_x86_op *op = &insn[0].detail->x86.operands[0];
		assert_int_equal(insn[0].id, X86_INS_JMP);
		if (op->type == X86_OP_IMM) {
			target = (uint64_t)op->imm;
		} else { /* jmp *disp(%rip): the 8 bytes at rip + disp */
			assert_int_equal(op->mem.base, X86_REG_RIP);
			uint64_t slot = at + insn[0].size + (uint64_t)op->mem.disp - at;
			memcpy(&target, b + slot, 8);
		}
	} else {
		cs_arm64_op *op = &insn[0].detail->arm64.operands[0];
		if (insn[0].id == ARM64_INS_B) {
			target = (uint64_t)op->imm;
		} else { /* ldr x16, lit; br x16 */
			assert_int_equal(insn[0].id, ARM64_INS_LDR);
			assert_int_equal(op->reg, ARM64_REG_X16);
			uint64_t lit = (uint64_t)insn[0].detail->arm64.operands[1].imm;
			assert_true(n >= 2);
			assert_int_equal(insn[1].id, ARM64_INS_BR);
			memcpy(&target, b + (lit - at), 8);
		}
	}
	cs_free(insn, n);
	cs_close(&h);
	return target;
}

static void test_decode(void **state)
{
	(void)state;
	static const struct {
		uint16_t m;
		enum xs_tramp_form f;
		uint64_t at;
		int64_t delta;
	} rows[] = {
		{62, XS_TRAMP_X86_JMP8, 0x401000, 129},
		{62, XS_TRAMP_X86_JMP8, 0x401000, -126},
		{62, XS_TRAMP_X86_JMP32, 0x100000000, (int64_t)INT32_MAX + 5},
		{62, XS_TRAMP_X86_JMP32, 0x100000000, (int64_t)INT32_MIN + 5},
		{62, XS_TRAMP_X86_JMP_ABS, 0xffff82d040200000, -0x7fff82d040200000},
		{183, XS_TRAMP_A64_B, 0x10000000, (INT64_C(1) << 27) - 4},
		{183, XS_TRAMP_A64_B, 0x10000000, -(INT64_C(1) << 27)},
		{183, XS_TRAMP_A64_LDR_BR, 0x10000000, INT64_C(1) << 40},
		{183, XS_TRAMP_A64_LDR_BR, 0x10000004, -(INT64_C(1) << 27) - 4},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t b[XS_TRAMP_MAX];
		unsigned len;
		uint64_t target = rows[i].at + (uint64_t)rows[i].delta;
		assert_int_equal(xs_tramp_encode(rows[i].m, rows[i].f, rows[i].at, target, b, &len, NULL), XS_OK);
		uint64_t got = rows[i].m == 62 ? lands(CS_ARCH_X86, CS_MODE_64, b, len, rows[i].at)
					       : lands(CS_ARCH_ARM64, CS_MODE_ARM, b, len, rows[i].at);
		if (got != target)
			fail_msg("row %zu: lands on %#llx, want %#llx", i, (unsigned long long)got,
				 (unsigned long long)target);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_decode)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
