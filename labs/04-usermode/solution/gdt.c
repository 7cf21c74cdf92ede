/* gdt.c - lab 4 solution: kernel and user segments and a TSS. */
#include <stdint.h>

#include "lab4.h"
#include "x86.h"

/* The 32-bit TSS (Intel SDM vol. 3, 7.2.1); only SS0:ESP0 and the I/O map
 * base matter here. */
struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap_base;
} __attribute__((packed));

static struct tss tss;
uint64_t gdt[6];

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

void gdt_init(void)
{
    gdt[1] = make_descriptor(0, 0xFFFFF, 0x9A, 0xC); /* kernel code, DPL 0 */
    gdt[2] = make_descriptor(0, 0xFFFFF, 0x92, 0xC); /* kernel data */
    gdt[3] = make_descriptor(0, 0xFFFFF, 0xFA, 0xC); /* user code, DPL 3 */
    gdt[4] = make_descriptor(0, 0xFFFFF, 0xF2, 0xC); /* user data, DPL 3 */
    tss.ss0 = KERNEL_DS;
    tss.esp0 = (uint32_t)(kernel_stack + KERNEL_STACK_SIZE);
    tss.iomap_base = sizeof tss; /* no I/O permission bitmap: every port denied in ring 3 */
    gdt[5] = make_descriptor((uint32_t)&tss, sizeof tss - 1, 0x89, 0x0); /* available 32-bit TSS */
    struct dtr d = { sizeof gdt - 1, (uint32_t)gdt };
    lgdt(&d);
    __asm__ volatile("ljmp %0, $1f\n1:\n"
                     "mov %1, %%ax\n"
                     "mov %%ax, %%ds\n mov %%ax, %%es\n mov %%ax, %%ss\n"
                     "mov %%ax, %%fs\n mov %%ax, %%gs\n"
                     : : "i"(KERNEL_CS), "i"(KERNEL_DS) : "eax", "memory");
    ltr(TSS_SEL);
}
