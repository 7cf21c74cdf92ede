/*
 * ata.c - an ATA/ATAPI channel ("IDE"): the cable with its master and slave
 * drives, as a PC's legacy ports see it (ATA/ATAPI-6, ANSI INCITS 361-2002).
 *
 * A channel is two blocks of registers. The command block (0x1F0-0x1F7 on
 * the primary channel, 0x170-0x177 on the secondary) is the "task file":
 *
 *   offset  read                      write
 *     0     data (16 bits)            data (16 bits)
 *     1     error                     features
 *     2     sector count / ATAPI interrupt reason
 *     3     LBA low   (CHS: sector number)
 *     4     LBA mid   (CHS: cylinder low;  ATAPI: byte count low)
 *     5     LBA high  (CHS: cylinder high; ATAPI: byte count high)
 *     6     device/head: DEV selects the drive, LBA the addressing mode
 *     7     status (clears INTRQ)     command
 *
 * and the control block is one port (0x3F6 / 0x376): alternate status on a
 * read (the same bits, without clearing INTRQ) and device control on a write
 * (nIEN, SRST, HOB). The port after it (0x3F7) belongs to the floppy
 * controller and is not claimed. The bit names are in ata_internal.h.
 *
 * Both drives see every register write, as both sit on the same cable; only
 * the drive the DEV bit selects answers reads and executes commands. The
 * LBA48 registers are two-deep: each write pushes the previous byte into
 * the "HOB" (high order byte) copy, which reads return while device control
 * HOB is set. Each drive has its own INTRQ flip-flop; the channel's line
 * follows the selected drive's, gated by its nIEN.
 *
 * Absent drives. With no drive on the channel at all, every register reads
 * 0xFF: nothing drives the bus, which floats high, and that is how the Bochs
 * BIOS, SeaBIOS and Linux decide the channel is empty. With only a master,
 * selecting the slave makes the master answer for it, as ATA/ATAPI-6 asks
 * of a device 0 with no device 1: status and alternate status read 00h, and
 * so do the other command block registers (the choice Bochs and QEMU make),
 * except the device register, which reads back what was written, so that
 * the firmware's 0x55/0xAA register test fails and the slave is reported
 * absent.
 *
 * Data transfer is PIO only. The data register moves 16 bits; a 32-bit
 * access moves two words, low word first (what the 32-bit PIO of PCI IDE
 * controllers does); an 8-bit access of the data register is not a transfer
 * (ATA-6 makes the register 16 bits wide): it reads 0xFF and is dropped.
 * A command's data moves in DRQ blocks through one buffer per drive; when a
 * block is done, the command set that owns the transfer (ata_disk.c or
 * atapi.c) decides what comes next; ata_pio.c moves the words and ends the
 * commands. The commands every drive takes (EXECUTE DEVICE DIAGNOSTIC, SET
 * FEATURES, the power commands) are here.
 *
 * Timing. lab86 does not model a drive's mechanics: a command completes
 * inside the OUT that issues it, and each DRQ block is ready as soon as the
 * previous one has been moved, with its interrupt raised then. BSY is
 * visible only while SRST is held. This is deterministic and within what the
 * standard allows (a device may be arbitrarily fast); firmware and drivers
 * that poll BSY simply find it clear.
 *
 * Not emulated: DMA (no bus master, and IDENTIFY advertises none), overlapped
 * and queued commands, the PDIAG-/DASP- handshake timing, power states
 * (accepted and reported as active), and the obsolete drive address register.
 */
#include "devices/ata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/ata_internal.h"
#include "snapshot.h"

#define ATA_FLOATING 0xff /* what an undriven bus reads */

