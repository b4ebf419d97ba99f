/* __builtin_cpu_supports / __builtin_cpu_is (x86_64): the loaded code reads
 * libgcc's __cpu_model, which `xsplice run` resolves from libgcc_s. The
 * answers must equal the natively linked program's (libgcc.a's copy). */
#include <stdio.h>

int main(void)
{
	__builtin_cpu_init();
	printf("sse2 %d avx %d avx2 %d avx512f %d intel %d amd %d\n",
	       !!__builtin_cpu_supports("sse2"), !!__builtin_cpu_supports("avx"),
	       !!__builtin_cpu_supports("avx2"), !!__builtin_cpu_supports("avx512f"),
	       !!__builtin_cpu_is("intel"), !!__builtin_cpu_is("amd"));
	return __builtin_cpu_supports("sse2") ? 0 : 1;
}
