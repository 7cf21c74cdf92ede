/*
 * test_mmu.c - the outer side of memory access (core/mmu/mmu.c): segment
 * limits (expand-up and expand-down, 16- and 32-bit), types, null
 * segments, real and virtual-8086 mode limits, #AC, the order of the
 * checks, instruction fetch (CS limit, page end, paging rights), the A20
 * gate, and pages that are device memory or ROM rather than RAM.
 *
 * Segment caches are filled by hand (struct seg), so these tests do not
 * depend on descriptor loading; expected values come from the SDM (vol. 3,
 * 3.4.5, 5.3 to 5.5, 6.15) and RAM is read back directly.
 */
#include "unit_util.h"

#include "mmu/mmu.h"

#define RAM_SIZE (2u << 20)

/* Attributes (VMCB layout, cpu.h) of the segments used here. */
#define DATA_RW     (SEG_ATTR_P | SEG_ATTR_S | SEG_TYPE_WRITABLE)
#define DATA_RO     (SEG_ATTR_P | SEG_ATTR_S)
#define DATA_DOWN16 (DATA_RW | SEG_TYPE_EXPDOWN)
#define DATA_DOWN32 (DATA_RW | SEG_TYPE_EXPDOWN | SEG_ATTR_DB)
#define CODE_X      (SEG_ATTR_P | SEG_ATTR_S | SEG_TYPE_CODE)
#define CODE_XR     (CODE_X | SEG_TYPE_READABLE)
#define DPL3        (3u << SEG_ATTR_DPL_SHIFT)

static struct unit_machine *m;
static struct cpu *c;

/* Real mode, A20 on, paging off. */
static void setup(void)
{
    m = um_new(RAM_SIZE);
    c = &m->cpu;
}

static void teardown(void)
{
    um_free(m);
}

/* A segment register's cache, and what the CPU derives from the caches
 * (cpu_seg_changed(): the fast path's flat bits among them); CS keeps the
 * CPL in its selector's RPL. */
static void set_seg(int sreg, uint32_t base, uint32_t limit, uint16_t attr)
{
    uint16_t sel = sreg == SEG_CS ? (uint16_t)(0x08 | c->cpl) : 0x10;
    c->seg[sreg] = seg_make(sel, base, limit, attr);
    cpu_seg_changed(c, sreg);
}

/* The CPL, as protected mode has it: CS's RPL (cpu_update_mode(), which
 * also derives what depends on the CPL). */
static void set_cpl(int cpl)
{
    c->seg[SEG_CS].sel = (uint16_t)((c->seg[SEG_CS].sel & ~3u) | (unsigned)cpl);
    cpu_update_mode(c);
    ck_assert_uint_eq(c->cpl, (unsigned)cpl);
}

/* Protected mode at CPL cpl with flat 4 GiB segments. */
static void protected_flat(int cpl)
{
    c->cr0 |= CR0_PE;
    for (int s = SEG_ES; s <= SEG_GS; s++)
        set_seg(s, 0, 0xffffffffu, DATA_RW | SEG_ATTR_DB | SEG_ATTR_G | DPL3);
    set_seg(SEG_CS, 0, 0xffffffffu, CODE_XR | SEG_ATTR_DB | SEG_ATTR_G);
    set_cpl(cpl);
}

static void expect_fault(int r, int vec)
{
    ck_assert_int_eq(r, CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, vec);
    ck_assert(c->exc.has_error);
    ck_assert_uint_eq(c->exc.error, 0);
}

static int rd(int sreg, uint32_t off, int size)
{
    uint32_t v;
    return mmu_read(c, sreg, off, size, &v);
}

static int wr(int sreg, uint32_t off, int size)
{
    return mmu_write(c, sreg, off, size, 0x12345678);
}

/* --- limits --- */

