/* SPDX-License-Identifier: MIT */
/* For the live test programs (each one translation unit): a whole file. */
#ifndef XS_LIVE_SLURP_H
#define XS_LIVE_SLURP_H

#include <stdio.h>
#include <stdlib.h>

/* path's bytes, malloc'd, and their count in *size; NULL if unreadable. */
static inline void *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	void *p = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*size = n >= 0 ? (size_t)n : 0;
	return p;
}

#endif
