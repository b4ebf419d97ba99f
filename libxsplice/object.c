/* SPDX-License-Identifier: MIT */
/*
 * ELF64 ET_REL parser and validator. xs_object_parse() checks every header,
 * section, symbol and relocation once, so that the accessors
 * (object_access.c) can read the caller's buffer without checks of their own. The buffer may be
 * unaligned: every structure is copied out with memcpy.
 *
 * Where a diagnostic points:
 *   header errors      section XS_DIAG_NONE, offset = file offset of the field
 *   section errors     section i, offset = file offset of its data (range
 *                      errors) or of its header (field errors), or the
 *                      offending offset inside the section (group members)
 *   symbol errors      section = .symtab, offset = entry offset in .symtab,
 *                      symbol = its index
 *   relocation errors  section = the SHT_RELA section, offset = entry offset
 *                      in it, symbol and reloc_type of the row; the message
 *                      names r_offset and the target section
 *
 * Policy decisions (docs/errors.md has the table):
 *   - An object without SHT_SYMTAB parses (nsyms 0) as long as nothing needs
 *     one: no SHT_RELA, SHT_GROUP or SHT_SYMTAB_SHNDX section. Debian's
 *     static libraries hold such objects (empty translation units, stripped
 *     with --strip-unneeded); anything else without a symtab is XS_E_NO_SYMTAB.
 *   - Relocation symbol index 0 is accepted (S = 0): gas emits it for
 *     relocations against absolute expressions and ld -r for R_*_NONE.
 *   - sh_info of .symtab is bounded but local/global order is not enforced:
 *     consumers read each symbol's binding, never rely on sh_info.
 *   - Section sizes are below 2^48 and alignments at most 2^30, so sums of
 *     an offset inside a section and a small size never wrap downstream.
 */
#include <xsplice/object.h>

#include "arch.h"
#include "object_int.h"

#define MAX_ALIGN (UINT64_C(1) << 30)
#define MAX_SECTION_SIZE (UINT64_C(1) << 48)

#define ELFOSABI_NONE 0
#define ELFOSABI_GNU 3 /* gas sets it for STB_GNU_UNIQUE / STT_GNU_IFUNC */
#define ELFOSABI_FREEBSD 9
#define GRP_MASK_OS_PROC 0xfff00000u

struct ctx {
	struct xs_object *o;
	struct xs_diag *d;
	const char *shstr; /* set once .shstrtab is validated */
	uint64_t shstr_size;
	const char *str; /* set once the symbol string table is validated */
	uint64_t str_size;
	const uint8_t *syms; /* set once .symtab is validated */
	uint32_t flags;      /* XS_OBJECT_* */
};

/* Name of section i for messages; "" when it cannot be trusted yet. */
static const char *sec_name(const struct ctx *c, uint32_t i)
{
	if (!c->o || !c->shstr || i >= c->o->shnum)
		return "";
	struct xs_elf64_shdr s;
	xs_obj_read_shdr(c->o, i, &s);
	return s.sh_name < c->shstr_size ? c->shstr + s.sh_name : "";
}

static const char *sym_name(const struct ctx *c, uint32_t i)
{
	if (!c->o || !c->str || !c->syms || i >= c->o->nsyms)
		return "";
	struct xs_elf64_sym s;
	xs_obj_read_sym(c->syms, i, &s);
	return s.st_name < c->str_size ? c->str + s.st_name : "";
}

struct where {
	uint32_t sec;
	uint64_t off;
	uint32_t sym;
	uint32_t rtype;
	bool sym_prefix; /* start the detail with "symbol N (name): " */
	bool rel_prefix; /* start it with "relocation J at offset R: " */
	uint64_t rel_j, rel_off;
};

__attribute__((cold)) static xs_status vfail(const struct ctx *c, xs_status st,
					     const struct where *w, const char *fmt, va_list ap)
{
	struct xs_diag *d = c->d;
	if (!d)
		return st;
	d->status = st;
	d->section = w->sec;
	d->offset = w->off;
	d->symbol = w->sym;
	d->reloc_type = w->rtype;

	char *m = d->msg;
	size_t n = 0, cap = sizeof(d->msg);
	if (w->sec != XS_DIAG_NONE) {
		const char *name = sec_name(c, w->sec);
		xs_strlcpy(d->section_name, name, sizeof(d->section_name));
		if (*name)
			n += xs_fmt(m + n, cap - n, "section %u (%s): ", w->sec, name);
		else
			n += xs_fmt(m + n, cap - n, "section %u: ", w->sec);
	}
	if (w->sym != XS_DIAG_NONE) {
		const char *name = sym_name(c, w->sym);
		xs_strlcpy(d->symbol_name, name, sizeof(d->symbol_name));
		if (w->sym_prefix && *name)
			n += xs_fmt(m + n, cap - n, "symbol %u (%s): ", w->sym, name);
		else if (w->sym_prefix)
			n += xs_fmt(m + n, cap - n, "symbol %u: ", w->sym);
	}
	if (w->rel_prefix)
		n += xs_fmt(m + n, cap - n,
			    "relocation %llu at offset %#llx: ", (unsigned long long)w->rel_j,
			    (unsigned long long)w->rel_off);
	xs_vfmt(m + n, cap - n, fmt, ap);
	return st;
}

