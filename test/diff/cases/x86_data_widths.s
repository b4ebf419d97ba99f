# @arch x86_64
# Data relocations of every width, at the edges GNU ld accepts:
#   8 and 16: "bitfield", -2^N <= X < 2^N;  PC8: signed 8;  PC16: bitfield;
#   32: unsigned;  32S, PC32: signed;  64, PC64: any value.
# Each PC-relative edge sits at offset 0 of its own section, so P is the
# section address and the expressions below are exact.
# @defsym b_hi=0xff
# @defsym b_lo=0xffffffffffffff00
# @defsym w_hi=0xffff
# @defsym w_lo=0xffffffffffff0000
# @defsym l_hi=0xffffffff
# @defsym s_hi=0x7fffffff
# @defsym s_lo=0xffffffff80000000
# @defsym q_any=0x8765432112345678
# @defsym pc8_hi=.data.pc8hi+0x7f
# @defsym pc8_lo=.data.pc8lo-0x80
# @defsym pc16_hi=.data.pc16hi+0xffff
# @defsym pc16_lo=.data.pc16lo-0x10000
# @defsym pc32_hi=.data.pc32hi+0x7fffffff
# @defsym pc32_lo=.data.pc32lo-0x80000000
# @variant ok
# @variant err-8 defsym=b_hi=0x100 expect="error R_X86_64_8 b_hi"
# @variant err-8neg defsym=b_lo=0xfffffffffffffeff expect="error R_X86_64_8 b_lo"
# @variant err-16 defsym=w_hi=0x10000 expect="error R_X86_64_16 w_hi"
# @variant err-32 defsym=l_hi=0x100000000 expect="error R_X86_64_32 l_hi"
# @variant err-32neg defsym=l_hi=0xffffffffffffffff expect="error R_X86_64_32 l_hi"
# @variant err-32S defsym=s_hi=0x80000000 expect="error R_X86_64_32S s_hi"
# @variant err-32Sneg defsym=s_lo=0xffffffff7fffffff expect="error R_X86_64_32S s_lo"
# @variant err-pc8 defsym=pc8_hi=.data.pc8hi+0x80 expect="error R_X86_64_PC8 pc8_hi"
# @variant err-pc8neg defsym=pc8_lo=.data.pc8lo-0x81 expect="error R_X86_64_PC8 pc8_lo"
# @variant err-pc16 defsym=pc16_hi=.data.pc16hi+0x10000 expect="error R_X86_64_PC16 pc16_hi"
# @variant err-pc32 defsym=pc32_hi=.data.pc32hi+0x80000000 expect="error R_X86_64_PC32 pc32_hi"
# @variant err-pc32neg defsym=pc32_lo=.data.pc32lo-0x80000001 expect="error R_X86_64_PC32 pc32_lo"

	.section .data.abs,"aw"
	.globl	abs_start
abs_start:
	.byte	b_hi
	.byte	b_lo
	.byte	b_hi - 0x1ff
	.word	w_hi
	.word	w_lo
	.long	l_hi
	.long	l_hi - 0xffffffff
	.reloc	., R_X86_64_32S, s_hi
	.long	0
	.reloc	., R_X86_64_32S, s_lo
	.long	0
	.quad	q_any
	.quad	q_any + 0x1000
	.quad	abs_start + 3
	.quad	local_obj - 8
	.long	local_obj
	.byte	0x5a
	.balign	8
local_obj:
	.quad	0x1122334455667788

	.section .data.pc8hi,"aw"
	.byte	pc8_hi - .
	.section .data.pc8lo,"aw"
	.byte	pc8_lo - .
	.section .data.pc16hi,"aw"
	.word	pc16_hi - .
	.section .data.pc16lo,"aw"
	.word	pc16_lo - .
	.section .data.pc32hi,"aw"
	.long	pc32_hi - .
	.section .data.pc32lo,"aw"
	.long	pc32_lo - .

	.section .data.pcmisc,"aw"
	.byte	pcmisc_end - .
	.word	abs_start - .
	.long	local_obj - . + 4
	.quad	q_any - .
	.quad	abs_start - .
	.quad	.text - . + 16
	.long	code - .
pcmisc_end:

	.text
code:
	ret
