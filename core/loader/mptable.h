/*
 * mptable.h - the Intel MultiProcessor Specification table that lab86
 * writes for a directly booted kernel on a board with APICs (mptable.c).
 */
#ifndef LAB86_MPTABLE_H
#define LAB86_MPTABLE_H

#include <stdint.h>

#include "bus.h"

/* Where the table goes: the last KiB of the 639 KiB of base memory that
 * both direct loaders report (the EBDA a BIOS keeps there). */
#define MPTABLE_BASE 0x9fc00u
#define MPTABLE_MAX  0x400u

/* Write the floating pointer and the configuration table at MPTABLE_BASE
 * for ncpus CPUs (APIC IDs 0..ncpus-1, the first the BSP), the ISA bus and
 * the I/O APIC with ID ioapic_id at ioapic_base, and point the BIOS data
 * area's EBDA segment (0x40E) at it. ncpus is 1..8. */
void mptable_write(struct bus *b, unsigned ncpus, uint8_t ioapic_id, uint32_t ioapic_base);

#endif
