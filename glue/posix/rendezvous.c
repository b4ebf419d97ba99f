/* SPDX-License-Identifier: MIT */
/*
 * Stop-the-world for a process: every other thread found in /proc/self/task
 * gets a real-time signal (tgkill); its handler records the interrupted
 * registers, checks in and waits on a futex until released. The patching
 * thread re-reads /proc/self/task after everyone has checked in, and signals
 * any thread that appeared meanwhile, until a scan finds no new one: a
 * thread can only be created by a running thread, and none runs once all
 * known ones are held. Then the callback runs; then all are released and
 * return from the handler (sigreturn: a context synchronization event).
 *
 * The pause is what every thread sees, so it holds only the signals and the
 * waiting: the thread list and the system call each thread is blocked in
 * (for rv_restart.c) are read before the first signal, and the signals go
 * out in one burst (a thread that is not on a CPU takes its signal when
 * next scheduled, without an interrupt to another CPU). Every check-in
 * still wakes the patching thread: waking it only at the last one made the
 * pause ~15% shorter, but let more busy threads run between back-to-back
 * rendezvous, and one caught just inside a patched function makes the next
 * apply back off - 8 busy threads then needed 50x more retries (measured
 * before a thread exactly at the entry counted as outside, host.h's
 * XS_HOST_RANGE_ENTRY_OK; not measured again since).
 *
 * While threads are held, the patching thread must not take a lock a held
 * thread may own (malloc, stdio): /proc is read with open/getdents64/read
 * into static buffers, the wait is a futex.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "live_int.h"

#define XS_RV_MAX_THREADS 4096
#define XS_RV_MAX_FRAMES 64

struct held {
	int tid;
	int state; /* 0 signalled, 1 held, 2 gone */
	uint64_t pc, sp, fp, lr;
	struct xs_posix_sysinfo sys; /* the system call it was blocked in when signalled */
};

static struct held held[XS_RV_MAX_THREADS];
static uint32_t nheld;        /* entries of held[] valid for the active rendezvous */
static int active_gen;        /* generation being held, 0 = none */
static int released_gen;      /* futex word: the last generation released */
static int gen;
static int pending; /* futex word: signalled threads not checked in (or gone) yet */
static int rv_sig;
static uint64_t last_pause_ns;
static uint64_t dbg_ranges_ns; /* XSPLICE_RV_DEBUG: time in thread_in_ranges */
static uint32_t last_threads;
static unsigned dbg_polls; /* XSPLICE_RV_DEBUG: liveness polls of the wait */
static const struct xs_symtab *symtab;
/* Threads that blocked every real-time signal when the glue started (qemu-user's RCU thread). */
static int foreign[16];
static unsigned nforeign;

uint64_t xs_posix_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t xs_posix_rv_last_pause_ns(void)
{
	return last_pause_ns;
}

uint32_t xs_posix_rv_last_threads(void)
{
	return last_threads;
}

static long futex(int *word, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, word, op, val, ts, NULL, 0);
}

/*
 * A signalled thread's state leaves 0 once: to 1 (it checked in, from its
 * handler) or 2 (it is gone, seen by the patching thread). Whoever moves it
 * counts it out of pending; false if the other side already had.
 */
