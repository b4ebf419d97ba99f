/* SPDX-License-Identifier: MIT */
/*
 * Making freshly written instructions visible to instruction fetch: call
 * after writing code (through any alias) and before anything executes it.
 * Freestanding; usable from a host's sync callback.
 */
#ifndef XSPLICE_CACHE_H
#define XSPLICE_CACHE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Clean the data cache and invalidate the instruction cache over
 * [begin, begin + len) to the point of unification, for every CPU in the
 * inner-shareable domain, then synchronize the calling CPU's instruction
 * stream. Other CPUs must still pass a context synchronization event (an
 * ISB, an exception return - the rendezvous release provides one) before
 * they run the new code. begin is the address code will run at, or an
 * alias of it: AArch64 maintenance by VA to PoU applies to the physical
 * line whichever alias names it.
 */
void xs_cache_sync(void *begin, size_t len);

#ifdef __cplusplus
}
#endif
#endif
