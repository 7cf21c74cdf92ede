/*
 * ops_system.c - the system registers: GDTR and IDTR (LGDT, SGDT, LIDT,
 * SIDT), the control registers (MOV CRn, LMSW, SMSW, CLTS), the debug
 * registers (MOV DRn), TLB and cache maintenance (INVLPG, INVD, WBINVD),
 * and the undefined opcodes. SDM
 * vol. 2 for each instruction; vol. 3, 2.4-2.5 (system registers), 17.2
 * (debug registers) and 2.5 / 13.1 for the CR0 bits that govern the x87.
 *
 * Most of these are privileged: at CPL > 0, which includes every
 * virtual-8086 task, they raise #GP(0). In real mode the CPL is 0, so they
 * all work there, which is how a boot loader sets up protected mode.
 *
 * Control registers. CR0 holds the mode bits (PE protection, PG paging, WP
 * write protection for the supervisor) and the x87 bits (MP, EM, TS, ET,
 * NE). CR2 is the linear address of the last page fault, CR3 the page
 * directory, CR4 the extensions. We implement the CR4 bits CPUID reports
 * (ops_msr.c): DE, PSE, TSD and PGE; setting any other raises #GP(0), as a
 * CPU does for a bit it does not know. Paging caches translations in the
 * TLB, so whoever changes what a translation means flushes it: a CR3 write
 * flushes the non-global entries; a change of CR0.PG, CR0.WP, CR4.PSE or
 * CR4.PGE flushes everything.
 *
 * Debug registers are storage here (DR0-DR3 addresses, DR6 status, DR7
 * control); what matches breakpoints against them lives with the execution
 * loop. DR4 and DR5 are the old names of DR6 and DR7, unless CR4.DE makes
 * them #UD. DR7.GD guards the registers themselves: any MOV DRn then raises
 * #DB first, with DR6.BD set, and GD cleared so that the handler may look.
 *
 * The x87 itself, and how EM, TS, MP and NE govern it (#NM, #MF, FERR#),
 * is ops_fpu.c; here CR0 only stores those bits.
 *
 * Not emulated: caches (INVD and WBINVD only check the privilege), CR0.CD
 * and NW (stored and checked, no effect), CR8 and the 64-bit forms.
 */
#include "exec.h"
#include "ops.h"

/* The CR0 bits a MOV CR0 can change. ET is hardwired to 1 as on the P6. */
#define CR0_WRITABLE                                                                               \
    (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG)

/* The CR4 bits we implement (and CPUID advertises). */
#define CR4_SUPPORTED (CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_PGE)

/* The bits LMSW loads: the low four of the 286 machine status word. */
#define MSW_BITS (CR0_PE | CR0_MP | CR0_EM | CR0_TS)

/* DR7 bits (SDM vol. 3, 17.2.4): GD guards the debug registers; bit 10
 * reads as 1 and bits 11, 12, 14 and 15 as 0. */
#define DR7_GD     (1u << 13)
#define DR7_FIXED1 (1u << 10)
#define DR7_FIXED0 0x0000d800u
/* DR6 (17.2.3): only B0-B3, BD, BS and BT are status bits; the rest read as
 * 1 except bit 12, which reads as 0. */
#define DR6_STATUS 0x0000e00fu
#define DR6_FIXED1 0xffff0ff0u

/* #GP(0) unless CPL = 0 (in real mode it is; in v86 mode it is 3). */
static int need_cpl0(struct cpu *c)
{
    if (c->cpl != 0)
        return cpu_fault(c, EXC_GP, 0);
    return 0;
}

/* --- GDTR and IDTR --- */

/* LGDT/LIDT: a 16-bit limit then a 32-bit base; with a 16-bit operand
 * size only 24 bits of the base are used (the 286 format). */
static int load_dtr(struct cpu *c, const struct insn *i, struct dtr *r)
{
    uint32_t off = ea_offset(c, i), limit, base;

    TRY(need_cpl0(c));
    TRY(mmu_read(c, i->seg, off, 2, &limit));
    TRY(mmu_read(c, i->seg, off + 2, 4, &base));
    r->limit = (uint16_t)limit;
    r->base = i->osize == 2 ? (base & 0x00ffffffu) : base;
    return 0;
}

/* SGDT/SIDT: not privileged. With a 16-bit operand size the fourth byte
 * of the base is stored as 0, as every 32-bit Intel CPU does (the 286
 * stored FF there). */
static int store_dtr(struct cpu *c, const struct insn *i, const struct dtr *r)
{
    uint32_t off = ea_offset(c, i);
    uint32_t base = (uint32_t)r->base;

    TRY(mmu_write(c, i->seg, off, 2, r->limit));
    return mmu_write(c, i->seg, off + 2, 4, i->osize == 2 ? (base & 0x00ffffffu) : base);
}

