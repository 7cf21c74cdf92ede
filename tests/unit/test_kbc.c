/*
 * test_kbc.c - the 8042 keyboard controller with its PS/2 keyboard and mouse
 * (devices/kbc.c, ps2kbd.c, ps2mouse.c), driven only through ports 0x60 and
 * 0x64, IRQ lines 1 and 12, the A20/reset callbacks and a clock on a local
 * cycle counter.
 *
 * Expected bytes come from the IBM PS/2 Technical Reference's scan code
 * tables and command descriptions, and from the Bochs BIOS's keyboard_init
 * (rombios.c), which panics unless each answer is exactly what it expects.
 */
#include <check.h>
#include <stdlib.h>

#include "unit_util.h"

#include "bus.h"
#include "clock.h"
#include "devices/kbc.h"

#define HZ           1000000000ull /* a fast nominal CPU: the tightest case for BIOS polling */
#define USEC(x)      ((uint64_t)(x)*HZ / 1000000)
#define DATA         0x60
#define STATUS       0x64
#define ST_OBF       0x01
#define ST_IBF       0x02
#define ST_SYS       0x04
#define ST_A2        0x08
#define ST_AUXB      0x20
#define CB_XLAT_IRQ1 0x65 /* power-on: XLAT, mouse off, SYS, IRQ 1 */
#define CB_RAW_IRQ1  0x25 /* no translation, mouse off, SYS, IRQ 1 */
#define CB_BOTH      0x47 /* XLAT, SYS, IRQ 12, IRQ 1, both ports on */

/* The Bochs BIOS polls the status port at most 65535 times per byte; each
 * poll is at least ten instructions of bcc output (a call to inb, a test, the
 * counter, a call to outb 0x80), so at one cycle each it waits this long. */
#define BIOS_POLL_CYCLES (65535ull * 10)

struct rig {
    struct bus bus;     /* ports */
    struct clock clock; /* on now */
    uint64_t now;       /* the cycle counter */
    struct kbc *kbc;    /* the device under test */
    int level[16];      /* IRQ lines as last driven */
    int rises[16];      /* rising edges seen */
    int a20_calls;      /* A20 callback invocations */
    bool a20;           /* the A20 state it was given last */
    int resets;         /* reset callback invocations */
};

static void rig_irq(void *opaque, int n, int level)
{
    struct rig *r = opaque;
    ck_assert(n == 1 || n == 12);
    if (level && !r->level[n])
        r->rises[n]++;
    r->level[n] = level;
}

static void rig_a20(void *opaque, bool on)
{
    struct rig *r = opaque;
    r->a20_calls++;
    r->a20 = on;
}

static void rig_reset(void *opaque)
{
    struct rig *r = opaque;
    r->resets++;
}

static struct rig *rig_new(void)
{
    struct rig *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(bus_init(&r->bus, 1 << 16), 0);
    clock_init(&r->clock, &r->now, NULL, HZ);
    struct irq_line l1 = {rig_irq, r, 1}, l12 = {rig_irq, r, 12};
    r->kbc = kbc_create(&r->bus, &r->clock, l1, l12, rig_a20, rig_reset, r);
    ck_assert_ptr_nonnull(r->kbc);
    return r;
}

static void rig_free(struct rig *r)
{
    kbc_destroy(r->kbc);
    bus_free(&r->bus);
    free(r);
}

static uint8_t in(struct rig *r, uint16_t port)
{
    return (uint8_t)bus_in(&r->bus, port, 1);
}

static void out(struct rig *r, uint16_t port, uint8_t v)
{
    bus_out(&r->bus, port, v, 1);
}

/* Run virtual time forward by cycles, firing timers at their own cycle. */
static void advance(struct rig *r, uint64_t cycles)
{
    uint64_t end = r->now + cycles;
    for (uint64_t t; (t = clock_next(&r->clock)) <= end;) {
        if (t > r->now)
            r->now = t;
        clock_dispatch(&r->clock);
    }
    r->now = end;
}

