/* A patch as a user writes it: no sizes, no build-id (xsplice bind adds them). */
#include <xsplice/payload.h>

extern int helper(int);
static int new_compute(int x) { return helper(x) * 7; }
XSPLICE_REPLACE(compute, new_compute);
