/*
 * test_system.c - the system instructions: LLDT/LTR/SLDT/STR (ops_seg.c),
 * LAR/LSL/VERR/VERW/ARPL (ops_desc.c), control and debug registers,
 * LGDT/SGDT and the x87 escapes (ops_system.c), CPUID, the MSRs and
 * SYSENTER/SYSEXIT (ops_msr.c).
 *
 * The descriptor tables are those of seg_util.h. Expected values come from
 * the SDM (instruction pages, and vol. 3 for the register layouts); CPUID's
 * feature bits are spelled out bit by bit from its table 3-11.
 */
#include "seg_util.h"

/* ---------------------------------------------------------------------- */
/* LLDT, LTR, LAR, LSL, VERR, VERW, ARPL                                    */

START_TEST(test_lldt_ltr)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    /* LTR AX (0F 00 D8): the TSS becomes busy in memory and in TR. */
    c->gpr[R_EAX] = S_TSS16;
    ck_assert_int_eq(RUN(c, op_ltr, 0x0f, 0x00, 0xd8), 0);
    ck_assert_uint_eq(access_byte(m, S_TSS16), 0x83);
    ck_assert_uint_eq(c->seg[SEG_TR].base, TSS16);
    /* Again: now busy, #GP(sel). A data segment: #GP(sel). Null: #GP(0). */
    assert_fault(c, RUN(c, op_ltr, 0x0f, 0x00, 0xd8), EXC_GP, S_TSS16);
    c->gpr[R_EAX] = S_DATA0;
    assert_fault(c, RUN(c, op_ltr, 0x0f, 0x00, 0xd8), EXC_GP, S_DATA0);
    c->gpr[R_EAX] = 0;
    assert_fault(c, RUN(c, op_ltr, 0x0f, 0x00, 0xd8), EXC_GP, 0);
    /* LLDT AX (0F 00 D0): LDT descriptor; null is allowed; a TSS is not. */
    c->gpr[R_EAX] = S_LDTD;
    ck_assert_int_eq(RUN(c, op_lldt, 0x0f, 0x00, 0xd0), 0);
    ck_assert_uint_eq(c->seg[SEG_LDTR].base, LDT);
    ck_assert_uint_eq(c->seg[SEG_LDTR].limit, 0x0f);
    /* SLDT [EBX] (0F 00 03) stores 2 bytes only. */
    c->gpr[R_EBX] = 0x7000;
    wr32(m, 0x7000, 0xffffffff);
    ck_assert_int_eq(RUN(c, op_sldt, 0x0f, 0x00, 0x03), 0);
    ck_assert_uint_eq(rd32(m, 0x7000), 0xffff0000u | S_LDTD);
    c->gpr[R_EAX] = S_TSS;
    assert_fault(c, RUN(c, op_lldt, 0x0f, 0x00, 0xd0), EXC_GP, S_TSS);
    c->gpr[R_EAX] = 0;
    ck_assert_int_eq(RUN(c, op_lldt, 0x0f, 0x00, 0xd0), 0);
    ck_assert_uint_eq(c->seg[SEG_LDTR].attr, 0);
    /* SLDT EAX / STR EAX (0F 00 C0 / C8). */
    c->gpr[R_EAX] = 0xffffffff;
    ck_assert_int_eq(RUN(c, op_str, 0x0f, 0x00, 0xc8), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], S_TSS16);
    um_free(m);
}
END_TEST

START_TEST(test_system_loads_cpl3)
{
    struct unit_machine *m = pm_machine(3);
    struct cpu *c = &m->cpu;
    c->gpr[R_EAX] = S_LDTD;
    assert_fault(c, RUN(c, op_lldt, 0x0f, 0x00, 0xd0), EXC_GP, 0);
    assert_fault(c, RUN(c, op_ltr, 0x0f, 0x00, 0xd8), EXC_GP, 0);
    /* In real mode LLDT, LAR and ARPL are #UD. */
    c->cr0 &= ~(uint64_t)CR0_PE;
    cpu_update_mode(c);
    assert_fault(c, RUN(c, op_lldt, 0x0f, 0x00, 0xd0), EXC_UD, 0);
    assert_fault(c, RUN(c, op_lar, 0x0f, 0x02, 0xc0), EXC_UD, 0);
    assert_fault(c, RUN(c, op_arpl, 0x63, 0xc0), EXC_UD, 0);
    um_free(m);
}
END_TEST