/* Header-level failure: no section, offset is the file offset of the field. */
static xs_status fail_hdr(const struct ctx *c, xs_status st, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), cold));
static xs_status fail_hdr(const struct ctx *c, xs_status st, uint64_t off, const char *fmt, ...)
{
	struct where w = {
	    .sec = XS_DIAG_NONE, .off = off, .sym = XS_DIAG_NONE, .rtype = XS_DIAG_NONE};
	va_list ap;
	va_start(ap, fmt);
	vfail(c, st, &w, fmt, ap);
	va_end(ap);
	return st;
}

static xs_status fail_sec(const struct ctx *c, xs_status st, uint32_t sec, uint64_t off,
			  const char *fmt, ...) __attribute__((format(printf, 5, 6), cold));
static xs_status fail_sec(const struct ctx *c, xs_status st, uint32_t sec, uint64_t off,
			  const char *fmt, ...)
{
	struct where w = {.sec = sec, .off = off, .sym = XS_DIAG_NONE, .rtype = XS_DIAG_NONE};
	va_list ap;
	va_start(ap, fmt);
	vfail(c, st, &w, fmt, ap);
	va_end(ap);
	return st;
}

static xs_status fail_sym(const struct ctx *c, xs_status st, uint32_t sym, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), cold));
static xs_status fail_sym(const struct ctx *c, xs_status st, uint32_t sym, const char *fmt, ...)
{
	struct where w = {.sec = c->o->symtab,
			  .off = (uint64_t)sym * SYM_SIZE,
			  .sym = sym,
			  .rtype = XS_DIAG_NONE,
			  .sym_prefix = true};
	va_list ap;
	va_start(ap, fmt);
	vfail(c, st, &w, fmt, ap);
	va_end(ap);
	return st;
}

static xs_status fail_rel(const struct ctx *c, xs_status st, uint32_t relsec, uint64_t j,
			  const struct xs_elf64_rela *r, const struct xs_howto *h, const char *fmt,
			  ...) __attribute__((format(printf, 7, 8), cold));
static xs_status fail_rel(const struct ctx *c, xs_status st, uint32_t relsec, uint64_t j,
			  const struct xs_elf64_rela *r, const struct xs_howto *h, const char *fmt,
			  ...)
{
	uint32_t sym = XS_ELF64_R_SYM(r->r_info);
	struct where w = {.sec = relsec,
			  .off = j * RELA_SIZE,
			  .sym = sym < c->o->nsyms ? sym : XS_DIAG_NONE,
			  .rtype = XS_ELF64_R_TYPE(r->r_info),
			  .rel_prefix = true,
			  .rel_j = j,
			  .rel_off = r->r_offset};
	va_list ap;
	va_start(ap, fmt);
	vfail(c, st, &w, fmt, ap);
	va_end(ap);
	if (c->d && h)
		xs_strlcpy(c->d->reloc_name, h->name, sizeof(c->d->reloc_name));
	return st;
}

static const char *type_name(uint32_t t)
{
	switch (t) {
	case XS_SHT_NULL:
		return "SHT_NULL";
	case XS_SHT_PROGBITS:
		return "SHT_PROGBITS";
	case XS_SHT_SYMTAB:
		return "SHT_SYMTAB";
	case XS_SHT_STRTAB:
		return "SHT_STRTAB";
	case XS_SHT_RELA:
		return "SHT_RELA";
	case XS_SHT_NOBITS:
		return "SHT_NOBITS";
	case XS_SHT_REL:
		return "SHT_REL";
	case XS_SHT_GROUP:
		return "SHT_GROUP";
	case XS_SHT_SYMTAB_SHNDX:
		return "SHT_SYMTAB_SHNDX";
	default:
		return "another type";
	}
}

