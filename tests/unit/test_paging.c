/*
 * test_paging.c - 32-bit paging and the TLB (core/mmu/paging.c, tlb.h) on
 * page tables built by hand in the unit machine's RAM.
 *
 * Every expected value here is written out from the SDM (vol. 3, 4.3 to
 * 4.10): error codes as numbers, entries as the bits the walk must leave,
 * physical addresses as the tables say. RAM is read back directly, never
 * through the MMU under test.
 */
#include "unit_util.h"

#include "mmu/mmu.h"

#define RAM_SIZE (8u << 20) /* room for a 4 MiB page at 4 MiB */
#define PD       0x10000u   /* page directory */
#define PT_BASE  0x20000u   /* page table for PDE i at PT_BASE + i * 4 KiB */
#define P        PTE_P
#define RW       PTE_RW
#define US       PTE_US

static struct unit_machine *m;
static struct cpu *c;

/* Paging on, CPL 0, CR3 = PD, an empty page directory. */
static void setup(void)
{
    m = um_new(RAM_SIZE);
    c = &m->cpu;
    c->cr0 = CR0_PE | CR0_PG | CR0_ET;
    c->cr3 = PD;
    c->cpl = 0;
}

static void teardown(void)
{
    um_free(m);
}

static uint32_t ram32(uint32_t pa)
{
    uint32_t v;
    memcpy(&v, m->bus.ram + pa, 4);
    return v;
}

static void set32(uint32_t pa, uint32_t v)
{
    memcpy(m->bus.ram + pa, &v, 4);
}

static uint32_t pde_addr(uint32_t lin)
{
    return PD + (lin >> 22) * 4;
}

static uint32_t pte_addr(uint32_t lin)
{
    return PT_BASE + (lin >> 22) * 0x1000 + ((lin >> 12) & 0x3ff) * 4;
}

/* Map the 4 KiB page of lin to phys with the given PDE and PTE flags. */
static void map(uint32_t lin, uint32_t phys, uint32_t pde_flags, uint32_t pte_flags)
{
    set32(pde_addr(lin), (PT_BASE + (lin >> 22) * 0x1000) | pde_flags);
    set32(pte_addr(lin), (phys & 0xfffff000u) | pte_flags);
}

static void expect_pf(int r, uint32_t lin, uint32_t err)
{
    ck_assert_int_eq(r, CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_PF);
    ck_assert(c->exc.has_error);
    ck_assert_uint_eq(c->exc.error, err);
    ck_assert_uint_eq(c->cr2, lin);
}

/* An access of kind acc at lin, user or not, through mmu_read_lin/write_lin. */
static int access(uint32_t lin, int acc, bool user)
{
    uint32_t v;
    c->cpl = user ? 3 : 0;
    if (acc == MMU_WRITE)
        return mmu_write_lin(c, lin, 4, 0x5a5a5a5a, 0);
    return mmu_read_lin(c, lin, 4, &v, 0);
}

/* --- #PF error codes --- */

/* The four kinds of access and the W and U bits each puts in a #PF. */
static const struct access_kind {
    int acc;
    bool user;
    uint32_t err;
} kinds[4] = {
    {MMU_READ, false, 0},
    {MMU_WRITE, false, PF_ERR_W},
    {MMU_READ, true, PF_ERR_U},
    {MMU_WRITE, true, PF_ERR_W | PF_ERR_U},
};

START_TEST(pf_pde_not_present)
{
    for (unsigned i = 0; i < 4; i++)
        expect_pf(access(0x00403abc, kinds[i].acc, kinds[i].user), 0x00403abc, kinds[i].err);
    uint64_t pa;
    expect_pf(mmu_translate(c, 0x00403abc, MMU_WRITE, true, &pa), 0x00403abc, 6);
}
END_TEST

START_TEST(pf_pte_not_present)
{
    map(0x00800000, 0x100000, P | RW | US, 0);
    for (unsigned i = 0; i < 4; i++)
        expect_pf(access(0x00800ffd, kinds[i].acc, kinds[i].user), 0x00800ffd, kinds[i].err);
}
END_TEST

START_TEST(pf_user_read_supervisor_page)
{
    map(0x1000, 0x5000, P | RW | US, P | RW);
    ck_assert_int_eq(access(0x1000, MMU_READ, false), 0);
    expect_pf(access(0x1004, MMU_READ, true), 0x1004, 5);
    expect_pf(access(0x1008, MMU_WRITE, true), 0x1008, 7);
}
END_TEST

