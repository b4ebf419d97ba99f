/* SPDX-License-Identifier: MIT */
/* Linking, part 2: symbol resolution and relocation. */
#include "howto_int.h"
#include "link_int.h"

static xs_status fail(struct xs_diag *d, xs_status s, const char *msg)
{
	if (d) {
		xs_diag_clear(d);
		d->status = s;
		xs_strlcpy(d->msg, msg, sizeof(d->msg));
	}
	return s;
}

static bool sec_live(uint8_t st)
{
	return st == XS_SEC_REGION || st == XS_SEC_PINNED;
}

static const char *sym_display_name(const struct xs_object *o, uint32_t sym)
{
	struct xs_symbol s;
	if (sym >= o->nsyms)
		return "?";
	xs_object_symbol(o, sym, &s);
	if (s.type == XS_STT_SECTION && s.section) {
		struct xs_section sec;
		xs_object_section(o, s.section, &sec);
		return sec.name;
	}
	return s.name[0] ? s.name : "(unnamed)";
}

void xs_link_diag_reloc(const struct xs_link *lk, struct xs_diag *d, uint32_t obj, uint32_t sec,
			uint64_t off, uint32_t sym, const char *what)
{
	if (!d)
		return;
	const struct xs_object *o = &lk->objs[obj];
	struct xs_section s;
	xs_object_section(o, sec, &s);
	d->object = obj;
	d->section = sec;
	d->offset = off;
	d->symbol = sym;
	xs_strlcpy(d->section_name, s.name, sizeof(d->section_name));
	xs_strlcpy(d->symbol_name, sym_display_name(o, sym), sizeof(d->symbol_name));
	char range[96] = "";
	if (d->status == XS_E_OVERFLOW)
		xs_fmt(range, sizeof(range), ": value %lld (%#llx) not in [%lld, %lld]",
		       (long long)d->value, (unsigned long long)d->value, (long long)d->min,
		       (long long)d->max);
	else if (d->status == XS_E_MISALIGNED) {
		const struct xs_howto *h = xs_arch_howto(lk->arch, d->reloc_type);
		xs_fmt(range, sizeof(range), ": value %#llx is not a multiple of %u",
		       (unsigned long long)d->value, h ? 1u << h->align : 1u);
	} else if (d->status == XS_E_BAD_INSN) {
		const struct xs_howto *h = xs_arch_howto(lk->arch, d->reloc_type);
		xs_fmt(range, sizeof(range), ": found %#010llx, expected %s",
		       (unsigned long long)d->value, h && h->insn_class ? h->insn_class : "?");
	}
	xs_fmt(d->msg, sizeof(d->msg), "%s at %s+%#llx (object %u) against '%s': %s%s",
	       d->reloc_name[0] ? d->reloc_name : "relocation", s.name, (unsigned long long)off,
	       obj, d->symbol_name, what ? what : xs_status_message(d->status), range);
}

static uint64_t sym_addr(const struct xs_link *lk, uint32_t obj, uint32_t k, bool *defined)
{
	struct xs_symbol s;
	xs_object_symbol(&lk->objs[obj], k, &s);
	*defined = true;
	if (s.shndx == XS_SHN_ABS)
		return s.value;
	if (s.section) {
		uint8_t st = lk->lo[obj].sec_state[s.section];
		if (sec_live(st))
			return lk->lo[obj].sec_addr[s.section] + s.value;
		if (st == XS_SEC_DISCARDED) {
			*defined = false;
			return 0;
		}
		return s.value; /* non-allocated section: section-relative */
	}
	*defined = false;
	return 0;
}

/*
 * __start_SEC / __stop_SEC for a section named like a C identifier: the
 * linker-defined bounds of all input sections of that name (laid out
 * together by the plan), as GNU ld defines them.
 */
static bool section_bounds(const struct xs_link *lk, const char *name, uint64_t *value)
{
	bool stop;
	if (xs_starts_with(name, "__start_"))
		stop = false, name += 8;
	else if (xs_starts_with(name, "__stop_"))
		stop = true, name += 7;
	else
		return false;
	if (!xs_link_c_ident(name))
		return false;
	bool found = false;
	uint64_t lo = 0, hi = 0;
	for (uint32_t i = 0; i < lk->nobj; i++) {
		for (uint32_t sec = 1; sec < lk->objs[i].shnum; sec++) {
			if (!sec_live(lk->lo[i].sec_state[sec]))
				continue;
			struct xs_section s;
			xs_object_section(&lk->objs[i], sec, &s);
			if (xs_strcmp(s.name, name) != 0)
				continue;
			uint64_t a = lk->lo[i].sec_addr[sec];
			if (!found || a < lo)
				lo = a;
			if (!found || a + s.size > hi)
				hi = a + s.size;
			found = true;
		}
	}
	if (found)
		*value = stop ? hi : lo;
	return found;
}

