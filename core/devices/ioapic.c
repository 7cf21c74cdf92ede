/*
 * ioapic.c - the I/O APIC, after Intel's 82093AA datasheet: 24 interrupt
 * pins, each with a redirection entry that turns a request on the pin into
 * a message to local APICs (apicbus.c).
 *
 * Two registers are in memory: IOREGSEL (0x00) selects an internal
 * register, IOWIN (0x10) reads or writes it, 32 bits at a time.
 *
 *   0x00 IOAPICID   27:24 the ID
 *   0x01 IOAPICVER  0x00170011: 23:16 maximum redirection entry (23), 7:0 version 0x11
 *   0x02 IOAPICARB  27:24 the arbitration ID (the ID, read-only)
 *   0x10 + 2n       redirection entry n, low dword; 0x11 + 2n its high dword:
 *        7:0 vector, 10:8 delivery mode (fixed, lowest, SMI, NMI, INIT, ExtINT),
 *        11 logical destination, 12 delivery status (read-only; always idle:
 *        delivery is instantaneous), 13 polarity low, 14 remote IRR
 *        (read-only), 15 level-triggered, 16 masked, 63:56 destination
 *
 * An edge-triggered pin sends its message on each rising edge while
 * unmasked. A level-triggered pin sends it while the pin is asserted and
 * remote IRR is clear, and sets remote IRR; the local APIC's EOI for that
 * vector (apic_bus_eoi()) clears it, and a pin still asserted sends again.
 * Unmasking an asserted level pin sends too.
 *
 * Divergence: the polarity bit is stored but not applied. The board's
 * devices drive their lines as "asserted" whatever their electrical
 * polarity, and only ISA devices (active high) are connected; a guest
 * that sets active-low on an ISA pin would, on hardware, see it asserted
 * all the time, here it sees the device's requests.
 */
#include "ioapic.h"
#include "snapshot.h"

#include <stdlib.h>

#define REG_ID      0x00
#define REG_VERSION 0x01
#define REG_ARB     0x02
#define REG_REDIR   0x10

#define IOREGSEL 0x00
#define IOWIN    0x10

#define IOAPIC_VERSION 0x00170011u

#define RTE_VECTOR     0xffull
#define RTE_MODE_SHIFT 8
#define RTE_LOGICAL    (1ull << 11)
#define RTE_STATUS     (1ull << 12)
#define RTE_REMOTE_IRR (1ull << 14)
#define RTE_LEVEL      (1ull << 15)
#define RTE_MASKED     (1ull << 16)
#define RTE_DEST_SHIFT 56
/* What a guest may write: all but delivery status and remote IRR. */
#define RTE_WRITABLE (0xff00000000000000ull | 0x1afffull)

struct ioapic {
    struct apic_bus *ab;        /* where its messages go */
    uint32_t regsel;            /* IOREGSEL: the selected register */
    uint32_t id;                /* IOAPICID: 27:24 */
    uint64_t rte[IOAPIC_NPINS]; /* the redirection entries */
    uint32_t pins;              /* the pins' levels, one bit a pin */
};

static const struct devfield ioapic_fields[] = {
    DEVFIELD(struct ioapic, regsel, DF_U32, "IOREGSEL: the selected register"),
    DEVFIELD(struct ioapic, id, DF_U32, "IOAPICID (27:24)"),
    DEVFIELD_ARRAY(struct ioapic, rte, DF_U64, IOAPIC_NPINS, "redirection entries"),
    DEVFIELD(struct ioapic, pins, DF_U32, "pin levels, one bit a pin"),
};

/* Send pin n's message. */
static void send(struct ioapic *io, int n)
{
    uint64_t e = io->rte[n];
    struct apic_msg msg = {
        .vector = (uint8_t)(e & RTE_VECTOR),
        .delivery = (enum apic_delivery)((e >> RTE_MODE_SHIFT) & 7),
        .logical = (e & RTE_LOGICAL) != 0,
        .dest = (uint8_t)(e >> RTE_DEST_SHIFT),
        .shorthand = APIC_SH_NONE,
        .level = (e & RTE_LEVEL) != 0,
        .assert = true,
    };
    if (msg.level)
        io->rte[n] |= RTE_REMOTE_IRR;
    apic_bus_deliver(io->ab, &msg, NULL);
}

/* A level-triggered pin that is asserted, unmasked and not waiting for
 * its EOI sends. */
static void service_level(struct ioapic *io, int n)
{
    uint64_t e = io->rte[n];
    if ((e & RTE_LEVEL) && !(e & (RTE_MASKED | RTE_REMOTE_IRR)) && (io->pins >> n & 1))
        send(io, n);
}

