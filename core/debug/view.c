/*
 * view.c - what a front end sees of the machine: copies of the CPU,
 * memory reads, page walks and descriptor-table entries.
 *
 * Nothing here changes the machine. Memory is read the way a logic
 * analyser would look at it, not the way the CPU would: a linear address
 * goes through mmu_peek_translate() (no TLB fill, no accessed or dirty bit,
 * no #PF), and a physical address is read only where RAM or ROM lies (a
 * device register could change state on a read, so MMIO and empty space
 * are reported unreadable rather than read). Descriptor-table entries are
 * read through the same linear path, so the GDT's accessed bits stay as
 * the guest left them.
 */
#include "debug/dbg_impl.h"

#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "mmu/mmu.h"
#include "mmu/seg.h"

int dbg_cpu_mode(const struct cpu *c)
{
    int mode = !cpu_protected(c) ? DBG_MODE_REAL : cpu_v86(c) ? DBG_MODE_V86 : DBG_MODE_PROTECTED;
    return mode | (cpu_paging(c) ? DBG_MODE_PAGING : 0);
}

const char *dbg_mode_name(int mode)
{
    static const char *const names[8] = {"real",   "protected",        "v86",        "?",
                                         "real+paging", "protected+paging", "v86+paging", "?"};
    return names[mode & 7];
}

/* EFLAGS as the set flags' names and IOPL. */
static void decode_flags(uint32_t fl, char *out, size_t len)
{
    static const struct { uint32_t bit; const char *name; } flags[] = {
        {FL_CF, "CF"}, {FL_PF, "PF"}, {FL_AF, "AF"}, {FL_ZF, "ZF"},   {FL_SF, "SF"},
        {FL_TF, "TF"}, {FL_IF, "IF"}, {FL_DF, "DF"}, {FL_OF, "OF"},   {FL_NT, "NT"},
        {FL_RF, "RF"}, {FL_VM, "VM"}, {FL_AC, "AC"}, {FL_VIF, "VIF"}, {FL_VIP, "VIP"},
        {FL_ID, "ID"},
    };
    size_t n = 0;
    out[0] = '\0';
    for (size_t k = 0; k < sizeof flags / sizeof flags[0] && n < len; k++)
        if (fl & flags[k].bit)
            n += (size_t)snprintf(out + n, len - n, "%s ", flags[k].name);
    if (n < len)
        snprintf(out + n, len - n, "IOPL=%u", (fl & FL_IOPL) >> FL_IOPL_SHIFT);
}

void dbg_get_cpu(struct dbg *d, struct dbg_cpu_view *v)
{
    const struct cpu *c = d->c;
    memset(v, 0, sizeof *v);
    for (int r = 0; r < 8; r++)
        v->gpr[r] = c->gpr[r];
    for (int s = 0; s < DBG_NSEG; s++)
        v->seg[s] = (struct dbg_seg){c->seg[s].sel, c->seg[s].base, c->seg[s].limit,
                                     c->seg[s].attr};
    v->eip = c->eip;
    v->eflags = c->eflags;
    decode_flags(c->eflags, v->flags, sizeof v->flags);
    v->gdt_base = c->gdtr.base;
    v->gdt_limit = c->gdtr.limit;
    v->idt_base = c->idtr.base;
    v->idt_limit = c->idtr.limit;
    v->cr[0] = c->cr0, v->cr[2] = c->cr2, v->cr[3] = c->cr3, v->cr[4] = c->cr4;
    memcpy(v->dr, c->dr, sizeof v->dr);
    v->mode = dbg_cpu_mode(c);
    v->code32 = c->code32;
    v->cpl = c->cpl;
    v->halted = c->stop == CPU_HALTED;
    v->cycles = c->cycles;
    v->instructions = c->instructions;
}

/* One byte of RAM or ROM at phys, without touching a device. */
static bool peek_phys(const struct bus *b, uint64_t phys, uint8_t *out)
{
    const uint8_t *p = bus_ram_ptr((struct bus *)b, phys, 1);
    if (p) {
        *out = *p;
        return true;
    }
    for (int k = 0; k < b->n_mmio; k++) {
        const struct mmio_range *r = &b->mmio[k];
        if (phys - r->base < r->len) {
            if (r->rom)
                *out = r->rom[phys - r->base];
            return r->rom != NULL;
        }
    }
    return false;
}

/* Store byte k's answer; count it when readable. */
static size_t put(uint8_t *buf, uint8_t *ok, size_t k, bool good, uint8_t byte)
{
    buf[k] = good ? byte : 0;
    if (ok)
        ok[k] = good;
    return good;
}

size_t dbg_read_physical(struct dbg *d, uint64_t phys, uint8_t *buf, size_t len, uint8_t *ok)
{
    size_t got = 0;
    for (size_t k = 0; k < len; k++) {
        uint8_t byte = 0;
        /* Two statements: the order a call evaluates its arguments in is
         * unspecified, and byte must be read after peek_phys() fills it. */
        bool good = peek_phys(d->c->bus, phys + k, &byte);
        got += put(buf, ok, k, good, byte);
    }
    return got;
}

size_t dbg_read_linear(struct dbg *d, uint64_t lin, uint8_t *buf, size_t len, uint8_t *ok)
{
    size_t got = 0;
    uint64_t page = ~0ull, base = 0;
    bool mapped = false;
    for (size_t k = 0; k < len; k++) {
        uint32_t a = (uint32_t)(lin + k); /* 32-bit linear addresses wrap */
        uint8_t byte = 0;
        if ((a >> 12) != page) { /* one walk a page */
            page = a >> 12;
            mapped = mmu_peek_translate(d->c, a & ~0xfffu, &base);
        }
        bool good = mapped && peek_phys(d->c->bus, base + (a & 0xfffu), &byte);
        got += put(buf, ok, k, good, byte);
    }
    return got;
}

