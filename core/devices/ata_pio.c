/*
 * ata_pio.c - PIO data transfer on an ATA drive: the DRQ window through
 * the drive's buffer that a command opens (ata_pio_in() for data to the
 * host, ata_pio_out() for data from it), the data register's words moving
 * through it, and the ends of a command (ata_done(), ata_fail()), with the
 * status bits and the interrupt each sets. When a DRQ block has moved, the
 * command set that owns the transfer (ata_disk.c, atapi.c) says what comes
 * next. The channel, its registers and its timing are described at the
 * top of ata.c; ata_internal.h is what the files share.
 */
#include "devices/ata_internal.h"

/* --- command completion: the services ata_disk.c and atapi.c use --- */

uint8_t ata_ready_status(const struct ata_drive *d)
{
    return d->kind == ATA_KIND_DISK ? ATA_SR_DRDY | ATA_SR_DSC : ATA_SR_DRDY;
}

/* A DRQ block must lie inside the buffer; the command sets size their
 * blocks so, and this clamp only keeps a slip from becoming an overrun. */
static void set_window(struct ata_drive *d, enum ata_xfer x, uint32_t pos, uint32_t len)
{
    if (pos > ATA_BUF_SIZE)
        pos = ATA_BUF_SIZE;
    if (len > ATA_BUF_SIZE - pos)
        len = ATA_BUF_SIZE - pos;
    d->xfer = (uint8_t)x;
    d->buf_pos = pos;
    d->drq_left = len;
    d->status = ata_ready_status(d) | ATA_SR_DRQ;
}

void ata_pio_in(struct ata_drive *d, enum ata_xfer x, uint32_t pos, uint32_t len)
{
    set_window(d, x, pos, len);
    ata_raise_irq(d);
}

void ata_pio_out(struct ata_drive *d, enum ata_xfer x, uint32_t len, bool irq)
{
    set_window(d, x, 0, len);
    if (irq)
        ata_raise_irq(d);
}

void ata_done(struct ata_drive *d, bool irq)
{
    d->xfer = ATA_XFER_NONE;
    d->drq_left = 0;
    d->status = ata_ready_status(d);
    if (irq)
        ata_raise_irq(d);
}

void ata_fail(struct ata_drive *d, uint8_t err)
{
    d->xfer = ATA_XFER_NONE;
    d->drq_left = 0;
    d->error = err;
    d->status = ata_ready_status(d) | ATA_SR_ERR;
    ata_raise_irq(d);
}

void ata_set_signature(struct ata_drive *d)
{
    bool packet = d->kind == ATA_KIND_CDROM;
    d->count = ATA_SIG_COUNT;
    d->lba_low = ATA_SIG_LBA_LOW;
    d->lba_mid = packet ? ATAPI_SIG_LBA_MID : 0;
    d->lba_high = packet ? ATAPI_SIG_LBA_HIGH : 0;
}

/* --- the data register --- */

static bool data_in(const struct ata_drive *d)
{
    return d->drq_left > 0 && (d->xfer == ATA_XFER_IDENTIFY || d->xfer == ATA_XFER_DISK_READ ||
                               d->xfer == ATA_XFER_ATAPI_DATA);
}

static bool data_out(const struct ata_drive *d)
{
    return d->drq_left > 0 && (d->xfer == ATA_XFER_DISK_WRITE || d->xfer == ATA_XFER_PACKET);
}

/* The DRQ block is done: the owner of the transfer says what comes next. */
static void block_done(struct ata_drive *d)
{
    switch (d->xfer) {
    case ATA_XFER_DISK_READ:
    case ATA_XFER_DISK_WRITE: ata_disk_block_done(d); break;
    case ATA_XFER_PACKET:
    case ATA_XFER_ATAPI_DATA: atapi_block_done(d); break;
    default: ata_done(d, false); break; /* IDENTIFY: the one block was it */
    }
}

/* One word from the buffer. A reply of odd length (ATAPI) ends in a word
 * whose high byte is padding, 0. Outside a data-in phase: all ones. */
uint16_t ata_pio_read16(struct ata_drive *d)
{
    if (!data_in(d))
        return 0xffff;
    uint32_t n = d->drq_left > 1 ? 2 : 1;
    uint16_t v = d->buf[d->buf_pos];
    if (n == 2)
        v |= (uint16_t)(d->buf[d->buf_pos + 1] << 8);
    d->buf_pos += n;
    d->drq_left -= n;
    if (d->drq_left == 0)
        block_done(d);
    return v;
}

/* One word into the buffer; outside a data-out phase it is dropped. */
void ata_pio_write16(struct ata_drive *d, uint16_t v)
{
    if (!data_out(d))
        return;
    uint32_t n = d->drq_left > 1 ? 2 : 1;
    d->buf[d->buf_pos] = (uint8_t)v;
    if (n == 2)
        d->buf[d->buf_pos + 1] = (uint8_t)(v >> 8);
    d->buf_pos += n;
    d->drq_left -= n;
    if (d->drq_left == 0)
        block_done(d);
}
