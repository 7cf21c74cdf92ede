/*
 * tui.c - the ncurses debugger's main loop (tui.h): keys, focus, running
 * the machine, and the buffer behind the Console pane.
 *
 * The loop waits for a key, acts on it and redraws everything. Keys go to
 * the focused thing: the command line (readline, tui_line.c) when no pane
 * has the focus, else the pane; the function keys work everywhere. F5, F7
 * and F8 are the commands continue, stepi and next given to cmd_exec(),
 * exactly as if typed, so the command interpreter and the debugger core
 * stay the only ones that run the machine.
 *
 * A run command calls back between slices (cmd_io.poll). There the TUI
 * redraws at most every TUI_FRAME_NS of host time, measured with the
 * monotonic clock, and looks at the keyboard: F5 or Ctrl-C interrupts the
 * run, keys for the guest are handed over, others wait for the end of the
 * run. Only the pacing of redraws reads the host clock; nothing the guest
 * sees depends on it.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui_impl.h"

/* Redraw period while the machine runs: 20 frames a second. */
#define TUI_FRAME_NS 50000000ull
/* How often a run looks at the keyboard. */
#define TUI_INPUT_NS 10000000ull

#define KEY_CTRL(c) ((c) & 0x1f)
#define KEY_ESC 27
#define KEY_TAB 9

/* --- the console buffer --- */

static void console_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct tui_console *con = opaque;
    for (size_t k = 0; k < len; k++)
        con->buf[con->head++ % sizeof con->buf] = (char)buf[k];
    con->generation++;
}

struct tui_console *tui_console_create(void)
{
    struct tui_console *con = calloc(1, sizeof *con);
    if (con)
        con->cd = (struct chardev){console_write, con};
    return con;
}

void tui_console_destroy(struct tui_console *con)
{
    free(con);
}

const struct chardev *tui_console_chardev(struct tui_console *con)
{
    return &con->cd;
}

/* --- small helpers --- */

uint64_t tui_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t tui_pc(const struct tui *t)
{
    return t->cpu.seg[DBG_CS].base + t->cpu.eip;
}

int tui_break_at(struct tui *t, uint64_t lin)
{
    for (int k = 0; k < t->n_bp; k++)
        if (t->bp[k].addr == lin && dbg_hits(t->d, t->bp[k].id) >= 0)
            return t->bp[k].id;
    return 0;
}

/* Forget breakpoints that no longer exist (deleted, or temporary and hit). */
static void prune_breakpoints(struct tui *t)
{
    int n = 0;
    for (int k = 0; k < t->n_bp; k++)
        if (dbg_hits(t->d, t->bp[k].id) >= 0)
            t->bp[n++] = t->bp[k];
    t->n_bp = n;
}

void tui_ask(struct tui *t, const char *question, void (*done)(struct tui *t, const char *answer))
{
    snprintf(t->ask, sizeof t->ask, "%s", question);
    t->answer[0] = '\0';
    t->ask_done = done;
}

/* The styles: colour pairs, or attributes on a monochrome terminal. */
static void init_styles(struct tui *t)
{
    t->color = has_colors();
    static const short fg[ST_COUNT] = {-1, COLOR_BLACK, COLOR_BLACK, COLOR_YELLOW, COLOR_BLACK,
                                       COLOR_RED, COLOR_BLACK, COLOR_CYAN, COLOR_BLACK};
    static const short bg[ST_COUNT] = {-1, COLOR_CYAN, COLOR_YELLOW, -1, COLOR_GREEN,
                                       -1, COLOR_WHITE, -1, COLOR_WHITE};
    static const int mono[ST_COUNT] = {A_NORMAL, A_REVERSE, A_REVERSE | A_BOLD, A_BOLD,
                                       A_REVERSE, A_BOLD, A_UNDERLINE, A_DIM, A_REVERSE};
    if (t->color) {
        start_color();
        use_default_colors();
    }
    for (int s = 0; s < ST_COUNT; s++) {
        t->style[s] = mono[s];
        if (t->color && s != ST_NORMAL) {
            init_pair((short)s, fg[s], bg[s]);
            t->style[s] = COLOR_PAIR(s) | (s == ST_CHANGED || s == ST_BREAK ? A_BOLD : 0);
        }
    }
}

/* --- running commands --- */

static void io_out(void *ctx, const char *text)
{
    tui_log(ctx, text);
}

