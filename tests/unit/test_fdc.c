/*
 * test_fdc.c - the 82077AA floppy controller (devices/fdc.c, fdc_xfer.c),
 * driven only through its ports, its IRQ 6 line and a real 8237 pair on a
 * bus with RAM, as a BIOS or a driver drives them: reset and the four
 * polling statuses, the command/execution/result handshake in MSR, SPECIFY,
 * RECALIBRATE, SEEK, READ DATA and WRITE DATA through DMA channel 2 and in
 * non-DMA mode, READ ID, FORMAT TRACK, the status bits of every failure,
 * the disk change line, and random traffic. Time is a local cycle counter
 * whose timers the tests dispatch themselves.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "unit_util.h"

#include "blockdev.h"
#include "bus.h"
#include "clock.h"
#include "devfield.h"
#include "devices/dma.h"
#include "devices/fdc.h"

#define HZ       10000000u /* a 10 MHz CPU: 1 us is 10 cycles */
#define RAM_SIZE (1u << 20)
#define IMG_144  1474560u
#define SPT      18 /* sectors per track of a 1.44 MB diskette */

/* Ports. */
#define P_SRA  0x3f0
#define P_SRB  0x3f1
#define P_DOR  0x3f2
#define P_TDR  0x3f3
#define P_MSR  0x3f4
#define P_DSR  0x3f4
#define P_FIFO 0x3f5
#define P_DIR  0x3f7
#define P_CCR  0x3f7

/* The bits the tests look at, as the data sheet names them. */
#define DOR_NRESET  0x04
#define DOR_DMAGATE 0x08
#define DOR_MOTA    0x10
#define DOR_ON      (DOR_NRESET | DOR_DMAGATE | DOR_MOTA) /* 0x1C: drive 0 */
#define MSR_RQM     0x80
#define MSR_DIO     0x40
#define MSR_NDMA    0x20
#define MSR_CB      0x10
#define ST0_ABN     0x40
#define ST0_INVALID 0x80
#define ST0_POLL    0xc0
#define ST0_SE      0x20
#define ST0_EC      0x10
#define ST1_EN      0x80
#define ST1_OR      0x10
#define ST1_ND      0x04
#define ST1_NW      0x02
#define ST1_MA      0x01
#define ST3_T0      0x10
#define ST3_WP      0x40

/* Commands, with the modifier bits the Bochs BIOS and Linux send. */
#define C_SPECIFY   0x03
#define C_SENSE_DRV 0x04
#define C_WRITE     0xc5 /* MT | MFM | WRITE DATA */
#define C_READ      0xe6 /* MT | MFM | SK | READ DATA */
#define C_READ_1TRK 0x66 /* MFM | SK | READ DATA: no multi-track */
#define C_RECAL     0x07
#define C_SENSEI    0x08
#define C_READID    0x4a
#define C_FORMAT    0x4d
#define C_DUMPREG   0x0e
#define C_SEEK      0x0f
#define C_VERSION   0x10
#define C_PERP      0x12
#define C_CONFIGURE 0x13
#define C_LOCK      0x94
#define C_UNLOCK    0x14

struct rig {
    struct bus bus;       /* 1 MiB of RAM and the ports */
    uint64_t now;         /* the cycle counter */
    struct clock clock;   /* virtual time on now */
    struct dma *dma;      /* the 8237 pair */
    struct fdc *fdc;      /* the controller under test */
    struct blockdev disk; /* drive 0's diskette */
    int level;            /* IRQ 6 as last driven */
    int edges;            /* its rising edges */
};

static void rig_irq(void *opaque, int n, int level)
{
    struct rig *r = opaque;
    ck_assert_int_eq(n, 6);
    if (level && !r->level)
        r->edges++;
    r->level = level;
}

/* Byte k of sector lba: the LBA in the first two bytes, then a pattern. */
static uint8_t pattern(uint32_t lba, uint32_t k)
{
    return k < 2 ? (uint8_t)(lba >> (8 * k)) : (uint8_t)(lba * 13 + k * 7);
}

static void fill(struct blockdev *bd)
{
    uint8_t *p = blockdev_mem_data(bd);
    for (uint32_t i = 0; i < bd->size; i++)
        p[i] = pattern(i / 512, i % 512);
}

static uint32_t lba_of(int c, int h, int s)
{
    return (uint32_t)((c * 2 + h) * SPT + s - 1);
}

static struct rig *rig_new_ro(bool read_only)
{
    struct rig *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(bus_init(&r->bus, RAM_SIZE), 0);
    clock_init(&r->clock, &r->now, NULL, HZ);
    r->dma = dma_create(&r->bus);
    ck_assert_ptr_nonnull(r->dma);
    r->fdc = fdc_create(&r->bus, &r->clock, (struct irq_line){rig_irq, r, 6}, r->dma);
    ck_assert_ptr_nonnull(r->fdc);
    ck_assert_int_eq(blockdev_mem_init(&r->disk, IMG_144, false), 0);
    fill(&r->disk);
    if (read_only)
        r->disk.write = NULL;
    ck_assert_int_eq(fdc_attach(r->fdc, 0, &r->disk), 0);
    return r;
}

static struct rig *rig_new(void)
{
    return rig_new_ro(false);
}

static void rig_free(struct rig *r)
{
    fdc_destroy(r->fdc);
    dma_destroy(r->dma);
    blockdev_mem_free(&r->disk);
    bus_free(&r->bus);
    free(r);
}

static void out8(struct rig *r, uint16_t port, uint8_t v)
{
    bus_out(&r->bus, port, v, 1);
}

static uint8_t in8(struct rig *r, uint16_t port)
{
    return (uint8_t)bus_in(&r->bus, port, 1);
}

