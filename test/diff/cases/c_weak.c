// @arch both
// @base 0x400000
// @variant gcc-small cc=gcc flags=-mcmodel=small
// @variant clang-small cc=clang flags=-mcmodel=small
// @variant gcc-O0 cc=gcc flags="-O0 -mcmodel=small"
// Weak definitions and weak undefined references: an unresolved weak symbol
// is zero, so its address compares equal to null and the call is skipped.

__attribute__((weak)) extern void maybe_present(void);
__attribute__((weak)) extern int maybe_data;
__attribute__((weak)) int overridable(int x) { return x + 1; }
__attribute__((weak)) int weak_value = 5;
int *const weak_ref = &maybe_data;
void (*const weak_fn_ref)(void) = maybe_present;

int run_weak(int x)
{
    if (maybe_present)
        maybe_present();
    if (&maybe_data)
        x += maybe_data;
    return overridable(x) + weak_value;
}
