/* SPDX-License-Identifier: MIT */
/*
 * Apply, revert and replace: plan every site outside the rendezvous, then,
 * with everything held, check threads and bytes, map every alias (the only
 * step that can fail), write, sync, unmap. A failure before the first write
 * changes nothing; an injected failure after some writes undoes them in
 * reverse order, so the live text is byte-identical to before.
 */
#include <xsplice/patch.h>

#include "patch_int.h"
#include "util.h"
#include "xs_elf.h"

enum view { VIEW_CURRENT, VIEW_ORIGINAL };

/* Bytes at the patch point of funcs[i]'s plan that a step writes, and what it expects. */
struct step {
	struct xs_patch *p;
	bool apply; /* false: revert */
};

struct op {
	struct xs_patch_mgr *m;
	struct step steps[XS_PATCH_MAX_APPLIED + 1];
	uint32_t nsteps;
	struct xs_diag *d;
};

static const char *fname(const struct xs_patch_func *f)
{
	return f->name ? f->name : "?";
}

static uint64_t now(const struct xs_patch_mgr *m)
{
	return m->host->now_ns ? m->host->now_ns(m->host->ctx) : 0;
}

static void overlay(uint8_t *buf, uint64_t addr, size_t len, uint64_t w, const uint8_t *bytes,
		    size_t wlen)
{
	for (size_t k = 0; k < wlen; k++)
		if (w + k >= addr && w + k < addr + len)
			buf[w + k - addr] = bytes[k];
}

/* [addr, addr + len) now, or before any applied payload (reverting top to bottom). */
static void view_read(const struct xs_patch_mgr *m, uint64_t addr, uint8_t *buf, size_t len,
		      enum view v)
{
	xs_memcpy(buf, (const void *)(uintptr_t)addr, len);
	if (v == VIEW_CURRENT)
		return;
	for (uint32_t k = m->napplied; k-- > 0;) {
		const struct xs_patch *q = m->applied[k];
		if (q->hook[XS_LP_HOOK_APPLY])
			continue;
		for (uint32_t i = 0; i < q->nfuncs; i++) {
			const struct xs_tramp_plan *pl = &q->funcs[i].plan;
			overlay(buf, addr, len, pl->patch_point, pl->saved, pl->len);
		}
	}
}

#define XS_PAD_SCAN 64

/* Room from the patch point: the function, plus the filler after it, as the image had it. */
static uint64_t site_room(const struct xs_patch_mgr *m, const struct xs_patch_func *f,
			  unsigned entry)
{
	uint64_t end = f->old_addr + f->old_size, limit = end;
	uint32_t k;
	if (xs_symtab_next_at_or_after(m->symtab, end, &k) == XS_OK) {
		uint64_t v = xs_symtab_get(m->symtab, k)->value;
		limit = v < end + XS_PAD_SCAN ? v : end + XS_PAD_SCAN;
	}
	uint8_t buf[XS_PAD_SCAN];
	uint64_t pad = 0;
	if (limit > end) {
		view_read(m, end, buf, (size_t)(limit - end), VIEW_ORIGINAL);
		pad = xs_site_filler(m->host->machine, buf, limit - end);
	}
	return end + pad - (f->old_addr + entry);
}

