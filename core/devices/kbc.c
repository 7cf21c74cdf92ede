/*
 * kbc.c - the 8042 keyboard controller: the Intel 8042 microcontroller that
 * IBM programmed to sit between the CPU and the keyboard in the PC/AT, and
 * that every PC since has kept (in the PS/2 version, with a second port for
 * the mouse), today as a few gates inside the chipset.
 *
 * The CPU sees two ports:
 *
 *   0x60  read:  the output buffer: a byte from the keyboard, the mouse or
 *                the controller itself
 *         write: the input buffer: a parameter of the last controller command,
 *                or else a byte for the keyboard
 *   0x64  read:  the status register (KBC_STATUS_*)
 *         write: a controller command (KBC_CMD_*)
 *
 * The controller's state that matters most is its command byte (internal
 * RAM byte 0: interrupts, port enables, translation; KBC_CB_*) and its output
 * port (the CPU's reset line and the A20 gate; KBC_OUT_*). The output buffer
 * holds one byte; when it is full with keyboard data the controller raises
 * IRQ 1, with mouse data IRQ 12, each if the command byte enables it. The
 * line stays high until the CPU reads port 0x60 (the PIC's ELCR decides
 * whether that counts as an edge or a level).
 *
 * Translation: with KBC_CB_XLAT on, every byte from the keyboard passes the
 * set 2 -> set 1 table (ps2kbd_set1_code()) on its way in, and a 0xF0 (set
 * 2's "released") is swallowed and sets bit 7 of the byte after it. So the
 * keyboard's 0xE0 0xF0 0x75 (Up released) arrives as 0xE0 0xC8, and its
 * identity 0xAB 0x83 as 0xAB 0x41, as on a real PC.
 *
 * Time: a device byte reaches the output buffer KBC_XFER_NS after the buffer
 * became free (read by the CPU) or after the device produced it, whichever
 * is later, through a clock timer; never at once, so each byte is a separate
 * interrupt with the line low in between, and never by the host's clock, so
 * runs are deterministic. The controller's own answers (to 0x20, 0xAA ...)
 * are loaded at once when the buffer is free, else as soon as it is read.
 *
 * Sources: IBM PS/2 Hardware Interface Technical Reference, "Keyboard and
 * Auxiliary Device Controller" (1988) for the registers and commands;
 * rombios.c keyboard_init (FIRMWARE.md 1a), SeaBIOS src/hw/ps2port.c and
 * Linux drivers/input/serio/i8042.c for what firmware and kernels send.
 *
 * What is emulated: the status register; the 32 bytes of internal RAM
 * (0x20-0x3F, 0x60-0x7F); commands 0xA1, 0xA4, 0xA7-0xAB, 0xAD, 0xAE, 0xC0,
 * 0xD0-0xD4, 0xDD, 0xDF, 0xE0, 0xF0-0xFF; translation; the output port's
 * reset and A20 lines; keyboard before mouse when both have a byte ready;
 * writing a byte to a device clears its disable bit, as the 8042 enables the
 * clock line to send it (QEMU and Linux rely on this too).
 *
 * Deliberate differences from the chip:
 *   - the controller powers up as a BIOS leaves it after POST (command byte
 *     0x65: IRQ 1, system flag, mouse disabled, translation), because lab86
 *     also boots kernels without a BIOS and teaching kernels expect a working
 *     set 1 keyboard; a BIOS rewrites it anyway;
 *   - a write is taken at once: the input buffer full bit (IBF) never reads 1,
 *     and there are no timeout or parity errors (both devices are always
 *     there and never garble a byte);
 *   - the reset line is a pulse: writing 0 to output port bit 0 calls the
 *     reset callback and the bit reads back 1 (the CPU restarted); a pulse of
 *     the other output lines (0xF0-0xFE, bits 1-3) does nothing;
 *   - writing output port bits 4-5 (the IRQ outputs) does not raise IRQs;
 *   - no password (0xA4 answers "none installed"; 0xA5/0xA6 are ignored) and
 *     no 0xC1/0xC2 input port polling; unknown commands are ignored.
 */
