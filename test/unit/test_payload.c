/* SPDX-License-Identifier: MIT */
/*
 * Livepatch payload reader: Xen's own payloads (../shared/xen, x86_64 and
 * arm64), checked against values computed here from the raw ELF by a
 * separate minimal reader (and build-ids as `readelf -n` prints them);
 * malformed variants; and the payload.h macros, compiled into this very
 * executable and read back from /proc/self/exe and from memory.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xsplice/livepatch.h>
#include <xsplice/object.h>
#include <xsplice/payload.h>
#include <xsplice/symtab.h>

#include "xs_elf.h"

/* ---- a patch written with payload.h, linked into this test -------------- */

int xs_test_new_fn(int x);
int xs_test_new_fn(int x)
{
	return x * 7;
}
static int xs_test_new_static(const char *s)
{
	return s[0];
}
static int hook_calls;
static void on_load(void)
{
	hook_calls++;
}
static int pre_apply(void *p)
{
	(void)p;
	return 0;
}
static void post_revert(void *p)
{
	(void)p;
}

XSPLICE_REPLACE(host_parse, xs_test_new_fn);
XSPLICE_REPLACE_SYM("net/dns.c#parse", xs_test_new_static);
XSPLICE_REPLACE_EXPECT("expect_me", xs_test_new_fn, "\xf3\x0f\x1e\xfa\x55");
XSPLICE_NOP(debug_hook, 5);
XSPLICE_HOOK_LOAD(on_load);
XSPLICE_HOOK_UNLOAD(on_load);
XSPLICE_HOOK_PRE_APPLY(pre_apply);
XSPLICE_HOOK_POST_REVERT(post_revert);
XSPLICE_HOST_BUILD_ID("2bb48323ee6867c1ed482c4b623a2f4713c258f5")

/* ---- files --------------------------------------------------------------- */

#include "shared_files.h"

/* ---- the independent raw reader ------------------------------------------ */

static struct xs_elf64_shdr raw_shdr(const uint8_t *f, uint32_t i)
{
	struct xs_elf64_ehdr e;
	struct xs_elf64_shdr s;
	memcpy(&e, f, sizeof(e));
	memcpy(&s, f + e.e_shoff + (uint64_t)i * e.e_shentsize, sizeof(s));
	return s;
}

static uint32_t raw_find(const uint8_t *f, const char *name)
{
	struct xs_elf64_ehdr e;
	memcpy(&e, f, sizeof(e));
	struct xs_elf64_shdr str = raw_shdr(f, e.e_shstrndx);
	for (uint32_t i = 1; i < e.e_shnum; i++)
		if (strcmp((const char *)f + str.sh_offset + raw_shdr(f, i).sh_name, name) == 0)
			return i;
	return 0;
}

/* The string the 64-bit field at off of section sec is relocated to, or NULL. */
static const char *raw_reloc_string(const uint8_t *f, uint32_t sec, uint64_t off)
{
	struct xs_elf64_ehdr e;
	memcpy(&e, f, sizeof(e));
	for (uint32_t i = 1; i < e.e_shnum; i++) {
		struct xs_elf64_shdr r = raw_shdr(f, i);
		if (r.sh_type != XS_SHT_RELA || r.sh_info != sec)
			continue;
		struct xs_elf64_shdr symtab = raw_shdr(f, r.sh_link);
		for (uint64_t j = 0; j < r.sh_size / 24; j++) {
			struct xs_elf64_rela ra;
			memcpy(&ra, f + r.sh_offset + j * 24, sizeof(ra));
			if (ra.r_offset != off)
				continue;
			struct xs_elf64_sym s;
			memcpy(&s, f + symtab.sh_offset + XS_ELF64_R_SYM(ra.r_info) * 24, sizeof(s));
			struct xs_elf64_shdr target = raw_shdr(f, s.st_shndx);
			return (const char *)f + target.sh_offset + s.st_value + ra.r_addend;
		}
	}
	return NULL;
}

