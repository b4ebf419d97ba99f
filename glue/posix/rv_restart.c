/* SPDX-License-Identifier: MIT */
/*
 * Re-issuing the system calls the rendezvous signal interrupts (see
 * rendezvous.c): runs in the signal handler, async-signal-safe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "live_int.h"

#define XS_ABS_SLOTS 4096

/*
 * The signal interrupts a blocking system call the program is in. Most are
 * restarted by the kernel (SA_RESTART), but nanosleep, clock_nanosleep,
 * poll, select, epoll_wait, pause... return EINTR whatever the flags - and
 * `sleep(30)` in a program's main would return early because it was live
 * patched. When the interrupted call is exactly the one the patching thread
 * saw the thread blocked in (same number, arguments, stack pointer and
 * return address), the handler re-issues it as the kernel restarts calls:
 * back over the syscall instruction, the number (x86_64) or first argument
 * (AArch64) restored - a relative sleep continues with the time that was
 * left.
 */
/* Calls that return EINTR after any handler, whatever SA_RESTART says, and may be re-issued. */
static bool restartable(long nr)
{
	switch (nr) {
#ifdef SYS_nanosleep
	case SYS_nanosleep:
#endif
#ifdef SYS_pause
	case SYS_pause:
#endif
#ifdef SYS_poll
	case SYS_poll:
#endif
#ifdef SYS_select
	case SYS_select:
#endif
#ifdef SYS_epoll_wait
	case SYS_epoll_wait:
#endif
	case SYS_clock_nanosleep:
	case SYS_ppoll:
	case SYS_pselect6:
	case SYS_epoll_pwait:
		return true;
	default:
		return false;
	}
}

/*
 * Per thread: the deadline of a relative sleep without a `rem` (usleep,
 * nanosleep(req, NULL)) turned absolute, so that a re-issued sleep neither
 * restarts from scratch at every rendezvous nor is cut short; and the call
 * re-issued last. A thread released by one rendezvous may not be back in
 * that call when the next one reads /proc (back-to-back apply and revert),
 * but is by the time the signal lands: the call is then recognised as ours.
 */
static struct {
	int tid;
	clockid_t clock;
	struct timespec ts;
	struct xs_posix_sysinfo again;
} abs_slot[XS_ABS_SLOTS];