#include "devices/kbc.h"
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

/* Status register (port 0x64, read). */
#define KBC_STATUS_OBF     0x01 /* output buffer full: a byte waits at port 0x60 */
#define KBC_STATUS_IBF     0x02 /* input buffer full (never: writes are taken at once) */
#define KBC_STATUS_SYS     0x04 /* system flag: set by self test, copied from KBC_CB_SYS */
#define KBC_STATUS_A2      0x08 /* the last write was to 0x64 (a command), not 0x60 */
#define KBC_STATUS_INH     0x10 /* 1: keyboard not inhibited by the keylock switch */
#define KBC_STATUS_AUXB    0x20 /* the output buffer holds mouse data */
#define KBC_STATUS_TIMEOUT 0x40 /* a device did not answer (never here) */
#define KBC_STATUS_PARITY  0x80 /* a byte arrived with bad parity (never here) */

/* Command byte (internal RAM byte 0; read with 0x20, written with 0x60). */
#define KBC_CB_KBD_INT 0x01 /* raise IRQ 1 for keyboard data */
#define KBC_CB_AUX_INT 0x02 /* raise IRQ 12 for mouse data */
#define KBC_CB_SYS     0x04 /* system flag, copied to KBC_STATUS_SYS */
#define KBC_CB_IGNLOCK 0x08 /* ignore the keylock switch (stored only) */
#define KBC_CB_KBD_DIS 0x10 /* keyboard port disabled (clock held low) */
#define KBC_CB_AUX_DIS 0x20 /* mouse port disabled */
#define KBC_CB_XLAT    0x40 /* translate keyboard bytes from set 2 to set 1 */
#define KBC_CB_POWERON (KBC_CB_XLAT | KBC_CB_AUX_DIS | KBC_CB_SYS | KBC_CB_KBD_INT)

/* Controller commands (port 0x64, write). */
#define KBC_CMD_READ_RAM      0x20 /* 0x20-0x3F: answer RAM byte (cmd & 0x1F) */
#define KBC_CMD_READ_RAM_END  0x3f
#define KBC_CMD_WRITE_RAM     0x60 /* 0x60-0x7F: next 0x60 byte -> RAM byte (cmd & 0x1F) */
#define KBC_CMD_WRITE_RAM_END 0x7f
#define KBC_CMD_VERSION       0xa1 /* answer a version byte (AMI controllers) */
#define KBC_CMD_PASSWORD      0xa4 /* answer whether a password is installed */
#define KBC_CMD_AUX_DISABLE   0xa7 /* set KBC_CB_AUX_DIS */
#define KBC_CMD_AUX_ENABLE    0xa8 /* clear KBC_CB_AUX_DIS */
#define KBC_CMD_AUX_TEST      0xa9 /* answer the mouse interface test */
#define KBC_CMD_SELF_TEST     0xaa /* answer the controller self test */
#define KBC_CMD_KBD_TEST      0xab /* answer the keyboard interface test */
#define KBC_CMD_KBD_DISABLE   0xad /* set KBC_CB_KBD_DIS */
#define KBC_CMD_KBD_ENABLE    0xae /* clear KBC_CB_KBD_DIS */
#define KBC_CMD_READ_INPUT    0xc0 /* answer the input port */
#define KBC_CMD_READ_OUTPUT   0xd0 /* answer the output port */
#define KBC_CMD_WRITE_OUTPUT  0xd1 /* next 0x60 byte -> output port */
#define KBC_CMD_WRITE_KBD_BUF 0xd2 /* next 0x60 byte -> output buffer, as keyboard data */
#define KBC_CMD_WRITE_AUX_BUF 0xd3 /* next 0x60 byte -> output buffer, as mouse data */
#define KBC_CMD_WRITE_AUX     0xd4 /* next 0x60 byte -> the mouse */
#define KBC_CMD_A20_OFF       0xdd /* clear KBC_OUT_A20 */
#define KBC_CMD_A20_ON        0xdf /* set KBC_OUT_A20 */
#define KBC_CMD_READ_TEST     0xe0 /* answer the test inputs */
#define KBC_CMD_PULSE         0xf0 /* 0xF0-0xFF: pulse output port bits 0-3 where cmd has 0 */
#define KBC_CMD_PULSE_RESET   0x01 /* ... bit 0: the CPU's reset line (0xFE) */
#define KBC_CMD_PULSE_END     0xff

