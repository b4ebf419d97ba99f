/* SPDX-License-Identifier: MIT */
/* In-memory ELF64 ET_REL builder for tests (see elfbuild.h). */
#include "elfbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct eb_sec {
	char *name;
	uint32_t type;
	uint64_t flags;
	uint8_t *data;
	uint64_t size;
	uint64_t align;
	uint32_t link, info;
	uint64_t entsize;
	bool link_symtab; /* sh_link = .symtab (groups) */
};

struct eb_sym {
	char *name;
	uint8_t info;
	uint32_t shndx;
	uint64_t value, size;
};

struct eb_rel {
	uint32_t target;
	struct xs_elf64_rela r;
};

struct eb {
	uint16_t machine;
	bool xindex, ext;
	struct eb_sec *secs; /* user sections; index 0 unused */
	size_t nsecs, capsecs;
	struct eb_sym *syms;
	size_t nsyms, capsyms;
	struct eb_rel *rels;
	size_t nrels, caprels;
	/* filled by eb_build */
	uint32_t symtab, strtab, shstrtab, shndx, shnum;
	uint32_t *rela_of; /* by target */
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("elfbuild: out of memory\n", stderr);
		abort();
	}
	return p;
}

#define GROW(arr, n, cap)                                                                          \
	do {                                                                                       \
		if ((n) == (cap)) {                                                                \
			(cap) = (cap) ? 2 * (cap) : 16;                                            \
			(arr) = xrealloc((arr), (cap) * sizeof(*(arr)));                           \
		}                                                                                  \
	} while (0)

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xrealloc(NULL, n), s, n);
}

struct eb *eb_new(uint16_t machine)
{
	struct eb *b = calloc(1, sizeof(*b));
	if (!b)
		abort();
	b->machine = machine;
	GROW(b->secs, b->nsecs, b->capsecs);
	memset(&b->secs[0], 0, sizeof(b->secs[0]));
	b->nsecs = 1;
	GROW(b->syms, b->nsyms, b->capsyms);
	b->syms[0] = (struct eb_sym){.name = xstrdup("")};
	b->nsyms = 1;
	return b;
}

void eb_free(struct eb *b)
{
	if (!b)
		return;
	for (size_t i = 1; i < b->nsecs; i++) {
		free(b->secs[i].name);
		free(b->secs[i].data);
	}
	for (size_t i = 0; i < b->nsyms; i++)
		free(b->syms[i].name);
	free(b->secs);
	free(b->syms);
	free(b->rels);
	free(b->rela_of);
	free(b);
}

void eb_set_xindex(struct eb *b, bool on)
{
	b->xindex = on;
}

void eb_set_ext_numbering(struct eb *b, bool on)
{
	b->ext = on;
}

uint32_t eb_section(struct eb *b, const char *name, uint32_t type, uint64_t flags, const void *data,
		    uint64_t size, uint64_t align)
{
	GROW(b->secs, b->nsecs, b->capsecs);
	struct eb_sec *s = &b->secs[b->nsecs];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	s->type = type;
	s->flags = flags;
	s->size = size;
	s->align = align;
	if (type != XS_SHT_NOBITS && size) {
		s->data = xrealloc(NULL, size);
		if (data)
			memcpy(s->data, data, size);
		else
			memset(s->data, 0, size);
	}
	return (uint32_t)b->nsecs++;
}

uint32_t eb_text(struct eb *b, const char *name, uint64_t size)
{
	uint32_t i =
	    eb_section(b, name, XS_SHT_PROGBITS, XS_SHF_ALLOC | XS_SHF_EXECINSTR, NULL, size, 16);
	if (size)
		memset(b->secs[i].data, 0x90, size);
	return i;
}

uint32_t eb_group(struct eb *b, const char *name, uint32_t sig, uint32_t flags,
		  const uint32_t *members, size_t n)
{
	uint32_t *w = xrealloc(NULL, (n + 1) * 4);
	w[0] = flags;
	for (size_t k = 0; k < n; k++)
		w[k + 1] = members[k];
	uint32_t i = eb_section(b, name, XS_SHT_GROUP, 0, w, (n + 1) * 4, 4);
	free(w);
	b->secs[i].entsize = 4;
	b->secs[i].info = sig;
	b->secs[i].link_symtab = true;
	return i;
}

