/*
 * cmos.c - the Motorola MC146818A real-time clock with its battery-backed
 * RAM, the PC/AT's "CMOS" (later the Dallas DS12887, then a block inside
 * every chipset, with the same registers).
 *
 * The chip keeps the date and time while the machine is off, interrupts the
 * CPU on IRQ 8, and holds battery-backed RAM where the BIOS keeps its setup:
 * memory size, drive types, boot order. The MC146818A had 64 bytes in all;
 * the DS12887 and the chipsets after it have 128 (14 of clock registers,
 * 114 of RAM), and that is what is emulated. The CPU reaches it through two
 * ports: write a register number to 0x70, then read or write it at 0x71.
 * Bit 7 of the byte written to 0x70 is not part of the number: on the PC
 * board it gates the NMI line (1 = NMI masked), which is why every BIOS
 * writes 0x80 | index when it wants NMIs off; cmos_nmi_masked() tells the
 * machine.
 *
 *   index       contents                         (MC146818A data sheet,
 *   0x00-0x09   seconds, alarm, minutes, alarm,   "address map" and the
 *               hours, alarm, day of week, date,  register descriptions
 *               month, year                       of registers A to D)
 *   0x0A-0x0D   registers A, B, C, D
 *   0x0E-0x7F   RAM; the PC/AT BIOS's layout (IBM AT Technical Reference,
 *               "CMOS RAM address map") is named in cmos.h and filled in
 *               by cmos_layout.c
 *
 * Time. The chip divides a 32.768 kHz crystal; once a second an "update
 * cycle" adds one second to the time registers, and a tap of the same
 * divider chain gives the periodic interrupt (2 Hz to 8192 Hz, register A's
 * rate select). Here the crystal is virtual: the divider's position is the
 * clock's cycle count scaled to 32.768 kHz (clock_scale()), so the RTC's
 * time depends only on how many cycles the guest has run, never on the host.
 * The registers are brought up to date lazily, when the guest touches the
 * chip or a timer fires (catch_up()); a timer is armed only while an
 * interrupt is enabled, so an RTC nobody listens to costs nothing.
 *
 * The time registers hold what the chip holds: values in the format register
 * B selects (BCD or binary, 12-hour with bit 7 = PM or 24-hour), counted up
 * in that format. As on the chip, changing DM or 24/12 does not convert the
 * registers: software sets SET, changes the format, and rewrites the time.
 *
 * What is emulated: the time and calendar with leap years (the chip's rule,
 * year % 4 == 0, right from 1901 to 2099); the century byte 0x32, which PC
 * chipsets count on from the year; BCD and binary; 12- and 24-hour; SET;
 * the divider (only DV = 010, the 32.768 kHz time base, runs; any other value
 * holds the chain, and releasing it makes the first update come half a second
 * later); the periodic, alarm (with "don't care" bytes 0xC0-0xFF) and
 * update-ended interrupts with the flags of register C, cleared by reading
 * it; UIP for the 244 us (8 crystal ticks) before each update; VRT.
 *
 * What is not: the update cycle itself takes no time (the registers change at
 * the instant UIP falls); daylight-saving jumps (DSE is stored, the 1980s US
 * rules are not applied: PC systems keep the RTC in UTC or standard time);
 * the square-wave pin (SQWE stored; nothing is connected to it on a PC); the
 * second 128-byte bank some chipsets put at ports 0x72-0x73.
 */
#include "devices/cmos.h"
#include "snapshot.h"

#include <stdlib.h>

/* Clock registers (MC146818A address map). */
#define RTC_SECONDS       0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES       0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS         0x04
#define RTC_HOURS_ALARM   0x05
#define RTC_DAY_OF_WEEK   0x06 /* 1-7, Sunday = 1 */
#define RTC_DATE_OF_MONTH 0x07
#define RTC_MONTH         0x08
#define RTC_YEAR          0x09 /* 0-99 */
#define RTC_REG_A         0x0a
#define RTC_REG_B         0x0b
#define RTC_REG_C         0x0c
#define RTC_REG_D         0x0d

