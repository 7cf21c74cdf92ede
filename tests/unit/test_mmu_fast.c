/*
 * test_mmu_fast.c - the inline fast path of a data access (mmu/mmu_fast.h)
 * against the slow path (mmu.c), over the same inputs.
 *
 * Two unit machines are set up alike: "fast" as it is, "slow" with the
 * debugger's attention set (a hook that does nothing), which makes
 * mmu_fast_entry() say no on every access so that mmu_read()/mmu_write()
 * take the slow path: segment checks, #AC, a TLB lookup by flags, the walk.
 * The slow path never looks at the fast tags (tlb.h), so it is the
 * reference. Each access is made on both and everything it may touch is
 * compared: the return, the exception and error code, the value read, CR2,
 * the TLB misses counted, the cycles, the pending #DB bits, and the bytes of
 * the page tables and of every data page.
 *
 * The fast machine goes through both of the fast path's ways to the host
 * address: the TLB entry's pointer (mmu_read/mmu_write) and the slot's
 * addend (mmu_read_inline/mmu_write_inline).
 *
 * The inputs the fast path's derived state depends on are all varied: CPL 0
 * and 3, CR0.WP, CR0.AM with EFLAGS.AC, a DR7 data breakpoint; pages that
 * are read-only, supervisor-only, not present, not yet dirty, and two
 * neighbours mapped to frames that are not neighbours (an access crossing
 * between them must not run on into the wrong frame); a read-only, an
 * expand-down and a short segment, and one based away from 0 that spans
 * 4 GiB; accesses at the top of the 4 GiB, crossing it; and the TLB
 * changed under the fast tags by MOV CR3 (mmu_flush), INVLPG and a CR0.WP
 * flip. The CPU's state is derived as the instructions derive it
 * (cpu_update_mode(), CPL from CS), so that the flat segments' bits
 * (seg_flat, cpu.h) are what the guest would have.
 */
#include "unit_util.h"

#include <stdio.h>

#include "interp/exec.h"
#include "interp/ops.h"
#include "mmu/mmu.h"
#include "mmu/mmu_fast.h"
#include "mmu/seg.h"

#define RAM_SIZE (4u << 20)
#define PD       0x10000u /* page directory */
#define PT       0x11000u /* the page table for 400000-7FFFFF */
#define PT_LOW   0x12000u /* the page table for 0-3FFFFF */
#define PT_TOP   0x13000u /* the page table for FFC00000-FFFFFFFF */
#define TABLES   0x4000u  /* the bytes of the four tables */
#define LIN      0x400000u /* the first of the test's pages */
#define LOW      0x40000u  /* the same pages again, within v86 mode's reach */
#define N_PAGES  6
#define FLAT     (SEG_ATTR_DB | SEG_ATTR_G | (3u << SEG_ATTR_DPL_SHIFT))
#define DATA_RW  (SEG_ATTR_P | SEG_ATTR_S | SEG_TYPE_WRITABLE | FLAT)
#define DATA_RO  (SEG_ATTR_P | SEG_ATTR_S | FLAT)
#define DATA_DN  (DATA_RW | SEG_TYPE_EXPDOWN)
#define CODE     (SEG_ATTR_P | SEG_ATTR_S | SEG_TYPE_CODE | SEG_TYPE_READABLE | FLAT)

/* Page k of the test at LIN + k * 4 KiB: its frame and PTE bits. Frames
 * are out of order so that a crossing access taken as one page shows. */
static const uint32_t frame[N_PAGES] = {0x100000, 0x102000, 0x101000, 0x104000, 0x103000, 0x105000};
static const uint32_t pte_bits[N_PAGES] = {
    PTE_P | PTE_RW | PTE_US, /* 0: user read-write */
    PTE_P | PTE_US,          /* 1: user read-only */
    PTE_P | PTE_RW,          /* 2: supervisor read-write */
    0,                       /* 3: not present */
    PTE_P | PTE_RW | PTE_US, /* 4: user read-write */
    PTE_P | PTE_RW | PTE_US | PTE_D | PTE_A, /* 5: already accessed and dirty */
};

