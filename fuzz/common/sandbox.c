/* SPDX-License-Identifier: MIT */
/*
 * Body of the link targets (link_x86_64, link_aarch64): parse one object for
 * a fixed machine, then link it (once, or twice as two inputs to exercise
 * duplicate symbols and COMDAT discarding) into a sandbox host:
 *
 *   - every region and pinned section is its own exact-size heap buffer, so
 *     ASan sees any write outside what the linker was given;
 *   - addresses are chosen from a layout seed: near together, far apart,
 *     anywhere in 64 bits, in the kernel half, or at the top (wrap);
 *   - the resolver returns deterministic values derived from the name's
 *     hash: near the text, far, zero, the address of live memory, not found,
 *     or a host failure;
 *   - a "live" guard buffer the linker is never given a pointer to must be
 *     byte-identical afterwards, whatever the outcome; so must the input.
 *
 * The layout seed is the 32 bytes after a "XSLK" prefix when the input has
 * one (so the fuzzer can steer it), else a hash of the whole input (so plain
 * ELF files from the corpus work unchanged).
 */
#include <string.h>

#include <xsplice/link.h>
#include <xsplice/object.h>
#include <xsplice/status.h>

#include "xs_fuzz.h"

#define PREFIX "XSLK"
#define PREFIX_LEN 4
#define CONFIG_LEN 32
#define GUARD_SIZE 4096
#define MAX_PIN 64

static uint8_t guard[GUARD_SIZE], guard_ref[GUARD_SIZE];

static uint8_t guard_byte(size_t i)
{
	return (uint8_t)(i * 131u + 0x3d);
}

struct sandbox {
	uint64_t rng;
	uint64_t res_seed;
	unsigned res_mode;
	unsigned res_calls, res_fail_at;
	uint64_t text_addr, data_addr;
	uint8_t *region_w[XS_REGION_COUNT];
	uint64_t region_addr[XS_REGION_COUNT], region_size[XS_REGION_COUNT];
	struct {
		uint32_t obj, sec;
		uint8_t *w;
		uint64_t addr, size;
		bool placed;
	} pin[MAX_PIN];
	unsigned npin;
};

static uint64_t rand_addr(struct sandbox *sb, unsigned kind)
{
	uint64_t r = xs_fuzz_next(&sb->rng);
	switch (kind % 8) {
	case 0:
		return 0x400000 + (r & 0xfffffff);
	case 1:
		return 0x7f0000000000ull + (r & 0xffffffffffull);
	case 2:
		return 0xffffffff80000000ull + (r & 0x3fffffff);
	case 3:
		return r;
	case 4:
		return 0xffff800000000000ull + (r & 0x7fffffffffffull);
	case 5:
		return r & 0xffff;
	case 6:
		return UINT64_MAX - (r & 0xffffff);
	default:
		return 0x80000000ull - (r & 0xffffff); /* straddles the 2 GiB line */
	}
}

static uint64_t align_down(uint64_t v, uint64_t a)
{
	return a > 1 ? v & ~(a - 1) : v;
}

static xs_status resolve(void *ctx, const char *name, uint64_t *value)
{
	struct sandbox *sb = ctx;
	XS_FUZZ_CHECK(name != NULL, "resolver called with NULL name");
	sb->res_calls++;
	if (sb->res_fail_at && sb->res_calls == sb->res_fail_at)
		return XS_E_HOST;
	uint64_t h = xs_fuzz_mix(xs_fuzz_hash(name, strlen(name), sb->res_seed));
	uint64_t r = xs_fuzz_mix(h);
	unsigned pick = (unsigned)((h >> (sb->res_mode * 4)) % 16);
	if (pick == 0 && sb->res_mode != 0)
		pick = 1; /* undefined names only in one mode of four: let links finish */
	switch (pick) {
	case 0:
		return XS_E_NOT_FOUND;
	case 1:
	case 2:
	case 3:
	case 4:
	case 5:
	case 6:
		/* Within +-8 MiB of the text: rel32 / 26-bit branches reach. */
		*value = sb->text_addr + (r & 0xffffff) - 0x800000;
		return XS_OK;
	case 7:
	case 8:
	case 9:
	case 10:
		*value = rand_addr(sb, (unsigned)(r >> 60));
		return XS_OK;
	case 11:
		*value = 0;
		return XS_OK;
	case 12:
		/* Live memory: the linker may store its address, never write there. */
		*value = (uint64_t)(uintptr_t)(guard + (r % GUARD_SIZE));
		return XS_OK;
	case 13:
		*value = sb->data_addr + (r & 0xffff);
		return XS_OK;
	case 14:
		*value = sb->text_addr + 0x80000000ull - (r & 0xff); /* the rel32 edge */
		return XS_OK;
	default:
		*value = r;
		return XS_OK;
	}
}

