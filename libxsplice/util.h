/* SPDX-License-Identifier: MIT */
/* The few libc-like helpers the freestanding core needs. */
#ifndef XS_UTIL_H
#define XS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* The only libc symbols the core may reference (freestanding compilers emit them anyway). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#define xs_memcpy __builtin_memcpy
#define xs_memset __builtin_memset

size_t xs_strlen(const char *s);
size_t xs_strnlen(const char *s, size_t max);
int xs_strcmp(const char *a, const char *b);
int xs_strncmp(const char *a, const char *b, size_t n);
int xs_starts_with(const char *s, const char *prefix);
/* Copy with truncation; always NUL-terminates when size > 0. */
void xs_strlcpy(char *dst, const char *src, size_t size);
uint32_t xs_hash_str(const char *s); /* FNV-1a */

/*
 * snprintf subset: %s %c %d %i %u %x %lx %llx %ld %lld %lu %llu %zu %p, with
 * '#', '0' and a width; %% literal. Always NUL-terminates; returns the length written.
 */
size_t xs_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
size_t xs_vfmt(char *buf, size_t size, const char *fmt, va_list ap);

/*
 * Little-endian units of 1..8 bytes. The common 4- and 8-byte units of a
 * little-endian host are one (unaligned-safe) memcpy: the relocation loop
 * stores one per relocation.
 */
static inline uint64_t xs_load_le(const uint8_t *p, unsigned n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n == 4) {
		uint32_t u;
		xs_memcpy(&u, p, 4);
		return u;
	}
	if (n == 8) {
		uint64_t u;
		xs_memcpy(&u, p, 8);
		return u;
	}
#endif
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline void xs_store_le(uint8_t *p, uint64_t v, unsigned n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n == 4) {
		uint32_t u = (uint32_t)v;
		xs_memcpy(p, &u, 4);
		return;
	}
	if (n == 8) {
		xs_memcpy(p, &v, 8);
		return;
	}
#endif
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t xs_load32(const uint8_t *p) { return (uint32_t)xs_load_le(p, 4); }
static inline void xs_store32(uint8_t *p, uint32_t v) { xs_store_le(p, v, 4); }

#endif
