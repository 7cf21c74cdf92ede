/* kbd.c - lab 2: the keyboard. See lab2.h. */
#include <stdint.h>

#include "lab2.h"
#include "serial.h"
#include "x86.h"

void kbd_irq(void)
{
    /* TODO: read the scan code from port 0x60; for a key press (bit 7
     * clear) of a letter, a digit or space, print "key: X\n". The 8042
     * translates to scan code set 1: 0x1E is 'a', 0x10 'q', 0x02 '1', ... */
}
