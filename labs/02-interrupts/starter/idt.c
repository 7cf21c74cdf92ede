/* idt.c - lab 2: the interrupt descriptor table. See lab2.h. */
#include <stdint.h>

#include "lab2.h"
#include "x86.h"

uint64_t idt[256];

void idt_init(void)
{
    /* TODO: for each vector 0-47, an interrupt gate (SDM vol. 3, 6.11:
     * type 0xE, present, DPL 0) to isr_stubs[v] through KERNEL_CS; then
     * load the table with lidt(). */
}
