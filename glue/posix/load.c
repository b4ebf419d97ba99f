/* SPDX-License-Identifier: MIT */
/*
 * The loader: link objects into the process with the core, seal, and
 * register what the unwinder needs. Running constructors/main/destructors
 * is in run.c.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#if defined(__x86_64__)
#define XS_HOST_MACHINE 62
#elif defined(__aarch64__)
#define XS_HOST_MACHINE 183
#else
#error "the POSIX glue supports x86_64 and aarch64 hosts"
#endif

/* ELF constants the loader needs (kept local: the core's elf.h is private). */
#define XS_SHF_ALLOC_ 0x2ull
#define XS_STT_GNU_IFUNC_ 10

/* Bytes of glue-owned data after DATA: __dso_handle points at the first. */
#define XS_EXTRA_BYTES 16

xs_status xs_posix_fail(struct xs_diag *d, xs_status s, const char *fmt, ...)
{
	if (!d)
		return s;
	xs_diag_clear(d);
	d->status = s;
	d->object = XS_DIAG_NONE;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return s;
}

/* ---- live images, for the atexit family and unloading -------------------- */

static pthread_mutex_t images_lock = PTHREAD_MUTEX_INITIALIZER;
static struct xs_posix_image *images;

static void images_add(struct xs_posix_image *img)
{
	pthread_mutex_lock(&images_lock);
	img->next = images;
	images = img;
	pthread_mutex_unlock(&images_lock);
}

static void images_remove(struct xs_posix_image *img)
{
	pthread_mutex_lock(&images_lock);
	for (struct xs_posix_image **p = &images; *p; p = &(*p)->next)
		if (*p == img) {
			*p = img->next;
			break;
		}
	pthread_mutex_unlock(&images_lock);
}

void *xs_posix_dso_for_pc(const void *pc)
{
	uint64_t a = (uint64_t)(uintptr_t)pc;
	void *dso = NULL;
	pthread_mutex_lock(&images_lock);
	for (struct xs_posix_image *i = images; i; i = i->next) {
		const struct xs_posix_mem *m = &i->mem;
		if (a >= m->addr[XS_REGION_TEXT] &&
		    a - m->addr[XS_REGION_TEXT] < m->size[XS_REGION_TEXT]) {
			dso = (void *)(uintptr_t)i->res.dso_handle;
			break;
		}
	}
	pthread_mutex_unlock(&images_lock);
	return dso;
}

/* ---- constructor / destructor tables ------------------------------------ */

/* "N" of ".init_array.N": the priority, 65536 (after all prioritized) if none. */
static bool suffix_key(const char *name, const char *base, uint32_t *key, bool *exact)
{
	size_t n = strlen(base);
	if (strncmp(name, base, n) != 0)
		return false;
	if (name[n] == '\0') {
		*key = 65536;
		*exact = true;
		return true;
	}
	if (name[n] != '.')
		return false;
	char *end;
	unsigned long v = strtoul(name + n + 1, &end, 10);
	*exact = false;
	*key = (*end == '\0' && name[n + 1] >= '0' && name[n + 1] <= '9' && v <= 65535)
		       ? (uint32_t)v
		       : 65536;
	return true;
}

enum { KIND_NONE, KIND_PREINIT, KIND_INIT, KIND_FINI };

/*
 * Classify a section the way ld's default script does: .init_array.N and
 * .ctors.N (priority 65535 - N) sorted by priority, then plain .init_array
 * and .ctors in input order. .ctors/.dtors historically run backwards.
 */
static int classify(const char *name, struct xs_posix_fnarray *a)
{
	bool exact;
	a->reverse = false;
	if (suffix_key(name, ".preinit_array", &a->key, &exact))
		return KIND_PREINIT;
	if (suffix_key(name, ".init_array", &a->key, &exact))
		return KIND_INIT;
	if (suffix_key(name, ".fini_array", &a->key, &exact))
		return KIND_FINI;
	int kind = KIND_NONE;
	if (suffix_key(name, ".ctors", &a->key, &exact))
		kind = KIND_INIT;
	else if (suffix_key(name, ".dtors", &a->key, &exact))
		kind = KIND_FINI;
	if (kind != KIND_NONE) {
		a->reverse = true;
		if (!exact && a->key <= 65535)
			a->key = 65535 - a->key;
	}
	return kind;
}

