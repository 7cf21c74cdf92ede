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
#include "devices/pit.h"
#include "snapshot.h"

#include <stdlib.h>

/* Register offsets from the base port. */
#define PIT_CONTROL 3 /* control word (0-2 are the counters) */

/* Control word (figure 7): SC1 SC0 RW1 RW0 M2 M1 M0 BCD. */
#define PIT_CW_SC_SHIFT   6    /* select counter 0-2; 3 = read-back command */
#define PIT_CW_RW_SHIFT   4    /* read/write access, PIT_RW_* */
#define PIT_CW_MODE_SHIFT 1    /* mode, PIT_MODE_* (6 and 7 alias 2 and 3) */
#define PIT_CW_BCD        0x01 /* count in BCD, four decades */
#define PIT_CW_FIELDS     0x3f /* RW, M, BCD: what the status byte repeats */
#define PIT_SC_READBACK   3

#define PIT_RW_LATCH   0 /* counter latch command */
#define PIT_RW_LSB     1 /* least significant byte only */
#define PIT_RW_MSB     2 /* most significant byte only */
#define PIT_RW_LSB_MSB 3 /* LSB first, then MSB */

#define PIT_MODE_INTERRUPT 0 /* interrupt on terminal count */
#define PIT_MODE_ONESHOT   1 /* hardware retriggerable one-shot */
#define PIT_MODE_RATEGEN   2 /* rate generator */
#define PIT_MODE_SQUARE    3 /* square wave */
#define PIT_MODE_SWSTROBE  4 /* software triggered strobe */
#define PIT_MODE_HWSTROBE  5 /* hardware triggered (retriggerable) strobe */

/* Read-back command (figure 11): 1 1 COUNT STATUS CNT2 CNT1 CNT0 0. */
#define PIT_RB_COUNT  0x20 /* 0 = latch the count of the selected counters */
#define PIT_RB_STATUS 0x10 /* 0 = latch their status */
#define PIT_RB_CNT0   0x02 /* select counter 0 (CNT1 and CNT2 follow) */

/* Status byte (figure 12); bits 5-0 are the control word's. */
#define PIT_STATUS_OUTPUT     0x80 /* the OUT pin */
#define PIT_STATUS_NULL_COUNT 0x40 /* the last count written is not in CE yet */

/* The reset control word: mode 3, LSB then MSB, binary. */
#define PIT_CW_RESET ((PIT_RW_LSB_MSB << PIT_CW_RW_SHIFT) | (PIT_MODE_SQUARE << PIT_CW_MODE_SHIFT))

#define NEVER UINT64_MAX

/* One counter. Times are clock pulses since the machine started. */
struct pit_channel {
    uint8_t cw;           /* RW, M and BCD of the last control word */
    uint8_t mode;         /* PIT_MODE_* */
    uint16_t cr;          /* count register: the last complete count written */
    uint8_t cr_lsb;       /* LSB of a two-byte count whose MSB is awaited */
    bool write_msb;       /* LSB then MSB: the next write is the MSB */
    bool read_msb;        /* LSB then MSB: the next read is the MSB */
    bool count_latched;   /* OL holds a latched count not read yet */
    uint16_t ol;          /* output latch: the latched count, as read */
    bool status_latched;  /* a latched status byte waits to be read */
    uint8_t status;       /* that status byte */
    bool gate;            /* the GATE input */
    bool armed;           /* a count was written since the control word */
    uint64_t load_tick;   /* pulse at which CE took ce_base; NEVER: not counting */
    uint16_t ce_base;     /* CE at load_tick, binary (0: 65536 or 10000) */
    bool tc_done;         /* modes 0, 4: terminal count passed before load_tick */
    bool phase_low;       /* mode 3: load_tick began the low half-period */
    uint16_t ce_held;     /* CE before load_tick, and while not counting */
    bool out_held;        /* OUT before load_tick, and while not counting */
    uint64_t reload_tick; /* modes 2, 3: pulse at which CR replaces the count */
    bool reload_low;      /* mode 3: that reload begins the low half-period */
    uint64_t null_until;  /* NULL COUNT reads 1 before this pulse */
    uint16_t count;       /* CE as of the last access or pit_sync() (display) */
    bool out;             /* OUT as of the last access or pit_sync() (display) */
};