static void check_diag(const struct xs_diag *d, xs_status st)
{
	XS_FUZZ_CHECK(st > XS_OK && st < XS_STATUS_COUNT, "status %d out of range", (int)st);
	XS_FUZZ_CHECK(d->status == st, "returned %s, diagnostic says %s", xs_status_name(st),
		      xs_status_name(d->status));
	XS_FUZZ_CHECK(d->msg[0] != 0, "%s without a message", xs_status_name(st));
	XS_FUZZ_CHECK(memchr(d->msg, 0, sizeof(d->msg)) != NULL, "diag msg not terminated");
	XS_FUZZ_CHECK(memchr(d->section_name, 0, sizeof(d->section_name)) != NULL,
		      "diag section_name not terminated");
	XS_FUZZ_CHECK(memchr(d->symbol_name, 0, sizeof(d->symbol_name)) != NULL,
		      "diag symbol_name not terminated");
	XS_FUZZ_CHECK(memchr(d->reloc_name, 0, sizeof(d->reloc_name)) != NULL,
		      "diag reloc_name not terminated");
}

/* After a successful link: every placed piece lies inside what was given. */
static void check_layout(const struct xs_link *lk, const struct xs_object *objs, uint32_t nobj,
			 const struct sandbox *sb)
{
	for (uint32_t i = 0; i < nobj; i++) {
		uint32_t n = xs_object_section_count(&objs[i]);
		for (uint32_t sec = 1; sec < n; sec++) {
			int r = xs_link_section_region(lk, i, sec);
			if (r < 0)
				continue;
			XS_FUZZ_CHECK(r < XS_REGION_COUNT, "region %d", r);
			struct xs_section s;
			xs_object_section(&objs[i], sec, &s);
			uint64_t a = xs_link_section_addr(lk, i, sec);
			uint64_t lo = sb->region_addr[r], sz = sb->region_size[r];
			XS_FUZZ_CHECK(a >= lo && a - lo <= sz && s.size <= sz - (a - lo),
				      "section %u [%#llx,+%#llx) outside region %d [%#llx,+%#llx)", sec,
				      (unsigned long long)a, (unsigned long long)s.size, r,
				      (unsigned long long)lo, (unsigned long long)sz);
			if (s.align > 1)
				XS_FUZZ_CHECK((a & (s.align - 1)) == 0,
					      "section %u at %#llx not aligned to %#llx", sec,
					      (unsigned long long)a, (unsigned long long)s.align);
			XS_FUZZ_CHECK(!xs_link_section_discarded(lk, i, sec),
				      "section %u both placed and discarded", sec);
		}
	}
	uint64_t addr, size;
	xs_link_got(lk, &addr, &size);
	if (size) {
		uint64_t lo = sb->region_addr[XS_REGION_RODATA], sz = sb->region_size[XS_REGION_RODATA];
		XS_FUZZ_CHECK(addr >= lo && addr - lo <= sz && size <= sz - (addr - lo),
			      "GOT outside the rodata region");
	}
	xs_link_stub_area(lk, &addr, &size);
	if (size) {
		uint64_t lo = sb->region_addr[XS_REGION_TEXT], sz = sb->region_size[XS_REGION_TEXT];
		XS_FUZZ_CHECK(addr >= lo && addr - lo <= sz && size <= sz - (addr - lo),
			      "stubs outside the text region");
	}
	struct xs_link_stats st;
	xs_link_stats(lk, &st);
	XS_FUZZ_CHECK(st.stubs_used <= st.stubs_planned, "used %llu stubs of %llu planned",
		      (unsigned long long)st.stubs_used, (unsigned long long)st.stubs_planned);
	uint64_t total = 0;
	for (uint32_t i = 0; i < nobj; i++)
		total += objs[i].nrelocs;
	XS_FUZZ_CHECK(st.relocs <= total, "applied %llu relocations of %llu",
		      (unsigned long long)st.relocs, (unsigned long long)total);
}

static bool verbose(void)
{
	static int v = -1;
	if (v < 0)
		v = getenv("XS_FUZZ_VERBOSE") != NULL;
	return v;
}

