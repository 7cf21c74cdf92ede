/*
 * test_pae.c - PAE paging (core/mmu/paging.c; Intel SDM vol. 3, 4.4) on
 * tables built by hand in the unit machine's RAM: the three-level walk
 * with 8-byte entries, 2 MiB pages, reserved bits and the RSVD error bit,
 * accessed and dirty bits, rights combined over PDE and PTE, physical
 * addresses above 4 GiB, CR4.PAE's TLB flush, and the debugger's view of a
 * walk. Expected values are written out from the SDM, never computed by
 * the code under test; RAM is read back directly.
 */
#include "unit_util.h"

#include "interp/ops.h"
#include "mmu/mmu.h"

#define RAM_SIZE (8u << 20)
#define PDPT     0x10000u /* CR3: 32-byte aligned */
#define PD(i)    (0x20000u + (i) * 0x1000u) /* page directory of PDPTE i */
#define PT(i, j) (0x40000u + ((i) * 512u + (j)) * 0x1000u) /* table of PDE j of PD i */
#define P        PTE_P
#define RW       PTE_RW
#define US       PTE_US

static struct unit_machine *m;
static struct cpu *c;

/* PAE paging on, CPL 0, four empty page directories. */
static void setup(void)
{
    m = um_new(RAM_SIZE);
    c = &m->cpu;
    c->cr0 = CR0_PE | CR0_PG | CR0_ET;
    c->cr4 = CR4_PAE;
    c->cr3 = PDPT;
    c->cpl = 0;
}

static void teardown(void)
{
    um_free(m);
}

static uint64_t ram64(uint32_t pa)
{
    uint64_t v;
    memcpy(&v, m->bus.ram + pa, 8);
    return v;
}

static void set64(uint32_t pa, uint64_t v)
{
    memcpy(m->bus.ram + pa, &v, 8);
}

static uint32_t pdpte_addr(uint32_t lin) { return PDPT + (lin >> 30) * 8; }
static uint32_t pde_addr(uint32_t lin) { return PD(lin >> 30) + ((lin >> 21) & 511) * 8; }
static uint32_t pte_addr(uint32_t lin)
{
    return PT(lin >> 30, (lin >> 21) & 511) + ((lin >> 12) & 511) * 8;
}

/* Map the 4 KiB page of lin to phys with the given PDE and PTE flags. */
static void map(uint32_t lin, uint64_t phys, uint64_t pde_flags, uint64_t pte_flags)
{
    set64(pdpte_addr(lin), PD(lin >> 30) | P);
    set64(pde_addr(lin), PT(lin >> 30, (lin >> 21) & 511) | pde_flags);
    set64(pte_addr(lin), (phys & ~0xfffull) | pte_flags);
}

static void expect_pf(int r, uint32_t lin, uint32_t err)
{
    ck_assert_int_eq(r, CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_PF);
    ck_assert_uint_eq(c->exc.error, err);
    ck_assert_uint_eq(c->cr2, lin);
}

static int rd(uint32_t lin, bool user, uint32_t *v)
{
    c->cpl = user ? 3 : 0;
    return mmu_read_lin(c, lin, 4, v, 0);
}

static int wr(uint32_t lin, bool user, uint32_t v)
{
    c->cpl = user ? 3 : 0;
    return mmu_write_lin(c, lin, 4, v, 0);
}

START_TEST(walk_4k_each_pdpte)
{
    /* One page in each of the four 1 GiB quarters, each to its own frame. */
    static const uint32_t lin[4] = {0x00001000, 0x40203000, 0x80405000, 0xc0607000};
    for (int k = 0; k < 4; k++) {
        map(lin[k], 0x300000 + k * 0x1000, P | RW, P | RW);
        *(uint32_t *)(m->bus.ram + 0x300000 + k * 0x1000 + 0x10) = 0xabc0 + k;
    }
    for (int k = 0; k < 4; k++) {
        uint32_t v;
        ck_assert_int_eq(rd(lin[k] + 0x10, false, &v), 0);
        ck_assert_uint_eq(v, 0xabc0 + k);
    }
}
END_TEST