START_TEST(limit_expand_up)
{
    protected_flat(0);
    set_seg(SEG_DS, 0x1000, 0xfff, DATA_RW);
    set_seg(SEG_SS, 0x1000, 0xfff, DATA_RW);
    ck_assert_int_eq(rd(SEG_DS, 0xffc, 4), 0);
    ck_assert_int_eq(rd(SEG_DS, 0xfff, 1), 0);
    expect_fault(rd(SEG_DS, 0xffd, 4), EXC_GP);
    expect_fault(rd(SEG_DS, 0x1000, 1), EXC_GP);
    expect_fault(wr(SEG_SS, 0xffe, 4), EXC_SS);
    ck_assert_uint_eq(m->bus.ram[0x1ffe], 0); /* nothing written */
}
END_TEST

/* Expand-down, B = 0: valid offsets are limit+1 .. FFFF. */
START_TEST(limit_expand_down_16)
{
    protected_flat(0);
    set_seg(SEG_DS, 0, 0x0fff, DATA_DOWN16);
    set_seg(SEG_SS, 0, 0x0fff, DATA_DOWN16);
    ck_assert_int_eq(rd(SEG_DS, 0x1000, 2), 0);
    ck_assert_int_eq(rd(SEG_DS, 0xfffe, 2), 0);
    ck_assert_int_eq(rd(SEG_DS, 0xffff, 1), 0);
    expect_fault(rd(SEG_DS, 0x0fff, 1), EXC_GP);
    expect_fault(rd(SEG_DS, 0x0ffe, 4), EXC_GP); /* starts below, ends inside */
    expect_fault(rd(SEG_DS, 0xffff, 2), EXC_GP);
    expect_fault(rd(SEG_DS, 0x10000, 1), EXC_GP);
    expect_fault(wr(SEG_SS, 0x0, 2), EXC_SS);
    ck_assert_int_eq(wr(SEG_SS, 0xfffc, 4), 0);
}
END_TEST

/* Expand-down, B = 1: valid offsets are limit+1 .. FFFFFFFF. */
START_TEST(limit_expand_down_32)
{
    uint64_t lin;
    protected_flat(0);
    set_seg(SEG_SS, 0x00100000, 0x0fff, DATA_DOWN32);
    ck_assert_int_eq(mmu_check(c, SEG_SS, 0xfffffffc, 4, MMU_WRITE, &lin), 0);
    ck_assert_uint_eq(lin, 0x000ffffc); /* base + offset wraps at 4 GiB */
    ck_assert_int_eq(mmu_check(c, SEG_SS, 0x1000, 4, MMU_READ, &lin), 0);
    ck_assert_int_eq(mmu_check(c, SEG_SS, 0x10000, 4, MMU_READ, &lin), 0);
    expect_fault(mmu_check(c, SEG_SS, 0xfffffffd, 4, MMU_READ, &lin), EXC_SS);
    expect_fault(mmu_check(c, SEG_SS, 0x0fff, 1, MMU_READ, &lin), EXC_SS);
    expect_fault(mmu_check(c, SEG_SS, 0, 4, MMU_READ, &lin), EXC_SS);
}
END_TEST

START_TEST(limit_wraps_at_4g)
{
    protected_flat(0);
    expect_fault(rd(SEG_DS, 0xfffffffe, 4), EXC_GP);
    expect_fault(rd(SEG_SS, 0xffffffff, 2), EXC_SS);
}
END_TEST

START_TEST(linear_is_base_plus_offset)
{
    uint64_t lin;
    uint32_t v;
    protected_flat(0);
    set_seg(SEG_ES, 0x1000, 0xffff, DATA_RW);
    m->bus.ram[0x1234] = 0x5a;
    ck_assert_int_eq(mmu_read(c, SEG_ES, 0x234, 1, &v), 0);
    ck_assert_uint_eq(v, 0x5a);
    set_seg(SEG_FS, 0xfffff000u, 0xffffffffu, DATA_RW);
    ck_assert_int_eq(mmu_check(c, SEG_FS, 0x2000, 4, MMU_READ, &lin), 0);
    ck_assert_uint_eq(lin, 0x1000);
}
END_TEST

/* --- types and null segments --- */

