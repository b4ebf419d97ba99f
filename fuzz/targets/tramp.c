/* SPDX-License-Identifier: MIT */
/*
 * Target "tramp": xs_tramp_plan on a random request - machine, the bytes at
 * the site (a function start, with ENDBR64 / BTI / PACIASP / PACIBSP
 * prefixes made likely), room, site address, target, the target's first
 * bytes, an optional veneer address, a NOP length, expected bytes - against
 * an independent reference written here:
 *
 *   - the expected outcome (status, form, length) from the rules of
 *     include/xsplice/tramp.h: expect check first, then NOP or the smallest
 *     form that reaches and fits (x86_64 jmp rel8 / rel32 / jmp *0(%rip);
 *     AArch64 B / B to a veneer / LDR x16 literal + BR x16), PAC targets
 *     moved past the PAC instruction, alignment rules;
 *   - on success, the bytes are decoded by a small slow decoder here (jmp
 *     rel8 / rel32 / ff 25 disp32 through a literal inside the written
 *     bytes; B imm26, LDR (literal) Xt + BR Xt with the literal inside the
 *     bytes and 8-byte aligned; the veneer likewise) and must land on the
 *     target; the planned size must be <= room, the saved bytes must be the
 *     live bytes after the entry instruction, NOP fills must be NOPs.
 *
 * Then every form is encoded directly with xs_tramp_encode at the same
 * addresses and checked the same way against xs_tramp_reach. Any
 * disagreement aborts. live and target_code are exact-size heap copies, so
 * reading past what the caller gave is an ASan report.
 */
#include <string.h>

#include <xsplice/status.h>
#include <xsplice/tramp.h>

#include "../common/xs_fuzz.h"

#define EM_X86_64 62
#define EM_AARCH64 183
#define A64_NOP 0xd503201fu
#define A64_HINT(n) (A64_NOP | ((uint32_t)(n) << 5))

static uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t ld64(const uint8_t *p)
{
	return (uint64_t)ld32(p) | (uint64_t)ld32(p + 4) << 32;
}

static void st32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int64_t sext(uint64_t v, unsigned bits)
{
	uint64_t m = (uint64_t)1 << (bits - 1);
	v &= (bits == 64) ? ~(uint64_t)0 : (((uint64_t)1 << bits) - 1);
	return (int64_t)((v ^ m) - m);
}

/* ---- reference: entry instructions ------------------------------------------ */

static enum xs_entry ref_entry(uint16_t machine, const uint8_t *code, size_t len)
{
	if (len < 4 || (machine != EM_X86_64 && machine != EM_AARCH64))
		return XS_ENTRY_NONE;
	if (machine == EM_X86_64)
		return code[0] == 0xf3 && code[1] == 0x0f && code[2] == 0x1e && code[3] == 0xfa
			       ? XS_ENTRY_ENDBR64
			       : XS_ENTRY_NONE;
	uint32_t w = ld32(code);
	if (w == A64_HINT(25))
		return XS_ENTRY_PACIASP;
	if (w == A64_HINT(27))
		return XS_ENTRY_PACIBSP;
	if (w == A64_HINT(32) || w == A64_HINT(34) || w == A64_HINT(36) || w == A64_HINT(38))
		return XS_ENTRY_BTI;
	return XS_ENTRY_NONE;
}

/* ---- reference decoder -------------------------------------------------------- */

/*
 * Where the jump in b[0..len) at address at goes; *kind receives the form it
 * decodes as. false when it is not one of the jump forms, or is not all
 * inside b[0..len), or len is not exactly its length.
 */
static bool decode_x86(const uint8_t *b, unsigned len, uint64_t at, uint64_t *to, int *kind)
{
	if (len == 2 && b[0] == 0xeb) {
		*to = at + 2 + (uint64_t)(int64_t)(int8_t)b[1];
		*kind = XS_TRAMP_X86_JMP8;
		return true;
	}
	if (len == 5 && b[0] == 0xe9) {
		*to = at + 5 + (uint64_t)sext(ld32(b + 1), 32);
		*kind = XS_TRAMP_X86_JMP32;
		return true;
	}
	if (len >= 14 && b[0] == 0xff && b[1] == 0x25) {
		/* jmp *disp32(%rip): the quadword at at + 6 + disp32, inside the bytes */
		int64_t disp = sext(ld32(b + 2), 32);
		if (disp < 0 || (uint64_t)disp + 6 + 8 > len)
			return false;
		*to = ld64(b + 6 + disp);
		*kind = XS_TRAMP_X86_JMP_ABS;
		return len == 14;
	}
	return false;
}

