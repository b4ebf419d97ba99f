/* SPDX-License-Identifier: MIT */
/*
 * How an architecture plugs into the core: one small table of data and
 * function pointers (internal; arch/<name>/ provides one each).
 */
#ifndef XS_ARCH_H
#define XS_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xsplice/howto.h>
#include <xsplice/status.h>

/* What the linker knows about one relocation when it asks the arch. */
struct xs_reloc_site {
	const struct xs_howto *howto;
	struct xs_reloc_vals v;  /* S, A, P, GOT, G (G valid if has_got) */
	uint8_t *sec_w;          /* writable bytes of the whole target section */
	uint64_t sec_size;
	uint64_t offset;         /* of the place within the section */
	bool has_got;            /* a GOT slot exists for S */
	bool target_defined;     /* S is a real definition (not weak-undefined 0) */
	uint32_t link_flags;     /* XS_LINK_* options */
};

struct xs_arch {
	const char *name;        /* "x86_64", "aarch64" */
	uint16_t machine;        /* EM_* */
	uint32_t max_type;       /* rows[] has max_type + 1 entries */
	const struct xs_howto *rows; /* indexed by type; name == NULL: unknown */
	uint32_t got_entry_size; /* 8 */
	uint32_t stub_size;      /* bytes per far-branch stub / veneer */
	uint32_t stub_align;
	uint64_t text_align;     /* minimum alignment for text regions */

	/*
	 * A row with XS_HOWTO_MAYBE_BRANCH: is the place the rel32 of a
	 * branch (call/jmp/jcc)? sec is the section's input bytes.
	 */
	bool (*is_branch)(const struct xs_howto *h, const uint8_t *sec, uint64_t off);

	/* Address a branch at P with addend A to S must reach through a stub. */
	uint64_t (*branch_target)(const struct xs_howto *h, uint64_t S, int64_t A);

	/* Write a stub at w (address at) that jumps to target; clobbers only scratch. */
	void (*write_stub)(uint8_t *w, uint64_t at, uint64_t target);

	/*
	 * Optional: rewrite the relocation site instead of the generic row
	 * (GOTPCRELX relaxation, erratum 843419). Returns XS_OK when handled
	 * (bytes written), XS_E_NOT_FOUND to let the engine apply the row,
	 * or an error. Must check before writing, like the engine.
	 */
	xs_status (*special)(const struct xs_reloc_site *s, struct xs_diag *d);

	/* Undefined weak targets: a branch row writes this instruction (0: apply the row)... */
	uint32_t weak_undef_branch_insn;
	/* ...and PC-relative rows compute with S + A = P (else S = 0). */
	bool weak_undef_pcrel_at_place;
};

extern const struct xs_arch xs_arch_x86_64;
extern const struct xs_arch xs_arch_aarch64;

const struct xs_arch *xs_arch_by_machine(uint16_t machine);

static inline const struct xs_howto *xs_arch_howto(const struct xs_arch *a, uint32_t type)
{
	if (type > a->max_type || a->rows[type].name == NULL)
		return NULL;
	return &a->rows[type];
}

#endif
