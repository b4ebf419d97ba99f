/* SPDX-License-Identifier: MIT */
/*
 * Link throughput, in process: parse, plan (+ placement), resolve and
 * relocate of one combined Debian object, each timed on its own over
 * repeated runs, beside the floor - copying (memcpy) and reading (pread from
 * the page cache) the same bytes.
 *
 * The link is the cross path of `xsplice link`: regions go into one heap
 * buffer at fixed addresses (base 0x400000, text, rodata, data in turn) and
 * undefined symbols resolve to fixed addresses 64 MiB above the base, so
 * every branch is in reach and no stub is written. The same code runs for
 * x86_64 and aarch64 objects on any host.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xsplice/link.h>
#include <xsplice/object.h>

#include "bench.h"

#define BASE 0x400000ull
#define EXTERN_BASE (BASE + 0x4000000ull)

enum { PH_READ, PH_COPY, PH_PARSE, PH_PLAN, PH_RESOLVE, PH_RELOCATE, PH_TOTAL, PH_COUNT };
static const char *const phase_name[PH_COUNT] = {"read",    "copy",	"parse", "plan",
						 "resolve", "relocate", "total"};

static xs_status fake_resolve(void *ctx, const char *name, uint64_t *value)
{
	(void)ctx;
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	*value = EXTERN_BASE + (uint64_t)(h & 0xffff) * 16;
	return XS_OK;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) & ~(a - 1) : v;
}

struct link_run {
	struct xs_object obj;
	struct xs_link lk;
	uint8_t *ws;
	size_t ws_size;
	uint8_t *img;
	size_t img_size;
	struct xs_link_stats st;
};

/* One full link; t[] receives each phase's ns. Returns 0 on success. */
static int link_once(struct link_run *r, const uint8_t *data, size_t size, uint16_t machine,
		     double *t, char *err, size_t errlen)
{
	struct xs_diag d;
	xs_status s;
	uint64_t t0 = bench_now_ns();
	s = xs_object_parse(&r->obj, data, size, machine, &d);
	uint64_t t1 = bench_now_ns();
	if (s != XS_OK)
		goto fail;
	if ((s = xs_link_init(&r->lk, &r->obj, 1, NULL, &d)) != XS_OK)
		goto fail;
	size_t need = xs_link_workspace_size(&r->lk);
	if (need > r->ws_size) { /* first run only: sizes do not change */
		free(r->ws);
		r->ws = aligned_alloc(64, align_up(need, 64));
		r->ws_size = r->ws ? need : 0;
		if (!r->ws) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		t1 = bench_now_ns();
	}
	if ((s = xs_link_plan(&r->lk, r->ws, r->ws_size, &d)) != XS_OK)
		goto fail;
	uint64_t raddr[XS_REGION_COUNT], cur = BASE;
	for (int k = 0; k < XS_REGION_COUNT; k++) {
		uint64_t sz, al;
		xs_link_region_need(&r->lk, (enum xs_region)k, &sz, &al);
		raddr[k] = align_up(cur, al ? al : 1);
		cur = raddr[k] + sz;
	}
	if (cur - BASE > r->img_size) {
		uint64_t t_alloc = bench_now_ns();
		free(r->img);
		r->img_size = (size_t)(cur - BASE);
		r->img = calloc(1, r->img_size);
		if (!r->img) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		t1 += bench_now_ns() - t_alloc;
	}
	for (int k = 0; k < XS_REGION_COUNT; k++)
		if ((s = xs_link_place_region(&r->lk, (enum xs_region)k, raddr[k],
					      r->img + (raddr[k] - BASE), &d)) != XS_OK)
			goto fail;
	uint64_t t2 = bench_now_ns();
	if ((s = xs_link_resolve(&r->lk, fake_resolve, NULL, &d)) != XS_OK)
		goto fail;
	uint64_t t3 = bench_now_ns();
	if ((s = xs_link_relocate(&r->lk, &d)) != XS_OK)
		goto fail;
	uint64_t t4 = bench_now_ns();
	xs_link_stats(&r->lk, &r->st);
	t[PH_PARSE] = (double)(t1 - t0);
	t[PH_PLAN] = (double)(t2 - t1);
	t[PH_RESOLVE] = (double)(t3 - t2);
	t[PH_RELOCATE] = (double)(t4 - t3);
	t[PH_TOTAL] = (double)(t4 - t0);
	return 0;
fail:
	snprintf(err, errlen, "%s", d.msg[0] ? d.msg : xs_status_message(s));
	return -1;
}

static void report_na(const struct bench_opts *o, const char *arch, const char *lib,
		      const char *why)
{
	fprintf(o->table, "  %-8s %-9s not available: %s\n", arch, lib, why);
	bench_json_begin(o, "link");
	bench_json_str(o, "arch", arch);
	bench_json_str(o, "object", lib);
	bench_json_str(o, "status", "not available");
	bench_json_str(o, "reason", why);
	bench_json_end(o);
}