/* Run until the output buffer is full, as a polling loop does; returns the
 * cycles waited, failing when nothing comes within the BIOS's patience. */
static uint64_t wait_obf(struct rig *r)
{
    uint64_t start = r->now;
    while (!(in(r, STATUS) & ST_OBF)) {
        uint64_t t = clock_next(&r->clock);
        ck_assert_msg(t != CLOCK_NEVER, "no byte will ever come");
        ck_assert_msg(t - start <= BIOS_POLL_CYCLES, "byte too late: %llu cycles",
                      (unsigned long long)(t - start));
        if (t > r->now)
            r->now = t;
        clock_dispatch(&r->clock);
    }
    return r->now - start;
}

static uint8_t read_byte(struct rig *r)
{
    wait_obf(r);
    return in(r, DATA);
}

static void expect_bytes(struct rig *r, const uint8_t *want, int n)
{
    for (int k = 0; k < n; k++) {
        uint8_t got = read_byte(r);
        ck_assert_msg(got == want[k], "byte %d: got 0x%02x, want 0x%02x", k, got, want[k]);
    }
}

#define EXPECT(r, ...)                                                                             \
    do {                                                                                           \
        static const uint8_t want_[] = {__VA_ARGS__};                                              \
        expect_bytes(r, want_, (int)sizeof want_);                                                 \
    } while (0)

/* Nothing more arrives within a long while (10 ms). */
static void expect_silence(struct rig *r)
{
    advance(r, USEC(10000));
    ck_assert_uint_eq(in(r, STATUS) & ST_OBF, 0);
}

static void set_cb(struct rig *r, uint8_t cb)
{
    out(r, STATUS, 0x60);
    out(r, DATA, cb);
}

static uint8_t get_cb(struct rig *r)
{
    out(r, STATUS, 0x20);
    return read_byte(r);
}

static void mouse_cmd(struct rig *r, uint8_t b)
{
    out(r, STATUS, 0xd4);
    out(r, DATA, b);
}

static uint64_t devfield_value(struct rig *r, const char *dev, const char *name)
{
    struct devinfo info[KBC_NDEVINFO];
    int n = kbc_devinfo(r->kbc, info, KBC_NDEVINFO);
    for (int d = 0; d < n; d++) {
        if (strcmp(info[d].name, dev) != 0)
            continue;
        for (size_t f = 0; f < info[d].n_fields; f++)
            if (strcmp(info[d].fields[f].name, name) == 0)
                return devfield_get(&info[d].fields[f], info[d].state, 0);
    }
    ck_abort_msg("no field %s.%s", dev, name);
    return 0;
}

/* Bochs BIOS keyboard_init (rombios.c; FIRMWARE.md 1a), byte by byte: every
 * "wait until buffer is empty" must see IBF clear, every "wait for data" must
 * see OBF within its 65535 polls, and every answer must be the exact byte. */
START_TEST(t_bochs_bios_keyboard_init)
{
    struct rig *r = rig_new();
    ck_assert_uint_eq(in(r, STATUS) & (ST_OBF | ST_IBF), 0); /* flush: nothing there */
    out(r, STATUS, 0xaa);                                    /* self test */
    ck_assert_uint_eq(in(r, STATUS) & ST_IBF, 0);
    EXPECT(r, 0x55);
    out(r, STATUS, 0xab); /* keyboard interface test */
    ck_assert_uint_eq(in(r, STATUS) & ST_IBF, 0);
    EXPECT(r, 0x00);
    out(r, STATUS, 0xae); /* enable keyboard, then mouse */
    out(r, STATUS, 0xa8);
    out(r, DATA, 0xff); /* keyboard reset: ACK, then the self test's 0xAA */
    ck_assert_uint_eq(in(r, STATUS) & ST_IBF, 0);
    EXPECT(r, 0xfa, 0xaa);
    out(r, DATA, 0xf5); /* disable scanning */
    EXPECT(r, 0xfa);
    out(r, STATUS, 0x60); /* write command byte: translate, mouse off, IRQ 1 */
    ck_assert_uint_eq(in(r, STATUS) & ST_IBF, 0);
    out(r, DATA, 0x61);
    ck_assert_uint_eq(in(r, STATUS) & ST_IBF, 0);
    out(r, DATA, 0xf4); /* enable scanning */
    ck_assert_uint_eq(in(r, STATUS) & ST_IBF, 0);
    wait_obf(r);
    ck_assert_int_eq(r->level[1], 1); /* that ACK comes with IRQ 1 */
    ck_assert_uint_eq(in(r, DATA), 0xfa);
    expect_silence(r);
    ck_assert_uint_eq(get_cb(r), 0x61);
    ps2kbd_key(kbc_keyboard(r->kbc), PS2KBD_KEY_A, true); /* and the keyboard works */
    EXPECT(r, 0x1e);
    rig_free(r);
}
END_TEST

