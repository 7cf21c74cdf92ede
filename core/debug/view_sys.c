/*
 * view_sys.c - the debugger's copies of the system structures a kernel
 * sets up: the current task's TSS, and the address space as merged ranges
 * (what QEMU's `info mem` shows). The GDT, IDT and LDT entries are in
 * view.c.
 *
 * Both read guest memory the way every view does (view.c): without
 * faulting, without setting accessed or dirty bits, never touching a
 * device. The page tables are read at their physical addresses, as the
 * CPU's walk does (two-level 32-bit paging, 4 KiB pages and, with
 * CR4.PSE, 4 MiB ones; SDM vol. 3, 4.3).
 */
#include "debug/dbg_impl.h"

#include <string.h>

#include "mmu/mmu.h"
#include "mmu/seg.h"

/* --- the TSS --- */

/* Little-endian fields of a copy of the TSS. */
static uint32_t get32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* The 32-bit TSS (SDM vol. 3, figure 7-2): fields at these offsets. */
static void decode_tss32(const uint8_t *t, struct dbg_tss *out)
{
    out->link = get16(t);
    for (int k = 0; k < 3; k++) {
        out->esp[k] = get32(t + 4 + 8 * k);
        out->ss[k] = get16(t + 8 + 8 * k);
    }
    out->cr3 = get32(t + 28);
    out->eip = get32(t + 32);
    out->eflags = get32(t + 36);
    for (int k = 0; k < 8; k++)
        out->gpr[k] = get32(t + 40 + 4 * k);
    for (int k = 0; k < 6; k++)
        out->sreg[k] = get16(t + 72 + 4 * k);
    out->ldt = get16(t + 96);
    out->trap = t[100] & 1;
    out->iomap = get16(t + 102);
}

/* The 16-bit (80286) TSS (SDM vol. 3, figure 7-11): no CR3, FS, GS or map. */
static void decode_tss16(const uint8_t *t, struct dbg_tss *out)
{
    static const int sreg[4] = {DBG_ES, DBG_CS, DBG_SS, DBG_DS};
    out->link = get16(t);
    for (int k = 0; k < 3; k++) {
        out->esp[k] = get16(t + 2 + 4 * k);
        out->ss[k] = get16(t + 4 + 4 * k);
    }
    out->eip = get16(t + 14);
    out->eflags = get16(t + 16);
    for (int k = 0; k < 8; k++)
        out->gpr[k] = get16(t + 18 + 2 * k);
    for (int k = 0; k < 4; k++)
        out->sreg[sreg[k]] = get16(t + 34 + 2 * k);
    out->ldt = get16(t + 42);
}

int dbg_tss(struct dbg *d, struct dbg_tss *out)
{
    const struct seg *tr = &d->c->seg[SEG_TR];
    unsigned type = tr->attr & SEG_ATTR_TYPE;
    uint8_t t[104];
    memset(out, 0, sizeof *out);
    /* Types 1, 3, 9, 11 are TSSs; a null TR (the reset state, before any
     * LTR) is no task, though its cache is marked present. */
    if (!(tr->attr & SEG_ATTR_P) || (type & 5) != 1 || (tr->sel & 0xfffc) == 0)
        return -1;
    out->sel = tr->sel;
    out->base = tr->base;
    out->limit = tr->limit;
    out->is32 = (type & 8) != 0;
    out->busy = (type & 2) != 0;
    size_t need = out->is32 ? 104 : 44;
    if (tr->limit + 1u < need || dbg_read_linear(d, tr->base, t, need, NULL) != need)
        return -1;
    if (out->is32)
        decode_tss32(t, out);
    else
        decode_tss16(t, out);
    return 0;
}

/* --- the address space --- */

/* Collects ranges, merging a page into the last range when it follows it
 * with the same rights. */
struct ranges {
    struct dbg_mem_range *out; /* the caller's array */
    size_t max;                /* its size */
    size_t n;                  /* ranges found (may exceed max) */
    struct dbg_mem_range cur;  /* the range being grown */
    bool open;                 /* cur holds something */
};

static void flush_range(struct ranges *r)
{
    if (r->open && r->n < r->max)
        r->out[r->n] = r->cur;
    r->n += r->open;
    r->open = false;
}

static void add_page(struct ranges *r, uint64_t lin, uint64_t len, uint32_t rights)
{
    bool user = rights & PTE_US, write = rights & PTE_RW;
    if (r->open && r->cur.lin + r->cur.len == lin && r->cur.user == user && r->cur.write == write) {
        r->cur.len += len;
        return;
    }
    flush_range(r);
    r->cur = (struct dbg_mem_range){lin, len, user, write};
    r->open = true;
}

/* One 4-byte entry at a physical address; false when not RAM. */
static bool read_entry(struct dbg *d, uint64_t phys, uint32_t *e)
{
    uint8_t b[4];
    if (dbg_read_physical(d, phys, b, 4, NULL) != 4)
        return false;
    *e = get32(b);
    return true;
}

/* The present pages of the page table at pt, under the PDE's rights. */
static void table_pages(struct dbg *d, struct ranges *r, uint64_t lin, uint64_t pt, uint32_t pde)
{
    uint8_t tab[4096];
    uint8_t ok[4096];
    dbg_read_physical(d, pt, tab, sizeof tab, ok);
    for (int k = 0; k < 1024; k++) {
        uint32_t pte = get32(tab + 4 * k);
        if (!ok[4 * k] || !(pte & PTE_P))
            continue;
        add_page(r, lin + (uint64_t)k * 4096, 4096, pde & pte);
    }
}

size_t dbg_mem_ranges(struct dbg *d, struct dbg_mem_range *out, size_t max)
{
    struct cpu *c = d->c;
    struct ranges r = {.out = out, .max = max};
    if (!cpu_paging(c))
        return 0;
    uint64_t dir = c->cr3 & 0xfffff000u;
    for (uint32_t k = 0; k < 1024; k++) {
        uint32_t pde;
        uint64_t lin = (uint64_t)k << 22;
        if (!read_entry(d, dir + 4 * k, &pde) || !(pde & PTE_P))
            continue;
        if ((pde & PTE_PS) && (c->cr4 & CR4_PSE))
            add_page(&r, lin, 4u << 20, pde);
        else
            table_pages(d, &r, lin, pde & 0xfffff000u, pde);
    }
    flush_range(&r);
    return r.n;
}
