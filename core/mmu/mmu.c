/*
 * mmu.c - segmented and linear memory access (see mmu.h).
 *
 * The order of checks is the hardware's: the segment limit and type first
 * (#GP or #SS), then alignment (#AC), then the page walk (#PF).
 */
#include "mmu.h"

#include "bus.h"

/* The exception a segment check raises: #SS for the stack segment. */
static int seg_fault(struct cpu *c, int sreg)
{
    return cpu_fault(c, sreg == SEG_SS ? EXC_SS : EXC_GP, 0);
}

int mmu_check(struct cpu *c, int sreg, uint32_t off, int size, int acc, uint64_t *lin)
{
    const struct seg *s = &c->seg[sreg];
    uint32_t last = off + (uint32_t)size - 1;

    if (cpu_protected(c) && !cpu_v86(c)) {
        unsigned type = s->attr & SEG_ATTR_TYPE;
        if (!(s->attr & SEG_ATTR_P))
            return seg_fault(c, sreg); /* null or unusable selector */
        if (type & SEG_TYPE_CODE) {
            if (acc == MMU_WRITE || (acc == MMU_READ && !(type & SEG_TYPE_READABLE)))
                return seg_fault(c, sreg);
        } else if (acc == MMU_WRITE && !(type & SEG_TYPE_WRITABLE)) {
            return seg_fault(c, sreg);
        }
        if (!(type & SEG_TYPE_CODE) && (type & SEG_TYPE_EXPDOWN)) {
            uint32_t top = (s->attr & SEG_ATTR_DB) ? 0xffffffffu : 0xffffu;
            if (off <= s->limit || last > top || last < off)
                return seg_fault(c, sreg);
            *lin = (s->base + off) & 0xffffffffu;
            return 0;
        }
    }
    if (last < off || last > s->limit)
        return seg_fault(c, sreg);
    *lin = (s->base + off) & 0xffffffffu;
    return 0;
}

/* Page-walk bits (SDM vol. 3, 4.3). */
#define PG_P 0x001u
#define PG_RW 0x002u
#define PG_US 0x004u
#define PG_A 0x020u
#define PG_D 0x040u
#define PG_PS 0x080u
#define PG_G 0x100u

/* #PF error code bits. */
#define PF_P 0x01u
#define PF_W 0x02u
#define PF_U 0x04u

static int page_fault(struct cpu *c, uint64_t lin, uint32_t err)
{
    c->cr2 = lin;
    return cpu_fault(c, EXC_PF, err);
}

/* Do the rights of a walk allow this access? */
static bool rights_ok(const struct cpu *c, uint32_t rights, int acc, bool user)
{
    if (user && !(rights & PG_US))
        return false;
    if (acc == MMU_WRITE && !(rights & PG_RW) && (user || (c->cr0 & CR0_WP)))
        return false;
    return true;
}

static uint32_t phys_ld32(struct cpu *c, uint64_t pa)
{
    return bus_mem_read(c->bus, pa & c->a20_mask, 4);
}

static void phys_st32(struct cpu *c, uint64_t pa, uint32_t v)
{
    bus_mem_write(c->bus, pa & c->a20_mask, v, 4);
}

/* Two-level walk with 4 MiB pages when CR4.PSE. Sets A (and D) only when
 * the walk succeeds. */
static int walk(struct cpu *c, uint64_t lin, int acc, bool user, uint64_t *phys, uint32_t *flags)
{
    uint32_t err = (acc == MMU_WRITE ? PF_W : 0) | (user ? PF_U : 0);
    uint64_t pde_pa = (c->cr3 & 0xfffff000u) + ((lin >> 22) & 0x3ff) * 4;
    uint32_t pde = phys_ld32(c, pde_pa);

    c->tlb.misses++;
    if (!(pde & PG_P))
        return page_fault(c, lin, err);
    if ((pde & PG_PS) && (c->cr4 & CR4_PSE)) {
        if (!rights_ok(c, pde, acc, user))
            return page_fault(c, lin, err | PF_P);
        uint32_t set = PG_A | (acc == MMU_WRITE ? PG_D : 0);
        if ((pde & set) != set)
            phys_st32(c, pde_pa, pde | set);
        *phys = (pde & 0xffc00000u) | (lin & 0x3fffff);
        *flags = pde | set;
        return 0;
    }
    uint64_t pte_pa = (pde & 0xfffff000u) + ((lin >> 12) & 0x3ff) * 4;
    uint32_t pte = phys_ld32(c, pte_pa);
    if (!(pte & PG_P))
        return page_fault(c, lin, err);
    uint32_t rights = (pde & pte & (PG_US | PG_RW)) | (pte & ~(PG_US | PG_RW));
    if (!rights_ok(c, rights, acc, user))
        return page_fault(c, lin, err | PF_P);
    if (!(pde & PG_A))
        phys_st32(c, pde_pa, pde | PG_A);
    uint32_t set = PG_A | (acc == MMU_WRITE ? PG_D : 0);
    if ((pte & set) != set)
        phys_st32(c, pte_pa, pte | set);
    *phys = (pte & 0xfffff000u) | (lin & 0xfff);
    *flags = rights | set;
    return 0;
}

int mmu_translate(struct cpu *c, uint64_t lin, int acc, bool user, uint64_t *phys)
{
    uint32_t flags;
    lin &= 0xffffffffu;
    if (!cpu_paging(c)) {
        *phys = lin & c->a20_mask;
        return 0;
    }
    TRY(walk(c, lin, acc, user, phys, &flags));
    *phys &= c->a20_mask;
    return 0;
}