#define RTC_HOUR_PM         0x80 /* hours, 12-hour mode: afternoon */
#define RTC_ALARM_DONT_CARE 0xc0 /* an alarm byte of 0xC0-0xFF matches any value */

/* Register A: time base and periodic rate. */
#define RTC_A_UIP    0x80 /* update in progress (read only) */
#define RTC_A_DV     0x70 /* DV2-DV0: divider control */
#define RTC_A_DV_32K 0x20 /* DV = 010: 32.768 kHz time base, running */
#define RTC_A_RS     0x0f /* RS3-RS0: periodic rate select (0 = none) */

/* Register B: control. PIE, AIE and UIE sit at the bit positions of PF, AF
 * and UF in register C, so "flag and enabled" is one AND. */
#define RTC_B_SET   0x80 /* inhibit update cycles (to set the time) */
#define RTC_B_PIE   0x40 /* periodic interrupt enable */
#define RTC_B_AIE   0x20 /* alarm interrupt enable */
#define RTC_B_UIE   0x10 /* update-ended interrupt enable */
#define RTC_B_SQWE  0x08 /* square-wave enable (no pin on the PC) */
#define RTC_B_DM    0x04 /* data mode: 1 = binary, 0 = BCD */
#define RTC_B_24_12 0x02 /* 1 = 24-hour, 0 = 12-hour */
#define RTC_B_DSE   0x01 /* daylight saving enable (stored only) */

/* Register C: interrupt flags (read only; reading clears them). */
#define RTC_C_IRQF  0x80 /* an enabled flag is set: IRQ output active */
#define RTC_C_PF    0x40 /* periodic interrupt flag */
#define RTC_C_AF    0x20 /* alarm flag */
#define RTC_C_UF    0x10 /* update-ended flag */
#define RTC_C_FLAGS (RTC_C_PF | RTC_C_AF | RTC_C_UF)

/* Register D. */
#define RTC_D_VRT 0x80 /* valid RAM and time: the battery is good (read only) */

#define RTC_HZ          32768u /* the crystal: ticks of the divider a second */
#define RTC_UIP_TICKS   8u     /* UIP rises 244 us (8 ticks) before an update */
#define SECONDS_PER_DAY 86400u

struct cmos {
    uint8_t ram[CMOS_SIZE];   /* clock registers 0x00-0x0D, then the RAM */
    uint8_t index;            /* register selected through port 0x70 (bits 0-6) */
    bool nmi_masked;          /* port 0x70 bit 7 as last written: NMI masked */
    bool irq_level;           /* IRQ 8 as last driven (register C's IRQF) */
    uint64_t phase;           /* divider position minus the clock's 32.768 kHz tick
                                 count; modulo 2^64 (it may "go negative") */
    uint64_t div_ticks;       /* divider position the registers are current to */
    struct irq_line irq;      /* IRQ 8 */
    struct clock *clock;      /* virtual time */
    struct clock_timer timer; /* next interrupt event; armed only when one is enabled */
};

/* --- the divider chain on the virtual clock --- */

/* The clock's cycles scaled to the crystal: 32.768 kHz ticks since cycle 0. */
static uint64_t clock_ticks(const struct cmos *c)
{
    return clock_scale(clock_now(c->clock), RTC_HZ, c->clock->hz);
}

static uint64_t divider_now(const struct cmos *c)
{
    return clock_ticks(c) + c->phase;
}

/* The first cycle at which the divider reaches position div: the smallest n
 * with floor(n * 32768 / hz) >= div - phase. */
static uint64_t divider_cycle(const struct cmos *c, uint64_t div)
{
    unsigned __int128 ticks = div - c->phase;
    return (uint64_t)((ticks * c->clock->hz + RTC_HZ - 1) / RTC_HZ);
}