xs_status xs_link_resolve(struct xs_link *lk, xs_resolve_fn resolve, void *ctx, struct xs_diag *d)
{
	if (lk->state != XS_LS_PLANNED)
		return fail(d, XS_E_STATE, "xs_link_resolve: plan and place first");
	for (int r = 0; r < XS_REGION_COUNT; r++)
		if (lk->region[r].size && !lk->region[r].placed)
			return fail(d, XS_E_NOT_PLACED, "a region was not given an address");
	for (uint32_t i = 0; i < lk->nobj; i++)
		for (uint32_t sec = 1; sec < lk->objs[i].shnum; sec++)
			if (lk->lo[i].sec_state[sec] == XS_SEC_PINNED && !lk->lo[i].sec_w[sec]) {
				struct xs_section s;
				xs_object_section(&lk->objs[i], sec, &s);
				if (s.size) {
					fail(d, XS_E_NOT_PLACED, "");
					if (d) {
						d->object = i;
						d->section = sec;
						xs_fmt(d->msg, sizeof(d->msg),
						       "pinned section %u (%s) was not placed", sec,
						       s.name);
					}
					return XS_E_NOT_PLACED;
				}
			}
	uint64_t got = lk->region[XS_REGION_RODATA].addr + lk->got_off;

	for (uint32_t gi = 0; gi < lk->nglobal; gi++) {
		struct xs_link_global *g = &lk->globals[gi];
		struct xs_symbol s;
		if (g->defined) {
			bool def;
			g->value = sym_addr(lk, g->obj, g->sym, &def);
			xs_object_symbol(&lk->objs[g->obj], g->sym, &s);
			g->size = s.size;
			g->resolved_defined = 1;
			continue;
		}
		g->size = 0;
		if (xs_strcmp(g->name, "_GLOBAL_OFFSET_TABLE_") == 0) {
			g->value = got;
			g->resolved_defined = 1;
			continue;
		}
		if (g->common) {
			g->value = lk->region[XS_REGION_DATA].addr + g->common_off;
			g->size = g->common_size;
			g->resolved_defined = 1;
			continue;
		}
		if (section_bounds(lk, g->name, &g->value)) {
			g->resolved_defined = 1;
			continue;
		}
		xs_status st = resolve ? resolve(ctx, g->name, &g->value) : XS_E_NOT_FOUND;
		if (st == XS_OK) {
			g->resolved_defined = 1;
			continue;
		}
		/* An undefined weak reference resolves to 0 (gABI, "Symbol Table"). */
		if (st == XS_E_NOT_FOUND && g->weak_only) {
			g->value = 0;
			g->resolved_defined = 0;
			continue;
		}
		if (d) {
			fail(d, st == XS_E_NOT_FOUND ? XS_E_UNDEFINED_SYMBOL : st, "");
			d->object = g->obj;
			d->symbol = g->sym;
			xs_strlcpy(d->symbol_name, g->name, sizeof(d->symbol_name));
			if (st == XS_E_NOT_FOUND)
				xs_fmt(d->msg, sizeof(d->msg),
				       "undefined symbol '%s' (referenced by object %u)", g->name,
				       g->obj);
			else
				xs_fmt(d->msg, sizeof(d->msg), "resolving '%s': %s", g->name,
				       xs_status_message(st));
		}
		return st == XS_E_NOT_FOUND ? XS_E_UNDEFINED_SYMBOL : st;
	}

	for (uint32_t i = 0; i < lk->nobj; i++) {
		struct xs_link_obj *l = &lk->lo[i];
		if (lk->objs[i].nsyms) { /* STN_UNDEF: S = 0 */
			l->sym_value[0] = 0;
			l->sym_flags[0] |= XS_SYMF_PLAIN;
		}
		for (uint32_t k = 1; k < lk->objs[i].nsyms; k++) {
			uint32_t gi = l->sym_global[k];
			/* a local: kept; a global (resolved by name): defined */
			bool plain = !(l->sym_flags[k] & XS_SYMF_DISCARDED);
			if (gi) {
				l->sym_value[k] = lk->globals[gi - 1].value;
				plain = lk->globals[gi - 1].resolved_defined;
			} else {
				bool def;
				l->sym_value[k] = sym_addr(lk, i, k, &def);
			}
			l->sym_flags[k] = (uint8_t)((l->sym_flags[k] & ~XS_SYMF_PLAIN) |
						    (plain ? XS_SYMF_PLAIN : 0));
		}
	}
	lk->state = XS_LS_RESOLVED;
	return XS_OK;
}

