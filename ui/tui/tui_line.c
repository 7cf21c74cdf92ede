/*
 * tui_line.c - the command line at the bottom of the TUI, the output log
 * above it, and the help pane.
 *
 * The line is GNU readline in its callback mode, so that ncurses keeps the
 * terminal: readline never reads the terminal or draws anything itself.
 * The main loop gets every key from ncurses and hands it over here;
 * tui_line_key() turns it into the bytes a terminal would send (an arrow
 * key becomes ESC [ A) and feeds them one at a time to
 * rl_callback_read_char() through rl_getc_function. Readline edits the
 * line, keeps the history (~/.lab86_history) and completes words through
 * cmd_complete(); its redisplay hook only notes that the line changed, and
 * tui_line_draw() paints rl_line_buffer with the cursor at rl_point. A
 * finished line goes to cmd_exec(), whose output lands in the log.
 */
#include <readline/history.h>
#include <readline/readline.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_impl.h"

#define PROMPT "(lab86) "
#define HISTORY_MAX 1000

/* Readline's hooks are plain functions without a context pointer: the one
 * TUI of the process, while tui_main() runs. */
static struct tui *line_tui;
static int line_byte = EOF; /* the byte rl_getc_function gives next */
static char history_path[512];

static int line_getc(FILE *f)
{
    (void)f;
    int c = line_byte;
    line_byte = EOF;
    return c;
}

/* Readline asks whether more input is waiting (to insert typed-ahead
 * characters in one go, or to finish an escape sequence): never, so it
 * reads exactly the one byte it is given each time. */
static int line_no_input(void)
{
    return 0;
}

/* Readline wants to repaint: the main loop repaints everything anyway. */
static void line_redisplay(void)
{
}

static void line_prep(int meta)
{
    (void)meta;
}

static void line_deprep(void)
{
}

/* A whole line: into the history, then to the command interpreter. A NULL
 * line is end of input (Ctrl-D on an empty line): leave. */
static void line_done(char *line)
{
    struct tui *t = line_tui;
    if (!line) {
        t->quit = true;
        return;
    }
    if (line[0]) {
        add_history(line);
        /* append_history() needs the file to exist: the first line creates it. */
        if (history_path[0] && append_history(1, history_path) != 0)
            write_history(history_path);
    }
    tui_exec(t, line);
    free(line);
}

/* --- completion through cmd_complete() --- */

static const char *compl_list[256];
static size_t compl_n, compl_next;

static char *line_generator(const char *text, int state)
{
    (void)text;
    if (state == 0)
        compl_next = 0;
    return compl_next < compl_n ? strdup(compl_list[compl_next++]) : NULL;
}

/* The words before start tell cmd_complete() which word is being completed. */
static char **line_complete(const char *text, int start, int end)
{
    (void)end;
    int word = 0;
    bool in_word = false;
    for (int k = 0; k < start; k++) {
        bool space = rl_line_buffer[k] == ' ' || rl_line_buffer[k] == '\t';
        if (!space && !in_word)
            word++;
        in_word = !space;
    }
    compl_n = cmd_complete(line_tui->c, rl_line_buffer, word, text, compl_list,
                           sizeof compl_list / sizeof compl_list[0]);
    rl_attempted_completion_over = 1; /* never file names */
    return rl_completion_matches(text, line_generator);
}

/* Several candidates: list them in the log rather than on the terminal. */
static void line_show_matches(char **matches, int n, int longest)
{
    (void)longest;
    char buf[TUI_LOG_WIDTH];
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 1; k <= n; k++) {
        size_t w = strlen(matches[k]);
        if (len + w + 2 >= sizeof buf || (int)(len + w + 2) > line_tui->cols) {
            tui_log(line_tui, buf);
            tui_log(line_tui, "\n");
            len = 0;
            buf[0] = '\0';
        }
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s  ", matches[k]);
    }
    tui_log(line_tui, buf);
    tui_log(line_tui, "\n");
}

void tui_line_open(struct tui *t)
{
    line_tui = t;
    const char *home = getenv("HOME");
    history_path[0] = '\0';
    if (home && home[0])
        snprintf(history_path, sizeof history_path, "%s/.lab86_history", home);
    rl_readline_name = "lab86";
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0;
    rl_getc_function = line_getc;
    rl_input_available_hook = line_no_input;
    rl_redisplay_function = line_redisplay;
    rl_prep_term_function = line_prep;
    rl_deprep_term_function = line_deprep;
    rl_attempted_completion_function = line_complete;
    rl_completion_display_matches_hook = line_show_matches;
    rl_outstream = fopen("/dev/null", "w"); /* the bell and stray echo go nowhere */
    using_history();
    stifle_history(HISTORY_MAX);
    if (history_path[0])
        read_history(history_path);
    rl_callback_handler_install(PROMPT, line_done);
}

void tui_line_close(struct tui *t)
{
    (void)t;
    rl_callback_handler_remove();
    if (history_path[0])
        history_truncate_file(history_path, HISTORY_MAX);
    if (rl_outstream && rl_outstream != stdout)
        fclose(rl_outstream);
    rl_outstream = NULL;
    line_tui = NULL;
}

/* The bytes a terminal sends for an ncurses key code; NULL: none. */
static const char *key_bytes(int key)
{
    switch (key) {
    case KEY_LEFT: return "\033[D";
    case KEY_RIGHT: return "\033[C";
    case KEY_UP: return "\033[A";
    case KEY_DOWN: return "\033[B";
    case KEY_HOME: return "\033[H";
    case KEY_END: return "\033[F";
    case KEY_DC: return "\033[3~";
    case KEY_BACKSPACE: return "\177";
    case KEY_ENTER: return "\r";
    }
    return NULL;
}

