# @arch x86_64
# @base 0x7f1200000000
# GOT-relative relocations.  GNU ld builds its own GOT, so these places are
# checked by decoding: each load must reach a slot that holds the symbol's
# address (or, when the tool relaxes the access, the symbol itself), and every
# GOT-base difference must imply the same GOT base.
# @variant relaxable
# @variant norelax flags=-Wa,-mrelax-relocations=no
# @variant tool-relax xsflags=--relax
	.text
	.globl	gfun
gfun:
1:	leaq	1b(%rip), %rbx
	movabsq	$_GLOBAL_OFFSET_TABLE_-1b, %r11
	addq	%r11, %rbx
	movabsq	$gdata@GOTOFF, %rax
	movabsq	$ext_var@GOTOFF, %rax
	movabsq	$ldata@GOTOFF, %rax
	leaq	_GLOBAL_OFFSET_TABLE_(%rip), %r15
	movq	ext_var@GOTPCREL(%rip), %rax
	movq	gdata@GOTPCREL(%rip), %rcx
	movq	ext_var2@GOTPCREL(%rip), %r9
	movl	ext_var@GOTPCREL(%rip), %eax
	call	*ext_fn@GOTPCREL(%rip)
	call	*gfun@GOTPCREL(%rip)
	jmp	*ext_fn2@GOTPCREL(%rip)

	.data
	.balign	8
	.globl	gdata
gdata:
	.quad	ext_var@GOTPCREL
	.long	ext_var2@GOTPCREL
	.quad	gdata@GOTPCREL
	.quad	_GLOBAL_OFFSET_TABLE_ - .
	.long	_GLOBAL_OFFSET_TABLE_ - .
	.quad	gdata@GOTOFF
	.quad	gfun@GOTOFF
ldata:	.quad	1
