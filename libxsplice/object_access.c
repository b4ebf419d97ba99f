/* SPDX-License-Identifier: MIT */
/*
 * Accessors of a parsed object. xs_object_parse() validated every offset
 * they use; they only guard the caller's indices (out of range: an empty
 * result) and read records with memcpy, the buffer being unaligned.
 */
#include "object_int.h"

#include <stddef.h>

/*
 * One field of section header i: the hot accessors (symbols, relocations)
 * read the one or two fields they need rather than copying 64 bytes.
 */
#define SHDR_FIELD(o, i, f)                                                                        \
	shdr_u64((o), (i), offsetof(struct xs_elf64_shdr, f))

static inline uint64_t shdr_u64(const struct xs_object *o, uint32_t i, size_t off)
{
	uint64_t v;
	xs_memcpy(&v, o->data + o->shoff + (uint64_t)i * SHDR_SIZE + off, sizeof(v));
	return v;
}

static inline uint32_t shdr_u32(const struct xs_object *o, uint32_t i, size_t off)
{
	uint32_t v;
	xs_memcpy(&v, o->data + o->shoff + (uint64_t)i * SHDR_SIZE + off, sizeof(v));
	return v;
}

uint32_t xs_object_section_count(const struct xs_object *o)
{
	return o->shnum;
}

void xs_object_section(const struct xs_object *o, uint32_t i, struct xs_section *out)
{
	struct xs_elf64_shdr s;
	xs_memset(out, 0, sizeof(*out));
	out->name = "";
	if (i == 0 || i >= o->shnum)
		return;
	xs_obj_read_shdr(o, i, &s);
	struct xs_elf64_shdr ss;
	xs_obj_read_shdr(o, o->shstrndx, &ss);
	out->name = (const char *)o->data + ss.sh_offset + s.sh_name;
	out->type = s.sh_type;
	out->flags = s.sh_flags;
	out->addr = s.sh_addr;
	out->offset = s.sh_offset;
	out->size = s.sh_size;
	out->link = s.sh_link;
	out->info = s.sh_info;
	out->align = s.sh_addralign;
	out->entsize = s.sh_entsize;
}

const uint8_t *xs_object_section_data(const struct xs_object *o, uint32_t i)
{
	struct xs_elf64_shdr s;
	if (i == 0 || i >= o->shnum)
		return NULL;
	xs_obj_read_shdr(o, i, &s);
	if (s.sh_type == XS_SHT_NOBITS || s.sh_size == 0)
		return NULL;
	return o->data + s.sh_offset;
}

uint32_t xs_object_symbol_count(const struct xs_object *o)
{
	return o->nsyms;
}

void xs_object_symbol(const struct xs_object *o, uint32_t i, struct xs_symbol *out)
{
	struct xs_elf64_sym s;
	xs_memset(out, 0, sizeof(*out));
	out->name = "";
	if (i >= o->nsyms)
		return;
	uint64_t syms = SHDR_FIELD(o, o->symtab, sh_offset);
	uint64_t str = SHDR_FIELD(o, o->strtab, sh_offset);
	xs_obj_read_sym(o->data + syms, i, &s);
	out->name = (const char *)o->data + str + s.st_name;
	out->value = s.st_value;
	out->size = s.st_size;
	out->shndx = s.st_shndx;
	out->bind = XS_ELF64_ST_BIND(s.st_info);
	out->type = XS_ELF64_ST_TYPE(s.st_info);
	out->visibility = XS_ELF64_ST_VISIBILITY(s.st_other);
	if (s.st_shndx == XS_SHN_XINDEX) {
		uint64_t x = SHDR_FIELD(o, o->symtab_shndx, sh_offset);
		out->section = xs_load32(o->data + x + (uint64_t)i * 4);
	} else if (s.st_shndx < XS_SHN_LORESERVE) {
		out->section = s.st_shndx;
	}
}

uint64_t xs_object_rela_count(const struct xs_object *o, uint32_t relsec)
{
	if (relsec == 0 || relsec >= o->shnum)
		return 0;
	if (shdr_u32(o, relsec, offsetof(struct xs_elf64_shdr, sh_type)) != XS_SHT_RELA)
		return 0;
	return SHDR_FIELD(o, relsec, sh_size) / RELA_SIZE;
}

void xs_object_rela(const struct xs_object *o, uint32_t relsec, uint64_t j, struct xs_rela *out)
{
	struct xs_elf64_rela r;
	xs_memset(out, 0, sizeof(*out));
	if (j >= xs_object_rela_count(o, relsec))
		return;
	xs_memcpy(&r, o->data + SHDR_FIELD(o, relsec, sh_offset) + j * RELA_SIZE, sizeof(r));
	out->offset = r.r_offset;
	out->type = XS_ELF64_R_TYPE(r.r_info);
	out->sym = XS_ELF64_R_SYM(r.r_info);
	out->addend = r.r_addend;
}

uint32_t xs_object_find_section(const struct xs_object *o, const char *name)
{
	if (!name || o->shnum == 0)
		return 0;
	struct xs_elf64_shdr ss;
	xs_obj_read_shdr(o, o->shstrndx, &ss);
	const char *shstr = (const char *)o->data + ss.sh_offset;
	for (uint32_t i = 1; i < o->shnum; i++) {
		uint32_t off;
		xs_memcpy(&off, o->data + o->shoff + (uint64_t)i * SHDR_SIZE, sizeof(off));
		if (xs_strcmp(shstr + off, name) == 0)
			return i;
	}
	return 0;
}

uint16_t xs_object_machine(const struct xs_object *o)
{
	return o->machine;
}
