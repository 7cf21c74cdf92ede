/*
 * fdc.c - the floppy disk controller: an Intel 82077AA as the PC/AT sees it
 * (82077AA CHMOS Single-Chip Floppy Disk Controller, Intel order number
 * 290166), with up to two 3.5-inch drives.
 *
 * A diskette is a stack of tracks: cylinders (80 on a 3.5-inch diskette)
 * times heads (2 sides), each track a ring of sectors (18 on a 1.44 MB
 * diskette). Every sector starts with an ID field written when the diskette
 * was formatted: C (cylinder), H (head), R (record: sector number, from 1)
 * and N (size code: 2 for 512 bytes). The controller never thinks in sector
 * numbers across the disk: a driver seeks the head to a cylinder, then asks
 * for "the sectors whose IDs run from C H R up to R = EOT", and the
 * controller waits for those IDs to pass under the head. The first PC used
 * the NEC uPD765; the 82077AA is its PS/2-era descendant (a FIFO, a data
 * separator and the drive interface on one chip, the same command set plus
 * a few commands), and every PC chipset since has copied it.
 *
 * Registers (offsets from 0x3F0; 0x3F6 is not ours but the ATA channel's):
 *
 *   port   read                          write
 *   0x3F0  SRA: drive interface signals  -
 *   0x3F1  SRB: motors, drive select     -
 *   0x3F2  DOR: digital output           DOR: drive select, nRESET, DMA/INT
 *                                              gate, motor enables
 *   0x3F3  TDR: tape drive               TDR
 *   0x3F4  MSR: main status              DSR: data rate, software reset
 *   0x3F5  FIFO: result / data bytes     FIFO: command / data bytes
 *   0x3F7  DIR: disk change (bit 7)      CCR: data rate
 *
 * The bits of each are in fdc_internal.h. The chip runs in AT mode, the one
 * a PC/AT-compatible board selects: DOR bit 3 gates the INT and DRQ
 * outputs. SRA and SRB exist only in the chip's PS/2 mode; here they answer
 * with the PS/2 layout of the same signals, so a student can watch them.
 *
 * A command has three phases, paced by the main status register. In the
 * command phase the host writes the command's bytes to the FIFO, each when
 * MSR shows RQM = 1 and DIO = 0. In the execution phase (data commands
 * only) CB is set and RQM clear while the drive works; the data moves
 * through DMA channel 2, or in non-DMA mode (SPECIFY's ND bit) through the
 * FIFO with MSR = RQM | NDMA | CB. In the result phase MSR shows RQM, DIO and
 * CB until the host has read every result byte. SEEK and RECALIBRATE have
 * no result phase: they end with INT, and SENSE INTERRUPT STATUS tells
 * which drive finished and where its head is.
 *
 * Commands: SPECIFY, SENSE DRIVE STATUS, RECALIBRATE, SEEK (relative seek
 * too), SENSE INTERRUPT STATUS, READ DATA and WRITE DATA (MT honoured, MFM
 * and SK ignored: every sector is MFM and none is deleted), READ ID, FORMAT
 * TRACK, VERSION (0x90, an 82077AA), CONFIGURE, LOCK, DUMPREG and
 * PERPENDICULAR MODE (accepted, stored, without effect). Anything else is
 * an invalid command: a one-byte result, ST0 = 0x80, and no interrupt.
 * That includes PART ID, which only the 82078 knows; the 0x80 is how Linux
 * tells a post-1991 82077AA. Not emulated, so also invalid: READ TRACK,
 * VERIFY, the SCAN commands, READ and WRITE DELETED DATA.
 *
 * Interrupts. INT rises at the end of a data command's execution phase
 * (cleared when the host reads the first result byte), when a SEEK or
 * RECALIBRATE ends, and after a reset; each of the last two leaves a status
 * per drive that SENSE INTERRUPT STATUS hands out, lowest drive first (the
 * command also clears INT). A reset leaves four, one per drive select, ST0 =
 * 0xC0 | drive ("ready changed" found by polling): a driver issues four
 * SENSE INTERRUPT STATUS commands after it. The Bochs BIOS issues one; its
 * next command still works, because a later status replaces its drive's
 * stale one and every event raises INT anew.
 *
 * Time. Nothing is mechanical here, but nothing is instantaneous either, so
 * that a driver sees the execution phase and waits for IRQ 6 as on a real
 * PC: a data command's execution phase lasts FDC_EXEC_NS whatever its
 * length, a seek FDC_SEEK_NS whatever its distance, and the reset interrupt
 * comes FDC_RESET_NS after the reset ends: a thousandth of a real drive's
 * times, all virtual and the same on every run. The data itself moves at
 * the end of the execution phase, in one go.
 *
 * Deliberate differences from the chip, each so that real guest code works:
 *   - Implied seek is always on (as if CONFIGURE's EIS were set): READ DATA
 *     and WRITE DATA move the head to the command's C, and ST0 shows SE when
 *     it moved. The Bochs BIOS and SeaBIOS read and write without seeking.
 *   - The data rate is stored but not compared with the diskette's: the
 *     Bochs BIOS programs 500 Kb/s for 720 KB diskettes too.
 *   - Motors need no spin-up and commands work with the motor off.
 *   - A reset does not lose the heads' positions (the chip forgets its PCN
 *     registers while the heads stay where they are).
 *   - The reset interrupt comes whatever CONFIGURE's POLL bit says (QEMU
 *     does the same; drivers wait for it).
 *   - The FIFO's depth and threshold are stored only: a transfer is never
 *     late, so the FIFO never matters.
 * Not emulated: drives 2 and 3 (their selects answer as empty cables), FM
 * recording and sector sizes other than 512 bytes (ND), tape drives, power
 * down, the PS/2 and Model 30 modes. *
 * This file is the register interface, reset and the result phase;
 * fdc_cmd.c the command phase, the commands that move no data and the
 * drives' seek events; fdc_xfer.c the data commands (fdc_internal.h).
 */
