/*
 * seg.c - segment descriptors and segment-register loads (SDM vol. 3,
 * chapter 3 "Protected-mode memory management" and chapter 5 "Protection").
 *
 * A selector is 16 bits: index (15:3), table indicator TI (2: 0 = GDT,
 * 1 = LDT) and the requested privilege level RPL (1:0). The index picks an
 * 8-byte descriptor whose fields are scattered for 286 compatibility:
 *
 *   lo: limit 15:0 | base 15:0 << 16
 *   hi: base 23:16 | access byte << 8 | limit 19:16 << 16 | AVL L D/B G << 20
 *       | base 31:24 << 24
 *
 * The access byte is type (4 bits), S (code/data versus system), DPL and P.
 * We keep it, plus the four flag bits, in the AMD VMCB "attrib" layout
 * (cpu.h), which is simply the access byte followed by the flag nibble.
 *
 * Loading DS/ES/FS/GS/SS (MOV, POP, LDS and friends) follows the MOV
 * pseudo-code of the SDM: selector checks, then type and privilege, then
 * presence, then the accessed bit is written back to the descriptor table
 * and the hidden cache filled. In real mode only the base changes (base =
 * selector * 16); limit and attributes stay, which is why "unreal mode" (a
 * 4 GiB limit left over from protected mode) works. In virtual-8086 mode
 * the cache becomes a 64 KiB writable DPL-3 data segment.
 *
 * Error codes that name a selector carry its index and TI bit with the low
 * two bits clear: the delivery code sets EXT there when it applies.
 *
 * Not emulated: the 286 descriptor format's reserved word (we read it as a
 * 386 descriptor, as every 386+ does), and locked bus cycles for the
 * accessed-bit update (there is one CPU).
 */
#include "seg.h"

#include "mmu.h"

/* The error code of a fault naming a selector: its index and TI bit; the
 * RPL bits become EXT and IDT, which the delivery code sets when they apply. */
static uint32_t sel_err(uint16_t sel)
{
    return sel & 0xfffcu;
}

/* Attributes of a v86-mode segment: present, writable, accessed data, DPL 3. */
#define V86_ATTR                                                                                   \
    (SEG_ATTR_P | SEG_ATTR_S | (3u << SEG_ATTR_DPL_SHIFT) | SEG_TYPE_WRITABLE | SEG_TYPE_ACCESSED)

/* What a real-mode load makes of a cache marked unusable: a present,
 * writable, accessed data segment (the limit is left as it was). */
#define REAL_USABLE_ATTR (SEG_ATTR_P | SEG_ATTR_S | SEG_TYPE_WRITABLE | SEG_TYPE_ACCESSED)

uint32_t desc_base(struct desc d)
{
    return (d.lo >> 16) | ((d.hi & 0xffu) << 16) | (d.hi & 0xff000000u);
}

uint32_t desc_limit(struct desc d)
{
    uint32_t limit = (d.lo & 0xffffu) | (d.hi & 0x000f0000u);
    /* G = 1: the limit counts 4 KiB pages, and the low 12 bits of the last
     * byte's offset are all ones. */
    if (d.hi & (1u << 23))
        limit = (limit << 12) | 0xfffu;
    return limit;
}

uint16_t desc_attr(struct desc d)
{
    /* Access byte (hi 15:8) to attr 7:0; flags (hi 23:20) to attr 11:8. */
    return (uint16_t)(((d.hi >> 8) & 0xffu) | ((d.hi >> 12) & 0xf00u));
}

/* Linear address of the descriptor sel names, or false when the index lies
 * outside its table (or TI = 1 and LDTR holds no usable LDT). */
static bool desc_addr(const struct cpu *c, uint16_t sel, uint64_t *lin)
{
    uint64_t base;
    uint32_t limit;

    if (sel & 4) {
        const struct seg *ldt = &c->seg[SEG_LDTR];
        if (!(ldt->attr & SEG_ATTR_P))
            return false;
        base = ldt->base;
        limit = ldt->limit;
    } else {
        base = c->gdtr.base;
        limit = c->gdtr.limit;
    }
    /* The whole 8 bytes must lie inside the table: offset + 7 <= limit. */
    if ((uint32_t)(sel | 7u) > limit)
        return false;
    *lin = (base + (sel & 0xfff8u)) & 0xffffffffu;
    return true;
}

int seg_read_desc(struct cpu *c, uint16_t sel, struct desc *d, int vec)
{
    uint64_t lin;
    if (!desc_addr(c, sel, &lin))
        return cpu_fault(c, vec, sel_err(sel));
    /* Descriptor tables are system data: read as supervisor at any CPL. */
    TRY(mmu_read_lin(c, lin, 4, &d->lo, MMU_SUPER));
    TRY(mmu_read_lin(c, (lin + 4) & 0xffffffffu, 4, &d->hi, MMU_SUPER));
    return 0;
}

int seg_write_desc(struct cpu *c, uint16_t sel, struct desc d)
{
    uint64_t lin;
    if (!desc_addr(c, sel, &lin))
        return cpu_fault(c, EXC_GP, sel_err(sel));
    /* Only the high dword holds the bits the CPU updates (accessed, busy);
     * writing just it keeps the update to the bytes hardware touches. */
    return mmu_write_lin(c, (lin + 4) & 0xffffffffu, 4, d.hi, MMU_SUPER);
}

