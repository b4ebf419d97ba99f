# @arch x86_64
# A data reference out of range is an error naming the type and the symbol,
# never a stub and never a crash.
# @variant pc32 defsym=far_data=base+0x100000000 expect="error R_X86_64_PC32 far_data"
# @variant pc32neg defsym=far_data=base-0x90000000 expect="error R_X86_64_PC32 far_data"
	.text
	.globl	f
f:
	leaq	far_data(%rip), %rax
	ret
