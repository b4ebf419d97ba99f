/* SPDX-License-Identifier: MIT */
/*
 * Target "howto": one row of an architecture's table (arch from a byte, type
 * from two more; only rows with a name) applied with xs_howto_compute and
 * xs_howto_apply to random S, A, P, GOT, G, Z and unit bytes, against an
 * independent slow reference written here from the psABI definitions:
 *
 *   X   = the row's expression, in __int128, then taken modulo 2^64 as a
 *         signed value (addresses wrap: ld's bfd_vma arithmetic, and what
 *         the CPU does to PC + disp);
 *   X   = X & (2^keep - 1)            if keep_bits
 *   check (unit & insn_mask) == insn_match   if the row is an instruction
 *   check X % 2^align == 0
 *   V   = floor(X / 2^r_shift)        (X zero-extended for the unsigned rule)
 *   check V in the rule's range over b = sum of field widths, in 128 bits:
 *         signed [-2^(b-1), 2^(b-1)), unsigned [0, 2^b), bitfield [-2^b, 2^b),
 *         signed-or-unsigned [-2^(b-1), 2^b)
 *   unit: MOVW flip sets opc (bits 29-30) to MOVZ (10) for X >= 0, else MOVN
 *         (00) and V = NOT X >> r_shift; then bit k of field i receives the
 *         next bit of V, one bit at a time, low value bits first.
 *
 * Checks are in the engine's order (instruction class, alignment, overflow;
 * the comment in howto.h lists the class check last). Any difference in
 * status, value, range, written bytes, or a byte written on failure (or
 * outside the unit) aborts. The reference also checks the row's own
 * consistency (mask is the union of fields, fields inside the unit, ...).
 * Inputs are biased towards the edges of each row's range: the interesting
 * values are the last good and first bad ones.
 */
#include <string.h>

#include <xsplice/howto.h>
#include <xsplice/status.h>

#include "../common/xs_fuzz.h"
#include "arch.h" /* libxsplice/: the rows of each architecture */

typedef __int128 i128;
typedef unsigned __int128 u128;

#define I64_MIN_128 ((i128)INT64_MIN)
#define I64_MAX_128 ((i128)INT64_MAX)

static i128 pow2(unsigned n)
{
	return (i128)1 << n;
}

static uint64_t page(uint64_t x)
{
	return x & ~(uint64_t)0xfff;
}

/* Wrap a 128-bit value to a 64-bit two's complement one. */
static i128 wrap64(i128 x)
{
	u128 m = (u128)x & (((u128)1 << 64) - 1);
	return m >= ((u128)1 << 63) ? (i128)m - ((i128)1 << 64) : (i128)m;
}

static i128 ref_expr(const struct xs_howto *h, const struct xs_reloc_vals *v)
{
	i128 S = (i128)v->S, A = (i128)v->A, P = (i128)v->P, GOT = (i128)v->GOT,
	     G = (i128)v->G, Z = (i128)v->Z;
	switch (h->expr) {
	case XS_EXPR_S_A:
		return S + A;
	case XS_EXPR_S_A_P:
		return S + A - P;
	case XS_EXPR_G_GOT_A_P: /* G is the slot's address: G + GOT + A - P with G an offset */
		return G + A - P;
	case XS_EXPR_GOT_A_P:
		return GOT + A - P;
	case XS_EXPR_S_A_GOT:
		return S + A - GOT;
	case XS_EXPR_Z_A:
		return Z + A;
	case XS_EXPR_PAGE_S_A_P: /* Page of the 64-bit address S + A */
		return (i128)page((uint64_t)wrap64(S + A)) - (i128)page(v->P);
	case XS_EXPR_PAGE_G_P:
		return (i128)page(v->G) - (i128)page(v->P);
	case XS_EXPR_G_ABS:
		return G;
	case XS_EXPR_G_PAGE_GOT:
		return G - (i128)page(v->GOT);
	case XS_EXPR_G_A_GOT: /* the slot's offset in the GOT, plus A */
		return G - GOT + A;
	default:
		XS_FUZZ_CHECK(h->expr == XS_EXPR_NONE, "row %s: unknown expression %u", h->name,
			      h->expr);
		return 0;
	}
}

