/* SPDX-License-Identifier: MIT */
/* Linking, part 1: init, workspace, COMDAT, global symbols, layout plan, placement. */
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

/* Bytes of an Elf64_Rela row; r_info is at offset 8. */
#define RELA_ROW 24u

/*
 * sym_flags bit private to planning: the symbol is defined in a section
 * laid out in the TEXT region (a branch to it never needs a stub). The
 * relocation loop ignores it.
 */
#define SYMF_IN_TEXT (1u << 7)

/* sh_flags of section i, read in place (the object was validated). */
static uint64_t sec_flags(const struct xs_object *o, uint32_t i)
{
	uint64_t f;
	xs_memcpy(&f, o->data + o->shoff + (uint64_t)i * 64 + 8, sizeof(f));
	return f;
}

static bool is_eh_frame(const struct xs_section *s)
{
	return xs_strcmp(s->name, ".eh_frame") == 0;
}

xs_status xs_link_init(struct xs_link *lk, const struct xs_object *objs, uint32_t nobj,
		       const struct xs_link_options *opt, struct xs_diag *d)
{
	if (!lk || !objs || nobj == 0)
		return fail(d, XS_E_INVALID_ARG, "xs_link_init: no objects");
	memset(lk, 0, sizeof(*lk));
	lk->arch = objs[0].arch;
	lk->objs = objs;
	lk->nobj = nobj;
	if (opt)
		lk->opt = *opt;
	else
		lk->opt.flags = XS_LINK_ALLOW_UNDEFINED_WEAK;

	uint64_t need = 0, nglob = 0, ngroups = 0, nbranch = 0;
	need += xs_align_up(sizeof(struct xs_link_obj) * nobj, 8);
	for (uint32_t i = 0; i < nobj; i++) {
		const struct xs_object *o = &objs[i];
		if (o->arch != lk->arch) {
			if (d) {
				fail(d, XS_E_BAD_MACHINE, "");
				d->object = i;
				xs_fmt(d->msg, sizeof(d->msg),
				       "object %u: machine %u differs from the first object's",
				       i, o->machine);
			}
			return XS_E_BAD_MACHINE;
		}
		uint64_t sn = o->shnum, yn = o->nsyms;
		need += sn * (8 + sizeof(uint8_t *) + 8) + xs_align_up(sn, 8);
		need += yn * (8 + 4 + 4) + xs_align_up(yn, 8) + 16;
		for (uint32_t k = o->symtab ? 0 : yn; k < yn; k++) {
			struct xs_symbol s;
			xs_object_symbol(o, k, &s);
			if (s.bind != XS_STB_LOCAL)
				nglob++;
		}
		for (uint32_t sec = 1; sec < sn; sec++) {
			struct xs_section s;
			xs_object_section(o, sec, &s);
			if (s.type == XS_SHT_GROUP) {
				ngroups++;
				continue;
			}
			if (s.type != XS_SHT_RELA)
				continue;
			struct xs_section t;
			xs_object_section(o, s.info, &t);
			/*
			 * Stub candidates, counted under plan_got_stubs' own test (a
			 * branch in code), so that the stub table is no larger than
			 * needed: rip-relative data accesses are most PC32 rows.
			 */
			if (!(t.flags & XS_SHF_ALLOC) || !(t.flags & XS_SHF_EXECINSTR))
				continue;
			const uint8_t *tdata = xs_object_section_data(o, s.info);
			uint64_t n = xs_object_rela_count(o, sec);
			const uint8_t *rows = o->data + s.offset;
			for (uint64_t j = 0; j < n; j++) {
				struct xs_elf64_rela r;
				xs_memcpy(&r, rows + j * RELA_ROW, sizeof(r));
				const struct xs_howto *h =
				    xs_arch_howto(lk->arch, XS_ELF64_R_TYPE(r.r_info));
				if (!h || XS_ELF64_R_SYM(r.r_info) == 0)
					continue;
				if ((h->flags & XS_HOWTO_BRANCH) ||
				    ((h->flags & XS_HOWTO_MAYBE_BRANCH) && lk->arch->is_branch &&
				     tdata && lk->arch->is_branch(h, tdata, r.r_offset)))
					nbranch++;
			}
		}
	}
	uint64_t gcap = 16;
	while (gcap < 2 * nglob)
		gcap <<= 1;
	uint64_t grcap = 16;
	while (grcap < 2 * ngroups)
		grcap <<= 1;
	uint64_t scap = 16;
	while (scap < 2 * nbranch)
		scap <<= 1;
	need += xs_align_up(sizeof(struct xs_link_global) * (gcap / 2), 8) + gcap * 4;
	need += xs_align_up(sizeof(struct xs_link_group) * ngroups, 8) + grcap * 4;
	need += xs_align_up(sizeof(struct xs_link_stub) * nbranch, 8) + scap * 4;
	need += 64;
	lk->global_cap = (uint32_t)gcap;
	lk->ngroup_cap = (uint32_t)grcap;
	lk->nstub_cap = (uint32_t)nbranch;
	lk->nstub_hash_cap = (uint32_t)scap;
	lk->ngroups = (uint32_t)ngroups;
	lk->ws_needed = (size_t)need;
	lk->state = XS_LS_INIT;
	return XS_OK;
}

