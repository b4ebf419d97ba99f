/* SPDX-License-Identifier: MIT */
/*
 * Live patching of this very process: the host.h implementation for Linux
 * (memory near the image, W^X text aliases in live_alias.c, the thread
 * rendezvous in rendezvous.c), the host's symbol table read from
 * /proc/self/exe with the PIE load bias, and the payload registry the
 * socket server (serve.c) drives. See posix.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <xsplice/patch.h>

#include "internal.h"
#include "live_int.h"

#if defined(__x86_64__)
#define XS_LIVE_MACHINE 62
#elif defined(__aarch64__)
#define XS_LIVE_MACHINE 183
#endif

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define XS_ARENA_SIZE (64ull << 20)
#define XS_ARENA_PAGES_MAX 65536
#define XS_EXPORT_ROOM 8192
#define XS_PAUSE_RING 65536

struct rec {
	struct xs_patch p;
	uint8_t *elf;
	size_t size;
	uint64_t pause_ns; /* of its last successful transition */
	struct rec *next;
};

static struct {
	pthread_mutex_t lock;
	bool inited;
	xs_status init_status;
	char init_msg[320];
	uint8_t *exe;
	size_t exe_size;
	uint64_t bias, img_lo, img_hi;
	void *tab_mem;
	struct xs_symtab tab;
	const uint8_t *build_id;
	size_t build_id_len;
	struct xs_host host;
	struct xs_patch_mgr mgr;
	struct xs_posix_resolver res;
	/* arena near the image, page granular */
	uint8_t *arena;
	uint64_t arena_pages, page;
	uint8_t used[XS_ARENA_PAGES_MAX];
	struct rec *recs;
	unsigned tries, max_backoff_us;
	uint64_t last_pause_ns;
	uint64_t pauses[XS_PAUSE_RING];
	size_t npauses;
} L = {.lock = PTHREAD_MUTEX_INITIALIZER, .tries = 200, .max_backoff_us = 20000};

/* ---- host callbacks -------------------------------------------------------- */

static xs_status h_alloc(void *ctx, enum xs_host_mem kind, uint64_t size, uint64_t align,
			 uint64_t *addr, uint8_t **w, char *msg, size_t n)
{
	(void)ctx;
	if (kind == XS_HOST_MEM_META || !L.arena) {
		void *p = NULL;
		if (kind != XS_HOST_MEM_META) {
			/* no arena near the image: a far mapping (stubs / far jumps then) */
			p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
			if (p == MAP_FAILED) {
				snprintf(msg, n, "mmap: %s", strerror(errno));
				return XS_E_HOST;
			}
		} else if (posix_memalign(&p, align < 16 ? 16 : align, size ? size : 1) != 0) {
			snprintf(msg, n, "out of memory");
			return XS_E_HOST;
		}
		*addr = (uint64_t)(uintptr_t)p;
		*w = p;
		return XS_OK;
	}
	uint64_t np = (size + L.page - 1) / L.page, step = align > L.page ? align / L.page : 1;
	for (uint64_t i = 0; i + np <= L.arena_pages; i += step) {
		uint64_t k = 0;
		while (k < np && !L.used[i + k])
			k++;
		if (k < np)
			continue;
		uint8_t *p = L.arena + i * L.page;
		if (mprotect(p, np * L.page, PROT_READ | PROT_WRITE) != 0) {
			snprintf(msg, n, "mprotect: %s", strerror(errno));
			return XS_E_HOST;
		}
		memset(L.used + i, 1, np);
		*addr = (uint64_t)(uintptr_t)p;
		*w = p;
		return XS_OK;
	}
	snprintf(msg, n, "payload arena near the image is full (%llu MiB)",
		 (unsigned long long)(XS_ARENA_SIZE >> 20));
	return XS_E_NO_SPACE;
}

static bool in_arena(uint64_t addr)
{
	uint64_t a = (uint64_t)(uintptr_t)L.arena;
	return L.arena && addr >= a && addr < a + L.arena_pages * L.page;
}