struct pit {
    struct pit_channel ch[PIT_NCOUNTER]; /* counters 0-2 */
    struct clock *clock;                 /* virtual time */
    struct clock_timer timer;            /* fires at the next change of OUT0 */
    uint64_t timer_tick;                 /* the pulse it is armed for */
    struct irq_line out0;                /* OUT0: IRQ 0 */
    bool out0_level;                     /* level last driven on out0 */
};

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

static bool is_bcd(const struct pit_channel *ch)
{
    return (ch->cw & PIT_CW_BCD) != 0;
}

static uint32_t modulus(const struct pit_channel *ch)
{
    return is_bcd(ch) ? 10000 : 65536;
}

/* The count CR stands for, in binary (0 stays 0: the full modulus). */
static uint16_t cr_value(const struct pit_channel *ch)
{
    uint32_t v = ch->cr;
    if (is_bcd(ch))
        v = ((v >> 12) & 15) * 1000 + ((v >> 8) & 15) * 100 + ((v >> 4) & 15) * 10 + (v & 15);
    return (uint16_t)(v % modulus(ch));
}

/* CE as the program reads it: binary, or four BCD digits. */
static uint16_t ce_encode(const struct pit_channel *ch, uint16_t v)
{
    if (!is_bcd(ch))
        return v;
    return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

/* The period the counter runs with: ce_base, with 0 meaning the modulus. */
static uint32_t period(const struct pit_channel *ch)
{
    return ch->ce_base ? ch->ce_base : modulus(ch);
}

/* --- the counter in closed form --- */

/* CE and OUT at pulse t (no pending reload due at or before t). */
static void eval(const struct pit_channel *ch, uint64_t t, uint16_t *ce, bool *out)
{
    if (t < ch->load_tick) {
        *ce = ch->ce_held;
        *out = ch->out_held;
        return;
    }
    uint64_t e = t - ch->load_tick;
    uint32_t m = modulus(ch), n = period(ch), h = (n + 1) / 2, r;
    uint32_t down = (uint32_t)((ch->ce_base + m - e % m) % m); /* CE after e pulses */
    switch (ch->mode) {
    case PIT_MODE_RATEGEN:
        r = (uint32_t)(e % n);
        *ce = (uint16_t)((n - r) % m);
        *out = r != n - 1; /* low while CE = 1 */
        return;
    case PIT_MODE_SQUARE:
        r = (uint32_t)((e + (ch->phase_low ? h : 0)) % n);
        *out = r < h;
        *ce = (uint16_t)(((n & ~1u) - 2 * (r < h ? r : r - h)) % m); /* odd N: N - 1 down */
        return;
    case PIT_MODE_INTERRUPT: *out = ch->tc_done || e >= n; break;
    case PIT_MODE_ONESHOT: *out = e >= n; break;
    case PIT_MODE_SWSTROBE: *out = ch->tc_done || e != n; break;
    default: *out = e != n; break; /* PIT_MODE_HWSTROBE */
    }
    *ce = (uint16_t)down;
}

static bool out_at(const struct pit_channel *ch, uint64_t t)
{
    uint16_t ce;
    bool out;
    eval(ch, t, &ce, &out);
    return out;
}

/* The first pulse after t (t >= load_tick) at which OUT changes, or NEVER. */
static uint64_t change_after(const struct pit_channel *ch, uint64_t t)
{
    uint64_t e = t - ch->load_tick, end = ch->load_tick + period(ch);
    uint32_t n = period(ch), h = (n + 1) / 2, r;
    switch (ch->mode) {
    case PIT_MODE_RATEGEN:
        if (n == 1)
            return NEVER;
        r = (uint32_t)(e % n);
        return r < n - 1 ? t + (n - 1 - r) : t + 1;
    case PIT_MODE_SQUARE:
        if (n == 1)
            return NEVER;
        r = (uint32_t)((e + (ch->phase_low ? h : 0)) % n);
        return r < h ? t + (h - r) : t + (n - r);
    case PIT_MODE_INTERRUPT: return ch->tc_done || e >= n ? NEVER : end;
    case PIT_MODE_ONESHOT: return e < n ? end : NEVER;
    case PIT_MODE_SWSTROBE:
        if (ch->tc_done)
            return NEVER;
        return e < n ? end : e == n ? end + 1 : NEVER;
    default: return e < n ? end : e == n ? end + 1 : NEVER;
    }
}

/* The first pulse after t at which OUT changes, or at which a pending
 * reload takes effect; NEVER if neither will happen. */
static uint64_t next_change(const struct pit_channel *ch, uint64_t t)
{
    uint64_t q;
    if (ch->load_tick == NEVER)
        return NEVER;
    if (t >= ch->load_tick)
        q = change_after(ch, t);
    else if (out_at(ch, ch->load_tick) != ch->out_held)
        q = ch->load_tick;
    else
        q = change_after(ch, ch->load_tick);
    return q < ch->reload_tick ? q : ch->reload_tick;
}

/* Apply a pending reload (modes 2, 3) that is due by pulse t. */
static void settle(struct pit_channel *ch, uint64_t t)
{
    if (t < ch->reload_tick)
        return;
    ch->load_tick = ch->reload_tick;
    ch->ce_base = cr_value(ch);
    ch->phase_low = ch->reload_low;
    ch->reload_tick = NEVER;
}

/* --- state changes, all at pulse t --- */

/* Stop counting: CE frozen, OUT at the given level. */
static void stop(struct pit_channel *ch, uint64_t t, bool out)
{
    bool unused;
    eval(ch, t, &ch->ce_held, &unused);
    ch->out_held = out;
    ch->load_tick = NEVER;
    ch->reload_tick = NEVER;
}

/* Load CR into CE on the next pulse and count from there (modes 1, 2, 3,
 * 5 after a count or a GATE rise); OUT keeps its level until then. */
static void start(struct pit_channel *ch, uint64_t t)
{
    eval(ch, t, &ch->ce_held, &ch->out_held);
    ch->ce_base = cr_value(ch);
    ch->load_tick = t + 1;
    ch->phase_low = false;
    ch->tc_done = false;
    ch->reload_tick = NEVER;
    if (ch->null_until > t + 1)
        ch->null_until = t + 1;
}

/* GATE low in modes 0 and 4: CE holds, OUT keeps its level. */
static void pause(struct pit_channel *ch, uint64_t t)
{
    if (ch->load_tick == NEVER)
        return;
    if (t < ch->load_tick) {
        ch->ce_held = ch->ce_base; /* the load on the next pulse still happens */
    } else {
        ch->tc_done = ch->tc_done || t - ch->load_tick >= period(ch);
        eval(ch, t, &ch->ce_held, &ch->out_held);
    }
    ch->load_tick = NEVER;
}

/* A complete count has been written to CR. */
static void count_written(struct pit_channel *ch, uint64_t t)
{
    bool out;
    ch->armed = true;
    switch (ch->mode) {
    case PIT_MODE_INTERRUPT:
    case PIT_MODE_SWSTROBE:
        eval(ch, t, &ch->ce_held, &out);
        ch->out_held = ch->mode == PIT_MODE_INTERRUPT ? false : out;
        ch->tc_done = false;
        ch->null_until = t + 1;
        ch->ce_base = cr_value(ch);
        ch->load_tick = ch->gate ? t + 1 : NEVER;
        if (!ch->gate)
            ch->ce_held = ch->ce_base;
        break;
    case PIT_MODE_RATEGEN:
    case PIT_MODE_SQUARE:
        if (ch->load_tick == NEVER) {
            if (ch->gate)
                start(ch, t);
        } else if (t < ch->load_tick) {
            ch->ce_base = cr_value(ch); /* replaces a load not yet done */
        } else if (ch->reload_tick == NEVER) {
            /* At the end of this period (mode 2) or half-period (mode 3). */
            uint64_t q = ch->mode == PIT_MODE_RATEGEN
                             ? ch->load_tick + ((t - ch->load_tick) / period(ch) + 1) * period(ch)
                             : change_after(ch, t);
            ch->reload_tick = q == NEVER ? t + 1 : q;
            ch->reload_low = !out_at(ch, ch->reload_tick);
            ch->null_until = ch->reload_tick;
        }
        break;
    default: /* modes 1 and 5 wait for a GATE rise */ break;
    }
}

static void write_counter(struct pit_channel *ch, uint8_t v, uint64_t t)
{
    switch ((ch->cw >> PIT_CW_RW_SHIFT) & 3) {
    case PIT_RW_LSB: ch->cr = v; break;
    case PIT_RW_MSB: ch->cr = (uint16_t)(v << 8); break;
    default:
        if (!ch->write_msb) {
            ch->cr_lsb = v;
            ch->write_msb = true;
            if (ch->mode == PIT_MODE_INTERRUPT)
                stop(ch, t, false); /* the first byte stops mode 0, OUT low at once */
            return;
        }
        ch->cr = (uint16_t)(ch->cr_lsb | v << 8);
        ch->write_msb = false;
        break;
    }
    count_written(ch, t);
}

/* The GATE input changed to level (table 4). */
static void gate_changed(struct pit_channel *ch, bool level, uint64_t t)
{
    switch (ch->mode) {
    case PIT_MODE_INTERRUPT:
    case PIT_MODE_SWSTROBE:
        if (!level) {
            pause(ch, t);
        } else if (ch->armed && ch->load_tick == NEVER &&
                   !(ch->mode == PIT_MODE_INTERRUPT && ch->write_msb)) {
            ch->ce_base = ch->ce_held; /* resume: the next pulse counts */
            ch->load_tick = t;
        }
        break;
    case PIT_MODE_RATEGEN:
    case PIT_MODE_SQUARE:
        if (!level)
            stop(ch, t, true);
        else if (ch->armed)
            start(ch, t);
        break;
    default: /* modes 1, 5: a rising GATE triggers */
        if (level && ch->armed)
            start(ch, t);
        break;
    }
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
    eval(ch, t, &ce, &out);
    ch->ol = ce_encode(ch, ce);
    ch->count_latched = true;
}

static void latch_status(struct pit_channel *ch, uint64_t t)
{
    if (ch->status_latched)
        return;
    ch->status = (uint8_t)((out_at(ch, t) ? PIT_STATUS_OUTPUT : 0) |
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
    stop(ch, t, ch->mode != PIT_MODE_INTERRUPT);
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
        eval(ch, t, &v, &out);
        v = ce_encode(ch, v);
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
    eval(ch, t, &ch->count, &ch->out);
}

/* Drive IRQ 0 with OUT0 at pulse t, and arm the timer for its next change. */
static void out0_update(struct pit *p, uint64_t t)
{
    struct pit_channel *ch = &p->ch[0];
    bool level = out_at(ch, t);
    if (level != p->out0_level) {
        p->out0_level = level;
        irq_set(&p->out0, level);
    }
    p->timer_tick = next_change(ch, t);
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
    settle(&p->ch[0], p->timer_tick);
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
    settle(ch, t);
    uint8_t b = read_counter(ch, t);
    publish(ch, t);
    return b;
}

static void write_reg(struct pit *p, uint32_t offset, uint8_t v)
{
    uint64_t t = pulse_now(p);
    for (int n = 0; n < PIT_NCOUNTER; n++)
        settle(&p->ch[n], t);
    if (offset == PIT_CONTROL)
        write_control(p, v, t);
    else
        write_counter(&p->ch[offset], v, t);
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
    settle(ch, t);
    if (ch->gate != level) {
        ch->gate = level;
        gate_changed(ch, level, t);
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
    settle(&p->ch[n], t);
    publish(&p->ch[n], t);
    return p->ch[n].out;
}

void pit_sync(struct pit *p)
{
    uint64_t t = pulse_now(p);
    for (int n = 0; n < PIT_NCOUNTER; n++) {
        settle(&p->ch[n], t);
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