#include "devices/fdc.h"

#include <stdlib.h>
#include <string.h>

#include "devices/fdc_internal.h"
#include "snapshot.h"

#define FDC_RESET_NS 10000  /* reset released -> the polling interrupt */
#define FDC_FLOATING 0xff   /* what an undriven data bus reads */

/* --- the diskette formats --- */

static const struct {
    uint64_t bytes;          /* image size */
    struct fdc_geometry geo; /* its format */
} formats[] = {
    {368640, {40, 2, 9, FDC_DRATE_250K, 1}},   /* 360 KB, 5.25-inch double density */
    {737280, {80, 2, 9, FDC_DRATE_250K, 3}},   /* 720 KB, 3.5-inch double density */
    {1228800, {80, 2, 15, FDC_DRATE_500K, 2}}, /* 1.2 MB, 5.25-inch high density */
    {1474560, {80, 2, 18, FDC_DRATE_500K, 4}}, /* 1.44 MB, 3.5-inch high density */
    {2949120, {80, 2, 36, FDC_DRATE_1M, 5}},   /* 2.88 MB, 3.5-inch extra density */
};

int fdc_geometry_for_size(uint64_t bytes, struct fdc_geometry *out)
{
    for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++) {
        if (formats[k].bytes == bytes) {
            *out = formats[k].geo;
            return 0;
        }
    }
    return -1;
}

/* --- services to fdc_xfer.c --- */

struct fdc_drive *fdc_drive_of(struct fdc *f, int unit)
{
    if (unit < 0 || unit >= FDC_DRIVES || !f->drive[unit].connected)
        return NULL;
    return &f->drive[unit];
}

/* In AT mode DOR DMAGATE gates the INT pin: with it clear, INT stays
 * internal (SRA still shows it). */
static void update_irq(struct fdc *f)
{
    bool level = f->int_pending && (f->dor & FDC_DOR_DMAGATE);
    if (level == f->irq_level)
        return;
    f->irq_level = level;
    irq_set(&f->irq, level);
}

void fdc_set_int(struct fdc *f, bool pending)
{
    f->int_pending = pending;
    update_irq(f);
}

void fdc_result(struct fdc *f, const uint8_t *bytes, int n, bool with_int)
{
    memcpy(f->res, bytes, (size_t)n);
    f->res_len = (uint8_t)n;
    f->res_pos = 0;
    f->res_int = with_int;
    f->phase = FDC_PHASE_RESULT;
    if (with_int)
        fdc_set_int(f, true);
}

