/* SPDX-License-Identifier: MIT */
/*
 * The resolver: what a native gcc link would bind an undefined symbol to,
 * found in the running process instead - dlsym over the process and the
 * `-l` libraries, plus the few things gcc links statically (libc_nonshared.a,
 * libgcc.a) that dlsym cannot find.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

void xs_posix_resolver_init(struct xs_posix_resolver *r)
{
	memset(r, 0, sizeof(*r));
}

void xs_posix_resolver_fini(struct xs_posix_resolver *r)
{
	free(r->libs);
	memset(r, 0, sizeof(*r));
}

static bool push_lib(struct xs_posix_resolver *r, void *h)
{
	for (size_t i = 0; i < r->nlibs; i++)
		if (r->libs[i] == h)
			return true;
	if (r->nlibs == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 8;
		void **n = realloc(r->libs, cap * sizeof(*n));
		if (!n)
			return false;
		r->libs = n;
		r->cap = cap;
	}
	r->libs[r->nlibs++] = h;
	return true;
}

static void *open_global(const char *file)
{
	return dlopen(file, RTLD_NOW | RTLD_GLOBAL);
}

/* ---- `-l NAME` ----------------------------------------------------------- */

/* Directories where lib<name>.so (possibly a linker script) may live. */
static size_t search_dirs(char dirs[][PATH_MAX], size_t max)
{
	size_t n = 0;
	/* the multiarch directory of the running libc, e.g. /lib/x86_64-linux-gnu */
	Dl_info di;
	void *sym = dlsym(RTLD_DEFAULT, "printf");
	if (sym && dladdr(sym, &di) && di.dli_fname && di.dli_fname[0] == '/') {
		const char *slash = strrchr(di.dli_fname, '/');
		size_t len = (size_t)(slash - di.dli_fname);
		if (len > 0 && len < PATH_MAX - 8 && n + 2 <= max) {
			memcpy(dirs[n], di.dli_fname, len);
			dirs[n][len] = '\0';
			/* the usr-merged twin holds the -dev linker scripts on older layouts */
			int w;
			char first[PATH_MAX]; /* a copy: gcc's -Wrestrict cannot tell rows apart */
			memcpy(first, dirs[n], len + 1);
			if (strncmp(first, "/usr/", 5) == 0)
				w = snprintf(dirs[n + 1], PATH_MAX, "%s", first + 4);
			else
				w = snprintf(dirs[n + 1], PATH_MAX, "/usr%s", first);
			n += w > 0 && w < PATH_MAX ? 2 : 1;
		}
	}
	static const char *const fixed[] = {"/usr/local/lib", "/lib64", "/usr/lib64", "/lib",
					    "/usr/lib"};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && n < max; i++)
		snprintf(dirs[n++], PATH_MAX, "%s", fixed[i]);
	return n;
}

static xs_status add_lib_depth(struct xs_posix_resolver *r, const char *name, int depth,
			       struct xs_diag *d);

/*
 * A GNU ld script: open the shared objects named by GROUP/INPUT (and -lX
 * there). Archives are skipped. Returns how many opened.
 */
static int open_script(struct xs_posix_resolver *r, const char *path, int depth)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char buf[16384];
	ssize_t len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	if ((size_t)len != strlen(buf) || (len >= 4 && memcmp(buf, "\177ELF", 4) == 0))
		return 0; /* binary: not a script */
	/* blank out comments */
	for (char *c = strstr(buf, "/*"); c; c = strstr(c, "/*")) {
		char *end = strstr(c + 2, "*/");
		char *stop = end ? end + 2 : buf + len;
		memset(c, ' ', (size_t)(stop - c));
		c = stop;
	}
	int opened = 0, in_list = 0;
	for (char *p = buf; *p;) {
		if (isspace((unsigned char)*p) || *p == ',') {
			p++;
			continue;
		}
		if (*p == '(' || *p == ')') {
			in_list += *p == '(' ? 1 : -1;
			p++;
			continue;
		}
		char *tok = p;
		while (*p && !isspace((unsigned char)*p) && !strchr(",()", *p))
			p++;
		char save = *p;
		*p = '\0';
		if (in_list > 0 && strncmp(tok, "-l", 2) == 0 && tok[2]) {
			if (depth < 4 && add_lib_depth(r, tok + 2, depth + 1, NULL) == XS_OK)
				opened++;
		} else if (in_list > 0 && strstr(tok, ".so")) {
			void *h = open_global(tok);
			if (h && push_lib(r, h))
				opened++;
		}
		*p = save;
	}
	return opened;
}

