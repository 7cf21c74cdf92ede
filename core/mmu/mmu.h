/*
 * mmu.h - memory access as the CPU sees it: segmentation, then paging.
 *
 * A data access names a segment register and an offset. mmu.c checks the
 * offset against the segment's limit and the access against its type, and
 * adds the base to form a linear address (SDM vol. 3, chapter 3). paging.c
 * translates the linear address to a physical one through the TLB (tlb.h)
 * or a page walk (chapter 4), setting accessed and dirty bits, and raises
 * #PF when the walk fails. Every function here that can fault returns 0 or
 * CPU_FAULT with the exception recorded in c->exc (cpu.h), and changes no
 * memory on a fault.
 *
 * An access that crosses a page boundary is checked on both pages before
 * any byte is written (or any accessed/dirty bit set), so a fault leaves
 * memory unchanged.
 *
 * The TLB caches translations until it is told otherwise, as the hardware's
 * does. Whoever executes MOV CR3 or a task switch that loads CR3 calls
 * mmu_flush(c, false); whoever changes CR0.PG, CR0.WP, CR4.PSE or CR4.PGE
 * calls mmu_flush(c, true); INVLPG calls mmu_invlpg; the A20 gate goes
 * through mmu_set_a20. Whoever writes DR7 or c->attention calls
 * mmu_watch_changed, so that the data fast path steps aside while data
 * accesses are watched (tlb.h).
 */
#ifndef LAB86_MMU_H
#define LAB86_MMU_H

#include "interp/cpu.h"

/* Access kinds. */
enum mmu_access { MMU_READ = 0, MMU_WRITE = 1, MMU_EXEC = 2 };

/* Flags of linear accesses. */
#define MMU_SUPER 0x10 /* supervisor access whatever the CPL (GDT, IDT, TSS reads) */

/* Bits of a page-directory or page-table entry (SDM vol. 3, 4.3, tables 4-4
 * to 4-6). Bits 31:12 hold the physical address of the next level or the
 * page (31:22 for a 4 MiB page). */
#define PTE_P   0x001u /* present */
#define PTE_RW  0x002u /* writable (else read-only) */
#define PTE_US  0x004u /* user-accessible (else supervisor only) */
#define PTE_PWT 0x008u /* write-through (caching: ignored here) */
#define PTE_PCD 0x010u /* cache disable (caching: ignored here) */
#define PTE_A   0x020u /* accessed: set by the walk */
#define PTE_D   0x040u /* dirty: set by a write (PTE, or PDE of a 4 MiB page) */
#define PTE_PS  0x080u /* PDE: 4 MiB page when CR4.PSE */
#define PTE_G   0x100u /* global (PTE, or PDE of a 4 MiB page) when CR4.PGE */

/* PAE paging (SDM vol. 3, 4.4): 64-bit entries whose address field runs to
 * bit 35 (MAXPHYADDR 36 on a CPU without CPUID leaf 0x80000008); bits above
 * it, and bit 63 (XD, reserved without NX), must be 0. */
#define PAE_ADDR       0x0000000ffffff000ull /* next level or 4 KiB page */
#define PAE_LARGE_ADDR 0x0000000fffe00000ull /* a 2 MiB page */
#define PAE_RSVD_HIGH  0xfffffff000000000ull /* bits 63:36 */
#define PAE_LARGE_RSVD 0x00000000001fe000ull /* 2 MiB PDE bits 20:13 */
#define PAE_PDPTE_RSVD 0x00000000000001e6ull /* PDPTE bits 8:5 and 2:1 */

/* Bits of the #PF error code (SDM vol. 3, 4.7). */
#define PF_ERR_P 0x01u /* 1: protection violation; 0: page not present */
#define PF_ERR_W 0x02u /* the access was a write */
#define PF_ERR_U 0x04u /* the access was a user-mode one (CPL 3, not MMU_SUPER) */
#define PF_ERR_RSVD 0x08u /* a paging entry had a reserved bit set (PAE) */

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

/* Open (on = true) or close the A20 gate: with it closed, physical address
 * bit 20 reads as 0 (the 8086's 1 MiB wrap-around). Flushes the TLB. */
void mmu_set_a20(struct cpu *c, bool on);

/* After a write of DR7 or c->attention: whether data accesses are watched
 * (a DR0-DR3 breakpoint enabled, the debugger listening) is judged again,
 * and the TLB's fast tags follow. Cheap when nothing changed. */
void mmu_watch_changed(struct cpu *c);

/* The TLB's fast tags derived again (tlb.h): every slot's, after the
 * watch map changed wholesale or for a CPU that had not been told of its
 * changes (a snapshot load, the threaded core's cache flushed or first
 * used by this CPU: tcache_bind()); or those of the slots that map the
 * physical page ppage, whose watch bit changed (tcache.c). */
void mmu_fast_refresh(struct cpu *c);
void mmu_code_page(struct cpu *c, uint64_t ppage);

/* The TLB slow path (paging.c), for mmu.c and the threaded core: copy to
 * *out the TLB entry for an access of kind acc at lin, walking the tables
 * on a miss. With dry = false a walk sets the accessed and dirty bits and
 * fills the TLB; with dry = true it only checks, so that a page-crossing
 * access can judge both pages before it changes anything. A fault (#PF,
 * CR2) is raised in both modes. */
int WUR mmu_tlb_entry(struct cpu *c, uint32_t lin, int acc, bool user, bool dry,
                      struct tlb_entry *out);

/* One page walk, as the debugger's page-table pane shows it. */
struct mmu_walk {
    bool pae;           /* the walk was a PAE one: PDPTE, PDE, PTE, 8 bytes each */
    int levels;         /* entries read: 0 (paging off); 32-bit paging: 1 (PDE), 2 (PDE
                           and PTE); PAE: 1 (PDPTE), 2 (and PDE), 3 (and PTE) */
    uint64_t addr[3];   /* physical addresses of the entries read, top level first */
    uint64_t entry[3];  /* their values (all ones where no RAM answers) */
    uint32_t rights;    /* PTE_RW and PTE_US combined over the levels, PTE_G if global */
    uint32_t page_size; /* 4096, 4 MiB for a PSE page, 2 MiB for a PAE large page */
    uint64_t phys;      /* the physical address lin maps to, when the walk succeeds */
    uint32_t error;     /* the #PF error code (PF_ERR_*), when it fails */
};

/* Walk the tables for lin as an access of kind acc (user-mode when user)
 * would, without side effects: no accessed/dirty bits, no TLB use or fill,
 * no fault raised, no device callbacks (tables outside RAM read as all
 * ones). Returns 0 when the access would succeed, -1 when it would fault. */
int mmu_peek_access(struct cpu *c, uint64_t lin, int acc, bool user, struct mmu_walk *w);
/* The same for a supervisor read: is lin mapped at all, and to what. */
int mmu_peek_walk(struct cpu *c, uint64_t lin, struct mmu_walk *w);

/* The debugger's view: translate without side effects (as mmu_peek_walk).
 * Returns false when the walk would fault. */
bool mmu_peek_translate(struct cpu *c, uint64_t lin, uint64_t *phys);

#endif
