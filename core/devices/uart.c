/*
 * uart.c - the National Semiconductor PC16550D UART ("16550A"), the chip
 * behind every PC serial port since the late 1980s.
 *
 * A UART turns bytes into a serial bit stream and back. The CPU sees eight
 * byte-wide registers at a base port (0x3F8 for COM1); which register an
 * offset means depends on the direction of the access and on LCR.DLAB:
 *
 *   offset  DLAB=0 read    DLAB=0 write   DLAB=1
 *     0     RBR receive    THR transmit   DLL divisor latch, low byte
 *     1     IER interrupt enable          DLM divisor latch, high byte
 *     2     IIR interrupt identification (read) / FCR FIFO control (write)
 *     3     LCR line control
 *     4     MCR modem control
 *     5     LSR line status
 *     6     MSR modem status
 *     7     SCR scratch
 *
 * The names, bits and priorities below follow the PC16550D datasheet
 * (National Semiconductor, 1995), "Registers", tables I-IV.
 *
 * What is emulated: all the registers; the 16-byte receive FIFO with its
 * trigger levels, and the one-byte holding register when FIFOs are off; the
 * four interrupt sources with the datasheet's priorities and clearing rules;
 * overrun; loopback mode (MCR.LOOP: output feeds the receiver, and the modem
 * control outputs feed the modem status inputs), which drivers use to probe
 * for the chip; the PC wiring of the interrupt output through MCR.OUT2.
 *
 * Deliberate differences from the chip, because lab86 does not model time
 * on the serial line (baud rate, bit times):
 *   - a byte written to THR is transmitted at once: LSR.THRE and LSR.TEMT
 *     never read 0, and the divisor latch is storage only;
 *   - the character-timeout interrupt (IIR = 0xC), which the chip raises when
 *     fewer bytes than the trigger level have waited four character times,
 *     is raised as soon as such bytes are there;
 *   - the line never has parity, framing or break errors; only overrun can
 *     happen (the host sent more than the receiver holds);
 *   - the modem inputs of a port not in loopback read as a ready null-modem
 *     connection: CTS, DSR and DCD set, RI clear, never changing.
 */
#include "devices/uart.h"
#include "snapshot.h"

#include <stdlib.h>

/* Register offsets from the base port. */
#define UART_RBR 0 /* receiver buffer (read, DLAB = 0) */
#define UART_THR 0 /* transmitter holding (write, DLAB = 0) */
#define UART_DLL 0 /* divisor latch LSB (DLAB = 1) */
#define UART_IER 1 /* interrupt enable (DLAB = 0) */
#define UART_DLM 1 /* divisor latch MSB (DLAB = 1) */
#define UART_IIR 2 /* interrupt identification (read) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_MSR 6 /* modem status */
#define UART_SCR 7 /* scratch */

/* IER: which conditions may interrupt. Bits 4-7 read 0. */
#define UART_IER_ERBFI 0x01 /* received data available (and char timeout) */
#define UART_IER_ETBEI 0x02 /* transmitter holding register empty */
#define UART_IER_ELSI  0x04 /* receiver line status (errors) */
#define UART_IER_EDSSI 0x08 /* modem status change */
#define UART_IER_MASK  0x0f

/* IIR: the highest-priority pending interrupt. */
#define UART_IIR_NO_INT 0x01 /* bit 0 = 1: nothing pending */
#define UART_IIR_RLS    0x06 /* receiver line status (priority 1, highest) */
#define UART_IIR_RDA    0x04 /* received data available (priority 2) */
#define UART_IIR_CTI    0x0c /* character timeout (priority 2) */
#define UART_IIR_THRE   0x02 /* THR empty (priority 3) */
#define UART_IIR_MS     0x00 /* modem status (priority 4, lowest) */
#define UART_IIR_FIFO   0xc0 /* bits 6-7: set when FIFOs are enabled */