/* Unless F2 chose, keys go to COM1 when the guest has written to it or
 * shows nothing on the VGA text screen (a serial console), else to the
 * PS/2 keyboard (a guest that talks through the BIOS and the screen). */
bool tui_keys_to_serial(struct tui *t)
{
    if (t->keys_to)
        return t->keys_to == 1;
    if (t->con && t->con->head > 0)
        return true;
    char text[8192];
    size_t n = emu_screen_text(dbg_emu(t->d), text, sizeof text);
    for (size_t k = 0; k < n && k < sizeof text; k++)
        if (text[k] != ' ' && text[k] != '\n')
            return false;
    return true;
}

/* Keys typed for the guest reach it between slices. */
static void feed_guest(struct tui *t)
{
    if (t->guestq_n == 0)
        return;
    struct emu *m = dbg_emu(t->d);
    bool serial = tui_keys_to_serial(t);
    int used = 0;
    while (used < t->guestq_n) {
        uint8_t b = t->guestq[used];
        if (serial) {
            if (emu_serial_room(m, EMU_COM1) <= 0)
                break;
            emu_serial_receive(m, EMU_COM1, b);
        } else if (emu_type_char(m, (char)b) == 0) {
            break; /* the keyboard's buffer is full: later */
        }
        used++;
    }
    memmove(t->guestq, t->guestq + used, (size_t)(t->guestq_n - used));
    t->guestq_n -= used;
}

static void guest_key(struct tui *t, int key)
{
    if (key == KEY_ENTER)
        key = '\r'; /* Enter is CR (nonl()); Ctrl-J stays LF */
    if (key == KEY_BACKSPACE)
        key = 8;
    if (key < 0 || key > 255 || t->guestq_n >= TUI_KEYQ)
        return;
    t->guestq[t->guestq_n++] = (uint8_t)key;
}

/* Between slices of a run: redraw now and then, watch the keyboard. */
static bool io_poll(void *ctx)
{
    struct tui *t = ctx;
    uint64_t now = tui_now_ns();
    if (now - t->last_input_ns >= TUI_INPUT_NS) {
        t->last_input_ns = now;
        timeout(0);
        int key;
        while ((key = getch()) != ERR) {
            if (key == KEY_CTRL('c') || key == KEY_F(5))
                t->interrupt = true;
            else if (key == KEY_RESIZE) {
                getmaxyx(stdscr, t->rows, t->cols);
                tui_layout(t);
                clear();
            } else if (t->focus == PANE_CONSOLE && key != KEY_TAB && key != KEY_BTAB &&
                       key != KEY_ESC && key < 256)
                guest_key(t, key);
            else if (t->keyq_n < TUI_KEYQ)
                t->keyq[t->keyq_n++] = key;
        }
        timeout(-1);
        feed_guest(t);
    }
    if (now - t->last_draw_ns >= TUI_FRAME_NS) {
        dbg_get_cpu(t->d, &t->cpu);
        tui_draw(t);
        uint64_t after = tui_now_ns();
        t->draw_ns += after - now;
        t->last_draw_ns = after;
    }
    return t->interrupt;
}

/* After a command: the new state, what stopped it, whether the guest ended. */
static void after_command(struct tui *t, const struct dbg_cpu_view *before)
{
    dbg_get_cpu(t->d, &t->cpu);
    prune_breakpoints(t);
    if (!cmd_ran(t->c))
        return;
    t->prev = *before;
    t->have_prev = true;
    t->pane[PANE_DISASM].flag = false; /* the Disassembly cursor follows EIP again */
    struct dbg_stop_info si;
    dbg_last_stop(t->d, &si);
    double ms = (double)t->run_ns / 1e6;
    double ui = t->run_ns ? 100.0 * (double)t->draw_ns / (double)t->run_ns : 0.0;
    int status;
    if (cmd_guest_ended(t->c, &status)) {
        t->exited = true;
        t->exit_status = status;
        if (si.reason == DBG_STOP_EXIT)
            snprintf(t->message, sizeof t->message, "guest exited: code %u, status %d",
                     si.exit_code, status);
        else
            snprintf(t->message, sizeof t->message, "the guest's run ended: status %d", status);
    } else if (ms >= 100.0) {
        snprintf(t->message, sizeof t->message, "ran %.1f Mcycles in %.0f ms, ui %.1f%%",
                 (double)t->run_cycles / 1e6, ms, ui);
    }
}

