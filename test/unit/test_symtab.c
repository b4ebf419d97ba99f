/* SPDX-License-Identifier: MIT */
/*
 * Symbol tables: file#symbol, ambiguity, address lookup at the edges,
 * payload exports (duplicates refused, all or nothing, unexport), copying,
 * memory limits, name-hash edges (colliding hashes, every length 0..300,
 * long names, queries at every alignment and at the end of a page), and a
 * large table (hash quality, timing printed).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <xsplice/symtab.h>

#include "xs_elf.h"

static void *mem_for(uint32_t n, size_t strbytes, size_t *size)
{
	*size = xs_symtab_size(n, strbytes);
	void *m = aligned_alloc(8, (*size + 7) & ~(size_t)7);
	assert_non_null(m);
	return m;
}

static uint32_t add(struct xs_symtab *t, const char *file, const char *name, uint8_t type,
		    uint8_t bind, uint64_t v, uint64_t sz)
{
	struct xs_sym s = {.name = name, .file = file, .value = v, .size = sz, .type = type,
			   .bind = bind, .shndx = 1, .flags = XS_SYM_EXEC};
	uint32_t i;
	assert_int_equal(xs_symtab_add(t, &s, 0, &i), XS_OK);
	return i;
}

struct fx {
	struct xs_symtab t;
	void *mem;
	uint32_t a_foo, b_foo, c_bar, baz, baz_alias, big, inner, dup1, dup2, weak;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	size_t size;
	f->mem = mem_for(64, 4096, &size);
	assert_int_equal(xs_symtab_init(&f->t, f->mem, size, 64, 4096), XS_OK);
	struct xs_symtab *t = &f->t;
	f->a_foo = add(t, "a.c", "foo", XS_STT_FUNC, XS_STB_LOCAL, 0x1000, 0x10);
	f->b_foo = add(t, "lib/b.c", "foo", XS_STT_FUNC, XS_STB_LOCAL, 0x2000, 0x20);
	f->c_bar = add(t, "dir/c.c", "bar", XS_STT_OBJECT, XS_STB_LOCAL, 0x3000, 8);
	add(t, "dir/c.c", "$x", XS_STT_NOTYPE, XS_STB_LOCAL, 0x2000, 0);
	f->big = add(t, "dir/c.c", "big", XS_STT_OBJECT, XS_STB_LOCAL, 0x5000, 0x1000);
	f->inner = add(t, "dir/c.c", "inner", XS_STT_OBJECT, XS_STB_LOCAL, 0x5100, 0x10);
	f->dup1 = add(t, "d.c", "same", XS_STT_FUNC, XS_STB_LOCAL, 0x7000, 4);
	f->dup2 = add(t, "d.c", "same", XS_STT_FUNC, XS_STB_LOCAL, 0x7000, 4);
	add(t, NULL, ".text", XS_STT_SECTION, XS_STB_LOCAL, 0x1000, 0);
	f->baz = add(t, NULL, "baz", XS_STT_FUNC, XS_STB_GLOBAL, 0x4000, 0x40);
	f->baz_alias = add(t, NULL, "baz_alias", XS_STT_FUNC, XS_STB_GLOBAL, 0x4000, 0x20);
	f->weak = add(t, NULL, "weak_fn", XS_STT_FUNC, XS_STB_WEAK, 0x6000, 0x10);
	add(t, NULL, "label_end", XS_STT_NOTYPE, XS_STB_GLOBAL, 0x4040, 0);
	assert_int_equal(xs_symtab_finish(t), XS_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	free(f->mem);
	free(f);
	return 0;
}

static void test_names(void **state)
{
	struct fx *f = *state;
	struct xs_symtab *t = &f->t;
	struct xs_diag d;
	uint32_t i;
	assert_int_equal(xs_symtab_lookup(t, "foo", 0, &i, &d), XS_E_AMBIGUOUS_SYMBOL);
	assert_int_equal(d.status, XS_E_AMBIGUOUS_SYMBOL);
	assert_string_equal(d.symbol_name, "foo");
	assert_non_null(strstr(d.msg, "a.c#foo"));
	assert_non_null(strstr(d.msg, "lib/b.c#foo"));
	uint32_t c[4];
	assert_int_equal(xs_symtab_candidates(t, "foo", 0, c, 4), 2);
	assert_int_equal(c[0], f->a_foo); /* table order */
	assert_int_equal(c[1], f->b_foo);
	assert_int_equal(xs_symtab_lookup(t, "a.c#foo", 0, &i, &d), XS_OK);
	assert_int_equal(i, f->a_foo);
	assert_int_equal(xs_symtab_lookup(t, "lib/b.c#foo", 0, &i, &d), XS_OK);
	assert_int_equal(i, f->b_foo);
	assert_int_equal(xs_symtab_lookup(t, "b.c#foo", 0, &i, &d), XS_OK); /* trailing path */
	assert_int_equal(i, f->b_foo);
	assert_int_equal(xs_symtab_lookup(t, "ib/b.c#foo", 0, &i, &d), XS_E_NOT_FOUND);
	assert_int_equal(xs_symtab_lookup(t, "x.c#foo", 0, &i, &d), XS_E_NOT_FOUND);
	assert_int_equal(xs_symtab_lookup(t, "c.c#bar", 0, &i, &d), XS_OK);
	assert_int_equal(i, f->c_bar);
	assert_int_equal(xs_symtab_lookup(t, "bar", 0, &i, &d), XS_OK);
	assert_int_equal(xs_symtab_lookup(t, "baz", 0, &i, &d), XS_OK);
	assert_int_equal(i, f->baz);
	assert_int_equal(xs_symtab_lookup(t, "weak_fn", XS_LOOKUP_GLOBAL, &i, &d), XS_OK);
	assert_int_equal(xs_symtab_lookup(t, "foo", XS_LOOKUP_GLOBAL, &i, &d), XS_E_NOT_FOUND);
	assert_int_equal(xs_symtab_lookup(t, "bar", XS_LOOKUP_FUNC, &i, &d), XS_E_NOT_FOUND);
	/* the same file#name twice at one address is one symbol */
	assert_int_equal(xs_symtab_lookup(t, "same", 0, &i, &d), XS_OK);
	assert_int_equal(i, f->dup1);
	assert_int_equal(xs_symtab_candidates(t, "same", 0, NULL, 0), 2);
	/* mapping symbols, section symbols and empty names are not names */
	assert_int_equal(xs_symtab_lookup(t, "$x", 0, &i, &d), XS_E_NOT_FOUND);
	assert_int_equal(xs_symtab_lookup(t, ".text", 0, &i, &d), XS_E_NOT_FOUND);
	assert_int_equal(xs_symtab_lookup(t, "", 0, &i, &d), XS_E_NOT_FOUND);
	assert_int_equal(xs_symtab_lookup(t, "#foo", 0, &i, &d), XS_E_NOT_FOUND);
	assert_int_equal(xs_symtab_lookup(t, "a.c#", 0, &i, &d), XS_E_NOT_FOUND);
	char buf[64];
	assert_int_equal(xs_symtab_format(t, f->b_foo, buf, sizeof(buf)), strlen("lib/b.c#foo"));
	assert_string_equal(buf, "lib/b.c#foo");
	xs_symtab_format(t, f->baz, buf, sizeof(buf));
	assert_string_equal(buf, "baz");
	assert_int_equal(xs_symtab_format(t, f->b_foo, buf, 5), strlen("lib/b.c#foo"));
	assert_string_equal(buf, "lib/");
}