static xs_status check_header(struct ctx *c, uint16_t machine)
{
	struct xs_object *o = c->o;
	struct xs_elf64_ehdr eh;
	struct xs_elf64_shdr s0;

	if (o->size < sizeof(eh))
		return fail_hdr(c, XS_E_TRUNCATED, 0,
				"file is %llu bytes, shorter than the 64-byte ELF header",
				(unsigned long long)o->size);
	xs_memcpy(&eh, o->data, sizeof(eh));
	if (memcmp(eh.e_ident, "\177ELF", 4) != 0)
		return fail_hdr(c, XS_E_BAD_MAGIC, 0, "no ELF magic (\\177ELF) at offset 0");
	if (eh.e_ident[XS_EI_CLASS] != XS_ELFCLASS64)
		return fail_hdr(c, XS_E_BAD_CLASS, XS_EI_CLASS, "ELF class %u is not ELFCLASS64",
				eh.e_ident[XS_EI_CLASS]);
	if (eh.e_ident[XS_EI_DATA] != XS_ELFDATA2LSB)
		return fail_hdr(c, XS_E_BAD_DATA, XS_EI_DATA,
				"ELF data encoding %u is not ELFDATA2LSB (little-endian)",
				eh.e_ident[XS_EI_DATA]);
	if (eh.e_ident[XS_EI_VERSION] != XS_EV_CURRENT)
		return fail_hdr(c, XS_E_BAD_VERSION, XS_EI_VERSION,
				"EI_VERSION is %u, expected 1 (EV_CURRENT)",
				eh.e_ident[XS_EI_VERSION]);
	if (eh.e_version != XS_EV_CURRENT)
		return fail_hdr(c, XS_E_BAD_VERSION, 20, "e_version is %u, expected 1 (EV_CURRENT)",
				eh.e_version);
	uint8_t osabi = eh.e_ident[7];
	if (osabi != ELFOSABI_NONE && osabi != ELFOSABI_GNU && osabi != ELFOSABI_FREEBSD)
		return fail_hdr(c, XS_E_BAD_HEADER, 7,
				"EI_OSABI %u is not System V (0), GNU (3) or FreeBSD (9)", osabi);
	if (eh.e_ident[8] != 0)
		return fail_hdr(c, XS_E_BAD_HEADER, 8, "EI_ABIVERSION is %u, expected 0",
				eh.e_ident[8]);
	if (eh.e_type != XS_ET_REL)
		return fail_hdr(c, XS_E_BAD_TYPE, 16, "e_type is %u (%s), expected 1 (ET_REL)",
				eh.e_type,
				eh.e_type == XS_ET_EXEC	 ? "ET_EXEC"
				: eh.e_type == XS_ET_DYN ? "ET_DYN"
							 : "not ET_REL");
	o->arch = xs_arch_by_machine(eh.e_machine);
	if (!o->arch)
		return fail_hdr(c, XS_E_BAD_MACHINE, 18,
				"e_machine %u is not supported (x86_64 is 62, aarch64 is 183)",
				eh.e_machine);
	if (machine && eh.e_machine != machine)
		return fail_hdr(c, XS_E_BAD_MACHINE, 18, "e_machine is %u (%s), expected %u",
				eh.e_machine, o->arch->name, machine);
	o->machine = eh.e_machine;
	if (eh.e_ehsize != sizeof(eh))
		return fail_hdr(c, XS_E_BAD_HEADER, 52, "e_ehsize is %u, expected 64", eh.e_ehsize);
	if (eh.e_phnum != 0)
		return fail_hdr(c, XS_E_BAD_HEADER, 56,
				"a relocatable object has %u program headers, expected none",
				eh.e_phnum);
	if (eh.e_shentsize != SHDR_SIZE)
		return fail_hdr(c, XS_E_BAD_HEADER, 58, "e_shentsize is %u, expected 64",
				eh.e_shentsize);
	if (eh.e_shoff == 0)
		return fail_hdr(c, XS_E_BAD_HEADER, 40, "no section header table (e_shoff is 0)");
	if (eh.e_shoff < sizeof(eh))
		return fail_hdr(c, XS_E_BAD_HEADER, 40,
				"section header table at %#llx overlaps the ELF header",
				(unsigned long long)eh.e_shoff);
	if (eh.e_shoff > UINT64_MAX - SHDR_SIZE)
		return fail_hdr(c, XS_E_WRAP, eh.e_shoff,
				"section header table offset %#llx plus its size wraps around",
				(unsigned long long)eh.e_shoff);
	if (eh.e_shoff + SHDR_SIZE > o->size)
		return fail_hdr(
		    c, XS_E_SECTION_OUT_OF_FILE, eh.e_shoff,
		    "section header table at %#llx is past the end of the file (%#llx bytes)",
		    (unsigned long long)eh.e_shoff, (unsigned long long)o->size);
	o->shoff = eh.e_shoff;
	xs_obj_read_shdr(o, 0, &s0);

	/* Extended numbering: with e_shnum 0, section 0's sh_size holds the count. */
	uint64_t shnum = eh.e_shnum ? eh.e_shnum : s0.sh_size;
	if (shnum == 0)
		return fail_hdr(c, XS_E_BAD_HEADER, 60,
				"e_shnum and section 0's sh_size are both 0: no sections");
	if (shnum > XS_MAX_SECTIONS)
		return fail_hdr(c, XS_E_TOO_MANY, 60, "%llu sections, more than the limit of %u",
				(unsigned long long)shnum, XS_MAX_SECTIONS);
	uint64_t table = shnum * SHDR_SIZE;
	if (table > UINT64_MAX - o->shoff)
		return fail_hdr(c, XS_E_WRAP, o->shoff,
				"section header table at %#llx with %llu entries wraps around",
				(unsigned long long)o->shoff, (unsigned long long)shnum);
	if (o->shoff + table > o->size)
		return fail_hdr(
		    c, XS_E_SECTION_OUT_OF_FILE, o->shoff,
		    "section header table at %#llx with %llu entries ends at %#llx, past "
		    "the end of the file (%#llx bytes)",
		    (unsigned long long)o->shoff, (unsigned long long)shnum,
		    (unsigned long long)(o->shoff + table), (unsigned long long)o->size);
	if (s0.sh_type != XS_SHT_NULL)
		return fail_hdr(c, XS_E_BAD_SECTION, o->shoff,
				"section 0 has type %u, expected SHT_NULL", s0.sh_type);

	uint32_t shstrndx = eh.e_shstrndx;
	if (shstrndx == XS_SHN_XINDEX)
		shstrndx = s0.sh_link;
	else if (shstrndx >= XS_SHN_LORESERVE)
		return fail_hdr(c, XS_E_BAD_SECTION_INDEX, 62, "e_shstrndx %#x is a reserved index",
				shstrndx);
	if (shstrndx == 0)
		return fail_hdr(c, XS_E_BAD_SECTION_INDEX, 62,
				"no section name string table (e_shstrndx is 0)");
	if (shstrndx >= shnum)
		return fail_hdr(c, XS_E_BAD_SECTION_INDEX, 62,
				"section name string table index %u is out of range (1..%llu)",
				shstrndx, (unsigned long long)(shnum - 1));
	o->shnum = (uint32_t)shnum;
	o->shstrndx = shstrndx;
	return XS_OK;
}

