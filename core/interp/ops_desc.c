/*
 * ops_desc.c - the instructions that test a selector for a caller: the
 * probes LAR, LSL, VERR, VERW (0F 02, 0F 03, 0F 00 /4-/5) and ARPL (63).
 * SDM vol. 2 for each; vol. 3, 3.5 (system descriptor types) and 5.10
 * (pointer validation).
 *
 * A kernel handed a pointer by less privileged code checks it with these
 * before using it. The probes never fault on a bad selector: ZF = 1 says
 * the selector is usable (and LAR/LSL then load the access rights or the
 * limit), ZF = 0 says it is not. Only a page fault while reading the
 * descriptor table is raised. What "usable" means:
 *   - the selector is not null and lies inside the GDT or LDT;
 *   - its DPL is at least both the CPL and the selector's RPL, except for
 *     conforming code segments, which any level may use;
 *   - LAR accepts code, data, TSS, LDT, call gates and task gates; LSL only
 *     the descriptors that have a limit (code, data, TSS, LDT); VERR needs
 *     data or readable code, VERW writable data.
 *
 * ARPL raises a selector's RPL to at least another's: a kernel uses it on a
 * selector received from a caller, so that the caller cannot hand over a
 * better privilege than its own.
 *
 * All of these are #UD in real and virtual-8086 mode: there are no
 * descriptors to test there. The upper 4 bits of the limit in LAR's 32-bit
 * result (listed as undefined in the SDM) read as 0 here.
 */
#include "ops.h"

#include "mmu/seg.h"

/* LAR's mask on the descriptor's high dword: access byte and flags (the
 * limit 19:16 between them is cleared, see the essay). */
#define LAR_MASK32 0x00f0ff00u
#define LAR_MASK16 0x0000ff00u

/* #UD outside protected mode proper. */
static int need_protected(struct cpu *c)
{
    if (!cpu_protected(c) || cpu_v86(c))
        return cpu_fault(c, EXC_UD, 0);
    return 0;
}

/* The descriptor type with S: 0x10 | type for code/data, type for system. */
static unsigned desc_kind(struct desc d)
{
    return desc_attr(d) & (SEG_ATTR_S | SEG_ATTR_TYPE);
}

/* Read the descriptor a probe's r/m16 selector names. *found is false for
 * a null selector or one outside its table: that is a ZF = 0 answer, not a
 * fault. A page fault on the table itself is raised. */
static int probe(struct cpu *c, const struct insn *i, uint16_t *sel, struct desc *d, bool *found)
{
    uint32_t v;

    *found = false;
    TRY(need_protected(c));
    TRY(rm_read(c, i, 2, &v));
    *sel = (uint16_t)v;
    if ((*sel & 0xfffcu) == 0)
        return 0;
    if (seg_read_desc(c, *sel, d, EXC_GP)) {
        /* seg_read_desc raises #GP only for the table limit. */
        return c->exc.vector == EXC_GP ? 0 : CPU_FAULT;
    }
    *found = true;
    return 0;
}

/* May the current level see this descriptor through selector sel? */
static bool probe_visible(const struct cpu *c, uint16_t sel, struct desc d)
{
    unsigned kind = desc_kind(d);
    unsigned dpl = (desc_attr(d) & SEG_ATTR_DPL) >> SEG_ATTR_DPL_SHIFT;
    bool conforming = (kind & (SEG_ATTR_S | SEG_TYPE_CODE | SEG_TYPE_CONFORM)) ==
                      (SEG_ATTR_S | SEG_TYPE_CODE | SEG_TYPE_CONFORM);
    return conforming || (dpl >= c->cpl && dpl >= (sel & 3u));
}

static void set_zf(struct cpu *c, bool on)
{
    c->eflags = on ? (c->eflags | FL_ZF) : (c->eflags & ~FL_ZF);
}

/* The system types LAR reports (LSL takes only those with a limit). */
static bool lar_type_ok(unsigned kind, bool lsl)
{
    if (kind & SEG_ATTR_S)
        return true;
    switch (kind) {
    case DESC_TSS16_AVAIL:
    case DESC_LDT:
    case DESC_TSS16_BUSY:
    case DESC_TSS32_AVAIL:
    case DESC_TSS32_BUSY: return true;
    case DESC_CALLGATE16:
    case DESC_TASKGATE:
    case DESC_CALLGATE32: return !lsl;
    default: return false; /* reserved types, interrupt and trap gates */
    }
}

/* LAR r, r/m16 (0F 02): access rights of the descriptor. */
int op_lar(struct cpu *c, const struct insn *i)
{
    uint16_t sel;
    struct desc d;
    bool ok;

    TRY(probe(c, i, &sel, &d, &ok));
    ok = ok && lar_type_ok(desc_kind(d), false) && probe_visible(c, sel, d);
    if (ok)
        reg_set(c, i->modrm.reg, i->osize, d.hi & (i->osize == 4 ? LAR_MASK32 : LAR_MASK16));
    set_zf(c, ok);
    return 0;
}

/* LSL r, r/m16 (0F 03): the limit in bytes (granularity applied). */
int op_lsl(struct cpu *c, const struct insn *i)
{
    uint16_t sel;
    struct desc d;
    bool ok;

    TRY(probe(c, i, &sel, &d, &ok));
    ok = ok && lar_type_ok(desc_kind(d), true) && probe_visible(c, sel, d);
    if (ok)
        reg_set(c, i->modrm.reg, i->osize, desc_limit(d));
    set_zf(c, ok);
    return 0;
}

/* VERR r/m16 (0F 00 /4): readable at the current level? */
int op_verr(struct cpu *c, const struct insn *i)
{
    uint16_t sel;
    struct desc d;
    bool ok;

    TRY(probe(c, i, &sel, &d, &ok));
    unsigned kind = ok ? desc_kind(d) : 0;
    bool code = (kind & SEG_TYPE_CODE) != 0;
    ok = ok && (kind & SEG_ATTR_S) && (!code || (kind & SEG_TYPE_READABLE)) &&
         probe_visible(c, sel, d);
    set_zf(c, ok);
    return 0;
}

/* VERW r/m16 (0F 00 /5): writable at the current level? */
int op_verw(struct cpu *c, const struct insn *i)
{
    uint16_t sel;
    struct desc d;
    bool ok;

    TRY(probe(c, i, &sel, &d, &ok));
    unsigned kind = ok ? desc_kind(d) : 0;
    ok = ok && (kind & SEG_ATTR_S) && !(kind & SEG_TYPE_CODE) && (kind & SEG_TYPE_WRITABLE) &&
         probe_visible(c, sel, d);
    set_zf(c, ok);
    return 0;
}

/* ARPL r/m16, r16 (63): if the destination's RPL is below the source's,
 * raise it to that and set ZF; else clear ZF. */
int op_arpl(struct cpu *c, const struct insn *i)
{
    uint32_t dst;

    TRY(need_protected(c));
    TRY(rm_read(c, i, 2, &dst));
    uint32_t src_rpl = reg_get(c, i->modrm.reg, 2) & 3u;
    bool adjust = (dst & 3u) < src_rpl;
    if (adjust)
        TRY(rm_write(c, i, 2, (dst & ~3u) | src_rpl));
    set_zf(c, adjust);
    return 0;
}
