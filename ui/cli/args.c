/*
 * args.c - the options of `lab86 run`.
 *
 * Long options take their value as the next argument or after '=':
 * `--kernel k.elf` and `--kernel=k.elf` are the same. `-m` takes the next
 * argument, as in QEMU. A later option overrides an earlier one. Anything
 * not recognised is an error: a typo in a course Makefile should stop the
 * run, not be ignored.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "emu.h"

const char run_help_text[] =
    "usage: lab86 run --kernel FILE [-m SIZE] [--append CMDLINE] [--max-cycles N]\n"
    "                 [--core CORE] [--lockstep] [--report-cycles]\n"
    "                 [--cpu-mhz N] [--stats]\n"
    "\n"
    "Boot a Multiboot v1 kernel on the minimal machine, headless. What the guest\n"
    "writes to the 0xE9 debug console or to COM1 (port 0x3F8) goes to standard\n"
    "output.\n"
    "\n"
    "options:\n"
    "  --kernel FILE      the kernel: an ELF32 executable, or a flat binary whose\n"
    "                     multiboot header sets the a.out kludge (flag bit 16)\n"
    "  -m SIZE            RAM: a number of MiB, or with a K, M or G suffix\n"
    "                     (default 32M; more than 1M, at most 3584M, in steps of 4K)\n"
    "  --append CMDLINE   the kernel's command line (the multiboot cmdline)\n"
    "  --max-cycles N     stop after N virtual CPU cycles (default: no limit)\n"
    "  --core CORE        the interpreter: threaded (the default: basic blocks are\n"
    "                     decoded once and cached) or switch (every instruction is\n"
    "                     fetched and decoded anew: the reference); both give the\n"
    "                     same output and the same cycle count\n"
    "  --lockstep         run the kernel on two machines at once, one per core,\n"
    "                     comparing their whole CPU state every few instructions\n"
    "                     and their RAM now and then; stop at the first difference\n"
    "                     with both states on stderr (exit status 10)\n"
    "  --report-cycles    at the end, print 'cycles: N instructions: M' on stderr\n"
    "  --cpu-mhz N        the nominal CPU clock, 1 to 10000 MHz (default 100): the\n"
    "                     rate at which virtual cycles become guest time for the\n"
    "                     timers; instruction costs and the TSC (one tick a cycle)\n"
    "                     do not change (doc/cycles.md)\n"
    "  --stats            at the end, print on stderr one line each: instructions,\n"
    "                     cycles, CPI, TLB misses, exceptions, interrupts, guest\n"
    "                     seconds, host seconds and host MIPS\n"
    "  -h, --help         print this help\n"
    "\n"
    "exit status:\n"
    "  (v << 1) | 1  the guest wrote v to the exit device at port 0xF4 (QEMU's\n"
    "                isa-debug-exit): always odd, 33 for v = 0x10\n"
    "  2             host or configuration error (one line on stderr)\n"
    "  4             triple fault\n"
    "  6             the --max-cycles limit was reached\n"
    "  8             the CPU halted with interrupts disabled: nothing can wake it\n"
    "  10            --lockstep: the two cores diverged\n"
    "  130           interrupted (Ctrl-C)\n"
    "\n"
    "A CPU halted with interrupts enabled waits for an interrupt, but this machine\n"
    "has no device that raises one (no timer yet): lab86 moves the virtual clock\n"
    "on to the --max-cycles limit and stops with status 6, or, with no limit,\n"
    "waits, as a PC would, until it is interrupted.\n";

/* The power of two a size suffix stands for: K, M or G in either case, and
 * no suffix for MiB, as in QEMU. -1 for anything else. */
static int suffix_shift(const char *suffix)
{
    static const char units[] = "KMG";
    if (suffix[0] == '\0')
        return 20;
    const char *u = strchr(units, toupper((unsigned char)suffix[0]));
    if (!u || suffix[1] != '\0')
        return -1;
    return 10 * (int)(u - units + 1);
}

/* A size: a number with an optional suffix, in bytes. */
static int parse_size(const char *s, uint64_t *bytes)
{
    char *end;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    int shift = suffix_shift(end);
    if (errno == ERANGE || shift < 0 || n > (UINT64_MAX >> shift))
        return -1;
    *bytes = (uint64_t)n << shift;
    return 0;
}

/* A count: decimal digits only. */
static int parse_count(const char *s, uint64_t *n)
{
    char *end;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno == ERANGE || *end != '\0')
        return -1;
    *n = v;
    return 0;
}

static int set_memory(struct run_args *a, const char *flag, const char *v)
{
    if (parse_size(v, &a->ram_size) != 0) {
        char what[64];
        snprintf(what, sizeof what, "%s %.40s", flag, v);
        cli_error(what, "not a memory size (a number of MiB, or with a K, M or G suffix: 64M)");
        return -1;
    }
    a->mem_text = v;
    return 0;
}

