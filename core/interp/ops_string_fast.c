/*
 * ops_string_fast.c - REP MOVS, STOS, LODS, and REPE/REPNE CMPS and SCAS, a
 * run of elements at a time, when that is exactly what running them one by
 * one would do.
 *
 * ops_string.c runs a REP string instruction element by element, and each
 * element is a whole data access: the segment checks, the TLB lookup, the
 * load or store of 1, 2 or 4 bytes, the step of eSI/eDI. Kernels spend a
 * good part of their time in REP MOVS and REP STOS (memcpy, memset,
 * zeroing the BSS and fresh pages). Here a run of elements costs those
 * checks once. Measured with callgrind (host instructions, 2026-11-25):
 * the first 61.5 M instructions of Debian's Linux decompressor, op_movs
 * 379 M -> 2.2 M (all of the run 5.96 G -> 5.58 G); the kernel from the end
 * of its decompression to the shell (311 M instructions), op_stos
 * 3.83 G -> 0.08 G and op_movs 0.60 G -> 0.18 G (all 36.5 G -> 32.3 G).
 *
 * When a run is the same as the elements one by one. mmu_fast_entry()
 * (mmu/mmu_fast.h) says when one access is the common case: a plain data
 * segment with the access inside its limit, no #AC possible, inside one
 * page, no data breakpoint (DR7) and no debugger listening, and a TLB hit
 * with the access's rights on a page that is plain host memory (for a
 * store, RAM that takes stores: TLB_HOSTW). Such an access has no effect
 * but the load or store itself and the self-modifying-code check, and none
 * of the things it depends on can change during a run, because a store to
 * RAM changes no segment cache, no TLB entry, no debug register. So if the
 * first element of an operand passes, every later element of the run
 * passes too as long as it
 *   - lies in the same page (the same TLB entry: the run stops at the
 *     page's end, or its start when EFLAGS.DF = 1);
 *   - is inside the segment limit (the segments mmu_fast_entry accepts are
 *     valid from offset 0 to the limit, so only an upward run can leave);
 *   - does not make eSI/eDI wrap: with 16-bit addressing SI and DI wrap
 *     from FFFF to 0000, and the next element is then at offset 0, not at
 *     the next linear address; the run stops before the wrap (and with
 *     32-bit addressing before 4 GiB, which the limit already implies);
 * and the alignment of every element is that of the first, since they are
 * a whole number of elements apart. A run stops at the first of these
 * limits for either operand, at eCX and at what is left of the handler's
 * batch (the caller's max): the element after it takes the slow path (a
 * TLB miss, a fault, a page crossing) or starts the next run.
 *
 * Overlapping MOVS. Element by element, a copy whose destination starts
 * inside the source, ahead in the direction of the copy, reads bytes it
 * has already written: MOVSB with eDI = eSI + 1 fills the buffer with its
 * first byte, and MOVSD with eDI = eSI + 1 carries the last byte each
 * element wrote into the next element's load. memmove() instead copies as
 * if through a buffer, which gives neither. So the run uses memmove() only when the element order
 * cannot matter (disjoint, or the destination behind the source in the
 * copy's direction, where no element reads a byte an earlier one wrote),
 * and copies element by element, in order, otherwise. The test is on the
 * host addresses, so two linear pages aliasing one physical page are seen
 * as the overlap they are.
 *
 * The block cache. A store into a page that holds translated code must drop
 * its blocks (tcache.h); the run calls bus_watch_check() once for the whole
 * range it wrote, which is what the element stores would have done a
 * piece at a time (its callback takes any range inside one page).
 *
 * The comparisons, CMPS and SCAS. Element by element, REPE goes on while
 * the elements are equal and REPNE while they differ, and the flags are
 * those of the last comparison. A run compares the elements in order on
 * the host and stops after the first whose comparison ends the repetition
 * (or at its length, as above); then it calls alu() on that last pair, the
 * call the element itself makes, so the flags are the element's to the
 * bit, and the caller's compare_stops() sees what it would have seen. Loads
 * have no effect but their value, so nothing else differs. strlen()'s
 * REPNE SCASB (i386 Linux's strlen is one) takes memchr(). Measured with
 * callgrind (2026-11-26) on a guest that runs a REPNE SCASB over 2001
 * bytes and a REPE CMPSB over 2001 equal bytes, 50 times, --core switch:
 * 259 -> 11.4 host instructions an element, the same 1,215,948 cycles.
 *
 * What the caller keeps. eCX, the cycles (the element cost times the
 * elements, the start-up once) and the batch are ops_string.c's, unchanged,
 * so the handler returns at the same elements as before and interrupts land
 * at the same instruction boundaries: a run is never a change of the
 * machine, only of the host time it takes.
 */
#include "ops_string_fast.h"

#include <string.h>

