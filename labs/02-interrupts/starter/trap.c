/* trap.c - lab 2: every interrupt and exception arrives here (isr.asm). */
#include "lab2.h"
#include "serial.h"
#include "x86.h"

void trap(struct trapframe *tf)
{
    /* TODO: hardware interrupts (vectors IRQ_BASE to IRQ_BASE + 15): call
     * pit_tick() or kbd_irq(), then acknowledge with pic_eoi(). Anything
     * else is an exception: report it and stop. */
    kprintf("lab2: exception %u at eip 0x%08x, error 0x%x\n", tf->vector, tf->eip, tf->error);
    lab_exit(0x11);
}