/* Run a probe (LAR/LSL: 0F 02/03 C3 = op EAX, BX; VERR/VERW: 0F 00 E3/EB
 * = op BX) on selector sel; return ZF. */
static bool probe_zf(struct cpu *c, int (*fn)(struct cpu *, const struct insn *), uint8_t b1,
                     uint8_t b2, uint16_t sel)
{
    c->gpr[R_EBX] = sel;
    c->eflags |= FL_ZF;
    ck_assert_int_eq(run_op(c, fn, (const uint8_t[]){0x0f, b1, b2}, 3), 0);
    bool zf = (c->eflags & FL_ZF) != 0;
    c->eflags &= ~FL_ZF;
    ck_assert_int_eq(run_op(c, fn, (const uint8_t[]){0x0f, b1, b2}, 3), 0);
    ck_assert_int_eq((c->eflags & FL_ZF) != 0, zf); /* ZF written, not kept */
    return zf;
}

START_TEST(test_lar_lsl)
{
    struct unit_machine *m = pm_machine(3);
    struct cpu *c = &m->cpu;
    /* LAR of ring-3 code: hi dword 0x00cffa00 & 0x00f0ff00. */
    c->gpr[R_EAX] = 0;
    ck_assert(probe_zf(c, op_lar, 0x02, 0xc3, S_CODE3 | 3));
    ck_assert_uint_eq(c->gpr[R_EAX], 0x00c0fa00u);
    /* LSL of it: limit 0xfffff pages -> 0xffffffff. */
    ck_assert(probe_zf(c, op_lsl, 0x03, 0xc3, S_CODE3 | 3));
    ck_assert_uint_eq(c->gpr[R_EAX], 0xffffffffu);
    /* Ring-0 data seen from CPL 3: ZF = 0, EAX kept. */
    c->gpr[R_EAX] = 0x5a5a;
    ck_assert(!probe_zf(c, op_lar, 0x02, 0xc3, S_DATA0));
    ck_assert_uint_eq(c->gpr[R_EAX], 0x5a5a);
    /* Conforming code of DPL 0 is visible from CPL 3. */
    ck_assert(probe_zf(c, op_lar, 0x02, 0xc3, S_CONF0 | 3));
    /* Null, beyond the GDT, an interrupt gate: ZF = 0 and no fault. */
    ck_assert(!probe_zf(c, op_lar, 0x02, 0xc3, 0));
    ck_assert(!probe_zf(c, op_lar, 0x02, 0xc3, 0x7ff8));
    /* The call gate (DPL 3) has access rights but no limit. */
    ck_assert(probe_zf(c, op_lar, 0x02, 0xc3, S_GATE | 3));
    ck_assert(!probe_zf(c, op_lsl, 0x03, 0xc3, S_GATE | 3));
    um_free(m);
}
END_TEST

START_TEST(test_lar_lsl_ring0)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    ck_assert(!probe_zf(c, op_lar, 0x02, 0xc3, S_INTG));
    /* LSL of the TSS: 0x67; 16-bit form of S_BIG: low word of 0xabcdefff. */
    ck_assert(probe_zf(c, op_lsl, 0x03, 0xc3, S_TSS));
    ck_assert_uint_eq(c->gpr[R_EAX], 0x67);
    c->gpr[R_EAX] = 0x12340000;
    c->gpr[R_EBX] = S_BIG;
    ck_assert_int_eq(RUN(c, op_lsl, 0x66, 0x0f, 0x03, 0xc3), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x1234efffu);
    /* Ring-0 may see DPL 0 data only with RPL 0. */
    ck_assert(probe_zf(c, op_lsl, 0x03, 0xc3, S_DATA0));
    ck_assert(!probe_zf(c, op_lsl, 0x03, 0xc3, S_DATA0 | 3));
    um_free(m);
}
END_TEST