/* LDR (literal, 64-bit) Xt, then BR Xt; literal inside b[0..len), 8-byte aligned. */
static bool decode_a64_ldr_br(const uint8_t *b, unsigned len, uint64_t at, uint64_t *to)
{
	if (len < 16 || (at & 3))
		return false;
	uint32_t w0 = ld32(b), w1 = ld32(b + 4);
	if ((w0 & 0xff000000u) != 0x58000000u)
		return false;
	unsigned rt = w0 & 31;
	int64_t off = sext((w0 >> 5) & 0x7ffff, 19) * 4;
	if (rt != 16 && rt != 17) /* IP0 / IP1: the only registers free at a function's entry */
		return false;
	if (w1 != (0xd61f0000u | (uint32_t)rt << 5))
		return false;
	if (off < 8 || (uint64_t)off + 8 > len)
		return false;
	if ((at + (uint64_t)off) & 7)
		return false;
	/* Words between BR and the literal are never executed; only NOPs allowed there. */
	for (int64_t k = 8; k < off; k += 4)
		if (ld32(b + k) != A64_NOP)
			return false;
	*to = ld64(b + off);
	return (uint64_t)off + 8 == len;
}

static bool decode_a64(const uint8_t *b, unsigned len, uint64_t at, uint64_t *to, int *kind)
{
	if (at & 3)
		return false;
	if (len == 4 && (ld32(b) & 0xfc000000u) == 0x14000000u) {
		*to = at + (uint64_t)(sext(ld32(b) & 0x03ffffffu, 26) * 4);
		*kind = XS_TRAMP_A64_B;
		return true;
	}
	if (decode_a64_ldr_br(b, len, at, to)) {
		*kind = XS_TRAMP_A64_LDR_BR;
		return true;
	}
	return false;
}

