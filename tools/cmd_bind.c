/* SPDX-License-Identifier: MIT */
/*
 * `xsplice bind PAYLOAD --image IMAGE [--after P]... [--at ADDR] [-o OUT]`:
 * make a payload compiled from plain C (payload.h) loadable the way Xen
 * loads payloads: after the checks of `check`, add the build-id
 * dependencies it lacks and fill the sizes it could not know.
 *
 * The payload is copied with libelf in ELF_F_LAYOUT mode so that every
 * section stays at its file offset with its bytes (but for the sizes filled
 * in .livepatch.funcs); the grown .shstrtab and the new note sections go
 * after the last byte of the input, followed by the section header table
 * (where the old table and the old .shstrtab were, the file holds zeros).
 * Section indices do not change: the new sections are appended.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xsplice/livepatch.h>

#include "check.h"
#include "tool.h"

static const char bind_help[] =
    "usage: xsplice bind PAYLOAD --image IMAGE [--after PAYLOAD]... [--at ADDR] [-o OUT]\n"
    "\n"
    "Run the checks of `xsplice check`, then bind PAYLOAD to IMAGE's build:\n"
    "  - add .livepatch.xen_depends holding IMAGE's build-id, and, when missing,\n"
    "    .livepatch.depends holding the build-id it stacks on (the last --after\n"
    "    payload's, else IMAGE's), as GNU build-id notes laid out as Xen's build\n"
    "    writes them;\n"
    "  - fill the old_size / new_size of .livepatch.funcs entries that are 0:\n"
    "    old_size from IMAGE's symbol table (the function's size, or with its\n"
    "    padding when the jump needs it), new_size from PAYLOAD's.\n"
    "A payload that fails any other check is refused and left alone. The result\n"
    "is written to OUT (default: PAYLOAD itself) and checked again.\n";

struct fill {
	uint32_t index;
	uint32_t old_size, new_size; /* 0: leave as it is */
};

/* A GNU build-id note: namesz 4, descsz, NT_GNU_BUILD_ID, "GNU\0", desc padded to 4. */
static size_t make_note(uint8_t *buf, const uint8_t *id, size_t len)
{
	uint32_t hdr[3] = {4, (uint32_t)len, 3};
	for (int i = 0; i < 3; i++)
		for (int b = 0; b < 4; b++)
			buf[i * 4 + b] = (uint8_t)(hdr[i] >> (8 * b));
	memcpy(buf + 12, "GNU", 4);
	memcpy(buf + 16, id, len);
	size_t n = 16 + len;
	while (n % 4)
		buf[n++] = 0;
	return n;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int b = 0; b < 4; b++)
		p[b] = (uint8_t)(v >> (8 * b));
}

struct newsec {
	const char *name;
	uint8_t data[16 + 256 + 4];
	size_t size;
};

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errsize, __VA_ARGS__);                                               \
		goto out;                                                                          \
	} while (0)

