// @arch aarch64
// TLS is refused with an error naming the relocation type (see x86 twin).
// @variant tbss flags=-Wa,--defsym,KIND=0 expect="refuse"
// @variant tprel flags=-Wa,--defsym,KIND=1 expect="refuse R_AARCH64_TLSLE_ADD_TPREL_HI12 tls_ext"
// @variant gottprel flags=-Wa,--defsym,KIND=2 expect="refuse R_AARCH64_TLSIE_ADR_GOTTPREL_PAGE21 tls_ext"
	.text
	.globl	f
f:
.if KIND == 0
	mrs	x0, tpidr_el0
	add	x0, x0, #:tprel_hi12:tvar
	add	x0, x0, #:tprel_lo12_nc:tvar
	.section .tbss,"awT",@nobits
	.globl	tvar
tvar:	.zero	4
.endif
.if KIND == 1
	add	x0, x0, #:tprel_hi12:tls_ext
.endif
.if KIND == 2
	adrp	x0, :gottprel:tls_ext
	ldr	x0, [x0, #:gottprel_lo12:tls_ext]
.endif
	ret
