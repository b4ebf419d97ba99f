# @arch x86_64
# @base 0x7f0000000000
# Branches beyond +-2 GiB must go through a stub.  Edge cases at exactly the
# last reachable displacement on each side must stay direct (and match ld).
# @far far_up=base+0x100000000
# @far far_down=base-0x200000000
# @far far_next=.text.edgenext+5+0x80000000
# @defsym edge_hi=.text.edgehi+5+0x7fffffff
# @defsym edge_lo=.text.edgelo+5-0x80000000
	.text
	.globl	start
start:
	call	far_up
	call	far_up@PLT
	jmp	far_down
	jne	far_up@PLT
	.byte	0xe8
	.long	far_down - . - 4
	.byte	0x0f, 0x84
	.long	far_up - . - 4
	call	near
	jmp	far_down
near:
	ret

	.section .text.edgehi,"ax"
	call	edge_hi
	.section .text.edgelo,"ax"
	call	edge_lo
	.section .text.edgenext,"ax"
	call	far_next
	ret
