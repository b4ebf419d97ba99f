/* SPDX-License-Identifier: MIT */
/*
 * ELF object parser: a valid object built in memory, then one malformation
 * per rejection, each checked for its exact status and diagnostic location;
 * every truncation and single-byte corruption of a valid object must be
 * refused or parsed without reading outside the buffer (run under ASan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xsplice/object.h>

#include "elfbuild.h"

/* x86-64 psABI numbers used here. */
#define R_X86_64_NONE 0
#define R_X86_64_64 1
#define R_X86_64_PC32 2
#define R_X86_64_PLT32 4
#define R_X86_64_32 10
/* AAELF64 numbers. */
#define R_AARCH64_ABS64 257
#define R_AARCH64_CALL26 283

/* The base object and where its parts are. */
struct fx {
	uint8_t *obj;
	size_t size;
	uint32_t text, data, bss, textfoo, group, rtext, rdata;
	uint32_t symtab, strtab, shstrtab, shnum;
	uint32_t s_file, s_sect, s_local, s_main, s_data, s_bss, s_foo, s_ext, s_abs;
	struct xs_diag d;
	struct xs_object o;
};

static struct eb *base_builder(struct fx *f, uint16_t machine)
{
	struct eb *b = eb_new(machine);
	f->text = eb_text(b, ".text", 32);
	f->data = eb_section(b, ".data", XS_SHT_PROGBITS, XS_SHF_ALLOC | XS_SHF_WRITE,
			     "0123456789abcdef", 16, 8);
	f->bss = eb_section(b, ".bss", XS_SHT_NOBITS, XS_SHF_ALLOC | XS_SHF_WRITE, NULL, 64, 32);
	f->textfoo = eb_text(b, ".text.foo", 16);
	f->s_file = eb_symbol(b, "t.c", XS_STB_LOCAL, XS_STT_FILE, EB_ABS, 0, 0);
	f->s_sect = eb_symbol(b, "", XS_STB_LOCAL, XS_STT_SECTION, f->text, 0, 0);
	f->s_local = eb_symbol(b, "local_fn", XS_STB_LOCAL, XS_STT_FUNC, f->text, 0, 16);
	f->s_main = eb_symbol(b, "main", XS_STB_GLOBAL, XS_STT_FUNC, f->text, 16, 16);
	f->s_data = eb_symbol(b, "data_obj", XS_STB_GLOBAL, XS_STT_OBJECT, f->data, 0, 16);
	f->s_bss = eb_symbol(b, "bss_obj", XS_STB_GLOBAL, XS_STT_OBJECT, f->bss, 8, 8);
	f->s_foo = eb_symbol(b, "foo", XS_STB_WEAK, XS_STT_FUNC, f->textfoo, 0, 16);
	f->s_ext = eb_symbol(b, "ext", XS_STB_GLOBAL, XS_STT_NOTYPE, EB_UNDEF, 0, 0);
	f->s_abs = eb_symbol(b, "abs_sym", XS_STB_GLOBAL, XS_STT_NOTYPE, EB_ABS, 0x1234, 0);
	uint32_t m = f->textfoo;
	f->group = eb_group(b, ".group", f->s_foo, XS_GRP_COMDAT, &m, 1);
	uint32_t pc32 = machine == XS_EM_AARCH64 ? R_AARCH64_CALL26 : R_X86_64_PLT32;
	uint32_t abs64 = machine == XS_EM_AARCH64 ? R_AARCH64_ABS64 : R_X86_64_64;
	eb_rela(b, f->text, 1, f->s_ext, pc32, -4);
	eb_rela(b, f->text, 8, f->s_data, pc32, -4);
	eb_rela(b, f->text, 24, f->s_ext, abs64, 0);
	eb_rela(b, f->data, 0, f->s_main, abs64, 0);
	eb_rela(b, f->data, 8, f->s_sect, abs64, 4);
	return b;
}

static void finish(struct fx *f, struct eb *b)
{
	f->obj = eb_build(b, &f->size);
	f->rtext = eb_rela_index(b, f->text);
	f->rdata = eb_rela_index(b, f->data);
	f->symtab = eb_symtab(b);
	f->strtab = eb_strtab(b);
	f->shstrtab = eb_shstrtab(b);
	f->shnum = eb_shnum(b);
	eb_free(b);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	finish(f, base_builder(f, XS_EM_X86_64));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	free(f->obj);
	free(f);
	return 0;
}

static xs_status parse(struct fx *f)
{
	return xs_object_parse(&f->o, f->obj, f->size, 0, &f->d);
}

/* Parse and check status, d.section and d.symbol; print the message on mismatch. */
#define EXPECT(f, st, sec, sym) expect_(f, st, sec, sym, __FILE__, __LINE__)
static void expect_(struct fx *f, xs_status st, uint32_t sec, uint32_t sym, const char *file,
		    int line)
{
	xs_status got = parse(f);
	if (got != st || f->d.status != st || f->d.section != sec || f->d.symbol != sym ||
	    !f->d.msg[0]) {
		print_error("%s:%d: got %s (diag %s, section %u, symbol %u): \"%s\"; expected %s "
			    "section %u symbol %u\n",
			    file, line, xs_status_name(got), xs_status_name(f->d.status),
			    f->d.section, f->d.symbol, f->d.msg, xs_status_name(st), sec, sym);
		fail();
	}
	/* A failed parse leaves an empty object. */
	assert_int_equal(xs_object_section_count(&f->o), 0);
	assert_int_equal(xs_object_symbol_count(&f->o), 0);
}

#define NONE XS_DIAG_NONE

static struct xs_elf64_ehdr ehdr(struct fx *f)
{
	struct xs_elf64_ehdr e;
	eb_get_ehdr(f->obj, &e);
	return e;
}

static struct xs_elf64_shdr shdr(struct fx *f, uint32_t i)
{
	struct xs_elf64_shdr s;
	eb_get_shdr(f->obj, i, &s);
	return s;
}

static struct xs_elf64_sym sym(struct fx *f, uint32_t j)
{
	struct xs_elf64_sym s;
	eb_get_sym(f->obj, f->symtab, j, &s);
	return s;
}

static struct xs_elf64_rela rela(struct fx *f, uint32_t sec, uint64_t j)
{
	struct xs_elf64_rela r;
	eb_get_rela(f->obj, sec, j, &r);
	return r;
}

