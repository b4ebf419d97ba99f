/* SPDX-License-Identifier: MIT */
/*
 * The four functions the core needs from a C library (`nm -u` of the core
 * shows exactly these) and the compiler may call for struct copies. Plain
 * byte loops: the image is built with -mstrict-align, and the compiler must
 * not turn these loops back into calls to themselves.
 */
#include <stddef.h>
#include <stdint.h>

#define XS_BM_NO_BUILTIN __attribute__((optimize("no-tree-loop-distribute-patterns")))

XS_BM_NO_BUILTIN void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if ((((uintptr_t)d | (uintptr_t)s | n) & 7) == 0) {
		uint64_t *d8 = dst;
		const uint64_t *s8 = src;
		for (size_t i = 0; i < n / 8; i++)
			d8[i] = s8[i];
		return dst;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

XS_BM_NO_BUILTIN void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n) {
		while (n--)
			*d++ = *s++;
	} else {
		d += n;
		s += n;
		while (n--)
			*--d = *--s;
	}
	return dst;
}

XS_BM_NO_BUILTIN void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	if (c == 0 && (((uintptr_t)d | n) & 7) == 0) {
		uint64_t *d8 = dst;
		for (size_t i = 0; i < n / 8; i++)
			d8[i] = 0;
		return dst;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

XS_BM_NO_BUILTIN int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}
