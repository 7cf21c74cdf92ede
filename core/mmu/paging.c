/*
 * paging.c - 32-bit paging: the page walk, the accessed and dirty bits,
 * page faults, and the TLB's slow path and maintenance.
 *
 * With CR0.PG set, every linear address goes through two tables (SDM vol.
 * 3, 4.3). CR3 bits 31:12 locate the page directory; linear bits 31:22 pick
 * one of its 1024 entries (PDE), which locates a page table; bits 21:12
 * pick its entry (PTE), which locates the 4 KiB page; bits 11:0 are the
 * offset in the page. With CR4.PSE, a PDE with PS set maps a 4 MiB page
 * directly: its bits 31:22 and the linear bits 21:0 form the address.
 *
 * Rights (4.6): a user access (CPL 3, except system-structure accesses,
 * MMU_SUPER) needs U/S at both levels; a user write needs R/W at both; a
 * supervisor write needs R/W at both only when CR0.WP is set. On this
 * 32-bit, non-PAE paging an instruction fetch needs what a read needs.
 * A failed walk raises #PF with CR2 = the linear address and an error code
 * (4.7) telling not-present from protection, read from write, user from
 * supervisor.
 *
 * A successful walk sets the accessed bit (A) in the PDE and the PTE, and a
 * write sets the dirty bit (D) in the entry that maps the page (4.8); a walk
 * that faults sets nothing. The walk here is split in two so that this holds
 * for accesses that cross a page, too: walk() only reads and judges, and
 * walk_commit() sets the bits, after both pages have been judged.
 *
 * The TLB (tlb.h, 4.10) caches one 4 KiB page a slot, also for 4 MiB pages
 * (each 4 KiB piece is its own entry, as the SDM allows in 4.10.1), so
 * INVLPG of any address in a 4 MiB page drops all the pieces cached.
 *
 * PAE paging (4.4), with CR4.PAE: CR3 bits 31:5 locate a table of four
 * 8-byte PDPTEs; linear bits 31:30 pick one, which locates a page directory
 * of 512 8-byte entries (bits 29:21); a PDE with PS set maps a 2 MiB page,
 * otherwise it locates a page table of 512 8-byte PTEs (bits 20:12).
 * Physical addresses have 36 bits; an entry with a reserved bit set (above
 * bit 35, bit 63 because there is no NX, a 2 MiB PDE's bits 20:13, a
 * PDPTE's bits 8:5 and 2:1) makes a #PF with P and RSVD in the error code.
 * Deliberate difference: a processor loads the four PDPTEs into registers
 * when CR3 is written (and faults with #GP there on a reserved bit); here
 * the walk reads the PDPTE from memory each time, which only differs for
 * software that edits its PDPT without reloading CR3 (the SDM tells it to
 * reload), and a reserved PDPTE bit faults as #PF(RSVD) at the first use.
 *
 * Not emulated: PSE-36 (a 4 MiB PDE's bits 21:13 are ignored, as on a
 * Pentium without PSE-36), the NX/XD bit and the I/D error bit (CPUID does
 * not offer NX), SMEP/SMAP, PCIDs, the caching bits PWT/PCD/PAT (there are
 * no caches), and the paging-structure caches (every miss reads the tables
 * again, which the SDM permits: a processor need not cache them).
 */
#include "mmu.h"

#include "bus.h"
#include "interp/cycles.h"
#include "interp/exec.h"

#define PAGE_SIZE    0x1000u
#define PAGE_OFFSET  0xfffu      /* offset in a 4 KiB page */
#define ENTRY_ADDR   0xfffff000u /* CR3, PDE, PTE: address of the next level or page */
#define LARGE_ADDR   0xffc00000u /* 4 MiB PDE: address of the page */
#define LARGE_SIZE   0x400000u   /* a 4 MiB page */
#define LARGE_OFFSET 0x3fffffu   /* offset in a 4 MiB page */
#define TABLE_INDEX  0x3ffu      /* 10 bits of linear address per level */
#define PAE_INDEX    0x1ffu      /* PAE: 9 bits per level below the PDPT */
#define PAE_LARGE_SIZE 0x200000u /* a 2 MiB page */
#define PAE_LARGE_OFFSET 0x1fffffu