/* Section i's data (if it has file data) lies inside the file, past the ELF header. */
static xs_status check_range(const struct ctx *c, uint32_t i, const struct xs_elf64_shdr *s)
{
	const struct xs_object *o = c->o;
	if (s->sh_offset < sizeof(struct xs_elf64_ehdr))
		return fail_sec(c, XS_E_BAD_SECTION, i, s->sh_offset,
				"data offset %#llx overlaps the ELF header",
				(unsigned long long)s->sh_offset);
	if (s->sh_size >= MAX_SECTION_SIZE)
		return fail_sec(c, XS_E_BAD_SECTION, i, s->sh_offset,
				"size %#llx is above the supported maximum %#llx",
				(unsigned long long)s->sh_size,
				(unsigned long long)MAX_SECTION_SIZE);
	if (s->sh_type == XS_SHT_NOBITS)
		return XS_OK;
	if (s->sh_size > UINT64_MAX - s->sh_offset)
		return fail_sec(c, XS_E_WRAP, i, s->sh_offset,
				"offset %#llx plus size %#llx wraps around",
				(unsigned long long)s->sh_offset, (unsigned long long)s->sh_size);
	if (s->sh_offset + s->sh_size > o->size)
		return fail_sec(c, XS_E_SECTION_OUT_OF_FILE, i, s->sh_offset,
				"data at %#llx..%#llx is past the end of the file (%#llx bytes)",
				(unsigned long long)s->sh_offset,
				(unsigned long long)(s->sh_offset + s->sh_size),
				(unsigned long long)o->size);
	return XS_OK;
}

static xs_status check_strtab(const struct ctx *c, uint32_t i, const struct xs_elf64_shdr *s)
{
	const uint8_t *p = c->o->data + s->sh_offset;
	if (s->sh_size == 0)
		return fail_sec(c, XS_E_STRTAB, i, s->sh_offset, "string table is empty");
	if (p[0] != 0)
		return fail_sec(c, XS_E_STRTAB, i, s->sh_offset,
				"string table does not start with a NUL byte");
	if (p[s->sh_size - 1] != 0)
		return fail_sec(c, XS_E_STRTAB, i, s->sh_offset + s->sh_size - 1,
				"string table is not NUL-terminated");
	return XS_OK;
}

static xs_status check_shstrtab(struct ctx *c)
{
	struct xs_elf64_shdr s;
	uint32_t i = c->o->shstrndx;
	xs_obj_read_shdr(c->o, i, &s);
	if (s.sh_type != XS_SHT_STRTAB)
		return fail_sec(c, XS_E_BAD_SECTION, i, c->o->shoff + (uint64_t)i * SHDR_SIZE,
				"section name string table has type %u (%s), expected SHT_STRTAB",
				s.sh_type, type_name(s.sh_type));
	xs_status st = check_range(c, i, &s);
	if (st == XS_OK)
		st = check_strtab(c, i, &s);
	if (st != XS_OK)
		return st;
	c->shstr = (const char *)c->o->data + s.sh_offset;
	c->shstr_size = s.sh_size;
	return XS_OK;
}

