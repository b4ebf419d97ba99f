/* SPDX-License-Identifier: MIT */
/*
 * Fault injection over a real link: for each object (default: Debian's
 * libsqlite3.a merged with `ld -r --whole-archive`, x86_64; libz.a for
 * aarch64 when aarch64-linux-gnu-ld is there; or the paths given as
 * arguments), link into sandbox memory once cleanly, then again with a
 * failure forced at
 *   - the k-th relocation (xs_link_options.fail_at_reloc), for the first,
 *     the last and ~200 points spread evenly between;
 *   - the n-th resolver call (spread over every call the clean link made);
 *   - each host step: the workspace allocation, the placement of each
 *     region, the seal after relocation;
 * and checks every time that the call fails with the injected status and a
 * diagnostic, that a "live" guard buffer (whose address the resolver hands
 * out as a symbol, but which is never given to the linker as memory) is
 * byte-identical, and that the sandbox host got back every block it handed
 * out. `ld` here is only a tool to prepare the input, as in the other tests.
 *
 * Exit 0 on success, 1 on a failure, 77 (ctest skip) when no input exists.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xsplice/link.h>
#include <xsplice/object.h>
#include <xsplice/status.h>

#define GUARD_SIZE 65536
#define MAX_BLOCKS 16

static int failures;
static uint8_t *guard;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* ---- the sandbox host -------------------------------------------------- */

enum step { STEP_WORKSPACE = 0, STEP_PLACE_TEXT, STEP_PLACE_RODATA, STEP_PLACE_DATA, STEP_SEAL,
	    STEP_COUNT };
static const char *const step_names[] = { "workspace", "place text", "place rodata",
					   "place data", "seal" };

struct fault {
	uint64_t at_reloc;    /* 0: none */
	unsigned at_resolve;  /* fail the n-th resolver call (1-based), 0: none */
	int at_step;          /* enum step, -1: none */
};

struct host {
	void *blocks[MAX_BLOCKS];
	unsigned live, handed, released;
	unsigned resolve_calls, resolve_fail_at;
	uint64_t text_addr;
};

static void *host_alloc(struct host *h, size_t size)
{
	for (unsigned i = 0; i < MAX_BLOCKS; i++)
		if (!h->blocks[i]) {
			h->blocks[i] = malloc(size ? size : 1);
			if (!h->blocks[i])
				return NULL;
			memset(h->blocks[i], 0xcc, size);
			h->live++;
			h->handed++;
			return h->blocks[i];
		}
	return NULL;
}

static void host_release_all(struct host *h)
{
	for (unsigned i = 0; i < MAX_BLOCKS; i++)
		if (h->blocks[i]) {
			free(h->blocks[i]);
			h->blocks[i] = NULL;
			h->live--;
			h->released++;
		}
}

static uint64_t fnv(const char *s)
{
	uint64_t x = 0xcbf29ce484222325ull;
	while (*s)
		x = (x ^ (unsigned char)*s++) * 0x100000001b3ull;
	return x;
}

/* Every name resolves near the text (rel32 / 26-bit reach), a few to the guard. */
static xs_status resolve(void *ctx, const char *name, uint64_t *value)
{
	struct host *h = ctx;
	h->resolve_calls++;
	if (h->resolve_fail_at && h->resolve_calls == h->resolve_fail_at)
		return XS_E_HOST;
	uint64_t x = fnv(name);
	if (x % 16 == 0)
		*value = (uint64_t)(uintptr_t)(guard + (x >> 8) % (GUARD_SIZE - 64));
	else
		*value = h->text_addr - 0x100000 - ((x >> 4) % 0x1000000);
	return XS_OK;
}

struct result {
	xs_status st;
	struct xs_diag d;
	struct xs_link_stats stats;
	unsigned resolve_calls;
	uint64_t image_hash;
};

static uint64_t hash_bytes(uint64_t x, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x = (x ^ p[i]) * 0x100000001b3ull;
	return x;
}