START_TEST(pf_user_write_readonly)
{
    map(0x2000, 0x5000, P | RW | US, P | US);
    ck_assert_int_eq(access(0x2000, MMU_READ, true), 0);
    expect_pf(access(0x2010, MMU_WRITE, true), 0x2010, 7);
    ck_assert_uint_eq(ram32(0x5010), 0);
}
END_TEST

START_TEST(supervisor_write_readonly_wp)
{
    map(0x3000, 0x6000, P | US, P | US); /* read-only at both levels */
    ck_assert_int_eq(mmu_write_lin(c, 0x3020, 4, 0x11223344, 0), 0);
    ck_assert_uint_eq(ram32(0x6020), 0x11223344);
    c->cr0 |= CR0_WP;
    mmu_flush(c, true);
    expect_pf(mmu_write_lin(c, 0x3024, 4, 0x55667788, 0), 0x3024, 3);
    ck_assert_uint_eq(ram32(0x6024), 0);
}
END_TEST

/* U/S and R/W are ANDed over the two levels (SDM 4.6). */
START_TEST(rights_combined_over_levels)
{
    static const struct {
        uint32_t pde, pte;
        int acc;
        bool user, wp;
        int err; /* -1: no fault */
    } k[] = {
        {P | US, P | RW | US, MMU_WRITE, true, false, 7}, /* PDE read-only */
        {P | RW | US, P | US, MMU_WRITE, true, false, 7}, /* PTE read-only */
        {P | RW, P | RW | US, MMU_READ, true, false, 5},  /* PDE supervisor */
        {P | RW | US, P | RW, MMU_READ, true, false, 5},  /* PTE supervisor */
        {P | RW | US, P | RW | US, MMU_WRITE, true, false, -1},
        {P | US, P | RW | US, MMU_WRITE, false, true, 3},   /* WP: PDE read-only */
        {P | RW | US, P | US, MMU_WRITE, false, true, 3},   /* WP: PTE read-only */
        {P | US, P | RW | US, MMU_WRITE, false, false, -1}, /* no WP: allowed */
        {P, P, MMU_READ, false, true, -1},                  /* supervisor read */
    };
    for (unsigned i = 0; i < sizeof k / sizeof k[0]; i++) {
        map(0x7000, 0x9000, k[i].pde, k[i].pte);
        c->cr0 = k[i].wp ? (c->cr0 | CR0_WP) : (c->cr0 & ~CR0_WP);
        mmu_flush(c, true);
        int r = access(0x7abc, k[i].acc, k[i].user);
        if (k[i].err < 0)
            ck_assert_msg(r == 0, "case %u faulted", i);
        else
            expect_pf(r, 0x7abc, (uint32_t)k[i].err);
    }
}
END_TEST

/* MMU_SUPER accesses (GDT, IDT, TSS) are supervisor ones even at CPL 3. */
START_TEST(super_flag_at_cpl3)
{
    uint32_t v;
    map(0x4000, 0x8000, P | RW, P); /* supervisor, read-only */
    set32(0x8010, 0xcafef00d);
    c->cpl = 3;
    ck_assert_int_eq(mmu_read_lin(c, 0x4010, 4, &v, MMU_SUPER), 0);
    ck_assert_uint_eq(v, 0xcafef00d);
    ck_assert_int_eq(mmu_write_lin(c, 0x4014, 4, 1, MMU_SUPER), 0); /* WP = 0 */
    expect_pf(mmu_read_lin(c, 0x4010, 4, &v, 0), 0x4010, 5);
    expect_pf(mmu_write_lin(c, 0x00c00000, 4, 1, MMU_SUPER), 0x00c00000, 2); /* no U bit */
}
END_TEST

/* --- accessed and dirty bits --- */

START_TEST(ad_bits_read_then_write)
{
    map(0x5000, 0xa000, P | RW | US, P | RW | US);
    uint32_t pde0 = ram32(pde_addr(0x5000)), pte0 = ram32(pte_addr(0x5000));
    ck_assert_int_eq(access(0x5000, MMU_READ, false), 0);
    ck_assert_uint_eq(ram32(pde_addr(0x5000)), pde0 | PTE_A);
    ck_assert_uint_eq(ram32(pte_addr(0x5000)), pte0 | PTE_A);
    ck_assert_int_eq(access(0x5004, MMU_WRITE, false), 0);
    ck_assert_uint_eq(ram32(pde_addr(0x5000)), pde0 | PTE_A); /* no D in a PDE */
    ck_assert_uint_eq(ram32(pte_addr(0x5000)), pte0 | PTE_A | PTE_D);
}
END_TEST