void dbg_walk(struct dbg *d, uint64_t lin, struct dbg_walk *w)
{
    struct mmu_walk mw;
    memset(w, 0, sizeof *w);
    w->ok = mmu_peek_walk(d->c, lin, &mw) == 0;
    w->paging = cpu_paging(d->c);
    w->pae = mw.pae;
    w->levels = mw.levels;
    for (int k = 0; k < 3; k++) {
        w->addr[k] = mw.addr[k];
        w->entry[k] = mw.entry[k];
    }
    w->page_size = mw.page_size;
    w->phys = w->ok ? mw.phys : 0;
    w->error = w->ok ? 0 : mw.error;
}

/* The name of a system descriptor type (S = 0). */
static const char *system_type(unsigned type)
{
    static const char *const names[16] = {
        "reserved",          "16-bit TSS",        "LDT",
        "16-bit TSS (busy)", "16-bit call gate",  "task gate",
        "16-bit interrupt gate", "16-bit trap gate", "reserved",
        "32-bit TSS",        "reserved",          "32-bit TSS (busy)",
        "32-bit call gate",  "reserved",          "32-bit interrupt gate",
        "32-bit trap gate",
    };
    return names[type & 15];
}

/* "code 32-bit RX conforming accessed", "data 16-bit RW expand-down". */
static void segment_type(uint16_t attr, char *out, size_t len)
{
    unsigned t = attr & SEG_ATTR_TYPE;
    bool code = t & SEG_TYPE_CODE;
    snprintf(out, len, "%s %s %s%s%s", code ? "code" : "data",
             attr & SEG_ATTR_DB ? "32-bit" : "16-bit",
             code ? (t & SEG_TYPE_READABLE ? "RX" : "X") : (t & SEG_TYPE_WRITABLE ? "RW" : "R"),
             t & 4 ? (code ? " conforming" : " expand-down") : "",
             t & SEG_TYPE_ACCESSED ? " accessed" : "");
}

/* Decode a raw descriptor into *out. */
static void decode_desc(uint32_t lo, uint32_t hi, struct dbg_desc *out)
{
    struct desc raw = {lo, hi};
    uint16_t attr = desc_attr(raw);
    unsigned type = attr & SEG_ATTR_TYPE;
    memset(out, 0, sizeof *out);
    out->lo = lo, out->hi = hi;
    out->dpl = (attr & SEG_ATTR_DPL) >> SEG_ATTR_DPL_SHIFT;
    out->present = attr & SEG_ATTR_P;
    out->system = !(attr & SEG_ATTR_S);
    out->base = desc_base(raw);
    out->limit = desc_limit(raw);
    if (!out->system) {
        segment_type(attr, out->type, sizeof out->type);
        return;
    }
    snprintf(out->type, sizeof out->type, "%s", system_type(type));
    if (type == DESC_CALLGATE16 || type == DESC_CALLGATE32 || type == DESC_TASKGATE ||
        (type & 6) == 6) { /* gates: a selector and an offset instead of base and limit */
        out->selector = (uint16_t)(lo >> 16);
        out->offset = (lo & 0xffffu) | (hi & 0xffff0000u);
        out->base = 0, out->limit = 0;
    }
}

/* Entry index of a table at base with limit: 0, or -1. */
static int table_entry(struct dbg *d, uint64_t base, uint32_t limit, unsigned index,
                       struct dbg_desc *out)
{
    uint8_t raw[8];
    if ((uint64_t)index * 8 + 7 > limit)
        return -1;
    if (dbg_read_linear(d, base + (uint64_t)index * 8, raw, 8, NULL) != 8)
        return -1;
    uint32_t lo = raw[0] | raw[1] << 8 | raw[2] << 16 | (uint32_t)raw[3] << 24;
    uint32_t hi = raw[4] | raw[5] << 8 | raw[6] << 16 | (uint32_t)raw[7] << 24;
    decode_desc(lo, hi, out);
    return 0;
}

int dbg_gdt_entry(struct dbg *d, unsigned index, struct dbg_desc *out)
{
    return table_entry(d, d->c->gdtr.base, d->c->gdtr.limit, index, out);
}

/* In real mode the IDTR points at the IVT, whose entries are 4 bytes: this
 * decodes protected-mode IDTs only. */
int dbg_idt_entry(struct dbg *d, unsigned index, struct dbg_desc *out)
{
    return table_entry(d, d->c->idtr.base, d->c->idtr.limit, index, out);
}

/* The LDT is the one LDTR's descriptor cache describes (LLDT loaded it).
 * A null LDTR is "no LDT", though the cache a reset leaves is usable on
 * hardware: no kernel means that one. */
int dbg_ldt_entry(struct dbg *d, unsigned index, struct dbg_desc *out)
{
    const struct seg *ldt = &d->c->seg[SEG_LDTR];
    if (!(ldt->attr & SEG_ATTR_P) || (ldt->sel & 0xfffc) == 0)
        return -1;
    return table_entry(d, ldt->base, ldt->limit, index, out);
}

size_t dbg_devices(struct dbg *d, const struct devinfo **out)
{
    return emu_devices(d->m, out);
}