START_TEST(test_verr_verw)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    ck_assert(probe_zf(c, op_verr, 0x00, 0xe3, S_DATA0));
    ck_assert(probe_zf(c, op_verw, 0x00, 0xeb, S_DATA0));
    ck_assert(probe_zf(c, op_verr, 0x00, 0xe3, S_RO0));
    ck_assert(!probe_zf(c, op_verw, 0x00, 0xeb, S_RO0));
    ck_assert(probe_zf(c, op_verr, 0x00, 0xe3, S_CODE0));
    ck_assert(!probe_zf(c, op_verw, 0x00, 0xeb, S_CODE0));
    ck_assert(!probe_zf(c, op_verr, 0x00, 0xe3, S_XONLY));
    ck_assert(!probe_zf(c, op_verr, 0x00, 0xe3, S_TSS));
    ck_assert(!probe_zf(c, op_verr, 0x00, 0xe3, 0));
    ck_assert(!probe_zf(c, op_verw, 0x00, 0xeb, 0xfff8));
    /* RPL 3 against DPL 1 data fails; RPL 1 passes. */
    ck_assert(!probe_zf(c, op_verw, 0x00, 0xeb, S_DATA1 | 3));
    ck_assert(probe_zf(c, op_verw, 0x00, 0xeb, S_DATA1 | 1));
    um_free(m);
}
END_TEST

START_TEST(test_arpl)
{
    struct unit_machine *m = pm_machine(3);
    struct cpu *c = &m->cpu;
    /* ARPL AX, BX (63 D8): AX.RPL 0 < BX.RPL 3 -> AX.RPL = 3, ZF = 1. */
    c->gpr[R_EAX] = 0xffff0010;
    c->gpr[R_EBX] = 0x0023;
    ck_assert_int_eq(RUN(c, op_arpl, 0x63, 0xd8), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0xffff0013u);
    ck_assert(c->eflags & FL_ZF);
    /* Now equal: unchanged, ZF = 0. */
    ck_assert_int_eq(RUN(c, op_arpl, 0x63, 0xd8), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0xffff0013u);
    ck_assert(!(c->eflags & FL_ZF));
    um_free(m);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* control and debug registers, descriptor-table registers                 */

START_TEST(test_mov_cr)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    /* MOV CR4, EAX (0F 22 E0): VME (bit 0) is #GP(0); PAE (bit 5) is taken. */
    c->gpr[R_EAX] = CR4_VME;
    assert_fault(c, RUN(c, op_mov_Cd_Rd, 0x0f, 0x22, 0xe0), EXC_GP, 0);
    c->gpr[R_EAX] = CR4_PAE;
    ck_assert_int_eq(RUN(c, op_mov_Cd_Rd, 0x0f, 0x22, 0xe0), 0);
    ck_assert_uint_eq(c->cr4, CR4_PAE);
    c->gpr[R_EAX] = CR4_PSE | CR4_PGE | CR4_DE | CR4_TSD;
    ck_assert_int_eq(RUN(c, op_mov_Cd_Rd, 0x0f, 0x22, 0xe0), 0);
    ck_assert_uint_eq(c->cr4, 0x9c);
    /* MOV CR0, EAX (0F 22 C0): PG without PE, NW without CD: #GP(0). */
    c->gpr[R_EAX] = CR0_PG | CR0_ET;
    assert_fault(c, RUN(c, op_mov_Cd_Rd, 0x0f, 0x22, 0xc0), EXC_GP, 0);
    c->gpr[R_EAX] = CR0_PE | CR0_NW;
    assert_fault(c, RUN(c, op_mov_Cd_Rd, 0x0f, 0x22, 0xc0), EXC_GP, 0);
    ck_assert(c->cr0 & CR0_PE);
    /* ET reads as 1 whatever is written. */
    c->gpr[R_EAX] = CR0_PE | CR0_MP;
    ck_assert_int_eq(RUN(c, op_mov_Cd_Rd, 0x0f, 0x22, 0xc0), 0);
    ck_assert_uint_eq(c->cr0, CR0_PE | CR0_MP | CR0_ET);
    /* MOV EBX, CR3 (0F 20 DB); CR1 and CR5 are #UD. */
    c->cr3 = 0x12345000;
    ck_assert_int_eq(RUN(c, op_mov_Rd_Cd, 0x0f, 0x20, 0xdb), 0);
    ck_assert_uint_eq(c->gpr[R_EBX], 0x12345000);
    assert_fault(c, RUN(c, op_mov_Rd_Cd, 0x0f, 0x20, 0xc8), EXC_UD, 0);
    assert_fault(c, RUN(c, op_mov_Cd_Rd, 0x0f, 0x22, 0xe8), EXC_UD, 0);
    um_free(m);
}
END_TEST

