/*
 * tlb.h - the software TLB: recently used linear-to-physical translations,
 * and the inline hit test every memory access tries first.
 *
 * A real TLB (SDM vol. 3, 4.10.2) remembers, per linear page, the physical
 * page and the access rights the page walk found, so that most accesses do
 * not read the page tables at all. Ours is direct-mapped by linear page
 * number: page n lives in slot n mod TLB_ENTRIES, and a hit costs one
 * compare of the tag and one test of the rights bits. For RAM an entry also
 * holds a host pointer to the page, so a hit then costs an add and a load;
 * for ROM and read-only shadow RAM it holds one for reads and fetches.
 *
 * The rights are stored, not judged, at fill time: TLB_USER and TLB_WRITE
 * are the combined U/S and R/W of the walk, and tlb_need() turns the
 * current access (user or supervisor, read or write, CR0.WP) into the bits
 * an entry must have. Because the current CPL and CR0.WP are looked at on
 * every use, a change of CPL needs no flush and a hit always gives the
 * answer a walk would give.
 *
 * An entry is filled only after a walk that succeeded and set the accessed
 * bits, so a read hit never needs the page tables. TLB_DIRTY says the final
 * entry's dirty bit is already set; a write to an entry without it misses
 * and walks again to set D, as the hardware's locked update does (SDM 4.8).
 *
 * With paging off the TLB still caches identity translations (through the
 * A20 mask), so real mode uses the same fast path. Whoever changes CR0.PG,
 * CR0.WP, CR4.PSE, CR4.PGE or the A20 gate must flush (mmu.h).
 */
#ifndef LAB86_TLB_H
#define LAB86_TLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TLB_BITS    8
#define TLB_ENTRIES (1u << TLB_BITS)

/* Rights and state cached in an entry. */
#define TLB_VALID  0x01u /* entry holds a translation */
#define TLB_WRITE  0x02u /* writable: R/W set at every level of the walk */
#define TLB_USER   0x04u /* user-accessible: U/S set at every level of the walk */
#define TLB_DIRTY  0x08u /* the final entry's dirty bit is already set */
#define TLB_GLOBAL 0x10u /* global page: survives a CR3 write (CR4.PGE) */
#define TLB_LARGE  0x20u /* one 4 KiB piece of a 4 MiB page */
#define TLB_HOSTW  0x40u /* host is RAM that takes stores too (else reads and fetches only) */
#define TLB_HOSTR  0x80u /* host is set: reads may go through it (so one test of the flags
                            answers both the rights and the host pointer: mmu_fast.h) */

struct tlb_entry {
    uint32_t lpage; /* tag: linear address >> 12 */
    uint32_t flags; /* TLB_* */
    uint64_t ppage; /* physical address of the page (A20 mask applied) */
    uint8_t *host;  /* host pointer to the page when reads of it are plain memory (RAM,
                       ROM, shadow: bus_read_page), else NULL; stores go through it only
                       with TLB_HOSTW */
};

/* The fast tags: per slot, per kind of access (0 read, 1 write) and per
 * CPL, TLB_FAST_TAG(the slot's lpage), the address of the page after it,
 * when that access at that CPL may take the entry's host pointer (every
 * bit of tlb_need() with the CR0.WP of fill time, and TLB_HOSTR or
 * TLB_HOSTW), else 0. With the tag goes the slot's addend, the host
 * pointer less the page's linear address, so that the host address of a
 * linear address on the page is one add (mmu_fast.h). They are derived from the
 * entry alone, so tlb_fast_set() follows every change of an entry, and a
 * change of CR0.WP flushes the TLB anyway (mmu.h). With them the data
 * path's hit test is one compare (mmu_fast.h): 0 never matches, and "+ 1"
 * (the page after) is what makes the all-zero TLB of a reset one that
 * never hits; 64 bits, so that the last page's tag, 2^32, is not 0. While
 * something watches data accesses (a DR7 breakpoint enabled, the
 * debugger's attention) every fast tag is 0, so that the slow path, which
 * reports them, takes every access: mmu_watch_changed() (mmu.h). And the
 * write tags are 0 for a page that holds cached code (the threaded core's
 * blocks: the bus's watch map, bus.h), so that a store there takes the slow
 * path, which tells the block cache; the cache has every CPU that runs its
 * blocks re-derive the tags of a page whose watch bit changes
 * (mmu_code_page()). That spares the fast store its watch-map test. */
