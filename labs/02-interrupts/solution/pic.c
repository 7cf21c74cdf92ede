/* pic.c - lab 2 solution: the 8259A pair remapped to vectors 32-47. */
#include "lab2.h"
#include "x86.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
#define PIC_EOI 0x20

void pic_init(void)
{
    outb(PIC1_CMD, 0x11);         /* ICW1: edge triggered, cascade, ICW4 follows */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, IRQ_BASE);     /* ICW2: vector base */
    outb(PIC2_DATA, IRQ_BASE + 8);
    outb(PIC1_DATA, 1 << 2);       /* ICW3: a slave on IRQ 2 */
    outb(PIC2_DATA, 2);            /*        the slave's cascade identity */
    outb(PIC1_DATA, 0x01);         /* ICW4: 8086 mode, normal EOI */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, (uint8_t)~0x07); /* OCW1: only IRQ 0, 1 and 2 */
    outb(PIC2_DATA, 0xFF);
}

void pic_eoi(int irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
}