static xs_status plan_func(struct xs_patch_mgr *m, struct xs_patch *p, uint32_t i, enum view v,
			   struct xs_diag *d)
{
	struct xs_patch_func *f = &p->funcs[i];
	uint8_t head[4] = {0}, live[4 + XS_TRAMP_MAX];
	size_t hl = f->old_size < 4 ? (size_t)f->old_size : 4;
	view_read(m, f->old_addr, head, hl, VIEW_ORIGINAL);
	unsigned es = xs_tramp_entry_size(xs_tramp_entry(m->host->machine, head, hl));
	uint64_t room = site_room(m, f, es);
	size_t ll = es + (room < XS_TRAMP_MAX ? (size_t)room : XS_TRAMP_MAX);
	view_read(m, f->old_addr, live, ll, v);
	if (m->fault == XS_PATCH_FAULT_PLAN && m->fault_index == i) {
		m->fault = XS_PATCH_FAULT_NONE;
		return xs_patch_fail(d, XS_E_FAULT_INJECTED, "payload %s: function %s: injected "
				     "failure while planning", p->name, fname(f));
	}
	struct xs_tramp_req r = {
		.machine = m->host->machine,
		.site = f->old_addr,
		.room = room,
		.live = live,
		.live_len = ll,
		.target = f->new_addr,
		.target_code = f->nop ? NULL : (const uint8_t *)(uintptr_t)f->new_addr,
		.target_len = f->nop ? 0 : 4,
		.nop_len = f->nop ? (uint32_t)f->new_size : 0,
		.expect = f->expect_enabled ? f->expect : NULL,
		.expect_len = f->expect_enabled ? f->expect_len : 0,
	};
	xs_status s = xs_tramp_plan(&r, &f->plan, d);
	if (s == XS_OK && f->declared_old_size && f->declared_old_size < f->plan.len)
		s = xs_patch_fail(d, XS_E_SITE_TOO_SMALL, "declared old_size %u is below the %u-byte "
				  "jump", f->declared_old_size, f->plan.len);
	if (s != XS_OK && d) {
		char tmp[sizeof(d->msg)];
		xs_strlcpy(tmp, d->msg[0] ? d->msg : xs_status_message(s), sizeof(tmp));
		xs_fmt(d->msg, sizeof(d->msg), "payload %s: function %s: %s", p->name, fname(f), tmp);
		d->status = s;
	}
	return s;
}

static xs_status plan_all(struct xs_patch_mgr *m, struct xs_patch *p, enum view v,
			  struct xs_diag *d)
{
	if (p->hook[XS_LP_HOOK_APPLY])
		return XS_OK; /* the payload's own apply/revert hooks do the work */
	for (uint32_t i = 0; i < p->nfuncs; i++) {
		xs_status s = plan_func(m, p, i, v, d);
		if (s)
			return s;
	}
	return XS_OK;
}

/* ---- checks ----------------------------------------------------------------- */

static xs_status check_depends(const struct xs_patch_mgr *m, const struct xs_patch *p,
			       const struct xs_patch *top, struct xs_diag *d)
{
	const struct xs_lp_build_id *dep = &p->pl.depends;
	if (!dep->id)
		return XS_OK; /* no stacking constraint declared */
	const uint8_t *id = top ? top->pl.build_id.id : m->build_id;
	size_t len = top ? top->pl.build_id.len : m->build_id_len;
	if (xs_build_id_equal(dep->id, dep->len, id, len))
		return XS_OK;
	char want[80], have[80] = "none";
	xs_build_id_hex(dep->id, dep->len, want, sizeof(want));
	if (id)
		xs_build_id_hex(id, len, have, sizeof(have));
	return xs_patch_fail(d, XS_E_BUILD_ID_MISMATCH,
			     "payload %s: .livepatch.depends is %s but %s%s has build-id %s", p->name,
			     want, top ? "the most recently applied payload " : "the host image",
			     top ? top->name : "", have);
}

xs_status xs_patch_check_ranges(struct xs_patch_mgr *m, const struct xs_patch *p,
				const struct xs_host_range *ranges, uint32_t n, bool funcs,
				struct xs_diag *d)
{
	struct xs_host_busy who;
	xs_memset(&who, 0, sizeof(who));
	if (!n)
		return XS_OK;
	xs_status s = m->host->thread_in_ranges(m->host->ctx, ranges, n, &who);
	if (s == XS_OK)
		return XS_OK;
	if (s != XS_E_BUSY)
		return xs_patch_fail(d, s, "payload %s: host cannot inspect threads", p->name);
	const char *what = "the code of", *name = p->name;
	if (funcs && who.range < p->nfuncs)
		what = "function", name = fname(&p->funcs[who.range]);
	else if (funcs && who.range < 2 * p->nfuncs)
		what = "the replacement of", name = fname(&p->funcs[who.range - p->nfuncs]);
	return xs_patch_fail(d, XS_E_BUSY, "payload %s: thread %llu %s %s %s (%s %#llx)", p->name,
			     (unsigned long long)who.thread,
			     who.on_stack ? "will return into" : "is executing in", what, name,
			     who.on_stack ? "return address" : "pc", (unsigned long long)who.pc);
}

