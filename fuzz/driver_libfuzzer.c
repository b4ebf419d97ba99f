/* SPDX-License-Identifier: MIT */
/* libFuzzer driver: clang -fsanitize=fuzzer,address,undefined. */
#include "common/xs_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xs_fuzz_one(data, size);
	return 0;
}