struct twin {
    struct unit_machine *fast, *slow;
};

static struct twin t;

static void no_access(void *opaque, uint64_t lin, int size, bool write)
{
    (void)opaque, (void)lin, (void)size, (void)write;
}

static const struct cpu_dbg_hooks slow_hooks = {.access = no_access};

static void setup(void)
{
    t.fast = um_new(RAM_SIZE);
    t.slow = um_new(RAM_SIZE);
    t.slow->cpu.dbg = &slow_hooks;
    t.slow->cpu.attention = true; /* mmu_fast_entry says no: the slow path */
    mmu_watch_changed(&t.slow->cpu); /* mmu.h */
}

static void teardown(void)
{
    um_free(t.fast);
    um_free(t.slow);
}

static void set32(struct unit_machine *m, uint32_t pa, uint32_t v)
{
    memcpy(m->bus.ram + pa, &v, 4);
}

/* CPL cpl as a far transfer leaves it: CS's RPL, and what cpu_update_mode()
 * derives from it. */
static void set_cpl(struct unit_machine *m, int cpl)
{
    struct cpu *c = &m->cpu;
    c->seg[SEG_CS] = seg_make((uint16_t)(0x08 | cpl), 0, 0xffffffffu,
                              (uint16_t)(CODE & ~SEG_ATTR_DPL) | (uint16_t)(cpl << SEG_ATTR_DPL_SHIFT));
    cpu_update_mode(c);
    ck_assert_uint_eq(c->cpl, (unsigned)cpl);
}

static void both_cpl(int cpl)
{
    set_cpl(t.fast, cpl);
    set_cpl(t.slow, cpl);
}

/* The same state on one machine: paging on, the test pages mapped with
 * their data filled by a pattern (page 0's frame again at the top of the
 * 4 GiB), flat DS, read-only ES, expand-down FS (valid offsets from LIN +
 * 1000 up), GS based at LIN + 800 ending at LIN + 1FFF, and SS based at
 * LIN + 800 with a 4 GiB limit; then CPL, CR0.WP, #AC and a DR7 data
 * breakpoint as asked. */
static void state(struct unit_machine *m, int cpl, bool wp, bool ac, bool dr7)
{
    struct cpu *c = &m->cpu;
    memset(m->bus.ram + PD, 0, TABLES);
    set32(m, PD + (LIN >> 22) * 4, PT | PTE_P | PTE_RW | PTE_US);
    set32(m, PD, PT_LOW | PTE_P | PTE_RW | PTE_US);
    set32(m, PD + 1023 * 4, PT_TOP | PTE_P | PTE_RW | PTE_US);
    set32(m, PT_TOP + 1023 * 4, frame[0] | pte_bits[0]);
    for (int k = 0; k < N_PAGES; k++) {
        set32(m, PT + k * 4, frame[k] | pte_bits[k]);
        set32(m, PT_LOW + ((LOW >> 12) + k) * 4, frame[k] | pte_bits[k]);
        for (int b = 0; b < 4096; b++)
            m->bus.ram[frame[k] + b] = (uint8_t)(k * 37 + b * 7 + (b >> 8));
    }
    c->cr3 = PD;
    c->cr0 = CR0_PE | CR0_PG | CR0_ET | (wp ? CR0_WP : 0) | (ac ? CR0_AM : 0);
    c->eflags = FL_FIXED1 | (ac ? FL_AC : 0);
    c->seg[SEG_DS] = seg_make(0x23, 0, 0xffffffffu, DATA_RW);
    c->seg[SEG_SS] = seg_make(0x43, LIN + 0x800, 0xffffffffu, DATA_RW);
    c->seg[SEG_ES] = seg_make(0x2b, 0, 0xffffffffu, DATA_RO);
    c->seg[SEG_FS] = seg_make(0x33, 0, LIN + 0xfff, DATA_DN);
    c->seg[SEG_GS] = seg_make(0x3b, LIN + 0x800, 0x17ff, DATA_RW & ~SEG_ATTR_G);
    c->dr[0] = LIN + 0x10;
    c->dr[7] = dr7 ? 0x400u | 1u | (3u << 16) | (3u << 18) : 0x400u; /* L0, R/W, 4 bytes */
    mmu_watch_changed(c); /* mmu.h */
    c->dr6_pending = 0;
    mmu_flush(c, true);
    set_cpl(m, cpl);
}

