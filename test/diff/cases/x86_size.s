# @arch x86_64
# R_X86_64_SIZE32 / SIZE64: the symbol's st_size plus the addend, for global,
# local and undefined (size 0) symbols.
	.text
	.globl	func
	.type	func, @function
func:
	.fill	37, 1, 0x90
	ret
	.size	func, . - func

	.section .rodata.sizes,"a"
	.globl	table
	.type	table, @object
table:
	.long	table@SIZE
	.long	func@SIZE
	.long	func@SIZE + 3
	.long	lobj@SIZE
	.long	undef_thing@SIZE
	.long	undef_thing@SIZE + 0x10
	.quad	table@SIZE
	.quad	func@SIZE - 1
	.quad	lobj@SIZE + 0x100000000
	.quad	undef_thing@SIZE
	.size	table, . - table

	.data
	.type	lobj, @object
lobj:
	.zero	1234
	.size	lobj, 1234
	.quad	func
