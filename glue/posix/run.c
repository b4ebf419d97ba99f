/* SPDX-License-Identifier: MIT */
/*
 * Running a loaded program as ld.so and __libc_start_main would: the
 * constructor tables, main, and destructors at exit. See posix.h for the
 * ordering and why the destructor handler is registered first.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef void (*xs_ctor_fn)(int, char **, char **);
typedef void (*xs_dtor_fn)(void);
typedef int (*xs_main_fn)(int, char **, char **);
typedef int (*xs_cxa_atexit_fn)(void (*)(void *), void *, void *);

/* Legacy .ctors/.dtors lists may hold 0 / -1 sentinels: skip them. */
static bool callable(uint64_t p)
{
	return p != 0 && p != UINT64_MAX;
}

static uint64_t slot(const struct xs_posix_fnarray *a, uint64_t i)
{
	uint64_t p;
	memcpy(&p, (const void *)(uintptr_t)(a->addr + 8 * i), sizeof(p));
	return p;
}

/* Forward over the arrays as ld lays them out (.ctors contents reversed). */
static void run_forward(const struct xs_posix_fnarray *arr, uint32_t n, int argc, char **argv,
			char **envp)
{
	for (uint32_t k = 0; k < n; k++) {
		const struct xs_posix_fnarray *a = &arr[k];
		for (uint64_t i = 0; i < a->count; i++) {
			uint64_t p = slot(a, a->reverse ? a->count - 1 - i : i);
			if (callable(p))
				((xs_ctor_fn)(uintptr_t)p)(argc, argv, envp);
		}
	}
}

void xs_posix_run_fini(struct xs_posix_image *img)
{
	if (img->state != XS_POSIX_INITED)
		return;
	img->state = XS_POSIX_FINISHED;
	const struct xs_posix_fnarray *arr = img->arrays + img->npreinit + img->ninit;
	/* the mirror image of the init order: last array first, each backwards */
	for (uint32_t k = img->nfini; k-- > 0;) {
		const struct xs_posix_fnarray *a = &arr[k];
		for (uint64_t i = 0; i < a->count; i++) {
			uint64_t p = slot(a, a->reverse ? i : a->count - 1 - i);
			if (callable(p))
				((xs_dtor_fn)(uintptr_t)p)();
		}
	}
}

static void fini_handler(void *arg)
{
	xs_posix_run_fini(arg);
}

xs_status xs_posix_init(struct xs_posix_image *img, int argc, char **argv, char **envp,
			struct xs_diag *d)
{
	if (img->state != XS_POSIX_LOADED)
		return xs_posix_fail(d, XS_E_STATE, "image not loaded, or constructors already ran");
	/*
	 * Registered before any constructor, under the image's __dso_handle:
	 * at exit it runs after everything the program registers itself, and
	 * __cxa_finalize(__dso_handle) at unload runs it (once) too.
	 */
	xs_cxa_atexit_fn reg = (xs_cxa_atexit_fn)dlsym(RTLD_DEFAULT, "__cxa_atexit");
	if (!reg || reg(fini_handler, img, (void *)(uintptr_t)img->res.dso_handle) != 0)
		return xs_posix_fail(d, XS_E_HOST, "cannot register the destructor handler");
	img->state = XS_POSIX_INITED;
	run_forward(img->arrays, img->npreinit, argc, argv, envp);
	run_forward(img->arrays + img->npreinit, img->ninit, argc, argv, envp);
	return XS_OK;
}

xs_status xs_posix_run_main(struct xs_posix_image *img, int argc, char **argv, char **envp,
			    int *status, struct xs_diag *d)
{
	void *m = xs_posix_symbol(img, "main");
	if (!m)
		return xs_posix_fail(d, XS_E_UNDEFINED_SYMBOL, "undefined symbol: main");
	xs_status s = xs_posix_init(img, argc, argv, envp, d);
	if (s != XS_OK)
		return s;
	*status = ((xs_main_fn)(uintptr_t)m)(argc, argv, envp);
	return XS_OK;
}