static void both_state(int cpl, bool wp, bool ac, bool dr7)
{
    state(t.fast, cpl, wp, ac, dr7);
    state(t.slow, cpl, wp, ac, dr7);
}

/* The bytes an access may have changed: page tables and data frames. */
static void same_memory(const char *what)
{
    ck_assert_msg(!memcmp(t.fast->bus.ram + PD, t.slow->bus.ram + PD, TABLES), "%s: tables", what);
    ck_assert_msg(!memcmp(t.fast->bus.ram + 0x100000, t.slow->bus.ram + 0x100000, 0x6000),
                  "%s: data", what);
}

/* The fast machine's access: every other one through mmu_read_inline()
 * and mmu_write_inline(), which take the host address from the TLB slot's
 * addend (mmu_fast.h), the rest through mmu_read() and mmu_write(), which
 * take the entry's host pointer. */
static int fast_access(struct cpu *f, int sreg, uint32_t off, int size, bool write, uint32_t val,
                       uint32_t *v)
{
    static unsigned n;
    if (n++ & 1)
        return write ? mmu_write_inline(f, sreg, off, size, val)
                     : mmu_read_inline(f, sreg, off, size, v);
    return write ? mmu_write(f, sreg, off, size, val) : mmu_read(f, sreg, off, size, v);
}

/* One access on both machines, compared in everything it may change. */
static void one(int sreg, uint32_t off, int size, bool write, const char *what)
{
    struct cpu *f = &t.fast->cpu, *s = &t.slow->cpu;
    uint32_t vf = 0xdeadbeef, vs = 0xdeadbeef, val = 0x89abcdef ^ off;
    f->exc.vector = s->exc.vector = 0xff;
    int rf = fast_access(f, sreg, off, size, write, val, &vf);
    int rs = write ? mmu_write(s, sreg, off, size, val) : mmu_read(s, sreg, off, size, &vs);
    ck_assert_msg(rf == rs, "%s: seg %d off %x size %d %s: returns %d, slow path %d", what, sreg,
                  off, size, write ? "write" : "read", rf, rs);
    ck_assert_msg(vf == vs, "%s: seg %d off %x size %d: read %x, slow path %x", what, sreg, off,
                  size, vf, vs);
    ck_assert_msg(f->exc.vector == s->exc.vector && f->exc.error == s->exc.error,
                  "%s: seg %d off %x size %d %s: #%d(%x), slow path #%d(%x)", what, sreg, off,
                  size, write ? "write" : "read", f->exc.vector, f->exc.error, s->exc.vector,
                  s->exc.error);
    ck_assert_uint_eq(f->cr2, s->cr2);
    ck_assert_uint_eq(f->tlb.misses, s->tlb.misses);
    ck_assert_uint_eq(f->cycles, s->cycles);
    ck_assert_uint_eq(f->dr6_pending, s->dr6_pending);
    same_memory(what);
}

/* Offsets from LIN that start, end and cross pages, aligned or not. */
static const uint32_t spots[] = {0x000, 0x010, 0x011, 0xffc, 0xffd, 0xffe, 0xfff, 0x1000, 0x1ffe,
                                 0x2000, 0x2ffd, 0x2fff, 0x3000, 0x3ffe, 0x4001, 0x4ffe, 0x5000,
                                 0x5ffd, 0x6000};

/* Every spot from lin0 through every segment, every size, read then
 * write then read again (the first write to a page walks to set D). */
static void sweep_at(uint32_t lin0, const char *what)
{
    static const int sregs[] = {SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS};
    for (unsigned g = 0; g < 5; g++) {
        uint32_t base = (uint32_t)t.fast->cpu.seg[sregs[g]].base;
        for (unsigned k = 0; k < sizeof spots / sizeof spots[0]; k++) {
            for (int size = 1; size <= 4; size *= 2) {
                uint32_t off = lin0 + spots[k] - base;
                one(sregs[g], off, size, false, what);
                one(sregs[g], off, size, true, what);
                one(sregs[g], off, size, false, what);
            }
        }
    }
}

