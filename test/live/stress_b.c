/* SPDX-License-Identifier: MIT */
#include <xsplice/payload.h>
static int f1_b(int x) { return x + 3; }
static int f2_b(int x) { return x + 30; }
XSPLICE_REPLACE(f1, f1_b);
XSPLICE_REPLACE(f2, f2_b);