/* FCR: write only. Bits 1-7 are taken only in a write that sets bit 0. */
#define UART_FCR_FE         0x01 /* enable both FIFOs; changing it clears them */
#define UART_FCR_RFR        0x02 /* clear the receive FIFO (self-clearing) */
#define UART_FCR_TFR        0x04 /* clear the transmit FIFO (self-clearing) */
#define UART_FCR_DMS        0x08 /* DMA mode select (no DMA here: stored only) */
#define UART_FCR_TRIG       0xc0 /* receive trigger level: 1, 4, 8, 14 bytes */
#define UART_FCR_TRIG_SHIFT 6

/* LCR: the frame format (stored only) and DLAB. */
#define UART_LCR_WLS  0x03 /* word length: 5 + value bits */
#define UART_LCR_STB  0x04 /* stop bits: 1, or 1.5/2 */
#define UART_LCR_PEN  0x08 /* parity enable */
#define UART_LCR_EPS  0x10 /* even parity select */
#define UART_LCR_SP   0x20 /* stick parity */
#define UART_LCR_SB   0x40 /* set break */
#define UART_LCR_DLAB 0x80 /* divisor latch access: offsets 0-1 are DLL/DLM */

/* MCR: outputs to the modem. Bits 5-7 read 0. */
#define UART_MCR_DTR  0x01 /* data terminal ready */
#define UART_MCR_RTS  0x02 /* request to send */
#define UART_MCR_OUT1 0x04 /* user output 1 (unused on the PC) */
#define UART_MCR_OUT2 0x08 /* user output 2: on the PC, enables the IRQ driver */
#define UART_MCR_LOOP 0x10 /* loopback diagnostic mode */
#define UART_MCR_MASK 0x1f

/* LSR: transmitter and receiver status. */
#define UART_LSR_DR     0x01 /* data ready: a byte is waiting in RBR/the FIFO */
#define UART_LSR_OE     0x02 /* overrun error: a byte was lost */
#define UART_LSR_PE     0x04 /* parity error */
#define UART_LSR_FE     0x08 /* framing error */
#define UART_LSR_BI     0x10 /* break interrupt */
#define UART_LSR_THRE   0x20 /* THR (or the transmit FIFO) is empty */
#define UART_LSR_TEMT   0x40 /* THR and the shift register are both empty */
#define UART_LSR_ERR    0x80 /* error in the receive FIFO (PE, FE or BI) */
#define UART_LSR_ERRORS (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

/* MSR: modem inputs (bits 4-7) and their changes since the last read (0-3). */
#define UART_MSR_DCTS   0x01 /* CTS changed */
#define UART_MSR_DDSR   0x02 /* DSR changed */
#define UART_MSR_TERI   0x04 /* RI went from on to off */
#define UART_MSR_DDCD   0x08 /* DCD changed */
#define UART_MSR_CTS    0x10 /* clear to send */
#define UART_MSR_DSR    0x20 /* data set ready */
#define UART_MSR_RI     0x40 /* ring indicator */
#define UART_MSR_DCD    0x80 /* data carrier detect */
#define UART_MSR_DELTAS 0x0f

/* Modem inputs when not in loopback: a ready null-modem cable. */
#define UART_MSR_IDLE_LINES (UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD)

/* Divisor a PC BIOS programs for 9600 baud (1.8432 MHz / 16 / 9600). The
 * chip's reset leaves the latch undefined; this is what a kernel booted
 * without a BIOS finds there. */
#define UART_DEFAULT_DIVISOR 12