START_TEST(null_segment)
{
    protected_flat(0);
    set_seg(SEG_DS, 0, 0, 0);
    set_seg(SEG_GS, 0, 0xffffffffu, DATA_RW & ~SEG_ATTR_P);
    set_seg(SEG_SS, 0, 0, 0);
    expect_fault(rd(SEG_DS, 0, 1), EXC_GP);
    expect_fault(wr(SEG_GS, 0, 1), EXC_GP);
    expect_fault(rd(SEG_SS, 0, 1), EXC_SS);
}
END_TEST

START_TEST(type_checks)
{
    protected_flat(0);
    set_seg(SEG_DS, 0, 0xffff, DATA_RO);
    ck_assert_int_eq(rd(SEG_DS, 0x10, 4), 0);
    expect_fault(wr(SEG_DS, 0x10, 4), EXC_GP);
    set_seg(SEG_ES, 0, 0xffff, CODE_XR);
    ck_assert_int_eq(rd(SEG_ES, 0x10, 4), 0);
    expect_fault(wr(SEG_ES, 0x10, 4), EXC_GP);
    set_seg(SEG_FS, 0, 0xffff, CODE_X);
    expect_fault(rd(SEG_FS, 0x10, 4), EXC_GP);
    set_seg(SEG_SS, 0, 0xffff, DATA_RO);
    expect_fault(wr(SEG_SS, 0x10, 2), EXC_SS);
    ck_assert_uint_eq(m->bus.ram[0x10], 0);
}
END_TEST

/* An access that ends exactly at the limit is inside it. */
START_TEST(access_ending_at_limit)
{
    uint32_t v = 0;
    protected_flat(0);
    set_seg(SEG_DS, 0, 0xf, DATA_RW);
    ck_assert_int_eq(mmu_write(c, SEG_DS, 0xe, 2, 0xbeef), 0);
    ck_assert_int_eq(mmu_read(c, SEG_DS, 0xe, 2, &v), 0);
    ck_assert_uint_eq(v, 0xbeef);
    ck_assert_uint_eq(m->bus.ram[0xe], 0xef);
    ck_assert_uint_eq(m->bus.ram[0xf], 0xbe);
}
END_TEST

/* --- real and virtual-8086 mode --- */

START_TEST(real_mode_word_at_ffff)
{
    ck_assert(!cpu_protected(c));
    expect_fault(rd(SEG_DS, 0xffff, 2), EXC_GP);
    expect_fault(wr(SEG_ES, 0xffff, 2), EXC_GP);
    expect_fault(wr(SEG_SS, 0xffff, 2), EXC_SS);
    expect_fault(rd(SEG_SS, 0xfffd, 4), EXC_SS);
    ck_assert_int_eq(rd(SEG_DS, 0xffff, 1), 0);
    ck_assert_int_eq(rd(SEG_DS, 0xfffe, 2), 0);
    ck_assert_uint_eq(m->bus.ram[0xffff], 0);
}
END_TEST

/* "Unreal mode": a 4 GiB limit left in the cache by protected mode. */
START_TEST(unreal_mode_limit)
{
    uint32_t v;
    cpu_load_real_seg(c, SEG_DS, 0);
    c->seg[SEG_DS].limit = 0xffffffffu;
    cpu_seg_changed(c, SEG_DS); /* changed in place: cpu.h */
    m->bus.ram[0x123456] = 0x77;
    ck_assert_int_eq(mmu_read(c, SEG_DS, 0x123456, 1, &v), 0);
    ck_assert_uint_eq(v, 0x77);
}
END_TEST

START_TEST(v86_limit)
{
    c->cr0 |= CR0_PE;
    c->eflags |= FL_VM;
    cpu_update_mode(c); /* CPL 3 */
    cpu_load_real_seg(c, SEG_DS, 0x1000);
    cpu_load_real_seg(c, SEG_SS, 0x2000);
    ck_assert_int_eq(wr(SEG_DS, 0xfffe, 2), 0);
    ck_assert_uint_eq(m->bus.ram[0x1fffe], 0x78);
    expect_fault(rd(SEG_DS, 0xffff, 2), EXC_GP);
    expect_fault(wr(SEG_SS, 0xffff, 4), EXC_SS);
}
END_TEST

