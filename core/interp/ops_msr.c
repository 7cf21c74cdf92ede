/*
 * ops_msr.c - what identifies the processor and its model-specific
 * features: CPUID, the time-stamp counter (RDTSC), the model-specific
 * registers (RDMSR, WRMSR) and the fast system calls they configure
 * (SYSENTER, SYSEXIT). SDM vol. 2 for each instruction, vol. 3 chapter 5.8.7
 * (SYSENTER/SYSEXIT) and 17.17 (TSC), vol. 4 (MSRs).
 *
 * CPUID tells software which features it may use, so it must say exactly
 * what lab86 implements, no more: a bit set for a missing feature makes a
 * kernel crash later and far from the cause. We are a Pentium Pro class
 * CPU without an FPU:
 *
 *   leaf 0            max basic leaf 1, vendor "GenuineIntel" (kernels key
 *                     errata and defaults on the vendor; an unknown one
 *                     gets the most conservative paths, which is fine, but
 *                     Intel's is what the documentation students read
 *                     describes);
 *   leaf 1 EAX        family 6, model 1, stepping 9 (stepping >= 3 because
 *                     Linux ignores the SEP bit on the earliest steppings,
 *                     whose SYSENTER was broken);
 *   leaf 1 EDX        FPU (the x87, ops_fpu*.c), DE, PSE, TSC, MSR, PAE
 *                     (mmu/paging.c), CX8, SEP, MTRR, PGE, CMOV, PAT. The
 *                     MTRRs and the PAT are storage with their value checks:
 *                     lab86 has no caches, so a memory type changes nothing.
 *                     Not VME, MCE or MCA: not implemented. APIC
 *                     (bit 9) and the initial APIC ID (EBX 31:24) only on
 *                     a board with local APICs (cpuid_apic());
 *   0x80000000        EAX = 0x80000000: no extended leaves;
 *   any other leaf    what the highest basic leaf (1) returns, as Intel
 *                     CPUs do for a leaf beyond the maximum.
 *
 * The time-stamp counter counts virtual cycles (c->cycles), so it is as
 * deterministic as the rest of the machine; WRMSR to it sets an offset.
 *
 * MSRs we keep: TSC (0x10), the microcode signature (0x8B: writes ignored,
 * reads 0, as on a processor with no update loaded), MTRRcap (0xFE, read-only),
 * the MTRRs (0x200-0x20F, 0x250, 0x258, 0x259, 0x268-0x26F, 0x2FF) and the
 * PAT (0x277), APIC base (0x1B: storage, which the local APIC, when there is
 * one, reads and resets: devices/lapic.c), SYSENTER_CS/ESP/EIP (0x174-0x176)
 * and EFER (0xC0000080, whose bits all belong to features we do not have
 * yet, so only 0 may be written). Any other index raises #GP(0), as on hardware.
 *
 * SYSENTER and SYSEXIT switch between ring 3 and ring 0 without reading
 * descriptors: CS and SS are loaded with fixed flat 4 GiB caches, the
 * selectors derived from SYSENTER_CS (CS, CS+8 for ring 0; CS+16, CS+24
 * with RPL 3 for ring 3). The OS must lay its GDT out to match.
 */
#include "ops.h"

#include "devices/lapic.h"

/* MSR indices (SDM vol. 4, table 2-2). */
#define MSR_TSC          0x10u
#define MSR_BIOS_SIGN_ID 0x8bu /* the microcode update signature (SDM vol. 3, 10.11.7.1) */
#define MSR_MTRRCAP      0xfeu  /* MTRR capabilities (read-only) */
#define MSR_MTRR_VAR0    0x200u /* PHYSBASE0; PHYSMASKn at 0x201 + 2n, up to 0x20f */
#define MSR_MTRR_FIX64K  0x250u
#define MSR_MTRR_FIX16K0 0x258u
#define MSR_MTRR_FIX16K1 0x259u
#define MSR_MTRR_FIX4K0  0x268u /* eight 4K ranges: 0x268-0x26f */
#define MSR_PAT          0x277u
#define MSR_MTRR_DEFTYPE 0x2ffu
/* MTRRcap: 8 variable ranges (VCNT), the fixed ranges (FIX, bit 8), write
 * combining (WC, bit 10); no SMRR. */
