// @arch aarch64
// Data relocations at the edges GNU ld accepts: ABS16/ABS32 unsigned,
// PREL16/PREL32 signed (ld is stricter than the psABI's [-2^(N-1), 2^N), so
// only values both accept are "ok" and only values both reject are errors).
// @defsym h_hi=0xffff
// @defsym w_hi=0xffffffff
// @defsym x_any=0xfedcba9876543210
// @defsym p16_hi=.data.p16hi+0x7fff
// @defsym p16_lo=.data.p16lo-0x8000
// @defsym p32_hi=.data.p32hi+0x7fffffff
// @defsym p32_lo=.data.p32lo-0x80000000
// @variant ok
// @variant err-abs16 defsym=h_hi=0x10000 expect="error R_AARCH64_ABS16 h_hi"
// @variant err-abs32 defsym=w_hi=0x100000000 expect="error R_AARCH64_ABS32 w_hi"
// @variant err-prel16neg defsym=p16_lo=.data.p16lo-0x8001 expect="error R_AARCH64_PREL16 p16_lo"
// @variant err-prel16 defsym=p16_hi=.data.p16hi+0x10000 expect="error R_AARCH64_PREL16 p16_hi"
// @variant err-prel32 defsym=p32_hi=.data.p32hi+0x100000000 expect="error R_AARCH64_PREL32 p32_hi"
// @variant err-prel32neg defsym=p32_lo=.data.p32lo-0x80000001 expect="error R_AARCH64_PREL32 p32_lo"
	.section .data.abs,"aw"
	.globl	dstart
dstart:
	.hword	h_hi
	.hword	h_hi - 0xffff
	.hword	dstart - dstart
	.word	w_hi
	.word	w_hi - 0x12345
	.xword	x_any
	.xword	x_any + 0x100
	.xword	dstart + 7
	.xword	lobj - 16
	.xword	code
	.word	0
lobj:	.xword	0x0102030405060708

	.section .data.p16hi,"aw"
	.hword	p16_hi - .
	.section .data.p16lo,"aw"
	.hword	p16_lo - .
	.section .data.p32hi,"aw"
	.word	p32_hi - .
	.section .data.p32lo,"aw"
	.word	p32_lo - .
	.section .data.prel,"aw"
	.hword	dstart - .
	.word	code - .
	.word	lobj - . + 8
	.xword	x_any - .
	.xword	dstart - .
	.xword	code - . - 4

	.text
code:
	ret
