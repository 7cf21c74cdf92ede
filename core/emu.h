/*
 * emu.h - the public interface of the lab86 core: what a front end (the
 * `lab86` command, the TUI, Lua, the GDB stub, a test) uses to build a
 * machine, load a guest and run it.
 *
 * The life of a machine:
 *
 *     struct emu *m = emu_create(&cfg, err, sizeof err);     RAM, CPU, devices, disks
 *     emu_load_firmware(m, bios, len, vga, vlen, err, ...);  a BIOS boots from a disk,
 *       or emu_load_multiboot(m, image, len, cmdline, ...);  or a kernel is loaded directly
 *       or emu_load_linux(m, kernel, klen, initrd, ilen, cmdline, ...);
 *     for (;;) {
 *         enum emu_stop why = emu_run(m, slice);             runs, then returns
 *         ... flush output, look at the clock, handle why ...
 *     }
 *     emu_destroy(m);
 *
 * The core never blocks, never prints and never exits: emu_run() executes at
 * most about `slice` virtual cycles and returns, and the front end owns the
 * host's event loop (its terminal, its signals, its sense of wall-clock time).
 * All guest output leaves through the struct chardev callbacks the front end
 * puts in the configuration. The core has no file I/O either: the front end
 * reads the kernel and ROM files and hands over their bytes, and opens the
 * disk images it hands over as struct blockdev (blockdev.h).
 *
 * Virtual time is counted in CPU cycles (DESIGN.md, "Time is virtual"): the
 * same image and configuration give the same output and the same cycle
 * count on every host, so a cycle limit is a deterministic test timeout.
 */
#ifndef LAB86_EMU_H
#define LAB86_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chardev.h"
#include "trap.h"

#define EMU_VERSION "0.1.0"

/* RAM sizes a machine accepts. More than 1 MiB, because a multiboot kernel
 * loads above it; at most 3.5 GiB, the 32-bit physical address space (no
 * PAE) less the top 512 MiB that a PC keeps for device memory and the BIOS;
 * a whole number of 4 KiB pages. */
#define EMU_RAM_MIN_EXCLUSIVE (1ull << 20)
#define EMU_RAM_MAX           (3584ull << 20)
#define EMU_RAM_DEFAULT       (32ull << 20)
#define EMU_RAM_ALIGN         4096u

/* Longest kernel command line the multiboot loader has room for, in bytes. */
#define EMU_CMDLINE_MAX 3839

struct emu;
struct cpu;
struct blockdev;
struct devinfo;

/* The interpreter that runs the CPU. Both give the same instructions, cycles
 * and output (DESIGN.md, "Two cores, one truth"); the threaded one is faster. */
enum emu_core {
    EMU_CORE_THREADED = 0, /* basic blocks decoded once (exec_threaded.c): the default */
    EMU_CORE_SWITCH,       /* fetch, decode, switch on every instruction: the reference */
};

/* The nominal CPU clock (--cpu-mhz): the rate at which cycles become guest
 * time for the PIT, the RTC and the APIC timer; the TSC counts one tick per
 * cycle whatever it is (doc/cycles.md). */
#define EMU_CPU_MHZ_DEFAULT 100
#define EMU_CPU_MHZ_MAX     10000

/* The device the firmware tries first (the CMOS boot order); the others
 * follow in the order floppy, hard disk, CD-ROM. */
enum emu_boot {
    EMU_BOOT_DISK = 0, /* the first hard disk, C: */
    EMU_BOOT_CDROM,    /* the CD-ROM drive (El Torito) */
    EMU_BOOT_FLOPPY,   /* the first floppy drive, A: */
};

/* The motherboard: which chips sit on it besides the CPU and RAM. The
 * firmware chooses it: the Bochs legacy BIOS runs on an ISA board, SeaBIOS
 * and BIOS-bochs-latest need PCI (board.c). */
enum emu_board {
    EMU_BOARD_ISA = 0, /* the ISA devices only; ROMs in writable shadow RAM */
    EMU_BOARD_PC,      /* the same plus PCI: i440FX (PAM shadowing), PIIX3, PCI VGA, and
                          APICs: a local APIC per CPU, an I/O APIC (0xFEC00000) */
};

/* The most CPUs a machine has (--smp N): the bootstrap processor and up to
 * seven application processors, APIC IDs 0-7. More than one needs the PC
 * board, which has the APICs to start and interrupt them. */
#define EMU_MAX_CPUS 8