START_TEST(test_privileged_at_cpl3)
{
    struct unit_machine *m = pm_machine(3);
    struct cpu *c = &m->cpu;
    assert_fault(c, RUN(c, op_mov_Rd_Cd, 0x0f, 0x20, 0xc0), EXC_GP, 0);
    assert_fault(c, RUN(c, op_mov_Dd_Rd, 0x0f, 0x23, 0xf8), EXC_GP, 0);
    assert_fault(c, RUN(c, op_clts, 0x0f, 0x06), EXC_GP, 0);
    assert_fault(c, RUN(c, op_lgdt, 0x0f, 0x01, 0x13), EXC_GP, 0);
    assert_fault(c, RUN(c, op_invd, 0x0f, 0x08), EXC_GP, 0);
    assert_fault(c, RUN(c, op_rdmsr, 0x0f, 0x32), EXC_GP, 0);
    /* SMSW is not privileged: EAX = CR0 (0F 01 E0). */
    ck_assert_int_eq(RUN(c, op_smsw, 0x0f, 0x01, 0xe0), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], (uint32_t)c->cr0);
    /* RDTSC is, once CR4.TSD is set. */
    ck_assert_int_eq(RUN(c, op_rdtsc, 0x0f, 0x31), 0);
    c->cr4 |= CR4_TSD;
    assert_fault(c, RUN(c, op_rdtsc, 0x0f, 0x31), EXC_GP, 0);
    um_free(m);
}
END_TEST

START_TEST(test_lmsw_clts)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    c->cr0 &= ~(uint64_t)(CR0_CD | CR0_NW); /* reset sets them; LMSW leaves them alone */
    /* Real mode: LMSW AX (0F 01 F0) sets PE, MP, TS; ET stays. */
    c->gpr[R_EAX] = 0xfff0 | CR0_PE | CR0_MP | CR0_TS;
    ck_assert_int_eq(RUN(c, op_lmsw, 0x0f, 0x01, 0xf0), 0);
    ck_assert_uint_eq(c->cr0, CR0_ET | CR0_PE | CR0_MP | CR0_TS);
    /* It cannot clear PE. */
    c->gpr[R_EAX] = 0;
    ck_assert_int_eq(RUN(c, op_lmsw, 0x0f, 0x01, 0xf0), 0);
    ck_assert_uint_eq(c->cr0, CR0_ET | CR0_PE);
    c->cr0 |= CR0_TS;
    ck_assert_int_eq(RUN(c, op_clts, 0x0f, 0x06), 0);
    ck_assert_uint_eq(c->cr0, CR0_ET | CR0_PE);
    um_free(m);
}
END_TEST

