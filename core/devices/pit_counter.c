/*
 * pit_counter.c - one 8254 counter's six modes in closed form: given the
 * pulse at which its counting element last took a value, its count and
 * OUT at any later pulse, the next pulse at which OUT changes, and what a
 * count byte, a control word or a GATE edge does to it (the modes and the
 * datasheet's tables are described at the top of pit.c). Pure functions of
 * struct pit_channel and a pulse count: pit.c turns cycles into pulses and
 * ports into calls.
 */
#include "devices/pit_internal.h"

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
uint16_t pit_ce_encode(const struct pit_channel *ch, uint16_t v)
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
void pit_eval(const struct pit_channel *ch, uint64_t t, uint16_t *ce, bool *out)
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

/* OUT at pulse t. */
bool pit_out_at(const struct pit_channel *ch, uint64_t t)
{
    uint16_t ce;
    bool out;
    pit_eval(ch, t, &ce, &out);
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
uint64_t pit_next_change(const struct pit_channel *ch, uint64_t t)
{
    uint64_t q;
    if (ch->load_tick == NEVER)
        return NEVER;
    if (t >= ch->load_tick)
        q = change_after(ch, t);
    else if (pit_out_at(ch, ch->load_tick) != ch->out_held)
        q = ch->load_tick;
    else
        q = change_after(ch, ch->load_tick);
    return q < ch->reload_tick ? q : ch->reload_tick;
}

/* Apply a pending reload (modes 2, 3) that is due by pulse t. */
void pit_settle(struct pit_channel *ch, uint64_t t)
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
void pit_stop(struct pit_channel *ch, uint64_t t, bool out)
{
    bool unused;
    pit_eval(ch, t, &ch->ce_held, &unused);
    ch->out_held = out;
    ch->load_tick = NEVER;
    ch->reload_tick = NEVER;
}

/* Load CR into CE on the next pulse and count from there (modes 1, 2, 3,
 * 5 after a count or a GATE rise); OUT keeps its level until then. */
static void start(struct pit_channel *ch, uint64_t t)
{
    pit_eval(ch, t, &ch->ce_held, &ch->out_held);
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
        pit_eval(ch, t, &ch->ce_held, &ch->out_held);
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
        pit_eval(ch, t, &ch->ce_held, &out);
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
            ch->reload_low = !pit_out_at(ch, ch->reload_tick);
            ch->null_until = ch->reload_tick;
        }
        break;
    default: /* modes 1 and 5 wait for a GATE rise */ break;
    }
}

/* A byte of a count written at pulse t: the LSB or the MSB, as RW says. */
void pit_write_counter(struct pit_channel *ch, uint8_t v, uint64_t t)
{
    switch ((ch->cw >> PIT_CW_RW_SHIFT) & 3) {
    case PIT_RW_LSB: ch->cr = v; break;
    case PIT_RW_MSB: ch->cr = (uint16_t)(v << 8); break;
    default:
        if (!ch->write_msb) {
            ch->cr_lsb = v;
            ch->write_msb = true;
            if (ch->mode == PIT_MODE_INTERRUPT)
                pit_stop(ch, t, false); /* the first byte stops mode 0, OUT low at once */
            return;
        }
        ch->cr = (uint16_t)(ch->cr_lsb | v << 8);
        ch->write_msb = false;
        break;
    }
    count_written(ch, t);
}

/* The GATE input changed to level (table 4). */
void pit_gate_changed(struct pit_channel *ch, bool level, uint64_t t)
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
            pit_stop(ch, t, true);
        else if (ch->armed)
            start(ch, t);
        break;
    default: /* modes 1, 5: a rising GATE triggers */
        if (level && ch->armed)
            start(ch, t);
        break;
    }
}
