/* SPDX-License-Identifier: MIT */
#include <xsplice/payload.h>
static int f1_c(int x) { return x + 2; }
XSPLICE_REPLACE(f1, f1_c);
