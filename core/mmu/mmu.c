/*
 * mmu.c - the CPU's view of memory: segment checks, then linear accesses
 * through the TLB (see mmu.h; the page walk is in paging.c).
 *
 * Every data access an instruction makes goes through here in the order
 * the hardware checks it:
 *
 *   1. the segment (SDM vol. 3, 3.4.5 and 5.3-5.5): in protected mode the
 *      register must hold a usable segment (P set in the cached attributes;
 *      a null selector loads attributes 0), its type must allow the access
 *      (no writes to code or read-only data, no reads of execute-only
 *      code), and every byte offset..offset+size-1 must be inside the
 *      limit. An expand-down data segment turns the limit around: valid
 *      offsets are limit+1 up to FFFF, or FFFFFFFF when its B bit is set.
 *      In real and virtual-8086 mode only the limit is checked (64 KiB,
 *      unless "unreal mode" left a bigger one in the cache), so a word at
 *      offset FFFF faults instead of wrapping as on the 8086. A violation
 *      is #GP(0), or #SS(0) when the segment is SS;
 *   2. alignment (6.15, #AC(0)): at CPL 3 with CR0.AM and EFLAGS.AC set, a
 *      word must sit at an even linear address and a dword at a multiple
 *      of 4. Only data accesses are checked; fetches and the CPU's own
 *      system-structure accesses (the *_lin functions) are not;
 *   3. paging (chapter 4): the TLB, or a walk in paging.c that may #PF.
 *
 * The fast path is the TLB hit (tlb.h): when the page is cached with the
 * rights the access needs and the access stays inside the page, a RAM
 * access is one host load or store. Everything else - misses, accesses
 * crossing a page, ROM and device memory - takes the slow path, which
 * translates both pages of a crossing access before touching either, so a
 * fault in the second page leaves the first unchanged.
 *
 * A segmented data access that completes is then matched against the
 * DR0-DR3 data breakpoints (debugreg.c), whose #DB trap follows the
 * instruction. The CPU's own accesses to system structures (the *_lin
 * functions) and instruction fetches are not matched here.
 *
 * Not emulated: the segment checks of 64-bit mode (there is none yet).
 */
#include "mmu.h"
#include "mmu_fast.h"

#include <string.h>

#include "bus.h"
#include "interp/exec.h"

#define PAGE_SIZE   0x1000u
#define PAGE_OFFSET 0xfffu /* offset in a 4 KiB page */

#ifdef __GNUC__
#define NOINLINE __attribute__((noinline)) /* keep a slow path out of its fast caller */
#else
#define NOINLINE
#endif

/* --- segments --- */

/* The exception a segment check raises: #SS for the stack segment. */
static int seg_fault(struct cpu *c, int sreg)
{
    return cpu_fault(c, sreg == SEG_SS ? EXC_SS : EXC_GP, 0);
}

/* May a code or data segment of these attributes be accessed this way?
 * (SDM 5.5: code is never writable and readable only with R; data is
 * always readable and writable only with W; only code executes.) */
static bool type_allows(uint16_t attr, int acc)
{
    unsigned type = attr & SEG_ATTR_TYPE;
    if (type & SEG_TYPE_CODE)
        return acc == MMU_EXEC || (acc == MMU_READ && (type & SEG_TYPE_READABLE));
    return acc == MMU_READ || (acc == MMU_WRITE && (type & SEG_TYPE_WRITABLE));
}

/* Is every byte of off..off+size-1 inside the segment? An access that
 * wraps past offset FFFFFFFF is outside whatever the limit. */
static bool within_limit(const struct seg *s, uint32_t off, int size, bool expdown)
{
    uint32_t last = off + (uint32_t)size - 1;
    if (last < off)
        return false;
    if (!expdown)
        return last <= s->limit;
    uint32_t top = (s->attr & SEG_ATTR_DB) ? 0xffffffffu : 0xffffu;
    return off > s->limit && last <= top;
}

/* Step 1 for sreg:off: the checks of the current mode, then base + off.
 * System segments (LDTR, TR) were checked when loaded and have no access
 * type to judge here. */
