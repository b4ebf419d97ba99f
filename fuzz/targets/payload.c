/* SPDX-License-Identifier: MIT */
/*
 * Target "payload": xs_object_parse (machine filter from the input's own
 * e_machine, then "any"), then xs_payload_read, then every accessor over
 * everything the payload reports:
 *
 *   - xs_payload_func for each function (and one past the end: refused);
 *     after a successful read it must succeed again without a diagnostic,
 *     with the same version, a name NUL-terminated inside the input, an
 *     expect length <= 31, relocation symbols inside the symbol table;
 *   - xs_payload_func_linked over the raw .livepatch.funcs bytes (an
 *     exact-size heap copy: a read past the entries is an ASan report);
 *   - xs_payload_hook / xs_payload_hook_linked for every hook entry of
 *     every kind (and one past the end);
 *   - the build-ids: inside the input, inside their section;
 *     xs_build_id_hex into buffers of every small size (terminated, never
 *     past the size), xs_build_id_equal reflexive and symmetric;
 *   - xs_note_build_id directly on the input bytes and on each note section
 *     (hostile notes, not just what the parser accepted).
 *
 * A failure must fill a terminated diagnostic whose status is the returned
 * one. The input must be unchanged.
 */
#include <string.h>

#include <xsplice/livepatch.h>
#include <xsplice/object.h>
#include <xsplice/status.h>

#include "../common/xs_fuzz.h"

static void check_diag(const struct xs_diag *d, xs_status st)
{
	XS_FUZZ_CHECK(st > XS_OK && st < XS_STATUS_COUNT, "status %d out of range", (int)st);
	XS_FUZZ_CHECK(d->status == st, "returned %s, diagnostic says %s", xs_status_name(st),
		      xs_status_name(d->status));
	XS_FUZZ_CHECK(memchr(d->msg, 0, sizeof(d->msg)) != NULL, "diag msg not terminated");
	XS_FUZZ_CHECK(d->msg[0] != 0, "%s without a message", xs_status_name(st));
	XS_FUZZ_CHECK(memchr(d->section_name, 0, sizeof(d->section_name)) != NULL,
		      "diag section_name not terminated");
	XS_FUZZ_CHECK(memchr(d->symbol_name, 0, sizeof(d->symbol_name)) != NULL,
		      "diag symbol_name not terminated");
	XS_FUZZ_CHECK(memchr(d->reloc_name, 0, sizeof(d->reloc_name)) != NULL,
		      "diag reloc_name not terminated");
}

static bool inside(const void *p, size_t n, const uint8_t *data, size_t size)
{
	const uint8_t *b = p;
	return b >= data && b <= data + size && n <= (size_t)(data + size - b);
}

/* A string pointer that must lie inside the input and end there (or be a static ""). */
static void check_str(const char *s, const uint8_t *data, size_t size, const char *what)
{
	XS_FUZZ_CHECK(s != NULL, "%s is NULL", what);
	if (!inside(s, 1, data, size)) {
		XS_FUZZ_CHECK(s[0] == 0, "%s points outside the input", what);
		return;
	}
	XS_FUZZ_CHECK(memchr(s, 0, (size_t)(data + size - (const uint8_t *)s)) != NULL,
		      "%s is not terminated inside the input", what);
}

static void check_ref(const struct xs_object *o, const struct xs_lp_ref *r, const uint8_t *data,
		      size_t size, const char *what)
{
	if (r->sym == XS_LP_NONE) {
		XS_FUZZ_CHECK(r->name == NULL && !r->undefined && r->addend == 0,
			      "%s: no relocation but name/undefined/addend set", what);
		return;
	}
	XS_FUZZ_CHECK(r->sym < xs_object_symbol_count(o), "%s: symbol %u >= %u", what, r->sym,
		      xs_object_symbol_count(o));
	check_str(r->name, data, size, what);
	struct xs_symbol y;
	xs_object_symbol(o, r->sym, &y);
	XS_FUZZ_CHECK(r->undefined == (y.shndx == 0), "%s: undefined flag %d, shndx %u", what,
		      (int)r->undefined, y.shndx);
}

