/* SPDX-License-Identifier: MIT */
/*
 * `xsplice check PAYLOAD --image IMAGE [--after PAYLOAD]... [--at ADDR]`:
 * what Xen verifies only when a payload is loaded, done before anything is
 * uploaded - build-id dependencies, every old function resolved, its site
 * big enough for the jump chosen at the load address, the expected bytes,
 * no branch into a site, every undefined symbol defined. Every reason is
 * reported, not just the first.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xsplice/livepatch.h>
#include <xsplice/object.h>
#include <xsplice/symtab.h>
#include <xsplice/tramp.h>

#include "check.h"
#include "tool.h"

static const char check_help[] =
    "usage: xsplice check PAYLOAD --image IMAGE [--after PAYLOAD]... [--at ADDR]\n"
    "\n"
    "Check a livepatch payload (Xen's format, docs/payload.md) against the image\n"
    "it is meant for, before it is uploaded. Refused, each with its own message:\n"
    "  - no .livepatch.xen_depends, or one that differs from IMAGE's build-id;\n"
    "  - no .livepatch.depends, or one that differs from the build-id of the last\n"
    "    --after payload (of IMAGE when there is none);\n"
    "  - an old function that is missing from IMAGE or ambiguous (use file#name);\n"
    "  - a site whose room (function + padding, after an ENDBR64/BTI) is below\n"
    "    the jump chosen for the load address; an old_size of 0, beyond the\n"
    "    function and its padding, or below that jump;\n"
    "  - expected bytes (expect) that differ from IMAGE's at the patch point;\n"
    "  - a direct branch anywhere in IMAGE that lands inside the bytes the patch\n"
    "    overwrites (other than at the patch point);\n"
    "  - an undefined symbol that neither IMAGE nor an --after payload defines.\n"
    "\n"
    "  --image IMAGE    the host image (ELF executable with a symbol table)\n"
    "  --after PAYLOAD  a payload applied before this one (repeatable, in order);\n"
    "                   its global symbols may be used\n"
    "  --at ADDR        load address of the payload (default: the first page\n"
    "                   after IMAGE's end), which decides the jump form\n"
    "\n"
    "Prints a table per function; exit status 0 when everything holds, else 1\n"
    "with every reason on stderr.\n";

#define XS_SHF_ALLOC_ 0x2ull
#define XS_SHF_WRITE_ 0x1ull
#define XS_SHF_EXECINSTR_ 0x4ull

static bool reason(struct xs_check *c, enum xs_check_kind k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool reason(struct xs_check *c, enum xs_check_kind k, const char *fmt, ...)
{
	struct xs_check_reason *r = realloc(c->reasons, (c->nreasons + 1) * sizeof(*r));
	if (!r)
		return false;
	c->reasons = r;
	r += c->nreasons++;
	r->kind = k;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	return true;
}

static const char *hex(const uint8_t *id, size_t len, char *buf, size_t size)
{
	if (!id)
		return "(none)";
	xs_build_id_hex(id, len, buf, size);
	return buf;
}

static bool load_payload(struct xs_check_payload *p, const char *path, uint16_t machine, char *err,
			 size_t errsize)
{
	char ferr[600];
	struct xs_diag d;
	xs_status s;
	memset(p, 0, sizeof(*p));
	p->path = path;
	if (!xs_tool_read_file(path, &p->buf, &p->size, ferr, sizeof(ferr))) {
		snprintf(err, errsize, "%s", ferr);
		return false;
	}
	xs_diag_clear(&d);
	if ((s = xs_object_parse(&p->obj, p->buf, p->size, machine, &d)) != XS_OK ||
	    (s = xs_payload_read(&p->pl, &p->obj, &d)) != XS_OK) {
		snprintf(err, errsize, "%s: %s", path, xs_tool_diag(&d, s));
		return false;
	}
	return true;
}

bool xs_check_load(struct xs_check *c, const char *payload, char *err, size_t errsize)
{
	if (!xs_tool_image_load(&c->im, c->image_path, 0, err, errsize))
		return false;
	if (!load_payload(&c->p, payload, c->im.machine, err, errsize))
		return false;
	c->after = calloc(c->nafter ? c->nafter : 1, sizeof(*c->after));
	if (!c->after) {
		snprintf(err, errsize, "out of memory");
		return false;
	}
	for (size_t i = 0; i < c->nafter; i++)
		if (!load_payload(&c->after[i], c->after_paths[i], c->im.machine, err, errsize))
			return false;
	if (!xs_branchscan_image(&c->im, &c->bs, err, errsize))
		return false;
	return true;
}

void xs_check_free(struct xs_check *c)
{
	xs_tool_image_free(&c->im);
	free(c->p.buf);
	for (size_t i = 0; c->after && i < c->nafter; i++)
		free(c->after[i].buf);
	free(c->after);
	xs_branchscan_free(&c->bs);
	free(c->sec_addr);
	free(c->funcs);
	free(c->reasons);
}

/* ---- dependencies -------------------------------------------------------- */

