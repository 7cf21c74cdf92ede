/*
 * test_threaded.c - the threaded core (exec_threaded.c) and its block cache
 * (tcache.c): where blocks end, chaining, self-modifying code, and above
 * all that it ends in the same state as the switch core.
 *
 * The block tests build blocks straight from RAM with tcache_get() and look
 * at their length. The equivalence tests run the same program on two
 * machines, one with cpu_run() and one with cpu_run_threaded(), in slices
 * of the same lengths, and compare the machines after every slice with
 * cpu_diff() and a comparison of RAM. The programs come from a generator
 * with a fixed seed: ALU and memory instructions, forward branches, counted
 * loops, REP STOSB, stores into code that is about to run, port writes that
 * raise the INTR line, CLI and STI (the interrupt shadow), with and without
 * paging.
 */
#include "interp/tcache.h"
#include "intr_util.h"
#include "mmu/mmu.h"

#define DATA_BASE  0x30000u  /* the random programs' data: 1 KiB */
#define EVICT_BASE 0x110000u /* data whose TLB slots are the code's: they evict it */
#define PD_BASE    0x40000u  /* identity page tables for the paging runs */
#define PT_BASE    0x41000u
#define IRQ_VEC    0x20    /* the vector the test "controller" answers */
#define PORT_RAISE 0x80    /* OUT here raises INTR */
#define CODE_MAX   0x3000u /* bytes of generated code at most */

static const uint8_t nop = 0x90, hlt = 0xf4;

/* --- helpers --- */

static struct tcache *cache_of(struct unit_machine *m)
{
    struct tcache *tc = tcache_create(&m->bus);
    ck_assert_ptr_nonnull(tc);
    m->cpu.tcache = tc;
    return tc;
}

static void free_machine(struct unit_machine *m)
{
    tcache_destroy(m->cpu.tcache);
    um_free(m);
}

/* Put the translation of lin in the TLB, as a first fetch would, so that
 * the threaded core enters a block there at once. */
static void warm_tlb(struct unit_machine *m, uint32_t lin)
{
    struct tlb_entry e;
    ck_assert_int_eq(mmu_tlb_entry(&m->cpu, lin, MMU_EXEC, false, false, &e), 0);
}

static const struct block *block_at(struct unit_machine *m, uint32_t pa)
{
    return tcache_get(m->cpu.tcache, pa, true, m->bus.ram + pa);
}

/* --- where blocks end --- */

START_TEST(t_block_ends_at_jump)
{
    /* inc eax; inc ebx; add eax, ebx; jmp short $; nop */
    static const uint8_t prog[] = {0x40, 0x43, 0x01, 0xd8, 0xeb, 0xfe, 0x90};
    struct unit_machine *m = pm_machine(0);
    cache_of(m);
    code(m, prog, sizeof prog);
    const struct block *b = block_at(m, CODE_BASE);
    ck_assert_uint_eq(b->n, 4);
    ck_assert_uint_eq(b->bytes, 6);
    ck_assert_ptr_eq(tcache_find(m->cpu.tcache, CODE_BASE, true), b);
    ck_assert_ptr_null(tcache_find(m->cpu.tcache, CODE_BASE, false));
    free_machine(m);
}
END_TEST

START_TEST(t_block_ends_at_page_end)
{
    struct unit_machine *m = pm_machine(0);
    cache_of(m);
    for (uint32_t k = 0; k < 16; k++)
        um_load(m, CODE_BASE + 0xff8 + k, &nop, 1);
    const struct block *b = block_at(m, CODE_BASE + 0xff8);
    ck_assert_uint_eq(b->n, 8); /* the NOPs of the next page are another block */
    ck_assert_uint_eq(b->bytes, 8);
    /* mov eax, imm32 crossing the page: left to the switch core */
    static const uint8_t mov[] = {0xb8, 1, 2, 3, 4};
    um_load(m, CODE_BASE + 0x1ffd, mov, sizeof mov);
    ck_assert_ptr_null(block_at(m, CODE_BASE + 0x1ffd));
    um_load(m, CODE_BASE + 0x1ffc, &nop, 1);
    ck_assert_uint_eq(block_at(m, CODE_BASE + 0x1ffc)->n, 1);
    free_machine(m);
}
END_TEST