/* One link, as a host drives it; on any failure everything is handed back. */
static void link_run(const struct xs_object *o, const struct fault *f, struct result *res)
{
	struct host h;
	struct xs_link lk;
	struct xs_link_options opt = { .flags = XS_LINK_ALLOW_UNDEFINED_WEAK | XS_LINK_RELAX,
				       .fail_at_reloc = f->at_reloc };
	xs_status st;
	uint8_t *w[XS_REGION_COUNT] = { 0 };
	uint64_t size[XS_REGION_COUNT] = { 0 };

	memset(&h, 0, sizeof(h));
	memset(res, 0, sizeof(*res));
	h.resolve_fail_at = f->at_resolve;
	h.text_addr = 0x7f1200000000ull;
	xs_diag_clear(&res->d);

	st = xs_link_init(&lk, o, 1, &opt, &res->d);
	if (st)
		goto out;
	size_t need = xs_link_workspace_size(&lk);
	void *ws = f->at_step == STEP_WORKSPACE ? NULL : host_alloc(&h, need);
	if (!ws) {
		st = XS_E_HOST;
		goto out;
	}
	st = xs_link_plan(&lk, ws, need, &res->d);
	if (st)
		goto out;
	uint64_t addr = h.text_addr;
	for (int r = 0; r < XS_REGION_COUNT; r++) {
		uint64_t align;
		xs_link_region_need(&lk, (enum xs_region)r, &size[r], &align);
		addr = (addr + align - 1) & ~(align - 1);
		if (f->at_step == STEP_PLACE_TEXT + r) {
			st = XS_E_HOST;
			goto out;
		}
		w[r] = host_alloc(&h, size[r]);
		if (!w[r]) {
			st = XS_E_HOST;
			goto out;
		}
		st = xs_link_place_region(&lk, (enum xs_region)r, addr, w[r], &res->d);
		if (st)
			goto out;
		addr += size[r] + 0x10000;
	}
	st = xs_link_resolve(&lk, resolve, &h, &res->d);
	if (st)
		goto out;
	st = xs_link_relocate(&lk, &res->d);
	if (st)
		goto out;
	if (f->at_step == STEP_SEAL) {
		st = XS_E_HOST;
		goto out;
	}
	xs_link_stats(&lk, &res->stats);
	uint64_t x = 0xcbf29ce484222325ull;
	for (int r = 0; r < XS_REGION_COUNT; r++)
		x = hash_bytes(x, w[r], size[r]);
	res->image_hash = x;
out:
	res->st = st;
	res->resolve_calls = h.resolve_calls;
	host_release_all(&h);
	CHECK(h.live == 0 && h.handed == h.released, "host: %u blocks handed out, %u released",
	      h.handed, h.released);
}

static bool guard_intact(void)
{
	for (size_t i = 0; i < GUARD_SIZE; i++)
		if (guard[i] != (uint8_t)(i * 131u + 0x3d))
			return false;
	return true;
}