void seg_load_cache(struct cpu *c, int sreg, uint16_t sel, struct desc d)
{
    struct seg *s = &c->seg[sreg];
    s->sel = sel;
    s->base = desc_base(d);
    s->limit = desc_limit(d);
    s->attr = desc_attr(d);
    seg_fast_update(s);
    if (sreg == SEG_CS)
        c->cs_rpl_stale = false;
    cpu_update_mode(c);
}

void seg_load_cs(struct cpu *c, uint16_t sel, struct desc d, unsigned cpl)
{
    /* CS.RPL is the CPL: cpu_update_mode reads the CPL back from it. */
    seg_load_cache(c, SEG_CS, (uint16_t)((sel & 0xfffcu) | (cpl & 3u)), d);
}

void seg_null_outer(struct cpu *c)
{
    static const int data_regs[] = {SEG_ES, SEG_DS, SEG_FS, SEG_GS};
    for (unsigned k = 0; k < sizeof data_regs / sizeof data_regs[0]; k++) {
        struct seg *s = &c->seg[data_regs[k]];
        unsigned type = s->attr & SEG_ATTR_TYPE;
        unsigned dpl = (s->attr & SEG_ATTR_DPL) >> SEG_ATTR_DPL_SHIFT;
        bool conforming_code = (type & SEG_TYPE_CODE) && (type & SEG_TYPE_CONFORM);
        /* The check uses the DPL in the hidden cache, not the table: a
         * return must not leave the outer level a window on inner data. */
        if (!conforming_code && dpl < c->cpl)
            *s = seg_make(0, 0, 0, 0);
    }
    cpu_update_mode(c);
}

/* Real and virtual-8086 mode: the base is selector * 16. */
static void load_real(struct cpu *c, int sreg, uint16_t sel)
{
    cpu_load_real_seg(c, sreg, sel);
    struct seg *s = &c->seg[sreg];
    if (cpu_v86(c)) {
        s->limit = 0xffff;
        s->attr = V86_ATTR;
    } else if (!(s->attr & SEG_ATTR_P)) {
        s->attr = REAL_USABLE_ATTR; /* a null left by protected mode */
    }
    cpu_seg_changed(c, sreg); /* fast_end, seg_flat; SS's B bit may have changed (v86) */
}

/* Type and privilege checks for SS (SDM MOV: "IF SS is loaded"). */
static int check_ss(struct cpu *c, uint16_t sel, uint16_t attr)
{
    unsigned type = attr & SEG_ATTR_TYPE;
    unsigned dpl = (attr & SEG_ATTR_DPL) >> SEG_ATTR_DPL_SHIFT;
    if ((sel & 3u) != c->cpl || dpl != c->cpl || !(attr & SEG_ATTR_S) || (type & SEG_TYPE_CODE) ||
        !(type & SEG_TYPE_WRITABLE))
        return cpu_fault(c, EXC_GP, sel_err(sel));
    if (!(attr & SEG_ATTR_P))
        return cpu_fault(c, EXC_SS, sel_err(sel));
    return 0;
}

/* Type and privilege checks for DS, ES, FS and GS: data or readable code;
 * unless conforming code, both RPL and CPL must be at most the DPL. */
static int check_data(struct cpu *c, uint16_t sel, uint16_t attr)
{
    unsigned type = attr & SEG_ATTR_TYPE;
    unsigned dpl = (attr & SEG_ATTR_DPL) >> SEG_ATTR_DPL_SHIFT;
    bool code = (type & SEG_TYPE_CODE) != 0;
    if (!(attr & SEG_ATTR_S) || (code && !(type & SEG_TYPE_READABLE)))
        return cpu_fault(c, EXC_GP, sel_err(sel));
    if ((!code || !(type & SEG_TYPE_CONFORM)) && ((sel & 3u) > dpl || c->cpl > dpl))
        return cpu_fault(c, EXC_GP, sel_err(sel));
    if (!(attr & SEG_ATTR_P))
        return cpu_fault(c, EXC_NP, sel_err(sel));
    return 0;
}

/* Protected mode: the full MOV/POP/LxS load. */
static int load_protected(struct cpu *c, int sreg, uint16_t sel)
{
    struct desc d;

    if ((sel & 0xfffcu) == 0) {
        if (sreg == SEG_SS)
            return cpu_fault(c, EXC_GP, 0);
        /* A null selector may sit in a data register; any use of it then
         * raises #GP(0) because the cache is marked not present. */
        c->seg[sreg] = seg_make(sel, 0, 0, 0);
        cpu_update_mode(c);
        return 0;
    }
    TRY(seg_read_desc(c, sel, &d, EXC_GP));
    uint16_t attr = desc_attr(d);
    TRY(sreg == SEG_SS ? check_ss(c, sel, attr) : check_data(c, sel, attr));
    if (!(d.hi & (SEG_TYPE_ACCESSED << 8))) {
        d.hi |= SEG_TYPE_ACCESSED << 8;
        TRY(seg_write_desc(c, sel, d));
    }
    seg_load_cache(c, sreg, sel, d);
    return 0;
}

int seg_load(struct cpu *c, int sreg, uint16_t sel)
{
    if (!cpu_protected(c) || cpu_v86(c))
        load_real(c, sreg, sel);
    else
        TRY(load_protected(c, sreg, sel));
    return 0;
}
