/* SPDX-License-Identifier: MIT */
#include <xsplice/payload.h>
static int f1_a(int x) { return x + 2; }
static int f2_a(int x) { return x + 20; }
XSPLICE_REPLACE(f1, f1_a);
XSPLICE_REPLACE(f2, f2_a);
