/*
 * pit.c - the Intel 8254 Programmable Interval Timer: the PC's clock tick,
 * its speaker tone and the reference every OS calibrates its other clocks
 * against.
 *
 * The chip has three 16-bit down counters clocked at 1.193182 MHz. Each has
 * a GATE input, an OUT pin, a count register (CR) the program writes, a
 * counting element (CE) that counts, and an output latch (OL) for reading.
 * On the PC, OUT0 is IRQ 0 (the timer interrupt), counter 1 once paced DRAM
 * refresh, and counter 2 drives the speaker, with its GATE and OUT on port
 * 0x61 (port61.c). Ports, from the Intel 8254 datasheet (order number
 * 231164-005), "Operational Description", table 1:
 *
 *   0x40-0x42  counter 0-2: write a count, read the count or a status byte
 *   0x43       control word (write only; reads float)
 *
 * The control word (figure 7) selects a counter (SC), how its count is
 * written and read (RW: LSB only, MSB only, LSB then MSB; 00 is the counter
 * latch command), a mode (M) and binary or BCD counting. SC = 11 is the
 * read-back command (figure 11), which latches the count and/or the status
 * byte (figure 12: OUT, NULL COUNT, RW, M, BCD) of several counters.
 *
 * The six modes ("Mode Definitions"), with N the count (0 means 65536, or
 * 10000 in BCD), a pulse being one period of the 1.193182 MHz clock, and the
 * count loaded into CE on the first pulse after it is written (or after the
 * GATE trigger in modes 1 and 5):
 *
 *   0 interrupt on terminal count  OUT low from the control word; high when
 *                                  CE reaches 0, N + 1 pulses after the write
 *   1 retriggerable one-shot       a GATE rise starts it: OUT low for N pulses
 *   2 rate generator               OUT low for one pulse in every N (CE = 1)
 *   3 square wave                  OUT high for ceil(N/2), low for floor(N/2)
 *   4 software triggered strobe    OUT low for one pulse when CE reaches 0
 *   5 hardware triggered strobe    the same, started by a GATE rise
 *
 * GATE low suspends counting in modes 0, 2, 3 and 4 and forces OUT high in
 * modes 2 and 3, whose GATE rise reloads the count (table 4, "Gate Pin
 * Operations Summary"). A new count written in modes 2 and 3 waits for the
 * end of the current period or half-period.
 *
 * The counting itself, each mode in closed form, is pit_counter.c; this
 * file is the chip's port interface (control word, latches, reads), OUT0's
 * timer, the pins, the state tables and the lifecycle; pit_internal.h is
 * what the two share.
 *
 * How it runs on virtual time. Nothing counts pulse by pulse: each counter
 * keeps the pulse at which CE last took a value (load_tick) and that value
 * (ce_base), and its CE and OUT at any later pulse are computed in closed
 * form when the program reads them. The pulse count is derived from the CPU
 * cycle count, pulse(cycle) = cycle * 1193182 / hz rounded down, so the
 * result depends on nothing but the cycle count. Only OUT0 has a consumer
 * that must hear of its changes when they happen (the PIC), so one clock
 * timer is armed for the next change of OUT0 and none otherwise: a guest
 * that does not program the timer costs nothing.
 *
 * Everything the datasheet specifies for the counters is emulated; where
 * it is silent or calls a setting illegal, these are the choices:
 *   - at power-up the datasheet leaves everything undefined; here each
 *     counter acts as if a control word had chosen mode 3, LSB then MSB,
 *     and no count had followed: OUT high, not counting;
 *   - the "illegal" count 1 in modes 2 and 3 gives OUT always low (mode 2)
 *     or always high (mode 3), and invalid BCD digits count as their binary
 *     value, reduced modulo 10000;
 *   - a count written in mode 0 or 4 while GATE is low counts as loaded at
 *     once (the chip loads it on the next pulse; with GATE low, CE is frozen
 *     either way); the speaker output is not produced (port61.c).
 */
#include "devices/pit_internal.h"
#include "snapshot.h"

