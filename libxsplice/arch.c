/* SPDX-License-Identifier: MIT */
/* The architectures the core knows, by ELF e_machine. */
#include "arch.h"

#include "xs_elf.h"

const struct xs_arch *xs_arch_by_machine(uint16_t machine)
{
	switch (machine) {
	case XS_EM_X86_64:
		return &xs_arch_x86_64;
	case XS_EM_AARCH64:
		return &xs_arch_aarch64;
	default:
		return NULL;
	}
}
