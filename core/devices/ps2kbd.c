/*
 * ps2kbd.c - the PS/2 keyboard: an IBM Enhanced (MF2, 101/102-key) keyboard
 * with its own microcontroller, plugged into the 8042's first port.
 *
 * The keyboard reports each key going down with a "make" code and coming up
 * with a "break" code. It speaks scan code set 2 natively: a make code is one
 * byte (0x1C for A), or 0xE0 and a byte for the keys the 101-key layout added
 * (0xE0 0x75 for Up); the break code is the make code with 0xF0 before its
 * last byte (0xF0 0x1C, 0xE0 0xF0 0x75). Software that wants the PC/XT's set
 * 1 (make codes with bit 7 set on release) usually gets it from the 8042,
 * which translates set 2 to set 1 on the fly when its XLAT bit is on
 * (kbc.c); ps2kbd_set1_code() is that translation table.
 *
 * The host sends the keyboard commands through port 0x60; each is answered
 * with 0xFA (ACK) and maybe more bytes:
 *
 *   0xED  set LEDs        ACK; then a parameter byte (bit 0 Scroll, 1 Num, 2 Caps
 *                         Lock), ACK
 *   0xEE  echo            0xEE (no ACK)
 *   0xF0  scan code set   ACK; then 0: ACK + the set in use; 1, 2: ACK, switch
 *   0xF2  identify        ACK 0xAB 0x83 (an MF2 keyboard)
 *   0xF3  typematic       ACK; then a rate/delay byte, ACK
 *   0xF4  enable          ACK; buffer emptied, scanning on
 *   0xF5  disable         ACK; defaults, buffer emptied, scanning off
 *   0xF6  set defaults    ACK; defaults, buffer emptied
 *   0xF7-0xFA             ACK (set 3's per-key modes: nothing to do in set 2)
 *   0xFB-0xFD             ACK; then key codes, each ACKed (set 3 only; ignored)
 *   0xFE  resend          the last byte sent, again
 *   0xFF  reset           ACK; self test (PS2_BAT_NS); 0xAA; scanning on
 *   other                 0xFE (resend: not understood)
 *
 * Sources: IBM PS/2 Hardware Interface Technical Reference, "Keyboard" (1988),
 * which also gives the scan code tables; Chapweske, "The PS/2 Keyboard
 * Interface"; Linux drivers/input/keyboard/atkbd.c for what a driver expects.
 *
 * What is emulated: the commands above; the 16-byte buffer with its overflow
 * code (0x00 in set 2, 0xFF in set 1: the last slot is kept for it); sets 1
 * and 2; command answers going ahead of buffered key bytes, as the keyboard's
 * controller sends them first; a byte of 0xED or more where a parameter is
 * expected is taken as a new command, as real keyboards do.
 *
 * Deliberately not: set 3 (0xF0 0x03 is answered 0xFE and the keyboard stays
 * in set 2; Linux then keeps set 2); typematic auto-repeat (a held key is
 * repeated by the host, which knows how long it is held); the "fake shift"
 * bytes a real keyboard adds around some gray keys when Num Lock is on; a
 * real 300-500 ms self test (see PS2_BAT_NS).
 */
#include "devices/ps2kbd.h"
#include "snapshot.h"

#include <stdlib.h>

/* Commands from the host. */
#define PS2KBD_CMD_SET_LEDS     0xed /* + LED byte */
#define PS2KBD_CMD_ECHO         0xee
#define PS2KBD_CMD_SCANSET      0xf0 /* + 0 (query) or a set number */
#define PS2KBD_CMD_IDENTIFY     0xf2
#define PS2KBD_CMD_TYPEMATIC    0xf3 /* + rate/delay byte */
#define PS2KBD_CMD_ENABLE       0xf4
#define PS2KBD_CMD_DISABLE      0xf5
#define PS2KBD_CMD_DEFAULTS     0xf6
#define PS2KBD_CMD_SET3_ALL     0xf7 /* 0xF7-0xFA: all keys' set 3 mode */
#define PS2KBD_CMD_SET3_ALL_END 0xfa
#define PS2KBD_CMD_SET3_KEY     0xfb /* 0xFB-0xFD: + key codes, one key's set 3 mode */
#define PS2KBD_CMD_SET3_KEY_END 0xfd
#define PS2KBD_CMD_RESEND       0xfe
#define PS2KBD_CMD_RESET        0xff
#define PS2KBD_CMD_FIRST        0xed /* bytes from here up are commands, never parameters */