/* Let virtual time run to the next timer, n times at most, stopping once
 * IRQ 6 is high. Returns whether it is. */
static bool wait_irq(struct rig *r)
{
    for (int k = 0; k < 8 && !r->level; k++) {
        uint64_t next = clock_next(&r->clock);
        if (next == CLOCK_NEVER)
            break;
        if (next > r->now)
            r->now = next;
        clock_dispatch(&r->clock);
    }
    return r->level != 0;
}

/* Write a command byte by byte, each when MSR asks for one. */
static void command(struct rig *r, const uint8_t *bytes, int n)
{
    for (int k = 0; k < n; k++) {
        ck_assert_msg((in8(r, P_MSR) & (MSR_RQM | MSR_DIO)) == MSR_RQM, "byte %d: MSR %02x", k,
                      in8(r, P_MSR));
        out8(r, P_FIFO, bytes[k]);
    }
}

/* Read n result bytes, each when MSR offers one; then the controller is
 * idle. */
static void result(struct rig *r, uint8_t *out, int n)
{
    for (int k = 0; k < n; k++) {
        ck_assert_msg((in8(r, P_MSR) & (MSR_RQM | MSR_DIO | MSR_CB)) ==
                          (MSR_RQM | MSR_DIO | MSR_CB),
                      "result byte %d: MSR %02x", k, in8(r, P_MSR));
        out[k] = in8(r, P_FIFO);
    }
    ck_assert_uint_eq(in8(r, P_MSR) & (MSR_RQM | MSR_DIO | MSR_CB), MSR_RQM);
}

static uint8_t result1(struct rig *r)
{
    uint8_t v;
    result(r, &v, 1);
    return v;
}

static void sense_interrupt(struct rig *r, uint8_t *st0, uint8_t *pcn)
{
    uint8_t c = C_SENSEI, res[2];
    command(r, &c, 1);
    result(r, res, 2);
    *st0 = res[0];
    *pcn = res[1];
}

/* Release reset with DMA and INT enabled, wait for the interrupt, and take
 * the four polling statuses, as Linux does. */
static void bring_up(struct rig *r)
{
    out8(r, P_DOR, DOR_ON);
    ck_assert(wait_irq(r));
    for (int u = 0; u < 4; u++) {
        uint8_t st0, pcn;
        sense_interrupt(r, &st0, &pcn);
        ck_assert_uint_eq(st0, ST0_POLL | u);
    }
    ck_assert_int_eq(r->level, 0);
}

static void seek_to(struct rig *r, int drive, int head, int cyl)
{
    uint8_t c[3] = {C_SEEK, (uint8_t)(head << 2 | drive), (uint8_t)cyl}, st0, pcn;
    command(r, c, 3);
    ck_assert(wait_irq(r));
    sense_interrupt(r, &st0, &pcn);
    ck_assert_uint_eq(st0, ST0_SE | head << 2 | drive);
    ck_assert_uint_eq(pcn, cyl);
}

/* Program DMA channel 2 as the Bochs BIOS does: mask, clear the flip-flop,
 * mode, address, page, count (bytes - 1), unmask. mode 0x46: single,
 * increment, write (device to memory); 0x4A: read (memory to device). */
static void dma_setup(struct rig *r, uint8_t mode, uint32_t addr, uint32_t bytes)
{
    out8(r, 0x0a, 0x06);
    out8(r, 0x0c, 0);
    out8(r, 0x0b, mode);
    out8(r, 0x04, (uint8_t)addr);
    out8(r, 0x04, (uint8_t)(addr >> 8));
    out8(r, 0x81, (uint8_t)(addr >> 16));
    out8(r, 0x05, (uint8_t)(bytes - 1));
    out8(r, 0x05, (uint8_t)((bytes - 1) >> 8));
    out8(r, 0x0a, 0x02);
}

/* A READ or WRITE DATA command: op, drive 0, head h, sectors s..eot of
 * cylinder c; the execution phase run to its interrupt; the 7 results. */
static void rw(struct rig *r, uint8_t op, int c, int h, int s, int eot, uint8_t *res)
{
    uint8_t cmd[9] = {op, (uint8_t)(h << 2), (uint8_t)c, (uint8_t)h, (uint8_t)s,
                      2,  (uint8_t)eot,      0x1b,       0xff};
    command(r, cmd, 9);
    ck_assert_uint_eq(in8(r, P_MSR) & (MSR_RQM | MSR_CB), MSR_CB); /* executing */
    ck_assert_int_eq(r->level, 0);
    ck_assert(wait_irq(r));
    result(r, res, 7);
}

static void check_ram(struct rig *r, uint32_t addr, uint32_t lba, int sectors)
{
    for (uint32_t i = 0; i < (uint32_t)sectors * 512; i++)
        ck_assert_msg(r->bus.ram[addr + i] == pattern(lba + i / 512, i % 512),
                      "RAM %x (sector %u byte %u)", addr + i, lba + i / 512, i % 512);
}

static void check_res(const uint8_t *res, uint8_t st0, uint8_t st1, uint8_t st2, int c, int h,
                      int s)
{
    ck_assert_msg(res[0] == st0 && res[1] == st1 && res[2] == st2,
                  "ST0 %02x ST1 %02x ST2 %02x, expected %02x %02x %02x", res[0], res[1], res[2],
                  st0, st1, st2);
    ck_assert_msg(res[3] == c && res[4] == h && res[5] == s && res[6] == 2,
                  "C H R N %u %u %u %u, expected %d %d %d 2", res[3], res[4], res[5], res[6], c, h,
                  s);
}

/* --- reset and the polling statuses --- */