static bool divider_running(const struct cmos *c)
{
    return (c->ram[RTC_REG_A] & RTC_A_DV) == RTC_A_DV_32K;
}

/* Crystal ticks between periodic interrupts, 0 for none. With a 32.768 kHz
 * time base, rates 1 and 2 repeat rates 8 and 9 (256 and 128 Hz). */
static unsigned periodic_ticks(const struct cmos *c)
{
    unsigned rs = c->ram[RTC_REG_A] & RTC_A_RS;
    if (rs == 0)
        return 0;
    if (rs <= 2)
        rs += 7;
    return 1u << (rs - 1);
}

/* --- the time registers, in the format register B selects --- */

static unsigned from_reg(const struct cmos *c, uint8_t v)
{
    return (c->ram[RTC_REG_B] & RTC_B_DM) ? v : (v >> 4) * 10u + (v & 0x0f);
}

static uint8_t to_reg(const struct cmos *c, unsigned n)
{
    return (c->ram[RTC_REG_B] & RTC_B_DM) ? (uint8_t)n : (uint8_t)((n / 10) << 4 | n % 10);
}

/* Hours as 0-23, from 24-hour or 12-hour (1-12, bit 7 = PM) format. */
static unsigned hour_from_reg(const struct cmos *c, uint8_t v)
{
    if (c->ram[RTC_REG_B] & RTC_B_24_12)
        return from_reg(c, v);
    unsigned h = from_reg(c, v & ~RTC_HOUR_PM) % 12; /* 12 AM is hour 0 */
    return (v & RTC_HOUR_PM) ? h + 12 : h;
}

static uint8_t hour_to_reg(const struct cmos *c, unsigned h)
{
    if (c->ram[RTC_REG_B] & RTC_B_24_12)
        return to_reg(c, h);
    unsigned h12 = h % 12 ? h % 12 : 12;
    return (uint8_t)(to_reg(c, h12) | (h >= 12 ? RTC_HOUR_PM : 0));
}

/* Count the register at reg up by one; past last it wraps to first and
 * returns true, a carry into the next counter. Only the counter that changes
 * is rewritten, so a nonsense value elsewhere stays as the guest wrote it;
 * a nonsense value here (minutes = 0x7A) carries at once. */
static bool count_up(struct cmos *c, int reg, unsigned first, unsigned last)
{
    unsigned v = from_reg(c, c->ram[reg]) + 1;
    bool carry = v > last;
    c->ram[reg] = to_reg(c, carry ? first : v);
    return carry;
}