struct uart {
    uint8_t ier;                /* interrupt enable (UART_IER_*) */
    uint8_t lcr;                /* line control (UART_LCR_*) */
    uint8_t mcr;                /* modem control (UART_MCR_*) */
    uint8_t fcr;                /* FIFO enable, DMA mode and trigger, as last taken */
    uint8_t lsr_errors;         /* LSR error bits latched until LSR is read */
    uint8_t msr;                /* modem status: lines in bits 4-7, deltas in 0-3 */
    uint8_t scr;                /* scratch register */
    uint16_t divisor;           /* divisor latch DLM:DLL (storage only) */
    uint8_t rx[UART_FIFO_SIZE]; /* receive FIFO (entry 0 only when FIFOs are off) */
    int rx_head;                /* index of the oldest byte in rx[] */
    int rx_count;               /* bytes waiting in rx[] */
    uint8_t rbr;                /* the byte last read from RBR (read again when empty) */
    bool thr_int;               /* THRE interrupt pending (IIR read or THR write clears) */
    bool irq_level;             /* level last driven on the interrupt output */
    const struct chardev *out;  /* where transmitted bytes go */
    uart_irq_fn *irq;           /* interrupt output, or NULL */
    void *irq_opaque;           /* its argument */
    uint16_t base;              /* first port (for the tap) */
    uart_tap_fn *tap;           /* host-side observer of sent bytes, or NULL */
    void *tap_opaque;           /* its argument */
};

/* --- receive FIFO --- */

static int rx_capacity(const struct uart *u)
{
    return (u->fcr & UART_FCR_FE) ? UART_FIFO_SIZE : 1;
}

/* Bytes needed in the FIFO for a "received data available" interrupt. */
static int rx_trigger(const struct uart *u)
{
    static const int levels[4] = {1, 4, 8, 14};
    if (!(u->fcr & UART_FCR_FE))
        return 1;
    return levels[(u->fcr & UART_FCR_TRIG) >> UART_FCR_TRIG_SHIFT];
}

static void rx_clear(struct uart *u)
{
    u->rx_head = 0;
    u->rx_count = 0;
}

/* Append a byte; a full receiver loses it and flags overrun. */
static bool rx_push(struct uart *u, uint8_t byte)
{
    if (u->rx_count >= rx_capacity(u)) {
        u->lsr_errors |= UART_LSR_OE;
        return false;
    }
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
    u->rx_count++;
    return true;
}

/* Take the oldest byte; an empty receiver reads the last byte again (the
 * chip's RBR keeps its value), which is 0 after a reset. */
static uint8_t rx_pop(struct uart *u)
{
    if (u->rx_count > 0) {
        u->rbr = u->rx[u->rx_head];
        u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
        u->rx_count--;
    }
    return u->rbr;
}

/* --- interrupts --- */

/* IIR's identification bits: the pending source of highest priority that
 * IER enables (datasheet table IV). */
static uint8_t iir_source(const struct uart *u)
{
    if ((u->ier & UART_IER_ELSI) && u->lsr_errors)
        return UART_IIR_RLS;
    if ((u->ier & UART_IER_ERBFI) && u->rx_count > 0)
        return u->rx_count >= rx_trigger(u) ? UART_IIR_RDA : UART_IIR_CTI;
    if ((u->ier & UART_IER_ETBEI) && u->thr_int)
        return UART_IIR_THRE;
    if ((u->ier & UART_IER_EDSSI) && (u->msr & UART_MSR_DELTAS))
        return UART_IIR_MS;
    return UART_IIR_NO_INT;
}

/* Drive the interrupt output after any change of state. On the PC the
 * chip's INTR pin reaches the bus only through a gate opened by OUT2, and in
 * loopback mode the chip forces OUT2 inactive. */
static void update_irq(struct uart *u)
{
    bool gate = (u->mcr & (UART_MCR_OUT2 | UART_MCR_LOOP)) == UART_MCR_OUT2;
    bool level = gate && iir_source(u) != UART_IIR_NO_INT;
    if (level == u->irq_level)
        return;
    u->irq_level = level;
    if (u->irq)
        u->irq(u->irq_opaque, level);
}

/* --- modem status --- */

