/* Benchmark driver for Debian's libcapstone.a: disassembles a fixed x86-64
 * and AArch64 byte string with details on and prints a digest, so the output
 * is the same whether the program is linked natively or loaded. */
#include <capstone/capstone.h>
#include <stdio.h>

static const unsigned char x86[] = {
    0x55, 0x48, 0x89, 0xe5, 0x48, 0x83, 0xec, 0x20, 0x89, 0x7d, 0xfc, 0x48, 0x8b, 0x05, 0x10, 0x00,
    0x00, 0x00, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x84, 0x10, 0x00, 0x00, 0x00, 0xc5, 0xfd, 0x6f,
    0x04, 0x24, 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00, 0xf3, 0x0f, 0x1e, 0xfa, 0xc9, 0xc3};
static const unsigned char a64[] = {
    0xfd, 0x7b, 0xbf, 0xa9, 0xfd, 0x03, 0x00, 0x91, 0x00, 0x00, 0x00, 0x90, 0x00, 0x00, 0x00, 0x91,
    0x00, 0x00, 0x00, 0x94, 0xe0, 0x03, 0x1f, 0x2a, 0xfd, 0x7b, 0xc1, 0xa8, 0xc0, 0x03, 0x5f, 0xd6};

static int run(cs_arch arch, cs_mode mode, const unsigned char *code, size_t n, int rounds)
{
	csh h;
	cs_insn *insn;
	unsigned long digest = 0;
	int total = 0;
	if (cs_open(arch, mode, &h) != CS_ERR_OK)
		return -1;
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	for (int r = 0; r < rounds; r++) {
		size_t count = cs_disasm(h, code, n, 0x1000, 0, &insn);
		for (size_t i = 0; i < count; i++) {
			for (const char *p = insn[i].mnemonic; *p; p++)
				digest = digest * 31 + (unsigned char)*p;
			for (const char *p = insn[i].op_str; *p; p++)
				digest = digest * 31 + (unsigned char)*p;
		}
		if (r == 0)
			for (size_t i = 0; i < count; i++)
				printf("0x%llx:\t%s\t%s\n", (unsigned long long)insn[i].address,
				       insn[i].mnemonic, insn[i].op_str);
		total += (int)count;
		cs_free(insn, count);
	}
	cs_close(&h);
	printf("digest %lx, %d instructions\n", digest, total);
	return total;
}

int main(void)
{
	int a = run(CS_ARCH_X86, CS_MODE_64, x86, sizeof(x86), 200);
	int b = run(CS_ARCH_ARM64, CS_MODE_ARM, a64, sizeof(a64), 200);
	return a > 0 && b > 0 ? 0 : 1;
}
