/* SPDX-License-Identifier: MIT */
/* The trampoline planner: smallest form that reaches and fits, with revert data. */
#include <xsplice/tramp.h>

#include "xs_elf.h"
#include "tramp_int.h"
#include "util.h"

static const char *const form_names[XS_TRAMP_FORM_COUNT] = {
	[XS_TRAMP_NONE] = "none",
	[XS_TRAMP_X86_JMP8] = "jmp8",
	[XS_TRAMP_X86_JMP32] = "jmp32",
	[XS_TRAMP_X86_JMP_ABS] = "jmp-abs",
	[XS_TRAMP_A64_B] = "b",
	[XS_TRAMP_A64_VENEER] = "b-veneer",
	[XS_TRAMP_A64_LDR_BR] = "ldr-br",
	[XS_TRAMP_NOP] = "nop",
};

static const uint8_t form_sizes[XS_TRAMP_FORM_COUNT] = {
	[XS_TRAMP_X86_JMP8] = 2,   [XS_TRAMP_X86_JMP32] = 5, [XS_TRAMP_X86_JMP_ABS] = 14,
	[XS_TRAMP_A64_B] = 4,      [XS_TRAMP_A64_VENEER] = 4, [XS_TRAMP_A64_LDR_BR] = 16,
};

const char *xs_tramp_form_name(enum xs_tramp_form f)
{
	return (unsigned)f < XS_TRAMP_FORM_COUNT ? form_names[f] : "?";
}

unsigned xs_tramp_form_size(enum xs_tramp_form f)
{
	return (unsigned)f < XS_TRAMP_FORM_COUNT ? form_sizes[f] : 0;
}

static bool is_arm(uint16_t m)
{
	return m == XS_EM_AARCH64;
}

static void diag_tramp(struct xs_diag *d, xs_status st, int64_t value, int64_t min, int64_t max)
{
	if (!d)
		return;
	xs_diag_clear(d);
	d->status = st;
	d->value = value;
	d->min = min;
	d->max = max;
}

bool xs_tramp_reach(uint16_t machine, enum xs_tramp_form f, int64_t *min, int64_t *max)
{
	int64_t lo, hi;
	switch (f) {
	case XS_TRAMP_X86_JMP8:
		lo = INT8_MIN + 2, hi = INT8_MAX + 2;
		break;
	case XS_TRAMP_X86_JMP32:
		lo = (int64_t)INT32_MIN + 5, hi = (int64_t)INT32_MAX + 5;
		break;
	case XS_TRAMP_A64_B:
	case XS_TRAMP_A64_VENEER:
		lo = -(INT64_C(1) << 27), hi = (INT64_C(1) << 27) - 4;
		break;
	default:
		return false;
	}
	(void)machine;
	if (min)
		*min = lo;
	if (max)
		*max = hi;
	return true;
}

xs_status xs_tramp_encode(uint16_t machine, enum xs_tramp_form f, uint64_t at, uint64_t target,
			  uint8_t *buf, unsigned *len, struct xs_diag *d)
{
	int64_t dist = 0, lo = 0, hi = 0;
	unsigned l = 0;
	xs_status st;
	if (!buf || !len)
		return XS_E_INVALID_ARG;
	if (machine == XS_EM_X86_64)
		st = xs_x86_64_tramp_encode(f, at, target, buf, &l, &dist);
	else if (machine == XS_EM_AARCH64)
		st = xs_aarch64_tramp_encode(f, at, target, buf, &l, &dist);
	else
		st = XS_E_BAD_MACHINE;
	if (st) {
		xs_tramp_reach(machine, f, &lo, &hi);
		diag_tramp(d, st, (int64_t)(target - at), lo, hi);
		if (d)
			xs_fmt(d->msg, sizeof(d->msg),
			       "%s at %#llx cannot reach %#llx (distance %lld, reach %lld..%lld)",
			       xs_tramp_form_name(f), (unsigned long long)at,
			       (unsigned long long)target, (long long)(target - at), (long long)lo,
			       (long long)hi);
		return st;
	}
	*len = l;
	return XS_OK;
}

xs_status xs_tramp_nops(uint16_t machine, uint8_t *buf, size_t n)
{
	if (!buf && n)
		return XS_E_INVALID_ARG;
	if (machine == XS_EM_X86_64) {
		xs_x86_64_nops(buf, n);
		return XS_OK;
	}
	if (machine == XS_EM_AARCH64) {
		if (n % 4)
			return XS_E_MISALIGNED;
		xs_aarch64_nops(buf, n);
		return XS_OK;
	}
	return XS_E_BAD_MACHINE;
}

