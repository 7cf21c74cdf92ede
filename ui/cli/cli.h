/*
 * cli.h - the `lab86` command: what its three files share.
 *
 *   main.c  the command word (run, --help, --version) and error reporting
 *   args.c  the options of `lab86 run`, and sizes like 64M
 *   media.c the host files a run uses: ROM images, disk images, the
 *           firmware log and the screen dump, opened and checked up front
 *   chardev_host.c  the serial ports' host ends (--serial, --serial2):
 *           standard I/O, a file, a pseudo-terminal or a Unix socket
 *   hostclock.c --rtc (the RTC's start date) and --realtime (pacing)
 *   console.c standard input (to COM1 or the keyboard, raw mode on a TTY)
 *           and --display text, at the boundaries of the run's slices
 *   run.c   the headless runner: build the machine, load the kernel or the
 *           firmware, run it in slices, turn the reason it stopped into an
 *           exit status
 *
 * Like every front end, it uses the core only through core/emu.h.
 */
#ifndef LAB86_CLI_H
#define LAB86_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "blockdev.h"
#include "emu.h"

/* Exit statuses. A guest's exit device gives odd ones, (v << 1) | 1, so the
 * emulator's own reasons are even and can never be confused with a guest's. */
#define EXIT_POWER_OFF    0   /* the guest's firmware powered the machine off */
#define EXIT_HOST_ERROR   2   /* bad flag, missing or invalid kernel, ... */
#define EXIT_TRIPLE_FAULT 4   /* the machine shut down */
#define EXIT_CYCLE_LIMIT  6   /* --max-cycles reached */
#define EXIT_HALTED       8   /* HLT with interrupts disabled: can never wake */
#define EXIT_DIVERGED     10  /* --lockstep: the two interpreter cores disagreed */
#define EXIT_INTERRUPTED  130 /* SIGINT or SIGTERM (128 + 2, the shell's convention) */

/* What boots the machine (--firmware). */
enum run_firmware {
    RUN_FW_DEFAULT = 0, /* not given: NONE with --kernel, SEABIOS otherwise */
    RUN_FW_LEGACY,      /* the Bochs legacy BIOS and the LGPL VGA BIOS: the ISA board */
    RUN_FW_BOCHS,       /* BIOS-bochs-latest and the LGPL VGA BIOS: the PC board (PCI) */
    RUN_FW_SEABIOS,     /* SeaBIOS and its stdvga VGA BIOS: the PC board (PCI) */
    RUN_FW_NONE,        /* no BIOS: --kernel is loaded directly */
};

/* Where a serial port's bytes go (--serial DEST, --serial2 DEST). */
enum run_serial_kind {
    RUN_SERIAL_DEFAULT = 0, /* not given: stdio for COM1 (none with --display text), none for COM2 */
    RUN_SERIAL_STDIO,       /* output to stdout, input from stdin */
    RUN_SERIAL_FILE,        /* file:PATH: output appended to PATH, no input */
    RUN_SERIAL_NONE,        /* nothing plugged in */
    RUN_SERIAL_PTY,         /* pty: a pseudo-terminal, both ways */
    RUN_SERIAL_UNIX,        /* unix:PATH: a listening Unix socket, one client, both ways */
};

/* One serial port's host end, as given. */
struct run_serial {
    enum run_serial_kind kind; /* what it is */
    const char *path;          /* FILE's or UNIX's path, else NULL */
};

struct run_media;

