/*
 * stage2.c - lab 1's second stage (given): proof that the boot sector did
 * its job. It runs at 0x10000 in 32-bit protected mode and reports on COM1.
 */
#include <stdint.h>

#include "serial.h"
#include "x86.h"

void stage2_main(void);

/* A20 is open when 1 MiB does not wrap to 0. */
static int a20_open(void)
{
    volatile uint32_t *low = (uint32_t *)0x7000, *high = (uint32_t *)0x107000;
    uint32_t saved = *low;
    *low = 0x12345678;
    *high = 0x87654321;
    int open = *low == 0x12345678;
    *low = saved;
    return open;
}

void stage2_main(void)
{
    serial_init();
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    kprintf("lab1: stage 2 running in protected mode (cr0 = 0x%08x, cs = 0x%x)\n", read_cr0(), cs);
    if (!a20_open()) {
        kprintf("lab1: A20 is closed: memory above 1 MiB wraps\n");
        lab_exit(0x11);
    }
    kprintf("lab1: A20 is open\n");
    lab_exit(0x10);
}