/* Write path: the payload in[0..size) with the sizes filled and the new sections. */
static bool rewrite(const uint8_t *in, size_t size, const char *path, uint32_t funcs_sec,
		    uint32_t func_size, const struct fill *fills, size_t nfills, struct newsec *ns,
		    size_t nns, char *err, size_t errsize)
{
	bool ok = false;
	Elf *ei = NULL, *eo = NULL;
	char *strs = NULL;
	uint8_t *funcs = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		FAIL("%s: %s", path, strerror(errno));
	if (elf_version(EV_CURRENT) == EV_NONE)
		FAIL("libelf: %s", elf_errmsg(-1));
	if (!(ei = elf_memory((char *)in, size)) || elf_kind(ei) != ELF_K_ELF)
		FAIL("libelf: %s", elf_errmsg(-1));
	if (!(eo = elf_begin(fd, ELF_C_WRITE, NULL)))
		FAIL("%s: libelf: %s", path, elf_errmsg(-1));

	GElf_Ehdr eh, oh;
	size_t shstrndx, shnum;
	if (!gelf_getehdr(ei, &eh) || elf_getshdrstrndx(ei, &shstrndx) != 0 ||
	    elf_getshdrnum(ei, &shnum) != 0 || eh.e_phnum != 0)
		FAIL("libelf: %s", eh.e_phnum ? "program headers in a payload" : elf_errmsg(-1));
	if (!gelf_newehdr(eo, gelf_getclass(ei)) || !gelf_getehdr(eo, &oh))
		FAIL("%s: libelf: %s", path, elf_errmsg(-1));
	oh = eh;

	/* the end of everything in the file now: new bytes go after it */
	uint64_t end = eh.e_shoff + (uint64_t)shnum * eh.e_shentsize;
	for (size_t i = 1; i < shnum; i++) {
		GElf_Shdr sh;
		Elf_Scn *scn = elf_getscn(ei, i);
		if (!scn || !gelf_getshdr(scn, &sh))
			FAIL("section %zu: %s", i, elf_errmsg(-1));
		if (sh.sh_type != SHT_NOBITS && sh.sh_offset + sh.sh_size > end)
			end = sh.sh_offset + sh.sh_size;
	}

	size_t name_off[2] = {0, 0};
	for (size_t i = 1; i < shnum; i++) {
		Elf_Scn *si = elf_getscn(ei, i), *so = elf_newscn(eo);
		GElf_Shdr sh;
		Elf_Data *di, *dout;
		if (!so || !gelf_getshdr(si, &sh))
			FAIL("section %zu: %s", i, elf_errmsg(-1));
		if (sh.sh_type == SHT_NULL || (sh.sh_type != SHT_NOBITS && sh.sh_size == 0)) {
			/* nothing to copy */
		} else if (!(di = elf_getdata(si, NULL))) {
			FAIL("section %zu: %s", i, elf_errmsg(-1));
		} else {
			if (!(dout = elf_newdata(so)))
				FAIL("%s: libelf: %s", path, elf_errmsg(-1));
			*dout = *di;
			if (i == funcs_sec && nfills) {
				if (!(funcs = malloc(di->d_size)))
					FAIL("out of memory");
				memcpy(funcs, di->d_buf, di->d_size);
				for (size_t k = 0; k < nfills; k++) {
					uint64_t off = (uint64_t)fills[k].index * func_size;
					if (off + func_size > di->d_size)
						FAIL(".livepatch.funcs: entry %u outside the "
						     "section",
						     fills[k].index);
					if (fills[k].new_size)
						put32(funcs + off + XS_LP_OFF_NEW_SIZE,
						      fills[k].new_size);
					if (fills[k].old_size)
						put32(funcs + off + XS_LP_OFF_OLD_SIZE,
						      fills[k].old_size);
				}
				dout->d_buf = funcs;
			}
			if (i == shstrndx && nns) {
				/* .shstrtab grows: its new copy goes after the end */
				size_t add = 0, len = di->d_size;
				for (size_t k = 0; k < nns; k++)
					add += strlen(ns[k].name) + 1;
				if (!(strs = malloc(len + add)))
					FAIL("out of memory");
				memcpy(strs, di->d_buf, len);
				for (size_t k = 0; k < nns; k++) {
					name_off[k] = len;
					memcpy(strs + len, ns[k].name, strlen(ns[k].name) + 1);
					len += strlen(ns[k].name) + 1;
				}
				dout->d_buf = strs;
				dout->d_size = len;
				sh.sh_offset = end;
				sh.sh_size = len;
				end += len;
			}
		}
		if (!gelf_update_shdr(so, &sh))
			FAIL("%s: section %zu: %s", path, i, elf_errmsg(-1));
	}
	for (size_t k = 0; k < nns; k++) {
		Elf_Scn *scn = elf_newscn(eo);
		Elf_Data *d = scn ? elf_newdata(scn) : NULL;
		GElf_Shdr sh;
		if (!d || !gelf_getshdr(scn, &sh))
			FAIL("%s: new section %s: %s", path, ns[k].name, elf_errmsg(-1));
		d->d_buf = ns[k].data;
		d->d_size = ns[k].size;
		d->d_type = ELF_T_BYTE;
		d->d_align = 1;
		d->d_off = 0;
		d->d_version = EV_CURRENT;
		/* what Xen's build (objcopy --add-section) gives: PROGBITS, alloc, align 1 */
		memset(&sh, 0, sizeof(sh));
		sh.sh_name = (GElf_Word)name_off[k];
		sh.sh_type = SHT_PROGBITS;
		sh.sh_flags = SHF_ALLOC;
		sh.sh_offset = end;
		sh.sh_size = ns[k].size;
		sh.sh_addralign = 1;
		end += ns[k].size;
		if (!gelf_update_shdr(scn, &sh))
			FAIL("%s: new section %s: %s", path, ns[k].name, elf_errmsg(-1));
	}
	if (nns)
		oh.e_shoff = (end + 7) & ~(uint64_t)7;
	oh.e_shnum = 0; /* libelf counts the sections */
	if (!gelf_update_ehdr(eo, &oh) || elf_flagelf(eo, ELF_C_SET, ELF_F_LAYOUT) == 0)
		FAIL("%s: ELF header: %s", path, elf_errmsg(-1));
	if (elf_update(eo, ELF_C_WRITE) < 0)
		FAIL("%s: writing: %s", path, elf_errmsg(-1));
	ok = true;
out:
	if (eo)
		elf_end(eo);
	if (ei)
		elf_end(ei);
	if (fd >= 0 && close(fd) != 0 && ok) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		ok = false;
	}
	free(strs);
	free(funcs);
	return ok;
}

static bool tolerated(enum xs_check_kind k)
{
	return k == XS_CK_NO_XEN_DEPENDS || k == XS_CK_NO_DEPENDS || k == XS_CK_OLD_SIZE_ZERO;
}

