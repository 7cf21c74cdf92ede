/*
 * args.c - the options of `lab86 run`: their table, the parsing, and the
 * checks of what they say together (the --help text is args_help.c).
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
#include "gdb/gdb.h"

/* The firmware choices: the installed Debian images, and the board each
 * needs. */
static const struct firmware_choice {
    const char *name;        /* as typed after --firmware */
    enum run_firmware which; /* its code */
    const char *bios;        /* the system BIOS image, NULL: none */
    const char *vga_bios;    /* the VGA BIOS image, NULL: none */
    enum emu_board board;    /* ISA only, or with PCI */
} firmwares[] = {
    {"legacy", RUN_FW_LEGACY, "/usr/share/bochs/BIOS-bochs-legacy",
     "/usr/share/vgabios/vgabios.bin", EMU_BOARD_ISA},
    {"bochs", RUN_FW_BOCHS, "/usr/share/bochs/BIOS-bochs-latest", "/usr/share/vgabios/vgabios.bin",
     EMU_BOARD_PC},
    {"seabios", RUN_FW_SEABIOS, "/usr/share/seabios/bios.bin",
     "/usr/share/seabios/vgabios-stdvga.bin", EMU_BOARD_PC},
    {"none", RUN_FW_NONE, NULL, NULL, EMU_BOARD_ISA},
};

static const struct firmware_choice *firmware_named(enum run_firmware which)
{
    for (size_t k = 0; k < sizeof firmwares / sizeof firmwares[0]; k++)
        if (firmwares[k].which == which)
            return &firmwares[k];
    return NULL;
}

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

static int set_loadvm(struct run_args *a, const char *flag, const char *v);
static int set_savevm_at(struct run_args *a, const char *flag, const char *v);

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

/* A file name option: not empty. */
static int set_file(const char **field, const char *flag, const char *v)
{
    if (*v == '\0') {
        cli_error(flag, "empty file name");
        return -1;
    }
    *field = v;
    return 0;
}

static int set_kernel(struct run_args *a, const char *flag, const char *v)
{
    return set_file(&a->kernel, flag, v);
}

static int set_initrd(struct run_args *a, const char *flag, const char *v)
{
    return set_file(&a->initrd, flag, v);
}