bool mmu_peek_translate(struct cpu *c, uint64_t lin, uint64_t *phys)
{
    lin &= 0xffffffffu;
    if (!cpu_paging(c)) {
        *phys = lin & c->a20_mask;
        return true;
    }
    uint32_t pde = phys_ld32(c, (c->cr3 & 0xfffff000u) + ((lin >> 22) & 0x3ff) * 4);
    if (!(pde & PG_P))
        return false;
    if ((pde & PG_PS) && (c->cr4 & CR4_PSE)) {
        *phys = ((pde & 0xffc00000u) | (lin & 0x3fffff)) & c->a20_mask;
        return true;
    }
    uint32_t pte = phys_ld32(c, (pde & 0xfffff000u) + ((lin >> 12) & 0x3ff) * 4);
    if (!(pte & PG_P))
        return false;
    *phys = ((pte & 0xfffff000u) | (lin & 0xfff)) & c->a20_mask;
    return true;
}

static bool is_user(const struct cpu *c, int flags)
{
    return !(flags & MMU_SUPER) && c->cpl == 3;
}

/* Split an access at a page boundary: translate both pages first. */
static int xlate_span(struct cpu *c, uint64_t lin, int size, int acc, bool user, uint64_t pa[2],
                      int *first)
{
    *first = size;
    if (((lin & 0xfff) + (uint64_t)size) > 0x1000)
        *first = (int)(0x1000 - (lin & 0xfff));
    TRY(mmu_translate(c, lin, acc, user, &pa[0]));
    if (*first < size)
        TRY(mmu_translate(c, (lin + (uint64_t)*first) & 0xffffffffu, acc, user, &pa[1]));
    return 0;
}

int mmu_read_lin(struct cpu *c, uint64_t lin, int size, uint32_t *val, int flags)
{
    uint64_t pa[2];
    int first;
    TRY(xlate_span(c, lin, size, MMU_READ, is_user(c, flags), pa, &first));
    if (first == size) {
        *val = bus_mem_read(c->bus, pa[0], size);
        return 0;
    }
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= bus_mem_read(c->bus, k < first ? pa[0] + (uint64_t)k : pa[1] + (uint64_t)(k - first), 1)
             << (8 * k);
    *val = v;
    return 0;
}

int mmu_write_lin(struct cpu *c, uint64_t lin, int size, uint32_t val, int flags)
{
    uint64_t pa[2];
    int first;
    TRY(xlate_span(c, lin, size, MMU_WRITE, is_user(c, flags), pa, &first));
    if (first == size) {
        bus_mem_write(c->bus, pa[0], val, size);
        return 0;
    }
    for (int k = 0; k < size; k++)
        bus_mem_write(c->bus, k < first ? pa[0] + (uint64_t)k : pa[1] + (uint64_t)(k - first),
                      (val >> (8 * k)) & 0xff, 1);
    return 0;
}

/* #AC: CPL 3, CR0.AM and EFLAGS.AC, and a misaligned operand (SDM 6.15). */
static int align_check(struct cpu *c, uint32_t off, int size)
{
    if (c->cpl == 3 && (c->cr0 & CR0_AM) && (c->eflags & FL_AC) && (off & (uint32_t)(size - 1)))
        return cpu_fault(c, EXC_AC, 0);
    return 0;
}

int mmu_read(struct cpu *c, int sreg, uint32_t off, int size, uint32_t *val)
{
    uint64_t lin;
    TRY(mmu_check(c, sreg, off, size, MMU_READ, &lin));
    TRY(align_check(c, off, size));
    return mmu_read_lin(c, lin, size, val, 0);
}

int mmu_write(struct cpu *c, int sreg, uint32_t off, int size, uint32_t val)
{
    uint64_t lin;
    TRY(mmu_check(c, sreg, off, size, MMU_WRITE, &lin));
    TRY(align_check(c, off, size));
    return mmu_write_lin(c, lin, size, val, 0);
}

int mmu_fetch(struct cpu *c, uint32_t off, uint8_t *buf, int max)
{
    const struct seg *cs = &c->seg[SEG_CS];
    if (!c->code32)
        off &= 0xffff;
    if (off > cs->limit)
        return -cpu_fault(c, EXC_GP, 0); /* CPU_FAULT is 1 */
    uint64_t lin = (cs->base + off) & 0xffffffffu, pa;
    if (mmu_translate(c, lin, MMU_EXEC, c->cpl == 3, &pa))
        return -1;
    uint32_t room = 0x1000 - (uint32_t)(lin & 0xfff);
    if (room > cs->limit - off + 1 && cs->limit - off + 1 != 0)
        room = cs->limit - off + 1;
    if (!c->code32 && room > 0x10000 - off)
        room = 0x10000 - off; /* IP wraps at 64 KiB: fetch again from 0 */
    int n = max < (int)room ? max : (int)room;
    uint8_t *p = bus_ram_ptr(c->bus, pa, (uint64_t)n);
    for (int k = 0; k < n; k++)
        buf[k] = p ? p[k] : (uint8_t)bus_mem_read(c->bus, pa + (uint64_t)k, 1);
    return n;
}

void mmu_flush(struct cpu *c, bool global)
{
    (void)global;
    for (unsigned k = 0; k < TLB_ENTRIES; k++)
        c->tlb.e[k].flags = 0;
}

void mmu_invlpg(struct cpu *c, uint64_t lin)
{
    c->tlb.e[(lin >> 12) & (TLB_ENTRIES - 1)].flags = 0;
}
