/* Loaded code that reads libc's own data objects directly: stdout, stderr,
 * getopt's optind/optarg/opterr.  Compiled with Debian's defaults (-fPIE on
 * x86_64), gcc references these with a plain rip-relative access (it assumes
 * a copy relocation), so `xsplice run` must place the code within reach of
 * libc's data or otherwise resolve these accesses.
 * Usage: stdio_driver -v -n NAME WORDS... */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int verbose = 0, c;
	const char *name = "nobody";
	opterr = 0;
	while ((c = getopt(argc, argv, "vn:")) != -1) {
		if (c == 'v')
			verbose++;
		else if (c == 'n')
			name = optarg;
	}
	fprintf(stdout, "name=%s verbose=%d optind=%d rest=%d\n", name, verbose, optind,
		argc - optind);
	for (int i = optind; i < argc; i++)
		fputs(argv[i], stdout), fputc(i + 1 < argc ? ' ' : '\n', stdout);
	fprintf(stderr, "this goes to stderr\n");
	/* nothing here unwinds: like the native program, the loader must not have
	 * opened libgcc_s (XS_POSIX_LOAD_LAZY_UNWIND, test/e2e/unwind_driver.c) */
	void *gcc_s = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NOLOAD);
	fprintf(stdout, "libgcc_s loaded: %s\n", gcc_s ? "yes" : "no");
	setvbuf(stdout, NULL, _IOFBF, 0);
	fflush(stdout);
	return verbose + 10;
}