size_t xs_link_workspace_size(const struct xs_link *lk)
{
	return lk->ws_needed;
}

struct carve {
	uint8_t *p;
	size_t left;
};

static void *take(struct carve *c, size_t n)
{
	n = (size_t)xs_align_up(n, 8);
	if (n > c->left)
		return 0;
	void *r = c->p;
	c->p += n;
	c->left -= n;
	return r;
}

xs_status xs_link_set_workspace(struct xs_link *lk, void *ws, size_t ws_size, struct xs_diag *d)
{
	if (lk->state != XS_LS_INIT)
		return fail(d, XS_E_STATE, "xs_link_set_workspace: not right after init");
	if (!ws || ((uintptr_t)ws & 7) || ws_size < lk->ws_needed)
		return fail(d, XS_E_NO_SPACE, "link workspace missing, misaligned or too small");
	/* everything but the stub table, which is carved last (below) */
	memset(ws, 0, lk->ws_needed - xs_align_up(sizeof(struct xs_link_stub) * lk->nstub_cap, 8));
	struct carve c = { ws, ws_size };
	lk->ws = ws;
	lk->ws_size = ws_size;
	lk->lo = take(&c, sizeof(struct xs_link_obj) * lk->nobj);
	for (uint32_t i = 0; i < lk->nobj; i++) {
		struct xs_link_obj *l = &lk->lo[i];
		uint32_t sn = lk->objs[i].shnum, yn = lk->objs[i].nsyms;
		l->obj = &lk->objs[i];
		l->sec_addr = take(&c, 8 * (size_t)sn);
		l->sec_w = take(&c, sizeof(uint8_t *) * (size_t)sn);
		l->sec_off = take(&c, 8 * (size_t)sn);
		l->sec_state = take(&c, sn);
		l->sym_value = take(&c, 8 * (size_t)yn + 8);
		l->sym_got = take(&c, 4 * (size_t)yn + 4);
		l->sym_global = take(&c, 4 * (size_t)yn + 4);
		l->sym_flags = take(&c, (size_t)yn + 1);
	}
	uint64_t ngroups = lk->ngroups, scap = lk->nstub_hash_cap;
	uint32_t nglob_max = lk->global_cap / 2;
	lk->globals = take(&c, sizeof(struct xs_link_global) * nglob_max);
	lk->global_hash = take(&c, 4 * (size_t)lk->global_cap);
	struct xs_link_group *groups = take(&c, sizeof(struct xs_link_group) * ngroups);
	lk->group_hash = take(&c, 4 * (size_t)lk->ngroup_cap);
	lk->stub_hash = take(&c, 4 * (size_t)scap);
	/*
	 * Last, and not cleared: an entry is written whole when a stub is
	 * added and read only through stub_hash. One entry per branch that
	 * might be far (28k on capstone) while a few hundred are used - the
	 * pages of the rest are never touched, so a host that gives fresh
	 * memory does not pay for them (0.9 MB of resident memory there).
	 */
	lk->stubs = take(&c, sizeof(struct xs_link_stub) * lk->nstub_cap);
	if (!lk->globals || !lk->global_hash || !lk->group_hash || !lk->stub_hash ||
	    (ngroups && !groups) || (lk->nstub_cap && !lk->stubs))
		return fail(d, XS_E_NO_SPACE, "link workspace too small");
	lk->groups = groups;
	lk->state = XS_LS_WORKSPACE;
	return XS_OK;
}