/* The last bytes below 4 GiB through DS (flat: an access that crosses
 * 4 GiB is past its limit) and through SS (based: the same offsets are
 * inside its limit, and the linear address wraps). */
static void sweep_top(const char *what)
{
    static const int sregs[] = {SEG_DS, SEG_SS};
    for (unsigned g = 0; g < 2; g++)
        for (uint32_t off = 0xfffffff8u; off != 0; off++)
            for (int size = 1; size <= 4; size *= 2) {
                one(sregs[g], off, size, false, what);
                one(sregs[g], off, size, true, what);
            }
}

static void sweep(const char *what)
{
    sweep_at(LIN, what);
    sweep_top(what);
}

START_TEST(fast_matches_slow)
{
    /* _i: bit 0 CPL 3, bit 1 CR0.WP, bit 2 CR0.AM and EFLAGS.AC, bit 3 DR7 */
    int cpl = (_i & 1) ? 3 : 0;
    char what[64];
    snprintf(what, sizeof what, "CPL %d WP %d AC %d DR7 %d", cpl, (_i >> 1) & 1, (_i >> 2) & 1,
             (_i >> 3) & 1);
    both_state(cpl, _i & 2, _i & 4, _i & 8);
    sweep(what);
    /* The same again with a full TLB: now the hits are what is tested. */
    sweep(what);
    /* That the fast machine did take the fast path (else this test would
     * compare the slow path with itself): page 0 is readable by all. */
    uint32_t lin;
    bool fast = mmu_fast_entry(&t.fast->cpu, SEG_DS, LIN, 4, false, &lin) != NULL;
    ck_assert(fast == !(_i & 8));
    /* And the flat segments' way for DS (both kinds) and ES (reads) at
     * CPL 0, which this test compares too; none at CPL 3. */
    uint16_t flat = (uint16_t)(1u << SEG_DS | 1u << (SEG_FLAT_WRITE + SEG_DS) | 1u << SEG_ES);
    ck_assert_uint_eq(t.fast->cpu.seg_flat, cpl == 3 ? 0 : flat);
}
END_TEST

/* A CPL change needs no flush: entries filled at CPL 0 must not serve
 * CPL 3 accesses to supervisor pages, nor the other way round. */
START_TEST(cpl_change_without_flush)
{
    both_state(0, false, false, false);
    sweep("CPL 0 fills");
    both_cpl(3);
    /* First the entries CPL 0 filled, before a page fault (which drops
     * the entry of the address it names) or a crossing access refills
     * them: a read of the supervisor page, a write to the read-only one. */
    one(SEG_DS, LIN + 0x2000, 4, false, "CPL 3 reads a supervisor page");
    one(SEG_DS, LIN + 0x1000, 4, true, "CPL 3 writes a read-only page");
    sweep("then CPL 3");
    both_cpl(0);
    sweep("then CPL 0 again");
}
END_TEST

/* The TLB changes under the fast tags: remap page 0 read-only onto page
 * 4's frame, and make page 4 supervisor, then tell the TLB as the guest
 * would (MOV CR3, INVLPG, or a CR0.WP flip, which flushes). */
static void remap(struct unit_machine *m)
{
    set32(m, PT + 0 * 4, frame[4] | PTE_P | PTE_US);
    set32(m, PT + 4 * 4, frame[4] | PTE_P | PTE_RW);
}

START_TEST(tlb_changes)
{
    for (int how = 0; how < 3; how++) {
        both_state(3, false, false, false);
        sweep("before the change");
        struct unit_machine *ms[2] = {t.fast, t.slow};
        for (int k = 0; k < 2; k++) {
            struct cpu *c = &ms[k]->cpu;
            remap(ms[k]);
            if (how == 0) {
                mmu_flush(c, false);
            } else if (how == 1) {
                mmu_invlpg(c, LIN);
                mmu_invlpg(c, LIN + 0x4000);
            } else {
                c->cr0 ^= CR0_WP;
                mmu_flush(c, true);
            }
        }
        sweep(how == 0 ? "after MOV CR3" : how == 1 ? "after INVLPG" : "after CR0.WP");
        both_cpl(0);
        sweep("and at CPL 0");
    }
}
END_TEST

