/* SPDX-License-Identifier: MIT */
/* What arch/<name>/tramp.c provides to the trampoline planner (internal). */
#ifndef XS_TRAMP_INT_H
#define XS_TRAMP_INT_H

#include <stddef.h>
#include <stdint.h>

#include <xsplice/status.h>
#include <xsplice/tramp.h>

/* Encode form at `at` to target into buf; XS_E_OUT_OF_REACH / XS_E_MISALIGNED. */
xs_status xs_x86_64_tramp_encode(enum xs_tramp_form f, uint64_t at, uint64_t target,
				 uint8_t *buf, unsigned *len, int64_t *dist);
void xs_x86_64_nops(uint8_t *buf, size_t n);
/* Length of the filler unit at code[0..len) (NOP, int3 or zero byte), 0 if none. */
unsigned xs_x86_64_filler_len(const uint8_t *code, uint64_t len);
enum xs_entry xs_x86_64_entry(const uint8_t *code, size_t len);

xs_status xs_aarch64_tramp_encode(enum xs_tramp_form f, uint64_t at, uint64_t target,
				  uint8_t *buf, unsigned *len, int64_t *dist);
void xs_aarch64_nops(uint8_t *buf, size_t n);
unsigned xs_aarch64_filler_len(const uint8_t *code, uint64_t len);
enum xs_entry xs_aarch64_entry(const uint8_t *code, size_t len);

#endif
