/*
 * pane_console.c - the Console pane: what the guest shows its user. The
 * serial output (COM1 and the 0xE9 debug console, which `lab86 debug`
 * points at the TUI's buffer, tui.h) and, when the VGA is in a text mode
 * with something on it, the text screen (emu_screen_text).
 *
 * While the pane has the focus, typed keys go to the guest (tui.c): to
 * COM1 when the guest has written to it or its screen is blank, else to
 * the PS/2 keyboard; F2 switches. Enter sends a carriage return, as a
 * terminal in raw mode does (and `lab86 run` on a terminal). The keys
 * reach the machine between run slices, so a stopped machine takes them
 * when it runs again.
 */
#include <stdio.h>
#include <string.h>

#include "tui_impl.h"

#define SCREEN_MAX 8192 /* 80x50 characters and the line ends */

/* Draw the last rows lines of the serial ring into a from row r0. */
static void draw_serial(struct tui *t, struct area a, int r0, int rows)
{
    const struct tui_console *con = t->con;
    size_t size = sizeof con->buf;
    size_t start = con->head > size ? con->head - size : 0;
    /* Walk back from the end to the start of the rows-th line. */
    size_t pos = con->head;
    int lines = 0;
    if (pos > start && con->buf[(pos - 1) % size] == '\n')
        pos--; /* a final newline does not start an empty line */
    while (pos > start) {
        if (con->buf[(pos - 1) % size] == '\n' && ++lines >= rows)
            break;
        pos--;
    }
    int r = r0, col = 0;
    char line[512];
    for (; pos < con->head && r < r0 + rows; pos++) {
        char ch = con->buf[pos % size];
        if (ch == '\n' || col >= (int)sizeof line - 1) {
            line[col] = '\0';
            tui_print(t, a, r++, ST_NORMAL, "%s", line);
            col = 0;
            continue;
        }
        if (ch == '\r')
            continue;
        line[col++] = ch >= 0x20 && ch < 0x7f ? ch : '.';
    }
    if (col > 0 && r < r0 + rows) {
        line[col] = '\0';
        tui_print(t, a, r, ST_NORMAL, "%s", line);
    }
}

/* The VGA text screen's non-blank part: its lines in out, how many. */
static int screen_lines(struct tui *t, char *text, size_t len, const char **line, int max)
{
    size_t n = emu_screen_text(dbg_emu(t->d), text, len - 1);
    if (n >= len)
        n = len - 1;
    text[n] = '\0';
    int count = 0, last = 0;
    for (char *s = text; *s && count < max;) {
        char *nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        line[count++] = s;
        if (*s)
            last = count;
        if (!nl)
            break;
        s = nl + 1;
    }
    return last; /* trailing blank lines dropped */
}

static void console_draw(struct tui *t, struct pane *p, struct area a)
{
    (void)p;
    static char text[SCREEN_MAX]; /* one pane draws at a time */
    const char *line[64];
    int n = screen_lines(t, text, sizeof text, line, 64);
    bool serial = t->con && t->con->head > 0;
    const char *keys = t->focus != PANE_CONSOLE ? ""
                       : tui_keys_to_serial(t) ? "  keys go to COM1 (F2: keyboard)"
                                               : "  keys go to the keyboard (F2: COM1)";
    int serial_rows = n == 0 ? a.h - 1 : serial ? (a.h - 2) / 2 : 0;
    int r = 0;
    if (serial_rows > 0 || !n) {
        tui_print(t, a, r++, ST_DIM, "serial%s", keys);
        if (t->con)
            draw_serial(t, a, r, serial_rows);
        r += serial_rows;
    }
    if (n == 0 || r >= a.h)
        return;
    tui_print(t, a, r++, ST_DIM, "VGA text screen%s", serial_rows > 0 ? "" : keys);
    int first = n > a.h - r ? n - (a.h - r) : 0;
    for (int k = first; k < n && r < a.h; k++)
        tui_print(t, a, r++, ST_NORMAL, "%s", line[k]);
}

const struct pane_class pane_console = {"Console", console_draw, NULL};