/* Answers. */
#define KBC_SELF_TEST_OK 0x55 /* 0xAA passed */
#define KBC_IFACE_OK     0x00 /* 0xA9/0xAB: clock and data lines fine */
#define KBC_NO_PASSWORD  0xf1 /* 0xA4: no password installed */
#define KBC_VERSION_BYTE 0x00 /* 0xA1: a controller without an AMI version letter */

/* Output port (0xD0/0xD1). */
#define KBC_OUT_RESET     0x01 /* 0: hold the CPU in reset */
#define KBC_OUT_A20       0x02 /* A20 gate: 1 lets address line 20 through */
#define KBC_OUT_AUX_LINES 0x0c /* mouse clock and data (PS/2), idle high */
#define KBC_OUT_KBD_OBF   0x10 /* output buffer full of keyboard data (the IRQ 1 pin) */
#define KBC_OUT_AUX_OBF   0x20 /* output buffer full of mouse data (the IRQ 12 pin) */
#define KBC_OUT_KBD_CLOCK 0x40 /* keyboard clock line */
#define KBC_OUT_KBD_DATA  0x80 /* keyboard data line */
#define KBC_OUT_POWERON                                                                            \
    (KBC_OUT_KBD_DATA | KBC_OUT_KBD_CLOCK | KBC_OUT_AUX_LINES | KBC_OUT_A20 | KBC_OUT_RESET)

/* Input port (0xC0) and test inputs (0xE0). */
#define KBC_IN_NOT_INHIBITED 0x80 /* keylock switch open; the other bits read 0 */
#define KBC_TEST_KBD_CLOCK   0x01 /* T0: keyboard clock line (low when disabled) */
#define KBC_TEST_AUX_CLOCK   0x02 /* T1: mouse clock line (low when disabled) */

/* Time from "output buffer free and a device byte ready" to the byte being
 * in the buffer. A real device clocks an 11-bit frame out in 0.7-1.1 ms; lab86
 * takes 100 us, so that the Bochs BIOS's polling loops (65535 reads of port
 * 0x64, FIRMWARE.md 1a) see each byte under any plausible --cpu-mhz. */
#define KBC_XFER_NS 100000u

#define KBC_RAM_SIZE   32 /* internal RAM bytes reachable by 0x20/0x60 */
#define KBC_RAM_MASK   0x1f
#define SET2_BREAK     0xf0 /* set 2's release prefix, folded by translation */
#define SET1_BREAK_BIT 0x80

struct kbc {
    uint8_t status;                /* KBC_STATUS_* as port 0x64 reads */
    uint8_t cb;                    /* command byte (RAM byte 0), KBC_CB_* */
    uint8_t ram[KBC_RAM_SIZE - 1]; /* RAM bytes 1-31 (stored only) */
    uint8_t outport;               /* output port, KBC_OUT_* (OBF bits computed on read) */
    uint8_t obuf;                  /* output buffer: the byte port 0x60 reads */
    uint8_t pending_cmd;           /* command waiting for its byte at port 0x60; 0: none */
    bool reply_pending;            /* a controller answer waits for the output buffer */
    uint8_t reply;                 /* that answer */
    bool reply_aux;                /* it goes out as mouse data (0xD3) */
    bool xlat_break;               /* translation swallowed a 0xF0: set bit 7 of the next */
    bool irq1_level;               /* level driven on IRQ 1 */
    bool irq12_level;              /* level driven on IRQ 12 */
    struct clock_timer xfer;       /* a device byte reaches the output buffer */
    struct ps2kbd *kbd;            /* port 1 */
    struct ps2mouse *mouse;        /* port 2 (auxiliary) */
    struct clock *clock;           /* virtual time */
    struct irq_line irq1;          /* keyboard interrupt */
    struct irq_line irq12;         /* mouse interrupt */
    kbc_a20_fn *a20;               /* the A20 gate's consumer, or NULL */
    kbc_reset_fn *reset;           /* the CPU reset line's consumer, or NULL */
    void *host;                    /* their argument */
};