static unsigned days_in_month(const struct cmos *c)
{
    static const uint8_t days[13] = {31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned m = from_reg(c, c->ram[RTC_MONTH]);
    if (m == 2 && from_reg(c, c->ram[RTC_YEAR]) % 4 == 0)
        return 29;
    return m <= 12 ? days[m] : 31;
}

static void next_day(struct cmos *c)
{
    count_up(c, RTC_DAY_OF_WEEK, 1, 7);
    if (count_up(c, RTC_DATE_OF_MONTH, 1, days_in_month(c)) && count_up(c, RTC_MONTH, 1, 12) &&
        count_up(c, RTC_YEAR, 0, 99))
        count_up(c, CMOS_CENTURY, 0, 99);
}

static void next_second(struct cmos *c)
{
    if (!count_up(c, RTC_SECONDS, 0, 59) || !count_up(c, RTC_MINUTES, 0, 59))
        return;
    unsigned h = hour_from_reg(c, c->ram[RTC_HOURS]) + 1;
    c->ram[RTC_HOURS] = hour_to_reg(c, h >= 24 ? 0 : h);
    if (h >= 24)
        next_day(c);
}

static bool alarm_byte_matches(uint8_t alarm, uint8_t value)
{
    return (alarm & RTC_ALARM_DONT_CARE) == RTC_ALARM_DONT_CARE || alarm == value;
}

static bool alarm_matches(const struct cmos *c)
{
    const uint8_t *r = c->ram;
    return alarm_byte_matches(r[RTC_SECONDS_ALARM], r[RTC_SECONDS]) &&
           alarm_byte_matches(r[RTC_MINUTES_ALARM], r[RTC_MINUTES]) &&
           alarm_byte_matches(r[RTC_HOURS_ALARM], r[RTC_HOURS]);
}

/* Whether the alarm matches some time of day (every time of day passes in
 * a whole day). */
static bool alarm_matches_in_a_day(const struct cmos *c)
{
    bool sec = false, min = false, hour = false;
    for (unsigned n = 0; n < 60; n++) {
        sec |= alarm_byte_matches(c->ram[RTC_SECONDS_ALARM], to_reg(c, n));
        min |= alarm_byte_matches(c->ram[RTC_MINUTES_ALARM], to_reg(c, n));
        if (n < 24)
            hour |= alarm_byte_matches(c->ram[RTC_HOURS_ALARM], hour_to_reg(c, n));
    }
    return sec && min && hour;
}

static bool at_midnight(const struct cmos *c)
{
    return from_reg(c, c->ram[RTC_SECONDS]) == 0 && from_reg(c, c->ram[RTC_MINUTES]) == 0 &&
           hour_from_reg(c, c->ram[RTC_HOURS]) == 0;
}

/* n update cycles: each adds a second, sets UF, and sets AF if the new time
 * matches the alarm. A guest may leave the RTC alone for days of virtual
 * time; from midnight, whole days are taken a day at a time. */
static void run_updates(struct cmos *c, uint64_t n)
{
    while (n > 0) {
        if (n >= SECONDS_PER_DAY && at_midnight(c)) {
            next_day(c);
            c->ram[RTC_REG_C] |= RTC_C_UF | (alarm_matches_in_a_day(c) ? RTC_C_AF : 0);
            n -= SECONDS_PER_DAY;
            continue;
        }
        next_second(c);
        c->ram[RTC_REG_C] |= RTC_C_UF | (alarm_matches(c) ? RTC_C_AF : 0);
        n--;
    }
}

/* --- catching up with virtual time; the interrupt output --- */

/* Bring the registers to the present cycle: the update cycles and periodic
 * ticks that happened since the last look are applied now. Called before
 * any register access and when the timer fires, so the guest sees the chip
 * exactly as it would be at this cycle. The periodic flag keeps running
 * with SET; updates do not (and are not caught up when SET is cleared). */
static void catch_up(struct cmos *c)
{
    if (!divider_running(c))
        return;
    uint64_t now = divider_now(c);
    if (now <= c->div_ticks)
        return;
    unsigned period = periodic_ticks(c);
    if (period && now / period > c->div_ticks / period)
        c->ram[RTC_REG_C] |= RTC_C_PF;
    if (!(c->ram[RTC_REG_B] & RTC_B_SET))
        run_updates(c, now / RTC_HZ - c->div_ticks / RTC_HZ);
    c->div_ticks = now;
}

/* IRQF = (PF and PIE) or (AF and AIE) or (UF and UIE); the IRQ output
 * follows it. It stays high until register C is read. */
static void update_irq(struct cmos *c)
{
    bool irqf = (c->ram[RTC_REG_C] & c->ram[RTC_REG_B] & RTC_C_FLAGS) != 0;
    c->ram[RTC_REG_C] = (uint8_t)((c->ram[RTC_REG_C] & RTC_C_FLAGS) | (irqf ? RTC_C_IRQF : 0));
    if (irqf != c->irq_level) {
        c->irq_level = irqf;
        irq_set(&c->irq, irqf);
    }
}

/* Arm the timer for the next moment an interrupt could rise: the next
 * periodic tick if PIE, the next update if UIE or AIE. While IRQ 8 is high
 * nothing can change until register C is read, so nothing is armed: a guest
 * that masks IRQ 8 at the PIC and leaves PIE set costs no events. */
static void arm_timer(struct cmos *c)
{
    uint8_t b = c->ram[RTC_REG_B];
    unsigned period = periodic_ticks(c);
    uint64_t next = CLOCK_NEVER;
    clock_disarm(&c->timer);
    if (c->irq_level || !divider_running(c))
        return;
    if ((b & RTC_B_PIE) && period)
        next = (c->div_ticks / period + 1) * period;
    if ((b & (RTC_B_UIE | RTC_B_AIE)) && !(b & RTC_B_SET)) {
        uint64_t update = (c->div_ticks / RTC_HZ + 1) * RTC_HZ;
        if (update < next)
            next = update;
    }
    if (next != CLOCK_NEVER)
        clock_arm(c->clock, &c->timer, divider_cycle(c, next));
}

static void settle(struct cmos *c)
{
    update_irq(c);
    arm_timer(c);
}

static void cmos_timer(void *opaque, uint64_t now)
{
    struct cmos *c = opaque;
    (void)now;
    catch_up(c);
    settle(c);
}

/* --- registers --- */

/* UIP: the next update is at most 244 us away. SET clears it. */
static bool update_in_progress(const struct cmos *c)
{
    if (!divider_running(c) || (c->ram[RTC_REG_B] & RTC_B_SET))
        return false;
    return c->div_ticks % RTC_HZ >= RTC_HZ - RTC_UIP_TICKS;
}

static uint8_t read_register(struct cmos *c, uint8_t index)
{
    uint8_t v;
    switch (index) {
    case RTC_REG_A: return (uint8_t)(c->ram[RTC_REG_A] | (update_in_progress(c) ? RTC_A_UIP : 0));
    case RTC_REG_C:
        v = c->ram[RTC_REG_C];
        c->ram[RTC_REG_C] = 0; /* reading C clears every flag */
        return v;
    case RTC_REG_D: return RTC_D_VRT;
    default: return c->ram[index];
    }
}

/* Register A. Leaving the divider reset (any DV but 010) for DV = 010 puts
 * the chain half-way through a second: the first update comes 500 ms later. */
static void write_reg_a(struct cmos *c, uint8_t v)
{
    bool was_running = divider_running(c);
    c->ram[RTC_REG_A] = v & (uint8_t)~RTC_A_UIP;
    if (divider_running(c) && !was_running) {
        uint64_t div = c->div_ticks / RTC_HZ * RTC_HZ + RTC_HZ / 2;
        c->phase = div - clock_ticks(c);
        c->div_ticks = div;
    }
}

static void write_register(struct cmos *c, uint8_t index, uint8_t v)
{
    switch (index) {
    case RTC_REG_A: write_reg_a(c, v); break;
    case RTC_REG_B:
        if (v & RTC_B_SET)
            v &= (uint8_t)~RTC_B_UIE; /* data sheet: SET going high clears UIE */
        c->ram[RTC_REG_B] = v;
        break;
    case RTC_REG_C:
    case RTC_REG_D: break; /* read only */
    default: c->ram[index] = v; break;
    }
}

/* --- the bus contract: 0x70 index (write only), 0x71 data --- */

static uint8_t cmos_read_byte(struct cmos *c, uint32_t offset)
{
    if (offset == 0)
        return 0xff; /* the index register cannot be read back */
    catch_up(c);
    uint8_t v = read_register(c, c->index);
    settle(c);
    return v;
}

static void cmos_write_byte(struct cmos *c, uint32_t offset, uint8_t v)
{
    if (offset == 0) {
        c->index = v & (CMOS_SIZE - 1);
        c->nmi_masked = (v & 0x80) != 0;
        return;
    }
    catch_up(c);
    write_register(c, c->index, v);
    settle(c);
}

/* An 8-bit device: a wider access is a run of byte accesses, lowest first. */
static uint32_t cmos_io_read(void *opaque, uint32_t offset, int size)
{
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (uint32_t)cmos_read_byte(opaque, offset + (uint32_t)k) << (8 * k);
    return v;
}

static void cmos_io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    for (int k = 0; k < size; k++)
        cmos_write_byte(opaque, offset + (uint32_t)k, (uint8_t)(value >> (8 * k)));
}

