/*
 * seg.h - segmentation: descriptors, segment-register loads and the checks
 * that go with them (SDM vol. 3, chapters 3 and 5).
 *
 * A selector names an 8-byte descriptor in the GDT or the LDT. Loading a
 * segment register in protected mode reads that descriptor, checks its type,
 * privilege and presence, sets its accessed bit, and copies base, limit and
 * attributes into the register's hidden cache (struct seg). In real and
 * virtual-8086 mode the base is simply selector * 16.
 */
#ifndef LAB86_SEG_H
#define LAB86_SEG_H

#include "interp/cpu.h"

/* A raw descriptor: the two dwords as stored in the table. */
struct desc {
    uint32_t lo; /* limit 15:0, base 15:0 */
    uint32_t hi; /* base 23:16, access byte, limit 19:16, flags, base 31:24 */
};

/* Descriptor fields. */
uint32_t desc_base(struct desc d);
uint32_t desc_limit(struct desc d); /* in bytes: granularity applied */
uint16_t desc_attr(struct desc d);  /* SEG_ATTR_* (VMCB layout) */

/* System descriptor types (S = 0). */
enum {
    DESC_TSS16_AVAIL = 1, DESC_LDT = 2, DESC_TSS16_BUSY = 3, DESC_CALLGATE16 = 4,
    DESC_TASKGATE = 5, DESC_INTGATE16 = 6, DESC_TRAPGATE16 = 7, DESC_TSS32_AVAIL = 9,
    DESC_TSS32_BUSY = 11, DESC_CALLGATE32 = 12, DESC_INTGATE32 = 14, DESC_TRAPGATE32 = 15,
};

/* Read the descriptor sel names from the GDT or LDT. If the selector's index
 * is outside the table (or it names the LDT while LDTR is null), raise
 * exception vec (EXC_GP or EXC_TS) with error code (sel & ~3). Null
 * selectors are the caller's to handle. */
int WUR seg_read_desc(struct cpu *c, uint16_t sel, struct desc *d, int vec);
/* Write the descriptor back (to set the accessed or busy bit). */
int WUR seg_write_desc(struct cpu *c, uint16_t sel, struct desc d);

/* Load segment register sreg (ES..GS, SS) with sel as MOV, POP or LDS do:
 * in real/v86 mode base = sel << 4; in protected mode with every check of the
 * SDM's MOV pseudo-code (#GP(sel), #SS(sel), #NP(sel), null rules). CS is not
 * loaded through here (far transfers are). */
int WUR seg_load(struct cpu *c, int sreg, uint16_t sel);

/* Fill a segment register's cache from a descriptor with no checks. */
void seg_load_cache(struct cpu *c, int sreg, uint16_t sel, struct desc d);

/* Load CS for a far transfer whose checks the caller has done: sets CPL to
 * cpl, the RPL of CS to cpl, and updates the code size. */
void seg_load_cs(struct cpu *c, uint16_t sel, struct desc d, unsigned cpl);

/* After a return to an outer privilege level: null the data segment
 * registers whose DPL is below the new CPL (unless conforming code). */
void seg_null_outer(struct cpu *c);

#endif
