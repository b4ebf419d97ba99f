/* SPDX-License-Identifier: MIT */
/*
 * Trampolines: the jump written at the start of a replaced function, the
 * planner that picks its form, and the analysis of every patch site of an
 * image (how many bytes each function offers).
 *
 *   x86_64   jmp rel8 (2 bytes, -128..+127 from the end of the jump)
 *            jmp rel32 (5, +-2 GiB)
 *            jmp *0(%rip); .quad target (14, anywhere)
 *            an ENDBR64 at the entry is kept; the jump goes after it.
 *   AArch64  b (4, -128 MiB..+128 MiB - 4)
 *            b to a veneer in the payload (4 in place; the veneer is
 *              ldr x16, #8; br x16; .quad target, 16 bytes the caller places)
 *            ldr x16, #8; br x16; .quad target in place (16; 20 with a nop
 *              when the literal would not be 8-byte aligned)
 *            a BTI / PACIASP / PACIBSP at the entry is kept; after a PAC
 *              instruction the jump goes past the same instruction at the
 *              target, so the return address is signed exactly once.
 *
 * All of it is pure computation over caller-given bytes: nothing here
 * writes live memory.
 */
#ifndef XSPLICE_TRAMP_H
#define XSPLICE_TRAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xsplice/status.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xs_symtab;
struct xs_image_section;

enum xs_tramp_form {
	XS_TRAMP_NONE = 0,
	XS_TRAMP_X86_JMP8,    /* eb rel8 */
	XS_TRAMP_X86_JMP32,   /* e9 rel32 */
	XS_TRAMP_X86_JMP_ABS, /* ff 25 00000000 + 8-byte address */
	XS_TRAMP_A64_B,       /* b target */
	XS_TRAMP_A64_VENEER,  /* b veneer; the veneer holds ldr x16/br x16/.quad */
	XS_TRAMP_A64_LDR_BR,  /* ldr x16, lit; br x16; [nop;] .quad target */
	XS_TRAMP_NOP,         /* NOP fill (Xen's new_addr == 0 entries) */
	XS_TRAMP_FORM_COUNT
};

/* The entry instruction kept at a function's start. */
enum xs_entry {
	XS_ENTRY_NONE = 0,
	XS_ENTRY_ENDBR64, /* f3 0f 1e fa */
	XS_ENTRY_BTI,     /* hint #32/#34/#36/#38: bti, bti c, bti j, bti jc */
	XS_ENTRY_PACIASP, /* hint #25 */
	XS_ENTRY_PACIBSP, /* hint #27 */
};

/* Bytes written at one site at most (Xen keeps 31 for itself per function). */
#define XS_TRAMP_MAX 31
#define XS_TRAMP_VENEER_SIZE 16
/* The size below which a site cannot take the near jump in place. */
#define XS_TRAMP_MIN_ROOM_X86_64 5
#define XS_TRAMP_MIN_ROOM_AARCH64 4

const char *xs_tramp_form_name(enum xs_tramp_form f);
/* Bytes a form writes in place (the LDR_BR form: 16, or 20 when misaligned). */
unsigned xs_tramp_form_size(enum xs_tramp_form f);

/*
 * Encode one form at address `at` jumping to `target` into buf (XS_TRAMP_MAX
 * bytes). *len receives the length. XS_E_OUT_OF_REACH if the form cannot
 * reach (d gets the distance and the allowed range), XS_E_MISALIGNED for an
 * AArch64 address that is not 4-byte aligned, XS_E_INVALID_ARG for a form
 * of another machine.
 */
xs_status xs_tramp_encode(uint16_t machine, enum xs_tramp_form f, uint64_t at, uint64_t target,
			  uint8_t *buf, unsigned *len, struct xs_diag *d);

/* The reach of a form as a range of target - at (inclusive); false for unbounded forms. */
bool xs_tramp_reach(uint16_t machine, enum xs_tramp_form f, int64_t *min, int64_t *max);

/*
 * n bytes of NOPs: x86_64 the recommended multi-byte forms (Intel SDM vol.
 * 2B, "NOP"), at most 9 bytes each; AArch64 n / 4 NOP words (n % 4 == 0).
 */
xs_status xs_tramp_nops(uint16_t machine, uint8_t *buf, size_t n);

/* The entry instruction at the first bytes of a function (len bytes readable). */
enum xs_entry xs_tramp_entry(uint16_t machine, const uint8_t *code, size_t len);
/* Bytes the entry instruction occupies (0 or 4). */
unsigned xs_tramp_entry_size(enum xs_entry e);