/* SET FEATURES subcommands (features register) and transfer mode types. */
#define ATA_SF_XFER_MODE     0x03 /* set transfer mode from the count register */
#define ATA_SF_WCACHE_ON     0x02 /* enable write cache */
#define ATA_SF_WCACHE_OFF    0x82 /* disable write cache */
#define ATA_SF_LOOKAHEAD_OFF 0x55 /* disable read look-ahead */
#define ATA_SF_LOOKAHEAD_ON  0xaa /* enable read look-ahead */
#define ATA_SF_REVERT_OFF    0x66 /* keep settings over a software reset */
#define ATA_SF_REVERT_ON     0xcc /* revert to power-on defaults on reset */
#define ATA_MODE_PIO_DEFAULT 0x00 /* count 00000 000: PIO default mode */
#define ATA_MODE_PIO_NOIORDY 0x01 /* count 00000 001: PIO default, IORDY off */
#define ATA_MODE_PIO_FLOW    0x08 /* count 00001 nnn: PIO flow control mode nnn */
#define ATA_MODE_PIO_MAX     4    /* highest PIO mode (IDENTIFY word 64) */
#define ATA_POWER_ACTIVE     0xff /* CHECK POWER MODE: active or idle */

struct ata_channel {
    struct ata_drive drive[ATA_UNITS]; /* master and slave (kind NONE: absent) */
    struct irq_line irq;               /* INTRQ: IRQ 14 or 15 */
    bool irq_level;                    /* level last driven on it */
    char name[ATA_UNITS][16];          /* "ata0.master", "ata0.slave" */
};

/* --- selection and the interrupt line --- */

static bool present(const struct ata_drive *d)
{
    return d->kind != ATA_KIND_NONE;
}

static bool any_present(const struct ata_channel *ch)
{
    return present(&ch->drive[0]) || present(&ch->drive[1]);
}

/* Both drives latch the device register, so either copy says who is
 * selected. */
static struct ata_drive *selected(struct ata_channel *ch)
{
    return &ch->drive[(ch->drive[0].device & ATA_DEV_DEV) ? ATA_SLAVE : ATA_MASTER];
}

/* Drive the line after any change of selection, nIEN or a pending flag. */
static void update_irq(struct ata_channel *ch)
{
    const struct ata_drive *d = selected(ch);
    bool level = present(d) && d->irq_pending && !d->nien;
    if (level == ch->irq_level)
        return;
    ch->irq_level = level;
    irq_set(&ch->irq, level);
}

void ata_raise_irq(struct ata_drive *d)
{
    d->irq_pending = true;
    update_irq(d->ch);
}

/* What a drive shows after a reset or a diagnostic: its signature, the
 * "passed" diagnostic code, and a status that is DRDY for a disk and 00h for
 * a packet device (ATA-6 leaves a packet device's DRDY clear after a reset). */
static void post_reset(struct ata_drive *d)
{
    ata_set_signature(d);
    d->device = 0; /* device 0 selected */
    d->error = ATA_DIAG_PASSED;
    d->xfer = ATA_XFER_NONE;
    d->drq_left = 0;
    d->status = d->kind == ATA_KIND_DISK ? ATA_SR_DRDY | ATA_SR_DSC : 0;
}

/* --- the commands every drive takes --- */

static void set_features(struct ata_drive *d)
{
    uint8_t mode = d->count;
    switch (d->feature) {
    case ATA_SF_XFER_MODE:
        if (mode == ATA_MODE_PIO_DEFAULT || mode == ATA_MODE_PIO_NOIORDY ||
            (mode >= ATA_MODE_PIO_FLOW && mode <= (ATA_MODE_PIO_FLOW | ATA_MODE_PIO_MAX)))
            ata_done(d, true);
        else
            ata_fail(d, ATA_ER_ABRT); /* a DMA mode: none is emulated */
        break;
    case ATA_SF_WCACHE_ON:
    case ATA_SF_WCACHE_OFF:
    case ATA_SF_LOOKAHEAD_OFF:
    case ATA_SF_LOOKAHEAD_ON:
    case ATA_SF_REVERT_OFF:
    case ATA_SF_REVERT_ON: ata_done(d, true); break; /* no cache to configure */
    default: ata_fail(d, ATA_ER_ABRT); break;
    }
}

