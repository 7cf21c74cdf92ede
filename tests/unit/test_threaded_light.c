/*
 * test_threaded_light.c - the threaded core's light and semi-light entries
 * (threaded.h, tcache_forms.c plan_light(), ops_fast_try.h): which entries a
 * block runs without bookkeeping, what the others pay for them, and above
 * all that the switch core and the threaded core still stop at the same
 * boundary whatever the deadline: a deadline inside a run of light entries,
 * a TLB miss that adds cycles in the middle of one (a semi-light load that
 * turns heavy), a store into the running block from a semi-light store,
 * also through a TLB entry filled before the page held code.
 * test_threaded.c has the block cache's other tests and the random
 * programs.
 */
#include "interp/ops_fast.h"
#include "interp/tcache.h"
#include "intr_util.h"
#include "mmu/mmu.h"

#define DATA       0x30000u  /* the loop's counter in memory */
#define COLLIDE    0x130000u /* linear page whose TLB slot is DATA's (paging: mapped in RAM) */
#define PD_BASE    0x40000u
#define PT_BASE    0x41000u
#define ITERATIONS 40

/* mov ecx, 0
 * L: mov eax, [DATA]; add eax, 3; mov [DATA], eax; lea ebx, [eax+ecx*2+4];
 *    imul edx, ebx; add [DATA+4], ebx; dec dword [DATA+8]; cmp [DATA+4], ecx;
 *    cld; push edx; pop esi; movzx edi, word [COLLIDE]; inc ecx;
 *    cmp ecx, ITERATIONS; jne L
 * hlt
 * All of the loop but CLD (a generic handler) and the JNE is light or
 * semi-light. */
static const uint8_t loop_prog[] = {
    0xb9, 0, 0, 0, 0,                         /* mov ecx, 0 */
    0x8b, 0x05, 0x00, 0x00, 0x03, 0x00,       /* L: mov eax, [DATA] */
    0x83, 0xc0, 0x03,                         /* add eax, 3 */
    0x89, 0x05, 0x00, 0x00, 0x03, 0x00,       /* mov [DATA], eax */
    0x8d, 0x5c, 0x48, 0x04,                   /* lea ebx, [eax+ecx*2+4] */
    0x0f, 0xaf, 0xd3,                         /* imul edx, ebx */
    0x01, 0x1d, 0x04, 0x00, 0x03, 0x00,       /* add [DATA+4], ebx */
    0xff, 0x0d, 0x08, 0x00, 0x03, 0x00,       /* dec dword [DATA+8] */
    0x39, 0x0d, 0x04, 0x00, 0x03, 0x00,       /* cmp [DATA+4], ecx */
    0xfc,                                     /* cld */
    0x52,                                     /* push edx */
    0x5e,                                     /* pop esi */
    0x0f, 0xb7, 0x3d, 0x00, 0x00, 0x13, 0x00, /* movzx edi, word [COLLIDE] */
    0x41,                                     /* inc ecx */
    0x83, 0xf9, ITERATIONS,                   /* cmp ecx, ITERATIONS */
    0x75, 0xc8,                               /* jne L */
    0xf4,                                     /* hlt */
};
#define LOOP_AT 5 /* offset of L */

/* More setup for every machine of a test, if set. */
static void (*also)(struct unit_machine *m);

static struct unit_machine *machine(const uint8_t *prog, size_t len, bool paging)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    code(m, prog, len);
    if (also)
        also(m);
    if (paging) {
        /* Identity for the first 4 MiB but COLLIDE, which maps to RAM at
         * 0x50000: its loads evict DATA's TLB entry, so the next load of
         * DATA walks (CYCLES_WALK_LEVEL a level) in the middle of a run. */
        wr32(m, PD_BASE, PT_BASE | 3);
        for (uint32_t k = 0; k < 1024; k++)
            wr32(m, PT_BASE + 4 * k, (k << 12) | 3);
        wr32(m, PT_BASE + 4 * (COLLIDE >> 12), 0x50000u | 3);
        wr32(m, 0x50000u, 0x1234);
        c->cr3 = PD_BASE;
        c->cr0 |= CR0_PG;
    }
    ck_assert_ptr_nonnull(c->tcache = tcache_create(&m->bus));
    return m;
}

