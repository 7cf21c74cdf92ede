/*
 * ps2mouse.c - the PS/2 mouse, with the Microsoft IntelliMouse wheel
 * extension, plugged into the 8042's auxiliary port.
 *
 * A PS/2 mouse counts movement and reports it in 3-byte packets:
 *
 *   byte 0  bit 0 left, 1 right, 2 middle button held; bit 3 always 1;
 *           bit 4 X sign, 5 Y sign (the 9th bit of the deltas);
 *           bit 6 X overflow, 7 Y overflow (the delta did not fit)
 *   byte 1  X delta, low 8 bits (positive: right)
 *   byte 2  Y delta, low 8 bits (positive: up)
 *   byte 3  (IntelliMouse mode only) wheel delta, -8..7
 *
 * In stream mode (the default) it sends a packet whenever something changes,
 * once the host has enabled data reporting (0xF4); in remote mode it sends
 * one only when asked (0xEB). A driver finds the wheel by setting the sample
 * rate to 200, 100, then 80: the mouse then answers "get ID" with 3 instead of
 * 0 and adds the fourth byte to every packet.
 *
 * Commands from the host (through the 8042's 0xD4), each answered 0xFA first:
 *
 *   0xE6 / 0xE7  scaling 1:1 / 2:1 (stream mode: 2:1 maps 1,2,3,4,5 counts
 *                to 1,1,3,6,9 and more to twice as many)
 *   0xE8         resolution: + 0..3 (1, 2, 4, 8 counts/mm)
 *   0xE9         status request: + 3 bytes (see mouse_status()), rate
 *   0xEA / 0xF0  stream / remote mode
 *   0xEB         read data: + a packet of the movement since the last one
 *   0xEE / 0xEC  wrap mode on / off: in wrap mode every byte but 0xEC and
 *                0xFF is echoed back instead of being obeyed
 *   0xF2         get ID: + 0x00, or 0x03 in IntelliMouse mode
 *   0xF3         sample rate: + 10, 20, 40, 60, 80, 100 or 200 per second
 *   0xF4 / 0xF5  enable / disable data reporting
 *   0xF6         defaults: 100/s, 4 counts/mm, 1:1, stream, reporting off
 *   0xFE         resend the last byte
 *   0xFF         reset: + self test (PS2_BAT_NS), then 0xAA 0x00; ID back to 0
 *   other        0xFE; so is an invalid parameter byte (ask again)
 *
 * Sources: IBM PS/2 Hardware Interface Technical Reference, "Pointing Device"
 * (1988); Chapweske, "The PS/2 Mouse Interface" (2003), for IntelliMouse;
 * Linux drivers/input/mouse/psmouse-base.c for what a driver probes.
 *
 * Deliberately not: the IntelliMouse Explorer's 5-button mode (sample rates
 * 200, 200, 80 leave the ID at 3), which Linux then does without; the 0xFC
 * error answer to a second bad parameter in a row; a sample rate clock (a
 * packet goes out when the host reports movement, not 100 times a second);
 * "resend" sends the last byte, not the last whole packet.
 */
#include "devices/ps2mouse.h"
#include "snapshot.h"

#include <stdlib.h>

/* Commands from the host. */
#define PS2MOUSE_CMD_SCALE11    0xe6
#define PS2MOUSE_CMD_SCALE21    0xe7
#define PS2MOUSE_CMD_RESOLUTION 0xe8 /* + 0..3 */
#define PS2MOUSE_CMD_STATUS     0xe9
#define PS2MOUSE_CMD_STREAM     0xea
#define PS2MOUSE_CMD_READ       0xeb
#define PS2MOUSE_CMD_WRAP_OFF   0xec
#define PS2MOUSE_CMD_WRAP_ON    0xee
#define PS2MOUSE_CMD_REMOTE     0xf0
#define PS2MOUSE_CMD_GET_ID     0xf2
#define PS2MOUSE_CMD_RATE       0xf3 /* + samples per second */
#define PS2MOUSE_CMD_ENABLE     0xf4
#define PS2MOUSE_CMD_DISABLE    0xf5
#define PS2MOUSE_CMD_DEFAULTS   0xf6
#define PS2MOUSE_CMD_RESEND     0xfe
#define PS2MOUSE_CMD_RESET      0xff
#define PS2MOUSE_CMD_FIRST      0xe6 /* bytes from here up are commands, never parameters */