/* --- reading and updating the tables --- */

/* Read a 4-byte entry as the debugger may: RAM or ROM, and all ones for
 * everything else, so that a peek never runs a device's read callback (it
 * could change the device's state). */
static uint32_t peek_phys32(struct bus *b, uint64_t pa)
{
    const uint8_t *p = bus_ram_ptr(b, pa, 4);
    if (p)
        return ld_le(p, 4);
    for (int k = 0; k < b->n_mmio; k++) {
        const struct mmio_range *r = &b->mmio[k];
        if (r->rom && pa - r->base < r->len && r->len - (pa - r->base) >= 4)
            return ld_le(r->rom + (pa - r->base), 4);
    }
    return 0xffffffffu;
}

/* Read the entry at physical address pa (already A20-masked). Entries are
 * 4-byte aligned, so one never crosses a page; an address beyond RAM reads
 * all ones through the bus, never host memory. */
static uint32_t entry_read(struct cpu *c, uint64_t pa, bool peek)
{
    return peek ? peek_phys32(c->bus, pa) : bus_mem_read(c->bus, pa, 4);
}

/* A PAE entry: two dwords, the low one first (an entry is 8-byte aligned,
 * so it never crosses a page). */
static uint64_t entry_read64(struct cpu *c, uint64_t pa, bool peek)
{
    return entry_read(c, pa, peek) | (uint64_t)entry_read(c, pa + 4, peek) << 32;
}

/* pa through the A20 gate; bits above 31 (PAE) pass unchanged. */
static uint64_t a20(const struct cpu *c, uint64_t pa)
{
    return pa & ((uint64_t)c->a20_mask | ~0xffffffffull);
}

/* Set bits in the entry at pa. The entry is read again rather than taken
 * from the walk, because a PTE may be the PDE itself (a page directory that
 * maps itself), and the update must not undo the bit just set there. */
static void entry_set(struct cpu *c, uint64_t pa, uint32_t bits)
{
    uint32_t v = bus_mem_read(c->bus, pa, 4);
    if ((v & bits) != bits)
        bus_mem_write(c->bus, pa, v | bits, 4);
}

/* --- the walk --- */

/* PTE_G of the entry that maps the page, when CR4.PGE makes it count. */
static uint32_t global_bit(const struct cpu *c, uint32_t entry)
{
    return (c->cr4 & CR4_PGE) ? (entry & PTE_G) : 0;
}

/* Judge the combined rights in w->rights for the access (SDM 4.6); on a
 * violation add PF_ERR_P to the error code and return -1. */
static int check_rights(const struct cpu *c, int acc, bool user, struct mmu_walk *w)
{
    bool ok = !(user && !(w->rights & PTE_US));
    if (acc == MMU_WRITE && !(w->rights & PTE_RW) && (user || (c->cr0 & CR0_WP)))
        ok = false;
    if (ok)
        return 0;
    w->error |= PF_ERR_P;
    return -1;
}

/* The PDE in w->entry[0] maps a 4 MiB page. */
static int walk_large(const struct cpu *c, uint32_t lin, int acc, bool user, struct mmu_walk *w)
{
    uint32_t pde = (uint32_t)w->entry[0];
    w->rights = (pde & (PTE_RW | PTE_US)) | global_bit(c, pde);
    w->page_size = LARGE_SIZE;
    w->phys = ((pde & LARGE_ADDR) | (lin & LARGE_OFFSET)) & c->a20_mask;
    return check_rights(c, acc, user, w);
}

/* A reserved bit was set in the last entry read. */
static int reserved(struct mmu_walk *w)
{
    w->error |= PF_ERR_P | PF_ERR_RSVD;
    return -1;
}