#define SET_EHDR(f, field, v)                                                                      \
	do {                                                                                       \
		struct xs_elf64_ehdr e_ = ehdr(f);                                                 \
		e_.field = (v);                                                                    \
		eb_put_ehdr((f)->obj, &e_);                                                        \
	} while (0)
#define SET_SHDR(f, i, field, v)                                                                   \
	do {                                                                                       \
		struct xs_elf64_shdr s_ = shdr(f, i);                                              \
		s_.field = (v);                                                                    \
		eb_put_shdr((f)->obj, i, &s_);                                                     \
	} while (0)
#define SET_SYM(f, j, field, v)                                                                    \
	do {                                                                                       \
		struct xs_elf64_sym y_ = sym(f, j);                                                \
		y_.field = (v);                                                                    \
		eb_put_sym((f)->obj, (f)->symtab, j, &y_);                                         \
	} while (0)
#define SET_RELA(f, sec, j, field, v)                                                              \
	do {                                                                                       \
		struct xs_elf64_rela r_ = rela(f, sec, j);                                         \
		r_.field = (v);                                                                    \
		eb_put_rela((f)->obj, sec, j, &r_);                                                \
	} while (0)
#define R_INFO(s, t) (((uint64_t)(s) << 32) | (uint32_t)(t))

/* ---- valid objects and accessors ------------------------------------------------------ */

static void test_valid(void **state)
{
	struct fx *f = *state;
	assert_int_equal(parse(f), XS_OK);
	assert_int_equal(xs_object_parse(&f->o, f->obj, f->size, XS_EM_X86_64, &f->d), XS_OK);
	const struct xs_object *o = &f->o;
	assert_int_equal(xs_object_section_count(o), f->shnum);
	assert_int_equal(xs_object_symbol_count(o), 10);
	assert_int_equal(o->nrelocs, 5);

	struct xs_section s;
	xs_object_section(o, f->text, &s);
	assert_string_equal(s.name, ".text");
	assert_int_equal(s.type, XS_SHT_PROGBITS);
	assert_int_equal(s.size, 32);
	assert_int_equal(s.align, 16);
	const uint8_t *p = xs_object_section_data(o, f->text);
	assert_non_null(p);
	assert_int_equal(p[0], 0x90);
	assert_null(xs_object_section_data(o, f->bss));
	assert_null(xs_object_section_data(o, 0));
	assert_memory_equal(xs_object_section_data(o, f->data), "0123456789abcdef", 16);
	xs_object_section(o, f->bss, &s);
	assert_string_equal(s.name, ".bss");
	assert_int_equal(s.type, XS_SHT_NOBITS);
	assert_int_equal(s.size, 64);
	xs_object_section(o, f->rtext, &s);
	assert_string_equal(s.name, ".rela.text");
	assert_int_equal(s.info, f->text);
	assert_int_equal(s.link, f->symtab);
	xs_object_section(o, 0, &s);
	assert_string_equal(s.name, "");
	xs_object_section(o, f->shnum, &s); /* out of range: empty, not a crash */
	assert_string_equal(s.name, "");

	assert_int_equal(xs_object_find_section(o, ".text.foo"), f->textfoo);
	assert_int_equal(xs_object_find_section(o, ".symtab"), f->symtab);
	assert_int_equal(xs_object_find_section(o, ".nope"), 0);
	assert_int_equal(xs_object_find_section(o, ".tex"), 0);

	struct xs_symbol y;
	xs_object_symbol(o, 0, &y);
	assert_string_equal(y.name, "");
	assert_int_equal(y.section, 0);
	xs_object_symbol(o, f->s_main, &y);
	assert_string_equal(y.name, "main");
	assert_int_equal(y.value, 16);
	assert_int_equal(y.size, 16);
	assert_int_equal(y.section, f->text);
	assert_int_equal(y.shndx, f->text);
	assert_int_equal(y.bind, XS_STB_GLOBAL);
	assert_int_equal(y.type, XS_STT_FUNC);
	xs_object_symbol(o, f->s_foo, &y);
	assert_int_equal(y.bind, XS_STB_WEAK);
	assert_int_equal(y.section, f->textfoo);
	xs_object_symbol(o, f->s_ext, &y);
	assert_string_equal(y.name, "ext");
	assert_int_equal(y.section, 0);
	assert_int_equal(y.shndx, XS_SHN_UNDEF);
	xs_object_symbol(o, f->s_abs, &y);
	assert_int_equal(y.section, 0);
	assert_int_equal(y.shndx, XS_SHN_ABS);
	assert_int_equal(y.value, 0x1234);
	xs_object_symbol(o, f->s_bss, &y);
	assert_int_equal(y.section, f->bss);

	assert_int_equal(xs_object_rela_count(o, f->rtext), 3);
	assert_int_equal(xs_object_rela_count(o, f->rdata), 2);
	assert_int_equal(xs_object_rela_count(o, f->text), 0);
	assert_int_equal(xs_object_rela_count(o, 0), 0);
	assert_int_equal(xs_object_rela_count(o, 99999), 0);
	struct xs_rela r;
	xs_object_rela(o, f->rtext, 0, &r);
	assert_int_equal(r.offset, 1);
	assert_int_equal(r.type, R_X86_64_PLT32);
	assert_int_equal(r.sym, f->s_ext);
	assert_int_equal(r.addend, -4);
	xs_object_rela(o, f->rdata, 1, &r);
	assert_int_equal(r.offset, 8);
	assert_int_equal(r.type, R_X86_64_64);
	assert_int_equal(r.sym, f->s_sect);
	assert_int_equal(r.addend, 4);
	xs_object_rela(o, f->rdata, 2, &r); /* out of range: zeros */
	assert_int_equal(r.type, 0);
	assert_int_equal(r.sym, 0);
}

static void test_valid_aarch64(void **state)
{
	(void)state;
	struct fx f = {0};
	finish(&f, base_builder(&f, XS_EM_AARCH64));
	assert_int_equal(xs_object_parse(&f.o, f.obj, f.size, 0, &f.d), XS_OK);
	assert_int_equal(xs_object_parse(&f.o, f.obj, f.size, XS_EM_AARCH64, &f.d), XS_OK);
	assert_int_equal(f.o.nrelocs, 5);
	struct xs_rela r;
	xs_object_rela(&f.o, f.rtext, 0, &r);
	assert_int_equal(r.type, R_AARCH64_CALL26);
	/* The same object is not an x86_64 one. */
	assert_int_equal(xs_object_parse(&f.o, f.obj, f.size, XS_EM_X86_64, &f.d),
			 XS_E_BAD_MACHINE);
	assert_int_equal(f.d.offset, 18);
	free(f.obj);
}

