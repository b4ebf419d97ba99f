/* SPDX-License-Identifier: MIT */
/*
 * Replay driver: runs the body once on each file given, descending into
 * directories (sorted, so runs are reproducible); with no argument, on
 * stdin. Each input is copied into an exact-size heap buffer so ASan sees
 * any read past its end. A finding aborts; otherwise it prints how many
 * inputs ran and exits 0 (1 if a path could not be read).
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "common/xs_fuzz.h"

static unsigned long nrun;
static int bad;

static int run_buffer(const uint8_t *data, size_t len, const char *what)
{
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy) {
		fprintf(stderr, "replay: out of memory for %s\n", what);
		return 1;
	}
	memcpy(copy, data, len);
	if (getenv("XS_FUZZ_VERBOSE"))
		fprintf(stderr, "replay: %s (%zu bytes)\n", what, len);
	xs_fuzz_one(copy, len);
	free(copy);
	nrun++;
	return 0;
}

static uint8_t *read_stream(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0, got;
	uint8_t *buf = malloc(cap);
	if (!buf)
		return NULL;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		bad = 1;
		return;
	}
	size_t len = 0;
	uint8_t *buf = read_stream(f, &len);
	fclose(f);
	if (!buf) {
		fprintf(stderr, "replay: %s: read error\n", path);
		bad = 1;
		return;
	}
	if (run_buffer(buf, len, path))
		bad = 1;
	free(buf);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(const char *path, int depth)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		bad = 1;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	if (depth > 8)
		return;
	DIR *dir = opendir(path);
	if (!dir) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		bad = 1;
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof(*names));
			if (!nn)
				abort();
			names = nn;
		}
		size_t l = strlen(path) + strlen(e->d_name) + 2;
		names[n] = malloc(l);
		if (!names[n])
			abort();
		snprintf(names[n], l, "%s/%s", path, e->d_name);
		n++;
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		run_path(names[i], depth + 1);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		size_t len = 0;
		uint8_t *buf = read_stream(stdin, &len);
		if (!buf) {
			fprintf(stderr, "replay: cannot read stdin\n");
			return 1;
		}
		run_buffer(buf, len, "<stdin>");
		free(buf);
	} else {
		for (int i = 1; i < argc; i++)
			run_path(argv[i], 0);
	}
	fprintf(stderr, "replay: %lu input(s) ran, no crash\n", nrun);
	return bad;
}
