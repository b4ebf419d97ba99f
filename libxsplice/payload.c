/* SPDX-License-Identifier: MIT */
/* Reader of Xen's livepatch payload sections (include/xsplice/livepatch.h). */
#include <xsplice/livepatch.h>

#include "xs_elf.h"
#include "util.h"

#define R_X86_64_64 1u
#define R_AARCH64_ABS64 257u
#define NT_GNU_BUILD_ID 3u

static const char *const hook_names[XS_LP_HOOK_COUNT] = {
	[XS_LP_HOOK_LOAD] = ".livepatch.hooks.load",
	[XS_LP_HOOK_UNLOAD] = ".livepatch.hooks.unload",
	[XS_LP_HOOK_PREAPPLY] = ".livepatch.hooks.preapply",
	[XS_LP_HOOK_APPLY] = ".livepatch.hooks.apply",
	[XS_LP_HOOK_POSTAPPLY] = ".livepatch.hooks.postapply",
	[XS_LP_HOOK_PREREVERT] = ".livepatch.hooks.prerevert",
	[XS_LP_HOOK_REVERT] = ".livepatch.hooks.revert",
	[XS_LP_HOOK_POSTREVERT] = ".livepatch.hooks.postrevert",
};

const char *xs_lp_hook_section(enum xs_lp_hook h)
{
	return (unsigned)h < XS_LP_HOOK_COUNT ? hook_names[h] : "?";
}

static xs_status bad(struct xs_diag *d, const struct xs_object *o, uint32_t sec, uint64_t off,
		     const char *what)
{
	if (!d)
		return XS_E_BAD_PAYLOAD;
	xs_diag_clear(d);
	d->status = XS_E_BAD_PAYLOAD;
	d->section = sec;
	d->offset = off;
	struct xs_section s = {.name = "?"};
	if (sec && sec < xs_object_section_count(o))
		xs_object_section(o, sec, &s);
	xs_strlcpy(d->section_name, s.name, sizeof(d->section_name));
	xs_fmt(d->msg, sizeof(d->msg), "%s+%#llx: %s", s.name, (unsigned long long)off, what);
	return XS_E_BAD_PAYLOAD;
}

xs_status xs_note_build_id(const uint8_t *notes, size_t size, const uint8_t **id,
			   size_t *len)
{
	size_t off = 0;
	if (!notes)
		return XS_E_NOT_FOUND;
	while (size - off >= 12) {
		uint32_t namesz = xs_load32(notes + off), descsz = xs_load32(notes + off + 4);
		uint32_t type = xs_load32(notes + off + 8);
		size_t name_off = off + 12;
		size_t name_pad = ((size_t)namesz + 3) & ~(size_t)3;
		if (name_pad > size - name_off)
			return XS_E_BAD_PAYLOAD;
		size_t desc_off = name_off + name_pad;
		if (descsz > size - desc_off)
			return XS_E_BAD_PAYLOAD;
		if (type == NT_GNU_BUILD_ID && namesz == 4 && memcmp(notes + name_off, "GNU", 4) == 0) {
			if (descsz == 0)
				return XS_E_BAD_PAYLOAD;
			*id = notes + desc_off;
			*len = descsz;
			return XS_OK;
		}
		size_t desc_pad = ((size_t)descsz + 3) & ~(size_t)3;
		if (desc_pad > size - desc_off)
			break;
		off = desc_off + desc_pad;
	}
	return XS_E_NOT_FOUND;
}

size_t xs_build_id_hex(const uint8_t *id, size_t len, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t k = 0;
	for (size_t i = 0; i < len && size && k + 2 < size; i++) {
		buf[k++] = hex[id[i] >> 4];
		buf[k++] = hex[id[i] & 15];
	}
	if (size)
		buf[k < size ? k : size - 1] = 0;
	return 2 * len;
}

bool xs_build_id_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return a && b && alen == blen && memcmp(a, b, alen) == 0;
}

/* The only section named name; 0 if none, UINT32_MAX if several. */
static uint32_t unique_section(const struct xs_object *o, const char *name)
{
	uint32_t found = 0;
	for (uint32_t i = 1; i < xs_object_section_count(o); i++) {
		struct xs_section s;
		xs_object_section(o, i, &s);
		if (xs_strcmp(s.name, name) == 0)
			found = found ? UINT32_MAX : i;
	}
	return found;
}