START_TEST(t_controller_tests)
{
    struct rig *r = rig_new();
    out(r, STATUS, 0x60);
    out(r, DATA, 0x61); /* SYS off in the command byte ... */
    ck_assert_uint_eq(in(r, STATUS) & ST_SYS, 0);
    out(r, STATUS, 0xaa); /* ... the self test sets the status flag */
    EXPECT(r, 0x55);
    ck_assert_uint_eq(in(r, STATUS) & ST_SYS, ST_SYS);
    out(r, STATUS, 0xab);
    EXPECT(r, 0x00);
    out(r, STATUS, 0xa9);
    EXPECT(r, 0x00);
    out(r, STATUS, 0xa4); /* no password */
    EXPECT(r, 0xf1);
    out(r, STATUS, 0xa1); /* version: answered */
    read_byte(r);
    out(r, STATUS, 0xc0); /* input port: keyboard not inhibited */
    EXPECT(r, 0x80);
    out(r, STATUS, 0xe0); /* test inputs: keyboard clock up, mouse clock (disabled) low */
    EXPECT(r, 0x01);
    out(r, STATUS, 0xc7); /* undefined: ignored */
    expect_silence(r);
    rig_free(r);
}
END_TEST

START_TEST(t_command_byte)
{
    struct rig *r = rig_new();
    ck_assert_uint_eq(get_cb(r), CB_XLAT_IRQ1); /* as a BIOS leaves it */
    ck_assert_uint_eq(devfield_value(r, "kbc", "cb"), CB_XLAT_IRQ1);
    out(r, STATUS, 0x60);
    ck_assert_uint_eq(in(r, STATUS) & ST_A2, ST_A2); /* last write: a command */
    out(r, DATA, 0x47);
    ck_assert_uint_eq(in(r, STATUS) & ST_A2, 0);
    ck_assert_uint_eq(in(r, STATUS) & ST_SYS, ST_SYS);
    ck_assert_uint_eq(get_cb(r), 0x47);
    set_cb(r, 0x43);
    ck_assert_uint_eq(in(r, STATUS) & ST_SYS, 0); /* SYS follows bit 2 */
    out(r, STATUS, 0xad);
    out(r, STATUS, 0xa7);
    ck_assert_uint_eq(get_cb(r), 0x73);
    out(r, STATUS, 0xae);
    out(r, STATUS, 0xa8);
    ck_assert_uint_eq(get_cb(r), 0x43);
    out(r, STATUS, 0x7f); /* internal RAM byte 31 */
    out(r, DATA, 0x5a);
    out(r, STATUS, 0x3f);
    EXPECT(r, 0x5a);
    rig_free(r);
}
END_TEST