/* --- the output buffer and the interrupt lines --- */

static void drive(const struct irq_line *line, bool *level, bool want)
{
    if (*level != want) {
        *level = want;
        irq_set(line, want);
    }
}

static void update_irq(struct kbc *k)
{
    bool full = k->status & KBC_STATUS_OBF;
    bool aux = k->status & KBC_STATUS_AUXB;
    drive(&k->irq1, &k->irq1_level, full && !aux && (k->cb & KBC_CB_KBD_INT));
    drive(&k->irq12, &k->irq12_level, full && aux && (k->cb & KBC_CB_AUX_INT));
}

static void load_obuf(struct kbc *k, uint8_t b, bool aux)
{
    k->obuf = b;
    k->status |= KBC_STATUS_OBF;
    if (aux)
        k->status |= KBC_STATUS_AUXB;
    else
        k->status &= ~KBC_STATUS_AUXB;
    update_irq(k);
}

static bool kbd_ready(const struct kbc *k)
{
    return !(k->cb & KBC_CB_KBD_DIS) && ps2kbd_has_data(k->kbd);
}

static bool aux_ready(const struct kbc *k)
{
    return !(k->cb & KBC_CB_AUX_DIS) && ps2mouse_has_data(k->mouse);
}

/* Fill a free output buffer: the controller's own answer at once, a device
 * byte after the transfer time. Called after every change of state. */
static void service(struct kbc *k)
{
    if (k->status & KBC_STATUS_OBF)
        return;
    if (k->reply_pending) {
        k->reply_pending = false;
        load_obuf(k, k->reply, k->reply_aux);
        return;
    }
    if (k->xfer.when == CLOCK_NEVER && (kbd_ready(k) || aux_ready(k))) {
        uint64_t t = clock_ns_to_cycles(k->clock, KBC_XFER_NS);
        clock_arm(k->clock, &k->xfer, clock_now(k->clock) + (t ? t : 1));
    }
}

/* The transfer time is up: take a byte from the keyboard, else the mouse. */
static void xfer_done(void *opaque, uint64_t now)
{
    struct kbc *k = opaque;
    (void)now;
    if (k->status & KBC_STATUS_OBF)
        return; /* filled meanwhile (0xD2, an answer); the read re-arms */
    if (kbd_ready(k)) {
        uint8_t b = (uint8_t)ps2kbd_read(k->kbd);
        if ((k->cb & KBC_CB_XLAT) && b == SET2_BREAK) {
            k->xlat_break = true; /* swallowed: only the next byte shows it */
        } else {
            if (k->cb & KBC_CB_XLAT) {
                b = (uint8_t)(ps2kbd_set1_code(b) | (k->xlat_break ? SET1_BREAK_BIT : 0));
                k->xlat_break = false;
            }
            load_obuf(k, b, false);
        }
    } else if (aux_ready(k)) {
        load_obuf(k, (uint8_t)ps2mouse_read(k->mouse), true);
    }
    service(k);
}

/* A device has a new byte. */
static void device_notify(void *opaque)
{
    service(opaque);
}

