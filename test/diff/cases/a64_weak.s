// @arch aarch64
// @base 0x400000
// References to an undefined weak symbol in a static link.  The AArch64 ELF
// ABI resolves it to 0 for absolute relocations and to the place for
// PC-relative ones; GNU ld turns a BL/B to it into a NOP.
	.weak	wundef
	.text
	.globl	wfun
wfun:
	bl	wundef
	b	wundef
	adrp	x0, wundef
	add	x0, x0, :lo12:wundef
	ldr	x1, [x0, :lo12:wundef]
	movz	x2, #:abs_g1:wundef
	movk	x2, #:abs_g0_nc:wundef
	ret
	.data
	.xword	wundef
	.word	wundef