START_TEST(test_mov_dr)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    /* MOV DR5, EAX (0F 23 E8) is DR7 when CR4.DE = 0. */
    c->gpr[R_EAX] = 0x00000003 | 0xd800;
    ck_assert_int_eq(RUN(c, op_mov_Dd_Rd, 0x0f, 0x23, 0xe8), 0);
    ck_assert_uint_eq(c->dr[7], 0x403); /* bit 10 forced, 11/12/14/15 clear */
    /* DR6 keeps its fixed ones: write 0 -> 0xffff0ff0. */
    c->gpr[R_EAX] = 0;
    ck_assert_int_eq(RUN(c, op_mov_Dd_Rd, 0x0f, 0x23, 0xf0), 0);
    ck_assert_uint_eq(c->dr[6], 0xffff0ff0u);
    /* With CR4.DE, DR4 is #UD. */
    c->cr4 |= CR4_DE;
    assert_fault(c, RUN(c, op_mov_Rd_Dd, 0x0f, 0x21, 0xe0), EXC_UD, 0);
    /* DR7.GD: the next access is #DB with DR6.BD, GD cleared. */
    c->dr[7] |= 1u << 13;
    c->dr[0] = 0x1234;
    assert_fault(c, RUN(c, op_mov_Rd_Dd, 0x0f, 0x21, 0xc0), EXC_DB, 0);
    ck_assert(c->dr[6] & DR6_BD);
    ck_assert(!(c->dr[7] & (1u << 13)));
    ck_assert_int_eq(RUN(c, op_mov_Rd_Dd, 0x0f, 0x21, 0xc0), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x1234);
    um_free(m);
}
END_TEST

START_TEST(test_lgdt_sgdt)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    /* Real mode, 16-bit: LGDT [0x700] (0F 01 16 00 07) takes 24 bits. */
    wr16(m, 0x700, 0x0123);
    wr32(m, 0x702, 0xaabbccdd);
    ck_assert_int_eq(RUN(c, op_lgdt, 0x0f, 0x01, 0x16, 0x00, 0x07), 0);
    ck_assert_uint_eq(c->gdtr.limit, 0x0123);
    ck_assert_uint_eq(c->gdtr.base, 0x00bbccdd);
    /* 66 LIDT: all 32 bits. */
    ck_assert_int_eq(RUN(c, op_lidt, 0x66, 0x0f, 0x01, 0x1e, 0x00, 0x07), 0);
    ck_assert_uint_eq(c->idtr.base, 0xaabbccddu);
    /* SIDT [0x710] 16-bit: fourth base byte stored as 0. */
    ck_assert_int_eq(RUN(c, op_sidt, 0x0f, 0x01, 0x0e, 0x10, 0x07), 0);
    ck_assert_uint_eq(rd32(m, 0x712), 0x00bbccddu);
    ck_assert_uint_eq(ram_at(m, 0x710)[0], 0x23);
    /* 66 SGDT: 32 bits. */
    c->gdtr.base = 0x87654321;
    ck_assert_int_eq(RUN(c, op_sgdt, 0x66, 0x0f, 0x01, 0x06, 0x20, 0x07), 0);
    ck_assert_uint_eq(rd32(m, 0x722), 0x87654321u);
    um_free(m);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* CPUID, MSRs, SYSENTER/SYSEXIT, the x87 escapes                           */

static void cpuid(struct cpu *c, uint32_t leaf, uint32_t r[4])
{
    c->gpr[R_EAX] = leaf;
    c->gpr[R_ECX] = c->gpr[R_EBX] = c->gpr[R_EDX] = 0xffffffff;
    ck_assert_int_eq(RUN(c, op_cpuid, 0x0f, 0xa2), 0);
    r[0] = (uint32_t)c->gpr[R_EAX];
    r[1] = (uint32_t)c->gpr[R_EBX];
    r[2] = (uint32_t)c->gpr[R_ECX];
    r[3] = (uint32_t)c->gpr[R_EDX];
}