static const uint8_t sdm_nops[9][9] = {
	{0x90},
	{0x66, 0x90},
	{0x0f, 0x1f, 0x00},
	{0x0f, 0x1f, 0x40, 0x00},
	{0x0f, 0x1f, 0x44, 0x00, 0x00},
	{0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
	{0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
	{0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
	{0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
};

/* b[0..len) is a sequence of whole NOP instructions. */
static bool all_nops(uint16_t machine, const uint8_t *b, unsigned len)
{
	if (machine == EM_AARCH64) {
		if (len % 4)
			return false;
		for (unsigned i = 0; i < len; i += 4)
			if (ld32(b + i) != A64_NOP)
				return false;
		return true;
	}
	unsigned i = 0;
	while (i < len) {
		unsigned k;
		for (k = 9; k >= 1; k--)
			if (i + k <= len && memcmp(b + i, sdm_nops[k - 1], k) == 0)
				break;
		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

/* ---- reference planner ----------------------------------------------------------- */

struct ref {
	xs_status st;
	int form;
	unsigned len;
	uint64_t target; /* where the jump must land */
	bool veneer;
};

static bool in_range(int64_t v, int64_t lo, int64_t hi)
{
	return v >= lo && v <= hi;
}

static struct ref ref_plan(const struct xs_tramp_req *r)
{
	struct ref o = {XS_OK, XS_TRAMP_NONE, 0, r->target, false};
	if (!r->live || (r->machine != EM_X86_64 && r->machine != EM_AARCH64)) {
		o.st = XS_E_INVALID_ARG;
		return o;
	}
	enum xs_entry e = ref_entry(r->machine, r->live, r->live_len);
	uint64_t skip = e ? 4 : 0, pp = r->site + skip;
	if (r->expect && r->expect_len) {
		if (r->expect_len > XS_TRAMP_MAX || r->live_len < skip + r->expect_len) {
			o.st = XS_E_INVALID_ARG;
			return o;
		}
		if (memcmp(r->live + skip, r->expect, r->expect_len) != 0) {
			o.st = XS_E_EXPECT_MISMATCH;
			return o;
		}
	}
	if (r->nop_len) {
		if (r->nop_len > XS_TRAMP_MAX || r->nop_len > r->room)
			o.st = XS_E_SITE_TOO_SMALL;
		else if (r->machine == EM_AARCH64 && r->nop_len % 4)
			o.st = XS_E_MISALIGNED;
		else
			o.form = XS_TRAMP_NOP, o.len = r->nop_len, o.target = 0;
	} else if (r->machine == EM_X86_64) {
		int64_t d8 = (int64_t)(r->target - (pp + 2)), d32 = (int64_t)(r->target - (pp + 5));
		if (r->room >= 2 && in_range(d8, INT8_MIN, INT8_MAX))
			o.form = XS_TRAMP_X86_JMP8, o.len = 2;
		else if (r->room >= 5 && in_range(d32, INT32_MIN, INT32_MAX))
			o.form = XS_TRAMP_X86_JMP32, o.len = 5;
		else if (r->room >= 14)
			o.form = XS_TRAMP_X86_JMP_ABS, o.len = 14;
		else
			o.st = r->room < 5 ? XS_E_SITE_TOO_SMALL : XS_E_OUT_OF_REACH;
	} else {
		uint64_t to = r->target;
		if (e == XS_ENTRY_PACIASP || e == XS_ENTRY_PACIBSP) {
			if (!r->target_code || ref_entry(EM_AARCH64, r->target_code, r->target_len) != e) {
				o.st = XS_E_UNSUPPORTED;
				return o;
			}
			to += 4;
		}
		o.target = to;
		const int64_t bmin = -((int64_t)1 << 27), bmax = ((int64_t)1 << 27) - 4;
		unsigned ldr_len = ((pp + 8) & 7) ? 20 : 16;
		if ((pp & 3) || (to & 3))
			o.st = XS_E_MISALIGNED;
		else if (r->room >= 4 && in_range((int64_t)(to - pp), bmin, bmax))
			o.form = XS_TRAMP_A64_B, o.len = 4;
		else if (r->veneer && r->room >= 4 && !(r->veneer & 3) &&
			 in_range((int64_t)(r->veneer - pp), bmin, bmax)) {
			if (r->veneer & 7)
				o.st = XS_E_MISALIGNED;
			else
				o.form = XS_TRAMP_A64_VENEER, o.len = 4, o.veneer = true;
		} else if (r->room >= ldr_len)
			o.form = XS_TRAMP_A64_LDR_BR, o.len = ldr_len;
		else
			o.st = r->room < 4 ? XS_E_SITE_TOO_SMALL : XS_E_OUT_OF_REACH;
	}
	if (o.st == XS_OK && r->live_len < skip + o.len)
		o.st = XS_E_INVALID_ARG;
	return o;
}

/* ---- the checks ------------------------------------------------------------------ */

static void check_plan(const struct xs_tramp_req *r, const struct xs_tramp_plan *p,
		       const struct ref *want)
{
	enum xs_entry e = ref_entry(r->machine, r->live, r->live_len);
	uint64_t skip = e ? 4 : 0;
	XS_FUZZ_CHECK(p->machine == r->machine && p->site == r->site, "plan machine/site");
	XS_FUZZ_CHECK(p->entry == e, "entry %u, reference %u", p->entry, (unsigned)e);
	XS_FUZZ_CHECK(p->patch_point == r->site + skip, "patch point %#llx for site %#llx entry %u",
		      (unsigned long long)p->patch_point, (unsigned long long)r->site, (unsigned)e);
	XS_FUZZ_CHECK(p->form == want->form && p->len == want->len,
		      "form %s/%u bytes, reference %s/%u bytes (room %llu)",
		      xs_tramp_form_name((enum xs_tramp_form)p->form), p->len,
		      xs_tramp_form_name((enum xs_tramp_form)want->form), want->len,
		      (unsigned long long)r->room);
	XS_FUZZ_CHECK(p->len <= r->room && p->len <= XS_TRAMP_MAX, "planned %u bytes, room %llu",
		      p->len, (unsigned long long)r->room);
	XS_FUZZ_CHECK(skip + p->len <= r->live_len, "plan past the live bytes given");
	XS_FUZZ_CHECK(memcmp(p->saved, r->live + skip, p->len) == 0,
		      "saved bytes are not the live bytes at the patch point");
	if (r->expect && r->expect_len)
		XS_FUZZ_CHECK(memcmp(r->live + skip, r->expect, r->expect_len) == 0,
			      "planned over bytes that differ from expect");

	if (p->form == XS_TRAMP_NOP) {
		XS_FUZZ_CHECK(all_nops(r->machine, p->insn, p->len), "NOP fill is not NOPs");
		XS_FUZZ_CHECK(p->veneer == 0 && p->veneer_len == 0, "NOP with a veneer");
		return;
	}
	XS_FUZZ_CHECK(p->target == want->target, "plan target %#llx, reference %#llx",
		      (unsigned long long)p->target, (unsigned long long)want->target);
	uint64_t to = 0;
	int kind = 0;
	bool ok = r->machine == EM_X86_64 ? decode_x86(p->insn, p->len, p->patch_point, &to, &kind)
					  : decode_a64(p->insn, p->len, p->patch_point, &to, &kind);
	XS_FUZZ_CHECK(ok, "%s bytes at %#llx do not decode as a jump",
		      xs_tramp_form_name((enum xs_tramp_form)p->form),
		      (unsigned long long)p->patch_point);
	if (p->form == XS_TRAMP_A64_VENEER) {
		XS_FUZZ_CHECK(kind == XS_TRAMP_A64_B, "veneer form does not start with B");
		XS_FUZZ_CHECK(to == r->veneer && p->veneer == r->veneer,
			      "B lands at %#llx, veneer is %#llx", (unsigned long long)to,
			      (unsigned long long)r->veneer);
		XS_FUZZ_CHECK(p->veneer_len == XS_TRAMP_VENEER_SIZE, "veneer length %u",
			      p->veneer_len);
		uint64_t vto = 0;
		XS_FUZZ_CHECK(decode_a64_ldr_br(p->veneer_insn, p->veneer_len, p->veneer, &vto),
			      "veneer at %#llx does not decode as LDR + BR",
			      (unsigned long long)p->veneer);
		to = vto;
	} else {
		XS_FUZZ_CHECK(kind == p->form, "decodes as %s, planned %s",
			      xs_tramp_form_name((enum xs_tramp_form)kind),
			      xs_tramp_form_name((enum xs_tramp_form)p->form));
		XS_FUZZ_CHECK(p->veneer == 0 && p->veneer_len == 0, "veneer set for form %s",
			      xs_tramp_form_name((enum xs_tramp_form)p->form));
	}
	XS_FUZZ_CHECK(to == want->target,
		      "%s at %#llx lands on %#llx, target %#llx (requested %#llx, entry %u)",
		      xs_tramp_form_name((enum xs_tramp_form)p->form),
		      (unsigned long long)p->patch_point, (unsigned long long)to,
		      (unsigned long long)want->target, (unsigned long long)r->target, (unsigned)e);
}

/* Each form encoded directly: reach agrees with xs_tramp_reach, bytes land on target. */
static void check_encode(uint16_t machine, uint64_t at, uint64_t target)
{
	for (int f = 0; f < XS_TRAMP_FORM_COUNT + 1; f++) {
		uint8_t buf[XS_TRAMP_MAX];
		unsigned len = 0;
		struct xs_diag d;
		memset(buf, 0xee, sizeof(buf));
		xs_status st = xs_tramp_encode(machine, (enum xs_tramp_form)f, at, target, buf, &len,
					       &d);
		bool mine = machine == EM_X86_64
				    ? (f == XS_TRAMP_X86_JMP8 || f == XS_TRAMP_X86_JMP32 ||
				       f == XS_TRAMP_X86_JMP_ABS)
				    : (f == XS_TRAMP_A64_B || f == XS_TRAMP_A64_VENEER ||
				       f == XS_TRAMP_A64_LDR_BR);
		if (machine != EM_X86_64 && machine != EM_AARCH64) {
			XS_FUZZ_CHECK(st != XS_OK, "encode for machine %u accepted", machine);
			continue;
		}
		if (!mine) {
			XS_FUZZ_CHECK(st != XS_OK, "form %d encoded for machine %u", f, machine);
			continue;
		}
		int64_t lo, hi;
		bool bounded = xs_tramp_reach(machine, (enum xs_tramp_form)f, &lo, &hi);
		int64_t dist = (int64_t)(target - at);
		bool reach = !bounded || in_range(dist, lo, hi);
		bool aligned = machine == EM_X86_64 || (!(at & 3) && (f == XS_TRAMP_A64_LDR_BR ||
								     !(target & 3)));
		xs_status want = !aligned ? XS_E_MISALIGNED : reach ? XS_OK : XS_E_OUT_OF_REACH;
		XS_FUZZ_CHECK(st == want, "encode %s at %#llx to %#llx: %s, reference %s",
			      xs_tramp_form_name((enum xs_tramp_form)f), (unsigned long long)at,
			      (unsigned long long)target, xs_status_name(st), xs_status_name(want));
		if (st != XS_OK) {
			XS_FUZZ_CHECK(d.status == st && memchr(d.msg, 0, sizeof(d.msg)) && d.msg[0],
				      "encode diagnostic");
			continue;
		}
		XS_FUZZ_CHECK(len <= XS_TRAMP_MAX, "encoded %u bytes", len);
		for (unsigned k = len; k < XS_TRAMP_MAX; k++)
			XS_FUZZ_CHECK(buf[k] == 0xee, "encode wrote byte %u of %u", k, len);
		unsigned fsz = xs_tramp_form_size((enum xs_tramp_form)f);
		XS_FUZZ_CHECK(len == fsz || (f == XS_TRAMP_A64_LDR_BR && len == 20),
			      "encoded %u bytes, form size %u", len, fsz);
		uint64_t to = 0;
		int kind = 0;
		bool ok = machine == EM_X86_64 ? decode_x86(buf, len, at, &to, &kind)
					       : decode_a64(buf, len, at, &to, &kind);
		XS_FUZZ_CHECK(ok && to == target, "encoded %s at %#llx goes to %#llx, not %#llx",
			      xs_tramp_form_name((enum xs_tramp_form)f), (unsigned long long)at,
			      (unsigned long long)to, (unsigned long long)target);
		int want_kind = f == XS_TRAMP_A64_VENEER ? XS_TRAMP_A64_B : f;
		XS_FUZZ_CHECK(kind == want_kind, "encoded %s decodes as %d", xs_tramp_form_name(
								(enum xs_tramp_form)f), kind);
	}
	/* Fitting mask agrees with the form sizes. */
	for (uint64_t room = 0; room < 24; room += 1) {
		uint32_t m = xs_tramp_fitting(machine, room);
		for (int f = 1; f < XS_TRAMP_FORM_COUNT; f++)
			if (m & (1u << f))
				XS_FUZZ_CHECK(xs_tramp_form_size((enum xs_tramp_form)f) <= room,
					      "form %d fits room %llu", f, (unsigned long long)room);
	}
}

/* ---- input -> request ---------------------------------------------------------------- */

static uint64_t pick_addr(struct xs_fuzz_in *in, uint64_t near)
{
	unsigned kind = (unsigned)xs_fuzz_take(in, 1);
	int64_t small = (int64_t)(int16_t)xs_fuzz_take(in, 2);
	switch (kind % 10) {
	case 0: /* near, in jmp8 range */
		return near + (uint64_t)(small % 140);
	case 1: /* near, a few KiB */
		return near + (uint64_t)small;
	case 2: /* the edges of rel32 */
		return near + 0x80000000ull + (uint64_t)(small % 16);
	case 3:
		return near - 0x80000000ull + (uint64_t)(small % 16);
	case 4: /* the edges of B */
		return near + ((uint64_t)1 << 27) + (uint64_t)(small % 16);
	case 5:
		return near - ((uint64_t)1 << 27) + (uint64_t)(small % 16);
	case 6: /* within B reach */
		return near + (uint64_t)((int64_t)(int32_t)xs_fuzz_take(in, 4) / 32);
	case 7: /* anywhere */
		return xs_fuzz_take(in, 8);
	case 8: /* the top of the address space / wrap */
		return (uint64_t)small;
	default:
		return near + (uint64_t)(int64_t)(int32_t)xs_fuzz_take(in, 4);
	}
}

int xs_fuzz_one(const uint8_t *data, size_t size)
{
	struct xs_fuzz_in in = {data, size};
	unsigned b0 = (unsigned)xs_fuzz_take(&in, 1);
	unsigned flags = (unsigned)xs_fuzz_take(&in, 2);
	uint16_t machine = (b0 & 0x3f) == 0x3f ? (uint16_t)xs_fuzz_take(&in, 2)
			   : (b0 & 1)          ? EM_AARCH64
					       : EM_X86_64;

	/* Site address: aligned usually, anywhere sometimes. */
	uint64_t site;
	switch ((b0 >> 1) & 3) {
	case 0:
		site = 0xffff82d040200000ull + (xs_fuzz_take(&in, 3) & ~(uint64_t)3);
		break;
	case 1:
		site = 0x400000 + (xs_fuzz_take(&in, 4) & ~(uint64_t)3);
		break;
	case 2:
		site = UINT64_MAX - (xs_fuzz_take(&in, 1) & 0xfc) - 3; /* the jump wraps */
		break;
	default:
		site = xs_fuzz_take(&in, 8);
		break;
	}

	/* Room: small and exact usually. */
	uint64_t room = (flags & 0x8000) ? xs_fuzz_take(&in, 8) : xs_fuzz_take(&in, 1) % 41;

	/* Live bytes: an entry prefix, then the rest of the input's choosing. */
	uint8_t live_buf[64];
	memset(live_buf, 0, sizeof(live_buf));
	size_t live_len = (size_t)xs_fuzz_take(&in, 1) % 48;
	static const uint32_t a64_entries[] = {A64_HINT(25), A64_HINT(27), A64_HINT(32),
					       A64_HINT(34), A64_HINT(36), A64_HINT(38),
					       A64_NOP,      0xd503233eu};
	unsigned prefix = (flags >> 1) & 7;
	for (size_t i = 0; i < sizeof(live_buf); i++)
		live_buf[i] = (uint8_t)xs_fuzz_take(&in, 1);
	if (prefix < 4) {
		if (machine == EM_X86_64)
			memcpy(live_buf, "\xf3\x0f\x1e\xfa", 4);
		else
			st32(live_buf, a64_entries[(flags >> 4) & 7]);
	}

	/* Target and its first bytes. */
	uint64_t target = pick_addr(&in, site);
	if ((flags & 0x100) && machine == EM_AARCH64)
		target &= ~(uint64_t)3;
	size_t tlen = (size_t)xs_fuzz_take(&in, 1) % 9;
	uint8_t tcode_buf[8];
	for (size_t i = 0; i < sizeof(tcode_buf); i++)
		tcode_buf[i] = (uint8_t)xs_fuzz_take(&in, 1);
	if ((flags & 0x200) && machine == EM_AARCH64)
		memcpy(tcode_buf, live_buf, 4); /* the same entry instruction */

	uint64_t veneer = 0;
	if (flags & 0x400) {
		veneer = pick_addr(&in, site);
		if (flags & 0x800)
			veneer &= ~(uint64_t)7;
	}
	uint32_t nop_len = (flags & 0x1000) ? (uint32_t)xs_fuzz_take(&in, 1) % 40 : 0;

	/* Expected bytes: the live ones (maybe with one changed), or random. */
	uint8_t expect[40];
	uint32_t expect_len = 0;
	const uint8_t *expect_p = NULL;
	if (flags & 0x2000) {
		expect_len = (uint32_t)xs_fuzz_take(&in, 1) % 36;
		size_t skip = ref_entry(machine, live_buf, live_len) ? 4 : 0;
		for (uint32_t i = 0; i < expect_len; i++)
			expect[i] = skip + i < sizeof(live_buf) ? live_buf[skip + i] : 0;
		if ((flags & 0x4000) && expect_len) {
			unsigned k = (unsigned)xs_fuzz_take(&in, 1) % expect_len;
			expect[k] ^= (uint8_t)(xs_fuzz_take(&in, 1) | 1);
		}
		expect_p = expect;
	}

	/* Exact-size heap copies of what the planner may read. */
	uint8_t *live = malloc(live_len ? live_len : 1);
	uint8_t *tcode = (flags & 1) ? NULL : malloc(tlen ? tlen : 1);
	XS_FUZZ_CHECK(live && ((flags & 1) || tcode), "out of memory");
	memcpy(live, live_buf, live_len);
	if (tcode)
		memcpy(tcode, tcode_buf, tlen);

	struct xs_tramp_req r = {
		.machine = machine,
		.site = site,
		.room = room,
		.live = live,
		.live_len = live_len,
		.target = target,
		.target_code = tcode,
		.target_len = tcode ? tlen : 0,
		.veneer = veneer,
		.nop_len = nop_len,
		.expect = expect_p,
		.expect_len = expect_len,
	};
	struct ref want = ref_plan(&r);
	struct xs_tramp_plan p;
	struct xs_diag d;
	memset(&d, 0x5a, sizeof(d));
	memset(&p, 0xa5, sizeof(p));
	xs_status st = xs_tramp_plan(&r, &p, (flags & 0x10) ? NULL : &d);
	XS_FUZZ_CHECK(st == want.st, "plan: %s, reference %s (machine %u site %#llx room %llu target "
		      "%#llx veneer %#llx nop %u live %zu)", xs_status_name(st),
		      xs_status_name(want.st), machine, (unsigned long long)site,
		      (unsigned long long)room, (unsigned long long)target,
		      (unsigned long long)veneer, nop_len, live_len);
	if (getenv("XS_FUZZ_VERBOSE"))
		fprintf(stderr, "machine %u site %#llx room %llu target %#llx veneer %#llx nop %u: %s %s "
			"%u bytes\n", machine, (unsigned long long)site, (unsigned long long)room,
			(unsigned long long)target, (unsigned long long)veneer, nop_len,
			xs_status_name(st), st ? "" : xs_tramp_form_name((enum xs_tramp_form)p.form),
			st ? 0 : p.len);
	if (st == XS_OK)
		check_plan(&r, &p, &want);
	else if (st != XS_E_INVALID_ARG && !(flags & 0x10))
		XS_FUZZ_CHECK(d.status == st && memchr(d.msg, 0, sizeof(d.msg)) != NULL,
			      "plan failed with %s, diagnostic says %s", xs_status_name(st),
			      xs_status_name(d.status));
	/* Without the live bytes: refused. */
	struct xs_tramp_req nolive = r;
	nolive.live = NULL;
	XS_FUZZ_CHECK(xs_tramp_plan(&nolive, &p, NULL) == XS_E_INVALID_ARG, "NULL live accepted");

	/* The forms one by one, at the patch point and at the site. */
	uint64_t pp = site + (ref_entry(machine, live_buf, live_len) ? 4 : 0);
	check_encode(machine, pp, target);
	if (veneer)
		check_encode(machine, veneer, target);

	/* Entry detection on any length, and NOP fills of every length. */
	for (size_t n = 0; n <= live_len && n <= 8; n++)
		XS_FUZZ_CHECK(xs_tramp_entry(machine, live, n) == ref_entry(machine, live, n),
			      "entry of %zu bytes", n);
	if (nop_len) {
		uint8_t *nb = malloc(nop_len);
		XS_FUZZ_CHECK(nb != NULL, "out of memory");
		st = xs_tramp_nops(machine, nb, nop_len);
		if (st == XS_OK)
			XS_FUZZ_CHECK(all_nops(machine, nb, nop_len), "xs_tramp_nops(%u) not NOPs",
				      nop_len);
		else
			XS_FUZZ_CHECK((machine == EM_AARCH64 && nop_len % 4) ||
					      (machine != EM_X86_64 && machine != EM_AARCH64),
				      "xs_tramp_nops(%u): %s", nop_len, xs_status_name(st));
		free(nb);
	}
	free(live);
	free(tcode);
	return 0;
}