/* The answer to identify: an MF2 keyboard. */
#define PS2KBD_ID_0 0xab
#define PS2KBD_ID_1 0x83

/* LED byte of 0xED. */
#define PS2KBD_LED_SCROLL 0x01 /* Scroll Lock */
#define PS2KBD_LED_NUM    0x02 /* Num Lock */
#define PS2KBD_LED_CAPS   0x04 /* Caps Lock */
#define PS2KBD_LED_MASK   0x07

#define PS2KBD_TYPEMATIC_DEFAULT 0x2b /* 10.9 characters/s after 500 ms */
#define PS2KBD_TYPEMATIC_MASK    0x7f /* bits 0-4 rate, 5-6 delay */

/* Set 2 bytes with a meaning of their own. */
#define SET2_EXT       0xe0 /* prefix of the 101-key layout's added keys */
#define SET2_PAUSE     0xe1 /* prefix of the Pause key's sequence */
#define SET2_BREAK     0xf0 /* "the key named next went up" */
#define SET2_OVERFLOW  0x00 /* the buffer was full: keys were lost */
#define SET1_OVERFLOW  0xff
#define SET1_BREAK_BIT 0x80 /* set 1 marks a release with bit 7 */

/* Longest key event: Pause, 8 bytes. */
#define KEY_SEQ_MAX 8

struct ps2kbd {
    struct ps2_queue reply; /* answers to commands, sent before any key bytes */
    struct ps2_queue keys;  /* the keyboard's buffer of scan code bytes */
    uint8_t expect;         /* command whose parameter byte comes next; 0: none */
    uint8_t set;            /* scan code set in use: 1 or 2 */
    uint8_t leds;           /* PS2KBD_LED_* as last set by 0xED */
    uint8_t typematic;      /* rate/delay byte of 0xF3 (stored only) */
    uint8_t last;           /* the byte sent last, for 0xFE */
    bool scanning;          /* key events reported (else ignored) */
    struct clock_timer bat; /* the end of the self test after 0xFF */
    struct clock *clock;    /* virtual time */
    ps2_notify_fn *notify;  /* tells the controller a byte is ready */
    void *notify_opaque;    /* its argument */
};

/* The set 2 make code of each key: one byte, or 0xE0xx for an extended key.
 * Print Screen and Pause send longer sequences (key_sequence()). */