void fdc_move_head(struct fdc *f, int unit, uint8_t cyl)
{
    struct fdc_drive *d = fdc_drive_of(f, unit);
    if (d && d->inserted && cyl != f->pcn[unit])
        d->dskchg = false; /* the drive resets its change latch on a step pulse */
    f->pcn[unit] = cyl;
}

static void exec_timer(void *opaque, uint64_t now)
{
    struct fdc *f = opaque;
    (void)now;
    f->exec_due = CLOCK_NEVER;
    fdc_xfer_run(f);
}

/* --- reset --- */

/* DOR nRESET falls (or DSR SWRESET): the core stops whatever it was doing.
 * SPECIFY's values survive; CONFIGURE's only if LOCKed; perpendicular mode
 * loses GAP and WGATE. */
static void enter_reset(struct fdc *f)
{
    f->in_reset = true;
    clock_disarm(&f->exec_timer);
    f->exec_due = CLOCK_NEVER;
    for (int u = 0; u < FDC_UNITS; u++) {
        f->ev_kind[u] = FDC_EV_NONE;
        f->ev_due[u] = CLOCK_NEVER;
        f->sense_pending[u] = false;
    }
    fdc_arm_events(f);
    f->phase = FDC_PHASE_COMMAND;
    f->cmd_len = 0;
    f->res_len = f->res_pos = 0;
    f->res_int = false;
    f->x = (struct fdc_xfer){0};
    if (!f->lock) {
        f->config = FDC_CONF_DEFAULT;
        f->pretrk = 0;
    }
    f->perp &= FDC_PERP_D;
    fdc_set_int(f, false);
}

/* nRESET rises: the controller takes commands at once, and its polling
 * reports every drive select as "ready changed" a moment later. */
static void leave_reset(struct fdc *f)
{
    f->in_reset = false;
    for (int u = 0; u < FDC_UNITS; u++)
        fdc_schedule(f, u, FDC_EV_POLL, FDC_RESET_NS);
    fdc_arm_events(f);
}

/* --- the FIFO --- */

static void fifo_write(struct fdc *f, uint8_t v)
{
    if (f->phase == FDC_PHASE_EXEC) {
        if (f->x.pio)
            fdc_xfer_pio_write(f, v);
        return;
    }
    if (f->phase != FDC_PHASE_COMMAND)
        return; /* the result phase takes no bytes: dropped */
    fdc_command_byte(f, v);
}

static uint8_t fifo_read(struct fdc *f)
{
    if (f->phase == FDC_PHASE_EXEC)
        return f->x.pio ? fdc_xfer_pio_read(f) : FDC_FLOATING;
    if (f->phase != FDC_PHASE_RESULT)
        return FDC_FLOATING;
    uint8_t v = f->res[f->res_pos++];
    if (f->res_int) {
        f->res_int = false;
        fdc_set_int(f, false);
    }
    if (f->res_pos == f->res_len)
        f->phase = FDC_PHASE_COMMAND;
    return v;
}

/* --- the other registers --- */

static uint8_t read_msr(const struct fdc *f)
{
    if (f->in_reset)
        return 0;
    uint8_t v = 0;
    for (int u = 0; u < FDC_UNITS; u++)
        if (f->ev_kind[u] == FDC_EV_SEEK || f->ev_kind[u] == FDC_EV_RECAL)
            v |= FDC_MSR_DRVBUSY(u);
    switch (f->phase) {
    case FDC_PHASE_COMMAND: v |= FDC_MSR_RQM | (f->cmd_len ? FDC_MSR_CB : 0); break;
    case FDC_PHASE_EXEC:
        v |= FDC_MSR_CB;
        if (f->x.pio)
            v |= FDC_MSR_NDMA;
        if (f->x.pio && f->x.ready)
            v |= FDC_MSR_RQM | (f->x.op == FDC_CMD_READ_DATA ? FDC_MSR_DIO : 0);
        break;
    default: v |= FDC_MSR_RQM | FDC_MSR_DIO | FDC_MSR_CB; break;
    }
    return v;
}

