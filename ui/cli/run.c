/*
 * run.c - `lab86 run`: the headless runner.
 *
 * It opens the run's files (media.c: the core does no file I/O) and the
 * serial ports' host ends (chardev_host.c), builds the machine with standard
 * output as the host end of the 0xE9 console (stderr with --display text),
 * loads the kernel or the firmware, and then owns the run loop: the core runs a slice of
 * RUN_SLICE virtual cycles and returns, the runner gives it the waiting input
 * and redraws the screen (console.c), flushes the output, checks
 * the cycle limit and Ctrl-C, and goes round again. When the machine stops
 * for good, the reason becomes the exit status (cli.h) and, except for the
 * guest's own exit, one line on stderr. With --stats it then prints the
 * run's counters and how long it took on the host: the one place lab86
 * reads the host's clock, and nothing the guest sees depends on it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "debug/debug.h"
#include "emu.h"
#include "gdb/gdb.h"

/* Cycles per emu_run() call: output reaches stdout at least this often, and
 * Ctrl-C is noticed within one slice. Does not change what the guest sees. */
#define RUN_SLICE 1000000u

static volatile sig_atomic_t interrupted;

void run_request_stop(void)
{
    interrupted = 1;
}

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* SIGINT and SIGTERM end the run between slices, with the output flushed. */
static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* The host end of the console and the serial port. */
static void stdout_write(void *opaque, const uint8_t *buf, size_t len)
{
    fwrite(buf, 1, len, opaque);
}

/* The machine's configuration: a's options and the files media opened. */
static struct emu_config boot_config(const struct run_args *a, enum emu_core core,
                                     const struct chardev *out)
{
    const struct run_media *md = a->media;
    return (struct emu_config){.ram_size = a->ram_size,
                               .core = core,
                               .cpu_mhz = a->cpu_mhz,
                               .console = out,
                               .serial = &md->serial[0].out,
                               .serial2 = &md->serial[1].out,
                               .fwlog = &md->fwlog,
                               .hda = md->hda,
                               .hdb = md->hdb,
                               .cdrom = md->cdrom,
                               .fda = md->fda,
                               .fdb = md->fdb,
                               .boot = a->boot,
                               .no_reboot = a->no_reboot,
                               .board = a->board,
                               .cpus = a->cpus,
                               .rtc_epoch = a->rtc_epoch};
}

/* A Linux kernel and its --initrd; 0, or -1 after one error line. */
static int load_linux(const struct run_args *a, struct emu *m, const uint8_t *image, size_t len)
{
    char err[256];
    size_t ilen = 0;
    uint8_t *initrd = NULL;
    if (a->initrd && !(initrd = cli_read_file(a->initrd, EMU_RAM_MAX, &ilen)))
        return -1;
    int r = emu_load_linux(m, image, len, initrd, ilen, a->append, err, sizeof err);
    if (r != 0)
        cli_error(a->kernel, "%s", err);
    free(initrd);
    return r;
}

/* A multiboot kernel (anything without a Linux setup header). */
static int load_multiboot(const struct run_args *a, struct emu *m, const uint8_t *image,
                          size_t len)
{
    char err[256];
    if (a->initrd) {
        cli_error("--initrd", "needs a Linux kernel (%s has no Linux setup header)", a->kernel);
        return -1;
    }
    int r = emu_load_multiboot(m, image, len, a->append, err, sizeof err);
    if (r != 0)
        cli_error(a->kernel, "%s", err);
    return r;
}

/* Load the kernel (direct boot) or the firmware into m; 0, or -1 after one
 * error line. */
static int boot_load(const struct run_args *a, struct emu *m)
{
    const struct run_media *md = a->media;
    char err[256];
    if (!a->kernel) {
        if (md->bios && emu_load_firmware(m, md->bios, md->bios_len, md->vga_bios, md->vga_bios_len,
                                          err, sizeof err) != 0) {
            cli_error(a->bios, "%s", err);
            return -1;
        }
        return 0;
    }
    size_t len;
    uint8_t *image = cli_read_file(a->kernel, EMU_RAM_MAX, &len);
    if (!image)
        return -1;
    int r = emu_is_linux_kernel(image, len) ? load_linux(a, m, image, len)
                                            : load_multiboot(a, m, image, len);
    free(image);
    return r;
}

struct emu *run_boot(const struct run_args *a, enum emu_core core, const struct chardev *out)
{
    char err[256], what[64];
    struct emu_config cfg = boot_config(a, core, out);
    struct emu *m = emu_create(&cfg, err, sizeof err);
    if (!m) {
        snprintf(what, sizeof what, "-m %.40s", a->mem_text ? a->mem_text : "32M (default)");
        cli_error(what, "%s", err);
        return NULL;
    }
    if (boot_load(a, m) != 0) {
        emu_destroy(m);
        return NULL;
    }
    return m;
}

/* --- how a run ends --- */