/* ---- the held part ---------------------------------------------------------- */

static bool step_writes(const struct step *s)
{
	return !s->p->hook[XS_LP_HOOK_APPLY];
}

/* Bytes function i of step s writes, and the bytes it expects to find. */
static const uint8_t *new_bytes(const struct step *s, uint32_t i)
{
	return s->apply ? s->p->funcs[i].plan.insn : s->p->funcs[i].plan.saved;
}
static const uint8_t *old_bytes(const struct step *s, uint32_t i)
{
	return s->apply ? s->p->funcs[i].plan.saved : s->p->funcs[i].plan.insn;
}

/* Do the live bytes, with the earlier writes of this op, hold what (st, fi) expects? */
static bool bytes_as_planned(const struct op *op, uint32_t st, uint32_t fi)
{
	const struct xs_tramp_plan *pl = &op->steps[st].p->funcs[fi].plan;
	uint8_t buf[XS_TRAMP_MAX];
	xs_memcpy(buf, (const void *)(uintptr_t)pl->patch_point, pl->len);
	for (uint32_t s = 0; s <= st; s++) {
		const struct step *e = &op->steps[s];
		if (!step_writes(e))
			continue;
		for (uint32_t i = 0; i < (s == st ? fi : e->p->nfuncs); i++) {
			const struct xs_tramp_plan *q = &e->p->funcs[i].plan;
			overlay(buf, pl->patch_point, pl->len, q->patch_point, new_bytes(e, i), q->len);
		}
	}
	return memcmp(buf, old_bytes(&op->steps[st], fi), pl->len) == 0;
}

static void unmap_all(struct op *op)
{
	const struct xs_host *h = op->m->host;
	for (uint32_t s = 0; s < op->nsteps; s++)
		for (uint32_t i = 0; i < op->steps[s].p->nfuncs; i++) {
			struct xs_patch_func *f = &op->steps[s].p->funcs[i];
			if (f->alias)
				h->unmap_alias(h->ctx, f->plan.patch_point, f->plan.len, f->alias);
			f->alias = NULL;
		}
}

/* Undo steps [0, st) and the first fi writes of step st, last first. */
static void undo(struct op *op, uint32_t st, uint32_t fi)
{
	for (uint32_t s = st + 1; s-- > 0;) {
		struct step *e = &op->steps[s];
		if (!step_writes(e)) {
			if (s < st)
				xs_patch_call_hook(e->p, e->apply ? XS_LP_HOOK_REVERT : XS_LP_HOOK_APPLY);
			continue;
		}
		for (uint32_t i = (s == st ? fi : e->p->nfuncs); i-- > 0;) {
			struct xs_patch_func *f = &e->p->funcs[i];
			xs_memcpy(f->alias, old_bytes(e, i), f->plan.len);
		}
	}
}

