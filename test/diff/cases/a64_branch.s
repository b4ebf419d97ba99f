// @arch aarch64
// @base 0x40000000
// Branches and PC-relative address forms: B/BL, B.cond, CBZ/CBNZ,
// TBZ/TBNZ, LDR literal (X, W, S, D, Q, PRFM), ADR, ADRP (+_NC) with ADD and
// loads/stores of every size.  Edges at offset 0 of their own sections.
// @defsym cb_hi=.text.cbhi+0xffffc
// @defsym cb_lo=.text.cblo-0x100000
// @defsym tb_hi=.text.tbhi+0x7ffc
// @defsym tb_lo=.text.tblo-0x8000
// @defsym ll_hi=.text.llhi+0xffffc
// @defsym ll_lo=.text.lllo-0x100000
// @defsym adr_hi=.text.adrhi+0xfffff
// @defsym adr_lo=.text.adrlo-0x100000
// @defsym bl_hi=.text.blhi+0x7fffffc
// @defsym bl_lo=.text.bllo-0x8000000
// @defsym pg_hi=.text.pghi+0xfffff000
// @defsym pg_lo=.text.pglo-0x100000000
// @defsym pg_nc=.text.pgnc+0x300001234
// @defsym ext8=0x40123457
// @defsym ext16=0x40123456
// @defsym ext32=0x40123454
// @defsym ext64=0x40123458
// @defsym ext128=0x40123460
// @variant ok
// @variant err-condbr defsym=cb_hi=.text.cbhi+0x100000 expect="error R_AARCH64_CONDBR19 cb_hi"
// @variant err-condbrneg defsym=cb_lo=.text.cblo-0x100004 expect="error R_AARCH64_CONDBR19 cb_lo"
// @variant err-tstbr defsym=tb_hi=.text.tbhi+0x8000 expect="error R_AARCH64_TSTBR14 tb_hi"
// @variant err-tstbrneg defsym=tb_lo=.text.tblo-0x8004 expect="error R_AARCH64_TSTBR14 tb_lo"
// @variant err-ldlit defsym=ll_hi=.text.llhi+0x100000 expect="error R_AARCH64_LD_PREL_LO19 ll_hi"
// @variant err-ldlit-align defsym=ll_hi=.text.llhi+0x102 expect="error R_AARCH64_LD_PREL_LO19 ll_hi"
// @variant err-adr defsym=adr_hi=.text.adrhi+0x100000 expect="error R_AARCH64_ADR_PREL_LO21 adr_hi"
// @variant err-adrneg defsym=adr_lo=.text.adrlo-0x100001 expect="error R_AARCH64_ADR_PREL_LO21 adr_lo"
// @variant err-adrp defsym=pg_hi=.text.pghi+0x100000000 expect="error R_AARCH64_ADR_PREL_PG_HI21 pg_hi"
// @variant err-ldst64-align defsym=ext64=0x40123454 expect="error R_AARCH64_LDST64_ABS_LO12_NC ext64"
// @variant err-ldst128-align defsym=ext128=0x40123458 expect="error R_AARCH64_LDST128_ABS_LO12_NC ext128"
// @variant err-ldst16-align defsym=ext16=0x40123455 expect="error R_AARCH64_LDST16_ABS_LO12_NC ext16"
	.text
	.globl	bfun
bfun:
	b	lfun
	bl	lfun
	bl	ext_fn
	b	ext_fn
	b.ne	lfun
	b.eq	bfun
	cbz	x0, lfun
	cbnz	w1, bfun
	tbz	x2, #63, lfun
	tbnz	w3, #5, bfun
	ldr	x4, lit
	ldr	w5, lit
	ldr	s6, lit
	ldr	d7, lit
	ldr	q8, lit16
	prfm	pldl1keep, lit
	ldrsw	x9, lit
	adr	x10, lfun
	adr	x11, lit + 3
	adrp	x12, gdat
	add	x12, x12, :lo12:gdat
	adrp	x13, gdat + 0x1234
	add	x13, x13, :lo12:gdat + 0x1234
	adrp	x14, :pg_hi21_nc:gdat
	ldrb	w15, [x14, :lo12:gdat]
	ldrh	w15, [x14, :lo12:gdat]
	ldr	w15, [x14, :lo12:gdat]
	ldr	x15, [x14, :lo12:gdat]
	ldr	q15, [x14, :lo12:gdat]
	strb	w15, [x14, :lo12:gdat + 1]
	strh	w15, [x14, :lo12:gdat + 2]
	str	w15, [x14, :lo12:gdat + 4]
	str	x15, [x14, :lo12:gdat + 8]
	str	q15, [x14, :lo12:gdat + 16]
	ldr	b16, [x14, :lo12:gdat + 1]
	ldr	h16, [x14, :lo12:gdat + 2]
	ldr	s16, [x14, :lo12:gdat + 4]
	ldr	d16, [x14, :lo12:gdat + 8]
	ldrsb	x17, [x14, :lo12:ext8]
	ldrsh	x17, [x14, :lo12:ext16]
	ldrsw	x17, [x14, :lo12:ext32]
	ldr	x17, [x14, :lo12:ext64]
	ldr	q17, [x14, :lo12:ext128]
	adrp	x18, ext64
	add	x18, x18, :lo12:ext8
	ret
	.balign	16
lit16:	.xword	1, 2
lit:	.xword	0x1122334455667788

	.section .text.lfun,"ax"
lfun:
	b	bfun
	bl	ext_fn
	cbz	x0, bfun
	ret

	.section .text.cbhi,"ax"
	b.ne	cb_hi
	.section .text.cblo,"ax"
	cbz	x1, cb_lo
	.section .text.tbhi,"ax"
	tbz	w1, #1, tb_hi
	.section .text.tblo,"ax"
	tbnz	x1, #40, tb_lo
	.section .text.llhi,"ax"
	ldr	x0, ll_hi
	.section .text.lllo,"ax"
	ldr	w0, ll_lo
	.section .text.adrhi,"ax"
	adr	x0, adr_hi
	.section .text.adrlo,"ax"
	adr	x0, adr_lo
	.section .text.blhi,"ax"
	bl	bl_hi
	.section .text.bllo,"ax"
	b	bl_lo
	.section .text.pghi,"ax"
	adrp	x0, pg_hi
	.section .text.pglo,"ax"
	adrp	x0, pg_lo
	.section .text.pgnc,"ax"
	adrp	x0, :pg_hi21_nc:pg_nc

	.data
	.balign	16
	.globl	gdat
gdat:	.zero	0x1300