static void pin_set(void *opaque, int n, int level)
{
    struct ioapic *io = opaque;
    uint32_t bit = 1u << n;
    bool rising = level && !(io->pins & bit);
    io->pins = level ? io->pins | bit : io->pins & ~bit;
    if (io->rte[n] & RTE_LEVEL)
        service_level(io, n);
    else if (rising && !(io->rte[n] & RTE_MASKED))
        send(io, n);
}

/* The EOI broadcast: entries of that vector may send again. */
static void eoi(void *opaque, uint8_t vector)
{
    struct ioapic *io = opaque;
    for (int n = 0; n < IOAPIC_NPINS; n++) {
        if ((io->rte[n] & RTE_VECTOR) != vector || !(io->rte[n] & RTE_REMOTE_IRR))
            continue;
        io->rte[n] &= ~RTE_REMOTE_IRR;
        service_level(io, n);
    }
}

/* --- registers --- */

static uint32_t read_reg(struct ioapic *io, uint32_t r)
{
    if (r == REG_ID || r == REG_ARB)
        return io->id;
    if (r == REG_VERSION)
        return IOAPIC_VERSION;
    if (r >= REG_REDIR && r < REG_REDIR + 2 * IOAPIC_NPINS) {
        uint64_t e = io->rte[(r - REG_REDIR) / 2];
        return (r & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
    }
    return 0; /* no register there */
}

static void write_reg(struct ioapic *io, uint32_t r, uint32_t v)
{
    if (r == REG_ID) {
        io->id = v & 0x0f000000u;
        return;
    }
    if (r < REG_REDIR || r >= REG_REDIR + 2 * IOAPIC_NPINS)
        return; /* read-only or absent */
    int n = (int)(r - REG_REDIR) / 2;
    uint64_t e = io->rte[n];
    uint64_t half = (r & 1) ? (uint64_t)v << 32 | (uint32_t)e : (e & ~0xffffffffull) | v;
    io->rte[n] = (half & RTE_WRITABLE) | (e & RTE_REMOTE_IRR);
    if (!(io->rte[n] & RTE_LEVEL))
        io->rte[n] &= ~RTE_REMOTE_IRR; /* an edge entry has no EOI to wait for */
    service_level(io, n);
}

/* Only dword accesses to IOREGSEL and IOWIN mean anything (82093AA 3.0);
 * other sizes read the low bytes of the same answer and write nothing. */
static uint32_t mmio_read(void *opaque, uint32_t off, int size)
{
    struct ioapic *io = opaque;
    uint32_t v = 0;
    if (off == IOREGSEL)
        v = io->regsel;
    else if (off == IOWIN)
        v = read_reg(io, io->regsel);
    return size >= 4 ? v : v & ((1u << (size * 8)) - 1);
}

static void mmio_write(void *opaque, uint32_t off, uint32_t value, int size)
{
    struct ioapic *io = opaque;
    if (size != 4)
        return;
    if (off == IOREGSEL)
        io->regsel = value & 0xffu;
    else if (off == IOWIN)
        write_reg(io, io->regsel, value);
}

/* --- lifecycle --- */

void ioapic_reset(struct ioapic *io)
{
    io->regsel = 0;
    for (int n = 0; n < IOAPIC_NPINS; n++)
        io->rte[n] = RTE_MASKED;
}

struct ioapic *ioapic_create(struct bus *b, uint64_t base, struct apic_bus *ab, uint8_t id)
{
    struct ioapic *io = calloc(1, sizeof *io);
    if (!io)
        return NULL;
    io->ab = ab;
    io->id = (uint32_t)(id & 0xf) << 24;
    if (bus_map_mmio(b, base, IOAPIC_SIZE, mmio_read, mmio_write, io) != 0) {
        free(io);
        return NULL;
    }
    ab->eoi = eoi;
    ab->eoi_opaque = io;
    ioapic_reset(io);
    return io;
}

void ioapic_destroy(struct ioapic *io)
{
    free(io);
}

struct irq_line ioapic_irq(struct ioapic *io, int n)
{
    if (n < 0 || n >= IOAPIC_NPINS)
        return (struct irq_line){NULL, NULL, 0};
    return (struct irq_line){pin_set, io, n};
}

size_t ioapic_devinfo(struct ioapic *io, struct devinfo *out, size_t max)
{
    if (max < 1)
        return 0;
    out[0] = (struct devinfo){"ioapic", ioapic_fields,
                              sizeof ioapic_fields / sizeof ioapic_fields[0], io};
    return 1;
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep ioapic_keep[] = {
    SNAP_KEEP(struct ioapic, ab),
};

void ioapic_snap(struct ioapic *io, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, io, ioapic_keep);
}