static xs_status link_once(const struct xs_object *objs, uint32_t nobj, struct sandbox *sb,
			   const uint8_t *cfg, struct xs_diag *d)
{
	struct xs_link lk;
	struct xs_link_options opt = { 0 };
	void *ws = NULL;
	xs_status st;

	opt.flags = cfg[0] & (XS_LINK_RELAX | XS_LINK_NO_ERRATUM_843419 |
			      XS_LINK_ALLOW_UNDEFINED_WEAK);
	st = xs_link_init(&lk, objs, nobj, (cfg[1] & 0x80) ? NULL : &opt, d);
	if (st)
		return st;
	size_t need = xs_link_workspace_size(&lk);
	if (need > XS_FUZZ_MAX_WORKSPACE)
		return XS_E_NO_SPACE; /* too big for a fuzz run, not a finding */
	ws = malloc(need ? need : 8);
	XS_FUZZ_CHECK(ws != NULL, "out of memory (%zu)", need);

	/* Wrong order must be refused, not crash. */
	if (cfg[1] & 0x40) {
		XS_FUZZ_CHECK(xs_link_relocate(&lk, d) == XS_E_STATE, "relocate before plan");
		XS_FUZZ_CHECK(xs_link_resolve(&lk, resolve, sb, d) == XS_E_STATE,
			      "resolve before plan");
	}
	if (cfg[1] & 0x20) {
		/* A too-small workspace is refused. */
		if (need >= 16)
			XS_FUZZ_CHECK(xs_link_set_workspace(&lk, ws, need - 8, d) == XS_E_NO_SPACE,
				      "short workspace accepted");
	}
	bool pinning = (cfg[2] & 3) == 0;
	if (pinning) {
		st = xs_link_set_workspace(&lk, ws, need, d);
		if (st)
			goto out;
		uint64_t mask = (uint64_t)cfg[3] | (uint64_t)cfg[4] << 8;
		for (uint32_t i = 0; i < nobj && sb->npin < MAX_PIN; i++) {
			uint32_t n = xs_object_section_count(&objs[i]);
			for (uint32_t sec = 1; sec < n && sb->npin < MAX_PIN; sec++) {
				if (!((mask >> ((sec + 7 * i) % 16)) & 1))
					continue;
				struct xs_section s;
				xs_object_section(&objs[i], sec, &s);
				if (!(s.flags & 2 /* SHF_ALLOC */) && !(cfg[2] & 4))
					continue;
				st = xs_link_pin_section(&lk, i, sec, d);
				if (st)
					goto out;
				sb->pin[sb->npin].obj = i;
				sb->pin[sb->npin].sec = sec;
				sb->pin[sb->npin].size = s.size;
				sb->npin++;
			}
		}
		st = xs_link_plan(&lk, NULL, 0, d);
	} else {
		st = xs_link_plan(&lk, ws, need, d);
	}
	if (st)
		goto out;

	/* Regions. */
	unsigned mode = cfg[5] % 5;
	uint64_t cursor = 0;
	for (int r = 0; r < XS_REGION_COUNT; r++) {
		uint64_t size, align;
		xs_link_region_need(&lk, (enum xs_region)r, &size, &align);
		XS_FUZZ_CHECK(align && !(align & (align - 1)), "region %d align %#llx", r,
			      (unsigned long long)align);
		if (size > XS_FUZZ_MAX_REGION) {
			st = XS_E_NO_SPACE;
			goto out;
		}
		if (size == 0 && (cfg[6] >> r) & 1)
			continue; /* nothing needed: may stay unplaced */
		uint64_t addr;
		switch (mode) {
		case 0: /* one after another, small gaps */
			if (r == 0)
				cursor = rand_addr(sb, cfg[7]);
			addr = cursor + (align - 1);
			addr = align_down(addr, align);
			cursor = addr + size + (xs_fuzz_next(&sb->rng) & 0xffff);
			break;
		case 1: /* each anywhere of one kind */
			addr = align_down(rand_addr(sb, cfg[7]), align);
			break;
		case 2: /* each of its own kind: far apart */
			addr = align_down(rand_addr(sb, (unsigned)xs_fuzz_next(&sb->rng)), align);
			break;
		case 3: /* more than 2 GiB apart, in the low half */
			addr = align_down(0x10000000ull + (uint64_t)r * 0x180000000ull +
						  (xs_fuzz_next(&sb->rng) & 0xffffff),
					  align);
			break;
		default: /* misaligned sometimes: must be refused */
			addr = rand_addr(sb, cfg[7]) | (xs_fuzz_next(&sb->rng) & 1);
			break;
		}
		uint8_t *w = size ? malloc(size) : NULL;
		XS_FUZZ_CHECK(!size || w, "out of memory");
		if (w)
			memset(w, 0xcc, size);
		sb->region_w[r] = w;
		sb->region_addr[r] = addr;
		sb->region_size[r] = size;
		if (r == XS_REGION_TEXT)
			sb->text_addr = addr;
		if (r == XS_REGION_DATA)
			sb->data_addr = addr;
		if (verbose())
			fprintf(stderr, "region %d at %#llx size %#llx align %#llx\n", r,
				(unsigned long long)addr, (unsigned long long)size,
				(unsigned long long)align);
		st = xs_link_place_region(&lk, (enum xs_region)r, addr, w, d);
		if (st)
			goto out;
	}
	for (unsigned k = 0; k < sb->npin; k++) {
		uint64_t size = sb->pin[k].size;
		if (size > XS_FUZZ_MAX_REGION) {
			st = XS_E_NO_SPACE;
			goto out;
		}
		uint8_t *w = size ? malloc(size) : NULL;
		uint64_t addr = k & 1 ? sb->text_addr + 0x1000 * (k + 1)
				      : rand_addr(sb, (unsigned)xs_fuzz_next(&sb->rng));
		sb->pin[k].w = w;
		sb->pin[k].addr = addr;
		st = xs_link_place_section(&lk, sb->pin[k].obj, sb->pin[k].sec, addr, w, d);
		if (st == XS_E_INVALID_ARG)
			continue; /* no longer pinned (not allocated, discarded) */
		if (st)
			goto out;
		sb->pin[k].placed = true;
	}

	sb->res_fail_at = cfg[8] < 8 ? cfg[8] : 0;
	st = xs_link_resolve(&lk, resolve, sb, d);
	if (st)
		goto out;
	if (cfg[1] & 0x10) {
		XS_FUZZ_CHECK(xs_link_resolve(&lk, resolve, sb, d) == XS_E_STATE,
			      "resolve twice accepted");
	}
	st = xs_link_relocate(&lk, d);
	if (st)
		goto out;
	check_layout(&lk, objs, nobj, sb);
	uint64_t a;
	(void)xs_link_symbol(&lk, "main", &a);
	(void)xs_link_symbol(&lk, "", &a);
out:
	free(ws);
	return st;
}


