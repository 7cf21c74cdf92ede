/*
 * machine.c - the lab86 machine: a CPU, RAM, the devices of the PC board,
 * and the loop that runs them in slices of virtual time (the interface is
 * emu.h).
 *
 * The board so far is what a multiboot test kernel needs:
 *
 *     CPU    i386-class, started by the multiboot loader in protected mode
 *     RAM    one flat block from physical address 0 (bus.c)
 *     0x20   8259A PIC pair (slave at 0xA0 on IRQ 2, ELCR at 0x4D0): INTR
 *     0x40   8254 PIT: OUT0 on IRQ 0, counter 2 through port 0x61
 *     0x61   system control port B: GATE2, OUT2, refresh toggle
 *     0xE9   debug console: each byte written goes to the console chardev
 *     0xF4   exit device: a write ends the run with the value written
 *     0x3F8  COM1, a 16550A UART, to the serial chardev, IRQ 4
 *
 * There is no BIOS: the PICs and the PIT wait to be programmed.
 *
 * Time. The clock (clock.h) counts the CPU's cycles at a nominal frequency;
 * devices arm timers on it for the moments they act (the PIT's next output
 * edge). The run loop runs the CPU up to the earliest timer, dispatches the
 * timers that are due, and goes on. A halted CPU does not spin: the loop
 * jumps the cycle counter to the next timer (see run_halted()), which is
 * what makes `sti; hlt` wait for the timer tick in no host time at all.
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
#include "clock.h"
#include "devices/debugport.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/port61.h"
#include "devices/uart.h"
#include "irq.h"
#include "interp/cpu.h"
#include "interp/exec.h"
#include "interp/tcache.h"
#include "loader/multiboot.h"

struct emu {
    struct cpu cpu;              /* the processor (with its TLB) */
    struct bus bus;              /* RAM and the port space */
    struct emu_config cfg;       /* what emu_create() was given */
    struct debugcon *debugcon;   /* port 0xE9 */
    struct debugexit *debugexit; /* ports 0xF4-0xF7 */
    struct uart *com1;           /* ports 0x3F8-0x3FF */
    struct irq_line com1_irq;    /* COM1's interrupt output: IRQ 4 */
    struct clock clock;          /* virtual time and the device timers */
    struct pic *pic;             /* ports 0x20-0x21, 0xA0-0xA1, 0x4D0-0x4D1 */
    struct pit *pit;             /* ports 0x40-0x43 */
    struct port61 *port61;       /* port 0x61 */
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

/* The nominal CPU frequency in Hz (emu_config.cpu_mhz, --cpu-mhz): what the
 * PIT's 1.193182 MHz, the TSC and the RTC are scaled against (clock.h,
 * doc/cycles.md). */
static uint64_t config_hz(const struct emu_config *cfg)
{
    uint32_t mhz = cfg->cpu_mhz ? cfg->cpu_mhz : EMU_CPU_MHZ_DEFAULT;
    return (uint64_t)mhz * 1000000u;
}

/* The PIC's INT output is the CPU's INTR pin. */
static void cpu_intr_set(void *opaque, int n, int level)
{
    struct emu *m = opaque;
    (void)n;
    m->cpu.intr_line = level != 0;
}

/* The CPU's INTA cycle goes to the PIC. */
static int cpu_intr_ack(void *opaque)
{
    return pic_ack(opaque);
}

/* The UART reports its interrupt output through a callback: onto a line. */
static void uart_irq_to_line(void *opaque, bool level)
{
    irq_set(opaque, level);
}

/* The board, one device a line: port base, and IRQ where it has one. */
static int wire_board(struct emu *m)
{
    struct bus *b = &m->bus;
    struct irq_line intr = {cpu_intr_set, m, 0};
    m->pic = pic_create(b, PIC_MASTER_PORT, PIC_SLAVE_PORT, PIC_ELCR_PORT, intr);
    if (!m->pic)
        return -1;
    m->cpu.intr_ack = cpu_intr_ack;
    m->cpu.intr_opaque = m->pic;
    m->pit = pit_create(b, PIT_PORT, &m->clock, pic_irq(m->pic, PIT_IRQ));
    m->port61 = m->pit ? port61_create(b, PORT61_PORT, m->pit, &m->clock) : NULL;
    m->debugcon = debugcon_create(b, DEBUGCON_PORT, m->cfg.console);
    m->debugexit = debugexit_create(b, DEBUGEXIT_PORT, machine_exit, m);
    m->com1_irq = pic_irq(m->pic, UART_COM1_IRQ);
    m->com1 = uart_create(b, UART_COM1_PORT, m->cfg.serial, uart_irq_to_line, &m->com1_irq);
    return m->port61 && m->debugcon && m->debugexit && m->com1 ? 0 : -1;
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
    if (cfg->cpu_mhz > EMU_CPU_MHZ_MAX) {
        snprintf(err, errlen, "CPU clock must be 1 to %d MHz", EMU_CPU_MHZ_MAX);
        return NULL;
    }
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
    clock_init(&m->clock, &m->cpu.cycles, &m->cpu.deadline, config_hz(cfg));
    if (wire_board(m) != 0) {
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
    port61_destroy(m->port61);
    pit_destroy(m->pit);
    pic_destroy(m->pic);
    tcache_destroy(m->cpu.tcache);
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
}

uint64_t emu_cpu_hz(const struct emu *m)
{
    return config_hz(&m->cfg);
}
