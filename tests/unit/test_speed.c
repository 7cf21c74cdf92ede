/*
 * test_speed.c - the fast paths of the speed work, held to the answers of
 * the slow paths they skip.
 *
 * mmu.c's fast path (fast_entry) takes a data access straight to RAM when
 * the segment is a plain data segment and the TLB already holds the page.
 * Each test here warms the TLB with a good access first, so that the fast
 * path is the one asked, and then makes an access the slow path must
 * refuse or watch: a read-only or expand-down segment, an execute-only code
 * segment, the limit, a misaligned access under CR0.AM and EFLAGS.AC at
 * CPL 3, a DR7 data breakpoint, a supervisor page at CPL 3, a clean page's
 * first write (the dirty bit). A fast path that took any of them would
 * fail here.
 *
 * tcache.c marks register-only instructions, after which the threaded core
 * skips its recheck of the fetch translation; the last test checks the
 * marks on instructions that must and must not have them.
 */
#include "interp/tcache.h"
#include "mmu/mmu.h"
#include "unit_util.h"

#define RAM_SIZE  (2u << 20)
#define DATA      0x20000u /* a page of data */
#define PD_BASE   0x40000u /* identity page tables for the paging test */
#define PT_BASE   0x41000u
#define CODE_BASE 0x50000u

#define DATA_RW     (SEG_ATTR_P | SEG_ATTR_S | SEG_TYPE_WRITABLE)
#define DATA_RO     (SEG_ATTR_P | SEG_ATTR_S)
#define CODE_X      (SEG_ATTR_P | SEG_ATTR_S | SEG_TYPE_CODE)
#define FLAT        (SEG_ATTR_DB | SEG_ATTR_G)

static struct unit_machine *m;
static struct cpu *c;

static void setup(void)
{
    m = um_new(RAM_SIZE);
    c = &m->cpu;
    c->cr0 |= CR0_PE;
    for (int s = SEG_ES; s <= SEG_GS; s++)
        c->seg[s] = seg_make(0x10, 0, 0xffffffffu, DATA_RW | FLAT);
    c->seg[SEG_CS] = seg_make(0x08, 0, 0xffffffffu, CODE_X | SEG_TYPE_READABLE | FLAT);
    cpu_update_mode(c); /* derives seg_flat: cpu.h */
}

static void teardown(void)
{
    um_free(m);
}

/* A read and a write at DS:off that succeed: the TLB now holds the page
 * with the rights and the dirty bit, and the fast path is the one asked. */
static void warm(uint32_t off)
{
    uint32_t v;
    ck_assert_int_eq(mmu_write(c, SEG_DS, off, 4, 0x11223344u), 0);
    ck_assert_int_eq(mmu_read(c, SEG_DS, off, 4, &v), 0);
    ck_assert_uint_eq(v, 0x11223344u);
}

static void expect_fault(int r, int vec)
{
    ck_assert_int_eq(r, CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, vec);
}

START_TEST(t_read_only_segment)
{
    warm(DATA);
    c->seg[SEG_DS].attr = DATA_RO | FLAT;
    cpu_seg_changed(c, SEG_DS); /* changed in place: cpu.h */
    expect_fault(mmu_write(c, SEG_DS, DATA, 4, 0), EXC_GP);
    ck_assert_uint_eq(m->bus.ram[DATA], 0x44); /* nothing written */
}
END_TEST

START_TEST(t_expand_down_segment)
{
    uint32_t v;
    warm(DATA);
    /* Expand-down with limit DATA + 0xff: offsets up to the limit are out. */
    c->seg[SEG_DS] = seg_make(0x10, 0, DATA + 0xff, DATA_RW | SEG_TYPE_EXPDOWN | FLAT);
    cpu_update_mode(c);
    expect_fault(mmu_read(c, SEG_DS, DATA, 4, &v), EXC_GP);
    ck_assert_int_eq(mmu_read(c, SEG_DS, DATA + 0x100, 4, &v), 0);
}
END_TEST

START_TEST(t_execute_only_and_limit)
{
    uint32_t v;
    warm(DATA);
    c->seg[SEG_DS].attr = CODE_X | FLAT;
    cpu_seg_changed(c, SEG_DS); /* changed in place: cpu.h */
    expect_fault(mmu_read(c, SEG_DS, DATA, 4, &v), EXC_GP);
    c->seg[SEG_DS] = seg_make(0x10, 0, DATA + 2, DATA_RW);
    cpu_update_mode(c);
    expect_fault(mmu_read(c, SEG_DS, DATA, 4, &v), EXC_GP);
    c->seg[SEG_SS] = seg_make(0x10, 0, DATA + 2, DATA_RW);
    cpu_update_mode(c);
    expect_fault(mmu_write(c, SEG_SS, DATA, 4, 0), EXC_SS);
    c->seg[SEG_DS].attr = 0; /* a null selector's cache */
    cpu_seg_changed(c, SEG_DS); /* changed in place: cpu.h */
    expect_fault(mmu_read(c, SEG_DS, DATA, 1, &v), EXC_GP);
}
END_TEST

