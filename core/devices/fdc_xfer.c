/*
 * fdc_xfer.c - the floppy controller's data commands in their execution
 * phase: READ DATA, WRITE DATA, FORMAT TRACK and READ ID (see fdc.c for
 * the chip, its registers and its phases).
 *
 * Finding a sector. The controller looks for an ID field on the track under
 * the head that matches the command's C, H, R and N. A diskette image holds
 * the standard layout only: on cylinder c, head h, sectors 1 to the
 * format's sectors per track, 512 bytes each, with IDs (c, h, r, 2). So:
 *   - no diskette, or a cylinder or head the format does not have: no ID at
 *     all, ST1 MA (missing address mark);
 *   - C not the head's cylinder (only FORMAT can ask: READ and WRITE seek
 *     to their C first), H not the head selected, N not 2, R 0 or past the
 *     last sector: ST1 ND (no data).
 * A sector found is sector ((c * heads + h) * sectors + r - 1) of the image.
 *
 * Multi-sector commands. READ DATA and WRITE DATA move sectors R, R + 1, ...
 * up to EOT; with MT (multi-track) on head 0 they go on with sector 1 of
 * head 1 up to EOT again. The command ends normally when DMA signals
 * terminal count (TC: the count the driver programmed ran out), or
 * abnormally with ST1 EN (end of cylinder) when it ran past EOT first. In
 * non-DMA mode there is no TC, so a transfer always ends with EN; drivers
 * expect that. The result's C, H, R, N name the sector after the last one
 * moved, as in the data sheet's table "C, H, R, N after command
 * termination": R + 1; past EOT, R = 1 and, with MT, H complemented, the
 * cylinder advancing after head 1 (without MT, after the one track).
 *
 * DMA. At the end of the execution phase the sectors move one at a time:
 * read from the image, then dma_transfer() on channel 2 (or the other way
 * for a write). If the channel is masked, or DOR's DMA gate is shut, no
 * DACK answers the request and the FIFO overruns: ST1 OR. A TC inside a
 * sector ends the command after that sector; a write fills the rest of the
 * sector with zeros, as the chip does.
 *
 * Non-DMA mode (SPECIFY ND = 1). The execution phase opens the FIFO with
 * MSR = RQM | NDMA | CB (| DIO for a read) and raises INT; the host moves
 * the bytes through port 0x3F5, a sector (or a FORMAT ID) at a time, with
 * no pause between sectors. When the last byte has moved INT drops, and the
 * result phase raises it again: a new edge on IRQ 6. The FIFO waits for the
 * host as long as it takes, so non-DMA mode never overruns (the chip would
 * end with OR after a byte time).
 *
 * FORMAT TRACK takes 4 bytes (C, H, R, N) per sector, SC sectors, from DMA
 * or the FIFO, and fills each sector with the filler byte D. The image
 * keeps only the standard layout, so an ID it cannot hold (another C or H,
 * an N other than 2, an R beyond the format) is dropped, and the old data
 * of that sector stays. READ ID answers with the sector the head meets next:
 * the one after the last sector moved on that drive (1 after insertion).
 *
 * A write, or a FORMAT, on a write-protected diskette, or on an empty 3.5-
 * inch drive (whose sensor then reads "protected"), fails at once with ST1
 * NW. A host I/O error reads as a data (CRC) error: ST1 DE (and ST2 DD on a
 * read).
 */
#include <string.h>

#include "devices/fdc_internal.h"

#define FDC_EXEC_NS   100000 /* a data command's last byte -> its data or result */
#define FDC_SIZE_CODE 2      /* N of a 512-byte sector */
#define FDC_ID_LEN    4      /* FORMAT's bytes per sector: C, H, R, N */

/* The execution phase is over: the seven result bytes and INT. */
static void finish(struct fdc *f, uint8_t ic, uint8_t st1, uint8_t st2)
{
    struct fdc_xfer *x = &f->x;
    uint8_t st0 = (uint8_t)(ic | (x->se ? FDC_ST0_SE : 0) | x->head << 2 | x->unit);
    uint8_t res[7] = {st0, st1, st2, x->c, x->h, x->r, x->n};
    x->ready = false;
    fdc_result(f, res, 7, true);
}

