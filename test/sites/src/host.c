/*
 * The image of test/sites/check.sh: a gcc -O2 program (with a build-id).
 * tiny: a 1-byte function right before another symbol that is not filler
 * and that nothing branches to (room 1);
 * loopy: a loop whose head is 2 bytes into the function, inside the 5 bytes a
 * jump would overwrite. Both in assembly so their shape does not depend on
 * the compiler.
 */
#include <stdio.h>

__asm__(".text\n"
	".globl tiny\n.type tiny, @function\ntiny:\n\tret\n.size tiny, 1\n"
	".globl tiny_guard\ntiny_guard:\n\tud2\n"
	".p2align 4\n"
	".globl loopy\n.type loopy, @function\nloopy:\n"
	"\txorl %eax, %eax\n"
	"1:\taddl $1, %eax\n"
	"\tcmpl %edi, %eax\n"
	"\tjl 1b\n"
	"\tret\n"
	".size loopy, .-loopy\n");

void tiny(void);
int loopy(int n);

static int __attribute__((noinline)) compute(int x) { return x * 3 + 1; }
int __attribute__((noinline)) helper(int x) { return x ^ 0x55; }

int main(int argc, char **argv)
{
	(void)argv;
	tiny();
	printf("%d %d %d\n", compute(argc), helper(argc), loopy(argc));
	return 0;
}
