/* SPDX-License-Identifier: MIT */
/*
 * W^X for live text. The program's text is a private file mapping that we
 * never make writable. The first time a page is patched (inside the
 * rendezvous, everything else held) its bytes are copied into a memfd and
 * the memfd is mapped over it, MAP_SHARED | MAP_FIXED, read + execute: the
 * same bytes at the same address. Writes then go through a second,
 * read + write (never executable) mapping of the same memfd pages, made
 * for the write and dropped right after. No page is ever W+X.
 *
 * Everything here may run while other threads are held in a signal
 * handler, possibly inside malloc or stdio: only system calls and static
 * tables, no allocation, no locks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xsplice/cache.h>

#include "live_int.h"

#define XS_ALIAS_MAX_PAGES 4096

struct xs_alias_page {
	uint64_t addr; /* run address of the page */
	uint64_t off;  /* its offset in the memfd */
};

static int memfd = -1;
static uint64_t memfd_size, page_size;
static struct xs_alias_page pages[XS_ALIAS_MAX_PAGES];
static uint32_t npages;

bool xs_posix_alias_init(char *msg, size_t n)
{
	if (memfd >= 0)
		return true;
	page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	memfd = memfd_create("xsplice-text", MFD_CLOEXEC);
	if (memfd < 0) {
		snprintf(msg, n, "memfd_create: errno %d", errno);
		return false;
	}
	return true;
}

uint32_t xs_posix_alias_pages(void)
{
	return npages;
}

static int find(uint64_t page)
{
	for (uint32_t i = 0; i < npages; i++)
		if (pages[i].addr == page)
			return (int)i;
	return -1;
}

/* Move the text page at `page` onto the memfd, contents unchanged. */
static int convert(uint64_t page, char *msg, size_t n)
{
	if (npages == XS_ALIAS_MAX_PAGES) {
		snprintf(msg, n, "more than %d text pages patched", XS_ALIAS_MAX_PAGES);
		return -1;
	}
	uint64_t off = memfd_size;
	if (ftruncate(memfd, (off_t)(off + page_size)) != 0) {
		snprintf(msg, n, "ftruncate of the text memfd: errno %d", errno);
		return -1;
	}
	/* the kernel reads the live page; it is readable, never written here */
	ssize_t w = pwrite(memfd, (const void *)(uintptr_t)page, page_size, (off_t)off);
	if (w != (ssize_t)page_size) {
		snprintf(msg, n, "copying text page %#llx: errno %d", (unsigned long long)page,
			 w < 0 ? errno : 0);
		return -1;
	}
	void *p = mmap((void *)(uintptr_t)page, page_size, PROT_READ | PROT_EXEC,
		       MAP_SHARED | MAP_FIXED, memfd, (off_t)off);
	if (p == MAP_FAILED) {
		snprintf(msg, n, "remapping text page %#llx: errno %d", (unsigned long long)page,
			 errno);
		return -1;
	}
	memfd_size = off + page_size;
	pages[npages].addr = page;
	pages[npages].off = off;
	return (int)npages++;
}

xs_status xs_posix_alias_map(void *ctx, uint64_t addr, size_t len, uint8_t **w, char *msg,
			     size_t n)
{
	(void)ctx;
	if (memfd < 0 || !len) {
		snprintf(msg, n, "alias not initialized");
		return XS_E_STATE;
	}
	uint64_t first = addr & ~(page_size - 1);
	uint64_t last = (addr + len - 1) & ~(page_size - 1);
	size_t count = (size_t)((last - first) / page_size + 1);
	int idx[4];
	if (count > 4) {
		snprintf(msg, n, "a site spans more than 4 pages");
		return XS_E_INVALID_ARG;
	}
	for (size_t i = 0; i < count; i++) {
		uint64_t pg = first + i * page_size;
		idx[i] = find(pg);
		if (idx[i] < 0 && (idx[i] = convert(pg, msg, n)) < 0)
			return XS_E_HOST;
	}
	/*
	 * Inside the pause: one page (nearly every site) is one mmap, populated
	 * so that the write takes no page fault; more need a reservation first.
	 */
	uint8_t *base;
	if (count == 1)
		base = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, memfd,
			    (off_t)pages[idx[0]].off);
	else
		base = mmap(NULL, count * page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		snprintf(msg, n, "reserving the alias: errno %d", errno);
		return XS_E_HOST;
	}
	for (size_t i = 0; i < count && count > 1; i++) {
		void *p = mmap(base + i * page_size, page_size, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_FIXED, memfd, (off_t)pages[idx[i]].off);
		if (p == MAP_FAILED) {
			snprintf(msg, n, "mapping the alias: errno %d", errno);
			munmap(base, count * page_size);
			return XS_E_HOST;
		}
	}
	*w = base + (addr - first);
	xs_posix_wx_audit(); /* the moment a writable alias of text exists */
	return XS_OK;
}

void xs_posix_alias_unmap(void *ctx, uint64_t addr, size_t len, uint8_t *w)
{
	(void)ctx;
	uint64_t first = addr & ~(page_size - 1);
	uint64_t last = (addr + len - 1) & ~(page_size - 1);
	munmap(w - (addr - first), (size_t)(last - first + page_size));
}

void xs_posix_alias_sync(void *ctx, uint64_t addr, size_t len)
{
	(void)ctx;
	xs_cache_sync((void *)(uintptr_t)addr, len);
#if defined(__aarch64__)
	/*
	 * qemu-user only notices code changes made through the executing
	 * address; re-mapping the (already updated) memfd page at the same
	 * place makes it drop its translations. Natively it is a no-op in
	 * effect: same page, same bytes.
	 */
	uint64_t first = addr & ~(page_size - 1);
	uint64_t last = (addr + len - 1) & ~(page_size - 1);
	for (uint64_t pg = first; pg <= last; pg += page_size) {
		int i = find(pg);
		if (i >= 0)
			mmap((void *)(uintptr_t)pg, page_size, PROT_READ | PROT_EXEC,
			     MAP_SHARED | MAP_FIXED, memfd, (off_t)pages[i].off);
	}
#endif
}
