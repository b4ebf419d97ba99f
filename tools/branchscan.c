/* SPDX-License-Identifier: MIT */
/*
 * The direct branches of an image, decoded with capstone: what `check`
 * needs to refuse a site that some jump lands inside of (the trampoline
 * would cut that instruction in half).
 */
#define _GNU_SOURCE
#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

#define XS_SHF_EXECINSTR_ 0x4ull
#define XS_SHT_NOBITS_ 8u

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_branch(const void *a, const void *b)
{
	const struct xs_branch *x = a, *y = b;
	if (x->target != y->target)
		return x->target < y->target ? -1 : 1;
	return x->from < y->from ? -1 : x->from > y->from;
}

static bool push(struct xs_branchscan *bs, size_t *cap, uint64_t target, uint64_t from)
{
	if (bs->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4096;
		struct xs_branch *v = realloc(bs->v, nc * sizeof(*v));
		if (!v)
			return false;
		bs->v = v;
		*cap = nc;
	}
	bs->v[bs->n++] = (struct xs_branch){target, from};
	return true;
}

/* The target of a direct branch, if insn is one. */
static bool direct_target(uint16_t machine, const cs_insn *insn, uint64_t *target)
{
	const cs_detail *dt = insn->detail;
	if (!dt)
		return false;
	if (machine == 62) {
		bool br = false;
		for (uint8_t g = 0; g < dt->groups_count; g++)
			br |= dt->groups[g] == CS_GRP_JUMP || dt->groups[g] == CS_GRP_CALL;
		if (!br || dt->x86.op_count != 1 || dt->x86.operands[0].type != X86_OP_IMM)
			return false;
		*target = (uint64_t)dt->x86.operands[0].imm;
		return true;
	}
	switch (insn->id) {
	case ARM64_INS_B: /* also b.cond */
	case ARM64_INS_BL:
	case ARM64_INS_CBZ:
	case ARM64_INS_CBNZ:
	case ARM64_INS_TBZ:
	case ARM64_INS_TBNZ:
		break;
	default:
		return false;
	}
	/* the label is the last immediate (tbz x0, #bit, label) */
	for (int k = dt->arm64.op_count - 1; k >= 0; k--)
		if (dt->arm64.operands[k].type == ARM64_OP_IMM) {
			*target = (uint64_t)dt->arm64.operands[k].imm;
			return true;
		}
	return false;
}

bool xs_branchscan_image(const struct xs_tool_image *im, struct xs_branchscan *bs, char *err,
			 size_t errsize)
{
	csh h;
	cs_insn *insn = NULL;
	uint64_t *starts = NULL;
	size_t cap = 0;
	bool ok = false;
	memset(bs, 0, sizeof(*bs));
	cs_err ce = im->machine == 62 ? cs_open(CS_ARCH_X86, CS_MODE_64, &h)
				      : cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &h);
	if (ce != CS_ERR_OK) {
		snprintf(err, errsize, "capstone: %s", cs_strerror(ce));
		return false;
	}
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	insn = cs_malloc(h);
	starts = malloc(((size_t)im->nsites + 1) * sizeof(*starts));
	if (!insn || !starts) {
		snprintf(err, errsize, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < im->nsites; i++)
		starts[i] = im->sites[i].addr;
	if (im->nsites)
		qsort(starts, im->nsites, sizeof(*starts), cmp_u64);
	unsigned step = im->machine == 62 ? 1 : 4;

	for (uint32_t si = 1; si < im->nsecs; si++) {
		const struct xs_image_section *sec = &im->secs[si];
		if (!(sec->flags & XS_SHF_EXECINSTR_) || sec->type == XS_SHT_NOBITS_ ||
		    !sec->data || !sec->size)
			continue;
		uint64_t end = sec->addr + sec->size;
		/* the first function start after the section's start */
		size_t k = 0, lo = 0, hi = im->nsites;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (starts[mid] <= sec->addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		k = lo;
		uint64_t seg = sec->addr;
		while (seg < end) {
			uint64_t seg_end = k < im->nsites && starts[k] < end ? starts[k] : end;
			const uint8_t *code = sec->data + (seg - sec->addr);
			size_t len = (size_t)(seg_end - seg);
			uint64_t addr = seg;
			while (len > 0) {
				const uint8_t *c = code;
				size_t l = len;
				uint64_t a = addr;
				if (!cs_disasm_iter(h, &c, &l, &a, insn)) {
					size_t skip = len < step ? len : step;
					code += skip;
					len -= skip;
					addr += skip;
					continue;
				}
				bs->insns++;
				uint64_t t;
				if (direct_target(im->machine, insn, &t) &&
				    !push(bs, &cap, t, insn->address)) {
					snprintf(err, errsize, "out of memory");
					goto out;
				}
				code = c;
				len = l;
				addr = a;
			}
			seg = seg_end;
			while (k < im->nsites && starts[k] <= seg)
				k++;
		}
	}
	if (bs->n)
		qsort(bs->v, bs->n, sizeof(*bs->v), cmp_branch);
	ok = true;
out:
	if (insn)
		cs_free(insn, 1);
	cs_close(&h);
	free(starts);
	if (!ok)
		xs_branchscan_free(bs);
	return ok;
}

void xs_branchscan_free(struct xs_branchscan *bs)
{
	free(bs->v);
	memset(bs, 0, sizeof(*bs));
}

size_t xs_branchscan_find(const struct xs_branchscan *bs, uint64_t lo, uint64_t hi, size_t *first)
{
	size_t a = 0, b = bs->n;
	while (a < b) { /* first target > lo */
		size_t mid = a + (b - a) / 2;
		if (bs->v[mid].target <= lo)
			a = mid + 1;
		else
			b = mid;
	}
	*first = a;
	size_t n = 0;
	while (a + n < bs->n && bs->v[a + n].target < hi)
		n++;
	return n;
}