/* clang-format off */
static const uint16_t set2_make[PS2KBD_KEY_COUNT] = {
    [PS2KBD_KEY_A] = 0x1c, [PS2KBD_KEY_B] = 0x32, [PS2KBD_KEY_C] = 0x21,
    [PS2KBD_KEY_D] = 0x23, [PS2KBD_KEY_E] = 0x24, [PS2KBD_KEY_F] = 0x2b,
    [PS2KBD_KEY_G] = 0x34, [PS2KBD_KEY_H] = 0x33, [PS2KBD_KEY_I] = 0x43,
    [PS2KBD_KEY_J] = 0x3b, [PS2KBD_KEY_K] = 0x42, [PS2KBD_KEY_L] = 0x4b,
    [PS2KBD_KEY_M] = 0x3a, [PS2KBD_KEY_N] = 0x31, [PS2KBD_KEY_O] = 0x44,
    [PS2KBD_KEY_P] = 0x4d, [PS2KBD_KEY_Q] = 0x15, [PS2KBD_KEY_R] = 0x2d,
    [PS2KBD_KEY_S] = 0x1b, [PS2KBD_KEY_T] = 0x2c, [PS2KBD_KEY_U] = 0x3c,
    [PS2KBD_KEY_V] = 0x2a, [PS2KBD_KEY_W] = 0x1d, [PS2KBD_KEY_X] = 0x22,
    [PS2KBD_KEY_Y] = 0x35, [PS2KBD_KEY_Z] = 0x1a,
    [PS2KBD_KEY_0] = 0x45, [PS2KBD_KEY_1] = 0x16, [PS2KBD_KEY_2] = 0x1e,
    [PS2KBD_KEY_3] = 0x26, [PS2KBD_KEY_4] = 0x25, [PS2KBD_KEY_5] = 0x2e,
    [PS2KBD_KEY_6] = 0x36, [PS2KBD_KEY_7] = 0x3d, [PS2KBD_KEY_8] = 0x3e,
    [PS2KBD_KEY_9] = 0x46,
    [PS2KBD_KEY_ENTER] = 0x5a, [PS2KBD_KEY_ESC] = 0x76, [PS2KBD_KEY_BACKSPACE] = 0x66,
    [PS2KBD_KEY_TAB] = 0x0d, [PS2KBD_KEY_SPACE] = 0x29, [PS2KBD_KEY_MINUS] = 0x4e,
    [PS2KBD_KEY_EQUAL] = 0x55, [PS2KBD_KEY_LBRACKET] = 0x54, [PS2KBD_KEY_RBRACKET] = 0x5b,
    [PS2KBD_KEY_BACKSLASH] = 0x5d, [PS2KBD_KEY_SEMICOLON] = 0x4c,
    [PS2KBD_KEY_APOSTROPHE] = 0x52, [PS2KBD_KEY_GRAVE] = 0x0e, [PS2KBD_KEY_COMMA] = 0x41,
    [PS2KBD_KEY_DOT] = 0x49, [PS2KBD_KEY_SLASH] = 0x4a, [PS2KBD_KEY_CAPSLOCK] = 0x58,
    [PS2KBD_KEY_F1] = 0x05, [PS2KBD_KEY_F2] = 0x06, [PS2KBD_KEY_F3] = 0x04,
    [PS2KBD_KEY_F4] = 0x0c, [PS2KBD_KEY_F5] = 0x03, [PS2KBD_KEY_F6] = 0x0b,
    [PS2KBD_KEY_F7] = 0x83, [PS2KBD_KEY_F8] = 0x0a, [PS2KBD_KEY_F9] = 0x01,
    [PS2KBD_KEY_F10] = 0x09, [PS2KBD_KEY_F11] = 0x78, [PS2KBD_KEY_F12] = 0x07,
    [PS2KBD_KEY_LSHIFT] = 0x12, [PS2KBD_KEY_RSHIFT] = 0x59, [PS2KBD_KEY_LCTRL] = 0x14,
    [PS2KBD_KEY_RCTRL] = 0xe014, [PS2KBD_KEY_LALT] = 0x11, [PS2KBD_KEY_RALT] = 0xe011,
    [PS2KBD_KEY_LGUI] = 0xe01f, [PS2KBD_KEY_RGUI] = 0xe027, [PS2KBD_KEY_MENU] = 0xe02f,
    [PS2KBD_KEY_PRINTSCREEN] = 0xe07c, [PS2KBD_KEY_SCROLLLOCK] = 0x7e,
    [PS2KBD_KEY_PAUSE] = 0x77,
    [PS2KBD_KEY_INSERT] = 0xe070, [PS2KBD_KEY_HOME] = 0xe06c, [PS2KBD_KEY_PAGEUP] = 0xe07d,
    [PS2KBD_KEY_DELETE] = 0xe071, [PS2KBD_KEY_END] = 0xe069, [PS2KBD_KEY_PAGEDOWN] = 0xe07a,
    [PS2KBD_KEY_UP] = 0xe075, [PS2KBD_KEY_LEFT] = 0xe06b, [PS2KBD_KEY_DOWN] = 0xe072,
    [PS2KBD_KEY_RIGHT] = 0xe074,
    [PS2KBD_KEY_NUMLOCK] = 0x77, [PS2KBD_KEY_KP_SLASH] = 0xe04a, [PS2KBD_KEY_KP_STAR] = 0x7c,
    [PS2KBD_KEY_KP_MINUS] = 0x7b, [PS2KBD_KEY_KP_PLUS] = 0x79, [PS2KBD_KEY_KP_ENTER] = 0xe05a,
    [PS2KBD_KEY_KP_DOT] = 0x71,
    [PS2KBD_KEY_KP_0] = 0x70, [PS2KBD_KEY_KP_1] = 0x69, [PS2KBD_KEY_KP_2] = 0x72,
    [PS2KBD_KEY_KP_3] = 0x7a, [PS2KBD_KEY_KP_4] = 0x6b, [PS2KBD_KEY_KP_5] = 0x73,
    [PS2KBD_KEY_KP_6] = 0x74, [PS2KBD_KEY_KP_7] = 0x6c, [PS2KBD_KEY_KP_8] = 0x75,
    [PS2KBD_KEY_KP_9] = 0x7d,
};
/* clang-format on */

