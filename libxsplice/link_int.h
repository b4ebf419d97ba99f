/* SPDX-License-Identifier: MIT */
/* Private state of the linker, shared by link.c and link_reloc.c. */
#ifndef XS_LINK_INT_H
#define XS_LINK_INT_H

#include <xsplice/link.h>

#include "arch.h"
#include "xs_elf.h"
#include "util.h"

enum xs_link_state {
	XS_LS_NONE = 0,
	XS_LS_INIT,
	XS_LS_WORKSPACE,
	XS_LS_PLANNED,
	XS_LS_RESOLVED,
	XS_LS_RELOCATED,
};

/* sec_state values */
enum {
	XS_SEC_IGNORED = 0, /* not allocated (non-ALLOC, group, symtab, ...) */
	XS_SEC_REGION,      /* allocated in a region: sec_off valid */
	XS_SEC_PINNED,      /* placed exactly by the caller */
	XS_SEC_DISCARDED,   /* member of a duplicate COMDAT group */
};

/* sym_flags bits */
enum {
	XS_SYMF_DEFINED = 1u << 0,   /* has a real address */
	XS_SYMF_DISCARDED = 1u << 1, /* local symbol of a discarded section */
	XS_SYMF_GOT = 1u << 2,       /* local with a GOT slot in sym_got */
	XS_SYMF_IFUNC = 1u << 3,     /* STT_GNU_IFUNC */
	/* set by resolve: S is final - kept, and local or a defined global */
	XS_SYMF_PLAIN = 1u << 4,
};

struct xs_link_global {
	const char *name;
	uint32_t hash;
	uint32_t obj, sym;  /* chosen definition (or first reference) */
	uint8_t bind;
	uint8_t defined;    /* defined in a kept section or absolute */
	uint8_t weak_only;  /* every reference is weak */
	uint8_t resolved_defined;
	uint32_t got;       /* slot + 1, 0 = none */
	uint64_t value;
	uint64_t size;
	/* SHN_COMMON: allocated in DATA when nothing defines the symbol */
	uint8_t common;
	uint64_t common_size, common_align, common_off;
};

struct xs_link_stub {
	uint32_t obj;       /* UINT32_MAX for a global */
	uint32_t sym;       /* symbol index, or global index */
	int64_t addend;
	uint64_t target;
	uint8_t written;
};

struct xs_link_group {
	uint32_t obj, sec;
	const char *sig;
	uint32_t hash;
};

/* Formats d->msg with the context of a relocation. */
void xs_link_diag_reloc(const struct xs_link *lk, struct xs_diag *d, uint32_t obj,
			uint32_t sec, uint64_t off, uint32_t sym, const char *what);

bool xs_link_c_ident(const char *name);

uint32_t xs_link_stub_find(const struct xs_link *lk, uint32_t obj, uint32_t sym, int64_t A);

static inline uint64_t xs_align_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) & ~(a - 1) : v;
}

#endif