static xs_status held(void *arg)
{
	struct op *op = arg;
	struct xs_patch_mgr *m = op->m;
	const struct xs_host *h = m->host;
	uint64_t t0 = now(m);
	xs_status s = XS_OK;

	for (uint32_t k = 0; k < op->nsteps && !s; k++) {
		struct xs_patch *p = op->steps[k].p;
		s = xs_patch_check_ranges(m, p, p->ranges,
					  op->steps[k].apply ? p->nfuncs : 2 * p->nfuncs, true, op->d);
	}
	for (uint32_t k = 0; k < op->nsteps && !s; k++)
		for (uint32_t i = 0; step_writes(&op->steps[k]) && i < op->steps[k].p->nfuncs; i++)
			if (!bytes_as_planned(op, k, i)) {
				struct xs_patch_func *f = &op->steps[k].p->funcs[i];
				s = xs_patch_fail(op->d, XS_E_EXPECT_MISMATCH,
						  "payload %s: function %s: live bytes at %#llx changed "
						  "since planning", op->steps[k].p->name, fname(f),
						  (unsigned long long)f->plan.patch_point);
				break;
			}
	for (uint32_t k = 0; k < op->nsteps && !s; k++)
		for (uint32_t i = 0; step_writes(&op->steps[k]) && i < op->steps[k].p->nfuncs; i++) {
			struct xs_patch_func *f = &op->steps[k].p->funcs[i];
			char msg[160] = "";
			if (!f->plan.len)
				continue;
			s = h->map_alias(h->ctx, f->plan.patch_point, f->plan.len, &f->alias, msg,
					 sizeof(msg));
			if (s || !f->alias) {
				f->alias = NULL;
				s = xs_patch_fail(op->d, s ? s : XS_E_HOST,
						  "payload %s: function %s: no writable alias of %#llx: %s",
						  op->steps[k].p->name, fname(f),
						  (unsigned long long)f->plan.patch_point,
						  msg[0] ? msg : xs_status_message(s));
				break;
			}
		}
	if (s) {
		unmap_all(op);
		m->last_held_ns = now(m) - t0;
		return s;
	}

	uint32_t g = 0;
	for (uint32_t k = 0; k < op->nsteps && !s; k++) {
		struct step *e = &op->steps[k];
		if (!step_writes(e)) {
			if (xs_patch_call_hook(e->p, e->apply ? XS_LP_HOOK_APPLY : XS_LP_HOOK_REVERT)) {
				undo(op, k, 0);
				s = xs_patch_fail(op->d, XS_E_VETO, "payload %s: its %s hook failed",
						  e->p->name, e->apply ? "apply" : "revert");
			}
			continue;
		}
		for (uint32_t i = 0; i < e->p->nfuncs; i++, g++) {
			struct xs_patch_func *f = &e->p->funcs[i];
			if (m->fault == XS_PATCH_FAULT_WRITE && m->fault_index == g) {
				m->fault = XS_PATCH_FAULT_NONE;
				undo(op, k, i);
				s = xs_patch_fail(op->d, XS_E_FAULT_INJECTED,
						  "payload %s: function %s: injected failure after %u "
						  "writes", e->p->name, fname(f), g);
				break;
			}
			xs_memcpy(f->alias, new_bytes(e, i), f->plan.len);
		}
	}
	for (uint32_t k = 0; k < op->nsteps; k++)
		for (uint32_t i = 0; step_writes(&op->steps[k]) && i < op->steps[k].p->nfuncs; i++) {
			const struct xs_tramp_plan *pl = &op->steps[k].p->funcs[i].plan;
			if (pl->len)
				h->sync_icache(h->ctx, pl->patch_point, pl->len);
		}
	unmap_all(op);
	m->last_held_ns = now(m) - t0;
	return s;
}

static xs_status run(struct op *op)
{
	struct xs_patch_mgr *m = op->m;
	xs_status s = m->host->rendezvous(m->host->ctx, held, op, m->timeout_ns);
	if (s == XS_E_TIMEOUT && op->d && op->d->status != XS_E_TIMEOUT)
		xs_patch_fail(op->d, s, "payload %s: not every thread joined the rendezvous within "
			      "%llu ms", op->steps[op->nsteps - 1].p->name,
			      (unsigned long long)(m->timeout_ns / 1000000));
	else if (s && op->d && op->d->status != s)
		xs_patch_fail(op->d, s, "payload %s: rendezvous failed: %s",
			      op->steps[op->nsteps - 1].p->name, xs_status_message(s));
	return s;
}

/* ---- the transitions ---------------------------------------------------------- */

static xs_status need_state(const struct xs_patch *p, int state, const char *op,
			    struct xs_diag *d)
{
	if (p->state == state)
		return XS_OK;
	return xs_patch_fail(d, XS_E_STATE, "cannot %s payload %s: it is %s", op,
			     p->state == XS_PATCH_NONE ? "(unknown)" : p->name,
			     p->state == XS_PATCH_NONE ? "not loaded" : xs_patch_state_name(p->state));
}

static struct xs_patch *top(const struct xs_patch_mgr *m)
{
	return m->napplied ? m->applied[m->napplied - 1] : NULL;
}