START_TEST(t_block_ends_at_rep_and_system)
{
    /* inc eax; rep movsb; inc eax */
    static const uint8_t rep[] = {0x40, 0xf3, 0xa4, 0x40};
    /* movsb (no REP) does not end it */
    static const uint8_t movsb[] = {0x40, 0xa4, 0x40, 0xf4};
    /* mov cr0, eax; lmsw ax; mov dr7, eax; mov ss, ax each end a block */
    static const uint8_t sys[] = {0x0f, 0x22, 0xc0, 0x0f, 0x01, 0xf0, 0x0f, 0x23, 0xf8, 0x8e, 0xd0};
    struct unit_machine *m = pm_machine(0);
    cache_of(m);
    code(m, rep, sizeof rep);
    ck_assert_uint_eq(block_at(m, CODE_BASE)->n, 2);
    um_load(m, CODE_BASE + 0x100, movsb, sizeof movsb);
    ck_assert_uint_eq(block_at(m, CODE_BASE + 0x100)->n, 4);
    um_load(m, CODE_BASE + 0x200, sys, sizeof sys);
    ck_assert_uint_eq(block_at(m, CODE_BASE + 0x200)->n, 1);
    ck_assert_uint_eq(block_at(m, CODE_BASE + 0x203)->n, 1);
    ck_assert_uint_eq(block_at(m, CODE_BASE + 0x206)->n, 1);
    ck_assert_uint_eq(block_at(m, CODE_BASE + 0x209)->n, 1);
    free_machine(m);
}
END_TEST

START_TEST(t_block_max_length)
{
    struct unit_machine *m = pm_machine(0);
    cache_of(m);
    for (uint32_t k = 0; k < 40; k++)
        um_load(m, CODE_BASE + k, &nop, 1);
    ck_assert_uint_eq(block_at(m, CODE_BASE)->n, BLOCK_MAX);
    free_machine(m);
}
END_TEST

/* --- running --- */

/* A loop of 100 iterations: one block decoded, entered through its chain. */
START_TEST(t_chaining)
{
    /* mov ecx, 100; L: inc eax; add ebx, 2; loop L; hlt */
    static const uint8_t prog[] = {0xb9, 100, 0, 0, 0, 0x40, 0x83, 0xc3, 0x02, 0xe2, 0xfa, 0xf4};
    struct unit_machine *m = pm_machine(0);
    struct tcache_stats st;
    code(m, prog, sizeof prog);
    cpu_run_threaded(&m->cpu, 100000);
    ck_assert_int_eq(m->cpu.stop, CPU_HALTED);
    ck_assert_uint_eq(m->cpu.gpr[R_EAX], 100);
    ck_assert_uint_eq(m->cpu.gpr[R_EBX], 200);
    ck_assert_uint_eq(m->cpu.instructions, 1 + 300 + 1);
    tcache_get_stats(m->cpu.tcache, &st);
    ck_assert_uint_le(st.built, 4);
    ck_assert_uint_ge(st.chained, 95);
    free_machine(m);
}
END_TEST

/* A guest store into a block drops it; a store elsewhere in the page, in a
 * line without code, does not. */