/* Every section header on its own; records .symtab and SHT_SYMTAB_SHNDX. */
static xs_status check_sections(struct ctx *c)
{
	struct xs_object *o = c->o;
	for (uint32_t i = 1; i < o->shnum; i++) {
		struct xs_elf64_shdr s;
		xs_obj_read_shdr(o, i, &s);
		uint64_t hdr = o->shoff + (uint64_t)i * SHDR_SIZE;
		if (s.sh_name >= c->shstr_size)
			return fail_sec(
			    c, XS_E_BAD_STRING, i, hdr,
			    "name offset %u is outside the section name table (%llu bytes)",
			    s.sh_name, (unsigned long long)c->shstr_size);
		xs_status st = check_range(c, i, &s);
		if (st != XS_OK)
			return st;
		if (s.sh_addralign & (s.sh_addralign - 1))
			return fail_sec(c, XS_E_BAD_ALIGN, i, hdr,
					"alignment %#llx is not a power of two",
					(unsigned long long)s.sh_addralign);
		if (s.sh_addralign > MAX_ALIGN)
			return fail_sec(c, XS_E_BAD_ALIGN, i, hdr,
					"alignment %#llx is above the supported maximum %#llx",
					(unsigned long long)s.sh_addralign,
					(unsigned long long)MAX_ALIGN);
		switch (s.sh_type) {
		case XS_SHT_REL:
			return fail_sec(
			    c, XS_E_REL_UNSUPPORTED, i, hdr,
			    "SHT_REL relocations are not supported (ELF64 uses SHT_RELA)");
		case XS_SHT_STRTAB:
			st = check_strtab(c, i, &s);
			if (st != XS_OK)
				return st;
			break;
		case XS_SHT_SYMTAB:
			if (o->symtab)
				return fail_sec(c, XS_E_MULTIPLE_SYMTAB, i, hdr,
						"second symbol table (the first is section %u)",
						o->symtab);
			o->symtab = i;
			break;
		case XS_SHT_SYMTAB_SHNDX:
			if (o->symtab_shndx)
				return fail_sec(c, XS_E_BAD_SECTION, i, hdr,
						"second SHT_SYMTAB_SHNDX section (the first is "
						"section %u)",
						o->symtab_shndx);
			o->symtab_shndx = i;
			break;
		default:
			break;
		}
	}
	return XS_OK;
}

static xs_status check_symtab(struct ctx *c)
{
	struct xs_object *o = c->o;
	struct xs_elf64_shdr s, l;
	uint32_t i = o->symtab;
	if (!i) {
		for (uint32_t k = 1; k < o->shnum; k++) {
			xs_obj_read_shdr(o, k, &s);
			if (s.sh_type == XS_SHT_RELA || s.sh_type == XS_SHT_GROUP ||
			    s.sh_type == XS_SHT_SYMTAB_SHNDX)
				return fail_sec(c, XS_E_NO_SYMTAB, k,
						o->shoff + (uint64_t)k * SHDR_SIZE,
						"%s section needs a symbol table, and the object "
						"has none",
						type_name(s.sh_type));
		}
		return XS_OK;
	}
	xs_obj_read_shdr(o, i, &s);
	uint64_t hdr = o->shoff + (uint64_t)i * SHDR_SIZE;
	if (s.sh_entsize != SYM_SIZE)
		return fail_sec(c, XS_E_BAD_ENTSIZE, i, hdr, "sh_entsize is %llu, expected 24",
				(unsigned long long)s.sh_entsize);
	if (s.sh_size % SYM_SIZE)
		return fail_sec(c, XS_E_BAD_ENTSIZE, i, hdr,
				"size %llu is not a multiple of the entry size 24",
				(unsigned long long)s.sh_size);
	if (s.sh_size == 0)
		return fail_sec(c, XS_E_BAD_SECTION, i, hdr, "symbol table is empty");
	if (s.sh_size / SYM_SIZE > XS_MAX_SYMBOLS)
		return fail_sec(c, XS_E_TOO_MANY, i, hdr, "%llu symbols, more than the limit of %u",
				(unsigned long long)(s.sh_size / SYM_SIZE), XS_MAX_SYMBOLS);
	o->nsyms = (uint32_t)(s.sh_size / SYM_SIZE);
	if (s.sh_link == 0 || s.sh_link >= o->shnum)
		return fail_sec(c, XS_E_BAD_SECTION_INDEX, i, hdr,
				"string table index %u is out of range (1..%u)", s.sh_link,
				o->shnum - 1);
	xs_obj_read_shdr(o, s.sh_link, &l);
	if (l.sh_type != XS_SHT_STRTAB)
		return fail_sec(c, XS_E_BAD_SECTION, i, hdr,
				"linked section %u (%s) is %s, expected SHT_STRTAB", s.sh_link,
				sec_name(c, s.sh_link), type_name(l.sh_type));
	if (s.sh_info > o->nsyms)
		return fail_sec(c, XS_E_BAD_SECTION, i, hdr,
				"first non-local symbol index %u is past the %u symbols", s.sh_info,
				o->nsyms);
	o->strtab = s.sh_link;
	c->str = (const char *)o->data + l.sh_offset; /* checked by check_sections */
	c->str_size = l.sh_size;
	c->syms = o->data + s.sh_offset;

	if (!o->symtab_shndx)
		return XS_OK;
	i = o->symtab_shndx;
	xs_obj_read_shdr(o, i, &s);
	hdr = o->shoff + (uint64_t)i * SHDR_SIZE;
	if (s.sh_link != o->symtab)
		return fail_sec(c, XS_E_BAD_SECTION, i, hdr,
				"extended section index table links to section %u, not the symbol "
				"table (section %u)",
				s.sh_link, o->symtab);
	if (s.sh_entsize != 4 && s.sh_entsize != 0)
		return fail_sec(c, XS_E_BAD_ENTSIZE, i, hdr, "sh_entsize is %llu, expected 4",
				(unsigned long long)s.sh_entsize);
	if (s.sh_size != (uint64_t)o->nsyms * 4)
		return fail_sec(c, XS_E_BAD_SECTION, i, hdr,
				"size %llu does not match the %u symbols (expected %llu)",
				(unsigned long long)s.sh_size, o->nsyms,
				(unsigned long long)o->nsyms * 4);
	return XS_OK;
}

