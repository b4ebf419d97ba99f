/* SPDX-License-Identifier: MIT */
/*
 * The fuzz scheme (docs/fuzzing.md): every target is one body,
 *
 *     int xs_fuzz_one(const uint8_t *data, size_t size);
 *
 * in fuzz/targets/<name>.c, linked three ways: libFuzzer
 * (driver_libfuzzer.c), AFL++ persistent mode (driver_afl.c) and a plain
 * replay main (driver_replay.c). A body returns 0; a finding aborts (a
 * sanitizer report, or XS_FUZZ_CHECK), which every driver reports as a crash.
 *
 * Hosted code: the harness may use libc; the core under test may not.
 */
#ifndef XS_FUZZ_H
#define XS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int xs_fuzz_one(const uint8_t *data, size_t size);

/* A finding: print why and abort, so every driver sees a crash. */
#define XS_FUZZ_CHECK(cond, ...)                                                                   \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "xs_fuzz: %s:%d: check failed: %s\n  ", __FILE__, __LINE__, \
				#cond);                                                            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Input consumed front to back; reads past the end yield zeros. */
struct xs_fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint64_t xs_fuzz_take(struct xs_fuzz_in *in, unsigned nbytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < nbytes; i++) {
		uint64_t b = 0;
		if (in->left) {
			b = *in->p++;
			in->left--;
		}
		v |= b << (8 * i);
	}
	return v;
}

/* splitmix64: a deterministic stream of "random" values from a seed. */
static inline uint64_t xs_fuzz_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static inline uint64_t xs_fuzz_next(uint64_t *state)
{
	*state += 0x9e3779b97f4a7c15ull;
	return xs_fuzz_mix(*state);
}

/* FNV-1a over bytes, 64-bit. */
static inline uint64_t xs_fuzz_hash(const void *p, size_t n, uint64_t seed)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull ^ seed;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* Link target body shared by link_x86_64 and link_aarch64 (common/sandbox.c). */
int xs_fuzz_link(const uint8_t *data, size_t size, uint16_t machine);

/* Upper bounds that keep one execution fast and small (never a finding). */
#define XS_FUZZ_MAX_REGION (16u << 20)   /* bytes per region / pinned section */
#define XS_FUZZ_MAX_WORKSPACE (64u << 20) /* link workspace */

#endif
