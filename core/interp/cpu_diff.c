/*
 * cpu_diff.c - comparing two CPUs, register by register: how the lock-step
 * mode and the tests check that the threaded core and the switch core agree.
 *
 * "Agree" means everything a later instruction could see or the clock could
 * count: the general registers, EIP and the EIP of the last instruction,
 * EFLAGS, all eight segment registers with their hidden descriptor caches,
 * GDTR and IDTR, CR0-CR4, DR0-DR7 and the pending debug trap, the storage
 * MSRs, the x87's registers, control, status and tag words and pointers,
 * the derived mode state (CPL, code and stack size), the exception
 * last raised, the halt state, the interrupt shadow and pins, the cycle and
 * instruction counters, and the TLB: its walk count and every valid entry,
 * because a TLB that differs makes the next page walk, and its cycles,
 * differ. Not compared: the slice deadline and stop request (the run loop's
 * business), the hooks, and host pointers (two machines have two RAMs).
 *
 * The report is one line per difference, "name: a | b" in hex (decimal for
 * the counters), so that a divergence reads like a register dump with only
 * the interesting lines left.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "emu.h"
#include "exec.h"

/* The report being written. */
struct diff_out {
    char *p;     /* where the next line goes */
    size_t left; /* room left, including the terminating NUL */
    int n;       /* differences found, reported or not */
};

/* A scalar field of struct cpu. */
struct field {
    const char *name; /* as reported */
    size_t off;       /* offsetof in struct cpu */
    size_t size;      /* 1, 2, 4 or 8 bytes */
    bool dec;         /* a counter: print in decimal */
};

#define FIELD(name, member, dec)                                                                   \
    {                                                                                              \
        name, offsetof(struct cpu, member), SIZEOF(member), dec                                    \
    }
#define SIZEOF(member)    sizeof(((struct cpu *)0)->member)
#define HEX(name, member) FIELD(name, member, false)
#define DEC(name, member) FIELD(name, member, true)

static const struct field fields[] = {
    HEX("eip", eip),
    HEX("insn_eip", prev_eip),
    HEX("eflags", eflags),
    HEX("gdtr.base", gdtr.base),
    HEX("gdtr.limit", gdtr.limit),
    HEX("idtr.base", idtr.base),
    HEX("idtr.limit", idtr.limit),
    HEX("cr0", cr0),
    HEX("cr2", cr2),
    HEX("cr3", cr3),
    HEX("cr4", cr4),
    HEX("dr6_pending", dr6_pending),
    HEX("cpl", cpl),
    HEX("cs_rpl_stale", cs_rpl_stale),
    HEX("code32", code32),
    HEX("stack32", stack32),
    HEX("msr.apic_base", msr.apic_base),
    HEX("msr.sysenter_cs", msr.sysenter_cs),
    HEX("msr.sysenter_esp", msr.sysenter_esp),
    HEX("msr.sysenter_eip", msr.sysenter_eip),
    HEX("msr.efer", msr.efer),
    HEX("msr.tsc_offset", msr.tsc_offset),
    HEX("exc.vector", exc.vector),
    HEX("exc.has_error", exc.has_error),
    HEX("exc.error", exc.error),
    DEC("exc_depth", exc_depth),
    DEC("stop", stop),
    HEX("intr_shadow", intr_shadow),
    HEX("nmi_pending", nmi_pending),
    HEX("intr_line", intr_line),
    DEC("cycles", cycles),
    DEC("instructions", instructions),
    HEX("a20_mask", a20_mask),
    DEC("tlb.misses", tlb.misses),
    HEX("cycle_extra", cycle_extra),
    DEC("stats.exceptions", stats.exceptions),
    DEC("stats.interrupts", stats.interrupts),
    HEX("fpu.cw", fpu.cw),
    HEX("fpu.sw", fpu.sw),
    HEX("fpu.top", fpu.top),
    HEX("fpu.tw", fpu.tw),
    HEX("fpu.fop", fpu.fop),
    HEX("fpu.fip", fpu.fip),
    HEX("fpu.fcs", fpu.fcs),
    HEX("fpu.fdp", fpu.fdp),
    HEX("fpu.fds", fpu.fds),
};

