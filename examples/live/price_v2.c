/* SPDX-License-Identifier: MIT */
/* Patch v2: prices up 20%. `gcc -O2 -c price_v2.c`, then `xsplice bind`. */
#include <xsplice/payload.h>

static int price_v2(int units)
{
	return units * 120;
}

XSPLICE_REPLACE(price, price_v2);