/* The modem input lines: from the cable, or from MCR in loopback. */
static uint8_t modem_lines(const struct uart *u)
{
    if (!(u->mcr & UART_MCR_LOOP))
        return UART_MSR_IDLE_LINES;
    uint8_t lines = 0;
    if (u->mcr & UART_MCR_RTS)
        lines |= UART_MSR_CTS;
    if (u->mcr & UART_MCR_DTR)
        lines |= UART_MSR_DSR;
    if (u->mcr & UART_MCR_OUT1)
        lines |= UART_MSR_RI;
    if (u->mcr & UART_MCR_OUT2)
        lines |= UART_MSR_DCD;
    return lines;
}

/* Take new modem input lines, latching the delta bits for what changed. */
static void set_modem_lines(struct uart *u, uint8_t lines)
{
    uint8_t old = u->msr & ~UART_MSR_DELTAS;
    uint8_t changed = old ^ lines;
    uint8_t deltas = u->msr & UART_MSR_DELTAS;
    if (changed & UART_MSR_CTS)
        deltas |= UART_MSR_DCTS;
    if (changed & UART_MSR_DSR)
        deltas |= UART_MSR_DDSR;
    if (changed & UART_MSR_DCD)
        deltas |= UART_MSR_DDCD;
    if ((old & UART_MSR_RI) && !(lines & UART_MSR_RI))
        deltas |= UART_MSR_TERI;
    u->msr = lines | deltas;
}

/* --- register writes --- */

/* THR: send the byte, or loop it back to the receiver. The THRE interrupt
 * clears on the write and is set again when the byte has gone, which here is
 * at once; the output drops and rises, so an edge-triggered PIC sees a new
 * interrupt, as it would after the chip's transmission time. */
static void write_thr(struct uart *u, uint8_t byte)
{
    u->thr_int = false;
    update_irq(u);
    if (u->mcr & UART_MCR_LOOP)
        rx_push(u, byte);
    else
        chardev_write(u->out, &byte, 1);
    if (u->tap && !(u->mcr & UART_MCR_LOOP))
        u->tap(u->tap_opaque, u->base, byte);
    u->thr_int = true;
}

/* IER: enabling the THRE interrupt while THR is empty (always, here) raises
 * it at once; drivers rely on this to start transmission. */
static void write_ier(struct uart *u, uint8_t v)
{
    uint8_t was = u->ier;
    u->ier = v & UART_IER_MASK;
    if ((u->ier & UART_IER_ETBEI) && !(was & UART_IER_ETBEI))
        u->thr_int = true;
}

/* FCR: changing the enable bit empties both FIFOs; the other bits are taken
 * only while the enable bit is written as 1. */
static void write_fcr(struct uart *u, uint8_t v)
{
    if ((v ^ u->fcr) & UART_FCR_FE)
        rx_clear(u);
    if (!(v & UART_FCR_FE)) {
        u->fcr = 0;
        return;
    }
    if (v & UART_FCR_RFR)
        rx_clear(u);
    /* UART_FCR_TFR: the transmit FIFO is always empty here. */
    u->fcr = v & (UART_FCR_FE | UART_FCR_DMS | UART_FCR_TRIG);
}

static void write_mcr(struct uart *u, uint8_t v)
{
    u->mcr = v & UART_MCR_MASK;
    set_modem_lines(u, modem_lines(u));
}

static void write_reg(struct uart *u, uint32_t offset, uint8_t v)
{
    bool dlab = (u->lcr & UART_LCR_DLAB) != 0;
    switch (offset) {
    case UART_THR:
        if (dlab)
            u->divisor = (uint16_t)((u->divisor & 0xff00) | v);
        else
            write_thr(u, v);
        break;
    case UART_IER:
        if (dlab)
            u->divisor = (uint16_t)((u->divisor & 0x00ff) | (v << 8));
        else
            write_ier(u, v);
        break;
    case UART_FCR: write_fcr(u, v); break;
    case UART_LCR: u->lcr = v; break;
    case UART_MCR: write_mcr(u, v); break;
    case UART_SCR: u->scr = v; break;
    default: /* LSR and MSR: writes are ignored (datasheet: factory test) */ break;
    }
    update_irq(u);
}