static const char *const gpr_names[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
static const char *const seg_names[SEG_COUNT] = {"es", "cs", "ss", "ds", "fs", "gs", "ldtr", "tr"};

/* Note one difference, and report it while there is room. */
static void emit(struct diff_out *d, const char *name, uint64_t a, uint64_t b, bool dec)
{
    if (a == b)
        return;
    d->n++;
    if (d->left <= 1)
        return;
    int k = dec ? snprintf(d->p, d->left, "%s: %llu | %llu\n", name, (unsigned long long)a,
                           (unsigned long long)b)
                : snprintf(d->p, d->left, "%s: %08llx | %08llx\n", name, (unsigned long long)a,
                           (unsigned long long)b);
    size_t used = k < 0 ? 0 : (size_t)k < d->left ? (size_t)k : d->left - 1;
    d->p += used;
    d->left -= used;
}

/* The same for a numbered name, "prefix<k>suffix", made only when the
 * values differ (this runs after every lock-step slice). */
static void emit_indexed(struct diff_out *d, const char *prefix, unsigned k, const char *suffix,
                         uint64_t a, uint64_t b)
{
    char name[32];
    if (a == b)
        return;
    snprintf(name, sizeof name, "%s%u%s", prefix, k, suffix);
    emit(d, name, a, b, false);
}

/* And for a field of segment register s: "cs.base". */
static void emit_seg(struct diff_out *d, int s, const char *field, uint64_t a, uint64_t b)
{
    char name[32];
    if (a == b)
        return;
    snprintf(name, sizeof name, "%s.%s", seg_names[s], field);
    emit(d, name, a, b, false);
}

static uint64_t load(const struct cpu *c, const struct field *f)
{
    uint64_t v = 0;
    memcpy(&v, (const char *)c + f->off, f->size); /* little-endian host, as everywhere */
    return v;
}

static void diff_segments(struct diff_out *d, const struct cpu *a, const struct cpu *b)
{
    for (int s = 0; s < SEG_COUNT; s++) {
        const struct seg *x = &a->seg[s], *y = &b->seg[s];
        emit_seg(d, s, "sel", x->sel, y->sel);
        emit_seg(d, s, "base", x->base, y->base);
        emit_seg(d, s, "limit", x->limit, y->limit);
        emit_seg(d, s, "attr", x->attr, y->attr);
    }
}

/* Valid TLB entries must match in tag, rights and frame. */
static void diff_tlb(struct diff_out *d, const struct cpu *a, const struct cpu *b)
{
    for (unsigned k = 0; k < TLB_ENTRIES; k++) {
        const struct tlb_entry *x = &a->tlb.e[k], *y = &b->tlb.e[k];
        uint32_t fx = x->flags & TLB_VALID ? x->flags : 0, fy = y->flags & TLB_VALID ? y->flags : 0;
        emit_indexed(d, "tlb[", k, "].flags", fx, fy);
        if (!fx || !fy)
            continue;
        emit_indexed(d, "tlb[", k, "].lpage", x->lpage, y->lpage);
        emit_indexed(d, "tlb[", k, "].ppage", x->ppage, y->ppage);
    }
}

int cpu_diff(const struct cpu *a, const struct cpu *b, char *out, size_t len)
{
    struct diff_out d = {out, len, 0};
    if (len)
        out[0] = '\0';
    for (int r = 0; r < 8; r++)
        emit(&d, gpr_names[r], a->gpr[r], b->gpr[r], false);
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
        emit(&d, fields[k].name, load(a, &fields[k]), load(b, &fields[k]), fields[k].dec);
    diff_segments(&d, a, b);
    for (unsigned r = 0; r < 8; r++)
        emit_indexed(&d, "dr", r, "", a->dr[r], b->dr[r]);
    for (unsigned r = 0; r < 8; r++) { /* the x87's physical registers R0-R7 */
        emit_indexed(&d, "fpu.r", r, ".m", a->fpu.r[r].m, b->fpu.r[r].m);
        emit_indexed(&d, "fpu.r", r, ".se", a->fpu.r[r].se, b->fpu.r[r].se);
    }
    diff_tlb(&d, a, b);
    return d.n;
}

/* RAM: the first differing byte, and how many differ. */
static void diff_ram(struct diff_out *d, const struct bus *a, const struct bus *b)
{
    char name[48];
    if (a->ram_size != b->ram_size) {
        emit(d, "ram_size", a->ram_size, b->ram_size, true);
        return;
    }
    if (memcmp(a->ram, b->ram, a->ram_size) == 0)
        return;
    uint64_t first = 0, count = 0;
    for (uint64_t k = a->ram_size; k-- > 0;) {
        if (a->ram[k] != b->ram[k]) {
            first = k;
            count++;
        }
    }
    snprintf(name, sizeof name, "ram[%#llx] (%llu bytes differ)", (unsigned long long)first,
             (unsigned long long)count);
    emit(d, name, a->ram[first], b->ram[first], false);
}

int emu_diff(struct emu *a, struct emu *b, bool memory, char *out, size_t len)
{
    const struct cpu *x = emu_cpu(a), *y = emu_cpu(b);
    int n = cpu_diff(x, y, out, len);
    if (!memory)
        return n;
    size_t used = len ? strlen(out) : 0;
    struct diff_out d = {out + used, len - used, n};
    diff_ram(&d, x->bus, y->bus);
    return d.n;
}