static void test_null_diag(void **state)
{
	struct fx *f = *state;
	assert_int_equal(xs_object_parse(&f->o, f->obj, f->size, 0, NULL), XS_OK);
	assert_int_equal(xs_object_parse(&f->o, f->obj, 10, 0, NULL), XS_E_TRUNCATED);
	assert_int_equal(xs_object_parse(NULL, f->obj, f->size, 0, &f->d), XS_E_INVALID_ARG);
	assert_int_equal(xs_object_parse(&f->o, NULL, 100, 0, &f->d), XS_E_INVALID_ARG);
	assert_int_equal(xs_object_parse(&f->o, NULL, 0, 0, &f->d), XS_E_TRUNCATED);
}

static void test_xindex(void **state)
{
	(void)state;
	struct fx f = {0};
	struct eb *b = base_builder(&f, XS_EM_X86_64);
	eb_set_xindex(b, true);
	f.obj = eb_build(b, &f.size);
	uint32_t shndx = eb_symtab_shndx(b);
	f.symtab = eb_symtab(b);
	eb_free(b);
	assert_true(shndx != 0);
	assert_int_equal(xs_object_parse(&f.o, f.obj, f.size, 0, &f.d), XS_OK);
	struct xs_symbol y;
	xs_object_symbol(&f.o, f.s_main, &y);
	assert_int_equal(y.shndx, XS_SHN_XINDEX);
	assert_int_equal(y.section, f.text);
	xs_object_symbol(&f.o, f.s_bss, &y);
	assert_int_equal(y.section, f.bss);
	xs_object_symbol(&f.o, f.s_abs, &y);
	assert_int_equal(y.section, 0);

	/* Extended index 0 / out of range. */
	uint8_t *x = eb_data(f.obj, shndx);
	uint32_t v = 0;
	memcpy(x + 4 * f.s_main, &v, 4);
	assert_int_equal(xs_object_parse(&f.o, f.obj, f.size, 0, &f.d), XS_E_BAD_SECTION_INDEX);
	assert_int_equal(f.d.symbol, f.s_main);
	assert_int_equal(f.d.section, f.symtab);
	v = 100000;
	memcpy(x + 4 * f.s_main, &v, 4);
	assert_int_equal(xs_object_parse(&f.o, f.obj, f.size, 0, &f.d), XS_E_BAD_SECTION_INDEX);
	v = f.text;
	memcpy(x + 4 * f.s_main, &v, 4);
	assert_int_equal(xs_object_parse(&f.o, f.obj, f.size, 0, &f.d), XS_OK);

	/* The table must link to the symtab and hold one word per symbol. */
	struct xs_elf64_shdr s;
	eb_get_shdr(f.obj, shndx, &s);
	s.sh_link = f.symtab + 1;
	eb_put_shdr(f.obj, shndx, &s);
	assert_int_equal(xs_object_parse(&f.o, f.obj, f.size, 0, &f.d), XS_E_BAD_SECTION);
	assert_int_equal(f.d.section, shndx);
	s.sh_link = f.symtab;
	s.sh_size -= 4;
	eb_put_shdr(f.obj, shndx, &s);
	assert_int_equal(xs_object_parse(&f.o, f.obj, f.size, 0, &f.d), XS_E_BAD_SECTION);
	s.sh_size += 4;
	s.sh_entsize = 8;
	eb_put_shdr(f.obj, shndx, &s);
	assert_int_equal(xs_object_parse(&f.o, f.obj, f.size, 0, &f.d), XS_E_BAD_ENTSIZE);
	s.sh_entsize = 4;
	s.sh_type = XS_SHT_PROGBITS; /* SHN_XINDEX without a table */
	eb_put_shdr(f.obj, shndx, &s);
	assert_int_equal(xs_object_parse(&f.o, f.obj, f.size, 0, &f.d), XS_E_BAD_SYMBOL);
	assert_int_equal(f.d.symbol, f.s_sect);
	free(f.obj);
}

static void test_ext_numbering(void **state)
{
	(void)state;
	struct fx f = {0};
	struct eb *b = base_builder(&f, XS_EM_X86_64);
	eb_set_ext_numbering(b, true);
	finish(&f, b);
	struct xs_elf64_ehdr e = ehdr(&f);
	assert_int_equal(e.e_shnum, 0);
	assert_int_equal(e.e_shstrndx, XS_SHN_XINDEX);
	assert_int_equal(xs_object_parse(&f.o, f.obj, f.size, 0, &f.d), XS_OK);
	assert_int_equal(xs_object_section_count(&f.o), f.shnum);
	assert_int_equal(xs_object_find_section(&f.o, ".shstrtab"), f.shstrtab);

	/* Count 0 in section 0 too: no sections at all. */
	SET_SHDR(&f, 0, sh_size, 0);
	EXPECT(&f, XS_E_BAD_HEADER, NONE, NONE);
	/* A count above the limit. */
	SET_SHDR(&f, 0, sh_size, (uint64_t)XS_MAX_SECTIONS + 1);
	EXPECT(&f, XS_E_TOO_MANY, NONE, NONE);
	/* A count that does not fit the file. */
	SET_SHDR(&f, 0, sh_size, f.shnum + 1);
	EXPECT(&f, XS_E_SECTION_OUT_OF_FILE, NONE, NONE);
	SET_SHDR(&f, 0, sh_size, f.shnum);
	/* e_shstrndx through sh_link. */
	SET_SHDR(&f, 0, sh_link, f.shnum);
	EXPECT(&f, XS_E_BAD_SECTION_INDEX, NONE, NONE);
	SET_SHDR(&f, 0, sh_link, 0);
	EXPECT(&f, XS_E_BAD_SECTION_INDEX, NONE, NONE);
	SET_SHDR(&f, 0, sh_link, f.text);
	EXPECT(&f, XS_E_BAD_SECTION, f.text, NONE);
	free(f.obj);
}