/* EXECUTE DEVICE DIAGNOSTIC runs on both drives whichever is selected
 * (ATA-6, EXECUTE DEVICE DIAGNOSTIC); each ends with its signature and
 * "passed", and interrupts. */
static void exec_diagnostic(struct ata_channel *ch)
{
    for (int u = 0; u < ATA_UNITS; u++) {
        struct ata_drive *d = &ch->drive[u];
        if (present(d)) {
            post_reset(d);
            d->irq_pending = true;
        }
    }
    update_irq(ch);
}

/* Commands both kinds of drive take; false: not one of them. */
static bool common_command(struct ata_drive *d, uint8_t cmd)
{
    switch (cmd) {
    case ATA_CMD_SET_FEATURES: set_features(d); return true;
    case ATA_CMD_CHECK_POWER_MODE:
        d->count = ATA_POWER_ACTIVE;
        ata_done(d, true);
        return true;
    case ATA_CMD_STANDBY_IMMEDIATE:
    case ATA_CMD_IDLE_IMMEDIATE:
    case ATA_CMD_STANDBY:
    case ATA_CMD_IDLE: ata_done(d, true); return true; /* the drive stays active */
    default: return false;
    }
}

static void write_command(struct ata_channel *ch, uint8_t cmd)
{
    if (cmd == ATA_CMD_EXEC_DIAGNOSTIC) {
        if (!ch->drive[0].srst)
            exec_diagnostic(ch);
        return;
    }
    struct ata_drive *d = selected(ch);
    if (!present(d) || d->srst)
        return; /* nobody to take it: the write is lost, as on the cable */
    /* Writing the command register clears INTRQ and ends any data phase
     * (ATA-6 forbids it during one; the new command wins, as in QEMU). */
    d->irq_pending = false;
    update_irq(ch);
    d->command = cmd;
    d->error = 0;
    d->xfer = ATA_XFER_NONE;
    d->drq_left = 0;
    if (common_command(d, cmd))
        return;
    if (d->kind == ATA_KIND_DISK)
        ata_disk_command(d, cmd);
    else
        atapi_command(d, cmd);
}

/* --- the data register: the selected drive's buffer (ata_pio.c) --- */

/* One word from the selected drive, or all ones when none is there. */
static uint16_t data_read16(struct ata_channel *ch)
{
    struct ata_drive *d = selected(ch);
    return present(d) ? ata_pio_read16(d) : 0xffff;
}

static void data_write16(struct ata_channel *ch, uint16_t v)
{
    struct ata_drive *d = selected(ch);
    if (present(d))
        ata_pio_write16(d, v);
}

/* --- the other registers --- */

static uint8_t read_status(struct ata_drive *d)
{
    return d->srst ? ATA_SR_BSY : d->status;
}

static uint8_t read_reg(struct ata_channel *ch, uint32_t offset)
{
    struct ata_drive *d = selected(ch);
    if (!present(d))
        return offset == ATA_REG_DEVICE ? d->device : 0; /* the master answers 00h */
    switch (offset) {
    case ATA_REG_ERROR: return d->error;
    case ATA_REG_COUNT: return d->hob ? d->hob_count : d->count;
    case ATA_REG_LBA_LOW: return d->hob ? d->hob_lba_low : d->lba_low;
    case ATA_REG_LBA_MID: return d->hob ? d->hob_lba_mid : d->lba_mid;
    case ATA_REG_LBA_HIGH: return d->hob ? d->hob_lba_high : d->lba_high;
    case ATA_REG_DEVICE: return d->device;
    case ATA_REG_STATUS:
        d->irq_pending = false; /* reading status acknowledges the interrupt */
        update_irq(ch);
        return read_status(d);
    default: return ATA_FLOATING; /* offset 0 as a byte: not a data transfer */
    }
}