xs_status xs_link_pin_section(struct xs_link *lk, uint32_t obj, uint32_t sec, struct xs_diag *d)
{
	if (lk->state != XS_LS_WORKSPACE)
		return fail(d, XS_E_STATE, "xs_link_pin_section: call after set_workspace, before plan");
	if (obj >= lk->nobj || sec == 0 || sec >= lk->objs[obj].shnum)
		return fail(d, XS_E_INVALID_ARG, "xs_link_pin_section: no such section");
	lk->lo[obj].sec_state[sec] = XS_SEC_PINNED;
	return XS_OK;
}

/* COMDAT: the first group with a signature wins; later ones are discarded. */
static xs_status plan_groups(struct xs_link *lk, struct xs_diag *d)
{
	struct xs_link_group *groups = lk->groups;
	uint32_t ng = 0, mask = lk->ngroup_cap - 1;
	for (uint32_t i = 0; i < lk->nobj; i++) {
		const struct xs_object *o = &lk->objs[i];
		for (uint32_t sec = 1; sec < o->shnum; sec++) {
			struct xs_section s;
			xs_object_section(o, sec, &s);
			if (s.type != XS_SHT_GROUP)
				continue;
			const uint8_t *g = xs_object_section_data(o, sec);
			uint32_t flags = xs_load32(g);
			if (!(flags & XS_GRP_COMDAT))
				continue;
			struct xs_symbol sig;
			xs_object_symbol(o, s.info, &sig);
			/* A group signed by a section symbol is named by that section (gas). */
			const char *name = sig.name;
			if (sig.type == XS_STT_SECTION && sig.section) {
				struct xs_section ss;
				xs_object_section(o, sig.section, &ss);
				name = ss.name;
			}
			uint32_t h = xs_hash_str(name), k = h & mask;
			bool dup = false;
			for (; lk->group_hash[k]; k = (k + 1) & mask) {
				const struct xs_link_group *e = &groups[lk->group_hash[k] - 1];
				if (e->hash == h && xs_strcmp(e->sig, name) == 0) {
					dup = true;
					break;
				}
			}
			if (!dup) {
				groups[ng] = (struct xs_link_group){ i, sec, name, h };
				lk->group_hash[k] = ++ng;
				continue;
			}
			lk->lo[i].sec_state[sec] = XS_SEC_DISCARDED;
			for (uint64_t m = 4; m + 4 <= s.size; m += 4) {
				uint32_t member = xs_load32(g + m);
				if (member < o->shnum) {
					if (lk->lo[i].sec_state[member] == XS_SEC_PINNED)
						return fail(d, XS_E_INVALID_ARG,
							    "a pinned section belongs to a discarded COMDAT group");
					lk->lo[i].sec_state[member] = XS_SEC_DISCARDED;
				}
			}
		}
	}
	return XS_OK;
}

static int region_of(const struct xs_section *s)
{
	if (s->flags & XS_SHF_EXECINSTR)
		return XS_REGION_TEXT;
	if (s->flags & XS_SHF_WRITE)
		return XS_REGION_DATA;
	return XS_REGION_RODATA;
}

/* A section named like a C identifier gets __start_/__stop_ symbols (ld's rule). */
bool xs_link_c_ident(const char *n)
{
	if (!*n || (*n >= '0' && *n <= '9'))
		return false;
	for (; *n; n++)
		if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') ||
		      (*n >= '0' && *n <= '9') || *n == '_'))
			return false;
	return true;
}