/* More than 0xff00 sections: extended numbering and SHN_XINDEX for real. */
static void test_many_sections(void **state)
{
	(void)state;
	struct eb *b = eb_new(XS_EM_X86_64);
	uint32_t last = 0;
	for (int i = 0; i < 0xff10; i++)
		last = eb_section(b, ".s", XS_SHT_PROGBITS, XS_SHF_ALLOC, NULL, 4, 1);
	uint32_t s = eb_symbol(b, "x", XS_STB_GLOBAL, XS_STT_OBJECT, last, 0, 4);
	eb_rela(b, last, 0, s, R_X86_64_32, 0);
	size_t size;
	uint8_t *obj = eb_build(b, &size);
	uint32_t shnum = eb_shnum(b);
	eb_free(b);
	struct xs_object o;
	struct xs_diag d;
	assert_int_equal(xs_object_parse(&o, obj, size, XS_EM_X86_64, &d), XS_OK);
	assert_int_equal(xs_object_section_count(&o), shnum);
	struct xs_symbol y;
	xs_object_symbol(&o, s, &y);
	assert_int_equal(y.shndx, XS_SHN_XINDEX);
	assert_int_equal(y.section, last);
	assert_int_equal(o.nrelocs, 1);
	free(obj);
}

/* ---- ELF header ----------------------------------------------------------------------- */

static void test_truncated_header(void **state)
{
	struct fx *f = *state;
	f->size = 63;
	EXPECT(f, XS_E_TRUNCATED, NONE, NONE);
}

static void test_bad_magic(void **state)
{
	struct fx *f = *state;
	f->obj[1] = 'e';
	EXPECT(f, XS_E_BAD_MAGIC, NONE, NONE);
	assert_int_equal(f->d.offset, 0);
}

static void test_bad_class(void **state)
{
	struct fx *f = *state;
	f->obj[XS_EI_CLASS] = 1;
	EXPECT(f, XS_E_BAD_CLASS, NONE, NONE);
	assert_int_equal(f->d.offset, XS_EI_CLASS);
}

static void test_bad_data(void **state)
{
	struct fx *f = *state;
	f->obj[XS_EI_DATA] = 2;
	EXPECT(f, XS_E_BAD_DATA, NONE, NONE);
}

static void test_bad_version(void **state)
{
	struct fx *f = *state;
	f->obj[XS_EI_VERSION] = 2;
	EXPECT(f, XS_E_BAD_VERSION, NONE, NONE);
	f->obj[XS_EI_VERSION] = 1;
	SET_EHDR(f, e_version, 0);
	EXPECT(f, XS_E_BAD_VERSION, NONE, NONE);
}

static void test_bad_osabi(void **state)
{
	struct fx *f = *state;
	f->obj[7] = 3; /* GNU: accepted */
	assert_int_equal(parse(f), XS_OK);
	f->obj[7] = 97; /* ARM */
	EXPECT(f, XS_E_BAD_HEADER, NONE, NONE);
	f->obj[7] = 0;
	f->obj[8] = 1;
	EXPECT(f, XS_E_BAD_HEADER, NONE, NONE);
}

static void test_bad_type(void **state)
{
	struct fx *f = *state;
	SET_EHDR(f, e_type, XS_ET_EXEC);
	EXPECT(f, XS_E_BAD_TYPE, NONE, NONE);
	assert_non_null(strstr(f->d.msg, "ET_EXEC"));
	SET_EHDR(f, e_type, XS_ET_DYN);
	EXPECT(f, XS_E_BAD_TYPE, NONE, NONE);
}

static void test_bad_machine(void **state)
{
	struct fx *f = *state;
	SET_EHDR(f, e_machine, 3); /* EM_386 */
	EXPECT(f, XS_E_BAD_MACHINE, NONE, NONE);
	SET_EHDR(f, e_machine, XS_EM_X86_64);
	assert_int_equal(xs_object_parse(&f->o, f->obj, f->size, XS_EM_AARCH64, &f->d),
			 XS_E_BAD_MACHINE);
	assert_non_null(strstr(f->d.msg, "x86_64"));
}

static void test_bad_ehsize(void **state)
{
	struct fx *f = *state;
	SET_EHDR(f, e_ehsize, 52);
	EXPECT(f, XS_E_BAD_HEADER, NONE, NONE);
}

static void test_phnum(void **state)
{
	struct fx *f = *state;
	SET_EHDR(f, e_phnum, 1);
	EXPECT(f, XS_E_BAD_HEADER, NONE, NONE);
}

static void test_bad_shentsize(void **state)
{
	struct fx *f = *state;
	SET_EHDR(f, e_shentsize, 40);
	EXPECT(f, XS_E_BAD_HEADER, NONE, NONE);
}

static void test_shoff(void **state)
{
	struct fx *f = *state;
	uint64_t good = ehdr(f).e_shoff;
	SET_EHDR(f, e_shoff, 0);
	EXPECT(f, XS_E_BAD_HEADER, NONE, NONE);
	SET_EHDR(f, e_shoff, 32);
	EXPECT(f, XS_E_BAD_HEADER, NONE, NONE);
	SET_EHDR(f, e_shoff, UINT64_MAX - 10);
	EXPECT(f, XS_E_WRAP, NONE, NONE);
	SET_EHDR(f, e_shoff, f->size - 63);
	EXPECT(f, XS_E_SECTION_OUT_OF_FILE, NONE, NONE);
	/* Section 0 fits but the rest of the table does not. */
	SET_EHDR(f, e_shoff, good + 64);
	EXPECT(f, XS_E_SECTION_OUT_OF_FILE, NONE, NONE);
	SET_EHDR(f, e_shoff, good);
	SET_EHDR(f, e_shnum, f->shnum + 1);
	EXPECT(f, XS_E_SECTION_OUT_OF_FILE, NONE, NONE);
	assert_int_equal(f->d.offset, good);
}

static void test_section0_not_null(void **state)
{
	struct fx *f = *state;
	SET_SHDR(f, 0, sh_type, XS_SHT_PROGBITS);
	EXPECT(f, XS_E_BAD_SECTION, NONE, NONE);
}

static void test_shstrndx(void **state)
{
	struct fx *f = *state;
	SET_EHDR(f, e_shstrndx, 0);
	EXPECT(f, XS_E_BAD_SECTION_INDEX, NONE, NONE);
	SET_EHDR(f, e_shstrndx, f->shnum);
	EXPECT(f, XS_E_BAD_SECTION_INDEX, NONE, NONE);
	SET_EHDR(f, e_shstrndx, 0xff05);
	EXPECT(f, XS_E_BAD_SECTION_INDEX, NONE, NONE);
	/* Not a string table. */
	SET_EHDR(f, e_shstrndx, f->text);
	EXPECT(f, XS_E_BAD_SECTION, f->text, NONE);
	SET_EHDR(f, e_shstrndx, f->bss);
	EXPECT(f, XS_E_BAD_SECTION, f->bss, NONE);
}