static bool sized_type(uint8_t t)
{
	return t == XS_STT_FUNC || t == XS_STT_OBJECT || t == XS_STT_TLS || t == XS_STT_GNU_IFUNC;
}

static xs_status check_symbols(struct ctx *c)
{
	struct xs_object *o = c->o;
	static const uint8_t zero[SYM_SIZE];
	const uint8_t *xindex = NULL;
	if (!o->symtab)
		return XS_OK;
	if (o->symtab_shndx) {
		struct xs_elf64_shdr x;
		xs_obj_read_shdr(o, o->symtab_shndx, &x);
		xindex = o->data + x.sh_offset;
	}
	if (memcmp(c->syms, zero, SYM_SIZE) != 0)
		return fail_sym(c, XS_E_BAD_SYMBOL, 0, "the first symbol is not all zeros");

	for (uint32_t i = 1; i < o->nsyms; i++) {
		struct xs_elf64_sym s;
		xs_obj_read_sym(c->syms, i, &s);
		if (s.st_name >= c->str_size)
			return fail_sym(c, XS_E_BAD_STRING, i,
					"name offset %u is outside the string table (%llu bytes)",
					s.st_name, (unsigned long long)c->str_size);
		uint8_t bind = XS_ELF64_ST_BIND(s.st_info), type = XS_ELF64_ST_TYPE(s.st_info);
		if (bind != XS_STB_LOCAL && bind != XS_STB_GLOBAL && bind != XS_STB_WEAK &&
		    bind != XS_STB_GNU_UNIQUE)
			return fail_sym(c, XS_E_BAD_SYMBOL, i, "unknown binding %u", bind);
		if (type > XS_STT_TLS && type != XS_STT_GNU_IFUNC)
			return fail_sym(c, XS_E_BAD_SYMBOL, i, "unknown type %u", type);

		uint32_t sec = s.st_shndx;
		switch (s.st_shndx) {
		case XS_SHN_UNDEF:
		case XS_SHN_ABS:
			continue;
		case XS_SHN_COMMON:
			if (!(c->flags & XS_OBJECT_ALLOW_COMMON))
				return fail_sym(c, XS_E_COMMON, i,
						"common symbol (SHN_COMMON) not supported; build with "
						"-fno-common");
			/* gABI: st_value holds the alignment of a common symbol */
			if (bind == XS_STB_LOCAL || s.st_value == 0 ||
			    (s.st_value & (s.st_value - 1)) || s.st_value > ((uint64_t)1 << 30) ||
			    s.st_size > ((uint64_t)1 << 40))
				return fail_sym(c, XS_E_BAD_SYMBOL, i,
						"common symbol: local, or alignment %llu / size %llu "
						"invalid", (unsigned long long)s.st_value,
						(unsigned long long)s.st_size);
			continue;
		case XS_SHN_XINDEX:
			if (!xindex)
				return fail_sym(c, XS_E_BAD_SYMBOL, i,
						"st_shndx is SHN_XINDEX but there is no "
						"SHT_SYMTAB_SHNDX section");
			sec = xs_load32(xindex + (uint64_t)i * 4);
			if (sec == 0 || sec >= o->shnum)
				return fail_sym(c, XS_E_BAD_SECTION_INDEX, i,
						"extended section index %u is out of range (1..%u)",
						sec, o->shnum - 1);
			break;
		default:
			if (sec >= XS_SHN_LORESERVE)
				return fail_sym(c, XS_E_BAD_SYMBOL, i,
						"unsupported reserved section index %#x", sec);
			if (sec >= o->shnum)
				return fail_sym(c, XS_E_BAD_SECTION_INDEX, i,
						"section index %u is out of range (1..%u)", sec,
						o->shnum - 1);
		}

		struct xs_elf64_shdr def;
		xs_obj_read_shdr(o, sec, &def);
		if (s.st_value > def.sh_size)
			return fail_sym(
			    c, XS_E_SYMBOL_OUT_OF_SECTION, i,
			    "value %#llx is past the end of section %u (%s), size %#llx",
			    (unsigned long long)s.st_value, sec, sec_name(c, sec),
			    (unsigned long long)def.sh_size);
		if (s.st_size > UINT64_MAX - s.st_value)
			return fail_sym(c, XS_E_WRAP, i, "value %#llx plus size %#llx wraps around",
					(unsigned long long)s.st_value,
					(unsigned long long)s.st_size);
		if (sized_type(type) && s.st_value + s.st_size > def.sh_size)
			return fail_sym(
			    c, XS_E_SYMBOL_OUT_OF_SECTION, i,
			    "%#llx..%#llx extends past the end of section %u (%s), size "
			    "%#llx",
			    (unsigned long long)s.st_value,
			    (unsigned long long)(s.st_value + s.st_size), sec, sec_name(c, sec),
			    (unsigned long long)def.sh_size);
	}
	return XS_OK;
}

