/*
 * test_tcache_near.c - near links between the threaded core's blocks
 * (tcache.h tcache_near(), threaded.h enter_near()): which successor links
 * the rule accepts (32-bit code, a plain end, a static target on the same
 * physical page), and that a chain through one still stops where the
 * switch core does: a successor patched by a store, an indirect jump whose
 * target changes, a CS limit that cuts the successor short (also with CS
 * based inside the page, its offsets there wrapping).
 */
#include "interp/tcache.h"
#include "intr_util.h"

#define PAGE2 (CODE_BASE + 0x1000u) /* the page after the code's */

/* A machine whose code page and the next are filled with NOPs. */
static struct unit_machine *nop_machine(void)
{
    struct unit_machine *m = pm_machine(0);
    memset(m->bus.ram + CODE_BASE, 0x90, 0x2000);
    ck_assert_ptr_nonnull(m->cpu.tcache = tcache_create(&m->bus));
    return m;
}

static void put(struct unit_machine *m, uint32_t off, const uint8_t *p, size_t n)
{
    um_load(m, CODE_BASE + off, p, n);
}

/* The block at address a, decoded with 32-bit (code32) or 16-bit sizes. */
static const struct block *blk(struct unit_machine *m, uint32_t a, bool code32)
{
    const struct block *b = tcache_get(m->cpu.tcache, a, code32, m->bus.ram + a);
    ck_assert_ptr_nonnull(b);
    return b;
}

static const struct block *at(struct unit_machine *m, uint32_t off)
{
    return blk(m, CODE_BASE + off, true);
}

static void free_machine(struct unit_machine *m)
{
    tcache_destroy(m->cpu.tcache);
    um_free(m);
}

/* The rule, block by block. */
START_TEST(t_near_rule)
{
    struct unit_machine *m = nop_machine();
    put(m, 0x000, (const uint8_t[]){0x75, 0x10}, 2);                   /* jne +0x10 */
    put(m, 0x020, (const uint8_t[]){0x74, 0xdc}, 2);                   /* je -0x24: page before */
    put(m, 0x100, (const uint8_t[]){0x0f, 0x85, 0x0a, 0x0f, 0, 0}, 6); /* jne 0x11010 */
    put(m, 0x200, (const uint8_t[]){0x74, 0x80}, 2);                   /* je -0x80 */
    put(m, 0x300, (const uint8_t[]){0xff, 0xe0}, 2);                   /* jmp eax */
    put(m, 0x400, (const uint8_t[]){0x66, 0xe9, 0x10, 0x00}, 4);       /* jmp (16-bit) +0x10 */
    put(m, 0x500, (const uint8_t[]){0xc2, 0x08, 0x00}, 3);             /* ret 8 */
    put(m, 0x600, (const uint8_t[]){0xe8, 0xfb, 0x00, 0, 0}, 5);       /* call 0x10700 */
    put(m, 0x610, (const uint8_t[]){0xe9, 0xeb, 0x00, 0, 0}, 5);       /* jmp 0x10700 */
    put(m, 0x620, (const uint8_t[]){0xeb, 0x1e}, 2);                   /* jmp 0x10640 */
    put(m, 0x800, (const uint8_t[]){0xfb}, 1);                         /* sti */
    put(m, 0x900, (const uint8_t[]){0x0f, 0x22, 0xd8}, 3);             /* mov cr3, eax */

    /* A Jcc: either way, where the target is. */
    const struct block *a = at(m, 0x000);
    ck_assert(tcache_near(a, 1, at(m, 0x012)));
    ck_assert(tcache_near(a, 0, at(m, 0x002)));
    ck_assert(!tcache_near(a, 1, at(m, 0x002))); /* not where it jumps */
    ck_assert(!tcache_near(a, 0, at(m, 0x012))); /* not where it falls through */
    ck_assert(!tcache_near(a, 1, blk(m, CODE_BASE + 0x012, false))); /* 16-bit successor */
    /* Off the page, forwards and backwards; inside it backwards. */
    ck_assert(!tcache_near(at(m, 0x020), 1, blk(m, CODE_BASE - 2, true)));
    ck_assert(!tcache_near(at(m, 0x100), 1, blk(m, PAGE2 + 0x10, true)));
    ck_assert(tcache_near(at(m, 0x200), 1, at(m, 0x182)));
    /* A target in a register, cut to 16 bits, or on the stack: never
     * for the jump, even when the successor sits at next + imm; the
     * fall-through still is one. */
    const struct block *ind = at(m, 0x300);
    ck_assert(!tcache_near(ind, 1, at(m, 0x302)));
    ck_assert(tcache_near(ind, 0, at(m, 0x302)));
    ck_assert(!tcache_near(at(m, 0x400), 1, at(m, 0x414)));
    ck_assert(!tcache_near(at(m, 0x500), 1, at(m, 0x50b)));
    /* CALL, JMP rel32 and JMP rel8. */
    ck_assert(tcache_near(at(m, 0x600), 1, at(m, 0x700)));
    ck_assert(tcache_near(at(m, 0x610), 1, at(m, 0x700)));
    ck_assert(tcache_near(at(m, 0x620), 1, at(m, 0x640)));
    /* 16-bit code, and ends that are not plain. */
    ck_assert(!tcache_near(blk(m, CODE_BASE, false), 1, blk(m, CODE_BASE + 0x12, false)));
    ck_assert(!tcache_near(at(m, 0x800), 0, at(m, 0x801)));
    ck_assert(!tcache_near(at(m, 0x900), 0, at(m, 0x903)));
    free_machine(m);
}
END_TEST

