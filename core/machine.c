/*
 * machine.c - the minimal lab86 machine: a CPU, RAM, three devices, and the
 * loop that runs them in slices of virtual time (the interface is emu.h).
 *
 * The minimal machine is what a multiboot test kernel needs and no more:
 *
 *     CPU    i386-class, started by the multiboot loader in protected mode
 *     RAM    one flat block from physical address 0 (bus.c)
 *     0xE9   debug console: each byte written goes to the console chardev
 *     0xF4   exit device: a write ends the run with the value written
 *     0x3F8  COM1, a 16550A UART, to the serial chardev (IRQ 4 not wired)
 *
 * There is no BIOS, no interrupt controller and no timer yet; those come
 * with the PC board, which will be wired by a second function like
 * wire_minimal_board() below. Until then nothing can interrupt the CPU, and
 * that decides what a halted CPU means (see run_halted()).
 *
 * Stopping. cpu_run() returns when the clock reaches its limit, when the
 * CPU stops (c->stop != CPU_RUNNING: HLT or a triple fault), or when a
 * device sets c->stop_request. The exit device has to end the run in the
 * middle of a slice: machine_exit() records the exit here and sets
 * stop_request, which makes cpu_run() return after the OUT instruction.
 */
#include "emu.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "bus.h"
#include "devices/debugport.h"
#include "devices/uart.h"
#include "interp/cpu.h"
#include "interp/exec.h"
#include "loader/multiboot.h"

struct emu {
    struct cpu cpu;              /* the processor (with its TLB) */
    struct bus bus;              /* RAM and the port space */
    struct emu_config cfg;       /* what emu_create() was given */
    struct debugcon *debugcon;   /* port 0xE9 */
    struct debugexit *debugexit; /* ports 0xF4-0xF7 */
    struct uart *com1;           /* ports 0x3F8-0x3FF */
    bool exited;                 /* the guest wrote to the exit device */
    uint32_t exit_code;          /* what it wrote */
};

/* The exit device's request: remember the value and hold the CPU. */
static void machine_exit(void *opaque, uint32_t value)
{
    struct emu *m = opaque;
    m->exited = true;
    m->exit_code = value;
    m->cpu.stop_request = true;
}

/* The board, one device a line: port base, and IRQ where it has one. */
static int wire_minimal_board(struct emu *m)
{
    struct bus *b = &m->bus;
    m->debugcon = debugcon_create(b, DEBUGCON_PORT, m->cfg.console);
    m->debugexit = debugexit_create(b, DEBUGEXIT_PORT, machine_exit, m);
    m->com1 = uart_create(b, UART_COM1_PORT, m->cfg.serial, NULL, NULL); /* IRQ 4: no PIC */
    return m->debugcon && m->debugexit && m->com1 ? 0 : -1;
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

struct emu *emu_create(const struct emu_config *cfg, char *err, size_t errlen)
{
    if (check_ram_size(cfg->ram_size, err, errlen) != 0)
        return NULL;
    struct emu *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->cfg = *cfg;
    if (bus_init(&m->bus, cfg->ram_size) != 0) {
        snprintf(err, errlen, "cannot allocate %llu MiB of RAM: out of memory",
                 (unsigned long long)(cfg->ram_size >> 20));
        free(m);
        return NULL;
    }
    cpu_init(&m->cpu, &m->bus);
    if (wire_minimal_board(m) != 0) {
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
    uart_destroy(m->com1);
    debugexit_destroy(m->debugexit);
    debugcon_destroy(m->debugcon);
    bus_free(&m->bus);
    free(m);
}

int emu_load_multiboot(struct emu *m, const uint8_t *image, size_t len, const char *cmdline,
                       char *err, size_t errlen)
{
    return multiboot_load(&m->bus, &m->cpu, image, len, cmdline, err, errlen);
}

/* Can something wake a halted CPU now? An NMI always can; an interrupt on
 * the INTR line if IF lets it in and there is a controller to acknowledge
 * it. cpu_step() then takes it. */
static bool wake_pending(const struct cpu *c)
{
    return c->nmi_pending || (c->intr_line && (c->eflags & FL_IF) && c->intr_ack);
}

/* A halted CPU with nothing to wake it. With IF = 0 only an NMI could, and
 * this machine has no NMI source: it is stopped for good. With IF = 1 an
 * interrupt could, and this is where the PC board's device-event scheduler
 * will go: jump the clock to the earliest device event (a timer tick, a
 * byte on the serial line), let the device raise its IRQ, and go on. The
 * minimal machine has no device that interrupts, so the CPU would wait
 * forever; the clock jumps to the end of the budget instead of spinning. */
static enum emu_stop run_halted(struct cpu *c, uint64_t end)
{
    if (!(c->eflags & FL_IF))
        return EMU_STOP_HALT_IF0;
    if (c->cycles < end)
        c->cycles = end;
    return EMU_STOP_IDLE;
}

enum emu_stop emu_run(struct emu *m, uint64_t cycle_budget)
{
    struct cpu *c = &m->cpu;
    uint64_t end = c->cycles + cycle_budget;
    if (end < c->cycles)
        end = UINT64_MAX; /* a budget "forever" must not wrap the clock */
    for (;;) {
        if (m->exited)
            return EMU_STOP_EXIT;
        c->stop_request = false;
        if (c->stop == CPU_SHUTDOWN)
            return EMU_STOP_TRIPLE_FAULT;
        if (c->stop == CPU_HALTED) {
            if (!wake_pending(c))
                return run_halted(c, end);
            cpu_step(c); /* cpu_run() does not step a halted CPU: take the interrupt */
            continue;
        }
        if (c->cycles >= end)
            return EMU_STOP_BUDGET;
        cpu_run(c, end);
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