static void raw_hex_note(const uint8_t *f, const char *sec, char *out)
{
	uint32_t i = raw_find(f, sec);
	out[0] = 0;
	if (!i)
		return;
	struct xs_elf64_shdr s = raw_shdr(f, i);
	uint32_t namesz, descsz;
	memcpy(&namesz, f + s.sh_offset, 4);
	memcpy(&descsz, f + s.sh_offset + 4, 4);
	const uint8_t *desc = f + s.sh_offset + 12 + ((namesz + 3) & ~3u);
	for (uint32_t k = 0; k < descsz; k++)
		sprintf(out + 2 * k, "%02x", desc[k]);
}

/* ---- Xen's payloads ---------------------------------------------------------- */

struct xen_payload {
	const char *arch, *file;
	const char *build_id; /* readelf -n */
	const char *depends;  /* readelf -x .livepatch.depends */
	unsigned load_hooks, unload_hooks;
};

#define XEN_X86 "2bb48323ee6867c1ed482c4b623a2f4713c258f5"
#define XEN_ARM "fcb94c39db912be48302db010d1b67c97347cd17"
static const struct xen_payload xen[] = {
	{"x86_64", "xen_hello_world", "86f66008aae3a6422175321d0e2499eac9d384dc", XEN_X86, 2, 3},
	{"x86_64", "xen_bye_world", "191079c7dbe6c13406f3b452e916473ba0d0646e",
	 "86f66008aae3a6422175321d0e2499eac9d384dc", 0, 0},
	{"x86_64", "xen_replace_world", "12b48bee83158608526ddf3f4b385f778d00f7f9", XEN_X86, 0, 0},
	{"x86_64", "xen_nop", "86e5aa7d03e8461c7ed6eb700702859f4945ef2b", XEN_X86, 0, 0},
	{"arm64", "xen_hello_world", "70019cb6a9ab3cf205e0026165bdd800c9227977", XEN_ARM, 2, 3},
	{"arm64", "xen_bye_world", "04a61cadafa7a626af5888db304e0247f050d67a",
	 "70019cb6a9ab3cf205e0026165bdd800c9227977", 0, 0},
	{"arm64", "xen_replace_world", "f896e3ba65d91ee3d05dc022ee943dadc9cb8e1b", XEN_ARM, 0, 0},
	{"arm64", "xen_nop", "920332eaa42a3470bfb89d1471eb2282a6be9228", XEN_ARM, 0, 0},
};