/* The 8042's translation of set 2 bytes 0x00-0x7F to set 1 (IBM PS/2
 * Technical Reference, "Keyboard and Auxiliary Device Controller"). Bytes
 * from 0x80 up pass unchanged, except 0x83 (F7) and 0x84 (SysRq). */
static const uint8_t set2_to_set1[128] = {
    0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
    0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a, 0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
    0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c, 0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e, 0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
    0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60, 0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,
    0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e, 0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b, 0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,
    0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45, 0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
};

uint8_t ps2kbd_set1_code(uint8_t set2)
{
    if (set2 < 0x80)
        return set2_to_set1[set2];
    if (set2 == 0x83)
        return 0x41; /* F7: the one set 2 key code above 0x7F */
    if (set2 == 0x84)
        return 0x54; /* Alt+SysRq */
    return set2;
}

/* --- sending --- */

static void send_reply(struct ps2kbd *kb, uint8_t b)
{
    ps2_queue_push(&kb->reply, b);
    kb->notify(kb->notify_opaque);
}

static void set_defaults(struct ps2kbd *kb)
{
    kb->set = 2;
    kb->typematic = PS2KBD_TYPEMATIC_DEFAULT;
}

/* The set 2 bytes of a key event; returns how many (0: the key has none). */
static int key_sequence(int key, bool down, uint8_t *out)
{
    static const uint8_t pause[] = {0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77};
    int n = 0;
    if (key == PS2KBD_KEY_PAUSE) { /* make only; nothing on release */
        if (!down)
            return 0;
        for (; n < (int)sizeof pause; n++)
            out[n] = pause[n];
        return n;
    }
    if (key == PS2KBD_KEY_PRINTSCREEN && down) { /* E0 12 E0 7C */
        out[n++] = SET2_EXT;
        out[n++] = 0x12;
    }
    uint16_t make = set2_make[key];
    if (make >> 8)
        out[n++] = SET2_EXT;
    if (!down)
        out[n++] = SET2_BREAK;
    out[n++] = (uint8_t)make;
    if (key == PS2KBD_KEY_PRINTSCREEN && !down) { /* E0 F0 7C E0 F0 12 */
        out[n++] = SET2_EXT;
        out[n++] = SET2_BREAK;
        out[n++] = 0x12;
    }
    return n;
}

/* Rewrite a set 2 sequence into set 1 in place: 0xF0 folds into bit 7 of the
 * byte after it. Returns the new length. */
static int to_set1(uint8_t *seq, int n)
{
    int m = 0;
    bool brk = false;
    for (int k = 0; k < n; k++) {
        if (seq[k] == SET2_BREAK) {
            brk = true;
            continue;
        }
        seq[m++] = (uint8_t)(ps2kbd_set1_code(seq[k]) | (brk ? SET1_BREAK_BIT : 0));
        brk = false;
    }
    return m;
}

/* Bytes the buffer takes for key events: all but the slot kept for the
 * overflow code. */
int ps2kbd_room(const struct ps2kbd *kb)
{
    return ps2_queue_room(&kb->keys) - 1;
}

/* Queue a whole key event, or, when it does not fit, the overflow code
 * (once: a run of lost keys shows as one). */