static bool settle(struct held *h, int to)
{
	int zero = 0;
	if (!__atomic_compare_exchange_n(&h->state, &zero, to, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return false;
	__atomic_sub_fetch(&pending, 1, __ATOMIC_ACQ_REL);
	return true;
}

static void handler(int sig, siginfo_t *si, void *ucv)
{
	(void)sig, (void)si;
	int saved = errno;
	int g = __atomic_load_n(&active_gen, __ATOMIC_ACQUIRE);
	if (!g)
		goto out;
	int me = (int)syscall(SYS_gettid);
	uint32_t n = __atomic_load_n(&nheld, __ATOMIC_ACQUIRE);
	struct held *h = NULL;
	for (uint32_t i = 0; i < n; i++)
		if (held[i].tid == me) {
			h = &held[i];
			break;
		}
	if (!h || __atomic_load_n(&h->state, __ATOMIC_ACQUIRE) != 0)
		goto out;
	ucontext_t *uc = ucv;
#if defined(__x86_64__)
	h->pc = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	h->sp = (uint64_t)uc->uc_mcontext.gregs[REG_RSP];
	h->fp = (uint64_t)uc->uc_mcontext.gregs[REG_RBP];
	h->lr = 0;
#elif defined(__aarch64__)
	h->pc = uc->uc_mcontext.pc;
	h->sp = uc->uc_mcontext.sp;
	h->fp = uc->uc_mcontext.regs[29];
	h->lr = uc->uc_mcontext.regs[30];
#endif
	/* held[] is refilled by the next rendezvous, which may begin before we run again */
	struct xs_posix_sysinfo sys = h->sys;
	if (!settle(h, 1))
		goto out; /* counted as gone: the rendezvous no longer waits for us */
	futex(&pending, FUTEX_WAKE_PRIVATE, 1, NULL); /* see the top of the file */
	for (;;) {
		int cur = __atomic_load_n(&released_gen, __ATOMIC_ACQUIRE);
		if (cur >= g)
			break;
		struct timespec ts = {0, 50000000}; /* a fallback: release wakes us */
		futex(&released_gen, FUTEX_WAIT_PRIVATE, cur, &ts);
	}
	xs_posix_restart_syscall(&sys, uc);
out:
	errno = saved;
}

static int list_tasks(int *out, int max);
static uint64_t hex(const char **p);

/*
 * A thread that already blocks every real-time signal when the glue starts
 * can never be held; it is assumed not to run the program's code and is
 * left out. Under qemu-user that is the emulator's own RCU thread, which
 * /proc/self/task lists next to the guest's. Any other thread that blocks
 * the rendezvous signal makes every rendezvous time out (XS_E_TIMEOUT).
 */
static void find_foreign(void)
{
	static int tids[256];
	int self = (int)syscall(SYS_gettid), nt = list_tasks(tids, 256);
	for (int i = 0; i < nt && nforeign < 16; i++) {
		char path[64], line[256];
		if (tids[i] == self)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%d/status", tids[i]);
		FILE *f = fopen(path, "re");
		unsigned long long blk = 0;
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "SigBlk: %llx", &blk) == 1)
				break;
		if (f)
			fclose(f);
		if ((blk >> 34) == (1ull << 30) - 1) /* signals 35..64 */
			foreign[nforeign++] = tids[i];
	}
}

bool xs_posix_rv_init(const struct xs_symtab *t, char *msg, size_t n)
{
	symtab = t;
	if (rv_sig)
		return true;
	find_foreign();
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask); /* nothing else runs in the held thread */
	int sig = SIGRTMIN + 5;
	if (sigaction(sig, &sa, NULL) != 0) {
		snprintf(msg, n, "sigaction: errno %d", errno);
		return false;
	}
	rv_sig = sig;
	return true;
}

/* Thread ids of /proc/self/task into out (static buffer); returns the count or -1. */
static int list_tasks(int *out, int max)
{
	static char buf[16384];
	int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int n = 0;
	for (;;) {
		long r = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		if (r <= 0)
			break;
		for (long off = 0; off < r;) {
			struct dirent64 *e = (struct dirent64 *)(void *)(buf + off);
			off += e->d_reclen;
			int tid = 0;
			const char *c = e->d_name;
			if (*c < '0' || *c > '9')
				continue;
			for (; *c >= '0' && *c <= '9'; c++)
				tid = tid * 10 + (*c - '0');
			if (n < max)
				out[n++] = tid;
		}
	}
	close(fd);
	return n;
}

