/* SPDX-License-Identifier: MIT */
/*
 * Symbol table: a name index (open addressing over unique names, duplicates
 * chained through next[]) and an address index (LSD radix sort of values).
 * Unique-name slots keep clusters short even when hundreds of statics share
 * a name (__func__.0, AArch64 mapping symbols are not indexed at all).
 */
#include <xsplice/symtab.h>

#include "xs_elf.h"
#include "util.h"

#define ALIGN8(x) (((x) + 7u) & ~(size_t)7u)
/* slot.first: symbol index + 1 in the low bits; MULTI when the chain holds more than one. */
#define SLOT_MULTI 0x80000000u
#define SLOT_FIRST(sl) ((sl)->first & ~SLOT_MULTI)

static uint32_t slot_cap_for(uint32_t max)
{
	uint32_t cap = 16;
	while (cap < max && cap < (1u << 31))
		cap <<= 1;
	return cap < (1u << 31) ? cap << 1 : cap; /* load factor <= 1/2 */
}

size_t xs_symtab_size(uint32_t max_syms, size_t strbytes)
{
	size_t n = max_syms;
	size_t sz = ALIGN8(n * sizeof(struct xs_sym));
	sz += ALIGN8(n * sizeof(uint32_t)) * 3; /* next, by_addr, scratch */
	sz += n * sizeof(uint64_t) * 2;         /* sort keys */
	sz += (size_t)slot_cap_for(max_syms) * sizeof(struct xs_symtab_slot);
	sz += ALIGN8(strbytes);
	return sz;
}

xs_status xs_symtab_init(struct xs_symtab *t, void *mem, size_t size, uint32_t max_syms,
			 size_t strbytes)
{
	if (!t || (!mem && max_syms) || ((uintptr_t)mem & 7) || max_syms > (1u << 30))
		return XS_E_INVALID_ARG;
	if (size < xs_symtab_size(max_syms, strbytes))
		return XS_E_NO_SPACE;
	xs_memset(t, 0, sizeof(*t));
	uint8_t *p = mem;
	size_t n = max_syms;
	t->syms = (struct xs_sym *)(void *)p;
	p += ALIGN8(n * sizeof(struct xs_sym));
	t->next = (uint32_t *)(void *)p;
	p += ALIGN8(n * sizeof(uint32_t));
	t->by_addr = (uint32_t *)(void *)p;
	p += ALIGN8(n * sizeof(uint32_t));
	t->scratch = (uint32_t *)(void *)p;
	p += ALIGN8(n * sizeof(uint32_t));
	t->keys = (uint64_t *)(void *)p;
	p += n * sizeof(uint64_t) * 2;
	t->slot_cap = slot_cap_for(max_syms);
	t->slots = (struct xs_symtab_slot *)(void *)p;
	p += (size_t)t->slot_cap * sizeof(struct xs_symtab_slot);
	t->str = (char *)p;
	t->str_cap = strbytes;
	t->max = max_syms;
	xs_memset(t->slots, 0, (size_t)t->slot_cap * sizeof(struct xs_symtab_slot));
	return XS_OK;
}

static bool is_global(const struct xs_sym *s)
{
	return s->bind == XS_STB_GLOBAL || s->bind == XS_STB_WEAK || s->bind == XS_STB_GNU_UNIQUE;
}

/* AArch64/ARM mapping symbols ($x, $d, $x.42 ...) mark code/data, they name nothing. */
static bool is_mapping(const char *n)
{
	return n[0] == '$' && (n[1] == 'x' || n[1] == 'd' || n[1] == 'a' || n[1] == 't') &&
	       (n[2] == 0 || n[2] == '.');
}

static bool named(const struct xs_sym *s)
{
	return s->name && s->name[0] && s->type != XS_STT_SECTION && s->type != XS_STT_FILE &&
	       !is_mapping(s->name);
}

static bool addressed(const struct xs_sym *s)
{
	return s->type != XS_STT_SECTION && s->type != XS_STT_FILE && !(s->flags & XS_SYM_DEAD);
}