static void expect_fail(const char *what, const struct result *r, xs_status want)
{
	CHECK(r->st == want, "%s: status %s, expected %s (%s)", what, xs_status_name(r->st),
	      xs_status_name(want), r->d.msg);
	CHECK(guard_intact(), "%s: live memory changed", what);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_object(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		CHECK(0, "%s: %s", path, strerror(errno));
		return;
	}
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	uint8_t *buf = malloc((size_t)n);
	if (!buf || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		CHECK(0, "%s: read error", path);
		fclose(fp);
		free(buf);
		return;
	}
	fclose(fp);

	struct xs_object o;
	struct xs_diag d;
	xs_status st = xs_object_parse(&o, buf, (size_t)n, 0, &d);
	CHECK(st == XS_OK, "%s: parse: %s", path, d.msg);
	if (st) {
		free(buf);
		return;
	}
	double t0 = now();
	const struct fault none = { 0, 0, -1 };
	struct result clean, r;
	link_run(&o, &none, &clean);
	CHECK(clean.st == XS_OK, "%s: clean link: %s: %s", path, xs_status_name(clean.st),
	      clean.d.msg);
	CHECK(guard_intact(), "clean link changed live memory");
	if (clean.st) {
		free(buf);
		return;
	}
	uint64_t N = clean.stats.relocs;
	printf("%s: %u relocation entries, %llu applied, %llu GOT slots, %llu stubs, %u resolver "
	       "calls, %.1f ms per link\n",
	       path, o.nrelocs, (unsigned long long)N, (unsigned long long)clean.stats.got_slots,
	       (unsigned long long)clean.stats.stubs_used, clean.resolve_calls,
	       (now() - t0) * 1e3);
	CHECK(N > 0, "no relocation applied");

	/* Same input, same image. */
	link_run(&o, &none, &r);
	CHECK(r.st == XS_OK && r.image_hash == clean.image_hash, "second clean link differs");

	/* Relocation k: the first, the last and ~200 evenly spread between. */
	unsigned points = 0;
	uint64_t prev = 0;
	for (unsigned i = 0; i <= 201; i++) {
		uint64_t k = i == 0 ? 1 : i == 201 ? N : 1 + (N - 1) * i / 201;
		if (k <= prev)
			continue;
		prev = k;
		struct fault f = { k, 0, -1 };
		char what[64];
		snprintf(what, sizeof(what), "fail_at_reloc=%llu", (unsigned long long)k);
		link_run(&o, &f, &r);
		expect_fail(what, &r, XS_E_FAULT_INJECTED);
		CHECK(r.d.status == XS_E_FAULT_INJECTED && r.d.msg[0] && r.d.reloc_name[0],
		      "%s: diagnostic incomplete: status %s, reloc '%s', msg '%s'", what,
		      xs_status_name(r.d.status), r.d.reloc_name, r.d.msg);
		points++;
	}
	/* One past the last relocation: nothing to inject, the link succeeds. */
	struct fault past = { N + 1, 0, -1 };
	link_run(&o, &past, &r);
	CHECK(r.st == XS_OK && r.image_hash == clean.image_hash,
	      "fail_at_reloc=N+1: %s, image %s", xs_status_name(r.st),
	      r.image_hash == clean.image_hash ? "same" : "differs");

	/* Resolver call n. */
	unsigned rpoints = 0, R = clean.resolve_calls;
	unsigned rstep = R > 40 ? R / 40 : 1;
	for (unsigned k = 1; R && k < R; k += rstep) {
		struct fault f = { 0, k, -1 };
		char what[64];
		snprintf(what, sizeof(what), "resolver call %u", k);
		link_run(&o, &f, &r);
		expect_fail(what, &r, XS_E_HOST);
		CHECK(r.d.status == XS_E_HOST && r.d.symbol_name[0], "%s: diagnostic incomplete",
		      what);
		rpoints++;
	}
	if (R) {
		struct fault f = { 0, R, -1 };
		link_run(&o, &f, &r);
		expect_fail("last resolver call", &r, XS_E_HOST);
		rpoints++;
	}

	/* Host steps. */
	for (int s = 0; s < STEP_COUNT; s++) {
		struct fault f = { 0, 0, s };
		link_run(&o, &f, &r);
		expect_fail(step_names[s], &r, XS_E_HOST);
	}
	printf("%s: %u relocation faults, %u resolver faults, %d host faults: %s (%.1f s)\n", path,
	       points, rpoints, STEP_COUNT, failures ? "FAILURES" : "ok", now() - t0);
	free(buf);
}

/* ld -r --whole-archive ARCHIVE -o OUT; false if the tool or the archive is missing. */
static bool merge_archive(const char *ld, const char *archive, const char *out)
{
	struct stat st;
	if (stat(archive, &st) != 0)
		return false;
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		execlp(ld, ld, "-r", "--whole-archive", archive, "-o", out, (char *)NULL);
		_exit(127);
	}
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
	guard = malloc(GUARD_SIZE);
	if (!guard)
		return 1;
	for (size_t i = 0; i < GUARD_SIZE; i++)
		guard[i] = (uint8_t)(i * 131u + 0x3d);
	setvbuf(stdout, NULL, _IOLBF, 0);

	int ran = 0;
	if (argc > 1) {
		for (int i = 1; i < argc; i++, ran++)
			test_object(argv[i]);
	} else {
		char dir[] = "/tmp/xs-fault-XXXXXX";
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			return 1;
		}
		static const struct {
			const char *ld, *archive, *name;
		} inputs[] = {
			{ "ld", "/usr/lib/x86_64-linux-gnu/libsqlite3.a", "sqlite-all.o" },
			{ "ld", "/usr/lib/x86_64-linux-gnu/libz.a", "libz-x86_64.o" },
			{ "aarch64-linux-gnu-ld", "/usr/lib/aarch64-linux-gnu/libz.a",
			  "libz-aarch64.o" },
		};
		for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
			char out[256];
			snprintf(out, sizeof(out), "%s/%s", dir, inputs[i].name);
			if (!merge_archive(inputs[i].ld, inputs[i].archive, out)) {
				printf("skip %s: %s -r %s unavailable\n", inputs[i].name, inputs[i].ld,
				       inputs[i].archive);
				continue;
			}
			test_object(out);
			unlink(out);
			ran++;
		}
		rmdir(dir);
	}
	free(guard);
	if (!ran) {
		printf("no input object: skipped\n");
		return 77;
	}
	printf("%s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
