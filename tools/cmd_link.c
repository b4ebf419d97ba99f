/* SPDX-License-Identifier: MIT */
/*
 * `xsplice link`: relocate one object to fixed addresses into a flat image,
 * for either architecture on any host (the core is the linker; libelf only
 * reads --just-symbols images).
 *
 * Layout: every --section-start section at its address; then the TEXT,
 * RODATA and DATA regions (each aligned), holding every other allocated
 * section plus the GOT and the stubs, after max(base, end of every pinned
 * section) - inside IMAGE, outside every pinned section.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xsplice/link.h>
#include <xsplice/object.h>

#include "tool.h"

/* A flat image beyond this is refused: it is a file we write. */
#define XS_MAX_IMAGE ((uint64_t)1 << 30)
#define XS_SHF_ALLOC_ 0x2ull
#define XS_SHT_NOBITS_ 8u

static const char link_help[] =
	"usage: xsplice link --arch x86_64|aarch64 --base ADDR [OPTIONS] -o IMAGE OBJ\n"
	"\n"
	"Relocate OBJ to fixed addresses and write IMAGE, a flat binary whose byte at\n"
	"offset ADDR-BASE is the byte at address ADDR (gaps and NOBITS are zero).\n"
	"\n"
	"  --arch A                  x86_64 or aarch64 (default: OBJ's machine)\n"
	"  --base ADDR               address of the image's first byte\n"
	"  --section-start SEC=ADDR  put section SEC exactly at ADDR (repeatable)\n"
	"  --defsym SYM=ADDR         value of an undefined symbol (repeatable)\n"
	"  --just-symbols ELF        take symbol values from an ELF image, like ld -R\n"
	"  -o IMAGE                  output file\n"
	"  --map MAPFILE             write 'address size kind name' per placed piece\n"
	"  --relax / --no-relax      x86_64 GOTPCRELX relaxation (default: off)\n"
	"  --fix-cortex-a53-843419   work around Cortex-A53 erratum 843419 (ADRP -> ADR)\n"
	"  --no-fix-cortex-a53-843419  do not (default for link, as GNU ld)\n"
	"\n"
	"Sections not named by --section-start, the GOT and stubs follow the pinned\n"
	"sections (text, read-only data, data), at or after BASE.\n";

struct xs_pair {
	const char *name;
	uint64_t value;
};

struct link_args {
	uint16_t machine;
	bool have_base;
	uint64_t base;
	const char *out, *map, *obj;
	uint32_t flags;
	struct xs_pair *starts, *defsyms;
	size_t nstarts, ndefsyms;
	const char **jsfiles;
	size_t njs;
};

struct link_ctx {
	struct link_args *a;
	struct xs_symfile **js;
};

/* "NAME=NUMBER" into a growing array; 2 on a usage error. */
static int push_pair(struct xs_pair **arr, size_t *n, const char *opt, const char *val)
{
	const char *eq = strrchr(val, '=');
	uint64_t v;
	if (!eq || eq == val)
		return xs_tool_usage("%s: expected NAME=ADDR, got '%s'", opt, val);
	if (!xs_tool_parse_u64(eq + 1, &v))
		return xs_tool_usage("%s: bad address '%s'", opt, eq + 1);
	struct xs_pair *p = realloc(*arr, (*n + 1) * sizeof(*p));
	if (!p)
		return xs_tool_error("out of memory");
	*arr = p;
	char *name = strndup(val, (size_t)(eq - val));
	if (!name)
		return xs_tool_error("out of memory");
	p[*n].name = name;
	p[*n].value = v;
	(*n)++;
	return 0;
}

