/*
 * machine.c - the lab86 machine: builds a PC (board.c wires its devices),
 * loads a guest, and runs it in slices of virtual time (the interface is
 * emu.h).
 *
 * A machine boots one of two ways. With firmware (emu_load_firmware()) the
 * CPU starts where a PC's does, at the reset vector FFFF:FFF0 in the BIOS
 * (loader/firmware.c), and the BIOS's POST finds the devices and boots from
 * a disk. Without (emu_load_multiboot(), emu_load_linux()), a loader puts a
 * multiboot or Linux kernel in RAM and the CPU at its entry point, and the devices wait to be
 * programmed.
 *
 * Time. The clock (clock.h) counts the CPU's cycles at a nominal frequency;
 * devices arm timers on it for the moments they act (the PIT's next output
 * edge). The run loop runs the CPU up to the earliest timer, dispatches the
 * timers that are due, and goes on. A halted CPU does not spin: the loop
 * jumps the cycle counter to the next timer (see run_halted()), which is
 * what makes `sti; hlt` wait for the timer tick in no host time at all.
 *
 * Stopping and resetting. cpu_run() returns when the clock reaches its
 * limit, when the CPU stops (c->stop != CPU_RUNNING: HLT or a triple fault),
 * or when a device sets c->stop_request. Devices ask for three things in
 * the middle of an OUT instruction, and the loop serves them at the next
 * instruction boundary: the exit device ends the run, the firmware's
 * "Shutdown" at port 0x8900 powers the machine off, and the 8042, port 0x92
 * or 0xCF9 reset it (board_reset()). A triple fault resets the machine too
 * when there is firmware to boot again (a PC's shutdown cycle makes the
 * chipset reset), unless the configuration says no_reboot; with a directly
 * loaded kernel there is nothing to reboot into, and the run stops.
 */
#include "emu.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "board.h"
#include "devices/fdc.h"
#include "devices/ioapic.h"
#include "devices/kbc.h"
#include "devices/uart.h"
#include "devices/vga.h"
#include "interp/exec.h"
#include "interp/tcache.h"
#include "loader/linux.h"
#include "loader/mptable.h"
#include "loader/multiboot.h"

/* The nominal CPU frequency in Hz (emu_config.cpu_mhz, --cpu-mhz): what the
 * PIT's 1.193182 MHz, the TSC and the RTC are scaled against (clock.h,
 * doc/cycles.md). */
static uint64_t config_hz(const struct emu_config *cfg)
{
    uint32_t mhz = cfg->cpu_mhz ? cfg->cpu_mhz : EMU_CPU_MHZ_DEFAULT;
    return (uint64_t)mhz * 1000000u;
}

static int check_ram_size(uint64_t size, char *err, size_t errlen)
{
    if (size <= EMU_RAM_MIN_EXCLUSIVE)
        snprintf(err, errlen, "RAM size must be more than 1 MiB");
    else if (size > EMU_RAM_MAX)
        snprintf(err, errlen,
                 "RAM size must be at most %llu MiB (a 32-bit physical address "
                 "space, less 512 MiB for devices)",
                 (unsigned long long)(EMU_RAM_MAX >> 20));
    else if (size % EMU_RAM_ALIGN != 0)
        snprintf(err, errlen, "RAM size must be a multiple of 4 KiB");
    else
        return 0;
    return -1;
}

/* Guest output goes through the machine's own chardevs, which forward to
 * the front end's unless the output is muted (emu_mute_output()). */
static void muted_write(void *opaque, const uint8_t *buf, size_t len)
{
    const struct emu_output *o = opaque;
    if (!*o->muted)
        chardev_write(o->to, buf, len);
}

static void wrap_output(struct emu *m, int k, const struct chardev **cd)
{
    if (!*cd)
        return; /* nothing plugged in stays nothing */
    m->out[k] = (struct emu_output){{muted_write, &m->out[k]}, *cd, &m->output_muted};
    *cd = &m->out[k].cd;
}

