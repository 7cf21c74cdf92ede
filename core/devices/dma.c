/*
 * dma.c - the Intel 8237A DMA controller, two of them as the IBM PC/AT
 * wired them, and the page registers that extend their addresses.
 *
 * DMA ("direct memory access") lets a slow device such as the floppy
 * controller move data to or from memory without the CPU copying each byte:
 * the driver programs a channel with an address, a count and a direction,
 * unmasks it, and starts the device; the device then asks the controller
 * for one transfer at a time (DREQ), and the controller puts the address on
 * the bus and strobes memory and the device together. When the count runs
 * out, the controller signals terminal count (TC), which tells the device
 * the job is done.
 *
 * The 8237A is an 8-bit chip with a 16-bit address counter, so the AT adds:
 *   - page registers (ports 0x81-0x8F, a 74LS612) giving address bits 23-16:
 *     a transfer cannot cross a 64 KiB boundary, and reaches only the first
 *     16 MiB. The other bytes of 0x80-0x8F are plain registers; 0x80 is where
 *     every BIOS writes its POST progress codes (the "port 80 card");
 *   - a second 8237A (DMA2, ports 0xC0-0xDE, even addresses only) wired one
 *     address line up: it moves 16-bit words, its counters count words, and
 *     page bits 7-1 with the 16-bit address shifted left by one form a byte
 *     address: a transfer cannot cross a 128 KiB boundary;
 *   - DMA1's bus request wired into DMA2's channel 4, which the BIOS puts in
 *     cascade mode; channels 0-3 are DMA1's, 4-7 DMA2's.
 *
 * Registers of one controller (8237A data sheet, Intel, "Register
 * Description" and table 2, "Word count and address register command
 * codes"; DMA2's are at 0xC0 + 2 * offset):
 *
 *   offset  read                     write
 *   0-7     channel n current        channel n base and current address
 *           address (2n), count      (2n) and count (2n + 1), low byte then
 *           (2n + 1), through the    high byte through the flip-flop
 *           byte-pointer flip-flop
 *   8       status                   command
 *   9       -                        request
 *   10      -                        single mask bit
 *   11      -                        mode
 *   12      -                        clear byte pointer flip-flop
 *   13      temporary                master clear
 *   14      -                        clear mask register
 *   15      -                        write all mask bits
 *
 * Emulated: the registers above; the flip-flop; autoinitialize; address
 * increment and decrement; verify, write and read transfers; TC with its
 * status bits (cleared by reading status), the channel masked at TC unless
 * autoinitializing; the controller-disable bit; cascade mode.
 *
 * The transfers are pulled, not timed: a device calls dma_transfer() when it
 * has data and moves as much as it likes at once, so demand, single and
 * block mode behave alike and priorities never matter. Not emulated:
 * memory-to-memory transfers (command bit 0; no PC device or driver uses
 * them, so the temporary register stays 0); DREQ/DACK polarity, compressed
 * timing and extended write (stored only); status bits 4-7 show only the
 * requests written to the request register. DMA1 does not wait for channel 4
 * to be unmasked in cascade mode, as it would on the board: a kernel booted
 * without a BIOS finds it masked, and its floppy driver (Linux's included)
 * never sets it up. Reads of the write-only registers float (0xFF).
 */
#include "devices/dma.h"
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

/* Register offsets (within a controller). */
#define DMA_REG_STATUS       8  /* read */
#define DMA_REG_COMMAND      8  /* write */
#define DMA_REG_REQUEST      9  /* write */
#define DMA_REG_MASK_SINGLE  10 /* write */
#define DMA_REG_MODE         11 /* write */
#define DMA_REG_CLEAR_FF     12 /* write: clear byte pointer flip-flop */
#define DMA_REG_TEMP         13 /* read */
#define DMA_REG_MASTER_CLEAR 13 /* write */
#define DMA_REG_CLEAR_MASK   14 /* write */
#define DMA_REG_MASK_ALL     15 /* write */

