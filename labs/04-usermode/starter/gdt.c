/* gdt.c - lab 4: kernel and user segments and a TSS. See lab4.h. */
#include <stdint.h>

#include "lab4.h"
#include "x86.h"

uint64_t gdt[6];

/* TODO: a struct for the 32-bit TSS (Intel SDM vol. 3, figure 7-2), and one
 * instance of it. */

void gdt_init(void)
{
    /* Lab 2's kernel segments. */
    gdt[1] = 0x00CF9A000000FFFFull;
    gdt[2] = 0x00CF92000000FFFFull;
    /* TODO: gdt[3] and gdt[4]: flat ring-3 code and data (DPL 3).
     * TODO: the TSS: SS0 = KERNEL_DS, ESP0 = the top of kernel_stack, and
     *       its descriptor in gdt[5] (type 0x9: an available 32-bit TSS). */
    struct dtr d = { sizeof gdt - 1, (uint32_t)gdt };
    lgdt(&d);
    __asm__ volatile("ljmp %0, $1f\n1:\n"
                     "mov %1, %%ax\n"
                     "mov %%ax, %%ds\n mov %%ax, %%es\n mov %%ax, %%ss\n"
                     "mov %%ax, %%fs\n mov %%ax, %%gs\n"
                     : : "i"(KERNEL_CS), "i"(KERNEL_DS) : "eax", "memory");
    /* TODO: ltr(TSS_SEL) */
}
