/* SPDX-License-Identifier: MIT */
/*
 * Linking relocatable objects into memory the caller provides.
 *
 *   xs_link_init      objects + options; says how much workspace is needed
 *   xs_link_plan      COMDAT, global symbols, GOT slots, stubs, region sizes
 *   xs_link_place_*   the caller (host) gives every region / pinned section
 *                     an address and a writable pointer
 *   xs_link_resolve   payload symbols first, then the caller's resolver
 *   xs_link_relocate  copy, relocate, write GOT and stubs - into memory that
 *                     is not live yet; the caller seals permissions after
 *
 * The core never allocates: struct xs_link and the workspace belong to the
 * caller. On any error nothing but the caller's region memory was written.
 */
#ifndef XSPLICE_LINK_H
#define XSPLICE_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xsplice/object.h>
#include <xsplice/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where a section's bytes go, by permission. */
enum xs_region {
	XS_REGION_TEXT = 0, /* R+X: code, stubs / veneers */
	XS_REGION_RODATA,   /* R: read-only data, the GOT (sealed read-only after relocation) */
	XS_REGION_DATA,     /* R+W: data and bss */
	XS_REGION_COUNT
};

enum xs_link_flags {
	XS_LINK_RELAX = 1u << 0,          /* x86 GOTPCRELX relaxation when in reach */
	XS_LINK_NO_ERRATUM_843419 = 1u << 1, /* do not work around Cortex-A53 843419 */
	XS_LINK_ALLOW_UNDEFINED_WEAK = 1u << 2, /* undefined weak symbols resolve to 0 (default on) */
	XS_LINK_ZEROED_REGIONS = 1u << 3, /* the host's region memory is already zero: NOBITS
					     sections in regions are not cleared again */
	XS_LINK_KEEP_NONALLOC = 0,         /* reserved */
};

struct xs_link_options {
	uint32_t flags;
	/* Fault injection (tests): fail the Nth relocation applied (1-based), 0 = never. */
	uint64_t fail_at_reloc;
};

/*
 * Resolve an undefined symbol that no linked object defines. Return XS_OK
 * and set *value, or XS_E_NOT_FOUND, or another status to abort.
 */
typedef xs_status (*xs_resolve_fn)(void *ctx, const char *name, uint64_t *value);

/* Per-object state kept in the workspace. */
struct xs_link_obj {
	const struct xs_object *obj;
	uint64_t *sec_addr;     /* [shnum] final address, 0 if not placed */
	uint8_t **sec_w;        /* [shnum] writable pointer, NULL if not placed */
	uint64_t *sec_off;      /* [shnum] offset within its region (plan) */
	uint8_t *sec_state;     /* [shnum] enum in link.c */
	uint64_t *sym_value;    /* [nsyms] resolved S */
	uint32_t *sym_got;      /* [nsyms] GOT slot + 1, 0 = none */
	uint32_t *sym_global;   /* [nsyms] index into the global table + 1, 0 = local */
	uint8_t *sym_flags;     /* [nsyms] private */
};

struct xs_link_region {
	uint64_t size;
	uint64_t align;
	uint64_t addr;
	uint8_t *w;
	bool placed;
};

struct xs_link {
	/* All private: use the functions. */
	const struct xs_arch *arch;
	struct xs_link_options opt;
	const struct xs_object *objs;
	uint32_t nobj;
	int state;
	size_t ws_needed;
	uint8_t *ws;
	size_t ws_size;
	struct xs_link_obj *lo; /* [nobj] */
	/* global symbol table: open addressing over names */
	uint32_t nglobal, global_cap;
	uint32_t *global_hash;     /* [global_cap] entry + 1, 0 = empty */
	struct xs_link_global *globals; /* [nglobal max] */
	/* COMDAT */
	uint32_t ngroup_cap, ngroups;
	uint32_t *group_hash;      /* signature -> group + 1 */
	struct xs_link_group *groups;
	/* GOT */
	uint32_t ngot;
	uint64_t got_off;          /* within RODATA */
	/* stubs */
	uint32_t nstub_cap, nstub_used, nstub_hash_cap;
	uint64_t stub_off;         /* within TEXT */
	struct xs_link_stub *stubs;   /* [nstub_cap] */
	uint32_t *stub_hash;       /* [2 * nstub_cap] */
	struct xs_link_region region[XS_REGION_COUNT];
	uint64_t relocs_applied;
	uint64_t stubs_written;
	uint64_t relaxed;
	uint64_t erratum_fixes;
	uint64_t pinned_placed;
	uint32_t ncommon;          /* SHN_COMMON symbols allocated in DATA */
};