/* A register byte into its two-deep FIFO: the old value becomes the HOB. */
static void push(uint8_t *reg, uint8_t *hob, uint8_t v)
{
    *hob = *reg;
    *reg = v;
}

/* Task file writes reach both drives; any of them clears HOB (ATA-6,
 * device control register). */
static void latch(struct ata_drive *d, uint32_t offset, uint8_t v)
{
    d->hob = false;
    switch (offset) {
    case ATA_REG_FEATURE: push(&d->feature, &d->hob_feature, v); break;
    case ATA_REG_COUNT: push(&d->count, &d->hob_count, v); break;
    case ATA_REG_LBA_LOW: push(&d->lba_low, &d->hob_lba_low, v); break;
    case ATA_REG_LBA_MID: push(&d->lba_mid, &d->hob_lba_mid, v); break;
    case ATA_REG_LBA_HIGH: push(&d->lba_high, &d->hob_lba_high, v); break;
    case ATA_REG_DEVICE: d->device = v; break;
    default: break;
    }
}

static void write_reg(struct ata_channel *ch, uint32_t offset, uint8_t v)
{
    if (offset == ATA_REG_COMMAND) {
        write_command(ch, v);
        return;
    }
    for (int u = 0; u < ATA_UNITS; u++)
        latch(&ch->drive[u], offset, v);
    if (offset == ATA_REG_DEVICE)
        update_irq(ch); /* the other drive's INTRQ may now reach the line */
}

/* Device control goes to both drives. SRST resets them on its falling edge
 * (ATA-6 software reset protocol: the reset runs while SRST is held; it
 * ends with the signatures and no interrupt). */
static void write_devctl(struct ata_channel *ch, uint8_t v)
{
    bool srst = (v & ATA_DC_SRST) != 0;
    for (int u = 0; u < ATA_UNITS; u++) {
        struct ata_drive *d = &ch->drive[u];
        bool was = d->srst;
        d->nien = (v & ATA_DC_NIEN) != 0;
        d->hob = (v & ATA_DC_HOB) != 0;
        d->srst = srst;
        if (srst) {
            d->irq_pending = false;
            d->xfer = ATA_XFER_NONE;
            d->drq_left = 0;
        } else if (was && present(d)) {
            post_reset(d);
        }
    }
    update_irq(ch);
}

/* --- the bus contract --- */

/* Offset 0 with a word or dword is the data register; any other access is
 * a run of byte registers, lowest first. */
static uint32_t ata_cmd_read(void *opaque, uint32_t offset, int size)
{
    struct ata_channel *ch = opaque;
    if (!any_present(ch))
        return 0xffffffffu;
    if (offset == ATA_REG_DATA && size > 1) {
        uint32_t lo = data_read16(ch);
        return size == 4 ? lo | (uint32_t)data_read16(ch) << 16 : lo;
    }
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (uint32_t)read_reg(ch, offset + (uint32_t)k) << (8 * k);
    return v;
}

static void ata_cmd_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct ata_channel *ch = opaque;
    if (offset == ATA_REG_DATA) {
        if (size > 1)
            data_write16(ch, (uint16_t)value);
        if (size == 4)
            data_write16(ch, (uint16_t)(value >> 16));
        return; /* a byte: not a transfer, dropped */
    }
    for (int k = 0; k < size; k++)
        write_reg(ch, offset + (uint32_t)k, (uint8_t)(value >> (8 * k)));
}

/* Alternate status: the selected drive's status, without side effects. */
static uint32_t ata_ctl_read(void *opaque, uint32_t offset, int size)
{
    struct ata_channel *ch = opaque;
    struct ata_drive *d = selected(ch);
    (void)offset;
    (void)size;
    if (!any_present(ch))
        return ATA_FLOATING;
    return present(d) ? read_status(d) : 0;
}

static void ata_ctl_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    (void)offset;
    (void)size;
    write_devctl(opaque, (uint8_t)value);
}

