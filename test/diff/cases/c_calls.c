// @arch both
// @matrix c
// Calls of every shape: direct, to static and extern functions, tail calls,
// conditional tail calls, calls through function pointers and tables.

extern int ext_a(int);
extern int ext_b(int, int);
extern void ext_sink(void *);
extern int (*ext_fp)(int);

static __attribute__((noinline)) int twice(int x) { return 2 * x + 1; }
__attribute__((noinline)) int thrice(int x) { return 3 * x - 1; }
static int (*const ops[])(int) = {twice, thrice, ext_a};

int call_static(int x) { return twice(x) + thrice(x); }
int tail_extern(int x) { return ext_a(x + 1); }
int cond_tail(int x)
{
    if (x > 10)
        return ext_a(x);
    if (x < -10)
        return ext_b(x, 1);
    return x;
}
int via_table(int i, int x) { return ops[i % 3](x); }
int via_extern_ptr(int x) { return ext_fp ? ext_fp(x) : thrice(x); }
void pass_pointers(void)
{
    ext_sink((void *)twice);
    ext_sink((void *)ext_b);
    ext_sink((void *)&ext_fp);
}
int recurse(int n) { return n <= 1 ? 1 : n * recurse(n - 1) + ext_b(n, n); }
int many(int x)
{
    int s = 0;
    for (int i = 0; i < x; i++)
        s += ext_a(i) ^ ext_b(s, i);
    return s + call_static(s);
}
