/* SPDX-License-Identifier: MIT */
#include <xsplice/payload.h>
static int park_fn_new(int x) { return x + 100; }
XSPLICE_REPLACE(park_fn, park_fn_new);
