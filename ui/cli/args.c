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
#include "gdb/gdb.h"

const char run_help_text[] =
    "usage: lab86 run [--hda IMG] [--hdb IMG] [--cdrom ISO] [--fda IMG] [--fdb IMG]\n"
    "                 [--boot a|c|d]\n"
    "                 [--firmware NAME] [--bios FILE] [--vga-bios FILE]\n"
    "                 [--firmware-log FILE] [--no-reboot] [--vga-text-out FILE]\n"
    "                 [--kernel FILE [--append CMDLINE] [--initrd FILE]] [-m SIZE]\n"
    "                 [--max-cycles N] [--snapshot] [--rtc now|DATE] [--realtime]\n"
    "                 [--board isa|pc] [--smp N]\n"
    "                 [--core CORE] [--lockstep] [--report-cycles] [--cpu-mhz N] [--stats]\n"
    "                 [--serial DEST] [--serial2 DEST] [--keys-from-stdin] [--display text]\n"
    "                 [--gdb [HOST:]PORT [-S]]\n"
    "\n"
    "Boot the PC headless: its BIOS from a disk or CD image, or a Multiboot v1\n"
    "or Linux kernel directly (--kernel), with no BIOS. What the guest writes to the 0xE9\n"
    "debug console or to COM1 (port 0x3F8) goes to standard output, and standard\n"
    "input goes to COM1 (see 'the console').\n"
    "\n"
    "the machine:\n"
    "  --hda IMG          hard disk image on the primary ATA channel, master: opened\n"
    "                     read-write (the guest's writes change the file); a whole\n"
    "                     number of 512-byte sectors\n"
    "  --hdb IMG          the same, as the primary channel's slave\n"
    "  --cdrom ISO        CD image (read-only, 2048-byte sectors) in a CD-ROM drive,\n"
    "                     secondary channel master\n"
    "  --fda IMG          floppy image in drive A: (read-write) of a diskette's size:\n"
    "                     360K, 720K, 1.2M, 1.44M or 2.88M (the CMOS drive type\n"
    "                     follows it); FDC at 0x3F0, IRQ 6, DMA channel 2\n"
    "  --fdb IMG          the same, in drive B:\n"
    "  --snapshot         keep the guest's disk and diskette writes in memory: the\n"
    "                     image files are opened read-only and never change; the\n"
    "                     guest reads back what it wrote until the run ends\n"
    "  --boot a|c|d       what the BIOS boots first: a the floppy in A:, c the hard\n"
    "                     disk (the default), d the CD-ROM\n"
    "  --firmware NAME    seabios: SeaBIOS and its stdvga VGA BIOS (the seabios\n"
    "                     package) on the PCI board (the default without --kernel);\n"
    "                     bochs: BIOS-bochs-latest (bochsbios) and the LGPL VGA BIOS\n"
    "                     on the PCI board; legacy: the Bochs legacy BIOS and the\n"
    "                     LGPL VGA BIOS on the ISA board (no PCI); none: no BIOS,\n"
    "                     boot --kernel directly (the default with --kernel)\n"
    "  --bios FILE        another system BIOS image for the board: 64, 128, 192 or\n"
    "                     256 KiB, mapped below 4 GiB and (its last 128 KiB at most)\n"
    "                     below 1 MiB\n"
    "  --vga-bios FILE    another VGA BIOS: an option ROM (55 AA) of 512 bytes to\n"
    "                     64 KiB in 512-byte blocks, placed at 0xC0000 (legacy) or\n"
    "                     behind the PCI VGA's ROM BAR (seabios, bochs)\n"
    "  --firmware-log FILE  write the BIOS's log (ports 0x400-0x403) to FILE\n"
    "                     (default: discarded)\n"
    "  --no-reboot        a triple fault stops the run (status 4) instead of\n"
    "                     resetting the machine; without a BIOS it always stops\n"
    "  --vga-text-out FILE  at the end of the run, write the VGA text screen to\n"
    "                     FILE, one line a row\n"
    "  --kernel FILE      boot this kernel directly, with no BIOS: a Linux bzImage\n"
    "                     (boot protocol 2.02+, 32-bit entry), an ELF32 multiboot\n"
    "                     executable, or a flat binary whose multiboot header sets\n"
    "                     the a.out kludge (flag bit 16)\n"
    "  --append CMDLINE   the kernel's command line (multiboot cmdline, Linux\n"
    "                     cmd_line_ptr)\n"
    "  --initrd FILE      a Linux kernel's initial ramdisk, loaded near the top of RAM\n"
    "  --symbols FILE     the guest kernel's ELF symbols and DWARF lines, for the\n"
    "                     debugger (default: --kernel's own, when it is an ELF file)\n"
    "  -m SIZE            RAM: a number of MiB, or with a K, M or G suffix\n"
    "                     (default 32M; more than 1M, at most 3584M, in steps of 4K)\n"
    "  --board isa|pc     the motherboard: isa (the ISA devices, no APIC) or pc (the\n"
    "                     same plus PCI, a local APIC per CPU and an I/O APIC at\n"
    "                     0xFEC00000). Default: the firmware's (legacy: isa; seabios,\n"
    "                     bochs: pc); with --kernel, isa, or pc with --smp 2 or more.\n"
    "                     A BIOS needs its own board. With --kernel on the pc board\n"
    "                     lab86 writes an Intel MP table describing the CPUs and APICs\n"
    "  --smp N            N CPUs, 1 to 8 (default 1): the bootstrap processor and\n"
    "                     N - 1 application processors, which wait for INIT and\n"
    "                     startup IPIs; they take turns of 2000 cycles, the same in\n"
    "                     every run. More than one needs the pc board\n"
    "\n"
    "the run:\n"
    "  --max-cycles N     stop after N virtual CPU cycles (default: no limit)\n"
    "  --rtc now|DATE     the CMOS clock's date and time at power-on: DATE is\n"
    "                     YYYY-MM-DDTHH:MM:SS (1980 to 2099), now the host's clock\n"
    "                     in UTC, read once at start-up (runs then differ from day\n"
    "                     to day). Default: 2000-01-01T00:00:00, in every run\n"
    "  --realtime         pace the run to the wall clock: sleep whenever the guest's\n"
    "                     time (its cycles at --cpu-mhz) runs ahead of the host's,\n"
    "                     for interactive use. Only the host's speed changes: the\n"
    "                     guest sees the same cycles and prints the same output\n"
    "  --core CORE        the interpreter: threaded (the default: basic blocks are\n"
    "                     decoded once and cached) or switch (every instruction is\n"
    "                     fetched and decoded anew: the reference); both give the\n"
    "                     same output and the same cycle count\n"
    "  --lockstep         run the guest on two machines at once, one per core,\n"
    "                     comparing their whole CPU state every few instructions\n"
    "                     and their RAM now and then; stop at the first difference\n"
    "                     with both states on stderr (exit status 10)\n"
    "  --report-cycles    at the end, print 'cycles: N instructions: M' on stderr\n"
    "  --cpu-mhz N        the nominal CPU clock, 1 to 10000 MHz (default 100): the\n"
    "                     rate at which virtual cycles become guest time for the\n"
    "                     timers; instruction costs and the TSC (one tick a cycle)\n"
    "                     do not change (doc/cycles.md)\n"
    "  --loadvm FILE      start from a snapshot (`savevm` in the debugger, or\n"
    "                     --savevm-at) instead of the boot: the other options must\n"
    "                     build the machine it was saved from (RAM, board, firmware,\n"
    "                     disks, --cpu-mhz); --max-cycles still counts from cycle 0\n"
    "  --savevm-at N:FILE save the whole machine to FILE when the clock reaches cycle\n"
    "                     N (at the first instruction boundary from N on), and go on\n"
    "  --stats            at the end, print on stderr one line each: instructions,\n"
    "                     cycles, CPI, TLB misses, exceptions, interrupts, guest\n"
    "                     seconds, host seconds and host MIPS\n"
    "  --script FILE.lua  run the Lua script first: it sets breakpoints and\n"
    "                     callbacks on lab86.current, then the run goes on with\n"
    "                     them (see 'lab86 script --help')\n"
    "  --gdb [HOST:]PORT  serve the GDB remote protocol on PORT (on 127.0.0.1 unless\n"
    "                     HOST is given; 0 picks a free port; 'lab86: gdb: listening\n"
    "                     on HOST:PORT' on stderr): 'target remote :PORT' in gdb.\n"
    "                     The machine runs until gdb connects or interrupts\n"
    "  -S                 with --gdb: wait for gdb, stopped before the first\n"
    "                     instruction\n"
    "  -h, --help         print this help\n"
    "\n"
    "the console:\n"
    "  --serial DEST      COM1's host end (0x3F8, IRQ 4): stdio (the default: output\n"
    "                     to stdout, input from stdin), file:PATH (output appended to\n"
    "                     PATH, no input), none, pty (a pseudo-terminal; its path is\n"
    "                     printed on stderr: 'lab86: COM1 on /dev/pts/N'), unix:PATH\n"
    "                     (a listening Unix socket; the run starts when one client\n"
    "                     has connected; bytes both ways)\n"
    "  --serial2 DEST     COM2's (0x2F8, IRQ 3): file:PATH, none (the default), pty\n"
    "                     or unix:PATH\n"
    "  --keys-from-stdin  type standard input on the PS/2 keyboard instead of\n"
    "                     sending it to COM1 (the default when COM1 is not stdio)\n"
    "  --display text     draw the VGA text screen on stdout whenever it changes: in\n"
    "                     place on a terminal, else as whole screens each followed\n"
    "                     by a form-feed line; stdout is then the screen's alone:\n"
    "                     COM1 defaults to none (give file:, pty or unix:) and the\n"
    "                     0xE9 console goes to stderr\n"
    "Standard input that is a file or a pipe is read whole before the run and fed\n"
    "to the guest at slice boundaries whenever the device has room (the same input\n"
    "gives the same run). On a terminal it is put in raw mode: every key goes to\n"
    "the guest, Ctrl-C too; type Ctrl-A x to quit (status 130), Ctrl-A Ctrl-A\n"
    "to send a Ctrl-A.\n"
    "\n"
    "exit status:\n"
    "  0             the guest powered the machine off (the BIOS's APM power-off,\n"
    "                \"Shutdown\" written to port 0x8900)\n"
    "  (v << 1) | 1  the guest wrote v to the exit device at port 0xF4 (QEMU's\n"
    "                isa-debug-exit): always odd, 33 for v = 0x10\n"
    "  2             host or configuration error (one line on stderr)\n"
    "  4             triple fault (with a BIOS: only with --no-reboot)\n"
    "  6             the --max-cycles limit was reached\n"
    "  8             the CPU halted with interrupts disabled: nothing can wake it\n"
    "  10            --lockstep: the two cores diverged\n"
    "  130           interrupted (Ctrl-C)\n"
    "\n"
    "A CPU halted with interrupts enabled, and no timer programmed to wake it,\n"
    "waits: lab86 moves the virtual clock on to the --max-cycles limit and stops\n"
    "with status 6, or, with no limit, waits, as a PC would, until it is\n"
    "interrupted.\n";

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