uint32_t eb_symbol(struct eb *b, const char *name, uint8_t bind, uint8_t type, uint32_t shndx,
		   uint64_t value, uint64_t size)
{
	GROW(b->syms, b->nsyms, b->capsyms);
	b->syms[b->nsyms] = (struct eb_sym){
	    .name = xstrdup(name),
	    .info = (uint8_t)((bind << 4) | (type & 0xf)),
	    .shndx = shndx,
	    .value = value,
	    .size = size,
	};
	return (uint32_t)b->nsyms++;
}

void eb_rela(struct eb *b, uint32_t target, uint64_t offset, uint32_t sym, uint32_t type,
	     int64_t addend)
{
	GROW(b->rels, b->nrels, b->caprels);
	b->rels[b->nrels++] = (struct eb_rel){
	    .target = target,
	    .r = {.r_offset = offset, .r_info = ((uint64_t)sym << 32) | type, .r_addend = addend},
	};
}

/* A growing byte buffer. */
struct buf {
	uint8_t *p;
	size_t n, cap;
};

static size_t buf_put(struct buf *b, const void *d, size_t n, size_t align)
{
	if (align > 1)
		while (b->n % align)
			buf_put(b, "", 1, 1);
	if (b->n + n > b->cap) {
		while (b->n + n > b->cap)
			b->cap = b->cap ? 2 * b->cap : 4096;
		b->p = xrealloc(b->p, b->cap);
	}
	size_t at = b->n;
	if (d)
		memcpy(b->p + at, d, n);
	else
		memset(b->p + at, 0, n);
	b->n += n;
	return at;
}

static uint32_t str_add(struct buf *b, const char *s)
{
	if (!*s)
		return 0;
	return (uint32_t)buf_put(b, s, strlen(s) + 1, 1);
}