/* --- the field tables --- */

#define F(member, type, doc) DEVFIELD(struct ata_drive, member, type, doc)
static const struct devfield ata_fields[] = {
    F(kind, DF_U8, "0 absent, 1 ATA disk, 2 ATAPI CD-ROM"),
    F(status, DF_U8, "status: BSY DRDY DF DSC DRQ CORR IDX ERR"),
    F(error, DF_U8, "error: ABRT 0x04, IDNF 0x10, UNC 0x40; ATAPI sense key in 7:4"),
    F(feature, DF_U8, "features"),
    F(count, DF_U8, "sector count / ATAPI interrupt reason (CoD 0x01, IO 0x02)"),
    F(lba_low, DF_U8, "LBA low / sector number"),
    F(lba_mid, DF_U8, "LBA mid / cylinder low / ATAPI byte count low"),
    F(lba_high, DF_U8, "LBA high / cylinder high / ATAPI byte count high"),
    F(hob_feature, DF_U8, "features, previous write (LBA48)"),
    F(hob_count, DF_U8, "sector count 15:8 (LBA48)"),
    F(hob_lba_low, DF_U8, "LBA 31:24 (LBA48)"),
    F(hob_lba_mid, DF_U8, "LBA 39:32 (LBA48)"),
    F(hob_lba_high, DF_U8, "LBA 47:40 (LBA48)"),
    F(device, DF_U8, "device/head: DEV 0x10, LBA 0x40, head / LBA 27:24"),
    F(command, DF_U8, "last command accepted"),
    F(nien, DF_BOOL, "device control nIEN: interrupts disabled"),
    F(srst, DF_BOOL, "device control SRST: held in reset"),
    F(hob, DF_BOOL, "device control HOB: reads show the previous bytes"),
    F(irq_pending, DF_BOOL, "INTRQ asserted by this drive"),
    F(xfer, DF_U8, "data phase: 0 none, 1 identify, 2 read, 3 write, 4 packet, 5 reply"),
    F(drq_left, DF_U32, "bytes left in the current DRQ block"),
    F(buf_pos, DF_U32, "next buffer byte the data register moves"),
    F(buf_len, DF_U32, "ATAPI reply bytes in the buffer"),
    F(xfer_lba, DF_U64, "next sector of the command"),
    F(xfer_left, DF_U32, "sectors of the command still to move"),
    F(xfer_block, DF_U16, "sectors per DRQ block"),
    F(xfer_addr, DF_U8, "addressing of the command: 0 CHS, 1 LBA28, 2 LBA48"),
    F(sectors, DF_U64, "capacity in sectors"),
    F(cur_cyls, DF_U16, "CHS translation: cylinders"),
    F(cur_heads, DF_U16, "CHS translation: heads"),
    F(cur_spt, DF_U16, "CHS translation: sectors per track"),
    F(multiple, DF_U8, "READ/WRITE MULTIPLE block size (0: off)"),
    DEVFIELD_ARRAY(struct ata_drive, packet, DF_BYTES, ATAPI_PACKET_LEN, "ATAPI command packet"),
    F(byte_limit, DF_U16, "ATAPI byte count limit"),
    F(sense_key, DF_U8, "ATAPI sense key"),
    F(asc, DF_U8, "ATAPI additional sense code"),
    F(ascq, DF_U8, "ATAPI additional sense code qualifier"),
    F(unit_attention, DF_BOOL, "ATAPI: medium changed, not yet reported"),
    F(prevent, DF_BOOL, "ATAPI: medium removal prevented"),
    DEVFIELD_ARRAY(struct ata_drive, buf, DF_BYTES, ATA_BUF_SIZE, "PIO data buffer"),
};
#undef F

size_t ata_devinfo(struct ata_channel *ch, struct devinfo *out, size_t max)
{
    size_t n = 0;
    for (; n < ATA_UNITS && n < max; n++)
        out[n] = (struct devinfo){ch->name[n], ata_fields, sizeof ata_fields / sizeof ata_fields[0],
                                  &ch->drive[n]};
    return n;
}