/* SRA in the PS/2 layout: the selected drive's signals. */
static uint8_t read_sra(struct fdc *f)
{
    int u = f->dor & FDC_DOR_DSEL;
    struct fdc_drive *d = fdc_drive_of(f, u);
    uint8_t v = FDC_SRA_NINDX;
    if (f->int_pending)
        v |= FDC_SRA_INTPEND;
    if (!f->drive[1].connected)
        v |= FDC_SRA_NDRV2;
    if (!d || f->pcn[u] != 0)
        v |= FDC_SRA_NTRK0;
    if (f->x.head)
        v |= FDC_SRA_HDSEL;
    if (!d || (d->inserted && !d->read_only))
        v |= FDC_SRA_NWP;
    return v;
}

static uint8_t read_srb(const struct fdc *f)
{
    uint8_t v = FDC_SRB_ONES;
    if (f->dor & 1)
        v |= FDC_SRB_DR0;
    if (f->dor & FDC_DOR_MOTEN(0))
        v |= FDC_SRB_MOTEN0;
    if (f->dor & FDC_DOR_MOTEN(1))
        v |= FDC_SRB_MOTEN1;
    return v;
}

static uint8_t read_dir(struct fdc *f)
{
    struct fdc_drive *d = fdc_drive_of(f, f->dor & FDC_DOR_DSEL);
    return FDC_DIR_UNUSED | (d && d->dskchg ? FDC_DIR_DSKCHG : 0);
}

static void write_dor(struct fdc *f, uint8_t v)
{
    f->dor = v;
    if (!(v & FDC_DOR_NRESET) && !f->in_reset)
        enter_reset(f);
    else if ((v & FDC_DOR_NRESET) && f->in_reset)
        leave_reset(f);
    update_irq(f); /* the gate may have opened or closed */
}

static void write_dsr(struct fdc *f, uint8_t v)
{
    f->rate = v & FDC_DSR_DRATE;
    f->precomp = (v & FDC_DSR_PRECOMP) >> 2;
    if ((v & FDC_DSR_SWRESET) && !f->in_reset) {
        enter_reset(f); /* a pulse: the bit clears itself */
        leave_reset(f);
    }
}

static uint8_t reg_read(struct fdc *f, uint32_t reg)
{
    switch (reg) {
    case FDC_REG_SRA: return read_sra(f);
    case FDC_REG_SRB: return read_srb(f);
    case FDC_REG_DOR: return f->dor;
    case FDC_REG_TDR: return (uint8_t)(~FDC_TDR_TAPESEL | f->tdr); /* bits 7-2 float */
    case FDC_REG_MSR: return read_msr(f);
    case FDC_REG_FIFO: return f->in_reset ? FDC_FLOATING : fifo_read(f);
    default: return read_dir(f);
    }
}

static void reg_write(struct fdc *f, uint32_t reg, uint8_t v)
{
    switch (reg) {
    case FDC_REG_DOR: write_dor(f, v); break;
    case FDC_REG_TDR: f->tdr = v & FDC_TDR_TAPESEL; break;
    case FDC_REG_DSR: write_dsr(f, v); break;
    case FDC_REG_FIFO:
        if (!f->in_reset)
            fifo_write(f, v);
        break;
    case FDC_REG_CCR: f->rate = v & FDC_CCR_DRATE; break;
    default: break; /* SRA, SRB: read-only */
    }
}

/* --- the bus contract: byte registers; a wider access is a run of them --- */

static uint32_t fdc_io_read(void *opaque, uint32_t offset, int size)
{
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (uint32_t)reg_read(opaque, offset + (uint32_t)k) << (8 * k);
    return v;
}

static void fdc_io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    for (int k = 0; k < size; k++)
        reg_write(opaque, offset + (uint32_t)k, (uint8_t)(value >> (8 * k)));
}

/* Port 0x3F7 is a range of one: the bus splits wider accesses. */
static uint32_t fdc_dir_io_read(void *opaque, uint32_t offset, int size)
{
    (void)offset;
    (void)size;
    return reg_read(opaque, FDC_REG_DIR);
}

static void fdc_dir_io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    (void)offset;
    (void)size;
    reg_write(opaque, FDC_REG_CCR, (uint8_t)value);
}

/* --- field tables --- */

