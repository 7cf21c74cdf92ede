/*
 * i440fx.h - the Intel 82441FX host bridge (the i440FX "PMC"), PCI function
 * 00:00.0: its identity, the PAM registers that shadow the BIOS areas, and
 * the SMRAM register (see i440fx.c).
 */
#ifndef LAB86_I440FX_H
#define LAB86_I440FX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devfield.h"
#include "devices/pci.h"

#define I440FX_DEV 0 /* the host bridge is device 0 of bus 0 */

/* The guest changed the PAM field of the segment [base, base + size) of
 * 0xC0000-0xFFFFF (a 16 KiB piece of 0xC0000-0xEFFFF, or the 64 KiB BIOS
 * area 0xF0000-0xFFFFF). read_ram: reads go to DRAM (else to the PCI/ISA
 * side: the BIOS ROM at 0xE0000-0xFFFFF, option ROMs or nothing below);
 * write_ram: writes go to DRAM (else to the PCI/ISA side, where a ROM drops
 * them).
 * The board switches that segment's mapping; the TLB holds host pointers to
 * RAM, so the board must flush it when a segment stops being readable RAM. */
typedef void i440fx_pam_fn(void *opaque, uint32_t base, uint32_t size, bool read_ram,
                           bool write_ram);

struct i440fx;

/* Put the host bridge at 00:00.0 of pci. pam (may be NULL: changes are
 * only stored) is called with opaque for every segment whose PAM field a
 * guest write or a reset changes; the bridge starts with every segment on
 * the PCI/ISA side, and reports nothing at creation. Returns NULL when out
 * of memory or when 00:00.0 is taken. */
struct i440fx *i440fx_create(struct pci_bus *pci, i440fx_pam_fn *pam, void *opaque);
void i440fx_destroy(struct i440fx *h);

/* Describe the bridge as "i440fx" in out[0..max). Returns how many entries
 * were written (1 when max >= 1). */
size_t i440fx_devinfo(struct i440fx *h, struct devinfo *out, size_t max);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void i440fx_snap(struct i440fx *h, const char *name, struct snap_region *out);

#endif
