/* trap.c - lab 3's trap dispatch (given): page faults to page_fault(). */
#include "lab3.h"
#include "serial.h"
#include "x86.h"

void trap(struct trapframe *tf)
{
    if (tf->vector == 14) {
        page_fault(tf);
        return;
    }
    kprintf("lab3: exception %u at eip 0x%08x, error 0x%x\n", tf->vector, tf->eip, tf->error);
    lab_exit(0x11);
}