static void check_build_id(const struct xs_object *o, const struct xs_lp_build_id *b,
			   const uint8_t *data, size_t size, const char *what)
{
	if (!b->id) {
		XS_FUZZ_CHECK(b->len == 0 && b->section == 0, "%s: absent but len/section set", what);
		return;
	}
	XS_FUZZ_CHECK(b->len > 0, "%s: empty build-id", what);
	XS_FUZZ_CHECK(b->section > 0 && b->section < xs_object_section_count(o),
		      "%s: section %u out of range", what, b->section);
	struct xs_section s;
	xs_object_section(o, b->section, &s);
	const uint8_t *sd = xs_object_section_data(o, b->section);
	XS_FUZZ_CHECK(sd && b->id >= sd && b->len <= s.size && b->id + b->len <= sd + s.size,
		      "%s: build-id outside its section", what);
	XS_FUZZ_CHECK(inside(b->id, b->len, data, size), "%s: build-id outside the input", what);

	/* Hex into every small buffer size and one big enough. */
	char buf[80];
	for (size_t n = 0; n < 12; n++) {
		memset(buf, 0x5a, sizeof(buf));
		size_t r = xs_build_id_hex(b->id, b->len, buf, n);
		XS_FUZZ_CHECK(r == 2 * (size_t)b->len, "%s: hex returned %zu for %u bytes", what, r,
			      b->len);
		for (size_t k = n; k < sizeof(buf); k++)
			XS_FUZZ_CHECK(buf[k] == 0x5a, "%s: hex wrote byte %zu of a %zu-byte buffer",
				      what, k, n);
		if (n)
			XS_FUZZ_CHECK(memchr(buf, 0, n) != NULL, "%s: hex not terminated in %zu", what,
				      n);
	}
	size_t big = 2 * (size_t)b->len + 1;
	char *hex = malloc(big);
	XS_FUZZ_CHECK(hex != NULL, "out of memory");
	xs_build_id_hex(b->id, b->len, hex, big);
	XS_FUZZ_CHECK(strlen(hex) == 2 * (size_t)b->len, "%s: hex length %zu for %u bytes", what,
		      strlen(hex), b->len);
	for (uint32_t i = 0; i < b->len; i++) {
		unsigned v;
		char two[3] = {hex[2 * i], hex[2 * i + 1], 0};
		XS_FUZZ_CHECK(sscanf(two, "%2x", &v) == 1 && v == b->id[i], "%s: hex byte %u", what,
			      i);
	}
	free(hex);
	XS_FUZZ_CHECK(xs_build_id_equal(b->id, b->len, b->id, b->len), "%s: not equal to itself",
		      what);
	XS_FUZZ_CHECK(!xs_build_id_equal(b->id, b->len, b->id, b->len - 1) || b->len == 0,
		      "%s: equal to a shorter one", what);
	XS_FUZZ_CHECK(!xs_build_id_equal(NULL, 0, b->id, b->len), "%s: equal to NULL", what);
}

static void check_notes(const uint8_t *notes, size_t size)
{
	const uint8_t *id = NULL;
	size_t len = 0;
	xs_status st = xs_note_build_id(notes, size, &id, &len);
	XS_FUZZ_CHECK(st == XS_OK || st == XS_E_NOT_FOUND || st == XS_E_BAD_PAYLOAD,
		      "xs_note_build_id returned %s", xs_status_name(st));
	if (st == XS_OK) {
		XS_FUZZ_CHECK(len > 0 && inside(id, len, notes, size),
			      "note build-id [%p,+%zu) outside [%p,+%zu)", (const void *)id, len,
			      (const void *)notes, size);
		volatile uint8_t sink = id[0] ^ id[len - 1];
		(void)sink;
	}
}

