/*
 * Run with `xsplice run --place-far`: the loaded code sits beyond the
 * direct reach of libc (rel32 +-2 GiB, B/BL +-128 MiB), so every call into
 * libc goes through a stub/veneer, and libc
 * calls back into the far code (qsort's comparator). Prints "far" only if the
 * placement really was far. No direct use of libc's data objects: x86_64
 * PIE code reaches them with a plain PC32 (it expects a copy relocation),
 * which no stub can route.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int main(void)
{
	uintptr_t self = (uintptr_t)&main, libc = (uintptr_t)&printf;
	uintptr_t dist = self > libc ? self - libc : libc - self;
	int v[8] = { 5, 3, 9, 1, 7, 2, 8, 6 };
	qsort(v, 8, sizeof(v[0]), cmp);
	char buf[64];
	snprintf(buf, sizeof(buf), "%d %d %d %d", v[0], v[1], v[6], v[7]);
	puts(buf);
	printf("placement: %s\n", dist > ((uintptr_t)4 << 30) ? "far" : "near");
	return strcmp(buf, "1 2 8 9") != 0;
}