static void free_machine(struct unit_machine *m)
{
    tcache_destroy(m->cpu.tcache);
    um_free(m);
}

/* Run prog on both cores in slices of `slice` cycles until it halts,
 * comparing the CPUs and RAM after every slice; returns the threaded
 * machine for more checks. */
static struct unit_machine *run_sliced(const uint8_t *prog, size_t len, bool paging,
                                       uint64_t slice)
{
    struct unit_machine *sw = machine(prog, len, paging), *th = machine(prog, len, paging);
    char what[64];
    snprintf(what, sizeof what, "slices of %llu cycles, slice", (unsigned long long)slice);
    for (int k = 0; k < 100000 && sw->cpu.stop == CPU_RUNNING; k++)
        cores_run_agree(sw, th, sw->cpu.cycles + slice, what, (unsigned long long)k);
    ck_assert_int_eq(sw->cpu.stop, CPU_HALTED);
    ck_assert_int_eq(th->cpu.stop, CPU_HALTED);
    free_machine(sw);
    return th;
}

/* The cost of entries from..to-1 of b. */
static uint32_t cost_of(const struct block *b, int from, int to)
{
    uint32_t sum = 0;
    for (int k = from; k < to; k++) {
        ck_assert_uint_ne(b->e[k].cost, CYCLES_DYNAMIC);
        sum += b->e[k].cost;
    }
    return sum;
}

/* The loop's block: every entry but CLD and the JNE light or semi-light;
 * the block's head is the cost of the eight before CLD, CLD's post that of
 * the five after it, and each semi-light entry's post the cost of the rest
 * of its run. */
START_TEST(t_plan)
{
    struct unit_machine *m = machine(loop_prog, sizeof loop_prog, false);
    const struct block *b =
        tcache_get(m->cpu.tcache, CODE_BASE + LOOP_AT, true, m->bus.ram + CODE_BASE + LOOP_AT);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(b->n, 15);
    ck_assert_uint_eq(b->e[b->n].xop, FAST_BLOCK_END);
#ifdef LAB86_NO_COMPUTED_GOTO
    /* The portable build has no specialised forms, so no light entries. */
    for (int k = 0; k < b->n; k++)
        ck_assert_msg(!b->e[k].light && b->e[k].post == 0, "entry %d", k);
    ck_assert_uint_eq(b->head, 0);
    free_machine(m);
    return;
#endif
    for (int k = 0; k < b->n; k++)
        ck_assert_msg(b->e[k].light == (k != 8 && k != 14), "entry %d", k);
    ck_assert(!b->light_tail);
    ck_assert_uint_eq(b->head, cost_of(b, 0, 8));
    ck_assert_uint_eq(b->nhead, 8);
    ck_assert_uint_eq(b->e[8].post, cost_of(b, 9, 14)); /* CLD */
    ck_assert_uint_eq(b->e[8].npost, 5);
    ck_assert_uint_eq(b->e[0].post, cost_of(b, 1, 8)); /* the load */
    ck_assert_uint_eq(b->e[0].npost, 7);
    ck_assert_uint_eq(b->e[2].post, cost_of(b, 3, 8)); /* the store */
    ck_assert_uint_eq(b->e[2].npost, 5);
    ck_assert_uint_eq(b->e[6].post, cost_of(b, 7, 8)); /* the DEC of memory */
    ck_assert_uint_eq(b->e[7].post, 0);                /* the CMP, last before CLD */
    ck_assert_uint_eq(b->e[11].post, cost_of(b, 12, 14)); /* the MOVZX */
    ck_assert_uint_eq(b->e[14].post, 0);
    free_machine(m);
}
END_TEST