START_TEST(test_cpuid)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    uint32_t r[4], r1[4];
    char vendor[13];
    cpuid(c, 0, r);
    ck_assert_uint_eq(r[0], 1);
    memcpy(vendor, &r[1], 4);
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    vendor[12] = 0;
    ck_assert_str_eq(vendor, "GenuineIntel");
    cpuid(c, 1, r1);
    ck_assert_uint_eq((r1[0] >> 8) & 0xf, 6); /* family */
    ck_assert_uint_eq((r1[0] >> 4) & 0xf, 1); /* model */
    ck_assert_uint_eq(r1[1], 0);
    ck_assert_uint_eq(r1[2], 0);
    /* FPU DE PSE TSC MSR PAE CX8 SEP MTRR PGE CMOV PAT: bits 0 2-6 8 11-13 15 16. */
    ck_assert_uint_eq(r1[3], 0x0001b97du);
    cpuid(c, 0x80000000u, r);
    ck_assert_uint_eq(r[0], 0x80000000u);
    ck_assert_uint_eq(r[1] | r[2] | r[3], 0);
    /* Beyond the maximum: leaf 1's values. */
    cpuid(c, 2, r);
    ck_assert_mem_eq(r, r1, sizeof r);
    cpuid(c, 0x80000001u, r);
    ck_assert_mem_eq(r, r1, sizeof r);
    um_free(m);
}
END_TEST

/* WRMSR ecx, edx:eax; returns 0 or CPU_FAULT. */
static int wrmsr(struct cpu *c, uint32_t idx, uint64_t v)
{
    c->gpr[R_ECX] = idx;
    c->gpr[R_EDX] = (uint32_t)(v >> 32);
    c->gpr[R_EAX] = (uint32_t)v;
    return RUN(c, op_wrmsr, 0x0f, 0x30);
}

/* RDMSR ecx -> edx:eax (the test fails on a fault). */
static uint64_t rdmsr(struct cpu *c, uint32_t idx)
{
    c->gpr[R_ECX] = idx;
    ck_assert_int_eq(RUN(c, op_rdmsr, 0x0f, 0x32), 0);
    return (uint64_t)(uint32_t)c->gpr[R_EDX] << 32 | (uint32_t)c->gpr[R_EAX];
}

/* The MTRRs and the PAT (SDM vol. 3, 11.11 and 11.12): storage with the
 * value checks the SDM gives, the capabilities register read-only. */
START_TEST(test_mtrr_pat)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    ck_assert_uint_eq(rdmsr(c, 0x277), 0x0007040600070406ull); /* PAT at power-up */
    ck_assert_uint_eq(rdmsr(c, 0xfe), 0x508);                  /* 8 ranges, FIX, WC */
    assert_fault(c, wrmsr(c, 0xfe, 0x508), EXC_GP, 0);
    /* PAT: UC- (7) is a PAT type; 2 and 3 are reserved, as are bits 7:3. */
    ck_assert_int_eq(wrmsr(c, 0x277, 0x0706050401000706ull), 0);
    ck_assert_uint_eq(rdmsr(c, 0x277), 0x0706050401000706ull);
    assert_fault(c, wrmsr(c, 0x277, 0x0000000000000002ull), EXC_GP, 0);
    assert_fault(c, wrmsr(c, 0x277, 0x0000000000000800ull), EXC_GP, 0);
    /* MTRRdefType: E and FE with WB; bit 9 reserved; UC- is not an MTRR type. */
    ck_assert_int_eq(wrmsr(c, 0x2ff, 0xc06), 0);
    ck_assert_uint_eq(rdmsr(c, 0x2ff), 0xc06);
    assert_fault(c, wrmsr(c, 0x2ff, 0x206), EXC_GP, 0);
    assert_fault(c, wrmsr(c, 0x2ff, 0x007), EXC_GP, 0);
    /* Fixed ranges: each byte a type. */
    ck_assert_int_eq(wrmsr(c, 0x250, 0x0606060606060606ull), 0);
    ck_assert_int_eq(wrmsr(c, 0x26f, 0x0000000005050404ull), 0);
    ck_assert_uint_eq(rdmsr(c, 0x26f), 0x0000000005050404ull);
    assert_fault(c, wrmsr(c, 0x259, 0x0300000000000000ull), EXC_GP, 0);
    /* Variable ranges: base 35:12 and a type; mask 35:12 and V (bit 11). */
    ck_assert_int_eq(wrmsr(c, 0x200, 0x0000000f00000006ull), 0);
    ck_assert_int_eq(wrmsr(c, 0x201, 0x0000000ff0000800ull), 0);
    ck_assert_uint_eq(rdmsr(c, 0x201), 0x0000000ff0000800ull);
    assert_fault(c, wrmsr(c, 0x20e, 0x0000001000000006ull), EXC_GP, 0); /* bit 36 */
    assert_fault(c, wrmsr(c, 0x20f, 0x0000000000000400ull), EXC_GP, 0); /* bit 10 */
    assert_fault(c, wrmsr(c, 0x202, 0x0000000000000100ull), EXC_GP, 0); /* bit 8 */
    /* Past the eighth pair: no such MSR. */
    c->gpr[R_ECX] = 0x210;
    assert_fault(c, RUN(c, op_rdmsr, 0x0f, 0x32), EXC_GP, 0);
    um_free(m);
}
END_TEST