static int bench_one(const struct bench_opts *o, const char *arch, const char *lib)
{
	char why[600];
	const char *path = bench_prepare_object(o, arch, lib, why, sizeof(why));
	if (!path) {
		report_na(o, arch, lib, why);
		return 0;
	}
	size_t size;
	uint8_t *data = bench_read_file(path, &size);
	uint8_t *copy = malloc(size ? size : 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (!data || !copy || fd < 0) {
		report_na(o, arch, lib, "cannot read the object");
		free(data);
		free(copy);
		if (fd >= 0)
			close(fd);
		return 1;
	}
	memset(copy, 1, size); /* fault the destination in once, as link_once's image is */
	uint16_t machine = strcmp(arch, "x86_64") == 0 ? 62 : 183;
	int runs = o->runs;
	double *v[PH_COUNT];
	for (int p = 0; p < PH_COUNT; p++)
		v[p] = calloc((size_t)runs + 1, sizeof(double));
	struct link_run r;
	memset(&r, 0, sizeof(r));
	char err[600];
	int rc = 0;
	double t[PH_COUNT];
	/* one warm-up: allocates, faults the image in, warms the caches */
	if (link_once(&r, data, size, machine, t, err, sizeof(err)) != 0) {
		report_na(o, arch, lib, err);
		rc = 1;
		goto out;
	}
	for (int i = 0; i < runs; i++) {
		uint64_t a = bench_now_ns();
		ssize_t got = pread(fd, copy, size, 0);
		uint64_t b = bench_now_ns();
		memcpy(copy, data, size);
		uint64_t c = bench_now_ns();
		bench_sink((uint64_t)got + copy[size / 2]);
		if (link_once(&r, data, size, machine, t, err, sizeof(err)) != 0) {
			report_na(o, arch, lib, err);
			rc = 1;
			goto out;
		}
		t[PH_READ] = (double)(b - a);
		t[PH_COPY] = (double)(c - b);
		for (int p = 0; p < PH_COUNT; p++)
			v[p][i] = t[p];
	}
	struct stats s[PH_COUNT];
	for (int p = 0; p < PH_COUNT; p++)
		bench_stats(v[p], runs, &s[p]);
	double relocs = (double)r.st.relocs, mb = (double)size / 1e6;
	double floor = s[PH_COPY].median;
	fprintf(o->table, "  %-8s %-9s %8.2f MB %7llu relocs, workspace %.2f MB, image %.2f MB\n",
		arch, lib, mb, (unsigned long long)r.st.relocs, (double)r.ws_size / 1e6,
		(double)r.img_size / 1e6);
	for (int p = 0; p < PH_COUNT; p++) {
		double med = s[p].median;
		fprintf(o->table,
			"    %-9s %10.3f ms  [%8.3f .. %8.3f]  %8.2f ns/reloc  %9.1f MB/s  %6.2fx "
			"copy\n",
			phase_name[p], med / 1e6, s[p].min / 1e6, s[p].max / 1e6,
			relocs ? med / relocs : 0, med ? mb / (med / 1e9) : 0,
			floor ? med / floor : 0);
		bench_json_begin(o, "link");
		bench_json_str(o, "arch", arch);
		bench_json_str(o, "object", lib);
		bench_json_str(o, "phase", phase_name[p]);
		bench_json_int(o, "bytes", (long long)size);
		bench_json_int(o, "relocs", (long long)r.st.relocs);
		bench_json_int(o, "stubs", (long long)r.st.stubs_used);
		bench_json_int(o, "workspace_bytes", (long long)r.ws_size);
		bench_json_int(o, "image_bytes", (long long)r.img_size);
		bench_json_stats(o, "ns", &s[p]);
		bench_json_num(o, "ns_per_reloc", relocs ? med / relocs : 0);
		bench_json_num(o, "mb_per_s", med ? mb / (med / 1e9) : 0);
		bench_json_num(o, "copy_floor_ratio", floor ? med / floor : 0);
		bench_json_end(o);
	}
out:
	for (int p = 0; p < PH_COUNT; p++)
		free(v[p]);
	free(r.ws);
	free(r.img);
	free(data);
	free(copy);
	close(fd);
	return rc;
}

int bench_link(const struct bench_opts *o)
{
	static const char *const libs[] = {"sqlite3", "z", "capstone", "lua5.4"};
	static const char *const arches[] = {"x86_64", "aarch64"};
	int rc = 0;
	fprintf(o->table, "\n== link (in process; median [min .. max] of %d runs) ==\n", o->runs);
	for (size_t a = 0; a < 2; a++)
		for (size_t l = 0; l < sizeof(libs) / sizeof(libs[0]); l++) {
			if (o->smoke && strcmp(libs[l], "z") != 0)
				continue;
			if ((o->object_only && strcmp(libs[l], o->object_only) != 0) ||
			    (o->arch_only && strcmp(arches[a], o->arch_only) != 0))
				continue;
			rc |= bench_one(o, arches[a], libs[l]);
		}
	return rc;
}
