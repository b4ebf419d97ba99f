/* SPDX-License-Identifier: MIT */
/*
 * `xsplice check-sites [--arch A] [-v] IMAGE`: which functions of an image
 * are too small for the near jump, counting the filler after them
 * (xs_site_analyze has the definitions).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xsplice/tramp.h>

#include "image.h"
#include "tool.h"

static const char check_sites_help[] =
    "usage: xsplice check-sites [--arch x86_64|aarch64] [-v] IMAGE\n"
    "\n"
    "For every function of IMAGE (distinct addresses of STT_FUNC symbols with a\n"
    "size, in executable sections) compute the room at its patch point: the\n"
    "function's end plus the filler after it (NOPs, int3 or zeros on x86_64;\n"
    "NOP, zero or UDF #0 words on AArch64) up to the next symbol, minus the patch\n"
    "point (the address, + 4 after ENDBR64 / BTI / PACIASP / PACIBSP).\n"
    "\n"
    "Prints 'ROOM SIZE NAME' for each function with less room than the near\n"
    "jump (5 bytes x86_64, 4 AArch64), statics as file#name, then the line\n"
    "'N functions, M cannot be patched in place'.\n"
    "\n"
    "  --arch A   require IMAGE to be of this architecture\n"
    "  -v         every function: ROOM SIZE NAME FORMS [ENTRY], FORMS being the\n"
    "             trampoline forms that fit in place ('-' for none)\n";

static const char *entry_name(uint8_t e)
{
	switch (e) {
	case XS_ENTRY_ENDBR64:
		return "endbr64";
	case XS_ENTRY_BTI:
		return "bti";
	case XS_ENTRY_PACIASP:
		return "paciasp";
	case XS_ENTRY_PACIBSP:
		return "pacibsp";
	default:
		return "";
	}
}

static void forms(uint16_t machine, uint64_t room, char *buf, size_t size)
{
	uint32_t mask = xs_tramp_fitting(machine, room);
	size_t len = 0;
	buf[0] = '\0';
	for (unsigned f = 0; f < XS_TRAMP_FORM_COUNT; f++)
		if (mask & (1u << f)) {
			int w = snprintf(buf + len, size - len, "%s%s", len ? "," : "",
					 xs_tramp_form_name((enum xs_tramp_form)f));
			if (w < 0 || (size_t)w >= size - len)
				break;
			len += (size_t)w;
		}
	if (!len)
		snprintf(buf, size, "-");
}

int xs_cmd_check_sites(int argc, char **argv)
{
	const char *path = NULL, *v;
	uint16_t machine = 0;
	bool verbose = false;
	for (int i = 1; i < argc; i++) {
		int m;
		if (xs_tool_is_help(argv[i])) {
			fputs(check_sites_help, stdout);
			return XS_EXIT_OK;
		}
		if ((m = xs_tool_opt(argc, argv, &i, "--arch", &v)) != 0) {
			if (m < 0)
				return XS_EXIT_USAGE;
			if (!(machine = xs_tool_machine(v)))
				return xs_tool_usage("--arch: unknown architecture '%s'", v);
		} else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
			verbose = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return xs_tool_usage("check-sites: unknown option '%s'", argv[i]);
		} else if (path) {
			return xs_tool_usage("check-sites: one image only");
		} else {
			path = argv[i];
		}
	}
	if (!path)
		return xs_tool_usage("check-sites: no input image");

	struct xs_tool_image im;
	char err[700];
	if (!xs_tool_image_load(&im, path, machine, err, sizeof(err)))
		return xs_tool_error("%s", err);
	uint64_t min = im.machine == 62 ? XS_TRAMP_MIN_ROOM_X86_64 : XS_TRAMP_MIN_ROOM_AARCH64;
	uint32_t small = 0;
	char name[512], fb[64];
	for (uint32_t i = 0; i < im.nsites; i++) {
		const struct xs_site *s = &im.sites[i];
		bool too_small = s->room < min;
		small += too_small;
		if (!too_small && !verbose)
			continue;
		xs_tool_image_name(&im, s->sym, name, sizeof(name));
		if (verbose) {
			forms(im.machine, s->room, fb, sizeof(fb));
			printf("%6llu %8llu  %s  %s%s%s\n", (unsigned long long)s->room,
			       (unsigned long long)s->size, name, fb, s->entry ? "  " : "",
			       entry_name(s->entry));
		} else {
			printf("%6llu %8llu  %s\n", (unsigned long long)s->room,
			       (unsigned long long)s->size, name);
		}
	}
	printf("%u functions, %u cannot be patched in place\n", im.nsites, small);
	xs_tool_image_free(&im);
	return XS_EXIT_OK;
}