static void test_addr(void **state)
{
	struct fx *f = *state;
	struct xs_symtab *t = &f->t;
	uint32_t i;
	uint64_t off;
	assert_int_equal(xs_symtab_addr(t, 0x1000, &i, &off), XS_OK);
	assert_true(i == f->a_foo && off == 0);
	assert_int_equal(xs_symtab_addr(t, 0x100f, &i, &off), XS_OK);
	assert_true(i == f->a_foo && off == 0xf);
	assert_int_equal(xs_symtab_addr(t, 0x1010, &i, &off), XS_E_NOT_FOUND); /* one past */
	assert_int_equal(xs_symtab_addr(t, 0x0fff, &i, &off), XS_E_NOT_FOUND);
	assert_int_equal(xs_symtab_addr(t, 0, &i, &off), XS_E_NOT_FOUND);
	assert_int_equal(xs_symtab_addr(t, UINT64_MAX, &i, &off), XS_E_NOT_FOUND);
	/* aliases: the first of the larger ones containing it */
	assert_int_equal(xs_symtab_addr(t, 0x4030, &i, &off), XS_OK);
	assert_true(i == f->baz && off == 0x30);
	/* nested: the nearest preceding symbol containing the address */
	assert_int_equal(xs_symtab_addr(t, 0x5108, &i, &off), XS_OK);
	assert_true(i == f->inner && off == 8);
	assert_int_equal(xs_symtab_addr(t, 0x5110, &i, &off), XS_OK);
	assert_true(i == f->big && off == 0x110);
	assert_int_equal(xs_symtab_addr(t, 0x5fff, &i, &off), XS_OK);
	assert_true(i == f->big);
	assert_int_equal(xs_symtab_addr(t, 0x6000, &i, &off), XS_OK);
	assert_true(i == f->weak);
	assert_int_equal(xs_symtab_next_at_or_after(t, 0x4001, &i), XS_OK);
	assert_string_equal(xs_symtab_get(t, i)->name, "label_end");
	assert_int_equal(xs_symtab_next_at_or_after(t, 0x7001, &i), XS_E_NOT_FOUND);
	/* address index in ascending order, without SECTION symbols */
	uint32_t n = xs_symtab_addr_count(t);
	assert_int_equal(n, xs_symtab_count(t) - 1);
	for (uint32_t k = 1; k < n; k++)
		assert_true(xs_symtab_get(t, xs_symtab_by_addr(t, k - 1))->value <=
			    xs_symtab_get(t, xs_symtab_by_addr(t, k))->value);
}