static void place_in_region(struct xs_link *lk, uint32_t i, uint32_t sec, const struct xs_section *s)
{
	struct xs_link_obj *l = &lk->lo[i];
	uint64_t a = s->align ? s->align : 1;
	struct xs_link_region *rg = &lk->region[region_of(s)];
	if (a > rg->align)
		rg->align = a;
	l->sec_off[sec] = xs_align_up(rg->size, a);
	rg->size = l->sec_off[sec] + s->size;
	if (is_eh_frame(s))
		rg->size += 4; /* zero terminator for __register_frame */
	l->sec_state[sec] = XS_SEC_REGION;
}

/* Lay out every other section named n (C identifier) right after the first. */
static void place_same_name(struct xs_link *lk, uint32_t i0, uint32_t sec0, const char *n)
{
	for (uint32_t i = i0; i < lk->nobj; i++) {
		const struct xs_object *o = &lk->objs[i];
		for (uint32_t sec = i == i0 ? sec0 + 1 : 1; sec < o->shnum; sec++) {
			if (lk->lo[i].sec_state[sec] != XS_SEC_IGNORED + 0x10)
				continue;
			struct xs_section s;
			xs_object_section(o, sec, &s);
			if (xs_strcmp(s.name, n) == 0)
				place_in_region(lk, i, sec, &s);
		}
	}
}

static xs_status plan_sections(struct xs_link *lk, struct xs_diag *d)
{
	for (int r = 0; r < XS_REGION_COUNT; r++) {
		lk->region[r].size = 0;
		lk->region[r].align = r == XS_REGION_TEXT && lk->arch->text_align > 8
					      ? lk->arch->text_align
					      : 8;
	}
	/* Mark C-identifier sections first so that same-named ones are laid out together. */
	for (uint32_t i = 0; i < lk->nobj; i++) {
		const struct xs_object *o = &lk->objs[i];
		for (uint32_t sec = 1; sec < o->shnum; sec++) {
			struct xs_section s;
			xs_object_section(o, sec, &s);
			if (lk->lo[i].sec_state[sec] == XS_SEC_IGNORED && (s.flags & XS_SHF_ALLOC) &&
			    !(s.flags & XS_SHF_TLS) && s.type != XS_SHT_GROUP && xs_link_c_ident(s.name))
				lk->lo[i].sec_state[sec] = XS_SEC_IGNORED + 0x10;
		}
	}
	for (uint32_t i = 0; i < lk->nobj; i++) {
		const struct xs_object *o = &lk->objs[i];
		struct xs_link_obj *l = &lk->lo[i];
		for (uint32_t sec = 1; sec < o->shnum; sec++) {
			struct xs_section s;
			xs_object_section(o, sec, &s);
			if (l->sec_state[sec] == XS_SEC_DISCARDED || l->sec_state[sec] == XS_SEC_REGION)
				continue;
			if (l->sec_state[sec] == XS_SEC_IGNORED + 0x10) {
				place_in_region(lk, i, sec, &s);
				place_same_name(lk, i, sec, s.name);
				continue;
			}
			if (!(s.flags & XS_SHF_ALLOC) || s.type == XS_SHT_GROUP) {
				l->sec_state[sec] = XS_SEC_IGNORED;
				continue;
			}
			if (s.flags & XS_SHF_TLS) {
				if (d) {
					fail(d, XS_E_UNSUPPORTED, "");
					d->object = i;
					d->section = sec;
					xs_strlcpy(d->section_name, s.name, sizeof(d->section_name));
					xs_fmt(d->msg, sizeof(d->msg),
					       "section %u (%s): thread-local storage sections are not supported",
					       sec, s.name);
				}
				return XS_E_UNSUPPORTED;
			}
			if (l->sec_state[sec] == XS_SEC_PINNED)
				continue;
			place_in_region(lk, i, sec, &s);
		}
	}
	return XS_OK;
}