static void queue_event(struct ps2kbd *kb, const uint8_t *seq, int n)
{
    if (n <= ps2kbd_room(kb)) {
        for (int k = 0; k < n; k++)
            ps2_queue_push(&kb->keys, seq[k]);
    } else {
        uint8_t ovf = kb->set == 1 ? SET1_OVERFLOW : SET2_OVERFLOW;
        if (ps2_queue_last(&kb->keys) == ovf)
            return;
        ps2_queue_push(&kb->keys, ovf);
    }
    kb->notify(kb->notify_opaque);
}

/* The bytes of a key event in the set in use; 0 for an unknown key. */
static int encode_key(const struct ps2kbd *kb, int key, bool down, uint8_t *seq)
{
    if (key <= PS2KBD_KEY_NONE || key >= PS2KBD_KEY_COUNT)
        return 0;
    int n = key_sequence(key, down, seq);
    return kb->set == 1 ? to_set1(seq, n) : n;
}

void ps2kbd_key(struct ps2kbd *kb, int key, bool down)
{
    uint8_t seq[KEY_SEQ_MAX];
    int n = encode_key(kb, key, down, seq);
    if (kb->scanning && n > 0)
        queue_event(kb, seq, n);
}

/* --- host input as text --- */

/* The key and modifier (a PS2KBD_KEY_*, or NONE) that type an ASCII byte on
 * a US keyboard; key NONE when no key does. */
static void ascii_key(unsigned char c, int *key, int *mod)
{
    static const char plain[] = " -=[]\\;',./`";
    static const char shifted[] = " _+{}|:\"<>?~";
    static const char digits_shifted[] = ")!@#$%^&*(";
    static const int sym_keys[] = {
        PS2KBD_KEY_SPACE,    PS2KBD_KEY_MINUS,     PS2KBD_KEY_EQUAL,     PS2KBD_KEY_LBRACKET,
        PS2KBD_KEY_RBRACKET, PS2KBD_KEY_BACKSLASH, PS2KBD_KEY_SEMICOLON, PS2KBD_KEY_APOSTROPHE,
        PS2KBD_KEY_COMMA,    PS2KBD_KEY_DOT,       PS2KBD_KEY_SLASH,     PS2KBD_KEY_GRAVE,
    };
    *key = PS2KBD_KEY_NONE;
    *mod = PS2KBD_KEY_NONE;
    if (c >= 'a' && c <= 'z') {
        *key = PS2KBD_KEY_A + (c - 'a');
    } else if (c >= 'A' && c <= 'Z') {
        *key = PS2KBD_KEY_A + (c - 'A');
        *mod = PS2KBD_KEY_LSHIFT;
    } else if (c >= '0' && c <= '9') {
        *key = PS2KBD_KEY_0 + (c - '0');
    } else if (c == '\n' || c == '\r') {
        *key = PS2KBD_KEY_ENTER;
    } else if (c == '\t') {
        *key = PS2KBD_KEY_TAB;
    } else if (c == '\b' || c == 0x7f) {
        *key = PS2KBD_KEY_BACKSPACE;
    } else if (c == 0x1b) {
        *key = PS2KBD_KEY_ESC;
    } else if (c >= 0x01 && c <= 0x1a) { /* Ctrl+A .. Ctrl+Z */
        *key = PS2KBD_KEY_A + (c - 0x01);
        *mod = PS2KBD_KEY_LCTRL;
    } else if (c != 0) {
        for (int k = 0; k < 10; k++)
            if (c == (unsigned char)digits_shifted[k]) {
                *key = PS2KBD_KEY_0 + k;
                *mod = PS2KBD_KEY_LSHIFT;
            }
        for (int k = 0; plain[k]; k++)
            if (c == (unsigned char)plain[k] || (k > 0 && c == (unsigned char)shifted[k])) {
                *key = sym_keys[k];
                *mod = c == (unsigned char)plain[k] ? PS2KBD_KEY_NONE : PS2KBD_KEY_LSHIFT;
            }
    }
}

