/*
 * pci_vga.h - the VGA's PCI face: the Bochs/QEMU standard VGA function
 * 1234:1111, with the linear framebuffer behind BAR0 and the VGA BIOS behind
 * the expansion ROM BAR (see pci_vga.c; the adapter itself is vga.h).
 */
#ifndef LAB86_PCI_VGA_H
#define LAB86_PCI_VGA_H

#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "devfield.h"
#include "devices/pci.h"

#define PCI_VGA_DEV 2 /* where QEMU's i440FX board puts it: 00:02.0 */

/* BAR0 now decodes the linear framebuffer at new_base, or nowhere
 * (PCI_UNMAPPED, which is BUS_NOWHERE); old_base is where it decoded until
 * now. The board moves the VGA's framebuffer range to match, in one line:
 * bus_move_mmio(bus, old_base, vga, new_base). Called only on a change. */
typedef void pci_vga_lfb_fn(void *opaque, uint64_t old_base, uint64_t new_base);

/* How the function is connected on the board's side. */
struct pci_vga_host {
    pci_vga_lfb_fn *lfb_moved; /* BAR0 moved (NULL: ignored) */
    void *opaque;              /* its argument (the machine) */
    uint64_t lfb_base;         /* where vga_create mapped the framebuffer */
};

struct pci_vga;

/* Put the function at dev.0 of pci (dev is PCI_VGA_DEV on a PC), with the
 * VGA BIOS image rom (rom_len bytes, at most 16 MiB; it must outlive the
 * device; NULL or 0 bytes: no expansion ROM, the ROM BAR reads 0) behind
 * its ROM BAR, mapped on b when the guest enables it. host is copied.
 * Creation is a reset: BAR0 starts unassigned, so the framebuffer is at
 * once reported moved from host->lfb_base to PCI_UNMAPPED. Returns NULL
 * when out of memory, when the ROM is too big, when dev.0 is taken or when
 * b's memory range table is full. */
struct pci_vga *pci_vga_create(struct pci_bus *pci, struct bus *b, int dev, const uint8_t *rom,
                               size_t rom_len, const struct pci_vga_host *host);
void pci_vga_destroy(struct pci_vga *v);

/* Describe the function as "pci_vga" in out[0..max). Returns how many
 * entries were written (1 when max >= 1). */
size_t pci_vga_devinfo(struct pci_vga *v, struct devinfo *out, size_t max);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void pci_vga_snap(struct pci_vga *v, const char *name, struct snap_region *out);

#endif