static void h_free(void *ctx, enum xs_host_mem kind, uint64_t addr, uint64_t size)
{
	(void)ctx;
	if (kind == XS_HOST_MEM_META) {
		free((void *)(uintptr_t)addr);
		return;
	}
	uint64_t np = (size + L.page - 1) / L.page;
	if (!in_arena(addr)) {
		munmap((void *)(uintptr_t)addr, np * L.page);
		return;
	}
	void *p = (void *)(uintptr_t)addr;
	mprotect(p, np * L.page, PROT_NONE);
	madvise(p, np * L.page, MADV_DONTNEED);
	memset(L.used + (addr - (uint64_t)(uintptr_t)L.arena) / L.page, 0, np);
}

static xs_status h_seal(void *ctx, enum xs_host_mem kind, uint64_t addr, uint64_t size,
			char *msg, size_t n)
{
	(void)ctx;
	int prot = kind == XS_HOST_MEM_TEXT     ? PROT_READ | PROT_EXEC
		   : kind == XS_HOST_MEM_RODATA ? PROT_READ
						: PROT_READ | PROT_WRITE;
	uint64_t len = (size + L.page - 1) & ~(L.page - 1);
	if (mprotect((void *)(uintptr_t)addr, len, prot) != 0) {
		snprintf(msg, n, "mprotect: %s", strerror(errno));
		return XS_E_HOST;
	}
	xs_posix_wx_audit();
	return XS_OK;
}

static unsigned long wx_audits, wx_violations;
static int wx_enabled = -1;

void xs_posix_wx_audit(void)
{
	if (wx_enabled < 0)
		wx_enabled = getenv("XSPLICE_WX_AUDIT") != NULL; /* first call: outside a rendezvous */
	if (!wx_enabled)
		return;
	wx_audits++;
	wx_violations += xs_posix_wx_scan();
}

void xs_posix_live_wx_audit(unsigned long *audits, unsigned long *violations)
{
	*audits = wx_audits;
	*violations = wx_violations;
}

static xs_status h_resolve(void *ctx, const char *name, uint64_t *value)
{
	(void)ctx;
	return xs_posix_resolve(&L.res, name, value);
}

/* Payload sections the core does not interpret: .eh_frame goes to the unwinder. */
static xs_status h_section(void *ctx, bool add, const char *payload, const char *name,
			   uint64_t addr, uint64_t size)
{
	(void)ctx, (void)payload;
	if (strcmp(name, ".eh_frame") != 0 || size < 8)
		return XS_OK;
	/* the core ends each .eh_frame with a zero word, as __register_frame wants */
	void (*fn)(void *) = (void (*)(void *))xs_posix_libgcc_sym(add ? "__register_frame"
								      : "__deregister_frame");
	if (fn)
		fn((void *)(uintptr_t)addr);
	return XS_OK;
}

static uint64_t h_now(void *ctx)
{
	(void)ctx;
	return xs_posix_now_ns();
}

static void h_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	if (getenv("XSPLICE_DEBUG"))
		fprintf(stderr, "xsplice[%d]: %s\n", level, msg);
}

/* ---- the image ------------------------------------------------------------ */

static int image_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size, (void)arg;
	L.bias = info->dlpi_addr;
	L.img_lo = UINT64_MAX;
	for (unsigned i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uint64_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
		if (lo < L.img_lo)
			L.img_lo = lo;
		if (hi > L.img_hi)
			L.img_hi = hi;
	}
	return 1; /* the first entry is the main program */
}