static int parse_args(int argc, char **argv, struct link_args *a)
{
	/*
	 * `link` reproduces what GNU ld does at the same addresses, and ld only
	 * works around erratum 843419 when asked: so does `link`. The library
	 * default (and `xsplice run`) keeps the workaround on.
	 */
	a->flags |= XS_LINK_NO_ERRATUM_843419;
	for (int i = 1; i < argc; i++) {
		const char *v, *arg = argv[i];
		int m, r;
		if (xs_tool_is_help(arg)) {
			fputs(link_help, stdout);
			return -1;
		}
		if ((m = xs_tool_opt(argc, argv, &i, "--arch", &v)) != 0) {
			if (m < 0)
				return XS_EXIT_USAGE;
			if (!(a->machine = xs_tool_machine(v)))
				return xs_tool_usage("--arch: unknown architecture '%s'", v);
		} else if ((m = xs_tool_opt(argc, argv, &i, "--base", &v)) != 0) {
			if (m < 0)
				return XS_EXIT_USAGE;
			if (!xs_tool_parse_u64(v, &a->base))
				return xs_tool_usage("--base: bad address '%s'", v);
			a->have_base = true;
		} else if ((m = xs_tool_opt(argc, argv, &i, "--section-start", &v)) != 0) {
			if (m < 0)
				return XS_EXIT_USAGE;
			if ((r = push_pair(&a->starts, &a->nstarts, "--section-start", v)) != 0)
				return r;
		} else if ((m = xs_tool_opt(argc, argv, &i, "--defsym", &v)) != 0) {
			if (m < 0)
				return XS_EXIT_USAGE;
			if ((r = push_pair(&a->defsyms, &a->ndefsyms, "--defsym", v)) != 0)
				return r;
		} else if ((m = xs_tool_opt(argc, argv, &i, "--just-symbols", &v)) != 0 ||
			   (m = xs_tool_opt(argc, argv, &i, "-R", &v)) != 0) {
			if (m < 0)
				return XS_EXIT_USAGE;
			const char **p = realloc(a->jsfiles, (a->njs + 1) * sizeof(*p));
			if (!p)
				return xs_tool_error("out of memory");
			a->jsfiles = p;
			p[a->njs++] = v;
		} else if ((m = xs_tool_opt(argc, argv, &i, "-o", &v)) != 0) {
			if (m < 0)
				return XS_EXIT_USAGE;
			a->out = v;
		} else if ((m = xs_tool_opt(argc, argv, &i, "--map", &v)) != 0) {
			if (m < 0)
				return XS_EXIT_USAGE;
			a->map = v;
		} else if (strcmp(arg, "--relax") == 0) {
			a->flags |= XS_LINK_RELAX;
		} else if (strcmp(arg, "--no-relax") == 0) {
			a->flags &= ~(uint32_t)XS_LINK_RELAX;
		} else if (strcmp(arg, "--no-fix-cortex-a53-843419") == 0) {
			a->flags |= XS_LINK_NO_ERRATUM_843419;
		} else if (strcmp(arg, "--fix-cortex-a53-843419") == 0) {
			a->flags &= ~(uint32_t)XS_LINK_NO_ERRATUM_843419;
		} else if (arg[0] == '-' && arg[1] != '\0') {
			return xs_tool_usage("link: unknown option '%s'", arg);
		} else if (a->obj) {
			return xs_tool_usage("link: one object only ('%s' and '%s')", a->obj, arg);
		} else {
			a->obj = arg;
		}
	}
	if (!a->obj)
		return xs_tool_usage("link: no input object");
	if (!a->out)
		return xs_tool_usage("link: no output (-o IMAGE)");
	if (!a->have_base)
		return xs_tool_usage("link: no --base ADDR");
	return 0;
}

/* --defsym (the last one given wins, as in ld), then --just-symbols files in order. */
static xs_status resolve(void *vctx, const char *name, uint64_t *value)
{
	struct link_ctx *c = vctx;
	for (size_t i = c->a->ndefsyms; i-- > 0;)
		if (strcmp(c->a->defsyms[i].name, name) == 0) {
			*value = c->a->defsyms[i].value;
			return XS_OK;
		}
	for (size_t i = 0; i < c->a->njs; i++)
		if (xs_symfile_lookup(c->js[i], name, value))
			return XS_OK;
	return XS_E_NOT_FOUND;
}

static int link_fail(const struct link_args *a, const struct xs_diag *d, xs_status s)
{
	return xs_tool_error("%s: %s", a->obj, xs_tool_diag(d, s));
}

struct piece {
	uint64_t addr, size;
	const char *kind, *name;
};

static int cmp_piece(const void *x, const void *y)
{
	const struct piece *p = x, *q = y;
	if (p->addr != q->addr)
		return p->addr < q->addr ? -1 : 1;
	return p->size < q->size ? -1 : p->size > q->size;
}

static int write_map(const char *path, const struct xs_link *lk, const struct xs_object *o)
{
	uint32_t n = xs_object_section_count(o);
	struct piece *pc = calloc((size_t)n + 2, sizeof(*pc));
	if (!pc)
		return xs_tool_error("out of memory");
	size_t np = 0;
	for (uint32_t i = 1; i < n; i++) {
		struct xs_section s;
		xs_object_section(o, i, &s);
		if (!(s.flags & XS_SHF_ALLOC_) || xs_link_section_discarded(lk, 0, i))
			continue;
		pc[np++] = (struct piece){xs_link_section_addr(lk, 0, i), s.size, "section",
					  s.name};
	}
	uint64_t addr, size;
	xs_link_got(lk, &addr, &size);
	if (size)
		pc[np++] = (struct piece){addr, size, "got", ".got"};
	xs_link_stub_area(lk, &addr, &size);
	if (size)
		pc[np++] = (struct piece){addr, size, "stubs", ".stubs"};
	qsort(pc, np, sizeof(*pc), cmp_piece);
	FILE *f = fopen(path, "w");
	if (!f) {
		free(pc);
		return xs_tool_error("%s: %s", path, strerror(errno));
	}
	for (size_t i = 0; i < np; i++)
		fprintf(f, "%#018llx %#10llx %-7s %s\n", (unsigned long long)pc[i].addr,
			(unsigned long long)pc[i].size, pc[i].kind, pc[i].name);
	free(pc);
	if (ferror(f) | (fclose(f) != 0))
		return xs_tool_error("%s: write failed", path);
	return 0;
}