/* Command register. */
#define DMA_CMD_MEM2MEM 0x01 /* memory-to-memory enable (not emulated) */
#define DMA_CMD_ADHE    0x02 /* channel 0 address hold (memory-to-memory only) */
#define DMA_CMD_COND    0x04 /* controller disable */
#define DMA_CMD_COMP    0x08 /* compressed timing */
#define DMA_CMD_ROT     0x10 /* rotating priority */
#define DMA_CMD_EXTW    0x20 /* extended write selection */
#define DMA_CMD_DRQP    0x40 /* DREQ sense active low */
#define DMA_CMD_DACKP   0x80 /* DACK sense active high */

/* Mode register. */
#define DMA_MODE_CHAN     0x03 /* channel select */
#define DMA_MODE_TYPE     0x0c /* transfer type: */
#define DMA_MODE_VERIFY   0x00 /*   verify: addresses and counts only */
#define DMA_MODE_WRITE    0x04 /*   write: device to memory */
#define DMA_MODE_READ     0x08 /*   read: memory to device (0x0C: illegal) */
#define DMA_MODE_AUTOINIT 0x10 /* reload base address and count at TC */
#define DMA_MODE_DEC      0x20 /* address decrement */
#define DMA_MODE_MODE     0xc0 /* mode: */
#define DMA_MODE_DEMAND   0x00 /*   demand */
#define DMA_MODE_SINGLE   0x40 /*   single */
#define DMA_MODE_BLOCK    0x80 /*   block */
#define DMA_MODE_CASCADE  0xc0 /*   cascade: the channel passes another controller's requests */

/* Request and single mask registers. */
#define DMA_SEL_CHAN 0x03 /* channel select */
#define DMA_SEL_SET  0x04 /* set (1) or clear (0) the channel's bit */

/* Status register: bits 0-3 TC reached, bits 4-7 request pending. */
#define DMA_STATUS_REQ_SHIFT 4

/* The channel whose page register each port 0x80-0x8F is (AT wiring); -1:
 * a scratch register (0x80: the POST code; 0x8F: DMA1's "refresh" page). */
static const int8_t page_port_channel[DMA_NPORTS_PAGE] = {
    -1, 2, 3, 1, -1, -1, -1, 0, -1, 6, 7, 5, -1, -1, -1, -1,
};

struct dma_channel {
    uint16_t base_addr;  /* base address: reloaded into cur_addr at autoinit */
    uint16_t base_count; /* base count: transfers - 1 */
    uint16_t cur_addr;   /* current address (in words on DMA2) */
    uint16_t cur_count;  /* current count; TC when it rolls from 0 to 0xFFFF */
    uint8_t mode;        /* mode register, bits 7-2 (DMA_MODE_*) */
    uint8_t page;        /* page register: address bits 23-16 (23-17 on DMA2) */
    bool at_tc;          /* the last dma_transfer() ended at terminal count */
};

struct dma_ctrl {
    uint8_t command;   /* command register (DMA_CMD_*) */
    uint8_t mask;      /* mask bits of channels 0-3 (1: masked) */
    uint8_t request;   /* software request bits of channels 0-3 */
    uint8_t status_tc; /* TC reached bits of channels 0-3; reading status clears */
    uint8_t temp;      /* temporary register (memory-to-memory only: stays 0) */
    bool flipflop;     /* byte pointer flip-flop: true = high byte next */
};

struct dma {
    struct bus *bus;                     /* guest memory */
    struct dma_ctrl ctrl[2];             /* DMA1 (channels 0-3), DMA2 (4-7) */
    struct dma_channel ch[DMA_CHANNELS]; /* the channels, by PC number */
    uint8_t scratch[DMA_NPORTS_PAGE];    /* ports 0x80-0x8F that are no page register */
};

static struct dma_ctrl *ctrl_of(struct dma *d, int n)
{
    return &d->ctrl[n >> 2];
}

static uint8_t bit_of(int n)
{
    return (uint8_t)(1u << (n & 3));
}

/* --- transfers --- */

/* The physical address of channel n's next transfer. */
static uint64_t channel_address(const struct dma *d, int n)
{
    const struct dma_channel *ch = &d->ch[n];
    if (n < 4)
        return (uint64_t)ch->page << 16 | ch->cur_addr;
    return (uint64_t)(ch->page & 0xfe) << 16 | (uint64_t)ch->cur_addr << 1;
}