/* --- the start date and the BIOS's RAM --- */

/* Days since 1970-01-01 to a Gregorian date (H. Hinnant's civil_from_days,
 * for non-negative day numbers). */
static void civil_from_days(uint64_t days, unsigned *y, unsigned *m, unsigned *d)
{
    uint64_t z = days + 719468; /* days since 0000-03-01 */
    uint64_t era = z / 146097;  /* 400-year eras */
    uint64_t doe = z - era * 146097;
    uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    uint64_t mp = (5 * doy + 2) / 153; /* month from March = 0 */
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = (unsigned)(yoe + era * 400 + (*m <= 2));
}

static void set_time(struct cmos *c, uint64_t epoch)
{
    uint64_t days = epoch / SECONDS_PER_DAY;
    unsigned secs = (unsigned)(epoch % SECONDS_PER_DAY), y, m, d;
    civil_from_days(days, &y, &m, &d);
    c->ram[RTC_SECONDS] = to_reg(c, secs % 60);
    c->ram[RTC_MINUTES] = to_reg(c, secs / 60 % 60);
    c->ram[RTC_HOURS] = hour_to_reg(c, secs / 3600);
    c->ram[RTC_DAY_OF_WEEK] = to_reg(c, (unsigned)((days + 4) % 7 + 1)); /* 1970-01-01: Thu */
    c->ram[RTC_DATE_OF_MONTH] = to_reg(c, d);
    c->ram[RTC_MONTH] = to_reg(c, m);
    c->ram[RTC_YEAR] = to_reg(c, y % 100);
    c->ram[CMOS_CENTURY] = to_reg(c, y / 100 % 100);
}