static xs_status check_rela(struct ctx *c, uint32_t i, const struct xs_elf64_shdr *s,
			    uint64_t *total)
{
	struct xs_object *o = c->o;
	uint64_t hdr = o->shoff + (uint64_t)i * SHDR_SIZE;
	if (s->sh_entsize != RELA_SIZE)
		return fail_sec(c, XS_E_BAD_ENTSIZE, i, hdr, "sh_entsize is %llu, expected 24",
				(unsigned long long)s->sh_entsize);
	if (s->sh_size % RELA_SIZE)
		return fail_sec(c, XS_E_BAD_ENTSIZE, i, hdr,
				"size %llu is not a multiple of the entry size 24",
				(unsigned long long)s->sh_size);
	if (s->sh_link != o->symtab)
		return fail_sec(
		    c, XS_E_RELOC_WRONG_SYMTAB, i, hdr,
		    "relocations refer to section %u, not the symbol table (section %u)",
		    s->sh_link, o->symtab);
	if (s->sh_info == 0 || s->sh_info >= o->shnum)
		return fail_sec(c, XS_E_BAD_SECTION_INDEX, i, hdr,
				"target section index %u is out of range (1..%u)", s->sh_info,
				o->shnum - 1);
	struct xs_elf64_shdr t;
	xs_obj_read_shdr(o, s->sh_info, &t);
	switch (t.sh_type) {
	case XS_SHT_NULL:
	case XS_SHT_SYMTAB:
	case XS_SHT_STRTAB:
	case XS_SHT_RELA:
	case XS_SHT_REL:
	case XS_SHT_GROUP:
	case XS_SHT_SYMTAB_SHNDX:
	case XS_SHT_NOBITS:
		return fail_sec(c, XS_E_BAD_RELOC_SECTION, i, hdr,
				"target section %u (%s) is %s, which cannot be relocated",
				s->sh_info, sec_name(c, s->sh_info), type_name(t.sh_type));
	default:
		break;
	}

	/*
	 * Per row: three compares, no strings. Consecutive rows mostly share a
	 * type, so the howto row is looked up only when the type changes.
	 */
	const struct xs_arch *a = o->arch;
	const uint8_t *p = o->data + s->sh_offset;
	uint64_t n = s->sh_size / RELA_SIZE;
	uint32_t nsyms = o->nsyms;
	uint32_t last = UINT32_MAX; /* never a row: max_type is below it */
	uint64_t room = 0;	    /* r_offset must be below it for type last */
	/* GOT rows outside code: when there are none, planning skips data rows */
	bool data_target = !(t.sh_flags & XS_SHF_EXECINSTR);
	for (uint64_t j = 0; j < n; j++) {
		struct xs_elf64_rela r;
		xs_memcpy(&r, p + j * RELA_SIZE, sizeof(r));
		uint32_t sym = XS_ELF64_R_SYM(r.r_info), type = XS_ELF64_R_TYPE(r.r_info);
		if (sym >= nsyms)
			return fail_rel(c, XS_E_BAD_SYMBOL_INDEX, i, j, &r, NULL,
					"symbol index %u out of range (0..%u)", sym, nsyms - 1);
		if (j == 0 || type != last) {
			const struct xs_howto *h = xs_arch_howto(a, type);
			if (!h)
				return fail_rel(c, XS_E_UNKNOWN_RELOC, i, j, &r, NULL,
						"unknown %s relocation type %u", a->name, type);
			last = type;
			room = h->size > t.sh_size ? 0 : t.sh_size - h->size + 1;
			if (data_target && (h->flags & XS_HOWTO_GOT))
				o->got_data = 1; /* a row of each run of a type passes here */
		}
		if (r.r_offset >= room) {
			const struct xs_howto *h = xs_arch_howto(a, type);
			return fail_rel(c, XS_E_RELOC_OUT_OF_SECTION, i, j, &r, h,
					"%s patches %u bytes past the end of section %u (%s), size "
					"%#llx",
					h->name, h->size, s->sh_info, sec_name(c, s->sh_info),
					(unsigned long long)t.sh_size);
		}
	}
	*total += n;
	return XS_OK;
}