int xs_fuzz_link(const uint8_t *data, size_t size, uint16_t machine)
{
	uint8_t cfg[CONFIG_LEN];
	const uint8_t *elf = data;
	size_t elf_size = size;

	if (size >= PREFIX_LEN + CONFIG_LEN && memcmp(data, PREFIX, PREFIX_LEN) == 0) {
		memcpy(cfg, data + PREFIX_LEN, CONFIG_LEN);
		elf = data + PREFIX_LEN + CONFIG_LEN;
		elf_size = size - PREFIX_LEN - CONFIG_LEN;
	} else {
		uint64_t h = xs_fuzz_hash(data, size, 0);
		for (unsigned i = 0; i < CONFIG_LEN; i += 8) {
			uint64_t v = xs_fuzz_next(&h);
			memcpy(cfg + i, &v, 8);
		}
	}

	/* The object gets its own exact-size buffer; a saved copy proves it unchanged. */
	uint8_t *buf = malloc(elf_size ? elf_size : 1);
	uint8_t *saved = malloc(elf_size ? elf_size : 1);
	XS_FUZZ_CHECK(buf && saved, "out of memory");
	memcpy(buf, elf, elf_size);
	memcpy(saved, elf, elf_size);

	struct xs_object objs[2];
	struct xs_diag d;
	/* commons allowed as `xsplice run` allows them: the linker allocates them */
	xs_status st = xs_object_parse_ex(&objs[0], buf, elf_size, machine, XS_OBJECT_ALLOW_COMMON,
					  &d);
	if (st != XS_OK && verbose())
		fprintf(stderr, "parse: %s: %s\n", xs_status_name(st), d.msg);
	if (st == XS_OK) {
		uint32_t nobj = 1;
		if ((cfg[9] & 7) == 0) {
			objs[1] = objs[0]; /* the same object twice */
			nobj = 2;
		}
		if (!guard_ref[0])
			for (size_t i = 0; i < GUARD_SIZE; i++)
				guard_ref[i] = guard_byte(i);
		memcpy(guard, guard_ref, GUARD_SIZE);

		struct sandbox sb;
		memset(&sb, 0, sizeof(sb));
		memcpy(&sb.rng, cfg + 16, 8);
		memcpy(&sb.res_seed, cfg + 24, 8);
		sb.res_mode = cfg[10] % 4;
		st = link_once(objs, nobj, &sb, cfg, &d);
		if (verbose())
			fprintf(stderr, "link: %u object(s), layout %u: %s%s%s\n", nobj, cfg[5] % 5,
				xs_status_name(st), st ? ": " : "", st ? d.msg : "");
		if (st != XS_OK && st != XS_E_NO_SPACE)
			check_diag(&d, st);

		if (memcmp(guard, guard_ref, GUARD_SIZE) != 0)
			for (size_t i = 0; i < GUARD_SIZE; i++)
				XS_FUZZ_CHECK(guard[i] == guard_ref[i],
					      "live guard byte %zu changed (link status %s)", i,
					      xs_status_name(st));
		for (int r = 0; r < XS_REGION_COUNT; r++)
			free(sb.region_w[r]);
		for (unsigned k = 0; k < sb.npin; k++)
			free(sb.pin[k].w);
	}
	XS_FUZZ_CHECK(memcmp(buf, saved, elf_size) == 0, "the input object was modified");
	free(buf);
	free(saved);
	return 0;
}