static void test_export(void **state)
{
	struct fx *f = *state;
	struct xs_symtab *t = &f->t;
	struct xs_diag d;
	uint32_t i, before = xs_symtab_count(t);
	struct xs_sym p1[] = {
		{.name = "new_fn", .value = 0x900000, .size = 0x30, .type = XS_STT_FUNC,
		 .bind = XS_STB_GLOBAL},
		{.name = "baz", .value = 0x900100, .size = 8, .type = XS_STT_FUNC,
		 .bind = XS_STB_GLOBAL},
	};
	assert_int_equal(xs_symtab_export(t, 1, p1, 2, 0, &d), XS_E_DUPLICATE_SYMBOL);
	assert_string_equal(d.symbol_name, "baz");
	assert_int_equal(xs_symtab_count(t), before); /* nothing added */
	assert_int_equal(xs_symtab_lookup(t, "new_fn", 0, &i, &d), XS_E_NOT_FOUND);
	struct xs_sym twice[] = {p1[0], p1[0]};
	assert_int_equal(xs_symtab_export(t, 1, twice, 2, 0, &d), XS_E_DUPLICATE_SYMBOL);
	/* a payload global may share the name of a host static */
	struct xs_sym ok[] = {p1[0], {.name = "foo", .value = 0x900200, .size = 4,
				      .type = XS_STT_OBJECT, .bind = XS_STB_GLOBAL}};
	assert_int_equal(xs_symtab_export(t, 1, ok, 2, XS_SYMTAB_COPY, &d), XS_OK);
	assert_int_equal(xs_symtab_lookup(t, "new_fn", 0, &i, &d), XS_OK);
	assert_true(xs_symtab_get(t, i)->owner == 1 && (xs_symtab_get(t, i)->flags & XS_SYM_PAYLOAD));
	assert_int_equal(xs_symtab_lookup(t, "foo", XS_LOOKUP_GLOBAL, &i, &d), XS_OK);
	assert_int_equal(xs_symtab_lookup(t, "foo", 0, &i, &d), XS_E_AMBIGUOUS_SYMBOL);
	uint64_t off;
	assert_int_equal(xs_symtab_addr(t, 0x900010, &i, &off), XS_OK);
	assert_string_equal(xs_symtab_get(t, i)->name, "new_fn");
	/* a second payload cannot export the same name */
	assert_int_equal(xs_symtab_export(t, 2, p1, 1, 0, &d), XS_E_DUPLICATE_SYMBOL);
	struct xs_sym p2[] = {{.name = "other", .value = 0xa00000, .size = 4,
			       .type = XS_STT_FUNC, .bind = XS_STB_GLOBAL}};
	assert_int_equal(xs_symtab_export(t, 2, p2, 1, XS_SYMTAB_COPY, &d), XS_OK);
	/* unload payload 1 (not the last): its names disappear, 2's stay */
	assert_int_equal(xs_symtab_unexport(t, 1), XS_OK);
	assert_int_equal(xs_symtab_unexport(t, 1), XS_E_NOT_FOUND);
	assert_int_equal(xs_symtab_lookup(t, "new_fn", 0, &i, &d), XS_E_NOT_FOUND);
	assert_int_equal(xs_symtab_lookup(t, "foo", XS_LOOKUP_GLOBAL, &i, &d), XS_E_NOT_FOUND);
	assert_int_equal(xs_symtab_addr(t, 0x900010, &i, &off), XS_E_NOT_FOUND);
	assert_int_equal(xs_symtab_lookup(t, "other", 0, &i, &d), XS_OK);
	assert_int_equal(xs_symtab_unexport(t, 2), XS_OK);
	assert_int_equal(xs_symtab_count(t), before); /* stack order: all reclaimed */
	/* and again, many times: nothing leaks */
	for (int k = 0; k < 1000; k++) {
		assert_int_equal(xs_symtab_export(t, 3, p1, 1, XS_SYMTAB_COPY, &d), XS_OK);
		assert_int_equal(xs_symtab_unexport(t, 3), XS_OK);
	}
	assert_int_equal(xs_symtab_count(t), before);
	assert_int_equal(xs_symtab_lookup(t, "a.c#foo", 0, &i, &d), XS_OK);
	assert_int_equal(xs_symtab_lookup(t, "baz", 0, &i, &d), XS_OK);
}