static uint64_t parse_num(const char **p)
{
	while (**p == ' ')
		(*p)++;
	if ((*p)[0] == '0' && (*p)[1] == 'x') {
		*p += 2;
		return hex(p);
	}
	uint64_t v = 0;
	bool neg = **p == '-';
	if (neg)
		(*p)++;
	while (**p >= '0' && **p <= '9')
		v = v * 10 + (uint64_t)(*(*p)++ - '0');
	return neg ? (uint64_t)-(int64_t)v : v;
}

/* Which system call, if any, tid is blocked in (before it is signalled). */
static void read_syscall(struct held *h)
{
	char path[48], buf[256];
	int n = snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", h->tid);
	if (n <= 0 || n >= (int)sizeof(path))
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r <= 0 || buf[0] < '0' || buf[0] > '9')
		return; /* "running", or blocked outside a system call ("-1 ...") */
	buf[r] = 0;
	const char *p = buf;
	h->sys.nr = (long)parse_num(&p);
	for (int i = 0; i < 6; i++)
		h->sys.arg[i] = parse_num(&p);
	h->sys.sp = parse_num(&p);
	h->sys.pc = parse_num(&p);
	h->sys.valid = *p == '\n';
}

static bool known(int tid)
{
	for (unsigned i = 0; i < nforeign; i++)
		if (foreign[i] == tid)
			return true;
	for (uint32_t i = 0; i < nheld; i++)
		if (held[i].tid == tid)
			return true;
	return false;
}

static void release(int g)
{
	__atomic_store_n(&active_gen, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&released_gen, g, __ATOMIC_RELEASE);
	futex(&released_gen, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL);
}

/* Append the threads of /proc/self/task not in held[] yet (syscalls read) after nheld. */
static xs_status add_new(int self, uint32_t *added)
{
	static int tids[XS_RV_MAX_THREADS];
	int nt = list_tasks(tids, XS_RV_MAX_THREADS);
	*added = 0;
	if (nt < 0)
		return XS_E_HOST;
	for (int i = 0; i < nt; i++) {
		if (tids[i] == self || known(tids[i]))
			continue;
		if (nheld + *added == XS_RV_MAX_THREADS)
			return XS_E_TOO_MANY;
		struct held *h = &held[nheld + (*added)++];
		memset(h, 0, sizeof(*h));
		h->tid = tids[i];
		read_syscall(h);
	}
	return XS_OK;
}

/* Signal held[from..nheld) (already counted in pending); a thread gone is uncounted. */
static void signal_from(int pid, uint32_t from)
{
	for (uint32_t i = from; i < nheld; i++) {
		if (syscall(SYS_tgkill, pid, held[i].tid, rv_sig) != 0)
			settle(&held[i], 2);
	}
}

/* Wait until pending is 0; a thread that exited before its handler ran is counted out. */
static bool wait_all(int pid, uint64_t deadline)
{
	for (;;) {
		int left = __atomic_load_n(&pending, __ATOMIC_ACQUIRE);
		if (!left)
			return true;
		if (xs_posix_now_ns() > deadline)
			return false;
		/* sleep, not spin: the signalled threads need this CPU to check in */
		struct timespec ts = {0, 1000000};
		if (futex(&pending, FUTEX_WAIT_PRIVATE, left, &ts) == 0 || errno != ETIMEDOUT)
			continue;
		dbg_polls++;
		for (uint32_t i = 0; i < nheld; i++) {
			if (__atomic_load_n(&held[i].state, __ATOMIC_ACQUIRE) == 0 &&
			    syscall(SYS_tgkill, pid, held[i].tid, 0) != 0)
				settle(&held[i], 2);
		}
	}
}