void tui_exec(struct tui *t, const char *line)
{
    char echo[TUI_LOG_WIDTH];
    snprintf(echo, sizeof echo, "(lab86) %s\n", line);
    tui_log(t, echo);
    struct dbg_cpu_view before = t->cpu;
    t->message[0] = '\0';
    t->running = true;
    t->interrupt = false;
    t->draw_ns = 0;
    t->run_start_ns = t->last_draw_ns = t->last_input_ns = tui_now_ns();
    feed_guest(t);
    pane_traps_sync(t);
    pane_mem_snapshot(t);
    int r = cmd_exec(t->c, line, &t->io);
    t->running = false;
    t->run_ns = tui_now_ns() - t->run_start_ns;
    dbg_get_cpu(t->d, &t->cpu);
    t->run_cycles = t->cpu.cycles - before.cycles;
    after_command(t, &before);
    if (r == CMD_QUIT)
        t->quit = true;
}

/* F9: a breakpoint at the Disassembly cursor, or away with the one there. */
static void toggle_breakpoint(struct tui *t)
{
    uint64_t lin = t->pane[PANE_DISASM].sel;
    char line[64];
    int id = tui_break_at(t, lin);
    if (id)
        snprintf(line, sizeof line, "delete %d", id);
    else
        snprintf(line, sizeof line, "break 0x%llx", (unsigned long long)lin);
    tui_exec(t, line);
}

/* --- keys --- */

/* Focus the next (dir 1) or previous (-1) pane; past the ends, the command line. */
static void move_focus(struct tui *t, int dir)
{
    int f = t->focus == PANE_NONE ? (dir > 0 ? 0 : PANE_COUNT - 1) : t->focus + dir;
    t->focus = f < 0 || f >= PANE_COUNT ? PANE_NONE : f;
    if (t->focus != PANE_NONE)
        tui_show_pane(t, t->focus);
}

/* A key for the prompt a pane opened in the status line. */
static void ask_key(struct tui *t, int key)
{
    size_t n = strlen(t->answer);
    if (key == KEY_ESC || key == KEY_CTRL('c')) {
        t->ask[0] = '\0';
    } else if (key == '\r' || key == '\n' || key == KEY_ENTER) {
        t->ask[0] = '\0';
        t->ask_done(t, t->answer);
    } else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && n > 0) {
        t->answer[n - 1] = '\0';
    } else if (key >= ' ' && key < 127 && n + 1 < sizeof t->answer) {
        t->answer[n] = (char)key;
        t->answer[n + 1] = '\0';
    }
}

static void help_key(struct tui *t, int key)
{
    if (key == KEY_ESC || key == '?' || key == 'q')
        t->help = false;
    else if (key == KEY_UP && t->help_scroll > 0)
        t->help_scroll--;
    else if (key == KEY_DOWN)
        t->help_scroll++;
    else if (key == KEY_PPAGE)
        t->help_scroll = t->help_scroll > 10 ? t->help_scroll - 10 : 0;
    else if (key == KEY_NPAGE)
        t->help_scroll += 10;
}

/* Keys that mean the same wherever the focus is; true when key was one. */
static bool global_key(struct tui *t, int key)
{
    switch (key) {
    case KEY_F(5): tui_exec(t, "continue"); return true;
    case KEY_F(7): tui_exec(t, "stepi"); return true;
    case KEY_F(8): tui_exec(t, "next"); return true;
    case KEY_F(9): toggle_breakpoint(t); return true;
    case KEY_BTAB: move_focus(t, -1); return true;
    case KEY_F(2): t->keys_to = tui_keys_to_serial(t) ? 2 : 1; return true;
    case KEY_CTRL('l'): clearok(curscr, TRUE); return true;
    case KEY_RESIZE:
        getmaxyx(stdscr, t->rows, t->cols);
        tui_layout(t);
        clear();
        return true;
    }
    return false;
}