enum xs_entry xs_tramp_entry(uint16_t machine, const uint8_t *code, size_t len)
{
	if (!code)
		return XS_ENTRY_NONE;
	if (machine == XS_EM_X86_64)
		return xs_x86_64_entry(code, len);
	if (machine == XS_EM_AARCH64)
		return xs_aarch64_entry(code, len);
	return XS_ENTRY_NONE;
}

unsigned xs_tramp_entry_size(enum xs_entry e)
{
	return e == XS_ENTRY_NONE ? 0 : 4;
}

uint32_t xs_tramp_fitting(uint16_t machine, uint64_t room)
{
	static const uint8_t x86[] = {XS_TRAMP_X86_JMP8, XS_TRAMP_X86_JMP32, XS_TRAMP_X86_JMP_ABS};
	static const uint8_t a64[] = {XS_TRAMP_A64_B, XS_TRAMP_A64_VENEER, XS_TRAMP_A64_LDR_BR};
	const uint8_t *f = is_arm(machine) ? a64 : x86;
	uint32_t mask = 0;
	if (machine != XS_EM_X86_64 && machine != XS_EM_AARCH64)
		return 0;
	for (unsigned i = 0; i < 3; i++)
		if (form_sizes[f[i]] <= room)
			mask |= 1u << f[i];
	return mask;
}

/* A PAC at the site signs the return address; the target must not sign it twice. */
static xs_status pac_target(const struct xs_tramp_req *r, enum xs_entry e, uint64_t *target,
			    struct xs_diag *d)
{
	if (e != XS_ENTRY_PACIASP && e != XS_ENTRY_PACIBSP)
		return XS_OK;
	if (r->target_code && xs_aarch64_entry(r->target_code, r->target_len) == e) {
		*target += 4;
		return XS_OK;
	}
	diag_tramp(d, XS_E_UNSUPPORTED, 0, 0, 0);
	if (d)
		xs_fmt(d->msg, sizeof(d->msg),
		       "site %#llx starts with %s; the new function at %#llx must start with it too",
		       (unsigned long long)r->site, e == XS_ENTRY_PACIASP ? "paciasp" : "pacibsp",
		       (unsigned long long)r->target);
	return XS_E_UNSUPPORTED;
}

static xs_status too_small(struct xs_diag *d, const struct xs_tramp_req *r, uint64_t need)
{
	diag_tramp(d, XS_E_SITE_TOO_SMALL, (int64_t)need, 0, (int64_t)r->room);
	if (d)
		xs_fmt(d->msg, sizeof(d->msg), "site %#llx: room %llu bytes, needs %llu",
		       (unsigned long long)r->site, (unsigned long long)r->room,
		       (unsigned long long)need);
	return XS_E_SITE_TOO_SMALL;
}

static xs_status out_of_reach(struct xs_diag *d, const struct xs_tramp_req *r, uint64_t pp,
			      uint64_t target, enum xs_tramp_form near, unsigned far_size)
{
	int64_t lo = 0, hi = 0;
	xs_tramp_reach(r->machine, near, &lo, &hi);
	diag_tramp(d, XS_E_OUT_OF_REACH, (int64_t)(target - pp), lo, hi);
	if (d)
		xs_fmt(d->msg, sizeof(d->msg),
		       "site %#llx: target %#llx is %lld bytes away, beyond %s (%lld..%lld), and the "
		       "far form needs %u bytes, room is %llu",
		       (unsigned long long)r->site, (unsigned long long)target,
		       (long long)(target - pp), xs_tramp_form_name(near), (long long)lo,
		       (long long)hi, far_size, (unsigned long long)r->room);
	return XS_E_OUT_OF_REACH;
}

static bool try_form(struct xs_tramp_plan *p, enum xs_tramp_form f, uint64_t at, uint64_t to,
		     uint64_t room)
{
	uint8_t buf[XS_TRAMP_MAX];
	unsigned len = 0;
	int64_t dist;
	xs_status st = p->machine == XS_EM_X86_64
			       ? xs_x86_64_tramp_encode(f, at, to, buf, &len, &dist)
			       : xs_aarch64_tramp_encode(f, at, to, buf, &len, &dist);
	if (st || len > room)
		return false;
	xs_memcpy(p->insn, buf, len);
	p->len = (uint8_t)len;
	p->form = (uint8_t)f;
	return true;
}

