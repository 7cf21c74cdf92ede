/*
 * tlb.h - the software TLB: recently used linear-to-physical translations.
 *
 * Direct-mapped by linear page number. An entry remembers what the page walk
 * found (physical page, user/writable rights, dirty already set, global) and,
 * for RAM, a host pointer so that a hit costs a compare and an add. The entry
 * is filled only after a successful walk that set the accessed bit (and the
 * dirty bit for a write), so a hit never needs to touch the page tables.
 */
#ifndef LAB86_TLB_H
#define LAB86_TLB_H

#include <stdint.h>

#define TLB_BITS 8
#define TLB_ENTRIES (1u << TLB_BITS)

/* Rights cached in an entry. */
#define TLB_VALID 0x01u   /* entry holds a translation */
#define TLB_WRITE 0x02u   /* writable for this entry's walk (R/W of all levels) */
#define TLB_USER 0x04u    /* user-accessible (U/S of all levels) */
#define TLB_DIRTY 0x08u   /* the PTE's dirty bit is already set */
#define TLB_GLOBAL 0x10u  /* global page (survives a CR3 write when CR4.PGE) */

struct tlb_entry {
    uint32_t lpage;  /* linear address >> 12 */
    uint32_t flags;  /* TLB_* */
    uint64_t ppage;  /* physical address of the page */
    uint8_t *host;   /* host pointer to the page when it is RAM, else NULL */
};

struct tlb {
    struct tlb_entry e[TLB_ENTRIES]; /* indexed by lpage & (TLB_ENTRIES - 1) */
    uint64_t misses;                 /* walks done (for --stats) */
};

#endif