static inline int seg_linear(struct cpu *c, int sreg, uint32_t off, int size, int acc,
                             uint32_t *lin)
{
    const struct seg *s = &c->seg[sreg];
    bool expdown = false;

    if (cpu_protected(c) && !cpu_v86(c)) {
        if (!(s->attr & SEG_ATTR_P))
            return seg_fault(c, sreg);
        if (s->attr & SEG_ATTR_S) {
            if (!type_allows(s->attr, acc))
                return seg_fault(c, sreg);
            expdown = (s->attr & (SEG_TYPE_CODE | SEG_TYPE_EXPDOWN)) == SEG_TYPE_EXPDOWN;
        }
    }
    if (!within_limit(s, off, size, expdown))
        return seg_fault(c, sreg);
    *lin = (uint32_t)(s->base + off); /* linear addresses wrap at 4 GiB */
    return 0;
}

int mmu_check(struct cpu *c, int sreg, uint32_t off, int size, int acc, uint64_t *lin)
{
    uint32_t l;
    TRY(seg_linear(c, sreg, off, size, acc, &l));
    *lin = l;
    return 0;
}

/* Step 2: #AC(0) for a misaligned data access at CPL 3 with CR0.AM and
 * EFLAGS.AC (size is 1, 2 or 4, so size - 1 masks the low bits). */
static inline int align_check(struct cpu *c, uint32_t lin, int size)
{
    if ((lin & (uint32_t)(size - 1)) && c->cpl == 3 && (c->cr0 & CR0_AM) && (c->eflags & FL_AC))
        return cpu_fault(c, EXC_AC, 0);
    return 0;
}

/* --- one page: loads and stores through a translation --- */

/* Is this a user-mode access (SDM 4.6)? The CPU's own accesses to the GDT,
 * IDT and TSS are supervisor ones even at CPL 3. */
static inline bool is_user(const struct cpu *c, int flags)
{
    return c->cpl == 3 && !(flags & MMU_SUPER);
}

static inline bool cr0_wp(const struct cpu *c)
{
    return (c->cr0 & CR0_WP) != 0;
}

/* A data access that reaches a device's registers: a hypervisor would
 * have to intercept it (trap.h). Only on the slow, non-RAM path. */
static void mmio_trap(struct cpu *c, uint64_t paddr, int size, bool write, uint32_t v)
{
    if (bus_is_mmio_device(c->bus, paddr))
        cpu_trap(c, TRAP_MMIO, TRAP_A(paddr, size, write), v);
}

/* Load size bytes at offset off of the page e maps: RAM from the host
 * pointer, anything else through the bus. */
static inline uint32_t page_load(struct cpu *c, const struct tlb_entry *e, uint32_t off, int size)
{
    if (e->host)
        return ld_le(e->host + off, size);
    uint32_t v = bus_mem_read(c->bus, e->ppage | off, size);
    mmio_trap(c, e->ppage | off, size, false, v);
    return v;
}

/* Store size bytes at offset off of the page e maps. This is the one place
 * where a guest write reaches memory after translation, so it is where the
 * threaded core's self-modifying-code check happens (bus_watch_check, one
 * bit test; bus_mem_write does it for the other path). The check is here
 * rather than in the TLB (by caching no write right for code pages) so that
 * a store to a code page costs no extra page walk: the walk count is part
 * of the cycle model, and the two cores must count the same walks. */
static inline void page_store(struct cpu *c, const struct tlb_entry *e, uint32_t off, uint32_t v,
                              int size)
{
    if (e->flags & TLB_HOSTW) {
        st_le(e->host + off, v, size);
        bus_watch_check(c->bus, e->ppage | off, size);
    } else {
        bus_mem_write(c->bus, e->ppage | off, v, size);
        mmio_trap(c, e->ppage | off, size, true, v);
    }
}

/* --- linear accesses --- */

/* Translate the one or two pages that size bytes at lin touch into e[0]
 * and e[1]; *first is how many bytes lie in the first page. For a crossing
 * access both pages are judged (dry) before either is walked for real, so
 * a fault in the second sets no accessed or dirty bit in the first. */