START_TEST(test_msr)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    /* Unknown MSR (0x8C, IA32_SGXLEPUBKEYHASH0 on later CPUs): #GP(0) for both. */
    c->gpr[R_ECX] = 0x8c;
    assert_fault(c, RUN(c, op_rdmsr, 0x0f, 0x32), EXC_GP, 0);
    assert_fault(c, RUN(c, op_wrmsr, 0x0f, 0x30), EXC_GP, 0);
    /* The microcode signature (0x8B): a write is taken and ignored, a read
     * gives revision 0 in EDX, as on a CPU with no update loaded. */
    c->gpr[R_ECX] = 0x8b;
    c->gpr[R_EDX] = 0x12345678;
    c->gpr[R_EAX] = 0;
    ck_assert_int_eq(RUN(c, op_wrmsr, 0x0f, 0x30), 0);
    c->gpr[R_EDX] = 0xffffffff;
    ck_assert_int_eq(RUN(c, op_rdmsr, 0x0f, 0x32), 0);
    ck_assert_uint_eq(c->gpr[R_EDX], 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0);
    /* SYSENTER_EIP round trip. */
    c->gpr[R_ECX] = 0x176;
    c->gpr[R_EDX] = 0;
    c->gpr[R_EAX] = 0xc0101234;
    ck_assert_int_eq(RUN(c, op_wrmsr, 0x0f, 0x30), 0);
    c->gpr[R_EAX] = 0;
    ck_assert_int_eq(RUN(c, op_rdmsr, 0x0f, 0x32), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0xc0101234u);
    /* TSC: write 0x1_00000000 at cycle 1000; 500 cycles later it reads +500. */
    c->cycles = 1000;
    c->gpr[R_ECX] = 0x10;
    c->gpr[R_EDX] = 1;
    c->gpr[R_EAX] = 0;
    ck_assert_int_eq(RUN(c, op_wrmsr, 0x0f, 0x30), 0);
    c->cycles = 1500;
    ck_assert_int_eq(RUN(c, op_rdtsc, 0x0f, 0x31), 0);
    ck_assert_uint_eq(c->gpr[R_EDX], 1);
    ck_assert_uint_eq(c->gpr[R_EAX], 500);
    /* EFER: no bit is implemented, so setting SCE is #GP(0). */
    c->gpr[R_ECX] = 0xc0000080u;
    c->gpr[R_EDX] = 0;
    c->gpr[R_EAX] = 1;
    assert_fault(c, RUN(c, op_wrmsr, 0x0f, 0x30), EXC_GP, 0);
    um_free(m);
}
END_TEST