/* The command line has the focus. */
static void line_key(struct tui *t, int key)
{
    bool empty = tui_line_empty();
    if (key == KEY_TAB && empty)
        move_focus(t, 1);
    else if (key == '?' && empty)
        t->help = true;
    else if (key == KEY_PPAGE)
        t->log_scroll += t->log_area.h > 1 ? t->log_area.h - 1 : 1;
    else if (key == KEY_NPAGE)
        t->log_scroll = t->log_scroll > t->log_area.h ? t->log_scroll - t->log_area.h : 0;
    else if (key == KEY_CTRL('c'))
        tui_line_clear();
    else if (key == KEY_ESC)
        return; /* already here; to readline it would make the next key a Meta key */
    else
        tui_line_key(t, key);
    if (t->log_scroll > TUI_LOG_LINES - t->log_area.h)
        t->log_scroll = TUI_LOG_LINES - t->log_area.h;
    if (t->log_scroll > t->log_n - t->log_area.h)
        t->log_scroll = t->log_n > t->log_area.h ? t->log_n - t->log_area.h : 0;
}

/* A pane has the focus. */
static void pane_key(struct tui *t, int key)
{
    struct pane *p = &t->pane[t->focus];
    if (key == KEY_TAB) {
        move_focus(t, 1);
    } else if (key == KEY_ESC) {
        t->focus = PANE_NONE;
    } else if (t->focus == PANE_CONSOLE) {
        guest_key(t, key);
    } else if (key == '?') {
        t->help = true;
    } else if (p->cls->key && p->cls->key(t, p, key)) {
        /* used */
    } else if (key >= ' ' && key < 127) {
        /* Typing starts a command. */
        t->focus = PANE_NONE;
        tui_line_key(t, key);
    }
}

static void handle_key(struct tui *t, int key)
{
    if (t->ask[0])
        ask_key(t, key);
    else if (global_key(t, key))
        return;
    else if (t->help)
        help_key(t, key);
    else if (t->focus == PANE_NONE)
        line_key(t, key);
    else
        pane_key(t, key);
}

/* --- life --- */

static const struct pane_class *const classes[PANE_COUNT] = {
    [PANE_REGS] = &pane_regs,     [PANE_DISASM] = &pane_disasm, [PANE_MEM] = &pane_mem,
    [PANE_STACK] = &pane_stack,   [PANE_PT] = &pane_pt,         [PANE_DESC] = &pane_desc,
    [PANE_DEV] = &pane_dev,       [PANE_TRAPS] = &pane_traps,   [PANE_CONSOLE] = &pane_console,
};

/* Take the terminal; false (after one error line) when curses cannot use
 * it (TERM unset or unknown). */
static bool screen_open(struct tui *t)
{
    setlocale(LC_CTYPE, "");
    set_escdelay(25);
    if (!(t->screen = newterm(NULL, stdout, stdin))) {
        const char *term = getenv("TERM");
        fprintf(stderr, "lab86: debug: cannot drive the terminal (TERM=%s); try --no-tui\n",
                term ? term : "unset");
        return false;
    }
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    init_styles(t);
    getmaxyx(stdscr, t->rows, t->cols);
    tui_layout(t);
    return true;
}

int tui_main(struct dbg *d, struct cmd *c, struct tui_console *con)
{
    struct tui *t = calloc(1, sizeof *t);
    if (!t) {
        fprintf(stderr, "lab86: debug: out of memory\n");
        return 2;
    }
    t->d = d;
    t->c = c;
    t->con = con;
    t->io = (struct cmd_io){io_out, io_poll, t};
    t->focus = PANE_NONE;
    for (int k = 0; k < PANE_COUNT; k++)
        t->pane[k].cls = classes[k];
    t->pane[PANE_MEM].mode = 2; /* Memory follows ESI: string sources move */
    dbg_get_cpu(d, &t->cpu);
    if (!screen_open(t)) {
        free(t);
        return 2;
    }
    tui_line_open(t);
    tui_log(t, "lab86 debug: F7 steps, F5 continues, Tab moves between panes, ? helps.\n");
    int errors = 0; /* getch() fails over and over only when the terminal is gone */
    while (!t->quit && errors < 100) {
        tui_draw(t);
        int key = t->keyq_n > 0 ? t->keyq[0] : getch();
        if (t->keyq_n > 0)
            memmove(t->keyq, t->keyq + 1, (size_t)--t->keyq_n * sizeof t->keyq[0]);
        errors = key == ERR ? errors + 1 : 0;
        if (key != ERR)
            handle_key(t, key);
    }
    tui_line_close(t);
    pane_traps_close(t);
    endwin();
    delscreen(t->screen);
    int status = t->exited ? t->exit_status : 0;
    free(t);
    return status;
}
