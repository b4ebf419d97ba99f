/* SPDX-License-Identifier: MIT */
/*
 * Symbols, sections and build-id of a linked ELF64 image (xen-syms is
 * ET_EXEC, /proc/self/exe of a PIE is ET_DYN), read in memory with its own
 * bounds checks: xs_object_parse accepts only ET_REL, and an image is read
 * far less deeply (no relocations, no groups).
 */
#include <xsplice/livepatch.h>
#include <xsplice/object.h>
#include <xsplice/symtab.h>

#include "xs_elf.h"
#include "util.h"

#define SHDR_SIZE 64u
#define SYM_SIZE 24u

struct img {
	const uint8_t *p;
	size_t size;
	uint64_t shoff;
	uint32_t shnum, shstrndx;
	uint16_t machine;
};

static xs_status fail(struct xs_diag *d, xs_status st, const char *what)
{
	if (d) {
		xs_diag_clear(d);
		d->status = st;
		xs_fmt(d->msg, sizeof(d->msg), "ELF image: %s", what);
	}
	return st;
}

/* [off, off + len) inside the file, without wrapping. */
static bool in_file(const struct img *m, uint64_t off, uint64_t len)
{
	return off <= m->size && len <= m->size - off;
}

static void shdr(const struct img *m, uint32_t i, struct xs_elf64_shdr *sh)
{
	xs_memcpy(sh, m->p + m->shoff + (uint64_t)i * SHDR_SIZE, sizeof(*sh));
}

static xs_status img_open(struct img *m, const void *image, size_t size, struct xs_diag *d)
{
	struct xs_elf64_ehdr eh;
	xs_memset(m, 0, sizeof(*m));
	m->p = image;
	m->size = size;
	if (!image || size < sizeof(eh))
		return fail(d, XS_E_TRUNCATED, "shorter than an ELF header");
	xs_memcpy(&eh, image, sizeof(eh));
	if (eh.e_ident[0] != 0x7f || eh.e_ident[1] != 'E' || eh.e_ident[2] != 'L' ||
	    eh.e_ident[3] != 'F')
		return fail(d, XS_E_BAD_MAGIC, "bad magic");
	if (eh.e_ident[XS_EI_CLASS] != XS_ELFCLASS64)
		return fail(d, XS_E_BAD_CLASS, "not ELF64");
	if (eh.e_ident[XS_EI_DATA] != XS_ELFDATA2LSB)
		return fail(d, XS_E_BAD_DATA, "not little-endian");
	m->machine = eh.e_machine;
	m->shoff = eh.e_shoff;
	if (eh.e_shoff == 0)
		return fail(d, XS_E_NO_SYMTAB, "no section header table");
	if (eh.e_shentsize != SHDR_SIZE)
		return fail(d, XS_E_BAD_HEADER, "e_shentsize is not 64");
	if (!in_file(m, eh.e_shoff, SHDR_SIZE))
		return fail(d, XS_E_SECTION_OUT_OF_FILE, "section header table outside the file");
	struct xs_elf64_shdr s0;
	shdr(m, 0, &s0);
	uint64_t shnum = eh.e_shnum ? eh.e_shnum : s0.sh_size;
	m->shstrndx = eh.e_shstrndx == XS_SHN_XINDEX ? s0.sh_link : eh.e_shstrndx;
	if (shnum == 0 || shnum > XS_MAX_SECTIONS)
		return fail(d, XS_E_TOO_MANY, "bad section count");
	if (!in_file(m, eh.e_shoff, shnum * SHDR_SIZE))
		return fail(d, XS_E_SECTION_OUT_OF_FILE, "section header table outside the file");
	m->shnum = (uint32_t)shnum;
	if (m->shstrndx >= m->shnum)
		m->shstrndx = 0;
	return XS_OK;
}

xs_status xs_elf_image_check(const void *image, size_t size, uint16_t *machine,
			     uint32_t *nsec, struct xs_diag *d)
{
	struct img m;
	xs_status st = img_open(&m, image, size, d);
	if (st)
		return st;
	if (machine)
		*machine = m.machine;
	if (nsec)
		*nsec = m.shnum;
	return XS_OK;
}