START_TEST(t_store_invalidates)
{
    static const uint8_t prog[] = {0x40, 0x40, 0xeb, 0xfe};
    struct unit_machine *m = pm_machine(0);
    struct tcache *tc = cache_of(m);
    struct tcache_stats st;
    code(m, prog, sizeof prog);
    const struct block *b = block_at(m, CODE_BASE);
    ck_assert(b->valid);
    ck_assert_int_eq(mmu_write(&m->cpu, SEG_DS, CODE_BASE + 0x800, 4, 0x12345678), 0);
    ck_assert(b->valid);
    ck_assert_int_eq(mmu_write(&m->cpu, SEG_DS, CODE_BASE + 1, 1, 0x48), 0);
    ck_assert(!b->valid);
    ck_assert_ptr_null(tcache_find(tc, CODE_BASE, true));
    tcache_get_stats(tc, &st);
    ck_assert_uint_eq(st.invalidated, 1);
    /* bus writes (page walks, devices) are watched too */
    b = block_at(m, CODE_BASE);
    bus_mem_write(&m->bus, CODE_BASE + 3, 0xfd, 1);
    ck_assert(!b->valid);
    free_machine(m);
}
END_TEST

/* A store to the next instruction of the running block takes effect. */
START_TEST(t_store_into_running_block)
{
    /* mov byte [CODE_BASE + 8], 0x43 ; (patches the inc eax below into inc ebx)
     * nop; inc eax; hlt */
    static const uint8_t prog[] = {0xc6, 0x05, 0x08, 0x00, 0x01, 0x00, 0x43, 0x90, 0x40, 0xf4};
    struct unit_machine *m = pm_machine(0);
    struct tcache_stats st;
    code(m, prog, sizeof prog);
    warm_tlb(m, CODE_BASE);
    cpu_run_threaded(&m->cpu, 1000);
    ck_assert_int_eq(m->cpu.stop, CPU_HALTED);
    ck_assert_uint_eq(m->cpu.gpr[R_EAX], 0);
    ck_assert_uint_eq(m->cpu.gpr[R_EBX], 1);
    tcache_get_stats(m->cpu.tcache, &st);
    ck_assert_uint_eq(st.built, 2); /* the block as loaded, and from the NOP on as patched */
    ck_assert_uint_eq(st.invalidated, 1);
    free_machine(m);
}
END_TEST

/* TF set (and, after a POPF, cleared): the threaded core steps aside while
 * it is set, and the #DB traps come where the switch core has them. */
START_TEST(t_single_step_steps_aside)
{
    /* inc eax x3; pushfd; and dword [esp], ~TF; popfd; inc eax x3; hlt */
    static const uint8_t prog[] = {0x40, 0x40, 0x40, 0x9c, 0x81, 0x24, 0x24, 0xff,
                                   0xfe, 0xff, 0xff, 0x9d, 0x40, 0x40, 0x40, 0xf4};
    static const uint8_t iret = 0xcf;
    struct unit_machine *m[2];
    char report[1024];
    for (int k = 0; k < 2; k++) {
        m[k] = pm_machine(0);
        int_gate(m[k], EXC_DB);
        um_load(m[k], HANDLER(EXC_DB), &iret, 1);
        code(m[k], prog, sizeof prog);
        warm_tlb(m[k], CODE_BASE);
        m[k]->cpu.eflags |= FL_TF;
    }
    cpu_run(&m[0]->cpu, 10000);
    cpu_run_threaded(&m[1]->cpu, 10000);
    ck_assert_int_eq(m[1]->cpu.stop, CPU_HALTED);
    ck_assert_uint_eq(m[1]->cpu.gpr[R_EAX], 6);
    ck_assert_uint_eq(m[1]->cpu.instructions, 10 + 6); /* six IRETs from the traps */
    ck_assert_msg(cpu_diff(&m[0]->cpu, &m[1]->cpu, report, sizeof report) == 0, "%s", report);
    um_free(m[0]);
    free_machine(m[1]);
}
END_TEST

/* RF is cleared as each instruction starts (it suppresses breakpoints for
 * one instruction only), in a block as in the switch core. */
