/* SPDX-License-Identifier: MIT */
/* `check` and `bind`: their arguments and the per-function table. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xsplice/livepatch.h>
#include <xsplice/tramp.h>

#include "check.h"
#include "tool.h"

static const char *hex(const uint8_t *id, size_t len, char *buf, size_t size)
{
	if (!id)
		return "(none)";
	xs_build_id_hex(id, len, buf, size);
	return buf;
}

void xs_check_print(const struct xs_check *c)
{
	char a[128], b[128];
	const struct xs_payload *pl = &c->p.pl;
	printf("payload  %s (%s, %u function%s, build-id %s)\n", c->p.path,
	       c->im.machine == 62 ? "x86_64" : "aarch64", pl->nfuncs, pl->nfuncs == 1 ? "" : "s",
	       hex(pl->build_id.id, pl->build_id.len, a, sizeof(a)));
	printf("image    %s (build-id %s)\n", c->im.path,
	       hex(c->im.build_id, c->im.build_id_len, b, sizeof(b)));
	for (size_t i = 0; i < c->nafter; i++)
		printf("after    %s (build-id %s)\n", c->after[i].path,
		       hex(c->after[i].pl.build_id.id, c->after[i].pl.build_id.len, a, sizeof(a)));
	printf("xen_depends %s\n", hex(pl->xen_depends.id, pl->xen_depends.len, a, sizeof(a)));
	printf("depends     %s\n", hex(pl->depends.id, pl->depends.len, a, sizeof(a)));
	printf("load address %#llx; %llu branches in %llu instructions scanned\n",
	       (unsigned long long)c->at, (unsigned long long)c->bs.n,
	       (unsigned long long)c->bs.insns);
	printf("\n  %3s %-32s %-18s %5s %5s %8s  %-18s %8s  %-10s %-7s %s\n", "#", "function",
	       "old_addr", "entry", "room", "old_size", "new_addr", "new_size", "jump", "expect",
	       "result");
	for (uint32_t i = 0; i < c->nfuncs; i++) {
		const struct xs_check_func *cf = &c->funcs[i];
		char jump[32], exp[16], na[24];
		if (cf->planned)
			snprintf(jump, sizeof(jump), "%s/%u", xs_tramp_form_name(cf->plan.form),
				 cf->plan.len);
		else
			snprintf(jump, sizeof(jump), "-");
		if (cf->f.expect_enabled)
			snprintf(exp, sizeof(exp), "%u bytes", cf->f.expect_len);
		else
			snprintf(exp, sizeof(exp), "-");
		if (cf->f.nop)
			snprintf(na, sizeof(na), "(nop)");
		else if (cf->new_known)
			snprintf(na, sizeof(na), "%#llx", (unsigned long long)cf->new_addr);
		else
			snprintf(na, sizeof(na), "?");
		printf("  %3u %-32s %#-18llx %5u %5llu %8u  %-18s %8u  %-10s %-7s %s\n", i,
		       cf->name[0] ? cf->name : "?", (unsigned long long)cf->old_addr, cf->entry,
		       (unsigned long long)cf->room, cf->f.old_size, na, cf->f.new_size, jump, exp,
		       cf->ok ? "ok" : "REFUSED");
	}
	printf("\nundefined symbols: %u, %u resolved\n", c->nundef, c->nundef_ok);
	if (c->nreasons)
		printf("result: refused (%zu reason%s)\n", c->nreasons,
		       c->nreasons == 1 ? "" : "s");
	else
		printf("result: ok\n");
}

int xs_check_parse_args(int argc, char **argv, struct xs_check *c, const char **payload,
			const char **out, const char *cmd, const char *help)
{
	for (int i = 1; i < argc; i++) {
		const char *v;
		int m;
		if (xs_tool_is_help(argv[i])) {
			fputs(help, stdout);
			return -1;
		}
		if ((m = xs_tool_opt(argc, argv, &i, "--image", &v)) != 0) {
			if (m < 0)
				return XS_EXIT_USAGE;
			c->image_path = v;
		} else if ((m = xs_tool_opt(argc, argv, &i, "--after", &v)) != 0) {
			if (m < 0)
				return XS_EXIT_USAGE;
			const char **p = realloc(c->after_paths, (c->nafter + 1) * sizeof(*p));
			if (!p)
				return xs_tool_error("out of memory");
			c->after_paths = p;
			p[c->nafter++] = v;
		} else if ((m = xs_tool_opt(argc, argv, &i, "--at", &v)) != 0) {
			if (m < 0)
				return XS_EXIT_USAGE;
			if (!xs_tool_parse_u64(v, &c->at))
				return xs_tool_usage("--at: bad address '%s'", v);
			c->have_at = true;
		} else if (out && (m = xs_tool_opt(argc, argv, &i, "-o", &v)) != 0) {
			if (m < 0)
				return XS_EXIT_USAGE;
			*out = v;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return xs_tool_usage("%s: unknown option '%s'", cmd, argv[i]);
		} else if (*payload) {
			return xs_tool_usage("%s: one payload only ('%s' and '%s')", cmd, *payload,
					     argv[i]);
		} else {
			*payload = argv[i];
		}
	}
	if (!*payload)
		return xs_tool_usage("%s: no payload", cmd);
	if (!c->image_path)
		return xs_tool_usage("%s: no --image IMAGE", cmd);
	return 0;
}
