/* SPDX-License-Identifier: MIT */
/*
 * ==== LIVE PATCHING: NOT AVAILABLE YET ====
 *
 * Issue 7 asks for the rendezvous pause (p50, p99, max over 1,000 applies)
 * for 1 and 100 functions with 0, 2 and 8 busy threads, and the cost of a
 * call through an applied trampoline against a direct call. Both need a
 * host that can apply a patch inside this process: include/xsplice/patch.h
 * plus a POSIX implementation of struct xs_host (thread rendezvous, W^X
 * aliases) in glue/posix. That work is in progress elsewhere; until the
 * build finds it (XS_BENCH_HAVE_PATCH), this section reports "not
 * available" so the JSON and the table always have the rows.
 */
#include "bench.h"

int bench_patch(const struct bench_opts *o)
{
	static const char *const rows[] = {"rendezvous 1 fn, 0 busy",	"rendezvous 1 fn, 2 busy",
					   "rendezvous 1 fn, 8 busy",	"rendezvous 100 fn, 0 busy",
					   "rendezvous 100 fn, 2 busy", "rendezvous 100 fn, 8 busy",
					   "trampoline call overhead"};
	const char *why = "needs include/xsplice/patch.h and a POSIX xs_host (glue/posix); "
			  "not in this build yet";
	fprintf(o->table, "\n== live patching ==\n");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		fprintf(o->table, "  %-26s not available\n", rows[i]);
		bench_json_begin(o, "patch");
		bench_json_str(o, "op", rows[i]);
		bench_json_str(o, "status", "not available");
		bench_json_str(o, "reason", why);
		bench_json_end(o);
	}
	fprintf(o->table, "  (%s)\n", why);
	return 0;
}