static void wrap_outputs(struct emu *m)
{
    wrap_output(m, 0, &m->cfg.console);
    wrap_output(m, 1, &m->cfg.serial);
    wrap_output(m, 2, &m->cfg.serial2);
    wrap_output(m, 3, &m->cfg.fwlog);
}

void emu_mute_output(struct emu *m, bool muted)
{
    m->output_muted = muted;
}

struct emu *emu_create(const struct emu_config *cfg, char *err, size_t errlen)
{
    if (check_ram_size(cfg->ram_size, err, errlen) != 0)
        return NULL;
    if (cfg->cpu_mhz > EMU_CPU_MHZ_MAX) {
        snprintf(err, errlen, "CPU clock must be 1 to %d MHz", EMU_CPU_MHZ_MAX);
        return NULL;
    }
    if (cfg->cpus > EMU_MAX_CPUS || (cfg->cpus > 1 && cfg->board != EMU_BOARD_PC)) {
        snprintf(err, errlen, cfg->cpus > EMU_MAX_CPUS
                                  ? "at most %d CPUs"
                                  : "more than one CPU needs the pc board (its APICs start them)",
                 EMU_MAX_CPUS);
        return NULL;
    }
    if ((cfg->fda && emu_check_floppy(cfg->fda->size, err, errlen) != 0) ||
        (cfg->fdb && emu_check_floppy(cfg->fdb->size, err, errlen) != 0))
        return NULL;
    struct emu *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->cfg = *cfg;
    wrap_outputs(m);
    if (bus_init(&m->bus, cfg->ram_size) != 0) {
        snprintf(err, errlen, "cannot allocate %llu MiB of RAM: out of memory",
                 (unsigned long long)(cfg->ram_size >> 20));
        free(m);
        return NULL;
    }
    cpu_init(&m->cpu, &m->bus);
    clock_init(&m->clock, &m->cpu.cycles, &m->cpu.deadline, config_hz(cfg));
    if (smp_create(m) != 0 || board_wire(m) != 0) {
        snprintf(err, errlen, "cannot create the devices: out of memory");
        emu_destroy(m);
        return NULL;
    }
    return m;
}

void emu_destroy(struct emu *m)
{
    if (!m)
        return;
    board_destroy(m);
    smp_destroy(m);
    firmware_free(&m->fw);
    tcache_destroy(m->cpu.tcache);
    bus_free(&m->bus);
    free(m);
}

/* Direct boot has no BIOS to describe the CPUs and APICs to the kernel: on
 * a board with APICs lab86 writes the MP table itself (loader/mptable.c). */
static void write_mptable(struct emu *m)
{
    if (m->ioapic)
        mptable_write(&m->bus, m->n_cpus, (uint8_t)m->n_cpus, IOAPIC_BASE);
}

int emu_load_multiboot(struct emu *m, const uint8_t *image, size_t len, const char *cmdline,
                       char *err, size_t errlen)
{
    if (multiboot_load(&m->bus, &m->cpu, image, len, cmdline, err, errlen) != 0)
        return -1;
    write_mptable(m);
    return 0;
}

bool emu_is_linux_kernel(const uint8_t *image, size_t len)
{
    return linux_is_kernel(image, len);
}

int emu_load_linux(struct emu *m, const uint8_t *kernel, size_t klen, const uint8_t *initrd,
                   size_t ilen, const char *cmdline, char *err, size_t errlen)
{
    if (linux_load(&m->bus, &m->cpu, kernel, klen, initrd, ilen, cmdline, err, errlen) != 0)
        return -1;
    write_mptable(m);
    return 0;
}

int emu_load_firmware(struct emu *m, const uint8_t *bios, size_t len, const uint8_t *vga_bios,
                      size_t vga_len, char *err, size_t errlen)
{
    return board_load_firmware(m, bios, len, vga_bios, vga_len, err, errlen);
}

int emu_check_bios(size_t len, char *err, size_t errlen)
{
    return firmware_check_bios(len, err, errlen);
}