/* After one transfer: step the address, count down, and at terminal count
 * set the status bit, drop the software request, and reload or mask. */
static void advance(struct dma *d, int n)
{
    struct dma_channel *ch = &d->ch[n];
    struct dma_ctrl *k = ctrl_of(d, n);
    ch->cur_addr = (uint16_t)(ch->cur_addr + ((ch->mode & DMA_MODE_DEC) ? 0xffff : 1));
    if (ch->cur_count-- != 0)
        return;
    ch->at_tc = true;
    k->status_tc |= bit_of(n);
    k->request &= (uint8_t)~bit_of(n);
    if (ch->mode & DMA_MODE_AUTOINIT) {
        ch->cur_addr = ch->base_addr;
        ch->cur_count = ch->base_count;
    } else {
        k->mask |= bit_of(n);
    }
}

int dma_transfer(struct dma *d, int n, uint8_t *buf, int len, bool to_memory)
{
    if (!dma_channel_ready(d, n) || len <= 0)
        return 0;
    struct dma_channel *ch = &d->ch[n];
    int unit = n < 4 ? 1 : 2;
    uint8_t type = ch->mode & DMA_MODE_TYPE;
    bool moves = type == (to_memory ? DMA_MODE_WRITE : DMA_MODE_READ);
    int done = 0;
    ch->at_tc = false;
    while (done + unit <= len && !ch->at_tc) {
        uint64_t pa = channel_address(d, n);
        uint8_t *p = buf + done;
        if (moves && to_memory)
            bus_mem_write(d->bus, pa, ld_le(p, unit), unit);
        else if (moves)
            st_le(p, bus_mem_read(d->bus, pa, unit), unit);
        else if (!to_memory)
            memset(p, 0xff, (size_t)unit); /* nothing drives the data bus */
        done += unit;
        advance(d, n);
    }
    return done;
}

bool dma_channel_ready(const struct dma *d, int n)
{
    if (n < 0 || n >= DMA_CHANNELS)
        return false;
    const struct dma_ctrl *k = &d->ctrl[n >> 2];
    return !(k->command & DMA_CMD_COND) && !(k->mask & bit_of(n)) &&
           (d->ch[n].mode & DMA_MODE_MODE) != DMA_MODE_CASCADE;
}

bool dma_terminal_count(const struct dma *d, int n)
{
    return n >= 0 && n < DMA_CHANNELS && d->ch[n].at_tc;
}

/* --- controller registers --- */

static void master_clear(struct dma_ctrl *k)
{
    *k = (struct dma_ctrl){0};
    k->mask = 0x0f;
}

/* Offsets 0-7: address and count, a byte at a time through the flip-flop. */
static uint8_t read_addr_count(struct dma *d, int c, uint32_t reg)
{
    struct dma_ctrl *k = &d->ctrl[c];
    struct dma_channel *ch = &d->ch[c * 4 + (int)(reg >> 1)];
    uint16_t v = (reg & 1) ? ch->cur_count : ch->cur_addr;
    uint8_t byte = k->flipflop ? (uint8_t)(v >> 8) : (uint8_t)v;
    k->flipflop = !k->flipflop;
    return byte;
}

/* A write goes to the base register and the current one alike. */
static void write_addr_count(struct dma *d, int c, uint32_t reg, uint8_t v)
{
    struct dma_ctrl *k = &d->ctrl[c];
    struct dma_channel *ch = &d->ch[c * 4 + (int)(reg >> 1)];
    uint16_t *base = (reg & 1) ? &ch->base_count : &ch->base_addr;
    if (k->flipflop)
        *base = (uint16_t)((*base & 0x00ff) | v << 8);
    else
        *base = (uint16_t)((*base & 0xff00) | v);
    if (reg & 1)
        ch->cur_count = *base;
    else
        ch->cur_addr = *base;
    k->flipflop = !k->flipflop;
}

static void write_select(uint8_t *bits, uint8_t v)
{
    uint8_t b = bit_of(v & DMA_SEL_CHAN);
    *bits = (v & DMA_SEL_SET) ? (uint8_t)(*bits | b) : (uint8_t)(*bits & ~b);
}

