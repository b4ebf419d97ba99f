/* SPDX-License-Identifier: MIT */
/*
 * --just-symbols ELF (ld -R): the defined symbols of an ELF image, read with
 * libelf, as absolute addresses. Globals (and weak / GNU-unique) win over
 * locals of the same name; among equals, .symtab before .dynsym, first wins.
 * The file is hostile input: every libelf call is checked.
 */
#define _GNU_SOURCE
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

struct xs_symentry {
	const char *name; /* owned */
	uint64_t value;
};

struct xs_symfile {
	struct xs_symentry *tab; /* open addressing, cap a power of two */
	size_t cap, count;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static bool grow(struct xs_symfile *f)
{
	size_t cap = f->cap ? f->cap * 2 : 1024;
	struct xs_symentry *t = calloc(cap, sizeof(*t));
	if (!t)
		return false;
	for (size_t i = 0; i < f->cap; i++) {
		if (!f->tab[i].name)
			continue;
		size_t j = hash(f->tab[i].name) & (cap - 1);
		while (t[j].name)
			j = (j + 1) & (cap - 1);
		t[j] = f->tab[i];
	}
	free(f->tab);
	f->tab = t;
	f->cap = cap;
	return true;
}

static bool add(struct xs_symfile *f, const char *name, uint64_t value)
{
	if ((f->count + 1) * 2 > f->cap && !grow(f))
		return false;
	size_t j = hash(name) & (f->cap - 1);
	for (; f->tab[j].name; j = (j + 1) & (f->cap - 1))
		if (strcmp(f->tab[j].name, name) == 0)
			return true; /* the first definition wins */
	char *copy = strdup(name);
	if (!copy)
		return false;
	f->tab[j].name = copy;
	f->tab[j].value = value;
	f->count++;
	return true;
}

bool xs_symfile_lookup(const struct xs_symfile *f, const char *name, uint64_t *value)
{
	if (!f->cap)
		return false;
	for (size_t j = hash(name) & (f->cap - 1); f->tab[j].name; j = (j + 1) & (f->cap - 1))
		if (strcmp(f->tab[j].name, name) == 0) {
			*value = f->tab[j].value;
			return true;
		}
	return false;
}

void xs_symfile_free(struct xs_symfile *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->cap; i++)
		free((char *)f->tab[i].name);
	free(f->tab);
	free(f);
}

static bool is_global(unsigned char bind)
{
	return bind == STB_GLOBAL || bind == STB_WEAK || bind == STB_GNU_UNIQUE;
}

/* One pass over every SHT_SYMTAB / SHT_DYNSYM: globals (pass 0) or locals (pass 1). */
static bool scan(Elf *e, struct xs_symfile *f, int pass, char *err, size_t errsize)
{
	static const Elf64_Word kinds[2] = {SHT_SYMTAB, SHT_DYNSYM};
	for (int k = 0; k < 2; k++) {
		Elf_Scn *scn = NULL;
		while ((scn = elf_nextscn(e, scn)) != NULL) {
			GElf_Shdr sh;
			if (!gelf_getshdr(scn, &sh)) {
				snprintf(err, errsize, "bad section header: %s", elf_errmsg(-1));
				return false;
			}
			if (sh.sh_type != kinds[k])
				continue;
			Elf_Data *data = elf_getdata(scn, NULL);
			if (!data)
				continue; /* e.g. a stripped or truncated table: nothing to take */
			size_t esz = gelf_fsize(e, ELF_T_SYM, 1, EV_CURRENT);
			if (esz == 0 || data->d_size % esz)
				continue;
			size_t n = data->d_size / esz;
			for (size_t i = 1; i < n; i++) {
				GElf_Sym sym;
				if (!gelf_getsym(data, (int)i, &sym))
					break;
				unsigned char bind = GELF_ST_BIND(sym.st_info);
				unsigned char type = GELF_ST_TYPE(sym.st_info);
				if (sym.st_shndx == SHN_UNDEF || sym.st_shndx == SHN_COMMON ||
				    type == STT_SECTION || type == STT_FILE || type == STT_TLS)
					continue;
				if (is_global(bind) != (pass == 0))
					continue;
				const char *name = elf_strptr(e, sh.sh_link, sym.st_name);
				if (!name || !name[0])
					continue;
				if (!add(f, name, sym.st_value)) {
					snprintf(err, errsize, "out of memory");
					return false;
				}
			}
		}
	}
	return true;
}

struct xs_symfile *xs_symfile_load(const char *path, char *err, size_t errsize)
{
	uint8_t *buf;
	size_t size;
	char ferr[512];
	if (!xs_tool_read_file(path, &buf, &size, ferr, sizeof(ferr))) {
		snprintf(err, errsize, "%s", ferr);
		return NULL;
	}
	struct xs_symfile *f = calloc(1, sizeof(*f));
	Elf *e = NULL;
	bool ok = false;
	char why[256] = "out of memory";
	if (!f)
		goto out;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(why, sizeof(why), "libelf: %s", elf_errmsg(-1));
		goto out;
	}
	e = elf_memory((char *)buf, size);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		snprintf(why, sizeof(why), "not an ELF file");
		goto out;
	}
	size_t shstrndx;
	if (gelf_getclass(e) == ELFCLASSNONE || elf_getshdrstrndx(e, &shstrndx) != 0) {
		snprintf(why, sizeof(why), "malformed ELF: %s", elf_errmsg(-1));
		goto out;
	}
	ok = scan(e, f, 0, why, sizeof(why)) && scan(e, f, 1, why, sizeof(why));
out:
	if (e)
		elf_end(e);
	free(buf);
	if (!ok) {
		snprintf(err, errsize, "%s: %s", path, why);
		xs_symfile_free(f);
		return NULL;
	}
	return f;
}
