/*
 * pit_internal.h - what the 8254's two files share: pit.c (the port
 * interface, OUT0's timer, the pins, the lifecycle) and pit_counter.c (a
 * counter's modes in closed form). The chip is described at the top of
 * pit.c; the register map and the counter's state are here.
 */
#ifndef LAB86_PIT_INTERNAL_H
#define LAB86_PIT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/pit.h"

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

/* --- pit_counter.c: one counter; t is a pulse count, never before the
 * counter's last access --- */

/* CE as the program reads it: binary, or four BCD digits. */
uint16_t pit_ce_encode(const struct pit_channel *ch, uint16_t v);

/* CE and OUT at pulse t (no pending reload due at or before t). */
void pit_eval(const struct pit_channel *ch, uint64_t t, uint16_t *ce, bool *out);

/* OUT at pulse t. */
bool pit_out_at(const struct pit_channel *ch, uint64_t t);

/* The first pulse after t at which OUT changes, or at which a pending
 * reload takes effect; NEVER if neither will happen. */
uint64_t pit_next_change(const struct pit_channel *ch, uint64_t t);

/* Apply a pending reload (modes 2, 3) that is due by pulse t. */
void pit_settle(struct pit_channel *ch, uint64_t t);

/* Stop counting at pulse t: CE frozen, OUT at the given level. */
void pit_stop(struct pit_channel *ch, uint64_t t, bool out);

/* A byte of a count written at pulse t: the LSB or the MSB, as RW says. */
void pit_write_counter(struct pit_channel *ch, uint8_t v, uint64_t t);

/* The GATE input changed to level at pulse t (table 4). */
void pit_gate_changed(struct pit_channel *ch, bool level, uint64_t t);

#endif