/* IDs answered to 0xF2, and the byte after 0xAA at the end of a reset. */
#define PS2MOUSE_ID_STANDARD 0x00
#define PS2MOUSE_ID_INTELLI  0x03

/* Packet byte 0. */
#define PS2MOUSE_PKT_BUTTONS 0x07 /* PS2MOUSE_BUTTON_* */
#define PS2MOUSE_PKT_ALWAYS1 0x08
#define PS2MOUSE_PKT_XSIGN   0x10
#define PS2MOUSE_PKT_YSIGN   0x20
#define PS2MOUSE_PKT_XOVF    0x40
#define PS2MOUSE_PKT_YOVF    0x80

/* Status byte 0 of 0xE9 (note the buttons' order differs from packets'). */
#define PS2MOUSE_STAT_RIGHT   0x01
#define PS2MOUSE_STAT_MIDDLE  0x02
#define PS2MOUSE_STAT_LEFT    0x04
#define PS2MOUSE_STAT_SCALE21 0x10
#define PS2MOUSE_STAT_ENABLED 0x20
#define PS2MOUSE_STAT_REMOTE  0x40

#define PS2MOUSE_RATE_DEFAULT 100 /* samples per second */
#define PS2MOUSE_RES_DEFAULT  2   /* 4 counts/mm */
#define PS2MOUSE_RES_MAX      3
#define PS2MOUSE_DELTA_MIN    (-256) /* the 9-bit range of a packet's deltas */
#define PS2MOUSE_DELTA_MAX    255
#define PS2MOUSE_WHEEL_MIN    (-8)
#define PS2MOUSE_WHEEL_MAX    7
#define PS2MOUSE_ACC_LIMIT    (1 << 20) /* remote mode's counters saturate here */
#define PS2MOUSE_PKT_MAX      4

struct ps2mouse {
    struct ps2_queue reply;   /* answers to commands, sent before packets */
    struct ps2_queue packets; /* movement packets waiting to be sent */
    uint8_t expect;           /* command whose parameter byte comes next; 0: none */
    uint8_t rate;             /* sample rate, per second */
    uint8_t resolution;       /* 0..3: 1, 2, 4, 8 counts/mm */
    bool scale21;             /* 2:1 scaling in stream mode */
    bool reporting;           /* data reporting enabled (0xF4) */
    bool remote;              /* remote mode (else stream mode) */
    bool wrap;                /* wrap (echo) mode */
    uint8_t id;               /* 0 standard, 3 IntelliMouse (wheel) */
    uint8_t rates[3];         /* the last three sample rates set, oldest first */
    uint8_t buttons;          /* PS2MOUSE_BUTTON_* held */
    uint32_t acc_dx;          /* remote mode: X movement not yet read (int32) */
    uint32_t acc_dy;          /* ... Y movement (int32) */
    uint32_t acc_dz;          /* ... wheel movement (int32) */
    uint8_t last;             /* the byte sent last, for 0xFE */
    struct clock_timer bat;   /* the end of the self test after 0xFF */
    struct clock *clock;      /* virtual time */
    ps2_notify_fn *notify;    /* tells the controller a byte is ready */
    void *notify_opaque;      /* its argument */
};

