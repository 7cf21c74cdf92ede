/*
 * debug.c - `lab86 debug`: the machine `lab86 run` would build, stopped
 * before its first instruction, under the debugger.
 *
 *     lab86 debug [the options of run] [--no-tui]
 *
 * The machine is built exactly as `run` builds it (run_parse_args(),
 * media_open(), run_boot()); then a debugger (core/debug) and a command
 * interpreter (ui/tui/cmd.h) are attached to it, and one of three front
 * ends drives them:
 *
 *   - the TUI (ui/tui/tui.h), when standard input and output are both a
 *     terminal and --no-tui is not given: the guest's serial output and
 *     0xE9 console then go to its Console pane;
 *   - the GDB stub, with --gdb [HOST:]PORT: gdb's `monitor` reaches the
 *     same command interpreter;
 *   - the command line otherwise: one command a line from standard input,
 *     the answers (and the guest's output) on standard output. On a
 *     terminal (--no-tui) it is GNU readline, with a prompt, history in
 *     ~/.lab86_history and tab completion; from a pipe or a file it is
 *     plain lines and no prompt, so a script's output is exactly the
 *     answers, and a test can compare it with an expected file.
 *
 * Standard input carries commands here, so nothing of it goes to the
 * guest's COM1 (the guest's output still comes out on stdout).
 *
 * Exit status: 0 at the end of the input or after quit; but when the guest
 * ended the run (its exit device, a power-off, a triple fault, a halt with
 * interrupts disabled) the status `lab86 run` would have given for that
 * end, so `lab86 debug ... < script` fails or passes as the guest did.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cli.h"
#include "debug/debug.h"
#include "emu.h"
#include "gdb/gdb.h"
#include "tui/cmd.h"
#include "tui/tui.h"

#define HISTORY_FILE ".lab86_history" /* in $HOME */
#define HISTORY_MAX 1000              /* lines kept in it */
#define COMPLETE_MAX 256              /* candidates offered at once */

const char debug_help_text[] =
    "usage: lab86 debug [the options of 'lab86 run'] [--no-tui]\n"
    "\n"
    "Build the machine as 'lab86 run' would and stop it before its first\n"
    "instruction, under the debugger: the TUI on a terminal; with --no-tui (or\n"
    "when standard input is not a terminal) commands one a line from standard\n"
    "input, answers on standard output; with --gdb [HOST:]PORT the GDB stub.\n"
    "'help' lists the commands (gdb's names: break, stepi, next, continue,\n"
    "x/8xb, info registers, ...).\n"
    "\n"
    "  --no-tui           the command line, even on a terminal\n"
    "  --script FILE.lua  run the Lua file in the command line's Lua session first:\n"
    "                     its callbacks (breakpoint, watchpoint, I/O, serial,\n"
    "                     exception, interrupt, trap, mode switch) run when the\n"
    "                     debugger runs the machine; \"stop\" stops it there\n"
    "\n"
    "Exit status: 0 at the end of input or quit; when the guest ended the run\n"
    "(exit device, power-off, triple fault, halt with interrupts off), the status\n"
    "'lab86 run' gives for that end.\n";

static volatile sig_atomic_t interrupted; /* Ctrl-C while a command runs */

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* The 0xE9 console's host end: standard output, as in run. */
static void stdout_write(void *opaque, const uint8_t *buf, size_t len)
{
    fwrite(buf, 1, len, opaque);
}

/* The command line's output: standard output, flushed by the caller. */
static void out_stdout(void *ctx, const char *text)
{
    (void)ctx;
    fputs(text, stdout);
}

/* Between run slices: the guest's output reaches the terminal, Ctrl-C stops. */
static bool poll_sigint(void *ctx)
{
    (void)ctx;
    fflush(stdout);
    if (!interrupted)
        return false;
    interrupted = 0;
    return true;
}

/* --- readline: completion and history --- */

static struct cmd *rl_cmd; /* the interpreter completion asks (readline has no context pointer) */

/* readline's generator: the candidates of cmd_complete(), one a call. */
static char *complete_next(const char *text, int state)
{
    static const char *cand[COMPLETE_MAX];
    static size_t n, k;
    if (state == 0) {
        int word = 0;
        for (int i = 0; i < rl_point; i++) /* words before the one being completed */
            if (rl_line_buffer[i] != ' ' && (i == 0 || rl_line_buffer[i - 1] == ' '))
                word++;
        if (rl_point > 0 && rl_line_buffer[rl_point - 1] != ' ')
            word--;
        n = cmd_complete(rl_cmd, rl_line_buffer, word, text, cand, COMPLETE_MAX);
        k = 0;
    }
    return k < n ? strdup(cand[k++]) : NULL;
}

static char **complete(const char *text, int start, int end)
{
    (void)start, (void)end;
    char **m = rl_completion_matches(text, complete_next);
    rl_attempted_completion_over = m != NULL; /* nothing of ours: file names (source FILE) */
    return m;
}

/* ~/.lab86_history, or NULL without $HOME. */
static char *history_path(void)
{
    const char *home = getenv("HOME");
    if (!home || !*home)
        return NULL;
    size_t n = strlen(home) + sizeof HISTORY_FILE + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", home, HISTORY_FILE);
    return p;
}

/* The next command line: readline on a terminal, else a plain line. NULL at
 * the end of the input. The caller frees it. */