#define F(member, type, doc) DEVFIELD(struct fdc, member, type, doc)
/* clang-format off */
#define X(m, type, doc) {"x_" #m, type, offsetof(struct fdc, x.m), 1, doc} /* struct fdc_xfer */
/* clang-format on */
static const struct devfield fdc_fields[] = {
    F(dor, DF_U8, "DOR: DSEL 0x03, nRESET 0x04, DMAGATE 0x08, MOTEN0-3 0x10-0x80"),
    F(tdr, DF_U8, "TDR: tape drive select"),
    F(rate, DF_U8, "data rate: 0 500K, 1 300K, 2 250K, 3 1M"),
    F(precomp, DF_U8, "DSR write precompensation"),
    F(srt_hut, DF_U8, "SPECIFY: step rate (7:4), head unload time (3:0)"),
    F(hlt_nd, DF_U8, "SPECIFY: head load time (7:1), non-DMA mode (0)"),
    F(config, DF_U8, "CONFIGURE: EIS 0x40, EFIFO 0x20, POLL 0x10, FIFOTHR 0x0f"),
    F(pretrk, DF_U8, "CONFIGURE: precompensation start track"),
    F(perp, DF_U8, "PERPENDICULAR MODE: D3-D0 (5:2), GAP, WGATE"),
    F(eot, DF_U8, "last EOT / SC"),
    F(lock, DF_BOOL, "LOCK: CONFIGURE kept over a software reset"),
    F(in_reset, DF_BOOL, "held in reset by DOR nRESET"),
    F(phase, DF_U8, "phase: 0 command, 1 execution, 2 result"),
    DEVFIELD_ARRAY(struct fdc, cmd, DF_BYTES, FDC_CMD_MAX, "command bytes"),
    F(cmd_len, DF_U8, "command bytes received"),
    DEVFIELD_ARRAY(struct fdc, res, DF_BYTES, FDC_RES_MAX, "result bytes"),
    F(res_len, DF_U8, "result bytes"),
    F(res_pos, DF_U8, "next result byte"),
    F(res_int, DF_BOOL, "first result read clears INT"),
    F(int_pending, DF_BOOL, "INT output (SRA INTPEND)"),
    F(irq_level, DF_BOOL, "IRQ 6 level driven"),
    DEVFIELD_ARRAY(struct fdc, pcn, DF_U8, FDC_UNITS, "present cylinder per drive select"),
    DEVFIELD_ARRAY(struct fdc, ev_kind, DF_U8, FDC_UNITS, "event: 1 seek, 2 recalibrate, 3 poll"),
    DEVFIELD_ARRAY(struct fdc, ev_target, DF_U8, FDC_UNITS, "seek target cylinder"),
    DEVFIELD_ARRAY(struct fdc, ev_head, DF_U8, FDC_UNITS, "seek head (for ST0)"),
    DEVFIELD_ARRAY(struct fdc, ev_due, DF_U64, FDC_UNITS, "event cycle"),
    DEVFIELD_ARRAY(struct fdc, sense_pending, DF_BOOL, FDC_UNITS, "status for SENSE INTERRUPT"),
    DEVFIELD_ARRAY(struct fdc, sense_st0, DF_U8, FDC_UNITS, "its ST0"),
    F(exec_due, DF_U64, "cycle the execution phase ends"),
    X(op, DF_U8, "data command in execution"),
    X(unit, DF_U8, "its drive"),
    X(head, DF_U8, "its physical head"),
    X(c, DF_U8, "next sector ID: C"),
    X(h, DF_U8, "next sector ID: H"),
    X(r, DF_U8, "next sector ID: R"),
    X(n, DF_U8, "next sector ID: N"),
    X(eot, DF_U8, "its EOT"),
    X(left, DF_U8, "FORMAT: sectors left"),
    X(fill, DF_U8, "FORMAT: filler byte"),
    X(mt, DF_BOOL, "multi-track"),
    X(se, DF_BOOL, "implied seek moved the head"),
    X(pio, DF_BOOL, "non-DMA data through the FIFO"),
    X(ready, DF_BOOL, "non-DMA: FIFO ready (RQM)"),
    X(pos, DF_U16, "non-DMA: next byte of buf"),
    X(len, DF_U16, "non-DMA: bytes in this unit of buf"),
    DEVFIELD_ARRAY(struct fdc, buf, DF_BYTES, FDC_SECTOR, "sector buffer"),
};
#undef X
#undef F