struct emu_config {
    uint64_t ram_size;             /* bytes of RAM from physical address 0 */
    enum emu_core core;            /* which interpreter runs the CPU */
    uint32_t cpu_mhz;              /* nominal CPU clock, 1..EMU_CPU_MHZ_MAX; 0: the default */
    const struct chardev *console; /* port 0xE9 debug console; NULL: discarded */
    const struct chardev *serial;  /* COM1 at 0x3F8; NULL: nothing plugged in */
    const struct chardev *serial2; /* COM2 at 0x2F8; NULL: nothing plugged in */
    const struct chardev *fwlog;   /* the Bochs BIOS log ports 0x400-0x403; NULL: discarded */
    const struct blockdev *hda;    /* hard disk, primary master; NULL: none */
    const struct blockdev *hdb;    /* hard disk, primary slave; NULL: none */
    const struct blockdev *cdrom;  /* the disc in a CD-ROM drive at the secondary master;
                                      NULL: no drive */
    const struct blockdev *fda;    /* diskette in floppy drive A: (a size emu_check_floppy()
                                      accepts); NULL: no drive */
    const struct blockdev *fdb;    /* the same for B: */
    enum emu_boot boot;            /* the first boot device */
    bool no_reboot;                /* a triple fault stops the run even with firmware */
    enum emu_board board;          /* ISA only, or with PCI */
    uint32_t cpus;                 /* CPUs, 1..EMU_MAX_CPUS; 0: 1. More than 1 needs
                                      EMU_BOARD_PC */
    uint64_t rtc_epoch;            /* the RTC's date and time at power-on, seconds since
                                      1970-01-01 00:00:00 (1901-2099); 0: a fixed date,
                                      2000-01-01 00:00:00 (CMOS_DEFAULT_EPOCH) */
};

/* Why emu_run() returned. */
enum emu_stop {
    EMU_STOP_BUDGET,       /* the cycle budget is used up, or the debugger core stopped
                              the run (it says why): the guest can go on */
    EMU_STOP_EXIT,         /* the guest wrote to the exit device: see emu_exit_code() */
    EMU_STOP_TRIPLE_FAULT, /* an exception during double-fault delivery: shutdown (with
                              firmware, unless no_reboot, the machine resets instead) */
    EMU_STOP_HALT_IF0,     /* HLT with IF = 0 and no NMI to come: it can never wake */
    EMU_STOP_IDLE,         /* HLT with IF = 1 and no timer armed, so no device will
                              interrupt: the clock was advanced to the end of the budget */
    EMU_STOP_POWER_OFF,    /* the firmware powered the machine off (APM: "Shutdown"
                              written to port 0x8900) */
};

/* A copy of the CPU state a front end reports in its messages. */
struct emu_cpu_view {
    uint16_t cs;           /* CS selector */
    uint32_t eip;          /* EIP: the next instruction */
    uint32_t insn_eip;     /* EIP of the instruction executed last (the HLT after a halt) */
    uint32_t eflags;       /* EFLAGS */
    uint64_t cycles;       /* the virtual clock */
    uint64_t instructions; /* instructions retired */
};

/* What a run has counted (--stats). All of it is deterministic: the same
 * image and configuration give the same numbers on any host. */
struct emu_stats {
    uint64_t instructions; /* instructions retired */
    uint64_t cycles;       /* the virtual clock */
    uint64_t tlb_misses;   /* page walks */
    uint64_t exceptions;   /* exceptions delivered (CPU-raised, INT3, INTO, INT1; not INT n) */
    uint64_t interrupts;   /* external interrupts accepted (INTR and NMI) */
    uint64_t traps[TRAP_COUNT]; /* hypervisor-trap events by kind (trap.h) */
};

/* Build a machine: RAM of cfg->ram_size bytes, the CPU in its reset state
 * (at the reset vector FFFF:FFF0), and the ISA PC board (board.c: PICs,
 * PIT, port 0x61, CMOS, DMA, system ports, 8042, COM1, debug ports, VGA,
 * two ATA channels, the floppy controller; cfg->board EMU_BOARD_PC adds the PCI host bridge, the
 * PIIX3 and the VGA's PCI face) with cfg's drives plugged in. The chardevs and
 * blockdevs must outlive the machine. Returns NULL with a reason in err
 * when the size or the CPU clock is out of range or memory runs out. */
struct emu *emu_create(const struct emu_config *cfg, char *err, size_t errlen);

