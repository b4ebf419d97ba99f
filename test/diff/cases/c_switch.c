// @arch both
// @matrix c
// Dense switches (jump tables), computed goto (label address tables) and
// a string table reached by index.

extern int ext_default(int);

int dense(int x)
{
    switch (x) {
    case 0: return ext_default(11);
    case 1: return 22 + x;
    case 2: return ext_default(33);
    case 3: return 44 * x;
    case 4: return ext_default(x - 55);
    case 5: return 66;
    case 6: return ext_default(77);
    case 7: return 88 ^ x;
    case 8: return ext_default(99);
    case 9: return 110;
    default: return -1;
    }
}

int interp(const unsigned char *code, int acc)
{
    static void *const labels[] = {&&op_inc, &&op_dec, &&op_dbl, &&op_end};
    goto *labels[*code & 3];
op_inc:
    acc++;
    code++;
    goto *labels[*code & 3];
op_dec:
    acc--;
    code++;
    goto *labels[*code & 3];
op_dbl:
    acc = ext_default(acc * 2);
    code++;
    goto *labels[*code & 3];
op_end:
    return acc;
}

static const char *const names[] = {"red", "green", "blue", "cyan", "magenta", "yellow"};
const char *colour(unsigned i) { return names[i % 6]; }
