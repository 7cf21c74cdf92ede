/*
 * dbgkern_c.c - the C part of the debugger suites' guest kernel
 * (dbgkern.asm), compiled with gcc -m32 -g so that the kernel has a DWARF
 * line table. test_symbols.c finds the lines marked LINE_* below by
 * reading this file, so they may move.
 */
int c_add(int a, int b);
int c_twice(int x);

int c_twice(int x)
{
    return x + x; /* LINE_TWICE */
}

int c_add(int a, int b)
{
    int sum = a + b; /* LINE_SUM */
    sum = c_twice(sum) - sum;
    return sum; /* LINE_RET */
}