START_TEST(t_irq1_only_when_enabled)
{
    struct rig *r = rig_new();
    struct ps2kbd *kb = kbc_keyboard(r->kbc);
    ps2kbd_key(kb, PS2KBD_KEY_A, true);
    ck_assert_int_eq(r->level[1], 0); /* not at once: the byte is on the wire */
    uint64_t waited = wait_obf(r);
    ck_assert_uint_eq(waited, USEC(100));
    ck_assert_int_eq(r->level[1], 1);
    ck_assert_uint_eq(in(r, DATA), 0x1e);
    ck_assert_int_eq(r->level[1], 0); /* the read lowers it */
    ck_assert_int_eq(r->rises[1], 1);
    ps2kbd_key(kb, PS2KBD_KEY_A, false); /* 0xF0 0x1C: folded into one byte */
    EXPECT(r, 0x9e);
    ck_assert_int_eq(r->rises[1], 2);

    set_cb(r, 0x64); /* IRQ 1 off */
    ps2kbd_key(kb, PS2KBD_KEY_B, true);
    EXPECT(r, 0x30);
    ck_assert_int_eq(r->rises[1], 2);
    ck_assert_int_eq(r->rises[12], 0);
    rig_free(r);
}
END_TEST

START_TEST(t_translation)
{
    struct rig *r = rig_new();
    struct ps2kbd *kb = kbc_keyboard(r->kbc);
    static const struct {
        int key;
        uint8_t make[2], brk[2];
        int n;
    } keys[] = {
        {PS2KBD_KEY_ENTER, {0x1c}, {0x9c}, 1},
        {PS2KBD_KEY_ESC, {0x01}, {0x81}, 1},
        {PS2KBD_KEY_F7, {0x41}, {0xc1}, 1},
        {PS2KBD_KEY_LSHIFT, {0x2a}, {0xaa}, 1},
        {PS2KBD_KEY_RCTRL, {0xe0, 0x1d}, {0xe0, 0x9d}, 2},
        {PS2KBD_KEY_UP, {0xe0, 0x48}, {0xe0, 0xc8}, 2},
        {PS2KBD_KEY_LEFT, {0xe0, 0x4b}, {0xe0, 0xcb}, 2},
        {PS2KBD_KEY_KP_ENTER, {0xe0, 0x1c}, {0xe0, 0x9c}, 2},
    };
    for (unsigned k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        ps2kbd_key(kb, keys[k].key, true);
        expect_bytes(r, keys[k].make, keys[k].n);
        ps2kbd_key(kb, keys[k].key, false);
        expect_bytes(r, keys[k].brk, keys[k].n);
    }
    ps2kbd_key(kb, PS2KBD_KEY_PAUSE, true);
    EXPECT(r, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5);
    expect_silence(r);
    rig_free(r);
}
END_TEST

START_TEST(t_xlat_off_passes_set2)
{
    struct rig *r = rig_new();
    struct ps2kbd *kb = kbc_keyboard(r->kbc);
    set_cb(r, CB_RAW_IRQ1);
    ps2kbd_key(kb, PS2KBD_KEY_A, true);
    ps2kbd_key(kb, PS2KBD_KEY_A, false);
    ps2kbd_key(kb, PS2KBD_KEY_UP, true);
    ps2kbd_key(kb, PS2KBD_KEY_UP, false);
    EXPECT(r, 0x1c, 0xf0, 0x1c, 0xe0, 0x75, 0xe0, 0xf0, 0x75);
    ck_assert_int_eq(r->rises[1], 8); /* one interrupt a byte */
    rig_free(r);
}
END_TEST