int xs_cmd_bind(int argc, char **argv)
{
	struct xs_check c, v;
	const char *payload = NULL, *out = NULL;
	char err[800], *tmp = NULL;
	struct fill *fills = NULL;
	struct newsec ns[2];
	size_t nns = 0, nfills = 0;
	int r;
	memset(&c, 0, sizeof(c));
	memset(&v, 0, sizeof(v));
	r = xs_check_parse_args(argc, argv, &c, &payload, &out, "bind", bind_help);
	if (r != 0) {
		free(c.after_paths);
		return r < 0 ? XS_EXIT_OK : r;
	}
	if (!out)
		out = payload;
	if (!xs_check_load(&c, payload, err, sizeof(err)) || !xs_check_run(&c, err, sizeof(err))) {
		r = xs_tool_error("%s", err);
		goto done;
	}
	size_t bad = 0;
	for (size_t i = 0; i < c.nreasons; i++)
		if (!tolerated(c.reasons[i].kind))
			bad++;
	if (bad) {
		xs_check_print(&c);
		for (size_t i = 0; i < c.nreasons; i++)
			if (!tolerated(c.reasons[i].kind))
				xs_tool_error("%s: %s", payload, c.reasons[i].msg);
		r = xs_tool_error("%s: not bound: %zu check%s failed", payload, bad,
				  bad == 1 ? "" : "s");
		goto done;
	}

	/* the sizes */
	fills = calloc(c.nfuncs ? c.nfuncs : 1, sizeof(*fills));
	if (!fills) {
		r = xs_tool_error("out of memory");
		goto done;
	}
	for (uint32_t i = 0; i < c.nfuncs; i++) {
		const struct xs_check_func *cf = &c.funcs[i];
		struct fill fl = {.index = i};
		if (cf->f.old_size == 0) {
			uint64_t need = (uint64_t)cf->entry + cf->need;
			uint64_t sz = cf->fsize >= need ? cf->fsize : cf->avail;
			fl.old_size = (uint32_t)(sz > UINT32_MAX ? UINT32_MAX : sz);
		}
		if (cf->f.new_size == 0 && !cf->f.nop) {
			if (!cf->new_sym_size) {
				r = xs_tool_error("%s: function %u (%s): the size of the new "
						  "function is unknown (its symbol has no size)",
						  payload, i, cf->name);
				goto done;
			}
			fl.new_size = (uint32_t)cf->new_sym_size;
		}
		if (fl.old_size || fl.new_size)
			fills[nfills++] = fl;
	}

	/* the dependencies */
	const struct xs_payload *pl = &c.p.pl;
	if (!pl->xen_depends.id || !pl->depends.id) {
		if (c.im.build_id_len > 256) {
			r = xs_tool_error("%s: build-id of %zu bytes is too long", c.im.path,
					  c.im.build_id_len);
			goto done;
		}
	}
	if (!pl->xen_depends.id) {
		ns[nns].name = XS_LP_SEC_XEN_DEPENDS;
		ns[nns].size = make_note(ns[nns].data, c.im.build_id, c.im.build_id_len);
		nns++;
	}
	if (!pl->depends.id) {
		const uint8_t *id = c.im.build_id;
		size_t len = c.im.build_id_len;
		if (c.nafter) {
			id = c.after[c.nafter - 1].pl.build_id.id;
			len = c.after[c.nafter - 1].pl.build_id.len;
		}
		ns[nns].name = XS_LP_SEC_DEPENDS;
		ns[nns].size = make_note(ns[nns].data, id, len);
		nns++;
	}

	/* write a copy next to OUT, check it, then rename it over OUT */
	if (asprintf(&tmp, "%s.bind-XXXXXX", out) < 0) {
		tmp = NULL;
		r = xs_tool_error("out of memory");
		goto done;
	}
	int tfd = mkstemp(tmp);
	if (tfd < 0) {
		r = xs_tool_error("%s: %s", tmp, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto done;
	}
	close(tfd);
	unlink(tmp);
	if (!rewrite(c.p.buf, c.p.size, tmp, pl->funcs_sec, pl->func_size, fills, nfills, ns, nns,
		     err, sizeof(err))) {
		r = xs_tool_error("%s", err);
		goto done;
	}
	v.image_path = c.image_path;
	v.after_paths = c.after_paths;
	v.nafter = c.nafter;
	v.have_at = c.have_at;
	v.at = c.at;
	if (!xs_check_load(&v, tmp, err, sizeof(err)) || !xs_check_run(&v, err, sizeof(err))) {
		r = xs_tool_error("the bound payload does not read back: %s", err);
		goto done;
	}
	v.p.path = out;
	xs_check_print(&v);
	if (v.nreasons) {
		for (size_t i = 0; i < v.nreasons; i++)
			xs_tool_error("%s: %s", out, v.reasons[i].msg);
		r = xs_tool_error("%s: the bound payload fails the check; not written", out);
		goto done;
	}
	if (rename(tmp, out) != 0) {
		r = xs_tool_error("%s: %s", out, strerror(errno));
		goto done;
	}
	free(tmp);
	tmp = NULL;
	printf("bound %s to %s: %zu section%s added, %zu size%s filled -> %s\n", payload, c.im.path,
	       nns, nns == 1 ? "" : "s", nfills, nfills == 1 ? "" : "s", out);
	r = XS_EXIT_OK;
done:
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(fills);
	xs_check_free(&v);
	xs_check_free(&c);
	free(c.after_paths);
	return r;
}