static void send_reply(struct ps2mouse *m, uint8_t b)
{
    ps2_queue_push(&m->reply, b);
    m->notify(m->notify_opaque);
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* --- packets --- */

/* 2:1 scaling (IBM: "the counts are changed according to this table"). */
static int scale21(int d)
{
    static const int small[6] = {0, 1, 1, 3, 6, 9};
    int a = d < 0 ? -d : d;
    int s = a < 6 ? small[a] : 2 * a;
    return d < 0 ? -s : s;
}

/* Build a packet of the deltas into p; returns its length (3 or 4). */
static int make_packet(const struct ps2mouse *m, int dx, int dy, int dz, uint8_t *p)
{
    uint8_t b0 = PS2MOUSE_PKT_ALWAYS1 | (m->buttons & PS2MOUSE_PKT_BUTTONS);
    if (dx < PS2MOUSE_DELTA_MIN || dx > PS2MOUSE_DELTA_MAX)
        b0 |= PS2MOUSE_PKT_XOVF;
    if (dy < PS2MOUSE_DELTA_MIN || dy > PS2MOUSE_DELTA_MAX)
        b0 |= PS2MOUSE_PKT_YOVF;
    dx = clamp(dx, PS2MOUSE_DELTA_MIN, PS2MOUSE_DELTA_MAX);
    dy = clamp(dy, PS2MOUSE_DELTA_MIN, PS2MOUSE_DELTA_MAX);
    if (dx < 0)
        b0 |= PS2MOUSE_PKT_XSIGN;
    if (dy < 0)
        b0 |= PS2MOUSE_PKT_YSIGN;
    p[0] = b0;
    p[1] = (uint8_t)dx;
    p[2] = (uint8_t)dy;
    if (m->id != PS2MOUSE_ID_INTELLI)
        return 3;
    p[3] = (uint8_t)clamp(dz, PS2MOUSE_WHEEL_MIN, PS2MOUSE_WHEEL_MAX);
    return 4;
}

/* Stream mode: send a packet now if reporting is on and it fits (else it is
 * lost: the host moved the mouse faster than the guest reads). */
static void stream_packet(struct ps2mouse *m, int dx, int dy, int dz)
{
    uint8_t p[PS2MOUSE_PKT_MAX];
    if (!m->reporting || m->wrap)
        return;
    if (m->scale21) {
        dx = scale21(dx);
        dy = scale21(dy);
    }
    int n = make_packet(m, dx, dy, dz, p);
    if (ps2_queue_room(&m->packets) < n)
        return;
    for (int k = 0; k < n; k++)
        ps2_queue_push(&m->packets, p[k]);
    m->notify(m->notify_opaque);
}

static void accumulate(uint32_t *acc, int d)
{
    int v = (int)(int32_t)*acc + clamp(d, -PS2MOUSE_ACC_LIMIT, PS2MOUSE_ACC_LIMIT);
    *acc = (uint32_t)(int32_t)clamp(v, -PS2MOUSE_ACC_LIMIT, PS2MOUSE_ACC_LIMIT);
}

static void movement(struct ps2mouse *m, int dx, int dy, int dz)
{
    if (m->remote) {
        accumulate(&m->acc_dx, dx);
        accumulate(&m->acc_dy, dy);
        accumulate(&m->acc_dz, dz);
    } else {
        stream_packet(m, dx, dy, dz);
    }
}

void ps2mouse_move(struct ps2mouse *m, int dx, int dy, unsigned buttons)
{
    m->buttons = (uint8_t)(buttons & PS2MOUSE_PKT_BUTTONS);
    movement(m, dx, dy, 0);
}

void ps2mouse_wheel(struct ps2mouse *m, int dz)
{
    if (m->id == PS2MOUSE_ID_INTELLI)
        movement(m, 0, 0, dz);
}

/* --- commands --- */

static void set_defaults(struct ps2mouse *m)
{
    m->rate = PS2MOUSE_RATE_DEFAULT;
    m->resolution = PS2MOUSE_RES_DEFAULT;
    m->scale21 = false;
    m->remote = false;
    m->reporting = false;
    m->acc_dx = m->acc_dy = m->acc_dz = 0;
    ps2_queue_clear(&m->packets);
}

static bool valid_rate(uint8_t v)
{
    static const uint8_t rates[] = {10, 20, 40, 60, 80, 100, 200};
    for (unsigned k = 0; k < sizeof rates; k++)
        if (v == rates[k])
            return true;
    return false;
}

/* A sample rate was set: the IntelliMouse unlock sequence is 200, 100, 80. */
static void take_rate(struct ps2mouse *m, uint8_t v)
{
    m->rate = v;
    m->rates[0] = m->rates[1];
    m->rates[1] = m->rates[2];
    m->rates[2] = v;
    if (m->rates[0] == 200 && m->rates[1] == 100 && m->rates[2] == 80)
        m->id = PS2MOUSE_ID_INTELLI;
}

static void take_parameter(struct ps2mouse *m, uint8_t v)
{
    bool ok = m->expect == PS2MOUSE_CMD_RATE ? valid_rate(v) : v <= PS2MOUSE_RES_MAX;
    if (!ok) { /* ask for the parameter again */
        send_reply(m, PS2_RESEND);
        return;
    }
    if (m->expect == PS2MOUSE_CMD_RATE)
        take_rate(m, v);
    else
        m->resolution = v;
    m->expect = 0;
    send_reply(m, PS2_ACK);
}

/* 0xE9: flags and buttons, resolution, sample rate. */
static void send_status(struct ps2mouse *m)
{
    uint8_t s = 0;
    if (m->buttons & PS2MOUSE_BUTTON_LEFT)
        s |= PS2MOUSE_STAT_LEFT;
    if (m->buttons & PS2MOUSE_BUTTON_MIDDLE)
        s |= PS2MOUSE_STAT_MIDDLE;
    if (m->buttons & PS2MOUSE_BUTTON_RIGHT)
        s |= PS2MOUSE_STAT_RIGHT;
    if (m->scale21)
        s |= PS2MOUSE_STAT_SCALE21;
    if (m->reporting)
        s |= PS2MOUSE_STAT_ENABLED;
    if (m->remote)
        s |= PS2MOUSE_STAT_REMOTE;
    send_reply(m, PS2_ACK);
    send_reply(m, s);
    send_reply(m, m->resolution);
    send_reply(m, m->rate);
}

/* 0xEB: a packet of what moved since the last one (no scaling). */
static void send_data(struct ps2mouse *m)
{
    uint8_t p[PS2MOUSE_PKT_MAX];
    int n = make_packet(m, (int32_t)m->acc_dx, (int32_t)m->acc_dy, (int32_t)m->acc_dz, p);
    m->acc_dx = m->acc_dy = m->acc_dz = 0;
    send_reply(m, PS2_ACK);
    for (int k = 0; k < n; k++)
        send_reply(m, p[k]);
}

static void bat_done(void *opaque, uint64_t now)
{
    struct ps2mouse *m = opaque;
    (void)now;
    send_reply(m, PS2_BAT_OK);
    send_reply(m, m->id);
}

static void command_reset(struct ps2mouse *m)
{
    ps2_queue_clear(&m->reply);
    set_defaults(m);
    m->id = PS2MOUSE_ID_STANDARD;
    m->wrap = false;
    send_reply(m, PS2_ACK);
    uint64_t bat = clock_ns_to_cycles(m->clock, PS2_BAT_NS);
    clock_arm(m->clock, &m->bat, clock_now(m->clock) + (bat ? bat : 1));
}

static void command(struct ps2mouse *m, uint8_t cmd)
{
    switch (cmd) {
    case PS2MOUSE_CMD_SCALE11: m->scale21 = false; break;
    case PS2MOUSE_CMD_SCALE21: m->scale21 = true; break;
    case PS2MOUSE_CMD_RESOLUTION:
    case PS2MOUSE_CMD_RATE: m->expect = cmd; break;
    case PS2MOUSE_CMD_STATUS: send_status(m); return;
    case PS2MOUSE_CMD_STREAM: m->remote = false; break;
    case PS2MOUSE_CMD_READ: send_data(m); return;
    case PS2MOUSE_CMD_WRAP_OFF: m->wrap = false; break;
    case PS2MOUSE_CMD_WRAP_ON: m->wrap = true; break;
    case PS2MOUSE_CMD_REMOTE: m->remote = true; break;
    case PS2MOUSE_CMD_GET_ID:
        send_reply(m, PS2_ACK);
        send_reply(m, m->id);
        return;
    case PS2MOUSE_CMD_ENABLE:
    case PS2MOUSE_CMD_DISABLE:
        m->reporting = cmd == PS2MOUSE_CMD_ENABLE;
        m->acc_dx = m->acc_dy = m->acc_dz = 0;
        ps2_queue_clear(&m->packets);
        break;
    case PS2MOUSE_CMD_DEFAULTS: set_defaults(m); break;
    case PS2MOUSE_CMD_RESEND: send_reply(m, m->last); return;
    case PS2MOUSE_CMD_RESET: command_reset(m); return;
    default: send_reply(m, PS2_RESEND); return;
    }
    send_reply(m, PS2_ACK);
}

void ps2mouse_write(struct ps2mouse *m, uint8_t byte)
{
    if (m->wrap && byte != PS2MOUSE_CMD_WRAP_OFF && byte != PS2MOUSE_CMD_RESET) {
        send_reply(m, byte); /* wrap mode: echo */
        return;
    }
    if (m->expect && byte < PS2MOUSE_CMD_FIRST) {
        take_parameter(m, byte);
        return;
    }
    m->expect = 0; /* a command where a parameter was due starts afresh */
    command(m, byte);
}

int ps2mouse_read(struct ps2mouse *m)
{
    int b = ps2_queue_pop(&m->reply);
    if (b < 0)
        b = ps2_queue_pop(&m->packets);
    if (b >= 0)
        m->last = (uint8_t)b;
    return b;
}

bool ps2mouse_has_data(const struct ps2mouse *m)
{
    return m->reply.count > 0 || m->packets.count > 0;
}

/* --- lifecycle --- */

static const struct devfield ps2mouse_fields[] = {
    DEVFIELD(struct ps2mouse, reporting, DF_BOOL, "data reporting enabled (0xF4)"),
    DEVFIELD(struct ps2mouse, remote, DF_BOOL, "remote mode (else stream)"),
    DEVFIELD(struct ps2mouse, wrap, DF_BOOL, "wrap (echo) mode"),
    DEVFIELD(struct ps2mouse, id, DF_U8, "device ID: 0 standard, 3 IntelliMouse"),
    DEVFIELD(struct ps2mouse, rate, DF_U8, "sample rate per second"),
    DEVFIELD(struct ps2mouse, resolution, DF_U8, "resolution: 0..3 = 1, 2, 4, 8 counts/mm"),
    DEVFIELD(struct ps2mouse, scale21, DF_BOOL, "2:1 scaling"),
    DEVFIELD(struct ps2mouse, buttons, DF_U8, "buttons held: bit 0 left, 1 right, 2 middle"),
    DEVFIELD(struct ps2mouse, expect, DF_U8, "command awaiting its parameter byte, 0: none"),
    DEVFIELD_ARRAY(struct ps2mouse, rates, DF_U8, 3, "last three sample rates set"),
    DEVFIELD(struct ps2mouse, acc_dx, DF_U32, "remote mode: X counts not yet read"),
    DEVFIELD(struct ps2mouse, acc_dy, DF_U32, "remote mode: Y counts not yet read"),
    DEVFIELD(struct ps2mouse, acc_dz, DF_U32, "remote mode: wheel counts not yet read"),
    DEVFIELD(struct ps2mouse, last, DF_U8, "byte sent last (for 0xFE resend)"),
    DEVFIELD(struct ps2mouse, packets.count, DF_U8, "packet bytes waiting (queue length)"),
    DEVFIELD(struct ps2mouse, packets.head, DF_U8, "index of the oldest packet byte"),
    DEVFIELD_ARRAY(struct ps2mouse, packets.buf, DF_BYTES, PS2_QUEUE_SIZE, "packet bytes"),
    DEVFIELD(struct ps2mouse, reply.count, DF_U8, "command answer bytes waiting"),
    DEVFIELD(struct ps2mouse, reply.head, DF_U8, "index of the oldest answer byte"),
    DEVFIELD_ARRAY(struct ps2mouse, reply.buf, DF_BYTES, PS2_QUEUE_SIZE, "command answers"),
    DEVFIELD(struct ps2mouse, bat.when, DF_U64, "cycle the self test ends (~0: none)"),
};

void ps2mouse_devinfo(struct ps2mouse *m, struct devinfo *out)
{
    *out = (struct devinfo){"ps2mouse", ps2mouse_fields,
                            sizeof ps2mouse_fields / sizeof ps2mouse_fields[0], m};
}

struct ps2mouse *ps2mouse_create(struct clock *clk, ps2_notify_fn *notify, void *opaque)
{
    struct ps2mouse *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->clock = clk;
    m->notify = notify;
    m->notify_opaque = opaque;
    if (clock_add_timer(clk, &m->bat, "ps2mouse-bat", bat_done, m) != 0) {
        free(m);
        return NULL;
    }
    ps2mouse_reset(m);
    return m;
}

void ps2mouse_destroy(struct ps2mouse *m)
{
    if (m)
        clock_disarm(&m->bat);
    free(m);
}

void ps2mouse_reset(struct ps2mouse *m)
{
    ps2_queue_clear(&m->reply);
    set_defaults(m);
    m->id = PS2MOUSE_ID_STANDARD;
    m->wrap = false;
    m->expect = 0;
    m->buttons = 0;
    m->last = 0;
    m->rates[0] = m->rates[1] = m->rates[2] = 0;
    clock_disarm(&m->bat);
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep ps2mouse_keep[] = {
    SNAP_KEEP(struct ps2mouse, bat),
    SNAP_KEEP(struct ps2mouse, clock),
    SNAP_KEEP(struct ps2mouse, notify),
    SNAP_KEEP(struct ps2mouse, notify_opaque),
};

void ps2mouse_snap(struct ps2mouse *m, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, m, ps2mouse_keep);
}
