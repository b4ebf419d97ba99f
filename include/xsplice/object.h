/* SPDX-License-Identifier: MIT */
/*
 * ELF64 ET_REL reader. xs_object_parse() validates the whole object once
 * (headers, every section, symbol and relocation); afterwards the accessors
 * cannot fail on a parsed object and never read outside the buffer.
 * The object keeps pointers into the caller's buffer: keep it alive.
 */
#ifndef XSPLICE_OBJECT_H
#define XSPLICE_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xsplice/status.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xs_arch;

/* Limits on counts; anything above is refused as XS_E_TOO_MANY. */
#define XS_MAX_SECTIONS (1u << 24)
#define XS_MAX_SYMBOLS (1u << 26)

/* Section header, decoded. name points into the object's .shstrtab. */
struct xs_section {
	const char *name;
	uint32_t type;
	uint64_t flags;
	uint64_t addr;
	uint64_t offset;
	uint64_t size;
	uint32_t link;
	uint32_t info;
	uint64_t align;
	uint64_t entsize;
};

/* Symbol, decoded. name points into the symbol string table ("" if none). */
struct xs_symbol {
	const char *name;
	uint64_t value;
	uint64_t size;
	uint16_t shndx; /* raw st_shndx; SHN_XINDEX is resolved into shndx_ext */
	uint32_t section; /* the section index it is defined in (resolved), or 0 */
	uint8_t bind;     /* STB_* */
	uint8_t type;     /* STT_* */
	uint8_t visibility;
};

struct xs_rela {
	uint64_t offset;
	uint32_t type;
	uint32_t sym;
	int64_t addend;
};

struct xs_object {
	/* All private: use the accessors. */
	const uint8_t *data;
	size_t size;
	const struct xs_arch *arch;
	uint16_t machine;
	uint32_t shnum;
	uint32_t shstrndx;
	uint64_t shoff;
	uint32_t symtab;     /* section index of SHT_SYMTAB, 0 if none */
	uint32_t nsyms;
	uint32_t strtab;     /* section index of the symbol string table */
	uint32_t symtab_shndx; /* SHT_SYMTAB_SHNDX section, 0 if none */
	uint32_t nrelocs;    /* total RELA entries over all sections */
	uint32_t got_data;   /* 1: a GOT-type row relocates a non-code section */
};

/*
 * Parse and validate data[0..size). machine is EM_X86_64 (62), EM_AARCH64
 * (183), or 0 to accept either. On failure d (if not NULL) says where.
 */
xs_status xs_object_parse(struct xs_object *o, const void *data, size_t size,
			  uint16_t machine, struct xs_diag *d);

/* e_machine of a parsed object (EM_X86_64, EM_AARCH64). */
uint16_t xs_object_machine(const struct xs_object *o);

/*
 * xs_object_parse with options. XS_OBJECT_ALLOW_COMMON accepts SHN_COMMON
 * symbols (global, power-of-two alignment in st_value) for a linker that
 * allocates them, as a program loader must (`xsplice run`); live-patch
 * payloads keep the default refusal, as Xen does.
 */
#define XS_OBJECT_ALLOW_COMMON 0x1u
xs_status xs_object_parse_ex(struct xs_object *o, const void *data, size_t size,
			     uint16_t machine, uint32_t flags, struct xs_diag *d);

uint32_t xs_object_section_count(const struct xs_object *o);
/* i < section_count; index 0 is the null section. */
void xs_object_section(const struct xs_object *o, uint32_t i, struct xs_section *out);
/* The bytes of section i (NULL for SHT_NOBITS / empty). */
const uint8_t *xs_object_section_data(const struct xs_object *o, uint32_t i);

uint32_t xs_object_symbol_count(const struct xs_object *o);
void xs_object_symbol(const struct xs_object *o, uint32_t i, struct xs_symbol *out);

/* Number of RELA entries in section relsec (0 if it is not SHT_RELA). */
uint64_t xs_object_rela_count(const struct xs_object *o, uint32_t relsec);
void xs_object_rela(const struct xs_object *o, uint32_t relsec, uint64_t j,
		    struct xs_rela *out);

/* Section index by name, 0 if absent. */
uint32_t xs_object_find_section(const struct xs_object *o, const char *name);

#ifdef __cplusplus
}
#endif
#endif