static unsigned ref_bits(const struct xs_howto *h)
{
	unsigned b = 0;
	for (unsigned i = 0; i < h->nfields; i++)
		b += h->fields[i].width;
	return b;
}

static bool signed_rule(const struct xs_howto *h)
{
	return h->overflow == XS_OVF_SIGNED || h->overflow == XS_OVF_BITFIELD ||
	       h->overflow == XS_OVF_SIGNED_OR_UNSIGNED;
}

/* The allowed range of V; false if the rule does not check (b >= 64 cannot fail). */
static bool ref_vrange(const struct xs_howto *h, i128 *lo, i128 *hi)
{
	unsigned b = ref_bits(h);
	if (h->overflow == XS_OVF_NONE || b == 0 || b >= 64)
		return false;
	switch (h->overflow) {
	case XS_OVF_SIGNED:
		*lo = -pow2(b - 1);
		*hi = pow2(b - 1) - 1;
		return true;
	case XS_OVF_UNSIGNED:
		*lo = 0;
		*hi = pow2(b) - 1;
		return true;
	case XS_OVF_BITFIELD:
		*lo = -pow2(b);
		*hi = pow2(b) - 1;
		return true;
	case XS_OVF_SIGNED_OR_UNSIGNED:
		*lo = -pow2(b - 1);
		*hi = pow2(b) - 1;
		return true;
	default:
		XS_FUZZ_CHECK(0, "row %s: unknown overflow rule %u", h->name, h->overflow);
		return false;
	}
}

static int64_t clamp64(i128 x)
{
	return x < I64_MIN_128 ? INT64_MIN : x > I64_MAX_128 ? INT64_MAX : (int64_t)x;
}

/* The allowed range of X (for the diagnostic): V's range scaled back by r_shift. */
static void ref_xrange(const struct xs_howto *h, int64_t *min, int64_t *max)
{
	i128 lo, hi;
	if (!ref_vrange(h, &lo, &hi) || h->r_shift >= 64) {
		*min = INT64_MIN;
		*max = INT64_MAX;
		return;
	}
	unsigned s = h->r_shift;
	*min = clamp64(lo * pow2(s));
	*max = clamp64(hi * pow2(s) + (pow2(s) - 1));
}

struct ref_out {
	xs_status st;
	int64_t x;     /* X after keep */
	int64_t value; /* the diagnostic value */
	uint8_t unit[8];
};

static void ref_compute(const struct xs_howto *h, const struct xs_reloc_vals *v,
			const uint8_t *place, struct ref_out *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->unit, place, h->size);
	if (h->expr == XS_EXPR_NONE || h->size == 0) {
		out->st = XS_OK;
		return;
	}
	i128 X = wrap64(ref_expr(h, v));
	if (h->keep_bits && h->keep_bits < 64)
		X = (i128)((u128)X & (((u128)1 << h->keep_bits) - 1)) & (i128)UINT64_MAX;
	out->x = (int64_t)X;
	out->value = out->x;

	uint32_t insn = 0;
	for (unsigned i = 0; i < 4 && i < h->size; i++)
		insn |= (uint32_t)place[i] << (8 * i);
	if ((h->flags & XS_HOWTO_INSN) && (insn & h->insn_mask) != h->insn_match) {
		out->st = XS_E_BAD_INSN;
		out->value = (int64_t)insn;
		return;
	}
	if (h->align && (X % pow2(h->align)) != 0) {
		out->st = XS_E_MISALIGNED;
		return;
	}
	/* V: floor division of the signed X, or of the unsigned 64-bit X. */
	i128 Xs = X, Xu = (i128)(uint64_t)(int64_t)X;
	i128 V = signed_rule(h) ? Xs : Xu;
	if (h->r_shift >= 64)
		V = V < 0 ? -1 : 0;
	else
		V = V >> h->r_shift; /* arithmetic on i128: floor */
	i128 lo, hi;
	if (ref_vrange(h, &lo, &hi) && (V < lo || V > hi)) {
		out->st = XS_E_OVERFLOW;
		return;
	}

	i128 E = V;
	if (h->encoder == XS_ENC_MOVW_FLIP) {
		/* AAELF64 MOVW_SABS / MOVW_PREL: MOVZ for X >= 0, MOVN of NOT X otherwise. */
		unsigned opc = X >= 0 ? 2 : 0;
		i128 nx = ~Xs;
		E = X >= 0 ? (Xs >> (h->r_shift < 64 ? h->r_shift : 63))
			   : (nx >> (h->r_shift < 64 ? h->r_shift : 63));
		for (unsigned bit = 29; bit <= 30; bit++) {
			unsigned want = (opc >> (bit - 29)) & 1;
			out->unit[bit / 8] = (uint8_t)((out->unit[bit / 8] & ~(1u << (bit % 8))) |
						       (want << (bit % 8)));
		}
	} else if (!signed_rule(h)) {
		E = V; /* zero-extended already */
	}
	unsigned k = 0; /* next bit of E */
	for (unsigned f = 0; f < h->nfields; f++) {
		for (unsigned j = 0; j < h->fields[f].width; j++, k++) {
			unsigned bit = h->fields[f].pos + j;
			unsigned val = k < 127 ? (unsigned)((E >> k) & 1) : (E < 0);
			out->unit[bit / 8] = (uint8_t)((out->unit[bit / 8] & ~(1u << (bit % 8))) |
						       (val << (bit % 8)));
		}
	}
	out->st = XS_OK;
}