START_TEST(large_2m_page)
{
    set64(pdpte_addr(0x00600000), PD(0) | P);
    set64(pde_addr(0x00600000), 0x00400000 | PTE_PS | P | RW); /* 2 MiB at 4 MiB */
    ck_assert_int_eq(wr(0x007ffffc, false, 0x1234), 0); /* last dword of the page */
    uint32_t v;
    memcpy(&v, m->bus.ram + 0x005ffffc, 4);
    ck_assert_uint_eq(v, 0x1234);
    ck_assert_uint_eq(ram64(pde_addr(0x00600000)), 0x00400000 | PTE_PS | P | RW | PTE_A | PTE_D);
    /* CR4.PSE does not matter for PAE's large pages. */
    ck_assert_uint_eq(c->cr4 & CR4_PSE, 0);
}
END_TEST

START_TEST(not_present_each_level)
{
    uint32_t v;
    expect_pf(rd(0x40001000, false, &v), 0x40001000, 0); /* PDPTE not present */
    set64(pdpte_addr(0x40001000), PD(1) | P);
    expect_pf(wr(0x40001000, true, 1), 0x40001000, PF_ERR_W | PF_ERR_U); /* PDE */
    set64(pde_addr(0x40001000), PT(1, 0) | P | RW | US);
    expect_pf(rd(0x40001008, true, &v), 0x40001008, PF_ERR_U); /* PTE */
}
END_TEST

START_TEST(reserved_bits_rsvd)
{
    uint32_t v;
    uint32_t err = PF_ERR_P | PF_ERR_RSVD;
    /* PTE bit 40 (above MAXPHYADDR 36). */
    map(0x1000, 0x5000, P | RW, P | RW | (1ull << 40));
    expect_pf(rd(0x1000, false, &v), 0x1000, err);
    /* PTE bit 63: XD, reserved because there is no NX. */
    map(0x1000, 0x5000, P | RW, P | RW | (1ull << 63));
    expect_pf(wr(0x1000, false, 0), 0x1000, err | PF_ERR_W);
    /* A 2 MiB PDE's bit 13 (bits 20:13 are reserved). */
    set64(pde_addr(0x00200000), 0x00200000 | (1ull << 13) | PTE_PS | P | RW);
    expect_pf(rd(0x00200000, false, &v), 0x00200000, err);
    /* A PDPTE's bit 1 (R/W has no place there). */
    set64(pdpte_addr(0x80000000), PD(2) | P | RW);
    expect_pf(rd(0x80000000, true, &v), 0x80000000, err | PF_ERR_U);
    /* A fault leaves no accessed bit. */
    ck_assert_uint_eq(ram64(pde_addr(0x1000)) & PTE_A, 0);
}
END_TEST

START_TEST(accessed_dirty_bits)
{
    map(0x2000, 0x6000, P | RW, P | RW);
    uint32_t v;
    ck_assert_int_eq(rd(0x2000, false, &v), 0);
    ck_assert_uint_eq(ram64(pdpte_addr(0x2000)), PD(0) | P); /* no A in a PAE PDPTE */
    ck_assert_uint_eq(ram64(pde_addr(0x2000)), PT(0, 0) | P | RW | PTE_A);
    ck_assert_uint_eq(ram64(pte_addr(0x2000)), 0x6000 | P | RW | PTE_A);
    ck_assert_int_eq(wr(0x2004, false, 7), 0);
    ck_assert_uint_eq(ram64(pte_addr(0x2000)), 0x6000 | P | RW | PTE_A | PTE_D);
    ck_assert_uint_eq(ram64(pde_addr(0x2000)), PT(0, 0) | P | RW | PTE_A); /* no D in a PDE */
}
END_TEST

START_TEST(rights_combined)
{
    uint32_t v;
    map(0x3000, 0x7000, P | US, P | RW | US); /* PDE read-only */
    ck_assert_int_eq(rd(0x3000, true, &v), 0);
    expect_pf(wr(0x3000, true, 1), 0x3000, PF_ERR_P | PF_ERR_W | PF_ERR_U);
    map(0x00203000, 0x8000, P | RW, P | RW | US); /* PDE supervisor */
    expect_pf(rd(0x00203000, true, &v), 0x00203000, PF_ERR_P | PF_ERR_U);
    c->cr0 |= CR0_WP;
    expect_pf(wr(0x3000, false, 1), 0x3000, PF_ERR_P | PF_ERR_W);
}
END_TEST

