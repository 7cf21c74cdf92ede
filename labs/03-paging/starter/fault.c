/* fault.c - lab 3: the page-fault handler. See lab3.h. */
#include <stdint.h>

#include "lab3.h"
#include "serial.h"
#include "x86.h"

void page_fault(struct trapframe *tf)
{
    /* TODO: demand paging in [DEMAND_BASE, DEMAND_END); report anything else. */
    kprintf("lab3: page fault at 0x%08x, error 0x%x\n", read_cr2(), tf->error);
    lab_exit(0x12);
}
