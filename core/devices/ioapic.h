/*
 * ioapic.h - the I/O APIC (82093AA) at 0xFEC00000 (see ioapic.c).
 */
#ifndef LAB86_IOAPIC_H
#define LAB86_IOAPIC_H

#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "devfield.h"
#include "irq.h"
#include "lapic.h"

#define IOAPIC_BASE  0xfec00000u /* its registers' physical base, as on a PC */
#define IOAPIC_SIZE  0x20u       /* IOREGSEL at 0x00, IOWIN at 0x10 */
#define IOAPIC_NPINS 24          /* redirection entries */
#define IOAPIC_ID    8           /* the ID the board gives it: above every CPU's */

struct ioapic;

/* An I/O APIC with ID id at base, sending its messages on ab (and taking
 * the bus's EOI broadcasts). Returns NULL when out of memory or the bus's
 * MMIO table is full. */
struct ioapic *ioapic_create(struct bus *b, uint64_t base, struct apic_bus *ab, uint8_t id);
void ioapic_destroy(struct ioapic *io);

/* Power-on state: every entry masked, edge, vector 0; pins keep their levels. */
void ioapic_reset(struct ioapic *io);

/* The input line of pin n (0-23), for a device or the board to drive. */
struct irq_line ioapic_irq(struct ioapic *io, int n);

/* Describe it as "ioapic" in out[0..max); returns 0 or 1. */
size_t ioapic_devinfo(struct ioapic *io, struct devinfo *out, size_t max);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void ioapic_snap(struct ioapic *io, const char *name, struct snap_region *out);

#endif