#define TLB_FAST_KINDS 2 /* read, write */
#define TLB_FAST_TAG(lpage) (((uint64_t)(lpage) + 1) << 12)
#define TLB_FAST_CPLS  4 /* CPL 0-2 (supervisor) and 3 (user) */

struct tlb {
    struct tlb_entry e[TLB_ENTRIES]; /* indexed by lpage & (TLB_ENTRIES - 1) */
    uint64_t fast[TLB_ENTRIES][TLB_FAST_KINDS][TLB_FAST_CPLS]; /* the fast tags (above) */
    uintptr_t addend[TLB_ENTRIES];   /* host - lpage * 4096 where a fast tag is set (above) */
    uint64_t misses;                 /* page walks done (cycle model, --stats) */
    bool has_large;                  /* some entry has TLB_LARGE (INVLPG must scan) */
    bool watched;                    /* data accesses are watched: no fast tags (above) */
};

/* The TLB_* bits an entry must have for an access: user (CPL 3 and not a
 * system-structure access), write, and CR0.WP. A supervisor may write a
 * read-only page when WP is clear (SDM 4.6.1), so it then needs no
 * TLB_WRITE; every write needs TLB_DIRTY so the first one walks to set D. */
static inline uint32_t tlb_need(bool user, bool write, bool wp)
{
    uint32_t need = TLB_VALID;
    if (user)
        need |= TLB_USER;
    if (write)
        need |= TLB_DIRTY | (user || wp ? TLB_WRITE : 0);
    return need;
}

/* Derive slot k's fast tags from its entry (after a fill or a drop); wp is
 * the current CR0.WP, code whether the entry's page holds cached code. */
static inline void tlb_fast_set(struct tlb *t, unsigned k, bool wp, bool code)
{
    const struct tlb_entry *e = &t->e[k];
    /* tlb_need() for each kind and CPL, worked out once: a TLB fill comes
     * here (1.5 million times in a Linux boot's init), and the loop over
     * the eight tags with tlb_need() in it cost some 200 instructions. */
    uint32_t fl = e->flags;
    uint64_t tag = TLB_FAST_TAG(e->lpage);
    const uint32_t r_need = TLB_VALID | TLB_HOSTR, w_need = TLB_VALID | TLB_DIRTY | TLB_HOSTW;
    bool r = !t->watched && (fl & r_need) == r_need;
    bool w = !t->watched && !code && (fl & w_need) == w_need;
    bool user = (fl & TLB_USER) != 0, writable = (fl & TLB_WRITE) != 0;
    uint64_t rs = r ? tag : 0, ru = r && user ? tag : 0;
    uint64_t ws = w && (writable || !wp) ? tag : 0, wu = w && user && writable ? tag : 0;
    for (int cpl = 0; cpl < TLB_FAST_CPLS; cpl++) {
        t->fast[k][0][cpl] = cpl == 3 ? ru : rs;
        t->fast[k][1][cpl] = cpl == 3 ? wu : ws;
    }
    /* Integer arithmetic: the difference need not point into anything. */
    t->addend[k] = e->host ? (uintptr_t)e->host - ((uintptr_t)e->lpage << 12) : 0;
}

/* The hit test: the entry for the page of lin if it is cached with every
 * bit of need, else NULL (the caller takes the slow path, which walks). */
static inline struct tlb_entry *tlb_hit(struct tlb *t, uint32_t lin, uint32_t need)
{
    struct tlb_entry *e = &t->e[(lin >> 12) & (TLB_ENTRIES - 1)];
    if (e->lpage == (lin >> 12) && (e->flags & need) == need)
        return e;
    return NULL;
}

#endif