/* Find the sector x names under the head: 0 and its LBA, or the ST1 bits
 * of the failure. */
static uint8_t locate(struct fdc *f, uint64_t *lba)
{
    struct fdc_xfer *x = &f->x;
    struct fdc_drive *d = fdc_drive_of(f, x->unit);
    uint8_t cyl = f->pcn[x->unit];
    if (!d || !d->inserted || cyl >= d->cylinders || x->head >= d->heads)
        return FDC_ST1_MA;
    if (x->c != cyl || x->h != x->head || x->n != FDC_SIZE_CODE || x->r == 0 || x->r > d->sectors)
        return FDC_ST1_ND;
    *lba = ((uint64_t)cyl * d->heads + x->head) * d->sectors + x->r - 1u;
    return 0;
}

/* Step x past the sector just moved (the table in the file comment).
 * Returns true when the command ran off its cylinder (its track without
 * MT): there is nothing more to move. */
static bool next_sector(struct fdc *f)
{
    struct fdc_xfer *x = &f->x;
    struct fdc_drive *d = fdc_drive_of(f, x->unit);
    if (d && d->sectors)
        d->next_sector = (uint8_t)(x->r % d->sectors + 1);
    if (x->r != x->eot) {
        x->r++;
        return false;
    }
    x->r = 1;
    if (x->mt)
        x->h ^= 1;
    if (x->mt && x->head == 0) {
        x->head = 1;
        return false;
    }
    x->c++;
    return true;
}

/* One sector between buf and the image: 0, or the ST1 bits of a failure. */
static uint8_t disk_io(struct fdc *f, uint64_t lba, bool write, uint8_t *st2)
{
    const struct blockdev *bd = f->drive[f->x.unit].bd;
    int rc = write ? blockdev_write(bd, lba, 1, FDC_SECTOR, f->buf)
                   : blockdev_read(bd, lba, 1, FDC_SECTOR, f->buf);
    if (rc == BLOCKDEV_OK)
        return 0;
    if (rc == BLOCKDEV_EROFS)
        return FDC_ST1_NW;
    if (!write)
        *st2 = FDC_ST2_DD;
    return FDC_ST1_DE;
}

/* FORMAT: one sector's ID has come (id may point into buf). Fill the
 * sector it names, if the image can hold it. Returns 0 or ST1 bits. */
static uint8_t format_sector(struct fdc *f, const uint8_t *id, uint8_t *st2)
{
    struct fdc_xfer *x = &f->x;
    uint64_t lba;
    x->c = id[0];
    x->h = id[1];
    x->r = id[2];
    x->n = id[3];
    if (locate(f, &lba) != 0)
        return 0; /* an ID the image cannot hold: dropped */
    memset(f->buf, x->fill, FDC_SECTOR);
    return disk_io(f, lba, true, st2);
}

/* --- DMA --- */

/* Move len bytes of buf on channel 2 (to_memory: a read from the disk).
 * Returns how many moved; *tc: terminal count came. Without the DOR gate
 * or a ready channel nothing moves. */
static int dma_move(struct fdc *f, int len, bool to_memory, bool *tc)
{
    *tc = false;
    if (!f->dma || !(f->dor & FDC_DOR_DMAGATE) || !dma_channel_ready(f->dma, FDC_DMA))
        return 0;
    int n = dma_transfer(f->dma, FDC_DMA, f->buf, len, to_memory);
    *tc = dma_terminal_count(f->dma, FDC_DMA);
    return n;
}

