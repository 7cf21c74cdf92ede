/* gdt.c - lab 2 solution: a flat GDT. */
#include <stdint.h>

#include "lab2.h"
#include "x86.h"

/* Descriptor layout (Intel SDM vol. 3, 3.4.5): limit 15:0, base 23:0,
 * access byte, flags and limit 19:16, base 31:24. */
static uint64_t make_descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    uint64_t d = limit & 0xFFFF;
    d |= (uint64_t)(base & 0xFFFFFF) << 16;
    d |= (uint64_t)access << 40;
    d |= (uint64_t)((limit >> 16) & 0xF) << 48;
    d |= (uint64_t)(flags & 0xF) << 52;
    d |= (uint64_t)(base >> 24) << 56;
    return d;
}

uint64_t gdt[3];

void gdt_init(void)
{
    gdt[0] = 0;
    gdt[1] = make_descriptor(0, 0xFFFFF, 0x9A, 0xC); /* present, ring 0, code, readable; 4 KiB granules, 32-bit */
    gdt[2] = make_descriptor(0, 0xFFFFF, 0x92, 0xC); /* present, ring 0, data, writable */
    struct dtr d = { sizeof gdt - 1, (uint32_t)gdt };
    lgdt(&d);
    __asm__ volatile("ljmp %0, $1f\n1:\n"
                     "mov %1, %%ax\n"
                     "mov %%ax, %%ds\n mov %%ax, %%es\n mov %%ax, %%ss\n"
                     "mov %%ax, %%fs\n mov %%ax, %%gs\n"
                     : : "i"(KERNEL_CS), "i"(KERNEL_DS) : "eax", "memory");
}