static void test_copy_and_limits(void **state)
{
	(void)state;
	size_t size;
	void *mem = mem_for(2, 10, &size);
	struct xs_symtab t;
	assert_int_equal(xs_symtab_init(&t, mem, size - 1, 2, 10), XS_E_NO_SPACE);
	assert_int_equal(xs_symtab_init(&t, (char *)mem + 1, size, 2, 10), XS_E_INVALID_ARG);
	assert_int_equal(xs_symtab_init(&t, mem, size, 2, 10), XS_OK);
	char name[8] = "abc", file[8] = "f.c";
	struct xs_sym s = {.name = name, .file = file, .value = 1, .size = 1,
			   .type = XS_STT_FUNC, .bind = XS_STB_LOCAL};
	assert_int_equal(xs_symtab_add(&t, &s, XS_SYMTAB_COPY, NULL), XS_OK); /* 4 + 4 bytes */
	strcpy(name, "zzz");
	strcpy(file, "zz");
	s.name = "toolong";
	assert_int_equal(xs_symtab_add(&t, &s, XS_SYMTAB_COPY, NULL), XS_E_NO_SPACE);
	s.name = "x";
	assert_int_equal(xs_symtab_add(&t, &s, XS_SYMTAB_COPY, NULL), XS_OK); /* file reused */
	assert_int_equal(xs_symtab_add(&t, &s, 0, NULL), XS_E_NO_SPACE);      /* max 2 */
	uint32_t i;
	assert_int_equal(xs_symtab_lookup(&t, "abc", 0, &i, NULL), XS_E_STATE);
	assert_int_equal(xs_symtab_finish(&t), XS_OK);
	assert_int_equal(xs_symtab_finish(&t), XS_E_STATE);
	assert_int_equal(xs_symtab_add(&t, &s, 0, NULL), XS_E_STATE);
	assert_int_equal(xs_symtab_lookup(&t, "f.c#abc", 0, &i, NULL), XS_OK);
	assert_int_equal(xs_symtab_lookup(&t, "zzz", 0, &i, NULL), XS_E_NOT_FOUND);
	free(mem);
}

/*
 * The name index keeps 24 bits of hash and the length in each slot: among
 * 60,000 names of one length about C(60000, 2) / 2^24 = 107 pairs share a
 * slot hash, so a lookup must confirm the name, never trust the hash; and
 * every length from 0 to 300 (the length field saturates at 255), names
 * that differ only in their first, middle or last byte, exported and
 * unexported on top (backward-shift deletion inside long clusters).
 */
#define NCOLL 60000u
#define NLEN 301u

