/* Uses only the freestanding core (xsplice::xsplice / xsplice.pc). */
#include <stdio.h>
#include <string.h>

#include <xsplice/status.h>

int main(void)
{
	if (strcmp(xs_status_name(XS_E_OVERFLOW), "XS_E_OVERFLOW") != 0)
		return 1;
	printf("core ok: %s\n", xs_status_message(XS_OK));
	return 0;
}