/* Every deadline, one cycle at a time and in slices of other lengths: the
 * threaded core stops where the switch core does, with the same state. */
START_TEST(t_every_deadline)
{
    static const uint64_t slices[] = {1, 2, 3, 5, 8, 13, 47, 50, 61, 97, 150, 1000};
    for (size_t k = 0; k < sizeof slices / sizeof slices[0]; k++) {
        struct unit_machine *th = run_sliced(loop_prog, sizeof loop_prog, false, slices[k]);
        ck_assert_uint_eq(th->cpu.gpr[R_ECX], ITERATIONS);
        ck_assert_uint_eq(th->bus.ram[DATA], 3 * ITERATIONS);
        ck_assert_uint_eq(rd32(th, DATA + 8), (uint32_t)-ITERATIONS);
        free_machine(th);
    }
}
END_TEST

/* The same with paging on, where a load of DATA misses the TLB in every
 * iteration: the semi-light load turns heavy and its walk adds cycles in
 * the middle of the run the JNE before it paid for. */
START_TEST(t_every_deadline_paging)
{
    static const uint64_t slices[] = {1, 2, 3, 7, 47, 61, 97, 1000};
    for (size_t k = 0; k < sizeof slices / sizeof slices[0]; k++) {
        struct unit_machine *th = run_sliced(loop_prog, sizeof loop_prog, true, slices[k]);
        ck_assert_uint_eq(th->cpu.gpr[R_EDI], 0x1234);
        ck_assert_uint_ge(th->cpu.tlb.misses, 2 * ITERATIONS);
        free_machine(th);
    }
}
END_TEST

/* A 32-bit store (a semi-light entry) into the instructions right after it
 * in the same block: they run as written, on both cores. */
START_TEST(t_store_into_block)
{
    static const uint8_t prog[] = {
        0xb8, 0x41, 0x41, 0x41, 0x41,       /* mov eax, 0x41414141 (inc ecx x4) */
        0x89, 0x05, 0x0c, 0x00, 0x01, 0x00, /* mov [CODE_BASE + 12], eax */
        0x90,                               /* nop */
        0x90, 0x90, 0x90, 0x90,             /* CODE_BASE + 12: becomes inc ecx x4 */
        0xf4,                               /* hlt */
    };
    static const uint64_t slices[] = {1, 4, 1000};
    for (size_t k = 0; k < sizeof slices / sizeof slices[0]; k++) {
        struct unit_machine *th = run_sliced(prog, sizeof prog, false, slices[k]);
        ck_assert_uint_eq(th->cpu.gpr[R_ECX], 4);
        free_machine(th);
    }
}
END_TEST

/* A page the CPU stored to before it held code: its TLB slot has a write
 * fast tag, filled before the threaded core's cache existed. Once a block
 * is decoded there and the CPU runs blocks (tcache_bind() derives its tags
 * again), a semi-light store into that block takes the slow path, which
 * drops the block, and the code runs as written. */
