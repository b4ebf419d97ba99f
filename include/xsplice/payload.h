/* SPDX-License-Identifier: MIT */
/*
 * Writing a live patch in plain C. Compile the file with `gcc -O2 -c`; the
 * object carries the sections of Xen's livepatch payload format
 * (docs/payload.md), as Xen's own build produces them:
 *
 *   #include <xsplice/payload.h>
 *
 *   static int fixed_parse(const char *s) { ... }
 *   XSPLICE_REPLACE(parse, fixed_parse);               // host's parse()
 *   XSPLICE_REPLACE_SYM("net/dns.c#parse", fixed_parse2); // one of several statics
 *   XSPLICE_NOP(debug_hook, 5);                         // 5 bytes of NOPs
 *   XSPLICE_HOOK_PRE_APPLY(check_ready);
 *   XSPLICE_HOST_BUILD_ID("2bb48323ee6867c1ed482c4b623a2f4713c258f5");
 *
 * The old function is named, never declared: it is usually a static of the
 * host, which the patch cannot see. The loader resolves the name in the
 * host's symbol table when the payload is applied (`file#name` for a
 * static that is not unique). old_size and new_size are written as 0 when
 * they are unknown at compile time: the loader (and `xsplice bind`, which
 * fills them in for Xen, whose loader requires them) takes them from the
 * host's and the payload's symbol tables.
 *
 * Hook signatures:
 *   load / unload hooks             void fn(void)
 *   pre-apply / pre-revert          int fn(void *payload)   (non-zero vetoes)
 *   apply / revert (action)         int fn(void *payload)   (replace the loader's)
 *   post-apply / post-revert        void fn(void *payload)
 * `payload` is the host's handle of the payload being acted on.
 */
#ifndef XSPLICE_PAYLOAD_H
#define XSPLICE_PAYLOAD_H

#include <stdint.h>

#define XSPLICE_PAYLOAD_VERSION 2

/* struct livepatch_func of Xen's public/sysctl.h (version 2), 104 bytes. */
struct xsplice_livepatch_func {
	const char *name;
	void (*new_addr)(void);
	void (*old_addr)(void);
	uint32_t new_size;
	uint32_t old_size;
	uint8_t version;
	uint8_t opaque[39];   /* the loader's: saved bytes, state */
	uint8_t expect_ctl;   /* enabled (bit 0) | len << 1 */
	uint8_t expect[31];
};

typedef char xsplice_livepatch_func_is_104_bytes_[
	sizeof(struct xsplice_livepatch_func) == 104 && sizeof(void *) == 8 ? 1 : -1];

#define XSPLICE_CAT2_(a, b) a##b
#define XSPLICE_CAT_(a, b) XSPLICE_CAT2_(a, b)
#define XSPLICE_UNIQ_(p) XSPLICE_CAT_(p, __COUNTER__)

#define XSPLICE_FUNC_(var, old_name, new_fn, nsize, ...)                                      \
	__attribute__((used, section(".livepatch.funcs"), aligned(8))) static struct             \
		xsplice_livepatch_func var = {                                                    \
			.name = (old_name),                                                       \
			.new_addr = (void (*)(void))(new_fn),                                     \
			.new_size = (nsize),                                                      \
			.version = XSPLICE_PAYLOAD_VERSION,                                       \
			__VA_ARGS__}

/* Replace the host's function old_fn (a bare name) with new_fn. */
#define XSPLICE_REPLACE(old_fn, new_fn) XSPLICE_REPLACE_SYM(#old_fn, new_fn)

/* Replace the host function named old_name: "name" or "file.c#name". */
#define XSPLICE_REPLACE_SYM(old_name, new_fn)                                                 \
	XSPLICE_FUNC_(XSPLICE_UNIQ_(xsplice_func_), old_name, new_fn, 0, .old_size = 0)

/*
 * Like XSPLICE_REPLACE_SYM, and refuse to apply unless the host's bytes at
 * the patch point start with `bytes` (a string literal, at most 31 bytes).
 */
#define XSPLICE_REPLACE_EXPECT(old_name, new_fn, bytes)                                       \
	XSPLICE_FUNC_(XSPLICE_UNIQ_(xsplice_func_), old_name, new_fn, 0,                       \
		      .expect_ctl = (uint8_t)(1u | ((sizeof(bytes) - 1) << 1)),               \
		      .expect = bytes)