static void query_ok(const struct xs_symtab *t, const char *name, uint32_t want)
{
	uint32_t i = UINT32_MAX;
	xs_status st = xs_symtab_lookup(t, name, 0, &i, NULL);
	if (st != XS_OK || i != want)
		fail_msg("lookup of '%.40s' (%zu bytes): status %d, index %u, want %u", name,
			 strlen(name), (int)st, i, want);
}

static void test_name_edges(void **state)
{
	(void)state;
	const uint32_t max = NCOLL + 3 * NLEN + 2000;
	size_t size;
	void *mem = mem_for(max, 0, &size);
	struct xs_symtab t;
	assert_int_equal(xs_symtab_init(&t, mem, size, max, 0), XS_OK);
	char *coll = malloc((size_t)NCOLL * 13);
	char *lens = malloc((size_t)3 * NLEN * (NLEN + 1));
	assert_true(coll && lens);
	uint32_t n = 0;
	for (uint32_t k = 0; k < NCOLL; k++) {
		char *nm = coll + (size_t)k * 13;
		snprintf(nm, 13, "c%011u", k * 7919u);
		assert_int_equal(n++, add(&t, NULL, nm, XS_STT_FUNC, XS_STB_GLOBAL, 0x1000 + k, 1));
	}
	/* lengths 1..300 three ways: differing in the first, a middle, the last byte */
	uint32_t first_len = n;
	for (uint32_t l = 1; l < NLEN; l++) {
		for (uint32_t v = 0; v < 3; v++) {
			char *nm = lens + ((size_t)l * 3 + v) * (NLEN + 1);
			memset(nm, 'x', l);
			nm[l] = 0;
			nm[v == 0 ? 0 : v == 1 ? l / 2 : l - 1] = (char)('A' + v);
			if (l == 1 && v)
				nm[0] = (char)('a' + v); /* one byte: all three positions coincide */
			add(&t, NULL, nm, XS_STT_FUNC, XS_STB_GLOBAL, 0x100000 + n, 1);
			n++;
		}
	}
	assert_int_equal(xs_symtab_finish(&t), XS_OK);
	for (uint32_t k = 0; k < NCOLL; k++) {
		char q[16];
		snprintf(q, sizeof(q), "c%011u", k * 7919u); /* the caller's own copy */
		query_ok(&t, q, k);
	}
	char *q = malloc(NLEN + 64);
	assert_non_null(q);
	for (uint32_t l = 1; l < NLEN; l++) {
		for (uint32_t v = 0; v < 3; v++) {
			const char *nm = lens + ((size_t)l * 3 + v) * (NLEN + 1);
			uint32_t want = first_len + (l - 1) * 3 + v;
			for (uint32_t off = 0; off < 16; off++) { /* every alignment of the query */
				memcpy(q + off, nm, l + 1);
				query_ok(&t, q + off, want);
			}
			/* one byte longer or shorter is another name (none such here) */
			uint32_t i;
			memcpy(q, nm, l);
			q[l] = 'y';
			q[l + 1] = 0;
			assert_int_equal(xs_symtab_lookup(&t, q, 0, &i, NULL), XS_E_NOT_FOUND);
			q[l - 1] = 0;
			if (l > 1 && xs_symtab_lookup(&t, q, 0, &i, NULL) == XS_OK)
				assert_int_not_equal(i, want);
		}
	}
	uint32_t i;
	assert_int_equal(xs_symtab_lookup(&t, "", 0, &i, NULL), XS_E_NOT_FOUND);
	/* a query ending at the last byte of a page, the next page unmapped */
	long pg = sysconf(_SC_PAGESIZE);
	char *two = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	assert_true(two != MAP_FAILED);
	assert_int_equal(mprotect(two + pg, (size_t)pg, PROT_NONE), 0);
	for (uint32_t l = 1; l < NLEN; l += 7) {
		const char *nm = lens + ((size_t)l * 3 + 2) * (NLEN + 1);
		char *at = two + pg - (l + 1);
		memcpy(at, nm, l + 1);
		query_ok(&t, at, first_len + (l - 1) * 3 + 2);
	}
	char *at = two + pg - 1;
	*at = 0;
	assert_int_equal(xs_symtab_lookup(&t, at, 0, &i, NULL), XS_E_NOT_FOUND);
	munmap(two, (size_t)pg * 2);
	/* exports collide with the host names, then leave: every host name still found */
	struct xs_sym *ex = calloc(2000, sizeof(*ex));
	char *exn = malloc((size_t)2000 * 13);
	assert_true(ex && exn);
	for (uint32_t k = 0; k < 2000; k++) {
		snprintf(exn + (size_t)k * 13, 13, "c%011u", k * 7919u + 1);
		ex[k] = (struct xs_sym){.name = exn + (size_t)k * 13, .value = 0x900000 + k,
					.size = 1, .type = XS_STT_FUNC, .bind = XS_STB_GLOBAL};
	}
	assert_int_equal(xs_symtab_export(&t, 1, ex, 2000, 0, NULL), XS_OK);
	for (uint32_t k = 0; k < 2000; k++)
		query_ok(&t, exn + (size_t)k * 13, n + k);
	assert_int_equal(xs_symtab_unexport(&t, 1), XS_OK);
	for (uint32_t k = 0; k < 2000; k++)
		assert_int_equal(xs_symtab_lookup(&t, exn + (size_t)k * 13, 0, &i, NULL),
				 XS_E_NOT_FOUND);
	for (uint32_t k = 0; k < NCOLL; k++)
		query_ok(&t, coll + (size_t)k * 13, k);
	for (uint32_t l = 1; l < NLEN; l++)
		for (uint32_t v = 0; v < 3; v++)
			query_ok(&t, lens + ((size_t)l * 3 + v) * (NLEN + 1),
				 first_len + (l - 1) * 3 + v);
	free(ex);
	free(exn);
	free(q);
	free(lens);
	free(coll);
	free(mem);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* 1M symbols, 2000 statics sharing one name: build, find every one, time it. */
static void test_large(void **state)
{
	(void)state;
	const uint32_t N = 1000000;
	char *names = malloc((size_t)N * 16);
	assert_non_null(names);
	size_t size;
	void *mem = mem_for(N, 0, &size);
	struct xs_symtab t;
	assert_int_equal(xs_symtab_init(&t, mem, size, N, 0), XS_OK);
	uint64_t x = 88172645463325252ull;
	for (uint32_t i = 0; i < N; i++) {
		char *nm = names + (size_t)i * 16;
		if (i % 500 == 0)
			strcpy(nm, "__func__.0");
		else
			snprintf(nm, 16, "sym_%u", i);
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		struct xs_sym s = {.name = nm, .file = i % 500 == 0 ? "f.c" : NULL,
				   .value = 0xffff800000000000ull + (x & 0xfffffff0ull), .size = 16,
				   .type = XS_STT_FUNC,
				   .bind = i % 500 == 0 ? XS_STB_LOCAL : XS_STB_GLOBAL};
		assert_int_equal(xs_symtab_add(&t, &s, 0, NULL), XS_OK);
	}
	double t0 = now();
	assert_int_equal(xs_symtab_finish(&t), XS_OK);
	double t1 = now();
	uint32_t idx;
	for (uint32_t i = 1; i < N; i += 1) {
		if (i % 500 == 0)
			continue;
		if (xs_symtab_lookup(&t, names + (size_t)i * 16, 0, &idx, NULL) != XS_OK || idx != i)
			fail_msg("lookup of %s", names + (size_t)i * 16);
	}
	double t2 = now();
	assert_int_equal(xs_symtab_lookup(&t, "__func__.0", 0, &idx, NULL), XS_E_AMBIGUOUS_SYMBOL);
	assert_int_equal(xs_symtab_candidates(&t, "__func__.0", 0, NULL, 0), N / 500);
	for (uint32_t k = 1; k < xs_symtab_addr_count(&t); k++)
		assert_true(xs_symtab_get(&t, xs_symtab_by_addr(&t, k - 1))->value <=
			    xs_symtab_get(&t, xs_symtab_by_addr(&t, k))->value);
	print_message("1M symbols: finish %.1f ms, lookup %.0f ns each\n", (t1 - t0) * 1e3,
		      (t2 - t1) * 1e9 / (N - N / 500));
	free(mem);
	free(names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export, setup, teardown),
		cmocka_unit_test(test_copy_and_limits),
		cmocka_unit_test(test_name_edges),
		cmocka_unit_test(test_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