#define D(member, type, doc) DEVFIELD(struct fdc_drive, member, type, doc)
static const struct devfield drive_fields[] = {
    D(connected, DF_BOOL, "a drive is connected"),
    D(inserted, DF_BOOL, "a diskette is in it"),
    D(read_only, DF_BOOL, "the diskette is write-protected"),
    D(dskchg, DF_BOOL, "disk change line (DIR bit 7)"),
    D(cylinders, DF_U8, "diskette cylinders"),
    D(heads, DF_U8, "diskette heads"),
    D(sectors, DF_U8, "diskette sectors per track"),
    D(next_sector, DF_U8, "sector under the head next (READ ID)"),
};
#undef D

size_t fdc_devinfo(struct fdc *f, struct devinfo *out, size_t max)
{
    static const char *const names[FDC_DRIVES] = {"fdc.drive0", "fdc.drive1"};
    size_t n = 0;
    if (max > 0)
        out[n++] = (struct devinfo){"fdc", fdc_fields, sizeof fdc_fields / sizeof fdc_fields[0], f};
    for (int u = 0; u < FDC_DRIVES && n < max; u++)
        out[n++] = (struct devinfo){names[u], drive_fields,
                                    sizeof drive_fields / sizeof drive_fields[0], &f->drive[u]};
    return n;
}

/* --- lifecycle --- */

struct fdc *fdc_create(struct bus *b, struct clock *clk, struct irq_line irq6, struct dma *dma)
{
    struct fdc *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->clock = clk;
    f->irq = irq6;
    f->dma = dma;
    if (clock_add_timer(clk, &f->exec_timer, "fdc-exec", exec_timer, f) != 0 ||
        clock_add_timer(clk, &f->event_timer, "fdc-seek", fdc_event_timer, f) != 0 ||
        bus_map_io(b, FDC_PORT_BASE, FDC_NPORTS, fdc_io_read, fdc_io_write, f) != 0 ||
        bus_map_io(b, FDC_PORT_DIR, 1, fdc_dir_io_read, fdc_dir_io_write, f) != 0) {
        free(f);
        return NULL;
    }
    fdc_reset(f);
    return f;
}

void fdc_destroy(struct fdc *f)
{
    if (f) {
        clock_disarm(&f->exec_timer);
        clock_disarm(&f->event_timer);
    }
    free(f);
}

void fdc_reset(struct fdc *f)
{
    f->lock = false;
    f->perp = 0;
    enter_reset(f); /* the core, INT, CONFIGURE */
    f->dor = 0;
    f->tdr = 0;
    f->rate = FDC_DRATE_250K;
    f->precomp = 0;
    f->srt_hut = 0;
    f->hlt_nd = 0;
    f->eot = 0;
    update_irq(f);
}

int fdc_attach(struct fdc *f, int drive, const struct blockdev *bd)
{
    struct fdc_geometry g = {0};
    if (drive < 0 || drive >= FDC_DRIVES || (bd && fdc_geometry_for_size(bd->size, &g) != 0))
        return -1;
    struct fdc_drive *d = &f->drive[drive];
    *d = (struct fdc_drive){.bd = bd,
                            .connected = true,
                            .inserted = bd != NULL,
                            .read_only = bd && !bd->write,
                            .dskchg = true,
                            .cylinders = g.cylinders,
                            .heads = g.heads,
                            .sectors = g.sectors,
                            .next_sector = 1};
    return 0;
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep fdc_keep[] = {
    SNAP_KEEP(struct fdc, clock),
    SNAP_KEEP(struct fdc, dma),
    SNAP_KEEP(struct fdc, irq),
    SNAP_KEEP(struct fdc, exec_timer),
    SNAP_KEEP(struct fdc, event_timer),
    SNAP_KEEP(struct fdc, drive[0].bd),
    SNAP_KEEP(struct fdc, drive[1].bd),
};

void fdc_snap(struct fdc *f, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, f, fdc_keep);
}
