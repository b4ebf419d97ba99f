// @arch aarch64
// @base 0x40000000
// BL/B to targets beyond +-128 MiB go through a veneer that reaches the
// exact target; branches at the last reachable offset stay direct.
// @far far_up=base+0x10000000
// @far far_down=base-0x9000000
// @far far_next=.text.next+0x8000000
// @defsym edge_hi=.text.ehi+0x7fffffc
// @defsym edge_lo=.text.elo-0x8000000
	.text
	.globl	rfun
rfun:
	bl	far_up
	bl	far_up
	b	far_down
	bl	far_down
	bl	near
	b	far_up
near:
	ret
	.section .text.ehi,"ax"
	bl	edge_hi
	.section .text.elo,"ax"
	b	edge_lo
	.section .text.next,"ax"
	bl	far_next
	ret
