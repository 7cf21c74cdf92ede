/*
 * mmu.h - memory access as the CPU sees it: segmentation, then paging.
 *
 * A data access names a segment register and an offset. seg.c checks the
 * offset against the segment's limit and the access against its type, and
 * adds the base to form a linear address (SDM vol. 3, chapter 3). paging.c
 * translates the linear address to a physical one through the TLB or a page
 * walk (chapter 4), setting accessed and dirty bits, and raises #PF when the
 * walk fails. Every function here that can fault returns 0 or CPU_FAULT with
 * the exception recorded in c->exc (cpu.h), and changes nothing on a fault.
 *
 * An access that crosses a page boundary is checked on both pages before
 * any byte is written, so a fault leaves memory unchanged.
 */
#ifndef LAB86_MMU_H
#define LAB86_MMU_H

#include "interp/cpu.h"

/* Access kinds. */
enum mmu_access { MMU_READ = 0, MMU_WRITE = 1, MMU_EXEC = 2 };

/* Flags of linear accesses. */
#define MMU_SUPER 0x10 /* supervisor access whatever the CPL (GDT, IDT, TSS reads) */

/* Read size (1, 2 or 4) bytes at sreg:off, as a data read at the current CPL. */
int WUR mmu_read(struct cpu *c, int sreg, uint32_t off, int size, uint32_t *val);
/* Write size bytes at sreg:off. */
int WUR mmu_write(struct cpu *c, int sreg, uint32_t off, int size, uint32_t val);
/* Check that sreg:off..off+size-1 may be accessed (acc = MMU_READ or MMU_WRITE)
 * without touching memory; the linear address goes to *lin. Raises #GP(0), or
 * #SS(0) for SS, as the limit and type checks require. Used by instructions
 * that must check a destination before they change anything. */
int WUR mmu_check(struct cpu *c, int sreg, uint32_t off, int size, int acc, uint64_t *lin);

/* Linear accesses: flags is 0 (CPL decides user/supervisor) or MMU_SUPER. */
int WUR mmu_read_lin(struct cpu *c, uint64_t lin, int size, uint32_t *val, int flags);
int WUR mmu_write_lin(struct cpu *c, uint64_t lin, int size, uint32_t val, int flags);

/* Translate lin for an access of kind acc; user selects user-mode checks.
 * Walks the tables (setting A, and D for writes) on a TLB miss. */
int WUR mmu_translate(struct cpu *c, uint64_t lin, int acc, bool user, uint64_t *phys);

/* Fetch instruction bytes at CS:off into buf: at most max, and never past
 * the end of the 4 KiB page or the CS limit. Returns how many (at least 1),
 * or -1 with the fault recorded when the byte at off cannot be fetched. The
 * caller asks again at off + n only if the decoder needs more bytes, so a
 * fault is raised only for a byte the instruction really has. */
int mmu_fetch(struct cpu *c, uint32_t off, uint8_t *buf, int max);

/* TLB maintenance: after a CR3 write (global = false keeps global pages when
 * CR4.PGE), after a CR0/CR4 change (global = true), and for INVLPG. */
void mmu_flush(struct cpu *c, bool global);
void mmu_invlpg(struct cpu *c, uint64_t lin);

/* The debugger's view: translate without side effects (no A/D bits, no
 * fault raised, TLB untouched). Returns false when the walk would fault. */
bool mmu_peek_translate(struct cpu *c, uint64_t lin, uint64_t *phys);

#endif
