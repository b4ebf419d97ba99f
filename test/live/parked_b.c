/* SPDX-License-Identifier: MIT */
#include <xsplice/payload.h>
static int outer_fn_new(int x) { return x + 100; }
XSPLICE_REPLACE(outer_fn, outer_fn_new);
