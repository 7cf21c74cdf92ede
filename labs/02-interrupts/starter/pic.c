/* pic.c - lab 2: the two 8259A interrupt controllers. See lab2.h. */
#include "lab2.h"
#include "x86.h"

void pic_init(void)
{
    /* TODO: ICW1 to ports 0x20 and 0xA0, then ICW2 (the vector bases),
     * ICW3 (the cascade) and ICW4 (8086 mode) to 0x21 and 0xA1; then the
     * masks (OCW1). */
}

void pic_eoi(int irq)
{
    /* TODO: a non-specific EOI (0x20) to the right controller(s). */
    (void)irq;
}