static char *next_line(bool tty)
{
    if (tty)
        return readline("(lab86) ");
    size_t cap = 0;
    char *line = NULL;
    if (getline(&line, &cap, stdin) < 0) {
        free(line);
        return NULL;
    }
    line[strcspn(line, "\r\n")] = '\0';
    return line;
}

/* The command loop until quit or the end of the input. */
static void command_loop(struct cmd *c)
{
    bool tty = isatty(STDIN_FILENO);
    struct cmd_io io = {.out = out_stdout, .poll = poll_sigint, .ctx = NULL};
    char *hist = tty ? history_path() : NULL;
    if (tty) {
        rl_cmd = c;
        rl_attempted_completion_function = complete;
        stifle_history(HISTORY_MAX);
        if (hist)
            read_history(hist);
    }
    for (char *line; (line = next_line(tty)) != NULL; free(line)) {
        if (tty && *line)
            add_history(line);
        interrupted = 0;
        int r = cmd_exec(c, line, &io);
        fflush(stdout);
        if (r == CMD_QUIT) {
            free(line);
            break;
        }
    }
    if (hist)
        write_history(hist);
    free(hist);
}

/* --- the machine --- */

/* What run options make no sense under the debugger: one line, -1. */
static int check_args(const struct run_args *a)
{
    if (a->lockstep)
        cli_error("--lockstep", "not with debug (it runs two machines)");
    else if (a->display_text)
        cli_error("--display", "not with debug (the TUI shows the screen)");
    else
        return 0;
    return -1;
}

/* The front end the user gets: the TUI, gdb, or the command line. */
static int drive(const struct run_args *a, struct dbg *d, struct cmd *c, struct tui_console *con)
{
    int status = 0;
    if (con)
        return tui_main(d, c, con);
    if (a->gdb) {
        struct gdb_config cfg = {.hostport = a->gdb, .start_stopped = true,
                                 .max_cycles = a->max_cycles, .monitor = c};
        return gdb_serve(d, &cfg) == GDB_END_ERROR ? EXIT_HOST_ERROR : 0;
    }
    command_loop(c);
    cmd_guest_ended(c, &status);
    return status;
}

/* --script FILE.lua: run the script in the command line's Lua session
 * before the front end starts (what it defines stays for `lua` commands).
 * Returns 0, or -1 after the script failed (its error is on stdout). */
static int run_script(struct cmd *c, const char *path)
{
    struct cmd_io io = {.out = out_stdout, .poll = poll_sigint, .ctx = NULL};
    return cmd_lua_file(c, path, &io) == CMD_ERROR ? -1 : 0;
}

/* Attach the debugger and the interpreter to m and hand them to a front end. */
static int debug_machine(const struct run_args *a, struct emu *m, struct tui_console *con)
{
    char err[256];
    struct dbg *d = dbg_create(m);
    struct cmd *c = d ? cmd_create(d) : NULL;
    int status = EXIT_HOST_ERROR;
    if (!c)
        cli_error("debug", "out of memory");
    else if (dbg_auto_symbols(d, a->symbols, a->kernel, err, sizeof err) != 0)
        cli_error(a->symbols ? a->symbols : a->kernel, "%s", err);
    else if (a->script && run_script(c, a->script) != 0)
        status = 1; /* the script's error and traceback are on stdout */
    else {
        cmd_set_max_cycles(c, a->max_cycles);
        status = drive(a, d, c, con);
        fflush(stdout);
        if (a->report_cycles)
            run_report_cycles(m);
    }
    cmd_destroy(c);
    dbg_destroy(d);
    return status;
}

/* Build the machine as run does; the TUI's console is COM1's host end. */
static int debug_main(struct run_args *a, bool use_tui)
{
    struct run_media md;
    struct tui_console *con = NULL;
    struct chardev out = {.write = stdout_write, .opaque = stdout};
    if (use_tui && !(con = tui_console_create())) {
        cli_error("debug", "out of memory");
        return EXIT_HOST_ERROR;
    }
    if (use_tui)
        a->serial[0] = (struct run_serial){RUN_SERIAL_NONE, NULL};
    if (media_open(a, &md) != 0) {
        tui_console_destroy(con);
        return EXIT_HOST_ERROR;
    }
    a->media = &md;
    if (con)
        md.serial[0].out = *tui_console_chardev(con);
    struct emu *m = run_boot(a, a->core, con ? tui_console_chardev(con) : &out);
    int status = m ? debug_machine(a, m, con) : EXIT_HOST_ERROR;
    emu_destroy(m);
    media_close(&md);
    tui_console_destroy(con);
    return status;
}

int debug_command(int argc, char **argv)
{
    struct run_args a;
    bool no_tui = false;
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int n = 0;
    if (!rest)
        return EXIT_HOST_ERROR;
    for (int k = 0; k < argc; k++) { /* --no-tui is debug's own; the rest are run's */
        if (strcmp(argv[k], "--no-tui") == 0)
            no_tui = true;
        else
            rest[n++] = argv[k];
    }
    int r = run_parse_args(n, rest, &a);
    free(rest);
    if (r != 0 || check_args(&a) != 0)
        return EXIT_HOST_ERROR;
    if (a.help) {
        fputs(debug_help_text, stdout);
        return 0;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    bool use_tui = !no_tui && !a.gdb && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    return debug_main(&a, use_tui);
}