START_TEST(test_sysenter_sysexit)
{
    struct unit_machine *m = pm_machine(3);
    struct cpu *c = &m->cpu;
    /* SYSENTER_CS = 0: #GP(0). */
    assert_fault(c, RUN(c, op_sysenter, 0x0f, 0x34), EXC_GP, 0);
    c->msr.sysenter_cs = S_CODE0;
    c->msr.sysenter_esp = 0x9100;
    c->msr.sysenter_eip = 0x6400;
    c->eflags |= FL_IF;
    ck_assert_int_eq(RUN(c, op_sysenter, 0x0f, 0x34), 0);
    ck_assert_int_eq(c->cpl, 0);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, S_CODE0);
    ck_assert_uint_eq(c->seg[SEG_SS].sel, S_DATA0);
    ck_assert_uint_eq(c->seg[SEG_CS].limit, 0xffffffffu);
    ck_assert_uint_eq(c->gpr[R_ESP], 0x9100);
    ck_assert_uint_eq(c->eip, 0x6400);
    ck_assert(!(c->eflags & FL_IF));
    /* SYSEXIT: CS = 0x08 + 16 = 0x18 | 3, SS = 0x20 | 3, EIP = EDX, ESP = ECX. */
    c->gpr[R_EDX] = 0x5100;
    c->gpr[R_ECX] = 0x7f00;
    ck_assert_int_eq(RUN(c, op_sysexit, 0x0f, 0x35), 0);
    ck_assert_int_eq(c->cpl, 3);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, S_CODE3 | 3);
    ck_assert_uint_eq(c->seg[SEG_SS].sel, S_DATA3 | 3);
    ck_assert_uint_eq(c->eip, 0x5100);
    ck_assert_uint_eq(c->gpr[R_ESP], 0x7f00);
    /* SYSEXIT from ring 3: #GP(0). */
    assert_fault(c, RUN(c, op_sysexit, 0x0f, 0x35), EXC_GP, 0);
    um_free(m);
}
END_TEST

START_TEST(test_esc_wait)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    /* EM = 1 (reset leaves it clear: an x87 is fitted): FNINIT (DB E3) is #NM. */
    c->cr0 |= CR0_EM;
    assert_fault(c, RUN(c, op_esc, 0xdb, 0xe3), EXC_NM, 0);
    /* EM = 0, TS = 0: the x87 (ops_fpu.c) answers; FNSTSW [0x600] stores its
     * power-up status word, 0. */
    c->cr0 &= ~(uint64_t)CR0_EM;
    wr16(m, 0x600, 0x5a5a);
    ck_assert_int_eq(RUN(c, op_esc, 0xdd, 0x3e, 0x00, 0x06), 0);
    ck_assert_uint_eq(rd32(m, 0x600) & 0xffff, 0x0000);
    /* WAIT: #NM only with TS and MP. */
    c->cr0 |= CR0_TS;
    ck_assert_int_eq(RUN(c, op_fwait, 0x9b), 0);
    assert_fault(c, RUN(c, op_esc, 0xd9, 0xc0), EXC_NM, 0);
    c->cr0 |= CR0_MP;
    assert_fault(c, RUN(c, op_fwait, 0x9b), EXC_NM, 0);
    um_free(m);
}
END_TEST

static Suite *system_suite(void)
{
    Suite *s = suite_create("system");
    TCase *t = tcase_create("descriptors");
    tcase_add_test(t, test_lldt_ltr);
    tcase_add_test(t, test_system_loads_cpl3);
    tcase_add_test(t, test_lar_lsl);
    tcase_add_test(t, test_lar_lsl_ring0);
    tcase_add_test(t, test_verr_verw);
    tcase_add_test(t, test_arpl);
    suite_add_tcase(s, t);
    t = tcase_create("registers");
    tcase_add_test(t, test_mov_cr);
    tcase_add_test(t, test_privileged_at_cpl3);
    tcase_add_test(t, test_lmsw_clts);
    tcase_add_test(t, test_mov_dr);
    tcase_add_test(t, test_lgdt_sgdt);
    tcase_add_test(t, test_cpuid);
    tcase_add_test(t, test_msr);
    tcase_add_test(t, test_mtrr_pat);
    tcase_add_test(t, test_sysenter_sysexit);
    tcase_add_test(t, test_esc_wait);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(system_suite());
}
