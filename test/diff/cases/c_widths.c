// @arch both
// @matrix c
// Loads and stores of every width (aarch64: LDST8/16/32/64/128 lo12 forms),
// floating constants, 128-bit vectors, struct members at odd offsets.

typedef int v4si __attribute__((vector_size(16)));

unsigned char b8 = 1;
unsigned short h16 = 2;
unsigned int w32 = 3;
unsigned long x64 = 4;
v4si q128 = {5, 6, 7, 8};
__int128 wide = 9;
double dbl = 2.5;
float flt = 1.25f;
extern unsigned char eb8;
extern unsigned short eh16;
extern unsigned int ew32;
extern unsigned long ex64;
extern v4si eq128;
struct __attribute__((packed)) odd { char c; int i; long l; } odd = {1, 2, 3};

unsigned long loads(void) { return b8 + h16 + w32 + x64 + eb8 + eh16 + ew32 + ex64; }
void stores(unsigned long v)
{
    b8 = v; h16 = v; w32 = v; x64 = v;
    eb8 = v; eh16 = v; ew32 = v; ex64 = v;
}
v4si vec(void) { return q128 + eq128; }
void vec_store(v4si v) { q128 = v; eq128 = v + q128; }
__int128 wide_mul(__int128 x) { return wide * x; }
double poly(double x) { return 3.141592653589793 * x * x + 2.718281828459045 * x + dbl * flt; }
float fconst(float x) { return x * 0.3333333f + 1e-7f; }
long odd_sum(void) { return odd.c + odd.i + odd.l; }