bool ps2kbd_type_ascii(struct ps2kbd *kb, char ch)
{
    int key, mod;
    ascii_key((unsigned char)ch, &key, &mod);
    if (key == PS2KBD_KEY_NONE || !kb->scanning)
        return false;
    uint8_t seq[4 * KEY_SEQ_MAX];
    int n = 0;
    if (mod != PS2KBD_KEY_NONE)
        n += encode_key(kb, mod, true, seq + n);
    n += encode_key(kb, key, true, seq + n);
    n += encode_key(kb, key, false, seq + n);
    if (mod != PS2KBD_KEY_NONE)
        n += encode_key(kb, mod, false, seq + n);
    if (n > ps2kbd_room(kb))
        return false;
    queue_event(kb, seq, n);
    return true;
}

/* --- commands from the host --- */

/* The parameter byte of the command in kb->expect. */
static void take_parameter(struct ps2kbd *kb, uint8_t v)
{
    switch (kb->expect) {
    case PS2KBD_CMD_SET_LEDS: kb->leds = v & PS2KBD_LED_MASK; break;
    case PS2KBD_CMD_TYPEMATIC: kb->typematic = v & PS2KBD_TYPEMATIC_MASK; break;
    case PS2KBD_CMD_SCANSET:
        if (v > 2) { /* no set 3 here: ask again, stay in the set in use */
            send_reply(kb, PS2_RESEND);
            return;
        }
        send_reply(kb, PS2_ACK);
        if (v == 0)
            send_reply(kb, kb->set);
        else
            kb->set = v;
        kb->expect = 0;
        return;
    default: /* 0xFB-0xFD: a list of set 3 key codes, ended by the next command */
        send_reply(kb, PS2_ACK);
        return;
    }
    kb->expect = 0;
    send_reply(kb, PS2_ACK);
}

/* End of the self test started by 0xFF. */
static void bat_done(void *opaque, uint64_t now)
{
    struct ps2kbd *kb = opaque;
    (void)now;
    kb->scanning = true;
    send_reply(kb, PS2_BAT_OK);
}

static void command_reset(struct ps2kbd *kb)
{
    ps2_queue_clear(&kb->reply);
    ps2_queue_clear(&kb->keys);
    set_defaults(kb);
    kb->leds = 0;
    kb->scanning = false; /* until the self test ends */
    send_reply(kb, PS2_ACK);
    uint64_t bat = clock_ns_to_cycles(kb->clock, PS2_BAT_NS);
    clock_arm(kb->clock, &kb->bat, clock_now(kb->clock) + (bat ? bat : 1));
}

static void command(struct ps2kbd *kb, uint8_t cmd)
{
    switch (cmd) {
    case PS2KBD_CMD_SET_LEDS:
    case PS2KBD_CMD_SCANSET:
    case PS2KBD_CMD_TYPEMATIC:
    case PS2KBD_CMD_SET3_KEY ... PS2KBD_CMD_SET3_KEY_END:
        kb->expect = cmd;
        send_reply(kb, PS2_ACK);
        break;
    case PS2KBD_CMD_ECHO: send_reply(kb, PS2_ECHO); break;
    case PS2KBD_CMD_IDENTIFY:
        send_reply(kb, PS2_ACK);
        send_reply(kb, PS2KBD_ID_0);
        send_reply(kb, PS2KBD_ID_1);
        break;
    case PS2KBD_CMD_ENABLE:
    case PS2KBD_CMD_DISABLE:
    case PS2KBD_CMD_DEFAULTS:
        ps2_queue_clear(&kb->keys);
        if (cmd != PS2KBD_CMD_ENABLE)
            set_defaults(kb);
        if (cmd != PS2KBD_CMD_DEFAULTS)
            kb->scanning = cmd == PS2KBD_CMD_ENABLE;
        send_reply(kb, PS2_ACK);
        break;
    case PS2KBD_CMD_SET3_ALL ... PS2KBD_CMD_SET3_ALL_END: send_reply(kb, PS2_ACK); break;
    case PS2KBD_CMD_RESEND: send_reply(kb, kb->last); break;
    case PS2KBD_CMD_RESET: command_reset(kb); break;
    default: send_reply(kb, PS2_RESEND); break;
    }
}

