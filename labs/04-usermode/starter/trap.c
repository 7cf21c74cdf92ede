/* trap.c - lab 4: where interrupts and exceptions arrive. See lab4.h. */
#include "lab4.h"
#include "serial.h"
#include "x86.h"

void trap(struct trapframe *tf)
{
    /* TODO: vector 0x80 to syscall(); an exception in ring 3 ends only
     * the program (see lab4.h). */
    kprintf("lab4: kernel exception %u at eip 0x%08x, error 0x%x\n", tf->vector, tf->eip,
            tf->error);
    lab_exit(0x11);
}