START_TEST(test_reset_polling)
{
    struct rig *r = rig_new();
    ck_assert_uint_eq(in8(r, P_DOR), 0);
    ck_assert_uint_eq(in8(r, P_MSR), 0); /* held in reset */
    out8(r, P_DOR, DOR_ON);
    ck_assert_uint_eq(in8(r, P_MSR), MSR_RQM); /* takes commands at once */
    ck_assert_int_eq(r->level, 0);             /* the interrupt comes a moment later */
    ck_assert(wait_irq(r));
    ck_assert_int_eq(r->edges, 1);
    ck_assert_uint_eq(in8(r, P_SRA) & 0x80, 0x80); /* INT pending */
    for (int u = 0; u < 4; u++) {
        uint8_t st0, pcn;
        sense_interrupt(r, &st0, &pcn);
        ck_assert_uint_eq(st0, 0xc0 | u);
        ck_assert_uint_eq(pcn, 0);
        ck_assert_int_eq(r->level, 0); /* the first SENSE INTERRUPT cleared INT */
    }
    ck_assert_uint_eq(in8(r, P_SRA) & 0x80, 0);
    uint8_t c = C_SENSEI;
    command(r, &c, 1);
    ck_assert_uint_eq(result1(r), ST0_INVALID); /* nothing pending: invalid */

    out8(r, P_DSR, 0x80); /* software reset, a pulse */
    ck_assert_uint_eq(in8(r, P_MSR), MSR_RQM);
    ck_assert(wait_irq(r));
    ck_assert_int_eq(r->edges, 2);
    uint8_t st0, pcn;
    sense_interrupt(r, &st0, &pcn);
    ck_assert_uint_eq(st0, 0xc0);

    out8(r, P_DOR, 0x08); /* into reset: everything pending is gone */
    ck_assert_uint_eq(in8(r, P_MSR), 0);
    ck_assert_int_eq(r->level, 0);
    ck_assert_uint_eq(clock_next(&r->clock), CLOCK_NEVER);
    rig_free(r);
}
END_TEST

/* With DOR's DMA gate shut (AT mode), INT does not reach IRQ 6. */
START_TEST(test_irq_gate)
{
    struct rig *r = rig_new();
    out8(r, P_DOR, DOR_NRESET);
    ck_assert(!wait_irq(r));
    ck_assert_uint_eq(in8(r, P_SRA) & 0x80, 0x80); /* pending inside */
    out8(r, P_DOR, DOR_NRESET | DOR_DMAGATE);
    ck_assert_int_eq(r->level, 1);
    ck_assert_int_eq(r->edges, 1);
    rig_free(r);
}
END_TEST

/* --- commands without data --- */

START_TEST(test_version_and_invalid)
{
    struct rig *r = rig_new();
    bring_up(r);
    uint8_t c = C_VERSION;
    command(r, &c, 1);
    ck_assert_uint_eq(result1(r), 0x90);
    /* Unknown opcodes, PART ID (an 82078 command), SEEK with DIR but not
     * RS, SPECIFY with a modifier bit: one byte, 0x80, no interrupt. */
    static const uint8_t bad[] = {0x00, 0x01, 0x1f, 0x18, 0x4f, 0x83, 0x02, 0x16, 0x11};
    for (size_t k = 0; k < sizeof bad; k++) {
        command(r, &bad[k], 1);
        ck_assert_uint_eq(result1(r), ST0_INVALID);
    }
    ck_assert_int_eq(r->edges, 1); /* the reset's only */
    /* Result-phase writes are dropped; idle reads float. */
    c = C_VERSION;
    command(r, &c, 1);
    out8(r, P_FIFO, C_VERSION);
    ck_assert_uint_eq(result1(r), 0x90);
    ck_assert_uint_eq(in8(r, P_FIFO), 0xff);
    ck_assert_uint_eq(in8(r, P_MSR), MSR_RQM);
    rig_free(r);
}
END_TEST

START_TEST(test_specify_configure_lock)
{
    struct rig *r = rig_new();
    bring_up(r);
    uint8_t spec[3] = {C_SPECIFY, 0xaf, 0x02}; /* SRT 10, HUT 15, HLT 1, DMA */
    command(r, spec, 3);
    ck_assert_uint_eq(in8(r, P_MSR), MSR_RQM);      /* no result phase */
    uint8_t conf[4] = {C_CONFIGURE, 0, 0x57, 0x05}; /* EIS, FIFO on, no polling, thr 8 */
    command(r, conf, 4);
    uint8_t perp[2] = {C_PERP, 0x80 | 0x04 | 0x03}; /* OW, drive 0, GAP, WGATE */
    command(r, perp, 2);
    uint8_t c = C_LOCK, dump[10];
    command(r, &c, 1);
    ck_assert_uint_eq(result1(r), 0x10);
    c = C_DUMPREG;
    command(r, &c, 1);
    result(r, dump, 10);
    static const uint8_t want[10] = {0, 0, 0, 0, 0xaf, 0x02, 0, 0x80 | 0x07, 0x57, 0x05};
    ck_assert_mem_eq(dump, want, 10);

    /* A software reset keeps SPECIFY, and CONFIGURE too while locked;
     * perpendicular mode loses GAP and WGATE. */
    out8(r, P_DOR, DOR_DMAGATE);
    bring_up(r);
    command(r, &c, 1);
    result(r, dump, 10);
    static const uint8_t locked[10] = {0, 0, 0, 0, 0xaf, 0x02, 0, 0x80 | 0x04, 0x57, 0x05};
    ck_assert_mem_eq(dump, locked, 10);
    c = C_UNLOCK;
    command(r, &c, 1);
    ck_assert_uint_eq(result1(r), 0x00);
    out8(r, P_DSR, 0x80);
    bring_up(r);
    c = C_DUMPREG;
    command(r, &c, 1);
    result(r, dump, 10);
    ck_assert_uint_eq(dump[7], 0x04);
    ck_assert_uint_eq(dump[8], 0x20); /* CONFIGURE's defaults */
    ck_assert_uint_eq(dump[9], 0);
    rig_free(r);
}
END_TEST