/* Both cores, each on its own machine with code prog, a #GP handler that
 * halts and EDX and ESI 0, in slices of `slice` cycles until the switch core
 * halts; pre (if any) runs on both machines before they start, mid (if
 * any) once `switch_at` cycles have run. Returns the threaded machine. */
static struct unit_machine *agree_from(const uint8_t *prog, size_t len, uint64_t slice,
                                       void (*pre)(struct unit_machine *), uint64_t switch_at,
                                       void (*mid)(struct unit_machine *))
{
    struct unit_machine *sw = nop_machine(), *th = nop_machine();
    code(sw, prog, len);
    code(th, prog, len);
    if (pre) {
        pre(sw);
        pre(th);
    }
    int_gate(sw, EXC_GP);
    int_gate(th, EXC_GP);
    um_load(sw, HANDLER(EXC_GP), &(uint8_t){0xf4}, 1);
    um_load(th, HANDLER(EXC_GP), &(uint8_t){0xf4}, 1);
    sw->cpu.gpr[R_EDX] = th->cpu.gpr[R_EDX] = 0; /* the counters */
    sw->cpu.gpr[R_ESI] = th->cpu.gpr[R_ESI] = 0;
    char what[64];
    snprintf(what, sizeof what, "slices of %llu cycles, slice", (unsigned long long)slice);
    bool switched = !mid;
    for (int k = 0; k < 100000 && sw->cpu.stop == CPU_RUNNING; k++) {
        if (!switched && sw->cpu.cycles >= switch_at) {
            mid(sw);
            mid(th);
            switched = true;
        }
        cores_run_agree(sw, th, sw->cpu.cycles + slice, what, (unsigned long long)k);
    }
    ck_assert(switched);
    ck_assert_int_eq(sw->cpu.stop, CPU_HALTED);
    ck_assert_int_eq(th->cpu.stop, CPU_HALTED);
    free_machine(sw);
    return th;
}

static struct unit_machine *agree(const uint8_t *prog, size_t len, uint64_t slice,
                                  uint64_t switch_at, void (*mid)(struct unit_machine *))
{
    return agree_from(prog, len, slice, NULL, switch_at, mid);
}

static const uint64_t slices[] = {1, 3, 7, 50, 1000};
#define NSLICES (sizeof slices / sizeof slices[0])

/* The successor of a near link is patched by a store made on the way to
 * it: from then on it runs as written. */
START_TEST(t_near_patch)
{
    static const uint8_t prog[] = {
        0x31, 0xc9,                                     /* xor ecx, ecx */
        0x31, 0xd2,                                     /* xor edx, edx */
        0x41,                                           /* L: inc ecx */
        0x83, 0xf9, 0x03,                               /* cmp ecx, 3 */
        0x75, 0x07,                                     /* jne M */
        0xc6, 0x05, 0x11, 0x00, 0x01, 0x00, 0x42,       /* mov byte [M], 0x42 (inc edx) */
        0x90,                                           /* M: nop, then inc edx */
        0x83, 0xf9, 0x06,                               /* cmp ecx, 6 */
        0x75, 0xed,                                     /* jne L */
        0xf4,                                           /* hlt */
    };
    for (size_t k = 0; k < NSLICES; k++) {
        struct unit_machine *th = agree(prog, sizeof prog, slices[k], 0, NULL);
        ck_assert_uint_eq(th->cpu.gpr[R_ECX], 6);
        ck_assert_uint_eq(th->cpu.gpr[R_EDX], 4); /* M as patched, at ecx = 3, 4, 5, 6 */
        free_machine(th);
    }
}
END_TEST

/* An indirect jump whose target alternates between two blocks on its page:
 * the fall-through one (slot 0, a near link) and another (slot 1, never
 * one), each counted. */
START_TEST(t_near_indirect)
{
    static const uint8_t prog[] = {
        0x31, 0xc9,                   /* xor ecx, ecx */
        0x41,                         /* L: inc ecx */
        0xf6, 0xc1, 0x01,             /* test cl, 1 */
        0x74, 0x07,                   /* jz E */
        0xb8, 0x16, 0x00, 0x01, 0x00, /* mov eax, T1 */
        0xeb, 0x05,                   /* jmp J */
        0xb8, 0x1b, 0x00, 0x01, 0x00, /* E: mov eax, T2 */
        0xff, 0xe0,                   /* J: jmp eax */
        0x83, 0xc2, 0x01,             /* T1 (0x16): add edx, 1 */
        0xeb, 0x03,                   /* jmp K */
        0x83, 0xc6, 0x01,             /* T2 (0x1b): add esi, 1 */
        0x83, 0xf9, 0x09,             /* K: cmp ecx, 9 */
        0x75, 0xdf,                   /* jne L */
        0xf4,                         /* hlt */
    };
    for (size_t k = 0; k < NSLICES; k++) {
        struct unit_machine *th = agree(prog, sizeof prog, slices[k], 0, NULL);
        ck_assert_uint_eq(th->cpu.gpr[R_EDX], 5); /* odd ECX */
        ck_assert_uint_eq(th->cpu.gpr[R_ESI], 4); /* even ECX */
        const struct block *j = tcache_find(th->cpu.tcache, CODE_BASE + 0x14, true);
        ck_assert_ptr_nonnull(j);
        ck_assert_uint_eq(j->near & 2, 0);
        free_machine(th);
    }
}
END_TEST