#define MTRRCAP_VALUE    0x508u
#define MSR_APIC_BASE    0x1bu
#define MSR_SYSENTER_CS  0x174u
#define MSR_SYSENTER_ESP 0x175u
#define MSR_SYSENTER_EIP 0x176u
#define MSR_EFER         0xc0000080u

/* IA32_APIC_BASE: BSP (8), enable (11) and the base (35:12, for a 36-bit
 * physical address width) are defined; the rest is reserved. */
#define APIC_BASE_RESERVED (~0x0000000ffffff900ull)
/* EFER bits we implement: none yet (SCE, LME, NXE and SVME are all features
 * CPUID does not report, so writing them is a reserved-bit #GP). */
#define EFER_WRITABLE 0ull

/* CPUID values (see the essay). */
#define CPUID_MAX_BASIC  1u
#define CPUID_MAX_EXT    0x80000000u
#define CPUID_SIGNATURE  0x00000619u /* family 6, model 1, stepping 9 */
#define CPUID_VENDOR_EBX 0x756e6547u /* "Genu" */
#define CPUID_VENDOR_EDX 0x49656e69u /* "ineI" */
#define CPUID_VENDOR_ECX 0x6c65746eu /* "ntel" */
/* Leaf 1 EDX feature bits. */
#define CPUID_FPU  (1u << 0)
#define CPUID_DE   (1u << 2)
#define CPUID_PSE  (1u << 3)
#define CPUID_TSC  (1u << 4)
#define CPUID_MSR  (1u << 5)
#define CPUID_PAE  (1u << 6)
#define CPUID_MTRR (1u << 12)
#define CPUID_PAT  (1u << 16)
#define CPUID_CX8  (1u << 8)
#define CPUID_SEP  (1u << 11)
#define CPUID_PGE  (1u << 13)
#define CPUID_CMOV (1u << 15)
#define CPUID_APIC (1u << 9)  /* leaf 1 EDX: a local APIC, enabled (see cpuid_apic()) */
#define CPUID_APIC_ID_SHIFT 24 /* leaf 1 EBX 31:24: the initial APIC ID */
#define CPUID_FEATURES                                                                             \
    (CPUID_FPU | CPUID_DE | CPUID_PSE | CPUID_TSC | CPUID_MSR | CPUID_PAE | CPUID_CX8 | \
     CPUID_SEP | CPUID_MTRR | CPUID_PGE | CPUID_CMOV | CPUID_PAT)

/* The flat segments SYSENTER and SYSEXIT load: base 0, 4 GiB, 32-bit. */
#define FLAT_ATTR (SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | SEG_ATTR_G | SEG_TYPE_ACCESSED)
#define FLAT_CODE (FLAT_ATTR | SEG_TYPE_CODE | SEG_TYPE_READABLE)
#define FLAT_DATA (FLAT_ATTR | SEG_TYPE_WRITABLE)

/* --- CPUID --- */

/* A CPU on a board with APICs reports its local APIC in leaf 1: EDX bit 9
 * while IA32_APIC_BASE's enable bit is set (SDM vol. 3, 10.4.3: the bit
 * follows the MSR) and its initial APIC ID in EBX 31:24. On the ISA board
 * (c->apic NULL) neither: never advertise what is not there. */
static void cpuid_apic(const struct cpu *c, uint32_t *ebx, uint32_t *edx)
{
    if (!c->apic)
        return;
    *ebx |= (uint32_t)lapic_id(c->apic) << CPUID_APIC_ID_SHIFT;
    if (lapic_enabled(c->apic))
        *edx |= CPUID_APIC;
}