START_TEST(test_recalibrate)
{
    struct rig *r = rig_new();
    struct blockdev b;
    ck_assert_int_eq(blockdev_mem_init(&b, 737280, false), 0);
    ck_assert_int_eq(fdc_attach(r->fdc, 1, &b), 0);
    bring_up(r);
    seek_to(r, 0, 0, 40);
    for (int drive = 0; drive < 3; drive++) {
        int edges = r->edges;
        uint8_t c[2] = {C_RECAL, (uint8_t)drive}, st0, pcn;
        command(r, c, 2);
        ck_assert_uint_eq(in8(r, P_MSR), MSR_RQM | 1u << drive); /* drive busy */
        ck_assert_int_eq(r->level, 0);
        ck_assert(wait_irq(r));
        ck_assert_int_eq(r->edges, edges + 1);
        ck_assert_uint_eq(in8(r, P_MSR), MSR_RQM);
        sense_interrupt(r, &st0, &pcn);
        ck_assert_int_eq(r->level, 0);
        if (drive < 2) {
            ck_assert_uint_eq(st0, ST0_SE | drive);
            ck_assert_uint_eq(pcn, 0);
        } else {
            ck_assert_uint_eq(st0, ST0_ABN | ST0_SE | ST0_EC | 2); /* no drive: no TRK0 */
        }
    }
    uint8_t sd[2] = {C_SENSE_DRV, 0x04}; /* drive 0, head 1 */
    command(r, sd, 2);
    ck_assert_uint_eq(result1(r), 0x28 | ST3_T0 | 0x04);
    rig_free(r);
    blockdev_mem_free(&b);
}
END_TEST

START_TEST(test_seek)
{
    struct rig *r = rig_new();
    bring_up(r);
    seek_to(r, 0, 1, 40);
    uint8_t sd[2] = {C_SENSE_DRV, 0x00};
    command(r, sd, 2);
    ck_assert_uint_eq(result1(r), 0x28);        /* not on track 0, not protected */
    uint8_t rel[3] = {0xcf, 0x00, 5}, st0, pcn; /* relative seek in by 5 */
    command(r, rel, 3);
    ck_assert(wait_irq(r));
    sense_interrupt(r, &st0, &pcn);
    ck_assert_uint_eq(pcn, 45);
    rel[0] = 0x8f; /* out by 5 */
    rel[2] = 10;
    command(r, rel, 3);
    ck_assert(wait_irq(r));
    sense_interrupt(r, &st0, &pcn);
    ck_assert_uint_eq(st0, ST0_SE);
    ck_assert_uint_eq(pcn, 35);
    /* SEEKs on two drives overlap; their statuses come lowest drive first. */
    uint8_t s1[3] = {C_SEEK, 1, 7}, s0[3] = {C_SEEK, 0, 3};
    command(r, s1, 3);
    command(r, s0, 3);
    ck_assert_uint_eq(in8(r, P_MSR), MSR_RQM | 0x03);
    ck_assert(wait_irq(r));
    sense_interrupt(r, &st0, &pcn);
    ck_assert_uint_eq(st0, ST0_SE | 0);
    ck_assert_uint_eq(pcn, 3);
    sense_interrupt(r, &st0, &pcn);
    ck_assert_uint_eq(st0, ST0_SE | 1);
    ck_assert_uint_eq(pcn, 7);
    rig_free(r);
}
END_TEST

/* --- READ DATA through DMA --- */

START_TEST(test_read_one_sector)
{
    struct rig *r = rig_new();
    bring_up(r);
    uint8_t res[7];
    /* The Bochs BIOS's INT 13h read of one sector: MT set, EOT = R. */
    dma_setup(r, 0x46, 0x10000, 512);
    rw(r, C_READ, 0, 0, 1, 1, res);
    check_res(res, 0x04, 0, 0, 0, 1, 1); /* MT past EOT on head 0: on to head 1, sector 1 */
    check_ram(r, 0x10000, 0, 1);
    ck_assert_int_eq(r->level, 0); /* the first result byte cleared INT */

    /* TC before EOT: a normal end after the one sector, R + 1. */
    dma_setup(r, 0x46, 0x20200, 512);
    rw(r, C_READ, 0, 1, 5, SPT, res);
    check_res(res, 0x04, 0, 0, 0, 1, 6);
    check_ram(r, 0x20200, lba_of(0, 1, 5), 1);
    ck_assert_uint_eq(in8(r, 0x08) & 0x04, 0x04); /* the DMA saw TC on channel 2 */
    rig_free(r);
}
END_TEST