/* The row must be self-consistent before its results mean anything. */
static void check_row(const struct xs_howto *h, uint32_t type)
{
	XS_FUZZ_CHECK(h->type == type, "row at %u says type %u (%s)", type, h->type, h->name);
	XS_FUZZ_CHECK(h->size == 0 || h->size == 1 || h->size == 2 || h->size == 4 ||
			      h->size == 8,
		      "%s: size %u", h->name, h->size);
	XS_FUZZ_CHECK(h->nfields <= XS_HOWTO_MAX_FIELDS, "%s: %u fields", h->name, h->nfields);
	uint64_t m = 0;
	for (unsigned i = 0; i < h->nfields; i++) {
		unsigned p = h->fields[i].pos, w = h->fields[i].width;
		XS_FUZZ_CHECK(w > 0 && p + w <= 8u * h->size, "%s: field %u at %u+%u outside %u bytes",
			      h->name, i, p, w, h->size);
		uint64_t fm = (w >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << w) - 1)) << p;
		XS_FUZZ_CHECK(!(m & fm), "%s: fields overlap", h->name);
		m |= fm;
	}
	if (h->expr != XS_EXPR_NONE && h->size)
		XS_FUZZ_CHECK(m == h->mask, "%s: mask %#llx is not the union of fields %#llx",
			      h->name, (unsigned long long)h->mask, (unsigned long long)m);
	if (h->flags & XS_HOWTO_INSN)
		XS_FUZZ_CHECK((h->insn_match & ~h->insn_mask) == 0 && h->size >= 4,
			      "%s: instruction class can never match", h->name);
	if (h->encoder == XS_ENC_MOVW_FLIP)
		XS_FUZZ_CHECK(!(h->mask & ((uint64_t)3 << 29)) && h->size == 4,
			      "%s: MOVW flip over the opc bits", h->name);
	XS_FUZZ_CHECK(h->align < 64 && h->r_shift < 64, "%s: align %u r_shift %u", h->name,
		      h->align, h->r_shift);
}

/* Solve the row's expression for one input so that X comes out as x. */
static void aim(const struct xs_howto *h, struct xs_reloc_vals *v, int64_t x, uint64_t low)
{
	uint64_t X = (uint64_t)x, A = (uint64_t)v->A;
	switch (h->expr) {
	case XS_EXPR_S_A:
		v->S = X - A;
		break;
	case XS_EXPR_S_A_P:
		v->S = X - A + v->P;
		break;
	case XS_EXPR_G_GOT_A_P:
		v->G = X - A + v->P;
		break;
	case XS_EXPR_GOT_A_P:
		v->GOT = X - A + v->P;
		break;
	case XS_EXPR_S_A_GOT:
		v->S = X - A + v->GOT;
		break;
	case XS_EXPR_Z_A:
		v->Z = X - A;
		break;
	case XS_EXPR_PAGE_S_A_P:
		v->S = page(X + page(v->P)) + (low & 0xfff) - A;
		break;
	case XS_EXPR_PAGE_G_P:
		v->G = page(X + page(v->P)) + (low & 0xfff);
		break;
	case XS_EXPR_G_ABS:
		v->G = X;
		break;
	case XS_EXPR_G_PAGE_GOT:
		v->G = X + page(v->GOT);
		break;
	case XS_EXPR_G_A_GOT:
		v->G = X - A + v->GOT;
		break;
	default:
		break;
	}
}

