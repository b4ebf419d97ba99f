/* SPDX-License-Identifier: MIT */
/* `xsplice inspect`: the .livepatch.* sections of a payload, decoded (docs/payload.md). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include <xsplice/livepatch.h>
#include <xsplice/object.h>

#include "tool.h"

static bool has_livepatch_sections(const struct xs_object *o)
{
	uint32_t n = xs_object_section_count(o);
	for (uint32_t i = 1; i < n; i++) {
		struct xs_section s;
		xs_object_section(o, i, &s);
		if (s.name && strncmp(s.name, ".livepatch.", 11) == 0)
			return true;
	}
	return false;
}

static void print_ref(const char *what, const struct xs_lp_ref *r, uint64_t raw)
{
	if (r->sym == XS_LP_NONE) {
		printf("    %-9s %#llx%s\n", what, (unsigned long long)raw,
		       raw ? " (absolute)" : " (looked up by name)");
		return;
	}
	printf("    %-9s %s", what, r->name ? r->name : "?");
	if (r->addend)
		printf(" %c %#llx", r->addend < 0 ? '-' : '+',
		       r->addend < 0 ? -(unsigned long long)r->addend
				     : (unsigned long long)r->addend);
	printf("%s\n", r->undefined ? " (undefined: resolved in the host)" : "");
}

static void print_id(const char *what, const struct xs_lp_build_id *b)
{
	char hex[2 * 64 + 1];
	if (!b->id) {
		printf("    %-23s (none)\n", what);
		return;
	}
	if (b->len * 2 + 1 > sizeof(hex)) {
		printf("    %-23s (%u bytes)\n", what, b->len);
		return;
	}
	xs_build_id_hex(b->id, b->len, hex, sizeof(hex));
	printf("    %-23s %s\n", what, hex);
}

void xs_tool_print_livepatch(const struct xs_object *o)
{
	struct xs_payload p;
	struct xs_diag d;
	if (!has_livepatch_sections(o))
		return;
	xs_diag_clear(&d);
	printf("\nLivepatch payload:\n");
	xs_status s = xs_payload_read(&p, o, &d);
	if (s != XS_OK) {
		printf("  malformed: %s\n", xs_tool_diag(&d, s));
		return;
	}
	printf("  version %u, %u function%s\n", p.version, p.nfuncs, p.nfuncs == 1 ? "" : "s");
	for (uint32_t i = 0; i < p.nfuncs; i++) {
		struct xs_lp_func f;
		xs_diag_clear(&d);
		if ((s = xs_payload_func(&p, i, &f)) != XS_OK) {
			printf("  [%u] malformed: %s\n", i, xs_tool_diag(&d, s));
			continue;
		}
		printf("  [%u] %s\n", i, f.name ? f.name : "(no name)");
		print_ref("old", &f.old_ref, f.old_addr);
		if (f.nop)
			printf("    %-9s (none: %u bytes of NOPs)\n", "new", f.new_size);
		else
			print_ref("new", &f.new_ref, f.new_addr);
		printf("    %-9s %u%s\n", "old_size", f.old_size, f.old_size ? "" : " (unknown)");
		printf("    %-9s %u%s\n", "new_size", f.new_size,
		       f.new_size || f.nop ? "" : " (unknown)");
		printf("    %-9s %u\n", "version", f.version);
		if (f.version < 2)
			continue;
		printf("    %-9s ", "expect");
		if (!f.expect_enabled) {
			printf("disabled\n");
		} else {
			printf("%u bytes:", f.expect_len);
			for (unsigned k = 0; k < f.expect_len; k++)
				printf(" %02x", f.expect[k]);
			printf("\n");
		}
	}
	printf("  hooks:\n");
	unsigned nh = 0;
	for (int h = 0; h < XS_LP_HOOK_COUNT; h++)
		for (uint32_t j = 0; j < p.nhooks[h]; j++) {
			struct xs_lp_ref r;
			nh++;
			if (xs_payload_hook(&p, (enum xs_lp_hook)h, j, &r) != XS_OK) {
				printf("    %-28s [%u] malformed\n",
				       xs_lp_hook_section((enum xs_lp_hook)h), j);
				continue;
			}
			printf("    %-28s [%u] %s\n", xs_lp_hook_section((enum xs_lp_hook)h), j,
			       r.name ? r.name : "?");
		}
	if (!nh)
		printf("    (none)\n");
	printf("  dependencies:\n");
	print_id(XS_LP_SEC_XEN_DEPENDS, &p.xen_depends);
	print_id(XS_LP_SEC_DEPENDS, &p.depends);
	print_id(XS_LP_SEC_BUILD_ID, &p.build_id);
}