START_TEST(t_rf_cleared)
{
    /* inc eax; pushfd; pop ebx; hlt */
    static const uint8_t prog[] = {0x40, 0x9c, 0x5b, 0xf4};
    struct unit_machine *m = pm_machine(0);
    code(m, prog, sizeof prog);
    warm_tlb(m, CODE_BASE);
    m->cpu.eflags |= FL_RF;
    cpu_run_threaded(&m->cpu, 1000);
    ck_assert_uint_eq(m->cpu.gpr[R_EBX] & FL_RF, 0);
    ck_assert_uint_eq(m->cpu.eflags & FL_RF, 0);
    free_machine(m);
}
END_TEST

/* cpu_diff() reports what differs, one line each. */
START_TEST(t_diff_reports)
{
    struct unit_machine *a = pm_machine(0), *b = pm_machine(0);
    char out[512];
    ck_assert_int_eq(cpu_diff(&a->cpu, &b->cpu, out, sizeof out), 0);
    ck_assert_str_eq(out, "");
    b->cpu.gpr[R_EDX] = 5;
    b->cpu.cycles = 7;
    b->cpu.seg[SEG_SS].limit = 0x1234;
    cpu_seg_changed(&b->cpu, SEG_SS); /* changed in place: cpu.h */
    ck_assert_int_eq(cpu_diff(&a->cpu, &b->cpu, out, sizeof out), 3);
    ck_assert_ptr_nonnull(strstr(out, "edx: 00000619 | 00000005\n")); /* EDX at reset */
    ck_assert_ptr_nonnull(strstr(out, "cycles: 0 | 7\n"));
    ck_assert_ptr_nonnull(strstr(out, "ss.limit: ffffffff | 00001234\n"));
    ck_assert_int_eq(cpu_diff(&a->cpu, &b->cpu, out, 8), 3); /* truncated, still counted */
    ck_assert_uint_eq(strlen(out), 7);
    um_free(a);
    um_free(b);
}
END_TEST

/* --- the switch core and the threaded core agree --- */

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 20) % n;
}

/* Offsets of the one-byte INC/DEC instructions generated so far: where the
 * programs' stores into code may point. */
static uint32_t singles[1024];
static int n_singles;

/* A register a program may change freely: not ESP, not ECX (loops). */
static int free_reg(void)
{
    static const uint8_t r[] = {R_EAX, R_EDX, R_EBX, R_EBP, R_ESI, R_EDI};
    return r[rnd(sizeof r)];
}

/* A data address: mostly the data area; sometimes a page that shares its
 * TLB slot with the code (beyond RAM without paging, mapped to the data
 * area with it), so that the code's translation is evicted mid-block. */
static uint32_t data_addr(void)
{
    uint32_t page = rnd(4) == 0 ? EVICT_BASE + 0x1000 * rnd(3) : DATA_BASE;
    return page + 4 * rnd(256);
}

static int put32(uint8_t *p, uint32_t v)
{
    st_le(p, v, 4);
    return 4;
}

/* One simple instruction that does not jump, at p (offset off in the
 * program); returns its length. */
static int gen_simple(uint8_t *p, uint32_t off)
{
    int d = free_reg(), s = free_reg();
    switch (rnd(10)) {
    case 0: p[0] = (uint8_t)(0xb8 + d); return 1 + put32(p + 1, rnd(1u << 31) * 3u);
    case 1:
        p[0] = (uint8_t)(8 * rnd(8) + 1);
        p[1] = (uint8_t)(0xc0 | s << 3 | d);
        return 2;
    case 2:
        p[0] = 0x83;
        p[1] = (uint8_t)(0xc0 | rnd(8) << 3 | d);
        p[2] = (uint8_t)rnd(256);
        return 3;
    case 3:
        p[0] = (uint8_t)(0x40 + 8 * rnd(2) + d);
        if (n_singles < 1024)
            singles[n_singles++] = off;
        return 1;
    case 4:
        p[0] = 0xc1;
        p[1] = (uint8_t)(0xc0 | (4 + rnd(4)) << 3 | d);
        p[2] = (uint8_t)(1 + rnd(31));
        return 3;
    case 5:
        p[0] = 0x89;
        p[1] = (uint8_t)(0x05 | s << 3);
        return 2 + put32(p + 2, data_addr());
    case 6:
        p[0] = 0x8b;
        p[1] = (uint8_t)(0x05 | d << 3);
        return 2 + put32(p + 2, data_addr());
    case 7:
        p[0] = (uint8_t)(0x50 + s);
        p[1] = (uint8_t)(0x58 + d);
        return 2;
    case 8:
        p[0] = 0x0f;
        p[1] = (uint8_t)(0x40 + rnd(16));
        p[2] = (uint8_t)(0xc0 | d << 3 | s);
        return 3;
    default:
        p[0] = 0x0f;
        p[1] = 0xaf;
        p[2] = (uint8_t)(0xc0 | d << 3 | s);
        return 3;
    }
}