static void walk(const struct xs_object *o, const struct xs_payload *p, const uint8_t *data,
		 size_t size)
{
	XS_FUZZ_CHECK(p->obj == o, "payload does not point at its object");
	uint32_t nsec = xs_object_section_count(o);
	if (p->funcs_sec) {
		XS_FUZZ_CHECK(p->funcs_sec < nsec, "funcs section %u out of range", p->funcs_sec);
		struct xs_section s;
		xs_object_section(o, p->funcs_sec, &s);
		XS_FUZZ_CHECK(strcmp(s.name, XS_LP_SEC_FUNCS) == 0, "funcs section is %s", s.name);
		if (p->nfuncs) {
			XS_FUZZ_CHECK(p->func_size == XS_LP_FUNC_SIZE_V1 ||
					      p->func_size == XS_LP_FUNC_SIZE_V2,
				      "entry size %u", p->func_size);
			XS_FUZZ_CHECK((uint64_t)p->nfuncs * p->func_size == s.size,
				      "%u entries of %u bytes in %llu", p->nfuncs, p->func_size,
				      (unsigned long long)s.size);
		}
		if (p->funcs_rela) {
			struct xs_section r;
			XS_FUZZ_CHECK(p->funcs_rela < nsec, "funcs rela %u out of range",
				      p->funcs_rela);
			xs_object_section(o, p->funcs_rela, &r);
			XS_FUZZ_CHECK(r.type == 4 && r.info == p->funcs_sec,
				      "funcs rela %u is not a RELA for it", p->funcs_rela);
		}
	} else {
		XS_FUZZ_CHECK(p->nfuncs == 0, "%u functions without a section", p->nfuncs);
	}

	/* Functions, before linking. */
	for (uint32_t i = 0; i < p->nfuncs; i++) {
		struct xs_lp_func f;
		memset(&f, 0xa5, sizeof(f));
		xs_status st = xs_payload_func(p, i, &f);
		XS_FUZZ_CHECK(st == XS_OK, "function %u read %s after a good payload_read", i,
			      xs_status_name(st));
		XS_FUZZ_CHECK(f.index == i && f.version == p->version, "function %u: index %u version %u",
			      i, f.index, f.version);
		if (f.name)
			check_str(f.name, data, size, "function name");
		XS_FUZZ_CHECK(f.name || f.old_ref.sym != XS_LP_NONE || f.old_addr,
			      "function %u: neither a name nor an old address", i);
		XS_FUZZ_CHECK(f.expect_len <= XS_LP_EXPECT_MAX, "function %u: expect len %u", i,
			      f.expect_len);
		XS_FUZZ_CHECK(!f.nop || f.new_size, "function %u: NOP of size 0", i);
		check_ref(o, &f.name_ref, data, size, "name ref");
		check_ref(o, &f.new_ref, data, size, "new ref");
		check_ref(o, &f.old_ref, data, size, "old ref");
	}
	struct xs_lp_func past;
	XS_FUZZ_CHECK(xs_payload_func(p, p->nfuncs, &past) == XS_E_INVALID_ARG,
		      "function past the end accepted");
	XS_FUZZ_CHECK(xs_payload_func(p, UINT32_MAX, &past) == XS_E_INVALID_ARG,
		      "function UINT32_MAX accepted");

	/* Functions "after linking", over an exact-size copy of the raw entries. */
	if (p->nfuncs) {
		const uint8_t *raw = xs_object_section_data(o, p->funcs_sec);
		size_t n = (size_t)p->nfuncs * p->func_size;
		uint8_t *copy = malloc(n);
		XS_FUZZ_CHECK(raw && copy, "funcs data / out of memory");
		memcpy(copy, raw, n);
		for (uint32_t i = 0; i < p->nfuncs; i++) {
			struct xs_lp_func f;
			uint64_t name_addr = 1;
			XS_FUZZ_CHECK(xs_payload_func_linked(p, copy, i, &f, &name_addr) == XS_OK,
				      "linked function %u refused", i);
			uint64_t want;
			memcpy(&want, copy + (size_t)i * p->func_size, 8);
			XS_FUZZ_CHECK(name_addr == want && f.name == NULL && f.index == i,
				      "linked function %u: name %#llx", i,
				      (unsigned long long)name_addr);
			XS_FUZZ_CHECK(f.name_ref.sym == XS_LP_NONE && f.new_ref.sym == XS_LP_NONE &&
					      f.old_ref.sym == XS_LP_NONE,
				      "linked function %u has references", i);
			XS_FUZZ_CHECK(f.nop == (f.new_addr == 0), "linked function %u nop flag", i);
			(void)xs_payload_func_linked(p, copy, i, &f, NULL);
		}
		XS_FUZZ_CHECK(xs_payload_func_linked(p, copy, p->nfuncs, &past, NULL) ==
				      XS_E_INVALID_ARG,
			      "linked function past the end accepted");
		free(copy);
	}
	XS_FUZZ_CHECK(xs_payload_func_linked(p, NULL, 0, &past, NULL) == XS_E_INVALID_ARG,
		      "linked function with NULL entries accepted");

	/* Hooks. */
	for (unsigned h = 0; h < XS_LP_HOOK_COUNT; h++) {
		const char *sn = xs_lp_hook_section((enum xs_lp_hook)h);
		XS_FUZZ_CHECK(sn && strncmp(sn, ".livepatch.hooks.", 17) == 0, "hook %u name", h);
		if (!p->hook_sec[h]) {
			XS_FUZZ_CHECK(p->nhooks[h] == 0, "hook %u: %u entries without a section", h,
				      p->nhooks[h]);
			continue;
		}
		XS_FUZZ_CHECK(p->hook_sec[h] < nsec, "hook %u section out of range", h);
		struct xs_section s;
		xs_object_section(o, p->hook_sec[h], &s);
		XS_FUZZ_CHECK(strcmp(s.name, sn) == 0, "hook %u section is %s", h, s.name);
		XS_FUZZ_CHECK((uint64_t)p->nhooks[h] * 8 == s.size, "hook %u: %u entries in %llu", h,
			      p->nhooks[h], (unsigned long long)s.size);
		if (h != XS_LP_HOOK_LOAD && h != XS_LP_HOOK_UNLOAD)
			XS_FUZZ_CHECK(p->nhooks[h] == 1, "action hook %u with %u entries", h,
				      p->nhooks[h]);
		const uint8_t *raw = xs_object_section_data(o, p->hook_sec[h]);
		uint8_t *copy = malloc(s.size ? s.size : 1);
		XS_FUZZ_CHECK(copy != NULL, "out of memory");
		if (s.size) {
			XS_FUZZ_CHECK(raw != NULL, "hook %u section without data", h);
			memcpy(copy, raw, s.size);
		}
		for (uint32_t j = 0; j < p->nhooks[h]; j++) {
			struct xs_lp_ref r;
			xs_status st = xs_payload_hook(p, (enum xs_lp_hook)h, j, &r);
			XS_FUZZ_CHECK(st == XS_OK, "hook %u/%u read %s", h, j, xs_status_name(st));
			XS_FUZZ_CHECK(r.sym != XS_LP_NONE, "hook %u/%u without relocation", h, j);
			check_ref(o, &r, data, size, "hook ref");
			uint64_t want;
			memcpy(&want, copy + (size_t)j * 8, 8);
			XS_FUZZ_CHECK(xs_payload_hook_linked(copy, j) == want, "hook %u/%u linked", h,
				      j);
		}
		struct xs_lp_ref r;
		XS_FUZZ_CHECK(xs_payload_hook(p, (enum xs_lp_hook)h, p->nhooks[h], &r) ==
				      XS_E_INVALID_ARG,
			      "hook past the end accepted");
		free(copy);
	}
	XS_FUZZ_CHECK(!p->nhooks[XS_LP_HOOK_APPLY] == !p->nhooks[XS_LP_HOOK_REVERT],
		      "apply and revert action hooks not paired");
	struct xs_lp_ref r;
	XS_FUZZ_CHECK(xs_payload_hook(p, XS_LP_HOOK_COUNT, 0, &r) == XS_E_INVALID_ARG,
		      "hook kind past the end accepted");
	XS_FUZZ_CHECK(xs_payload_hook_linked(NULL, 3) == 0, "hook_linked(NULL)");
	XS_FUZZ_CHECK(strcmp(xs_lp_hook_section(XS_LP_HOOK_COUNT), "?") == 0, "hook name past end");

	/* Build-ids. */
	check_build_id(o, &p->build_id, data, size, "build-id");
	check_build_id(o, &p->depends, data, size, "depends");
	check_build_id(o, &p->xen_depends, data, size, "xen_depends");
	if (p->build_id.id && p->depends.id)
		XS_FUZZ_CHECK(xs_build_id_equal(p->build_id.id, p->build_id.len, p->depends.id,
						p->depends.len) ==
				      xs_build_id_equal(p->depends.id, p->depends.len, p->build_id.id,
							p->build_id.len),
			      "build-id comparison not symmetric");
}