/* Reserve the arena near the image, within AArch64 B reach of its text. */
static void place_arena(void)
{
	L.page = (uint64_t)sysconf(_SC_PAGESIZE);
	L.arena_pages = XS_ARENA_SIZE / L.page;
	if (L.arena_pages > XS_ARENA_PAGES_MAX)
		L.arena_pages = XS_ARENA_PAGES_MAX;
	uint64_t size = L.arena_pages * L.page;
	/* below the image first; above it (past room for the brk heap) for a low, non-PIE image */
	const int64_t offs[] = {-(int64_t)(16ull << 20) - (int64_t)size,
				-(int64_t)(32ull << 20) - (int64_t)size,
				-(int64_t)(48ull << 20) - (int64_t)size, 48ll << 20, 64ll << 20};
	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		uint64_t base = offs[i] < 0 ? L.img_lo : (L.img_hi + 0xffff) & ~(uint64_t)0xffff;
		if (offs[i] < 0 && base < (uint64_t)-offs[i] + (1ull << 24))
			continue;
		uint64_t a = (base + (uint64_t)offs[i]) & ~(uint64_t)0xffff;
		void *p = mmap((void *)(uintptr_t)a, size, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED)
			continue;
		if ((uint64_t)(uintptr_t)p != a) { /* an old kernel took it as a hint */
			munmap(p, size);
			continue;
		}
		L.arena = p;
		return;
	}
}

static xs_status init_locked(struct xs_diag *d)
{
	char err[256];
	if (L.inited)
		return L.init_status;
	L.inited = true;
	xs_status s = XS_E_HOST;
	FILE *f = fopen("/proc/self/exe", "rb");
	if (!f) {
		xs_posix_fail(d, s, "cannot open /proc/self/exe: %s", strerror(errno));
		goto out;
	}
	size_t cap = 1 << 20, len = 0;
	uint8_t *buf = malloc(cap);
	for (size_t r; buf && (r = fread(buf + len, 1, cap - len, f)) > 0;) {
		len += r;
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap * 2);
			if (!nb)
				free(buf);
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (!buf) {
		xs_posix_fail(d, s, "out of memory reading /proc/self/exe");
		goto out;
	}
	L.exe = buf;
	L.exe_size = len;
	dl_iterate_phdr(image_cb, NULL);
	uint32_t nsyms;
	size_t strbytes;
	if ((s = xs_symtab_elf_need(L.exe, L.exe_size, &nsyms, &strbytes, d)))
		goto out;
	uint32_t max = nsyms + XS_EXPORT_ROOM;
	size_t ts = xs_symtab_size(max, 0);
	L.tab_mem = aligned_alloc(8, (ts + 7) & ~(size_t)7);
	if (!L.tab_mem) {
		s = xs_posix_fail(d, XS_E_HOST, "out of memory for the symbol table");
		goto out;
	}
	if ((s = xs_symtab_init(&L.tab, L.tab_mem, ts, max, 0)) ||
	    (s = xs_symtab_add_elf(&L.tab, L.exe, L.exe_size, L.bias, 0, d)) ||
	    (s = xs_symtab_finish(&L.tab)))
		goto out;
	if (xs_elf_image_build_id(L.exe, L.exe_size, &L.build_id, &L.build_id_len) != XS_OK)
		L.build_id = NULL, L.build_id_len = 0;
	if (!xs_posix_alias_init(err, sizeof(err)) || !xs_posix_rv_init(&L.tab, err, sizeof(err))) {
		s = xs_posix_fail(d, XS_E_HOST, "%s", err);
		goto out;
	}
	place_arena();
	xs_posix_wx_audit();
	xs_posix_resolver_init(&L.res);
	L.host = (struct xs_host){
		.machine = XS_LIVE_MACHINE,
		.alloc = h_alloc,
		.free = h_free,
		.seal = h_seal,
		.map_alias = xs_posix_alias_map,
		.unmap_alias = xs_posix_alias_unmap,
		.sync_icache = xs_posix_alias_sync,
		.rendezvous = xs_posix_rv_run,
		.thread_in_ranges = xs_posix_rv_in_ranges,
		.resolve = h_resolve,
		.section = h_section,
		.log = h_log,
		.now_ns = h_now,
	};
	s = xs_patch_mgr_init(&L.mgr, &L.host, &L.tab, L.build_id, L.build_id_len);
	if (s)
		xs_posix_fail(d, s, "cannot start the patch manager");
	const char *to = getenv("XSPLICE_RENDEZVOUS_TIMEOUT_MS");
	if (to && atoi(to) > 0)
		xs_patch_set_timeout(&L.mgr, (uint64_t)atoi(to) * 1000000ull);
	const char *tr = getenv("XSPLICE_RETRIES");
	if (tr && atoi(tr) > 0)
		L.tries = (unsigned)atoi(tr);
out:
	L.init_status = s;
	if (s && d)
		snprintf(L.init_msg, sizeof(L.init_msg), "%s", d->msg);
	return s;
}