uint8_t *eb_build(struct eb *b, size_t *size)
{
	/* Final section list: user sections, relas, [shndx], symtab, strtab, shstrtab. */
	size_t nuser = b->nsecs;
	free(b->rela_of);
	b->rela_of = calloc(nuser, sizeof(uint32_t));
	uint32_t next = (uint32_t)nuser;
	uint32_t *rela_order = calloc(nuser, sizeof(uint32_t));
	size_t nrela = 0;
	for (size_t k = 0; k < b->nrels; k++) {
		uint32_t t = b->rels[k].target;
		if (t < nuser && !b->rela_of[t]) {
			b->rela_of[t] = next++;
			rela_order[nrela++] = t;
		}
	}
	bool need_shndx = b->xindex;
	for (size_t k = 0; k < b->nsyms; k++) {
		uint32_t x = b->syms[k].shndx;
		if (!(x & 0x80000000u) && x >= XS_SHN_LORESERVE)
			need_shndx = true;
	}
	b->shndx = need_shndx ? next++ : 0;
	b->symtab = next++;
	b->strtab = next++;
	b->shstrtab = next++;
	b->shnum = next;

	struct xs_elf64_shdr *sh = calloc(b->shnum, sizeof(*sh));
	struct buf out = {0}, shstr = {0}, str = {0};
	buf_put(&out, NULL, sizeof(struct xs_elf64_ehdr), 1);
	buf_put(&shstr, "", 1, 1);
	buf_put(&str, "", 1, 1);

	/* User sections. */
	for (size_t i = 1; i < nuser; i++) {
		struct eb_sec *s = &b->secs[i];
		sh[i].sh_name = str_add(&shstr, s->name);
		sh[i].sh_type = s->type;
		sh[i].sh_flags = s->flags;
		sh[i].sh_addralign = s->align;
		sh[i].sh_size = s->size;
		sh[i].sh_entsize = s->entsize;
		sh[i].sh_link = s->link_symtab ? b->symtab : s->link;
		sh[i].sh_info = s->info;
		size_t al = s->align > 1 && s->align <= 4096 ? (size_t)s->align : 1;
		if (s->type == XS_SHT_NOBITS) {
			while (out.n % al)
				buf_put(&out, "", 1, 1);
			sh[i].sh_offset = out.n;
		} else {
			sh[i].sh_offset = buf_put(&out, s->data, s->size, al);
		}
	}

	/* Relocation sections. */
	for (size_t k = 0; k < nrela; k++) {
		uint32_t t = rela_order[k], i = b->rela_of[t];
		char name[300];
		snprintf(name, sizeof(name), ".rela%s", b->secs[t].name);
		sh[i].sh_name = str_add(&shstr, name);
		sh[i].sh_type = XS_SHT_RELA;
		sh[i].sh_flags = XS_SHF_INFO_LINK;
		sh[i].sh_addralign = 8;
		sh[i].sh_entsize = sizeof(struct xs_elf64_rela);
		sh[i].sh_link = b->symtab;
		sh[i].sh_info = t;
		buf_put(&out, NULL, 0, 8);
		sh[i].sh_offset = out.n;
		for (size_t j = 0; j < b->nrels; j++)
			if (b->rels[j].target == t)
				buf_put(&out, &b->rels[j].r, sizeof(b->rels[j].r), 1);
		sh[i].sh_size = out.n - sh[i].sh_offset;
	}

	/* Symbols (+ extended indices). */
	struct buf syms = {0}, xs = {0};
	uint32_t first_global = (uint32_t)b->nsyms;
	for (size_t k = 0; k < b->nsyms; k++) {
		struct eb_sym *y = &b->syms[k];
		struct xs_elf64_sym s = {0};
		uint32_t x = 0;
		if (k) {
			s.st_name = str_add(&str, y->name);
			s.st_info = y->info;
			s.st_value = y->value;
			s.st_size = y->size;
			if (y->shndx & 0x80000000u) {
				s.st_shndx = (uint16_t)y->shndx;
			} else if (y->shndx && (b->xindex || y->shndx >= XS_SHN_LORESERVE)) {
				s.st_shndx = XS_SHN_XINDEX;
				x = y->shndx;
			} else {
				s.st_shndx = (uint16_t)y->shndx;
			}
			if ((y->info >> 4) != XS_STB_LOCAL && first_global == b->nsyms)
				first_global = (uint32_t)k;
		}
		buf_put(&syms, &s, sizeof(s), 1);
		buf_put(&xs, &x, 4, 1);
	}
	if (b->shndx) {
		uint32_t i = b->shndx;
		sh[i].sh_name = str_add(&shstr, ".symtab_shndx");
		sh[i].sh_type = XS_SHT_SYMTAB_SHNDX;
		sh[i].sh_addralign = 4;
		sh[i].sh_entsize = 4;
		sh[i].sh_link = b->symtab;
		sh[i].sh_offset = buf_put(&out, xs.p, xs.n, 4);
		sh[i].sh_size = xs.n;
	}
	sh[b->symtab].sh_name = str_add(&shstr, ".symtab");
	sh[b->symtab].sh_type = XS_SHT_SYMTAB;
	sh[b->symtab].sh_addralign = 8;
	sh[b->symtab].sh_entsize = sizeof(struct xs_elf64_sym);
	sh[b->symtab].sh_link = b->strtab;
	sh[b->symtab].sh_info = first_global;
	sh[b->symtab].sh_offset = buf_put(&out, syms.p, syms.n, 8);
	sh[b->symtab].sh_size = syms.n;

	sh[b->strtab].sh_name = str_add(&shstr, ".strtab");
	sh[b->strtab].sh_type = XS_SHT_STRTAB;
	sh[b->strtab].sh_addralign = 1;
	sh[b->strtab].sh_offset = buf_put(&out, str.p, str.n, 1);
	sh[b->strtab].sh_size = str.n;

	sh[b->shstrtab].sh_name = str_add(&shstr, ".shstrtab");
	sh[b->shstrtab].sh_type = XS_SHT_STRTAB;
	sh[b->shstrtab].sh_addralign = 1;
	sh[b->shstrtab].sh_offset = buf_put(&out, shstr.p, shstr.n, 1);
	sh[b->shstrtab].sh_size = shstr.n;

	bool ext = b->ext || b->shnum >= XS_SHN_LORESERVE;
	if (ext) {
		sh[0].sh_size = b->shnum;
		sh[0].sh_link = b->shstrtab;
	}
	size_t shoff = buf_put(&out, sh, b->shnum * sizeof(*sh), 8);

	struct xs_elf64_ehdr e = {0};
	memcpy(e.e_ident, "\177ELF", 4);
	e.e_ident[XS_EI_CLASS] = XS_ELFCLASS64;
	e.e_ident[XS_EI_DATA] = XS_ELFDATA2LSB;
	e.e_ident[XS_EI_VERSION] = XS_EV_CURRENT;
	e.e_type = XS_ET_REL;
	e.e_machine = b->machine;
	e.e_version = XS_EV_CURRENT;
	e.e_shoff = shoff;
	e.e_ehsize = sizeof(e);
	e.e_shentsize = sizeof(struct xs_elf64_shdr);
	e.e_shnum = ext ? 0 : (uint16_t)b->shnum;
	e.e_shstrndx = ext ? XS_SHN_XINDEX : (uint16_t)b->shstrtab;
	memcpy(out.p, &e, sizeof(e));

	free(sh);
	free(shstr.p);
	free(str.p);
	free(syms.p);
	free(xs.p);
	free(rela_order);
	*size = out.n;
	return out.p;
}