/* The controller answers a command (or 0xD2/0xD3 inject a byte). */
static void answer(struct kbc *k, uint8_t b, bool aux)
{
    k->reply = b;
    k->reply_aux = aux;
    k->reply_pending = true;
    service(k);
}

/* --- registers --- */

static void set_cb(struct kbc *k, uint8_t v)
{
    k->cb = v;
    if (v & KBC_CB_SYS)
        k->status |= KBC_STATUS_SYS;
    else
        k->status &= ~KBC_STATUS_SYS;
    update_irq(k);
    service(k);
}

static void write_outport(struct kbc *k, uint8_t v)
{
    bool a20_was = k->outport & KBC_OUT_A20;
    k->outport = v | KBC_OUT_RESET; /* reset is a pulse: the line comes back up */
    if (((v & KBC_OUT_A20) != 0) != a20_was && k->a20)
        k->a20(k->host, v & KBC_OUT_A20);
    if (!(v & KBC_OUT_RESET) && k->reset)
        k->reset(k->host);
}

/* The output port as 0xD0 reads it: the IRQ pins show the buffer. */
static uint8_t read_outport(const struct kbc *k)
{
    uint8_t v = k->outport & ~(KBC_OUT_KBD_OBF | KBC_OUT_AUX_OBF);
    if (k->status & KBC_STATUS_OBF)
        v |= (k->status & KBC_STATUS_AUXB) ? KBC_OUT_AUX_OBF : KBC_OUT_KBD_OBF;
    return v;
}

static uint8_t read_test_inputs(const struct kbc *k)
{
    uint8_t v = 0;
    if (!(k->cb & KBC_CB_KBD_DIS))
        v |= KBC_TEST_KBD_CLOCK;
    if (!(k->cb & KBC_CB_AUX_DIS))
        v |= KBC_TEST_AUX_CLOCK;
    return v;
}

static uint8_t read_ram(const struct kbc *k, uint8_t index)
{
    return index == 0 ? k->cb : k->ram[index - 1];
}

/* Port 0x64, write: a controller command. */
static void write_command(struct kbc *k, uint8_t cmd)
{
    k->status |= KBC_STATUS_A2;
    k->pending_cmd = 0; /* a new command abandons one still waiting for its byte */
    switch (cmd) {
    case KBC_CMD_READ_RAM ... KBC_CMD_READ_RAM_END:
        answer(k, read_ram(k, cmd & KBC_RAM_MASK), false);
        break;
    case KBC_CMD_WRITE_RAM ... KBC_CMD_WRITE_RAM_END:
    case KBC_CMD_WRITE_OUTPUT:
    case KBC_CMD_WRITE_KBD_BUF:
    case KBC_CMD_WRITE_AUX_BUF:
    case KBC_CMD_WRITE_AUX: k->pending_cmd = cmd; break;
    case KBC_CMD_VERSION: answer(k, KBC_VERSION_BYTE, false); break;
    case KBC_CMD_PASSWORD: answer(k, KBC_NO_PASSWORD, false); break;
    case KBC_CMD_AUX_DISABLE: set_cb(k, k->cb | KBC_CB_AUX_DIS); break;
    case KBC_CMD_AUX_ENABLE: set_cb(k, k->cb & ~KBC_CB_AUX_DIS); break;
    case KBC_CMD_AUX_TEST:
    case KBC_CMD_KBD_TEST: answer(k, KBC_IFACE_OK, false); break;
    case KBC_CMD_SELF_TEST:
        k->status |= KBC_STATUS_SYS;
        answer(k, KBC_SELF_TEST_OK, false);
        break;
    case KBC_CMD_KBD_DISABLE: set_cb(k, k->cb | KBC_CB_KBD_DIS); break;
    case KBC_CMD_KBD_ENABLE: set_cb(k, k->cb & ~KBC_CB_KBD_DIS); break;
    case KBC_CMD_READ_INPUT: answer(k, KBC_IN_NOT_INHIBITED, false); break;
    case KBC_CMD_READ_OUTPUT: answer(k, read_outport(k), false); break;
    case KBC_CMD_A20_OFF: write_outport(k, k->outport & ~KBC_OUT_A20); break;
    case KBC_CMD_A20_ON: write_outport(k, k->outport | KBC_OUT_A20); break;
    case KBC_CMD_READ_TEST: answer(k, read_test_inputs(k), false); break;
    case KBC_CMD_PULSE ... KBC_CMD_PULSE_END:
        if (!(cmd & KBC_CMD_PULSE_RESET) && k->reset)
            k->reset(k->host);
        break;
    default: break; /* undefined: a real 8042 ignores it */
    }
}