static const char *sec_name(const struct img *m, uint32_t name)
{
	struct xs_elf64_shdr ss;
	if (!m->shstrndx)
		return "";
	shdr(m, m->shstrndx, &ss);
	if (ss.sh_type != XS_SHT_STRTAB || !in_file(m, ss.sh_offset, ss.sh_size) ||
	    name >= ss.sh_size)
		return "";
	const char *s = (const char *)m->p + ss.sh_offset + name;
	return xs_strnlen(s, ss.sh_size - name) < ss.sh_size - name ? s : "";
}

xs_status xs_elf_image_section(const void *image, size_t size, uint32_t i,
			       struct xs_image_section *out)
{
	struct img m;
	xs_status st = img_open(&m, image, size, NULL);
	if (st)
		return st;
	if (i >= m.shnum || !out)
		return XS_E_BAD_SECTION_INDEX;
	struct xs_elf64_shdr sh;
	shdr(&m, i, &sh);
	out->name = sec_name(&m, sh.sh_name);
	out->type = sh.sh_type;
	out->flags = sh.sh_flags;
	out->addr = sh.sh_addr;
	out->size = sh.sh_size;
	out->data = NULL;
	if (sh.sh_type != XS_SHT_NOBITS && sh.sh_type != XS_SHT_NULL &&
	    in_file(&m, sh.sh_offset, sh.sh_size))
		out->data = m.p + sh.sh_offset;
	return XS_OK;
}

struct symview {
	const uint8_t *syms;
	uint64_t n;
	const char *str;
	uint64_t strsz;
	const uint8_t *xindex; /* SHT_SYMTAB_SHNDX entries, or NULL */
};

static xs_status find_symtab(const struct img *m, struct symview *v, struct xs_diag *d)
{
	uint32_t found = 0;
	struct xs_elf64_shdr sh, st;
	for (uint32_t want = XS_SHT_SYMTAB; !found; want = XS_SHT_DYNSYM) {
		for (uint32_t i = 1; i < m->shnum && !found; i++) {
			shdr(m, i, &sh);
			if (sh.sh_type == want)
				found = i;
		}
		if (want == XS_SHT_DYNSYM)
			break;
	}
	if (!found)
		return fail(d, XS_E_NO_SYMTAB, "no .symtab or .dynsym");
	shdr(m, found, &sh);
	if (sh.sh_entsize != SYM_SIZE || sh.sh_size % SYM_SIZE)
		return fail(d, XS_E_BAD_ENTSIZE, "symbol table entry size is not 24");
	if (!in_file(m, sh.sh_offset, sh.sh_size))
		return fail(d, XS_E_SECTION_OUT_OF_FILE, "symbol table outside the file");
	if (sh.sh_link == 0 || sh.sh_link >= m->shnum)
		return fail(d, XS_E_BAD_SECTION_INDEX, "symbol table has no string table");
	shdr(m, sh.sh_link, &st);
	if (st.sh_type != XS_SHT_STRTAB || !in_file(m, st.sh_offset, st.sh_size) ||
	    st.sh_size == 0 || m->p[st.sh_offset + st.sh_size - 1] != 0)
		return fail(d, XS_E_STRTAB, "symbol string table malformed or not NUL-terminated");
	v->syms = m->p + sh.sh_offset;
	v->n = sh.sh_size / SYM_SIZE;
	v->str = (const char *)m->p + st.sh_offset;
	v->strsz = st.sh_size;
	v->xindex = NULL;
	if (v->n > XS_MAX_SYMBOLS)
		return fail(d, XS_E_TOO_MANY, "too many symbols");
	for (uint32_t i = 1; i < m->shnum; i++) {
		struct xs_elf64_shdr x;
		shdr(m, i, &x);
		if (x.sh_type == XS_SHT_SYMTAB_SHNDX && x.sh_link == found &&
		    in_file(m, x.sh_offset, x.sh_size) && x.sh_size / 4 >= v->n)
			v->xindex = m->p + x.sh_offset;
	}
	return XS_OK;
}

enum { SYM_SKIP, SYM_FILE, SYM_ADD };