START_TEST(test_read_track_and_multitrack)
{
    struct rig *r = rig_new();
    bring_up(r);
    uint8_t res[7];
    /* A whole track without MT: ends at TC on sector 18, next is C + 1. */
    seek_to(r, 0, 1, 2);
    dma_setup(r, 0x46, 0x30000, SPT * 512);
    rw(r, C_READ_1TRK, 2, 1, 1, SPT, res);
    check_res(res, 0x04, 0, 0, 3, 1, 1);
    check_ram(r, 0x30000, lba_of(2, 1, 1), SPT);

    /* Multi-track from head 0: both sides of the cylinder, 36 sectors. */
    seek_to(r, 0, 0, 3);
    dma_setup(r, 0x46, 0x40000, 2 * SPT * 512);
    rw(r, C_READ, 3, 0, 1, SPT, res);
    check_res(res, 0x04, 0, 0, 4, 0, 1); /* ends on head 1; H complemented, C + 1 */
    check_ram(r, 0x40000, lba_of(3, 0, 1), 2 * SPT);

    /* More DMA count than sectors up to EOT: EN, abnormal. */
    dma_setup(r, 0x46, 0x50000, 8 * 512);
    rw(r, C_READ_1TRK, 3, 0, 16, SPT, res);
    check_res(res, ST0_ABN, ST1_EN, 0, 4, 0, 1);
    check_ram(r, 0x50000, lba_of(3, 0, 16), 3);

    /* An implied seek: the head was on 3, the command names 60. */
    dma_setup(r, 0x46, 0x60000, 512);
    rw(r, C_READ, 60, 1, 9, SPT, res);
    check_res(res, ST0_SE | 0x04, 0, 0, 60, 1, 10);
    check_ram(r, 0x60000, lba_of(60, 1, 9), 1);
    rig_free(r);
}
END_TEST

/* --- WRITE DATA --- */

START_TEST(test_write_read_back)
{
    struct rig *r = rig_new();
    bring_up(r);
    for (uint32_t i = 0; i < 1024; i++)
        r->bus.ram[0x70000 + i] = (uint8_t)(i * 31 + 5);
    uint8_t res[7];
    seek_to(r, 0, 1, 10);
    dma_setup(r, 0x4a, 0x70000, 1024);
    rw(r, C_WRITE, 10, 1, 7, 8, res);
    check_res(res, 0x04, 0, 0, 11, 0, 1); /* MT past EOT on head 1: C + 1, H complemented */
    const uint8_t *img = blockdev_mem_data(&r->disk);
    ck_assert_mem_eq(img + lba_of(10, 1, 7) * 512, r->bus.ram + 0x70000, 1024);
    ck_assert_uint_eq(img[lba_of(10, 1, 9) * 512 + 2], pattern(lba_of(10, 1, 9), 2));

    dma_setup(r, 0x46, 0x80000, 1024);
    rw(r, C_READ, 10, 1, 7, 8, res);
    ck_assert_uint_eq(res[0], 0x04);
    ck_assert_mem_eq(r->bus.ram + 0x80000, r->bus.ram + 0x70000, 1024);

    /* TC in the middle of a sector: the rest of it is written as zeros. */
    dma_setup(r, 0x4a, 0x70000, 100);
    rw(r, C_WRITE, 10, 0, 1, SPT, res);
    check_res(res, 0x00, 0, 0, 10, 0, 2);
    ck_assert_mem_eq(img + lba_of(10, 0, 1) * 512, r->bus.ram + 0x70000, 100);
    ck_assert_uint_eq(img[lba_of(10, 0, 1) * 512 + 100], 0);
    ck_assert_uint_eq(img[lba_of(10, 0, 1) * 512 + 511], 0);
    rig_free(r);
}
END_TEST

START_TEST(test_write_protected)
{
    struct rig *r = rig_new_ro(true);
    bring_up(r);
    uint8_t sd[2] = {C_SENSE_DRV, 0};
    command(r, sd, 2);
    ck_assert_uint_eq(result1(r) & ST3_WP, ST3_WP);
    ck_assert_uint_eq(in8(r, P_SRA) & 0x02, 0); /* nWP */
    uint8_t res[7];
    dma_setup(r, 0x4a, 0x70000, 512);
    rw(r, C_WRITE, 0, 0, 1, 1, res);
    check_res(res, ST0_ABN, ST1_NW, 0, 0, 0, 1);
    ck_assert_uint_eq(blockdev_mem_data(&r->disk)[2], pattern(0, 2));
    uint8_t fmt[6] = {C_FORMAT, 0, 2, SPT, 0x54, 0xe5};
    command(r, fmt, 6);
    ck_assert(wait_irq(r));
    result(r, res, 7);
    ck_assert_uint_eq(res[0], ST0_ABN);
    ck_assert_uint_eq(res[1], ST1_NW);
    /* Reading still works. */
    dma_setup(r, 0x46, 0x10000, 512);
    rw(r, C_READ, 0, 0, 1, 1, res);
    check_res(res, 0x04, 0, 0, 0, 1, 1);
    check_ram(r, 0x10000, 0, 1);
    rig_free(r);
}
END_TEST

/* --- errors --- */