static bool check_depends(struct xs_check *c)
{
	char a[128], b[128];
	const struct xs_payload *pl = &c->p.pl;
	const char *pp = c->p.path, *ip = c->im.path;
	if (!c->im.build_id)
		return reason(c, XS_CK_BUILD_ID,
			      "wrong build-id: image %s has no build-id (.note.gnu.build-id); a "
			      "payload cannot be bound to it",
			      ip);
	if (!pl->xen_depends.id) {
		if (!reason(c, XS_CK_NO_XEN_DEPENDS,
			    "no .livepatch.xen_depends: %s does not say which image build it "
			    "applies to (Xen refuses it; xsplice bind adds %s's build-id %s)",
			    pp, ip, hex(c->im.build_id, c->im.build_id_len, a, sizeof(a))))
			return false;
	} else if (!xs_build_id_equal(pl->xen_depends.id, pl->xen_depends.len, c->im.build_id,
				      c->im.build_id_len)) {
		if (!reason(c, XS_CK_BUILD_ID,
			    "wrong build-id: .livepatch.xen_depends is %s, image %s is %s",
			    hex(pl->xen_depends.id, pl->xen_depends.len, a, sizeof(a)), ip,
			    hex(c->im.build_id, c->im.build_id_len, b, sizeof(b))))
			return false;
	}
	const uint8_t *want = c->im.build_id;
	size_t want_len = c->im.build_id_len;
	const char *what = ip;
	if (c->nafter) {
		const struct xs_check_payload *last = &c->after[c->nafter - 1];
		want = last->pl.build_id.id;
		want_len = last->pl.build_id.len;
		what = last->path;
		if (!want)
			return reason(
			    c, XS_CK_BUILD_ID,
			    "wrong build-id: --after %s has no .note.gnu.build-id to depend on",
			    what);
	}
	if (!pl->depends.id)
		return reason(c, XS_CK_NO_DEPENDS,
			      "no .livepatch.depends: %s does not say what it stacks on (expected "
			      "%s of %s)",
			      pp, hex(want, want_len, a, sizeof(a)), what);
	if (!xs_build_id_equal(pl->depends.id, pl->depends.len, want, want_len))
		return reason(c, XS_CK_BUILD_ID,
			      "wrong build-id: .livepatch.depends is %s, expected %s of %s%s",
			      hex(pl->depends.id, pl->depends.len, a, sizeof(a)),
			      hex(want, want_len, b, sizeof(b)), what,
			      c->nafter ? " (the last --after payload)"
					: " (give the payloads it stacks on with --after)");
	return true;
}

/* ---- symbols ------------------------------------------------------------- */

/* A global an --after payload defines (it is exported to later payloads). */
static bool after_defines(const struct xs_check *c, const char *name)
{
	for (size_t i = c->nafter; i-- > 0;) {
		const struct xs_object *o = &c->after[i].obj;
		uint32_t n = xs_object_symbol_count(o);
		for (uint32_t k = 1; k < n; k++) {
			struct xs_symbol y;
			xs_object_symbol(o, k, &y);
			if (y.shndx == SHN_UNDEF || (y.bind != STB_GLOBAL && y.bind != STB_WEAK))
				continue;
			if (y.name && strcmp(y.name, name) == 0)
				return true;
		}
	}
	return false;
}

