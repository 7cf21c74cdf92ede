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

#include "emu.h"

/* Exit statuses. A guest's exit device gives odd ones, (v << 1) | 1, so the
 * emulator's own reasons are even and can never be confused with a guest's. */
#define EXIT_HOST_ERROR   2   /* bad flag, missing or invalid kernel, ... */
#define EXIT_TRIPLE_FAULT 4   /* the machine shut down */
#define EXIT_CYCLE_LIMIT  6   /* --max-cycles reached */
#define EXIT_HALTED       8   /* HLT with interrupts disabled: can never wake */
#define EXIT_DIVERGED     10  /* --lockstep: the two interpreter cores disagreed */
#define EXIT_INTERRUPTED  130 /* SIGINT or SIGTERM (128 + 2, the shell's convention) */

/* What `lab86 run` was asked to do. */
struct run_args {
    const char *kernel;   /* --kernel FILE */
    const char *mem_text; /* -m SIZE as typed, NULL when not given */
    uint64_t ram_size;    /* -m SIZE in bytes */
    const char *append;   /* --append CMDLINE, NULL when not given */
    uint64_t max_cycles;  /* --max-cycles N; 0: no limit */
    enum emu_core core;   /* --core CORE */
    bool lockstep;        /* --lockstep: both cores side by side */
    bool report_cycles;   /* --report-cycles */
    uint32_t cpu_mhz;     /* --cpu-mhz N; 0: not given (the core's default) */
    bool stats;           /* --stats: counters and host speed on stderr at the end */
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

/* --- what run.c shares with lockstep.c --- */

/* One slice of a run, of about budget cycles: emu_run() on one machine, or
 * on two in lock-step. Returns an enum emu_stop, or RUN_DIVERGED. */
typedef int run_slice_fn(void *ctx, uint64_t budget);
#define RUN_DIVERGED (-1)

/* Build a machine with the given core and output, and load the kernel;
 * NULL after reporting why not. */
struct emu *run_boot(const struct run_args *a, enum emu_core core, const struct chardev *out);

/* Run slices until the machine m stops, the cycle limit is reached or a
 * signal comes; returns the exit status, after one line on stderr for
 * every end but the guest's own exit. */
int run_slices(struct emu *m, uint64_t max_cycles, run_slice_fn *slice, void *ctx);

/* Print "cycles: N instructions: M" on stderr (--report-cycles). */
void run_report_cycles(struct emu *m);

/* `lab86 run --lockstep` (lockstep.c): returns the exit status. */
int lockstep_main(const struct run_args *a);

#endif