static void compare(const struct xs_howto *h, const struct xs_reloc_vals *v,
		    const uint8_t unit[8])
{
	struct ref_out ref;
	struct xs_howto_result r;
	struct xs_diag d;
	uint8_t place[8];

	memcpy(place, unit, 8);
	ref_compute(h, v, place, &ref);

	if (h->expr != XS_EXPR_NONE)
		XS_FUZZ_CHECK(wrap64(ref_expr(h, v)) == (i128)xs_howto_value(h, v),
			      "%s: xs_howto_value %lld, reference %lld", h->name,
			      (long long)xs_howto_value(h, v), (long long)wrap64(ref_expr(h, v)));

	xs_diag_clear(&d);
	xs_status st = xs_howto_compute(h, v, place, &r, &d);
	XS_FUZZ_CHECK(memcmp(place, unit, 8) == 0, "%s: compute wrote the place", h->name);
	XS_FUZZ_CHECK(st == ref.st,
		      "%s: status %s, reference %s (S=%#llx A=%lld P=%#llx GOT=%#llx G=%#llx "
		      "Z=%#llx unit=%#llx X=%lld)",
		      h->name, xs_status_name(st), xs_status_name(ref.st),
		      (unsigned long long)v->S, (long long)v->A, (unsigned long long)v->P,
		      (unsigned long long)v->GOT, (unsigned long long)v->G,
		      (unsigned long long)v->Z, (unsigned long long)r.unit, (long long)ref.x);
	if (h->expr != XS_EXPR_NONE && h->size)
		XS_FUZZ_CHECK(r.x == ref.x, "%s: x %lld, reference %lld", h->name, (long long)r.x,
			      (long long)ref.x);
	if (st == XS_OK) {
		uint8_t out[8] = { 0 };
		for (unsigned i = 0; i < h->size; i++)
			out[i] = (uint8_t)(r.unit >> (8 * i));
		XS_FUZZ_CHECK(memcmp(out, ref.unit, h->size) == 0,
			      "%s: unit %#llx, reference differs (X=%lld)", h->name,
			      (unsigned long long)r.unit, (long long)ref.x);
	} else {
		XS_FUZZ_CHECK(d.status == st, "%s: diag status %s for %s", h->name,
			      xs_status_name(d.status), xs_status_name(st));
		XS_FUZZ_CHECK(d.reloc_type == h->type, "%s: diag type %u", h->name, d.reloc_type);
		XS_FUZZ_CHECK(strcmp(d.reloc_name, h->name) == 0 ||
				      strlen(h->name) >= sizeof(d.reloc_name),
			      "%s: diag name %s", h->name, d.reloc_name);
		XS_FUZZ_CHECK(d.value == ref.value, "%s: diag value %lld, reference %lld", h->name,
			      (long long)d.value, (long long)ref.value);
		if (st == XS_E_OVERFLOW) {
			int64_t mn, mx;
			ref_xrange(h, &mn, &mx);
			XS_FUZZ_CHECK(d.min == mn && d.max == mx,
				      "%s: range [%lld, %lld], reference [%lld, %lld]", h->name,
				      (long long)d.min, (long long)d.max, (long long)mn,
				      (long long)mx);
			XS_FUZZ_CHECK(ref.x < d.min || ref.x > d.max || h->r_shift ||
					      h->overflow == XS_OVF_UNSIGNED,
				      "%s: overflow of %lld inside the reported range", h->name,
				      (long long)ref.x);
		}
	}

	/* xs_howto_apply: writes exactly the unit on success, nothing on failure. */
	uint8_t buf[24];
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(0xa5 ^ i);
	memcpy(buf + 8, unit, 8);
	xs_status st2 = xs_howto_apply(h, v, buf + 8, NULL);
	XS_FUZZ_CHECK(st2 == st, "%s: apply %s, compute %s", h->name, xs_status_name(st2),
		      xs_status_name(st));
	for (unsigned i = 0; i < sizeof(buf); i++) {
		uint8_t want;
		if (i >= 8 && i < 8u + h->size)
			want = st == XS_OK ? ref.unit[i - 8] : unit[i - 8];
		else if (i >= 8 && i < 16)
			want = unit[i - 8];
		else
			want = (uint8_t)(0xa5 ^ i);
		XS_FUZZ_CHECK(buf[i] == want, "%s: apply left byte %u = %#x, expected %#x (%s)",
			      h->name, i, buf[i], want, xs_status_name(st));
	}
}

