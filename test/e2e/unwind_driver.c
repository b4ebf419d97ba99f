/* The unwinder walking loaded frames. `xsplice run` registers the loaded
 * .eh_frame with libgcc_s only when the objects reference a user of the
 * unwinder (XS_POSIX_LOAD_LAZY_UNWIND); backtrace() is one: it must see
 * through the three loaded frames below it (without the registration it
 * stops at the first one). A thread also leaves through pthread_exit under
 * two cleanup handlers, which glibc's forced unwind must run. The plain C
 * case libc-data checks the other half: no such reference, libgcc_s is not
 * opened. */
#include <execinfo.h>
#include <pthread.h>
#include <stdio.h>

static int cleanups;

static void cleanup(void *arg)
{
	cleanups += *(int *)arg;
	printf("cleanup %d\n", *(int *)arg);
}

__attribute__((noinline)) static int frames(volatile int depth)
{
	if (depth > 0) {
		volatile int n = frames(depth - 1); /* not a tail call: this frame stays */
		return n;
	}
	void *pc[32];
	return backtrace(pc, 32);
}

__attribute__((noinline)) static int leave(volatile int depth)
{
	if (depth > 0) {
		int r = leave(depth - 1);
		printf("not reached %d\n", r);
		return r + 1;
	}
	pthread_exit((void *)42);
}

static void *worker(void *p)
{
	int a = 1, b = 2;
	(void)p;
	pthread_cleanup_push(cleanup, &a);
	pthread_cleanup_push(cleanup, &b);
	printf("leave %d\n", leave(3));
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return NULL;
}

int main(void)
{
	/* backtrace, frames x4, main: at least 6 when every loaded frame unwinds */
	int n = frames(3);
	printf("backtrace through the loaded frames: %s\n", n >= 6 ? "yes" : "no");
	pthread_t t;
	void *ret = NULL;
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return 1;
	pthread_join(t, &ret);
	printf("joined %ld, cleanups %d\n", (long)ret, cleanups);
	return cleanups == 3 && ret == (void *)42 && n >= 6 ? 0 : 2;
}