START_TEST(t_keyboard_commands)
{
    struct rig *r = rig_new();
    out(r, DATA, 0xf2); /* identify: the 8042 translates 0x83 too */
    EXPECT(r, 0xfa, 0xab, 0x41);
    out(r, DATA, 0xee);
    EXPECT(r, 0xee);
    out(r, DATA, 0xed);
    EXPECT(r, 0xfa);
    out(r, DATA, 0x07);
    EXPECT(r, 0xfa);
    ck_assert_uint_eq(devfield_value(r, "ps2kbd", "leds"), 7);
    out(r, DATA, 0xf3);
    out(r, DATA, 0x20);
    EXPECT(r, 0xfa, 0xfa);
    ck_assert_uint_eq(devfield_value(r, "ps2kbd", "typematic"), 0x20);
    out(r, DATA, 0xf0); /* which set? 2, which translates to 0x41 */
    out(r, DATA, 0x00);
    EXPECT(r, 0xfa, 0xfa, 0x41);
    out(r, DATA, 0xf0); /* set 3: not supported, parameter refused */
    out(r, DATA, 0x03);
    EXPECT(r, 0xfa, 0xfe);
    out(r, DATA, 0xfe); /* resend: the last byte again */
    EXPECT(r, 0xfe);
    out(r, DATA, 0xf1); /* unassigned command */
    EXPECT(r, 0xfe);
    out(r, DATA, 0x42); /* not a command at all */
    EXPECT(r, 0xfe);

    set_cb(r, CB_RAW_IRQ1); /* untranslated */
    out(r, DATA, 0xf2);
    EXPECT(r, 0xfa, 0xab, 0x83);
    out(r, DATA, 0xf0);
    out(r, DATA, 0x00);
    EXPECT(r, 0xfa, 0xfa, 0x02);
    out(r, DATA, 0xf0); /* the keyboard itself in set 1 */
    out(r, DATA, 0x01);
    EXPECT(r, 0xfa, 0xfa);
    ps2kbd_key(kbc_keyboard(r->kbc), PS2KBD_KEY_UP, false);
    EXPECT(r, 0xe0, 0xc8);
    out(r, DATA, 0xff); /* reset: back to set 2, LEDs off */
    EXPECT(r, 0xfa, 0xaa);
    ck_assert_uint_eq(devfield_value(r, "ps2kbd", "set"), 2);
    ck_assert_uint_eq(devfield_value(r, "ps2kbd", "leds"), 0);
    out(r, DATA, 0xf5); /* disabled: keys are ignored */
    EXPECT(r, 0xfa);
    ps2kbd_key(kbc_keyboard(r->kbc), PS2KBD_KEY_A, true);
    expect_silence(r);
    out(r, DATA, 0xf4);
    EXPECT(r, 0xfa);
    rig_free(r);
}
END_TEST

START_TEST(t_buffer_overflow)
{
    struct rig *r = rig_new();
    struct ps2kbd *kb = kbc_keyboard(r->kbc);
    out(r, STATUS, 0xad); /* port disabled: the keyboard keeps its bytes */
    for (int k = 0; k < 20; k++)
        ps2kbd_key(kb, PS2KBD_KEY_A + k, true);
    expect_silence(r);
    ck_assert_uint_eq(devfield_value(r, "ps2kbd", "keys.count"), 16);
    ck_assert(!ps2kbd_type_ascii(kb, 'x')); /* no room: refused, not lost */
    out(r, STATUS, 0xae);
    static const uint8_t set1_a_to_o[15] = {0x1e, 0x30, 0x2e, 0x20, 0x12, 0x21, 0x22, 0x23,
                                            0x17, 0x24, 0x25, 0x26, 0x32, 0x31, 0x18};
    expect_bytes(r, set1_a_to_o, 15);
    EXPECT(r, 0xff); /* set 2's overflow code 0x00, translated */
    expect_silence(r);
    rig_free(r);
}
END_TEST

