/* Built with -fcommon: `counter` and `table` are SHN_COMMON here and in
 * common_b.c; the loader must give each name one block (largest size and
 * alignment), zeroed, as ld does. `shared` is common here, defined there. */
#include <stdint.h>
#include <stdio.h>
int counter;
long table[4];
int shared;
void bump_b(void);
long *table_b(void);
int main(void)
{
	counter++;
	bump_b();
	table[0] = 1;
	printf("counter=%d same-table=%d shared=%d aligned=%d\n", counter, table == table_b(),
	       shared, (int)((uintptr_t)table % 8 == 0));
	return 0;
}