/* What `lab86 run` was asked to do. */
struct run_args {
    const char *kernel;            /* --kernel FILE */
    enum run_firmware firmware;    /* --firmware NAME (resolved: never DEFAULT after parsing) */
    const char *bios;              /* --bios FILE, or the firmware's installed image; NULL: none */
    const char *vga_bios;          /* --vga-bios FILE, or the firmware's; NULL: none */
    enum emu_board board;          /* the board the firmware needs (resolved with it) */
    const char *board_text;        /* --board isa|pc as typed; NULL: the firmware's board */
    uint32_t cpus;                 /* --smp N, 1..EMU_MAX_CPUS; 0: not given (one) */
    const char *fwlog;             /* --firmware-log FILE; NULL: the log is discarded */
    const char *hda;               /* --hda IMG: primary master disk */
    const char *hdb;               /* --hdb IMG: primary slave disk */
    const char *cdrom;             /* --cdrom ISO: the disc in the secondary master drive */
    const char *fda;               /* --fda IMG: the diskette in floppy drive A: */
    const char *fdb;               /* --fdb IMG: the diskette in floppy drive B: */
    enum emu_boot boot;            /* --boot a|c|d */
    bool no_reboot;                /* --no-reboot: a triple fault stops the run */
    const char *vga_text_out;      /* --vga-text-out FILE: the text screen, at the end */
    const char *mem_text;          /* -m SIZE as typed, NULL when not given */
    uint64_t ram_size;             /* -m SIZE in bytes */
    const char *append;            /* --append CMDLINE, NULL when not given */
    const char *initrd;            /* --initrd FILE (a Linux kernel's ramdisk), NULL: none */
    const char *symbols;           /* --symbols FILE: ELF symbols and lines for the debugger
                                      (dbg_auto_symbols); NULL: --kernel's own, if ELF */
    uint64_t max_cycles;           /* --max-cycles N; 0: no limit */
    enum emu_core core;            /* --core CORE */
    bool lockstep;                 /* --lockstep: both cores side by side */
    bool report_cycles;            /* --report-cycles */
    uint32_t cpu_mhz;              /* --cpu-mhz N; 0: not given (the core's default) */
    bool stats;                    /* --stats: counters and host speed on stderr at the end */
    struct run_serial serial[2];   /* --serial, --serial2 (resolved: never DEFAULT) */
    bool keys_from_stdin;          /* --keys-from-stdin (or COM1 not on stdio) */
    bool display_text;             /* --display text: the VGA text screen on stdout */
    bool snapshot;                 /* --snapshot: disk writes kept in memory (media.c) */
    uint64_t rtc_epoch;            /* --rtc: the RTC's start, seconds since 1970 UTC; 0: the
                                      core's fixed date (hostclock.c) */
    bool realtime;                 /* --realtime: pace virtual time to the wall clock */
    bool help;                     /* -h / --help */
    const char *gdb;               /* --gdb [HOST:]PORT: serve gdb (ui/gdb); NULL: no stub */
    bool gdb_wait;                 /* -S: with --gdb, stopped before the first instruction */
    const char *script;            /* --script FILE.lua: run it first (scripts/lua) */
    const char *loadvm;            /* --loadvm FILE: start from this snapshot; NULL: boot */
    const char *savevm;            /* --savevm-at N:FILE: the file; NULL: none */
    uint64_t savevm_at;            /* ... and the cycle it is saved at */
    const struct run_media *media; /* not an option: the files run_main() opened */
};

/* --- the serial ports' host ends (chardev_host.c) --- */

/* One open host end. */
struct host_serial {
    struct chardev out; /* the guest's output goes here */
    int in_fd;          /* bytes for the guest come from here; -1: none */
    int out_fd;         /* descriptor out writes to (pty, socket); -1: none */
    FILE *file;         /* file:PATH, opened for appending; NULL: not a file */
};

/* The disk images of a run, in their slots of struct run_media. */
enum run_disk { RUN_HDA, RUN_HDB, RUN_CDROM, RUN_FDA, RUN_FDB, RUN_NDISKS };

/* The host files of a run, opened once for all the machines it builds
 * (lockstep builds two). */
