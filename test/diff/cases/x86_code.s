# @arch x86_64
# Instruction relocations: absolute 32/32S/64 immediates and displacements,
# rip-relative data with instructions that carry a trailing immediate (the
# addend is then -5, -6 or -8, not -4), calls, jumps and conditional jumps.
	.text
	.globl	entry
entry:
	movl	$gvar, %eax
	movl	$ext_data + 12, %ecx
	movq	$gvar, %rax
	movq	$ext_data - 8, %rdx
	movabsq	$ext_data, %rsi
	movabsq	$gvar + 0x10, %rdi
	movl	gvar(,%rax,4), %eax
	movq	ext_data+16(,%rcx,8), %rbx
	leaq	gvar(%rip), %rax
	movl	ext_data+4(%rip), %eax
	cmpl	$0x12345678, gvar(%rip)
	movb	$1, gbyte(%rip)
	movw	$0x1234, gword(%rip)
	addq	$-1, ext_data(%rip)
	call	helper
	call	ext_func
	call	ext_func@PLT
	jne	helper
	je	ext_func
	jmp	ext_func2
	.byte	0xe8
	.long	ext_func - . - 4
	call	*fptr(%rip)
	jmp	*jtab(,%rax,8)
	.globl	helper
helper:
	jmp	entry
	ret

	.section .text.other,"ax"
other:
	call	helper
	call	local_fn
	jmp	.text
	ret
local_fn:
	leaq	other(%rip), %rax
	ret

	.section .rodata.jtab,"a"
	.balign	8
jtab:
	.quad	entry, helper, other, local_fn, ext_func

	.data
	.globl	gvar
gvar:	.long	1, 2, 3
gbyte:	.byte	0
	.balign	2
gword:	.word	0
	.balign	8
fptr:	.quad	ext_func
	.quad	helper
	.long	entry
	.long	gvar + 4

	.bss
	.balign	64
	.zero	100