static struct xs_link_global *global_find(const struct xs_link *lk, const char *name, uint32_t h)
{
	uint32_t mask = lk->global_cap - 1;
	for (uint32_t k = h & mask; lk->global_hash[k]; k = (k + 1) & mask) {
		struct xs_link_global *g = &lk->globals[lk->global_hash[k] - 1];
		if (g->hash == h && xs_strcmp(g->name, name) == 0)
			return g;
	}
	return 0;
}

static xs_status dup_error(struct xs_link *lk, struct xs_diag *d, const struct xs_link_global *g,
			   uint32_t obj, uint32_t sym, const char *name)
{
	(void)lk;
	if (d) {
		fail(d, XS_E_DUPLICATE_SYMBOL, "");
		d->object = obj;
		d->symbol = sym;
		xs_strlcpy(d->symbol_name, name, sizeof(d->symbol_name));
		xs_fmt(d->msg, sizeof(d->msg),
		       "duplicate symbol '%s': defined in object %u (symbol %u) and object %u (symbol %u)",
		       name, g->obj, g->sym, obj, sym);
	}
	return XS_E_DUPLICATE_SYMBOL;
}

static xs_status plan_symbols(struct xs_link *lk, struct xs_diag *d)
{
	uint32_t mask = lk->global_cap - 1;
	for (uint32_t i = 0; i < lk->nobj; i++) {
		const struct xs_object *o = &lk->objs[i];
		struct xs_link_obj *l = &lk->lo[i];
		for (uint32_t k = 1; k < o->nsyms; k++) {
			struct xs_symbol s;
			xs_object_symbol(o, k, &s);
			bool in_sec = s.section != 0;
			bool discarded = in_sec && l->sec_state[s.section] == XS_SEC_DISCARDED;
			bool defined = (in_sec && !discarded) || s.shndx == XS_SHN_ABS;
			bool in_text = in_sec && l->sec_state[s.section] == XS_SEC_REGION &&
				       (sec_flags(o, s.section) & XS_SHF_EXECINSTR);
			bool ifunc = s.type == XS_STT_GNU_IFUNC;
			l->sym_flags[k] = (uint8_t)((defined ? XS_SYMF_DEFINED : 0) |
						    (discarded ? XS_SYMF_DISCARDED : 0) |
						    (ifunc ? XS_SYMF_IFUNC : 0) |
						    (in_text ? SYMF_IN_TEXT : 0));
			if (s.bind == XS_STB_LOCAL)
				continue;
			l->sym_flags[k] &= (uint8_t)~XS_SYMF_DISCARDED; /* resolved by name */
			uint32_t h = xs_hash_str(s.name);
			struct xs_link_global *g = global_find(lk, s.name, h);
			if (!g) {
				g = &lk->globals[lk->nglobal];
				*g = (struct xs_link_global){ .name = s.name, .hash = h, .obj = i,
							      .sym = k, .bind = s.bind,
							      .defined = defined,
							      .weak_only = 1 };
				uint32_t slot = h & mask;
				while (lk->global_hash[slot])
					slot = (slot + 1) & mask;
				lk->global_hash[slot] = ++lk->nglobal;
			} else if (defined) {
				bool new_strong = s.bind == XS_STB_GLOBAL;
				bool old_strong = g->bind == XS_STB_GLOBAL;
				if (!g->defined || (new_strong && !old_strong)) {
					g->obj = i;
					g->sym = k;
					g->bind = s.bind;
					g->defined = 1;
				} else if (new_strong && old_strong) {
					return dup_error(lk, d, g, i, k, s.name);
				}
			}
			if (s.shndx == XS_SHN_COMMON) {
				/* gABI: the largest size and alignment of all commons of a name */
				g->common = 1;
				if (s.size > g->common_size)
					g->common_size = s.size;
				if (s.value > g->common_align)
					g->common_align = s.value;
			}
			if (!defined && s.bind != XS_STB_WEAK)
				g->weak_only = 0;
			if (defined)
				g->weak_only = 0;
			l->sym_global[k] = (uint32_t)(g - lk->globals) + 1;
		}
	}
	/* Commons that no object defines for real get space at the end of DATA. */
	struct xs_link_region *rg = &lk->region[XS_REGION_DATA];
	for (uint32_t gi = 0; gi < lk->nglobal; gi++) {
		struct xs_link_global *g = &lk->globals[gi];
		if (!g->common || g->defined)
			continue;
		uint64_t a = g->common_align ? g->common_align : 1;
		if (a > rg->align)
			rg->align = a;
		g->common_off = xs_align_up(rg->size, a);
		rg->size = g->common_off + g->common_size;
		lk->ncommon++;
	}
	return XS_OK;
}

