/* SPDX-License-Identifier: MIT */
/*
 * The howto: a relocation type as a row of data, applied by one generic
 * engine. An architecture is a table of rows plus a few named encoders.
 *
 *   X      = expr(S, A, P, GOT, G, Z)           (psABI names)
 *   X      = X & keep_mask       if keep_bits   (":lo12:" style forms)
 *   check  (unit & insn_mask) == insn_match      (instruction class)
 *   check  X's low `align` bits are zero         (scaled loads/stores)
 *   V      = X >> r_shift        (arithmetic if the rule is signed)
 *   check  V against the overflow rule over `bits` bits (sum of field widths)
 *   unit   = (unit & ~mask) | deposit(V, fields) (or the named encoder)
 *
 * Every check happens before the unit is written.
 */
#ifndef XSPLICE_HOWTO_H
#define XSPLICE_HOWTO_H

#include <stdbool.h>
#include <stdint.h>

#include <xsplice/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The value a row computes. */
enum xs_howto_expr {
	XS_EXPR_NONE = 0,   /* nothing is written (R_*_NONE) */
	XS_EXPR_S_A,        /* S + A */
	XS_EXPR_S_A_P,      /* S + A - P */
	XS_EXPR_G_GOT_A_P,  /* G + GOT + A - P: GOT slot address + A - P (x86 GOTPCREL*) */
	XS_EXPR_GOT_A_P,    /* GOT + A - P (x86 GOTPC32/64) */
	XS_EXPR_S_A_GOT,    /* S + A - GOT (x86 GOTOFF64) */
	XS_EXPR_Z_A,        /* Z + A: symbol size (x86 SIZE32/64) */
	XS_EXPR_PAGE_S_A_P, /* Page(S + A) - Page(P) (AArch64 ADRP) */
	XS_EXPR_PAGE_G_P,   /* Page(G(GDAT(S + A))) - Page(P): GOT slot page (ADR_GOT_PAGE) */
	XS_EXPR_G_ABS,      /* G(GDAT(S + A)): GOT slot address (LD64_GOT_LO12_NC) */
	XS_EXPR_G_PAGE_GOT, /* G(GDAT(S + A)) - Page(GOT) (LD64_GOTPAGE_LO15) */
	XS_EXPR_G_A_GOT,    /* G - GOT + A: offset of the GOT slot in the GOT (x86 GOT32/GOT64) */
};

/* Overflow rules over `bits` bits of V = X >> r_shift. */
enum xs_howto_overflow {
	XS_OVF_NONE = 0,  /* truncate (the _NC forms) */
	XS_OVF_SIGNED,    /* -2^(bits-1) <= V < 2^(bits-1) */
	XS_OVF_UNSIGNED,  /* 0 <= V < 2^bits */
	XS_OVF_BITFIELD,  /* -2^bits <= V < 2^bits (bfd "bitfield") */
	XS_OVF_SIGNED_OR_UNSIGNED, /* -2^(bits-1) <= V < 2^bits (AAELF64 ABS32 etc.) */
};

/* Named encoders for what a plain deposit cannot express. */
enum xs_howto_encoder {
	XS_ENC_DEPOSIT = 0, /* scatter V into fields, nothing else */
	XS_ENC_MOVW_FLIP,   /* AArch64 MOVW_SABS/PREL: MOVZ if X >= 0, MOVN with ~X if X < 0 */
};

enum xs_howto_flags {
	XS_HOWTO_PCREL = 1u << 0,   /* uses P */
	XS_HOWTO_GOT = 1u << 1,     /* needs a GOT slot for S */
	XS_HOWTO_BRANCH = 1u << 2,  /* a branch: may go through a stub/veneer when far */
	XS_HOWTO_MAYBE_BRANCH = 1u << 3, /* a branch if the arch says so from the opcode (x86 PC32) */
	XS_HOWTO_TLS = 1u << 4,     /* thread-local: always refused */
	XS_HOWTO_UNSUPPORTED = 1u << 5, /* known type, refused by the linker (dynamic-only, ...) */
	XS_HOWTO_RELAX_GOTPCRELX = 1u << 6, /* x86 GOTPCRELX: may be relaxed by the arch hook */
	XS_HOWTO_ADRP = 1u << 7,    /* AArch64 ADRP: erratum 843419 candidate */
	XS_HOWTO_INSN = 1u << 8,    /* the unit is an instruction (insn_mask/insn_match apply) */
};