/* --- alignment check --- */

START_TEST(alignment_check)
{
    uint32_t v;
    protected_flat(3);
    c->cr0 |= CR0_AM;
    c->eflags |= FL_AC;
    expect_fault(rd(SEG_DS, 0x1001, 2), EXC_AC);
    expect_fault(wr(SEG_DS, 0x1002, 4), EXC_AC);
    ck_assert_uint_eq(m->bus.ram[0x1002], 0);
    ck_assert_int_eq(rd(SEG_DS, 0x1002, 2), 0);
    ck_assert_int_eq(rd(SEG_DS, 0x1004, 4), 0);
    ck_assert_int_eq(rd(SEG_DS, 0x1003, 1), 0);
    /* The linear address is judged: an odd base misaligns an even offset. */
    set_seg(SEG_ES, 1, 0xffffffffu, DATA_RW | SEG_ATTR_DB | DPL3);
    expect_fault(rd(SEG_ES, 0x1000, 2), EXC_AC);
    /* System-structure (linear) accesses are never checked. */
    ck_assert_int_eq(mmu_read_lin(c, 0x1001, 4, &v, MMU_SUPER), 0);
    ck_assert_int_eq(mmu_read_lin(c, 0x1001, 4, &v, 0), 0);
}
END_TEST

START_TEST(alignment_check_needs_all_three)
{
    protected_flat(3);
    c->cr0 |= CR0_AM;
    ck_assert_int_eq(rd(SEG_DS, 0x1001, 4), 0); /* EFLAGS.AC clear */
    c->eflags |= FL_AC;
    c->cr0 &= ~CR0_AM;
    ck_assert_int_eq(rd(SEG_DS, 0x1001, 4), 0); /* CR0.AM clear */
    c->cr0 |= CR0_AM;
    set_cpl(0);
    ck_assert_int_eq(rd(SEG_DS, 0x1001, 4), 0); /* CPL 0 */
    set_cpl(3);
    expect_fault(rd(SEG_DS, 0x1001, 4), EXC_AC);
}
END_TEST

START_TEST(alignment_check_v86)
{
    c->cr0 |= CR0_PE | CR0_AM;
    c->eflags |= FL_VM | FL_AC;
    cpu_update_mode(c); /* CPL 3 */
    expect_fault(rd(SEG_DS, 0x0003, 2), EXC_AC);
}
END_TEST

/* Order: segment checks, then #AC, then #PF. */
START_TEST(check_order)
{
    protected_flat(3);
    c->cr0 |= CR0_AM | CR0_PG;
    c->eflags |= FL_AC;
    c->cr3 = 0x10000; /* an empty page directory: everything not present */
    set_seg(SEG_DS, 0, 0xfff, DATA_RW | DPL3);
    expect_fault(rd(SEG_DS, 0xfff, 2), EXC_GP);
    expect_fault(rd(SEG_DS, 0x101, 2), EXC_AC);
    ck_assert_int_eq(rd(SEG_DS, 0x100, 2), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_PF);
    ck_assert_uint_eq(c->exc.error, PF_ERR_U);
    ck_assert_uint_eq(c->cr2, 0x100);
}
END_TEST

/* mmu_check judges without touching memory or the page tables. */
START_TEST(check_has_no_side_effects)
{
    uint64_t lin;
    protected_flat(0);
    c->cr0 |= CR0_PG;
    c->cr3 = 0x10000;
    ck_assert_int_eq(mmu_check(c, SEG_DS, 0x5000, 4, MMU_WRITE, &lin), 0);
    ck_assert_uint_eq(lin, 0x5000);
    ck_assert_uint_eq(c->tlb.misses, 0);
}
END_TEST

/* A completed data access is matched against DR0-DR3 (a write breakpoint
 * on one byte at 0x1001 here); a faulting one is not. */
