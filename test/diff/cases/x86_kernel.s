# @arch x86_64
# @base 0xffffffff81000000
# Kernel code model addresses: 32S immediates and displacements of symbols in
# the top 2 GiB, negative as signed 32-bit values, and the bottom edge.
# @defsym kedge=0xffffffff80000000
# @defsym kdata=0xffffffff82345678
# @variant ok
# @variant err-32S defsym=kedge=0xffffffff7ffffff0 expect="error R_X86_64_32S kedge"
	.text
	.globl	kfunc
kfunc:
	movq	$kdata, %rax
	movq	$kedge, %rdx
	movq	kdata(,%rdi,8), %rax
	movl	kvar(%rip), %eax
	leaq	kvar+8(%rip), %rcx
	movq	$kvar, %rsi
	call	kother
	jmp	kdata
	.globl	kother
kother:
	ret

	.section .rodata.ktab,"a"
	.balign	8
	.quad	kfunc, kother, kdata
	.reloc	., R_X86_64_32S, kfunc
	.long	0
	.reloc	., R_X86_64_32S, kdata+4
	.long	0

	.data
kvar:	.quad	0, 0
