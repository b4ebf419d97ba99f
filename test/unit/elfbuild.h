/* SPDX-License-Identifier: MIT */
/*
 * Test helper: build small ELF64 ET_REL objects in memory, then poke at
 * their bytes to make them malformed. Hosted code (malloc); aborts on OOM.
 *
 * Layout of eb_build()'s output, in section index order:
 *   0 null, the sections added with eb_section() in order,
 *   one .rela<name> per section that got relocations (in order of first use),
 *   [.symtab_shndx], .symtab, .strtab, .shstrtab;
 *   data follows the ELF header, the section header table comes last.
 */
#ifndef XS_TEST_ELFBUILD_H
#define XS_TEST_ELFBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_elf.h" /* libxsplice/elf.h */

/* st_shndx written as is (SHN_UNDEF, SHN_ABS, SHN_COMMON, any raw value). */
#define EB_RAW(shndx) (0x80000000u | (uint32_t)(shndx))
#define EB_UNDEF EB_RAW(XS_SHN_UNDEF)
#define EB_ABS EB_RAW(XS_SHN_ABS)

struct eb;

struct eb *eb_new(uint16_t machine);
void eb_free(struct eb *b);

/* Every section index >= 1 goes through SHN_XINDEX and .symtab_shndx. */
void eb_set_xindex(struct eb *b, bool on);
/* Extended numbering: e_shnum = 0, e_shstrndx = SHN_XINDEX, counts in section 0. */
void eb_set_ext_numbering(struct eb *b, bool on);

/* Returns the section index. data may be NULL (zeros, or nothing for NOBITS). */
uint32_t eb_section(struct eb *b, const char *name, uint32_t type, uint64_t flags, const void *data,
		    uint64_t size, uint64_t align);
/* A text section of size bytes of 0x90. */
uint32_t eb_text(struct eb *b, const char *name, uint64_t size);
/* A COMDAT group with signature symbol sig and the given members. */
uint32_t eb_group(struct eb *b, const char *name, uint32_t sig, uint32_t flags,
		  const uint32_t *members, size_t n);

/* Returns the symbol index. shndx: a section index, or EB_RAW(x). */
uint32_t eb_symbol(struct eb *b, const char *name, uint8_t bind, uint8_t type, uint32_t shndx,
		   uint64_t value, uint64_t size);

void eb_rela(struct eb *b, uint32_t target, uint64_t offset, uint32_t sym, uint32_t type,
	     int64_t addend);

/* Produce the object (malloc'd, free() it). Indices below are valid afterwards. */
uint8_t *eb_build(struct eb *b, size_t *size);
uint32_t eb_symtab(const struct eb *b);
uint32_t eb_strtab(const struct eb *b);
uint32_t eb_shstrtab(const struct eb *b);
uint32_t eb_symtab_shndx(const struct eb *b);		     /* 0 unless xindex */
uint32_t eb_rela_index(const struct eb *b, uint32_t target); /* 0 if none */
uint32_t eb_shnum(const struct eb *b);

/* Read / write structures of a built object in place. */
void eb_get_ehdr(const uint8_t *obj, struct xs_elf64_ehdr *e);
void eb_put_ehdr(uint8_t *obj, const struct xs_elf64_ehdr *e);
void eb_get_shdr(const uint8_t *obj, uint32_t i, struct xs_elf64_shdr *s);
void eb_put_shdr(uint8_t *obj, uint32_t i, const struct xs_elf64_shdr *s);
/* Symbol j of the symbol table in section symtab. */
void eb_get_sym(const uint8_t *obj, uint32_t symtab, uint32_t j, struct xs_elf64_sym *s);
void eb_put_sym(uint8_t *obj, uint32_t symtab, uint32_t j, const struct xs_elf64_sym *s);
/* Entry j of relocation section relsec. */
void eb_get_rela(const uint8_t *obj, uint32_t relsec, uint64_t j, struct xs_elf64_rela *r);
void eb_put_rela(uint8_t *obj, uint32_t relsec, uint64_t j, const struct xs_elf64_rela *r);
/* Byte pointer to section i's data. */
uint8_t *eb_data(uint8_t *obj, uint32_t i);

#endif