/* --- register reads (some clear state: RBR, IIR, LSR, MSR) --- */

static uint8_t read_iir(struct uart *u)
{
    uint8_t src = iir_source(u);
    if (src == UART_IIR_THRE)
        u->thr_int = false; /* reading IIR with THRE the source clears it */
    return (uint8_t)(src | ((u->fcr & UART_FCR_FE) ? UART_IIR_FIFO : 0));
}

static uint8_t read_lsr(struct uart *u)
{
    uint8_t v = u->lsr_errors | UART_LSR_THRE | UART_LSR_TEMT;
    if (u->rx_count > 0)
        v |= UART_LSR_DR;
    u->lsr_errors = 0;
    return v;
}

static uint8_t read_msr(struct uart *u)
{
    uint8_t v = u->msr;
    u->msr &= ~UART_MSR_DELTAS;
    return v;
}

static uint8_t read_reg(struct uart *u, uint32_t offset)
{
    bool dlab = (u->lcr & UART_LCR_DLAB) != 0;
    uint8_t v;
    switch (offset) {
    case UART_RBR: v = dlab ? (uint8_t)u->divisor : rx_pop(u); break;
    case UART_IER: v = dlab ? (uint8_t)(u->divisor >> 8) : u->ier; break;
    case UART_IIR: v = read_iir(u); break;
    case UART_LCR: v = u->lcr; break;
    case UART_MCR: v = u->mcr; break;
    case UART_LSR: v = read_lsr(u); break;
    case UART_MSR: v = read_msr(u); break;
    default: v = u->scr; break;
    }
    update_irq(u);
    return v;
}

/* --- the bus contract --- */

/* The chip is on an 8-bit bus: a wider access is a run of byte accesses to
 * consecutive registers, lowest first, as the PC's bus logic splits it. */
static uint32_t uart_io_read(void *opaque, uint32_t offset, int size)
{
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (uint32_t)read_reg(opaque, offset + (uint32_t)k) << (8 * k);
    return v;
}

static void uart_io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    for (int k = 0; k < size; k++)
        write_reg(opaque, offset + (uint32_t)k, (uint8_t)(value >> (8 * k)));
}

/* --- lifecycle and host input --- */

struct uart *uart_create(struct bus *b, uint16_t base, const struct chardev *out, uart_irq_fn *irq,
                         void *irq_opaque)
{
    struct uart *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    u->out = out;
    u->irq = irq;
    u->irq_opaque = irq_opaque;
    u->base = base;
    u->divisor = UART_DEFAULT_DIVISOR;
    uart_reset(u);
    if (bus_map_io(b, base, UART_NPORTS, uart_io_read, uart_io_write, u) != 0) {
        free(u);
        return NULL;
    }
    return u;
}

void uart_destroy(struct uart *u)
{
    free(u);
}

void uart_reset(struct uart *u)
{
    u->ier = 0;
    u->lcr = 0;
    u->mcr = 0;
    u->fcr = 0;
    u->lsr_errors = 0;
    u->msr = modem_lines(u); /* lines as they are, no deltas */
    u->scr = 0;
    u->thr_int = false;
    rx_clear(u);
    u->rbr = 0;
    update_irq(u);
}

bool uart_receive(struct uart *u, uint8_t byte)
{
    bool ok = rx_push(u, byte);
    update_irq(u);
    return ok;
}

void uart_set_tap(struct uart *u, uart_tap_fn *fn, void *opaque)
{
    u->tap = fn;
    u->tap_opaque = opaque;
}

int uart_rx_room(const struct uart *u)
{
    return rx_capacity(u) - u->rx_count;
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep uart_keep[] = {
    SNAP_KEEP(struct uart, out),
    SNAP_KEEP(struct uart, irq),
    SNAP_KEEP(struct uart, irq_opaque),
    SNAP_KEEP(struct uart, tap),
    SNAP_KEEP(struct uart, tap_opaque),
};

void uart_snap(struct uart *u, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, u, uart_keep);
}