static uint32_t rela_for(const struct xs_object *o, uint32_t sec)
{
	for (uint32_t i = 1; i < xs_object_section_count(o); i++) {
		struct xs_section s;
		xs_object_section(o, i, &s);
		if (s.type == XS_SHT_RELA && s.info == sec)
			return i;
	}
	return 0;
}

static uint32_t abs64_type(const struct xs_object *o)
{
	return o->machine == XS_EM_AARCH64 ? R_AARCH64_ABS64 : R_X86_64_64;
}

/* A readable name for symbol sym + addend (a section symbol names what sits at the addend). */
static const char *ref_name(const struct xs_object *o, const struct xs_symbol *s, int64_t addend)
{
	if (s->type != XS_STT_SECTION)
		return s->name;
	const char *best = NULL;
	for (uint32_t i = 1; i < xs_object_symbol_count(o); i++) {
		struct xs_symbol c;
		xs_object_symbol(o, i, &c);
		if (c.section != s->section || c.type == XS_STT_SECTION || !c.name[0] ||
		    c.value != (uint64_t)addend)
			continue;
		if (c.type == XS_STT_FUNC || c.type == XS_STT_OBJECT)
			return c.name;
		if (!best)
			best = c.name;
	}
	if (best)
		return best;
	struct xs_section sec;
	xs_object_section(o, s->section, &sec);
	return sec.name;
}

/* The relocation filling the 8 bytes at off of the section rela applies to. */
static xs_status ref_at(const struct xs_object *o, uint32_t rela, uint32_t sec, uint64_t off,
			struct xs_lp_ref *ref, struct xs_diag *d)
{
	ref->sym = XS_LP_NONE;
	ref->addend = 0;
	ref->name = NULL;
	ref->undefined = false;
	if (!rela)
		return XS_OK;
	uint64_t n = xs_object_rela_count(o, rela);
	for (uint64_t j = 0; j < n; j++) {
		struct xs_rela r;
		xs_object_rela(o, rela, j, &r);
		if (r.offset + 8 <= off || r.offset >= off + 8)
			continue;
		if (r.offset != off || r.type != abs64_type(o) || ref->sym != XS_LP_NONE)
			return bad(d, o, sec, r.offset,
				   "pointer field not filled by one 64-bit absolute relocation");
		struct xs_symbol s;
		xs_object_symbol(o, r.sym, &s);
		ref->sym = r.sym;
		ref->addend = r.addend;
		ref->undefined = s.shndx == XS_SHN_UNDEF;
		ref->name = ref_name(o, &s, r.addend);
	}
	return XS_OK;
}

/* The NUL-terminated string a reference points to inside the payload, or NULL. */
static const char *ref_string(const struct xs_object *o, const struct xs_lp_ref *ref)
{
	struct xs_symbol s;
	struct xs_section sec;
	xs_object_symbol(o, ref->sym, &s);
	if (!s.section || s.section >= xs_object_section_count(o))
		return NULL;
	xs_object_section(o, s.section, &sec);
	const uint8_t *data = xs_object_section_data(o, s.section);
	uint64_t at = s.value + (uint64_t)ref->addend;
	if (!data || sec.type == XS_SHT_NOBITS || at >= sec.size)
		return NULL;
	const char *str = (const char *)data + at;
	return xs_strnlen(str, sec.size - at) < sec.size - at ? str : NULL;
}

static void decode_fields(const uint8_t *e, uint32_t size, struct xs_lp_func *f)
{
	f->new_addr = xs_load_le(e + XS_LP_OFF_NEW_ADDR, 8);
	f->old_addr = xs_load_le(e + XS_LP_OFF_OLD_ADDR, 8);
	f->new_size = xs_load32(e + XS_LP_OFF_NEW_SIZE);
	f->old_size = xs_load32(e + XS_LP_OFF_OLD_SIZE);
	f->version = e[XS_LP_OFF_VERSION];
	if (size >= XS_LP_FUNC_SIZE_V2) {
		uint8_t ctl = e[XS_LP_OFF_EXPECT];
		f->expect_enabled = ctl & 1;
		f->expect_len = (ctl >> 1) & 0x1f;
		xs_memcpy(f->expect, e + XS_LP_OFF_EXPECT + 1, XS_LP_EXPECT_MAX);
	}
}

