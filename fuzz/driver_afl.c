/* SPDX-License-Identifier: MIT */
/*
 * AFL++ persistent-mode driver (build with afl-clang-fast / afl-clang-lto).
 * The test case arrives in shared memory; each of up to 10000 iterations per
 * fork runs the body on it. Built with another compiler it reads one input
 * from stdin, so the binary still works for replay.
 */
#include <string.h>
#include <unistd.h> /* read(), used by __AFL_FUZZ_INIT */

#include "common/xs_fuzz.h"

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

int main(void)
{
#ifdef __AFL_FUZZ_TESTCASE_LEN
	__AFL_INIT();
	const unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(10000)) {
		size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
		/* An exact-size copy, so ASan sees a read one past the end. */
		uint8_t *copy = malloc(len ? len : 1);
		if (!copy)
			abort();
		memcpy(copy, buf, len);
		xs_fuzz_one(copy, len);
		free(copy);
	}
	return 0;
#else
	size_t cap = 1 << 16, len = 0;
	uint8_t *buf = malloc(cap);
	size_t n;
	if (!buf)
		abort();
	while ((n = fread(buf + len, 1, cap - len, stdin)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
	}
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		abort();
	memcpy(copy, buf, len);
	free(buf);
	xs_fuzz_one(copy, len);
	free(copy);
	return 0;
#endif
}