/* sec_state's mark, inside xs_link_relocate only: the section's bytes were copied */
#define XS_SEC_COPIED 0x80u

/* Copy (or clear) one placed section's bytes into its writable memory. */
static void copy_section(struct xs_link *lk, uint32_t i, uint32_t sec)
{
	const struct xs_object *o = &lk->objs[i];
	struct xs_link_obj *l = &lk->lo[i];
	uint8_t st = l->sec_state[sec];
	if (!sec_live(st) || !l->sec_w[sec])
		return;
	l->sec_state[sec] = (uint8_t)(st | XS_SEC_COPIED);
	struct xs_section s;
	xs_object_section(o, sec, &s);
	const uint8_t *src = xs_object_section_data(o, sec);
	if (s.type == XS_SHT_NOBITS || !src) {
		/* fresh anonymous memory need not be touched (a huge .bss) */
		if (!(st == XS_SEC_REGION && (lk->opt.flags & XS_LINK_ZEROED_REGIONS)))
			memset(l->sec_w[sec], 0, (size_t)s.size);
	} else
		memcpy(l->sec_w[sec], src, (size_t)s.size);
	if (st == XS_SEC_REGION && xs_strcmp(s.name, ".eh_frame") == 0)
		memset(l->sec_w[sec] + s.size, 0, 4);
}

/* Copy the placed sections not copied yet, and drop every XS_SEC_COPIED mark. */
static void copy_rest(struct xs_link *lk)
{
	for (uint32_t i = 0; i < lk->nobj; i++) {
		uint8_t *state = lk->lo[i].sec_state;
		for (uint32_t sec = 1; sec < lk->objs[i].shnum; sec++) {
			if (!(state[sec] & XS_SEC_COPIED))
				copy_section(lk, i, sec);
			state[sec] = (uint8_t)(state[sec] & ~XS_SEC_COPIED);
		}
	}
}

/* What is not a section: common symbols, the GOT, the stubs - cleared. */
static void clear_synthetic(struct xs_link *lk)
{
	struct xs_link_region *ro = &lk->region[XS_REGION_RODATA], *t = &lk->region[XS_REGION_TEXT];
	struct xs_link_region *dt = &lk->region[XS_REGION_DATA];
	for (uint32_t gi = 0; lk->ncommon && !(lk->opt.flags & XS_LINK_ZEROED_REGIONS) &&
			      gi < lk->nglobal; gi++) {
		const struct xs_link_global *g = &lk->globals[gi];
		if (g->common && !g->defined && g->common_size)
			memset(dt->w + g->common_off, 0, (size_t)g->common_size);
	}
	if (ro->w && lk->ngot)
		memset(ro->w + lk->got_off, 0, (size_t)lk->ngot * lk->arch->got_entry_size);
	if (t->w && lk->nstub_used)
		memset(t->w + lk->stub_off, 0, (size_t)lk->nstub_used * lk->arch->stub_size);
}

static void fill_got(struct xs_link *lk)
{
	uint8_t *w = lk->region[XS_REGION_RODATA].w;
	if (!lk->ngot || !w)
		return;
	w += lk->got_off;
	for (uint32_t gi = 0; gi < lk->nglobal; gi++) {
		const struct xs_link_global *g = &lk->globals[gi];
		if (g->got)
			xs_store_le(w + (uint64_t)(g->got - 1) * 8, g->value, 8);
	}
	for (uint32_t i = 0; i < lk->nobj; i++) {
		const struct xs_link_obj *l = &lk->lo[i];
		for (uint32_t k = 1; k < lk->objs[i].nsyms; k++)
			if (l->sym_got[k] && !l->sym_global[k])
				xs_store_le(w + (uint64_t)(l->sym_got[k] - 1) * 8, l->sym_value[k], 8);
	}
}