static uint8_t ctrl_read(struct dma *d, int c, uint32_t reg)
{
    struct dma_ctrl *k = &d->ctrl[c];
    uint8_t v;
    if (reg < 8)
        return read_addr_count(d, c, reg);
    switch (reg) {
    case DMA_REG_STATUS:
        v = (uint8_t)(k->status_tc | k->request << DMA_STATUS_REQ_SHIFT);
        k->status_tc = 0;
        return v;
    case DMA_REG_TEMP: return k->temp;
    default: return 0xff; /* write-only registers do not drive the bus */
    }
}

static void ctrl_write(struct dma *d, int c, uint32_t reg, uint8_t v)
{
    struct dma_ctrl *k = &d->ctrl[c];
    switch (reg) {
    case DMA_REG_COMMAND: k->command = v; break;
    case DMA_REG_REQUEST: write_select(&k->request, v); break;
    case DMA_REG_MASK_SINGLE: write_select(&k->mask, v); break;
    case DMA_REG_MODE: d->ch[c * 4 + (v & DMA_MODE_CHAN)].mode = v & (uint8_t)~DMA_MODE_CHAN; break;
    case DMA_REG_CLEAR_FF: k->flipflop = false; break;
    case DMA_REG_MASTER_CLEAR: master_clear(k); break;
    case DMA_REG_CLEAR_MASK: k->mask = 0; break;
    case DMA_REG_MASK_ALL: k->mask = v & 0x0f; break;
    default: write_addr_count(d, c, reg, v); break;
    }
}

/* --- the bus contract: three ranges, each of 8-bit registers --- */

static uint8_t dma1_read(struct dma *d, uint32_t offset)
{
    return ctrl_read(d, 0, offset);
}

static void dma1_write(struct dma *d, uint32_t offset, uint8_t v)
{
    ctrl_write(d, 0, offset, v);
}

/* DMA2 answers on even ports only; the odd ones are not decoded. */
static uint8_t dma2_read(struct dma *d, uint32_t offset)
{
    return (offset & 1) ? 0xff : ctrl_read(d, 1, offset >> 1);
}

static void dma2_write(struct dma *d, uint32_t offset, uint8_t v)
{
    if (!(offset & 1))
        ctrl_write(d, 1, offset >> 1, v);
}

static uint8_t page_read(struct dma *d, uint32_t offset)
{
    int n = page_port_channel[offset];
    return n < 0 ? d->scratch[offset] : d->ch[n].page;
}

static void page_write(struct dma *d, uint32_t offset, uint8_t v)
{
    int n = page_port_channel[offset];
    if (n < 0)
        d->scratch[offset] = v;
    else
        d->ch[n].page = v;
}

typedef uint8_t dma_byte_read_fn(struct dma *d, uint32_t offset);
typedef void dma_byte_write_fn(struct dma *d, uint32_t offset, uint8_t v);

/* A wider access is a run of byte accesses to consecutive ports. */
static uint32_t split_read(void *opaque, dma_byte_read_fn *fn, uint32_t offset, int size)
{
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (uint32_t)fn(opaque, offset + (uint32_t)k) << (8 * k);
    return v;
}

static void split_write(void *opaque, dma_byte_write_fn *fn, uint32_t offset, uint32_t v, int size)
{
    for (int k = 0; k < size; k++)
        fn(opaque, offset + (uint32_t)k, (uint8_t)(v >> (8 * k)));
}

static uint32_t dma1_io_read(void *opaque, uint32_t offset, int size)
{
    return split_read(opaque, dma1_read, offset, size);
}

static void dma1_io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    split_write(opaque, dma1_write, offset, value, size);
}

static uint32_t dma2_io_read(void *opaque, uint32_t offset, int size)
{
    return split_read(opaque, dma2_read, offset, size);
}

static void dma2_io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    split_write(opaque, dma2_write, offset, value, size);
}

static uint32_t page_io_read(void *opaque, uint32_t offset, int size)
{
    return split_read(opaque, page_read, offset, size);
}

