/* SPDX-License-Identifier: MIT */
/*
 * Symbol tables: build time and per-lookup time by name, by address and by
 * `file#name`, on every symbol of libLLVM-14.so.1 (its .dynsym: Debian
 * strips .symtab, so it has no STT_FILE and no file#name queries) and on a
 * synthetic table of 1,000,000 symbols (1,000 files of 500 unique globals
 * and 500 statics whose names repeat in every file).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xsplice/symtab.h>

#include "bench.h"

#define XS_STT_FUNC_ 2
#define XS_STB_LOCAL_ 0
#define XS_STB_GLOBAL_ 1

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void shuffle(const char **a, uint64_t *b, uint32_t n)
{
	for (uint32_t i = n; i > 1; i--) {
		uint32_t j = rnd() % i;
		if (a) {
			const char *t = a[i - 1];
			a[i - 1] = a[j];
			a[j] = t;
		}
		if (b) {
			uint64_t t = b[i - 1];
			b[i - 1] = b[j];
			b[j] = t;
		}
	}
}

static void report(const struct bench_opts *o, const char *table, const char *what, uint32_t n,
		   struct stats *s, uint32_t syms)
{
	fprintf(o->table, "    %-20s %10.1f ns%s  [%8.1f .. %8.1f]  (%u queries)\n", what,
		s->median, strcmp(what, "build") == 0 ? " " : "/op", s->min, s->max, n);
	bench_json_begin(o, "symtab");
	bench_json_str(o, "table", table);
	bench_json_str(o, "op", what);
	bench_json_int(o, "symbols", syms);
	bench_json_int(o, "queries", n);
	bench_json_stats(o, "ns", s);
	bench_json_end(o);
}

static void report_na(const struct bench_opts *o, const char *table, const char *what,
		      const char *why)
{
	fprintf(o->table, "    %-20s not available: %s\n", what, why);
	bench_json_begin(o, "symtab");
	bench_json_str(o, "table", table);
	bench_json_str(o, "op", what);
	bench_json_str(o, "status", "not available");
	bench_json_str(o, "reason", why);
	bench_json_end(o);
}

/* Per-query ns of looking up every name (shuffled), over o->runs passes. */
static void time_names(const struct bench_opts *o, const char *table, const char *what,
		       const struct xs_symtab *t, const char **names, uint32_t n)
{
	if (!n) {
		report_na(o, table, what, "no such queries");
		return;
	}
	/* the queries are the caller's own strings, not the table's pointers */
	size_t bytes = 0;
	for (uint32_t i = 0; i < n; i++)
		bytes += strlen(names[i]) + 1;
	char *own = malloc(bytes), *q = own;
	for (uint32_t i = 0; i < n; i++) {
		size_t l = strlen(names[i]) + 1;
		memcpy(q, names[i], l);
		names[i] = q;
		q += l;
	}
	shuffle(names, NULL, n);
	double *v = calloc((size_t)o->runs, sizeof(double));
	uint32_t bad = 0;
	for (int r = 0; r < o->runs; r++) {
		uint64_t acc = 0, t0 = bench_now_ns();
		for (uint32_t i = 0; i < n; i++) {
			uint32_t idx = 0;
			if (xs_symtab_lookup(t, names[i], 0, &idx, NULL) != XS_OK)
				bad++;
			acc += idx;
		}
		v[r] = (double)(bench_now_ns() - t0) / n;
		bench_sink(acc);
	}
	struct stats s;
	bench_stats(v, o->runs, &s);
	report(o, table, what, n, &s, xs_symtab_count(t));
	if (bad)
		fprintf(o->table, "    (%u lookups failed)\n", bad / (uint32_t)o->runs);
	free(v);
	free(own);
}

