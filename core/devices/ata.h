/*
 * ata.h - an ATA (IDE) channel with up to two drives: hard disks and ATAPI
 * CD-ROMs, programmed I/O only (see ata.c, ata_disk.c, atapi.c).
 */
#ifndef LAB86_ATA_H
#define LAB86_ATA_H

#include <stddef.h>
#include <stdint.h>

#include "blockdev.h"
#include "bus.h"
#include "devfield.h"
#include "irq.h"

/* The PC's two legacy channels: command block base, control block port
 * (alternate status / device control), ISA IRQ. */
#define ATA_PRIMARY_CMD   0x1f0
#define ATA_PRIMARY_CTL   0x3f6
#define ATA_PRIMARY_IRQ   14
#define ATA_SECONDARY_CMD 0x170
#define ATA_SECONDARY_CTL 0x376
#define ATA_SECONDARY_IRQ 15

#define ATA_MASTER 0 /* device 0 (DEV bit clear) */
#define ATA_SLAVE  1 /* device 1 (DEV bit set) */
#define ATA_UNITS  2 /* drives on a channel */

struct ata_channel;

/* Put a channel with no drives at ports cmd..cmd+7 and ctl; its INTRQ
 * drives irq. index names it in the field tables ("ata<index>.master") and
 * the drives' serial numbers. Until a drive is attached every register reads
 * 0xFF, as a floating bus does. Returns NULL when out of memory or when the
 * bus's port table is full. */
struct ata_channel *ata_create(struct bus *b, uint16_t cmd, uint16_t ctl, struct irq_line irq,
                               int index);
void ata_destroy(struct ata_channel *ch);

/* Attach a hard disk backed by bd (512-byte sectors; bd must outlive the
 * channel) as unit ATA_MASTER or ATA_SLAVE. Returns 0, or -1 for a bad unit
 * or a disk smaller than one sector. Attach before the guest runs. */
int ata_attach_disk(struct ata_channel *ch, int unit, const struct blockdev *bd);

/* Attach an ATAPI CD-ROM drive as unit; medium is the disc (2048-byte
 * sectors, read-only use), or NULL for an empty drive. Returns 0 or -1. */
int ata_attach_cdrom(struct ata_channel *ch, int unit, const struct blockdev *medium);

/* Host side: the user swaps the disc in a CD-ROM drive (NULL: ejected). The
 * guest's next medium command gets UNIT ATTENTION, as after a real swap. */
void ata_cdrom_change(struct ata_channel *ch, int unit, const struct blockdev *medium);

/* The hardware reset (RESET- on the cable): both drives to their power-on
 * state and signatures, INTRQ low. Settings made by the guest (multiple
 * mode, CHS translation) go back to their defaults. */
void ata_reset(struct ata_channel *ch);

/* Describe the two drives as "ata<index>.master" and "ata<index>.slave"
 * (an absent drive too: its kind field is 0) in out[0..max). Returns how
 * many entries were written (2 when max >= 2). */
size_t ata_devinfo(struct ata_channel *ch, struct devinfo *out, size_t max);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void ata_snap(struct ata_channel *ch, const char *name, struct snap_region *out);

#endif