START_TEST(test_bad_sectors)
{
    struct rig *r = rig_new();
    bring_up(r);
    uint8_t res[7];
    dma_setup(r, 0x46, 0x10000, 512);
    rw(r, C_READ, 0, 0, 19, 19, res); /* past the 18 sectors of a track */
    check_res(res, ST0_ABN, ST1_ND, 0, 0, 0, 19);
    rw(r, C_READ, 0, 0, 0, 1, res); /* sectors count from 1 */
    check_res(res, ST0_ABN, ST1_ND, 0, 0, 0, 0);
    uint8_t wrong_h[9] = {C_READ, 0x00, 0, 1, 1, 2, 1, 0x1b, 0xff}; /* H 1 on head 0 */
    command(r, wrong_h, 9);
    ck_assert(wait_irq(r));
    result(r, res, 7);
    ck_assert_uint_eq(res[1], ST1_ND);
    uint8_t wrong_n[9] = {C_READ, 0x00, 0, 0, 1, 3, 1, 0x1b, 0xff}; /* 1024-byte sectors */
    command(r, wrong_n, 9);
    ck_assert(wait_irq(r));
    result(r, res, 7);
    ck_assert_uint_eq(res[1], ST1_ND);

    /* Running off the track's end before TC or EOT: two sectors, then ND. */
    dma_setup(r, 0x46, 0x10000, 8 * 512);
    rw(r, C_READ_1TRK, 0, 0, 17, 20, res);
    check_res(res, ST0_ABN, ST1_ND, 0, 0, 0, 19);
    check_ram(r, 0x10000, lba_of(0, 0, 17), 2);

    /* Cylinder 80 does not exist on the diskette: no ID at all. */
    rw(r, C_READ, 80, 0, 1, 1, res);
    check_res(res, ST0_ABN | ST0_SE, ST1_MA, 0, 80, 0, 1);

    /* DMA channel masked: nobody takes the data, the FIFO overruns. */
    out8(r, 0x0a, 0x06);
    rw(r, C_READ, 0, 0, 1, 1, res);
    check_res(res, ST0_ABN | ST0_SE, ST1_OR, 0, 0, 0, 1);

    /* No diskette: no ID at all. */
    ck_assert_int_eq(fdc_attach(r->fdc, 0, NULL), 0);
    dma_setup(r, 0x46, 0x10000, 512);
    rw(r, C_READ, 0, 0, 1, 1, res);
    check_res(res, ST0_ABN, ST1_MA, 0, 0, 0, 1);
    rig_free(r);
}
END_TEST

START_TEST(test_read_id)
{
    struct rig *r = rig_new();
    bring_up(r);
    uint8_t res[7], id[2] = {C_READID, 0x04};
    seek_to(r, 0, 1, 12);
    command(r, id, 2);
    ck_assert_uint_eq(in8(r, P_MSR) & (MSR_RQM | MSR_CB), MSR_CB);
    ck_assert(wait_irq(r));
    result(r, res, 7);
    check_res(res, 0x04, 0, 0, 12, 1, 1);
    dma_setup(r, 0x46, 0x10000, 512);
    rw(r, C_READ, 12, 1, 5, SPT, res);
    command(r, id, 2);
    ck_assert(wait_irq(r));
    result(r, res, 7);
    check_res(res, 0x04, 0, 0, 12, 1, 6); /* the sector after the last one read */
    uint8_t id_b[2] = {C_READID, 0x01};   /* drive 1: not connected */
    command(r, id_b, 2);
    ck_assert(wait_irq(r));
    result(r, res, 7);
    ck_assert_uint_eq(res[0], ST0_ABN | 1);
    ck_assert_uint_eq(res[1], ST1_MA);
    rig_free(r);
}
END_TEST

START_TEST(test_format)
{
    struct rig *r = rig_new();
    bring_up(r);
    seek_to(r, 0, 1, 5);
    for (int s = 0; s < SPT; s++) {
        uint8_t *p = r->bus.ram + 0x9000 + 4 * s;
        p[0] = 5;
        p[1] = 1;
        p[2] = (uint8_t)(s + 1);
        p[3] = 2;
    }
    dma_setup(r, 0x4a, 0x9000, 4 * SPT);
    uint8_t fmt[6] = {C_FORMAT, 0x04, 2, SPT, 0x54, 0xe5}, res[7];
    command(r, fmt, 6);
    ck_assert(wait_irq(r));
    result(r, res, 7);
    ck_assert_uint_eq(res[0], 0x04);
    ck_assert_uint_eq(res[1], 0);
    const uint8_t *img = blockdev_mem_data(&r->disk);
    for (uint32_t i = 0; i < SPT * 512; i++)
        ck_assert_uint_eq(img[lba_of(5, 1, 1) * 512 + i], 0xe5);
    ck_assert_uint_eq(img[lba_of(5, 0, 18) * 512 + 2], pattern(lba_of(5, 0, 18), 2));
    ck_assert_uint_eq(img[lba_of(6, 0, 1) * 512 + 2], pattern(lba_of(6, 0, 1), 2));
    rig_free(r);
}
END_TEST

/* --- the disk change line --- */

START_TEST(test_disk_change)
{
    struct rig *r = rig_new();
    bring_up(r);
    ck_assert_uint_eq(in8(r, P_DIR) & 0x80, 0x80); /* set since insertion */
    uint8_t c[2] = {C_RECAL, 0}, st0, pcn;
    command(r, c, 2);
    ck_assert(wait_irq(r));
    sense_interrupt(r, &st0, &pcn);
    ck_assert_uint_eq(in8(r, P_DIR) & 0x80, 0x80); /* already on 0: no step */
    seek_to(r, 0, 0, 1);
    ck_assert_uint_eq(in8(r, P_DIR) & 0x80, 0); /* a step clears it */
    seek_to(r, 0, 0, 0);
    ck_assert_uint_eq(in8(r, P_DIR) & 0x80, 0);
    ck_assert_uint_eq(fdc_attach(r->fdc, 0, NULL), 0); /* ejected */
    ck_assert_uint_eq(in8(r, P_DIR) & 0x80, 0x80);
    seek_to(r, 0, 0, 1);
    ck_assert_uint_eq(in8(r, P_DIR) & 0x80, 0x80); /* no diskette: stays */
    ck_assert_uint_eq(fdc_attach(r->fdc, 0, &r->disk), 0);
    seek_to(r, 0, 0, 2);
    ck_assert_uint_eq(in8(r, P_DIR), 0x7f); /* bits 6-0 float */
    out8(r, P_DOR, DOR_ON | 1);             /* select drive 1: none */
    ck_assert_uint_eq(in8(r, P_DIR), 0x7f);
    rig_free(r);
}
END_TEST

/* --- the handshake and the other registers --- */