static void test_shstrtab_bad(void **state)
{
	struct fx *f = *state;
	struct xs_elf64_shdr s = shdr(f, f->shstrtab);
	f->obj[s.sh_offset + s.sh_size - 1] = 'x';
	EXPECT(f, XS_E_STRTAB, f->shstrtab, NONE);
	f->obj[s.sh_offset + s.sh_size - 1] = 0;
	SET_SHDR(f, f->shstrtab, sh_size, 0);
	EXPECT(f, XS_E_STRTAB, f->shstrtab, NONE);
	SET_SHDR(f, f->shstrtab, sh_size, f->size);
	EXPECT(f, XS_E_SECTION_OUT_OF_FILE, f->shstrtab, NONE);
}

/* ---- sections ------------------------------------------------------------------------- */

static void test_section_wrap(void **state)
{
	struct fx *f = *state;
	SET_SHDR(f, f->data, sh_offset, 0xfffffffffffffff0ull);
	SET_SHDR(f, f->data, sh_size, 0x20);
	EXPECT(f, XS_E_WRAP, f->data, NONE);
	assert_non_null(strstr(f->d.msg, ".data"));
	assert_string_equal(f->d.section_name, ".data");
}

static void test_section_out_of_file(void **state)
{
	struct fx *f = *state;
	struct xs_elf64_shdr s = shdr(f, f->data);
	SET_SHDR(f, f->data, sh_size, f->size - s.sh_offset + 1);
	EXPECT(f, XS_E_SECTION_OUT_OF_FILE, f->data, NONE);
	assert_int_equal(f->d.offset, s.sh_offset);
	/* Exactly to the end of the file is fine for the range check. */
	SET_SHDR(f, f->data, sh_size, f->size - s.sh_offset);
	assert_int_not_equal(parse(f), XS_E_SECTION_OUT_OF_FILE);
	SET_SHDR(f, f->data, sh_size, 16);
	SET_SHDR(f, f->data, sh_offset, f->size);
	EXPECT(f, XS_E_SECTION_OUT_OF_FILE, f->data, NONE);
	/* NOBITS data is not in the file: any size below the cap is fine. */
	SET_SHDR(f, f->data, sh_offset, s.sh_offset);
	SET_SHDR(f, f->bss, sh_size, 1ull << 40);
	assert_int_equal(parse(f), XS_OK);
	SET_SHDR(f, f->bss, sh_size, 1ull << 48);
	EXPECT(f, XS_E_BAD_SECTION, f->bss, NONE);
}

static void test_section_over_header(void **state)
{
	struct fx *f = *state;
	SET_SHDR(f, f->data, sh_offset, 8);
	EXPECT(f, XS_E_BAD_SECTION, f->data, NONE);
}

static void test_section_name(void **state)
{
	struct fx *f = *state;
	struct xs_elf64_shdr s = shdr(f, f->shstrtab);
	SET_SHDR(f, f->text, sh_name, (uint32_t)s.sh_size);
	EXPECT(f, XS_E_BAD_STRING, f->text, NONE);
	SET_SHDR(f, f->text, sh_name, (uint32_t)s.sh_size - 1); /* the final NUL: "" */
	assert_int_equal(parse(f), XS_OK);
}

static void test_align(void **state)
{
	struct fx *f = *state;
	SET_SHDR(f, f->text, sh_addralign, 24);
	EXPECT(f, XS_E_BAD_ALIGN, f->text, NONE);
	SET_SHDR(f, f->text, sh_addralign, 1ull << 40);
	EXPECT(f, XS_E_BAD_ALIGN, f->text, NONE);
	SET_SHDR(f, f->text, sh_addralign, 1ull << 30);
	assert_int_equal(parse(f), XS_OK);
	SET_SHDR(f, f->text, sh_addralign, 0);
	assert_int_equal(parse(f), XS_OK);
}

static void test_rel_unsupported(void **state)
{
	struct fx *f = *state;
	SET_SHDR(f, f->rtext, sh_type, XS_SHT_REL);
	EXPECT(f, XS_E_REL_UNSUPPORTED, f->rtext, NONE);
}

static void test_strtab(void **state)
{
	struct fx *f = *state;
	struct xs_elf64_shdr s = shdr(f, f->strtab);
	f->obj[s.sh_offset + s.sh_size - 1] = 'x';
	EXPECT(f, XS_E_STRTAB, f->strtab, NONE);
	f->obj[s.sh_offset + s.sh_size - 1] = 0;
	f->obj[s.sh_offset] = 'x';
	EXPECT(f, XS_E_STRTAB, f->strtab, NONE);
	f->obj[s.sh_offset] = 0;
	SET_SHDR(f, f->strtab, sh_size, 0);
	EXPECT(f, XS_E_STRTAB, f->strtab, NONE);
}

/* ---- symbol table --------------------------------------------------------------------- */

static void test_no_symtab(void **state)
{
	struct fx *f = *state;
	SET_SHDR(f, f->symtab, sh_type, XS_SHT_PROGBITS);
	EXPECT(f, XS_E_NO_SYMTAB, f->group, NONE); /* the first section needing one */
	SET_SHDR(f, f->group, sh_type, XS_SHT_PROGBITS);
	EXPECT(f, XS_E_NO_SYMTAB, f->rtext, NONE);
}

/* No symbol table and nothing that needs one (an empty, stripped unit): fine. */
static void test_no_symtab_ok(void **state)
{
	(void)state;
	struct eb *b = eb_new(XS_EM_X86_64);
	uint32_t text = eb_text(b, ".text", 0);
	size_t size;
	uint8_t *obj = eb_build(b, &size);
	uint32_t symtab = eb_symtab(b);
	eb_free(b);
	struct xs_elf64_shdr s;
	eb_get_shdr(obj, symtab, &s);
	s.sh_type = XS_SHT_PROGBITS;
	eb_put_shdr(obj, symtab, &s);
	struct xs_object o;
	struct xs_diag d;
	assert_int_equal(xs_object_parse(&o, obj, size, 0, &d), XS_OK);
	assert_int_equal(xs_object_symbol_count(&o), 0);
	assert_int_equal(xs_object_find_section(&o, ".text"), text);
	struct xs_symbol y;
	xs_object_symbol(&o, 0, &y);
	assert_string_equal(y.name, "");
	free(obj);
}