/* CPUID (0F A2): EAX (the leaf) in; EAX, EBX, ECX, EDX out. */
int op_cpuid(struct cpu *c, const struct insn *i)
{
    uint32_t leaf = (uint32_t)c->gpr[R_EAX];
    uint32_t r[4] = {0, 0, 0, 0}; /* EAX EBX ECX EDX */

    (void)i;
    cpu_trap(c, TRAP_CPUID, leaf, 0);
    if (leaf == 0) {
        r[0] = CPUID_MAX_BASIC;
        r[1] = CPUID_VENDOR_EBX;
        r[2] = CPUID_VENDOR_ECX;
        r[3] = CPUID_VENDOR_EDX;
    } else if (leaf == CPUID_MAX_EXT) {
        r[0] = CPUID_MAX_EXT;
    } else {
        /* Leaf 1, or any leaf beyond the maximum, which reads as leaf 1. */
        r[0] = CPUID_SIGNATURE;
        r[3] = CPUID_FEATURES;
        cpuid_apic(c, &r[1], &r[3]);
    }
    reg_set(c, R_EAX, 4, r[0]);
    reg_set(c, R_EBX, 4, r[1]);
    reg_set(c, R_ECX, 4, r[2]);
    reg_set(c, R_EDX, 4, r[3]);
    return 0;
}

/* --- the time-stamp counter and the MSRs --- */

/* The cycles the TSC counts. On a board with several CPUs they share one
 * clock, as the CPUs of a real SMP board, reset together and fed by one
 * bus clock, count in step: the bootstrap CPU's. Each
 * CPU's own count would not do, because the CPUs run in turns (smp.c): the
 * first in a turn runs ahead, the second would then read a TSC older than
 * values the first has already stored, and a kernel that compares them
 * (Linux's check_tsc_warp) would call the TSC unsynchronised. Counting the
 * bootstrap CPU's cycles, an application processor sees its TSC stand still
 * during its own turn and move on between turns: never behind the other
 * CPU, and advancing as the machine's time does. */
static uint64_t tsc_cycles(const struct cpu *c)
{
    return c->tsc_clock ? *c->tsc_clock : c->cycles;
}

static uint64_t tsc_value(const struct cpu *c)
{
    return tsc_cycles(c) + c->msr.tsc_offset;
}

/* RDTSC (0F 31): CR4.TSD makes it privileged. */
int op_rdtsc(struct cpu *c, const struct insn *i)
{
    (void)i;
    if ((c->cr4 & CR4_TSD) && c->cpl != 0)
        return cpu_fault(c, EXC_GP, 0);
    cpu_trap(c, TRAP_RDTSC, 0, 0);
    uint64_t t = tsc_value(c);
    reg_set(c, R_EAX, 4, (uint32_t)t);
    reg_set(c, R_EDX, 4, (uint32_t)(t >> 32));
    return 0;
}

/* The storage behind an MSR index, or NULL for TSC and unknown MSRs. */
static uint64_t *msr_slot(struct cpu *c, uint32_t idx)
{
    if (idx >= MSR_MTRR_VAR0 && idx < MSR_MTRR_VAR0 + 16)
        return &c->msr.mtrr_var[idx - MSR_MTRR_VAR0];
    if (idx >= MSR_MTRR_FIX4K0 && idx < MSR_MTRR_FIX4K0 + 8)
        return &c->msr.mtrr_fixed[3 + idx - MSR_MTRR_FIX4K0];
    switch (idx) {
    case MSR_MTRR_FIX64K: return &c->msr.mtrr_fixed[0];
    case MSR_MTRR_FIX16K0: return &c->msr.mtrr_fixed[1];
    case MSR_MTRR_FIX16K1: return &c->msr.mtrr_fixed[2];
    case MSR_PAT: return &c->msr.pat;
    case MSR_MTRR_DEFTYPE: return &c->msr.mtrr_def_type;
    case MSR_APIC_BASE: return &c->msr.apic_base;
    case MSR_SYSENTER_CS: return &c->msr.sysenter_cs;
    case MSR_SYSENTER_ESP: return &c->msr.sysenter_esp;
    case MSR_SYSENTER_EIP: return &c->msr.sysenter_eip;
    case MSR_EFER: return &c->msr.efer;
    default: return NULL;
    }
}