START_TEST(test_msr_phases)
{
    struct rig *r = rig_new();
    bring_up(r);
    dma_setup(r, 0x46, 0x10000, 512);
    uint8_t cmd[9] = {C_READ, 0, 0, 0, 1, 2, 1, 0x1b, 0xff};
    ck_assert_uint_eq(in8(r, P_MSR), MSR_RQM);
    out8(r, P_FIFO, cmd[0]);
    ck_assert_uint_eq(in8(r, P_MSR), MSR_RQM | MSR_CB); /* command phase */
    for (int k = 1; k < 8; k++)
        out8(r, P_FIFO, cmd[k]);
    ck_assert_uint_eq(in8(r, P_MSR), MSR_RQM | MSR_CB);
    out8(r, P_FIFO, cmd[8]);
    ck_assert_uint_eq(in8(r, P_MSR), MSR_CB); /* execution */
    ck_assert_uint_eq(in8(r, P_FIFO), 0xff);  /* nothing to read yet */
    r->now += 10;
    clock_dispatch(&r->clock);
    ck_assert_uint_eq(in8(r, P_MSR), MSR_CB); /* still: it takes 100 us */
    ck_assert(wait_irq(r));
    ck_assert_uint_eq(in8(r, P_MSR), MSR_RQM | MSR_DIO | MSR_CB); /* result */
    uint8_t res[7];
    result(r, res, 7);
    ck_assert_uint_eq(in8(r, P_MSR), MSR_RQM);

    /* SRB shows the motor and drive select bits; TDR keeps bits 1-0. */
    ck_assert_uint_eq(in8(r, P_SRB), 0xc0 | 0x01);
    out8(r, P_TDR, 0xff);
    ck_assert_uint_eq(in8(r, P_TDR), 0xff);
    out8(r, P_TDR, 0x00);
    ck_assert_uint_eq(in8(r, P_TDR), 0xfc);
    /* SRA: no drive B (nDRV2), head 1 selected last, no index, not
     * protected; on track 0 and no INT pending (bits clear). */
    ck_assert_uint_eq(in8(r, P_SRA), 0x40 | 0x08 | 0x04 | 0x02);
    rig_free(r);
}
END_TEST

/* --- non-DMA mode --- */

START_TEST(test_pio)
{
    struct rig *r = rig_new();
    bring_up(r);
    uint8_t spec[3] = {C_SPECIFY, 0xdf, 0x03}; /* ND: non-DMA */
    command(r, spec, 3);
    uint8_t cmd[9] = {C_READ_1TRK, 0, 0, 0, 17, 2, SPT, 0x1b, 0xff}, res[7];
    command(r, cmd, 9);
    ck_assert_uint_eq(in8(r, P_MSR), MSR_CB | MSR_NDMA);
    int edges = r->edges;
    ck_assert(wait_irq(r));
    ck_assert_int_eq(r->edges, edges + 1);
    ck_assert_uint_eq(in8(r, P_MSR), MSR_RQM | MSR_DIO | MSR_NDMA | MSR_CB);
    for (uint32_t i = 0; i < 2 * 512; i++) {
        ck_assert_uint_eq(in8(r, P_MSR) & 0xf0, 0xf0);
        ck_assert_uint_eq(in8(r, P_FIFO), pattern(lba_of(0, 0, 17) + i / 512, i % 512));
    }
    ck_assert_int_eq(r->edges, edges + 2); /* the result phase: a new edge */
    result(r, res, 7);
    check_res(res, ST0_ABN, ST1_EN, 0, 1, 0, 1); /* no TC without DMA: EN */

    /* A write of two sectors through the FIFO. */
    uint8_t wr[9] = {0x45, 0x04, 0, 1, 3, 2, 4, 0x1b, 0xff};
    command(r, wr, 9);
    ck_assert(wait_irq(r));
    ck_assert_uint_eq(in8(r, P_MSR), MSR_RQM | MSR_NDMA | MSR_CB);
    ck_assert_uint_eq(in8(r, P_FIFO), 0xff); /* a read in a write: nothing */
    for (uint32_t i = 0; i < 2 * 512; i++)
        out8(r, P_FIFO, (uint8_t)(i ^ 0x5a));
    result(r, res, 7);
    check_res(res, ST0_ABN | 0x04, ST1_EN, 0, 1, 1, 1);
    const uint8_t *img = blockdev_mem_data(&r->disk);
    for (uint32_t i = 0; i < 2 * 512; i++)
        ck_assert_uint_eq(img[lba_of(0, 1, 3) * 512 + i], (uint8_t)(i ^ 0x5a));

    /* FORMAT through the FIFO: 4 bytes a sector. */
    uint8_t fmt[6] = {C_FORMAT, 0, 2, 2, 0x54, 0x6c};
    seek_to(r, 0, 0, 7);
    command(r, fmt, 6);
    ck_assert(wait_irq(r));
    uint8_t ids[8] = {7, 0, 1, 2, 7, 0, 2, 2};
    for (int k = 0; k < 8; k++)
        out8(r, P_FIFO, ids[k]);
    result(r, res, 7);
    ck_assert_uint_eq(res[0], 0);
    ck_assert_uint_eq(img[lba_of(7, 0, 2) * 512 + 300], 0x6c);
    ck_assert_uint_eq(img[lba_of(7, 0, 3) * 512 + 2], pattern(lba_of(7, 0, 3), 2));
    rig_free(r);
}
END_TEST

/* --- the host side --- */