/* Free everything emu_create() made. NULL is allowed. */
void emu_destroy(struct emu *m);

/* Load a Multiboot v1 kernel from image[0..len) (the whole file's bytes),
 * with cmdline (NULL: empty) as its command line, and put the CPU at its
 * entry point. Call once, before the first emu_run(). Returns 0, or -1 with a
 * one-phrase reason in err that names no file ("no multiboot header in the
 * first 8192 bytes"); the machine is then unchanged. */
int emu_load_multiboot(struct emu *m, const uint8_t *image, size_t len, const char *cmdline,
                       char *err, size_t errlen);

/* Does image[0..len) look like a Linux kernel (a setup header: "HdrS" at
 * offset 0x202)? For a front end choosing between the two direct loaders. */
bool emu_is_linux_kernel(const uint8_t *image, size_t len);

/* Load a Linux bzImage kernel[0..klen) with the Linux/x86 32-bit boot
 * protocol (loader/linux.c): the initrd initrd[0..ilen) (ilen 0: none) near
 * the top of RAM, cmdline (NULL: empty) as the command line, the CPU at the
 * kernel's 32-bit entry. Call once, before the first emu_run(), instead of
 * emu_load_multiboot(). Returns 0, or -1 with a one-phrase reason in err
 * that names no file; the machine is then unchanged. */
int emu_load_linux(struct emu *m, const uint8_t *kernel, size_t klen, const uint8_t *initrd,
                   size_t ilen, const char *cmdline, char *err, size_t errlen);

/* The firmware: a system BIOS image bios[0..len) (64 KiB to 256 KiB, a
 * multiple of 64 KiB) and, when vga_bios is not NULL, a VGA BIOS (an
 * option ROM, 512 bytes to 64 KiB, placed at 0xC0000 on the ISA board,
 * behind the PCI VGA's expansion ROM BAR on the PC board); both are copied
 * (loader/firmware.c). The CPU is already at the reset vector, in the
 * BIOS. Call once, before the first emu_run(), instead of
 * emu_load_multiboot(). Returns 0, or -1 with a one-phrase reason in err
 * that names no file; the machine is then unchanged. */
int emu_load_firmware(struct emu *m, const uint8_t *bios, size_t len, const uint8_t *vga_bios,
                      size_t vga_len, char *err, size_t errlen);

/* The checks emu_load_firmware() makes, for a front end that wants to
 * name the file at fault: 0, or -1 with a reason in err. */
int emu_check_bios(size_t len, char *err, size_t errlen);
int emu_check_vga_bios(const uint8_t *rom, size_t len, char *err, size_t errlen);

/* Whether a diskette image of bytes bytes is a format the floppy drives
 * know (360 KB, 720 KB, 1.2 MB, 1.44 MB, 2.88 MB): 0, or -1 with a reason
 * in err. emu_create() refuses cfg->fda or cfg->fdb of any other size. */
int emu_check_floppy(uint64_t bytes, char *err, size_t errlen);

/* Run the guest for about cycle_budget cycles: until the clock has advanced
 * that far (the last instruction may overshoot it) or the machine stops.
 * Once a stop other than BUDGET and IDLE is returned, later calls return it
 * again without running anything. */
enum emu_stop emu_run(struct emu *m, uint64_t cycle_budget);

/* The value the guest wrote to the exit device (valid after EMU_STOP_EXIT).
 * QEMU's convention for the host status is (value << 1) | 1. */
uint32_t emu_exit_code(const struct emu *m);

/* The virtual clock: CPU cycles since the machine was created. */
uint64_t emu_cycles(const struct emu *m);

/* Copy the CPU state front ends report into *v. */
void emu_get_cpu(const struct emu *m, struct emu_cpu_view *v);

/* Copy the run's counters into *s. */
void emu_get_stats(const struct emu *m, struct emu_stats *s);

/* Watch the bytes COM1 and COM2 send: fn(opaque, base port, byte) as each
 * is transmitted, in the middle of the guest's OUT (the debugger's serial
 * events and stops). One observer a machine; fn NULL removes it. */
typedef void emu_serial_tap_fn(void *opaque, uint16_t port, uint8_t byte);
void emu_set_serial_tap(struct emu *m, emu_serial_tap_fn *fn, void *opaque);

/* The nominal CPU frequency in Hz (cfg.cpu_mhz, or the default): guest
 * seconds = cycles / emu_cpu_hz(). */
uint64_t emu_cpu_hz(const struct emu *m);