static void test_multiple_symtab(void **state)
{
	struct fx *f = *state;
	SET_SHDR(f, f->bss, sh_type, XS_SHT_SYMTAB);
	EXPECT(f, XS_E_MULTIPLE_SYMTAB, f->symtab, NONE);
}

static void test_symtab_entsize(void **state)
{
	struct fx *f = *state;
	SET_SHDR(f, f->symtab, sh_entsize, 16);
	EXPECT(f, XS_E_BAD_ENTSIZE, f->symtab, NONE);
	SET_SHDR(f, f->symtab, sh_entsize, 24);
	struct xs_elf64_shdr s = shdr(f, f->symtab);
	SET_SHDR(f, f->symtab, sh_size, s.sh_size - 1);
	EXPECT(f, XS_E_BAD_ENTSIZE, f->symtab, NONE);
	SET_SHDR(f, f->symtab, sh_size, 0);
	EXPECT(f, XS_E_BAD_SECTION, f->symtab, NONE);
}

static void test_symtab_link(void **state)
{
	struct fx *f = *state;
	SET_SHDR(f, f->symtab, sh_link, f->shnum);
	EXPECT(f, XS_E_BAD_SECTION_INDEX, f->symtab, NONE);
	SET_SHDR(f, f->symtab, sh_link, 0);
	EXPECT(f, XS_E_BAD_SECTION_INDEX, f->symtab, NONE);
	SET_SHDR(f, f->symtab, sh_link, f->text);
	EXPECT(f, XS_E_BAD_SECTION, f->symtab, NONE);
	/* The section-name table also works as a symbol string table. */
	SET_SHDR(f, f->symtab, sh_link, f->shstrtab);
	assert_int_not_equal(parse(f), XS_E_BAD_SECTION);
}

static void test_symtab_info(void **state)
{
	struct fx *f = *state;
	SET_SHDR(f, f->symtab, sh_info, 11);
	EXPECT(f, XS_E_BAD_SECTION, f->symtab, NONE);
	SET_SHDR(f, f->symtab, sh_info, 10);
	assert_int_equal(parse(f), XS_OK);
}

/* ---- symbols -------------------------------------------------------------------------- */

static void test_sym_null(void **state)
{
	struct fx *f = *state;
	SET_SYM(f, 0, st_value, 1);
	EXPECT(f, XS_E_BAD_SYMBOL, f->symtab, 0);
}

static void test_sym_name(void **state)
{
	struct fx *f = *state;
	struct xs_elf64_shdr s = shdr(f, f->strtab);
	SET_SYM(f, f->s_main, st_name, (uint32_t)s.sh_size);
	EXPECT(f, XS_E_BAD_STRING, f->symtab, f->s_main);
	assert_int_equal(f->d.offset, 24 * f->s_main);
	SET_SYM(f, f->s_main, st_name, 0xffffffffu);
	EXPECT(f, XS_E_BAD_STRING, f->symtab, f->s_main);
}

static void test_sym_common(void **state)
{
	struct fx *f = *state;
	SET_SYM(f, f->s_data, st_shndx, XS_SHN_COMMON);
	EXPECT(f, XS_E_COMMON, f->symtab, f->s_data);
	assert_string_equal(f->d.symbol_name, "data_obj");
	assert_non_null(strstr(f->d.msg, "data_obj"));
	assert_non_null(strstr(f->d.msg, "-fno-common"));
}

static void test_sym_shndx(void **state)
{
	struct fx *f = *state;
	SET_SYM(f, f->s_data, st_shndx, 0xff01);
	EXPECT(f, XS_E_BAD_SYMBOL, f->symtab, f->s_data);
	SET_SYM(f, f->s_data, st_shndx, (uint16_t)f->shnum);
	EXPECT(f, XS_E_BAD_SECTION_INDEX, f->symtab, f->s_data);
	SET_SYM(f, f->s_data, st_shndx, XS_SHN_XINDEX); /* no SHT_SYMTAB_SHNDX */
	EXPECT(f, XS_E_BAD_SYMBOL, f->symtab, f->s_data);
}

static void test_sym_bind_type(void **state)
{
	struct fx *f = *state;
	struct xs_elf64_sym y = sym(f, f->s_main);
	SET_SYM(f, f->s_main, st_info, (uint8_t)((3 << 4) | XS_STT_FUNC));
	EXPECT(f, XS_E_BAD_SYMBOL, f->symtab, f->s_main);
	SET_SYM(f, f->s_main, st_info, (uint8_t)((XS_STB_GNU_UNIQUE << 4) | XS_STT_OBJECT));
	assert_int_equal(parse(f), XS_OK);
	SET_SYM(f, f->s_main, st_info, (uint8_t)((XS_STB_GLOBAL << 4) | XS_STT_GNU_IFUNC));
	assert_int_equal(parse(f), XS_OK);
	SET_SYM(f, f->s_main, st_info, (uint8_t)((XS_STB_GLOBAL << 4) | 7));
	EXPECT(f, XS_E_BAD_SYMBOL, f->symtab, f->s_main);
	SET_SYM(f, f->s_main, st_info, y.st_info);
	assert_int_equal(parse(f), XS_OK);
}

static void test_sym_value(void **state)
{
	struct fx *f = *state;
	/* .text is 32 bytes: main at 16 size 16 ends exactly at the end. */
	SET_SYM(f, f->s_main, st_size, 17);
	EXPECT(f, XS_E_SYMBOL_OUT_OF_SECTION, f->symtab, f->s_main);
	assert_string_equal(f->d.symbol_name, "main");
	SET_SYM(f, f->s_main, st_size, 16);
	SET_SYM(f, f->s_main, st_value, 33);
	SET_SYM(f, f->s_main, st_size, 0);
	EXPECT(f, XS_E_SYMBOL_OUT_OF_SECTION, f->symtab, f->s_main);
	SET_SYM(f, f->s_main, st_value, 32); /* one past the end: an end marker */
	assert_int_equal(parse(f), XS_OK);
	SET_SYM(f, f->s_main, st_value, 16);
	SET_SYM(f, f->s_main, st_size, UINT64_MAX - 8);
	EXPECT(f, XS_E_WRAP, f->symtab, f->s_main);
	SET_SYM(f, f->s_main, st_size, 16);
	/* A section symbol's value too. */
	SET_SYM(f, f->s_sect, st_value, 100);
	EXPECT(f, XS_E_SYMBOL_OUT_OF_SECTION, f->symtab, f->s_sect);
	SET_SYM(f, f->s_sect, st_value, 0);
	/* NOBITS sections have a size too. */
	SET_SYM(f, f->s_bss, st_value, 60);
	EXPECT(f, XS_E_SYMBOL_OUT_OF_SECTION, f->symtab, f->s_bss);
	/* Absolute and undefined symbols may hold any value. */
	SET_SYM(f, f->s_bss, st_value, 8);
	SET_SYM(f, f->s_abs, st_value, UINT64_MAX);
	SET_SYM(f, f->s_abs, st_size, UINT64_MAX);
	assert_int_equal(parse(f), XS_OK);
}