static bool check_undefined(struct xs_check *c)
{
	const struct xs_object *o = &c->p.obj;
	uint32_t n = xs_object_symbol_count(o);
	for (uint32_t k = 1; k < n; k++) {
		struct xs_symbol y;
		xs_object_symbol(o, k, &y);
		if (y.shndx != SHN_UNDEF || !y.name || !y.name[0])
			continue;
		c->nundef++;
		uint32_t idx;
		struct xs_diag d;
		xs_diag_clear(&d);
		if (after_defines(c, y.name) ||
		    xs_symtab_lookup(&c->im.tab, y.name, XS_LOOKUP_GLOBAL, &idx, NULL) == XS_OK) {
			c->nundef_ok++;
			continue;
		}
		xs_status s = xs_symtab_lookup(&c->im.tab, y.name, 0, &idx, &d);
		if (s == XS_OK) {
			c->nundef_ok++;
			continue;
		}
		if (y.bind == STB_WEAK && s == XS_E_NOT_FOUND) {
			c->nundef_ok++; /* a weak undefined symbol is 0 */
			continue;
		}
		if (!reason(c, s == XS_E_AMBIGUOUS_SYMBOL ? XS_CK_AMBIGUOUS : XS_CK_UNDEFINED,
			    s == XS_E_AMBIGUOUS_SYMBOL ? "ambiguous symbol: undefined symbol %s: %s"
						       : "undefined symbol %s: defined neither in "
							 "%s nor in an --after payload%s",
			    y.name, s == XS_E_AMBIGUOUS_SYMBOL ? d.msg : c->im.path, ""))
			return false;
	}
	return true;
}

/* ---- layout at the load address ------------------------------------------ */

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) & ~(a - 1) : v;
}

/* Text, then read-only, then writable sections, from the load address (as the linker's regions). */
static uint64_t layout(struct xs_check *c)
{
	const struct xs_object *o = &c->p.obj;
	uint32_t n = xs_object_section_count(o);
	uint64_t cur = c->at;
	for (int pass = 0; pass < 3; pass++)
		for (uint32_t i = 1; i < n; i++) {
			struct xs_section s;
			xs_object_section(o, i, &s);
			if (!(s.flags & XS_SHF_ALLOC_))
				continue;
			int kind = (s.flags & XS_SHF_EXECINSTR_) ? 0
				   : (s.flags & XS_SHF_WRITE_)	 ? 2
								 : 1;
			if (kind != pass)
				continue;
			cur = align_up(cur, s.align ? s.align : 1);
			c->sec_addr[i] = cur;
			cur += s.size;
		}
	return cur;
}

/* The size of the payload function a reference points at, 0 if unknown. */
static uint64_t ref_size(const struct xs_object *o, const struct xs_lp_ref *r)
{
	if (r->sym == XS_LP_NONE || r->undefined)
		return 0;
	struct xs_symbol y;
	xs_object_symbol(o, r->sym, &y);
	if ((y.type == STT_FUNC || y.type == STT_OBJECT) && r->addend == 0)
		return y.size;
	if (y.type != STT_SECTION)
		return 0;
	uint32_t n = xs_object_symbol_count(o);
	for (uint32_t k = 1; k < n; k++) {
		struct xs_symbol z;
		xs_object_symbol(o, k, &z);
		if (z.section == y.section && z.type == STT_FUNC && z.value == (uint64_t)r->addend)
			return z.size;
	}
	return 0;
}

/* ---- one function -------------------------------------------------------- */

