/* SPDX-License-Identifier: MIT */
/* Patch-site analysis: every function of an image, its patch point and its room. */
#include <xsplice/symtab.h>
#include <xsplice/tramp.h>

#include "xs_elf.h"
#include "tramp_int.h"
#include "util.h"

uint64_t xs_site_filler(uint16_t machine, const uint8_t *code, uint64_t len)
{
	uint64_t n = 0;
	if (!code)
		return 0;
	while (n < len) {
		unsigned k = machine == XS_EM_X86_64	  ? xs_x86_64_filler_len(code + n, len - n)
			     : machine == XS_EM_AARCH64 ? xs_aarch64_filler_len(code + n, len - n)
							 : 0;
		if (!k)
			break;
		n += k;
	}
	return n;
}

static bool qualifies(const struct xs_sym *s, uint32_t nsecs)
{
	return s->type == XS_STT_FUNC && s->size > 0 && (s->flags & XS_SYM_EXEC) &&
	       !(s->flags & (XS_SYM_DEAD | XS_SYM_PAYLOAD)) && s->shndx < nsecs;
}

/* Prefer the largest size, then a global name, then the first in table order. */
static bool better(const struct xs_sym *a, uint32_t ia, const struct xs_sym *b, uint32_t ib)
{
	if (a->size != b->size)
		return a->size > b->size;
	bool ga = a->bind != XS_STB_LOCAL, gb = b->bind != XS_STB_LOCAL;
	if (ga != gb)
		return ga;
	return ia < ib;
}

static void analyze_one(uint16_t machine, const struct xs_symtab *t,
			const struct xs_image_section *sec, struct xs_site *s)
{
	uint64_t end = s->addr + s->size;
	uint64_t sec_end = sec->addr + sec->size;
	const uint8_t *data = sec->data;
	bool inside = data && s->addr >= sec->addr && s->addr < sec_end;

	enum xs_entry e = XS_ENTRY_NONE;
	if (inside)
		e = xs_tramp_entry(machine, data + (s->addr - sec->addr), sec_end - s->addr);
	if (xs_tramp_entry_size(e) > s->size)
		e = XS_ENTRY_NONE; /* a 4-byte landing pad must belong to the function */
	s->entry = (uint8_t)e;
	s->patch_point = s->addr + xs_tramp_entry_size(e);

	s->padding = 0;
	if (inside && end >= sec->addr && end < sec_end) {
		uint64_t limit = sec_end;
		uint32_t k;
		if (xs_symtab_next_at_or_after(t, end, &k) == XS_OK) {
			uint64_t v = xs_symtab_get(t, k)->value;
			if (v < limit)
				limit = v;
		}
		s->padding = xs_site_filler(machine, data + (end - sec->addr), limit - end);
	}
	s->room = end + s->padding - s->patch_point;
}

xs_status xs_site_analyze(uint16_t machine, const struct xs_symtab *t,
			  const struct xs_image_section *secs, uint32_t nsecs, struct xs_site *out,
			  uint32_t max, uint32_t *count, struct xs_diag *d)
{
	if (!t || (!secs && nsecs) || !count)
		return XS_E_INVALID_ARG;
	if (machine != XS_EM_X86_64 && machine != XS_EM_AARCH64)
		return XS_E_BAD_MACHINE;
	uint32_t n = 0, na = xs_symtab_addr_count(t);
	for (uint32_t k = 0; k < na;) {
		uint32_t i = xs_symtab_by_addr(t, k);
		const struct xs_sym *s = xs_symtab_get(t, i);
		uint64_t addr = s->value;
		struct xs_site site;
		xs_memset(&site, 0, sizeof(site));
		uint32_t best = UINT32_MAX;
		/* every entry at this address: aliases form one function */
		for (; k < na; k++) {
			uint32_t j = xs_symtab_by_addr(t, k);
			const struct xs_sym *a = xs_symtab_get(t, j);
			if (a->value != addr)
				break;
			if (!qualifies(a, nsecs))
				continue;
			site.nalias++;
			if (best == UINT32_MAX || better(a, j, xs_symtab_get(t, best), best))
				best = j;
		}
		if (best == UINT32_MAX)
			continue;
		const struct xs_sym *b = xs_symtab_get(t, best);
		site.sym = best;
		site.addr = addr;
		site.size = b->size;
		analyze_one(machine, t, &secs[b->shndx], &site);
		if (out && n < max)
			out[n] = site;
		n++;
	}
	*count = n;
	if (out && n > max) {
		if (d) {
			xs_diag_clear(d);
			d->status = XS_E_NO_SPACE;
			d->value = n;
			d->max = max;
		}
		return XS_E_NO_SPACE;
	}
	return XS_OK;
}