static void test_xen_payloads(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(xen) / sizeof(xen[0]); k++) {
		const struct xen_payload *x = &xen[k];
		char path[8192];
		snprintf(path, sizeof(path), "%s/xen/%s/%s.livepatch", xs_test_shared_dir(), x->arch, x->file);
		size_t size;
		uint8_t *f = xs_test_slurp(path, &size);
		struct xs_object o;
		struct xs_diag d;
		xs_status st = xs_object_parse(&o, f, size, 0, &d);
		if (st)
			fail_msg("%s: %s %s", path, xs_status_name(st), d.msg);
		struct xs_payload p;
		st = xs_payload_read(&p, &o, &d);
		if (st)
			fail_msg("%s: %s %s", path, xs_status_name(st), d.msg);

		/* independently: count, version, names, sizes */
		uint32_t fs = raw_find(f, ".livepatch.funcs");
		assert_true(fs != 0);
		struct xs_elf64_shdr sh = raw_shdr(f, fs);
		assert_int_equal(p.func_size, 104);
		assert_int_equal(p.nfuncs, sh.sh_size / 104);
		assert_true(p.nfuncs >= 1);
		for (uint32_t i = 0; i < p.nfuncs; i++) {
			const uint8_t *e = f + sh.sh_offset + i * 104;
			struct xs_lp_func fn;
			assert_int_equal(xs_payload_func(&p, i, &fn), XS_OK);
			assert_int_equal(fn.version, e[0x20]);
			assert_int_equal(fn.version, 2);
			uint32_t ns, os;
			memcpy(&ns, e + 0x18, 4);
			memcpy(&os, e + 0x1c, 4);
			assert_int_equal(fn.new_size, ns);
			assert_int_equal(fn.old_size, os);
			const char *want = raw_reloc_string(f, fs, i * 104);
			if (want)
				assert_string_equal(fn.name, want);
			else
				assert_null(fn.name);
			assert_false(fn.expect_enabled);
			if (strcmp(x->file, "xen_nop") == 0) {
				assert_true(fn.nop);
				uint64_t old;
				memcpy(&old, e + 0x10, 8);
				assert_true(fn.old_addr == old && old != 0);
			} else {
				assert_false(fn.nop);
				assert_int_not_equal(fn.new_ref.sym, XS_LP_NONE);
				assert_string_equal(fn.name, "xen_extra_version");
			}
			if (strcmp(x->file, "xen_hello_world") == 0 || strcmp(x->file, "xen_bye_world") == 0) {
				assert_string_equal(fn.old_ref.name, "xen_extra_version");
				assert_true(fn.old_ref.undefined);
			}
		}
		/* build-ids: as readelf prints them, and as the raw notes hold them */
		char hex[80], raw[80];
		xs_build_id_hex(p.build_id.id, p.build_id.len, hex, sizeof(hex));
		assert_string_equal(hex, x->build_id);
		raw_hex_note(f, ".note.gnu.build-id", raw);
		assert_string_equal(hex, raw);
		xs_build_id_hex(p.depends.id, p.depends.len, hex, sizeof(hex));
		assert_string_equal(hex, x->depends);
		raw_hex_note(f, ".livepatch.depends", raw);
		assert_string_equal(hex, raw);
		xs_build_id_hex(p.xen_depends.id, p.xen_depends.len, hex, sizeof(hex));
		assert_string_equal(hex, strcmp(x->arch, "arm64") ? XEN_X86 : XEN_ARM);
		assert_int_equal(p.nhooks[XS_LP_HOOK_LOAD], x->load_hooks);
		assert_int_equal(p.nhooks[XS_LP_HOOK_UNLOAD], x->unload_hooks);
		for (unsigned h = XS_LP_HOOK_PREAPPLY; h < XS_LP_HOOK_COUNT; h++)
			assert_int_equal(p.nhooks[h], 0);
		if (x->load_hooks) {
			struct xs_lp_ref r;
			assert_int_equal(xs_payload_hook(&p, XS_LP_HOOK_LOAD, 0, &r), XS_OK);
			assert_string_equal(r.name, "hi_func");
			assert_int_equal(xs_payload_hook(&p, XS_LP_HOOK_LOAD, 1, &r), XS_OK);
			assert_string_equal(r.name, "apply_hook");
		}
		free(f);
	}
}

/* The host's build-id, from the image, equals what the payloads depend on. */
static void test_xen_image_build_id(void **state)
{
	(void)state;
	static const char *const arches[2][2] = {{"x86_64", XEN_X86}, {"arm64", XEN_ARM}};
	for (int a = 0; a < 2; a++) {
		char path[8192];
		snprintf(path, sizeof(path), "%s/xen/%s/xen-syms", xs_test_shared_dir(), arches[a][0]);
		size_t size;
		uint8_t *f = xs_test_slurp(path, &size);
		const uint8_t *id;
		size_t len;
		assert_int_equal(xs_elf_image_build_id(f, size, &id, &len), XS_OK);
		char hex[80];
		xs_build_id_hex(id, len, hex, sizeof(hex));
		assert_string_equal(hex, arches[a][1]);
		free(f);
	}
}

/* Corrupt the x86 hello-world payload one way at a time. */
static void test_malformed(void **state)
{
	(void)state;
	char path[8192];
	snprintf(path, sizeof(path), "%s/xen/x86_64/xen_hello_world.livepatch", xs_test_shared_dir());
	size_t size;
	uint8_t *orig = xs_test_slurp(path, &size);
	uint8_t *f = malloc(size);
	uint32_t fs = raw_find(orig, ".livepatch.funcs");
	struct xs_elf64_shdr sh = raw_shdr(orig, fs);
	struct {
		uint64_t off;
		uint8_t val;
		const char *what;
	} bad[] = {
		{sh.sh_offset + 0x20, 3, "unknown version"},
		{sh.sh_offset + 0x20, 0, "version 0"},
		{sh.sh_offset + 0x00, 1, "name pointer without relocation... (addend ignored: raw)"},
		{raw_shdr(orig, raw_find(orig, ".livepatch.depends")).sh_offset + 4, 0xff,
		 "note descsz beyond the section"},
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		memcpy(f, orig, size);
		f[bad[k].off] = bad[k].val;
		struct xs_object o;
		struct xs_payload p;
		struct xs_diag d;
		assert_int_equal(xs_object_parse(&o, f, size, 0, &d), XS_OK);
		xs_status st = xs_payload_read(&p, &o, &d);
		if (k == 2) {
			/* a raw value under a RELA relocation is ignored by the linker: still fine */
			assert_int_equal(st, XS_OK);
			continue;
		}
		if (st != XS_E_BAD_PAYLOAD)
			fail_msg("%s: got %s", bad[k].what, xs_status_name(st));
		assert_true(d.msg[0] != 0);
	}
	free(f);
	free(orig);
}

