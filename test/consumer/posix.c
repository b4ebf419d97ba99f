/* Uses the POSIX glue (xsplice::posix / xsplice-posix.pc), which needs the core. */
#include <stdint.h>
#include <stdio.h>

#include <xsplice/posix.h>

int main(void)
{
	struct xs_posix_resolver r;
	uint64_t puts_addr = 0;

	xs_posix_resolver_init(&r);
	if (xs_posix_resolve(&r, "puts", &puts_addr) != XS_OK || puts_addr == 0)
		return 1;
	xs_posix_resolver_fini(&r);
	printf("posix ok: %s\n", xs_status_name(XS_OK));
	return 0;
}
