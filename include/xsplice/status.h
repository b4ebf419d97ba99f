/* SPDX-License-Identifier: MIT */
/* Status codes and the diagnostic record every libxsplice call fills. */
#ifndef XSPLICE_STATUS_H
#define XSPLICE_STATUS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * X-macro list: name, message. The order is the ABI of the numeric values;
 * append only. docs/errors.md lists each code with the input that causes it.
 */
#define XS_STATUS_LIST(X)                                                      \
	X(XS_OK, "success")                                                    \
	X(XS_E_INVALID_ARG, "invalid argument")                                \
	X(XS_E_NO_SPACE, "caller-provided buffer too small")                   \
	X(XS_E_STATE, "operation not allowed in the current state")            \
	X(XS_E_TRUNCATED, "file truncated")                                    \
	X(XS_E_BAD_MAGIC, "not an ELF file")                                   \
	X(XS_E_BAD_CLASS, "not a 64-bit ELF file")                             \
	X(XS_E_BAD_DATA, "not a little-endian ELF file")                       \
	X(XS_E_BAD_VERSION, "unsupported ELF version")                         \
	X(XS_E_BAD_TYPE, "not a relocatable object (ET_REL)")                  \
	X(XS_E_BAD_MACHINE, "unsupported or mismatched machine")               \
	X(XS_E_BAD_HEADER, "malformed ELF header")                             \
	X(XS_E_SECTION_OUT_OF_FILE, "section data outside the file")           \
	X(XS_E_WRAP, "offset plus size wraps around")                          \
	X(XS_E_BAD_SECTION_INDEX, "section index out of range")                \
	X(XS_E_BAD_SECTION, "malformed section header")                        \
	X(XS_E_BAD_ALIGN, "invalid section alignment")                         \
	X(XS_E_STRTAB, "string table not NUL-terminated")                      \
	X(XS_E_BAD_STRING, "string offset out of range")                       \
	X(XS_E_NO_SYMTAB, "no symbol table")                                   \
	X(XS_E_MULTIPLE_SYMTAB, "more than one symbol table")                  \
	X(XS_E_BAD_ENTSIZE, "wrong table entry size")                          \
	X(XS_E_BAD_SYMBOL_INDEX, "symbol index out of range")                  \
	X(XS_E_BAD_SYMBOL, "malformed symbol")                                 \
	X(XS_E_SYMBOL_OUT_OF_SECTION, "symbol value outside its section")      \
	X(XS_E_COMMON, "common symbol (SHN_COMMON) not supported; build with -fno-common") \
	X(XS_E_BAD_RELOC_SECTION, "malformed relocation section")              \
	X(XS_E_RELOC_WRONG_SYMTAB, "relocation section refers to the wrong symbol table") \
	X(XS_E_RELOC_OUT_OF_SECTION, "relocation outside its target section")  \
	X(XS_E_REL_UNSUPPORTED, "SHT_REL relocations not supported (ELF64 uses SHT_RELA)") \
	X(XS_E_TOO_MANY, "count exceeds the supported limit")                  \
	X(XS_E_BAD_GROUP, "malformed section group")                           \
	X(XS_E_UNKNOWN_RELOC, "unknown relocation type")                       \
	X(XS_E_TLS_RELOC, "thread-local storage relocation not supported")     \
	X(XS_E_UNSUPPORTED_RELOC, "relocation type not supported in this context") \
	X(XS_E_OVERFLOW, "relocation value out of range")                      \
	X(XS_E_MISALIGNED, "relocation value misaligned")                      \
	X(XS_E_BAD_INSN, "instruction at the relocation site is not of the expected class") \
	X(XS_E_UNDEFINED_SYMBOL, "undefined symbol")                           \
	X(XS_E_DUPLICATE_SYMBOL, "duplicate symbol definition")                \
	X(XS_E_DISCARDED_SECTION, "reference to a discarded section")         \
	X(XS_E_NOT_PLACED, "section or region has no address")                 \
	X(XS_E_HOST, "host callback failed")                                   \
	X(XS_E_FAULT_INJECTED, "failure injected for testing")                 \
	X(XS_E_AMBIGUOUS_SYMBOL, "ambiguous symbol name")                      \
	X(XS_E_NOT_FOUND, "not found")                                         \
	X(XS_E_UNSUPPORTED, "not supported")                                   \
	X(XS_E_SITE_TOO_SMALL, "patch site has too little room for the jump")  \
	X(XS_E_EXPECT_MISMATCH, "bytes at the patch site differ from the expected ones") \
	X(XS_E_BRANCH_INTO_SITE, "a branch lands inside the bytes the patch overwrites") \
	X(XS_E_OUT_OF_REACH, "jump target out of reach of every trampoline form") \
	X(XS_E_BUILD_ID_MISMATCH, "build-id dependency does not match")        \
	X(XS_E_NO_HOST_DEPENDENCY, "payload has no host build-id dependency")  \
	X(XS_E_BAD_PAYLOAD, "malformed livepatch payload section")             \
	X(XS_E_BUSY, "a thread is executing in, or will return into, code being patched") \
	X(XS_E_TIMEOUT, "not every thread or CPU joined the rendezvous in time") \
	X(XS_E_VETO, "a pre-apply or pre-revert hook vetoed the action")

typedef enum xs_status {
#define XS_STATUS_ENUM_(name, msg) name,
	XS_STATUS_LIST(XS_STATUS_ENUM_)
#undef XS_STATUS_ENUM_
	XS_STATUS_COUNT
} xs_status;

/* "XS_E_OVERFLOW"; "XS_E_?" for a value that is not a status. */
const char *xs_status_name(xs_status s);
/* The one-line human message for s. */
const char *xs_status_message(xs_status s);

/*
 * Filled by a failing call (and cleared by none): what went wrong, where.
 * Fields that do not apply are zero / empty / XS_DIAG_NONE.
 */
#define XS_DIAG_NONE UINT32_MAX
struct xs_diag {
	xs_status status;
	uint32_t object;     /* index of the object among the inputs */
	uint32_t section;    /* section index, or XS_DIAG_NONE */
	uint64_t offset;     /* offset within that section, or within the file */
	uint32_t symbol;     /* symbol index, or XS_DIAG_NONE */
	uint32_t reloc_type; /* relocation type, or XS_DIAG_NONE */
	int64_t value;       /* computed value (overflow, misalignment) */
	int64_t min, max;    /* allowed range, inclusive, when meaningful */
	char section_name[64];
	char symbol_name[128];
	char reloc_name[40];
	char msg[320]; /* the complete message, formatted by the core */
};

void xs_diag_clear(struct xs_diag *d);

#ifdef __cplusplus
}
#endif
#endif
