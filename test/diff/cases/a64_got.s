// @arch aarch64
// @base 0x5500000000
// GOT loads: ADRP :got: + LDR :got_lo12:, and the LD64_GOTPAGE_LO15 form
// relative to the page of _GLOBAL_OFFSET_TABLE_.  Checked by decoding.
	.text
	.globl	gotfn
gotfn:
	adrp	x0, :got:ext_a
	ldr	x0, [x0, :got_lo12:ext_a]
	adrp	x1, :got:gvar
	ldr	x1, [x1, :got_lo12:gvar]
	adrp	x2, :got:gotfn
	ldr	x2, [x2, :got_lo12:gotfn]
	adrp	x3, _GLOBAL_OFFSET_TABLE_
	ldr	x4, [x3, #:gotpage_lo15:ext_b]
	ldr	x5, [x3, #:gotpage_lo15:ext_a]
	ldr	x6, [x3, #:gotpage_lo15:gvar]
	adrp	x7, :got:ext_b
	ldr	x7, [x7, :got_lo12:ext_b]
	ret
	.data
	.globl	gvar
gvar:	.xword	gotfn
