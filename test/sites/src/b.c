/* A second translation unit: a static with the same name as one in a.c. */
static int __attribute__((noinline)) helper(int x) { return x ^ 0x5a; }
static int __attribute__((noinline)) leaf(int x) { return x; }
void __attribute__((noinline)) empty_global(void) {}
int __attribute__((noinline)) b_entry(int x)
{
	int r = 0;
	while (x-- > 0)
		r += helper(x) + leaf(x);
	return r;
}