xs_status xs_posix_live_init(struct xs_diag *d)
{
	pthread_mutex_lock(&L.lock);
	xs_status s = init_locked(d);
	if (s && d && !d->msg[0])
		xs_posix_fail(d, s, "%s", L.init_msg);
	pthread_mutex_unlock(&L.lock);
	return s;
}

void xs_posix_live_set_retry(unsigned tries, unsigned max_backoff_us, uint64_t timeout_ns)
{
	pthread_mutex_lock(&L.lock);
	if (tries)
		L.tries = tries;
	if (max_backoff_us)
		L.max_backoff_us = max_backoff_us;
	if (timeout_ns && L.inited && !L.init_status)
		xs_patch_set_timeout(&L.mgr, timeout_ns);
	pthread_mutex_unlock(&L.lock);
}

/* ---- operations ------------------------------------------------------------- */

static struct rec *find(const char *name)
{
	for (struct rec *r = L.recs; r; r = r->next)
		if (strcmp(r->p.name, name) == 0)
			return r;
	return NULL;
}

xs_status xs_posix_live_upload(const char *name, const void *elf, size_t size, uint32_t flags,
			       struct xs_diag *d)
{
	pthread_mutex_lock(&L.lock);
	xs_status s = init_locked(d);
	if (s)
		goto out;
	if (!name || !elf || !size) {
		s = xs_posix_fail(d, XS_E_INVALID_ARG, "upload needs a name and a payload");
		goto out;
	}
	if (find(name)) {
		s = xs_posix_fail(d, XS_E_STATE, "a payload named %s is already loaded", name);
		goto out;
	}
	struct rec *r = calloc(1, sizeof(*r));
	if (!r || !(r->elf = malloc(size))) {
		free(r);
		s = xs_posix_fail(d, XS_E_HOST, "out of memory");
		goto out;
	}
	memcpy(r->elf, elf, size);
	r->size = size;
	s = xs_patch_load(&L.mgr, &r->p, name, r->elf, size, flags, d);
	if (s) {
		free(r->elf);
		free(r);
		goto out;
	}
	r->next = L.recs;
	L.recs = r;
out:
	pthread_mutex_unlock(&L.lock);
	return s;
}

typedef xs_status (*xs_live_op)(struct xs_patch_mgr *, struct xs_patch *, struct xs_diag *);