/* The CPU itself, for the core's own clients (the debugger core, unit
 * tests). Front ends use emu_get_cpu(). */
struct cpu *emu_cpu(struct emu *m);

/* The machine's devices as field tables (devfield.h), in the order the
 * board wires them ("pic.master", "pit.ch0", ..., "ata1.slave"): sets *out
 * to the registry and returns its length. For the debugger and Lua; a
 * reader calls the device's sync function (pit_sync, cmos_sync) first when
 * it wants fields brought up to the current cycle. */
size_t emu_devices(struct emu *m, const struct devinfo **out);

/* The VGA text screen as plain text: one line a row ending in '\n',
 * trailing blanks dropped, characters outside printable ASCII as '.'.
 * Writes at most len bytes to buf (no terminating NUL) and returns the
 * length of the whole text, as snprintf does; 0 when the VGA is not in a
 * text mode. */
size_t emu_screen_text(struct emu *m, char *buf, size_t len);

/* --- host input, given between emu_run() calls, at a cycle the front end
 * chooses: the same input at the same cycles gives the same run --- */

/* The serial ports, for emu_serial_room() and emu_serial_receive(). */
enum emu_serial_port { EMU_COM1 = 0, EMU_COM2 = 1 };

/* Bytes port's receiver can take now without losing any (0 when full). */
int emu_serial_room(const struct emu *m, enum emu_serial_port port);

/* A byte arrives on port's serial line. Returns false when the receiver had
 * no room: the byte is lost (the guest sees an overrun), as on the chip. */
bool emu_serial_receive(struct emu *m, enum emu_serial_port port, uint8_t byte);

/* Type one US-ASCII character on the PS/2 keyboard (press and release, with
 * Shift or Ctrl as needed). Returns 1 when queued, 0 when the keyboard's
 * buffer lacks room (try again after the guest has read some), -1 when no
 * key makes the character. */
int emu_type_char(struct emu *m, char ch);

/* A counter that moves whenever what the VGA shows may have changed: a
 * front end redraws (emu_screen_text()) only when it differs from the
 * value it drew last. */
uint64_t emu_screen_generation(const struct emu *m);

/* Compare two machines' CPUs (every register, the segment caches, control
 * and debug registers, MSRs, cycles, instructions, the TLB) and, when
 * memory is true, their RAM. Writes one line per difference to out
 * ("eax: 00000001 | 00000002", a's value first), truncated to len, and
 * returns how many differences there are: 0 when the machines agree.
 * The lock-step runner calls it after every slice (interp/cpu_diff.c). */
int emu_diff(struct emu *a, struct emu *b, bool memory, char *out, size_t len);

/* --- snapshots (snapshot.c; the format is described in snapshot.h) --- */

/* The whole machine (CPU, TLB, RAM, every device, the timers) as the bytes
 * of a snapshot file: a new malloc'd buffer in *out of *len bytes, which the
 * caller frees. Call between emu_run() calls. Disks are not included (their
 * size and a hash of a writable one's contents are). Returns 0, or -1 with
 * a reason in err (out of memory). */
int emu_save(struct emu *m, uint8_t **out, size_t *len, char *err, size_t errlen);

/* Restore m from a snapshot buf[0..len) emu_save() made. m must be built
 * and loaded as the saved machine was (RAM size, board, CPU clock,
 * firmware, drives; the core may differ). Returns 0, or -1 with a one-line
 * reason in err ("truncated snapshot (...)", "snapshot is of a machine with
 * 64 MiB of RAM; this one has 32"), and m is then unchanged. */
int emu_load(struct emu *m, const uint8_t *buf, size_t len, char *err, size_t errlen);

/* Host input as it arrives: EMU_INPUT_SERIAL (port is enum emu_serial_port)
 * or EMU_INPUT_KEY (a character for emu_type_char()), at cycle now. For the
 * debugger's reverse execution, which replays it at the same cycle. One
 * observer a machine; fn NULL removes it. */
enum emu_input_kind { EMU_INPUT_SERIAL, EMU_INPUT_KEY };
typedef void emu_input_fn(void *opaque, uint64_t now, enum emu_input_kind kind, int port,
                          uint8_t byte);
void emu_set_input_observer(struct emu *m, emu_input_fn *fn, void *opaque);

/* Drop the guest's output (debug console, serial ports, firmware log)
 * while muted: reverse execution re-runs what the front end has shown. */
void emu_mute_output(struct emu *m, bool muted);

#endif
