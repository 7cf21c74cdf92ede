/*
 * console.c - standard input and the screen of `lab86 run`.
 *
 * Input. Standard input goes to COM1's receiver when COM1 is on stdio, or
 * is typed on the PS/2 keyboard (--keys-from-stdin, or COM1 elsewhere).
 * It enters the machine only between slices, and only as much as the
 * device has room for (the UART's FIFO; the keyboard's buffer, retried
 * until it takes a character), so nothing is lost and nothing depends on
 * when the host delivers it:
 *
 *   - a file or /dev/null (CI): read whole before the run, then fed at slice
 *     boundaries. The same bytes give the same run: give input this way
 *     (`< input.txt`) when a run must be reproduced byte for byte.
 *   - a pipe or socket: read at slice boundaries as bytes arrive, never
 *     waited for (a pipe whose writer never closes it must not stop the
 *     run from starting); the slice a byte enters in depends on when it
 *     arrived, so for a replay use a file.
 *   - closed: no input.
 *   - a terminal: raw mode (restored at the end, and by atexit), read when
 *     it has something. Every key goes to the guest, Ctrl-C too; Ctrl-A x
 *     quits and Ctrl-A Ctrl-A sends one Ctrl-A.
 *
 * A pty or Unix socket behind --serial or --serial2 is read the same way,
 * at slice boundaries, as much as the UART can take.
 *
 * The screen (--display text). After a slice, when emu_screen_generation()
 * has moved and the text differs from the text drawn last, it is drawn on
 * stdout: on a terminal, in place (cursor home, clear, the rows); otherwise
 * as the whole screen followed by a line holding a form feed, so a test can
 * split and grep the dumps. Slices end at fixed cycles, so the dumps of a
 * run are the same each time.
 */
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "emu.h"

#define CTRL_A    0x01 /* the escape key */
#define QUIT_KEY  'x'  /* after Ctrl-A: quit */
#define READ_SIZE 4096 /* bytes read from stdin at a time */

struct console {
    struct host_serial *ports; /* COM1's and COM2's host ends */
    bool keys;                 /* stdin goes to the keyboard, not COM1 */
    bool tty;                  /* stdin is a terminal (raw mode, read as it comes) */
    bool stream;               /* stdin is a pipe or socket still open: read as it comes */
    bool escape;               /* the last key was Ctrl-A */
    uint8_t *in;               /* stdin's bytes not yet given to the guest */
    size_t len, pos, cap;      /* in's fill, the next byte to give, its size */
    bool display;              /* --display text */
    bool display_tty;          /* stdout is a terminal: redraw in place */
    uint64_t generation;       /* emu_screen_generation() at the last look */
    bool looked;               /* generation is valid */
    char *shown;               /* the text drawn last (NUL-terminated); NULL: none */
};

/* The terminal's settings before raw mode, for atexit. */
static struct termios saved_tty;
static bool tty_raw;