START_TEST(t_type_ascii)
{
    struct rig *r = rig_new();
    struct ps2kbd *kb = kbc_keyboard(r->kbc);
    ck_assert(ps2kbd_type_ascii(kb, 'l'));
    ck_assert(ps2kbd_type_ascii(kb, 's'));
    ck_assert(ps2kbd_type_ascii(kb, '\n'));
    EXPECT(r, 0x26, 0xa6, 0x1f, 0x9f, 0x1c, 0x9c);
    ck_assert(ps2kbd_type_ascii(kb, 'A')); /* Shift around it */
    EXPECT(r, 0x2a, 0x1e, 0x9e, 0xaa);
    ck_assert(ps2kbd_type_ascii(kb, '|'));
    EXPECT(r, 0x2a, 0x2b, 0xab, 0xaa);
    ck_assert(ps2kbd_type_ascii(kb, 0x03)); /* Ctrl+C */
    EXPECT(r, 0x1d, 0x2e, 0xae, 0x9d);
    ck_assert(!ps2kbd_type_ascii(kb, (char)0xe9)); /* no key makes it */
    expect_silence(r);
    rig_free(r);
}
END_TEST

START_TEST(t_output_port)
{
    struct rig *r = rig_new();
    ck_assert_int_eq(r->a20_calls, 1); /* create told the board: A20 on */
    ck_assert(r->a20);
    out(r, STATUS, 0xd0);
    EXPECT(r, 0xcf);
    out(r, STATUS, 0xd1); /* A20 off, as Linux's setup would not, DOS would */
    out(r, DATA, 0xcd);
    ck_assert_int_eq(r->a20_calls, 2);
    ck_assert(!r->a20);
    ck_assert_int_eq(r->resets, 0);
    out(r, STATUS, 0xd1); /* 0xDF: A20 on (Linux's a20.c) */
    out(r, DATA, 0xdf);
    ck_assert(r->a20);
    out(r, STATUS, 0xff); /* pulse nothing (Linux's a20.c) */
    ck_assert_int_eq(r->resets, 0);
    out(r, STATUS, 0xdd);
    ck_assert(!r->a20);
    out(r, STATUS, 0xdf);
    ck_assert(r->a20);
    ck_assert_int_eq(r->a20_calls, 5);
    out(r, STATUS, 0xd1); /* output port bit 0 low: CPU reset */
    out(r, DATA, 0xce);
    ck_assert_int_eq(r->resets, 1);
    out(r, STATUS, 0xfe); /* pulse the reset line: the usual reboot */
    ck_assert_int_eq(r->resets, 2);
    out(r, STATUS, 0xd0); /* the line is back up */
    EXPECT(r, 0xcf);
    ck_assert_int_eq(r->a20_calls, 5);
    rig_free(r);
}
END_TEST

START_TEST(t_mouse)
{
    struct rig *r = rig_new();
    set_cb(r, CB_BOTH);
    static const uint8_t reset_answer[3] = {0xfa, 0xaa, 0x00};
    mouse_cmd(r, 0xff);
    for (int k = 0; k < 3; k++) {
        wait_obf(r);
        ck_assert_uint_eq(in(r, STATUS) & ST_AUXB, ST_AUXB);
        ck_assert_int_eq(r->level[12], 1);
        ck_assert_int_eq(r->level[1], 0);
        ck_assert_uint_eq(in(r, DATA), reset_answer[k]);
        ck_assert_int_eq(r->level[12], 0);
    }
    ck_assert_int_eq(r->rises[12], 3);
    ck_assert_int_eq(r->rises[1], 0);
    mouse_cmd(r, 0xf2);
    EXPECT(r, 0xfa, 0x00);
    static const uint8_t magic[3] = {200, 100, 80};
    for (int k = 0; k < 3; k++) {
        mouse_cmd(r, 0xf3);
        mouse_cmd(r, magic[k]);
        EXPECT(r, 0xfa, 0xfa);
    }
    mouse_cmd(r, 0xf2);
    EXPECT(r, 0xfa, 0x03); /* IntelliMouse */
    mouse_cmd(r, 0xf4);
    EXPECT(r, 0xfa);
    ps2mouse_move(kbc_mouse(r->kbc), -300, 5, PS2MOUSE_BUTTON_LEFT);
    EXPECT(r, 0x59, 0x00, 0x05, 0x00); /* left, X sign + overflow; -256; +5; no wheel */
    ps2mouse_move(kbc_mouse(r->kbc), 3, -2, 0);
    EXPECT(r, 0x28, 0x03, 0xfe, 0x00);
    ps2mouse_wheel(kbc_mouse(r->kbc), -1);
    EXPECT(r, 0x08, 0x00, 0x00, 0xff);
    ck_assert_int_eq(r->rises[1], 0);
    rig_free(r);
}
END_TEST

