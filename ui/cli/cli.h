/*
 * cli.h - the `lab86` command: what its three files share.
 *
 *   main.c  the command word (run, --help, --version) and error reporting
 *   args.c  the options of `lab86 run`, and sizes like 64M
 *   run.c   the headless runner: read the kernel, build the machine, run it
 *           in slices, turn the reason it stopped into an exit status
 *
 * Like every front end, it uses the core only through core/emu.h.
 */
#ifndef LAB86_CLI_H
#define LAB86_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* Exit statuses. A guest's exit device gives odd ones, (v << 1) | 1, so the
 * emulator's own reasons are even and can never be confused with a guest's. */
#define EXIT_HOST_ERROR   2   /* bad flag, missing or invalid kernel, ... */
#define EXIT_TRIPLE_FAULT 4   /* the machine shut down */
#define EXIT_CYCLE_LIMIT  6   /* --max-cycles reached */
#define EXIT_HALTED       8   /* HLT with interrupts disabled: can never wake */
#define EXIT_INTERRUPTED  130 /* SIGINT or SIGTERM (128 + 2, the shell's convention) */

/* What `lab86 run` was asked to do. */
struct run_args {
    const char *kernel;   /* --kernel FILE */
    const char *mem_text; /* -m SIZE as typed, NULL when not given */
    uint64_t ram_size;    /* -m SIZE in bytes */
    const char *append;   /* --append CMDLINE, NULL when not given */
    uint64_t max_cycles;  /* --max-cycles N; 0: no limit */
    bool help;            /* -h / --help */
};

/* Print "lab86: <what>: <why>" on stderr, as one line. */
void cli_error(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parse the arguments after the word "run". Returns 0, or -1 after printing
 * one error line. */
int run_parse_args(int argc, char **argv, struct run_args *a);

/* The text of `lab86 run --help`. */
extern const char run_help_text[];

/* Run the machine as asked; returns the process exit status. */
int run_main(const struct run_args *a);

#endif
