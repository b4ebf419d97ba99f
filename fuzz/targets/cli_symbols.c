/* SPDX-License-Identifier: MIT */
/*
 * Target "cli_symbols": the `xsplice link --just-symbols ELF` reader
 * (tools/symfile.c, libelf) on hostile ELF images, and the CLI's argument
 * helpers (tools/main.c: xs_tool_opt, xs_tool_parse_u64, xs_tool_machine).
 *
 * Input starting with "ARGV": the rest, split at NUL bytes, is an argument
 * vector walked the way the subcommands walk theirs. Anything else is an
 * ELF image, served to xs_symfile_load() through a memfd (the reader takes a
 * path), then every name it could hold is looked up.
 *
 * tools/main.c is compiled with main renamed, which the linker collects
 * with the subcommands it calls (CMake), so the real file reader and
 * helpers are the ones fuzzed.
 * libelf itself is not instrumented: ASan sees symfile.c's own accesses and
 * the buffers it allocates, a wild read inside libelf shows as a SEGV only.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../common/xs_fuzz.h"
#include "tool.h" /* tools/ */

static void fuzz_args(const uint8_t *data, size_t size)
{
	/* NUL-separated strings; at most 64 of them. */
	char *copy = malloc(size + 1);
	char *argv[66];
	int argc = 0;
	XS_FUZZ_CHECK(copy != NULL, "out of memory");
	memcpy(copy, data, size);
	copy[size] = 0;
	argv[argc++] = "link";
	for (size_t i = 0; i <= size && argc < 65;) {
		argv[argc++] = copy + i;
		i += strlen(copy + i) + 1;
	}
	argv[argc] = NULL;
	static const char *const opts[] = { "--arch", "--base", "--section-start", "--defsym",
					    "--just-symbols", "-o", "--map", "-l" };
	/* The usage message of a missing value goes to a sink, not the fuzz log. */
	static FILE *sink;
	if (!sink)
		sink = fopen("/dev/null", "w");
	FILE *err = stderr;
	if (sink)
		stderr = sink;
	for (int i = 1; i < argc; i++) {
		const char *val = NULL;
		int m = 0;
		int before = i;
		for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]) && !m; k++)
			m = xs_tool_opt(argc, argv, &i, opts[k], &val);
		XS_FUZZ_CHECK(i < argc, "xs_tool_opt stepped past argc");
		XS_FUZZ_CHECK(i == before || i == before + 1, "xs_tool_opt moved by %d", i - before);
		if (m == 1) {
			XS_FUZZ_CHECK(val != NULL, "option matched without a value");
			uint64_t v;
			if (xs_tool_parse_u64(val, &v)) {
				/* Accepted numbers round-trip through strtoull's grammar. */
				XS_FUZZ_CHECK(val[0] >= '0' && val[0] <= '9', "accepted '%s'", val);
			}
			const char *eq = strchr(val, '=');
			if (eq)
				(void)xs_tool_parse_u64(eq + 1, &v);
			(void)xs_tool_machine(val);
		}
		(void)xs_tool_is_help(argv[i]);
	}
	stderr = err;
	free(copy);
}

static int memfd = -1;

static void fuzz_symfile(const uint8_t *data, size_t size)
{
	if (memfd < 0) {
		memfd = memfd_create("xs_fuzz_symfile", MFD_CLOEXEC);
		XS_FUZZ_CHECK(memfd >= 0, "memfd_create failed");
	}
	XS_FUZZ_CHECK(ftruncate(memfd, 0) == 0, "ftruncate");
	size_t off = 0;
	while (off < size) {
		ssize_t w = pwrite(memfd, data + off, size - off, (off_t)off);
		XS_FUZZ_CHECK(w > 0, "pwrite");
		off += (size_t)w;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	char err[512];
	memset(err, 0x5a, sizeof(err));
	struct xs_symfile *f = xs_symfile_load(path, err, sizeof(err));
	if (!f) {
		XS_FUZZ_CHECK(memchr(err, 0, sizeof(err)) != NULL && err[0],
			      "failure without a terminated message");
		return;
	}
	/* Look up every NUL-terminated string of the input: any symbol name is one. */
	uint64_t v;
	size_t n = 0;
	for (size_t i = 0; i < size && n < 4096; i++) {
		if (data[i] == 0 || (i > 0 && data[i - 1] != 0))
			continue;
		const void *end = memchr(data + i, 0, size - i);
		if (!end)
			break;
		(void)xs_symfile_lookup(f, (const char *)data + i, &v);
		n++;
	}
	(void)xs_symfile_lookup(f, "", &v);
	(void)xs_symfile_lookup(f, "main", &v);
	xs_symfile_free(f);
}

int xs_fuzz_one(const uint8_t *data, size_t size)
{
	if (size >= 4 && memcmp(data, "ARGV", 4) == 0)
		fuzz_args(data + 4, size - 4);
	else
		fuzz_symfile(data, size);
	return 0;
}
