/*
 * ops_io.c - port I/O and the instructions that protected mode guards with
 * IOPL: IN, OUT, the I/O permission check INS/OUTS share, CLI, STI, and
 * HLT.
 *
 * The x86 has a second address space beside memory: 65536 byte-wide I/O
 * ports, reached only by IN, OUT, INS and OUTS (SDM vol. 1, chapter
 * "Input/Output"). On a PC the devices sit there: the PIC at 20h, the PIT
 * at 40h, the keyboard controller at 60h, the first UART at 3F8h. A 16- or
 * 32-bit access covers the ports port..port+size-1. The bus (bus.c) finds
 * the device that claimed the port; a port nobody claimed reads all ones.
 *
 * Who may use the ports is the operating system's decision, made with two
 * mechanisms (SDM vol. 1, "I/O Permission Bit Map" and the section before):
 *   - EFLAGS.IOPL, the I/O privilege level: code with CPL <= IOPL may use
 *     every port, and may also execute CLI and STI;
 *   - the I/O permission bitmap in the current 32-bit TSS, consulted when
 *     CPL > IOPL and always in virtual-8086 mode: one bit per port, 0 =
 *     allowed. This lets a kernel give a user task, or a DOS program in a
 *     v86 task, a few ports and trap the others with #GP(0).
 * Real mode has no protection at all.
 *
 * HLT is privileged (CPL 0) rather than IOPL-sensitive; it lives here with
 * CLI and STI because all three are about the CPU's relation to interrupts.
 *
 * Not emulated: CR4.VME and CR4.PVI (virtual interrupt flags: CLI/STI at
 * CPL 3 fault instead of changing VIF), and the v86 interrupt redirection
 * bitmap that sits just below the I/O bitmap. The CPU does not advertise
 * either feature. I/O breakpoints (CR4.DE with DR7 R/W = 10b) are not
 * emulated either.
 */
#include "ops.h"

#include "bus.h"
#include "mmu/seg.h"

/* The word at this TSS offset holds the I/O bitmap's offset from the TSS
 * base (SDM vol. 3, figure "32-Bit Task-State Segment": I/O Map Base). */
#define TSS32_IOMAP_BASE 0x66

/* Does the I/O permission bitmap decide this access? Only in protected
 * mode, and there when CPL > IOPL or in v86 mode (where CPL is 3, so the
 * first rule covers it only when IOPL < 3: the SDM consults the bitmap in
 * v86 mode whatever IOPL is). */
static bool io_bitmap_applies(const struct cpu *c)
{
    if (!cpu_protected(c))
        return false;
    return cpu_v86(c) || c->cpl > cpu_iopl(c);
}

/* Is TR a 32-bit TSS? A 16-bit (286) TSS has no I/O bitmap, so every
 * access the bitmap would decide faults. */
static bool tr_is_tss32(const struct cpu *c)
{
    const struct seg *tr = &c->seg[SEG_TR];
    unsigned type = tr->attr & SEG_ATTR_TYPE;
    if (!(tr->attr & SEG_ATTR_P))
        return false;
    return type == DESC_TSS32_AVAIL || type == DESC_TSS32_BUSY;
}

/*
 * The bitmap check (SDM vol. 1, "I/O Permission Bit Map"). The processor reads TWO bytes of
 * the bitmap for every access, at bitmap base + port / 8, because an access
 * of up to 4 ports starting at any bit can cross into the next byte. Both
 * bytes must lie within the TSS limit, else #GP(0): this is why the SDM
 * asks operating systems for an extra all-ones byte after the bitmap, and
 * why ports beyond a short bitmap are denied. Every bit of port..port+size-1
 * must be 0.
 */