START_TEST(above_4g_reads_all_ones)
{
    /* A page at 64 GiB - 4 KiB: no RAM there; the bus answers all ones. */
    map(0x4000, 0xffffff000ull, P | RW, P | RW);
    uint32_t v = 0;
    ck_assert_int_eq(rd(0x4000, false, &v), 0);
    ck_assert_uint_eq(v, 0xffffffffu);
    /* ... and never aliases RAM at the same low 32 bits. */
    map(0x5000, 0x100006000ull, P | RW, P | RW);
    *(uint32_t *)(m->bus.ram + 0x6000) = 0x11111111;
    ck_assert_int_eq(rd(0x5000, false, &v), 0);
    ck_assert_uint_eq(v, 0xffffffffu);
}
END_TEST

START_TEST(cr4_pae_change_flushes)
{
    /* The same linear page under PAE and under 32-bit paging maps to
     * different frames; turning PAE off through MOV CR4 must not leave
     * the PAE translation in the TLB. */
    map(0x1000, 0x5000, P | RW, P | RW);
    uint32_t v;
    *(uint32_t *)(m->bus.ram + 0x5000) = 0x55;
    *(uint32_t *)(m->bus.ram + 0x9000) = 0x99;
    ck_assert_int_eq(rd(0x1000, false, &v), 0);
    ck_assert_uint_eq(v, 0x55);
    /* 32-bit tables at 0x60000: PDE 0 -> PT 0x61000, PTE 1 -> 0x9000. */
    *(uint32_t *)(m->bus.ram + 0x60000) = 0x61000 | P | RW;
    *(uint32_t *)(m->bus.ram + 0x61004) = 0x9000 | P | RW;
    c->gpr[R_EAX] = 0;
    static const uint8_t mov_cr4_eax[] = {0x0f, 0x22, 0xe0}; /* MOV CR4, EAX */
    c->cr3 = 0x60000;
    c->code32 = true;
    ck_assert_int_eq(um_run_handler(m, op_mov_Cd_Rd, mov_cr4_eax, sizeof mov_cr4_eax), 0);
    ck_assert_uint_eq(c->cr4 & CR4_PAE, 0);
    ck_assert_int_eq(rd(0x1000, false, &v), 0);
    ck_assert_uint_eq(v, 0x99);
}
END_TEST

START_TEST(peek_walk_levels)
{
    map(0xc0201000, 0x345000, P | RW | US, P | US);
    struct mmu_walk w;
    ck_assert_int_eq(mmu_peek_walk(c, 0xc0201abc, &w), 0);
    ck_assert(w.pae);
    ck_assert_int_eq(w.levels, 3);
    ck_assert_uint_eq(w.addr[0], PDPT + 3 * 8);
    ck_assert_uint_eq(w.addr[1], PD(3) + 1 * 8);
    ck_assert_uint_eq(w.addr[2], PT(3, 1) + 1 * 8);
    ck_assert_uint_eq(w.entry[2], 0x345000 | P | US);
    ck_assert_uint_eq(w.phys, 0x345abc);
    ck_assert_uint_eq(w.page_size, 4096);
    ck_assert_uint_eq(w.rights & (PTE_RW | PTE_US), PTE_US);
    /* A peek sets nothing. */
    ck_assert_uint_eq(ram64(pte_addr(0xc0201000)) & PTE_A, 0);
}
END_TEST

static Suite *pae_suite(void)
{
    Suite *s = suite_create("pae");
    TCase *t = tcase_create("walk");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, walk_4k_each_pdpte);
    tcase_add_test(t, large_2m_page);
    tcase_add_test(t, not_present_each_level);
    tcase_add_test(t, reserved_bits_rsvd);
    tcase_add_test(t, accessed_dirty_bits);
    tcase_add_test(t, rights_combined);
    tcase_add_test(t, above_4g_reads_all_ones);
    tcase_add_test(t, cr4_pae_change_flushes);
    tcase_add_test(t, peek_walk_levels);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(pae_suite());
}