static bool resolve_old(struct xs_check *c, struct xs_check_func *cf)
{
	const struct xs_lp_func *f = &cf->f;
	uint32_t idx;
	struct xs_diag d;
	xs_diag_clear(&d);
	if (f->old_ref.sym != XS_LP_NONE) {
		snprintf(cf->name, sizeof(cf->name), "%s", f->old_ref.name ? f->old_ref.name : "?");
		if (!f->old_ref.undefined)
			return reason(c, XS_CK_OTHER,
				      "function %u: old_addr points into the payload itself (%s)",
				      f->index, cf->name);
		xs_status s = xs_symtab_lookup(&c->im.tab, cf->name, XS_LOOKUP_GLOBAL, &idx, NULL);
		if (s != XS_OK)
			s = xs_symtab_lookup(&c->im.tab, cf->name, 0, &idx, &d);
		if (s == XS_E_AMBIGUOUS_SYMBOL)
			return reason(c, XS_CK_AMBIGUOUS, "ambiguous symbol: %s", d.msg);
		if (s != XS_OK)
			return reason(c, XS_CK_MISSING_SYMBOL, "missing symbol: %s is not in %s",
				      cf->name, c->im.path);
		cf->old_addr = xs_symtab_get(&c->im.tab, idx)->value + (uint64_t)f->old_ref.addend;
	} else if (f->old_addr) {
		uint64_t off;
		if (f->name)
			snprintf(cf->name, sizeof(cf->name), "%s", f->name);
		else if (xs_symtab_addr(&c->im.tab, f->old_addr, &idx, &off) == XS_OK) {
			char sym[200];
			xs_tool_image_name(&c->im, idx, sym, sizeof(sym));
			snprintf(cf->name, sizeof(cf->name), off ? "%s+%#llx" : "%s", sym,
				 (unsigned long long)off);
		} else
			snprintf(cf->name, sizeof(cf->name), "%#llx",
				 (unsigned long long)f->old_addr);
		cf->old_addr = f->old_addr;
	} else if (f->name) {
		snprintf(cf->name, sizeof(cf->name), "%s", f->name);
		xs_status s = xs_symtab_lookup(&c->im.tab, f->name, 0, &idx, &d);
		if (s == XS_E_AMBIGUOUS_SYMBOL)
			return reason(c, XS_CK_AMBIGUOUS,
				      "ambiguous symbol: %s (name a static as "
				      "file#name)",
				      d.msg);
		if (s != XS_OK)
			return reason(c, XS_CK_MISSING_SYMBOL, "missing symbol: %s is not in %s",
				      f->name, c->im.path);
		cf->old_addr = xs_symtab_get(&c->im.tab, idx)->value;
	} else {
		return reason(c, XS_CK_OTHER, "function %u has neither a name nor an old address",
			      f->index);
	}
	cf->site = xs_tool_image_site(&c->im, cf->old_addr);
	if (!cf->site)
		return reason(c, XS_CK_NOT_FUNCTION,
			      "missing symbol: %s: %#llx is not inside any function of %s",
			      cf->name, (unsigned long long)cf->old_addr, c->im.path);
	const struct xs_site *s = cf->site;
	cf->resolved = true;
	cf->avail = s->addr + s->size + s->padding - cf->old_addr;
	cf->fsize = s->addr + s->size - cf->old_addr;
	if (cf->old_addr == s->addr) {
		cf->entry = (unsigned)(s->patch_point - s->addr);
	} else {
		uint64_t n;
		const uint8_t *b = xs_tool_image_bytes(&c->im, cf->old_addr, &n);
		cf->entry = b ? xs_tramp_entry_size(xs_tramp_entry(c->im.machine, b, n)) : 0;
		if (cf->entry > cf->fsize)
			cf->entry = 0;
	}
	cf->room = cf->avail - cf->entry;
	return true;
}