/* --- lifecycle --- */

struct ata_channel *ata_create(struct bus *b, uint16_t cmd, uint16_t ctl, struct irq_line irq,
                               int index)
{
    struct ata_channel *ch = calloc(1, sizeof *ch);
    if (!ch)
        return NULL;
    ch->irq = irq;
    for (int u = 0; u < ATA_UNITS; u++) {
        ch->drive[u].ch = ch;
        ch->drive[u].unit = (uint8_t)u;
        ch->drive[u].channel = (uint8_t)index;
        snprintf(ch->name[u], sizeof ch->name[u], "ata%d.%s", index, u ? "slave" : "master");
    }
    if (bus_map_io(b, cmd, ATA_CMD_PORTS, ata_cmd_read, ata_cmd_write, ch) != 0 ||
        bus_map_io(b, ctl, ATA_CTL_PORTS, ata_ctl_read, ata_ctl_write, ch) != 0) {
        free(ch);
        return NULL;
    }
    return ch;
}

void ata_destroy(struct ata_channel *ch)
{
    free(ch);
}

/* Power-on state of one drive: registers cleared, then its own defaults. */
static void reset_drive(struct ata_drive *d)
{
    struct ata_channel *ch = d->ch;
    const struct blockdev *bd = d->bd;
    uint8_t kind = d->kind, unit = d->unit, channel = d->channel;
    memset(d, 0, sizeof *d);
    d->ch = ch;
    d->bd = bd;
    d->kind = kind;
    d->unit = unit;
    d->channel = channel;
    if (kind == ATA_KIND_DISK)
        ata_disk_init(d);
    else if (kind == ATA_KIND_CDROM)
        atapi_init(d);
    if (present(d))
        post_reset(d);
}

void ata_reset(struct ata_channel *ch)
{
    for (int u = 0; u < ATA_UNITS; u++)
        reset_drive(&ch->drive[u]);
    ch->irq_level = true; /* force the line low below, whatever it was */
    update_irq(ch);
}

static int attach(struct ata_channel *ch, int unit, enum ata_kind kind, const struct blockdev *bd)
{
    if (unit != ATA_MASTER && unit != ATA_SLAVE)
        return -1;
    struct ata_drive *d = &ch->drive[unit];
    d->kind = (uint8_t)kind;
    d->bd = bd;
    reset_drive(d);
    return 0;
}

int ata_attach_disk(struct ata_channel *ch, int unit, const struct blockdev *bd)
{
    if (!bd || blockdev_sectors(bd, ATA_SECTOR) == 0)
        return -1;
    return attach(ch, unit, ATA_KIND_DISK, bd);
}

int ata_attach_cdrom(struct ata_channel *ch, int unit, const struct blockdev *medium)
{
    return attach(ch, unit, ATA_KIND_CDROM, medium);
}

void ata_cdrom_change(struct ata_channel *ch, int unit, const struct blockdev *medium)
{
    if ((unit != ATA_MASTER && unit != ATA_SLAVE) || ch->drive[unit].kind != ATA_KIND_CDROM)
        return;
    struct ata_drive *d = &ch->drive[unit];
    d->bd = medium;
    d->sectors = medium ? blockdev_sectors(medium, ATAPI_SECTOR) : 0;
    d->unit_attention = true;
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep ata_keep[] = {
    SNAP_KEEP(struct ata_channel, drive[0].ch),
    SNAP_KEEP(struct ata_channel, drive[0].bd),
    SNAP_KEEP(struct ata_channel, drive[1].ch),
    SNAP_KEEP(struct ata_channel, drive[1].bd),
    SNAP_KEEP(struct ata_channel, irq),
};

void ata_snap(struct ata_channel *ch, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, ch, ata_keep);
}