START_TEST(test_geometry_and_attach)
{
    struct fdc_geometry g;
    ck_assert_int_eq(fdc_geometry_for_size(1474560, &g), 0);
    ck_assert_uint_eq(g.cylinders, 80);
    ck_assert_uint_eq(g.heads, 2);
    ck_assert_uint_eq(g.sectors, 18);
    ck_assert_uint_eq(g.cmos_type, 4);
    ck_assert_int_eq(fdc_geometry_for_size(737280, &g), 0);
    ck_assert_uint_eq(g.sectors, 9);
    ck_assert_int_eq(fdc_geometry_for_size(1228800, &g), 0);
    ck_assert_uint_eq(g.sectors, 15);
    ck_assert_int_eq(fdc_geometry_for_size(2949120, &g), 0);
    ck_assert_uint_eq(g.sectors, 36);
    ck_assert_int_eq(fdc_geometry_for_size(1474561, &g), -1);
    ck_assert_int_eq(fdc_geometry_for_size(0, &g), -1);

    struct rig *r = rig_new();
    struct blockdev odd, small;
    ck_assert_int_eq(blockdev_mem_init(&odd, 1000, false), 0);
    ck_assert_int_eq(fdc_attach(r->fdc, 1, &odd), -1);
    ck_assert_int_eq(fdc_attach(r->fdc, 2, NULL), -1);
    ck_assert_int_eq(fdc_attach(r->fdc, -1, NULL), -1);
    /* A 720 KB diskette: 9 sectors a track. */
    ck_assert_int_eq(blockdev_mem_init(&small, 737280, false), 0);
    fill(&small);
    ck_assert_int_eq(fdc_attach(r->fdc, 0, &small), 0);
    bring_up(r);
    uint8_t res[7];
    dma_setup(r, 0x46, 0x10000, 9 * 512);
    rw(r, C_READ_1TRK, 1, 0, 1, 9, res);
    check_res(res, ST0_SE, 0, 0, 2, 0, 1);
    check_ram(r, 0x10000, 2 * 9, 9);
    rw(r, C_READ, 1, 0, 10, 10, res);
    ck_assert_uint_eq(res[1], ST1_ND);
    rig_free(r);
    blockdev_mem_free(&odd);
    blockdev_mem_free(&small);
}
END_TEST

static uint64_t field(struct devinfo *info, const char *name, size_t k)
{
    for (size_t i = 0; i < info->n_fields; i++)
        if (strcmp(info->fields[i].name, name) == 0)
            return devfield_get(&info->fields[i], info->state, k);
    ck_abort_msg("no field %s", name);
    return 0;
}

START_TEST(test_devinfo)
{
    struct rig *r = rig_new();
    bring_up(r);
    seek_to(r, 0, 0, 33);
    struct devinfo info[4];
    ck_assert_uint_eq(fdc_devinfo(r->fdc, info, 4), 3);
    ck_assert_str_eq(info[0].name, "fdc");
    ck_assert_str_eq(info[1].name, "fdc.drive0");
    ck_assert_str_eq(info[2].name, "fdc.drive1");
    ck_assert_uint_eq(field(&info[0], "pcn", 0), 33);
    ck_assert_uint_eq(field(&info[0], "dor", 0), DOR_ON);
    ck_assert_uint_eq(field(&info[1], "connected", 0), 1);
    ck_assert_uint_eq(field(&info[1], "sectors", 0), 18);
    ck_assert_uint_eq(field(&info[2], "connected", 0), 0);
    ck_assert_uint_eq(fdc_devinfo(r->fdc, info, 1), 1);
    rig_free(r);
}
END_TEST

/* Random bytes to every port, with time passing: the controller must stay
 * consistent (MSR never shows a state the phases cannot have) and never
 * touch memory outside RAM or crash. Deterministic: a fixed LCG. */
START_TEST(test_random_traffic)
{
    struct rig *r = rig_new();
    uint32_t seed = 12345;
    for (int k = 0; k < 200000; k++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t v = seed >> 8;
        uint16_t port = (uint16_t)(0x3f0 + (v & 7));
        if ((v >> 3) & 1)
            out8(r, port, (uint8_t)(v >> 8));
        else
            in8(r, port);
        if (((v >> 16) & 31) == 0) {
            r->now += (v >> 21) & 0x7ff;
            clock_dispatch(&r->clock);
        }
        if (((v >> 16) & 1023) == 1)
            dma_setup(r, (v >> 26) & 1 ? 0x46 : 0x4a, (v & 0xfff) << 8, 1 + (v & 0x3fff));
        uint8_t msr = in8(r, P_MSR);
        ck_assert((msr & (MSR_RQM | MSR_DIO)) != MSR_DIO || (msr & MSR_CB));
    }
    rig_free(r);
}
END_TEST

static Suite *fdc_suite(void)
{
    Suite *s = suite_create("fdc");
    TCase *tc = tcase_create("fdc");
    tcase_add_test(tc, test_reset_polling);
    tcase_add_test(tc, test_irq_gate);
    tcase_add_test(tc, test_version_and_invalid);
    tcase_add_test(tc, test_specify_configure_lock);
    tcase_add_test(tc, test_recalibrate);
    tcase_add_test(tc, test_seek);
    tcase_add_test(tc, test_read_one_sector);
    tcase_add_test(tc, test_read_track_and_multitrack);
    tcase_add_test(tc, test_write_read_back);
    tcase_add_test(tc, test_write_protected);
    tcase_add_test(tc, test_bad_sectors);
    tcase_add_test(tc, test_read_id);
    tcase_add_test(tc, test_format);
    tcase_add_test(tc, test_disk_change);
    tcase_add_test(tc, test_msr_phases);
    tcase_add_test(tc, test_pio);
    tcase_add_test(tc, test_geometry_and_attach);
    tcase_add_test(tc, test_devinfo);
    tcase_add_test(tc, test_random_traffic);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(fdc_suite());
}