/* ---- the payload.h patch, read back from this executable ------------------ */

static void test_macros(void **state)
{
	(void)state;
	size_t size;
	uint8_t *img = xs_test_slurp("/proc/self/exe", &size);
	uint32_t nsec;
	uint16_t machine;
	assert_int_equal(xs_elf_image_check(img, size, &machine, &nsec, NULL), XS_OK);
	/* the load bias, from a symbol of this program */
	uint32_t nsyms;
	size_t strbytes;
	assert_int_equal(xs_symtab_elf_need(img, size, &nsyms, &strbytes, NULL), XS_OK);
	size_t msize = xs_symtab_size(nsyms, 0);
	void *mem = aligned_alloc(8, (msize + 7) & ~(size_t)7);
	struct xs_symtab t;
	assert_int_equal(xs_symtab_init(&t, mem, msize, nsyms, 0), XS_OK);
	assert_int_equal(xs_symtab_add_elf(&t, img, size, 0, 0, NULL), XS_OK);
	assert_int_equal(xs_symtab_finish(&t), XS_OK);
	uint32_t i;
	assert_int_equal(xs_symtab_lookup(&t, "xs_test_new_fn", 0, &i, NULL), XS_OK);
	uint64_t bias = (uint64_t)(uintptr_t)&xs_test_new_fn - xs_symtab_get(&t, i)->value;
	assert_int_equal(xs_symtab_lookup(&t, "test_payload.c#xs_test_new_static", 0, &i, NULL), XS_OK);

	struct xs_image_section funcs = {0}, dep = {0}, hooks[XS_LP_HOOK_COUNT];
	memset(hooks, 0, sizeof(hooks));
	for (uint32_t s = 1; s < nsec; s++) {
		struct xs_image_section sec;
		assert_int_equal(xs_elf_image_section(img, size, s, &sec), XS_OK);
		if (strcmp(sec.name, ".livepatch.funcs") == 0)
			funcs = sec;
		if (strcmp(sec.name, ".livepatch.xen_depends") == 0)
			dep = sec;
		for (unsigned h = 0; h < XS_LP_HOOK_COUNT; h++)
			if (strcmp(sec.name, xs_lp_hook_section(h)) == 0)
				hooks[h] = sec;
	}
	assert_int_equal(funcs.size, 4 * 104);
	const uint8_t *live = (const uint8_t *)(uintptr_t)(funcs.addr + bias);
	int seen = 0;
	for (uint32_t k = 0; k < 4; k++) {
		const struct xsplice_livepatch_func *e =
			(const struct xsplice_livepatch_func *)(live + k * 104);
		assert_int_equal(e->version, 2);
		if (strcmp(e->name, "host_parse") == 0) {
			assert_true(e->new_addr == (void (*)(void))xs_test_new_fn);
			assert_int_equal(e->expect_ctl, 0);
			seen |= 1;
		} else if (strcmp(e->name, "net/dns.c#parse") == 0) {
			assert_true(e->new_addr == (void (*)(void))xs_test_new_static);
			seen |= 2;
		} else if (strcmp(e->name, "expect_me") == 0) {
			assert_int_equal(e->expect_ctl, 1 | (5 << 1));
			assert_memory_equal(e->expect, "\xf3\x0f\x1e\xfa\x55", 5);
			seen |= 4;
		} else if (strcmp(e->name, "debug_hook") == 0) {
			assert_null(e->new_addr);
			assert_int_equal(e->new_size, 5);
			seen |= 8;
		}
		assert_null(e->old_addr);
		assert_int_equal(e->old_size, 0);
	}
	assert_int_equal(seen, 15);
	/* the reader's view of the same bytes */
	struct xs_payload p = {.nfuncs = 4, .func_size = 104, .version = 2};
	struct xs_lp_func fn;
	uint64_t name_addr;
	for (uint32_t k = 0; k < 4; k++) {
		assert_int_equal(xs_payload_func_linked(&p, live, k, &fn, &name_addr), XS_OK);
		assert_int_equal(fn.nop, strcmp((const char *)(uintptr_t)name_addr, "debug_hook") == 0);
		if (fn.expect_enabled)
			assert_int_equal(fn.expect_len, 5);
	}
	/* hooks: pointers to our functions */
	assert_int_equal(hooks[XS_LP_HOOK_LOAD].size, 8);
	assert_int_equal(hooks[XS_LP_HOOK_UNLOAD].size, 8);
	assert_int_equal(hooks[XS_LP_HOOK_PREAPPLY].size, 8);
	assert_int_equal(hooks[XS_LP_HOOK_POSTREVERT].size, 8);
	assert_int_equal(hooks[XS_LP_HOOK_APPLY].size, 0);
	const uint8_t *hl = (const uint8_t *)(uintptr_t)(hooks[XS_LP_HOOK_LOAD].addr + bias);
	assert_true(xs_payload_hook_linked(hl, 0) == (uint64_t)(uintptr_t)&on_load);
	xsplice_loadcall_t *const *call = (xsplice_loadcall_t *const *)hl;
	(*call)();
	assert_int_equal(hook_calls, 1);
	const uint8_t *hp = (const uint8_t *)(uintptr_t)(hooks[XS_LP_HOOK_PREAPPLY].addr + bias);
	assert_true(xs_payload_hook_linked(hp, 0) == (uint64_t)(uintptr_t)&pre_apply);
	/* the host build-id note, byte for byte as Xen's build writes it */
	assert_int_equal(dep.size, 0x24);
	const uint8_t *id;
	size_t len;
	assert_int_equal(xs_note_build_id(dep.data, dep.size, &id, &len), XS_OK);
	char hex[80];
	xs_build_id_hex(id, len, hex, sizeof(hex));
	assert_string_equal(hex, XEN_X86);
	char xen_path[8192];
	snprintf(xen_path, sizeof(xen_path), "%s/xen/x86_64/xen_hello_world.livepatch", xs_test_shared_dir());
	size_t xsize;
	uint8_t *xf = xs_test_slurp(xen_path, &xsize);
	struct xs_elf64_shdr xd = raw_shdr(xf, raw_find(xf, ".livepatch.xen_depends"));
	assert_int_equal(xd.sh_size, dep.size);
	assert_memory_equal(xf + xd.sh_offset, dep.data, dep.size);
	free(xf);
	free(mem);
	free(img);
}

static void test_notes(void **state)
{
	(void)state;
	const uint8_t *id;
	size_t len;
	/* another note first, then the build-id */
	static const uint8_t two[] = {4, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 'G', 'N', 'U', 0,
				      1, 2, 3, 4, 4, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0,
				      'G', 'N', 'U', 0, 0xab, 0xcd, 0, 0};
	assert_int_equal(xs_note_build_id(two, sizeof(two), &id, &len), XS_OK);
	assert_int_equal(len, 2);
	assert_int_equal(id[0], 0xab);
	assert_int_equal(xs_note_build_id(two, 20, &id, &len), XS_E_NOT_FOUND);
	assert_int_equal(xs_note_build_id(two, 37, &id, &len), XS_E_BAD_PAYLOAD);
	assert_true(xs_build_id_equal(two + 16, 4, (const uint8_t *)"\1\2\3\4", 4));
	assert_false(xs_build_id_equal(two + 16, 4, (const uint8_t *)"\1\2\3", 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xen_payloads),
		cmocka_unit_test(test_xen_image_build_id),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_macros),
		cmocka_unit_test(test_notes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