/* One contiguous bit field of the unit receiving value bits, low value bits first. */
struct xs_howto_field {
	uint8_t pos;
	uint8_t width;
};

#define XS_HOWTO_MAX_FIELDS 2

struct xs_howto {
	const char *name;      /* "R_X86_64_PC32"; NULL marks an unknown type */
	uint32_t type;
	uint8_t expr;          /* enum xs_howto_expr */
	uint8_t size;          /* bytes of the patched unit: 0 (NONE), 1, 2, 4, 8 */
	uint8_t r_shift;       /* bits of X dropped */
	uint8_t keep_bits;     /* 0: all of X; else X &= (1 << keep_bits) - 1 first */
	uint8_t align;         /* log2 of the required alignment of X (after keep) */
	uint8_t overflow;      /* enum xs_howto_overflow */
	uint8_t encoder;       /* enum xs_howto_encoder */
	uint8_t nfields;
	struct xs_howto_field fields[XS_HOWTO_MAX_FIELDS];
	uint64_t mask;         /* union of fields: the unit bits that receive V */
	uint32_t insn_mask;    /* instruction class: (unit & insn_mask) == insn_match */
	uint32_t insn_match;
	const char *insn_class; /* "ADRP", "B/BL", ... for messages */
	uint32_t flags;        /* enum xs_howto_flags */
};

/* The inputs of a computation, psABI names. */
struct xs_reloc_vals {
	uint64_t S;   /* symbol value */
	int64_t A;    /* addend */
	uint64_t P;   /* address of the place */
	uint64_t GOT; /* address of the GOT */
	uint64_t G;   /* address of the GOT slot of S (not an offset) */
	uint64_t Z;   /* symbol size */
};

/* What a row produced, before it is written. */
struct xs_howto_result {
	int64_t x;        /* X after keep: the computed value */
	uint64_t unit;    /* the new unit (size bytes, little-endian) */
	int64_t min, max; /* the allowed range of X, for messages */
};

/* Compute X from a row's expression (no checks). */
int64_t xs_howto_value(const struct xs_howto *h, const struct xs_reloc_vals *v);

/*
 * Check and encode: given the current unit bytes at place, produce the new
 * unit. Writes nothing. On error fills d's status, value and range (the
 * caller adds section / symbol context).
 */
xs_status xs_howto_compute(const struct xs_howto *h, const struct xs_reloc_vals *v,
			   const uint8_t *place, struct xs_howto_result *r,
			   struct xs_diag *d);

/* Encode an already computed X into the unit at place (checks included). */
xs_status xs_howto_encode(const struct xs_howto *h, int64_t x, const uint8_t *place,
			  struct xs_howto_result *r, struct xs_diag *d);

/* Write r->unit (h->size bytes, little-endian) at place. */
void xs_howto_write(const struct xs_howto *h, uint8_t *place,
		    const struct xs_howto_result *r);

/* compute + write. */
xs_status xs_howto_apply(const struct xs_howto *h, const struct xs_reloc_vals *v,
			 uint8_t *place, struct xs_diag *d);

/* The allowed [min, max] of X for a row with an overflow rule. */
void xs_howto_range(const struct xs_howto *h, int64_t *min, int64_t *max);

/* Rows of an architecture: e_machine EM_X86_64 or EM_AARCH64. */
const struct xs_howto *xs_howto_lookup(uint16_t machine, uint32_t type);

#ifdef __cplusplus
}
#endif
#endif
