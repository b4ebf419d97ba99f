/* SPDX-License-Identifier: MIT */
/* `xsplice`: subcommand dispatch and the helpers every subcommand uses. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool.h"

static int vreport(int code, const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("xsplice: error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return code;
}

int xs_tool_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vreport(XS_EXIT_FAIL, fmt, ap);
	va_end(ap);
	return r;
}

int xs_tool_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vreport(XS_EXIT_USAGE, fmt, ap);
	va_end(ap);
	return r;
}

/*
 * The status message, then the core's detail: "<message>: <detail>". A
 * detail that already holds the message (the linker's relocation errors)
 * is printed as it is. docs/errors.md, "The CLI rule".
 */
const char *xs_tool_diag(const struct xs_diag *d, xs_status s)
{
	static char buf[sizeof(d->msg) + 128];
	const char *m = xs_status_message(s);
	if (!d || !d->msg[0] || strstr(d->msg, m))
		return d && d->msg[0] ? d->msg : m;
	snprintf(buf, sizeof(buf), "%s: %s", m, d->msg);
	return buf;
}

/* Files beyond this are refused rather than exhausting memory. */
#define XS_MAX_INPUT ((size_t)1 << 32)

/* Open path for reading and stat it; a directory is an error. -1 with err set on failure. */
static int open_input(const char *path, struct stat *st, char *err, size_t errsize)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	bool ok = fstat(fd, st) == 0;
	if (!ok || S_ISDIR(st->st_mode)) {
		snprintf(err, errsize, "%s: %s", path, ok ? "is a directory" : strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

bool xs_tool_read_file(const char *path, uint8_t **data, size_t *size, char *err,
		       size_t errsize)
{
	*data = NULL;
	*size = 0;
	struct stat st;
	int fd = open_input(path, &st, err, errsize);
	if (fd < 0)
		return false;
	/* a pipe or device has no size: grow as we read */
	size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
	if (cap > XS_MAX_INPUT + 1) {
		snprintf(err, errsize, "%s: file too large", path);
		close(fd);
		return false;
	}
	uint8_t *buf = malloc(cap);
	size_t len = 0;
	for (;;) {
		if (!buf) {
			snprintf(err, errsize, "%s: out of memory", path);
			close(fd);
			return false;
		}
		if (len == cap) {
			if (cap > XS_MAX_INPUT) {
				snprintf(err, errsize, "%s: file too large", path);
				free(buf);
				close(fd);
				return false;
			}
			uint8_t *n = realloc(buf, cap * 2);
			if (!n)
				free(buf);
			buf = n;
			cap *= 2;
			continue;
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errsize, "%s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return false;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (len == 0) {
		snprintf(err, errsize, "%s: file is empty", path);
		free(buf);
		return false;
	}
	*data = buf;
	*size = len;
	return true;
}

/*
 * The same checks as xs_tool_read_file, but a non-empty regular file is
 * mapped (private, read-only, populated: one system call maps every page the
 * page cache holds, no copy and no page fault per 4 KiB); anything else (a
 * pipe, a device, a failed mmap) falls back to reading. *mapped says which,
 * for xs_tool_release_file.
 */
bool xs_tool_map_file(const char *path, const uint8_t **data, size_t *size, bool *mapped,
		      char *err, size_t errsize)
{
	*data = NULL;
	*size = 0;
	*mapped = false;
	struct stat st;
	int fd = open_input(path, &st, err, errsize);
	if (fd < 0)
		return false;
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((uint64_t)st.st_size > XS_MAX_INPUT) {
			snprintf(err, errsize, "%s: file too large", path);
			close(fd);
			return false;
		}
		size_t n = (size_t)st.st_size;
		void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (p != MAP_FAILED) {
			close(fd);
			*data = p;
			*size = n;
			*mapped = true;
			return true;
		}
	}
	close(fd);
	uint8_t *buf;
	if (!xs_tool_read_file(path, &buf, size, err, errsize))
		return false;
	*data = buf;
	return true;
}

void xs_tool_release_file(const uint8_t *data, size_t size, bool mapped)
{
	if (mapped)
		munmap((void *)(uintptr_t)data, size);
	else
		free((void *)(uintptr_t)data);
}

void xs_tool_drop_file_pages(const uint8_t *data, size_t size, bool mapped)
{
	/*
	 * A private read-only file mapping: MADV_DONTNEED only drops this
	 * process's page-table entries; a later read faults the same bytes
	 * back from the page cache. Best effort.
	 */
	if (mapped)
		(void)madvise((void *)(uintptr_t)data, size, MADV_DONTNEED);
}

bool xs_tool_parse_u64(const char *s, uint64_t *v)
{
	if (!s || !s[0] || s[0] == '-' || s[0] == '+' || s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r'))
		return false;
	errno = 0;
	char *end;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0')
		return false;
	*v = x;
	return true;
}

int xs_tool_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		xs_tool_usage("option %s needs a value", name);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

bool xs_tool_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

uint16_t xs_tool_machine(const char *arch)
{
	if (strcmp(arch, "x86_64") == 0 || strcmp(arch, "x86-64") == 0 ||
	    strcmp(arch, "amd64") == 0)
		return 62;
	if (strcmp(arch, "aarch64") == 0 || strcmp(arch, "arm64") == 0)
		return 183;
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: xsplice COMMAND [OPTIONS]\n"
	      "\n"
	      "Commands:\n"
	      "  link      relocate an object to fixed addresses into a flat image (cross)\n"
	      "  run       link objects into this process and run their main()\n"
	      "  inspect   print an object's sections, symbols and relocations\n"
	      "  check-sites  list the functions of an image too small for a jump\n"
	      "  check     pre-flight check of a livepatch payload against an image\n"
	      "  bind      bind a payload to an image's build-id (after check)\n"
	      "\n"
	      "  xsplice COMMAND --help   options of a command\n"
	      "  xsplice --version\n",
	      f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		xs_tool_usage("no command given");
		usage(stderr);
		return XS_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (xs_tool_is_help(cmd) || strcmp(cmd, "help") == 0) {
		usage(stdout);
		return XS_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		puts("xsplice " XS_TOOL_VERSION);
		return XS_EXIT_OK;
	}
	int r;
	if (strcmp(cmd, "link") == 0)
		r = xs_cmd_link(argc - 1, argv + 1);
	else if (strcmp(cmd, "run") == 0)
		r = xs_cmd_run(argc - 1, argv + 1);
	else if (strcmp(cmd, "inspect") == 0)
		r = xs_cmd_inspect(argc - 1, argv + 1);
	else if (strcmp(cmd, "ctl") == 0)
		r = xs_cmd_ctl(argc - 1, argv + 1);
	else if (strcmp(cmd, "check-sites") == 0)
		r = xs_cmd_check_sites(argc - 1, argv + 1);
	else if (strcmp(cmd, "check") == 0)
		r = xs_cmd_check(argc - 1, argv + 1);
	else if (strcmp(cmd, "bind") == 0)
		r = xs_cmd_bind(argc - 1, argv + 1);
	else
		return xs_tool_usage("unknown command '%s' (try: xsplice --help)", cmd);
	if (fflush(stdout) != 0 && r == XS_EXIT_OK)
		r = xs_tool_error("writing to standard output: %s", strerror(errno));
	return r;
}