/* The PAE walk (4.4.2): PDPTE, PDE, PTE; as walk() below. */
static int walk_pae(struct cpu *c, uint32_t lin, int acc, bool user, bool peek, struct mmu_walk *w)
{
    w->pae = true;
    w->levels = 1;
    w->addr[0] = a20(c, (c->cr3 & 0xffffffe0u) + (lin >> 30) * 8);
    w->entry[0] = entry_read64(c, w->addr[0], peek);
    if (!(w->entry[0] & PTE_P))
        return -1;
    if (w->entry[0] & (PAE_PDPTE_RSVD | PAE_RSVD_HIGH))
        return reserved(w);
    w->levels = 2;
    w->addr[1] = a20(c, (w->entry[0] & PAE_ADDR) + ((lin >> 21) & PAE_INDEX) * 8);
    uint64_t pde = w->entry[1] = entry_read64(c, w->addr[1], peek);
    if (!(pde & PTE_P))
        return -1;
    if (pde & PTE_PS) { /* a 2 MiB page, whatever CR4.PSE says */
        if (pde & (PAE_RSVD_HIGH | PAE_LARGE_RSVD))
            return reserved(w);
        w->rights = (uint32_t)(pde & (PTE_RW | PTE_US)) | global_bit(c, (uint32_t)pde);
        w->page_size = PAE_LARGE_SIZE;
        w->phys = a20(c, (pde & PAE_LARGE_ADDR) | (lin & PAE_LARGE_OFFSET));
        return check_rights(c, acc, user, w);
    }
    if (pde & PAE_RSVD_HIGH)
        return reserved(w);
    w->levels = 3;
    w->addr[2] = a20(c, (pde & PAE_ADDR) + ((lin >> 12) & PAE_INDEX) * 8);
    uint64_t pte = w->entry[2] = entry_read64(c, w->addr[2], peek);
    if (!(pte & PTE_P))
        return -1;
    if (pte & PAE_RSVD_HIGH)
        return reserved(w);
    w->rights = (uint32_t)(pde & pte & (PTE_RW | PTE_US)) | global_bit(c, (uint32_t)pte);
    w->page_size = PAGE_SIZE;
    w->phys = a20(c, (pte & PAE_ADDR) | (lin & PAGE_OFFSET));
    return check_rights(c, acc, user, w);
}

/* The walk proper: read the PDE and PTE for lin (PAE: walk_pae()), compute
 * the translation and the combined rights into *w, and judge the access.
 * Changes nothing (peek chooses the side-effect-free reader). Returns 0, or
 * -1 with w->error holding the #PF error code. */
static int walk(struct cpu *c, uint32_t lin, int acc, bool user, bool peek, struct mmu_walk *w)
{
    *w = (struct mmu_walk){0};
    w->error = (acc == MMU_WRITE ? PF_ERR_W : 0) | (user ? PF_ERR_U : 0);
    if (c->cr4 & CR4_PAE)
        return walk_pae(c, lin, acc, user, peek, w);
    w->levels = 1;
    w->addr[0] = ((c->cr3 & ENTRY_ADDR) + (lin >> 22) * 4) & c->a20_mask;
    w->entry[0] = entry_read(c, w->addr[0], peek);
    if (!(w->entry[0] & PTE_P))
        return -1;
    if ((w->entry[0] & PTE_PS) && (c->cr4 & CR4_PSE))
        return walk_large(c, lin, acc, user, w);
    w->levels = 2;
    w->addr[1] = ((w->entry[0] & ENTRY_ADDR) + ((lin >> 12) & TABLE_INDEX) * 4) & c->a20_mask;
    w->entry[1] = entry_read(c, w->addr[1], peek);
    if (!(w->entry[1] & PTE_P))
        return -1;
    w->rights = (uint32_t)(w->entry[0] & w->entry[1] & (PTE_RW | PTE_US)) |
                global_bit(c, (uint32_t)w->entry[1]);
    w->page_size = PAGE_SIZE;
    w->phys = ((w->entry[1] & ENTRY_ADDR) | (lin & PAGE_OFFSET)) & c->a20_mask;
    return check_rights(c, acc, user, w);
}

/* Set the accessed bits of a successful walk, and the dirty bit of the
 * entry that maps the page when the access is a write (SDM 4.8). A PAE
 * PDPTE has no accessed bit (4.4.1): the first level marked is the PDE. The
 * bits live in an entry's low dword, also for PAE's 8-byte entries. */
static void walk_commit(struct cpu *c, const struct mmu_walk *w, int acc)
{
    for (int k = w->pae ? 1 : 0; k < w->levels - 1; k++)
        entry_set(c, w->addr[k], PTE_A);
    entry_set(c, w->addr[w->levels - 1], PTE_A | (acc == MMU_WRITE ? PTE_D : 0));
}

