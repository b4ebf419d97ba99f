/* SPDX-License-Identifier: MIT */
/*
 * Reader of Xen's livepatch payload format (docs/payload.md): the special
 * sections of a parsed payload object, before linking (field values and the
 * relocations that will fill them, so a function's name and new code are
 * known) and after linking (the relocated bytes).
 *
 *   .livepatch.funcs         struct livepatch_func[] (below)
 *   .livepatch.depends       ELF note: build-id of what the payload stacks on
 *   .livepatch.xen_depends   ELF note: build-id of the host image
 *   .note.gnu.build-id       the payload's own build-id
 *   .livepatch.hooks.load / .unload        arrays of void (*)(void)
 *   .livepatch.hooks.{pre,post}{apply,revert}, .apply, .revert: one pointer each
 */
#ifndef XSPLICE_LIVEPATCH_H
#define XSPLICE_LIVEPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xsplice/object.h>
#include <xsplice/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * struct livepatch_func, little-endian, 64-bit (Xen's public/sysctl.h,
 * LIVEPATCH_PAYLOAD_VERSION 2). Offsets:
 *   0x00 name      char *   old function's name, "file#sym" for a static
 *   0x08 new_addr  void *   new code; 0: a NOP patch of new_size bytes
 *   0x10 old_addr  void *   0: looked up by name in the host
 *   0x18 new_size  u32
 *   0x1c old_size  u32
 *   0x20 version   u8       1 or 2
 *   0x21 opaque    39 bytes the loader keeps for itself (31 saved bytes,
 *                  applied flag, 7 padding); zero in a file
 *   0x48 expect    u8 enabled:1, len:5, rsv:2; then data[31]   (version 2)
 * Version 1 entries end at 0x40 (64 bytes); version 2 at 0x68 (104 bytes).
 */
#define XS_LP_FUNC_SIZE_V1 64u
#define XS_LP_FUNC_SIZE_V2 104u
#define XS_LP_OFF_NAME 0x00u
#define XS_LP_OFF_NEW_ADDR 0x08u
#define XS_LP_OFF_OLD_ADDR 0x10u
#define XS_LP_OFF_NEW_SIZE 0x18u
#define XS_LP_OFF_OLD_SIZE 0x1cu
#define XS_LP_OFF_VERSION 0x20u
#define XS_LP_OFF_OPAQUE 0x21u
#define XS_LP_OPAQUE_SIZE 39u
#define XS_LP_OFF_EXPECT 0x48u
#define XS_LP_EXPECT_MAX 31u

#define XS_LP_SEC_FUNCS ".livepatch.funcs"
#define XS_LP_SEC_DEPENDS ".livepatch.depends"
#define XS_LP_SEC_XEN_DEPENDS ".livepatch.xen_depends"
#define XS_LP_SEC_BUILD_ID ".note.gnu.build-id"

#define XS_LP_NONE UINT32_MAX

enum xs_lp_hook {
	XS_LP_HOOK_LOAD = 0,   /* array, run after load */
	XS_LP_HOOK_UNLOAD,     /* array, run before unload */
	XS_LP_HOOK_PREAPPLY,   /* one; may veto */
	XS_LP_HOOK_APPLY,      /* one; replaces the loader's apply (needs REVERT too) */
	XS_LP_HOOK_POSTAPPLY,
	XS_LP_HOOK_PREREVERT,  /* one; may veto */
	XS_LP_HOOK_REVERT,     /* one; replaces the loader's revert (needs APPLY too) */
	XS_LP_HOOK_POSTREVERT,
	XS_LP_HOOK_COUNT
};

/* ".livepatch.hooks.load" ... */
const char *xs_lp_hook_section(enum xs_lp_hook h);

/* A pointer field before linking: the relocation that will fill it. */
struct xs_lp_ref {
	uint32_t sym;       /* payload symbol index, XS_LP_NONE when no relocation */
	int64_t addend;
	const char *name;   /* the symbol's name; for a section symbol the name of the
			     * function/object at the addend in that section if one, else
			     * the section's name */
	bool undefined;     /* the symbol is undefined in the payload (a host symbol) */
};

