/*
 * Payloads that are right in every respect but one (-DCASE=...), for the
 * refusals of `xsplice check`. HOST_ID is the image's build-id (hex); the
 * entries are written out with their sizes, as Xen's build writes them.
 */
#include <xsplice/payload.h>

extern int helper(int);
static int new_fn(int x) { return helper(x) + 100; }

#define ENTRY(nm, osize, ...)                                                          \
	__attribute__((used, section(".livepatch.funcs"), aligned(8))) static struct      \
		xsplice_livepatch_func entry = {.name = nm,                              \
						.new_addr = (void (*)(void))new_fn,      \
						.new_size = 16,                          \
						.old_size = osize,                       \
						.version = 2,                            \
						__VA_ARGS__}

#if CASE == 1 /* wrong build-id */
XSPLICE_HOST_BUILD_ID("0123456789abcdef0123456789abcdef01234567")
XSPLICE_DEPENDS_BUILD_ID(HOST_ID)
ENTRY("compute", 5);
#elif CASE == 2 /* missing symbol */
XSPLICE_HOST_BUILD_ID(HOST_ID)
XSPLICE_DEPENDS_BUILD_ID(HOST_ID)
ENTRY("no_such_function", 5);
#elif CASE == 3 /* too-small site */
XSPLICE_HOST_BUILD_ID(HOST_ID)
XSPLICE_DEPENDS_BUILD_ID(HOST_ID)
ENTRY("tiny", 1);
#elif CASE == 4 /* wrong expected bytes: compute does not start with two NOPs */
XSPLICE_HOST_BUILD_ID(HOST_ID)
XSPLICE_DEPENDS_BUILD_ID(HOST_ID)
ENTRY("compute", 5, .expect_ctl = 1 | (2 << 1), .expect = "\x90\x90");
#elif CASE == 5 /* branch into site */
XSPLICE_HOST_BUILD_ID(HOST_ID)
XSPLICE_DEPENDS_BUILD_ID(HOST_ID)
ENTRY("loopy", 12);
#elif CASE == 6 /* undefined symbol */
extern int not_in_the_host(int);
static int new_fn2(int x) { return not_in_the_host(x); }
XSPLICE_HOST_BUILD_ID(HOST_ID)
XSPLICE_DEPENDS_BUILD_ID(HOST_ID)
__attribute__((used, section(".livepatch.funcs"), aligned(8))) static struct
	xsplice_livepatch_func entry = {.name = "compute",
					.new_addr = (void (*)(void))new_fn2,
					.new_size = 16, .old_size = 5, .version = 2};
#elif CASE == 7 /* right expected bytes: accepted */
XSPLICE_HOST_BUILD_ID(HOST_ID)
XSPLICE_DEPENDS_BUILD_ID(HOST_ID)
ENTRY("compute", 5, .expect_ctl = 1 | (EXPECT_LEN << 1), .expect = EXPECT);
#endif