/* With paging off, the "walk" is the identity through the A20 gate, with
 * every right and nothing to mark dirty. */
static void identity(const struct cpu *c, uint32_t lin, struct mmu_walk *w)
{
    *w = (struct mmu_walk){0};
    w->rights = PTE_RW | PTE_US;
    w->page_size = PAGE_SIZE;
    w->phys = lin & c->a20_mask;
}

/* --- the TLB slow path --- */

/* Raise #PF for lin. A page fault also drops any TLB entry for the page
 * (SDM 4.10.4.1), so that a fault caused by a stale entry does not recur
 * once the instruction restarts. */
static int page_fault(struct cpu *c, uint32_t lin, uint32_t err)
{
    c->cr2 = lin;
    mmu_invlpg(c, lin);
    return cpu_fault(c, EXC_PF, err);
}

/* The TLB entry a walk w for an access acc at lin produces. */
static struct tlb_entry make_entry(struct cpu *c, uint32_t lin, const struct mmu_walk *w, int acc)
{
    struct tlb_entry e = {.lpage = lin >> 12, .flags = TLB_VALID};
    uint32_t final = w->levels ? (uint32_t)w->entry[w->levels - 1] : PTE_D;

    e.ppage = w->phys & ~(uint64_t)PAGE_OFFSET;
    e.flags |= (w->rights & PTE_RW) ? TLB_WRITE : 0;
    e.flags |= (w->rights & PTE_US) ? TLB_USER : 0;
    e.flags |= (w->rights & PTE_G) ? TLB_GLOBAL : 0;
    e.flags |= (w->page_size > PAGE_SIZE) ? TLB_LARGE : 0;
    e.flags |= ((final & PTE_D) || acc == MMU_WRITE) ? TLB_DIRTY : 0;
    /* A page that is RAM from end to end gets a host pointer for loads and
     * stores; one whose reads are plain memory (ROM, locked shadow RAM) one
     * for loads and fetches, its stores going through the bus; device
     * memory and holes get none. */
    e.host = bus_ram_ptr(c->bus, e.ppage, PAGE_SIZE);
    if (e.host)
        e.flags |= TLB_HOSTW;
    else
        e.host = (uint8_t *)bus_read_page(c->bus, e.ppage); /* written never through it */
    if (e.host)
        e.flags |= TLB_HOSTR;
    return e;
}

static bool cr0_wp(const struct cpu *c)
{
    return (c->cr0 & CR0_WP) != 0;
}

/* Slot k's fast tags (tlb.h) from its entry, CR0.WP, and whether its page
 * holds cached code: RAM (TLB_HOSTW, the only pages the watch map covers)
 * marked in the bus's watch map. */
static void slot_fast(struct cpu *c, unsigned k)
{
    const struct tlb_entry *e = &c->tlb.e[k];
    tlb_fast_set(&c->tlb, k, cr0_wp(c), (e->flags & TLB_HOSTW) && bus_watched(c->bus, e->ppage));
}

int mmu_tlb_entry(struct cpu *c, uint32_t lin, int acc, bool user, bool dry, struct tlb_entry *out)
{
    struct tlb_entry *hit = tlb_hit(&c->tlb, lin, tlb_need(user, acc == MMU_WRITE, cr0_wp(c)));
    struct mmu_walk w;

    if (hit) {
        *out = *hit;
        return 0;
    }
    if (!cpu_paging(c)) {
        identity(c, lin, &w);
    } else {
        int r = walk(c, lin, acc, user, false, &w);
        /* A dry walk that succeeds is done again for real just after: count
         * the pair as the one walk the hardware would do. Each entry the
         * walk read costs CYCLES_WALK_LEVEL (doc/cycles.md, "TLB misses"). */
        if (!dry || r) {
            c->tlb.misses++;
            c->cycles += (uint64_t)w.levels * CYCLES_WALK_LEVEL;
        }
        if (r)
            return page_fault(c, lin, w.error);
        if (!dry)
            walk_commit(c, &w, acc);
    }
    *out = make_entry(c, lin, &w, acc);
    if (!dry) {
        c->poke = true; /* the slot may be the one a running block fetches through */
        unsigned k = (lin >> 12) & (TLB_ENTRIES - 1);
        c->tlb.e[k] = *out;
        slot_fast(c, k);
        c->tlb.has_large |= (out->flags & TLB_LARGE) != 0;
    }
    return 0;
}