xs_status xs_posix_rv_run(void *ctx, xs_host_held_fn fn, void *arg, uint64_t timeout_ns)
{
	(void)ctx;
	if (!rv_sig)
		return XS_E_STATE;
	int pid = getpid(), self = (int)syscall(SYS_gettid);
	int g = ++gen;
	nheld = 0;
	__atomic_store_n(&pending, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&active_gen, g, __ATOMIC_RELEASE);
	/* before the pause: nobody is interrupted while the thread list and syscalls are read */
	uint32_t added;
	xs_status s = add_new(self, &added);

	uint64_t t0 = xs_posix_now_ns(), deadline = t0 + timeout_ns, t_sig = t0, t_in = t0;
	while (!s && added) {
		uint32_t from = nheld;
		__atomic_add_fetch(&pending, (int)added, __ATOMIC_ACQ_REL);
		__atomic_store_n(&nheld, nheld + added, __ATOMIC_RELEASE);
		signal_from(pid, from);
		if (from == 0)
			t_sig = xs_posix_now_ns();
		if (!wait_all(pid, deadline)) {
			release(g);
			last_pause_ns = xs_posix_now_ns() - t0;
			return XS_E_TIMEOUT;
		}
		t_in = xs_posix_now_ns();
		/* everyone known is held: did anyone start a thread meanwhile? */
		s = add_new(self, &added);
	}
	if (s) {
		release(g);
		return s;
	}
	last_threads = 0;
	for (uint32_t i = 0; i < nheld; i++)
		last_threads += held[i].state == 1;
	uint64_t t1 = xs_posix_now_ns();
	s = fn(arg);
	/* the pause ends at the release; after the wake-up this thread may wait its turn */
	uint64_t t2 = xs_posix_now_ns();
	release(g);
	last_pause_ns = t2 - t0;
	if (getenv("XSPLICE_RV_DEBUG"))
		fprintf(stderr, "xsplice: rendezvous: %u threads signalled in %llu us, in at %llu us, "
			"held after %llu us, callback %llu us (thread check %llu us), %u polls, "
			"status %d\n", last_threads, (unsigned long long)(t_sig - t0) / 1000,
			(unsigned long long)(t_in - t0) / 1000, (unsigned long long)(t1 - t0) / 1000,
			(unsigned long long)(t2 - t1) / 1000, (unsigned long long)dbg_ranges_ns / 1000,
			dbg_polls, (int)s);
	dbg_ranges_ns = 0;
	dbg_polls = 0;
	return s;
}

/* ---- who is where ------------------------------------------------------------ */

static char maps[1 << 18];
static size_t maps_len;

static void read_maps(void)
{
	maps_len = 0;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	for (;;) {
		ssize_t r = read(fd, maps + maps_len, sizeof(maps) - 1 - maps_len);
		if (r <= 0)
			break;
		maps_len += (size_t)r;
	}
	close(fd);
	maps[maps_len] = 0;
}

/* Mappings of this process that are both writable and executable now (HELD-safe). */
unsigned xs_posix_wx_scan(void)
{
	unsigned bad = 0;
	read_maps();
	for (const char *p = maps; p < maps + maps_len;) {
		const char *perm = p;
		while (perm < maps + maps_len && *perm != ' ' && *perm != '\n')
			perm++;
		if (perm + 4 < maps + maps_len && *perm == ' ' && perm[2] == 'w' && perm[3] == 'x')
			bad++;
		while (p < maps + maps_len && *p != '\n')
			p++;
		p++;
	}
	return bad;
}

static uint64_t hex(const char **p)
{
	uint64_t v = 0;
	for (;; (*p)++) {
		char c = **p;
		if (c >= '0' && c <= '9')
			v = v * 16 + (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uint64_t)(c - 'a' + 10);
		else
			return v;
	}
}

/* The end of the mapping that holds sp (the stack), 0 if none. */
static uint64_t stack_end(uint64_t sp)
{
	for (const char *p = maps; p < maps + maps_len;) {
		uint64_t lo = hex(&p);
		if (*p == '-')
			p++;
		uint64_t hi = hex(&p);
		if (sp >= lo && sp < hi)
			return hi;
		while (p < maps + maps_len && *p != '\n')
			p++;
		p++;
	}
	return 0;
}

static int in(const struct xs_host_range *r, uint32_t n, uint64_t a)
{
	for (uint32_t i = 0; i < n; i++)
		if (a >= r[i].start && a < r[i].end)
			return (int)i;
	return -1;
}

