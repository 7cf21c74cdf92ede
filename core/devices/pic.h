/*
 * pic.h - the PC/AT's pair of Intel 8259A interrupt controllers (see pic.c).
 */
#ifndef LAB86_PIC_H
#define LAB86_PIC_H

#include <stddef.h>

#include "bus.h"
#include "devfield.h"
#include "irq.h"

/* Where the PC/AT puts the pair: the master at 0x20-0x21 (IRQ 0-7), the
 * slave at 0xA0-0xA1 (IRQ 8-15) with its INT output on the master's IR2,
 * and the PIIX edge/level control registers (ELCR1, ELCR2) at 0x4D0-0x4D1. */
#define PIC_MASTER_PORT 0x20
#define PIC_SLAVE_PORT  0xa0
#define PIC_ELCR_PORT   0x4d0
#define PIC_CASCADE_IRQ 2  /* the master input the slave's INT drives */
#define PIC_NIRQ        16 /* ISA IRQ 0-15 */

struct pic;

/* Put the pair at master_base..+1, slave_base..+1 and elcr_base..+1. The
 * master's INT output drives intr (the CPU's INTR pin). Both chips start
 * uninitialised, all inputs masked, waiting for ICW1. Returns NULL when out
 * of memory or when the bus's port table is full. */
struct pic *pic_create(struct bus *b, uint16_t master_base, uint16_t slave_base, uint16_t elcr_base,
                       struct irq_line intr);
void pic_destroy(struct pic *p);

/* Power-on state: both chips waiting for ICW1, IMR all ones, vector base 0,
 * ELCR all edge. The input lines keep the levels their devices drive. */
void pic_reset(struct pic *p);

/* The input line of ISA IRQ n (0-15), for a device to drive. IRQ 2 is the
 * ISA bus pin the AT rewired to IRQ 9 (the master's IR2 carries the slave);
 * an n out of range gives an unconnected line. */
struct irq_line pic_irq(struct pic *p, int n);

/* The INTA cycle: resolve the highest-priority unmasked request, mark it in
 * service (unless AEOI) and return its vector. With no request left it
 * returns the spurious vector, base + 7 of the master (IRQ 7) or, when the
 * master chose the cascade input and the slave has nothing, of the slave
 * (IRQ 15). The machine wires it as the CPU's intr_ack. */
int pic_ack(struct pic *p);

/* Describe the two chips as "pic.master" and "pic.slave" in out[0..max).
 * Returns how many entries were written (2 when max >= 2). */
size_t pic_devinfo(struct pic *p, struct devinfo *out, size_t max);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void pic_snap(struct pic *p, const char *name, struct snap_region *out);

#endif
