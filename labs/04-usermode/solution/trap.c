/* trap.c - lab 4 solution: system calls, and faults that end a program. */
#include "lab4.h"
#include "serial.h"
#include "x86.h"

void trap(struct trapframe *tf)
{
    if (tf->vector == 0x80) {
        syscall(tf);
        return;
    }
    if ((tf->cs & 3) == 3) {
        kprintf("lab4: program %d killed: exception %u at eip 0x%08x\n", current_pid, tf->vector,
                tf->eip);
        user_leave(-1);
    }
    kprintf("lab4: kernel exception %u at eip 0x%08x, error 0x%x\n", tf->vector, tf->eip,
            tf->error);
    lab_exit(0x11);
}
