/* SPDX-License-Identifier: MIT */
/*
 * A host image as the site tools see it: the file, its sections, its symbol
 * table (the core's, with file#name for statics), its build-id and the
 * patch sites of xs_site_analyze.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xsplice/symtab.h>
#include <xsplice/tramp.h>

#include "image.h"
#include "tool.h"

#define XS_SHF_EXECINSTR_ 0x4ull
#define XS_SHF_ALLOC_ 0x2ull

void xs_tool_image_free(struct xs_tool_image *im)
{
	free(im->sites);
	free(im->secs);
	free(im->tabmem);
	free(im->buf);
	memset(im, 0, sizeof(*im));
}

bool xs_tool_image_load(struct xs_tool_image *im, const char *path, uint16_t machine, char *err,
			size_t errsize)
{
	struct xs_diag d;
	xs_status s;
	char ferr[600];
	memset(im, 0, sizeof(*im));
	im->path = path;
	if (!xs_tool_read_file(path, &im->buf, &im->size, ferr, sizeof(ferr))) {
		snprintf(err, errsize, "%s", ferr);
		return false;
	}
	xs_diag_clear(&d);
	if ((s = xs_elf_image_check(im->buf, im->size, &im->machine, &im->nsecs, &d)) != XS_OK) {
		snprintf(err, errsize, "%s: %s", path, xs_tool_diag(&d, s));
		goto fail;
	}
	if (im->machine != 62 && im->machine != 183) {
		snprintf(err, errsize, "%s: machine %u is neither x86_64 nor aarch64", path,
			 im->machine);
		goto fail;
	}
	if (machine && machine != im->machine) {
		snprintf(err, errsize, "%s: is %s, not %s", path,
			 im->machine == 62 ? "x86_64" : "aarch64",
			 machine == 62 ? "x86_64" : "aarch64");
		goto fail;
	}
	im->secs = calloc(im->nsecs ? im->nsecs : 1, sizeof(*im->secs));
	if (!im->secs)
		goto oom;
	for (uint32_t i = 0; i < im->nsecs; i++)
		if ((s = xs_elf_image_section(im->buf, im->size, i, &im->secs[i])) != XS_OK) {
			snprintf(err, errsize, "%s: section %u: %s", path, i, xs_status_message(s));
			goto fail;
		}
	uint32_t nsyms;
	size_t strbytes;
	if ((s = xs_symtab_elf_need(im->buf, im->size, &nsyms, &strbytes, &d)) != XS_OK) {
		snprintf(err, errsize, "%s: %s", path, xs_tool_diag(&d, s));
		goto fail;
	}
	size_t msize = xs_symtab_size(nsyms, 0);
	if (!(im->tabmem = calloc(1, msize ? msize : 8)))
		goto oom;
	/* names stay pointers into im->buf, which lives as long as the table */
	if ((s = xs_symtab_init(&im->tab, im->tabmem, msize, nsyms, 0)) != XS_OK ||
	    (s = xs_symtab_add_elf(&im->tab, im->buf, im->size, 0, 0, &d)) != XS_OK ||
	    (s = xs_symtab_finish(&im->tab)) != XS_OK) {
		snprintf(err, errsize, "%s: symbol table: %s", path, xs_tool_diag(&d, s));
		goto fail;
	}
	uint32_t n = 0;
	if ((s = xs_site_analyze(im->machine, &im->tab, im->secs, im->nsecs, NULL, 0, &n, &d)) !=
	    XS_OK) {
		snprintf(err, errsize, "%s: site analysis: %s", path, xs_tool_diag(&d, s));
		goto fail;
	}
	if (!(im->sites = calloc(n ? n : 1, sizeof(*im->sites))))
		goto oom;
	if ((s = xs_site_analyze(im->machine, &im->tab, im->secs, im->nsecs, im->sites, n,
				 &im->nsites, &d)) != XS_OK) {
		snprintf(err, errsize, "%s: site analysis: %s", path, xs_tool_diag(&d, s));
		goto fail;
	}
	const uint8_t *id;
	size_t idlen;
	if (xs_elf_image_build_id(im->buf, im->size, &id, &idlen) == XS_OK) {
		im->build_id = id;
		im->build_id_len = idlen;
	}
	for (uint32_t i = 0; i < im->nsecs; i++) {
		const struct xs_image_section *sec = &im->secs[i];
		if ((sec->flags & XS_SHF_ALLOC_) && sec->addr + sec->size > im->end)
			im->end = sec->addr + sec->size;
	}
	return true;
oom:
	snprintf(err, errsize, "%s: out of memory", path);
fail:
	xs_tool_image_free(im);
	return false;
}

const uint8_t *xs_tool_image_bytes(const struct xs_tool_image *im, uint64_t addr, uint64_t *avail)
{
	for (uint32_t i = 1; i < im->nsecs; i++) {
		const struct xs_image_section *s = &im->secs[i];
		if (!s->data || !(s->flags & XS_SHF_ALLOC_) || addr < s->addr ||
		    addr - s->addr >= s->size)
			continue;
		*avail = s->size - (addr - s->addr);
		return s->data + (addr - s->addr);
	}
	*avail = 0;
	return NULL;
}

const struct xs_site *xs_tool_image_site(const struct xs_tool_image *im, uint64_t addr)
{
	uint32_t lo = 0, hi = im->nsites;
	while (lo < hi) { /* the last site with sites[k].addr <= addr */
		uint32_t mid = lo + (hi - lo) / 2;
		if (im->sites[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct xs_site *s = &im->sites[lo - 1];
	return addr - s->addr < s->size ? s : NULL;
}

void xs_tool_image_name(const struct xs_tool_image *im, uint32_t sym, char *buf, size_t size)
{
	xs_symtab_format(&im->tab, sym, buf, size);
}

void xs_tool_image_where(const struct xs_tool_image *im, uint64_t addr, char *buf, size_t size)
{
	uint32_t i;
	uint64_t off;
	char name[256];
	if (xs_symtab_addr(&im->tab, addr, &i, &off) != XS_OK) {
		snprintf(buf, size, "%#llx", (unsigned long long)addr);
		return;
	}
	xs_symtab_format(&im->tab, i, name, sizeof(name));
	snprintf(buf, size, "%#llx <%s+%#llx>", (unsigned long long)addr, name,
		 (unsigned long long)off);
}
