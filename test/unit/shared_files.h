/* SPDX-License-Identifier: MIT */
/* Test helpers: the shared Xen artifacts beside the checkout, and whole files. */
#ifndef XS_TEST_SHARED_FILES_H
#define XS_TEST_SHARED_FILES_H

#include <stddef.h>
#include <stdint.h>

/* $XS_SHARED, else <source root>/../shared (CI has it beside the clone). */
const char *xs_test_shared_dir(void);

/* The whole file, malloc'd with one spare byte; fails the test if unreadable. */
uint8_t *xs_test_slurp(const char *path, size_t *size);

#endif