/*
 * The length of a name, a word at a time (musl's strlen): the reads are
 * aligned, so those past the NUL stay in its page and cannot fault, but
 * they may read bytes beyond the caller's object, which ASan must not
 * instrument. The bytes of the first word before s are forced non-zero.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
typedef uint64_t __attribute__((__may_alias__)) xs_word;
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

__attribute__((no_sanitize("address"))) static inline size_t name_len(const char *s)
{
	uintptr_t off = (uintptr_t)s & 7;
	const xs_word *w = (const xs_word *)(const void *)(s - off);
	uint64_t v = *w | (((uint64_t)1 << (8 * off)) - 1), z;
	while (!(z = (v - ONES) & ~v & HIGHS))
		v = *++w;
	return (size_t)((const char *)w - s) + (size_t)(__builtin_ctzll(z) >> 3);
}
#else
#define name_len xs_strlen
#endif

/*
 * One mixing step of the name hash: the 128-bit product of a and b folded
 * to 64 bits (wyhash's "mum"), sixteen bytes of name per multiply.
 */
static inline uint64_t mix(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 r = (unsigned __int128)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
	uint64_t h = (a ^ (b >> 29)) * 0xff51afd7ed558ccdull;
	return (h ^ (h >> 32) ^ b) * 0xc4ceb9fe1a85ec53ull;
#endif
}

/* The n (<= 8) bytes at p as a little-endian word (util.h). */
static inline uint64_t load(const char *p, size_t n)
{
	return xs_load_le((const uint8_t *)p, (unsigned)n);
}

/* The last r (1..8) bytes before end as bytes 0..r-1 of a word; end - 8 must be readable. */
static inline uint64_t load_tail(const char *end, size_t r)
{
	return load(end - 8, 8) >> (8 * (8 - r));
}

/*
 * The name hash: the length, then sixteen bytes a step; the last 1-15
 * bytes are read as words ending at the NUL, never past it. The top byte
 * holds the length (255: 255 or more), so equal slot hashes mean equal
 * lengths and names_equal compares that many bytes with one memcmp.
 */
#define HASH_LEN(h) ((h) >> 24)
#define K0 0xa0761d6478bd642full
#define K1 0xe7037ed1a0b428dbull
#define K2 0x8ebc6af09c88c6e3ull

static inline uint32_t hash_name_n(const char *s, size_t n)
{
	uint64_t h = K0 ^ n, a = 0, b = 0;
	size_t i = 0;
	for (; i + 16 <= n; i += 16)
		h = mix(load(s + i, 8) ^ K1, load(s + i + 8, 8) ^ h);
	size_t r = n - i; /* 0..15 */
	if (n >= 16 || (n >= 8 && r)) {
		if (r > 8) {
			a = load(s + i, 8);
			b = load_tail(s + n, r - 8);
		} else if (r) {
			a = load_tail(s + n, r);
		}
	} else {
		a = load(s, n); /* n < 8 */
	}
	h = mix(a ^ K1, b ^ h);
	h = mix(h ^ K2, n ^ K1);
	return ((uint32_t)h & 0x00ffffffu) | ((uint32_t)(n < 255 ? n : 255) << 24);
}

static uint32_t hash_name(const char *s)
{
	return hash_name_n(s, name_len(s));
}