int io_check(struct cpu *c, uint16_t port, int size)
{
    const struct seg *tr = &c->seg[SEG_TR];
    uint32_t map, bits;

    if (!io_bitmap_applies(c))
        return 0;
    if (!tr_is_tss32(c) || tr->limit < TSS32_IOMAP_BASE + 1)
        return cpu_fault(c, EXC_GP, 0);
    TRY(mmu_read_lin(c, (tr->base + TSS32_IOMAP_BASE) & 0xffffffffu, 2, &map, MMU_SUPER));
    uint32_t off = map + port / 8u;
    if (off + 1 > tr->limit)
        return cpu_fault(c, EXC_GP, 0);
    TRY(mmu_read_lin(c, (tr->base + off) & 0xffffffffu, 2, &bits, MMU_SUPER));
    uint32_t want = ((1u << size) - 1) << (port & 7);
    if (bits & want)
        return cpu_fault(c, EXC_GP, 0);
    return 0;
}

/* The port of IN/OUT: the Ib immediate (E4-E7), or DX (EC-EF), told apart
 * by opcode bit 3. */
static uint16_t io_port(const struct cpu *c, const struct insn *i)
{
    return (i->opcode & 0x08) ? (uint16_t)c->gpr[R_EDX] : (uint16_t)(i->imm & 0xff);
}

/* E4/E5/EC/ED IN: AL, AX or EAX = the port(s). The permission check comes
 * first: a denied IN must not reach the device. */
int op_in_port(struct cpu *c, const struct insn *i)
{
    uint16_t port = io_port(c, i);
    TRY(io_check(c, port, i->opsize));
    uint32_t v = bus_in(c->bus, port, i->opsize);
    reg_set(c, R_EAX, i->opsize, v);
    cpu_trap(c, TRAP_IO, TRAP_A(port, i->opsize, false), v);
    return 0;
}

/* E6/E7/EE/EF OUT: the port(s) = AL, AX or EAX. */
int op_out_port(struct cpu *c, const struct insn *i)
{
    uint16_t port = io_port(c, i);
    TRY(io_check(c, port, i->opsize));
    uint32_t v = reg_get(c, R_EAX, i->opsize);
    bus_out(c->bus, port, v, i->opsize);
    cpu_trap(c, TRAP_IO, TRAP_A(port, i->opsize, true), v);
    return 0;
}

/*
 * F4 HLT: stop fetching until an interrupt (or NMI, or reset) arrives. EIP
 * already points past the HLT, so the interrupt handler returns to the
 * next instruction. With IF = 0 only an NMI wakes the CPU: the run loop
 * reports that as "halted with interrupts off". CPL must be 0, and v86
 * mode runs at CPL 3, so HLT there faults to the v86 monitor.
 */
int op_hlt(struct cpu *c, const struct insn *i)
{
    (void)i;
    if (c->cpl != 0)
        return cpu_fault(c, EXC_GP, 0);
    c->stop = CPU_HALTED;
    cpu_trap(c, TRAP_HLT, 0, 0);
    return 0;
}

/* CLI and STI are IOPL-sensitive: in protected mode they need CPL <= IOPL,
 * in v86 mode (CPL 3) IOPL = 3; real mode allows them always. */
static int if_change_allowed(struct cpu *c)
{
    if (cpu_protected(c) && c->cpl > cpu_iopl(c))
        return cpu_fault(c, EXC_GP, 0);
    return 0;
}

/* FA CLI: IF = 0, masking INTR (not NMI). */
int op_cli(struct cpu *c, const struct insn *i)
{
    (void)i;
    TRY(if_change_allowed(c));
    cpu_set_eflags(c, 0, FL_IF);
    return 0;
}

/*
 * FB STI: IF = 1. When IF was 0, interrupts stay blocked for one more
 * instruction (the "interrupt shadow"), so that STI; HLT cannot lose a
 * wake-up between the two, and STI; RET returns before a handler runs.
 * STI with IF already 1 opens no shadow.
 */
int op_sti(struct cpu *c, const struct insn *i)
{
    (void)i;
    TRY(if_change_allowed(c));
    if (!(c->eflags & FL_IF))
        c->intr_shadow = true;
    cpu_set_eflags(c, FL_IF, FL_IF);
    return 0;
}