/* A memory type an MTRR may hold (SDM vol. 3, table 11-8): UC 0, WC 1,
 * WT 4, WP 5, WB 6. The PAT also takes UC- (7). */
static bool mem_type_ok(unsigned t, bool pat)
{
    return t == 0 || t == 1 || (t >= 4 && t <= 6) || (pat && t == 7);
}

/* Is every byte of v a valid memory type (the PAT's entries, a fixed-range
 * MTRR's eight ranges)? */
static bool mem_types_ok(uint64_t v, bool pat)
{
    for (int k = 0; k < 8; k++)
        if (!mem_type_ok((unsigned)(v >> (8 * k)) & 0xff, pat))
            return false;
    return true;
}

/* The value checks of the memory-type MSRs beyond their reserved bits:
 * false means #GP(0). Physical addresses have 36 bits (MAXPHYADDR). */
static bool mtrr_value_ok(uint32_t idx, uint64_t v)
{
    if (idx == MSR_PAT)
        return mem_types_ok(v, true);
    if (idx == MSR_MTRR_FIX64K || idx == MSR_MTRR_FIX16K0 || idx == MSR_MTRR_FIX16K1 ||
        (idx >= MSR_MTRR_FIX4K0 && idx < MSR_MTRR_FIX4K0 + 8))
        return mem_types_ok(v, false);
    if (idx == MSR_MTRR_DEFTYPE) /* type 7:0, FE bit 10, E bit 11 */
        return !(v & ~0xcffull) && mem_type_ok(v & 0xff, false);
    if (idx >= MSR_MTRR_VAR0 && idx < MSR_MTRR_VAR0 + 16) {
        if ((idx - MSR_MTRR_VAR0) % 2 == 0) /* PHYSBASE: type 7:0, base 35:12 */
            return !(v & ~0xffffff0ffull) && mem_type_ok(v & 0xff, false);
        return !(v & ~0xffffff800ull); /* PHYSMASK: valid bit 11, mask 35:12 */
    }
    return true;
}

/* Bits of an MSR a WRMSR must leave clear (#GP(0) otherwise). */
static uint64_t msr_reserved(uint32_t idx)
{
    switch (idx) {
    case MSR_APIC_BASE: return APIC_BASE_RESERVED;
    case MSR_EFER: return ~EFER_WRITABLE;
    default: return 0;
    }
}

/* RDMSR (0F 32): EDX:EAX = MSR[ECX]. */
int op_rdmsr(struct cpu *c, const struct insn *i)
{
    uint32_t idx = (uint32_t)c->gpr[R_ECX];
    uint64_t v;

    (void)i;
    if (c->cpl != 0)
        return cpu_fault(c, EXC_GP, 0);
    cpu_trap(c, TRAP_MSR, TRAP_A(idx, 0, false), 0);
    if (idx == MSR_TSC) {
        v = tsc_value(c);
    } else if (idx == MSR_BIOS_SIGN_ID) {
        v = 0; /* no microcode update loaded: revision 0 in EDX */
    } else if (idx == MSR_MTRRCAP) {
        v = MTRRCAP_VALUE;
    } else {
        uint64_t *slot = msr_slot(c, idx);
        if (!slot)
            return cpu_fault(c, EXC_GP, 0);
        v = *slot;
    }
    reg_set(c, R_EAX, 4, (uint32_t)v);
    reg_set(c, R_EDX, 4, (uint32_t)(v >> 32));
    return 0;
}

