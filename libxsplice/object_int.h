/* SPDX-License-Identifier: MIT */
/* Raw record reads shared by the object validator and its accessors (internal). */
#ifndef XS_OBJECT_INT_H
#define XS_OBJECT_INT_H

#include <stdint.h>

#include <xsplice/object.h>

#include "xs_elf.h"
#include "util.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the object reader decodes ELFDATA2LSB by memcpy: little-endian hosts only"
#endif

_Static_assert(sizeof(struct xs_elf64_ehdr) == 64, "Elf64_Ehdr");
_Static_assert(sizeof(struct xs_elf64_shdr) == 64, "Elf64_Shdr");
_Static_assert(sizeof(struct xs_elf64_sym) == 24, "Elf64_Sym");
_Static_assert(sizeof(struct xs_elf64_rela) == 24, "Elf64_Rela");

#define SHDR_SIZE 64u
#define SYM_SIZE 24u
#define RELA_SIZE 24u

/* Section header i; i < shnum on a parsed object (or during validation). */
static inline void xs_obj_read_shdr(const struct xs_object *o, uint32_t i, struct xs_elf64_shdr *s)
{
	xs_memcpy(s, o->data + o->shoff + (uint64_t)i * SHDR_SIZE, sizeof(*s));
}

static inline void xs_obj_read_sym(const uint8_t *syms, uint32_t i, struct xs_elf64_sym *s)
{
	xs_memcpy(s, syms + (uint64_t)i * SYM_SIZE, sizeof(*s));
}

#endif
