/*
 * kmain.c - lab 2's kernel: set up the descriptor tables and the
 * interrupt hardware, then wait for interrupts (given).
 */
#include <stdint.h>

#include "lab2.h"
#include "multiboot.h"
#include "serial.h"
#include "x86.h"

void kmain(uint32_t magic, struct multiboot_info *mbi);

void kmain(uint32_t magic, struct multiboot_info *mbi)
{
    (void)mbi;
    serial_init();
    if (magic != MULTIBOOT_BOOT_MAGIC) {
        kprintf("lab2: not started by a multiboot loader\n");
        lab_exit(0x11);
    }
    kprintf("lab2: starting\n");
    gdt_init();
    idt_init();
    pic_init();
    pit_init(100);
    kprintf("lab2: interrupts on\n");
    sti();
    uint32_t seconds = 0;
    for (;;) {
        hlt(); /* until the next interrupt */
        if (ticks / 100 != seconds) {
            seconds = ticks / 100;
            kprintf("lab2: %u s\n", seconds);
        }
    }
}