static void feed(int byte)
{
    line_byte = byte;
    rl_callback_read_char();
}

void tui_line_key(struct tui *t, int key)
{
    (void)t;
    const char *seq = key_bytes(key);
    if (seq) {
        for (; *seq; seq++)
            feed((unsigned char)*seq);
    } else if (key >= 0 && key < 256) {
        feed(key);
    }
}

bool tui_line_empty(void)
{
    return !rl_line_buffer || rl_end == 0;
}

void tui_line_clear(void)
{
    rl_replace_line("", 0);
    rl_point = 0;
}

void tui_line_draw(struct tui *t)
{
    struct area a = t->line_area;
    const char *prompt = t->running ? "(running) " : PROMPT;
    const char *text = t->running || !rl_line_buffer ? "" : rl_line_buffer;
    int plen = (int)strlen(prompt);
    int point = t->running ? 0 : rl_point;
    /* Scroll a long line so that the cursor stays on screen. */
    int room = a.w - plen - 1;
    int first = point > room ? point - room : 0;
    tui_print(t, a, 0, ST_NORMAL, "%s%s", prompt, text + first);
    /* Draw the log above it. */
    struct area l = t->log_area;
    int newest = t->log_n - 1 - t->log_scroll;
    for (int r = 0; r < l.h; r++) {
        int idx = newest - (l.h - 1 - r);
        const char *s = idx >= 0 && idx > t->log_n - 1 - TUI_LOG_LINES
                            ? t->log[idx % TUI_LOG_LINES]
                            : "";
        tui_print(t, l, r, ST_NORMAL, "%s", s);
    }
    if (t->focus == PANE_NONE && !t->help && !t->ask[0]) {
        move(a.y, a.x + plen + point - first);
        curs_set(1);
    } else {
        curs_set(0);
    }
}

/* --- the log --- */

static void log_line(struct tui *t, const char *s, size_t n)
{
    char *dst = t->log[t->log_n % TUI_LOG_LINES];
    if (n >= TUI_LOG_WIDTH)
        n = TUI_LOG_WIDTH - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
    for (size_t k = 0; k < n; k++)
        if (dst[k] == '\t' || (unsigned char)dst[k] < ' ')
            dst[k] = ' ';
    t->log_n++;
    t->log_scroll = 0;
}

/* Remember a breakpoint the interpreter announced ("Breakpoint 2 at
 * 0x7c00"), for the Disassembly pane's marks. */
static void note_breakpoint(struct tui *t, const char *line)
{
    int id;
    unsigned long long addr;
    const char *s = strstr(line, "reakpoint ");
    if (!s || sscanf(s, "reakpoint %d at 0x%llx", &id, &addr) != 2 || id <= 0)
        return;
    for (int k = 0; k < t->n_bp; k++)
        if (t->bp[k].id == id) {
            t->bp[k].addr = addr;
            return;
        }
    if (t->n_bp < TUI_BP_MAX)
        t->bp[t->n_bp++] = (struct tui_bp){id, addr};
}

void tui_log(struct tui *t, const char *text)
{
    for (;;) {
        const char *nl = strchr(text, '\n');
        size_t have = strlen(t->partial);
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        if (have + n >= sizeof t->partial)
            n = sizeof t->partial - 1 - have;
        memcpy(t->partial + have, text, n);
        t->partial[have + n] = '\0';
        if (!nl)
            return;
        note_breakpoint(t, t->partial);
        log_line(t, t->partial, strlen(t->partial));
        t->partial[0] = '\0';
        text = nl + 1;
    }
}

/* --- the help pane --- */

static const char *const help_keys[] = {
    "lab86 debug: keys",
    "",
    "  F5          continue; while running, F5 or Ctrl-C stops",
    "  F7          step one instruction (stepi)",
    "  F8          next: step over CALL, INT and REP",
    "  F9          toggle a breakpoint at the Disassembly cursor",
    "  Tab         focus the next pane (on an empty command line); Shift-Tab back",
    "  Esc         back to the command line",
    "  ?           this help (on an empty command line or in a pane); Esc or ? closes",
    "  Up/Down PgUp/PgDn Home/End   move in the focused pane",
    "  Ctrl-D      quit (or type quit)",
    "",
    "  Disassembly  Enter: back to EIP",
    "  Memory       g: go to an address   p: linear/physical   f: follow a register",
    "  Page tables  Enter: open or close a directory entry   t: translate an address",
    "  Console      keys go to the guest: COM1 or the keyboard, F2 switches",
    "",
    "Commands (typed on the command line, Tab completes, Up/Down recall):",
};

void tui_help_draw(struct tui *t, struct area a)
{
    int n_keys = (int)(sizeof help_keys / sizeof help_keys[0]);
    const char *cmds = cmd_help();
    int row = 0, line = 0;
    tui_print(t, a, row++, ST_TITLE, "[Help]  (Esc or ? closes; Up/Down scroll)");
    for (int k = 0; k < n_keys; k++, line++)
        if (line >= t->help_scroll && row < a.h)
            tui_print(t, a, row++, ST_NORMAL, "%s", help_keys[k]);
    for (const char *s = cmds; s && *s; line++) {
        const char *nl = strchr(s, '\n');
        int n = nl ? (int)(nl - s) : (int)strlen(s);
        if (line >= t->help_scroll && row < a.h)
            tui_print(t, a, row++, ST_NORMAL, "  %.*s", n, s);
        s += n + (nl ? 1 : 0);
    }
    while (row < a.h)
        tui_print(t, a, row++, ST_NORMAL, "%s", "");
}