static xs_status check_group(struct ctx *c, uint32_t i, const struct xs_elf64_shdr *s)
{
	struct xs_object *o = c->o;
	uint64_t hdr = o->shoff + (uint64_t)i * SHDR_SIZE;
	if (s->sh_entsize != 4)
		return fail_sec(c, XS_E_BAD_GROUP, i, hdr, "sh_entsize is %llu, expected 4",
				(unsigned long long)s->sh_entsize);
	if (s->sh_size < 4 || s->sh_size % 4)
		return fail_sec(c, XS_E_BAD_GROUP, i, hdr,
				"size %llu is not a positive multiple of 4",
				(unsigned long long)s->sh_size);
	if (s->sh_link != o->symtab)
		return fail_sec(c, XS_E_BAD_GROUP, i, hdr,
				"group links to section %u, not the symbol table (section %u)",
				s->sh_link, o->symtab);
	if (s->sh_info >= o->nsyms)
		return fail_sec(c, XS_E_BAD_GROUP, i, hdr,
				"signature symbol index %u is out of range (0..%u)", s->sh_info,
				o->nsyms - 1);
	const uint8_t *p = o->data + s->sh_offset;
	uint32_t flags = xs_load32(p);
	if (flags & ~(XS_GRP_COMDAT | GRP_MASK_OS_PROC))
		return fail_sec(c, XS_E_BAD_GROUP, i, 0, "unknown group flags %#x", flags);
	for (uint64_t k = 4; k < s->sh_size; k += 4) {
		uint32_t m = xs_load32(p + k);
		if (m == 0 || m >= o->shnum || m == i)
			return fail_sec(c, XS_E_BAD_GROUP, i, k,
					"member %llu is section index %u, which is %s",
					(unsigned long long)(k / 4 - 1), m,
					m == i ? "the group itself" : "out of range");
	}
	return XS_OK;
}

static xs_status check_links(struct ctx *c)
{
	struct xs_object *o = c->o;
	uint64_t total = 0;
	for (uint32_t i = 1; i < o->shnum; i++) {
		struct xs_elf64_shdr s;
		xs_status st = XS_OK;
		xs_obj_read_shdr(o, i, &s);
		if (s.sh_type == XS_SHT_RELA)
			st = check_rela(c, i, &s, &total);
		else if (s.sh_type == XS_SHT_GROUP)
			st = check_group(c, i, &s);
		if (st != XS_OK)
			return st;
	}
	if (total > UINT32_MAX)
		return fail_hdr(c, XS_E_TOO_MANY, 0, "%llu relocations, more than the limit of %u",
				(unsigned long long)total, UINT32_MAX);
	o->nrelocs = (uint32_t)total;
	return XS_OK;
}

xs_status xs_object_parse(struct xs_object *o, const void *data, size_t size, uint16_t machine,
			  struct xs_diag *d)
{
	return xs_object_parse_ex(o, data, size, machine, 0, d);
}

xs_status xs_object_parse_ex(struct xs_object *o, const void *data, size_t size, uint16_t machine,
			     uint32_t flags, struct xs_diag *d)
{
	struct ctx c = {.o = NULL, .d = d, .flags = flags};
	xs_diag_clear(d);
	if (!o || (!data && size))
		return fail_hdr(&c, XS_E_INVALID_ARG, 0, "no object or no data");
	xs_memset(o, 0, sizeof(*o));
	o->data = data;
	o->size = size;
	c.o = o;

	xs_status st = check_header(&c, machine);
	if (st == XS_OK)
		st = check_shstrtab(&c);
	if (st == XS_OK)
		st = check_sections(&c);
	if (st == XS_OK)
		st = check_symtab(&c);
	if (st == XS_OK)
		st = check_symbols(&c);
	if (st == XS_OK)
		st = check_links(&c);
	if (st != XS_OK) {
		/* A failed object has no sections: accessors on it return nothing. */
		xs_memset(o, 0, sizeof(*o));
	}
	return st;
}