/* LGDT m16&32 (0F 01 /2). */
int op_lgdt(struct cpu *c, const struct insn *i)
{
    TRY(load_dtr(c, i, &c->gdtr));
    cpu_trap(c, TRAP_DESC, TRAP_A(0, 0, true), 0);
    return 0;
}

/* LIDT m16&32 (0F 01 /3). */
int op_lidt(struct cpu *c, const struct insn *i)
{
    TRY(load_dtr(c, i, &c->idtr));
    cpu_trap(c, TRAP_DESC, TRAP_A(1, 0, true), 0);
    return 0;
}

/* SGDT m (0F 01 /0). */
int op_sgdt(struct cpu *c, const struct insn *i)
{
    TRY(store_dtr(c, i, &c->gdtr));
    cpu_trap(c, TRAP_DESC, TRAP_A(0, 0, false), 0);
    return 0;
}

/* SIDT m (0F 01 /1). */
int op_sidt(struct cpu *c, const struct insn *i)
{
    TRY(store_dtr(c, i, &c->idtr));
    cpu_trap(c, TRAP_DESC, TRAP_A(1, 0, false), 0);
    return 0;
}

/* --- control registers --- */

/* Write CR0 with its consistency checks; flush the TLB when the meaning of
 * a translation changes, and recompute the mode (PE may have changed). */
static int write_cr0(struct cpu *c, uint32_t v)
{
    v = (v & CR0_WRITABLE) | CR0_ET;
    if ((v & CR0_PG) && !(v & CR0_PE))
        return cpu_fault(c, EXC_GP, 0); /* paging needs protection */
    if ((v & CR0_NW) && !(v & CR0_CD))
        return cpu_fault(c, EXC_GP, 0); /* not-write-through with caching on */
    uint32_t changed = v ^ (uint32_t)c->cr0;
    /* Entering protected mode does not change the CPL (SDM 9.9.1): until the
     * far jump reloads CS, a real-mode CS such as F001 must not read as RPL 1. */
    if ((changed & CR0_PE) && (v & CR0_PE))
        c->cs_rpl_stale = (c->seg[SEG_CS].sel & 3) != 0;
    c->cr0 = v;
    if (changed & (CR0_PG | CR0_WP))
        mmu_flush(c, true);
    cpu_update_mode(c);
    return 0;
}

static int write_cr4(struct cpu *c, uint32_t v)
{
    if (v & ~CR4_SUPPORTED)
        return cpu_fault(c, EXC_GP, 0);
    uint32_t changed = v ^ (uint32_t)c->cr4;
    c->cr4 = v;
    if (changed & (CR4_PSE | CR4_PAE | CR4_PGE))
        mmu_flush(c, true);
    return 0;
}

/* The checks every MOV to or from CRn makes, in the SDM's priority order:
 * an unknown register is #UD (like a bad opcode), then CPL 0 or #GP(0). */
static int cr_access_check(struct cpu *c, int n)
{
    if (n == 1 || n > 4)
        return cpu_fault(c, EXC_UD, 0);
    return need_cpl0(c);
}

/* MOV r32, CRn (0F 20): the ModR/M mod field is ignored (always a register). */
int op_mov_Rd_Cd(struct cpu *c, const struct insn *i)
{
    int n = i->modrm.reg;
    uint64_t v;

    TRY(cr_access_check(c, n));
    switch (n) {
    case 0: v = c->cr0; break;
    case 2: v = c->cr2; break;
    case 3: v = c->cr3; break;
    default: v = c->cr4; break;
    }
    cpu_trap(c, TRAP_CR, TRAP_A(n, 0, false), (uint32_t)v);
    reg_set(c, i->modrm.rm, 4, (uint32_t)v);
    return 0;
}

/* MOV CRn, r32 (0F 22). */
int op_mov_Cd_Rd(struct cpu *c, const struct insn *i)
{
    int n = i->modrm.reg;
    uint32_t v = reg_get(c, i->modrm.rm, 4);

    TRY(cr_access_check(c, n));
    cpu_trap(c, TRAP_CR, TRAP_A(n, 0, true), v);
    switch (n) {
    case 0: return write_cr0(c, v);
    case 2: c->cr2 = v; return 0;
    case 3:
        c->cr3 = v;
        mmu_flush(c, false); /* global pages survive when CR4.PGE */
        return 0;
    default: return write_cr4(c, v);
    }
}

/* LMSW r/m16 (0F 01 /6): loads PE, MP, EM and TS. It can set PE (the 286
 * way into protected mode) but never clear it. */