/* ---- relocations ---------------------------------------------------------------------- */

static void test_rela_entsize(void **state)
{
	struct fx *f = *state;
	SET_SHDR(f, f->rtext, sh_entsize, 16);
	EXPECT(f, XS_E_BAD_ENTSIZE, f->rtext, NONE);
	SET_SHDR(f, f->rtext, sh_entsize, 24);
	SET_SHDR(f, f->rtext, sh_size, 50);
	EXPECT(f, XS_E_BAD_ENTSIZE, f->rtext, NONE);
}

static void test_rela_wrong_symtab(void **state)
{
	struct fx *f = *state;
	SET_SHDR(f, f->rtext, sh_link, f->strtab);
	EXPECT(f, XS_E_RELOC_WRONG_SYMTAB, f->rtext, NONE);
	SET_SHDR(f, f->rtext, sh_link, 0);
	EXPECT(f, XS_E_RELOC_WRONG_SYMTAB, f->rtext, NONE);
}

static void test_rela_target(void **state)
{
	struct fx *f = *state;
	SET_SHDR(f, f->rtext, sh_info, 0);
	EXPECT(f, XS_E_BAD_SECTION_INDEX, f->rtext, NONE);
	SET_SHDR(f, f->rtext, sh_info, f->shnum);
	EXPECT(f, XS_E_BAD_SECTION_INDEX, f->rtext, NONE);
	SET_SHDR(f, f->rtext, sh_info, f->symtab);
	EXPECT(f, XS_E_BAD_RELOC_SECTION, f->rtext, NONE);
	SET_SHDR(f, f->rtext, sh_info, f->strtab);
	EXPECT(f, XS_E_BAD_RELOC_SECTION, f->rtext, NONE);
	SET_SHDR(f, f->rtext, sh_info, f->rdata);
	EXPECT(f, XS_E_BAD_RELOC_SECTION, f->rtext, NONE);
	SET_SHDR(f, f->rtext, sh_info, f->bss);
	EXPECT(f, XS_E_BAD_RELOC_SECTION, f->rtext, NONE);
	SET_SHDR(f, f->rtext, sh_info, f->group);
	EXPECT(f, XS_E_BAD_RELOC_SECTION, f->rtext, NONE);
}

static void test_rela_symbol_index(void **state)
{
	struct fx *f = *state;
	struct xs_elf64_rela r = rela(f, f->rtext, 2);
	SET_RELA(f, f->rtext, 2, r_info, R_INFO(99, R_X86_64_64));
	EXPECT(f, XS_E_BAD_SYMBOL_INDEX, f->rtext, NONE);
	assert_int_equal(f->d.offset, 2 * 24);
	assert_int_equal(f->d.reloc_type, R_X86_64_64);
	assert_string_equal(f->d.msg, "section 6 (.rela.text): relocation 2 at offset 0x18: symbol "
				      "index 99 out of range (0..9)");
	SET_RELA(f, f->rtext, 2, r_info, R_INFO(10, R_X86_64_64));
	EXPECT(f, XS_E_BAD_SYMBOL_INDEX, f->rtext, NONE);
	/* Index 0 (no symbol, S = 0) is accepted. */
	SET_RELA(f, f->rtext, 2, r_info, R_INFO(0, R_X86_64_64));
	assert_int_equal(parse(f), XS_OK);
	(void)r;
}

static void test_rela_unknown_type(void **state)
{
	struct fx *f = *state;
	SET_RELA(f, f->rdata, 1, r_info, R_INFO(f->s_main, 200));
	EXPECT(f, XS_E_UNKNOWN_RELOC, f->rdata, f->s_main);
	assert_int_equal(f->d.reloc_type, 200);
	assert_string_equal(f->d.symbol_name, "main");
	assert_non_null(strstr(f->d.msg, "200"));
	SET_RELA(f, f->rdata, 1, r_info, R_INFO(f->s_main, 0xffffffffu));
	EXPECT(f, XS_E_UNKNOWN_RELOC, f->rdata, f->s_main);
	/* An aarch64 type in an x86_64 object. */
	SET_RELA(f, f->rdata, 1, r_info, R_INFO(f->s_main, R_AARCH64_ABS64));
	EXPECT(f, XS_E_UNKNOWN_RELOC, f->rdata, f->s_main);
}

static void test_rela_offset(void **state)
{
	struct fx *f = *state;
	/* .data is 16 bytes; a 64-bit unit fits at 8, not at 9. */
	SET_RELA(f, f->rdata, 1, r_offset, 9);
	EXPECT(f, XS_E_RELOC_OUT_OF_SECTION, f->rdata, f->s_sect);
	assert_string_equal(f->d.reloc_name, "R_X86_64_64");
	assert_int_equal(f->d.reloc_type, R_X86_64_64);
	assert_int_equal(f->d.offset, 24);
	SET_RELA(f, f->rdata, 1, r_offset, 8);
	assert_int_equal(parse(f), XS_OK);
	SET_RELA(f, f->rdata, 1, r_offset, UINT64_MAX - 3);
	EXPECT(f, XS_E_RELOC_OUT_OF_SECTION, f->rdata, f->s_sect);
	SET_RELA(f, f->rdata, 1, r_offset, UINT64_MAX);
	EXPECT(f, XS_E_RELOC_OUT_OF_SECTION, f->rdata, f->s_sect);
	/* A 4-byte unit fits at 12. */
	SET_RELA(f, f->rdata, 1, r_info, R_INFO(f->s_sect, R_X86_64_PC32));
	SET_RELA(f, f->rdata, 1, r_offset, 12);
	assert_int_equal(parse(f), XS_OK);
	SET_RELA(f, f->rdata, 1, r_offset, 13);
	EXPECT(f, XS_E_RELOC_OUT_OF_SECTION, f->rdata, f->s_sect);
	/* R_*_NONE patches nothing: its offset may be the section's end. */
	SET_RELA(f, f->rdata, 1, r_info, R_INFO(0, R_X86_64_NONE));
	SET_RELA(f, f->rdata, 1, r_offset, 16);
	assert_int_equal(parse(f), XS_OK);
	SET_RELA(f, f->rdata, 1, r_offset, 17);
	EXPECT(f, XS_E_RELOC_OUT_OF_SECTION, f->rdata, 0);
}