/*
 * x86_64: is ret, the word at a thread's stack pointer, the return address
 * of the call that entered the function holding pc? True when a call sits
 * right before ret and - for a direct call - targets that very function.
 * Then pc is in a frameless function (a leaf, or before its prologue) and
 * ret is live; a stale spill that merely looks like a code address is not.
 */
static bool plausible_return(uint64_t pc, uint64_t ret)
{
	const uint8_t *r = (const uint8_t *)(uintptr_t)ret;
	uint32_t k;
	uint64_t off;
	if (r[-5] == 0xe8) {
		int32_t rel;
		memcpy(&rel, r - 4, 4);
		uint64_t target = ret + (uint64_t)(int64_t)rel;
		return symtab && xs_symtab_addr(symtab, pc, &k, &off) == XS_OK &&
		       target == pc - off;
	}
	/* call *reg, call *disp8(reg), call *disp32(reg) / *rel32(%rip) */
	return (r[-2] == 0xff && (r[-1] & 0x38) == 0x10) || (r[-3] == 0xff && (r[-2] & 0x38) == 0x10) ||
	       (r[-6] == 0xff && (r[-5] & 0x38) == 0x10);
}

static xs_status in_ranges(const struct xs_host_range *r, uint32_t n, struct xs_host_busy *who);

/* The range a held PC is inside; at the start of an XS_HOST_RANGE_ENTRY_OK one it is not (host.h). */
static int in_pc(const struct xs_host_range *r, uint32_t n, uint64_t pc)
{
	for (uint32_t i = 0; i < n; i++)
		if (pc >= r[i].start && pc < r[i].end &&
		    !((r[i].flags & XS_HOST_RANGE_ENTRY_OK) && pc == r[i].start))
			return (int)i;
	return -1;
}

xs_status xs_posix_rv_in_ranges(void *ctx, const struct xs_host_range *r, uint32_t n,
				struct xs_host_busy *who)
{
	(void)ctx;
	uint64_t t = xs_posix_now_ns();
	xs_status s = in_ranges(r, n, who);
	dbg_ranges_ns += xs_posix_now_ns() - t;
	return s;
}

static xs_status in_ranges(const struct xs_host_range *r, uint32_t n, struct xs_host_busy *who)
{
	bool have_maps = false;
	for (uint32_t t = 0; t < nheld; t++) {
		const struct held *h = &held[t];
		if (h->state != 1)
			continue;
		int k = in_pc(r, n, h->pc);
		bool stack = false;
		uint64_t where = h->pc;
		if (k < 0 && h->lr && (k = in(r, n, h->lr)) >= 0)
			stack = true, where = h->lr; /* AArch64: a return address not saved yet */
		if (!have_maps) {
			read_maps();
			have_maps = true;
		}
		uint64_t end = stack_end(h->sp);
		/* x86_64 in a frameless function: its return address is at [sp] */
		if (k < 0 && !h->lr && end && h->sp + 8 <= end) {
			uint64_t ret = *(const uint64_t *)(uintptr_t)h->sp;
			int j = in(r, n, ret);
			if (j >= 0 && plausible_return(h->pc, ret))
				k = j, stack = true, where = ret;
		}
		/* the frame-pointer chain, inside the thread's stack mapping only */
		uint64_t fp = h->fp;
		for (int d = 0; k < 0 && end && d < XS_RV_MAX_FRAMES; d++) {
			if (fp < h->sp || fp + 16 > end || (fp & 7))
				break;
			const uint64_t *f = (const uint64_t *)(uintptr_t)fp;
			if ((k = in(r, n, f[1])) >= 0) {
				stack = true, where = f[1];
				break;
			}
			if (f[0] <= fp)
				break;
			fp = f[0];
		}
		if (k >= 0) {
			who->range = (uint32_t)k;
			who->thread = (uint64_t)h->tid;
			who->pc = where;
			who->on_stack = stack;
			return XS_E_BUSY;
		}
	}
	return XS_OK;
}
