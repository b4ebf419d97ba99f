/* SPDX-License-Identifier: MIT */
/* The pre-flight check of a payload against an image (cmd_check.c), shared with `bind`. */
#ifndef XS_TOOL_CHECK_H
#define XS_TOOL_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xsplice/livepatch.h>
#include <xsplice/object.h>
#include <xsplice/tramp.h>

#include "image.h"

/* Why a payload is refused; bind repairs the first three kinds. */
enum xs_check_kind {
	XS_CK_NO_XEN_DEPENDS, /* .livepatch.xen_depends absent */
	XS_CK_NO_DEPENDS,     /* .livepatch.depends absent */
	XS_CK_OLD_SIZE_ZERO,  /* old_size 0: unknown at compile time */
	XS_CK_BUILD_ID,	      /* a build-id that does not match */
	XS_CK_MISSING_SYMBOL, /* old function not in the image */
	XS_CK_AMBIGUOUS,      /* old function name matches several */
	XS_CK_NOT_FUNCTION,   /* old address outside every function */
	XS_CK_SITE_TOO_SMALL, /* room below the jump */
	XS_CK_OLD_SIZE,	      /* declared old_size outside the site or below the jump */
	XS_CK_EXPECT,	      /* expected bytes differ */
	XS_CK_BRANCH,	      /* a branch lands inside the overwritten bytes */
	XS_CK_REACH,	      /* the jump cannot reach */
	XS_CK_UNDEFINED,      /* an undefined symbol nothing defines */
	XS_CK_OTHER,
};

struct xs_check_reason {
	enum xs_check_kind kind;
	char msg[512];
};

struct xs_check_func {
	struct xs_lp_func f;
	char name[256]; /* the old function as written, or its address */
	bool resolved;	/* old_addr and site known */
	uint64_t old_addr;
	const struct xs_site *site;
	uint64_t avail; /* bytes from old_addr to the end of function + padding */
	uint64_t fsize; /* bytes from old_addr to the function's end */
	unsigned entry; /* entry instruction size kept at old_addr */
	uint64_t room;	/* avail - entry */
	bool new_known;
	uint64_t new_addr;     /* at the load address */
	uint64_t new_sym_size; /* size of the new function's symbol, 0 if unknown */
	bool planned;
	struct xs_tramp_plan plan;
	unsigned need; /* bytes written at the patch point (planned or minimum) */
	bool ok;
};

struct xs_check_payload {
	const char *path;
	uint8_t *buf;
	size_t size;
	struct xs_object obj;
	struct xs_payload pl;
};

struct xs_check {
	/* inputs */
	const char *image_path;
	const char **after_paths;
	size_t nafter;
	bool have_at;
	uint64_t at;
	/* loaded */
	struct xs_tool_image im;
	struct xs_check_payload p;
	struct xs_check_payload *after;
	struct xs_branchscan bs;
	uint64_t *sec_addr; /* payload section addresses at the load address */
	/* results */
	struct xs_check_func *funcs;
	uint32_t nfuncs;
	uint32_t nundef, nundef_ok;
	struct xs_check_reason *reasons;
	size_t nreasons;
};

/* Load image, payload (path), --after payloads. false + err on an input that cannot be read. */
bool xs_check_load(struct xs_check *c, const char *payload, char *err, size_t errsize);
/* Run every check; reasons accumulate in c->reasons. false only on out-of-memory & co. */
bool xs_check_run(struct xs_check *c, char *err, size_t errsize);
/* The per-function table and the summary, to stdout. */
void xs_check_print(const struct xs_check *c);
void xs_check_free(struct xs_check *c);
/*
 * PAYLOAD --image IMAGE [--after P]... [--at ADDR] [-o OUT when out != NULL].
 * 0 when parsed, -1 after --help, else an exit status (usage error printed).
 */
int xs_check_parse_args(int argc, char **argv, struct xs_check *c, const char **payload,
			const char **out, const char *cmd, const char *help);

#endif