static int write_image(const char *path, const uint8_t *buf, uint64_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return xs_tool_error("%s: %s", path, strerror(errno));
	bool ok = size == 0 || fwrite(buf, 1, (size_t)size, f) == size;
	ok = !ferror(f) && ok;
	if ((fclose(f) != 0) | !ok) {
		unlink(path);
		return xs_tool_error("%s: write failed", path);
	}
	return 0;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) & ~(a - 1) : v;
}

/* Pin, plan, lay out, place, resolve, relocate, write. */
static int do_link(struct link_args *a, struct link_ctx *c, const struct xs_object *o)
{
	struct xs_diag d;
	struct xs_link lk;
	xs_status s;
	int ret = XS_EXIT_FAIL;
	uint32_t *pin = NULL;
	void *ws = NULL;
	uint8_t *img = NULL;
	struct xs_link_options opt = {.flags = a->flags};

	xs_diag_clear(&d);
	if ((s = xs_link_init(&lk, o, 1, &opt, &d)) != XS_OK)
		return link_fail(a, &d, s);
	size_t wsz = xs_link_workspace_size(&lk);
	ws = calloc(1, wsz ? wsz : 8);
	pin = calloc(a->nstarts ? a->nstarts : 1, sizeof(*pin));
	if (!ws || !pin) {
		ret = xs_tool_error("out of memory");
		goto out;
	}
	if ((s = xs_link_set_workspace(&lk, ws, wsz, &d)) != XS_OK) {
		ret = link_fail(a, &d, s);
		goto out;
	}
	uint32_t nsec = xs_object_section_count(o);
	for (size_t k = 0; k < a->nstarts; k++) {
		for (uint32_t i = 1; i < nsec; i++) {
			struct xs_section sh;
			xs_object_section(o, i, &sh);
			if (!sh.name || strcmp(sh.name, a->starts[k].name) != 0)
				continue;
			if (pin[k]) {
				ret = xs_tool_error("%s: --section-start %s: several sections "
						    "have this name",
						    a->obj, a->starts[k].name);
				goto out;
			}
			if (!(sh.flags & XS_SHF_ALLOC_)) {
				ret = xs_tool_error("%s: --section-start %s: not an allocated "
						    "section",
						    a->obj, sh.name);
				goto out;
			}
			pin[k] = i;
		}
		if (!pin[k]) {
			ret = xs_tool_error("%s: --section-start %s: no such section", a->obj,
					    a->starts[k].name);
			goto out;
		}
		for (size_t j = 0; j < k; j++)
			if (pin[j] == pin[k]) {
				ret = xs_tool_usage("--section-start %s given twice",
						    a->starts[k].name);
				goto out;
			}
		if (a->starts[k].value < a->base) {
			ret = xs_tool_error("--section-start %s=%#llx is below --base %#llx",
					    a->starts[k].name,
					    (unsigned long long)a->starts[k].value,
					    (unsigned long long)a->base);
			goto out;
		}
		if ((s = xs_link_pin_section(&lk, 0, pin[k], &d)) != XS_OK) {
			ret = link_fail(a, &d, s);
			goto out;
		}
	}
	if ((s = xs_link_plan(&lk, NULL, 0, &d)) != XS_OK) {
		ret = link_fail(a, &d, s);
		goto out;
	}

	/* lay out: pinned sections, then the regions after the highest of them */
	uint64_t cur = a->base, end;
	for (size_t k = 0; k < a->nstarts; k++) {
		struct xs_section sh;
		xs_object_section(o, pin[k], &sh);
		uint64_t e = a->starts[k].value + sh.size;
		if (e < a->starts[k].value) {
			ret = xs_tool_error("--section-start %s: section wraps the address space",
					    sh.name);
			goto out;
		}
		if (e > cur)
			cur = e;
		/* like ld: two sections may not share an address */
		for (size_t j = 0; j < k && sh.size; j++) {
			struct xs_section sj;
			xs_object_section(o, pin[j], &sj);
			uint64_t a0 = a->starts[j].value;
			if (sj.size && a0 < e && a->starts[k].value < a0 + sj.size) {
				ret = xs_tool_error("section %s [%#llx, %#llx) overlaps section %s "
						    "[%#llx, %#llx)",
						    sh.name, (unsigned long long)a->starts[k].value,
						    (unsigned long long)e, sj.name,
						    (unsigned long long)a0,
						    (unsigned long long)(a0 + sj.size));
				goto out;
			}
		}
	}
	uint64_t raddr[XS_REGION_COUNT];
	for (int r = 0; r < XS_REGION_COUNT; r++) {
		uint64_t size, align;
		xs_link_region_need(&lk, (enum xs_region)r, &size, &align);
		if (align & (align - 1)) {
			ret = xs_tool_error("region %d: alignment %#llx is not a power of two", r,
					    (unsigned long long)align);
			goto out;
		}
		raddr[r] = align_up(cur, align);
		if (raddr[r] < cur || raddr[r] + size < raddr[r]) {
			ret = xs_tool_error("the image wraps the address space");
			goto out;
		}
		cur = raddr[r] + size;
	}
	end = cur;
	if (end - a->base > XS_MAX_IMAGE) {
		ret = xs_tool_error("image of %#llx bytes (from %#llx to %#llx) is too large",
				    (unsigned long long)(end - a->base),
				    (unsigned long long)a->base, (unsigned long long)end);
		goto out;
	}
	img = calloc(1, (size_t)(end - a->base) + 1);
	if (!img) {
		ret = xs_tool_error("out of memory for a %#llx-byte image",
				    (unsigned long long)(end - a->base));
		goto out;
	}
	for (size_t k = 0; k < a->nstarts; k++) {
		uint64_t at = a->starts[k].value;
		if ((s = xs_link_place_section(&lk, 0, pin[k], at, img + (at - a->base), &d)) !=
		    XS_OK) {
			ret = link_fail(a, &d, s);
			goto out;
		}
	}
	for (int r = 0; r < XS_REGION_COUNT; r++)
		if ((s = xs_link_place_region(&lk, (enum xs_region)r, raddr[r],
					      img + (raddr[r] - a->base), &d)) != XS_OK) {
			ret = link_fail(a, &d, s);
			goto out;
		}
	if ((s = xs_link_resolve(&lk, resolve, c, &d)) != XS_OK ||
	    (s = xs_link_relocate(&lk, &d)) != XS_OK) {
		ret = link_fail(a, &d, s);
		goto out;
	}
	if ((ret = write_image(a->out, img, end - a->base)) != 0)
		goto out;
	if (a->map && (ret = write_map(a->map, &lk, o)) != 0)
		goto out;
	ret = XS_EXIT_OK;
out:
	free(img);
	free(pin);
	free(ws);
	return ret;
}

