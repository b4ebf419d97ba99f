/* SPDX-License-Identifier: MIT */
/*
 * POSIX glue: link relocatable objects into the running Linux process and
 * run them. Three layers, each usable alone:
 *
 *   xs_posix_mem_*       regions near the process's shared libraries (one
 *                        anonymous mapping, RW while relocating, sealed
 *                        RX / R / RW afterwards - never a W+X page)
 *   xs_posix_resolver_*  an xs_resolve_fn over dlsym(RTLD_DEFAULT) and
 *                        libraries opened for `-l NAME`
 *   xs_posix_load/...    the loader: link + seal + .eh_frame registration,
 *                        constructors, main, destructors
 *
 * The glue uses libc, libdl and libgcc_s (for __register_frame, opened at
 * run time). Not thread-safe per object: one thread drives an image.
 */
#ifndef XSPLICE_POSIX_H
#define XSPLICE_POSIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xsplice/link.h>
#include <xsplice/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- region memory ---------------------------------------------------- */

/*
 * The regions of one link. addr[] is where code runs, w[] where the linker
 * writes; today both are the same anonymous mapping (RW until sealed), but
 * callers must not assume it: a later host may write through an alias.
 */
struct xs_posix_mem {
	uint8_t *map; /* the mapping, NULL if none */
	size_t map_size;
	uint64_t addr[XS_REGION_COUNT];
	uint8_t *w[XS_REGION_COUNT];
	uint64_t size[XS_REGION_COUNT];
	uint64_t span[XS_REGION_COUNT]; /* page-rounded extent of each region */
	uint64_t extra_addr;            /* `extra` glue-owned bytes, RW, zeroed */
	uint8_t *extra_w;
	size_t extra_size;
	bool near; /* every region lies within rel32 (+-2 GiB) of the libraries */
	bool sealed;
};

/*
 * Map memory for every region xs_link_region_need reports (after plan),
 * plus `extra` zeroed RW bytes after DATA for the host's own use, and hand
 * each region to the link with xs_link_place_region. Placement prefers the
 * address range just below the shared libraries (where the kernel's
 * top-down mmap already lands), checks that every region is within +-2 GiB
 * of them, and otherwise searches a free gap that is;
 * if nothing near is free it keeps a far mapping (the core then routes far
 * calls through stubs and far data through the GOT). m->near says which.
 */
xs_status xs_posix_mem_place(struct xs_link *lk, size_t extra, struct xs_posix_mem *m,
			     struct xs_diag *d);

/*
 * The same, near [lo, hi) instead of the libraries - for example the main
 * program's image, for a payload that calls back into it. lo >= hi means
 * the shared libraries. When the default placement is not near, a free
 * gap is searched in /proc/self/maps on either side of the range.
 */
xs_status xs_posix_mem_place_near(struct xs_link *lk, size_t extra, uint64_t lo, uint64_t hi,
				  struct xs_posix_mem *m, struct xs_diag *d);

/* After xs_link_relocate: TEXT -> R+X (+ icache sync), RODATA -> R, DATA stays RW. */
xs_status xs_posix_mem_seal(struct xs_posix_mem *m, struct xs_diag *d);

/* Unmap (idempotent; m is zeroed). */
void xs_posix_mem_free(struct xs_posix_mem *m);

/* ---- resolver --------------------------------------------------------- */

/*
 * Resolution order for a name no linked object defines:
 *   1. first(first_ctx, name), if set (a host symbol table, for example);
 *   2. "__dso_handle" -> dso_handle, if non-zero;
 *   3. dlsym(RTLD_DEFAULT) - the process, its libraries and every library
 *      opened RTLD_GLOBAL, which includes the `-l` ones;
 *   4. each `-l` library handle, in the order added;
 *   5. what a gcc link would add implicitly: the libc_nonshared.a functions
 *      (atexit, at_quick_exit, pthread_atfork, __stack_chk_fail_local, bound
 *      to the calling image's __dso_handle), libgcc_s.so.1, and on x86_64
 *      libgcc.a's __cpu_model / __cpu_indicator_init.
 * Not found -> XS_E_NOT_FOUND (the core resolves an undefined weak to 0).
 */
struct xs_posix_resolver {
	void **libs;
	size_t nlibs, cap;
	uint64_t dso_handle;
	xs_resolve_fn first;
	void *first_ctx;
	/* set by xs_posix_resolve: a name resolved means the unwinder may run (see
	 * XS_POSIX_LOAD_LAZY_UNWIND) */
	bool unwinds;
};

void xs_posix_resolver_init(struct xs_posix_resolver *r);