/* WRMSR (0F 30): MSR[ECX] = EDX:EAX. */
int op_wrmsr(struct cpu *c, const struct insn *i)
{
    uint32_t idx = (uint32_t)c->gpr[R_ECX];
    uint64_t v = (uint64_t)(uint32_t)c->gpr[R_EDX] << 32 | (uint32_t)c->gpr[R_EAX];

    (void)i;
    if (c->cpl != 0)
        return cpu_fault(c, EXC_GP, 0);
    cpu_trap(c, TRAP_MSR, TRAP_A(idx, 0, true), (uint32_t)v);
    if (idx == MSR_TSC) {
        c->msr.tsc_offset = v - tsc_cycles(c); /* the counter reads v now */
        return 0;
    }
    if (idx == MSR_BIOS_SIGN_ID)
        return 0; /* kernels clear it before CPUID, then read the revision */
    uint64_t *slot = msr_slot(c, idx);
    if (!slot || (v & msr_reserved(idx)) || !mtrr_value_ok(idx, v))
        return cpu_fault(c, EXC_GP, 0);
    *slot = v;
    if (idx == MSR_APIC_BASE && c->apic)
        lapic_base_written(c->apic); /* enable bit, BSP bit (read-only) */
    return 0;
}

/* --- SYSENTER and SYSEXIT --- */

/* Load CS and SS with flat 4 GiB segments at privilege level dpl. */
static void load_flat(struct cpu *c, uint16_t cs, uint16_t ss, unsigned dpl)
{
    uint16_t pl = (uint16_t)(dpl << SEG_ATTR_DPL_SHIFT);
    c->seg[SEG_CS] = seg_make(cs, 0, 0xffffffffu, (uint16_t)(FLAT_CODE | pl));
    c->seg[SEG_SS] = seg_make(ss, 0, 0xffffffffu, (uint16_t)(FLAT_DATA | pl));
    c->cs_rpl_stale = false;
    cpu_update_mode(c); /* CPL from CS.RPL, 32-bit code and stack */
}

/* The selector in SYSENTER_CS, or #GP(0) outside protected mode or when
 * it is null (bits 15:2 zero). */
static int sysenter_cs(struct cpu *c, uint16_t *cs)
{
    *cs = (uint16_t)c->msr.sysenter_cs;
    if (!cpu_protected(c) || (*cs & 0xfffcu) == 0)
        return cpu_fault(c, EXC_GP, 0);
    return 0;
}

/* SYSENTER (0F 34): to ring 0 at SYSENTER_CS:SYSENTER_EIP with the stack
 * SYSENTER_CS+8:SYSENTER_ESP. Interrupts are off on arrival (the kernel
 * has no stack frame yet); it works from v86 mode too, leaving it. */
int op_sysenter(struct cpu *c, const struct insn *i)
{
    uint16_t cs;

    (void)i;
    TRY(sysenter_cs(c, &cs));
    c->eflags &= ~(FL_VM | FL_IF | FL_RF);
    cs &= 0xfffcu;
    load_flat(c, cs, (uint16_t)(cs + 8), 0);
    c->gpr[R_ESP] = (uint32_t)c->msr.sysenter_esp;
    c->eip = (uint32_t)c->msr.sysenter_eip;
    return 0;
}

/* SYSEXIT (0F 35): from ring 0 to ring 3 at SYSENTER_CS+16:EDX with the
 * stack SYSENTER_CS+24:ECX, both selectors with RPL 3. */
int op_sysexit(struct cpu *c, const struct insn *i)
{
    uint16_t cs;

    (void)i;
    TRY(sysenter_cs(c, &cs));
    if (c->cpl != 0)
        return cpu_fault(c, EXC_GP, 0);
    load_flat(c, (uint16_t)((cs + 16) | 3), (uint16_t)((cs + 24) | 3), 3);
    c->gpr[R_ESP] = (uint32_t)c->gpr[R_ECX];
    c->eip = (uint32_t)c->gpr[R_EDX];
    return 0;
}
