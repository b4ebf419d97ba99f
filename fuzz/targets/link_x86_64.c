/* SPDX-License-Identifier: MIT */
/* Target "link_x86_64": parse an EM_X86_64 object and link it into a sandbox (common/sandbox.c). */
#include "../common/xs_fuzz.h"

int xs_fuzz_one(const uint8_t *data, size_t size)
{
	return xs_fuzz_link(data, size, 62 /* EM_X86_64 */);
}