START_TEST(data_breakpoint_hook)
{
    uint32_t v;
    c->dr[0] = 0x1001;
    c->dr[7] = 1u | 1u << 16; /* L0, R/W0 = 01 (writes), LEN0 = 00 (1 byte) */
    mmu_watch_changed(c); /* mmu.h */
    ck_assert_int_eq(mmu_read(c, SEG_DS, 0x1000, 4, &v), 0);
    ck_assert_uint_eq(c->dr6_pending, 0);
    expect_fault(mmu_write(c, SEG_DS, 0xffff, 2, 0), EXC_GP);
    ck_assert_uint_eq(c->dr6_pending, 0);
    ck_assert_int_eq(mmu_write(c, SEG_DS, 0x1000, 2, 0), 0);
    ck_assert_uint_eq(c->dr6_pending, 1); /* DR6.B0 */
}
END_TEST

/* --- sizes and byte order --- */

START_TEST(sizes_little_endian)
{
    uint32_t v;
    ck_assert_int_eq(mmu_write(c, SEG_DS, 0x100, 4, 0x44332211), 0);
    ck_assert_uint_eq(m->bus.ram[0x100], 0x11);
    ck_assert_uint_eq(m->bus.ram[0x103], 0x44);
    ck_assert_int_eq(mmu_write(c, SEG_DS, 0x104, 2, 0xbbaa), 0);
    ck_assert_int_eq(mmu_write(c, SEG_DS, 0x106, 1, 0xcc), 0);
    ck_assert_uint_eq(m->bus.ram[0x105], 0xbb);
    ck_assert_uint_eq(m->bus.ram[0x106], 0xcc);
    ck_assert_uint_eq(m->bus.ram[0x107], 0);
    ck_assert_int_eq(mmu_read(c, SEG_DS, 0x102, 4, &v), 0);
    ck_assert_uint_eq(v, 0xbbaa4433);
    ck_assert_int_eq(mmu_read(c, SEG_DS, 0x105, 2, &v), 0);
    ck_assert_uint_eq(v, 0xccbb);
}
END_TEST

/* Beyond RAM a read is all ones and a write is dropped (the bus floats). */
START_TEST(beyond_ram)
{
    uint32_t v;
    protected_flat(0);
    ck_assert_int_eq(mmu_read(c, SEG_DS, 0x80000000u, 4, &v), 0);
    ck_assert_uint_eq(v, 0xffffffffu);
    ck_assert_int_eq(mmu_write(c, SEG_DS, 0x80000000u, 4, 0), 0);
    ck_assert_int_eq(mmu_read(c, SEG_DS, RAM_SIZE - 2, 4, &v), 0);
    ck_assert_uint_eq(v, 0xffff0000u);
}
END_TEST

/* --- instruction fetch --- */

START_TEST(fetch_real_mode_cs_limit)
{
    uint8_t buf[16];
    cpu_load_real_seg(c, SEG_CS, 0x1000);
    m->bus.ram[0x1fffe] = 0xab;
    m->bus.ram[0x1ffff] = 0xcd;
    ck_assert_int_eq(mmu_fetch(c, 0xfffe, buf, 15), 2);
    ck_assert_uint_eq(buf[0], 0xab);
    ck_assert_uint_eq(buf[1], 0xcd);
    ck_assert_int_eq(mmu_fetch(c, 0x10000, buf, 13), -1);
    expect_fault(CPU_FAULT, EXC_GP);
    ck_assert_int_eq(mmu_fetch(c, 0x0ffd, buf, 15), 3); /* the page ends at 0x11000 */
}
END_TEST

START_TEST(fetch_protected_cs_limit)
{
    uint8_t buf[16];
    protected_flat(0);
    set_seg(SEG_CS, 0x2000, 0x10ff, CODE_X | SEG_ATTR_DB);
    memset(m->bus.ram + 0x2000, 0x90, 0x1100);
    ck_assert_int_eq(mmu_fetch(c, 0x10fd, buf, 15), 3);
    ck_assert_int_eq(mmu_fetch(c, 0x0ff0, buf, 15), 15);
    ck_assert_int_eq(mmu_fetch(c, 0x0ffa, buf, 15), 6); /* page end at 0x3000 */
    ck_assert_int_eq(mmu_fetch(c, 0x1100, buf, 15), -1);
    expect_fault(CPU_FAULT, EXC_GP);
    set_seg(SEG_CS, 0, 0xffffffffu, CODE_X | SEG_ATTR_DB);
    ck_assert_int_eq(mmu_fetch(c, 0, buf, 15), 15); /* a 4 GiB limit: no overflow */
}
END_TEST

