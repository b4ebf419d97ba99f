/* SPDX-License-Identifier: MIT */
/* Target "link_aarch64": parse an EM_AARCH64 object and link it into a sandbox (common/sandbox.c). */
#include "../common/xs_fuzz.h"

int xs_fuzz_one(const uint8_t *data, size_t size)
{
	return xs_fuzz_link(data, size, 183 /* EM_AARCH64 */);
}