int xs_fuzz_one(const uint8_t *data, size_t size)
{
	uint8_t *saved = malloc(size ? size : 1);
	XS_FUZZ_CHECK(saved != NULL, "out of memory");
	memcpy(saved, data, size);

	/* Hostile notes: the input itself, and its tail past any prefix. */
	check_notes(data, size);
	if (size > 12)
		check_notes(data + 12, size - 12);
	check_notes(NULL, 0);

	uint16_t own = size >= 20 ? (uint16_t)(data[18] | data[19] << 8) : 0;
	const uint16_t machines[2] = {own, 0};
	for (unsigned m = 0; m < 2; m++) {
		struct xs_object o;
		struct xs_diag d;
		memset(&d, 0x5a, sizeof(d));
		xs_status st = xs_object_parse(&o, data, size, machines[m], &d);
		if (st != XS_OK) {
			check_diag(&d, st);
			continue;
		}
		/* Every note section, whatever its name. */
		for (uint32_t i = 1; i < xs_object_section_count(&o); i++) {
			struct xs_section s;
			xs_object_section(&o, i, &s);
			const uint8_t *sd = xs_object_section_data(&o, i);
			if (s.type == 7 /* SHT_NOTE */ && sd)
				check_notes(sd, (size_t)s.size);
		}
		struct xs_payload p;
		memset(&d, 0x5a, sizeof(d));
		memset(&p, 0xa5, sizeof(p));
		st = xs_payload_read(&p, &o, &d);
		if (st != XS_OK) {
			check_diag(&d, st);
			XS_FUZZ_CHECK(st == XS_E_BAD_PAYLOAD, "payload_read returned %s",
				      xs_status_name(st));
		} else {
			walk(&o, &p, data, size);
		}
		/* Without a diagnostic record: the same outcome. */
		struct xs_payload q;
		xs_status st2 = xs_payload_read(&q, &o, NULL);
		XS_FUZZ_CHECK(st2 == st, "payload_read %s with a diagnostic, %s without",
			      xs_status_name(st), xs_status_name(st2));
		if (m == 0 && own == 0)
			break; /* the second pass would repeat the first */
	}
	XS_FUZZ_CHECK(xs_payload_read(NULL, NULL, NULL) == XS_E_INVALID_ARG, "NULL payload");
	XS_FUZZ_CHECK(memcmp(saved, data, size) == 0, "the input was modified");
	free(saved);
	return 0;
}