START_TEST(ad_bits_write_first)
{
    map(0x5000, 0xa000, P | RW, P | RW);
    ck_assert_int_eq(access(0x5000, MMU_WRITE, false), 0);
    ck_assert_uint_eq(ram32(pde_addr(0x5000)), (PT_BASE) | P | RW | PTE_A);
    ck_assert_uint_eq(ram32(pte_addr(0x5000)), 0xa000 | P | RW | PTE_A | PTE_D);
}
END_TEST

START_TEST(ad_bits_4m_page)
{
    uint32_t v;
    c->cr4 |= CR4_PSE;
    /* Bits 21:13 of a 4 MiB PDE are PSE-36/reserved: ignored without PSE-36. */
    uint32_t pde = 0x00400000u | 0x003fe000u | PTE_PS | P | RW;
    set32(PD + 3 * 4, pde);
    set32(0x00412344, 0x01020304);
    ck_assert_int_eq(mmu_read_lin(c, 0x00c12344, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 0x01020304);
    ck_assert_uint_eq(ram32(PD + 3 * 4), pde | PTE_A);
    ck_assert_int_eq(mmu_write_lin(c, 0x00c12348, 4, 0xfeedbeef, 0), 0);
    ck_assert_uint_eq(ram32(PD + 3 * 4), pde | PTE_A | PTE_D);
    ck_assert_uint_eq(ram32(0x00412348), 0xfeedbeef);
}
END_TEST

/* Without CR4.PSE the PS bit is ignored: the PDE points to a page table. */
START_TEST(ps_ignored_without_pse)
{
    uint64_t pa;
    set32(PD + 3 * 4, 0x00030000u | PTE_PS | P | RW);
    set32(0x00030000u + 0x12 * 4, 0x00077000u | P | RW);
    ck_assert_int_eq(mmu_translate(c, 0x00c12344, MMU_READ, false, &pa), 0);
    ck_assert_uint_eq(pa, 0x00077344);
}
END_TEST

START_TEST(faulting_walk_sets_nothing)
{
    map(0x6000, 0xb000, P | RW | US, 0); /* PTE not present */
    uint32_t pde0 = ram32(pde_addr(0x6000));
    expect_pf(access(0x6000, MMU_READ, false), 0x6000, 0);
    ck_assert_uint_eq(ram32(pde_addr(0x6000)), pde0);

    map(0x6000, 0xb000, P | RW | US, P | US); /* user write to read-only */
    uint32_t pte0 = ram32(pte_addr(0x6000));
    expect_pf(access(0x6000, MMU_WRITE, true), 0x6000, 7);
    ck_assert_uint_eq(ram32(pde_addr(0x6000)), pde0);
    ck_assert_uint_eq(ram32(pte_addr(0x6000)), pte0);
}
END_TEST

/* --- the TLB --- */

START_TEST(tlb_stale_until_invlpg)
{
    uint32_t v;
    map(0x9000, 0x30000, P | RW, P | RW);
    set32(0x30000, 111);
    set32(0x31000, 222);
    ck_assert_int_eq(mmu_read_lin(c, 0x9000, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 111);
    set32(pte_addr(0x9000), 0x31000 | P | RW);
    ck_assert_int_eq(mmu_read_lin(c, 0x9000, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 111); /* still the cached translation */
    mmu_invlpg(c, 0x9abc);
    ck_assert_int_eq(mmu_read_lin(c, 0x9000, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 222);
}
END_TEST

/* Two pages, one global: repoint both and flush as MOV CR3 and MOV CR4 would. */
static void global_setup(uint32_t cr4, uint32_t *g, uint32_t *n)
{
    c->cr4 = cr4;
    map(0x1000, 0x40000, P | RW, P | RW | PTE_G);
    map(0x2000, 0x41000, P | RW, P | RW);
    set32(0x40000, 1);
    set32(0x41000, 2);
    set32(0x42000, 3);
    ck_assert_int_eq(mmu_read_lin(c, 0x1000, 4, g, 0), 0);
    ck_assert_int_eq(mmu_read_lin(c, 0x2000, 4, n, 0), 0);
    set32(pte_addr(0x1000), 0x42000 | P | RW | PTE_G);
    set32(pte_addr(0x2000), 0x42000 | P | RW);
}

START_TEST(cr3_flush_keeps_global)
{
    uint32_t g, n;
    global_setup(CR4_PGE, &g, &n);
    ck_assert_uint_eq(g, 1);
    ck_assert_uint_eq(n, 2);
    mmu_flush(c, false);
    ck_assert_int_eq(mmu_read_lin(c, 0x1000, 4, &g, 0), 0);
    ck_assert_int_eq(mmu_read_lin(c, 0x2000, 4, &n, 0), 0);
    ck_assert_uint_eq(g, 1); /* global: survived */
    ck_assert_uint_eq(n, 3);
    mmu_flush(c, true);
    ck_assert_int_eq(mmu_read_lin(c, 0x1000, 4, &g, 0), 0);
    ck_assert_uint_eq(g, 3);
}
END_TEST

START_TEST(global_needs_pge)
{
    uint32_t g, n;
    global_setup(0, &g, &n);
    mmu_flush(c, false);
    ck_assert_int_eq(mmu_read_lin(c, 0x1000, 4, &g, 0), 0);
    ck_assert_uint_eq(g, 3); /* PTE.G means nothing without CR4.PGE */
}
END_TEST

START_TEST(global_4m_page)
{
    uint32_t v;
    c->cr4 = CR4_PSE | CR4_PGE;
    set32(PD + 4, 0x00400000u | PTE_PS | PTE_G | P | RW);
    set32(0x00400010, 77);
    ck_assert_int_eq(mmu_read_lin(c, 0x00400010, 4, &v, 0), 0);
    set32(PD + 4, 0);
    mmu_flush(c, false);
    ck_assert_int_eq(mmu_read_lin(c, 0x00400010, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 77);
    mmu_flush(c, true);
    expect_pf(mmu_read_lin(c, 0x00400010, 4, &v, 0), 0x00400010, 0);
}
END_TEST

/* INVLPG of one address in a 4 MiB page drops every cached piece of it. */
START_TEST(invlpg_large_page)
{
    uint32_t v;
    c->cr4 = CR4_PSE;
    set32(PD + 4, 0x00400000u | PTE_PS | P | RW);
    ck_assert_int_eq(mmu_read_lin(c, 0x00401000, 4, &v, 0), 0);
    ck_assert_int_eq(mmu_read_lin(c, 0x00735000, 4, &v, 0), 0);
    set32(PD + 4, 0);
    ck_assert_int_eq(mmu_read_lin(c, 0x00735000, 4, &v, 0), 0); /* cached */
    mmu_invlpg(c, 0x00401000);
    expect_pf(mmu_read_lin(c, 0x00735000, 4, &v, 0), 0x00735000, 0);
}
END_TEST

/* A write hitting an entry filled by a read walks again to set D. */
START_TEST(dirty_rewalk_on_write_hit)
{
    uint32_t v;
    map(0x8000, 0x50000, P | RW, P | RW);
    ck_assert_int_eq(mmu_read_lin(c, 0x8000, 4, &v, 0), 0);
    uint64_t misses = c->tlb.misses;
    ck_assert_int_eq(mmu_write_lin(c, 0x8000, 4, 9, 0), 0);
    ck_assert_uint_eq(c->tlb.misses, misses + 1);
    ck_assert_uint_eq(ram32(pte_addr(0x8000)), 0x50000 | P | RW | PTE_A | PTE_D);
    ck_assert_int_eq(mmu_write_lin(c, 0x8004, 4, 9, 0), 0);
    ck_assert_uint_eq(c->tlb.misses, misses + 1);
}
END_TEST

/* With D already set in the PTE, the read's fill is good for writes. */
START_TEST(dirty_preset_no_rewalk)
{
    uint32_t v;
    map(0x8000, 0x50000, P | RW, P | RW | PTE_D);
    ck_assert_int_eq(mmu_read_lin(c, 0x8000, 4, &v, 0), 0);
    uint64_t misses = c->tlb.misses;
    ck_assert_int_eq(mmu_write_lin(c, 0x8000, 4, 9, 0), 0);
    ck_assert_uint_eq(c->tlb.misses, misses);
}
END_TEST

/* A hit answers as a walk would, for the CPL and CR0.WP of the moment. */
START_TEST(hit_rights_follow_cpl_and_wp)
{
    map(0xa000, 0x60000, P | RW | US, P);                  /* supervisor, read-only */
    ck_assert_int_eq(access(0xa000, MMU_WRITE, false), 0); /* WP = 0: allowed, D set */
    c->cr0 |= CR0_WP; /* no flush: the cached entry must now refuse the write */
    expect_pf(access(0xa000, MMU_WRITE, false), 0xa000, 3);
    ck_assert_int_eq(access(0xa000, MMU_READ, false), 0); /* cached again */
    expect_pf(access(0xa000, MMU_READ, true), 0xa000, 5); /* CPL 3 now: refused */
}
END_TEST

/* A rights miss walks the tables again, so a relaxed PTE is seen. */
START_TEST(rights_miss_rewalks)
{
    map(0xb000, 0x61000, P | RW | US, P | RW);
    ck_assert_int_eq(access(0xb000, MMU_READ, false), 0);
    set32(pte_addr(0xb000), 0x61000 | P | RW | US);
    ck_assert_int_eq(access(0xb000, MMU_READ, true), 0);
}
END_TEST

/* A #PF drops the page's TLB entry (SDM 4.10.4.1): after the fault the
 * supervisor sees the new PTE, not the stale cached one. */
START_TEST(page_fault_drops_entry)
{
    uint32_t v;
    map(0xb000, 0x61000, P | RW | US, P | RW);
    set32(0x61000, 1);
    set32(0x62000, 2);
    ck_assert_int_eq(mmu_read_lin(c, 0xb000, 4, &v, 0), 0);
    set32(pte_addr(0xb000), 0x62000 | P | RW);
    c->cpl = 3;
    expect_pf(mmu_read_lin(c, 0xb000, 4, &v, 0), 0xb000, 5);
    c->cpl = 0;
    ck_assert_int_eq(mmu_read_lin(c, 0xb000, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 2);
}
END_TEST

/* A directory entry that points at the directory itself: the PDE is also
 * the PTE, and the page it maps is the directory (a common OS trick). */
START_TEST(self_mapped_directory)
{
    uint32_t v;
    set32(PD + 4, PD | P | RW);
    ck_assert_int_eq(mmu_write_lin(c, 0x00401000 + 8, 4, 0x1234, 0), 0);
    ck_assert_uint_eq(ram32(PD + 8), 0x1234);
    ck_assert_uint_eq(ram32(PD + 4), PD | P | RW | PTE_A | PTE_D);
    ck_assert_int_eq(mmu_read_lin(c, 0x00401000 + 4, 4, &v, 0), 0);
    ck_assert_uint_eq(v, PD | P | RW | PTE_A | PTE_D);
}
END_TEST

START_TEST(hit_path_no_misses)
{
    uint32_t v;
    map(0xc000, 0x62000, P | RW, P | RW);
    ck_assert_int_eq(mmu_write_lin(c, 0xc000, 4, 1, 0), 0);
    uint64_t misses = c->tlb.misses;
    ck_assert_uint_ge(misses, 1);
    for (int k = 0; k < 100; k++) {
        ck_assert_int_eq(mmu_read_lin(c, 0xc000 + (uint32_t)k * 4, 4, &v, 0), 0);
        ck_assert_int_eq(mmu_write_lin(c, 0xc000 + (uint32_t)k * 4, 4, v + 1, 0), 0);
    }
    ck_assert_uint_eq(c->tlb.misses, misses);
    ck_assert_uint_eq(ram32(0x62000), 2);
}
END_TEST

/* --- accesses crossing a page --- */

START_TEST(cross_page_write_second_faults)
{
    map(0xd000, 0x63000, P | RW, P | RW);
    map(0xe000, 0x64000, P | RW, 0);
    set32(0x63ffc, 0xa1a2a3a4);
    uint32_t pte0 = ram32(pte_addr(0xd000)), pde0 = ram32(pde_addr(0xd000));
    expect_pf(mmu_write_lin(c, 0xdffe, 4, 0x11223344, 0), 0xe000, 2);
    ck_assert_uint_eq(ram32(0x63ffc), 0xa1a2a3a4);
    ck_assert_uint_eq(ram32(pte_addr(0xd000)), pte0); /* no A, no D */
    ck_assert_uint_eq(ram32(pde_addr(0xd000)), pde0);
}
END_TEST

START_TEST(cross_page_write_ok)
{
    uint32_t v;
    map(0xd000, 0x63000, P | RW, P | RW);
    map(0xe000, 0x70000, P | RW, P | RW); /* not the next physical page */
    ck_assert_int_eq(mmu_write_lin(c, 0xdffe, 4, 0x44332211, 0), 0);
    ck_assert_uint_eq(c->tlb.misses, 2); /* one walk a page, the dry checks not counted */
    ck_assert_uint_eq(m->bus.ram[0x63ffe], 0x11);
    ck_assert_uint_eq(m->bus.ram[0x63fff], 0x22);
    ck_assert_uint_eq(m->bus.ram[0x70000], 0x33);
    ck_assert_uint_eq(m->bus.ram[0x70001], 0x44);
    ck_assert_uint_eq(m->bus.ram[0x64000], 0);
    ck_assert_int_eq(mmu_read_lin(c, 0xdffd, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 0x33221100);
    ck_assert_uint_eq(ram32(pte_addr(0xd000)) & PTE_D, PTE_D);
    ck_assert_uint_eq(ram32(pte_addr(0xe000)) & PTE_D, PTE_D);
}
END_TEST

START_TEST(cross_page_read_protection)
{
    uint32_t v;
    map(0xd000, 0x63000, P | RW | US, P | RW | US);
    map(0xe000, 0x64000, P | RW | US, P | RW);
    c->cpl = 3;
    expect_pf(mmu_read_lin(c, 0xdfff, 2, &v, 0), 0xe000, 5);
    ck_assert_uint_eq(ram32(pte_addr(0xd000)) & PTE_A, 0);
}
END_TEST

/* --- A20 and tables outside RAM --- */

START_TEST(a20_paging_on)
{
    uint32_t v;
    mmu_set_a20(c, false);
    c->cr3 = PD | 0x100000u; /* the directory is read at PD: bit 20 masked */
    map(0x1000, 0x00101000, P | RW, P | RW);
    set32(0x1008, 0x1234);
    set32(0x101008, 0x5678);
    ck_assert_int_eq(mmu_read_lin(c, 0x1008, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 0x1234);
    ck_assert_uint_eq(ram32(pte_addr(0x1000)) & PTE_A, PTE_A);
}
END_TEST

START_TEST(cr3_beyond_ram)
{
    uint32_t v;
    struct mmu_walk w;
    c->cr3 = 0x80000000u;
    /* The PDE and PTE read as all ones: present, user, writable, page FFFFF000. */
    ck_assert_int_eq(mmu_read_lin(c, 0x00401234, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 0xffffffffu);
    ck_assert_int_eq(mmu_write_lin(c, 0x00401234, 4, 0, 0), 0); /* dropped */
    ck_assert_int_eq(mmu_peek_walk(c, 0x00401234, &w), 0);
    ck_assert_int_eq(w.levels, 2);
    ck_assert_uint_eq(w.addr[0], 0x80000004u);
    ck_assert_uint_eq(w.entry[0], 0xffffffffu);
    ck_assert_uint_eq(w.addr[1], 0xfffff004u);
    ck_assert_uint_eq(w.phys, 0xfffff234u);
    c->cr4 |= CR4_PSE;
    mmu_flush(c, true);
    ck_assert_int_eq(mmu_peek_walk(c, 0x00401234, &w), 0);
    ck_assert_int_eq(w.levels, 1);
    ck_assert_uint_eq(w.phys, 0xffc01234u);
    ck_assert_int_eq(mmu_read_lin(c, 0x00401234, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 0xffffffffu);
    /* A PDE pointing beyond RAM: its page table reads as all ones too. */
    c->cr3 = PD;
    c->cr4 = 0;
    mmu_flush(c, true);
    set32(PD, 0xf0000000u | P | RW);
    ck_assert_int_eq(mmu_write_lin(c, 0x3000, 4, 5, 0), 0);
    ck_assert_uint_eq(ram32(PD), 0xf0000000u | P | RW | PTE_A);
}
END_TEST

/* --- the debugger's view --- */

START_TEST(peek_walk_fields)
{
    struct mmu_walk w;
    uint64_t pa;
    map(0x00c05000, 0x00123000, P | RW | US, P | US | PTE_G);
    c->cr4 = CR4_PGE;
    uint32_t pde0 = ram32(pde_addr(0x00c05000)), pte0 = ram32(pte_addr(0x00c05000));
    ck_assert_int_eq(mmu_peek_walk(c, 0x00c05678, &w), 0);
    ck_assert_int_eq(w.levels, 2);
    ck_assert_uint_eq(w.addr[0], PD + 3 * 4);
    ck_assert_uint_eq(w.addr[1], PT_BASE + 3 * 0x1000 + 5 * 4);
    ck_assert_uint_eq(w.entry[0], pde0);
    ck_assert_uint_eq(w.entry[1], pte0);
    ck_assert_uint_eq(w.phys, 0x00123678);
    ck_assert_uint_eq(w.page_size, 4096);
    ck_assert_uint_eq(w.rights, PTE_US | PTE_G);
    ck_assert_int_eq(mmu_peek_access(c, 0x00c05678, MMU_WRITE, true, &w), -1);
    ck_assert_uint_eq(w.error, 7);
    ck_assert(mmu_peek_translate(c, 0x00c05678, &pa));
    ck_assert_uint_eq(pa, 0x00123678);
    /* No side effects: no A bit, no walk counted, no CR2, no exception. */
    ck_assert_uint_eq(ram32(pde_addr(0x00c05000)), pde0);
    ck_assert_uint_eq(ram32(pte_addr(0x00c05000)), pte0);
    ck_assert_uint_eq(c->tlb.misses, 0);
    ck_assert_uint_eq(c->cr2, 0);
    ck_assert(!mmu_peek_translate(c, 0x00c06000, &pa));
    ck_assert_int_eq(mmu_peek_walk(c, 0x01000000, &w), -1);
    ck_assert_int_eq(w.levels, 1);
    ck_assert_uint_eq(w.error, 0);
}
END_TEST

/* --- differential: the TLB path against the side-effect-free walk --- */

static uint32_t rng_state = 0x2545f491u;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* A random entry: mostly pointing into RAM, sometimes anywhere. */
static uint32_t random_entry(void)
{
    if (rng() % 8 == 0)
        return rng();
    return (rng() % (RAM_SIZE / 0x1000)) << 12 | (rng() & 0x1ff);
}

/* The byte at physical address pa as the bus answers: RAM or all ones. */
static uint8_t phys_byte(uint64_t pa)
{
    return pa < RAM_SIZE ? m->bus.ram[pa] : 0xff;
}

/* What an access of size bytes at lin must give, judged page by page with
 * mmu_peek_access: 0 and the value, or -1 with the error code and CR2. */
static int predict(uint32_t lin, int size, int acc, bool user, uint32_t *val, uint32_t *err,
                   uint32_t *cr2)
{
    struct mmu_walk w[2];
    uint32_t first = 0x1000 - (lin & 0xfff);
    uint32_t lin2 = (uint32_t)(lin + first);
    if (mmu_peek_access(c, lin, acc, user, &w[0])) {
        *err = w[0].error, *cr2 = lin;
        return -1;
    }
    if (first < (uint32_t)size && mmu_peek_access(c, lin2, acc, user, &w[1])) {
        *err = w[1].error, *cr2 = lin2;
        return -1;
    }
    *val = 0;
    for (uint32_t k = 0; k < (uint32_t)size; k++) {
        uint64_t pa = k < first ? w[0].phys + k : w[1].phys + (k - first);
        *val |= (uint32_t)phys_byte(pa) << (8 * k);
    }
    return 0;
}

/* Random tables, random CR3 (in RAM or not), random accesses at random
 * CPL and WP, flushing only where the architecture says. Every access must
 * agree with a fresh walk: the TLB may cache but never change an answer.
 * Writes store back what was read, so the tables stay as they are (but
 * for A/D bits, which change no translation) and the TLB never goes stale. */
START_TEST(random_tables_match_walk)
{
    int ok_reads = 0, ok_writes = 0;
    for (uint32_t k = 0; k < RAM_SIZE / 4; k += 1)
        set32(k * 4, (k & 7) ? random_entry() : rng());
    for (int round = 0; round < 20000; round++) {
        if (round % 2000 == 0) {
            c->cr3 = rng() % 4 ? (rng() % RAM_SIZE) & ~0xfffu : rng();
            c->cr4 = (rng() & 1 ? CR4_PSE : 0) | (rng() & 1 ? CR4_PGE : 0);
            mmu_flush(c, true);
            mmu_set_a20(c, rng() % 4 != 0);
        }
        c->cpl = rng() & 1 ? 3 : 0;
        c->cr0 = rng() & 1 ? (c->cr0 | CR0_WP) : (c->cr0 & ~CR0_WP);
        int size = 1 << (rng() % 3);
        uint32_t lin = rng() & 0xc003ffffu; /* 256 pages: hits, and slot conflicts */
        int flags = rng() % 4 == 0 ? MMU_SUPER : 0;
        bool user = c->cpl == 3 && !flags;
        uint32_t want, got = 0, err = 0, cr2 = 0;
        int p = predict(lin, size, MMU_READ, user, &want, &err, &cr2);
        int r = mmu_read_lin(c, lin, size, &got, flags);
        ck_assert_int_eq(r, p ? CPU_FAULT : 0);
        if (r) {
            ck_assert_uint_eq(c->exc.error, err);
            ck_assert_uint_eq(c->cr2, cr2);
            continue;
        }
        predict(lin, size, MMU_READ, user, &want, &err, &cr2); /* after this walk's A bits */
        ck_assert_uint_eq(got, want);
        ok_reads++;
        p = predict(lin, size, MMU_WRITE, user, &want, &err, &cr2);
        r = mmu_write_lin(c, lin, size, got, flags);
        ck_assert_int_eq(r, p ? CPU_FAULT : 0);
        if (r) {
            ck_assert_uint_eq(c->exc.error, err);
            ck_assert_uint_eq(c->cr2, cr2);
        } else {
            ok_writes++;
        }
    }
    /* Both outcomes must be common, or the comparison proves little. */
    ck_assert_int_gt(ok_reads, 2000);
    ck_assert_int_gt(ok_writes, 2000);
    ck_assert_int_lt(ok_reads, 18000);
}
END_TEST

static Suite *paging_suite(void)
{
    Suite *s = suite_create("paging");
    TCase *pf = tcase_create("page faults");
    TCase *ad = tcase_create("accessed and dirty");
    TCase *tlb = tcase_create("tlb");
    TCase *misc = tcase_create("crossing, a20, peek, differential");
    TCase *all[] = {pf, ad, tlb, misc};
    for (unsigned k = 0; k < 4; k++) {
        tcase_add_checked_fixture(all[k], setup, teardown);
        suite_add_tcase(s, all[k]);
    }
    tcase_add_test(pf, pf_pde_not_present);
    tcase_add_test(pf, pf_pte_not_present);
    tcase_add_test(pf, pf_user_read_supervisor_page);
    tcase_add_test(pf, pf_user_write_readonly);
    tcase_add_test(pf, supervisor_write_readonly_wp);
    tcase_add_test(pf, rights_combined_over_levels);
    tcase_add_test(pf, super_flag_at_cpl3);
    tcase_add_test(ad, ad_bits_read_then_write);
    tcase_add_test(ad, ad_bits_write_first);
    tcase_add_test(ad, ad_bits_4m_page);
    tcase_add_test(ad, ps_ignored_without_pse);
    tcase_add_test(ad, faulting_walk_sets_nothing);
    tcase_add_test(tlb, tlb_stale_until_invlpg);
    tcase_add_test(tlb, cr3_flush_keeps_global);
    tcase_add_test(tlb, global_needs_pge);
    tcase_add_test(tlb, global_4m_page);
    tcase_add_test(tlb, invlpg_large_page);
    tcase_add_test(tlb, dirty_rewalk_on_write_hit);
    tcase_add_test(tlb, dirty_preset_no_rewalk);
    tcase_add_test(tlb, hit_rights_follow_cpl_and_wp);
    tcase_add_test(tlb, rights_miss_rewalks);
    tcase_add_test(tlb, page_fault_drops_entry);
    tcase_add_test(tlb, hit_path_no_misses);
    tcase_add_test(ad, self_mapped_directory);
    tcase_add_test(misc, cross_page_write_second_faults);
    tcase_add_test(misc, cross_page_write_ok);
    tcase_add_test(misc, cross_page_read_protection);
    tcase_add_test(misc, a20_paging_on);
    tcase_add_test(misc, cr3_beyond_ram);
    tcase_add_test(misc, peek_walk_fields);
    tcase_add_test(misc, random_tables_match_walk);
    return s;
}

int main(void)
{
    return um_run_suite(paging_suite());
}