START_TEST(t_store_filled_before_code)
{
    static const uint8_t prog[] = {
        0xc7, 0x05, 0x30, 0x00, 0x01, 0x00, 0x90, 0x90, 0x90, 0x90, /* mov dword [T], 0x90909090 */
        0xf4,                                                       /* hlt */
        0xb8, 0x41, 0x41, 0x41, 0x41,       /* 0x0b: mov eax, 0x41414141 (inc ecx x4) */
        0x89, 0x05, 0x30, 0x00, 0x01, 0x00, /* mov [T], eax */
        0xeb, 0x18,                         /* jmp T */
    };
    static const uint8_t t[] = {0x90, 0x90, 0x90, 0x90, 0xf4}; /* T (0x30): nop x4, hlt */
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    code(m, prog, sizeof prog);
    um_load(m, CODE_BASE + 0x30, t, sizeof t);
    c->gpr[R_ECX] = 0;
    cpu_run(c, 1000); /* the switch core: the store fills the slot with a write tag */
    ck_assert_int_eq(c->stop, CPU_HALTED);
    unsigned k = (CODE_BASE >> 12) & (TLB_ENTRIES - 1);
    ck_assert_uint_eq(c->tlb.fast[k][1][0], TLB_FAST_TAG(CODE_BASE >> 12));
    ck_assert_ptr_nonnull(c->tcache = tcache_create(&m->bus));
    /* Both blocks decoded before the CPU runs any: no decode while it runs
     * tells its TLB of the page. */
    for (uint32_t at = CODE_BASE + 0x0b; at <= CODE_BASE + 0x30; at += 0x30 - 0x0b)
        ck_assert_ptr_nonnull(tcache_get(c->tcache, at, true, m->bus.ram + at));
    c->stop = CPU_RUNNING;
    c->eip = CODE_BASE + 0x0b;
    cpu_run_threaded(c, c->cycles + 1000);
    ck_assert_int_eq(c->stop, CPU_HALTED);
    ck_assert_uint_eq(c->gpr[R_ECX], 4);
    ck_assert_uint_eq(c->tlb.fast[k][1][0], 0); /* no write fast tag on a page with code */
    free_machine(m);
}
END_TEST

/* A Jcc ends its block and chains in place (threaded.h, jcc_end()): one to
 * the very next instruction (both ways lead there), one with a 16-bit
 * operand whose target wraps to 16 bits, and one whose target is past the
 * CS limit: #GP at the Jcc, on both cores alike. */
static void gp_world(struct unit_machine *m)
{
    static const uint8_t at_4000[] = {
        0x31, 0xc0,                         /* xor eax, eax */
        0x0f, 0x84, 0xf8, 0xbf, 0x02, 0x00, /* jz 0x30000: past the CS limit */
    };
    int_gate(m, EXC_GP);
    um_load(m, HANDLER(EXC_GP), &(uint8_t){0xf4}, 1);
    um_load(m, 0x4000, at_4000, sizeof at_4000);
    m->cpu.seg[SEG_CS].limit = 0x2ffff;
}

START_TEST(t_jcc_ends)
{
    static const uint8_t prog[] = {
        0xb9, 0x03, 0x00, 0x00, 0x00,       /* mov ecx, 3 */
        0x49,                               /* L: dec ecx */
        0x74, 0x00,                         /* jz $+2 */
        0x75, 0xfb,                         /* jnz L */
        0x66, 0x0f, 0x84, 0xf1, 0x3f,       /* je (16-bit) 0x1000f + 0x3ff1 -> 0x4000 */
        0xf4,                               /* hlt (not reached) */
    };
    static const uint64_t slices[] = {1, 2, 5, 1000};
    also = gp_world;
    for (size_t k = 0; k < sizeof slices / sizeof slices[0]; k++) {
        struct unit_machine *th = run_sliced(prog, sizeof prog, false, slices[k]);
        ck_assert_uint_eq(th->cpu.eip, HANDLER(EXC_GP) + 1);
        ck_assert_uint_eq(th->cpu.stats.exceptions, 1);
        ck_assert_uint_eq(rd32(th, STACK0_TOP - 12), 0x4002); /* the Jcc's EIP, under CS and EFLAGS */
        free_machine(th);
    }
    also = NULL;
}
END_TEST

static Suite *light_suite(void)
{
    Suite *s = suite_create("threaded_light");
    TCase *tc = tcase_create("light");
    tcase_add_test(tc, t_plan);
    tcase_add_test(tc, t_every_deadline);
    tcase_add_test(tc, t_every_deadline_paging);
    tcase_add_test(tc, t_store_into_block);
    tcase_add_test(tc, t_store_filled_before_code);
    tcase_add_test(tc, t_jcc_ends);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(light_suite());
}
