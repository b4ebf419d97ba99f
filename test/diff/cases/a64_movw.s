// @arch aarch64
// MOVW relocations.  The checked unsigned forms at their largest value; the
// signed SABS and PREL forms with positive values (MOVZ) and negative values
// (rewritten to MOVN with the inverted value).  The PREL edges sit at offset
// 0 of their own section so that P is the section address.
// @defsym u0=0xffff
// @defsym u1=0xffffffff
// @defsym u2=0xffffffffffff
// @defsym u3=0xfedcba9876543210
// @defsym s0p=0xffff
// @defsym s0n=0xffffffffffff0000
// @defsym s1p=0x12345678
// @defsym s1n=0xffffffff00000000
// @defsym s2p=0x123456789abc
// @defsym s2n=0xffff000000000001
// @defsym pr0p=.text.pr0+0xffff
// @defsym pr0n=.text.pr0n-0x10000
// @defsym pr1n=.text.pr1n-0x12345678
// @defsym pr2n=.text.pr2n-0x123456789abc
// @defsym pr3=.text.pr3+0x123456789abc
// @variant ok
// @variant err-uabs0 defsym=u0=0x10000 expect="error R_AARCH64_MOVW_UABS_G0 u0"
// @variant err-uabs1 defsym=u1=0x100000000 expect="error R_AARCH64_MOVW_UABS_G1 u1"
// @variant err-uabs2 defsym=u2=0x1000000000000 expect="error R_AARCH64_MOVW_UABS_G2 u2"
// @variant err-sabs0 defsym=s0p=0x10000 expect="error R_AARCH64_MOVW_SABS_G0 s0p"
// @variant err-sabs0neg defsym=s0n=0xfffffffffffeffff expect="error R_AARCH64_MOVW_SABS_G0 s0n"
// @variant err-sabs1 defsym=s1p=0x100000000 expect="error R_AARCH64_MOVW_SABS_G1 s1p"
// @variant err-prel0 defsym=pr0p=.text.pr0+0x10000 expect="error R_AARCH64_MOVW_PREL_G0 pr0p"
	.text
	.globl	movw
movw:
	movz	x0, #:abs_g0:u0
	movz	x1, #:abs_g1:u1
	movz	x2, #:abs_g2:u2
	movz	x3, #:abs_g3:u3
	movk	x3, #:abs_g2_nc:u3
	movk	x3, #:abs_g1_nc:u3
	movk	x3, #:abs_g0_nc:u3
	movz	x4, #:abs_g3:movw
	movk	x4, #:abs_g2_nc:movw
	movk	x4, #:abs_g1_nc:movw
	movk	x4, #:abs_g0_nc:movw
	movz	w5, #:abs_g0:u0
	movk	w5, #:abs_g1_nc:u3
	movz	x6, #:abs_g0_s:s0p
	movz	x6, #:abs_g0_s:s0n
	movz	x7, #:abs_g1_s:s1p
	movz	x7, #:abs_g1_s:s1n
	movz	x8, #:abs_g2_s:s2p
	movz	x8, #:abs_g2_s:s2n
	movz	w9, #:abs_g0_s:s0p
	movz	x10, #:prel_g3:u3
	movk	x10, #:prel_g2_nc:u3
	movk	x10, #:prel_g1_nc:u3
	movk	x10, #:prel_g0_nc:u3
	movz	x11, #:prel_g1:movw
	movz	x12, #:prel_g2:movw
	movz	x13, #:prel_g0:movw
	ret

	.section .text.pr0,"ax"
	movz	x0, #:prel_g0:pr0p
	.section .text.pr0n,"ax"
	movz	x0, #:prel_g0:pr0n
	.section .text.pr1n,"ax"
	movz	x0, #:prel_g1:pr1n
	.section .text.pr2n,"ax"
	movz	x0, #:prel_g2:pr2n
	.section .text.pr3,"ax"
	movz	x0, #:prel_g3:pr3
	movk	x0, #:prel_g2_nc:pr3
	movk	x0, #:prel_g1_nc:pr3
	movk	x0, #:prel_g0_nc:pr3
	ret
