/* SPDX-License-Identifier: MIT */
/*
 * `xsplice run`: link objects into this process through the POSIX glue
 * and run their main() as a loader would. On success nothing but the
 * program's own output appears, and the exit status is main's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xsplice/posix.h>

#include "tool.h"

extern char **environ;

static const char run_help[] =
	"usage: xsplice run [-lNAME | -l NAME]... OBJ... [-- ARGS...]\n"
	"\n"
	"Link the objects together into this process and call main(argc, argv, envp)\n"
	"with argv[0] = the first object's path and ARGS; exit with main's status.\n"
	"Constructors (.preinit_array, .init_array, .ctors) run before main and\n"
	"destructors (.fini_array, .dtors) at exit; .eh_frame is registered with the\n"
	"unwinder. -lNAME (anywhere among the objects) makes libNAME.so's symbols\n"
	"available; undefined symbols otherwise resolve against the process (libc).\n"
	"\n"
	"  -l NAME, -lNAME   open libNAME.so (or -l:FILE) with RTLD_GLOBAL\n"
	"  --relax           relax x86_64 GOTPCRELX accesses that are in reach\n"
	"  --place-far       place the code 16 GiB away from libc and the program, so\n"
	"                    that every call out goes through a stub/veneer (testing)\n"
	"  --                the rest of the arguments go to the program\n";

/*
 * What the program may still use when it exits (argv, the objects' bytes)
 * stays reachable from here until the process ends.
 */
static struct {
	const char **libs;
	struct xs_posix_object *objs;
	char **pargv;
	bool *mapped; /* objs[k].data is a mapping, not malloc'd */
	struct xs_posix_image img;
} run_state;

int xs_cmd_run(int argc, char **argv)
{
	const char **libs = run_state.libs = calloc((size_t)argc, sizeof(*libs));
	struct xs_posix_object *objs = run_state.objs = calloc((size_t)argc, sizeof(*objs));
	char **pargv = run_state.pargv = calloc((size_t)argc + 1, sizeof(*pargv));
	bool *mapped = run_state.mapped = calloc((size_t)argc, sizeof(*mapped));
	size_t nlibs = 0, nobj = 0, npargs = 1;
	uint32_t flags = 0;
	bool far = false;
	int ret = XS_EXIT_FAIL;
	if (!libs || !objs || !pargv || !mapped) {
		ret = xs_tool_error("out of memory");
		goto out;
	}
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (xs_tool_is_help(a)) {
			fputs(run_help, stdout);
			ret = XS_EXIT_OK;
			goto out;
		}
		if (strncmp(a, "-l", 2) == 0) {
			const char *name = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
			if (!name || !name[0]) {
				ret = xs_tool_usage("run: -l needs a library name");
				goto out;
			}
			libs[nlibs++] = name;
		} else if (strcmp(a, "--relax") == 0) {
			flags |= XS_LINK_RELAX;
		} else if (strcmp(a, "--no-relax") == 0) {
			flags &= ~(uint32_t)XS_LINK_RELAX;
		} else if (strcmp(a, "--place-far") == 0) {
			far = true;
		} else if (a[0] == '-' && a[1]) {
			ret = xs_tool_usage("run: unknown option '%s'", a);
			goto out;
		} else {
			objs[nobj++].name = a;
		}
	}
	if (nobj == 0) {
		ret = xs_tool_usage("run: no input objects");
		goto out;
	}
	for (; i < argc; i++)
		pargv[npargs++] = argv[i];
	pargv[0] = (char *)objs[0].name;

	for (size_t k = 0; k < nobj; k++) {
		char err[600];
		const uint8_t *data;
		/* mapped, not copied: no page fault per 4 KiB, no copy (docs/performance.md) */
		if (!xs_tool_map_file(objs[k].name, &data, &objs[k].size, &mapped[k], err,
				      sizeof(err))) {
			ret = xs_tool_error("%s", err);
			goto out;
		}
		objs[k].data = data;
	}

	/* the tool never unwinds the program's frames itself: unwind info only if the program can */
	struct xs_posix_load_options opt = {.link_flags = flags, .libs = libs, .nlibs = nlibs,
					    .flags = XS_POSIX_LOAD_LAZY_UNWIND};
	if (far) {
		/* Beyond rel32 (2 GiB) and B/BL (128 MiB) reach of libc and of us. */
		uint64_t libc = (uint64_t)(uintptr_t)dlsym(RTLD_DEFAULT, "printf");
		uint64_t self = (uint64_t)(uintptr_t)&xs_cmd_run;
		uint64_t low = libc < self ? libc : self, gap = (uint64_t)16 << 30;
		uint64_t lo = low > 2 * gap ? low - gap : (libc > self ? libc : self) + gap;
		opt.near_lo = lo & ~(uint64_t)0xfff;
		opt.near_hi = opt.near_lo + ((uint64_t)1 << 20);
	}
	struct xs_posix_image *img = &run_state.img; /* destructors run from atexit */
	struct xs_diag d;
	xs_status s = xs_posix_load(img, objs, (uint32_t)nobj, &opt, &d);
	if (s != XS_OK) {
		if (d.object < nobj)
			ret = xs_tool_error("%s: %s", objs[d.object].name, xs_tool_diag(&d, s));
		else
			ret = xs_tool_error("%s", xs_tool_diag(&d, s));
		goto out;
	}
	/*
	 * Linked: the program no longer needs the objects' bytes (a symbol
	 * lookup rereads its few pages). Dropping them keeps the program's own
	 * peak memory from adding the object files' size (docs/performance.md).
	 */
	for (size_t k = 0; k < nobj; k++)
		xs_tool_drop_file_pages(objs[k].data, objs[k].size, mapped[k]);
	/* the program's stdio starts clean: nothing of ours is buffered */
	fflush(NULL);
	/* error(3), err(3) and getopt(3) messages name the program, not us */
	program_invocation_name = pargv[0];
	const char *slash = strrchr(pargv[0], '/');
	program_invocation_short_name = slash ? (char *)slash + 1 : pargv[0];
	int status = 0;
	s = xs_posix_run_main(img, (int)npargs, pargv, environ, &status, &d);
	if (s != XS_OK) {
		ret = xs_tool_error("%s", xs_tool_diag(&d, s));
		goto out;
	}
	/* like returning from main: atexit handlers, the image's destructors, stdio */
	exit(status);
out:
	for (size_t k = 0; objs && mapped && k < nobj; k++)
		if (objs[k].data)
			xs_tool_release_file(objs[k].data, objs[k].size, mapped[k]);
	free(objs);
	free(mapped);
	free(libs);
	free(pargv);
	return ret;
}