static void time_addrs(const struct bench_opts *o, const char *table, const struct xs_symtab *t,
		       uint64_t *addrs, uint32_t n)
{
	shuffle(NULL, addrs, n);
	double *v = calloc((size_t)o->runs, sizeof(double));
	for (int r = 0; r < o->runs; r++) {
		uint64_t acc = 0, t0 = bench_now_ns();
		for (uint32_t i = 0; i < n; i++) {
			uint32_t idx = 0;
			uint64_t off = 0;
			xs_symtab_addr(t, addrs[i], &idx, &off);
			acc += idx + off;
		}
		v[r] = (double)(bench_now_ns() - t0) / n;
		bench_sink(acc);
	}
	struct stats s;
	bench_stats(v, o->runs, &s);
	report(o, table, "lookup by address", n, &s, xs_symtab_count(t));
	free(v);
}

/* Names (unique plain ones) and addresses inside sized symbols of a finished table. */
static void queries(const struct xs_symtab *t, const char ***names, uint32_t *nn, uint64_t **addrs,
		    uint32_t *na)
{
	uint32_t n = xs_symtab_count(t);
	*names = calloc(n ? n : 1, sizeof(**names));
	*addrs = calloc(n ? n : 1, sizeof(**addrs));
	*nn = *na = 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct xs_sym *s = xs_symtab_get(t, i);
		uint32_t idx;
		if (s->name && s->name[0] && !s->file &&
		    xs_symtab_lookup(t, s->name, 0, &idx, NULL) == XS_OK)
			(*names)[(*nn)++] = s->name;
		if (s->size && (s->type == 1 || s->type == 2))
			(*addrs)[(*na)++] = s->value + s->size / 2;
	}
}

static void bench_llvm(const struct bench_opts *o)
{
	const char *table = "libLLVM-14.so.1";
	fprintf(o->table, "  %s (%s)\n", table, o->llvm);
	int fd = open(o->llvm, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		report_na(o, table, "build", "cannot open (apt-get install llvm-14)");
		return;
	}
	size_t size = (size_t)st.st_size;
	void *img = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (img == MAP_FAILED) {
		report_na(o, table, "build", "mmap failed");
		return;
	}
	uint32_t nsyms;
	size_t strbytes;
	struct xs_diag d;
	if (xs_symtab_elf_need(img, size, &nsyms, &strbytes, &d) != XS_OK) {
		report_na(o, table, "build", d.msg);
		munmap(img, size);
		return;
	}
	size_t msize = xs_symtab_size(nsyms, 0);
	void *mem = aligned_alloc(64, (msize + 63) & ~(size_t)63);
	memset(mem, 0, msize);
	struct xs_symtab t;
	double *v = calloc((size_t)o->runs + 1, sizeof(double));
	for (int r = 0; r <= o->runs; r++) { /* run 0 warms up */
		uint64_t t0 = bench_now_ns();
		xs_status s = xs_symtab_init(&t, mem, msize, nsyms, 0);
		if (s == XS_OK)
			s = xs_symtab_add_elf(&t, img, size, 0, 0, &d);
		if (s == XS_OK)
			s = xs_symtab_finish(&t);
		uint64_t t1 = bench_now_ns();
		if (s != XS_OK) {
			report_na(o, table, "build", xs_status_message(s));
			goto out;
		}
		if (r)
			v[r - 1] = (double)(t1 - t0);
	}
	struct stats s;
	bench_stats(v, o->runs, &s);
	report(o, table, "build", nsyms, &s, xs_symtab_count(&t));
	const char **names;
	uint64_t *addrs;
	uint32_t nn, na;
	queries(&t, &names, &nn, &addrs, &na);
	time_names(o, table, "lookup by name", &t, names, nn);
	time_addrs(o, table, &t, addrs, na);
	report_na(o, table, "lookup file#name", "stripped library: .dynsym has no STT_FILE");
	free(names);
	free(addrs);
out:
	free(v);
	free(mem);
	munmap(img, size);
}

