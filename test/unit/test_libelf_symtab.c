/* SPDX-License-Identifier: MIT */
/*
 * The core's image symbol reader against libelf on Xen's real xen-syms
 * (x86_64 and arm64): every symbol found by name (file#name for statics)
 * and by address, the count of patchable functions as computed
 * independently here, and the site-analysis summary printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gelf.h>
#include <libelf.h>

#include <xsplice/symtab.h>
#include <xsplice/tramp.h>

#include "shared_files.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void check_image(const char *arch, uint16_t want_machine)
{
	char path[8192];
	snprintf(path, sizeof(path), "%s/xen/%s/xen-syms", xs_test_shared_dir(), arch);
	size_t size;
	uint8_t *img = xs_test_slurp(path, &size);

	uint32_t nsyms;
	size_t strbytes;
	struct xs_diag d;
	assert_int_equal(xs_symtab_elf_need(img, size, &nsyms, &strbytes, &d), XS_OK);
	size_t msize = xs_symtab_size(nsyms, strbytes);
	void *mem = aligned_alloc(8, (msize + 7) & ~(size_t)7);
	struct xs_symtab t;
	assert_int_equal(xs_symtab_init(&t, mem, msize, nsyms, strbytes), XS_OK);
	assert_int_equal(xs_symtab_add_elf(&t, img, size, 0, XS_SYMTAB_COPY, &d), XS_OK);
	assert_int_equal(xs_symtab_finish(&t), XS_OK);

	assert_int_equal(elf_version(EV_CURRENT) != EV_NONE, 1);
	Elf *e = elf_memory((char *)img, size);
	assert_non_null(e);
	GElf_Ehdr eh;
	gelf_getehdr(e, &eh);
	assert_int_equal(eh.e_machine, want_machine);
	Elf_Scn *scn = NULL, *symscn = NULL;
	GElf_Shdr sh;
	while ((scn = elf_nextscn(e, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			symscn = scn;
	assert_non_null(symscn);
	gelf_getshdr(symscn, &sh);
	Elf_Data *data = elf_getdata(symscn, NULL);
	size_t n = sh.sh_size / sh.sh_entsize, strndx = sh.sh_link;
	uint64_t *funcs = calloc(n, sizeof(uint64_t));
	size_t nfuncs = 0, expect_count = 0, ambiguous_locals = 0;
	const char *file = NULL;
	for (size_t j = 1; j < n; j++) {
		GElf_Sym s;
		gelf_getsym(data, (int)j, &s);
		const char *name = elf_strptr(e, strndx, s.st_name);
		int type = GELF_ST_TYPE(s.st_info), bind = GELF_ST_BIND(s.st_info);
		if (type == STT_FILE) {
			file = name[0] ? name : NULL;
			continue;
		}
		if (type == STT_SECTION || s.st_shndx == SHN_UNDEF)
			continue;
		expect_count++;
		if (type == STT_FUNC && s.st_size > 0 && s.st_shndx < SHN_LORESERVE) {
			GElf_Shdr ts;
			gelf_getshdr(elf_getscn(e, s.st_shndx), &ts);
			if (ts.sh_flags & SHF_EXECINSTR)
				funcs[nfuncs++] = s.st_value;
		}
		if (type != STT_FUNC && type != STT_OBJECT)
			continue;
		/* by name: file#name for statics, plain for globals */
		char q[512];
		if (bind == STB_LOCAL && file)
			snprintf(q, sizeof(q), "%s#%s", file, name);
		else
			snprintf(q, sizeof(q), "%s", name);
		uint32_t idx, cand[64];
		uint32_t nc = xs_symtab_candidates(&t, q, bind == STB_LOCAL ? 0 : XS_LOOKUP_GLOBAL,
						   cand, 64);
		int hit = 0;
		for (uint32_t c = 0; c < nc && c < 64; c++)
			hit |= xs_symtab_get(&t, cand[c])->value == s.st_value;
		if (!hit)
			fail_msg("%s: %s not found at %#llx", arch, q, (unsigned long long)s.st_value);
		xs_status st = xs_symtab_lookup(&t, q, bind == STB_LOCAL ? 0 : XS_LOOKUP_GLOBAL, &idx, &d);
		if (st == XS_E_AMBIGUOUS_SYMBOL)
			ambiguous_locals++; /* same file#name at two addresses (e.g. __func__.0 in headers) */
		else if (st != XS_OK || xs_symtab_get(&t, idx)->value != s.st_value)
			fail_msg("%s: lookup %s: %s", arch, q, xs_status_name(st));
		/* by address: the last byte is inside a symbol that contains it */
		if (s.st_size) {
			uint64_t off;
			uint64_t a = s.st_value + s.st_size - 1;
			assert_int_equal(xs_symtab_addr(&t, a, &idx, &off), XS_OK);
			const struct xs_sym *x = xs_symtab_get(&t, idx);
			assert_true(x->value <= a && a < x->value + x->size && off == a - x->value);
		}
	}
	assert_int_equal(xs_symtab_count(&t), expect_count);

	/* functions: distinct addresses, counted here from libelf's view */
	qsort(funcs, nfuncs, sizeof(uint64_t), cmp_u64);
	size_t distinct = 0;
	for (size_t k = 0; k < nfuncs; k++)
		distinct += k == 0 || funcs[k] != funcs[k - 1];

	uint32_t nsec;
	assert_int_equal(xs_elf_image_check(img, size, NULL, &nsec, NULL), XS_OK);
	struct xs_image_section *secs = calloc(nsec, sizeof(*secs));
	for (uint32_t k = 0; k < nsec; k++)
		assert_int_equal(xs_elf_image_section(img, size, k, &secs[k]), XS_OK);
	uint32_t count;
	assert_int_equal(xs_site_analyze(want_machine, &t, secs, nsec, NULL, 0, &count, &d), XS_OK);
	assert_int_equal(count, distinct);
	struct xs_site *sites = calloc(count, sizeof(*sites));
	assert_int_equal(xs_site_analyze(want_machine, &t, secs, nsec, sites, count, &count, &d), XS_OK);
	uint64_t min_room = want_machine == 62 ? 5 : 4;
	uint32_t small = 0, entries = 0;
	for (uint32_t k = 0; k < count; k++) {
		small += sites[k].room < min_room;
		entries += sites[k].entry != 0;
		assert_true(sites[k].room + (sites[k].patch_point - sites[k].addr) >= sites[k].size);
		if (k)
			assert_true(sites[k - 1].addr < sites[k].addr);
	}
	print_message("%s: %u symbols, %zu ambiguous file#name, %u functions (%u with a landing pad), "
		      "%u cannot be patched in place\n",
		      arch, xs_symtab_count(&t), ambiguous_locals, count, entries, small);
	free(sites);
	free(secs);
	free(funcs);
	elf_end(e);
	free(mem);
	free(img);
}

static void test_x86_64(void **state)
{
	(void)state;
	check_image("x86_64", 62);
}

static void test_arm64(void **state)
{
	(void)state;
	check_image("arm64", 183);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_64),
		cmocka_unit_test(test_arm64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
