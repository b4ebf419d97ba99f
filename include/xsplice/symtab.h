/* SPDX-License-Identifier: MIT */
/*
 * Symbol tables of a host image (and of the payloads loaded into it), built
 * in memory the caller provides:
 *
 *   n = xs_symtab_size(max_syms, strbytes)   bytes of memory the table needs
 *   xs_symtab_init(t, mem, n, max_syms, strbytes)
 *   xs_symtab_add(...) / xs_symtab_add_elf(...)   entries, in symbol-table order
 *   xs_symtab_finish(t)                      name hash + address index
 *   xs_symtab_lookup / _addr / _export ...
 *
 * Names. A global is found by its name. A local (static) symbol is found by
 * `file#name`, file being the STT_FILE symbol that precedes it in the ELF
 * symbol table (the convention of Xen's own symbol table); the file part
 * matches the whole STT_FILE name or its trailing path components
 * ("sched/core.c#f" and "core.c#f" both match "common/sched/core.c"). A
 * plain name that several live symbols with different addresses carry is
 * XS_E_AMBIGUOUS_SYMBOL, never a silent first match; xs_symtab_candidates
 * lists them.
 *
 * Strings. Without XS_SYMTAB_COPY the table keeps the caller's name and file
 * pointers (for an ELF image: pointers into the image, which must then stay
 * mapped as long as the table is used); with it, they are copied into the
 * table's string area (strbytes of xs_symtab_size).
 *
 * Not thread safe; lookups are read-only and may run concurrently with each
 * other, not with add / export / unexport.
 */
#ifndef XSPLICE_SYMTAB_H
#define XSPLICE_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xsplice/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* xs_sym.flags */
enum xs_sym_flags {
	XS_SYM_EXEC = 1u << 0,    /* defined in an executable (SHF_EXECINSTR) section */
	XS_SYM_PAYLOAD = 1u << 1, /* exported by a payload (owner != 0) */
	XS_SYM_DEAD = 1u << 2,    /* removed by xs_symtab_unexport (internal) */
	XS_SYM_ABS = 1u << 3,     /* SHN_ABS: not relocated by the load bias */
};

struct xs_sym {
	const char *name;
	const char *file; /* preceding STT_FILE for locals, NULL for globals / none */
	uint64_t value;
	uint64_t size;
	uint32_t shndx; /* section index in the image (resolved SHN_XINDEX), or XS_SHN_* */
	uint32_t owner; /* 0: the host image; else the payload id given to export */
	uint8_t type;   /* STT_* */
	uint8_t bind;   /* STB_* */
	uint16_t flags; /* enum xs_sym_flags */
};

/* One slot of the name index: unique names only; duplicates chain through next[]. */
struct xs_symtab_slot {
	uint32_t hash;
	uint32_t first; /* symbol index + 1, 0 = empty */
	const char *name;
};

struct xs_symtab {
	/* All private: use the functions. */
	struct xs_sym *syms;
	uint32_t *next;     /* [max] next symbol with the same name + 1 */
	uint32_t *by_addr;  /* [max] symbol indices sorted by value */
	uint32_t *scratch;  /* [max] sort scratch */
	uint64_t *keys;     /* [2 * max] sort keys */
	struct xs_symtab_slot *slots;
	char *str;
	uint32_t nsyms, max, naddr, nslots_used;
	uint32_t slot_cap; /* power of two */
	size_t str_used, str_cap;
	uint64_t max_size; /* largest FUNC/OBJECT size: bounds the address scan */
	const char *last_file_src, *last_file_copy;
	bool finished;
};

/* xs_symtab_add / _add_elf / _export flags */
#define XS_SYMTAB_COPY 1u /* copy names (and file names) into the table */

/* xs_symtab_lookup / _candidates flags */
#define XS_LOOKUP_GLOBAL 1u /* only STB_GLOBAL / STB_WEAK / STB_GNU_UNIQUE symbols */
#define XS_LOOKUP_FUNC 2u   /* only STT_FUNC / STT_GNU_IFUNC symbols */

/* Bytes of memory a table of up to max_syms entries and strbytes of copied strings needs. */
size_t xs_symtab_size(uint32_t max_syms, size_t strbytes);

/* mem: 8-byte aligned, xs_symtab_size(max_syms, strbytes) bytes, owned by the caller. */
xs_status xs_symtab_init(struct xs_symtab *t, void *mem, size_t size, uint32_t max_syms,
			 size_t strbytes);

/*
 * Add one entry (before finish). SECTION and FILE symbols and symbols without
 * a name are kept out of the name index; SECTION and FILE symbols are also
 * kept out of the address index. index (may be NULL) receives its index.
 */
xs_status xs_symtab_add(struct xs_symtab *t, const struct xs_sym *s, uint32_t flags,
			uint32_t *index);