int emu_check_vga_bios(const uint8_t *rom, size_t len, char *err, size_t errlen)
{
    return firmware_check_vga_bios(rom, len, err, errlen);
}

int emu_check_floppy(uint64_t bytes, char *err, size_t errlen)
{
    struct fdc_geometry g;
    if (fdc_geometry_for_size(bytes, &g) == 0)
        return 0;
    snprintf(err, errlen,
             "not a floppy image size (%llu bytes; a diskette holds 368640, 737280, "
             "1228800, 1474560 or 2949120)",
             (unsigned long long)bytes);
    return -1;
}

/* Can something wake a halted CPU now? An NMI always can; an interrupt on
 * the INTR line if IF lets it in and there is a controller to acknowledge
 * it. cpu_step() then takes it. */
static bool wake_pending(const struct cpu *c)
{
    return c->nmi_pending || (c->intr_line && (c->eflags & FL_IF) && c->intr_ack);
}

/* A halted CPU with nothing to wake it yet. With IF = 0 only an NMI could,
 * and this board has no NMI source: it is stopped for good. With IF = 1 the
 * next timer event may raise an interrupt: nothing else can happen before
 * it, so the cycle counter jumps straight to it (instead of spinning through
 * HLT), and the loop dispatches it. Returns true to go on; false with *why
 * set to stop: no timer before the end of the budget (BUDGET, the guest can
 * go on), or none at all (IDLE: only host input could wake it). */
static bool run_halted(struct emu *m, uint64_t end, enum emu_stop *why)
{
    struct cpu *c = &m->cpu;
    uint64_t next = clock_next(&m->clock);
    if (!(c->eflags & FL_IF)) {
        *why = EMU_STOP_HALT_IF0;
        return false;
    }
    if (next < end) {
        if (c->cycles < next)
            c->cycles = next;
        return true;
    }
    if (c->cycles < end)
        c->cycles = end;
    *why = next == CLOCK_NEVER ? EMU_STOP_IDLE : EMU_STOP_BUDGET;
    return false;
}

/* Run the CPU until the earlier of the end of the budget and the next timer
 * event (a timer armed meanwhile pulls the limit in: clock_arm()). */
static void run_cpu(struct emu *m, uint64_t end)
{
    uint64_t next = clock_next(&m->clock);
    uint64_t until = next < end ? next : end;
    if (m->cfg.core == EMU_CORE_SWITCH)
        cpu_run(&m->cpu, until);
    else
        cpu_run_threaded(&m->cpu, until);
}

/* A triple fault resets the machine when there is firmware to boot again
 * and the configuration allows it. */
static bool reboots(const struct emu *m)
{
    return m->fw.flash_len != 0 && !m->cfg.no_reboot;
}

/* Serve a reset a device asked for, or the one a triple fault causes. */
static void serve_reset(struct emu *m)
{
    if (m->reset_pending || (m->cpu.stop == CPU_SHUTDOWN && reboots(m))) {
        m->reset_pending = false;
        board_reset(m);
    }
}

enum emu_stop emu_run(struct emu *m, uint64_t cycle_budget)
{
    struct cpu *c = &m->cpu;
    uint64_t end = c->cycles + cycle_budget;
    if (end < c->cycles)
        end = UINT64_MAX; /* a budget "forever" must not wrap the clock */
    if (m->n_cpus > 1)
        return smp_run(m, end); /* several CPUs take turns (smp.c) */
    for (;;) {
        if (m->exited)
            return EMU_STOP_EXIT;
        if (m->powered_off)
            return EMU_STOP_POWER_OFF;
        if (c->dbg_break)
            return EMU_STOP_BUDGET; /* the debugger stopped it and knows why (core/debug) */
        smp_serve_inits(m); /* an INIT the CPU sent itself (pc board) */
        c->stop_request = false;
        serve_reset(m);
        if (c->stop == CPU_SHUTDOWN)
            return EMU_STOP_TRIPLE_FAULT;
        clock_dispatch(&m->clock); /* the timers due now: may raise an IRQ */
        if (c->stop == CPU_HALTED) {
            enum emu_stop why;
            if (wake_pending(c))
                cpu_step(c); /* cpu_run() does not step a halted CPU: take the interrupt */
            else if (!run_halted(m, end, &why))
                return why;
            continue;
        }
        if (c->cycles >= end)
            return EMU_STOP_BUDGET;
        run_cpu(m, end);
    }
}

