/* SPDX-License-Identifier: MIT */
/* The generic howto engine: one function applies any row (see howto.h). */
#include <xsplice/howto.h>

#include "arch.h"
#include "howto_int.h"
#include "util.h"

static inline uint64_t page(uint64_t x)
{
	return x & ~(uint64_t)0xfff;
}

int64_t xs_howto_value(const struct xs_howto *h, const struct xs_reloc_vals *v)
{
	uint64_t S = v->S, P = v->P, A = (uint64_t)v->A;

	switch (h->expr) {
	case XS_EXPR_S_A:
		return (int64_t)(S + A);
	case XS_EXPR_S_A_P:
		return (int64_t)(S + A - P);
	case XS_EXPR_G_GOT_A_P:
		return (int64_t)(v->G + A - P);
	case XS_EXPR_GOT_A_P:
		return (int64_t)(v->GOT + A - P);
	case XS_EXPR_S_A_GOT:
		return (int64_t)(S + A - v->GOT);
	case XS_EXPR_Z_A:
		return (int64_t)(v->Z + A);
	case XS_EXPR_PAGE_S_A_P:
		return (int64_t)(page(S + A) - page(P));
	case XS_EXPR_PAGE_G_P:
		return (int64_t)(page(v->G) - page(P));
	case XS_EXPR_G_ABS:
		return (int64_t)v->G;
	case XS_EXPR_G_PAGE_GOT:
		return (int64_t)(v->G - page(v->GOT));
	case XS_EXPR_G_A_GOT:
		return (int64_t)(v->G - v->GOT + A);
	default:
		return 0;
	}
}

static unsigned field_bits(const struct xs_howto *h)
{
	unsigned b = 0;
	for (unsigned i = 0; i < h->nfields && i < XS_HOWTO_MAX_FIELDS; i++)
		b += h->fields[i].width;
	return b;
}

/* Saturating v << sh | low bits, for reporting ranges. */
static int64_t shl_sat(int64_t v, unsigned sh, bool fill)
{
	if (sh >= 63)
		return v < 0 ? INT64_MIN : (v > 0 ? INT64_MAX : 0);
	int64_t lim = INT64_MAX >> sh;
	if (v > lim)
		return INT64_MAX;
	if (v < -lim - 1)
		return INT64_MIN;
	int64_t r = (int64_t)((uint64_t)v << sh);
	if (fill)
		r |= (int64_t)(((uint64_t)1 << sh) - 1);
	return r;
}

void xs_howto_range(const struct xs_howto *h, int64_t *min, int64_t *max)
{
	unsigned b = field_bits(h), sh = h->r_shift;
	int64_t lo, hi;

	if (b == 0 || b >= 64 || h->overflow == XS_OVF_NONE) {
		*min = INT64_MIN;
		*max = INT64_MAX;
		return;
	}
	switch (h->overflow) {
	case XS_OVF_SIGNED:
		lo = -((int64_t)1 << (b - 1));
		hi = ((int64_t)1 << (b - 1)) - 1;
		break;
	case XS_OVF_UNSIGNED:
		lo = 0;
		hi = b >= 63 ? INT64_MAX : ((int64_t)1 << b) - 1;
		break;
	case XS_OVF_BITFIELD:
		lo = b >= 63 ? INT64_MIN : -((int64_t)1 << b);
		hi = b >= 63 ? INT64_MAX : ((int64_t)1 << b) - 1;
		break;
	default: /* XS_OVF_SIGNED_OR_UNSIGNED */
		lo = -((int64_t)1 << (b - 1));
		hi = b >= 63 ? INT64_MAX : ((int64_t)1 << b) - 1;
		break;
	}
	*min = shl_sat(lo, sh, false);
	*max = shl_sat(hi, sh, true);
}

/* V (vu unsigned, vs signed) against the row's rule over b = field_bits(h) bits. */
static bool in_range(const struct xs_howto *h, unsigned b, uint64_t vu, int64_t vs)
{
	if (h->overflow == XS_OVF_NONE || b == 0 || b >= 64)
		return true;
	switch (h->overflow) {
	case XS_OVF_SIGNED:
		return vs >= -((int64_t)1 << (b - 1)) && vs < ((int64_t)1 << (b - 1));
	case XS_OVF_UNSIGNED:
		return vu < ((uint64_t)1 << b);
	case XS_OVF_BITFIELD:
		return b >= 63 || (vs >= -((int64_t)1 << b) && vs < ((int64_t)1 << b));
	case XS_OVF_SIGNED_OR_UNSIGNED:
		return vs >= -((int64_t)1 << (b - 1)) && (b >= 63 || vs < ((int64_t)1 << b));
	default:
		return false;
	}
}

