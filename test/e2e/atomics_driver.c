/*
 * C11 atomics of every width and order. On AArch64, GCC's default
 * -moutline-atomics turns these into calls to __aarch64_cas4_acq,
 * __aarch64_ldadd8_relax, ... which a normal link takes from libgcc.a;
 * `xsplice run` must provide them too. Threads make the results depend on
 * the operations really being atomic.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

static _Atomic uint8_t a8;
static _Atomic uint16_t a16;
static _Atomic uint32_t a32;
static _Atomic uint64_t a64, bits;
static __int128 wide;

static void *work(void *arg)
{
	uint64_t id = (uintptr_t)arg;
	for (int i = 0; i < 20000; i++) {
		atomic_fetch_add_explicit(&a8, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&a16, 3, memory_order_acquire);
		atomic_fetch_add_explicit(&a32, 5, memory_order_release);
		uint64_t old = atomic_load(&a64);
		while (!atomic_compare_exchange_weak_explicit(&a64, &old, old + 7, memory_order_acq_rel,
							      memory_order_acquire))
			;
		atomic_fetch_or(&bits, (uint64_t)1 << (id * 8 + (i & 7)));
		atomic_fetch_xor_explicit(&bits, 0, memory_order_seq_cst);
#if defined(__aarch64__)
		/* 16 bytes: __aarch64_cas16_sync on AArch64 (x86_64 would need -mcx16) */
		__int128 w = wide, seen;
		while ((seen = __sync_val_compare_and_swap(&wide, w, w + 1)) != w)
			w = seen;
#else
		__atomic_fetch_add(&a64, 0, __ATOMIC_RELAXED);
		__atomic_fetch_add((uint64_t *)&wide, 1, __ATOMIC_SEQ_CST);
#endif
	}
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	for (uintptr_t i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, work, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	uint32_t prev = atomic_exchange(&a32, 1);
	atomic_fetch_and(&bits, ~(uint64_t)0xff);
	printf("a8=%u a16=%u a32=%u (now %u) a64=%llu bits=%#llx wide=%llu\n", (unsigned)a8,
	       (unsigned)a16, prev, (unsigned)a32, (unsigned long long)a64,
	       (unsigned long long)bits, (unsigned long long)wide);
	return 0;
}