static int abs_slot_index(int tid)
{
	for (unsigned i = 0, k = (unsigned)tid % XS_ABS_SLOTS; i < XS_ABS_SLOTS;
	     i++, k = (k + 1) % XS_ABS_SLOTS) {
		int cur = __atomic_load_n(&abs_slot[k].tid, __ATOMIC_ACQUIRE);
		if (cur == tid)
			return (int)k;
		if (cur == 0 && __atomic_compare_exchange_n(&abs_slot[k].tid, &cur, tid, false,
							   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return (int)k;
	}
	return -1;
}

/*
 * A relative sleep with nowhere to learn the time left: re-issue it as an
 * absolute clock_nanosleep to now + req (it oversleeps by at most the time
 * it had slept before the first interruption, once). Returns false to
 * re-issue the call unchanged.
 */
static bool sleep_to_absolute(long *nr, uint64_t *clk, uint64_t *flags, uint64_t *req,
			      uint64_t *rem)
{
	bool ns = false;
#ifdef SYS_nanosleep
	ns = *nr == SYS_nanosleep;
#endif
	clockid_t c;
	const struct timespec *r;
	if (ns && !*clk) /* nanosleep(req, rem): clk holds req, flags holds rem */
		return false;
	if (ns && *flags == 0) {
		c = CLOCK_MONOTONIC;
		r = (const struct timespec *)(uintptr_t)*clk;
	} else if (*nr == SYS_clock_nanosleep && !(*flags & TIMER_ABSTIME) && !*rem) {
		c = (clockid_t)*clk;
		r = (const struct timespec *)(uintptr_t)*req;
	} else {
		return false;
	}
	int k = abs_slot_index((int)syscall(SYS_gettid));
	struct timespec now, *slot = k >= 0 ? &abs_slot[k].ts : NULL;
	if (!slot || clock_gettime(c, &now) != 0)
		return false;
	abs_slot[k].clock = c;
	slot->tv_sec = now.tv_sec + r->tv_sec;
	slot->tv_nsec = now.tv_nsec + r->tv_nsec;
	if (slot->tv_nsec >= 1000000000L)
		slot->tv_sec++, slot->tv_nsec -= 1000000000L;
	*nr = SYS_clock_nanosleep;
	*clk = (uint64_t)c;
	*flags = TIMER_ABSTIME;
	*req = (uint64_t)(uintptr_t)slot;
	*rem = 0;
	return true;
}

#if defined(__x86_64__)
/* Is the call interrupted at pc (registers g) the one s describes? RAX, the number, is lost. */
static bool same_call(const struct xs_posix_sysinfo *s, const greg_t *g, uint64_t pc)
{
	return s->valid && pc == s->pc && (uint64_t)g[REG_RSP] == s->sp &&
	       (uint64_t)g[REG_RDI] == s->arg[0] && (uint64_t)g[REG_RSI] == s->arg[1] &&
	       (uint64_t)g[REG_RDX] == s->arg[2] && (uint64_t)g[REG_R10] == s->arg[3] &&
	       (uint64_t)g[REG_R8] == s->arg[4] && (uint64_t)g[REG_R9] == s->arg[5];
}
#elif defined(__aarch64__)
/* The same for AArch64, where x0, the first argument, is lost instead. */
static bool same_call(const struct xs_posix_sysinfo *s, const unsigned long long *x, uint64_t pc,
		      uint64_t sp)
{
	return s->valid && pc == s->pc && sp == s->sp && x[8] == (uint64_t)s->nr &&
	       x[1] == s->arg[1] && x[2] == s->arg[2] && x[3] == s->arg[3] && x[4] == s->arg[4] &&
	       x[5] == s->arg[5];
}
#endif

/* Remember the call a thread is sent back into (slot k, -1: none). */
static void remember(int k, long nr, const uint64_t *args, uint64_t sp, uint64_t pc)
{
	if (k < 0)
		return;
	struct xs_posix_sysinfo *a = &abs_slot[k].again;
	a->nr = nr;
	memcpy(a->arg, args, sizeof(a->arg));
	a->sp = sp;
	a->pc = pc;
	a->valid = true;
}

void xs_posix_restart_syscall(const struct xs_posix_sysinfo *h, void *ucv)
{
	ucontext_t *uc = ucv;
#if defined(__x86_64__)
	greg_t *g = uc->uc_mcontext.gregs;
	uint64_t pc = (uint64_t)g[REG_RIP];
	const uint8_t *insn = (const uint8_t *)(uintptr_t)(pc - 7);
	long nr;
	if (g[REG_RAX] != -EINTR || insn[5] != 0x0f || insn[6] != 0x05)
		return;
	int k = abs_slot_index((int)syscall(SYS_gettid));
	if (same_call(h, g, pc))
		nr = h->nr;
	else if (k >= 0 && same_call(&abs_slot[k].again, g, pc))
		nr = abs_slot[k].again.nr;
	else if (insn[0] == 0xb8) /* mov $nr, %eax; syscall: how glibc issues them */
		nr = (long)(insn[1] | insn[2] << 8 | insn[3] << 16 | (uint32_t)insn[4] << 24);
	else
		return; /* it entered the call after we looked, through an unknown wrapper */
	if (!restartable(nr))
		return;
	uint64_t clk = (uint64_t)g[REG_RDI], flags = (uint64_t)g[REG_RSI], req = (uint64_t)g[REG_RDX],
		 rem = (uint64_t)g[REG_R10];
	if (nr == SYS_nanosleep && flags) {
		g[REG_RDI] = g[REG_RSI]; /* the remaining time, written by the kernel */
	} else if (nr == SYS_clock_nanosleep && !(flags & TIMER_ABSTIME) && rem) {
		g[REG_RDX] = g[REG_R10];
	} else if (sleep_to_absolute(&nr, &clk, &flags, &req, &rem)) {
		g[REG_RDI] = (greg_t)clk, g[REG_RSI] = (greg_t)flags;
		g[REG_RDX] = (greg_t)req, g[REG_R10] = (greg_t)rem;
	}
	g[REG_RAX] = (greg_t)nr;
	g[REG_RIP] = (greg_t)(pc - 2);
	const uint64_t args[6] = {(uint64_t)g[REG_RDI], (uint64_t)g[REG_RSI], (uint64_t)g[REG_RDX],
				  (uint64_t)g[REG_R10], (uint64_t)g[REG_R8],  (uint64_t)g[REG_R9]};
	remember(k, nr, args, (uint64_t)g[REG_RSP], pc);
#elif defined(__aarch64__)
	unsigned long long *x = uc->uc_mcontext.regs;
	uint64_t pc = uc->uc_mcontext.pc;
	const uint64_t *a = h->arg;
	uint32_t insn;
	if ((int64_t)x[0] != -EINTR)
		return;
	memcpy(&insn, (const void *)(uintptr_t)(pc - 4), 4);
	if (insn != 0xd4000001u) /* svc #0 */
		return;
	long nr = (long)x[8];
	uint64_t clk, flags = x[1], req = x[2], rem = x[3], sp = uc->uc_mcontext.sp;
	int k = abs_slot_index((int)syscall(SYS_gettid));
	if (same_call(h, x, pc, sp)) {
		clk = a[0]; /* x0, the first argument, is lost: the call seen before the signal */
	} else if (k >= 0 && same_call(&abs_slot[k].again, x, pc, sp)) {
		clk = abs_slot[k].again.arg[0]; /* the call we sent it back into */
	} else if (nr == SYS_clock_nanosleep && (flags & TIMER_ABSTIME) && k >= 0 &&
		   req == (uint64_t)(uintptr_t)&abs_slot[k].ts) {
		clk = (uint64_t)abs_slot[k].clock; /* a sleep made absolute here before */
	} else if (nr == SYS_clock_nanosleep && !(flags & TIMER_ABSTIME)) {
		/*
		 * Not seen (it began after the thread list was read, or /proc
		 * describes the emulator, under qemu-user): a relative sleep lasts
		 * as long on any clock glibc uses for it.
		 */
		clk = CLOCK_MONOTONIC;
	} else {
		return;
	}
	if (!restartable(nr))
		return;
	x[0] = clk;
	if (nr == SYS_clock_nanosleep && !(flags & TIMER_ABSTIME) && rem) {
		x[2] = rem;
	} else if (sleep_to_absolute(&nr, &clk, &flags, &req, &rem)) {
		x[0] = clk, x[1] = flags, x[2] = req, x[3] = rem;
		x[8] = (uint64_t)nr;
	}
	uc->uc_mcontext.pc = pc - 4;
	const uint64_t args[6] = {x[0], x[1], x[2], x[3], x[4], x[5]};
	remember(k, nr, args, sp, pc);
#endif
}