/* Sections whose references into discarded COMDAT members are dropped, as ld does. */
static bool tolerates_discarded(const char *name)
{
	return xs_strcmp(name, ".eh_frame") == 0 || xs_strcmp(name, ".gcc_except_table") == 0 ||
	       xs_starts_with(name, ".gcc_except_table.");
}

/*
 * The fast path of the relocation loop. Most rows (x86's every row, AArch64's
 * data rows) fill their whole unit with X: one field at bit 0 as wide as the
 * unit, nothing dropped, kept or aligned, no instruction class. For those,
 * X is computed and range-checked here and stored directly; anything out of
 * range (or any other row) takes the generic engine, which says why or
 * routes a branch through a stub - the same bytes and errors either way.
 */
enum { ROW_GENERIC = 1, ROW_WHOLE = 2, ROW_PLAIN = 3 };

/*
 * ROW_PLAIN: a whole-unit S + A or S + A - P row that needs nothing else -
 * no GOT slot, no size, no arch rewrite, not refused. Its loop iteration is
 * a few loads, one add, one range check and one store.
 */
static uint8_t row_class(const struct xs_howto *h, bool fault_injection)
{
	bool whole = h->encoder == XS_ENC_DEPOSIT && h->nfields == 1 && h->fields[0].pos == 0 &&
		     (h->size == 1 || h->size == 2 || h->size == 4 || h->size == 8) &&
		     h->fields[0].width == 8u * h->size && h->r_shift == 0 && h->keep_bits == 0 &&
		     h->mask == (~(uint64_t)0 >> (64 - 8u * h->size)) && h->align == 0 &&
		     !(h->flags & XS_HOWTO_INSN) && h->expr != XS_EXPR_NONE &&
		     h->overflow <= XS_OVF_SIGNED_OR_UNSIGNED;
	if (!whole)
		return ROW_GENERIC;
	bool plain = !fault_injection && (h->expr == XS_EXPR_S_A || h->expr == XS_EXPR_S_A_P) &&
		     !(h->flags & (XS_HOWTO_TLS | XS_HOWTO_UNSUPPORTED | XS_HOWTO_GOT |
				   XS_HOWTO_RELAX_GOTPCRELX | XS_HOWTO_ADRP));
	return plain ? ROW_PLAIN : ROW_WHOLE;
}

/* What the loop caches per relocation type: the class, and X's range. */
struct row_cache {
	uint32_t type;
	uint32_t plain_type; /* type when cls is ROW_PLAIN, else UINT32_MAX (no type) */
	uint8_t cls;   /* 0: empty */
	uint8_t size;  /* the unit's bytes */
	uint8_t pcrel; /* ROW_PLAIN: S + A - P (else S + A) */
	int64_t lo, hi;
};

static void row_cache_fill(struct row_cache *c, const struct xs_howto *h, uint32_t type,
			   bool fault_injection)
{
	c->type = type;
	c->cls = row_class(h, fault_injection);
	c->plain_type = c->cls == ROW_PLAIN ? type : UINT32_MAX;
	c->size = (uint8_t)h->size;
	c->pcrel = h->expr == XS_EXPR_S_A_P;
	/* whole-unit rows have r_shift 0: the engine's range of X is exact */
	xs_howto_range(h, &c->lo, &c->hi);
}

/* xs_howto_value's two common expressions inline; the rest through it. */
static inline int64_t row_value(const struct xs_howto *h, const struct xs_reloc_vals *v)
{
	if (h->expr == XS_EXPR_S_A_P)
		return (int64_t)(v->S + (uint64_t)v->A - v->P);
	if (h->expr == XS_EXPR_S_A)
		return (int64_t)(v->S + (uint64_t)v->A);
	return xs_howto_value(h, v);
}

/* Fill d for a relocation that failed with st (message: what, or st's). */
static xs_status reloc_fail(const struct xs_link *lk, struct xs_diag *d, xs_status st,
			    const struct xs_howto *h, uint32_t obj, uint32_t sec,
			    const struct xs_rela *r, const char *what)
{
	if (d) {
		xs_diag_clear(d);
		d->status = st;
		d->reloc_type = r->type;
		xs_strlcpy(d->reloc_name, h->name, sizeof(d->reloc_name));
		xs_link_diag_reloc(lk, d, obj, sec, r->offset, r->sym, what);
	}
	return st;
}