/* Port 0x60, write: the byte a command waits for, or else one for the
 * keyboard. */
static void write_data(struct kbc *k, uint8_t v)
{
    uint8_t cmd = k->pending_cmd;
    k->status &= ~KBC_STATUS_A2;
    k->pending_cmd = 0;
    switch (cmd) {
    case KBC_CMD_WRITE_RAM: set_cb(k, v); break;
    case KBC_CMD_WRITE_RAM + 1 ... KBC_CMD_WRITE_RAM_END:
        k->ram[(cmd & KBC_RAM_MASK) - 1] = v;
        break;
    case KBC_CMD_WRITE_OUTPUT: write_outport(k, v); break;
    case KBC_CMD_WRITE_KBD_BUF: answer(k, v, false); break;
    case KBC_CMD_WRITE_AUX_BUF: answer(k, v, true); break;
    case KBC_CMD_WRITE_AUX:
        set_cb(k, k->cb & ~KBC_CB_AUX_DIS);
        ps2mouse_write(k->mouse, v);
        break;
    default:
        set_cb(k, k->cb & ~KBC_CB_KBD_DIS);
        ps2kbd_write(k->kbd, v);
        break;
    }
}

/* Port 0x60, read: the output buffer. Read again with nothing new, it gives
 * the same byte (the buffer keeps it; DOS extenders rely on this). */
static uint8_t read_data(struct kbc *k)
{
    if (k->status & KBC_STATUS_OBF) {
        k->status &= ~(KBC_STATUS_OBF | KBC_STATUS_AUXB);
        update_irq(k);
        service(k);
    }
    return k->obuf;
}

/* --- the bus contract: two one-byte ranges, so size is always 1 --- */

static uint32_t data_io_read(void *opaque, uint32_t offset, int size)
{
    (void)offset;
    (void)size;
    return read_data(opaque);
}

static void data_io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    (void)offset;
    (void)size;
    write_data(opaque, (uint8_t)value);
}

static uint32_t status_io_read(void *opaque, uint32_t offset, int size)
{
    const struct kbc *k = opaque;
    (void)offset;
    (void)size;
    return k->status;
}

static void command_io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    (void)offset;
    (void)size;
    write_command(opaque, (uint8_t)value);
}

/* --- lifecycle --- */

static const struct devfield kbc_fields[] = {
    DEVFIELD(struct kbc, status, DF_U8, "status register (port 0x64)"),
    DEVFIELD(struct kbc, cb, DF_U8, "command byte: 0 IRQ1, 1 IRQ12, 2 SYS, 4/5 port off, 6 XLAT"),
    DEVFIELD(struct kbc, outport, DF_U8, "output port: bit 0 reset (active low), 1 A20"),
    DEVFIELD(struct kbc, obuf, DF_U8, "output buffer (port 0x60)"),
    DEVFIELD(struct kbc, pending_cmd, DF_U8, "command waiting for its byte at 0x60, 0: none"),
    DEVFIELD(struct kbc, reply_pending, DF_BOOL, "a controller answer waits for the buffer"),
    DEVFIELD(struct kbc, reply, DF_U8, "that answer"),
    DEVFIELD(struct kbc, reply_aux, DF_BOOL, "it is mouse data (0xD3)"),
    DEVFIELD(struct kbc, xlat_break, DF_BOOL, "translation swallowed an 0xF0"),
    DEVFIELD(struct kbc, irq1_level, DF_BOOL, "IRQ 1 line level"),
    DEVFIELD(struct kbc, irq12_level, DF_BOOL, "IRQ 12 line level"),
    DEVFIELD_ARRAY(struct kbc, ram, DF_BYTES, KBC_RAM_SIZE - 1, "internal RAM bytes 1-31"),
    DEVFIELD(struct kbc, xfer.when, DF_U64, "cycle the next device byte arrives (~0: none)"),
};

