/*
 * mmu_fast.h - the common case of a data access, inline.
 *
 * mmu_read() and mmu_write() (mmu.c) try mmu_fast_entry() first and take
 * their slow paths when it says no. The threaded core's specialised loads
 * and stores (interp/ops_fast.h) call mmu_read_inline() and
 * mmu_write_inline() instead, which make the same test in place, with the
 * access size a constant, and call mmu_read()/mmu_write() when it fails:
 * those start again from the top, which is allowed because the test has no
 * side effect. So there is one fast path, written once, and it gives the
 * answer of the slow path.
 *
 * It is three compares, each against state derived when its inputs change
 * rather than judged per access: the segment's fast_end (cpu.h), the #AC
 * test, and the TLB slot's fast tag for this kind of access at this CPL
 * (tlb.h), which also answers the page crossing, the rights, the host
 * pointer and whether data accesses are watched. Together they took the
 * Linux decompressor from 65.45 to 57.99 host instructions a guest
 * instruction in the threaded core (callgrind; figures at each step).
 */
#ifndef LAB86_MMU_FAST_H
#define LAB86_MMU_FAST_H

#include <assert.h>

#include "bus.h"
#include "interp/exec.h"
#include "mmu.h"

/* The common case of a data access, judged in a few tests with no stack
 * frame (mmu_read and mmu_write were a fifth of the threaded core's time,
 * much of it saving registers for the rare paths): a plain data segment
 * (in protected mode present, not expand-down, writable for a write; in
 * real and v86 mode any, as seg_linear judges only the limit there) with
 * the access inside its limit, no #AC possible (aligned, or below CPL 3),
 * inside one page, no data breakpoint or debugger listening, and a TLB hit
 * with the access's rights on RAM. Then the answer is the one the slow
 * path would reach - the same checks pass and read_lin()/write_lin() take
 * the same TLB entry - with no side effect but the load or store itself,
 * so the slow path is free to start again from the top. True with the TLB
 * slot in *slot and the linear address in *lin; false for the slow path. */
static ALWAYS_INLINE bool mmu_fast_slot(struct cpu *c, int sreg, uint32_t off, int size, bool write,
                                        uint32_t *lin, unsigned *slot)
{
    uint32_t l;
    unsigned cpl;
#ifdef LAB86_CHECK_DERIVED
    /* The sanitizer build checks that seg_flat and the segment's fast_end
     * were derived again after every change of the segments or the CPL
     * (cpu.h), tests included; a fast_end of 0 is allowed (the slow path). */
    assert(c->seg_flat == cpu_seg_flat(c));
    struct seg derived = c->seg[sreg];
    seg_fast_update(&derived);
    assert(c->seg[sreg].fast_end[write] == 0 ||
           c->seg[sreg].fast_end[write] == derived.fast_end[write]);
#endif
    if ((c->seg_flat >> (sreg + (write ? SEG_FLAT_WRITE : 0))) & 1) {
        /* A flat segment at CPL 0-2 (cpu.h, seg_flat): the linear address
         * is the offset, no #AC is possible, and the limit test that is
         * left (no byte past 4 GiB - 1) is the tag compare's below, with
         * the page after the last byte worked out in 64 bits. The tags of
         * CPL 0-2 are one (tlb.h). Host instructions a guest instruction,
         * threaded core, by callgrind: the Linux decompressor 29.04 ->
         * 27.75, bench.asm 36.91 -> 36.35. */
        l = off;
        cpl = 0;
    } else {
        const struct seg *s = &c->seg[sreg];
        /* The segment: the limit and the attributes in one compare, with
         * the limit + 1 seg_fast_update() (cpu.h) keeps for a plain data
         * segment and 0 for any other. The attribute test is made in every
         * mode, though real and v86 mode ignore the attributes: there a
         * segment whose cache is not a present writable data segment (CS,
         * or what protected mode left behind) takes the slow path, which
         * gives the same answer. 64 bits: no wrap past 4 GiB. */
        if ((uint64_t)off + (uint64_t)size > s->fast_end[write])
            return false;
        l = (uint32_t)(s->base + off);
        cpl = c->cpl;
        if ((l & (uint32_t)(size - 1)) && cpl == 3) /* #AC possible */
            return false;
    }
    /* The TLB: one compare with the slot's fast tag for this kind of access
     * at this CPL (tlb.h), which is the address of the page after the
     * slot's only when the entry has the rights and a host pointer for it.
     * The tag is compared with the address of the page after the one of
     * the access's LAST byte, so an access that crosses into the next page
     * misses too: that page lives in the next slot. This replaces the
     * page-cross test, the rights mask of tlb_need() and the tag compare of
     * tlb_hit() (Linux decompressor, threaded core: 65.45 -> 61.33 host
     * instructions a guest instruction, by callgrind). With a data
     * breakpoint or the debugger watching, every tag is 0 (tlb.h), which
     * saves the tests of DR7 and c->attention here (59.08 -> 57.99).
     * c->cpl is 0-3 (cpu_update_mode; a snapshot load makes sure). */
    unsigned k = (l >> 12) & (TLB_ENTRIES - 1);
    uint64_t after = ((uint64_t)l + (uint64_t)size - 1 + 0x1000u) & ~(uint64_t)0xfff;
    if (c->tlb.fast[k][write][cpl] != after)
        return false;
    *lin = l;
    *slot = k;
    return true;
}

/* mmu_fast_slot()'s TLB entry, or NULL. */
static ALWAYS_INLINE const struct tlb_entry *mmu_fast_entry(struct cpu *c, int sreg, uint32_t off,
                                                            int size, bool write, uint32_t *lin)
{
    unsigned k;
    return mmu_fast_slot(c, sreg, off, size, write, lin, &k) ? &c->tlb.e[k] : NULL;
}

/* The host address of linear address lin in TLB slot k, which
 * mmu_fast_slot() gave: the slot's addend (tlb.h) and lin, one add where
 * the entry's host pointer and the offset in the page were two more
 * instructions, and the tag compared with the page after the access's
 * last byte, rounded, where it was shifted (Linux decompressor, threaded
 * core: 33.3 -> 31.9 host instructions a guest instruction, bench.asm 39.0
 * -> 38.1, by callgrind). */
static ALWAYS_INLINE uint8_t *mmu_fast_host(const struct cpu *c, unsigned k, uint32_t lin)
{
    return (uint8_t *)(c->tlb.addend[k] + lin);
}

static ALWAYS_INLINE int mmu_read_inline(struct cpu *c, int sreg, uint32_t off, int size, uint32_t *val)
{
    uint32_t lin;
    unsigned k;
    if (!mmu_fast_slot(c, sreg, off, size, false, &lin, &k))
        return mmu_read(c, sreg, off, size, val);
    *val = ld_le(mmu_fast_host(c, k, lin), size);
    return 0;
}

static ALWAYS_INLINE int mmu_write_inline(struct cpu *c, int sreg, uint32_t off, int size, uint32_t val)
{
    uint32_t lin;
    unsigned k;
    if (!mmu_fast_slot(c, sreg, off, size, true, &lin, &k))
        return mmu_write(c, sreg, off, size, val);
    st_le(mmu_fast_host(c, k, lin), val, size);
    /* Code written? (tcache.h) A CPU that runs the threaded core's blocks
     * has no write fast tag on a page with code (tlb.h); this is for one
     * that does not, which is not told when a page's watch bit is set. */
    bus_watch_check(c->bus, c->tlb.e[k].ppage | (lin & 0xfffu), size);
    return 0;
}

#endif
