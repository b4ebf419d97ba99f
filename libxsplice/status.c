/* SPDX-License-Identifier: MIT */
#include <xsplice/status.h>

#include "util.h"

static const char *const names[] = {
#define X_(name, msg) #name,
	XS_STATUS_LIST(X_)
#undef X_
};

static const char *const messages[] = {
#define X_(name, msg) msg,
	XS_STATUS_LIST(X_)
#undef X_
};

const char *xs_status_name(xs_status s)
{
	return (unsigned)s < XS_STATUS_COUNT ? names[s] : "XS_E_?";
}

const char *xs_status_message(xs_status s)
{
	return (unsigned)s < XS_STATUS_COUNT ? messages[s] : "unknown status";
}

void xs_diag_clear(struct xs_diag *d)
{
	if (!d)
		return;
	memset(d, 0, sizeof(*d));
	d->section = XS_DIAG_NONE;
	d->symbol = XS_DIAG_NONE;
	d->reloc_type = XS_DIAG_NONE;
}