/*
 * Open lib<name> like `-l name`: dlopen("lib<name>.so", RTLD_NOW | RTLD_GLOBAL);
 * if that is a linker script (Debian's libm.so, libc.so) or absent, the
 * shared objects named in the script's GROUP/INPUT, then lib<name>.so.N for
 * small N. XS_E_NOT_FOUND with d->msg naming the library when none opens.
 */
xs_status xs_posix_resolver_add_lib(struct xs_posix_resolver *r, const char *name,
				    struct xs_diag *d);

/* The xs_resolve_fn; ctx is a struct xs_posix_resolver. */
xs_status xs_posix_resolve(void *ctx, const char *name, uint64_t *value);

/* Forget the handles (the libraries stay loaded: loaded code may use them). */
void xs_posix_resolver_fini(struct xs_posix_resolver *r);

/* ---- loader ----------------------------------------------------------- */

/* One input object: its bytes (kept alive by the caller until unload) and a name for messages. */
struct xs_posix_object {
	const void *data;
	size_t size;
	const char *name;
};

/* A function-pointer array (.init_array, .ctors, ...) found in the link. */
struct xs_posix_fnarray {
	uint64_t addr;  /* of the first pointer */
	uint64_t count; /* pointers */
	uint32_t key;   /* sort key: priority, 65536 for none */
	uint32_t order; /* input order (object, section) for a stable sort */
	bool reverse;   /* .ctors/.dtors: run in the opposite direction */
};

enum xs_posix_state {
	XS_POSIX_EMPTY = 0,
	XS_POSIX_LOADED,    /* linked, sealed, frames registered */
	XS_POSIX_INITED,    /* constructors ran; destructors pending */
	XS_POSIX_FINISHED,  /* destructors ran */
};

struct xs_posix_image {
	/* Private: use the functions. */
	struct xs_link link;
	struct xs_object *objs;
	uint32_t nobj;
	void *ws;
	struct xs_posix_mem mem;
	struct xs_posix_resolver res;
	struct xs_posix_fnarray *arrays; /* preinit, then init, then fini */
	uint32_t npreinit, ninit, nfini;
	uint64_t *frames; /* addresses of registered .eh_frame sections */
	uint32_t nframes;
	int state;
	struct xs_posix_image *next; /* the glue's list of live images */
};

struct xs_posix_load_options {
	uint32_t link_flags; /* XS_LINK_*; XS_LINK_ALLOW_UNDEFINED_WEAK is always added */
	const char *const *libs; /* `-l` names, opened in order before linking */
	size_t nlibs;
	xs_resolve_fn first; /* optional resolver consulted before the process */
	void *first_ctx;
	/* near_lo < near_hi: place the regions near [near_lo, near_hi) instead of the libraries */
	uint64_t near_lo, near_hi;
	uint32_t flags; /* XS_POSIX_LOAD_* */
};

/*
 * Register the objects' .eh_frame with libgcc_s's unwinder only when it can
 * be needed: the objects reference the C++ runtime (_Z*, __cxa_*, __gxx_*),
 * the unwinder (_Unwind_*), a personality routine (__gcc_personality_v0:
 * C cleanups under -fexceptions), backtrace*, pthread_exit or
 * pthread_cancel - or libgcc_s is loaded already. Otherwise libgcc_s is not
 * opened (~0.2 ms and a dozen page faults on every load). Frames that need
 * a personality routine reference it, so what is left unregistered is only
 * a walk through plain C frames from outside: a host's own backtrace() or
 * forced unwind (pthread_cancel) then stops at the first loaded frame
 * (glibc still runs the C cleanup handlers). `xsplice run` sets it.
 */
#define XS_POSIX_LOAD_LAZY_UNWIND (1u << 0)

/*
 * Link objs[0..nobj) together into the process: parse, plan, place near
  * the libraries, resolve (objects, `__dso_handle` -> a byte of this image's
 * data, then the resolver above), relocate, seal, register every .eh_frame
 * with the unwinder (unless XS_POSIX_LOAD_LAZY_UNWIND finds no use for it). Nothing has run yet. On failure everything is undone
 * and d says why (d->object is the index into objs).
 */
xs_status xs_posix_load(struct xs_posix_image *img, const struct xs_posix_object *objs,
			uint32_t nobj, const struct xs_posix_load_options *opt, struct xs_diag *d);

/* A global symbol the objects define, NULL if none. */
void *xs_posix_symbol(const struct xs_posix_image *img, const char *name);

/*
 * Run the constructors as ld.so would for a main program: .preinit_array,
 * then .init_array.N / .ctors.N by priority, then plain .init_array / .ctors
 * in input order (objects in order; .ctors backwards), each called as
 * f(argc, argv, envp).
 *
 * Destructors: before the first constructor a __cxa_atexit handler is
 * registered under the image's __dso_handle; it runs the .fini_array /
 * .dtors mirror image. So at exit() (from main or anywhere) it runs after
 * every atexit / C++ static destructor registered by the program's own
 * constructors and main - the order glibc gives an executable, whose
 * fini_array is run by _dl_fini, registered before its constructors - and
 * before libc flushes stdio. xs_posix_unload runs the same handlers early
 * through __cxa_finalize(__dso_handle).
 */