static bool check_func(struct xs_check *c, struct xs_check_func *cf, uint64_t veneer)
{
	const struct xs_lp_func *f = &cf->f;
	size_t before = c->nreasons;
	unsigned min = c->im.machine == 62 ? XS_TRAMP_MIN_ROOM_X86_64 : XS_TRAMP_MIN_ROOM_AARCH64;

	/* the new code at the load address */
	cf->new_sym_size = ref_size(&c->p.obj, &f->new_ref);
	if (f->nop) {
		cf->new_known = true;
	} else if (f->new_ref.sym != XS_LP_NONE && !f->new_ref.undefined) {
		struct xs_symbol y;
		xs_object_symbol(&c->p.obj, f->new_ref.sym, &y);
		cf->new_addr = c->sec_addr[y.section] + y.value + (uint64_t)f->new_ref.addend;
		cf->new_known = y.section != 0 && c->sec_addr[y.section] != 0;
	} else if (f->new_ref.sym != XS_LP_NONE) {
		uint32_t idx;
		if (xs_symtab_lookup(&c->im.tab, f->new_ref.name, XS_LOOKUP_GLOBAL, &idx, NULL) ==
		    XS_OK) {
			cf->new_addr =
			    xs_symtab_get(&c->im.tab, idx)->value + (uint64_t)f->new_ref.addend;
			cf->new_known = true;
		}
	} else if (f->new_addr) {
		cf->new_addr = f->new_addr;
		cf->new_known = true;
	}

	if (!resolve_old(c, cf))
		return false;
	if (!cf->resolved)
		goto done;

	/* the jump the planner chooses at this load address */
	uint64_t navail;
	const uint8_t *live = xs_tool_image_bytes(&c->im, cf->old_addr, &navail);
	cf->need = f->nop ? f->new_size : min;
	if (!live) {
		if (!reason(c, XS_CK_OTHER, "%s: no bytes in %s at %#llx", cf->name, c->im.path,
			    (unsigned long long)cf->old_addr))
			return false;
		goto done;
	}
	struct xs_tramp_req rq = {
	    .machine = c->im.machine,
	    .site = cf->old_addr,
	    .room = cf->room,
	    .live = live,
	    .live_len = (size_t)(navail < 64 ? navail : 64),
	    .target = cf->new_addr,
	    .veneer = c->im.machine == 183 ? veneer : 0,
	    .nop_len = f->nop ? f->new_size : 0,
	};
	if (c->im.machine == 183 && !f->nop && f->new_ref.sym != XS_LP_NONE &&
	    !f->new_ref.undefined) {
		/* a PAC entry must be repeated by the new function: give the planner its bytes */
		struct xs_symbol y;
		xs_object_symbol(&c->p.obj, f->new_ref.sym, &y);
		const uint8_t *data = xs_object_section_data(&c->p.obj, y.section);
		struct xs_section sh;
		xs_object_section(&c->p.obj, y.section, &sh);
		uint64_t off = y.value + (uint64_t)f->new_ref.addend;
		if (data && off + 4 <= sh.size) {
			rq.target_code = data + off;
			rq.target_len = 4;
		}
	}
	struct xs_diag d;
	bool too_small = false;
	xs_diag_clear(&d);
	xs_status s = cf->new_known ? xs_tramp_plan(&rq, &cf->plan, &d) : XS_E_NOT_FOUND;
	if (s == XS_OK) {
		cf->planned = true;
		cf->need = cf->plan.len;
		if (cf->plan.patch_point != cf->old_addr + cf->entry) {
			cf->entry = (unsigned)(cf->plan.patch_point - cf->old_addr);
			cf->room = cf->avail - cf->entry;
		}
	} else if (s == XS_E_SITE_TOO_SMALL) {
		too_small = true;
		if (!reason(c, XS_CK_SITE_TOO_SMALL,
			    "too-small site: %s at %#llx has room %llu bytes (size %llu, padding "
			    "%llu), the %s needs %llu",
			    cf->name, (unsigned long long)(cf->old_addr + cf->entry),
			    (unsigned long long)cf->room, (unsigned long long)cf->site->size,
			    (unsigned long long)cf->site->padding, f->nop ? "NOP patch" : "jump",
			    (unsigned long long)d.value))
			return false;
	} else if (s == XS_E_OUT_OF_REACH) {
		if (!reason(c, XS_CK_REACH, "out of reach: %s: %s (load the payload nearer, --at)",
			    cf->name, d.msg))
			return false;
	} else if (s == XS_E_NOT_FOUND) {
		if (!reason(c, XS_CK_OTHER, "%s: the new function %s has no address", cf->name,
			    f->new_ref.name ? f->new_ref.name : "?"))
			return false;
	} else {
		if (!reason(c, XS_CK_OTHER, "%s: %s", cf->name, xs_tool_diag(&d, s)))
			return false;
	}

	/* the declared old_size: from old_addr, within the function and padding, >= the jump */
	uint64_t need_total = cf->entry + cf->need;
	if (f->old_size == 0) {
		if (!reason(c, XS_CK_OLD_SIZE_ZERO,
			    "old_size of %s is 0 (unknown when compiled; xsplice bind fills in "
			    "%llu)",
			    cf->name, (unsigned long long)cf->fsize))
			return false;
	} else if (f->old_size > cf->avail) {
		if (!reason(c, XS_CK_OLD_SIZE,
			    "old_size of %s is %u, beyond the %llu bytes of the function and its "
			    "padding",
			    cf->name, f->old_size, (unsigned long long)cf->avail))
			return false;
	} else if (f->old_size < need_total && !too_small) { /* a small site is the cause */
		if (!reason(c, XS_CK_OLD_SIZE,
			    "old_size of %s is %u, smaller than the %llu bytes the %s overwrites%s",
			    cf->name, f->old_size, (unsigned long long)need_total,
			    f->nop ? "NOP patch" : "jump", cf->entry ? " (entry included)" : ""))
			return false;
	}

	/* expect: the bytes at the patch point */
	uint64_t pp = cf->old_addr + cf->entry;
	if (f->expect_enabled && f->expect_len) {
		uint64_t n;
		const uint8_t *b = xs_tool_image_bytes(&c->im, pp, &n);
		uint32_t k = 0;
		while (b && k < f->expect_len && k < n && b[k] == f->expect[k])
			k++;
		if (k < f->expect_len &&
		    !reason(c, XS_CK_EXPECT,
			    "wrong expected bytes: %s at %#llx: byte %u is %#04x, the payload "
			    "expects %#04x (%u bytes expected)",
			    cf->name, (unsigned long long)pp, k, b && k < n ? b[k] : 0,
			    f->expect[k], f->expect_len))
			return false;
	}

	/* no direct branch into (pp, pp + need) */
	size_t first, nb = xs_branchscan_find(&c->bs, pp, pp + cf->need, &first);
	for (size_t j = 0; j < nb; j++) {
		const struct xs_branch *b = &c->bs.v[first + j];
		char from[300];
		xs_tool_image_where(&c->im, b->from, from, sizeof(from));
		if (j == 4) {
			if (!reason(c, XS_CK_BRANCH, "branch into site: %s: %zu more branches",
				    cf->name, nb - j))
				return false;
			break;
		}
		if (!reason(c, XS_CK_BRANCH,
			    "branch into site: %s: the branch at %s lands at %#llx, inside the %u "
			    "bytes the patch overwrites at %#llx",
			    cf->name, from, (unsigned long long)b->target, cf->need,
			    (unsigned long long)pp))
			return false;
	}
done:
	cf->ok = c->nreasons == before;
	return true;
}