START_TEST(t_mouse_commands)
{
    struct rig *r = rig_new();
    set_cb(r, CB_BOTH);
    mouse_cmd(r, 0xe8); /* resolution 3, scaling 2:1, enabled */
    mouse_cmd(r, 0x03);
    mouse_cmd(r, 0xe7);
    mouse_cmd(r, 0xf4);
    EXPECT(r, 0xfa, 0xfa, 0xfa, 0xfa);
    ps2mouse_move(kbc_mouse(r->kbc), 4, 0, PS2MOUSE_BUTTON_RIGHT);
    EXPECT(r, 0x0a, 0x06, 0x00); /* 2:1 scaling: 4 counts -> 6 */
    mouse_cmd(r, 0xe9);
    EXPECT(r, 0xfa, 0x31, 0x03, 100); /* enabled, 2:1, right held; res; rate */
    mouse_cmd(r, 0xf3);               /* a rate no mouse has: asked again */
    mouse_cmd(r, 33);
    EXPECT(r, 0xfa, 0xfe);
    mouse_cmd(r, 0xe6);
    mouse_cmd(r, 0xf0); /* remote mode: movement waits for 0xEB */
    EXPECT(r, 0xfa, 0xfa);
    ps2mouse_move(kbc_mouse(r->kbc), 10, 0, 0);
    ps2mouse_move(kbc_mouse(r->kbc), 5, 7, 0);
    expect_silence(r);
    mouse_cmd(r, 0xeb);
    EXPECT(r, 0xfa, 0x08, 15, 7);
    mouse_cmd(r, 0xee); /* wrap mode: echoed */
    EXPECT(r, 0xfa);
    mouse_cmd(r, 0x12);
    mouse_cmd(r, 0xf2);
    EXPECT(r, 0x12, 0xf2);
    mouse_cmd(r, 0xec);
    EXPECT(r, 0xfa);
    mouse_cmd(r, 0xea);
    mouse_cmd(r, 0xf6);
    mouse_cmd(r, 0xfe); /* resend */
    EXPECT(r, 0xfa, 0xfa, 0xfa);
    mouse_cmd(r, 0xd9); /* unknown */
    EXPECT(r, 0xfe);
    rig_free(r);
}
END_TEST

START_TEST(t_aux_loopback_and_inject)
{
    struct rig *r = rig_new();
    set_cb(r, CB_BOTH);
    out(r, STATUS, 0xd3); /* Linux's AUX IRQ test */
    out(r, DATA, 0xa5);
    ck_assert_uint_eq(in(r, STATUS) & (ST_OBF | ST_AUXB), ST_OBF | ST_AUXB);
    ck_assert_int_eq(r->level[12], 1);
    ck_assert_uint_eq(in(r, DATA), 0xa5);
    out(r, STATUS, 0xd2); /* as keyboard data, untranslated */
    out(r, DATA, 0x9c);
    ck_assert_uint_eq(in(r, STATUS) & (ST_OBF | ST_AUXB), ST_OBF);
    ck_assert_int_eq(r->level[1], 1);
    ck_assert_uint_eq(in(r, DATA), 0x9c);
    set_cb(r, 0x45); /* IRQ 12 off: mouse data raises nothing */
    out(r, STATUS, 0xd3);
    out(r, DATA, 0x5a);
    ck_assert_uint_eq(in(r, STATUS) & (ST_OBF | ST_AUXB), ST_OBF | ST_AUXB);
    ck_assert_int_eq(r->level[12], 0);
    ck_assert_int_eq(r->level[1], 0);
    ck_assert_uint_eq(in(r, DATA), 0x5a);
    ck_assert_int_eq(r->rises[12], 1);
    rig_free(r);
}
END_TEST