xs_status xs_patch_apply(struct xs_patch_mgr *m, struct xs_patch *p, struct xs_diag *d)
{
	xs_status s;
	if (!m || !p)
		return xs_patch_fail(d, XS_E_INVALID_ARG, "xs_patch_apply: missing argument");
	xs_diag_clear(d);
	if ((s = need_state(p, XS_PATCH_LOADED, "apply", d)))
		return s;
	if (m->napplied == XS_PATCH_MAX_APPLIED)
		return xs_patch_fail(d, XS_E_TOO_MANY, "%d payloads applied already",
				     XS_PATCH_MAX_APPLIED);
	if ((s = check_depends(m, p, top(m), d)))
		return s;
	if (xs_patch_call_hook(p, XS_LP_HOOK_PREAPPLY))
		return xs_patch_fail(d, XS_E_VETO, "payload %s: pre-apply hook vetoed", p->name);
	if ((s = plan_all(m, p, VIEW_CURRENT, d)))
		return s;
	struct op op = {.m = m, .nsteps = 1, .d = d};
	op.steps[0] = (struct step){p, true};
	if ((s = run(&op)))
		return s;
	m->applied[m->napplied++] = p;
	p->state = XS_PATCH_APPLIED;
	xs_patch_call_hook(p, XS_LP_HOOK_POSTAPPLY);
	return XS_OK;
}

xs_status xs_patch_revert(struct xs_patch_mgr *m, struct xs_patch *p, struct xs_diag *d)
{
	xs_status s;
	if (!m || !p)
		return xs_patch_fail(d, XS_E_INVALID_ARG, "xs_patch_revert: missing argument");
	xs_diag_clear(d);
	if ((s = need_state(p, XS_PATCH_APPLIED, "revert", d)))
		return s;
	if (top(m) != p)
		return xs_patch_fail(d, XS_E_STATE, "cannot revert payload %s: %s was applied after "
				     "it; revert that first", p->name, top(m)->name);
	if (xs_patch_call_hook(p, XS_LP_HOOK_PREREVERT))
		return xs_patch_fail(d, XS_E_VETO, "payload %s: pre-revert hook vetoed", p->name);
	struct op op = {.m = m, .nsteps = 1, .d = d};
	op.steps[0] = (struct step){p, false};
	if ((s = run(&op)))
		return s;
	m->napplied--;
	p->state = XS_PATCH_LOADED;
	xs_patch_call_hook(p, XS_LP_HOOK_POSTREVERT);
	return XS_OK;
}

xs_status xs_patch_replace(struct xs_patch_mgr *m, struct xs_patch *p, struct xs_diag *d)
{
	xs_status s;
	if (!m || !p)
		return xs_patch_fail(d, XS_E_INVALID_ARG, "xs_patch_replace: missing argument");
	xs_diag_clear(d);
	if ((s = need_state(p, XS_PATCH_LOADED, "replace with", d)))
		return s;
	if ((s = check_depends(m, p, NULL, d)))
		return s;
	for (uint32_t k = m->napplied; k-- > 0;)
		if (xs_patch_call_hook(m->applied[k], XS_LP_HOOK_PREREVERT))
			return xs_patch_fail(d, XS_E_VETO, "payload %s: pre-revert hook vetoed",
					     m->applied[k]->name);
	if (xs_patch_call_hook(p, XS_LP_HOOK_PREAPPLY))
		return xs_patch_fail(d, XS_E_VETO, "payload %s: pre-apply hook vetoed", p->name);
	if ((s = plan_all(m, p, VIEW_ORIGINAL, d)))
		return s;
	struct op op = {.m = m, .d = d};
	for (uint32_t k = m->napplied; k-- > 0;)
		op.steps[op.nsteps++] = (struct step){m->applied[k], false};
	op.steps[op.nsteps++] = (struct step){p, true};
	if ((s = run(&op)))
		return s;
	uint32_t n = m->napplied;
	m->napplied = 0;
	for (uint32_t k = 0; k + 1 < op.nsteps; k++)
		op.steps[k].p->state = XS_PATCH_LOADED;
	m->applied[m->napplied++] = p;
	p->state = XS_PATCH_APPLIED;
	for (uint32_t k = 0; k < n; k++)
		xs_patch_call_hook(op.steps[k].p, XS_LP_HOOK_POSTREVERT);
	xs_patch_call_hook(p, XS_LP_HOOK_POSTAPPLY);
	return XS_OK;
}