/* The symbol's (chosen) definition lies in a section of the TEXT region. */
static bool sym_in_text(const struct xs_link *lk, uint32_t obj, uint32_t sym)
{
	uint32_t gi = lk->lo[obj].sym_global[sym];
	if (gi) {
		const struct xs_link_global *g = &lk->globals[gi - 1];
		if (!g->defined)
			return false;
		obj = g->obj;
		sym = g->sym;
	}
	return (lk->lo[obj].sym_flags[sym] & SYMF_IN_TEXT) != 0;
}

uint32_t xs_link_stub_find(const struct xs_link *lk, uint32_t obj, uint32_t sym, int64_t A)
{
	uint32_t gi = lk->lo[obj].sym_global[sym];
	uint32_t ko = gi ? UINT32_MAX : obj, ks = gi ? gi - 1 : sym;
	uint32_t cap = (uint32_t)lk->nstub_hash_cap, mask = cap - 1;
	uint32_t h = (ko * 0x9e3779b1u) ^ (ks * 0x85ebca6bu) ^ (uint32_t)A ^ (uint32_t)((uint64_t)A >> 32);
	for (uint32_t k = h & mask; lk->stub_hash[k]; k = (k + 1) & mask) {
		const struct xs_link_stub *st = &lk->stubs[lk->stub_hash[k] - 1];
		if (st->obj == ko && st->sym == ks && st->addend == A)
			return lk->stub_hash[k];
	}
	return 0;
}

static void stub_add(struct xs_link *lk, uint32_t obj, uint32_t sym, int64_t A)
{
	if (xs_link_stub_find(lk, obj, sym, A))
		return;
	uint32_t gi = lk->lo[obj].sym_global[sym];
	uint32_t ko = gi ? UINT32_MAX : obj, ks = gi ? gi - 1 : sym;
	uint32_t cap = (uint32_t)lk->nstub_hash_cap, mask = cap - 1;
	uint32_t h = (ko * 0x9e3779b1u) ^ (ks * 0x85ebca6bu) ^ (uint32_t)A ^ (uint32_t)((uint64_t)A >> 32);
	uint32_t k = h & mask;
	while (lk->stub_hash[k])
		k = (k + 1) & mask;
	lk->stubs[lk->nstub_used] = (struct xs_link_stub){ ko, ks, A, 0, 0 };
	lk->stub_hash[k] = ++lk->nstub_used;
}