static xs_status add_lib_depth(struct xs_posix_resolver *r, const char *name, int depth,
			       struct xs_diag *d)
{
	char file[PATH_MAX], first_err[256] = "";
	if (!name || !name[0] || strlen(name) > 200)
		return xs_posix_fail(d, XS_E_INVALID_ARG, "bad library name");
	/* ld's -l:FILE names the file exactly */
	if (name[0] == ':')
		snprintf(file, sizeof(file), "%s", name + 1);
	/* libgcc.a / libgcc_eh.a have no shared object: their run-time twin serves */
	else if (strcmp(name, "gcc") == 0 || strcmp(name, "gcc_eh") == 0)
		snprintf(file, sizeof(file), "libgcc_s.so.1");
	else
		snprintf(file, sizeof(file), "lib%s.so", name);
	void *h = open_global(file);
	if (h)
		return push_lib(r, h) ? XS_OK : xs_posix_fail(d, XS_E_HOST, "out of memory");
	const char *e = dlerror();
	snprintf(first_err, sizeof(first_err), "%s", e ? e : "not found");
	if (name[0] == ':' || strcmp(file, "libgcc_s.so.1") == 0)
		return xs_posix_fail(d, XS_E_NOT_FOUND, "cannot open library -l%s: %s", name,
				     first_err);

	/* Debian's libm.so, libc.so, libgcc_s.so are linker scripts */
	char dirs[8][PATH_MAX];
	size_t ndirs = search_dirs(dirs, 8);
	for (size_t i = 0; i < ndirs; i++) {
		char path[PATH_MAX + 16];
		int w = snprintf(path, sizeof(path), "%s/%s", dirs[i], file);
		if (w < 0 || (size_t)w >= sizeof(path) || access(path, R_OK) != 0)
			continue;
		if (open_script(r, path, depth) > 0)
			return XS_OK;
		h = open_global(path);
		if (h)
			return push_lib(r, h) ? XS_OK : xs_posix_fail(d, XS_E_HOST, "out of memory");
	}
	/* only the runtime package installed: lib<name>.so.N */
	for (int n = 0; n < 16; n++) {
		snprintf(file, sizeof(file), "lib%s.so.%d", name, n);
		h = open_global(file);
		if (h)
			return push_lib(r, h) ? XS_OK : xs_posix_fail(d, XS_E_HOST, "out of memory");
	}
	return xs_posix_fail(d, XS_E_NOT_FOUND, "cannot open library -l%s: %s", name, first_err);
}

xs_status xs_posix_resolver_add_lib(struct xs_posix_resolver *r, const char *name,
				    struct xs_diag *d)
{
	return add_lib_depth(r, name, 0, d);
}

/* ---- what gcc links statically --------------------------------------------- */

/*
 * libc_nonshared.a: atexit & co. bind the registration to the caller's
 * __dso_handle, so that unloading the image runs (and forgets) them.
 */
typedef int (*xs_cxa_atexit_fn)(void (*)(void *), void *, void *);
typedef int (*xs_cxa_qexit_fn)(void (*)(void *), void *);
typedef int (*xs_atfork_fn)(void (*)(void), void (*)(void), void (*)(void), void *);

static int xs_glue_atexit(void (*fn)(void))
{
	xs_cxa_atexit_fn f = (xs_cxa_atexit_fn)dlsym(RTLD_DEFAULT, "__cxa_atexit");
	if (!f)
		return -1;
	return f((void (*)(void *))(void (*)(void))fn, NULL,
		 xs_posix_dso_for_pc(__builtin_return_address(0)));
}

static int xs_glue_at_quick_exit(void (*fn)(void))
{
	xs_cxa_qexit_fn f = (xs_cxa_qexit_fn)dlsym(RTLD_DEFAULT, "__cxa_at_quick_exit");
	if (!f)
		return -1;
	return f((void (*)(void *))(void (*)(void))fn,
		 xs_posix_dso_for_pc(__builtin_return_address(0)));
}

static int xs_glue_pthread_atfork(void (*prepare)(void), void (*parent)(void),
				  void (*child)(void))
{
	xs_atfork_fn f = (xs_atfork_fn)dlsym(RTLD_DEFAULT, "__register_atfork");
	if (!f)
		return ENOSYS;
	return f(prepare, parent, child, xs_posix_dso_for_pc(__builtin_return_address(0)));
}

static void *libgcc_handle(void)
{
	static void *h;
	if (!h)
		h = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_LOCAL);
	return h;
}

#if defined(__x86_64__)
static void *libgcc_vsym(const char *name, const char *version)
{
	void *h = libgcc_handle();
	return h ? dlvsym(h, name, version) : NULL;
}
#endif