/* READ or WRITE DATA: the sector x names, by DMA. Returns 0 or ST1 bits. */
static uint8_t dma_sector(struct fdc *f, bool *tc, uint8_t *st2)
{
    bool reading = f->x.op == FDC_CMD_READ_DATA;
    uint64_t lba = 0;
    uint8_t st1 = locate(f, &lba);
    if (!st1 && reading)
        st1 = disk_io(f, lba, false, st2);
    if (st1)
        return st1;
    if (!reading)
        memset(f->buf, 0, FDC_SECTOR); /* a TC inside the sector: the rest is zeros */
    if (dma_move(f, FDC_SECTOR, reading, tc) < FDC_SECTOR && !*tc)
        return FDC_ST1_OR;
    return reading ? 0 : disk_io(f, lba, true, st2);
}

static void dma_sectors(struct fdc *f)
{
    for (;;) {
        bool tc;
        uint8_t st2 = 0;
        uint8_t st1 = dma_sector(f, &tc, &st2);
        if (st1) {
            finish(f, FDC_ST0_IC_ABNORMAL, st1, st2);
            return;
        }
        bool end = next_sector(f);
        if (tc) {
            finish(f, FDC_ST0_IC_NORMAL, 0, 0);
            return;
        }
        if (end) {
            finish(f, FDC_ST0_IC_ABNORMAL, FDC_ST1_EN, 0);
            return;
        }
    }
}

static void dma_format(struct fdc *f)
{
    for (;;) {
        bool tc;
        uint8_t st2 = 0, st1 = 0;
        int n = dma_move(f, FDC_ID_LEN, false, &tc);
        if (n < FDC_ID_LEN && !tc)
            st1 = FDC_ST1_OR;
        else if (n == FDC_ID_LEN)
            st1 = format_sector(f, f->buf, &st2);
        if (st1) {
            finish(f, FDC_ST0_IC_ABNORMAL, st1, st2);
            return;
        }
        if (tc || --f->x.left == 0) {
            finish(f, FDC_ST0_IC_NORMAL, 0, 0);
            return;
        }
    }
}

/* --- non-DMA mode --- */

/* The data requests end; the result phase's INT is then a new edge. */
static void pio_end(struct fdc *f, uint8_t ic, uint8_t st1, uint8_t st2)
{
    fdc_set_int(f, false);
    finish(f, ic, st1, st2);
}

/* Open the FIFO for the next unit: a sector (fetched first for a read) or
 * a FORMAT ID. */
static void pio_open(struct fdc *f)
{
    struct fdc_xfer *x = &f->x;
    uint64_t lba = 0;
    uint8_t st2 = 0, st1 = 0;
    x->pos = 0;
    x->len = x->op == FDC_CMD_FORMAT_TRACK ? FDC_ID_LEN : FDC_SECTOR;
    if (x->op != FDC_CMD_FORMAT_TRACK)
        st1 = locate(f, &lba);
    if (!st1 && x->op == FDC_CMD_READ_DATA)
        st1 = disk_io(f, lba, false, &st2);
    if (st1) {
        pio_end(f, FDC_ST0_IC_ABNORMAL, st1, st2);
        return;
    }
    x->ready = true;
    fdc_set_int(f, true);
}

/* A sector went through the FIFO (st1: how it ended). */
static void pio_next(struct fdc *f, uint8_t st1, uint8_t st2)
{
    if (st1)
        pio_end(f, FDC_ST0_IC_ABNORMAL, st1, st2);
    else if (next_sector(f))
        pio_end(f, FDC_ST0_IC_ABNORMAL, FDC_ST1_EN, 0); /* no TC without DMA */
    else
        pio_open(f);
}

uint8_t fdc_xfer_pio_read(struct fdc *f)
{
    struct fdc_xfer *x = &f->x;
    if (!x->ready || x->op != FDC_CMD_READ_DATA)
        return 0xff; /* nothing to read: the bus floats */
    uint8_t v = f->buf[x->pos++];
    if (x->pos == x->len)
        pio_next(f, 0, 0);
    return v;
}