bool xs_check_run(struct xs_check *c, char *err, size_t errsize)
{
	const struct xs_payload *pl = &c->p.pl;
	uint32_t nsec = xs_object_section_count(&c->p.obj);
	if (!c->have_at)
		c->at = align_up(c->im.end, 0x1000);
	c->sec_addr = calloc(nsec ? nsec : 1, sizeof(*c->sec_addr));
	c->nfuncs = pl->nfuncs;
	c->funcs = calloc(pl->nfuncs ? pl->nfuncs : 1, sizeof(*c->funcs));
	if (!c->sec_addr || !c->funcs)
		goto oom;
	uint64_t end = layout(c);
	uint64_t veneer = align_up(end, 8);

	if (!check_depends(c))
		goto oom;
	if (pl->nfuncs == 0 &&
	    !reason(c, XS_CK_OTHER, "%s has no .livepatch.funcs entries", c->p.path))
		goto oom;
	for (uint32_t i = 0; i < pl->nfuncs; i++) {
		struct xs_diag d;
		xs_diag_clear(&d);
		xs_status s = xs_payload_func(pl, i, &c->funcs[i].f);
		if (s != XS_OK) {
			if (!reason(c, XS_CK_OTHER, "function %u: %s", i, xs_tool_diag(&d, s)))
				goto oom;
			continue;
		}
		if (!check_func(c, &c->funcs[i], veneer + (uint64_t)i * XS_TRAMP_VENEER_SIZE))
			goto oom;
	}
	if (!check_undefined(c))
		goto oom;
	return true;
oom:
	snprintf(err, errsize, "out of memory");
	return false;
}

int xs_cmd_check(int argc, char **argv)
{
	struct xs_check c;
	const char *payload = NULL;
	char err[700];
	memset(&c, 0, sizeof(c));
	int r = xs_check_parse_args(argc, argv, &c, &payload, NULL, "check", check_help);
	if (r != 0) {
		free(c.after_paths);
		return r < 0 ? XS_EXIT_OK : r;
	}
	if (!xs_check_load(&c, payload, err, sizeof(err)) || !xs_check_run(&c, err, sizeof(err))) {
		r = xs_tool_error("%s", err);
	} else {
		xs_check_print(&c);
		for (size_t i = 0; i < c.nreasons; i++)
			xs_tool_error("%s: %s", payload, c.reasons[i].msg);
		r = c.nreasons ? XS_EXIT_FAIL : XS_EXIT_OK;
	}
	xs_check_free(&c);
	free(c.after_paths);
	return r;
}
