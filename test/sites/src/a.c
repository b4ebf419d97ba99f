/* Functions of many sizes: tiny leaves, statics named as in b.c, a loop. */
#include <stdio.h>
#include <stdlib.h>

int b_entry(int x);
void empty_global(void);

static int __attribute__((noinline)) helper(int x) { return x + 1; }
static int __attribute__((noinline)) twice(int x) { return x * 2; }
int __attribute__((noinline)) one(void) { return 1; }
void __attribute__((noinline)) nothing(void) { __asm__ volatile(""); }
int __attribute__((noinline)) sum(const int *v, int n)
{
	int s = 0;
	for (int i = 0; i < n; i++)
		s += v[i] * (i & 3 ? 1 : 3);
	return s;
}
int (*volatile fp)(int) = twice;

int main(int argc, char **argv)
{
	int v[8] = {1, 2, 3, 4, 5, 6, 7, argc};
	(void)argv;
	nothing();
	empty_global();
	printf("%d\n", helper(argc) + fp(argc) + one() + sum(v, 8) + b_entry(argc));
	return 0;
}
