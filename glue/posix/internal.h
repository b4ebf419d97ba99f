/* SPDX-License-Identifier: MIT */
/* Shared by the glue's files; not installed. */
#ifndef XS_POSIX_INTERNAL_H
#define XS_POSIX_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>

#include <xsplice/posix.h>

/* Fill d (if any) with status s and a formatted message; returns s. */
xs_status xs_posix_fail(struct xs_diag *d, xs_status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The __dso_handle of the live image whose text holds pc, NULL if none. */
void *xs_posix_dso_for_pc(const void *pc);

/* dlsym in libgcc_s.so.1 (opened on first use), NULL if unavailable. */
void *xs_posix_libgcc_sym(const char *name);
/* Is libgcc_s.so.1 in the process already (without opening it)? */
bool xs_posix_libgcc_loaded(void);
void *xs_posix_libstdcxx_sym(const char *name);
void *xs_posix_outline_atomic(const char *name); /* outline_atomics.c */

/* Run the image's destructors once (state INITED -> FINISHED). */
void xs_posix_run_fini(struct xs_posix_image *img);

#endif
