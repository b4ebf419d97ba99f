/* SPDX-License-Identifier: MIT */
/*
 * Target "object": xs_object_parse on the raw bytes, for either machine,
 * then every accessor over everything it reports. The parser promises that
 * after XS_OK no accessor reads outside the buffer (ASan checks that: the
 * drivers hand an exact-size heap copy) and that names are NUL-terminated
 * inside it; on failure, a diagnostic whose message is a terminated string.
 */
#include <string.h>

#include <xsplice/object.h>
#include <xsplice/status.h>

#include "../common/xs_fuzz.h"

/* A pointer into the input that must stay inside it, and its string end too. */
static void check_str(const char *s, const uint8_t *data, size_t size, const char *what)
{
	XS_FUZZ_CHECK(s != NULL, "%s is NULL", what);
	if (s[0] == 0 && ((const uint8_t *)s < data || (const uint8_t *)s >= data + size))
		return; /* a static "" */
	XS_FUZZ_CHECK((const uint8_t *)s >= data && (const uint8_t *)s < data + size,
		      "%s points outside the input", what);
	XS_FUZZ_CHECK(memchr(s, 0, (size_t)(data + size - (const uint8_t *)s)) != NULL,
		      "%s is not terminated inside the input", what);
}

static void check_diag(const struct xs_diag *d, xs_status st)
{
	XS_FUZZ_CHECK(memchr(d->msg, 0, sizeof(d->msg)) != NULL, "diag msg not terminated");
	XS_FUZZ_CHECK(memchr(d->section_name, 0, sizeof(d->section_name)) != NULL,
		      "diag section_name not terminated");
	XS_FUZZ_CHECK(memchr(d->symbol_name, 0, sizeof(d->symbol_name)) != NULL,
		      "diag symbol_name not terminated");
	XS_FUZZ_CHECK(memchr(d->reloc_name, 0, sizeof(d->reloc_name)) != NULL,
		      "diag reloc_name not terminated");
	XS_FUZZ_CHECK(d->status == st, "diag status %d, returned %d", (int)d->status, (int)st);
	XS_FUZZ_CHECK(st > XS_OK && st < XS_STATUS_COUNT, "status %d out of range", (int)st);
	XS_FUZZ_CHECK(d->msg[0] != 0, "failure %s without a message", xs_status_name(st));
}

static void walk(const struct xs_object *o, const uint8_t *data, size_t size)
{
	uint32_t nsec = xs_object_section_count(o), nsym = xs_object_symbol_count(o);
	volatile uint64_t sink = 0;

	XS_FUZZ_CHECK(nsec >= 1, "parsed object with no sections");
	for (uint32_t i = 0; i < nsec; i++) {
		struct xs_section s;
		xs_object_section(o, i, &s);
		check_str(s.name, data, size, "section name");
		const uint8_t *p = xs_object_section_data(o, i);
		if (p) {
			XS_FUZZ_CHECK(p >= data && s.size <= size && p + s.size <= data + size,
				      "section %u data outside the input", i);
			if (s.size)
				sink += p[0] + p[s.size - 1];
		}
		uint64_t n = xs_object_rela_count(o, i);
		if (n) {
			XS_FUZZ_CHECK(s.type == 4, "rela count %llu for a non-RELA section %u",
				      (unsigned long long)n, i);
			struct xs_section t;
			XS_FUZZ_CHECK(s.info > 0 && s.info < nsec, "rela target %u out of range",
				      s.info);
			xs_object_section(o, s.info, &t);
			for (uint64_t j = 0; j < n; j++) {
				struct xs_rela r;
				xs_object_rela(o, i, j, &r);
				XS_FUZZ_CHECK(r.sym < nsym, "rela sym %u >= %u", r.sym, nsym);
				XS_FUZZ_CHECK(r.offset <= t.size, "rela offset %#llx past section size",
					      (unsigned long long)r.offset);
				sink += r.offset ^ (uint64_t)r.addend ^ r.type;
			}
			struct xs_rela past;
			xs_object_rela(o, i, n, &past); /* one past the end: must be harmless */
		}
		/* find_section must find the first section of this name. */
		uint32_t k = xs_object_find_section(o, s.name);
		if (i > 0 && s.name[0]) {
			XS_FUZZ_CHECK(k != 0 && k <= i, "find_section(%s) = %u, expected <= %u",
				      s.name, k, i);
		}
	}
	/* Out-of-range indices are documented as harmless. */
	struct xs_section none;
	xs_object_section(o, nsec, &none);
	XS_FUZZ_CHECK(xs_object_section_data(o, nsec) == NULL, "data for section past the end");
	XS_FUZZ_CHECK(xs_object_rela_count(o, nsec) == 0, "relas for section past the end");

	for (uint32_t i = 0; i < nsym; i++) {
		struct xs_symbol y;
		xs_object_symbol(o, i, &y);
		check_str(y.name, data, size, "symbol name");
		XS_FUZZ_CHECK(y.section < nsec, "symbol %u section %u >= %u", i, y.section, nsec);
		if (y.section) {
			struct xs_section s;
			xs_object_section(o, y.section, &s);
			XS_FUZZ_CHECK(y.value <= s.size, "symbol %u value past its section", i);
		}
		sink += y.value + y.size;
	}
	struct xs_symbol ynone;
	xs_object_symbol(o, nsym, &ynone);
	(void)xs_object_find_section(o, ".text");
	(void)xs_object_find_section(o, "");
	(void)sink;
}

int xs_fuzz_one(const uint8_t *data, size_t size)
{
	static const uint16_t machines[] = { 0, 62, 183 };
	/* One parse per machine filter: a mismatch must be refused cleanly. */
	for (unsigned m = 0; m < sizeof(machines) / sizeof(machines[0]); m++) {
		struct xs_object o;
		struct xs_diag d;
		memset(&d, 0x5a, sizeof(d)); /* the parser must clear it */
		xs_status st = xs_object_parse(&o, data, size, machines[m], &d);
		if (st != XS_OK) {
			check_diag(&d, st);
			XS_FUZZ_CHECK(xs_object_section_count(&o) == 0,
				      "a failed parse left %u sections", xs_object_section_count(&o));
			continue;
		}
		walk(&o, data, size);
	}
	/* No diagnostic record: the same checks must not need one. */
	struct xs_object o;
	(void)xs_object_parse(&o, data, size, 0, NULL);
	/* Commons accepted (the program-loader mode): the rest must still hold. */
	struct xs_diag d;
	if (xs_object_parse_ex(&o, data, size, 0, XS_OBJECT_ALLOW_COMMON, &d) == XS_OK)
		walk(&o, data, size);
	else
		check_diag(&d, d.status);
	return 0;
}