static int set_symbols(struct run_args *a, const char *flag, const char *v)
{
    return set_file(&a->symbols, flag, v);
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

static int set_smp(struct run_args *a, const char *flag, const char *v)
{
    uint64_t n;
    if (parse_count(v, &n) != 0 || n < 1 || n > EMU_MAX_CPUS) {
        char what[64];
        snprintf(what, sizeof what, "%s %.40s", flag, v);
        cli_error(what, "not a number of CPUs (1 to %d)", EMU_MAX_CPUS);
        return -1;
    }
    a->cpus = (uint32_t)n;
    return 0;
}

static int set_board(struct run_args *a, const char *flag, const char *v)
{
    if (strcmp(v, "isa") != 0 && strcmp(v, "pc") != 0) {
        char what[64];
        snprintf(what, sizeof what, "%s %.40s", flag, v);
        cli_error(what, "not a board (isa or pc)");
        return -1;
    }
    a->board_text = v;
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

static int set_firmware(struct run_args *a, const char *flag, const char *v)
{
    for (size_t k = 0; k < sizeof firmwares / sizeof firmwares[0]; k++) {
        if (strcmp(v, firmwares[k].name) == 0) {
            a->firmware = firmwares[k].which;
            return 0;
        }
    }
    char what[64];
    snprintf(what, sizeof what, "%s %.40s", flag, v);
    cli_error(what, "not a firmware (legacy, bochs, seabios or none)");
    return -1;
}

static int set_boot(struct run_args *a, const char *flag, const char *v)
{
    if (strcmp(v, "a") == 0) {
        a->boot = EMU_BOOT_FLOPPY;
    } else if (strcmp(v, "c") == 0) {
        a->boot = EMU_BOOT_DISK;
    } else if (strcmp(v, "d") == 0) {
        a->boot = EMU_BOOT_CDROM;
    } else {
        char what[64];
        snprintf(what, sizeof what, "%s %.40s", flag, v);
        cli_error(what, "not a boot device (a: the floppy, c: the hard disk, d: the CD-ROM)");
        return -1;
    }
    return 0;
}

static int set_bios(struct run_args *a, const char *flag, const char *v)
{
    return set_file(&a->bios, flag, v);
}

static int set_vga_bios(struct run_args *a, const char *flag, const char *v)
{
    return set_file(&a->vga_bios, flag, v);
}

static int set_fwlog(struct run_args *a, const char *flag, const char *v)
{
    return set_file(&a->fwlog, flag, v);
}

static int set_hda(struct run_args *a, const char *flag, const char *v)
{
    return set_file(&a->hda, flag, v);
}

static int set_hdb(struct run_args *a, const char *flag, const char *v)
{
    return set_file(&a->hdb, flag, v);
}

static int set_cdrom(struct run_args *a, const char *flag, const char *v)
{
    return set_file(&a->cdrom, flag, v);
}

static int set_fda(struct run_args *a, const char *flag, const char *v)
{
    return set_file(&a->fda, flag, v);
}

static int set_fdb(struct run_args *a, const char *flag, const char *v)
{
    return set_file(&a->fdb, flag, v);
}

static int set_vga_text_out(struct run_args *a, const char *flag, const char *v)
{
    return set_file(&a->vga_text_out, flag, v);
}

static int set_serial1(struct run_args *a, const char *flag, const char *v)
{
    return host_serial_parse(flag, v, &a->serial[0]);
}

static int set_serial2(struct run_args *a, const char *flag, const char *v)
{
    return host_serial_parse(flag, v, &a->serial[1]);
}

static int set_script(struct run_args *a, const char *flag, const char *v)
{
    return set_file(&a->script, flag, v);
}

static int set_gdb(struct run_args *a, const char *flag, const char *v)
{
    char host[64];
    uint16_t port;
    if (gdb_parse_hostport(v, host, sizeof host, &port) != 0) {
        char what[64];
        snprintf(what, sizeof what, "%s %.40s", flag, v);
        cli_error(what, "not [HOST:]PORT (an IPv4 address or localhost, and a port 0-65535)");
        return -1;
    }
    a->gdb = v;
    return 0;
}

static int set_rtc(struct run_args *a, const char *flag, const char *v)
{
    return hostclock_parse_rtc(flag, v, &a->rtc_epoch);
}

static int set_display(struct run_args *a, const char *flag, const char *v)
{
    if (strcmp(v, "text") == 0 || strcmp(v, "none") == 0) {
        a->display_text = v[0] == 't';
        return 0;
    }
    char what[64];
    snprintf(what, sizeof what, "%s %.40s", flag, v);
    cli_error(what, "not a display (text or none)");
    return -1;
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
    {"--initrd", "FILE", set_initrd},
    {"--symbols", "FILE", set_symbols},
    {"--max-cycles", "N", set_max_cycles},
    {"--loadvm", "FILE", set_loadvm},
    {"--savevm-at", "N:FILE", set_savevm_at},
    {"--core", "CORE", set_core},
    {"--cpu-mhz", "N", set_cpu_mhz},
    {"--smp", "N", set_smp},
    {"--board", "isa|pc", set_board},
    {"--firmware", "NAME", set_firmware},
    {"--bios", "FILE", set_bios},
    {"--vga-bios", "FILE", set_vga_bios},
    {"--firmware-log", "FILE", set_fwlog},
    {"--hda", "IMG", set_hda},
    {"--hdb", "IMG", set_hdb},
    {"--cdrom", "ISO", set_cdrom},
    {"--fda", "IMG", set_fda},
    {"--fdb", "IMG", set_fdb},
    {"--boot", "a|c|d", set_boot},
    {"--vga-text-out", "FILE", set_vga_text_out},
    {"--serial", "DEST", set_serial1},
    {"--serial2", "DEST", set_serial2},
    {"--display", "text|none", set_display},
    {"--rtc", "now|YYYY-MM-DDTHH:MM:SS", set_rtc},
    {"--gdb", "[HOST:]PORT", set_gdb},
    {"--script", "FILE.lua", set_script},
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
    else if (strcmp(arg, "--no-reboot") == 0)
        a->no_reboot = true;
    else if (strcmp(arg, "--snapshot") == 0)
        a->snapshot = true;
    else if (strcmp(arg, "--realtime") == 0)
        a->realtime = true;
    else if (strcmp(arg, "--keys-from-stdin") == 0)
        a->keys_from_stdin = true;
    else if (strcmp(arg, "-S") == 0)
        a->gdb_wait = true;
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
                           : "unexpected argument (a disk is given with --hda IMG, a "
                             "kernel with --kernel FILE)");
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

/* Direct boot: a kernel and no BIOS. */
static int check_direct_boot(const struct run_args *a)
{
    if (!a->kernel) {
        cli_error("--firmware none", "nothing to boot without a BIOS (give --kernel FILE)");
        return -1;
    }
    if (a->bios || a->vga_bios) {
        cli_error(a->bios ? "--bios" : "--vga-bios",
                  "a kernel given with --kernel boots without firmware (--firmware none)");
        return -1;
    }
    return 0;
}

/* --board and --smp against the firmware's board: a BIOS runs on its own
 * board only; a directly booted kernel runs on either, the pc board when
 * it has more than one CPU to start. */
static int resolve_board(struct run_args *a, const struct firmware_choice *f)
{
    enum emu_board asked = a->board_text && strcmp(a->board_text, "pc") == 0 ? EMU_BOARD_PC
                                                                             : EMU_BOARD_ISA;
    if (a->board_text && f->which != RUN_FW_NONE && asked != f->board) {
        cli_error("--board", "%s: the firmware %s runs on the %s board", a->board_text, f->name,
                  f->board == EMU_BOARD_PC ? "pc" : "isa");
        return -1;
    }
    if (a->board_text)
        a->board = asked;
    else if (f->which == RUN_FW_NONE && a->cpus > 1)
        a->board = EMU_BOARD_PC;
    if (a->cpus > 1 && a->board != EMU_BOARD_PC) {
        char what[32];
        snprintf(what, sizeof what, "--smp %u", (unsigned)a->cpus);
        if (a->board_text)
            cli_error(what, "more than one CPU needs the pc board (the isa board has no APICs)");
        else
            cli_error(what, "more than one CPU needs the pc board (the firmware %s runs on the "
                            "isa board, which has no APICs)", f->name);
        return -1;
    }
    return 0;
}

/* Which firmware boots the machine, its images and its board: --firmware
 * (or the default: none for --kernel, seabios otherwise), unless --bios and
 * --vga-bios name other images. */
static int resolve_firmware(struct run_args *a)
{
    bool own_bios = a->bios != NULL;
    if (a->firmware == RUN_FW_DEFAULT)
        a->firmware = a->kernel && !a->bios && !a->vga_bios ? RUN_FW_NONE : RUN_FW_SEABIOS;
    const struct firmware_choice *f = firmware_named(a->firmware);
    a->board = f->board;
    if (resolve_board(a, f) != 0)
        return -1;
    if (a->firmware == RUN_FW_NONE)
        return check_direct_boot(a);
    if (a->initrd && !a->kernel) {
        cli_error("--initrd", "needs a Linux kernel (give --kernel FILE)");
        return -1;
    }
    if (a->kernel) {
        cli_error("--kernel", "a kernel is booted without firmware: give --firmware none, or boot "
                              "it from a disk image with --hda");
        return -1;
    }
    if (!own_bios && !a->hda && !a->hdb && !a->cdrom && !a->fda && !a->fdb) {
        cli_error("run",
                  "nothing to boot (give --hda IMG, --fda IMG, --cdrom ISO or --kernel FILE)");
        return -1;
    }
    a->bios = own_bios ? a->bios : f->bios;
    a->vga_bios = a->vga_bios ? a->vga_bios : f->vga_bios;
    return 0;
}

/* The serial ports' defaults, and the one rule between them and the screen:
 * with --display text, standard output is the screen's alone. */
static int resolve_serial(struct run_args *a)
{
    if (a->display_text && a->serial[0].kind == RUN_SERIAL_STDIO) {
        cli_error("--serial stdio", "with --display text, standard output shows the screen "
                                    "(give --serial file:PATH, pty, unix:PATH or none)");
        return -1;
    }
    if (a->serial[1].kind == RUN_SERIAL_STDIO) {
        cli_error("--serial2 stdio", "only COM1 can use standard I/O");
        return -1;
    }
    if (a->serial[0].kind == RUN_SERIAL_DEFAULT)
        a->serial[0].kind = a->display_text ? RUN_SERIAL_NONE : RUN_SERIAL_STDIO;
    if (a->serial[1].kind == RUN_SERIAL_DEFAULT)
        a->serial[1].kind = RUN_SERIAL_NONE;
    if (a->serial[0].kind != RUN_SERIAL_STDIO)
        a->keys_from_stdin = true;
    return 0;
}

/* -S only means something with --gdb, and the stub debugs one machine. */
static int check_gdb(const struct run_args *a)
{
    if (a->gdb_wait && !a->gdb) {
        cli_error("-S", "waits for gdb: give --gdb [HOST:]PORT too");
        return -1;
    }
    if (a->gdb && a->lockstep) {
        cli_error("--gdb", "debugs one machine: not with --lockstep");
        return -1;
    }
    return 0;
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
    return resolve_serial(a) != 0 || check_gdb(a) != 0 ? -1 : resolve_firmware(a);
}

/* --loadvm FILE: a snapshot to start from (ui/cli/snapshot.c). */
static int set_loadvm(struct run_args *a, const char *flag, const char *v)
{
    return set_file(&a->loadvm, flag, v);
}

/* --savevm-at N:FILE: the cycle, a colon, the file. */
static int set_savevm_at(struct run_args *a, const char *flag, const char *v)
{
    char num[32];
    const char *colon = strchr(v, ':');
    size_t n = colon ? (size_t)(colon - v) : 0;
    if (!colon || n == 0 || n >= sizeof num || colon[1] == '\0') {
        cli_error(flag, "expects N:FILE, a cycle and a file name (1000000:run.snap)");
        return -1;
    }
    memcpy(num, v, n);
    num[n] = '\0';
    if (parse_count(num, &a->savevm_at) != 0) {
        char what[64];
        snprintf(what, sizeof what, "%s %.40s", flag, num);
        cli_error(what, "not a number of cycles");
        return -1;
    }
    a->savevm = colon + 1;
    return 0;
}