int kbc_devinfo(struct kbc *k, struct devinfo *out, int max)
{
    int n = 0;
    if (n < max)
        out[n++] = (struct devinfo){"kbc", kbc_fields, sizeof kbc_fields / sizeof kbc_fields[0], k};
    if (n < max)
        ps2kbd_devinfo(k->kbd, &out[n++]);
    if (n < max)
        ps2mouse_devinfo(k->mouse, &out[n++]);
    return n;
}

struct kbc *kbc_create(struct bus *b, struct clock *clk, struct irq_line irq1,
                       struct irq_line irq12, kbc_a20_fn *a20, kbc_reset_fn *reset,
                       void *host_opaque)
{
    /* Check for room first: the clock cannot forget a timer once added. */
    if (b->n_io > BUS_MAX_IO - 2 || clk->n > CLOCK_MAX_TIMERS - KBC_NDEVINFO)
        return NULL;
    struct kbc *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->clock = clk;
    k->irq1 = irq1;
    k->irq12 = irq12;
    k->a20 = a20;
    k->reset = reset;
    k->host = host_opaque;
    clock_add_timer(clk, &k->xfer, "kbc-xfer", xfer_done, k);
    k->kbd = ps2kbd_create(clk, device_notify, k);
    k->mouse = ps2mouse_create(clk, device_notify, k);
    if (!k->kbd || !k->mouse) {
        kbc_destroy(k);
        return NULL;
    }
    bus_map_io(b, KBC_DATA_PORT, 1, data_io_read, data_io_write, k);
    bus_map_io(b, KBC_STATUS_PORT, 1, status_io_read, command_io_write, k);
    kbc_reset(k);
    return k;
}

void kbc_destroy(struct kbc *k)
{
    if (!k)
        return;
    clock_disarm(&k->xfer);
    ps2kbd_destroy(k->kbd);
    ps2mouse_destroy(k->mouse);
    free(k);
}

void kbc_reset(struct kbc *k)
{
    clock_disarm(&k->xfer);
    ps2kbd_reset(k->kbd);
    ps2mouse_reset(k->mouse);
    k->status = KBC_STATUS_INH;
    memset(k->ram, 0, sizeof k->ram);
    k->outport = KBC_OUT_POWERON;
    k->obuf = 0;
    k->pending_cmd = 0;
    k->reply_pending = false;
    k->reply = 0;
    k->reply_aux = false;
    k->xlat_break = false;
    set_cb(k, KBC_CB_POWERON);
    if (k->a20)
        k->a20(k->host, true);
}

struct ps2kbd *kbc_keyboard(struct kbc *k)
{
    return k->kbd;
}

struct ps2mouse *kbc_mouse(struct kbc *k)
{
    return k->mouse;
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep kbc_keep[] = {
    SNAP_KEEP(struct kbc, xfer),
    SNAP_KEEP(struct kbc, kbd),
    SNAP_KEEP(struct kbc, mouse),
    SNAP_KEEP(struct kbc, clock),
    SNAP_KEEP(struct kbc, irq1),
    SNAP_KEEP(struct kbc, irq12),
    SNAP_KEEP(struct kbc, a20),
    SNAP_KEEP(struct kbc, reset),
    SNAP_KEEP(struct kbc, host),
};

void kbc_snap(struct kbc *k, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, k, kbc_keep);
}
