/* SPDX-License-Identifier: MIT */
/* Shared by patch.c and patch_apply.c (internal). */
#ifndef XS_PATCH_INT_H
#define XS_PATCH_INT_H

#include <stdarg.h>

#include <xsplice/patch.h>

/* Fill d with status s and a formatted message; returns s. */
xs_status xs_patch_fail(struct xs_diag *d, xs_status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Host memory: allocate kind into p->mem_*; free everything p holds. */
xs_status xs_patch_mem_alloc(struct xs_patch_mgr *m, struct xs_patch *p, enum xs_host_mem kind,
			     uint64_t size, uint64_t align, uint8_t **w, struct xs_diag *d);
void xs_patch_mem_free_all(struct xs_patch_mgr *m, struct xs_patch *p);

/* Run with everything held: no thread inside ranges[0..n) of payload p. */
xs_status xs_patch_check_ranges(struct xs_patch_mgr *m, const struct xs_patch *p,
				const struct xs_host_range *ranges, uint32_t n, bool funcs,
				struct xs_diag *d);

/* Call the hooks of kind h of p (action and pre hooks return their int). */
int xs_patch_call_hook(const struct xs_patch *p, enum xs_lp_hook h);

#endif
