/* See common_a.c. */
int counter;
long table[8] __attribute__((aligned(64)));
int shared = 41;
void bump_b(void) { counter += 2; shared++; }
long *table_b(void) { return table; }