uint32_t eb_symtab(const struct eb *b)
{
	return b->symtab;
}
uint32_t eb_strtab(const struct eb *b)
{
	return b->strtab;
}
uint32_t eb_shstrtab(const struct eb *b)
{
	return b->shstrtab;
}
uint32_t eb_symtab_shndx(const struct eb *b)
{
	return b->shndx;
}
uint32_t eb_rela_index(const struct eb *b, uint32_t target)
{
	return b->rela_of && target < b->nsecs ? b->rela_of[target] : 0;
}
uint32_t eb_shnum(const struct eb *b)
{
	return b->shnum;
}

void eb_get_ehdr(const uint8_t *obj, struct xs_elf64_ehdr *e)
{
	memcpy(e, obj, sizeof(*e));
}

void eb_put_ehdr(uint8_t *obj, const struct xs_elf64_ehdr *e)
{
	memcpy(obj, e, sizeof(*e));
}

static uint64_t shoff(const uint8_t *obj)
{
	struct xs_elf64_ehdr e;
	eb_get_ehdr(obj, &e);
	return e.e_shoff;
}

void eb_get_shdr(const uint8_t *obj, uint32_t i, struct xs_elf64_shdr *s)
{
	memcpy(s, obj + shoff(obj) + (uint64_t)i * sizeof(*s), sizeof(*s));
}

void eb_put_shdr(uint8_t *obj, uint32_t i, const struct xs_elf64_shdr *s)
{
	memcpy(obj + shoff(obj) + (uint64_t)i * sizeof(*s), s, sizeof(*s));
}

uint8_t *eb_data(uint8_t *obj, uint32_t i)
{
	struct xs_elf64_shdr s;
	eb_get_shdr(obj, i, &s);
	return obj + s.sh_offset;
}

void eb_get_sym(const uint8_t *obj, uint32_t symtab, uint32_t j, struct xs_elf64_sym *s)
{
	memcpy(s, eb_data((uint8_t *)obj, symtab) + (uint64_t)j * sizeof(*s), sizeof(*s));
}

void eb_put_sym(uint8_t *obj, uint32_t symtab, uint32_t j, const struct xs_elf64_sym *s)
{
	memcpy(eb_data(obj, symtab) + (uint64_t)j * sizeof(*s), s, sizeof(*s));
}

void eb_get_rela(const uint8_t *obj, uint32_t relsec, uint64_t j, struct xs_elf64_rela *r)
{
	memcpy(r, eb_data((uint8_t *)obj, relsec) + j * sizeof(*r), sizeof(*r));
}

void eb_put_rela(uint8_t *obj, uint32_t relsec, uint64_t j, const struct xs_elf64_rela *r)
{
	memcpy(eb_data(obj, relsec) + j * sizeof(*r), r, sizeof(*r));
}