/*
 * The plain rows of one relocation section, rows [j, n): applied while they
 * are ROW_PLAIN against an XS_SYMF_PLAIN symbol and X is in range; returns
 * the index of the first row that is not (n when all were), which the
 * caller's full path then handles. Few live values, so they stay in
 * registers: the row, its cache entry, the symbol's flags and value, one
 * store.
 */
static uint64_t plain_rows(const uint8_t *rows, uint64_t j, uint64_t n,
			   const struct row_cache *cache, const uint8_t *sym_flags,
			   const uint64_t *sym_value, uint8_t *w, uint64_t base)
{
	for (; j < n; j++) {
		const uint8_t *row = rows + j * sizeof(struct xs_elf64_rela);
		uint64_t off = xs_load_le(row, 8), info = xs_load_le(row + 8, 8);
		uint64_t addend = xs_load_le(row + 16, 8);
		uint32_t type = (uint32_t)XS_ELF64_R_TYPE(info), sym = (uint32_t)XS_ELF64_R_SYM(info);
		const struct row_cache *rc = &cache[type & 31];
		if (rc->plain_type != type || !(sym_flags[sym] & XS_SYMF_PLAIN))
			break;
		uint64_t x = sym_value[sym] + addend - (rc->pcrel ? base + off : 0);
		if ((int64_t)x < rc->lo || (int64_t)x > rc->hi)
			break;
		if (rc->size == 8)
			xs_store_le(w + off, x, 8);
		else if (rc->size == 4)
			xs_store_le(w + off, x, 4);
		else
			xs_store_le(w + off, x, rc->size);
	}
	return j;
}