int xs_fuzz_one(const uint8_t *data, size_t size)
{
	struct xs_fuzz_in in = { data, size };
	const struct xs_arch *a = xs_arch_by_machine(xs_fuzz_take(&in, 1) & 1 ? 183 : 62);
	if (!a)
		return 0;
	uint32_t type = (uint32_t)(xs_fuzz_take(&in, 2) % (a->max_type + 1));
	/* Walk to the next named row, so most inputs exercise one. */
	for (uint32_t n = 0; n <= a->max_type && !a->rows[type].name; n++)
		type = type == a->max_type ? 0 : type + 1;
	const struct xs_howto *h = xs_howto_lookup(a->machine, type);
	if (!h)
		return 0;
	XS_FUZZ_CHECK(h == &a->rows[type], "lookup of %u gives another row", type);
	check_row(h, type);

	unsigned mode = (unsigned)xs_fuzz_take(&in, 1);
	struct xs_reloc_vals v;
	v.S = xs_fuzz_take(&in, 8);
	v.A = (int64_t)xs_fuzz_take(&in, 8);
	v.P = xs_fuzz_take(&in, 8);
	v.GOT = xs_fuzz_take(&in, 8);
	v.G = xs_fuzz_take(&in, 8);
	v.Z = xs_fuzz_take(&in, 8);
	uint8_t unit[8];
	uint64_t u = xs_fuzz_take(&in, 8);
	uint64_t edge_pick = xs_fuzz_take(&in, 2);

	if (mode & 0x10) { /* small values: offsets, not addresses */
		v.A = (int16_t)v.A;
		v.S &= 0xffffff;
		v.P &= 0xffffff;
		v.GOT &= 0xffffff;
		v.G &= 0xffffff;
		v.Z &= 0xffff;
	}
	if ((mode & 0x20) && (h->flags & XS_HOWTO_INSN)) /* an instruction of the right class */
		u = (u & ~(uint64_t)h->insn_mask) | h->insn_match;

	switch (mode & 3) {
	case 1:
	case 2: { /* X at or next to an edge of the range, or of alignment */
		int64_t mn, mx, x;
		ref_xrange(h, &mn, &mx);
		unsigned which = edge_pick & 7;
		int64_t delta = (int64_t)((edge_pick >> 3) & 7) - 3;
		if (h->align && (mode & 4))
			delta *= (int64_t)1 << h->align;
		if (h->r_shift && (mode & 8))
			delta *= (int64_t)1 << h->r_shift;
		switch (which) {
		case 0: x = mn; break;
		case 1: x = mx; break;
		case 2: x = 0; break;
		case 3: x = -1; break;
		case 4: x = (int64_t)(mn / 2); break;
		case 5: x = (int64_t)(mx / 2); break;
		default: x = (int64_t)(((uint64_t)1 << (edge_pick >> 10 & 63))); break;
		}
		x = (int64_t)((uint64_t)x + (uint64_t)delta);
		aim(h, &v, x, u);
		break;
	}
	default:
		break;
	}
	for (unsigned i = 0; i < 8; i++)
		unit[i] = (uint8_t)(u >> (8 * i));
	compare(h, &v, unit);
	return 0;
}