/* Where a program's "store into code" instructions point, filled in once
 * the code after them exists: one-byte INC/DEC instructions ahead. */
struct patch {
    uint32_t at;   /* offset of the disp32 to fill */
    uint32_t from; /* offset after the store */
};

/* One random construct at p (offset off in the program); returns its length. */
static int gen_construct(uint8_t *p, uint32_t off, struct patch *pt, int *npt)
{
    int n;
    switch (rnd(14)) {
    case 0: /* Jcc over the next instruction */
        n = gen_simple(p + 2, off + 2);
        p[0] = (uint8_t)(0x70 + rnd(16));
        p[1] = (uint8_t)n;
        return 2 + n;
    case 1: /* mov ecx, k; L: simple; loop L */
        p[0] = 0xb9;
        put32(p + 1, 1 + rnd(5));
        n = gen_simple(p + 5, off + 5);
        p[5 + n] = 0xe2;
        p[6 + n] = (uint8_t)(-(n + 2));
        return 7 + n;
    case 2: /* mov edi, data; mov ecx, k; rep stosb */
        p[0] = 0xbf;
        put32(p + 1, DATA_BASE + rnd(512));
        p[5] = 0xb9;
        put32(p + 6, rnd(40));
        p[10] = 0xf3;
        p[11] = 0xaa;
        return 12;
    case 3: /* mov byte [code ahead], INC/DEC: self-modifying code */
        p[0] = 0xc6;
        p[1] = 0x05;
        pt[(*npt)++] = (struct patch){off + 2, off + 7};
        p[6] = (uint8_t)(0x40 + 8 * rnd(2) + free_reg());
        return 7;
    case 4:
        p[0] = 0xe6;
        p[1] = PORT_RAISE;
        return 2;                                  /* out 0x80, al: INTR */
    case 5: p[0] = rnd(2) ? 0xfa : 0xfb; return 1; /* cli / sti */
    default: return gen_simple(p, off);
    }
}

/* Point every store into code at a one-byte INC/DEC a little after it (or
 * at the data area when there is none). */
static void fill_patches(uint8_t *code_buf, const struct patch *pt, int npt)
{
    for (int k = 0; k < npt; k++) {
        uint32_t target = DATA_BASE + 1020;
        for (int j = 0; j < n_singles; j++) {
            if (singles[j] >= pt[k].from && rnd(3) == 0) {
                target = CODE_BASE + singles[j];
                break;
            }
        }
        put32(code_buf + pt[k].at, target);
    }
}

/* The test interrupt controller: OUT to PORT_RAISE raises INTR, the INTA
 * cycle lowers it and answers IRQ_VEC. */
static void port_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    (void)off, (void)v, (void)size;
    ((struct cpu *)opaque)->intr_line = true;
}

static int intr_ack(void *opaque)
{
    ((struct cpu *)opaque)->intr_line = false;
    return IRQ_VEC;
}