static void restore_tty(void)
{
    if (tty_raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
    tty_raw = false;
}

/* Raw input (no echo, no line editing, no signals from keys), reads that
 * return at once; output still turns \n into \r\n. */
static void enter_raw_mode(void)
{
    struct termios t;
    if (tcgetattr(STDIN_FILENO, &saved_tty) != 0)
        return;
    t = saved_tty;
    cfmakeraw(&t);
    t.c_oflag |= OPOST | ONLCR;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    tty_raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
    atexit(restore_tty);
}

static bool append(struct console *c, const uint8_t *buf, size_t n)
{
    if (c->pos > 0 && c->pos == c->len)
        c->pos = c->len = 0;
    if (c->len + n > c->cap) {
        size_t cap = (c->len + n) * 2;
        uint8_t *p = realloc(c->in, cap);
        if (!p)
            return false;
        c->in = p;
        c->cap = cap;
    }
    memcpy(c->in + c->len, buf, n);
    c->len += n;
    return true;
}

/* Not a terminal: all of stdin, now. 0, or -1 after one error line. */
static int slurp_stdin(struct console *c)
{
    uint8_t buf[READ_SIZE];
    ssize_t n;
    while ((n = read(STDIN_FILENO, buf, sizeof buf)) != 0) {
        if (n < 0 || !append(c, buf, (size_t)n)) {
            cli_error("standard input", "cannot read it");
            return -1;
        }
    }
    return 0;
}

struct console *console_open(const struct run_args *a, struct host_serial *ports)
{
    struct console *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->ports = ports;
    c->keys = a->keys_from_stdin;
    c->tty = isatty(STDIN_FILENO);
    c->display = a->display_text;
    c->display_tty = isatty(STDOUT_FILENO);
    struct stat st;
    if (fstat(STDIN_FILENO, &st) != 0)
        return c; /* standard input is closed: no input */
    c->stream = !c->tty && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
    if (c->tty)
        enter_raw_mode();
    else if (!c->stream && slurp_stdin(c) != 0) {
        console_close(c);
        return NULL;
    }
    return c;
}

void console_close(struct console *c)
{
    if (!c)
        return;
    restore_tty();
    free(c->in);
    free(c->shown);
    free(c);
}

/* A terminal: the keys typed since the last look, with Ctrl-A handled.
 * False when Ctrl-A x was typed. */
static bool read_tty(struct console *c)
{
    uint8_t buf[READ_SIZE];
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    for (ssize_t k = 0; k < n; k++) {
        if (c->escape) {
            c->escape = false;
            if (buf[k] == QUIT_KEY)
                return false;
            if (buf[k] != CTRL_A)
                continue; /* Ctrl-A and anything else: nothing */
        } else if (buf[k] == CTRL_A) {
            c->escape = true;
            continue;
        }
        append(c, &buf[k], 1);
    }
    return true;
}

/* A pipe or socket: what has arrived since the last look, without waiting.
 * End of file ends the stream. */
static void read_stream(struct console *c)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0)
        return;
    uint8_t buf[READ_SIZE];
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0 || !append(c, buf, (size_t)n))
        c->stream = false;
}

/* Give stdin's bytes to COM1 or the keyboard, as far as it has room. */
static void feed_stdin(struct console *c, struct emu *m)
{
    if (!c->keys) {
        for (int room = emu_serial_room(m, EMU_COM1); room > 0 && c->pos < c->len; room--)
            emu_serial_receive(m, EMU_COM1, c->in[c->pos++]);
        return;
    }
    while (c->pos < c->len) {
        int r = emu_type_char(m, (char)c->in[c->pos]);
        if (r == 0)
            return; /* the buffer is full: again after the next slice */
        c->pos++;   /* typed, or no key makes it: skipped */
    }
}

/* A pty's or socket's bytes, as many as the port's receiver can take. */
static void feed_port(struct host_serial *h, struct emu *m, enum emu_serial_port port)
{
    uint8_t buf[UINT8_MAX];
    int room = emu_serial_room(m, port);
    if (h->in_fd < 0 || room <= 0)
        return;
    ssize_t n = read(h->in_fd, buf, (size_t)room < sizeof buf ? (size_t)room : sizeof buf);
    if (n == 0)
        h->in_fd = -1; /* the client went away: no more input */
    for (ssize_t k = 0; k < n; k++)
        emu_serial_receive(m, port, buf[k]);
}

bool console_feed(struct console *c, struct emu *m)
{
    if (c->tty && !read_tty(c))
        return false;
    if (c->stream)
        read_stream(c);
    feed_stdin(c, m);
    feed_port(&c->ports[0], m, EMU_COM1);
    feed_port(&c->ports[1], m, EMU_COM2);
    return true;
}

bool console_wait(struct console *c)
{
    struct pollfd fds[3];
    nfds_t n = 0;
    if (c->tty || c->stream)
        fds[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
    for (int k = 0; k < 2; k++)
        if (c->ports[k].in_fd >= 0)
            fds[n++] = (struct pollfd){.fd = c->ports[k].in_fd, .events = POLLIN};
    if (n == 0)
        return false;
    poll(fds, n, -1); /* until input comes, or a signal (EINTR) */
    return true;
}

void console_draw(struct console *c, struct emu *m)
{
    if (!c->display || (c->looked && emu_screen_generation(m) == c->generation))
        return;
    c->generation = emu_screen_generation(m);
    c->looked = true;
    size_t need = emu_screen_text(m, NULL, 0);
    char *text = malloc(need + 1);
    if (!text)
        return;
    emu_screen_text(m, text, need);
    text[need] = '\0';
    if (need == 0 || (c->shown && strcmp(text, c->shown) == 0)) {
        free(text);
        return;
    }
    if (c->display_tty)
        fputs("\033[H\033[2J", stdout);
    fputs(text, stdout);
    if (!c->display_tty)
        fputs("\f\n", stdout);
    fflush(stdout);
    free(c->shown);
    c->shown = text;
}