START_TEST(t_alignment_check)
{
    uint32_t v;
    c->seg[SEG_CS].sel |= 3; /* CPL 3 */
    cpu_update_mode(c);
    ck_assert_uint_eq(c->cpl, 3);
    warm(DATA);
    c->cr0 |= CR0_AM;
    c->eflags |= FL_AC;
    expect_fault(mmu_read(c, SEG_DS, DATA + 1, 2, &v), EXC_AC);
    ck_assert_int_eq(mmu_read(c, SEG_DS, DATA + 2, 2, &v), 0);
}
END_TEST

START_TEST(t_data_breakpoint)
{
    uint32_t v;
    warm(DATA);
    c->dr[0] = DATA;
    c->dr[7] = 0x1u | (3u << 16) | (3u << 18); /* L0, read/write, 4 bytes */
    mmu_watch_changed(c); /* mmu.h */
    ck_assert_int_eq(mmu_read(c, SEG_DS, DATA, 4, &v), 0);
    ck_assert_uint_eq(c->dr6_pending & DR6_B0, DR6_B0);
}
END_TEST

/* Paging with one supervisor page and one clean user page. */
START_TEST(t_paging_rights_and_dirty)
{
    uint32_t v, *pd = (uint32_t *)(m->bus.ram + PD_BASE), *pt = (uint32_t *)(m->bus.ram + PT_BASE);
    pd[0] = PT_BASE | PTE_P | PTE_RW | PTE_US;
    for (uint32_t k = 0; k < 1024; k++)
        pt[k] = (k << 12) | PTE_P | PTE_RW | PTE_US;
    pt[DATA >> 12] &= ~PTE_US; /* supervisor only */
    c->cr3 = PD_BASE;
    c->cr0 |= CR0_PG;
    mmu_flush(c, true);
    warm(DATA); /* at CPL 0 */
    c->seg[SEG_CS].sel |= 3; /* CPL 3 */
    cpu_update_mode(c);
    expect_fault(mmu_read(c, SEG_DS, DATA, 4, &v), EXC_PF);
    ck_assert_uint_eq(c->exc.error, PF_ERR_P | PF_ERR_U);
    /* A page first read, then written: the write walks to set D. */
    uint32_t clean = DATA + 0x1000;
    ck_assert_int_eq(mmu_read(c, SEG_DS, clean, 4, &v), 0);
    ck_assert_uint_eq(pt[clean >> 12] & PTE_D, 0);
    ck_assert_int_eq(mmu_write(c, SEG_DS, clean, 4, 5), 0);
    ck_assert_uint_eq(pt[clean >> 12] & PTE_D, PTE_D);
}
END_TEST

START_TEST(t_blocks_end_at_sti_and_system)
{
    /* A block of the threaded core ends after STI and after every system
     * instruction (tcache.c, ends_block): inside a block only the notice
     * word and the clock are tested, and these change what must be
     * checked (the interrupt window, IF, CR0, DR7, the TLB) without a
     * notice. The ordinary instructions around them do not end it. */
    static const uint8_t code[] = {
        0x01, 0xd8,       /* add eax, ebx */
        0x01, 0x18,       /* add [eax], ebx */
        0xfb,             /* sti: ends the first block (3) */
        0xfa,             /* cli */
        0xec,             /* in al, dx */
        0x0f, 0x20, 0xd8, /* mov eax, cr3: ends the second (3) */
        0x0f, 0x06,       /* clts: alone (1) */
        0x0f, 0x01, 0x38, /* invlpg [eax]: alone (1) */
        0x89, 0xc3,       /* mov ebx, eax */
        0xf4,             /* hlt: ends the last (2) */
    };
    static const struct {
        uint32_t off;
        int n;
    } want[] = {{0, 3}, {5, 3}, {10, 1}, {12, 1}, {15, 2}};
    um_load(m, CODE_BASE, code, sizeof code);
    struct tcache *tc = tcache_create(&m->bus);
    ck_assert_ptr_nonnull(tc);
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        uint32_t pa = CODE_BASE + want[k].off;
        const struct block *b = tcache_get(tc, pa, true, m->bus.ram + pa);
        ck_assert_ptr_nonnull(b);
        ck_assert_msg(b->n == want[k].n, "block at +%u: %d instructions, want %d", want[k].off,
                      b->n, want[k].n);
    }
    tcache_destroy(tc);
}
END_TEST

static Suite *speed_suite(void)
{
    Suite *s = suite_create("speed");
    TCase *t = tcase_create("fast paths");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, t_read_only_segment);
    tcase_add_test(t, t_expand_down_segment);
    tcase_add_test(t, t_execute_only_and_limit);
    tcase_add_test(t, t_alignment_check);
    tcase_add_test(t, t_data_breakpoint);
    tcase_add_test(t, t_paging_rights_and_dirty);
    tcase_add_test(t, t_blocks_end_at_sti_and_system);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(speed_suite());
}
