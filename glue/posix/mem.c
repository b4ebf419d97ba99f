/* SPDX-License-Identifier: MIT */
/*
 * Region memory near the shared libraries. Loaded objects mostly call and
 * read libc/libm/libstdc++, so the regions should lie within rel32 reach
 * of them: then direct calls need no stub and PC32 data references work.
 * The kernel's top-down mmap puts an unhinted mapping just below the
 * lowest library, which is usually already near; we measure and only
 * search for a gap when it is not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* A little under 2 GiB, so that an addend or a stub at the far end still fits. */
#define XS_NEAR_SPAN 0x7ff00000ull

struct xs_lib_range {
	uint64_t lo, hi;
};

static int lib_range_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct xs_lib_range *r = arg;
	(void)size;
	/* The main program (empty name) is not what loaded objects link against. */
	if (!info->dlpi_name || !info->dlpi_name[0])
		return 0;
	for (unsigned i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		uint64_t lo = info->dlpi_addr + ph->p_vaddr;
		uint64_t hi = lo + ph->p_memsz;
		if (lo < r->lo)
			r->lo = lo;
		if (hi > r->hi)
			r->hi = hi;
	}
	return 0;
}

static bool lib_range(struct xs_lib_range *r)
{
	r->lo = UINT64_MAX;
	r->hi = 0;
	dl_iterate_phdr(lib_range_cb, r);
	return r->lo < r->hi;
}