#include "alu.h"
#include "mmu/mmu_fast.h"
#include "ops.h"

#define PAGE_SIZE   0x1000u
#define PAGE_OFFSET 0xfffu

/* One operand of a run: its index, its page and where its first element lies. */
struct str_side {
    uint32_t off;              /* eSI or eDI at the address size: the first element's offset */
    const struct tlb_entry *e; /* the TLB entry of the page, host memory */
    uint32_t first;            /* page offset of the first element */
};

static uint64_t min64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static bool str_down(const struct cpu *c)
{
    return (c->eflags & FL_DF) != 0;
}

/*
 * How many elements, at most max, from the one at sreg:off on may run at
 * once (see the header essay); 0 when the first is not the common case.
 * Elements are 1, 2 or 4 bytes, so counts are shifts, not divisions. Going
 * up, the first element passed the limit check, so limit - off + 1 is at
 * least one element; the rooms are counted in 64 bits because from offset
 * 0 a 4 GiB segment holds 2^32 byte elements. Inline: a lone MOVS or LODS
 * (max = 1) costs mmu_fast_entry() and little more.
 */
static ALWAYS_INLINE uint32_t side_room(struct cpu *c, const struct insn *i, int sreg, int reg,
                                        bool write, uint32_t max, struct str_side *s)
{
    uint32_t size = i->opsize, lin, off = reg_get(c, reg, i->addrsize);
    unsigned shift = size >> 1; /* log2 of 1, 2, 4 */

    s->e = mmu_fast_entry(c, sreg, off, (int)size, write, &lin);
    if (!s->e)
        return 0;
    s->off = off;
    s->first = lin & PAGE_OFFSET;
    if (max == 1)
        return 1;
    if (str_down(c)) /* down to the page's first byte, and to offset 0 */
        return (uint32_t)min64(max, (min64(s->first, off) >> shift) + 1);
    uint64_t mask = i->addrsize == 2 ? 0xffffu : 0xffffffffu;
    uint64_t page = PAGE_SIZE - s->first;
    uint64_t limit = (uint64_t)c->seg[sreg].limit - off + 1;
    uint64_t index = ((mask - off) >> shift) + 1; /* elements before eSI/eDI wraps */
    return (uint32_t)min64(max, min64(min64(page, limit) >> shift, index));
}

/* The page offset of the lowest byte of a run of n elements. */
static uint32_t side_low(const struct cpu *c, const struct str_side *s, uint32_t n, uint32_t size)
{
    return str_down(c) ? s->first - (n - 1) * size : s->first;
}

/* Step index register reg (the side's) past n elements, wrapping at the
 * address size (a run ends before a wrap, but its last step may reach 0
 * from FFFF + 1, as the element-by-element step does). */
static ALWAYS_INLINE void side_step(struct cpu *c, const struct insn *i, int reg,
                                    const struct str_side *s, uint32_t n)
{
    uint32_t delta = n * i->opsize;
    reg_set(c, reg, i->addrsize, str_down(c) ? s->off - delta : s->off + delta);
}

/* Would copying element by element read a byte an earlier element wrote?
 * Only when the destination starts inside the source, ahead of it in the
 * direction of the copy. from and to are the runs' lowest bytes. */
static bool order_matters(const uint8_t *from, const uint8_t *to, uint32_t bytes, bool down)
{
    uintptr_t f = (uintptr_t)from, t = (uintptr_t)to;
    return down ? (t < f && f < t + bytes) : (f < t && t < f + bytes);
}

/* n elements of size bytes from from to to, one at a time in the order of
 * the instruction, each loaded whole before it is stored, as movs_one()
 * does. */
static void copy_in_order(uint8_t *to, const uint8_t *from, uint32_t n, uint32_t size, bool down)
{
    for (uint32_t j = 0; j < n; j++) {
        uint32_t at = (down ? n - 1 - j : j) * size;
        st_le(to + at, ld_le(from + at, (int)size), (int)size);
    }
}

/* The self-modifying-code check of a run's stores: bytes at page offset
 * low of the page e maps (mmu_write_inline does this for one element). */
static void run_written(struct cpu *c, const struct tlb_entry *e, uint32_t low, uint32_t bytes)
{
    bus_watch_check(c->bus, e->ppage | low, (int)bytes);
}

uint32_t str_run_movs(struct cpu *c, const struct insn *i, uint32_t max)
{
    struct str_side src, dst;
    uint32_t size = i->opsize;
    uint32_t n = side_room(c, i, i->seg, R_ESI, false, max, &src);
    if (n)
        n = side_room(c, i, SEG_ES, R_EDI, true, n, &dst);
    if (!n)
        return 0;

    uint32_t bytes = n * size, to_low = side_low(c, &dst, n, size);
    const uint8_t *from = src.e->host + side_low(c, &src, n, size);
    uint8_t *to = dst.e->host + to_low;
    if (order_matters(from, to, bytes, str_down(c)))
        copy_in_order(to, from, n, size, str_down(c));
    else
        memmove(to, from, bytes);
    run_written(c, dst.e, to_low, bytes);
    side_step(c, i, R_ESI, &src, n);
    side_step(c, i, R_EDI, &dst, n);
    return n;
}