xs_status xs_posix_init(struct xs_posix_image *img, int argc, char **argv, char **envp,
			struct xs_diag *d);

/*
 * xs_posix_init, then main(argc, argv, envp); *status is main's return
 * value. The caller normally passes it to exit() so destructors and stdio
 * flushing happen. XS_E_UNDEFINED_SYMBOL if the objects define no main.
 */
xs_status xs_posix_run_main(struct xs_posix_image *img, int argc, char **argv, char **envp,
			    int *status, struct xs_diag *d);

/*
 * Run pending destructors (__cxa_finalize on the image's __dso_handle),
 * deregister frames, unmap. Only safe when no thread runs loaded code and
 * nothing keeps pointers into it. img is zeroed.
 */
void xs_posix_unload(struct xs_posix_image *img);

/* ---- live patching of this process --------------------------------------- */

/*
 * Make the calling program live-patchable: read its symbol table from
 * /proc/self/exe (with the PIE load bias), and serve `xsplice ctl` requests
 * on a Unix socket at socket_path from a thread of its own. The socket is
 * created mode 0600 (a stale socket file is replaced) and a peer whose uid
 * (SO_PEERCRED) differs from this process's effective uid is refused:
 * patching is a root-equivalent power over the process. Returns 0, or -1
 * with errno set (and a line on stderr) when it cannot start. Call once,
 * from main, before or after starting other threads.
 *
 * What the host needs: x86_64 or aarch64 Linux; threads that do not block
 * SIGRTMIN+5 (the rendezvous signal; a thread blocking it makes every
 * operation time out); patched functions not inlined into their callers.
 * The signal interrupts blocking system calls: those the kernel does not
 * restart itself (nanosleep, clock_nanosleep, poll, select, epoll_wait,
 * pause) are re-issued by the handler when it can identify them (x86_64:
 * glibc's wrappers; aarch64: relative sleeps, and any of them seen blocked
 * before the signal), so `sleep(30)` in main still sleeps 30 s; a call it
 * cannot identify returns EINTR, as with any signal.
 */
int xs_posix_serve(const char *socket_path);

/* The same operations in-process (the server calls these). Serialized by a lock. */
#define XS_POSIX_LIVE_ANY_HOST 1u /* accept a payload without .livepatch.xen_depends */

/* Read the image, install the rendezvous signal handler. Idempotent. */
xs_status xs_posix_live_init(struct xs_diag *d);
/* Load a payload (elf is copied). flags: XS_POSIX_LIVE_ANY_HOST. */
xs_status xs_posix_live_upload(const char *name, const void *elf, size_t size, uint32_t flags,
			       struct xs_diag *d);
/*
 * The transitions of include/xsplice/patch.h. A thread inside (or returning
 * into) a function being changed, or a rendezvous that times out, makes the
 * operation back off (100 us doubling up to max_backoff_us, with jitter) and
 * retry; after `tries` attempts it fails with XS_E_BUSY (or XS_E_TIMEOUT),
 * d naming the function, the thread id and the address, "(gave up after N
 * tries)".
 */
xs_status xs_posix_live_apply(const char *name, struct xs_diag *d);
xs_status xs_posix_live_revert(const char *name, struct xs_diag *d);
xs_status xs_posix_live_replace(const char *name, struct xs_diag *d);
xs_status xs_posix_live_unload(const char *name, struct xs_diag *d);
/* "name state functions pause_us" lines, header first; returns the length. */
size_t xs_posix_live_list(char *buf, size_t size);
/* Defaults: 200 tries, 20 ms back-off cap, 100 ms rendezvous timeout. 0 keeps a value. */
void xs_posix_live_set_retry(unsigned tries, unsigned max_backoff_us, uint64_t timeout_ns);
/* The pause of the last successful transition: first signal sent .. every thread released. */
uint64_t xs_posix_live_last_pause_ns(void);
/* The pauses of the most recent successful transitions, oldest first; returns the count. */
size_t xs_posix_live_pauses(uint64_t *out, size_t max);
/*
 * With XSPLICE_WX_AUDIT set in the environment, the glue reads
 * /proc/self/maps whenever a writable text alias has just been mapped (in
 * the rendezvous), after every seal and after every operation, and counts
 * mappings that are writable and executable. Tests assert violations == 0.
 */
void xs_posix_live_wx_audit(unsigned long *audits, unsigned long *violations);

#ifdef __cplusplus
}
#endif
#endif