uint8_t cmos_get_byte(const struct cmos *c, uint8_t index)
{
    return index < CMOS_SIZE ? c->ram[index] : 0xff;
}

void cmos_set_byte(struct cmos *c, uint8_t index, uint8_t value)
{
    if (index > RTC_REG_D && index < CMOS_SIZE)
        c->ram[index] = value;
}

/* --- field table, lifecycle --- */

/* clang-format off */
#define CMOS_BYTE(name, index, doc) {name, DF_U8, offsetof(struct cmos, ram) + (index), 1, doc}
/* clang-format on */

/* The clock fields show the time as of the guest's last access to the chip
 * or the last interrupt event (the registers are brought up to date lazily);
 * a reader calls cmos_sync() first to see the present. */
static const struct devfield cmos_fields[] = {
    DEVFIELD(struct cmos, index, DF_U8, "register selected through port 0x70"),
    DEVFIELD(struct cmos, nmi_masked, DF_BOOL, "port 0x70 bit 7: NMI masked"),
    CMOS_BYTE("reg_a", RTC_REG_A, "A: DV2-0 (bits 6-4), rate select RS3-0 (3-0)"),
    CMOS_BYTE("reg_b", RTC_REG_B, "B: SET PIE AIE UIE SQWE DM 24/12 DSE"),
    CMOS_BYTE("reg_c", RTC_REG_C, "C: IRQF PF AF UF (reading clears)"),
    CMOS_BYTE("reg_d", RTC_REG_D, "D: VRT"),
    CMOS_BYTE("seconds", RTC_SECONDS, "time: seconds"),
    CMOS_BYTE("minutes", RTC_MINUTES, "time: minutes"),
    CMOS_BYTE("hours", RTC_HOURS, "time: hours (12-hour mode: bit 7 = PM)"),
    CMOS_BYTE("day_of_week", RTC_DAY_OF_WEEK, "date: day of week, Sunday = 1"),
    CMOS_BYTE("date", RTC_DATE_OF_MONTH, "date: day of the month"),
    CMOS_BYTE("month", RTC_MONTH, "date: month"),
    CMOS_BYTE("year", RTC_YEAR, "date: year of the century"),
    CMOS_BYTE("century", CMOS_CENTURY, "date: century (byte 0x32)"),
    CMOS_BYTE("seconds_alarm", RTC_SECONDS_ALARM, "alarm: seconds (0xC0-0xFF: any)"),
    CMOS_BYTE("minutes_alarm", RTC_MINUTES_ALARM, "alarm: minutes (0xC0-0xFF: any)"),
    CMOS_BYTE("hours_alarm", RTC_HOURS_ALARM, "alarm: hours (0xC0-0xFF: any)"),
    DEVFIELD(struct cmos, irq_level, DF_BOOL, "IRQ 8 output"),
    DEVFIELD(struct cmos, phase, DF_U64, "divider position minus clock ticks (mod 2^64)"),
    DEVFIELD(struct cmos, div_ticks, DF_U64, "divider position the registers are current to"),
    DEVFIELD_ARRAY(struct cmos, ram, DF_BYTES, CMOS_SIZE, "all 128 bytes: clock and RAM"),
};

