/*
 * fdc.h - the floppy disk controller (an Intel 82077AA in PC/AT mode) with
 * up to two 3.5-inch drives, A: and B: (see fdc.c, fdc_xfer.c).
 */
#ifndef LAB86_FDC_H
#define LAB86_FDC_H

#include <stddef.h>
#include <stdint.h>

#include "blockdev.h"
#include "bus.h"
#include "clock.h"
#include "devfield.h"
#include "devices/dma.h"
#include "irq.h"

/* The AT's wiring: registers at 0x3F0-0x3F5 and 0x3F7 (0x3F6 is the ATA
 * channel's device control port), IRQ 6, DMA channel 2. */
#define FDC_PORT_BASE 0x3f0
#define FDC_NPORTS    6     /* 0x3F0-0x3F5 */
#define FDC_PORT_DIR  0x3f7 /* digital input (read) / configuration control (write) */
#define FDC_IRQ       6
#define FDC_DMA       DMA_CH_FLOPPY
#define FDC_DRIVES    2 /* drives this model connects: 0 (A:) and 1 (B:) */
#define FDC_SECTOR    512

/* Data rates (DSR/CCR bits 1-0). */
#define FDC_DRATE_500K 0 /* 500 Kb/s: 1.2 MB and 1.44 MB media */
#define FDC_DRATE_300K 1 /* 300 Kb/s: 360 KB media in a 1.2 MB drive */
#define FDC_DRATE_250K 2 /* 250 Kb/s: 360 KB and 720 KB media */
#define FDC_DRATE_1M   3 /* 1 Mb/s: 2.88 MB media */

/* A diskette format, recognised by the size of its image. */
struct fdc_geometry {
    uint8_t cylinders; /* tracks per side */
    uint8_t heads;     /* sides */
    uint8_t sectors;   /* 512-byte sectors per track */
    uint8_t rate;      /* FDC_DRATE_* a driver programs for it */
    uint8_t cmos_type; /* CMOS 0x10 drive type made for it: 1 360K, 2 1.2M, 3 720K, 4 1.44M,
                          5 2.88M */
};

/* The format of an image of bytes bytes: 360 KB, 720 KB, 1.2 MB, 1.44 MB or
 * 2.88 MB. Returns 0 and fills *out, or -1 for any other size (refusing it
 * is the front end's job: a one-line message naming the image). */
int fdc_geometry_for_size(uint64_t bytes, struct fdc_geometry *out);

struct fdc;

/* Put a controller with no drives at 0x3F0-0x3F5 and 0x3F7; INT drives
 * irq6, data moves through channel 2 of dma (NULL: no DMA, so only
 * non-DMA mode works), and the controller's delays are timers on clk. It
 * starts as after the RESET pin: held in reset until the guest sets DOR
 * bit 2. Returns NULL when out of memory or when the bus's port table or
 * the clock's timer table is full. */
struct fdc *fdc_create(struct bus *b, struct clock *clk, struct irq_line irq6, struct dma *dma);
void fdc_destroy(struct fdc *f);

/* Connect drive 0 or 1 if it is not yet, and put the diskette bd in it
 * (NULL: the drive is empty; bd must outlive its use). A read-only bd
 * (write == NULL) is a write-protected diskette. Any later call swaps the
 * diskette, as a user does, and sets the drive's disk change line. Returns
 * 0, or -1 for a bad drive number or an image size fdc_geometry_for_size()
 * does not know. */
int fdc_attach(struct fdc *f, int drive, const struct blockdev *bd);

/* The RESET pin: every register to its power-on value, the controller held
 * in reset (DOR = 0) and INT low. Drives keep their diskettes and heads. */
void fdc_reset(struct fdc *f);

/* Describe the controller as "fdc" and the drives as "fdc.drive0" and
 * "fdc.drive1" (connected or not) in out[0..max). Returns how many entries
 * were written (3 when max >= 3). */
size_t fdc_devinfo(struct fdc *f, struct devinfo *out, size_t max);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void fdc_snap(struct fdc *f, const char *name, struct snap_region *out);

#endif
