/*
 * ckern_c.c - the C part of the kernel the debugger's command-line scripts
 * step through (ckern.asm says how it is built and what it does). Its line
 * numbers appear in dbgc.expected: edit the two together.
 */
void kmain(void);
int square(int x);
int sum_squares(int n);

int counter; /* sum_squares(3), which the exit device reports */

static void outb(unsigned short port, unsigned char v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static void say(const char *s)
{
    while (*s)
        outb(0xe9, (unsigned char)*s++);
}

int square(int x)
{
    return x * x;
}

int sum_squares(int n)
{
    int total = 0;
    for (int i = 1; i <= n; i++)
        total += square(i);
    return total;
}

void kmain(void)
{
    say("ckern: start\n");
    counter = sum_squares(3);
    say("ckern: done\n");
}