static xs_status read_func(const struct xs_payload *p, uint32_t i, struct xs_lp_func *f,
			   struct xs_diag *d)
{
	const struct xs_object *o = p->obj;
	const uint8_t *e = xs_object_section_data(o, p->funcs_sec) + (uint64_t)i * p->func_size;
	uint64_t off = (uint64_t)i * p->func_size;
	xs_memset(f, 0, sizeof(*f));
	f->index = i;
	decode_fields(e, p->func_size, f);
	xs_status st;
	if ((st = ref_at(o, p->funcs_rela, p->funcs_sec, off + XS_LP_OFF_NAME, &f->name_ref, d)) ||
	    (st = ref_at(o, p->funcs_rela, p->funcs_sec, off + XS_LP_OFF_NEW_ADDR, &f->new_ref, d)) ||
	    (st = ref_at(o, p->funcs_rela, p->funcs_sec, off + XS_LP_OFF_OLD_ADDR, &f->old_ref, d)))
		return st;
	if (f->version != p->version)
		return bad(d, o, p->funcs_sec, off + XS_LP_OFF_VERSION, "versions differ");
	if (f->name_ref.sym != XS_LP_NONE) {
		f->name = ref_string(o, &f->name_ref);
		if (!f->name)
			return bad(d, o, p->funcs_sec, off, "name is not a string in the payload");
	} else if (xs_load_le(e + XS_LP_OFF_NAME, 8)) {
		return bad(d, o, p->funcs_sec, off, "name pointer without relocation");
	}
	f->nop = f->new_ref.sym == XS_LP_NONE && f->new_addr == 0;
	if (f->nop && f->new_size == 0)
		return bad(d, o, p->funcs_sec, off, "no new code and no NOP size");
	if (!f->name && f->old_ref.sym == XS_LP_NONE && f->old_addr == 0)
		return bad(d, o, p->funcs_sec, off, "neither a name nor an old address");
	return XS_OK;
}

static xs_status read_note(const struct xs_object *o, const char *name,
			   struct xs_lp_build_id *b, struct xs_diag *d)
{
	xs_memset(b, 0, sizeof(*b));
	uint32_t sec = unique_section(o, name);
	if (!sec)
		return XS_OK;
	if (sec == UINT32_MAX)
		return bad(d, o, 0, 0, "section appears more than once");
	struct xs_section s;
	xs_object_section(o, sec, &s);
	const uint8_t *id;
	size_t len;
	if (s.type == XS_SHT_NOBITS ||
	    xs_note_build_id(xs_object_section_data(o, sec), s.size, &id, &len) != XS_OK)
		return bad(d, o, sec, 0, "no GNU build-id note");
	b->id = id;
	b->len = (uint32_t)len;
	b->section = sec;
	return XS_OK;
}

static bool is_action(enum xs_lp_hook h)
{
	return h != XS_LP_HOOK_LOAD && h != XS_LP_HOOK_UNLOAD;
}

static xs_status read_hooks(struct xs_payload *p, struct xs_diag *d)
{
	const struct xs_object *o = p->obj;
	for (unsigned h = 0; h < XS_LP_HOOK_COUNT; h++) {
		uint32_t sec = unique_section(o, hook_names[h]);
		if (!sec)
			continue;
		if (sec == UINT32_MAX)
			return bad(d, o, 0, 0, "hook section appears more than once");
		struct xs_section s;
		xs_object_section(o, sec, &s);
		if (s.type == XS_SHT_NOBITS || s.size % 8 || (is_action(h) && s.size != 8))
			return bad(d, o, sec, 0,
				   is_action(h) ? "an action hook section holds exactly one pointer"
						: "hook section size is not a multiple of 8");
		p->hook_sec[h] = sec;
		p->hook_rela[h] = rela_for(o, sec);
		p->nhooks[h] = (uint32_t)(s.size / 8);
		for (uint32_t j = 0; j < p->nhooks[h]; j++) {
			struct xs_lp_ref ref;
			xs_status st = ref_at(o, p->hook_rela[h], sec, (uint64_t)j * 8, &ref, d);
			if (st)
				return st;
			if (ref.sym == XS_LP_NONE)
				return bad(d, o, sec, (uint64_t)j * 8, "hook pointer without relocation");
		}
	}
	if (!p->nhooks[XS_LP_HOOK_APPLY] != !p->nhooks[XS_LP_HOOK_REVERT])
		return bad(d, o, p->hook_sec[XS_LP_HOOK_APPLY] | p->hook_sec[XS_LP_HOOK_REVERT], 0,
			   "apply and revert action hooks come in pairs");
	return XS_OK;
}