struct run_media {
    struct blockdev disk[RUN_NDISKS]; /* hda, hdb, cdrom, fda, fdb */
    const struct blockdev *hda;       /* &disk[RUN_HDA] when --hda was given, else NULL */
    const struct blockdev *hdb;       /* &disk[RUN_HDB] or NULL */
    const struct blockdev *cdrom;     /* &disk[RUN_CDROM] or NULL */
    const struct blockdev *fda;       /* &disk[RUN_FDA] or NULL */
    const struct blockdev *fdb;       /* &disk[RUN_FDB] or NULL */
    int fd[RUN_NDISKS];               /* their descriptors, -1 when not open */
    bool snapshot;                    /* --snapshot: disk[] are overlays on image[] */
    struct blockdev image[RUN_NDISKS]; /* --snapshot: the files under the overlays */
    uint8_t *bios;                    /* the system BIOS image; NULL: none */
    size_t bios_len;                  /* its size */
    uint8_t *vga_bios;                /* the VGA BIOS image; NULL: none */
    size_t vga_bios_len;              /* its size */
    FILE *fwlog_file;                 /* --firmware-log; NULL: discarded */
    struct chardev fwlog;             /* writes to fwlog_file */
    FILE *vga_text_file;              /* --vga-text-out; NULL: not asked for */
    struct host_serial serial[2];     /* COM1's and COM2's host ends */
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

/* Open and check every file a names (media.c). Returns 0, or -1 after one
 * error line naming the file; md is then closed again. */
int media_open(const struct run_args *a, struct run_media *md);
void media_close(struct run_media *md);

/* The whole file at path, at most max bytes, or NULL after one error line
 * ("empty file", "file too large"). */
uint8_t *cli_read_file(const char *path, size_t max, size_t *len);

/* --vga-text-out: write the machine's text screen to md's file. */
void media_write_screen(struct run_media *md, struct emu *m);

/* Parse DEST (stdio, file:PATH, none, pty, unix:PATH); 0, or -1 after one
 * error line naming flag. */
int host_serial_parse(const char *flag, const char *dest, struct run_serial *s);

/* Open s for the port named name ("COM1"); stdio uses stdout and no input
 * here (console.c reads stdin). 0, or -1 after one error line. */
int host_serial_open(const struct run_serial *s, const char *name, struct host_serial *h);
void host_serial_close(struct host_serial *h);

/* --- the host's clock: --rtc and --realtime (hostclock.c) --- */

/* --rtc V: "now" (the host's clock, UTC, read once) or YYYY-MM-DDTHH:MM:SS,
 * as seconds since 1970 in *epoch; 0, or -1 after one error line naming flag. */
int hostclock_parse_rtc(const char *flag, const char *v, uint64_t *epoch);

/* --realtime: where the run started, on both clocks. */
struct pace {
    bool on;          /* --realtime given */
    uint64_t host0;   /* the host's monotonic clock at the start, ns */
    uint64_t cycles0; /* the machine's cycles at the start */
};

/* Start pacing m (nothing happens unless on). */
void pace_start(struct pace *p, bool on, struct emu *m);

/* After a slice: sleep while m's virtual time is ahead of the host's. */
void pace_slice(struct pace *p, struct emu *m);

/* --- standard input and the screen (console.c) --- */

struct console;

/* Set up what a's options ask of stdin and stdout; the ports' host ends in
 * ports[0..1]. NULL after one error line. */
struct console *console_open(const struct run_args *a, struct host_serial *ports);
void console_close(struct console *c);

/* Before a slice: give the guest the input that is waiting, as much as its
 * devices have room for. Returns false when the user asked to quit (Ctrl-A x). */
bool console_feed(struct console *c, struct emu *m);

/* After a slice: redraw the screen (--display text) if it changed. */
void console_draw(struct console *c, struct emu *m);

/* The guest is idle: wait for interactive input (or a signal); false when
 * there is no interactive source to wait for. */
bool console_wait(struct console *c);

/* Ask run_slices() to end the run, as Ctrl-C does (status 130). */
void run_request_stop(void);

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

/* snapshot.c: --loadvm (after the machine is built and its guest loaded:
 * 0, or -1 after one error line) and --savevm-at (run_slices() that stops
 * at the cycle to save the machine, then goes on). */
int cli_loadvm(const struct run_args *a, struct emu *m);
int cli_run_savevm(const struct run_args *a, struct emu *m, run_slice_fn *slice, void *ctx);

/* Print "cycles: N instructions: M" on stderr (--report-cycles). */
void run_report_cycles(struct emu *m);

/* `lab86 run --lockstep` (lockstep.c): returns the exit status. */
int lockstep_main(const struct run_args *a);

/* `lab86 debug` (debug.c): the arguments after the word "debug"; returns
 * the exit status. */
int debug_command(int argc, char **argv);

#endif
