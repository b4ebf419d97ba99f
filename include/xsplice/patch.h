/* SPDX-License-Identifier: MIT */
/*
 * The live-patch lifecycle, Xen livepatch's state machine with stricter
 * rules (docs/design-questions.md):
 *
 *            load                apply / replace
 *   (none) --------> LOADED  ------------------->  APPLIED
 *          <--------         <-------------------
 *            unload              revert (the most recently applied only)
 *
 *  load     parse + read .livepatch.* + check the host dependency + resolve
 *           every old function + link into host memory + export the
 *           payload's globals + run load hooks. Nothing live changes.
 *  apply    pre-apply hook (non-zero vetoes) -> check .livepatch.depends
 *           against the top of the applied stack (or the host) -> plan
 *           every site -> rendezvous: no held thread in an old function,
 *           live bytes as planned, write every trampoline through the
 *           alias, sync -> post-apply hook. All N functions or none.
 *  revert   the top of the applied stack only; restores the saved bytes
 *           exactly; pre/post-revert hooks like apply's.
 *  replace  revert every applied payload and apply this one in ONE
 *           rendezvous; on any failure the previous state stands.
 *  unload   a LOADED payload, no held thread in its code: unload hooks,
 *           unexport, free.
 *
 * Every transition not drawn above returns XS_E_STATE. XS_E_BUSY and
 * XS_E_TIMEOUT are retryable: nothing changed, a later try may succeed (the
 * host decides how often and how long to back off). Not thread safe: one
 * caller at a time drives a manager.
 */
#ifndef XSPLICE_PATCH_H
#define XSPLICE_PATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xsplice/host.h>
#include <xsplice/link.h>
#include <xsplice/livepatch.h>
#include <xsplice/object.h>
#include <xsplice/status.h>
#include <xsplice/symtab.h>
#include <xsplice/tramp.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XS_PATCH_NAME_MAX 64
/* Depth of the applied stack. */
#define XS_PATCH_MAX_APPLIED 64

enum xs_patch_state {
	XS_PATCH_NONE = 0, /* not loaded (or unloaded) */
	XS_PATCH_LOADED,
	XS_PATCH_APPLIED,
};

/* xs_patch_load flags */
enum xs_patch_flags {
	/* Accept a payload without .livepatch.xen_depends (one WITH a different host build-id is
	 * still refused). */
	XS_PATCH_ANY_HOST = 1u << 0,
};

/* Fault injection for tests: the step at which the next operation fails. */
enum xs_patch_fault {
	XS_PATCH_FAULT_NONE = 0,
	XS_PATCH_FAULT_PLAN,  /* planning function `fault_index` */
	XS_PATCH_FAULT_WRITE, /* writing function `fault_index` (after the aliases are mapped) */
};

/* One replaced function (bookkeeping in host META memory). */
struct xs_patch_func {
	const char *name;   /* old name (in payload memory), or NULL */
	uint64_t old_addr;  /* the site */
	uint64_t old_size;  /* the function's size (symbol, else old_size) */
	uint64_t new_addr;  /* 0 for a NOP patch */
	uint64_t new_size;
	uint32_t declared_old_size;
	bool nop;
	bool expect_enabled;
	uint8_t expect_len;
	uint8_t expect[XS_LP_EXPECT_MAX];
	struct xs_tramp_plan plan; /* valid while APPLIED: insn written, saved restored */
	uint8_t *alias;            /* during a rendezvous: the writable alias of the site */
};

/* One payload. Caller-owned memory; all fields private (use the functions). */
struct xs_patch {
	char name[XS_PATCH_NAME_MAX];
	int state; /* enum xs_patch_state */
	uint32_t id; /* owner id of its exports */
	uint32_t flags;
	struct xs_object obj; /* keeps pointers into the ELF bytes: keep them alive */
	struct xs_payload pl;
	struct xs_link link;
	/* host memory */
	uint64_t mem_addr[XS_HOST_MEM_COUNT];
	uint64_t mem_size[XS_HOST_MEM_COUNT];
	uint8_t *meta;
	struct xs_patch_func *funcs; /* [nfuncs] in meta */
	uint32_t nfuncs;
	struct xs_host_range *ranges; /* [2 * nfuncs]: old functions, then new ones */
	uint64_t hook[XS_LP_HOOK_COUNT]; /* address of each hook section, 0 if none */
	uint64_t text_addr, text_size;   /* its code, for the unload check */
	struct xs_patch *next; /* the manager's list of loaded payloads */
};

struct xs_patch_mgr {
	/* All private. */
	const struct xs_host *host;
	struct xs_symtab *symtab;
	const uint8_t *build_id;
	size_t build_id_len;
	struct xs_patch *loaded;
	struct xs_patch *applied[XS_PATCH_MAX_APPLIED];
	uint32_t napplied;
	uint32_t next_id;
	uint64_t timeout_ns;
	uint64_t last_held_ns; /* time spent inside the last rendezvous callback */
	enum xs_patch_fault fault;
	uint32_t fault_index;
};

/*
 * host: the callbacks (kept by pointer). symtab: the host image's table,
 * finished, with room for the payloads' exports (xs_symtab_export); kept by
 * pointer. build_id: the host image's build-id (kept by pointer), may be
 * NULL only if every payload is loaded with XS_PATCH_ANY_HOST.
 */
xs_status xs_patch_mgr_init(struct xs_patch_mgr *m, const struct xs_host *host,
			    struct xs_symtab *symtab, const uint8_t *build_id, size_t build_id_len);

/* Rendezvous timeout for every later operation (default 100 ms). */
void xs_patch_set_timeout(struct xs_patch_mgr *m, uint64_t ns);
/* Tests: make the next apply / replace / revert fail at a step. */
void xs_patch_set_fault(struct xs_patch_mgr *m, enum xs_patch_fault f, uint32_t index);

/*
 * Load elf[0..size) (kept alive by the caller until unload) as payload
 * `name` (unique among loaded ones). On failure p is left NONE, nothing of
 * it remains in host memory or the symbol table, and d says why.
 */
xs_status xs_patch_load(struct xs_patch_mgr *m, struct xs_patch *p, const char *name,
			const void *elf, size_t size, uint32_t flags, struct xs_diag *d);
xs_status xs_patch_apply(struct xs_patch_mgr *m, struct xs_patch *p, struct xs_diag *d);
xs_status xs_patch_revert(struct xs_patch_mgr *m, struct xs_patch *p, struct xs_diag *d);
xs_status xs_patch_replace(struct xs_patch_mgr *m, struct xs_patch *p, struct xs_diag *d);
xs_status xs_patch_unload(struct xs_patch_mgr *m, struct xs_patch *p, struct xs_diag *d);

/* The loaded payload called name, or NULL. */
struct xs_patch *xs_patch_find(const struct xs_patch_mgr *m, const char *name);
/* Loaded payloads, most recently loaded first (iterate with ->next via this). */
struct xs_patch *xs_patch_first(const struct xs_patch_mgr *m);
struct xs_patch *xs_patch_next(const struct xs_patch *p);
const char *xs_patch_state_name(int state);
/* Nanoseconds the last rendezvous callback ran (0 without host->now_ns). */
uint64_t xs_patch_last_held_ns(const struct xs_patch_mgr *m);

#ifdef __cplusplus
}
#endif
#endif