static xs_status reloc_section(struct xs_link *lk, uint32_t i, uint32_t rsec,
			       const struct xs_section *rs, struct xs_diag *d)
{
	const struct xs_object *o = &lk->objs[i];
	struct xs_link_obj *l = &lk->lo[i];
	const struct xs_arch *arch = lk->arch;
	uint32_t tsec = rs->info;
	struct xs_section ts;
	xs_object_section(o, tsec, &ts);
	const uint8_t *in = xs_object_section_data(o, tsec);
	uint8_t *w = l->sec_w[tsec];
	uint64_t base = l->sec_addr[tsec];
	uint64_t got = lk->region[XS_REGION_RODATA].addr + lk->got_off;
	uint64_t stubs = lk->region[XS_REGION_TEXT].addr + lk->stub_off;
	uint8_t *stubs_w = lk->region[XS_REGION_TEXT].w;
	bool tolerant = tolerates_discarded(ts.name);
	bool t_exec = (ts.flags & XS_SHF_EXECINSTR) != 0;
	/* rsec was validated by xs_object_parse: read its rows in place. */
	uint64_t n = xs_object_rela_count(o, rsec);
	const uint8_t *rows = n ? o->data + rs->offset : NULL;
	/* row_class per type, cached by the type's low bits (types repeat) */
	struct row_cache cache[32];
	xs_memset(cache, 0, sizeof(cache));
	for (unsigned k = 0; k < 32; k++)
		cache[k].plain_type = UINT32_MAX; /* r_type UINT32_MAX has no row: never plain */
	bool fault_injection = lk->opt.fail_at_reloc != 0;
	/*
	 * The per-symbol arrays in locals: stores through place (uint8_t *)
	 * may alias anything, so fields read through lk / l would be reloaded
	 * after every store.
	 */
	const uint8_t *sym_flags = l->sym_flags;
	const uint64_t *sym_value = l->sym_value;

	for (uint64_t j = 0; j < n; j++) {
		/* under fault injection no row is ROW_PLAIN: this returns j at once */
		uint64_t k = plain_rows(rows, j, n, cache, sym_flags, sym_value, w, base);
		lk->relocs_applied += k - j;
		if ((j = k) == n)
			break;
		struct xs_elf64_rela raw;
		xs_memcpy(&raw, rows + j * sizeof(raw), sizeof(raw));
		struct xs_rela r = { .offset = raw.r_offset, .type = XS_ELF64_R_TYPE(raw.r_info),
				     .sym = XS_ELF64_R_SYM(raw.r_info), .addend = raw.r_addend };
		const struct xs_howto *h = &arch->rows[r.type];
		struct row_cache *rc = &cache[r.type & 31];
		if (!rc->cls || rc->type != r.type)
			row_cache_fill(rc, h, r.type, fault_injection);
		if (h->expr == XS_EXPR_NONE && !(h->flags & (XS_HOWTO_TLS | XS_HOWTO_UNSUPPORTED)))
			continue;
		xs_status st = XS_OK;
		if (h->flags & XS_HOWTO_TLS)
			st = XS_E_TLS_RELOC;
		else if (h->flags & XS_HOWTO_UNSUPPORTED)
			st = XS_E_UNSUPPORTED_RELOC;
		else if (lk->opt.fail_at_reloc && lk->relocs_applied + 1 == lk->opt.fail_at_reloc)
			st = XS_E_FAULT_INJECTED;
		if (st)
			return reloc_fail(lk, d, st, h, i, tsec, &r, 0);
		uint8_t sf = l->sym_flags[r.sym];
		if (sf & XS_SYMF_DISCARDED) {
			if (tolerant)
				continue;
			return reloc_fail(lk, d, XS_E_DISCARDED_SECTION, h, i, tsec, &r, 0);
		}
		struct xs_reloc_vals v = { .S = l->sym_value[r.sym], .A = r.addend,
					   .P = base + r.offset, .GOT = got };
		uint32_t gi = l->sym_global[r.sym];
		/* a global's XS_SYMF_PLAIN is its resolved_defined (resolve) */
		bool defined = gi ? (sf & XS_SYMF_PLAIN) != 0 : (sf & XS_SYMF_DEFINED) != 0;
		if (sf & XS_SYMF_IFUNC)
			defined = false; /* its address is the resolver's, never relax to it */
		bool has_got = false;
		if (h->flags & XS_HOWTO_GOT) {
			uint32_t slot = gi ? lk->globals[gi - 1].got : l->sym_got[r.sym];
			if (!slot) /* r.sym == 0: no symbol, no slot */
				return fail(d, XS_E_BAD_SYMBOL_INDEX, "GOT relocation without a symbol");
			v.G = got + (uint64_t)(slot - 1) * arch->got_entry_size;
			has_got = true;
			/*
			 * AAELF64 GOT types address GDAT(S + A): one slot per symbol
			 * holds S, so a non-zero addend would need its own slot.
			 */
			if (r.addend && arch->machine == XS_EM_AARCH64)
				return reloc_fail(lk, d, XS_E_UNSUPPORTED_RELOC, h, i, tsec, &r,
						  "GOT relocation with a non-zero addend");
		}
		if (h->expr == XS_EXPR_Z_A) {
			if (gi) {
				v.Z = lk->globals[gi - 1].size;
			} else {
				struct xs_symbol s;
				xs_object_symbol(o, r.sym, &s);
				v.Z = s.size;
			}
		}
		uint8_t *place = w + r.offset;
		lk->relocs_applied++;
		if (gi && !(sf & XS_SYMF_PLAIN)) {
			/* an undefined weak reference (resolve refused the rest) */
			if (arch->weak_undef_branch_insn && (h->flags & XS_HOWTO_BRANCH) &&
			    h->size == 4) {
				xs_store32(place, arch->weak_undef_branch_insn);
				continue;
			}
			if (arch->weak_undef_pcrel_at_place && (h->flags & XS_HOWTO_PCREL))
				v.S = v.P - (uint64_t)v.A;
		}
		if (arch->special && (h->flags & (XS_HOWTO_RELAX_GOTPCRELX | XS_HOWTO_ADRP))) {
			struct xs_reloc_site site = { .howto = h, .v = v, .sec_w = w,
						      .sec_size = ts.size, .offset = r.offset,
						      .has_got = has_got, .target_defined = defined,
						      .link_flags = lk->opt.flags };
			if (d)
				xs_diag_clear(d);
			st = arch->special(&site, d);
			if (st == XS_OK) {
				if (h->flags & XS_HOWTO_ADRP)
					lk->erratum_fixes++;
				else
					lk->relaxed++;
				continue;
			}
			if (st != XS_E_NOT_FOUND)
				return reloc_fail(lk, d, st, h, i, tsec, &r, 0);
		}
		if (rc->cls != ROW_GENERIC) {
			int64_t x = row_value(h, &v);
			if (x >= rc->lo && x <= rc->hi) {
				xs_store_le(place, (uint64_t)x, h->size);
				continue;
			}
		} else if (h->size) {
			/* other rows (AArch64 instruction fields): diagnostics only on failure */
			int64_t x = xs_howto_value(h, &v);
			uint64_t unit = xs_load_le(place, h->size);
			if (xs_howto_encode_core(h, &x, &unit) == XS_OK) {
				xs_store_le(place, unit, h->size);
				continue;
			}
		}
		struct xs_howto_result res;
		st = xs_howto_compute(h, &v, place, &res, d);
		if (st == XS_E_OVERFLOW && t_exec &&
		    ((h->flags & XS_HOWTO_BRANCH) ||
		     ((h->flags & XS_HOWTO_MAYBE_BRANCH) && arch->is_branch &&
		      arch->is_branch(h, in, r.offset)))) {
			uint32_t k = xs_link_stub_find(lk, i, r.sym, r.addend);
			if (k) {
				struct xs_link_stub *sb = &lk->stubs[k - 1];
				uint64_t at = stubs + (uint64_t)(k - 1) * arch->stub_size;
				if (!sb->written) {
					sb->target = arch->branch_target(h, v.S, v.A);
					arch->write_stub(stubs_w + lk->stub_off +
								 (uint64_t)(k - 1) * arch->stub_size,
							 at, sb->target);
					sb->written = 1;
					lk->stubs_written++;
				}
				v.S = at;
				v.A = -(int64_t)arch->branch_target(h, 0, 0);
				st = xs_howto_compute(h, &v, place, &res, d);
			}
		}
		if (st) {
			xs_link_diag_reloc(lk, d, i, tsec, r.offset, r.sym, 0);
			return st;
		}
		xs_howto_write(h, place, &res);
	}
	return XS_OK;
}

