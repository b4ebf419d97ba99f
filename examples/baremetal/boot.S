/* SPDX-License-Identifier: MIT */
/*
 * Entry, secondary entry and the EL2 vector table of the bare-metal example.
 *
 * qemu -kernel with a raw image: loaded at RAM + 0x80000 and entered at EL2
 * (virtualization=on) with x0 = the device tree; MMU and caches off. A
 * secondary started by PSCI CPU_ON enters secondary_entry at EL2 with x0 =
 * the context id (our logical CPU number), MMU off.
 */
#define STACK_SIZE 16384

/* SCTLR_EL2: RES1 bits; M (0), C (2), SA (3), I (12), WXN (19) */
#define SCTLR_EL2_RES1 0x30c50830
#define SCTLR_EL2_ON (SCTLR_EL2_RES1 | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 12) | (1 << 19))
/* HCR_EL2: RW (31): EL1 is AArch64; AMO (5), IMO (4): SError and IRQ taken at EL2 */
#define HCR_EL2_VAL ((1 << 31) | (1 << 5) | (1 << 4))
/* CPTR_EL2: RES1 bits, TFP (10) clear: FP/SIMD not trapped (the core may use q regs) */
#define CPTR_EL2_VAL 0x33ff

	.section .text.boot, "ax"
	.global _start
_start:
	msr	daifset, #0xf
	mrs	x1, CurrentEL
	lsr	x1, x1, #2
	cmp	x1, #2
	b.ne	.Lnot_el2
	mov	x19, x0			/* DTB */
	msr	tpidr_el2, xzr		/* CPU 0 */
	adrp	x1, bm_stacks
	add	x1, x1, :lo12:bm_stacks
	add	x1, x1, #STACK_SIZE
	mov	sp, x1
	/* zero .bss (MMU off: Device memory, aligned stores only) */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	bl	el2_setup
	mov	x0, x19
	bl	bm_boot			/* builds the page tables, enables the MMU, never returns */
.Lnot_el2:
	wfe
	b	.Lnot_el2

	.global bm_secondary_entry
bm_secondary_entry:
	msr	daifset, #0xf
	msr	tpidr_el2, x0
	mov	x19, x0
	bl	el2_setup
	bl	bm_mmu_on		/* the tables CPU 0 built; touches no memory */
	adrp	x1, bm_stacks
	add	x1, x1, :lo12:bm_stacks
	add	x2, x19, #1
	mov	x3, #STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	mov	x0, x19
	bl	bm_secondary_main
3:	wfe
	b	3b

/* EL2 system registers every CPU sets before C. Uses x0 only. */
el2_setup:
	adrp	x0, bm_vectors
	add	x0, x0, :lo12:bm_vectors
	msr	vbar_el2, x0
	mov	x0, #CPTR_EL2_VAL
	msr	cptr_el2, x0
	ldr	x0, =HCR_EL2_VAL
	msr	hcr_el2, x0
	isb
	ret

/*
 * Enable the EL2 stage-1 MMU with the tables in bm_pt_l1 (built by CPU 0).
 * MAIR: Attr0 Device-nGnRnE, Attr1 Device-nGnRE, Attr2 Normal WB RA WA.
 * TCR_EL2: T0SZ 25 (39-bit VA, walk starts at level 1), IRGN0/ORGN0 WBWA,
 * SH0 inner shareable, TG0 4 KiB, PS 40-bit, RES1 bits 31 and 23.
 */
	.global bm_mmu_on
bm_mmu_on:
	ldr	x0, =0xff0400
	msr	mair_el2, x0
	ldr	x0, =((1 << 31) | (1 << 23) | (2 << 16) | (3 << 12) | (1 << 10) | (1 << 8) | 25)
	msr	tcr_el2, x0
	adrp	x0, bm_pt_l1
	msr	ttbr0_el2, x0
	isb
	tlbi	alle2
	dsb	ish
	isb
	ldr	x0, =SCTLR_EL2_ON
	msr	sctlr_el2, x0
	isb
	ret

/* The vector table: 16 entries of 0x80 bytes. */
	.macro	ventry label
	.balign	0x80
	b	\label
	.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.global bm_vectors
bm_vectors:
	ventry	bad_exception		/* 0x000 current EL, SP0: sync */
	ventry	bad_exception		/* 0x080 IRQ */
	ventry	bad_exception		/* 0x100 FIQ */
	ventry	bad_exception		/* 0x180 SError */
	ventry	sync_exception		/* 0x200 current EL, SPx: sync */
	ventry	irq_exception		/* 0x280 current EL, SPx: IRQ */
	ventry	bad_exception		/* 0x300 FIQ */
	ventry	bad_exception		/* 0x380 SError */
	ventry	bad_exception		/* 0x400 lower EL, AArch64 */
	ventry	bad_exception
	ventry	bad_exception
	ventry	bad_exception
	ventry	bad_exception		/* 0x600 lower EL, AArch32 */
	ventry	bad_exception
	ventry	bad_exception
	ventry	bad_exception

/* struct xs_bm_frame: x0..x30, elr, spsr, sp (34 words, 272 bytes) */
	.macro	save_frame
	sub	sp, sp, #272
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x21, elr_el2
	stp	x30, x21, [sp, #240]
	mrs	x22, spsr_el2
	add	x23, sp, #272
	stp	x22, x23, [sp, #256]
	.endm

	.macro	restore_frame
	ldp	x30, x21, [sp, #240]
	ldr	x22, [sp, #256]
	msr	elr_el2, x21
	msr	spsr_el2, x22
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	add	sp, sp, #272
	.endm

irq_exception:
	save_frame
	mov	x0, sp
	bl	bm_irq
	restore_frame
	eret

sync_exception:
	save_frame
	mov	x0, sp
	mov	x1, #0
	bl	bm_fatal		/* prints ESR/ELR/FAR, powers off */
bad_exception:
	save_frame
	mov	x0, sp
	mov	x1, #1
	bl	bm_fatal

	.ltorg