int mmu_translate(struct cpu *c, uint64_t lin, int acc, bool user, uint64_t *phys)
{
    struct tlb_entry e;
    TRY(mmu_tlb_entry(c, (uint32_t)lin, acc, user, false, &e));
    *phys = e.ppage | (lin & PAGE_OFFSET);
    return 0;
}

/* --- TLB maintenance --- */

void mmu_flush(struct cpu *c, bool global)
{
    bool large = false;
    c->poke = true; /* a running block's fetch translation may be gone */
    for (unsigned k = 0; k < TLB_ENTRIES; k++) {
        struct tlb_entry *e = &c->tlb.e[k];
        if (global || !(e->flags & TLB_GLOBAL)) {
            e->flags = 0;
            tlb_fast_set(&c->tlb, k, false, false); /* all 0: no flags */
        }
        large |= (e->flags & TLB_LARGE) != 0;
    }
    c->tlb.has_large = large;
}

/* INVLPG drops the entry for lin's page, global or not (SDM 4.10.4.1). For
 * a 4 MiB page it must drop every 4 KiB piece we cached: those are found by
 * a scan, done only while some large-page entry exists. The scan drops the
 * pieces of the whole aligned 4 MiB around lin, also for PAE's 2 MiB pages:
 * dropping more than needed is always allowed (the TLB is only a cache). */
void mmu_invlpg(struct cpu *c, uint64_t lin)
{
    uint32_t lpage = (uint32_t)(lin >> 12) & 0xfffffu;
    struct tlb_entry *e = &c->tlb.e[lpage & (TLB_ENTRIES - 1)];

    c->poke = true;
    if (e->lpage == lpage) {
        e->flags = 0;
        tlb_fast_set(&c->tlb, lpage & (TLB_ENTRIES - 1), false, false);
    }
    if (!c->tlb.has_large)
        return;
    for (unsigned k = 0; k < TLB_ENTRIES; k++) {
        e = &c->tlb.e[k];
        if ((e->flags & TLB_LARGE) && (e->lpage >> 10) == (lpage >> 10)) {
            e->flags = 0;
            tlb_fast_set(&c->tlb, k, false, false);
        }
    }
}

void mmu_set_a20(struct cpu *c, bool on)
{
    uint32_t mask = on ? 0xffffffffu : ~(1u << 20);
    if (c->a20_mask == mask)
        return;
    c->a20_mask = mask;
    mmu_flush(c, true);
}

/* The fast tags of every slot follow the watch (tlb.h); a CPU whose TLB
 * says otherwise would let the inline fast path miss a breakpoint. */
void mmu_watch_changed(struct cpu *c)
{
    bool watched = (c->dr[7] & DR7_ENABLE_MASK) || c->attention;
    if (watched == c->tlb.watched)
        return;
    c->tlb.watched = watched;
    mmu_fast_refresh(c);
}

void mmu_fast_refresh(struct cpu *c)
{
    for (unsigned k = 0; k < TLB_ENTRIES; k++)
        slot_fast(c, k);
}

void mmu_code_page(struct cpu *c, uint64_t ppage)
{
    for (unsigned k = 0; k < TLB_ENTRIES; k++)
        if (c->tlb.e[k].flags && c->tlb.e[k].ppage == ppage)
            slot_fast(c, k);
}

/* --- the debugger's view --- */

int mmu_peek_access(struct cpu *c, uint64_t lin, int acc, bool user, struct mmu_walk *w)
{
    if (!cpu_paging(c)) {
        identity(c, (uint32_t)lin, w);
        return 0;
    }
    return walk(c, (uint32_t)lin, acc, user, true, w);
}

int mmu_peek_walk(struct cpu *c, uint64_t lin, struct mmu_walk *w)
{
    return mmu_peek_access(c, lin, MMU_READ, false, w);
}

bool mmu_peek_translate(struct cpu *c, uint64_t lin, uint64_t *phys)
{
    struct mmu_walk w;
    if (mmu_peek_walk(c, lin, &w))
        return false;
    *phys = w.phys;
    return true;
}
