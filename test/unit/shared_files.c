/* SPDX-License-Identifier: MIT */
#include "shared_files.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

const char *xs_test_shared_dir(void)
{
	static char dir[4096];
	if (dir[0])
		return dir;
	const char *env = getenv("XS_SHARED");
	if (env && *env) {
		snprintf(dir, sizeof(dir), "%s", env);
		return dir;
	}
	/* <src>/test/unit/shared_files.c -> <src>/../shared */
	char src[2048];
	snprintf(src, sizeof(src), "%s", __FILE__);
	char *p = strstr(src, "test/unit/");
	if (p)
		*p = 0;
	snprintf(dir, sizeof(dir), "%s%s../shared", src, src[0] ? "" : "./");
	return dir;
}

uint8_t *xs_test_slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (set XS_SHARED to the shared directory)", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	assert_true(n >= 0);
	uint8_t *b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return b;
}
