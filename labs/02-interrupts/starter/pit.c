/* pit.c - lab 2: the 8254 timer's channel 0. See lab2.h. */
#include <stdint.h>

#include "lab2.h"
#include "x86.h"

volatile uint32_t ticks;

void pit_init(uint32_t hz)
{
    /* TODO: the control word for channel 0, mode 2, low byte then high
     * byte, to port 0x43; then the divisor 1193182 / hz to port 0x40. */
    (void)hz;
}

void pit_tick(void)
{
    /* TODO */
}