#include <stdlib.h>

/* --- time and numbers --- */

static uint64_t pulse_now(const struct pit *p)
{
    return clock_scale(clock_now(p->clock), PIT_CLOCK_HZ, p->clock->hz);
}

/* The first cycle whose pulse count is t. */
static uint64_t cycle_of_pulse(const struct pit *p, uint64_t t)
{
    uint64_t c = clock_scale(t, p->clock->hz, PIT_CLOCK_HZ);
    return clock_scale(c, PIT_CLOCK_HZ, p->clock->hz) < t ? c + 1 : c;
}

/* --- control word, latches, reads --- */

/* Counter latch command: OL keeps CE until read (a second latch before
 * that is ignored). */
static void latch_count(struct pit_channel *ch, uint64_t t)
{
    uint16_t ce;
    bool out;
    if (ch->count_latched)
        return;
    pit_eval(ch, t, &ce, &out);
    ch->ol = pit_ce_encode(ch, ce);
    ch->count_latched = true;
}

static void latch_status(struct pit_channel *ch, uint64_t t)
{
    if (ch->status_latched)
        return;
    ch->status = (uint8_t)((pit_out_at(ch, t) ? PIT_STATUS_OUTPUT : 0) |
                           (t < ch->null_until ? PIT_STATUS_NULL_COUNT : 0) | ch->cw);
    ch->status_latched = true;
}

/* A control word that sets a mode: the counter's logic resets, OUT goes
 * to the mode's initial level, and it waits for a count. */
static void set_mode(struct pit_channel *ch, uint8_t v, uint64_t t)
{
    uint8_t mode = (v >> PIT_CW_MODE_SHIFT) & 7;
    ch->cw = v & PIT_CW_FIELDS;
    ch->mode = mode > PIT_MODE_HWSTROBE ? mode & 3 : mode;
    pit_stop(ch, t, ch->mode != PIT_MODE_INTERRUPT);
    ch->write_msb = false;
    ch->read_msb = false;
    ch->count_latched = false;
    ch->status_latched = false;
    ch->armed = false;
    ch->tc_done = false;
    ch->null_until = NEVER;
}

static void write_control(struct pit *p, uint8_t v, uint64_t t)
{
    int sc = v >> PIT_CW_SC_SHIFT;
    if (sc == PIT_SC_READBACK) {
        for (int n = 0; n < PIT_NCOUNTER; n++) {
            if (!(v & (PIT_RB_CNT0 << n)))
                continue;
            if (!(v & PIT_RB_COUNT))
                latch_count(&p->ch[n], t);
            if (!(v & PIT_RB_STATUS))
                latch_status(&p->ch[n], t);
        }
    } else if (((v >> PIT_CW_RW_SHIFT) & 3) == PIT_RW_LATCH) {
        latch_count(&p->ch[sc], t);
    } else {
        set_mode(&p->ch[sc], v, t);
    }
}

/* A read of a counter port: a latched status first, then the latched count
 * or the live CE, one byte at a time in the RW order. */
static uint8_t read_counter(struct pit_channel *ch, uint64_t t)
{
    if (ch->status_latched) {
        ch->status_latched = false;
        return ch->status;
    }
    uint16_t v = ch->ol;
    bool out, last = true;
    if (!ch->count_latched) {
        pit_eval(ch, t, &v, &out);
        v = pit_ce_encode(ch, v);
    }
    uint8_t b;
    switch ((ch->cw >> PIT_CW_RW_SHIFT) & 3) {
    case PIT_RW_LSB: b = (uint8_t)v; break;
    case PIT_RW_MSB: b = (uint8_t)(v >> 8); break;
    default:
        b = ch->read_msb ? (uint8_t)(v >> 8) : (uint8_t)v;
        last = ch->read_msb;
        ch->read_msb = !ch->read_msb;
        break;
    }
    if (last)
        ch->count_latched = false;
    return b;
}

/* --- OUT0 and its timer --- */

