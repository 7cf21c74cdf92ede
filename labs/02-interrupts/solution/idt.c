/* idt.c - lab 2 solution: 48 interrupt gates to isr.asm's stubs. */
#include <stdint.h>

#include "lab2.h"
#include "x86.h"

uint64_t idt[256];

/* An interrupt gate (SDM vol. 3, 6.11): offset 15:0, selector, type 0xE
 * (32-bit interrupt gate) with P and DPL in the access byte, offset 31:16. */
static uint64_t make_gate(uint32_t offset, uint16_t sel, uint8_t dpl)
{
    uint64_t g = offset & 0xFFFF;
    g |= (uint64_t)sel << 16;
    g |= (uint64_t)(0x8E | (dpl << 5)) << 40;
    g |= (uint64_t)(offset >> 16) << 48;
    return g;
}

void idt_init(void)
{
    for (int v = 0; v < 48; v++)
        idt[v] = make_gate(isr_stubs[v], KERNEL_CS, 0);
    struct dtr d = { sizeof idt - 1, (uint32_t)idt };
    lidt(&d);
}
