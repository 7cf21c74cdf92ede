/*
 * kmain.c - lab 3's kernel (given): turn paging on and try it.
 *
 * With "fault" on the command line (lab86 run --append fault), or with
 * induce_fault set by a grader, it ends by writing to an address nothing
 * maps, which page_fault() must report.
 */
#include <stdint.h>

#include "lab2.h"
#include "lab3.h"
#include "multiboot.h"
#include "serial.h"
#include "x86.h"

void kmain(uint32_t magic, struct multiboot_info *mbi);

extern char kernel_end[];
static volatile uint32_t marker = 0x1ab3;
volatile uint32_t induce_fault;

static int cmdline_has(const struct multiboot_info *mbi, const char *word)
{
    if (!(mbi->flags & 4) || !mbi->cmdline)
        return 0;
    for (const char *s = (const char *)mbi->cmdline; *s; s++) {
        int i = 0;
        while (word[i] && s[i] == word[i])
            i++;
        if (!word[i])
            return 1;
    }
    return 0;
}

void kmain(uint32_t magic, struct multiboot_info *mbi)
{
    serial_init();
    if (magic != MULTIBOOT_BOOT_MAGIC || !(mbi->flags & MULTIBOOT_INFO_MEMORY)) {
        kprintf("lab3: no multiboot memory information\n");
        lab_exit(0x11);
    }
    gdt_init();
    idt_init();
    /* Frames: from the first page after the kernel to the end of memory. */
    uint32_t first = ((uint32_t)kernel_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    uint32_t limit = 0x100000 + mbi->mem_upper * 1024;
    frame_init(first, limit);
    uint32_t f1 = frame_alloc(), f2 = frame_alloc(), f3 = frame_alloc();
    kprintf("lab3: frames 0x%08x 0x%08x 0x%08x\n", f1, f2, f3);
    frame_free(f2);
    kprintf("lab3: freed 0x%08x, next 0x%08x\n", f2, frame_alloc());

    paging_init();
    kprintf("lab3: paging on, cr3 = 0x%08x\n", read_cr3());

    volatile uint32_t *high = (volatile uint32_t *)(KERNEL_HIGH + (uint32_t)&marker);
    kprintf("lab3: marker through the high alias: 0x%x\n", *high);

    volatile uint32_t *demand = (volatile uint32_t *)(DEMAND_BASE + 0x1234);
    *demand = 0xfeed;
    kprintf("lab3: demand page 0x%08x -> 0x%08x holds 0x%x\n", DEMAND_BASE + 0x1000,
            translate(DEMAND_BASE + 0x1000), *demand);

    if (induce_fault || cmdline_has(mbi, "fault")) {
        kprintf("lab3: writing to 0xdead0000\n");
        *(volatile uint32_t *)0xdead0000 = 1;
        kprintf("lab3: the write did not fault\n");
        lab_exit(0x11);
    }
    kprintf("lab3: done\n");
    lab_exit(0x10);
}
