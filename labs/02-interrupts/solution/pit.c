/* pit.c - lab 2 solution: PIT channel 0 as the system tick. */
#include <stdint.h>

#include "lab2.h"
#include "x86.h"

#define PIT_HZ 1193182u

volatile uint32_t ticks;

void pit_init(uint32_t hz)
{
    uint32_t divisor = (PIT_HZ + hz / 2) / hz;
    outb(0x43, 0x34);             /* channel 0, lobyte/hibyte, mode 2, binary */
    outb(0x40, divisor & 0xFF);
    outb(0x40, divisor >> 8);
}

void pit_tick(void)
{
    ticks++;
}