/* ---- groups --------------------------------------------------------------------------- */

static void test_group(void **state)
{
	struct fx *f = *state;
	uint8_t *g = eb_data(f->obj, f->group);
	uint32_t w;

	SET_SHDR(f, f->group, sh_entsize, 0);
	EXPECT(f, XS_E_BAD_GROUP, f->group, NONE);
	SET_SHDR(f, f->group, sh_entsize, 4);
	SET_SHDR(f, f->group, sh_size, 6);
	EXPECT(f, XS_E_BAD_GROUP, f->group, NONE);
	SET_SHDR(f, f->group, sh_size, 0);
	EXPECT(f, XS_E_BAD_GROUP, f->group, NONE);
	SET_SHDR(f, f->group, sh_size, 8);
	SET_SHDR(f, f->group, sh_link, f->strtab);
	EXPECT(f, XS_E_BAD_GROUP, f->group, NONE);
	SET_SHDR(f, f->group, sh_link, f->symtab);
	SET_SHDR(f, f->group, sh_info, 10);
	EXPECT(f, XS_E_BAD_GROUP, f->group, NONE);
	SET_SHDR(f, f->group, sh_info, f->s_foo);
	assert_int_equal(parse(f), XS_OK);

	w = 0x4;
	memcpy(g, &w, 4);
	EXPECT(f, XS_E_BAD_GROUP, f->group, NONE);
	assert_int_equal(f->d.offset, 0);
	w = XS_GRP_COMDAT;
	memcpy(g, &w, 4);
	w = 0;
	memcpy(g + 4, &w, 4);
	EXPECT(f, XS_E_BAD_GROUP, f->group, NONE);
	assert_int_equal(f->d.offset, 4);
	w = f->shnum;
	memcpy(g + 4, &w, 4);
	EXPECT(f, XS_E_BAD_GROUP, f->group, NONE);
	w = f->group;
	memcpy(g + 4, &w, 4);
	EXPECT(f, XS_E_BAD_GROUP, f->group, NONE);
	w = f->textfoo;
	memcpy(g + 4, &w, 4);
	assert_int_equal(parse(f), XS_OK);
}

/* ---- robustness ----------------------------------------------------------------------- */

static void test_every_truncation(void **state)
{
	struct fx *f = *state;
	for (size_t n = 0; n < f->size; n++) {
		/* A fresh heap copy of exactly n bytes, so ASan sees any overread. */
		uint8_t *p = malloc(n ? n : 1);
		memcpy(p, f->obj, n);
		struct xs_object o;
		struct xs_diag d;
		xs_status st = xs_object_parse(&o, p, n, 0, &d);
		if (st == XS_OK) {
			print_error("truncation to %zu bytes parsed\n", n);
			fail();
		}
		assert_int_equal(d.status, st);
		assert_true(d.msg[0] != 0);
		free(p);
	}
}

/* Visit everything a parsed object exposes (ASan checks the reads). */
static void walk(const struct xs_object *o)
{
	size_t sum = 0;
	for (uint32_t i = 0; i < xs_object_section_count(o); i++) {
		struct xs_section s;
		xs_object_section(o, i, &s);
		sum += strlen(s.name);
		const uint8_t *p = xs_object_section_data(o, i);
		if (p && s.size)
			sum += p[0] + p[s.size - 1];
		for (uint64_t j = 0; j < xs_object_rela_count(o, i); j++) {
			struct xs_rela r;
			xs_object_rela(o, i, j, &r);
			sum += r.sym;
		}
	}
	for (uint32_t i = 0; i < xs_object_symbol_count(o); i++) {
		struct xs_symbol y;
		xs_object_symbol(o, i, &y);
		sum += strlen(y.name) + y.section;
		assert_true(y.section < xs_object_section_count(o));
	}
	(void)sum;
}

static void test_every_byte_corrupted(void **state)
{
	struct fx *f = *state;
	static const uint8_t vals[] = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
	uint8_t *p = malloc(f->size);
	for (size_t i = 0; i < f->size; i++) {
		for (size_t k = 0; k < sizeof(vals); k++) {
			memcpy(p, f->obj, f->size);
			p[i] = vals[k];
			struct xs_object o;
			struct xs_diag d;
			xs_status st = xs_object_parse(&o, p, f->size, 0, &d);
			if (st == XS_OK)
				walk(&o);
			else
				assert_int_equal(d.status, st);
		}
	}
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_valid),
	    T(test_valid_aarch64),
	    T(test_null_diag),
	    T(test_xindex),
	    T(test_ext_numbering),
	    T(test_many_sections),
	    T(test_truncated_header),
	    T(test_bad_magic),
	    T(test_bad_class),
	    T(test_bad_data),
	    T(test_bad_version),
	    T(test_bad_osabi),
	    T(test_bad_type),
	    T(test_bad_machine),
	    T(test_bad_ehsize),
	    T(test_phnum),
	    T(test_bad_shentsize),
	    T(test_shoff),
	    T(test_section0_not_null),
	    T(test_shstrndx),
	    T(test_shstrtab_bad),
	    T(test_section_wrap),
	    T(test_section_out_of_file),
	    T(test_section_over_header),
	    T(test_section_name),
	    T(test_align),
	    T(test_rel_unsupported),
	    T(test_strtab),
	    T(test_no_symtab),
	    T(test_no_symtab_ok),
	    T(test_multiple_symtab),
	    T(test_symtab_entsize),
	    T(test_symtab_link),
	    T(test_symtab_info),
	    T(test_sym_null),
	    T(test_sym_name),
	    T(test_sym_common),
	    T(test_sym_shndx),
	    T(test_sym_bind_type),
	    T(test_sym_value),
	    T(test_rela_entsize),
	    T(test_rela_wrong_symtab),
	    T(test_rela_target),
	    T(test_rela_symbol_index),
	    T(test_rela_unknown_type),
	    T(test_rela_offset),
	    T(test_group),
	    T(test_every_truncation),
	    T(test_every_byte_corrupted),
#undef T
	};
	return cmocka_run_group_tests_name("object", tests, NULL, NULL);
}