size_t cmos_devinfo(struct cmos *c, struct devinfo *out, size_t max)
{
    if (max < 1)
        return 0;
    out[0] = (struct devinfo){"cmos", cmos_fields, sizeof cmos_fields / sizeof cmos_fields[0], c};
    return 1;
}

void cmos_sync(struct cmos *c)
{
    catch_up(c);
    settle(c);
}

struct cmos *cmos_create(struct bus *b, uint16_t base, struct clock *clk, struct irq_line irq,
                         uint64_t start_epoch)
{
    /* Check both tables first: neither can take an entry back. */
    if (b->n_io == BUS_MAX_IO || clk->n == CLOCK_MAX_TIMERS)
        return NULL;
    struct cmos *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->clock = clk;
    c->irq = irq;
    c->ram[RTC_REG_A] = RTC_A_DV_32K | 6; /* 32.768 kHz, 1024 Hz periodic rate */
    c->ram[RTC_REG_B] = RTC_B_24_12;      /* BCD, 24-hour, interrupts off */
    c->ram[RTC_REG_D] = RTC_D_VRT;
    c->phase = 0 - clock_ticks(c); /* the divider is at 0: first update one second from now */
    set_time(c, start_epoch);
    /* The RAM as a BIOS setup leaves it with nothing configured: 640 KiB, an
     * FPU, no drives, boot from disk then floppy then CD-ROM, one CPU. */
    c->ram[CMOS_EQUIPMENT] = CMOS_EQUIP_FPU;
    cmos_set_memory(c, 640 * 1024);
    cmos_set_boot_order(c, CMOS_BOOT_DISK, CMOS_BOOT_FLOPPY, CMOS_BOOT_CDROM);
    clock_add_timer(clk, &c->timer, "rtc", cmos_timer, c);
    bus_map_io(b, base, CMOS_NPORTS, cmos_io_read, cmos_io_write, c);
    return c;
}

void cmos_destroy(struct cmos *c)
{
    free(c);
}

void cmos_reset(struct cmos *c)
{
    catch_up(c);
    c->ram[RTC_REG_B] &= (uint8_t) ~(RTC_B_PIE | RTC_B_AIE | RTC_B_UIE | RTC_B_SQWE);
    c->ram[RTC_REG_C] = 0;
    settle(c);
}

bool cmos_nmi_masked(const struct cmos *c)
{
    return c->nmi_masked;
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep cmos_keep[] = {
    SNAP_KEEP(struct cmos, irq),
    SNAP_KEEP(struct cmos, clock),
    SNAP_KEEP(struct cmos, timer),
};

void cmos_snap(struct cmos *c, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, c, cmos_keep);
}
