# @arch x86_64
# TLS is refused with an error, never ignored.  With the TLS symbols left
# undefined the only thing to refuse is the relocation, so the message must
# name its type.  With a .tbss section the tool may refuse the section.
# @variant tbss flags=-Wa,--defsym,KIND=0 expect="refuse"
# @variant tpoff32 flags=-Wa,--defsym,KIND=1 expect="refuse R_X86_64_TPOFF32 tls_ext"
# @variant gottpoff flags=-Wa,--defsym,KIND=2 expect="refuse R_X86_64_GOTTPOFF tls_ext"
# @variant tlsgd flags=-Wa,--defsym,KIND=3 expect="refuse R_X86_64_TLSGD tls_ext"
# @variant tlsld flags=-Wa,--defsym,KIND=4 expect="refuse R_X86_64_TLSLD tls_ext"
# @variant dtpoff32 flags=-Wa,--defsym,KIND=5 expect="refuse R_X86_64_DTPOFF32 tls_ext"
	.text
	.globl	f
f:
.if KIND == 0
	movl	%fs:tvar@tpoff, %eax
	.section .tbss,"awT",@nobits
	.globl	tvar
tvar:	.zero	4
.endif
.if KIND == 1
	movl	%fs:tls_ext@tpoff, %eax
.endif
.if KIND == 2
	movq	tls_ext@gottpoff(%rip), %rax
	movl	%fs:(%rax), %eax
.endif
.if KIND == 3
	.byte	0x66
	leaq	tls_ext@tlsgd(%rip), %rdi
	.word	0x6666
	rex64
	call	__tls_get_addr@PLT
.endif
.if KIND == 4
	leaq	tls_ext@tlsld(%rip), %rdi
	call	__tls_get_addr@PLT
.endif
.if KIND == 5
	.long	tls_ext@dtpoff
	.type	tls_ext, @tls_object
.endif
	ret