uint32_t emu_exit_code(const struct emu *m)
{
    return m->exit_code;
}

uint64_t emu_cycles(const struct emu *m)
{
    return m->cpu.cycles;
}

void emu_get_cpu(const struct emu *m, struct emu_cpu_view *v)
{
    const struct cpu *c = &m->cpu;
    *v = (struct emu_cpu_view){
        .cs = c->seg[SEG_CS].sel,
        .eip = (uint32_t)c->eip,
        .insn_eip = (uint32_t)c->prev_eip,
        .eflags = c->eflags,
        .cycles = c->cycles,
        .instructions = c->instructions,
    };
}

struct cpu *emu_cpu(struct emu *m)
{
    return &m->cpu;
}

void emu_get_stats(const struct emu *m, struct emu_stats *s)
{
    const struct cpu *c = &m->cpu;
    *s = (struct emu_stats){
        .instructions = c->instructions,
        .cycles = c->cycles,
        .tlb_misses = c->tlb.misses,
        .exceptions = c->stats.exceptions,
        .interrupts = c->stats.interrupts,
    };
    for (int k = 0; k < TRAP_COUNT; k++)
        s->traps[k] = c->stats.traps[k];
}

void emu_set_serial_tap(struct emu *m, emu_serial_tap_fn *fn, void *opaque)
{
    uart_set_tap(m->com1, fn, opaque);
    uart_set_tap(m->com2, fn, opaque);
}

uint64_t emu_cpu_hz(const struct emu *m)
{
    return config_hz(&m->cfg);
}

size_t emu_devices(struct emu *m, const struct devinfo **out)
{
    *out = m->devinfo;
    return m->n_devinfo;
}

/* The UART behind a port number. */
static struct uart *serial_port(const struct emu *m, enum emu_serial_port port)
{
    return port == EMU_COM2 ? m->com2 : m->com1;
}

int emu_serial_room(const struct emu *m, enum emu_serial_port port)
{
    return uart_rx_room(serial_port(m, port));
}

bool emu_serial_receive(struct emu *m, enum emu_serial_port port, uint8_t byte)
{
    if (m->input_fn)
        m->input_fn(m->input_opaque, m->cpu.cycles, EMU_INPUT_SERIAL, (int)port, byte);
    return uart_receive(serial_port(m, port), byte);
}

void emu_set_input_observer(struct emu *m, emu_input_fn *fn, void *opaque)
{
    m->input_fn = fn;
    m->input_opaque = opaque;
}

/* The longest sequence ps2kbd_type_ascii() queues: Shift or Ctrl down (1),
 * the key down (1-2) and up (2-3)... at most 6 bytes with the modifier up. */
#define TYPE_CHAR_MAX_BYTES 6

int emu_type_char(struct emu *m, char ch)
{
    struct ps2kbd *kb = kbc_keyboard(m->kbc);
    if (m->input_fn)
        m->input_fn(m->input_opaque, m->cpu.cycles, EMU_INPUT_KEY, 0, (uint8_t)ch);
    if (ps2kbd_type_ascii(kb, ch))
        return 1;
    return ps2kbd_room(kb) >= TYPE_CHAR_MAX_BYTES ? -1 : 0; /* room enough: no key for it */
}

uint64_t emu_screen_generation(const struct emu *m)
{
    return vga_generation(m->vga);
}

size_t emu_screen_text(struct emu *m, char *buf, size_t len)
{
    return board_screen_text(m, buf, len);
}