static void bench_synthetic(const struct bench_opts *o)
{
	uint32_t files = o->smoke ? 10 : 1000, per = 1000, half = per / 2, n = files * per;
	char table[64];
	snprintf(table, sizeof(table), "synthetic-%u", n);
	fprintf(o->table, "  %s (%u files x (%u globals + %u statics))\n", table, files, half,
		half);
	/* the strings: file names, then globals g_NNNNNNN, then helper_NNN once */
	size_t strcap = (size_t)files * 40 + (size_t)n * 12 + (size_t)half * 16;
	char *str = malloc(strcap), *p = str;
	const char **fname = calloc(files, sizeof(*fname));
	const char **local = calloc(half, sizeof(*local));
	struct xs_sym *syms = calloc(n, sizeof(*syms));
	for (uint32_t k = 0; k < half; k++) {
		local[k] = p;
		p += sprintf(p, "helper_%u", k) + 1;
	}
	for (uint32_t f = 0; f < files; f++) {
		fname[f] = p;
		p += sprintf(p, "src/dir%u/file%u.c", f % 37, f) + 1;
		for (uint32_t k = 0; k < per; k++) {
			uint32_t i = f * per + k;
			struct xs_sym *s = &syms[i];
			s->value = 0x100000000ull + (uint64_t)i * 32;
			s->size = 32;
			s->type = XS_STT_FUNC_;
			s->shndx = 1;
			s->flags = 1; /* XS_SYM_EXEC */
			if (k < half) {
				s->name = p;
				p += sprintf(p, "g_%07u", i) + 1;
				s->bind = XS_STB_GLOBAL_;
			} else {
				s->name = local[k - half];
				s->file = fname[f];
				s->bind = XS_STB_LOCAL_;
			}
		}
	}
	size_t msize = xs_symtab_size(n, 0);
	void *mem = aligned_alloc(64, (msize + 63) & ~(size_t)63);
	memset(mem, 0, msize);
	struct xs_symtab t;
	int runs = o->runs;
	double *v = calloc((size_t)runs + 1, sizeof(double));
	for (int r = 0; r <= runs; r++) {
		uint64_t t0 = bench_now_ns();
		xs_status s = xs_symtab_init(&t, mem, msize, n, 0);
		for (uint32_t i = 0; s == XS_OK && i < n; i++)
			s = xs_symtab_add(&t, &syms[i], 0, NULL);
		if (s == XS_OK)
			s = xs_symtab_finish(&t);
		uint64_t t1 = bench_now_ns();
		if (s != XS_OK) {
			report_na(o, table, "build", xs_status_message(s));
			goto out;
		}
		if (r)
			v[r - 1] = (double)(t1 - t0);
	}
	struct stats s;
	bench_stats(v, runs, &s);
	report(o, table, "build", n, &s, n);
	const char **names;
	uint64_t *addrs;
	uint32_t nn, na;
	queries(&t, &names, &nn, &addrs, &na);
	time_names(o, table, "lookup by name", &t, names, nn);
	time_addrs(o, table, &t, addrs, na);
	/* file#name: every static, by its last two path components */
	/* a sample: each query walks every file's static of that name */
	uint32_t nq = files * half < 20000 ? files * half : 20000;
	char *qstr = malloc((size_t)nq * 40), *q = qstr;
	const char **fq = calloc(nq, sizeof(*fq));
	for (uint32_t j = 0; j < nq; j++) {
		uint32_t f = rnd() % files, k = rnd() % half;
		fq[j] = q;
		q += sprintf(q, "dir%u/file%u.c#helper_%u", f % 37, f, k) + 1;
	}
	time_names(o, table, "lookup file#name", &t, fq, nq);
	free(fq);
	free(qstr);
	free(names);
	free(addrs);
out:
	free(v);
	free(mem);
	free(syms);
	free(local);
	free(fname);
	free(str);
}

int bench_symtab(const struct bench_opts *o)
{
	fprintf(o->table, "\n== symbol table (median [min .. max] of %d runs) ==\n", o->runs);
	bool all = !o->table_only;
	if (!o->smoke && (all || strcmp(o->table_only, "llvm") == 0))
		bench_llvm(o);
	if (all || strcmp(o->table_only, "synthetic") == 0)
		bench_synthetic(o);
	return 0;
}