int op_lmsw(struct cpu *c, const struct insn *i)
{
    uint32_t msw;

    TRY(need_cpl0(c));
    TRY(rm_read(c, i, 2, &msw));
    uint32_t cr0 = (uint32_t)c->cr0;
    uint32_t v = (cr0 & ~(MSW_BITS & ~CR0_PE)) | (msw & MSW_BITS);
    cpu_trap(c, TRAP_CR, TRAP_A(0, 0, true), v);
    return write_cr0(c, v);
}

/* SMSW r/m (0F 01 /4): not privileged. Memory gets the low 16 bits of CR0;
 * a 32-bit register gets all of CR0 (the SDM leaves bits 31:16 undefined;
 * P6 and later return CR0). */
int op_smsw(struct cpu *c, const struct insn *i)
{
    int size = (i->modrm.mod == 3 && i->osize == 4) ? 4 : 2;
    TRY(rm_write(c, i, size, (uint32_t)c->cr0));
    cpu_trap(c, TRAP_CR, TRAP_A(0, 0, false), (uint32_t)c->cr0);
    return 0;
}

/* CLTS (0F 06): clear CR0.TS, which a task switch set, once the OS has
 * saved the old task's coprocessor state. */
int op_clts(struct cpu *c, const struct insn *i)
{
    (void)i;
    TRY(need_cpl0(c));
    c->cr0 &= ~(uint64_t)CR0_TS;
    cpu_trap(c, TRAP_CR, TRAP_A(0, 0, true), (uint32_t)c->cr0);
    return 0;
}

/* --- debug registers --- */

/* Map a MOV DRn register number to the one it accesses, and make the
 * checks of SDM MOV (debug registers) in priority order: #UD for DR4/DR5
 * when CR4.DE, #GP(0) at CPL > 0, #DB when DR7.GD guards the registers. */
static int dr_access(struct cpu *c, int n, int *idx)
{
    if (n == 4 || n == 5) {
        if (c->cr4 & CR4_DE)
            return cpu_fault(c, EXC_UD, 0);
        n += 2; /* DR4 -> DR6, DR5 -> DR7 */
    }
    TRY(need_cpl0(c));
    if (c->dr[7] & DR7_GD) {
        /* A fault: the MOV has not happened; the handler sees BD, and
         * GD is cleared so that it may use the registers itself. */
        c->dr[6] |= DR6_BD;
        c->dr[7] &= ~(uint64_t)DR7_GD;
        return cpu_fault(c, EXC_DB, 0);
    }
    *idx = n;
    return 0;
}

/* MOV r32, DRn (0F 21). */
int op_mov_Rd_Dd(struct cpu *c, const struct insn *i)
{
    int n;
    TRY(dr_access(c, i->modrm.reg, &n));
    cpu_trap(c, TRAP_DR, TRAP_A(n, 0, false), (uint32_t)c->dr[n]);
    reg_set(c, i->modrm.rm, 4, (uint32_t)c->dr[n]);
    return 0;
}

/* MOV DRn, r32 (0F 23): DR6 and DR7 keep their fixed bits. */
int op_mov_Dd_Rd(struct cpu *c, const struct insn *i)
{
    uint32_t v = reg_get(c, i->modrm.rm, 4);
    int n;

    TRY(dr_access(c, i->modrm.reg, &n));
    if (n == 6)
        v = (v & DR6_STATUS) | DR6_FIXED1;
    else if (n == 7)
        v = (v & ~DR7_FIXED0) | DR7_FIXED1;
    c->dr[n] = v;
    mmu_watch_changed(c); /* a data breakpoint may have turned on or off: mmu.h */
    cpu_trap(c, TRAP_DR, TRAP_A(n, 0, true), v);
    return 0;
}

/* --- TLB and caches --- */

/* INVLPG m (0F 01 /7): drop the TLB entry for the page holding the linear
 * address of m. No segment checks: nothing is accessed. */
int op_invlpg(struct cpu *c, const struct insn *i)
{
    TRY(need_cpl0(c));
    uint32_t lin = (uint32_t)((c->seg[i->seg].base + ea_offset(c, i)) & 0xffffffffu);
    mmu_invlpg(c, lin);
    cpu_trap(c, TRAP_INVLPG, lin, 0);
    return 0;
}

/* INVD (0F 08) and WBINVD (0F 09): there are no caches to write back. */
int op_invd(struct cpu *c, const struct insn *i)
{
    (void)i;
    TRY(need_cpl0(c));
    cpu_trap(c, TRAP_INVD, 0, 0);
    return 0;
}

/* --- the coprocessor and undefined opcodes --- */

/* ESC (D8-DF) and WAIT (9B), the x87's instructions: ops_fpu.c. */

/* Every opcode opcodes.def does not list, and UD2 (0F 0B): #UD. */
int op_ud(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}
