/*
 * piix3.h - the Intel 82371SB PIIX3 as PCI sees it: the PCI-to-ISA bridge
 * (function 0, with the PIRQ routing registers) and the IDE controller
 * (function 1) (see piix3.c).
 */
#ifndef LAB86_PIIX3_H
#define LAB86_PIIX3_H

#include <stddef.h>
#include <stdint.h>

#include "devfield.h"
#include "devices/pci.h"

#define PIIX3_DEV    1    /* where PCs and QEMU put it: 00:01.0 and 00:01.1 */
#define PIIX3_NPIRQ  4    /* PIRQA#-PIRQD# */
#define PIIX3_NO_IRQ (-1) /* a PIRQ routed nowhere */

/* The guest routed PIRQ pirq (0-3: PIRQA#-PIRQD#) to ISA IRQ isa_irq (3-7,
 * 9-12, 14 or 15), or disabled the route (PIIX3_NO_IRQ). The board connects
 * the PCI interrupt line to that input of the 8259 pair (whose ELCR the
 * firmware sets to level for it). Called only when the route changes. */
typedef void piix3_pirq_fn(void *opaque, int pirq, int isa_irq);

struct piix3;

/* Put the ISA bridge at dev.0 and the IDE function at dev.1 of pci (dev is
 * PIIX3_DEV on a PC). route (may be NULL) is called with opaque as the guest
 * or a reset changes a PIRQ route; all four start disabled, and nothing is
 * reported at creation. The IDE channels themselves are ata.c's, at their
 * legacy ports; this is only their configuration space. Returns NULL when
 * out of memory or when either function number is taken. */
struct piix3 *piix3_create(struct pci_bus *pci, int dev, piix3_pirq_fn *route, void *opaque);
void piix3_destroy(struct piix3 *x);

/* Describe the two functions as "piix3" (ISA bridge) and "piix3.ide" in
 * out[0..max). Returns how many entries were written (2 when max >= 2). */
size_t piix3_devinfo(struct piix3 *x, struct devinfo *out, size_t max);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void piix3_snap(struct piix3 *x, const char *name, struct snap_region *out);

#endif
