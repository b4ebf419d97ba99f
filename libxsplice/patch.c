/* SPDX-License-Identifier: MIT */
/* The lifecycle manager: load and unload of payloads (apply & co. in patch_apply.c). */
#include <xsplice/patch.h>

#include "patch_int.h"
#include "util.h"
#include "xs_elf.h"

#define XS_SHF_ALLOC_ 0x2u

xs_status xs_patch_fail(struct xs_diag *d, xs_status s, const char *fmt, ...)
{
	if (!d)
		return s;
	xs_diag_clear(d);
	d->status = s;
	va_list ap;
	va_start(ap, fmt);
	xs_vfmt(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return s;
}

/* Prefix d->msg (already filled by a callee) with "payload NAME: ". */
static xs_status prefixed(struct xs_diag *d, xs_status s, const struct xs_patch *p)
{
	if (!d)
		return s;
	char tmp[sizeof(d->msg)];
	xs_strlcpy(tmp, d->msg[0] ? d->msg : xs_status_message(s), sizeof(tmp));
	d->status = s;
	xs_fmt(d->msg, sizeof(d->msg), "payload %s: %s", p->name, tmp);
	return s;
}

xs_status xs_patch_mgr_init(struct xs_patch_mgr *m, const struct xs_host *host,
			    struct xs_symtab *symtab, const uint8_t *build_id, size_t build_id_len)
{
	if (!m || !host || !symtab || !host->alloc || !host->free || !host->seal ||
	    !host->map_alias || !host->unmap_alias || !host->sync_icache || !host->rendezvous ||
	    !host->thread_in_ranges)
		return XS_E_INVALID_ARG;
	if (host->machine != XS_EM_X86_64 && host->machine != XS_EM_AARCH64)
		return XS_E_BAD_MACHINE;
	xs_memset(m, 0, sizeof(*m));
	m->host = host;
	m->symtab = symtab;
	m->build_id = build_id;
	m->build_id_len = build_id ? build_id_len : 0;
	m->next_id = 1;
	m->timeout_ns = 100000000ull;
	return XS_OK;
}

void xs_patch_set_timeout(struct xs_patch_mgr *m, uint64_t ns)
{
	m->timeout_ns = ns;
}

void xs_patch_set_fault(struct xs_patch_mgr *m, enum xs_patch_fault f, uint32_t index)
{
	m->fault = f;
	m->fault_index = index;
}

struct xs_patch *xs_patch_find(const struct xs_patch_mgr *m, const char *name)
{
	for (struct xs_patch *p = m ? m->loaded : NULL; p && name; p = p->next)
		if (xs_strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

struct xs_patch *xs_patch_first(const struct xs_patch_mgr *m)
{
	return m ? m->loaded : NULL;
}

struct xs_patch *xs_patch_next(const struct xs_patch *p)
{
	return p ? p->next : NULL;
}

const char *xs_patch_state_name(int state)
{
	switch (state) {
	case XS_PATCH_NONE:
		return "none";
	case XS_PATCH_LOADED:
		return "loaded";
	case XS_PATCH_APPLIED:
		return "applied";
	default:
		return "?";
	}
}

uint64_t xs_patch_last_held_ns(const struct xs_patch_mgr *m)
{
	return m->last_held_ns;
}

/* ---- host memory ---------------------------------------------------------- */

xs_status xs_patch_mem_alloc(struct xs_patch_mgr *m, struct xs_patch *p, enum xs_host_mem kind,
			     uint64_t size, uint64_t align, uint8_t **w, struct xs_diag *d)
{
	char msg[160] = "";
	uint64_t addr = 0;
	xs_status s = m->host->alloc(m->host->ctx, kind, size, align, &addr, w, msg, sizeof(msg));
	if (s != XS_OK || !*w)
		return xs_patch_fail(d, s ? s : XS_E_HOST, "host cannot allocate %llu bytes: %s",
				     (unsigned long long)size, msg[0] ? msg : xs_status_message(s));
	if (addr & (align - 1)) {
		m->host->free(m->host->ctx, kind, addr, size);
		return xs_patch_fail(d, XS_E_HOST, "host memory at %#llx is not %llu-byte aligned",
				     (unsigned long long)addr, (unsigned long long)align);
	}
	p->mem_addr[kind] = addr;
	p->mem_size[kind] = size;
	return XS_OK;
}

void xs_patch_mem_free_all(struct xs_patch_mgr *m, struct xs_patch *p)
{
	for (int k = 0; k < XS_HOST_MEM_COUNT; k++)
		if (p->mem_size[k])
			m->host->free(m->host->ctx, (enum xs_host_mem)k, p->mem_addr[k], p->mem_size[k]);
	xs_memset(p->mem_addr, 0, sizeof(p->mem_addr));
	xs_memset(p->mem_size, 0, sizeof(p->mem_size));
	p->meta = NULL;
	p->funcs = NULL;
	p->ranges = NULL;
}

/* ---- hooks ------------------------------------------------------------------ */

typedef void xs_loadcall_fn(void);
typedef int xs_actcall_fn(void *);
typedef void xs_postcall_fn(void *);

int xs_patch_call_hook(const struct xs_patch *p, enum xs_lp_hook h)
{
	if (!p->hook[h])
		return 0;
	const uint8_t *sec = (const uint8_t *)(uintptr_t)p->hook[h];
	int r = 0;
	for (uint32_t j = 0; j < p->pl.nhooks[h]; j++) {
		uint64_t fn = xs_payload_hook_linked(sec, j);
		if (!fn)
			continue;
		switch (h) {
		case XS_LP_HOOK_LOAD:
		case XS_LP_HOOK_UNLOAD:
			((xs_loadcall_fn *)(uintptr_t)fn)();
			break;
		case XS_LP_HOOK_POSTAPPLY:
		case XS_LP_HOOK_POSTREVERT:
			((xs_postcall_fn *)(uintptr_t)fn)((void *)(uintptr_t)p);
			break;
		default:
			r = ((xs_actcall_fn *)(uintptr_t)fn)((void *)(uintptr_t)p);
			break;
		}
	}
	return r;
}

/* ---- symbols ---------------------------------------------------------------- */

struct resolve_ctx {
	struct xs_patch_mgr *m;
};

/* The host's table (host symbols, `file#name` statics, earlier payloads), then the host. */
static xs_status patch_resolve(void *ctx, const char *name, uint64_t *value)
{
	struct resolve_ctx *rc = ctx;
	uint32_t i;
	xs_status s = xs_symtab_lookup(rc->m->symtab, name, 0, &i, NULL);
	if (s == XS_OK) {
		*value = xs_symtab_get(rc->m->symtab, i)->value;
		return XS_OK;
	}
	if (s != XS_E_NOT_FOUND)
		return s;
	if (rc->m->host->resolve)
		return rc->m->host->resolve(rc->m->host->ctx, name, value);
	return XS_E_NOT_FOUND;
}

/* Address of payload symbol k (defined in an allocated section), 0 if none. */
static uint64_t sym_addr(const struct xs_patch *p, const struct xs_symbol *s)
{
	if (!s->section || s->shndx == XS_SHN_ABS)
		return s->shndx == XS_SHN_ABS ? s->value : 0;
	uint64_t base = xs_link_section_addr(&p->link, 0, s->section);
	return base ? base + s->value : 0;
}

/* Size of the payload function at addr (its symbol), 0 if no symbol names it. */
static uint64_t payload_func_size(const struct xs_patch *p, uint64_t addr)
{
	for (uint32_t k = 1; k < xs_object_symbol_count(&p->obj); k++) {
		struct xs_symbol s;
		xs_object_symbol(&p->obj, k, &s);
		if (s.type == XS_STT_FUNC && s.size && sym_addr(p, &s) == addr)
			return s.size;
	}
	return 0;
}

static bool is_new_function(const struct xs_patch *p, uint64_t addr)
{
	for (uint32_t i = 0; i < p->nfuncs; i++)
		if (!p->funcs[i].nop && p->funcs[i].new_addr == addr)
			return true;
	return false;
}

static bool exportable(const struct xs_symbol *s)
{
	return (s->bind == XS_STB_GLOBAL || s->bind == XS_STB_WEAK) && s->section &&
	       s->name[0] && (s->type == XS_STT_FUNC || s->type == XS_STT_OBJECT ||
			      s->type == XS_STT_NOTYPE);
}

/* Globals of the payload (not the replacing functions) into the host table. */
static xs_status export_syms(struct xs_patch_mgr *m, struct xs_patch *p, struct xs_sym *buf,
			     struct xs_diag *d)
{
	uint32_t n = 0;
	for (uint32_t k = 1; k < xs_object_symbol_count(&p->obj); k++) {
		struct xs_symbol s;
		xs_object_symbol(&p->obj, k, &s);
		uint64_t a = sym_addr(p, &s);
		if (!exportable(&s) || !a || is_new_function(p, a))
			continue;
		struct xs_sym *e = &buf[n++];
		xs_memset(e, 0, sizeof(*e));
		e->name = s.name;
		e->value = a;
		e->size = s.size;
		e->type = s.type;
		e->bind = s.bind;
		struct xs_section sec;
		xs_object_section(&p->obj, s.section, &sec);
		e->flags = (sec.flags & XS_SHF_EXECINSTR) ? XS_SYM_EXEC : 0;
		e->shndx = XS_SHN_ABS;
	}
	if (!n)
		return XS_OK;
	return xs_symtab_export(m->symtab, p->id, buf, n, 0, d);
}

/* ---- functions of the payload ----------------------------------------------- */

static xs_status read_funcs(struct xs_patch_mgr *m, struct xs_patch *p, struct xs_diag *d)
{
	if (!p->nfuncs)
		return XS_OK;
	const uint8_t *tab =
		(const uint8_t *)(uintptr_t)xs_link_section_addr(&p->link, 0, p->pl.funcs_sec);
	if (!tab)
		return xs_patch_fail(d, XS_E_BAD_PAYLOAD, ".livepatch.funcs was not placed");
	for (uint32_t i = 0; i < p->nfuncs; i++) {
		struct xs_lp_func f;
		struct xs_patch_func *pf = &p->funcs[i];
		uint64_t name_addr = 0;
		xs_payload_func_linked(&p->pl, tab, i, &f, &name_addr);
		xs_memset(pf, 0, sizeof(*pf));
		pf->name = name_addr ? (const char *)(uintptr_t)name_addr : NULL;
		pf->nop = f.nop;
		pf->new_addr = f.new_addr;
		pf->declared_old_size = f.old_size;
		pf->expect_enabled = f.expect_enabled;
		pf->expect_len = f.expect_len;
		xs_memcpy(pf->expect, f.expect, sizeof(pf->expect));
		if (f.old_addr) {
			uint32_t k;
			uint64_t off;
			pf->old_addr = f.old_addr;
			pf->old_size = f.old_size;
			if (xs_symtab_addr(m->symtab, f.old_addr, &k, &off) == XS_OK && off == 0)
				pf->old_size = xs_symtab_get(m->symtab, k)->size;
		} else {
			uint32_t k;
			xs_status s = xs_symtab_lookup(m->symtab, pf->name, XS_LOOKUP_FUNC, &k, d);
			if (s == XS_E_NOT_FOUND)
				return xs_patch_fail(d, XS_E_UNDEFINED_SYMBOL,
						     "function %u: '%s' is not a function of the host",
						     i, pf->name);
			if (s != XS_OK)
				return s;
			pf->old_addr = xs_symtab_get(m->symtab, k)->value;
			pf->old_size = xs_symtab_get(m->symtab, k)->size;
		}
		if (!pf->old_size)
			return xs_patch_fail(d, XS_E_SITE_TOO_SMALL,
					     "function %u ('%s'): size of the old function unknown",
					     i, pf->name ? pf->name : "?");
		pf->new_size = pf->nop ? f.new_size
				       : (f.new_size ? f.new_size : payload_func_size(p, f.new_addr));
		for (uint32_t j = 0; j < i; j++)
			if (p->funcs[j].old_addr == pf->old_addr)
				return xs_patch_fail(d, XS_E_DUPLICATE_SYMBOL,
						     "functions %u and %u both replace '%s'", j, i,
						     pf->name ? pf->name : "?");
		/* at the old entry a thread has run nothing of the old function yet */
		p->ranges[i] = (struct xs_host_range){ pf->old_addr, pf->old_addr + pf->old_size,
						       XS_HOST_RANGE_ENTRY_OK };
		/* one at the new entry was sent there by the trampoline: in the new version */
		p->ranges[p->nfuncs + i] = (struct xs_host_range){
			pf->new_addr, pf->new_addr + (pf->new_size ? pf->new_size : 1), 0 };
	}
	return XS_OK;
}

/* ---- sections reported to the host --------------------------------------- */

static bool interpreted(const char *n)
{
	static const char *const pre[] = {".text", ".data", ".rodata", ".bss", ".livepatch.",
					  ".note.gnu.build-id", ".comment"};
	for (unsigned i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (xs_starts_with(n, pre[i]))
			return true;
	return false;
}

static void report_sections(struct xs_patch_mgr *m, struct xs_patch *p, bool add,
			    uint32_t upto)
{
	for (uint32_t i = 1; i < upto && m->host->section; i++) {
		struct xs_section s;
		xs_object_section(&p->obj, i, &s);
		uint64_t a = xs_link_section_addr(&p->link, 0, i);
		if (!(s.flags & XS_SHF_ALLOC_) || !a || interpreted(s.name))
			continue;
		m->host->section(m->host->ctx, add, p->name, s.name, a, s.size);
	}
}

static xs_status add_sections(struct xs_patch_mgr *m, struct xs_patch *p, struct xs_diag *d)
{
	uint32_t n = xs_object_section_count(&p->obj);
	for (uint32_t i = 1; i < n && m->host->section; i++) {
		struct xs_section s;
		xs_object_section(&p->obj, i, &s);
		uint64_t a = xs_link_section_addr(&p->link, 0, i);
		if (!(s.flags & XS_SHF_ALLOC_) || !a || interpreted(s.name))
			continue;
		xs_status st = m->host->section(m->host->ctx, true, p->name, s.name, a, s.size);
		if (st != XS_OK) {
			report_sections(m, p, false, i);
			return xs_patch_fail(d, st, "host refused section %s", s.name);
		}
	}
	return XS_OK;
}

/* ---- load ------------------------------------------------------------------- */

static xs_status check_host_dep(struct xs_patch_mgr *m, struct xs_patch *p, uint32_t flags,
				struct xs_diag *d)
{
	const struct xs_lp_build_id *x = &p->pl.xen_depends;
	char want[80], have[80];
	if (!x->id) {
		if (flags & XS_PATCH_ANY_HOST)
			return XS_OK;
		return xs_patch_fail(d, XS_E_NO_HOST_DEPENDENCY,
				     "no .livepatch.xen_depends: bind it to this host (xsplice bind) "
				     "or allow any host explicitly");
	}
	if (xs_build_id_equal(x->id, x->len, m->build_id, m->build_id_len))
		return XS_OK;
	xs_build_id_hex(x->id, x->len, want, sizeof(want));
	if (m->build_id)
		xs_build_id_hex(m->build_id, m->build_id_len, have, sizeof(have));
	else
		xs_strlcpy(have, "none", sizeof(have));
	return xs_patch_fail(d, XS_E_BUILD_ID_MISMATCH,
			     "built for host build-id %s, this host is %s", want, have);
}

static xs_status link_payload(struct xs_patch_mgr *m, struct xs_patch *p, struct xs_diag *d)
{
	xs_status s;
	struct xs_link_options lopt = {.flags = XS_LINK_RELAX | XS_LINK_ALLOW_UNDEFINED_WEAK};
	if ((s = xs_link_init(&p->link, &p->obj, 1, &lopt, d)))
		return s;
	size_t ws = (xs_link_workspace_size(&p->link) + 7) & ~(size_t)7;
	uint32_t nexp = xs_object_symbol_count(&p->obj);
	uint64_t meta = ws + (uint64_t)p->nfuncs * sizeof(struct xs_patch_func) +
			(uint64_t)2 * p->nfuncs * sizeof(struct xs_host_range) +
			(uint64_t)nexp * sizeof(struct xs_sym);
	uint8_t *w;
	if ((s = xs_patch_mem_alloc(m, p, XS_HOST_MEM_META, meta, 16, &w, d)))
		return s;
	xs_memset(w, 0, (size_t)meta);
	p->meta = w;
	p->funcs = (struct xs_patch_func *)(void *)(w + ws);
	p->ranges = (struct xs_host_range *)(void *)(p->funcs + p->nfuncs);
	if ((s = xs_link_plan(&p->link, w, ws, d)))
		return s;
	for (int r = 0; r < XS_REGION_COUNT; r++) {
		uint64_t size, align;
		uint8_t *rw = NULL;
		xs_link_region_need(&p->link, (enum xs_region)r, &size, &align);
		if (!size)
			continue;
		if (align < 16)
			align = 16;
		if ((s = xs_patch_mem_alloc(m, p, (enum xs_host_mem)r, size, align, &rw, d)) ||
		    (s = xs_link_place_region(&p->link, (enum xs_region)r, p->mem_addr[r], rw, d)))
			return s;
	}
	struct resolve_ctx rc = {m};
	if ((s = xs_link_resolve(&p->link, patch_resolve, &rc, d)) ||
	    (s = xs_link_relocate(&p->link, d)))
		return s;
	p->text_addr = p->mem_addr[XS_HOST_MEM_TEXT];
	p->text_size = p->mem_size[XS_HOST_MEM_TEXT];
	if (p->text_size)
		m->host->sync_icache(m->host->ctx, p->text_addr, (size_t)p->text_size);
	for (int r = XS_HOST_MEM_TEXT; r <= XS_HOST_MEM_DATA; r++) {
		char msg[160] = "";
		if (!p->mem_size[r])
			continue;
		s = m->host->seal(m->host->ctx, (enum xs_host_mem)r, p->mem_addr[r], p->mem_size[r],
				  msg, sizeof(msg));
		if (s)
			return xs_patch_fail(d, s, "host cannot seal region %d: %s", r,
					     msg[0] ? msg : xs_status_message(s));
	}
	return XS_OK;
}

xs_status xs_patch_load(struct xs_patch_mgr *m, struct xs_patch *p, const char *name,
			const void *elf, size_t size, uint32_t flags, struct xs_diag *d)
{
	xs_status s;
	if (!m || !p || !name || !elf)
		return xs_patch_fail(d, XS_E_INVALID_ARG, "xs_patch_load: missing argument");
	size_t nl = xs_strlen(name);
	if (!nl || nl >= XS_PATCH_NAME_MAX)
		return xs_patch_fail(d, XS_E_INVALID_ARG, "payload name must be 1..%d bytes",
				     XS_PATCH_NAME_MAX - 1);
	if (xs_patch_find(m, name))
		return xs_patch_fail(d, XS_E_STATE, "a payload named %s is already loaded", name);
	for (struct xs_patch *q = m->loaded; q; q = q->next)
		if (q == p)
			return xs_patch_fail(d, XS_E_STATE, "this payload record is in use");
	xs_memset(p, 0, sizeof(*p));
	xs_strlcpy(p->name, name, sizeof(p->name));
	p->flags = flags;
	p->id = m->next_id;
	bool exported = false;
	if ((s = xs_object_parse(&p->obj, elf, size, m->host->machine, d)) ||
	    (s = xs_payload_read(&p->pl, &p->obj, d)) || (s = check_host_dep(m, p, flags, d)))
		goto fail;
	p->nfuncs = p->pl.nfuncs;
	if ((s = link_payload(m, p, d)) || (s = read_funcs(m, p, d)))
		goto fail;
	for (int h = 0; h < XS_LP_HOOK_COUNT; h++)
		if (p->pl.hook_sec[h])
			p->hook[h] = xs_link_section_addr(&p->link, 0, p->pl.hook_sec[h]);
	struct xs_sym *expbuf = (struct xs_sym *)(void *)(p->ranges + 2 * p->nfuncs);
	if ((s = export_syms(m, p, expbuf, d)))
		goto fail;
	exported = true;
	if ((s = add_sections(m, p, d)))
		goto fail;
	m->next_id++;
	p->state = XS_PATCH_LOADED;
	p->next = m->loaded;
	m->loaded = p;
	xs_patch_call_hook(p, XS_LP_HOOK_LOAD);
	return XS_OK;
fail:
	if (exported)
		xs_symtab_unexport(m->symtab, p->id);
	xs_patch_mem_free_all(m, p);
	p->state = XS_PATCH_NONE;
	return prefixed(d, s, p);
}

/* ---- unload ------------------------------------------------------------------- */

struct unload_op {
	struct xs_patch_mgr *m;
	struct xs_patch *p;
	struct xs_diag *d;
};

static xs_status unload_held(void *arg)
{
	struct unload_op *op = arg;
	struct xs_host_range r = {op->p->text_addr, op->p->text_addr + op->p->text_size, 0};
	return xs_patch_check_ranges(op->m, op->p, &r, 1, false, op->d);
}

static bool patch_owns(const struct xs_patch *p, uint64_t a)
{
	for (int k = XS_HOST_MEM_TEXT; k <= XS_HOST_MEM_DATA; k++)
		if (p->mem_size[k] && a - p->mem_addr[k] < p->mem_size[k])
			return true;
	return false;
}

xs_status xs_patch_unload(struct xs_patch_mgr *m, struct xs_patch *p, struct xs_diag *d)
{
	if (!m || !p)
		return xs_patch_fail(d, XS_E_INVALID_ARG, "xs_patch_unload: missing argument");
	if (p->state != XS_PATCH_LOADED)
		return xs_patch_fail(d, XS_E_STATE, "payload %s is %s: only a loaded (not applied) "
				     "payload can be unloaded", p->name, xs_patch_state_name(p->state));
	/*
	 * Nothing may point into p once it is gone: no other payload may patch
	 * one of p's functions (its saved bytes and trampoline live in p's
	 * text) or have been linked against p's exports.
	 */
	for (const struct xs_patch *q = m->loaded; q; q = q->next) {
		if (q == p)
			continue;
		for (uint32_t i = 0; i < q->nfuncs; i++)
			if (patch_owns(p, q->funcs[i].old_addr))
				return xs_patch_fail(d, XS_E_STATE,
						     "payload %s: payload %s replaces its function %s; "
						     "unload %s first", p->name, q->name,
						     q->funcs[i].name ? q->funcs[i].name : "?", q->name);
		for (int k = XS_HOST_MEM_TEXT; k <= XS_HOST_MEM_DATA; k++)
			if (p->mem_size[k] &&
			    xs_link_uses_range(&q->link, p->mem_addr[k],
					       p->mem_addr[k] + p->mem_size[k]))
				return xs_patch_fail(d, XS_E_STATE,
						     "payload %s: payload %s uses its symbols; unload "
						     "%s first", p->name, q->name, q->name);
	}
	if (p->text_size) {
		struct unload_op op = {m, p, d};
		xs_status s = m->host->rendezvous(m->host->ctx, unload_held, &op, m->timeout_ns);
		if (s == XS_E_TIMEOUT)
			return xs_patch_fail(d, s, "payload %s: rendezvous timed out", p->name);
		if (s)
			return s;
	}
	xs_patch_call_hook(p, XS_LP_HOOK_UNLOAD);
	report_sections(m, p, false, xs_object_section_count(&p->obj));
	xs_symtab_unexport(m->symtab, p->id);
	for (struct xs_patch **q = &m->loaded; *q; q = &(*q)->next)
		if (*q == p) {
			*q = p->next;
			break;
		}
	xs_patch_mem_free_all(m, p);
	p->state = XS_PATCH_NONE;
	p->next = NULL;
	return XS_OK;
}
