/* SPDX-License-Identifier: MIT */
/*
 * The live patch of the example image, in Xen's livepatch payload format,
 * written in plain C with <xsplice/payload.h> and compiled with
 * `aarch64-linux-gnu-gcc -O2 -c` (plus the freestanding flags of the image).
 * BM_HOST_BUILD_ID is the image's build-id, read from the linked image by
 * build.sh: the payload applies to that build only.
 */
#include <stdint.h>

#include <xsplice/payload.h>

extern uint32_t bm_new_bias;		  /* a host global (reached through the GOT) */
extern void printk(const char *fmt, ...); /* resolved by the host's export table */

static uint32_t bm_answer_v2(uint32_t x)
{
	return 3 * x + bm_new_bias;
}

static void on_load(void)
{
	printk("  payload load hook: bm_answer(x) = 2x + 1 becomes 3x + %u\n", bm_new_bias);
}

XSPLICE_REPLACE(bm_answer, bm_answer_v2);
XSPLICE_HOOK_LOAD(on_load);
XSPLICE_HOST_BUILD_ID(BM_HOST_BUILD_ID)
