/* SPDX-License-Identifier: MIT */
/* The `xsplice` command: what the subcommands share. */
#ifndef XS_TOOL_H
#define XS_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xsplice/status.h>

#define XS_TOOL_VERSION "0.1.0"

/* Exit statuses: 1 for every failure, 2 for a usage error. */
enum { XS_EXIT_OK = 0, XS_EXIT_FAIL = 1, XS_EXIT_USAGE = 2 };

/* "xsplice: error: ..." on stderr; return XS_EXIT_FAIL / XS_EXIT_USAGE. */
int xs_tool_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int xs_tool_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The message of a failed call: the status text, then d->msg unless it already holds it. */
const char *xs_tool_diag(const struct xs_diag *d, xs_status s);

/*
 * Read a whole file into malloc'd memory. A directory, an unreadable or an
 * empty file is an error; the message goes to err.
 */
bool xs_tool_read_file(const char *path, uint8_t **data, size_t *size, char *err,
		       size_t errsize);

/*
 * The same, but a regular file is mapped privately and read-only
 * (MAP_POPULATE) instead of copied; *mapped says which. Release with
 * xs_tool_release_file. The file must not shrink while mapped.
 */
bool xs_tool_map_file(const char *path, const uint8_t **data, size_t *size, bool *mapped,
		      char *err, size_t errsize);
void xs_tool_release_file(const uint8_t *data, size_t size, bool mapped);
/* After use: give back the resident pages of a mapped file (it stays mapped). */
void xs_tool_drop_file_pages(const uint8_t *data, size_t size, bool mapped);

/* A whole-string unsigned number (decimal, 0x hex, 0 octal); false on anything else. */
bool xs_tool_parse_u64(const char *s, uint64_t *v);

/*
 * Option matching for argv[*i]: "--name VALUE" or "--name=VALUE". Returns 1
 * and sets *val (advancing *i past a separate value), 0 if argv[*i] is not
 * this option, -1 if the value is missing (usage error printed).
 */
int xs_tool_opt(int argc, char **argv, int *i, const char *name, const char **val);

/* argv[i] is "--help" / "-h". */
bool xs_tool_is_help(const char *arg);

/* e_machine from an --arch name, 0 if unknown. */
uint16_t xs_tool_machine(const char *arch);

/* --just-symbols files (symfile.c). */
struct xs_symfile;
struct xs_symfile *xs_symfile_load(const char *path, char *err, size_t errsize);
bool xs_symfile_lookup(const struct xs_symfile *f, const char *name, uint64_t *value);
void xs_symfile_free(struct xs_symfile *f);

int xs_cmd_link(int argc, char **argv);
int xs_cmd_run(int argc, char **argv);
int xs_cmd_inspect(int argc, char **argv);
int xs_cmd_ctl(int argc, char **argv); /* cmd_ctl.c */
int xs_cmd_check_sites(int argc, char **argv);
int xs_cmd_check(int argc, char **argv);
int xs_cmd_bind(int argc, char **argv);

/* livepatch_print.c: decode the .livepatch.* sections of a parsed object (inspect). */
struct xs_object;
void xs_tool_print_livepatch(const struct xs_object *o);

#endif