/* Start: objects (all of one machine), options (NULL: defaults). */
xs_status xs_link_init(struct xs_link *lk, const struct xs_object *objs, uint32_t nobj,
		       const struct xs_link_options *opt, struct xs_diag *d);

/* Bytes of workspace xs_link_plan needs (valid after init). */
size_t xs_link_workspace_size(const struct xs_link *lk);

/*
 * Give the workspace (8-byte aligned, xs_link_workspace_size bytes) before
 * planning; needed only when sections are pinned (else plan takes it).
 */
xs_status xs_link_set_workspace(struct xs_link *lk, void *ws, size_t ws_size,
				struct xs_diag *d);

/*
 * Pin a section to an exact address (it is then not part of any region);
 * call after xs_link_set_workspace and before xs_link_plan. The address and
 * writable pointer are given later by xs_link_place_section.
 */
xs_status xs_link_pin_section(struct xs_link *lk, uint32_t obj, uint32_t sec,
			      struct xs_diag *d);

/* Plan in ws (8-byte aligned, xs_link_workspace_size bytes), or in the
 * workspace given by xs_link_set_workspace when ws is NULL. */
xs_status xs_link_plan(struct xs_link *lk, void *ws, size_t ws_size, struct xs_diag *d);

/* After plan: what each region needs (size 0: not needed). */
void xs_link_region_need(const struct xs_link *lk, enum xs_region r, uint64_t *size,
			 uint64_t *align);

/* The region a section was planned into, or -1 if not allocated / pinned. */
int xs_link_section_region(const struct xs_link *lk, uint32_t obj, uint32_t sec);

/* Give region r its final address and a writable pointer to size bytes. */
xs_status xs_link_place_region(struct xs_link *lk, enum xs_region r, uint64_t addr,
			       uint8_t *w, struct xs_diag *d);
/* Give a pinned section its address and writable pointer. */
xs_status xs_link_place_section(struct xs_link *lk, uint32_t obj, uint32_t sec,
				uint64_t addr, uint8_t *w, struct xs_diag *d);

/* Resolve every symbol: objects' own definitions, then resolve(ctx, name). */
xs_status xs_link_resolve(struct xs_link *lk, xs_resolve_fn resolve, void *ctx,
			  struct xs_diag *d);

/* Copy section contents and apply every relocation of allocated sections. */
xs_status xs_link_relocate(struct xs_link *lk, struct xs_diag *d);

/* After resolve: the address of a global symbol defined by the objects. */
xs_status xs_link_symbol(const struct xs_link *lk, const char *name, uint64_t *addr);
/*
 * After resolve: true if a symbol the objects do not define themselves was
 * resolved to an address in [lo, hi) - they depend on whatever lives there.
 */
bool xs_link_uses_range(const struct xs_link *lk, uint64_t lo, uint64_t hi);

/* After placement: a section's address (0 if not allocated or discarded). */
uint64_t xs_link_section_addr(const struct xs_link *lk, uint32_t obj, uint32_t sec);
/* True if the section was discarded (a duplicate COMDAT group member). */
bool xs_link_section_discarded(const struct xs_link *lk, uint32_t obj, uint32_t sec);

/* Statistics after relocate. */
struct xs_link_stats {
	uint64_t relocs;
	uint64_t got_slots;
	uint64_t stubs_planned;
	uint64_t stubs_used;
	uint64_t relaxed;
	uint64_t erratum_843419;
};
void xs_link_stats(const struct xs_link *lk, struct xs_link_stats *s);

/* Where the GOT and the stub area ended up (after placement). */
void xs_link_got(const struct xs_link *lk, uint64_t *addr, uint64_t *size);
void xs_link_stub_area(const struct xs_link *lk, uint64_t *addr, uint64_t *size);

#ifdef __cplusplus
}
#endif
#endif