/* Bitmask (1u << form) of the jump forms whose in-place size fits room. */
uint32_t xs_tramp_fitting(uint16_t machine, uint64_t room);

/* ---- planner ---------------------------------------------------------- */

struct xs_tramp_req {
	uint16_t machine;      /* EM_X86_64 or EM_AARCH64 */
	uint64_t site;         /* the function's address */
	uint64_t room;         /* from xs_site_analyze: bytes usable from the patch point */
	const uint8_t *live;   /* the current bytes at site (at least entry + jump) */
	size_t live_len;
	uint64_t target;       /* the new function (ignored for NOP) */
	const uint8_t *target_code; /* its first bytes, or NULL (needed after PAC*) */
	size_t target_len;
	uint64_t veneer;       /* AArch64: address of a 16-byte veneer slot near site, 0 = none */
	uint32_t nop_len;      /* > 0: a NOP patch of nop_len bytes instead of a jump */
	const uint8_t *expect; /* bytes the patch point must hold, or NULL */
	uint32_t expect_len;
};

struct xs_tramp_plan {
	uint16_t machine;
	uint8_t form;           /* enum xs_tramp_form */
	uint8_t entry;          /* enum xs_entry kept at the site */
	uint8_t len;            /* bytes written at patch_point */
	uint8_t veneer_len;     /* bytes of veneer_insn (16) for XS_TRAMP_A64_VENEER */
	uint64_t site;
	uint64_t patch_point;   /* site + entry size */
	uint64_t target;        /* where the jump lands (target, or target + 4 past a PAC) */
	uint64_t veneer;        /* veneer address used, else 0 */
	uint8_t insn[XS_TRAMP_MAX];   /* new bytes for patch_point */
	uint8_t saved[XS_TRAMP_MAX];  /* the bytes they replace: revert data */
	uint8_t veneer_insn[XS_TRAMP_VENEER_SIZE];
};

/*
 * Choose the smallest form that reaches and fits, encode it and save the
 * bytes it replaces. Errors: XS_E_SITE_TOO_SMALL (room below the near jump,
 * or below nop_len), XS_E_OUT_OF_REACH (room takes the near jump but the
 * target is beyond it and the far form does not fit), XS_E_EXPECT_MISMATCH,
 * XS_E_UNSUPPORTED (a PAC entry whose target does not start with the same
 * instruction). d carries both numbers (value = needed or distance, max =
 * room or reach).
 */
xs_status xs_tramp_plan(const struct xs_tramp_req *r, struct xs_tramp_plan *p,
			struct xs_diag *d);

/* ---- site analysis ---------------------------------------------------- */

struct xs_site {
	uint32_t sym;         /* the symbol naming the function (largest alias) */
	uint32_t nalias;      /* symbols at this address that qualify */
	uint64_t addr;
	uint64_t size;        /* the largest size among aliases */
	uint64_t patch_point; /* addr + entry size */
	uint64_t padding;     /* filler bytes after addr + size */
	uint64_t room;        /* addr + size + padding - patch_point */
	uint8_t entry;        /* enum xs_entry */
};

/*
 * The functions of an image and the room at each, by these definitions:
 *  - functions: distinct addresses of STT_FUNC symbols with size > 0 in
 *    executable sections (aliases once, with the largest size);
 *  - patch point: the address, + 4 after ENDBR64 / BTI / PACIASP / PACIBSP;
 *  - padding: from the function's end up to the first symbol at or after
 *    it (any type but SECTION / FILE) or the section's end, counted while
 *    it is filler: x86_64 NOPs (90, 66 90, 0f 1f /0 with any ModRM/SIB/disp,
 *    prefixed by 66 / 2e), int3 or zero bytes; AArch64 whole NOP or zero
 *    (UDF #0) words;
 *  - room = end + padding - patch point.
 * secs[i] is section i of the image (xs_elf_image_section), a symbol's shndx
 * indexes it. out may be NULL (count only); *count is the number of
 * functions; XS_E_NO_SPACE when it exceeds max (the first max are written).
 * Sites come in address order.
 */
xs_status xs_site_analyze(uint16_t machine, const struct xs_symtab *t,
			  const struct xs_image_section *secs, uint32_t nsecs, struct xs_site *out,
			  uint32_t max, uint32_t *count, struct xs_diag *d);

/* Filler bytes at code[0..len) by the rules above (len = the distance to the limit). */
uint64_t xs_site_filler(uint16_t machine, const uint8_t *code, uint64_t len);

#ifdef __cplusplus
}
#endif
#endif