static uint64_t deposit(const struct xs_howto *h, uint64_t v)
{
	if (h->nfields == 1 && h->fields[0].width < 64) /* most rows: one field */
		return (v & (((uint64_t)1 << h->fields[0].width) - 1)) << h->fields[0].pos;
	uint64_t out = 0;
	for (unsigned i = 0; i < h->nfields && i < XS_HOWTO_MAX_FIELDS; i++) {
		unsigned w = h->fields[i].width, p = h->fields[i].pos;
		uint64_t m = w >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << w) - 1);
		out |= (v & m) << p;
		v = w >= 64 ? 0 : v >> w;
	}
	return out;
}

static void set_diag(struct xs_diag *d, xs_status s, const struct xs_howto *h, int64_t x)
{
	if (!d)
		return;
	d->status = s;
	d->reloc_type = h->type;
	xs_strlcpy(d->reloc_name, h->name ? h->name : "?", sizeof(d->reloc_name));
	d->value = x;
	xs_howto_range(h, &d->min, &d->max);
}

xs_status xs_howto_encode_core(const struct xs_howto *h, int64_t *xp, uint64_t *unitp)
{
	uint64_t unit = *unitp;
	int64_t x = *xp;
	if (h->expr == XS_EXPR_NONE || h->size == 0) {
		*xp = 0;
		return XS_OK;
	}
	if (h->keep_bits && h->keep_bits < 64)
		x = (int64_t)((uint64_t)x & (((uint64_t)1 << h->keep_bits) - 1));
	*xp = x;

	if ((h->flags & XS_HOWTO_INSN) && ((uint32_t)unit & h->insn_mask) != h->insn_match)
		return XS_E_BAD_INSN;
	if (h->align && ((uint64_t)x & (((uint64_t)1 << h->align) - 1)))
		return XS_E_MISALIGNED;
	uint64_t vu = h->r_shift >= 64 ? 0 : (uint64_t)x >> h->r_shift;
	int64_t vs = h->r_shift >= 64 ? (x < 0 ? -1 : 0) : x >> h->r_shift;
	if (!in_range(h, field_bits(h), vu, vs))
		return XS_E_OVERFLOW;

	uint64_t v = vu;
	if (h->encoder == XS_ENC_MOVW_FLIP) {
		/*
		 * AAELF64 §5.7.8 (Group relocations, MOVW): for the signed
		 * forms the linker picks MOVZ (opc=10) for X >= 0 and MOVN
		 * (opc=00) with the inverted value for X < 0.
		 */
		const uint64_t opc_mask = (uint64_t)3 << 29;
		if (x < 0) {
			unit = (unit & ~opc_mask) | ((uint64_t)0 << 29);
			v = ~(uint64_t)vs;
		} else {
			unit = (unit & ~opc_mask) | ((uint64_t)2 << 29);
		}
	}
	*unitp = (unit & ~h->mask) | (deposit(h, v) & h->mask);
	return XS_OK;
}

xs_status xs_howto_encode(const struct xs_howto *h, int64_t x, const uint8_t *place,
			  struct xs_howto_result *r, struct xs_diag *d)
{
	uint64_t unit = h->size ? xs_load_le(place, h->size) : 0;

	r->unit = unit;
	xs_howto_range(h, &r->min, &r->max);
	xs_status st = xs_howto_encode_core(h, &x, &unit);
	r->x = x;
	if (st == XS_OK) {
		r->unit = unit;
		return XS_OK;
	}
	set_diag(d, st, h, x);
	if (st == XS_E_BAD_INSN && d)
		d->value = (int64_t)(uint32_t)unit;
	return st;
}

xs_status xs_howto_compute(const struct xs_howto *h, const struct xs_reloc_vals *v,
			   const uint8_t *place, struct xs_howto_result *r,
			   struct xs_diag *d)
{
	return xs_howto_encode(h, xs_howto_value(h, v), place, r, d);
}

void xs_howto_write(const struct xs_howto *h, uint8_t *place, const struct xs_howto_result *r)
{
	if (h->size)
		xs_store_le(place, r->unit, h->size);
}

xs_status xs_howto_apply(const struct xs_howto *h, const struct xs_reloc_vals *v,
			 uint8_t *place, struct xs_diag *d)
{
	struct xs_howto_result r;
	xs_status s = xs_howto_compute(h, v, place, &r, d);
	if (s == XS_OK)
		xs_howto_write(h, place, &r);
	return s;
}

const struct xs_howto *xs_howto_lookup(uint16_t machine, uint32_t type)
{
	const struct xs_arch *a = xs_arch_by_machine(machine);
	return a ? xs_arch_howto(a, type) : NULL;
}
