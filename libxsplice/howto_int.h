/* SPDX-License-Identifier: MIT */
/* The engine's diagnostics-free core, for the relocation loop (internal). */
#ifndef XS_HOWTO_INT_H
#define XS_HOWTO_INT_H

#include <xsplice/howto.h>

/*
 * xs_howto_encode's checks and encoding without diagnostics or the range
 * for messages: the relocation loop asks xs_howto_encode for the details
 * only when this fails. *x becomes X after keep, *unit the new unit (on
 * XS_E_BAD_INSN: the unit found).
 */
xs_status xs_howto_encode_core(const struct xs_howto *h, int64_t *x, uint64_t *unit);

#endif