/*
 * Each section is copied right before its relocations are applied, so that
 * the rows write to lines the copy has just brought into the cache (copying
 * all 4.8 MB of capstone first left its first sections out of L2 by the time
 * their rows ran); sections without relocations are copied after.
 */
xs_status xs_link_relocate(struct xs_link *lk, struct xs_diag *d)
{
	if (lk->state != XS_LS_RESOLVED)
		return fail(d, XS_E_STATE, "xs_link_relocate: resolve first");
	clear_synthetic(lk);
	fill_got(lk);
	lk->relocs_applied = 0;
	xs_status st = XS_OK;
	for (uint32_t i = 0; i < lk->nobj && st == XS_OK; i++) {
		const struct xs_object *o = &lk->objs[i];
		const uint8_t *state = lk->lo[i].sec_state;
		for (uint32_t sec = 1; sec < o->shnum; sec++) {
			struct xs_section s;
			xs_object_section(o, sec, &s);
			if (s.type != XS_SHT_RELA || !sec_live(state[s.info] & ~XS_SEC_COPIED))
				continue;
			if (!(state[s.info] & XS_SEC_COPIED))
				copy_section(lk, i, s.info);
			if ((st = reloc_section(lk, i, sec, &s, d)) != XS_OK)
				break;
		}
	}
	copy_rest(lk); /* also on failure: the marks must not outlive this call */
	if (st)
		return st;
	lk->state = XS_LS_RELOCATED;
	return XS_OK;
}

xs_status xs_link_symbol(const struct xs_link *lk, const char *name, uint64_t *addr)
{
	if (lk->state < XS_LS_RESOLVED)
		return XS_E_STATE;
	uint32_t h = xs_hash_str(name), mask = lk->global_cap - 1;
	for (uint32_t k = h & mask; lk->global_hash[k]; k = (k + 1) & mask) {
		const struct xs_link_global *g = &lk->globals[lk->global_hash[k] - 1];
		if (g->hash == h && xs_strcmp(g->name, name) == 0) {
			if (!g->defined && !g->common)
				return XS_E_NOT_FOUND;
			*addr = g->value;
			return XS_OK;
		}
	}
	return XS_E_NOT_FOUND;
}

bool xs_link_uses_range(const struct xs_link *lk, uint64_t lo, uint64_t hi)
{
	if (lk->state < XS_LS_RESOLVED)
		return false;
	for (uint32_t gi = 0; gi < lk->nglobal; gi++) {
		const struct xs_link_global *g = &lk->globals[gi];
		if (!g->defined && g->resolved_defined && g->value >= lo && g->value < hi)
			return true;
	}
	return false;
}