/* bytes of the element value v (size bytes, little-endian) repeated at to:
 * the first element stored, then the filled part copied onto the rest,
 * doubling each time (the pieces never overlap), so that a page of words
 * or dwords costs a few memcpy calls rather than a store per element. */
static void fill(uint8_t *to, uint32_t v, uint32_t size, uint32_t bytes)
{
    if (size == 1) {
        memset(to, (int)v, bytes);
        return;
    }
    st_le(to, v, (int)size);
    for (uint32_t done = size; done < bytes;) {
        uint32_t piece = done < bytes - done ? done : bytes - done;
        memcpy(to + done, to, piece);
        done += piece;
    }
}

uint32_t str_run_stos(struct cpu *c, const struct insn *i, uint32_t max)
{
    struct str_side dst;
    uint32_t size = i->opsize;
    uint32_t n = side_room(c, i, SEG_ES, R_EDI, true, max, &dst);
    if (!n)
        return 0;

    uint32_t bytes = n * size, low = side_low(c, &dst, n, size);
    fill(dst.e->host + low, reg_get(c, R_EAX, (int)size), size, bytes);
    run_written(c, dst.e, low, bytes);
    side_step(c, i, R_EDI, &dst, n);
    return n;
}

/* Loads have no effect but their value, so a run of LODS is its last
 * element's load. */
uint32_t str_run_lods(struct cpu *c, const struct insn *i, uint32_t max)
{
    struct str_side src;
    uint32_t size = i->opsize;
    uint32_t n = side_room(c, i, i->seg, R_ESI, false, max, &src);
    if (!n)
        return 0;

    uint32_t last = str_down(c) ? src.first - (n - 1) * size : src.first + (n - 1) * size;
    reg_set(c, R_EAX, (int)size, ld_le(src.e->host + last, (int)size));
    side_step(c, i, R_ESI, &src, n);
    return n;
}

/* --- the comparisons --- */

/* The value of element j of a run on side s. */
static ALWAYS_INLINE uint32_t side_elem(const struct cpu *c, const struct str_side *s,
                                        uint32_t j, uint32_t size)
{
    uint32_t at = str_down(c) ? s->first - j * size : s->first + j * size;
    return ld_le(s->e->host + at, (int)size);
}

/* Does the repetition go on after a comparison that found the elements
 * equal (or not)? REPE goes on while they are equal, REPNE while they
 * differ (ops_string.c's compare_stops(), seen from the other side). A
 * lone element is a run of one and never asks. */
static bool goes_on(const struct insn *i, bool equal)
{
    return equal == (i->rep == REP_E);
}

uint32_t str_run_cmps(struct cpu *c, const struct insn *i, uint32_t max)
{
    struct str_side src, dst;
    uint32_t size = i->opsize;
    uint32_t n = side_room(c, i, i->seg, R_ESI, false, max, &src);
    if (n)
        n = side_room(c, i, SEG_ES, R_EDI, false, n, &dst);
    if (!n)
        return 0;

    uint32_t a, b, j = 0;
    do {
        a = side_elem(c, &src, j, size);
        b = side_elem(c, &dst, j, size);
        j++;
    } while (j < n && goes_on(i, a == b));
    alu(c, ALU_CMP, (int)size, a, b); /* source minus destination, as cmps_one() */
    side_step(c, i, R_ESI, &src, j);
    side_step(c, i, R_EDI, &dst, j);
    return j;
}

uint32_t str_run_scas(struct cpu *c, const struct insn *i, uint32_t max)
{
    struct str_side dst;
    uint32_t size = i->opsize;
    uint32_t n = side_room(c, i, SEG_ES, R_EDI, false, max, &dst);
    if (!n)
        return 0;

    uint32_t a = reg_get(c, R_EAX, (int)size), b, j = 0;
    if (size == 1 && i->rep == REP_NE && !str_down(c)) {
        /* strlen(): the first byte equal to AL, or none in the run */
        const uint8_t *p = dst.e->host + dst.first, *hit = memchr(p, (int)a, n);
        j = hit ? (uint32_t)(hit - p) + 1 : n;
        b = p[j - 1];
    } else {
        do
            b = side_elem(c, &dst, j++, size);
        while (j < n && goes_on(i, a == b));
    }
    alu(c, ALU_CMP, (int)size, a, b); /* eAX minus the element, as scas_one() */
    side_step(c, i, R_EDI, &dst, j);
    return j;
}