static xs_status retrying(xs_live_op op, const char *name, struct xs_diag *d)
{
	pthread_mutex_lock(&L.lock);
	xs_status s = init_locked(d);
	struct rec *r = s ? NULL : find(name ? name : "");
	if (!s && !r)
		s = xs_posix_fail(d, XS_E_NOT_FOUND, "no payload named %s", name ? name : "(null)");
	unsigned backoff = 100, t = 1;
	/*
	 * Best effort (needs CAP_SYS_NICE): the patching thread runs ahead of the
	 * program's busy threads, so that it is not left waiting for a time slice
	 * between planning and the rendezvous, or behind the threads it releases.
	 */
	int tid = (int)syscall(SYS_gettid);
	errno = 0;
	int old_nice = getpriority(PRIO_PROCESS, (id_t)tid);
	bool reniced = errno == 0 && setpriority(PRIO_PROCESS, (id_t)tid, -20) == 0;
	uint64_t t_start = xs_posix_now_ns(), t_ops = 0;
	for (; r; t++) {
		uint64_t t_op = xs_posix_now_ns();
		s = op(&L.mgr, &r->p, d);
		t_ops += xs_posix_now_ns() - t_op;
		if ((s != XS_E_BUSY && s != XS_E_TIMEOUT) || t >= L.tries)
			break;
		/* let the thread leave; jitter so a periodic worker is not met in phase */
		usleep(backoff + (unsigned)(xs_posix_now_ns() % (backoff + 1)));
		backoff = backoff * 2 > L.max_backoff_us ? L.max_backoff_us : backoff * 2;
	}
	if (r && (s == XS_E_BUSY || s == XS_E_TIMEOUT) && d) {
		size_t l = strlen(d->msg);
		snprintf(d->msg + l, sizeof(d->msg) - l, " (gave up after %u tries)", t);
	}
	if (reniced)
		setpriority(PRIO_PROCESS, (id_t)tid, old_nice);
	if (r && getenv("XSPLICE_RV_DEBUG"))
		fprintf(stderr, "xsplice: %s: %u tries, %llu us in the core, %llu us in all%s\n",
			r->p.name, t, (unsigned long long)t_ops / 1000,
			(unsigned long long)(xs_posix_now_ns() - t_start) / 1000,
			reniced ? "" : " (not reniced)");
	xs_posix_wx_audit();
	if (r && s == XS_OK && op != xs_patch_unload) {
		L.last_pause_ns = r->pause_ns = xs_posix_rv_last_pause_ns();
		L.pauses[L.npauses++ % XS_PAUSE_RING] = r->pause_ns;
	}
	if (r && s == XS_OK && op == xs_patch_unload) {
		for (struct rec **q = &L.recs; *q; q = &(*q)->next)
			if (*q == r) {
				*q = r->next;
				break;
			}
		free(r->elf);
		free(r);
	}
	pthread_mutex_unlock(&L.lock);
	return s;
}

xs_status xs_posix_live_apply(const char *name, struct xs_diag *d)
{
	return retrying(xs_patch_apply, name, d);
}

xs_status xs_posix_live_revert(const char *name, struct xs_diag *d)
{
	return retrying(xs_patch_revert, name, d);
}

xs_status xs_posix_live_replace(const char *name, struct xs_diag *d)
{
	return retrying(xs_patch_replace, name, d);
}

xs_status xs_posix_live_unload(const char *name, struct xs_diag *d)
{
	return retrying(xs_patch_unload, name, d);
}

size_t xs_posix_live_list(char *buf, size_t size)
{
	pthread_mutex_lock(&L.lock);
	size_t n = (size_t)snprintf(buf, size, "%-24s %-8s %9s %9s\n", "name", "state",
				    "functions", "pause_us");
	/* oldest first: the registry is a stack */
	struct rec *order[1024];
	size_t k = 0;
	for (struct rec *r = L.recs; r && k < 1024; r = r->next)
		order[k++] = r;
	while (k-- > 0 && n < size) {
		const struct rec *r = order[k];
		n += (size_t)snprintf(buf + n, size - n, "%-24s %-8s %9u %9llu\n", r->p.name,
				      xs_patch_state_name(r->p.state), r->p.nfuncs,
				      (unsigned long long)(r->pause_ns / 1000));
	}
	pthread_mutex_unlock(&L.lock);
	return n < size ? n : size ? size - 1 : 0;
}

uint64_t xs_posix_live_last_pause_ns(void)
{
	return L.last_pause_ns;
}

size_t xs_posix_live_pauses(uint64_t *out, size_t max)
{
	pthread_mutex_lock(&L.lock);
	size_t n = L.npauses < XS_PAUSE_RING ? L.npauses : XS_PAUSE_RING;
	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++)
		out[i] = L.pauses[(L.npauses - n + i) % XS_PAUSE_RING];
	pthread_mutex_unlock(&L.lock);
	return n;
}