/* Build the name hash and the address index. O(n). */
xs_status xs_symtab_finish(struct xs_symtab *t);

uint32_t xs_symtab_count(const struct xs_symtab *t);
/* NULL if i is out of range. */
const struct xs_sym *xs_symtab_get(const struct xs_symtab *t, uint32_t i);

/*
 * Find name ("name" or "file#name"). XS_OK and *index; XS_E_NOT_FOUND; or
 * XS_E_AMBIGUOUS_SYMBOL with the candidates in d->msg. Candidates with the
 * same value (aliases, repeated entries) count as one.
 */
xs_status xs_symtab_lookup(const struct xs_symtab *t, const char *name, uint32_t flags,
			   uint32_t *index, struct xs_diag *d);

/* All live symbols name matches (as lookup would see them); returns the total, writes up to max. */
uint32_t xs_symtab_candidates(const struct xs_symtab *t, const char *name, uint32_t flags,
			      uint32_t *out, uint32_t max);

/* "file#name" for a local with a file, else "name". Returns the full length. */
size_t xs_symtab_format(const struct xs_symtab *t, uint32_t i, char *buf, size_t size);

/*
 * The nearest FUNC/OBJECT symbol with size > 0 that contains addr
 * (value <= addr < value + size). XS_E_NOT_FOUND if none does.
 */
xs_status xs_symtab_addr(const struct xs_symtab *t, uint64_t addr, uint32_t *index,
			 uint64_t *offset);

/*
 * The first symbol in address order with value >= addr (any type but
 * SECTION/FILE), or XS_E_NOT_FOUND. Used for the padding rule of site analysis.
 */
xs_status xs_symtab_next_at_or_after(const struct xs_symtab *t, uint64_t addr,
				     uint32_t *index);

/* i-th symbol in address order (i < xs_symtab_addr_count). */
uint32_t xs_symtab_addr_count(const struct xs_symtab *t);
uint32_t xs_symtab_by_addr(const struct xs_symtab *t, uint32_t i);

/*
 * After finish: add the global symbols a payload defines, under owner (> 0).
 * All or nothing: a name that a live global (of the host or of any payload)
 * or another entry of syms already has is XS_E_DUPLICATE_SYMBOL (d names
 * it) and nothing is added. Only what syms holds is added: the caller picks
 * the payload's globals (Xen leaves out the new functions named in
 * .livepatch.funcs, which replace a host symbol of the same name).
 */
xs_status xs_symtab_export(struct xs_symtab *t, uint32_t owner, const struct xs_sym *syms,
			   uint32_t n, uint32_t flags, struct xs_diag *d);

/*
 * Remove everything owner exported (payload unload). Entries stay in memory
 * as dead ones; their slots are reused only when owner was the last to
 * export (stack order, as payloads are normally unloaded).
 */
xs_status xs_symtab_unexport(struct xs_symtab *t, uint32_t owner);

/* ---- ELF images (ET_EXEC / ET_DYN, also ET_REL), read in memory ------------- */

/* A section of an image, decoded. data: NULL for NOBITS or when outside the file. */
struct xs_image_section {
	const char *name;
	uint32_t type;
	uint64_t flags;
	uint64_t addr;
	uint64_t size;
	const uint8_t *data;
};

/*
 * Check the ELF header and section table of image[0..size): ELF64, little
 * endian, section headers inside the file. machine (may be NULL) receives
 * e_machine, nsec the section count.
 */
xs_status xs_elf_image_check(const void *image, size_t size, uint16_t *machine,
			     uint32_t *nsec, struct xs_diag *d);

/* Section i (< nsec) of a checked image. */
xs_status xs_elf_image_section(const void *image, size_t size, uint32_t i,
			       struct xs_image_section *out);

/*
 * What xs_symtab_add_elf needs: the number of entries it will add and the
 * string bytes it copies under XS_SYMTAB_COPY. Uses .symtab, else .dynsym.
 */
xs_status xs_symtab_elf_need(const void *image, size_t size, uint32_t *nsyms,
			     size_t *strbytes, struct xs_diag *d);

/*
 * Add every defined symbol of the image's symbol table (not STT_FILE /
 * STT_SECTION; a local gets the preceding STT_FILE as its file), with bias
 * added to every value that is not SHN_ABS (the load bias of a PIE).
 */
xs_status xs_symtab_add_elf(struct xs_symtab *t, const void *image, size_t size,
			    uint64_t bias, uint32_t flags, struct xs_diag *d);

/*
 * The GNU build-id of an image: the descriptor of the first NT_GNU_BUILD_ID
 * note "GNU" in a SHT_NOTE section. *id points into the image.
 */
xs_status xs_elf_image_build_id(const void *image, size_t size, const uint8_t **id,
				size_t *len);

#ifdef __cplusplus
}
#endif
#endif