int xs_cmd_link(int argc, char **argv)
{
	struct link_args a = {0};
	struct link_ctx c = {.a = &a};
	struct xs_object o;
	struct xs_diag d;
	uint8_t *buf = NULL;
	size_t size;
	char err[600];
	int ret = parse_args(argc, argv, &a);
	if (ret != 0) {
		ret = ret < 0 ? XS_EXIT_OK : ret;
		goto out;
	}
	c.js = calloc(a.njs ? a.njs : 1, sizeof(*c.js));
	if (!c.js) {
		ret = xs_tool_error("out of memory");
		goto out;
	}
	for (size_t i = 0; i < a.njs; i++)
		if (!(c.js[i] = xs_symfile_load(a.jsfiles[i], err, sizeof(err)))) {
			ret = xs_tool_error("--just-symbols %s", err);
			goto out;
		}
	if (!xs_tool_read_file(a.obj, &buf, &size, err, sizeof(err))) {
		ret = xs_tool_error("%s", err);
		goto out;
	}
	xs_diag_clear(&d);
	xs_status s = xs_object_parse(&o, buf, size, a.machine, &d);
	if (s != XS_OK) {
		ret = link_fail(&a, &d, s);
		goto out;
	}
	ret = do_link(&a, &c, &o);
out:
	for (size_t i = 0; c.js && i < a.njs; i++)
		xs_symfile_free(c.js[i]);
	free(c.js);
	for (size_t i = 0; i < a.nstarts; i++)
		free((char *)a.starts[i].name);
	for (size_t i = 0; i < a.ndefsyms; i++)
		free((char *)a.defsyms[i].name);
	free(a.starts);
	free(a.defsyms);
	free(a.jsfiles);
	free(buf);
	return ret;
}