static int report_limit(struct emu *m, uint64_t max_cycles, bool idle)
{
    struct emu_cpu_view v;
    emu_get_cpu(m, &v);
    if (idle)
        fprintf(stderr,
                "lab86: cycle limit %llu reached (the CPU halted at %04x:%08x to wait "
                "for an interrupt, and no device on this machine raises one)\n",
                (unsigned long long)max_cycles, v.cs, v.insn_eip);
    else
        fprintf(stderr, "lab86: cycle limit %llu reached\n", (unsigned long long)max_cycles);
    return EXIT_CYCLE_LIMIT;
}

static int report_interrupted(struct emu *m)
{
    fprintf(stderr, "lab86: interrupted at cycle %llu\n", (unsigned long long)emu_cycles(m));
    return EXIT_INTERRUPTED;
}

static int report_stop(struct emu *m, enum emu_stop why)
{
    struct emu_cpu_view v;
    emu_get_cpu(m, &v);
    switch (why) {
    case EMU_STOP_EXIT: return (int)(((emu_exit_code(m) << 1) | 1) & 0xff);
    case EMU_STOP_POWER_OFF: return EXIT_POWER_OFF;
    case EMU_STOP_TRIPLE_FAULT:
        fprintf(stderr, "lab86: triple fault at CS:EIP %04x:%08x (cycle %llu)\n", v.cs, v.eip,
                (unsigned long long)v.cycles);
        return EXIT_TRIPLE_FAULT;
    case EMU_STOP_HALT_IF0:
        fprintf(stderr, "lab86: halted with interrupts disabled at %04x:%08x (cycle %llu)\n", v.cs,
                v.insn_eip, (unsigned long long)v.cycles);
        return EXIT_HALTED;
    case EMU_STOP_BUDGET:
    case EMU_STOP_IDLE: break;
    }
    return report_interrupted(m); /* not an end of the run: only a signal stops it there */
}

/* A halted CPU that nothing will wake, and no cycle limit: wait, using no
 * host CPU, until a signal ends the run. */
static int wait_forever(struct emu *m)
{
    sigset_t block, old;
    fprintf(stderr, "lab86: the CPU halted to wait for an interrupt, and no device on this "
                    "machine raises one; waiting (Ctrl-C to quit)\n");
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    while (!interrupted)
        sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return report_interrupted(m);
}

int run_slices(struct emu *m, uint64_t max_cycles, run_slice_fn *slice, void *ctx)
{
    bool idle = false;
    for (;;) {
        uint64_t budget = RUN_SLICE, now = emu_cycles(m);
        if (max_cycles && now >= max_cycles)
            return report_limit(m, max_cycles, idle);
        if (max_cycles && (idle || max_cycles - now < budget))
            budget = max_cycles - now; /* idle: nothing will happen, go to the limit */
        int why = slice(ctx, budget);
        fflush(stdout);
        if (why == RUN_DIVERGED)
            return EXIT_DIVERGED;
        if (why == EMU_STOP_IDLE && !max_cycles)
            return wait_forever(m);
        if (why != EMU_STOP_BUDGET && why != EMU_STOP_IDLE)
            return report_stop(m, (enum emu_stop)why);
        if (interrupted)
            return report_interrupted(m);
        idle = why == EMU_STOP_IDLE;
    }
}

/* The plain runner's slice: one machine, with the console's input before
 * it and the screen after it. */
struct plain_run {
    struct emu *m;       /* the machine */
    struct console *con; /* stdin, the serial ports' input, the screen */
    struct pace pace;    /* --realtime (hostclock.c) */
};

static int plain_slice(void *ctx, uint64_t budget)
{
    struct plain_run *r = ctx;
    if (!console_feed(r->con, r->m)) {
        run_request_stop(); /* Ctrl-A x */
        return EMU_STOP_BUDGET;
    }
    enum emu_stop why = emu_run(r->m, budget);
    pace_slice(&r->pace, r->m);
    console_draw(r->con, r->m);
    if (why == EMU_STOP_IDLE && console_wait(r->con))
        return EMU_STOP_BUDGET; /* input may have come: it can wake the guest */
    return why;
}

void run_report_cycles(struct emu *m)
{
    struct emu_cpu_view v;
    emu_get_cpu(m, &v);
    fprintf(stderr, "cycles: %llu instructions: %llu\n", (unsigned long long)v.cycles,
            (unsigned long long)v.instructions);
}

/* Wall-clock seconds since some fixed point: the one place lab86 reads the
 * host's time, for the host lines of --stats. Never used to decide
 * anything the guest can see. */