START_TEST(t_port_disable_bits)
{
    struct rig *r = rig_new();
    set_cb(r, CB_BOTH);
    mouse_cmd(r, 0xf4);
    EXPECT(r, 0xfa);
    out(r, STATUS, 0xad);
    out(r, STATUS, 0xa7);
    ps2kbd_key(kbc_keyboard(r->kbc), PS2KBD_KEY_Z, true);
    ps2mouse_move(kbc_mouse(r->kbc), 1, 1, 0);
    expect_silence(r); /* both held back by their devices */
    out(r, STATUS, 0xa8);
    EXPECT(r, 0x08, 0x01, 0x01);
    ck_assert_int_eq(r->level[1], 0);
    out(r, STATUS, 0xae);
    EXPECT(r, 0x2c);
    out(r, STATUS, 0xad);
    out(r, DATA, 0xee); /* writing to the keyboard enables its port */
    EXPECT(r, 0xee);
    ck_assert_uint_eq(get_cb(r) & 0x10, 0);
    rig_free(r);
}
END_TEST

START_TEST(t_empty_reads_and_garbage)
{
    struct rig *r = rig_new();
    ck_assert_uint_eq(in(r, DATA), 0x00); /* nothing ever there */
    out(r, STATUS, 0xaa);
    EXPECT(r, 0x55);
    ck_assert_uint_eq(in(r, DATA), 0x55); /* read again: the last byte */
    ck_assert_uint_eq(in(r, STATUS) & ST_OBF, 0);
    ck_assert_uint_eq(bus_in(&r->bus, DATA, 2) & 0xff, 0x55); /* a word read: no crash */
    /* Untrusted guest: random writes and reads to both ports never break the
     * machine (callbacks counted, nothing asserted beyond staying sane). */
    uint32_t x = 12345;
    for (int k = 0; k < 20000; k++) {
        x = x * 1103515245u + 12345u;
        uint8_t v = (uint8_t)(x >> 16);
        switch ((x >> 8) & 3) {
        case 0: out(r, DATA, v); break;
        case 1: out(r, STATUS, v); break;
        case 2: in(r, DATA); break;
        default: advance(r, (x >> 20) & 0xfffff); break;
        }
    }
    ck_assert_uint_le(devfield_value(r, "ps2kbd", "keys.count"), 16);
    kbc_reset(r->kbc); /* and it comes back as new */
    ck_assert_int_eq(r->level[1], 0);
    ck_assert_int_eq(r->level[12], 0);
    ck_assert_uint_eq(get_cb(r), CB_XLAT_IRQ1);
    expect_silence(r);
    rig_free(r);
}
END_TEST

static Suite *kbc_suite(void)
{
    Suite *s = suite_create("kbc");
    TCase *tc = tcase_create("controller");
    tcase_add_test(tc, t_bochs_bios_keyboard_init);
    tcase_add_test(tc, t_controller_tests);
    tcase_add_test(tc, t_command_byte);
    tcase_add_test(tc, t_irq1_only_when_enabled);
    tcase_add_test(tc, t_output_port);
    tcase_add_test(tc, t_aux_loopback_and_inject);
    tcase_add_test(tc, t_port_disable_bits);
    tcase_add_test(tc, t_empty_reads_and_garbage);
    suite_add_tcase(s, tc);

    tc = tcase_create("keyboard");
    tcase_add_test(tc, t_translation);
    tcase_add_test(tc, t_xlat_off_passes_set2);
    tcase_add_test(tc, t_keyboard_commands);
    tcase_add_test(tc, t_buffer_overflow);
    tcase_add_test(tc, t_type_ascii);
    suite_add_tcase(s, tc);

    tc = tcase_create("mouse");
    tcase_add_test(tc, t_mouse);
    tcase_add_test(tc, t_mouse_commands);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(kbc_suite());
}