static void page_io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    split_write(opaque, page_write, offset, value, size);
}

/* --- field tables, lifecycle --- */

static const struct devfield dma_fields[] = {
    {"post_code", DF_U8, offsetof(struct dma, scratch), 1, "port 0x80: the last POST code"},
    DEVFIELD_ARRAY(struct dma, scratch, DF_BYTES, DMA_NPORTS_PAGE,
                   "ports 0x80-0x8F that are no page register"),
};

static const struct devfield ctrl_fields[] = {
    DEVFIELD(struct dma_ctrl, command, DF_U8, "command register"),
    DEVFIELD(struct dma_ctrl, mask, DF_U8, "mask bits (1: channel masked)"),
    DEVFIELD(struct dma_ctrl, request, DF_U8, "software request bits"),
    DEVFIELD(struct dma_ctrl, status_tc, DF_U8, "TC reached bits (status 0-3)"),
    DEVFIELD(struct dma_ctrl, temp, DF_U8, "temporary register"),
    DEVFIELD(struct dma_ctrl, flipflop, DF_BOOL, "byte pointer flip-flop: high byte next"),
};

static const struct devfield channel_fields[] = {
    DEVFIELD(struct dma_channel, base_addr, DF_U16, "base address"),
    DEVFIELD(struct dma_channel, base_count, DF_U16, "base count (transfers - 1)"),
    DEVFIELD(struct dma_channel, cur_addr, DF_U16, "current address"),
    DEVFIELD(struct dma_channel, cur_count, DF_U16, "current count"),
    DEVFIELD(struct dma_channel, mode, DF_U8, "mode: mode, dec, autoinit, type"),
    DEVFIELD(struct dma_channel, page, DF_U8, "page register (address bits 23-16)"),
    DEVFIELD(struct dma_channel, at_tc, DF_BOOL, "last transfer ended at TC"),
};

#define NFIELDS(t) (sizeof(t) / sizeof((t)[0]))

size_t dma_devinfo(struct dma *d, struct devinfo *out, size_t max)
{
    static const char *const ch_names[DMA_CHANNELS] = {
        "dma.ch0", "dma.ch1", "dma.ch2", "dma.ch3", "dma.ch4", "dma.ch5", "dma.ch6", "dma.ch7",
    };
    struct devinfo all[3 + DMA_CHANNELS] = {
        {"dma", dma_fields, NFIELDS(dma_fields), d},
        {"dma.ctrl1", ctrl_fields, NFIELDS(ctrl_fields), &d->ctrl[0]},
        {"dma.ctrl2", ctrl_fields, NFIELDS(ctrl_fields), &d->ctrl[1]},
    };
    for (int n = 0; n < DMA_CHANNELS; n++)
        all[3 + n] =
            (struct devinfo){ch_names[n], channel_fields, NFIELDS(channel_fields), &d->ch[n]};
    size_t count = max < NFIELDS(all) ? max : NFIELDS(all);
    memcpy(out, all, count * sizeof all[0]);
    return count;
}

struct dma *dma_create(struct bus *b)
{
    if (b->n_io > BUS_MAX_IO - 3) /* all three ranges or none */
        return NULL;
    struct dma *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->bus = b;
    dma_reset(d);
    bus_map_io(b, DMA_PORT_DMA1, DMA_NPORTS_DMA1, dma1_io_read, dma1_io_write, d);
    bus_map_io(b, DMA_PORT_PAGE, DMA_NPORTS_PAGE, page_io_read, page_io_write, d);
    bus_map_io(b, DMA_PORT_DMA2, DMA_NPORTS_DMA2, dma2_io_read, dma2_io_write, d);
    return d;
}

void dma_destroy(struct dma *d)
{
    free(d);
}

void dma_reset(struct dma *d)
{
    master_clear(&d->ctrl[0]);
    master_clear(&d->ctrl[1]);
    memset(d->ch, 0, sizeof d->ch);
    memset(d->scratch, 0, sizeof d->scratch);
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep dma_keep[] = {
    SNAP_KEEP(struct dma, bus),
};

void dma_snap(struct dma *d, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, d, dma_keep);
}