/* GOT slots (one per symbol) and stub candidates (one per target). */
static xs_status plan_got_stubs(struct xs_link *lk, struct xs_diag *d)
{
	(void)d;
	lk->ngot = 0;
	lk->nstub_used = 0;
	for (uint32_t i = 0; i < lk->nobj; i++) {
		const struct xs_object *o = &lk->objs[i];
		struct xs_link_obj *l = &lk->lo[i];
		for (uint32_t sec = 1; sec < o->shnum; sec++) {
			struct xs_section s;
			xs_object_section(o, sec, &s);
			if (s.type != XS_SHT_RELA)
				continue;
			uint8_t st = l->sec_state[s.info];
			if (st != XS_SEC_REGION && st != XS_SEC_PINNED)
				continue;
			const uint8_t *tdata = xs_object_section_data(o, s.info);
			struct xs_section tsh;
			xs_object_section(o, s.info, &tsh);
			bool t_exec = (tsh.flags & XS_SHF_EXECINSTR) != 0;
			/* outside code only GOT rows matter here, and parse counted them */
			if (!t_exec && !o->got_data)
				continue;
			uint64_t n = xs_object_rela_count(o, sec);
			const uint8_t *rows = o->data + s.offset;
			for (uint64_t j = 0; j < n; j++) {
				struct xs_elf64_rela raw;
				xs_memcpy(&raw, rows + j * RELA_ROW, sizeof(raw));
				struct xs_rela r = { .offset = raw.r_offset,
						     .type = XS_ELF64_R_TYPE(raw.r_info),
						     .sym = XS_ELF64_R_SYM(raw.r_info),
						     .addend = raw.r_addend };
				const struct xs_howto *h = xs_arch_howto(lk->arch, r.type);
				if (!h || r.sym == 0)
					continue;
				if (h->flags & XS_HOWTO_GOT) {
					uint32_t gi = l->sym_global[r.sym];
					if (gi) {
						if (!lk->globals[gi - 1].got)
							lk->globals[gi - 1].got = ++lk->ngot;
					} else if (!l->sym_got[r.sym]) {
						l->sym_got[r.sym] = ++lk->ngot;
					}
				}
				/* Only code branches may go through a stub; in data it is an error. */
				if (!(t_exec && ((h->flags & XS_HOWTO_BRANCH) ||
						 ((h->flags & XS_HOWTO_MAYBE_BRANCH) &&
						  lk->arch->is_branch && tdata &&
						  lk->arch->is_branch(h, tdata, r.offset)))))
					continue;
				/* A target in the text region is near; everything else may be far. */
				if (st == XS_SEC_REGION && sym_in_text(lk, i, r.sym))
					continue;
				stub_add(lk, i, r.sym, r.addend);
			}
		}
	}
	struct xs_link_region *t = &lk->region[XS_REGION_TEXT], *ro = &lk->region[XS_REGION_RODATA];
	if (lk->nstub_used) {
		uint64_t a = lk->arch->stub_align ? lk->arch->stub_align : 8;
		if (a > t->align)
			t->align = a;
		lk->stub_off = xs_align_up(t->size, a);
		t->size = lk->stub_off + (uint64_t)lk->nstub_used * lk->arch->stub_size;
	} else {
		lk->stub_off = t->size;
	}
	lk->got_off = xs_align_up(ro->size, 8);
	ro->size = lk->got_off + (uint64_t)lk->ngot * lk->arch->got_entry_size;
	return XS_OK;
}

xs_status xs_link_plan(struct xs_link *lk, void *ws, size_t ws_size, struct xs_diag *d)
{
	xs_status s;
	if (lk->state == XS_LS_INIT) {
		s = xs_link_set_workspace(lk, ws, ws_size, d);
		if (s)
			return s;
	}
	if (lk->state != XS_LS_WORKSPACE)
		return fail(d, XS_E_STATE, "xs_link_plan: not after init/set_workspace");
	if ((s = plan_groups(lk, d)) || (s = plan_sections(lk, d)) || (s = plan_symbols(lk, d)) ||
	    (s = plan_got_stubs(lk, d)))
		return s;
	lk->state = XS_LS_PLANNED;
	return XS_OK;
}

void xs_link_region_need(const struct xs_link *lk, enum xs_region r, uint64_t *size,
			 uint64_t *align)
{
	*size = lk->region[r].size;
	*align = lk->region[r].align;
}

int xs_link_section_region(const struct xs_link *lk, uint32_t obj, uint32_t sec)
{
	if (obj >= lk->nobj || sec >= lk->objs[obj].shnum || lk->state < XS_LS_PLANNED ||
	    lk->lo[obj].sec_state[sec] != XS_SEC_REGION)
		return -1;
	struct xs_section s;
	xs_object_section(&lk->objs[obj], sec, &s);
	return region_of(&s);
}

