/* SPDX-License-Identifier: MIT */
/*
 * Accessors of a parsed object. xs_object_parse() validated every offset
 * they use; they only guard the caller's indices (out of range: an empty
 * result) and read records with memcpy, the buffer being unaligned.
 */
#include "object_int.h"

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
	struct xs_elf64_shdr t, st;
	struct xs_elf64_sym s;
	xs_memset(out, 0, sizeof(*out));
	out->name = "";
	if (i >= o->nsyms)
		return;
	xs_obj_read_shdr(o, o->symtab, &t);
	xs_obj_read_shdr(o, o->strtab, &st);
	xs_obj_read_sym(o->data + t.sh_offset, i, &s);
	out->name = (const char *)o->data + st.sh_offset + s.st_name;
	out->value = s.st_value;
	out->size = s.st_size;
	out->shndx = s.st_shndx;
	out->bind = XS_ELF64_ST_BIND(s.st_info);
	out->type = XS_ELF64_ST_TYPE(s.st_info);
	out->visibility = XS_ELF64_ST_VISIBILITY(s.st_other);
	if (s.st_shndx == XS_SHN_XINDEX) {
		struct xs_elf64_shdr x;
		xs_obj_read_shdr(o, o->symtab_shndx, &x);
		out->section = xs_load32(o->data + x.sh_offset + (uint64_t)i * 4);
	} else if (s.st_shndx < XS_SHN_LORESERVE) {
		out->section = s.st_shndx;
	}
}

uint64_t xs_object_rela_count(const struct xs_object *o, uint32_t relsec)
{
	struct xs_elf64_shdr s;
	if (relsec == 0 || relsec >= o->shnum)
		return 0;
	xs_obj_read_shdr(o, relsec, &s);
	return s.sh_type == XS_SHT_RELA ? s.sh_size / RELA_SIZE : 0;
}

void xs_object_rela(const struct xs_object *o, uint32_t relsec, uint64_t j, struct xs_rela *out)
{
	struct xs_elf64_shdr s;
	struct xs_elf64_rela r;
	xs_memset(out, 0, sizeof(*out));
	if (relsec == 0 || relsec >= o->shnum)
		return;
	xs_obj_read_shdr(o, relsec, &s);
	if (s.sh_type != XS_SHT_RELA || j >= s.sh_size / RELA_SIZE)
		return;
	xs_memcpy(&r, o->data + s.sh_offset + j * RELA_SIZE, sizeof(r));
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
