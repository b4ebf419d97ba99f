/* SPDX-License-Identifier: MIT */
/* The live-patching half of the POSIX glue (live*.c, rendezvous.c, serve.c); not installed. */
#ifndef XS_POSIX_LIVE_INT_H
#define XS_POSIX_LIVE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xsplice/host.h>
#include <xsplice/posix.h>
#include <xsplice/symtab.h>

/* ---- text aliases (live_alias.c) --------------------------------------------- */

/* Create the memfd (outside any rendezvous). */
bool xs_posix_alias_init(char *msg, size_t n);
/* host.map_alias / unmap_alias / sync_icache. HELD-safe: syscalls only, static tables. */
xs_status xs_posix_alias_map(void *ctx, uint64_t addr, size_t len, uint8_t **w, char *msg,
			     size_t n);
void xs_posix_alias_unmap(void *ctx, uint64_t addr, size_t len, uint8_t *w);
void xs_posix_alias_sync(void *ctx, uint64_t addr, size_t len);
/* Text pages moved onto the memfd so far. */
uint32_t xs_posix_alias_pages(void);

/* ---- rendezvous (rendezvous.c, rv_restart.c) --------------------------------- */

/* A system call a thread was blocked in (/proc/self/task/TID/syscall). */
struct xs_posix_sysinfo {
	bool valid;
	long nr;
	uint64_t arg[6], sp, pc;
};

/*
 * In the rendezvous signal handler, before it returns: if the signal cut
 * short a call the kernel does not restart (nanosleep, poll, ...), rewind
 * the interrupted context (a ucontext_t) to issue it again.
 */
void xs_posix_restart_syscall(const struct xs_posix_sysinfo *si, void *ucontext);

/* Install the signal handler (once). */
bool xs_posix_rv_init(const struct xs_symtab *t, char *msg, size_t n);
xs_status xs_posix_rv_run(void *ctx, xs_host_held_fn fn, void *arg, uint64_t timeout_ns);
xs_status xs_posix_rv_in_ranges(void *ctx, const struct xs_host_range *r, uint32_t n,
				struct xs_host_busy *who);
/* Of the last rendezvous: the pause (first signal sent .. release) and threads held. */
uint64_t xs_posix_rv_last_pause_ns(void);
uint32_t xs_posix_rv_last_threads(void);

uint64_t xs_posix_now_ns(void);

/* W+X mappings in /proc/self/maps right now (HELD-safe). */
unsigned xs_posix_wx_scan(void);
/* With XSPLICE_WX_AUDIT set: scan now and count (alias mapped, regions sealed, ops done). */
void xs_posix_wx_audit(void);

#endif
