/*
 * tui.h - the ncurses debugger of `lab86 debug`: panes around the machine
 * (Registers, Disassembly, Memory, Stack, Page tables, Descriptors,
 * Devices, Traps, Console) and a readline command line at the bottom that
 * hands every line to cmd_exec() (cmd.h). A thin client of core/debug: it
 * never runs the machine itself except through the debugger core.
 *
 * How `lab86 debug` uses it, when standard input and output are a
 * terminal and --no-tui is not given:
 *
 *     struct tui_console *con = tui_console_create();
 *     ... build the machine with tui_console_chardev(con) as the host end of
 *         COM1 (and of the 0xE9 console: run_boot()'s `out`), so a guest's
 *         output reaches the Console pane, not the terminal ncurses owns:
 *         parse --serial as none, media_open(), then
 *         md.serial[0].out = *tui_console_chardev(con); run_boot(a, core, same) ...
 *     struct dbg *d = dbg_create(m);
 *     struct cmd *c = cmd_create(d);
 *     int status = tui_main(d, c, con);      until quit, q, or Ctrl-D
 *     cmd_destroy(c); dbg_destroy(d); emu_destroy(m);
 *     tui_console_destroy(con);              after the machine is gone
 *
 * The console buffer must outlive the machine (the chardev points into it).
 * tui_main() takes over the terminal and gives it back in its old state.
 */
#ifndef LAB86_UI_TUI_H
#define LAB86_UI_TUI_H

#include "chardev.h"

struct dbg;
struct cmd;
struct tui_console;

/* A buffer that keeps what the guest writes to its serial port and debug
 * console, for the Console pane. NULL when out of memory. */
struct tui_console *tui_console_create(void);
void tui_console_destroy(struct tui_console *con);

/* The host end to give the machine's COM1 (and 0xE9 console): bytes
 * written to it land in con. Valid as long as con is. */
const struct chardev *tui_console_chardev(struct tui_console *con);

/* Run the TUI on debugger d with command interpreter c (neither owned).
 * con may be NULL (the Console pane then shows the VGA text screen only).
 * Returns the process exit status: 0 after quit, or the guest's status
 * ((code << 1) | 1) when it ran to its exit device and the user left;
 * 2 when the terminal cannot be set up (after one "lab86: ..." line). */
int tui_main(struct dbg *d, struct cmd *c, struct tui_console *con);

#endif