/* Decode entry j; SYM_FILE sets *name to the file, SYM_ADD fills s (file left to the caller). */
static int decode(const struct img *m, const struct symview *v, uint64_t j, struct xs_sym *s,
		  const char **name, xs_status *err)
{
	struct xs_elf64_sym e;
	xs_memcpy(&e, v->syms + j * SYM_SIZE, sizeof(e));
	*err = XS_OK;
	if (e.st_name >= v->strsz) {
		*err = XS_E_BAD_STRING;
		return SYM_SKIP;
	}
	*name = v->str + e.st_name; /* terminated: the table's last byte is NUL */
	uint8_t type = XS_ELF64_ST_TYPE(e.st_info), bind = XS_ELF64_ST_BIND(e.st_info);
	if (type == XS_STT_FILE)
		return bind == XS_STB_LOCAL ? SYM_FILE : SYM_SKIP;
	if (type == XS_STT_SECTION || e.st_shndx == XS_SHN_UNDEF || e.st_shndx == XS_SHN_COMMON)
		return SYM_SKIP;
	uint32_t shndx = e.st_shndx;
	if (shndx == XS_SHN_XINDEX) {
		if (!v->xindex) {
			*err = XS_E_BAD_SYMBOL;
			return SYM_SKIP;
		}
		shndx = xs_load32(v->xindex + j * 4);
	}
	xs_memset(s, 0, sizeof(*s));
	s->name = *name;
	s->value = e.st_value;
	s->size = e.st_size;
	s->type = type;
	s->bind = bind;
	s->shndx = shndx;
	if (shndx == XS_SHN_ABS) {
		s->flags |= XS_SYM_ABS;
	} else if (shndx < m->shnum && (shndx < XS_SHN_LORESERVE || e.st_shndx == XS_SHN_XINDEX)) {
		struct xs_elf64_shdr sh;
		shdr(m, shndx, &sh);
		if (sh.sh_flags & XS_SHF_EXECINSTR)
			s->flags |= XS_SYM_EXEC;
	}
	return SYM_ADD;
}

xs_status xs_symtab_elf_need(const void *image, size_t size, uint32_t *nsyms,
			     size_t *strbytes, struct xs_diag *d)
{
	struct img m;
	struct symview v;
	xs_status st = img_open(&m, image, size, d);
	if (!st)
		st = find_symtab(&m, &v, d);
	if (st)
		return st;
	uint32_t n = 0;
	size_t bytes = 0;
	for (uint64_t j = 1; j < v.n; j++) {
		struct xs_sym s;
		const char *name;
		int k = decode(&m, &v, j, &s, &name, &st);
		if (st)
			return fail(d, st, "bad symbol");
		if (k == SYM_SKIP)
			continue;
		bytes += xs_strlen(name) + 1;
		n += k == SYM_ADD;
	}
	if (nsyms)
		*nsyms = n;
	if (strbytes)
		*strbytes = bytes;
	return XS_OK;
}

xs_status xs_symtab_add_elf(struct xs_symtab *t, const void *image, size_t size,
			    uint64_t bias, uint32_t flags, struct xs_diag *d)
{
	struct img m;
	struct symview v;
	if (!t)
		return XS_E_INVALID_ARG;
	xs_status st = img_open(&m, image, size, d);
	if (!st)
		st = find_symtab(&m, &v, d);
	if (st)
		return st;
	const char *file = NULL;
	for (uint64_t j = 1; j < v.n; j++) {
		struct xs_sym s;
		const char *name;
		int k = decode(&m, &v, j, &s, &name, &st);
		if (st) {
			fail(d, st, "bad symbol");
			if (d)
				d->symbol = (uint32_t)j;
			return st;
		}
		if (k == SYM_FILE)
			file = name[0] ? name : NULL;
		if (k != SYM_ADD)
			continue;
		s.file = s.bind == XS_STB_LOCAL ? file : NULL;
		if (!(s.flags & XS_SYM_ABS))
			s.value += bias;
		st = xs_symtab_add(t, &s, flags, NULL);
		if (st)
			return fail(d, st, "symbol table memory exhausted");
	}
	return XS_OK;
}

xs_status xs_elf_image_build_id(const void *image, size_t size, const uint8_t **id,
				size_t *len)
{
	struct img m;
	xs_status st = img_open(&m, image, size, NULL);
	if (st)
		return st;
	for (uint32_t i = 1; i < m.shnum; i++) {
		struct xs_elf64_shdr sh;
		shdr(&m, i, &sh);
		if (sh.sh_type != XS_SHT_NOTE || !in_file(&m, sh.sh_offset, sh.sh_size))
			continue;
		if (xs_note_build_id(m.p + sh.sh_offset, sh.sh_size, id, len) == XS_OK)
			return XS_OK;
	}
	return XS_E_NOT_FOUND;
}
