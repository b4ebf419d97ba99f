/* SPDX-License-Identifier: MIT */
/*
 * The host interface: the only way the core reaches the program it patches.
 * A host (a hypervisor, a kernel, a process through glue/posix) fills one
 * struct xs_host with callbacks and hands it to xs_patch_mgr_init.
 *
 * General rules for every callback:
 *  - ctx is xs_host.ctx, passed back unchanged.
 *  - A callback returns XS_OK or a status; the core stops the operation and
 *    undoes what it did (nothing live has changed when an operation fails).
 *    A callback may fill `msg` (when given, msg_size bytes) with a one-line
 *    reason; the core copies it into the caller's xs_diag.
 *  - The callbacks marked HELD run while every other CPU/thread is held by
 *    rendezvous(): they must not take locks another CPU could hold (no
 *    allocator, no printf), must not sleep on anything another CPU must do,
 *    and must be quick - their time is the pause every CPU sees.
 *  - Live text must be readable at its run address: the core reads the
 *    current bytes of a site directly, and writes them only through
 *    map_alias.
 */
#ifndef XSPLICE_HOST_H
#define XSPLICE_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xsplice/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What memory is for (alloc / seal / free). */
enum xs_host_mem {
	XS_HOST_MEM_TEXT = 0, /* payload code: near the image, sealed R+X */
	XS_HOST_MEM_RODATA,   /* payload read-only data and GOT: near, sealed R */
	XS_HOST_MEM_DATA,     /* payload data and bss: near, stays R+W */
	XS_HOST_MEM_META,     /* the core's bookkeeping for a payload: R+W, anywhere */
	XS_HOST_MEM_COUNT
};

/* A half-open address range [start, end). */
struct xs_host_range {
	uint64_t start, end;
	uint32_t flags; /* XS_HOST_RANGE_* */
};

/*
 * A thread whose PC is exactly start has not run any of the range yet and
 * may be left where it is: an old function being patched or restored (the
 * thread resumes at its entry and takes whatever the entry holds by then -
 * the trampoline after an apply, the original bytes after a revert; its
 * release from the rendezvous is the context synchronization). A host may
 * ignore the flag (more retries, never less safety).
 */
#define XS_HOST_RANGE_ENTRY_OK (1u << 0)

/* Who is inside a range (thread_in_ranges). */
struct xs_host_busy {
	uint32_t range;  /* index into the ranges given */
	uint64_t thread; /* thread id / CPU number, host-defined */
	uint64_t pc;     /* the program counter or return address found in the range */
	bool on_stack;   /* true: a return address on the stack, false: the PC itself */
};

/* The function the core runs with everything else held. */
typedef xs_status (*xs_host_held_fn)(void *arg);

struct xs_host {
	void *ctx;
	uint16_t machine; /* EM_X86_64 (62) or EM_AARCH64 (183) of the live image */

	/*
	 * Memory of `size` bytes aligned to `align` (a power of two) for `kind`,
	 * writable at *w, at run address *addr (the same memory; w may be an
	 * alias). TEXT/RODATA/DATA should lie within the image's near-branch
	 * reach (x86_64 rel32 +-2 GiB; AArch64 B +-128 MiB is best, ADRP +-4
	 * GiB required for data): the core then needs no stubs or veneers for
	 * calls into the image and the trampoline is a near jump. Memory is
	 * writable and not executable until seal. Not HELD.
	 */
	xs_status (*alloc)(void *ctx, enum xs_host_mem kind, uint64_t size, uint64_t align,
			   uint64_t *addr, uint8_t **w, char *msg, size_t msg_size);
	/* Give back what alloc returned (same kind, addr, size). Not HELD. */
	void (*free)(void *ctx, enum xs_host_mem kind, uint64_t addr, uint64_t size);
	/*
	 * Final permissions of an allocation after the core has written it:
	 * TEXT -> R+X (never W+X), RODATA -> R, DATA stays R+W. The core has
	 * already called sync_icache over TEXT. Not HELD.
	 */
	xs_status (*seal)(void *ctx, enum xs_host_mem kind, uint64_t addr, uint64_t size,
			  char *msg, size_t msg_size);

	/*
	 * A writable, non-executable alias of live text [addr, addr + len): *w
	 * receives the pointer through which the core writes those bytes. The
	 * executable mapping is never made writable. The host may prepare the
	 * alias on first use (POSIX: remap file-backed text onto shared memory),
	 * preserving every byte. HELD.
	 */
	xs_status (*map_alias)(void *ctx, uint64_t addr, size_t len, uint8_t **w, char *msg,
			       size_t msg_size);
	/* Drop an alias returned by map_alias (same addr, len, w). HELD. Cannot fail. */
	void (*unmap_alias)(void *ctx, uint64_t addr, size_t len, uint8_t *w);
	/*
	 * Make new instructions at run address [addr, addr + len) visible to
	 * instruction fetch on every CPU (xs_cache_sync does it for AArch64;
	 * x86_64 needs nothing beyond the rendezvous' serializing release). May
	 * be HELD.
	 */
	void (*sync_icache)(void *ctx, uint64_t addr, size_t len);

	/*
	 * Stop-machine: hold every other CPU/thread at a known point (in an
	 * interrupt or signal handler, interrupts masked), call fn(arg) on this
	 * one, release all, return fn's status. Every CPU/thread executes a
	 * context synchronization event (ISB, exception return) before it runs
	 * code again. Threads created while the rendezvous is in progress must
	 * be held too. If not all are held within timeout_ns, release those
	 * that are, do not call fn, and return XS_E_TIMEOUT. Not HELD itself.
	 */
	xs_status (*rendezvous)(void *ctx, xs_host_held_fn fn, void *arg, uint64_t timeout_ns);
	/*
	 * During a rendezvous: is a held CPU/thread executing in one of
	 * ranges[0..n) - its PC, or a return address found on its stack (a
	 * frame-pointer walk where frames exist, plus the link register /
	 * the word at the stack pointer for a function that has not built its
	 * frame yet)? XS_OK when none is; XS_E_BUSY with *who filled for the
	 * first found. A host that cannot inspect stacks checks PCs only and
	 * says so in its documentation. A PC exactly at the start of a range
	 * flagged XS_HOST_RANGE_ENTRY_OK is not inside it. HELD.
	 */
	xs_status (*thread_in_ranges)(void *ctx, const struct xs_host_range *ranges, uint32_t n,
				      struct xs_host_busy *who);

	/*
	 * An external symbol a payload needs that neither the host's symbol
	 * table nor an earlier payload defines (POSIX: dlsym). XS_OK and
	 * *value, or XS_E_NOT_FOUND. May be NULL. Not HELD.
	 */
	xs_status (*resolve)(void *ctx, const char *name, uint64_t *value);
	/*
	 * A payload section the core places and relocates but does not
	 * interpret (Xen's .altinstructions, .ex_table, .bug_frames.*, .fixup,
	 * and every other allocated section besides text/data/rodata/bss and
	 * .livepatch.*), reported after relocation with add = true and before
	 * unload with add = false. A failure at add = true aborts the load.
	 * May be NULL. Not HELD.
	 */
	xs_status (*section)(void *ctx, bool add, const char *payload, const char *name,
			     uint64_t addr, uint64_t size);
	/* One line for the host's log (level 0 error, 1 info, 2 debug). May be NULL. Not HELD. */
	void (*log)(void *ctx, int level, const char *msg);
	/* Nanoseconds of a monotonic clock, for the pause measurement. May be NULL. May be HELD. */
	uint64_t (*now_ns)(void *ctx);
};

#ifdef __cplusplus
}
#endif
#endif
