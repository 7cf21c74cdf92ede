/* trap.c - lab 2 solution: dispatch interrupts and report exceptions. */
#include "lab2.h"
#include "serial.h"
#include "x86.h"

void trap(struct trapframe *tf)
{
    if (tf->vector >= IRQ_BASE && tf->vector < IRQ_BASE + 16) {
        int irq = (int)tf->vector - IRQ_BASE;
        if (irq == IRQ_TIMER)
            pit_tick();
        else if (irq == IRQ_KEYBOARD)
            kbd_irq();
        pic_eoi(irq);
        return;
    }
    kprintf("lab2: exception %u at eip 0x%08x, error 0x%x\n", tf->vector, tf->eip, tf->error);
    lab_exit(0x11);
}