static xs_status plan_jump(const struct xs_tramp_req *r, struct xs_tramp_plan *p,
			   struct xs_diag *d)
{
	uint64_t pp = p->patch_point, to = p->target, room = r->room;
	if (r->machine == XS_EM_X86_64) {
		if (try_form(p, XS_TRAMP_X86_JMP8, pp, to, room) ||
		    try_form(p, XS_TRAMP_X86_JMP32, pp, to, room) ||
		    try_form(p, XS_TRAMP_X86_JMP_ABS, pp, to, room))
			return XS_OK;
		if (room < XS_TRAMP_MIN_ROOM_X86_64)
			return too_small(d, r, XS_TRAMP_MIN_ROOM_X86_64);
		return out_of_reach(d, r, pp, to, XS_TRAMP_X86_JMP32, 14);
	}
	if ((pp & 3) || (to & 3)) {
		diag_tramp(d, XS_E_MISALIGNED, (int64_t)((pp & 3) ? pp : to), 0, 0);
		return XS_E_MISALIGNED;
	}
	if (try_form(p, XS_TRAMP_A64_B, pp, to, room))
		return XS_OK;
	if (r->veneer && try_form(p, XS_TRAMP_A64_VENEER, pp, r->veneer, room)) {
		unsigned vlen = 0;
		int64_t dist;
		if (r->veneer & 7) { /* the literal must sit at veneer + 8, 8-byte aligned */
			diag_tramp(d, XS_E_MISALIGNED, (int64_t)r->veneer, 0, 0);
			return XS_E_MISALIGNED;
		}
		xs_aarch64_tramp_encode(XS_TRAMP_A64_LDR_BR, r->veneer, to, p->veneer_insn, &vlen,
					&dist);
		p->veneer = r->veneer;
		p->veneer_len = (uint8_t)vlen;
		return XS_OK;
	}
	if (try_form(p, XS_TRAMP_A64_LDR_BR, pp, to, room))
		return XS_OK;
	if (room < XS_TRAMP_MIN_ROOM_AARCH64)
		return too_small(d, r, XS_TRAMP_MIN_ROOM_AARCH64);
	return out_of_reach(d, r, pp, to, XS_TRAMP_A64_B, ((pp + 8) & 7) ? 20 : 16);
}

xs_status xs_tramp_plan(const struct xs_tramp_req *r, struct xs_tramp_plan *p,
			struct xs_diag *d)
{
	if (!r || !p || !r->live || (r->machine != XS_EM_X86_64 && r->machine != XS_EM_AARCH64))
		return XS_E_INVALID_ARG;
	xs_memset(p, 0, sizeof(*p));
	p->machine = r->machine;
	p->site = r->site;
	enum xs_entry e = xs_tramp_entry(r->machine, r->live, r->live_len);
	p->entry = (uint8_t)e;
	p->patch_point = r->site + xs_tramp_entry_size(e);
	p->target = r->target;
	size_t skip = xs_tramp_entry_size(e);

	if (r->expect && r->expect_len) {
		if (r->expect_len > XS_TRAMP_MAX || r->live_len < skip + r->expect_len)
			return XS_E_INVALID_ARG;
		if (memcmp(r->live + skip, r->expect, r->expect_len) != 0) {
			uint32_t k = 0;
			while (r->live[skip + k] == r->expect[k])
				k++;
			diag_tramp(d, XS_E_EXPECT_MISMATCH, (int64_t)k, 0, r->expect_len);
			if (d)
				xs_fmt(d->msg, sizeof(d->msg),
				       "site %#llx: byte %u at the patch point is %#x, expected %#x",
				       (unsigned long long)r->site, k, r->live[skip + k],
				       r->expect[k]);
			return XS_E_EXPECT_MISMATCH;
		}
	}

	xs_status st;
	if (r->nop_len) {
		if (r->nop_len > XS_TRAMP_MAX)
			return too_small(d, r, r->nop_len); /* more than a site may take */
		if (r->nop_len > r->room)
			return too_small(d, r, r->nop_len);
		st = xs_tramp_nops(r->machine, p->insn, r->nop_len);
		if (st) {
			diag_tramp(d, st, r->nop_len, 0, 0);
			return st;
		}
		p->form = XS_TRAMP_NOP;
		p->len = (uint8_t)r->nop_len;
		p->target = 0;
	} else {
		if (r->machine == XS_EM_AARCH64 && (st = pac_target(r, e, &p->target, d)))
			return st;
		if ((st = plan_jump(r, p, d)))
			return st;
	}
	if (r->live_len < skip + p->len)
		return XS_E_INVALID_ARG; /* cannot save what would be overwritten */
	xs_memcpy(p->saved, r->live + skip, p->len);
	return XS_OK;
}