static int set_max_cycles(struct run_args *a, const char *flag, const char *v)
{
    if (parse_count(v, &a->max_cycles) != 0) {
        char what[64];
        snprintf(what, sizeof what, "%s %.40s", flag, v);
        cli_error(what, "not a number of cycles");
        return -1;
    }
    if (a->max_cycles == 0) {
        cli_error(flag, "the limit must be at least 1 cycle");
        return -1;
    }
    return 0;
}

static int set_kernel(struct run_args *a, const char *flag, const char *v)
{
    if (*v == '\0') {
        cli_error(flag, "empty file name");
        return -1;
    }
    a->kernel = v;
    return 0;
}

static int set_append(struct run_args *a, const char *flag, const char *v)
{
    if (strlen(v) > EMU_CMDLINE_MAX) {
        cli_error(flag, "command line too long (%zu bytes, at most %d)", strlen(v),
                  EMU_CMDLINE_MAX);
        return -1;
    }
    a->append = v;
    return 0;
}

static int set_core(struct run_args *a, const char *flag, const char *v)
{
    if (strcmp(v, "threaded") == 0) {
        a->core = EMU_CORE_THREADED;
    } else if (strcmp(v, "switch") == 0) {
        a->core = EMU_CORE_SWITCH;
    } else {
        char what[64];
        snprintf(what, sizeof what, "%s %.40s", flag, v);
        cli_error(what, "not an interpreter core (threaded or switch)");
        return -1;
    }
    return 0;
}

static int set_cpu_mhz(struct run_args *a, const char *flag, const char *v)
{
    uint64_t mhz;
    if (parse_count(v, &mhz) != 0 || mhz < 1 || mhz > EMU_CPU_MHZ_MAX) {
        char what[64];
        snprintf(what, sizeof what, "%s %.40s", flag, v);
        cli_error(what, "not a clock frequency (a whole number of MHz, 1 to %d)",
                  EMU_CPU_MHZ_MAX);
        return -1;
    }
    a->cpu_mhz = (uint32_t)mhz;
    return 0;
}

/* The options that take a value. */
static const struct option {
    const char *name; /* as typed */
    const char *arg;  /* its value's name, for "missing argument" */
    int (*set)(struct run_args *a, const char *flag, const char *value);
} options[] = {
    {"--kernel", "FILE", set_kernel},
    {"-m", "SIZE", set_memory},
    {"--append", "CMDLINE", set_append},
    {"--max-cycles", "N", set_max_cycles},
    {"--core", "CORE", set_core},
    {"--cpu-mhz", "N", set_cpu_mhz},
};

/* The options that take no value; true if arg is one (and it is now set). */
static bool take_flag(const char *arg, struct run_args *a)
{
    if (strcmp(arg, "--lockstep") == 0)
        a->lockstep = true;
    else if (strcmp(arg, "--report-cycles") == 0)
        a->report_cycles = true;
    else if (strcmp(arg, "--stats") == 0)
        a->stats = true;
    else
        return false;
    return true;
}

/* The option named by arg, which may carry "=value" (long options only). */
static const struct option *find_option(const char *arg, const char **inline_value)
{
    const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
    size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
    *inline_value = eq ? eq + 1 : NULL;
    for (size_t k = 0; k < sizeof options / sizeof options[0]; k++)
        if (strlen(options[k].name) == n && strncmp(options[k].name, arg, n) == 0)
            return &options[k];
    return NULL;
}

/* One option with its value, at argv[*k]; advances *k past what it used. */
static int take_option(int argc, char **argv, int *k, struct run_args *a)
{
    const char *arg = argv[*k], *value;
    const struct option *o = find_option(arg, &value);
    if (!o) {
        cli_error(arg, arg[0] == '-'
                           ? "unknown option (see 'lab86 run --help')"
                           : "unexpected argument (the kernel is given with --kernel FILE)");
        return -1;
    }
    if (!value) {
        if (*k + 1 >= argc) {
            cli_error(o->name, "missing argument (%s)", o->arg);
            return -1;
        }
        value = argv[++*k];
    }
    return o->set(a, o->name, value);
}

int run_parse_args(int argc, char **argv, struct run_args *a)
{
    *a = (struct run_args){.ram_size = EMU_RAM_DEFAULT};
    for (int k = 0; k < argc; k++) {
        if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0) {
            a->help = true;
            return 0;
        }
        if (!take_flag(argv[k], a) && take_option(argc, argv, &k, a) != 0)
            return -1;
    }
    if (!a->kernel) {
        cli_error("run", "no kernel given (use --kernel FILE)");
        return -1;
    }
    return 0;
}