xs_status xs_payload_read(struct xs_payload *p, const struct xs_object *o, struct xs_diag *d)
{
	if (!p || !o)
		return XS_E_INVALID_ARG;
	xs_memset(p, 0, sizeof(*p));
	p->obj = o;
	xs_status st;
	if ((st = read_note(o, XS_LP_SEC_BUILD_ID, &p->build_id, d)) ||
	    (st = read_note(o, XS_LP_SEC_DEPENDS, &p->depends, d)) ||
	    (st = read_note(o, XS_LP_SEC_XEN_DEPENDS, &p->xen_depends, d)) ||
	    (st = read_hooks(p, d)))
		return st;

	uint32_t sec = unique_section(o, XS_LP_SEC_FUNCS);
	if (sec == UINT32_MAX)
		return bad(d, o, 0, 0, ".livepatch.funcs appears more than once");
	if (!sec)
		return XS_OK;
	struct xs_section s;
	xs_object_section(o, sec, &s);
	const uint8_t *data = xs_object_section_data(o, sec);
	if (s.type == XS_SHT_NOBITS || (s.size && !data))
		return bad(d, o, sec, 0, "no contents");
	p->funcs_sec = sec;
	p->funcs_rela = rela_for(o, sec);
	if (s.size == 0)
		return XS_OK;
	p->version = s.size > XS_LP_OFF_VERSION ? data[XS_LP_OFF_VERSION] : 0;
	p->func_size = p->version == 1 ? XS_LP_FUNC_SIZE_V1
		       : p->version == 2 ? XS_LP_FUNC_SIZE_V2
					 : 0;
	if (!p->func_size)
		return bad(d, o, sec, XS_LP_OFF_VERSION, "unknown struct livepatch_func version");
	if (s.size % p->func_size)
		return bad(d, o, sec, s.size, "size is not a multiple of the entry size");
	if (s.size / p->func_size > UINT32_MAX - 1)
		return bad(d, o, sec, 0, "too many entries");
	p->nfuncs = (uint32_t)(s.size / p->func_size);
	for (uint32_t i = 0; i < p->nfuncs; i++) {
		struct xs_lp_func f;
		if ((st = read_func(p, i, &f, d)))
			return st;
	}
	return XS_OK;
}

xs_status xs_payload_func(const struct xs_payload *p, uint32_t i, struct xs_lp_func *f)
{
	if (!p || !f || i >= p->nfuncs)
		return XS_E_INVALID_ARG;
	return read_func(p, i, f, NULL);
}

xs_status xs_payload_func_linked(const struct xs_payload *p, const uint8_t *funcs, uint32_t i,
				 struct xs_lp_func *f, uint64_t *name_addr)
{
	if (!p || !funcs || !f || i >= p->nfuncs)
		return XS_E_INVALID_ARG;
	const uint8_t *e = funcs + (uint64_t)i * p->func_size;
	xs_memset(f, 0, sizeof(*f));
	f->index = i;
	decode_fields(e, p->func_size, f);
	f->name_ref.sym = f->new_ref.sym = f->old_ref.sym = XS_LP_NONE;
	f->nop = f->new_addr == 0;
	if (name_addr)
		*name_addr = xs_load_le(e + XS_LP_OFF_NAME, 8);
	return XS_OK;
}

xs_status xs_payload_hook(const struct xs_payload *p, enum xs_lp_hook h, uint32_t j,
			  struct xs_lp_ref *ref)
{
	if (!p || !ref || (unsigned)h >= XS_LP_HOOK_COUNT || j >= p->nhooks[h])
		return XS_E_INVALID_ARG;
	return ref_at(p->obj, p->hook_rela[h], p->hook_sec[h], (uint64_t)j * 8, ref, NULL);
}

uint64_t xs_payload_hook_linked(const uint8_t *sec, uint32_t j)
{
	return sec ? xs_load_le(sec + (uint64_t)j * 8, 8) : 0;
}