void fdc_xfer_pio_write(struct fdc *f, uint8_t v)
{
    struct fdc_xfer *x = &f->x;
    uint64_t lba;
    uint8_t st2 = 0, st1;
    if (!x->ready || x->op == FDC_CMD_READ_DATA)
        return;
    f->buf[x->pos++] = v;
    if (x->pos < x->len)
        return;
    x->pos = 0;
    if (x->op == FDC_CMD_FORMAT_TRACK) {
        st1 = format_sector(f, f->buf, &st2);
        if (st1 || --x->left == 0)
            pio_end(f, st1 ? FDC_ST0_IC_ABNORMAL : FDC_ST0_IC_NORMAL, st1, st2);
        return;
    }
    st1 = locate(f, &lba);
    if (!st1)
        st1 = disk_io(f, lba, true, &st2);
    pio_next(f, st1, st2);
}

/* --- the execution phase --- */

void fdc_xfer_start(struct fdc *f)
{
    const uint8_t *cmd = f->cmd;
    struct fdc_xfer *x = &f->x;
    *x = (struct fdc_xfer){.op = cmd[0] & FDC_CMD_OPCODE,
                           .unit = cmd[1] & FDC_CMD_DS,
                           .head = (cmd[1] & FDC_CMD_HDS) >> 2};
    if (x->op == FDC_CMD_READ_DATA || x->op == FDC_CMD_WRITE_DATA) {
        x->c = cmd[2];
        x->h = cmd[3];
        x->r = cmd[4];
        x->n = cmd[5];
        x->eot = f->eot = cmd[6];
        x->mt = (cmd[0] & FDC_CMD_MT) != 0;
    } else if (x->op == FDC_CMD_FORMAT_TRACK) {
        x->n = cmd[2];
        x->left = f->eot = cmd[3];
        x->fill = cmd[5];
    }
    x->pio = (f->hlt_nd & FDC_SPEC_ND) && x->op != FDC_CMD_READ_ID;
    f->phase = FDC_PHASE_EXEC;
    f->exec_due = clock_now(f->clock) + clock_ns_to_cycles(f->clock, FDC_EXEC_NS);
    clock_arm(f->clock, &f->exec_timer, f->exec_due);
}

static void read_id(struct fdc *f)
{
    struct fdc_xfer *x = &f->x;
    struct fdc_drive *d = fdc_drive_of(f, x->unit);
    uint8_t cyl = f->pcn[x->unit];
    if (!d || !d->inserted || cyl >= d->cylinders || x->head >= d->heads) {
        finish(f, FDC_ST0_IC_ABNORMAL, FDC_ST1_MA, 0);
        return;
    }
    x->c = cyl;
    x->h = x->head;
    x->r = d->next_sector;
    x->n = FDC_SIZE_CODE;
    d->next_sector = (uint8_t)(d->next_sector % d->sectors + 1);
    finish(f, FDC_ST0_IC_NORMAL, 0, 0);
}

void fdc_xfer_run(struct fdc *f)
{
    struct fdc_xfer *x = &f->x;
    struct fdc_drive *d = fdc_drive_of(f, x->unit);
    if (x->op == FDC_CMD_READ_ID) {
        read_id(f);
        return;
    }
    if (x->op != FDC_CMD_FORMAT_TRACK && f->pcn[x->unit] != x->c) {
        fdc_move_head(f, x->unit, x->c); /* implied seek (see fdc.c) */
        x->se = true;
    }
    if (x->op != FDC_CMD_READ_DATA && d && (!d->inserted || d->read_only))
        finish(f, FDC_ST0_IC_ABNORMAL, FDC_ST1_NW, 0);
    else if (x->op == FDC_CMD_FORMAT_TRACK && !d)
        finish(f, FDC_ST0_IC_ABNORMAL, FDC_ST1_MA, 0);
    else if (x->op == FDC_CMD_FORMAT_TRACK && x->left == 0)
        finish(f, FDC_ST0_IC_NORMAL, 0, 0);
    else if (x->pio)
        pio_open(f);
    else if (x->op == FDC_CMD_FORMAT_TRACK)
        dma_format(f);
    else
        dma_sectors(f);
}