/* A machine running program prog (len bytes), optionally with paging. */
static struct unit_machine *program_machine(const uint8_t *prog, uint32_t len, bool paging)
{
    static const uint8_t iret = 0xcf;
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    code(m, prog, len);
    int_gate(m, IRQ_VEC);
    um_load(m, HANDLER(IRQ_VEC), &iret, 1);
    ck_assert_int_eq(bus_map_io(&m->bus, PORT_RAISE, 1, NULL, port_write, c), 0);
    c->intr_ack = intr_ack;
    c->intr_opaque = c;
    c->eflags |= FL_IF;
    if (paging) {
        wr32(m, PD_BASE, PT_BASE | 3);
        for (uint32_t k = 0; k < 1024; k++)
            wr32(m, PT_BASE + 4 * k, (k << 12) | 3);
        for (uint32_t k = 0; k < 3; k++)
            wr32(m, PT_BASE + 4 * ((EVICT_BASE >> 12) + k), (DATA_BASE + 0x1000 * (k + 1)) | 3);
        c->cr3 = PD_BASE;
        c->cr0 |= CR0_PG;
    }
    return m;
}

/* Run both machines in slices of random length until both halt; compare
 * after every slice. */
static void run_both(struct unit_machine *sw, struct unit_machine *th, uint64_t seed)
{
    char what[64];
    snprintf(what, sizeof what, "seed %llu slice", (unsigned long long)seed);
    for (int slice = 0; slice < 20000; slice++) {
        cores_run_agree(sw, th, sw->cpu.cycles + 1 + rnd(120), what, (unsigned long long)slice);
        if (sw->cpu.stop != CPU_RUNNING)
            return;
    }
    ck_abort_msg("seed %llu: the program did not halt", (unsigned long long)seed);
}

static void random_programs(bool paging, uint64_t first_seed, int count)
{
    static uint8_t prog[CODE_MAX + 64];
    struct patch pt[256];
    struct tcache_stats sum = {0}, st;
    uint64_t interrupts = 0;
    for (int t = 0; t < count; t++) {
        uint64_t seed = first_seed + (uint64_t)t;
        int npt = 0;
        uint32_t len = 0;
        rng = seed * 0x9e3779b97f4a7c15ull | 1;
        n_singles = 0;
        while (len < 200 + rnd(600) && npt < 250)
            len += (uint32_t)gen_construct(prog + len, len, pt, &npt);
        prog[len++] = hlt;
        fill_patches(prog, pt, npt);
        struct unit_machine *sw = program_machine(prog, len, paging);
        struct unit_machine *th = program_machine(prog, len, paging);
        run_both(sw, th, seed);
        tcache_get_stats(th->cpu.tcache, &st);
        sum.chained += st.chained;
        sum.invalidated += st.invalidated;
        interrupts += th->cpu.stats.interrupts;
        um_free(sw);
        free_machine(th);
    }
    /* The programs did exercise what they are for. */
    ck_assert_uint_gt(sum.chained, 100);
    ck_assert_uint_gt(sum.invalidated, 100);
    ck_assert_uint_gt(interrupts, 100);
}

START_TEST(t_same_as_switch_flat)
{
    random_programs(false, 1, 300);
}
END_TEST

START_TEST(t_same_as_switch_paging)
{
    random_programs(true, 100001, 300);
}
END_TEST

static Suite *threaded_suite(void)
{
    Suite *s = suite_create("threaded");
    TCase *tc = tcase_create("blocks");
    tcase_add_test(tc, t_block_ends_at_jump);
    tcase_add_test(tc, t_block_ends_at_page_end);
    tcase_add_test(tc, t_block_ends_at_rep_and_system);
    tcase_add_test(tc, t_block_max_length);
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_add_test(tc, t_chaining);
    tcase_add_test(tc, t_store_invalidates);
    tcase_add_test(tc, t_store_into_running_block);
    tcase_add_test(tc, t_single_step_steps_aside);
    tcase_add_test(tc, t_rf_cleared);
    tcase_add_test(tc, t_diff_reports);
    suite_add_tcase(s, tc);
    tc = tcase_create("equivalence");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, t_same_as_switch_flat);
    tcase_add_test(tc, t_same_as_switch_paging);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(threaded_suite());
}