/* The loop of the limit cases: a near link from its Jcc to M. */
static const uint8_t limit_prog[] = {
    0x31, 0xc9,                         /* xor ecx, ecx */
    0x41,                               /* L: inc ecx */
    0x81, 0xf9, 0xe8, 0x03, 0x00, 0x00, /* cmp ecx, 1000 */
    0x73, 0x07,                         /* jae D */
    0x42, 0x42, 0x42, 0x42,             /* M: inc edx x4 */
    0xeb, 0xf1,                         /* jmp L */
    0x90,
    0xf4,                               /* D: hlt */
};

/* After the cut: the machine halted in the #GP handler, the fault at M's
 * third INC (EIP eip0 + 13), every pass before it whole, and (in slices
 * long enough for blocks to chain) the loop ran through the near link. */
static void limit_cut_checked(struct unit_machine *th, uint32_t eip0, uint64_t slice)
{
    ck_assert_uint_eq(th->cpu.eip, HANDLER(EXC_GP) + 1);
    ck_assert_uint_eq(rd32(th, STACK0_TOP - 12), eip0 + 13); /* EIP of the third INC */
    ck_assert_uint_eq(th->cpu.gpr[R_EDX], 4 * th->cpu.gpr[R_ECX] - 2);
    const struct block *l = tcache_find(th->cpu.tcache, CODE_BASE + 2, true);
    ck_assert_ptr_nonnull(l);
    if (slice >= 50)
        ck_assert_uint_eq(l->near, 1);
}

/* Cut the CS limit inside M, the near successor of the loop's Jcc. */
static void cut_limit(struct unit_machine *m)
{
    m->cpu.seg[SEG_CS].limit = CODE_BASE + 12; /* M's second INC is the last byte in it */
    cpu_seg_changed(&m->cpu, SEG_CS);
}

/* A loop runs with a near link from its Jcc to M; then the CS limit
 * shrinks (as a reload of CS would leave it) to cut M short: the next pass
 * runs M up to the limit and takes #GP at the instruction past it. */
START_TEST(t_near_limit)
{
    for (size_t k = 0; k < NSLICES; k++) {
        struct unit_machine *th = agree(limit_prog, sizeof limit_prog, slices[k], 400, cut_limit);
        limit_cut_checked(th, CODE_BASE, slices[k]);
        free_machine(th);
    }
}
END_TEST

/* CS based half a page into the code's page and 4 GiB long: the program,
 * still at linear CODE_BASE, runs at EIP 0xfffff800 on, offsets that wrap
 * below CS's base. A near link's successor on that page is inside the
 * limit only while the limit reaches it, which the page's span alone does
 * not tell (fetch_state()'s test of the base): the limit is cut inside M
 * as before, and the next pass takes #GP there. */
#define WRAP_BASE (CODE_BASE + 0x800u)
#define WRAP_EIP  ((uint32_t)(CODE_BASE - WRAP_BASE)) /* 0xfffff800 */

static void wrap_cs(struct unit_machine *m)
{
    m->cpu.seg[SEG_CS].base = WRAP_BASE;
    m->cpu.seg[SEG_CS].limit = 0xffffffffu;
    cpu_seg_changed(&m->cpu, SEG_CS);
    m->cpu.eip = WRAP_EIP;
}

static void cut_wrapped_limit(struct unit_machine *m)
{
    m->cpu.seg[SEG_CS].limit = WRAP_EIP + 12; /* M's second INC is the last byte in it */
    cpu_seg_changed(&m->cpu, SEG_CS);
}

START_TEST(t_near_limit_wrapped)
{
    for (size_t k = 0; k < NSLICES; k++) {
        struct unit_machine *th =
            agree_from(limit_prog, sizeof limit_prog, slices[k], wrap_cs, 400, cut_wrapped_limit);
        limit_cut_checked(th, WRAP_EIP, slices[k]);
        free_machine(th);
    }
}
END_TEST

static Suite *near_suite(void)
{
    Suite *s = suite_create("tcache_near");
    TCase *tc = tcase_create("near");
    tcase_add_test(tc, t_near_rule);
    tcase_add_test(tc, t_near_patch);
    tcase_add_test(tc, t_near_indirect);
    tcase_add_test(tc, t_near_limit);
    tcase_add_test(tc, t_near_limit_wrapped);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(near_suite());
}