static bool is_near(const struct xs_lib_range *lr, uint64_t a, uint64_t size)
{
	uint64_t lo = a < lr->lo ? a : lr->lo;
	uint64_t hi = a + size > lr->hi ? a + size : lr->hi;
	return hi - lo <= XS_NEAR_SPAN;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static uint64_t span_with(const struct xs_lib_range *lr, uint64_t a, uint64_t size)
{
	uint64_t lo = a < lr->lo ? a : lr->lo;
	uint64_t hi = a + size > lr->hi ? a + size : lr->hi;
	return hi - lo;
}

/* Of a candidate address in the gap [g0, g1), keep the one nearest lr. */
static void consider(const struct xs_lib_range *lr, uint64_t g0, uint64_t g1, uint64_t a,
		     uint64_t size, uint64_t page, uint64_t *best)
{
	if (a < g0 + page || a + size + page > g1 || a + size < a || !is_near(lr, a, size))
		return;
	if (!*best || span_with(lr, a, size) < span_with(lr, *best, size))
		*best = a;
}

/*
 * A free range of `size` bytes, from /proc/self/maps, that keeps lr and
 * itself within XS_NEAR_SPAN: the top or bottom end of some gap (a guard
 * page each side; a bottom placement leaves a little room for the gap's
 * lower neighbour, the brk heap for example, to grow). 0 if none.
 */
static uint64_t find_gap(const struct xs_lib_range *lr, uint64_t size, uint64_t page)
{
	if (lr->hi - lr->lo + size > XS_NEAR_SPAN)
		return 0;
	FILE *f = fopen("/proc/self/maps", "re");
	if (!f)
		return 0;
	uint64_t best = 0, prev_end = 1ull << 20; /* never near the null page */
	char line[512];
	unsigned long long s, e;
	while (fgets(line, sizeof(line), f)) {
		bool whole = strchr(line, '\n') != NULL;
		int n = sscanf(line, "%llx-%llx", &s, &e);
		/* skip the rest of a long line */
		char rest[256];
		while (!whole && fgets(rest, sizeof(rest), f))
			whole = strchr(rest, '\n') != NULL;
		if (n != 2 || e <= s)
			continue;
		if (s > prev_end && s - prev_end >= size + 2 * page) {
			uint64_t room = s - prev_end - size - 2 * page;
			uint64_t lift = room / 2 < (64ull << 20) ? room / 2 : (64ull << 20);
			consider(lr, prev_end, s, (s - size - page) & ~(page - 1), size, page, &best);
			consider(lr, prev_end, s, (prev_end + page + lift + page - 1) & ~(page - 1),
				 size, page, &best);
		}
		if (e > prev_end)
			prev_end = e;
	}
	fclose(f);
	return best;
}

xs_status xs_posix_mem_place(struct xs_link *lk, size_t extra, struct xs_posix_mem *m,
			     struct xs_diag *d)
{
	return xs_posix_mem_place_near(lk, extra, 0, 0, m, d);
}

static void populate(void *p, size_t n)
{
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
	static int unsupported;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t lo = align_up((uint64_t)(uintptr_t)p, page);
	uint64_t hi = ((uint64_t)(uintptr_t)p + n) & ~(page - 1);
	if (unsupported || hi <= lo)
		return;
	if (madvise((void *)(uintptr_t)lo, (size_t)(hi - lo), MADV_POPULATE_WRITE) != 0 &&
	    errno == EINVAL)
		unsupported = 1;
}

/*
 * Map map_size bytes exactly at `at` (never over an existing mapping) and,
 * if that is near lr, replace *map with it. An old kernel treats
 * MAP_FIXED_NOREPLACE as a hint: only what is really near is kept.
 */
static bool move_near(const struct xs_lib_range *lr, uint8_t **map, size_t map_size, uint64_t at)
{
	void *p = mmap((void *)(uintptr_t)at, map_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		return false;
	if (!is_near(lr, (uint64_t)(uintptr_t)p, map_size)) {
		munmap(p, map_size);
		return false;
	}
	munmap(*map, map_size);
	*map = p;
	return true;
}

xs_status xs_posix_mem_place_near(struct xs_link *lk, size_t extra, uint64_t lo, uint64_t hi,
				  struct xs_posix_mem *m, struct xs_diag *d)
{
	memset(m, 0, sizeof(*m));
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t maxalign = page, off[XS_REGION_COUNT + 1], cur = 0;
	for (int r = 0; r < XS_REGION_COUNT; r++) {
		uint64_t size, align;
		xs_link_region_need(lk, (enum xs_region)r, &size, &align);
		if (align == 0 || (align & (align - 1)))
			align = 1;
		if (align > (1ull << 30) || size > (1ull << 40))
			return xs_posix_fail(d, XS_E_NO_SPACE,
					     "region %d: size %#llx / alignment %#llx too large", r,
					     (unsigned long long)size, (unsigned long long)align);
		if (align > maxalign)
			maxalign = align;
		/* each region on its own pages so that it can be sealed alone */
		cur = align_up(cur, align > page ? align : page);
		off[r] = cur;
		m->size[r] = size;
		cur += size;
		m->span[r] = align_up(size, page);
	}
	off[XS_REGION_COUNT] = align_up(cur, 16);
	uint64_t total = align_up(off[XS_REGION_COUNT] + extra, page);
	if (total == 0)
		total = page;
	size_t map_size = (size_t)(total + maxalign - page);

	struct xs_lib_range lr = {lo, hi};
	bool have_libs = lo < hi ? true : lib_range(&lr);
	int prot = PROT_READ | PROT_WRITE, flags = MAP_PRIVATE | MAP_ANONYMOUS;
	uint8_t *map = mmap(NULL, map_size, prot, flags, -1, 0);
	if (map == MAP_FAILED)
		return xs_posix_fail(d, XS_E_HOST, "mmap of %zu bytes failed: %s", map_size,
				     strerror(errno));
	bool near = have_libs && is_near(&lr, (uint64_t)(uintptr_t)map, map_size);
	/* a caller-given range: try right at its start first; then a free gap nearby */
	if (have_libs && !near && lo < hi)
		near = move_near(&lr, &map, map_size, align_up(lo, page));
	if (have_libs && !near) {
		uint64_t gap = find_gap(&lr, map_size, page);
		if (gap)
			near = move_near(&lr, &map, map_size, gap);
	}
	m->map = map;
	m->map_size = map_size;
	m->near = near;

	uint64_t base = align_up((uint64_t)(uintptr_t)map, maxalign);
	uint8_t *wbase = map + (base - (uint64_t)(uintptr_t)map);
	/*
	 * The relocation pass writes the regions' pages: fault them in with one
	 * call per region (here, once the placement is final) instead of one
	 * page fault per 4 KiB during the copy. A region beyond 64 MiB (a large
	 * .bss) is left to fault on use, so that untouched zero pages cost no
	 * memory. Best effort: a kernel without MADV_POPULATE_WRITE (before
	 * 5.14) faults them in as before.
	 */
	for (int r = 0; r < XS_REGION_COUNT; r++)
		if (m->span[r] && m->span[r] <= ((uint64_t)64 << 20))
			populate(wbase + off[r], (size_t)m->span[r]);
	for (int r = 0; r < XS_REGION_COUNT; r++) {
		m->addr[r] = base + off[r];
		m->w[r] = wbase + off[r];
		xs_status s = xs_link_place_region(lk, (enum xs_region)r, m->addr[r], m->w[r], d);
		if (s != XS_OK) {
			xs_posix_mem_free(m);
			return s;
		}
	}
	m->extra_addr = base + off[XS_REGION_COUNT];
	m->extra_w = wbase + off[XS_REGION_COUNT];
	m->extra_size = extra;
	return XS_OK;
}

xs_status xs_posix_mem_seal(struct xs_posix_mem *m, struct xs_diag *d)
{
	static const int prot[XS_REGION_COUNT] = {
		[XS_REGION_TEXT] = PROT_READ | PROT_EXEC,
		[XS_REGION_RODATA] = PROT_READ,
		[XS_REGION_DATA] = PROT_READ | PROT_WRITE,
	};
	if (!m->map || m->sealed)
		return xs_posix_fail(d, XS_E_STATE, "regions not mapped or already sealed");
	/* text is written only through w[]; make the new code visible before it may run */
	if (m->size[XS_REGION_TEXT])
		__builtin___clear_cache((char *)m->w[XS_REGION_TEXT],
					(char *)m->w[XS_REGION_TEXT] + m->size[XS_REGION_TEXT]);
	for (int r = 0; r < XS_REGION_COUNT; r++) {
		if (m->span[r] == 0 || r == XS_REGION_DATA)
			continue;
		if (mprotect((void *)(uintptr_t)m->addr[r], m->span[r], prot[r]) != 0)
			return xs_posix_fail(d, XS_E_HOST, "mprotect of region %d failed: %s", r,
					     strerror(errno));
	}
	m->sealed = true;
	return XS_OK;
}

void xs_posix_mem_free(struct xs_posix_mem *m)
{
	if (m->map)
		munmap(m->map, m->map_size);
	memset(m, 0, sizeof(*m));
}