static uint64_t builtin(const char *name)
{
	if (strcmp(name, "atexit") == 0)
		return (uint64_t)(uintptr_t)xs_glue_atexit;
	if (strcmp(name, "at_quick_exit") == 0)
		return (uint64_t)(uintptr_t)xs_glue_at_quick_exit;
	if (strcmp(name, "pthread_atfork") == 0 || strcmp(name, "__pthread_atfork") == 0)
		return (uint64_t)(uintptr_t)xs_glue_pthread_atfork;
	if (strncmp(name, "__aarch64_", 10) == 0)
		return (uint64_t)(uintptr_t)xs_posix_outline_atomic(name);
	if (strcmp(name, "__stack_chk_fail_local") == 0)
		return (uint64_t)(uintptr_t)dlsym(RTLD_DEFAULT, "__stack_chk_fail");
	/*
	 * x86_64 __builtin_cpu_supports' __cpu_model and __cpu_indicator_init,
	 * which a normal link takes from libgcc.a, come from libgcc_s (below):
	 * a static copy in the glue would run its CPUID constructor in every
	 * process that links the glue (~0.1 ms in a VM, where CPUID traps).
	 * libgcc_s exports them only under the non-default version GCC_4.8.0.
	 */
#if defined(__x86_64__)
	if (strcmp(name, "__cpu_model") == 0 || strcmp(name, "__cpu_indicator_init") == 0)
		return (uint64_t)(uintptr_t)libgcc_vsym(name, "GCC_4.8.0");
#endif
	return 0;
}

bool xs_posix_libgcc_loaded(void)
{
	void *h = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NOLOAD);
	if (h)
		dlclose(h);
	return h != NULL;
}

void *xs_posix_libgcc_sym(const char *name)
{
	void *h = libgcc_handle();
	return h ? dlsym(h, name) : NULL;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A name of the C++ runtime (mangled _Z..., __cxa_*, __gxx_*, __dynamic_cast). */
static bool cxx_runtime_name(const char *name)
{
	return starts_with(name, "_Z") || starts_with(name, "__cxa_") ||
	       starts_with(name, "__gxx_") || strcmp(name, "__dynamic_cast") == 0;
}

/* Does a reference to name mean the unwinder may walk the referrer's frames? */
static bool unwinder_user(const char *name)
{
	return cxx_runtime_name(name) || starts_with(name, "_Unwind_") ||
	       starts_with(name, "__gcc_personality") || starts_with(name, "backtrace") ||
	       starts_with(name, "__pthread_unwind") ||
	       starts_with(name, "__pthread_register_cancel") ||
	       strcmp(name, "pthread_exit") == 0 || strcmp(name, "pthread_cancel") == 0;
}

/*
 * g++ links libstdc++ without being asked: C++ runtime names (mangled _Z...,
 * __cxa_*, __gxx_*, __dynamic_cast) that nothing else defines come from it.
 */
void *xs_posix_libstdcxx_sym(const char *name)
{
	static void *h;
	if (!cxx_runtime_name(name))
		return NULL;
	if (!h)
		h = dlopen("libstdc++.so.6", RTLD_NOW | RTLD_GLOBAL);
	return h ? dlsym(h, name) : NULL;
}

/* dlsym that tells "absent" from a symbol whose value is 0 */
static bool lookup(void *handle, const char *name, uint64_t *value)
{
	dlerror();
	void *p = dlsym(handle, name);
	if (!p && dlerror())
		return false;
	*value = (uint64_t)(uintptr_t)p;
	return true;
}

xs_status xs_posix_resolve(void *ctx, const char *name, uint64_t *value)
{
	struct xs_posix_resolver *r = ctx;
	if (!name || !name[0])
		return XS_E_NOT_FOUND;
	if (r && !r->unwinds && unwinder_user(name))
		r->unwinds = true;
	if (r && r->first) {
		xs_status s = r->first(r->first_ctx, name, value);
		if (s != XS_E_NOT_FOUND)
			return s;
	}
	if (r && r->dso_handle && strcmp(name, "__dso_handle") == 0) {
		*value = r->dso_handle;
		return XS_OK;
	}
	if (lookup(RTLD_DEFAULT, name, value))
		return XS_OK;
	for (size_t i = 0; r && i < r->nlibs; i++)
		if (lookup(r->libs[i], name, value))
			return XS_OK;
	uint64_t v = builtin(name);
	if (!v)
		v = (uint64_t)(uintptr_t)xs_posix_libgcc_sym(name);
	if (!v)
		v = (uint64_t)(uintptr_t)xs_posix_libstdcxx_sym(name);
	if (v) {
		*value = v;
		return XS_OK;
	}
	return XS_E_NOT_FOUND;
}