static int cmp_array(const void *x, const void *y)
{
	const struct xs_posix_fnarray *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static xs_status collect(struct xs_posix_image *img, struct xs_diag *d)
{
	uint32_t narr = 0, nframes;
	for (uint32_t o = 0; o < img->nobj; o++)
		narr += xs_object_section_count(&img->objs[o]);
	nframes = narr;
	img->arrays = calloc(narr ? narr : 1, sizeof(*img->arrays));
	img->frames = calloc(nframes ? nframes : 1, sizeof(*img->frames));
	struct xs_posix_fnarray *tmp = calloc(narr ? narr : 1, sizeof(*tmp));
	int *kinds = calloc(narr ? narr : 1, sizeof(*kinds));
	if (!img->arrays || !img->frames || !tmp || !kinds) {
		free(tmp);
		free(kinds);
		return xs_posix_fail(d, XS_E_HOST, "out of memory");
	}
	uint32_t n = 0, order = 0;
	for (uint32_t o = 0; o < img->nobj; o++)
		for (uint32_t i = 1; i < xs_object_section_count(&img->objs[o]); i++, order++) {
			struct xs_section s;
			xs_object_section(&img->objs[o], i, &s);
			if (!(s.flags & XS_SHF_ALLOC_) || xs_link_section_discarded(&img->link, o, i))
				continue;
			uint64_t addr = xs_link_section_addr(&img->link, o, i);
			if (!addr || !s.name)
				continue;
			if (strcmp(s.name, ".eh_frame") == 0 && s.size >= 8) {
				img->frames[img->nframes++] = addr;
				continue;
			}
			struct xs_posix_fnarray a = {.addr = addr, .count = s.size / 8, .order = order};
			int k = classify(s.name, &a);
			if (k == KIND_NONE || a.count == 0)
				continue;
			tmp[n] = a;
			kinds[n++] = k;
		}
	for (int k = KIND_PREINIT; k <= KIND_FINI; k++) {
		uint32_t start = img->npreinit + img->ninit + img->nfini, cnt = 0;
		for (uint32_t j = 0; j < n; j++)
			if (kinds[j] == k)
				img->arrays[start + cnt++] = tmp[j];
		qsort(img->arrays + start, cnt, sizeof(*tmp), cmp_array);
		*(k == KIND_PREINIT ? &img->npreinit : k == KIND_INIT ? &img->ninit : &img->nfini) =
			cnt;
	}
	free(tmp);
	free(kinds);
	return XS_OK;
}

/* ---- load / unload -------------------------------------------------------- */

typedef void (*xs_frame_fn)(void *);

static void release(struct xs_posix_image *img)
{
	xs_posix_mem_free(&img->mem);
	xs_posix_resolver_fini(&img->res);
	free(img->ws);
	free(img->objs);
	free(img->arrays);
	free(img->frames);
	memset(img, 0, sizeof(*img));
}

xs_status xs_posix_load(struct xs_posix_image *img, const struct xs_posix_object *objs,
			uint32_t nobj, const struct xs_posix_load_options *opt, struct xs_diag *d)
{
	static const struct xs_posix_load_options none;
	xs_status s;
	if (!opt)
		opt = &none;
	memset(img, 0, sizeof(*img));
	xs_diag_clear(d);
	if (nobj == 0)
		return xs_posix_fail(d, XS_E_INVALID_ARG, "no objects to load");
	img->objs = calloc(nobj, sizeof(*img->objs));
	if (!img->objs)
		return xs_posix_fail(d, XS_E_HOST, "out of memory");
	img->nobj = nobj;
	for (uint32_t i = 0; i < nobj; i++) {
		s = xs_object_parse_ex(&img->objs[i], objs[i].data, objs[i].size, XS_HOST_MACHINE,
				       XS_OBJECT_ALLOW_COMMON, d);
		if (s != XS_OK) {
			if (d)
				d->object = i;
			goto fail;
		}
		/*
		 * A defined IFUNC's value must be its resolver's result, which the
		 * core cannot compute (it runs loaded code): refuse rather than
		 * call the resolver in place of the function.
		 */
		for (uint32_t k = 1; k < xs_object_symbol_count(&img->objs[i]); k++) {
			struct xs_symbol y;
			xs_object_symbol(&img->objs[i], k, &y);
			if (y.type == XS_STT_GNU_IFUNC_ && y.section) {
				s = xs_posix_fail(d, XS_E_UNSUPPORTED,
						  "symbol '%.128s' is an STT_GNU_IFUNC: not supported",
						  y.name);
				if (d) {
					d->object = i;
					d->symbol = k;
				}
				goto fail;
			}
		}
	}

	/* libraries first: the regions then land below them, in reach */
	xs_posix_resolver_init(&img->res);
	img->res.first = opt->first;
	img->res.first_ctx = opt->first_ctx;
	for (size_t i = 0; i < opt->nlibs; i++)
		if ((s = xs_posix_resolver_add_lib(&img->res, opt->libs[i], d)) != XS_OK)
			goto fail;

	struct xs_link_options lopt = {.flags = opt->link_flags | XS_LINK_ALLOW_UNDEFINED_WEAK |
					  XS_LINK_ZEROED_REGIONS /* fresh anonymous mmap */};
	if ((s = xs_link_init(&img->link, img->objs, nobj, &lopt, d)) != XS_OK)
		goto fail;
	size_t ws_size = xs_link_workspace_size(&img->link);
	img->ws = calloc(1, ws_size ? ws_size : 1);
	if (!img->ws) {
		s = xs_posix_fail(d, XS_E_HOST, "out of memory (%zu bytes of link workspace)",
				  ws_size);
		goto fail;
	}
	/*
	 * calloc's large blocks are fresh zero pages: the part of the workspace
	 * that planning clears is faulted in as it is cleared, the stub table's
	 * unused tail (most of it) never (xs_link_set_workspace).
	 */
	if ((s = xs_link_plan(&img->link, img->ws, ws_size, d)) != XS_OK)
		goto fail;
	if (opt->near_lo < opt->near_hi)
		s = xs_posix_mem_place_near(&img->link, XS_EXTRA_BYTES, opt->near_lo, opt->near_hi,
					    &img->mem, d);
	else
		s = xs_posix_mem_place(&img->link, XS_EXTRA_BYTES, &img->mem, d);
	if (s != XS_OK)
		goto fail;
	/* __dso_handle: a byte of this image, unique per load */
	img->res.dso_handle = img->mem.extra_addr;
	if ((s = xs_link_resolve(&img->link, xs_posix_resolve, &img->res, d)) != XS_OK)
		goto fail;
	if ((s = xs_link_relocate(&img->link, d)) != XS_OK)
		goto fail;
	if ((s = xs_posix_mem_seal(&img->mem, d)) != XS_OK)
		goto fail;
	if ((s = collect(img, d)) != XS_OK)
		goto fail;

	/*
	 * The unwinder that C++ and glibc use is libgcc_s's: register there,
	 * not in a static copy. The core ends each .eh_frame with a zero word.
	 */
	if (img->nframes && opt && (opt->flags & XS_POSIX_LOAD_LAZY_UNWIND) && !img->res.unwinds &&
	    !xs_posix_libgcc_loaded())
		img->nframes = 0; /* nothing will unwind through them (posix.h) */
	if (img->nframes) {
		xs_frame_fn reg = (xs_frame_fn)xs_posix_libgcc_sym("__register_frame");
		if (!reg)
			img->nframes = 0;
		for (uint32_t i = 0; i < img->nframes; i++)
			reg((void *)(uintptr_t)img->frames[i]);
	}
	img->state = XS_POSIX_LOADED;
	images_add(img);
	return XS_OK;
fail:
	release(img);
	return s;
}

void *xs_posix_symbol(const struct xs_posix_image *img, const char *name)
{
	uint64_t a;
	if (img->state == XS_POSIX_EMPTY || xs_link_symbol(&img->link, name, &a) != XS_OK)
		return NULL;
	return (void *)(uintptr_t)a;
}

void xs_posix_unload(struct xs_posix_image *img)
{
	if (img->state == XS_POSIX_EMPTY)
		return;
	if (img->state == XS_POSIX_INITED) {
		/* runs the program's atexit handlers, then our destructor handler */
		void (*fin)(void *) = (void (*)(void *))dlsym(RTLD_DEFAULT, "__cxa_finalize");
		if (fin)
			fin((void *)(uintptr_t)img->res.dso_handle);
		xs_posix_run_fini(img); /* no-op if __cxa_finalize ran it */
	}
	images_remove(img);
	xs_frame_fn dereg = (xs_frame_fn)xs_posix_libgcc_sym("__deregister_frame");
	for (uint32_t i = 0; dereg && i < img->nframes; i++)
		dereg((void *)(uintptr_t)img->frames[i]);
	release(img);
}