struct xs_lp_func {
	uint32_t index;
	uint8_t version;
	const char *name;   /* old function name (NUL-terminated in the payload), or NULL */
	uint64_t new_addr;  /* field values: before linking, the raw bytes (0 when a */
	uint64_t old_addr;  /* relocation fills them); after, the relocated values */
	uint32_t new_size;
	uint32_t old_size;
	bool nop;           /* no new code: new_size bytes of NOPs */
	bool expect_enabled;
	uint8_t expect_len;
	uint8_t expect[XS_LP_EXPECT_MAX];
	struct xs_lp_ref name_ref, new_ref, old_ref; /* before linking only */
};

struct xs_lp_build_id {
	const uint8_t *id; /* NULL when the section is absent */
	uint32_t len;
	uint32_t section;  /* section index, 0 when absent */
};

struct xs_payload {
	/* Read-only after xs_payload_read. */
	const struct xs_object *obj;
	uint32_t funcs_sec;   /* 0 when absent */
	uint32_t funcs_rela;  /* its SHT_RELA section, 0 when none */
	uint32_t nfuncs;
	uint32_t func_size;   /* XS_LP_FUNC_SIZE_V1 or _V2 */
	uint8_t version;
	struct xs_lp_build_id build_id, depends, xen_depends;
	uint32_t hook_sec[XS_LP_HOOK_COUNT];
	uint32_t hook_rela[XS_LP_HOOK_COUNT];
	uint32_t nhooks[XS_LP_HOOK_COUNT];
};

/*
 * Find and validate every livepatch section of a parsed payload: sizes and
 * versions of .livepatch.funcs, every name relocated to a NUL-terminated
 * string, only 64-bit absolute relocations on pointer fields, expect.len
 * <= 31, well-formed build-id notes, pointer-sized hook entries (one per
 * action hook; APPLY and REVERT both or neither). XS_E_BAD_PAYLOAD with d
 * naming the section and offset. A payload without .livepatch.funcs reads
 * as zero functions; whether that is allowed, and the dependency policy,
 * are the loader's (xsplice check, the lifecycle).
 */
xs_status xs_payload_read(struct xs_payload *p, const struct xs_object *o, struct xs_diag *d);

/* Function i before linking: raw fields plus the relocations that fill them. */
xs_status xs_payload_func(const struct xs_payload *p, uint32_t i, struct xs_lp_func *f);

/*
 * Function i after linking: funcs is the relocated .livepatch.funcs (the
 * linker's copy in payload memory). name is NULL (it is an address in the
 * payload's memory now: new_addr / old_addr / the name pointer are there);
 * name_addr receives the name pointer's value.
 */
xs_status xs_payload_func_linked(const struct xs_payload *p, const uint8_t *funcs, uint32_t i,
				 struct xs_lp_func *f, uint64_t *name_addr);

/* Hook j of kind h before linking (the relocation that fills the pointer). */
xs_status xs_payload_hook(const struct xs_payload *p, enum xs_lp_hook h, uint32_t j,
			  struct xs_lp_ref *ref);
/* Hook j after linking: sec is the relocated hook section. */
uint64_t xs_payload_hook_linked(const uint8_t *sec, uint32_t j);

/*
 * The first NT_GNU_BUILD_ID (type 3) note with owner "GNU" in notes[0..size);
 * *id points into notes. XS_E_NOT_FOUND or XS_E_BAD_PAYLOAD.
 */
xs_status xs_note_build_id(const uint8_t *notes, size_t size, const uint8_t **id,
			   size_t *len);

/* Lower-case hex of a build-id (2 * len characters + NUL); returns 2 * len. */
size_t xs_build_id_hex(const uint8_t *id, size_t len, char *buf, size_t size);

/* Compare build-ids: same length and bytes. */
bool xs_build_id_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

#ifdef __cplusplus
}
#endif
#endif
