/* SPDX-License-Identifier: MIT */
/* A host image for the site tools (check-sites, check, bind): image.c, branchscan.c. */
#ifndef XS_TOOL_IMAGE_H
#define XS_TOOL_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xsplice/symtab.h>
#include <xsplice/tramp.h>

struct xs_tool_image {
	const char *path;
	uint8_t *buf; /* the whole file; the symbol table points into it */
	size_t size;
	uint16_t machine;
	uint32_t nsecs;
	struct xs_image_section *secs;
	struct xs_symtab tab;
	void *tabmem;
	struct xs_site *sites; /* address order */
	uint32_t nsites;
	const uint8_t *build_id; /* NULL when the image has none */
	size_t build_id_len;
	uint64_t end; /* end of the highest allocated section */
};

/* machine: required e_machine, or 0 for any. err gets "PATH: why". */
bool xs_tool_image_load(struct xs_tool_image *im, const char *path, uint16_t machine, char *err,
			size_t errsize);
void xs_tool_image_free(struct xs_tool_image *im);

/* The image's bytes at addr (in an allocated section with file data), *avail of them. */
const uint8_t *xs_tool_image_bytes(const struct xs_tool_image *im, uint64_t addr, uint64_t *avail);
/* The site (function) whose [addr, addr + size) holds addr, or NULL. */
const struct xs_site *xs_tool_image_site(const struct xs_tool_image *im, uint64_t addr);
/* "file#name" / "name" of symbol sym. */
void xs_tool_image_name(const struct xs_tool_image *im, uint32_t sym, char *buf, size_t size);
/* "0xADDR <name+0xoff>" for diagnostics. */
void xs_tool_image_where(const struct xs_tool_image *im, uint64_t addr, char *buf, size_t size);

/* ---- branchscan.c: direct branches of the image (capstone) ---------------- */

struct xs_branch {
	uint64_t target;
	uint64_t from; /* address of the branch instruction */
};

struct xs_branchscan {
	struct xs_branch *v; /* sorted by target */
	size_t n;
	uint64_t insns; /* instructions decoded */
};

/*
 * Every direct jump / call / conditional branch in the executable sections
 * of the image. Decoding restarts at every function start, so data or
 * padding between functions cannot desynchronise the next function.
 */
bool xs_branchscan_image(const struct xs_tool_image *im, struct xs_branchscan *bs, char *err,
			 size_t errsize);
void xs_branchscan_free(struct xs_branchscan *bs);
/* Branches with lo < target < hi: the index of the first, and how many. */
size_t xs_branchscan_find(const struct xs_branchscan *bs, uint64_t lo, uint64_t hi, size_t *first);

#endif
