/* gdt.c - lab 2: a flat GDT. See lab2.h for what gdt_init() must do. */
#include <stdint.h>

#include "lab2.h"
#include "x86.h"

/* The table: the null descriptor, ring-0 code, ring-0 data. */
uint64_t gdt[3];

void gdt_init(void)
{
    /* TODO: fill gdt[1] and gdt[2] (Intel SDM vol. 3, 3.4.5: base 0, limit
     * 0xFFFFF in 4 KiB granules, 32-bit; access 0x9A for code, 0x92 for
     * data), load it with lgdt(), then reload CS with a far jump and the
     * data segment registers with KERNEL_DS. */
}
