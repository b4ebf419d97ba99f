/* SPDX-License-Identifier: MIT */
/*
 * Patch v3: a volume discount computed by the host's own host_discount(),
 * and tax at 12.5%: two functions replaced at once, all or nothing.
 * Stacks on nothing: apply it with `replace`.
 */
#include <xsplice/payload.h>

int host_discount(int units); /* the host's: resolved in its symbol table */

static int price_v3(int units)
{
	return units * 120 - host_discount(units);
}

static int tax_v3(int cents)
{
	return cents / 8;
}

static int applied_count;
static int ready(void *payload)
{
	(void)payload;
	return 0; /* a pre-apply hook: non-zero would veto */
}
static void done(void *payload)
{
	(void)payload;
	applied_count++;
}

XSPLICE_REPLACE(price, price_v3);
XSPLICE_REPLACE(tax, tax_v3);
XSPLICE_HOOK_PRE_APPLY(ready);
XSPLICE_HOOK_POST_APPLY(done);