static void publish(struct pit_channel *ch, uint64_t t)
{
    pit_eval(ch, t, &ch->count, &ch->out);
}

/* Drive IRQ 0 with OUT0 at pulse t, and arm the timer for its next change. */
static void out0_update(struct pit *p, uint64_t t)
{
    struct pit_channel *ch = &p->ch[0];
    bool level = pit_out_at(ch, t);
    if (level != p->out0_level) {
        p->out0_level = level;
        irq_set(&p->out0, level);
    }
    p->timer_tick = pit_next_change(ch, t);
    if (p->timer_tick == NEVER)
        clock_disarm(&p->timer);
    else
        clock_arm(p->clock, &p->timer, cycle_of_pulse(p, p->timer_tick));
}

/* The timer: OUT0 changes (or a reload is due) at the pulse it was armed
 * for. Each change is handled at its own pulse, in order, even when the CPU
 * arrives late (an instruction ran past it): a rate generator's one-pulse
 * low is never skipped. */
static void pit_timer(void *opaque, uint64_t now)
{
    struct pit *p = opaque;
    (void)now;
    pit_settle(&p->ch[0], p->timer_tick);
    out0_update(p, p->timer_tick);
    publish(&p->ch[0], p->timer_tick);
}

/* --- the bus contract --- */

static uint8_t read_reg(struct pit *p, uint32_t offset)
{
    if (offset == PIT_CONTROL)
        return 0xff; /* the control word cannot be read: the bus floats */
    uint64_t t = pulse_now(p);
    struct pit_channel *ch = &p->ch[offset];
    pit_settle(ch, t);
    uint8_t b = read_counter(ch, t);
    publish(ch, t);
    return b;
}

static void write_reg(struct pit *p, uint32_t offset, uint8_t v)
{
    uint64_t t = pulse_now(p);
    for (int n = 0; n < PIT_NCOUNTER; n++)
        pit_settle(&p->ch[n], t);
    if (offset == PIT_CONTROL)
        write_control(p, v, t);
    else
        pit_write_counter(&p->ch[offset], v, t);
    for (int n = 0; n < PIT_NCOUNTER; n++)
        publish(&p->ch[n], t);
    out0_update(p, t);
}

/* An 8-bit chip: wider accesses are byte accesses to consecutive ports. */
static uint32_t pit_io_read(void *opaque, uint32_t offset, int size)
{
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (uint32_t)read_reg(opaque, offset + (uint32_t)k) << (8 * k);
    return v;
}

static void pit_io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    for (int k = 0; k < size; k++)
        write_reg(opaque, offset + (uint32_t)k, (uint8_t)(value >> (8 * k)));
}

/* --- the pins, for the board --- */

void pit_set_gate(struct pit *p, int n, bool level)
{
    if (n < 0 || n >= PIT_NCOUNTER)
        return;
    uint64_t t = pulse_now(p);
    struct pit_channel *ch = &p->ch[n];
    pit_settle(ch, t);
    if (ch->gate != level) {
        ch->gate = level;
        pit_gate_changed(ch, level, t);
    }
    publish(ch, t);
    if (n == 0)
        out0_update(p, t);
}

bool pit_out(struct pit *p, int n)
{
    if (n < 0 || n >= PIT_NCOUNTER)
        return false;
    uint64_t t = pulse_now(p);
    pit_settle(&p->ch[n], t);
    publish(&p->ch[n], t);
    return p->ch[n].out;
}

void pit_sync(struct pit *p)
{
    uint64_t t = pulse_now(p);
    for (int n = 0; n < PIT_NCOUNTER; n++) {
        pit_settle(&p->ch[n], t);
        publish(&p->ch[n], t);
    }
}

/* --- the state tables --- */

