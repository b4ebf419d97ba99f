// @arch both
// @matrix c
// @variant gcc-pic-relax cc=gcc flags=-fPIC xsflags=--relax arch=x86_64
// Globals of every storage class: defined, extern, static, const, bss;
// pointers to them in initialised data (absolute 64-bit relocations), address
// arithmetic with positive and negative addends.

extern int ext_counter;
extern int ext_table[64];
extern const char ext_name[];
extern void ext_hook(int);
extern void ext_log(const char *, long);

int counter = 7;
static int hidden = 3;
long big_bss[300];
static char small_bss[5];
const int primes[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
int *const counter_ptr = &counter;
int *ext_ptrs[] = {&ext_counter, &ext_table[0], &ext_table[63], &ext_table[-1] + 1, 0};
const char *messages[] = {"zero", "one", "two", "three"};
long *bss_ptr = &big_bss[299];
char *small_ptr = small_bss + 4;
const int *prime_tail = &primes[11];

struct node {
    struct node *next;
    const char *label;
    int value;
};
struct node n3 = {0, "c", 30};
struct node n2 = {&n3, "b", 20};
struct node n1 = {&n2, "a", 10};

int sum_primes(int n)
{
    int s = 0;
    for (int i = 0; i < n && i < 12; i++)
        s += primes[i];
    return s + hidden;
}

int walk(void)
{
    int s = 0;
    for (struct node *p = &n1; p; p = p->next)
        s += p->value + p->label[0];
    return s;
}

int use_externs(int i)
{
    ext_counter += i;
    ext_table[i & 63] = counter;
    ext_hook(ext_table[(i + 1) & 63]);
    ext_log(ext_name, big_bss[i % 300]);
    small_bss[i % 5] = (char)i;
    return ext_counter + hidden++;
}

const char *message(unsigned i)
{
    return i < 4 ? messages[i] : ext_name + 1;
}

long *bss_slot(int i) { return &big_bss[i + 17]; }
int *ext_slot_neg(void) { return &ext_table[-3]; }