/* Overwrite the first size bytes (after an ENDBR64 / BTI) of old_fn with NOPs. */
#define XSPLICE_NOP(old_fn, size)                                                             \
	__attribute__((used, section(".livepatch.funcs"), aligned(8))) static struct             \
		xsplice_livepatch_func XSPLICE_UNIQ_(xsplice_nop_) = {                            \
			.name = #old_fn,                                                          \
			.new_size = (size),                                                       \
			.version = XSPLICE_PAYLOAD_VERSION}

#define XSPLICE_HOOK_(sec, type, fn)                                                          \
	__attribute__((used, section(sec), aligned(8))) static type XSPLICE_UNIQ_(            \
		xsplice_hook_) = fn

typedef void xsplice_loadcall_t(void);
typedef int xsplice_precall_t(void *payload);
typedef int xsplice_actioncall_t(void *payload);
typedef void xsplice_postcall_t(void *payload);

/* Any number of load / unload hooks; at most one of each action hook. */
#define XSPLICE_HOOK_LOAD(fn) XSPLICE_HOOK_(".livepatch.hooks.load", xsplice_loadcall_t *, fn)
#define XSPLICE_HOOK_UNLOAD(fn) XSPLICE_HOOK_(".livepatch.hooks.unload", xsplice_loadcall_t *, fn)
#define XSPLICE_HOOK_PRE_APPLY(fn)                                                            \
	XSPLICE_HOOK_(".livepatch.hooks.preapply", xsplice_precall_t *, fn)
#define XSPLICE_HOOK_APPLY(fn) XSPLICE_HOOK_(".livepatch.hooks.apply", xsplice_actioncall_t *, fn)
#define XSPLICE_HOOK_POST_APPLY(fn)                                                           \
	XSPLICE_HOOK_(".livepatch.hooks.postapply", xsplice_postcall_t *, fn)
#define XSPLICE_HOOK_PRE_REVERT(fn)                                                           \
	XSPLICE_HOOK_(".livepatch.hooks.prerevert", xsplice_precall_t *, fn)
#define XSPLICE_HOOK_REVERT(fn)                                                               \
	XSPLICE_HOOK_(".livepatch.hooks.revert", xsplice_actioncall_t *, fn)
#define XSPLICE_HOOK_POST_REVERT(fn)                                                          \
	XSPLICE_HOOK_(".livepatch.hooks.postrevert", xsplice_postcall_t *, fn)

/*
 * A GNU build-id note (namesz 4, descsz, type 3, "GNU", the bytes) in
 * section sec, from a string of hex digits, assembled by GNU as (.irpc); the
 * bytes are those of Xen's own build.
 */
#define XSPLICE_BUILD_ID_NOTE_(sec, hex)                                                      \
	__asm__(".pushsection " sec ",\"a\",%progbits\n\t"                                     \
		".balign 4\n\t"                                                                \
		".long 4, 2f - 1f, 3\n\t"                                                      \
		".asciz \"GNU\"\n"                                                             \
		"1:\n\t"                                                                       \
		".set .Lxsplice_hi, -1\n\t"                                                    \
		".irpc c, " hex "\n\t"                                                         \
		".ifeq .Lxsplice_hi + 1\n\t"                                                   \
		".set .Lxsplice_hi, 0x\\c\n\t"                                                 \
		".else\n\t"                                                                    \
		".byte (.Lxsplice_hi << 4) | 0x\\c\n\t"                                        \
		".set .Lxsplice_hi, -1\n\t"                                                    \
		".endif\n\t"                                                                   \
		".endr\n"                                                                      \
		"2:\n\t"                                                                       \
		".balign 4\n\t"                                                                \
		".popsection")

/* The host image's build-id (`readelf -n IMAGE`): the payload applies to that build only. */
#define XSPLICE_HOST_BUILD_ID(hex) XSPLICE_BUILD_ID_NOTE_(".livepatch.xen_depends", hex);
/* The build-id this payload stacks on: the last payload applied before it, or the host. */
#define XSPLICE_DEPENDS_BUILD_ID(hex) XSPLICE_BUILD_ID_NOTE_(".livepatch.depends", hex);

#endif