static int span(struct cpu *c, uint32_t lin, int size, int acc, bool user, struct tlb_entry e[2],
                int *first)
{
    uint32_t off = lin & PAGE_OFFSET;
    *first = off + (uint32_t)size > PAGE_SIZE ? (int)(PAGE_SIZE - off) : size;
    if (*first == size)
        return mmu_tlb_entry(c, lin, acc, user, false, &e[0]);
    uint32_t lin2 = lin + (uint32_t)*first; /* wraps from FFFFFFFF to 0 */
    TRY(mmu_tlb_entry(c, lin, acc, user, true, &e[0]));
    TRY(mmu_tlb_entry(c, lin2, acc, user, true, &e[1]));
    TRY(mmu_tlb_entry(c, lin, acc, user, false, &e[0]));
    return mmu_tlb_entry(c, lin2, acc, user, false, &e[1]);
}

/* The slow path of a read: a TLB miss, a crossing access or a missing right. */
static int read_slow(struct cpu *c, uint32_t lin, int size, uint32_t *val, bool user)
{
    struct tlb_entry e[2];
    int first;
    uint32_t off = lin & PAGE_OFFSET, v = 0;

    TRY(span(c, lin, size, MMU_READ, user, e, &first));
    if (first == size) {
        *val = page_load(c, &e[0], off, size);
        return 0;
    }
    for (int k = 0; k < size; k++) {
        if (k < first)
            v |= page_load(c, &e[0], off + (uint32_t)k, 1) << (8 * k);
        else
            v |= page_load(c, &e[1], (uint32_t)(k - first), 1) << (8 * k);
    }
    *val = v;
    return 0;
}

/* The slow path of a write: both pages are translated before a byte moves. */
static int write_slow(struct cpu *c, uint32_t lin, int size, uint32_t val, bool user)
{
    struct tlb_entry e[2];
    int first;
    uint32_t off = lin & PAGE_OFFSET;

    TRY(span(c, lin, size, MMU_WRITE, user, e, &first));
    if (first == size) {
        page_store(c, &e[0], off, val, size);
        return 0;
    }
    for (int k = 0; k < size; k++) {
        uint32_t byte = (val >> (8 * k)) & 0xff;
        if (k < first)
            page_store(c, &e[0], off + (uint32_t)k, byte, 1);
        else
            page_store(c, &e[1], (uint32_t)(k - first), byte, 1);
    }
    return 0;
}

/* The fast path: a TLB hit with the rights, inside one page, costs the tag
 * compare, the rights test and the load. Kept inline in mmu_read and
 * mmu_read_lin so that the common case makes no further call. */
static inline int read_lin(struct cpu *c, uint32_t lin, int size, uint32_t *val, bool user)
{
    struct tlb_entry *e = tlb_hit(&c->tlb, lin, tlb_need(user, false, cr0_wp(c)));
    if (e && (lin & PAGE_OFFSET) + (uint32_t)size <= PAGE_SIZE) {
        *val = page_load(c, e, lin & PAGE_OFFSET, size);
        return 0;
    }
    return read_slow(c, lin, size, val, user);
}

/* The fast path of a write; an entry without TLB_DIRTY misses (tlb_need)
 * so that the first write to a page walks and sets D. */
static inline int write_lin(struct cpu *c, uint32_t lin, int size, uint32_t val, bool user)
{
    struct tlb_entry *e = tlb_hit(&c->tlb, lin, tlb_need(user, true, cr0_wp(c)));
    if (e && (lin & PAGE_OFFSET) + (uint32_t)size <= PAGE_SIZE) {
        page_store(c, e, lin & PAGE_OFFSET, val, size);
        return 0;
    }
    return write_slow(c, lin, size, val, user);
}

int mmu_read_lin(struct cpu *c, uint64_t lin, int size, uint32_t *val, int flags)
{
    return read_lin(c, (uint32_t)lin, size, val, is_user(c, flags));
}

int mmu_write_lin(struct cpu *c, uint64_t lin, int size, uint32_t val, int flags)
{
    return write_lin(c, (uint32_t)lin, size, val, is_user(c, flags));
}

/* --- segmented accesses --- */

/* A data access that completed may match a DR0-DR3 data breakpoint; the
 * #DB trap follows the instruction (debugreg.c). With none enabled, which
 * is nearly always, this costs one test of DR7. */
static inline void data_breakpoints(struct cpu *c, uint32_t lin, int size, bool write)
{
    if (c->dr[7] & DR7_ENABLE_MASK)
        dr_check_data(c, lin, size, write);
    if (c->attention) /* the debugger's watchpoints (core/debug) */
        c->dbg->access(c->dbg_opaque, lin, size, write);
}