/* A segment register reloaded over a cache the fast path has used: by a
 * protected-mode load (seg_load_cache) with a short read-only segment,
 * then in virtual-8086 mode (load_real), where the 4 GiB limit protected
 * mode left becomes 64 KiB: with the pages at offsets B000-10FFF of the
 * new DS, the spots past FFFF are #GP, however warm their TLB entries. */
START_TEST(segment_reloads)
{
    struct unit_machine *ms[2] = {t.fast, t.slow};
    /* base 400000, limit 1FFF, byte-granular, read-only data (type 1), 32-bit */
    struct desc ro = {0x00001fffu, 0x00409140u};
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        both_state(cpl, false, false, false);
        sweep("flat");
        for (int k = 0; k < 2; k++)
            seg_load_cache(&ms[k]->cpu, SEG_DS, (uint16_t)(0x10 | cpl), ro);
        sweep("DS reloaded read-only and short");
    }
    both_state(3, false, false, false);
    sweep_at(LOW, "flat, low copy");
    for (int k = 0; k < 2; k++) {
        struct cpu *c = &ms[k]->cpu;
        c->eflags |= FL_VM;
        cpu_update_mode(c);
        ck_assert_int_eq(seg_load(c, SEG_DS, (LOW - 0xb000) >> 4), 0);
        ck_assert_uint_eq(c->seg[SEG_DS].limit, 0xffff);
    }
    /* First past the new limit, before any slow access through DS could
     * derive fast_end again (mmu.c does that on its slow path). */
    one(SEG_DS, 0x10000, 4, false, "v86, past the limit");
    one(SEG_DS, 0xfffe, 4, true, "v86, across the limit");
    sweep_at(LOW, "v86, DS reloaded");
}
END_TEST

/* With a warm TLB, a data breakpoint turned on and off by MOV DR7
 * (ops_system.c) and the debugger's attention turned on and off: the fast
 * tags follow (mmu_watch_changed), so no watched access slips past. */
static void mov_dr7(uint32_t v)
{
    static const uint8_t mov_dr7_eax[] = {0x0f, 0x23, 0xf8};
    struct unit_machine *ms[2] = {t.fast, t.slow};
    for (int k = 0; k < 2; k++) {
        ms[k]->cpu.gpr[R_EAX] = v;
        ck_assert_int_eq(um_run_handler(ms[k], op_mov_Dd_Rd, mov_dr7_eax, 3), 0);
    }
}

START_TEST(watch_changes)
{
    struct cpu *f = &t.fast->cpu;
    uint32_t lin;
    both_state(0, false, false, false);
    sweep("no breakpoint");
    mov_dr7(0x400u | 1u | (3u << 16) | (3u << 18)); /* L0, R/W, 4 bytes at LIN + 10 */
    sweep("after MOV DR7 turned DR0 on");
    ck_assert_uint_ne(f->dr6_pending, 0);
    mov_dr7(0x400u);
    sweep("after MOV DR7 turned it off");
    ck_assert_ptr_nonnull(mmu_fast_entry(f, SEG_DS, LIN, 4, false, &lin));
    f->dbg = &slow_hooks;
    f->attention = true;
    mmu_watch_changed(f);
    ck_assert_ptr_null(mmu_fast_entry(f, SEG_DS, LIN, 4, false, &lin));
    f->attention = false;
    mmu_watch_changed(f);
    ck_assert_ptr_nonnull(mmu_fast_entry(f, SEG_DS, LIN, 4, false, &lin));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mmu_fast");
    TCase *tc = tcase_create("twin");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, fast_matches_slow, 0, 16);
    tcase_add_test(tc, cpl_change_without_flush);
    tcase_add_test(tc, tlb_changes);
    tcase_add_test(tc, segment_reloads);
    tcase_add_test(tc, watch_changes);
    suite_add_tcase(s, tc);
    return um_run_suite(s);
}