void ps2kbd_write(struct ps2kbd *kb, uint8_t byte)
{
    if (kb->expect && byte < PS2KBD_CMD_FIRST) {
        take_parameter(kb, byte);
        return;
    }
    kb->expect = 0; /* a command where a parameter was due starts afresh */
    command(kb, byte);
}

int ps2kbd_read(struct ps2kbd *kb)
{
    int b = ps2_queue_pop(&kb->reply);
    if (b < 0)
        b = ps2_queue_pop(&kb->keys);
    if (b >= 0)
        kb->last = (uint8_t)b;
    return b;
}

bool ps2kbd_has_data(const struct ps2kbd *kb)
{
    return kb->reply.count > 0 || kb->keys.count > 0;
}

/* --- lifecycle --- */

static const struct devfield ps2kbd_fields[] = {
    DEVFIELD(struct ps2kbd, scanning, DF_BOOL, "key events reported (0xF4) or ignored"),
    DEVFIELD(struct ps2kbd, set, DF_U8, "scan code set in use (1 or 2)"),
    DEVFIELD(struct ps2kbd, leds, DF_U8, "LEDs: bit 0 Scroll, 1 Num, 2 Caps Lock"),
    DEVFIELD(struct ps2kbd, typematic, DF_U8, "typematic rate/delay byte (0xF3)"),
    DEVFIELD(struct ps2kbd, expect, DF_U8, "command awaiting its parameter byte, 0: none"),
    DEVFIELD(struct ps2kbd, last, DF_U8, "byte sent last (for 0xFE resend)"),
    DEVFIELD(struct ps2kbd, keys.count, DF_U8, "bytes in the key buffer (queue length)"),
    DEVFIELD(struct ps2kbd, keys.head, DF_U8, "index of the oldest key byte"),
    DEVFIELD_ARRAY(struct ps2kbd, keys.buf, DF_BYTES, PS2_QUEUE_SIZE, "the key buffer"),
    DEVFIELD(struct ps2kbd, reply.count, DF_U8, "command answer bytes waiting"),
    DEVFIELD(struct ps2kbd, reply.head, DF_U8, "index of the oldest answer byte"),
    DEVFIELD_ARRAY(struct ps2kbd, reply.buf, DF_BYTES, PS2_QUEUE_SIZE, "command answers"),
    DEVFIELD(struct ps2kbd, bat.when, DF_U64, "cycle the self test ends (~0: none)"),
};

void ps2kbd_devinfo(struct ps2kbd *kb, struct devinfo *out)
{
    *out = (struct devinfo){"ps2kbd", ps2kbd_fields, sizeof ps2kbd_fields / sizeof ps2kbd_fields[0],
                            kb};
}

struct ps2kbd *ps2kbd_create(struct clock *clk, ps2_notify_fn *notify, void *opaque)
{
    struct ps2kbd *kb = calloc(1, sizeof *kb);
    if (!kb)
        return NULL;
    kb->clock = clk;
    kb->notify = notify;
    kb->notify_opaque = opaque;
    if (clock_add_timer(clk, &kb->bat, "ps2kbd-bat", bat_done, kb) != 0) {
        free(kb);
        return NULL;
    }
    ps2kbd_reset(kb);
    return kb;
}

void ps2kbd_destroy(struct ps2kbd *kb)
{
    if (kb)
        clock_disarm(&kb->bat);
    free(kb);
}

void ps2kbd_reset(struct ps2kbd *kb)
{
    ps2_queue_clear(&kb->reply);
    ps2_queue_clear(&kb->keys);
    set_defaults(kb);
    kb->leds = 0;
    kb->expect = 0;
    kb->last = 0;
    kb->scanning = true;
    clock_disarm(&kb->bat);
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep ps2kbd_keep[] = {
    SNAP_KEEP(struct ps2kbd, bat),
    SNAP_KEEP(struct ps2kbd, clock),
    SNAP_KEEP(struct ps2kbd, notify),
    SNAP_KEEP(struct ps2kbd, notify_opaque),
};

void ps2kbd_snap(struct ps2kbd *kb, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, kb, ps2kbd_keep);
}