#define PIT_FIELD(m, t, doc) DEVFIELD(struct pit_channel, m, t, doc)
static const struct devfield pit_fields[] = {
    PIT_FIELD(count, DF_U16, "counting element, as of the last access (binary)"),
    PIT_FIELD(out, DF_BOOL, "OUT pin, as of the last access"),
    PIT_FIELD(gate, DF_BOOL, "GATE input"),
    PIT_FIELD(mode, DF_U8, "mode 0-5"),
    PIT_FIELD(cw, DF_U8, "control word: RW (bits 5-4), M (3-1), BCD (0)"),
    PIT_FIELD(cr, DF_U16, "count register: the last count written"),
    PIT_FIELD(cr_lsb, DF_U8, "LSB of a two-byte count awaiting its MSB"),
    PIT_FIELD(write_msb, DF_BOOL, "the next write is the MSB"),
    PIT_FIELD(read_msb, DF_BOOL, "the next read is the MSB"),
    PIT_FIELD(count_latched, DF_BOOL, "the output latch holds a count"),
    PIT_FIELD(ol, DF_U16, "output latch (as read: BCD in BCD mode)"),
    PIT_FIELD(status_latched, DF_BOOL, "a status byte is latched"),
    PIT_FIELD(status, DF_U8, "latched status: OUT, NULL COUNT, RW, M, BCD"),
    PIT_FIELD(armed, DF_BOOL, "a count was written since the control word"),
    PIT_FIELD(load_tick, DF_U64, "PIT pulse at which CE took ce_base (max: idle)"),
    PIT_FIELD(ce_base, DF_U16, "CE at load_tick (0: 65536 or 10000)"),
    PIT_FIELD(tc_done, DF_BOOL, "modes 0, 4: terminal count already passed"),
    PIT_FIELD(phase_low, DF_BOOL, "mode 3: load_tick began the low half"),
    PIT_FIELD(ce_held, DF_U16, "CE before load_tick or while stopped"),
    PIT_FIELD(out_held, DF_BOOL, "OUT before load_tick or while stopped"),
    PIT_FIELD(reload_tick, DF_U64, "modes 2, 3: pulse of a pending reload (max: none)"),
    PIT_FIELD(reload_low, DF_BOOL, "mode 3: the reload begins the low half"),
    PIT_FIELD(null_until, DF_U64, "NULL COUNT reads 1 before this pulse"),
};

size_t pit_devinfo(struct pit *p, struct devinfo *out, size_t max)
{
    static const char *const names[PIT_NCOUNTER] = {"pit.ch0", "pit.ch1", "pit.ch2"};
    size_t n = 0;
    for (; n < PIT_NCOUNTER && n < max; n++)
        out[n] = (struct devinfo){names[n], pit_fields, sizeof pit_fields / sizeof pit_fields[0],
                                  &p->ch[n]};
    return n;
}

/* --- lifecycle --- */

struct pit *pit_create(struct bus *b, uint16_t base, struct clock *k, struct irq_line out0)
{
    struct pit *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->clock = k;
    p->out0 = out0;
    if (clock_add_timer(k, &p->timer, "pit0", pit_timer, p) != 0 ||
        bus_map_io(b, base, 4, pit_io_read, pit_io_write, p) != 0) {
        free(p);
        return NULL;
    }
    p->ch[2].gate = false; /* port 0x61 bit 0 starts clear */
    pit_reset(p);
    return p;
}

void pit_destroy(struct pit *p)
{
    if (p)
        clock_disarm(&p->timer);
    free(p);
}

void pit_reset(struct pit *p)
{
    for (int n = 0; n < PIT_NCOUNTER; n++) {
        bool gate = n == 2 ? p->ch[2].gate : true;
        p->ch[n] = (struct pit_channel){.cw = PIT_CW_RESET,
                                        .mode = PIT_MODE_SQUARE,
                                        .gate = gate,
                                        .load_tick = NEVER,
                                        .out_held = true,
                                        .reload_tick = NEVER,
                                        .null_until = NEVER,
                                        .out = true};
    }
    out0_update(p, pulse_now(p));
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep pit_keep[] = {
    SNAP_KEEP(struct pit, clock),
    SNAP_KEEP(struct pit, timer),
    SNAP_KEEP(struct pit, out0),
};

void pit_snap(struct pit *p, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, p, pit_keep);
}