xs_status xs_link_place_region(struct xs_link *lk, enum xs_region r, uint64_t addr, uint8_t *w,
			       struct xs_diag *d)
{
	if (lk->state != XS_LS_PLANNED)
		return fail(d, XS_E_STATE, "xs_link_place_region: plan first");
	if ((unsigned)r >= XS_REGION_COUNT || (lk->region[r].size && !w))
		return fail(d, XS_E_INVALID_ARG, "xs_link_place_region: bad region or pointer");
	if (addr & (lk->region[r].align - 1))
		return fail(d, XS_E_INVALID_ARG, "xs_link_place_region: address misaligned");
	if (addr + lk->region[r].size < addr)
		return fail(d, XS_E_WRAP, "xs_link_place_region: region wraps the address space");
	lk->region[r].addr = addr;
	lk->region[r].w = w;
	lk->region[r].placed = true;
	for (uint32_t i = 0; i < lk->nobj; i++) {
		const struct xs_object *o = &lk->objs[i];
		struct xs_link_obj *l = &lk->lo[i];
		for (uint32_t sec = 1; sec < o->shnum; sec++) {
			if (l->sec_state[sec] != XS_SEC_REGION)
				continue;
			struct xs_section s;
			xs_object_section(o, sec, &s);
			if (region_of(&s) != (int)r)
				continue;
			l->sec_addr[sec] = addr + l->sec_off[sec];
			l->sec_w[sec] = w ? w + l->sec_off[sec] : NULL; /* size-0 region: no pointer */
		}
	}
	return XS_OK;
}

xs_status xs_link_place_section(struct xs_link *lk, uint32_t obj, uint32_t sec, uint64_t addr,
				uint8_t *w, struct xs_diag *d)
{
	if (lk->state != XS_LS_PLANNED)
		return fail(d, XS_E_STATE, "xs_link_place_section: plan first");
	if (obj >= lk->nobj || sec >= lk->objs[obj].shnum ||
	    lk->lo[obj].sec_state[sec] != XS_SEC_PINNED)
		return fail(d, XS_E_INVALID_ARG, "xs_link_place_section: section is not pinned");
	struct xs_section s;
	xs_object_section(&lk->objs[obj], sec, &s);
	if (addr + s.size < addr)
		return fail(d, XS_E_WRAP, "xs_link_place_section: section wraps the address space");
	if (s.size && !w)
		return fail(d, XS_E_INVALID_ARG, "xs_link_place_section: no writable pointer");
	lk->lo[obj].sec_addr[sec] = addr;
	lk->lo[obj].sec_w[sec] = w;
	lk->lo[obj].sec_state[sec] = XS_SEC_PINNED;
	lk->pinned_placed++;
	return XS_OK;
}

uint64_t xs_link_section_addr(const struct xs_link *lk, uint32_t obj, uint32_t sec)
{
	if (obj >= lk->nobj || sec >= lk->objs[obj].shnum || lk->state < XS_LS_PLANNED)
		return 0;
	return lk->lo[obj].sec_addr[sec];
}

bool xs_link_section_discarded(const struct xs_link *lk, uint32_t obj, uint32_t sec)
{
	return obj < lk->nobj && sec < lk->objs[obj].shnum && lk->state >= XS_LS_PLANNED &&
	       lk->lo[obj].sec_state[sec] == XS_SEC_DISCARDED;
}

void xs_link_stats(const struct xs_link *lk, struct xs_link_stats *s)
{
	s->relocs = lk->relocs_applied;
	s->got_slots = lk->ngot;
	s->stubs_planned = lk->nstub_used;
	s->stubs_used = lk->stubs_written;
	s->relaxed = lk->relaxed;
	s->erratum_843419 = lk->erratum_fixes;
}

void xs_link_got(const struct xs_link *lk, uint64_t *addr, uint64_t *size)
{
	*addr = lk->region[XS_REGION_RODATA].addr + lk->got_off;
	*size = (uint64_t)lk->ngot * lk->arch->got_entry_size;
}

void xs_link_stub_area(const struct xs_link *lk, uint64_t *addr, uint64_t *size)
{
	*addr = lk->region[XS_REGION_TEXT].addr + lk->stub_off;
	*size = (uint64_t)lk->nstub_used * lk->arch->stub_size;
}