/* The whole of a segmented access, in the order of the file header. The
 * fast path below defers to these for anything but the common case. */
static NOINLINE int read_seg(struct cpu *c, int sreg, uint32_t off, int size, uint32_t *val)
{
    uint32_t lin;
    seg_fast_update(&c->seg[sreg]); /* a cache set by a struct literal: cpu.h */
    TRY(seg_linear(c, sreg, off, size, MMU_READ, &lin));
    TRY(align_check(c, lin, size));
    TRY(read_lin(c, lin, size, val, c->cpl == 3));
    data_breakpoints(c, lin, size, false);
    return 0;
}

static NOINLINE int write_seg(struct cpu *c, int sreg, uint32_t off, int size, uint32_t val)
{
    uint32_t lin;
    seg_fast_update(&c->seg[sreg]); /* a cache set by a struct literal: cpu.h */
    TRY(seg_linear(c, sreg, off, size, MMU_WRITE, &lin));
    TRY(align_check(c, lin, size));
    TRY(write_lin(c, lin, size, val, c->cpl == 3));
    data_breakpoints(c, lin, size, true);
    return 0;
}

int mmu_read(struct cpu *c, int sreg, uint32_t off, int size, uint32_t *val)
{
    uint32_t lin;
    const struct tlb_entry *e = mmu_fast_entry(c, sreg, off, size, false, &lin);
    if (!e)
        return read_seg(c, sreg, off, size, val);
    *val = ld_le(e->host + (lin & PAGE_OFFSET), size);
    return 0;
}

int mmu_write(struct cpu *c, int sreg, uint32_t off, int size, uint32_t val)
{
    uint32_t lin;
    const struct tlb_entry *e = mmu_fast_entry(c, sreg, off, size, true, &lin);
    if (!e)
        return write_seg(c, sreg, off, size, val);
    /* RAM that takes stores (the fast tag says TLB_HOSTW): page_store()'s
     * store and SMC check without its test of the flags. */
    st_le(e->host + (lin & PAGE_OFFSET), val, size);
    bus_watch_check(c->bus, e->ppage | (lin & PAGE_OFFSET), size);
    return 0;
}

/* --- instruction fetch --- */

/* How many bytes from CS:off (linear lin) may be fetched in one go: up to
 * the end of the page and of the CS limit. 64-bit arithmetic because a
 * 4 GiB limit leaves room for 2^32 bytes. */
static uint32_t fetch_room(const struct seg *cs, uint32_t off, uint32_t lin)
{
    uint64_t room = PAGE_SIZE - (lin & PAGE_OFFSET);
    uint64_t in_limit = (uint64_t)cs->limit - off + 1;
    return (uint32_t)(room < in_limit ? room : in_limit);
}

/* A 16-bit code segment does not wrap inside an instruction: a byte past
 * the CS limit (FFFF in real mode) is #GP(0), as on the 386 and later. */
int mmu_fetch(struct cpu *c, uint32_t off, uint8_t *buf, int max)
{
    const struct seg *cs = &c->seg[SEG_CS];
    bool user = c->cpl == 3;
    struct tlb_entry slow;

    if (off > cs->limit)
        return -cpu_fault(c, EXC_GP, 0); /* CPU_FAULT is 1 */
    uint32_t lin = (uint32_t)(cs->base + off);
    /* Execute permission is read permission on 32-bit paging (no NX). */
    const struct tlb_entry *e = tlb_hit(&c->tlb, lin, tlb_need(user, false, false));
    if (!e) {
        if (mmu_tlb_entry(c, lin, MMU_EXEC, user, false, &slow))
            return -1;
        e = &slow;
    }
    uint32_t room = fetch_room(cs, off, lin);
    int n = max < (int)room ? max : (int)room;
    uint32_t po = lin & PAGE_OFFSET;
    if (e->host) {
        memcpy(buf, e->host + po, (size_t)n);
        return n;
    }
    for (int k = 0; k < n; k++)
        buf[k] = (uint8_t)bus_mem_read(c->bus, e->ppage | (po + (uint32_t)k), 1);
    return n;
}