static double host_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* --stats: the run's counters, one aligned line each, on stderr. */
static void print_stats(struct emu *m, double seconds)
{
    struct emu_stats s;
    emu_get_stats(m, &s);
    double insns = (double)s.instructions;
    fprintf(stderr, "%-15s %llu\n", "instructions", (unsigned long long)s.instructions);
    fprintf(stderr, "%-15s %llu\n", "cycles", (unsigned long long)s.cycles);
    fprintf(stderr, "%-15s %.3f\n", "CPI", insns > 0 ? (double)s.cycles / insns : 0.0);
    fprintf(stderr, "%-15s %llu\n", "TLB misses", (unsigned long long)s.tlb_misses);
    fprintf(stderr, "%-15s %llu\n", "exceptions", (unsigned long long)s.exceptions);
    fprintf(stderr, "%-15s %llu\n", "interrupts", (unsigned long long)s.interrupts);
    for (int k = 0; k < TRAP_COUNT; k++) { /* hypervisor-trap events (core/trap.h) */
        char name[32];
        snprintf(name, sizeof name, "trap %s", dbg_trap_name(k));
        fprintf(stderr, "%-15s %llu\n", name, (unsigned long long)s.traps[k]);
    }
    fprintf(stderr, "%-15s %.9f\n", "guest seconds", (double)s.cycles / (double)emu_cpu_hz(m));
    fprintf(stderr, "%-15s %.3f\n", "host seconds", seconds);
    fprintf(stderr, "%-15s %.1f\n", "host MIPS", seconds > 0 ? insns / seconds / 1e6 : 0.0);
}

/* --- under gdb (--gdb): the stub runs the machine, this file reports the end --- */

/* Between the stub's run slices: the console's input and screen, Ctrl-C. */
static bool gdb_poll(void *ctx)
{
    struct plain_run *r = ctx;
    fflush(stdout);
    console_draw(r->con, r->m);
    return console_feed(r->con, r->m) && !interrupted;
}

/* The debugger core's name for an end of the machine, as emu_run() gives it. */
static enum emu_stop machine_end(enum dbg_stop why)
{
    switch (why) {
    case DBG_STOP_EXIT: return EMU_STOP_EXIT;
    case DBG_STOP_POWER_OFF: return EMU_STOP_POWER_OFF;
    case DBG_STOP_TRIPLE_FAULT: return EMU_STOP_TRIPLE_FAULT;
    default: return EMU_STOP_HALT_IF0;
    }
}

/* Serve gdb until the session ends; the end becomes an exit status as in
 * run_slices(), and gdb's kill is status 130 (interrupted) with one line. */
static int run_gdb(const struct run_args *a, struct plain_run *r)
{
    struct dbg_stop_info st;
    struct dbg *d = dbg_create(r->m);
    if (!d) {
        cli_error("--gdb", "out of memory");
        return EXIT_HOST_ERROR;
    }
    struct gdb_config cfg = {.hostport = a->gdb, .start_stopped = a->gdb_wait,
                             .max_cycles = a->max_cycles, .poll = gdb_poll, .ctx = r};
    enum gdb_end end = gdb_serve(d, &cfg);
    dbg_last_stop(d, &st);
    dbg_destroy(d);
    fflush(stdout);
    switch (end) {
    case GDB_END_MACHINE: return report_stop(r->m, machine_end(st.reason));
    case GDB_END_LIMIT: return report_limit(r->m, a->max_cycles, false);
    case GDB_END_KILLED:
        fprintf(stderr, "lab86: gdb: killed at cycle %llu\n", (unsigned long long)emu_cycles(r->m));
        return EXIT_INTERRUPTED;
    case GDB_END_QUIT: return report_interrupted(r->m);
    case GDB_END_ERROR: break;
    }
    return EXIT_HOST_ERROR;
}

/* The plain run: one machine. */
static int run_plain(const struct run_args *a, struct run_media *md, const struct chardev *out)
{
    struct emu *m = run_boot(a, a->core, out);
    if (!m)
        return EXIT_HOST_ERROR;
    struct plain_run r = {m, console_open(a, md->serial), {0}};
    if (!r.con) {
        emu_destroy(m);
        return EXIT_HOST_ERROR;
    }
    if (cli_loadvm(a, m) != 0) {
        console_close(r.con);
        emu_destroy(m);
        return EXIT_HOST_ERROR;
    }
    double start = a->stats ? host_seconds() : 0;
    pace_start(&r.pace, a->realtime, m); /* after --loadvm, which sets the clock */
    int status = a->gdb ? run_gdb(a, &r) : cli_run_savevm(a, m, plain_slice, &r);
    console_close(r.con);
    fflush(stdout);
    if (a->report_cycles)
        run_report_cycles(m);
    if (a->stats)
        print_stats(m, host_seconds() - start);
    media_write_screen(md, m);
    emu_destroy(m);
    return status;
}

int run_main(const struct run_args *a)
{
    /* The 0xE9 console: stdout, unless --display text has it for the screen. */
    struct chardev out = {.write = stdout_write, .opaque = a->display_text ? stderr : stdout};
    struct run_media md;
    struct run_args opened = *a;
    catch_signals();
    if (media_open(a, &md) != 0)
        return EXIT_HOST_ERROR;
    opened.media = &md;
    int status = a->lockstep ? lockstep_main(&opened) : run_plain(&opened, &md, &out);
    media_close(&md);
    return status;
}