/* --- A20, device memory and ROM, fetch through paging --- */

#define PD 0x10000u /* page directory */
#define PT 0x11000u /* its first page table: linear 0 to 4 MiB */

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

/* Paging on with one page table, user and writable at the PDE. */
static void paging_on(void)
{
    c->cr0 |= CR0_PE | CR0_PG;
    c->cr3 = PD;
    set32(PD, PT | PTE_P | PTE_RW | PTE_US);
    mmu_flush(c, true);
}

/* Map the page of lin (below 4 MiB) to phys with these PTE flags. */
static void map_low(uint32_t lin, uint32_t phys, uint32_t flags)
{
    set32(PT + (lin >> 12) * 4, (phys & 0xfffff000u) | flags);
}

static void expect_pf(int r, uint32_t lin, uint32_t err)
{
    ck_assert_int_eq(r, CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_PF);
    ck_assert_uint_eq(c->exc.error, err);
    ck_assert_uint_eq(c->cr2, lin);
}

START_TEST(a20_paging_off)
{
    uint32_t v;
    set32(0x000010, 0xaaaa);
    set32(0x100010, 0xbbbb);
    ck_assert_int_eq(mmu_read_lin(c, 0x100010, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 0xbbbb);
    mmu_set_a20(c, false);
    ck_assert_uint_eq(c->a20_mask, ~(1u << 20));
    ck_assert_int_eq(mmu_read_lin(c, 0x100010, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 0xaaaa); /* wrapped, and the cached entry was flushed */
    ck_assert_int_eq(mmu_write_lin(c, 0x100014, 4, 0xcccc, 0), 0);
    ck_assert_uint_eq(ram32(0x000014), 0xcccc);
    ck_assert_uint_eq(ram32(0x100014), 0);
    mmu_set_a20(c, true);
    ck_assert_int_eq(mmu_read_lin(c, 0x100010, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 0xbbbb);
}
END_TEST

static uint32_t dev_last_off, dev_last_val;
static int dev_reads, dev_writes;

static uint32_t dev_read(void *opaque, uint32_t off, int size)
{
    (void)opaque;
    dev_reads++;
    dev_last_off = off;
    return 0xd0000000u | off | (uint32_t)size << 16;
}

static void dev_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    (void)opaque;
    (void)size;
    dev_writes++;
    dev_last_off = off;
    dev_last_val = val;
}

START_TEST(device_and_rom_pages)
{
    uint32_t v;
    static const uint8_t rom[4096] = {0x11, 0x22, 0x33, 0x44};
    ck_assert_int_eq(bus_map_mmio(&m->bus, 0xfee00000u, 0x1000, dev_read, dev_write, NULL), 0);
    ck_assert_int_eq(bus_map_rom(&m->bus, 0xfffff000u, 0x1000, rom), 0);
    paging_on();
    map_low(0x2000, 0xfee00000u, PTE_P | PTE_RW);
    map_low(0x3000, 0xfffff000u, PTE_P | PTE_RW);
    ck_assert_int_eq(mmu_read_lin(c, 0x2020, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 0xd0040020u);
    ck_assert_int_eq(mmu_write_lin(c, 0x2030, 4, 0xabcd, 0), 0);
    ck_assert_int_eq(dev_writes, 1);
    ck_assert_uint_eq(dev_last_off, 0x30);
    ck_assert_uint_eq(dev_last_val, 0xabcd);
    ck_assert_int_eq(mmu_read_lin(c, 0x2020, 4, &v, 0), 0);
    ck_assert_int_eq(dev_reads, 2); /* never cached as a host pointer */
    ck_assert_int_eq(mmu_read_lin(c, 0x3000, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 0x44332211u);
    ck_assert_int_eq(mmu_write_lin(c, 0x3000, 4, 0, 0), 0);
    ck_assert_int_eq(mmu_read_lin(c, 0x3000, 4, &v, 0), 0);
    ck_assert_uint_eq(v, 0x44332211u); /* ROM: write dropped */
    /* The debugger's walk never calls a device (the directory in device
     * memory reads as all ones) but does read ROM (the table at FFFFF000). */
    struct mmu_walk w;
    c->cr3 = 0xfee00000u;
    ck_assert_int_eq(mmu_peek_walk(c, 0x0123, &w), 0);
    ck_assert_uint_eq(w.entry[0], 0xffffffffu);
    ck_assert_uint_eq(w.addr[1], 0xfffff000u);
    ck_assert_uint_eq(w.entry[1], 0x44332211u);
    ck_assert_uint_eq(w.phys, 0x44332123u);
    ck_assert_int_eq(dev_reads, 2);
}
END_TEST

/* --- instruction fetch --- */

START_TEST(fetch_through_paging)
{
    uint8_t buf[16];
    protected_flat(0);
    paging_on();
    map_low(0x4000, 0x66000, PTE_P | PTE_US); /* read-only: still executable */
    map_low(0x5000, 0x67000, 0);
    memset(m->bus.ram + 0x66ffd, 0x90, 3);
    ck_assert_int_eq(mmu_fetch(c, 0x4ffd, buf, 15), 3);
    ck_assert_uint_eq(buf[2], 0x90);
    ck_assert_int_eq(mmu_fetch(c, 0x5000, buf, 12), -1);
    expect_pf(CPU_FAULT, 0x5000, 0);
    map_low(0x6000, 0x68000, PTE_P | PTE_RW); /* supervisor page */
    set_cpl(3);
    ck_assert_int_eq(mmu_fetch(c, 0x6000, buf, 15), -1);
    expect_pf(CPU_FAULT, 0x6000, 5);
}
END_TEST

static Suite *mmu_suite(void)
{
    Suite *s = suite_create("mmu");
    TCase *seg = tcase_create("segments");
    TCase *real = tcase_create("real and v86");
    TCase *ac = tcase_create("alignment and order");
    TCase *misc = tcase_create("sizes, fetch, a20, bus");
    TCase *all[] = {seg, real, ac, misc};
    for (unsigned k = 0; k < 4; k++) {
        tcase_add_checked_fixture(all[k], setup, teardown);
        suite_add_tcase(s, all[k]);
    }
    tcase_add_test(seg, limit_expand_up);
    tcase_add_test(seg, limit_expand_down_16);
    tcase_add_test(seg, limit_expand_down_32);
    tcase_add_test(seg, limit_wraps_at_4g);
    tcase_add_test(seg, linear_is_base_plus_offset);
    tcase_add_test(seg, null_segment);
    tcase_add_test(seg, type_checks);
    tcase_add_test(seg, access_ending_at_limit);
    tcase_add_test(real, real_mode_word_at_ffff);
    tcase_add_test(real, unreal_mode_limit);
    tcase_add_test(real, v86_limit);
    tcase_add_test(ac, alignment_check);
    tcase_add_test(ac, alignment_check_needs_all_three);
    tcase_add_test(ac, alignment_check_v86);
    tcase_add_test(ac, check_order);
    tcase_add_test(ac, check_has_no_side_effects);
    tcase_add_test(ac, data_breakpoint_hook);
    tcase_add_test(misc, sizes_little_endian);
    tcase_add_test(misc, beyond_ram);
    tcase_add_test(misc, fetch_real_mode_cs_limit);
    tcase_add_test(misc, fetch_protected_cs_limit);
    tcase_add_test(misc, a20_paging_off);
    tcase_add_test(misc, device_and_rom_pages);
    tcase_add_test(misc, fetch_through_paging);
    return s;
}

int main(void)
{
    return um_run_suite(mmu_suite());
}