/* Byte-wise name equality. */
static bool same_name(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* a (the table's) and b hash to h: both are HASH_LEN(h) bytes long unless that is 255. */
static bool names_equal(const char *a, const char *b, uint32_t h)
{
	uint32_t n = HASH_LEN(h);
	return n < 255 ? memcmp(a, b, n) == 0 : same_name(a, b);
}

static const char *copy_str(struct xs_symtab *t, const char *s)
{
	size_t n = xs_strlen(s) + 1;
	if (t->str_cap - t->str_used < n)
		return NULL;
	char *d = t->str + t->str_used;
	xs_memcpy(d, s, n);
	t->str_used += n;
	return d;
}

static xs_status store(struct xs_symtab *t, const struct xs_sym *s, uint32_t flags,
		       struct xs_sym *out)
{
	*out = *s;
	if (!s->name)
		out->name = "";
	if (!(flags & XS_SYMTAB_COPY))
		return XS_OK;
	out->name = copy_str(t, out->name);
	if (!out->name)
		return XS_E_NO_SPACE;
	if (s->file) {
		if (s->file != t->last_file_src || !t->last_file_copy) {
			const char *f = copy_str(t, s->file);
			if (!f)
				return XS_E_NO_SPACE;
			t->last_file_src = s->file;
			t->last_file_copy = f;
		}
		out->file = t->last_file_copy;
	}
	return XS_OK;
}

xs_status xs_symtab_add(struct xs_symtab *t, const struct xs_sym *s, uint32_t flags,
			uint32_t *index)
{
	if (!t || !s || t->finished)
		return t && t->finished ? XS_E_STATE : XS_E_INVALID_ARG;
	if (t->nsyms >= t->max)
		return XS_E_NO_SPACE;
	xs_status st = store(t, s, flags, &t->syms[t->nsyms]);
	if (st)
		return st;
	t->syms[t->nsyms].flags &= (uint16_t)~XS_SYM_DEAD;
	if (index)
		*index = t->nsyms;
	t->nsyms++;
	return XS_OK;
}

/* The slot holding name, or the empty slot where it would go. */
static struct xs_symtab_slot *find_slot(const struct xs_symtab *t, const char *name, uint32_t h)
{
	uint32_t mask = t->slot_cap - 1;
	for (uint32_t i = h & mask;; i = (i + 1) & mask) {
		struct xs_symtab_slot *sl = &t->slots[i];
		if (!sl->name)
			return sl;
		if (sl->hash == h && (sl->name == name || names_equal(sl->name, name, h)))
			return sl;
	}
}

/* Link symbol i into its name's chain: at the head (finish walks backwards) or the tail. */
static void index_name(struct xs_symtab *t, uint32_t i, bool tail)
{
	const struct xs_sym *s = &t->syms[i];
	uint32_t h = hash_name(s->name);
	struct xs_symtab_slot *sl = find_slot(t, s->name, h);
	t->next[i] = 0;
	if (!sl->name) {
		sl->name = s->name;
		sl->hash = h;
		t->nslots_used++;
	}
	uint32_t first = SLOT_FIRST(sl);
	if (!tail || !first) {
		t->next[i] = first;
		sl->first = (i + 1) | (first ? SLOT_MULTI : 0);
		return;
	}
	uint32_t j = first - 1;
	while (t->next[j])
		j = t->next[j] - 1;
	t->next[j] = i + 1;
	sl->first |= SLOT_MULTI;
}

/*
 * Stable LSD radix sort of idx[0..n) by symbol value, 8 bits a pass over
 * (key, index) copies, so each pass streams memory; bytes equal in every
 * key are skipped (addresses of one image share their high bytes).
 */
static void sort_by_value(const struct xs_sym *syms, uint32_t *idx, uint32_t *tmp,
			  uint64_t *keys, uint32_t n)
{
	uint32_t *src = idx, *dst = tmp;
	uint64_t *ksrc = keys, *kdst = keys + n;
	for (uint32_t i = 0; i < n; i++)
		ksrc[i] = syms[idx[i]].value;
	for (unsigned shift = 0; shift < 64; shift += 8) {
		uint32_t count[256];
		xs_memset(count, 0, sizeof(count));
		for (uint32_t i = 0; i < n; i++)
			count[(ksrc[i] >> shift) & 0xff]++;
		bool uniform = false;
		for (unsigned b = 0; b < 256; b++)
			if (count[b] == n)
				uniform = true;
		if (uniform)
			continue;
		uint32_t sum = 0;
		for (unsigned b = 0; b < 256; b++) {
			uint32_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (uint32_t i = 0; i < n; i++) {
			uint32_t at = count[(ksrc[i] >> shift) & 0xff]++;
			dst[at] = src[i];
			kdst[at] = ksrc[i];
		}
		uint32_t *sw = src;
		src = dst;
		dst = sw;
		uint64_t *ksw = ksrc;
		ksrc = kdst;
		kdst = ksw;
	}
	if (src != idx)
		xs_memcpy(idx, src, (size_t)n * sizeof(uint32_t));
	if (ksrc != keys)
		xs_memcpy(keys, ksrc, (size_t)n * sizeof(uint64_t));
}

static void note_size(struct xs_symtab *t, const struct xs_sym *s)
{
	if ((s->type == XS_STT_FUNC || s->type == XS_STT_OBJECT || s->type == XS_STT_GNU_IFUNC) &&
	    s->size > t->max_size)
		t->max_size = s->size;
}

/*
 * The file index, for "file#name" queries: a sorted array of
 * (hash(name, last path component of file) << 32 | symbol index) over the
 * named symbols that have a file, so that a query visits only the statics
 * of that name in files of that last component - not every file's static of
 * the name (1,000 files with a `helper` each: 1,000 string compares). It
 * lives in memory that finish no longer needs: keys[max .. max + n) (keys[0
 * .. naddr) holds the address index) and n + 1 in scratch[0] (0: no index).
 * Exported symbols have no file, so export / unexport leave it valid.
 */
static uint32_t hash_span(const char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

static uint64_t file_key(uint32_t name_hash, uint32_t base_hash)
{
	uint32_t h = (name_hash ^ (base_hash * 0x9e3779b1u)) * 0x85ebca6bu;
	return (uint64_t)(h ^ (h >> 13)) << 32;
}

/* The last path component of file[0..len): its offset. */
static size_t base_at(const char *file, size_t len)
{
	size_t b = len;
	while (b > 0 && file[b - 1] != '/')
		b--;
	return b;
}

/* In-place heapsort of a[0..n): no scratch memory is left for a radix sort. */
static void sift(uint64_t *a, size_t i, size_t n)
{
	uint64_t v = a[i];
	for (size_t c; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && a[c + 1] > a[c])
			c++;
		if (a[c] <= v)
			break;
		a[i] = a[c];
	}
	a[i] = v;
}

static void heapsort_u64(uint64_t *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift(a, i, n);
	for (size_t k = n; k-- > 1;) {
		uint64_t v = a[0];
		a[0] = a[k];
		a[k] = v;
		sift(a, 0, k);
	}
}

static void build_file_index(struct xs_symtab *t)
{
	if (!t->max)
		return;
	uint64_t *fx = t->keys + t->max;
	uint32_t n = 0;
	const char *last = NULL;
	uint32_t last_hash = 0;
	for (uint32_t i = 0; i < t->nsyms; i++) {
		const struct xs_sym *s = &t->syms[i];
		if (!s->file || !named(s))
			continue;
		if (s->file != last) {
			size_t fl = xs_strlen(s->file), b = base_at(s->file, fl);
			last = s->file;
			last_hash = hash_span(s->file + b, fl - b);
		}
		fx[n++] = file_key(hash_name(s->name), last_hash) | i;
	}
	heapsort_u64(fx, n);
	t->scratch[0] = n + 1;
}

xs_status xs_symtab_finish(struct xs_symtab *t)
{
	if (!t)
		return XS_E_INVALID_ARG;
	if (t->finished)
		return XS_E_STATE;
	for (uint32_t i = t->nsyms; i-- > 0;)
		if (named(&t->syms[i]))
			index_name(t, i, false);
	t->naddr = 0;
	for (uint32_t i = 0; i < t->nsyms; i++) {
		if (addressed(&t->syms[i])) {
			t->by_addr[t->naddr++] = i;
			note_size(t, &t->syms[i]);
		}
	}
	sort_by_value(t->syms, t->by_addr, t->scratch, t->keys, t->naddr);
	build_file_index(t);
	t->finished = true;
	return XS_OK;
}

uint32_t xs_symtab_count(const struct xs_symtab *t)
{
	return t ? t->nsyms : 0;
}

const struct xs_sym *xs_symtab_get(const struct xs_symtab *t, uint32_t i)
{
	return t && i < t->nsyms ? &t->syms[i] : NULL;
}

/* "common/sched/core.c" matches "common/sched/core.c", "sched/core.c", "core.c". */
static bool file_matches(const char *file, const char *want, size_t wl)
{
	if (!file)
		return false;
	size_t fl = xs_strlen(file);
	if (fl < wl || xs_strncmp(file + fl - wl, want, wl) != 0)
		return false;
	return fl == wl || file[fl - wl - 1] == '/';
}

struct query {
	const char *base;
	const char *file; /* NULL: any */
	size_t file_len;
	uint32_t flags;
};

static bool wanted(const struct xs_sym *s, const struct query *q)
{
	if (s->flags & XS_SYM_DEAD)
		return false;
	if ((q->flags & XS_LOOKUP_GLOBAL) && !is_global(s))
		return false;
	if ((q->flags & XS_LOOKUP_FUNC) && s->type != XS_STT_FUNC && s->type != XS_STT_GNU_IFUNC)
		return false;
	return !q->file || file_matches(s->file, q->file, q->file_len);
}

/* First symbol of the chain for q->base, 0 if none (index + 1). */
static uint32_t chain(const struct xs_symtab *t, const char *base)
{
	const struct xs_symtab_slot *sl = find_slot(t, base, hash_name(base));
	return sl->name ? SLOT_FIRST(sl) : 0;
}

/* Split "file#name" unless the whole string is itself an indexed name. */
static void parse_query(const struct xs_symtab *t, const char *name, uint32_t flags,
			struct query *q, char *buf, size_t bufsize)
{
	q->base = name;
	q->file = NULL;
	q->file_len = 0;
	q->flags = flags;
	const char *hash = NULL;
	for (const char *p = name; *p; p++)
		if (*p == '#')
			hash = p;
	if (!hash || hash == name || !hash[1] || chain(t, name))
		return;
	q->file = name;
	q->file_len = (size_t)(hash - name);
	xs_strlcpy(buf, hash + 1, bufsize);
	q->base = buf;
}

uint32_t xs_symtab_candidates(const struct xs_symtab *t, const char *name, uint32_t flags,
			      uint32_t *out, uint32_t max)
{
	if (!t || !name || !t->finished)
		return 0;
	char buf[256];
	struct query q;
	parse_query(t, name, flags, &q, buf, sizeof(buf));
	uint32_t n = 0;
	for (uint32_t c = chain(t, q.base); c; c = t->next[c - 1]) {
		if (!wanted(&t->syms[c - 1], &q))
			continue;
		if (n < max && out)
			out[n] = c - 1;
		n++;
	}
	return n;
}

size_t xs_symtab_format(const struct xs_symtab *t, uint32_t i, char *buf, size_t size)
{
	const struct xs_sym *s = xs_symtab_get(t, i);
	if (!s)
		return xs_fmt(buf, size, "?");
	if (s->file && !is_global(s)) {
		xs_fmt(buf, size, "%s#%s", s->file, s->name);
		return xs_strlen(s->file) + 1 + xs_strlen(s->name);
	}
	xs_fmt(buf, size, "%s", s->name);
	return xs_strlen(s->name);
}

static void diag_sym(struct xs_diag *d, xs_status st, const char *name)
{
	if (!d)
		return;
	xs_diag_clear(d);
	d->status = st;
	xs_strlcpy(d->symbol_name, name, sizeof(d->symbol_name));
}

/* Everything but a unique plain name: file#name, flags, ambiguity, not found. */
__attribute__((noinline)) static xs_status lookup_slow(const struct xs_symtab *t,
						       const char *name, uint32_t flags,
						       uint32_t *index, struct xs_diag *d)
{
	char buf[256];
	struct query q;
	parse_query(t, name, flags, &q, buf, sizeof(buf));
	uint32_t found = 0, n = 0;
	bool ambiguous = false;
	size_t b = q.file ? base_at(q.file, q.file_len) : 0;
	if (q.file && b < q.file_len && t->max && t->scratch[0]) {
		/* the candidates the chain walk below would accept, in the same (index) order */
		const uint64_t *fx = t->keys + t->max;
		uint64_t key = file_key(hash_name(q.base), hash_span(q.file + b, q.file_len - b));
		uint32_t lo = 0, hi = t->scratch[0] - 1;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (fx[mid] < key)
				lo = mid + 1;
			else
				hi = mid;
		}
		uint32_t nfx = t->scratch[0] - 1;
		for (; lo < nfx && (fx[lo] >> 32) == (key >> 32); lo++) {
			uint32_t i = (uint32_t)fx[lo];
			const struct xs_sym *s = &t->syms[i];
			if (!same_name(s->name, q.base) || !wanted(s, &q))
				continue;
			if (!n++)
				found = i;
			else if (s->value != t->syms[found].value)
				ambiguous = true;
		}
	} else {
		for (uint32_t c = chain(t, q.base); c; c = t->next[c - 1]) {
			const struct xs_sym *s = &t->syms[c - 1];
			if (!wanted(s, &q))
				continue;
			if (!n++)
				found = c - 1;
			else if (s->value != t->syms[found].value)
				ambiguous = true;
		}
	}
	if (!n) {
		diag_sym(d, XS_E_NOT_FOUND, name);
		if (d)
			xs_fmt(d->msg, sizeof(d->msg), "symbol '%s' not found", name);
		return XS_E_NOT_FOUND;
	}
	if (!ambiguous) {
		*index = found;
		return XS_OK;
	}
	if (d) {
		diag_sym(d, XS_E_AMBIGUOUS_SYMBOL, name);
		size_t len = xs_fmt(d->msg, sizeof(d->msg), "ambiguous symbol '%s' (%u candidates):",
				    name, n);
		for (uint32_t c = chain(t, q.base); c; c = t->next[c - 1]) {
			if (!wanted(&t->syms[c - 1], &q))
				continue;
			char one[160];
			xs_symtab_format(t, c - 1, one, sizeof(one));
			if (len + xs_strlen(one) + 6 >= sizeof(d->msg)) {
				xs_strlcpy(d->msg + len, " ...", sizeof(d->msg) - len);
				break;
			}
			len += xs_fmt(d->msg + len, sizeof(d->msg) - len, " %s", one);
		}
	}
	return XS_E_AMBIGUOUS_SYMBOL;
}

/*
 * The fast path, a unique plain name: the query is read twice (its length
 * a word at a time, then the hash), then one slot (rarely two) and one
 * memcmp of the known length against the table's copy. Its loads form a
 * chain of three cache misses (query, slot, table name), so the fewer
 * instructions around them, the more lookups a caller's loop overlaps.
 * Anything else (flags, file#name, duplicates, not found) is lookup_slow's.
 */
xs_status xs_symtab_lookup(const struct xs_symtab *t, const char *name, uint32_t flags,
			   uint32_t *index, struct xs_diag *d)
{
	if (!t || !name || !index)
		return XS_E_INVALID_ARG;
	if (!t->finished)
		return XS_E_STATE;
	if (!flags) {
		size_t n = name_len(name);
		uint32_t h = hash_name_n(name, n), mask = t->slot_cap - 1;
		for (uint32_t i = h & mask;; i = (i + 1) & mask) {
			const struct xs_symtab_slot *sl = &t->slots[i];
			if (!sl->name)
				break;
			if (sl->hash != h)
				continue;
			/* equal hashes: equal lengths below 255; above, the table's is checked */
			if ((n >= 255 && name_len(sl->name) != n) || memcmp(sl->name, name, n) != 0)
				continue;
			if (sl->first & SLOT_MULTI)
				break;
			*index = SLOT_FIRST(sl) - 1;
			return XS_OK;
		}
	}
	return lookup_slow(t, name, flags, index, d);
}

/*
 * Number of address-index entries with value <= addr. After finish, keys[i]
 * is the value of by_addr[i] (sort_by_value leaves them there; export and
 * unexport keep them in step): a dense array, one cache miss a level fewer.
 */
static uint32_t upper_bound(const struct xs_symtab *t, uint64_t addr)
{
	uint32_t lo = 0, hi = t->naddr;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (t->keys[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

xs_status xs_symtab_addr(const struct xs_symtab *t, uint64_t addr, uint32_t *index,
			 uint64_t *offset)
{
	if (!t || !index)
		return XS_E_INVALID_ARG;
	if (!t->finished)
		return XS_E_STATE;
	for (uint32_t k = upper_bound(t, addr); k-- > 0;) {
		const struct xs_sym *s = &t->syms[t->by_addr[k]];
		if (addr - s->value >= t->max_size && t->max_size)
			break; /* nothing further back is large enough to reach addr */
		if (s->size == 0 || s->flags & XS_SYM_DEAD ||
		    (s->type != XS_STT_FUNC && s->type != XS_STT_OBJECT &&
		     s->type != XS_STT_GNU_IFUNC))
			continue;
		if (addr - s->value < s->size) {
			*index = t->by_addr[k];
			if (offset)
				*offset = addr - s->value;
			return XS_OK;
		}
	}
	return XS_E_NOT_FOUND;
}

xs_status xs_symtab_next_at_or_after(const struct xs_symtab *t, uint64_t addr, uint32_t *index)
{
	if (!t || !index)
		return XS_E_INVALID_ARG;
	if (!t->finished)
		return XS_E_STATE;
	uint32_t lo = 0, hi = t->naddr;
	while (lo < hi) { /* first entry with value >= addr */
		uint32_t mid = lo + (hi - lo) / 2;
		if (t->keys[mid] < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == t->naddr)
		return XS_E_NOT_FOUND;
	*index = t->by_addr[lo];
	return XS_OK;
}

uint32_t xs_symtab_addr_count(const struct xs_symtab *t)
{
	return t ? t->naddr : 0;
}

uint32_t xs_symtab_by_addr(const struct xs_symtab *t, uint32_t i)
{
	return t && i < t->naddr ? t->by_addr[i] : UINT32_MAX;
}

static bool live_global_named(const struct xs_symtab *t, const char *name)
{
	for (uint32_t c = chain(t, name); c; c = t->next[c - 1]) {
		const struct xs_sym *s = &t->syms[c - 1];
		if (!(s->flags & XS_SYM_DEAD) && is_global(s))
			return true;
	}
	return false;
}

static xs_status dup_error(struct xs_diag *d, const char *name, uint32_t owner)
{
	diag_sym(d, XS_E_DUPLICATE_SYMBOL, name);
	if (d)
		xs_fmt(d->msg, sizeof(d->msg),
		       "payload %u: symbol '%s' is already defined by the host or a loaded payload",
		       owner, name);
	return XS_E_DUPLICATE_SYMBOL;
}

xs_status xs_symtab_export(struct xs_symtab *t, uint32_t owner, const struct xs_sym *syms,
			   uint32_t n, uint32_t flags, struct xs_diag *d)
{
	if (!t || owner == 0 || (n && !syms))
		return XS_E_INVALID_ARG;
	if (!t->finished)
		return XS_E_STATE;
	if (n > t->max - t->nsyms)
		return XS_E_NO_SPACE;
	for (uint32_t i = 0; i < n; i++) {
		const char *name = syms[i].name;
		if (!name || !name[0])
			return XS_E_INVALID_ARG;
		if (live_global_named(t, name))
			return dup_error(d, name, owner);
		for (uint32_t j = 0; j < i; j++)
			if (xs_strcmp(syms[j].name, name) == 0)
				return dup_error(d, name, owner);
	}
	size_t str_mark = t->str_used;
	uint32_t base = t->nsyms;
	for (uint32_t i = 0; i < n; i++) {
		xs_status st = store(t, &syms[i], flags, &t->syms[base + i]);
		if (st) {
			t->str_used = str_mark;
			return st;
		}
		struct xs_sym *s = &t->syms[base + i];
		s->owner = owner;
		s->flags = (uint16_t)((s->flags & ~XS_SYM_DEAD) | XS_SYM_PAYLOAD);
		if (!is_global(s))
			s->bind = XS_STB_GLOBAL;
		s->file = NULL;
	}
	/* Nothing can fail from here on. */
	t->nsyms += n;
	for (uint32_t i = base; i < base + n; i++) {
		index_name(t, i, true);
		note_size(t, &t->syms[i]);
		uint32_t k = upper_bound(t, t->syms[i].value);
		memmove(&t->by_addr[k + 1], &t->by_addr[k],
			   (size_t)(t->naddr - k) * sizeof(uint32_t));
		memmove(&t->keys[k + 1], &t->keys[k], (size_t)(t->naddr - k) * sizeof(uint64_t));
		t->by_addr[k] = i;
		t->keys[k] = t->syms[i].value;
		t->naddr++;
	}
	return XS_OK;
}

/* Linear-probing deletion by backward shift (Knuth 6.4, algorithm R): no tombstones. */
static void delete_slot(struct xs_symtab *t, uint32_t i)
{
	uint32_t mask = t->slot_cap - 1;
	for (uint32_t j = (i + 1) & mask; t->slots[j].name; j = (j + 1) & mask) {
		uint32_t home = t->slots[j].hash & mask;
		bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
		if (stays)
			continue;
		t->slots[i] = t->slots[j];
		i = j;
	}
	xs_memset(&t->slots[i], 0, sizeof(t->slots[i]));
	t->nslots_used--;
}

static void unlink_name(struct xs_symtab *t, uint32_t i)
{
	struct xs_symtab_slot *sl = find_slot(t, t->syms[i].name, hash_name(t->syms[i].name));
	if (!sl->name)
		return;
	uint32_t first = SLOT_FIRST(sl);
	if (first == i + 1) {
		first = t->next[i];
	} else {
		for (uint32_t j = first; j; j = t->next[j - 1]) {
			if (t->next[j - 1] == i + 1) {
				t->next[j - 1] = t->next[i];
				break;
			}
		}
	}
	if (!first) {
		delete_slot(t, (uint32_t)(sl - t->slots));
		return;
	}
	sl->first = first | (t->next[first - 1] ? SLOT_MULTI : 0);
	sl->name = t->syms[first - 1].name; /* the slot's key must outlive i */
}

/* After entries at the tail were dropped: the copied strings still in use end here. */
static size_t strings_in_use(const struct xs_symtab *t)
{
	size_t used = 0;
	for (uint32_t i = 0; i < t->nsyms; i++) {
		const char *ps[2] = {t->syms[i].name, t->syms[i].file};
		for (int k = 0; k < 2; k++) {
			const char *p = ps[k];
			if (p && p >= t->str && p < t->str + t->str_used) {
				size_t end = (size_t)(p - t->str) + xs_strlen(p) + 1;
				if (end > used)
					used = end;
			}
		}
	}
	return used;
}

xs_status xs_symtab_unexport(struct xs_symtab *t, uint32_t owner)
{
	if (!t || owner == 0)
		return XS_E_INVALID_ARG;
	if (!t->finished)
		return XS_E_STATE;
	uint32_t removed = 0;
	for (uint32_t i = 0; i < t->nsyms; i++) {
		struct xs_sym *s = &t->syms[i];
		if (s->owner != owner || (s->flags & XS_SYM_DEAD))
			continue;
		unlink_name(t, i);
		s->flags |= XS_SYM_DEAD;
		removed++;
	}
	if (!removed)
		return XS_E_NOT_FOUND;
	uint32_t k = 0;
	for (uint32_t j = 0; j < t->naddr; j++)
		if (!(t->syms[t->by_addr[j]].flags & XS_SYM_DEAD)) {
			t->keys[k] = t->keys[j];
			t->by_addr[k++] = t->by_addr[j];
		}
	t->naddr = k;
	uint32_t before = t->nsyms;
	while (t->nsyms && (t->syms[t->nsyms - 1].flags & XS_SYM_DEAD))
		t->nsyms--; /* stack order: the last export's entries are reused */
	if (t->nsyms != before && t->str_used) {
		t->str_used = strings_in_use(t);
		t->last_file_src = t->last_file_copy = NULL;
	}
	return XS_OK;
}
